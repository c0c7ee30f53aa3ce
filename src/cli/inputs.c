#define _GNU_SOURCE        /* scandirat */
#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 64
/* The most directories held open at once, and at most a quarter of the
 * descriptors the process may open. Past it (thousands of directories of
 * a file or two, found while the pack loads, or a low `ulimit -n`) a
 * directory's files are opened by their paths, and the descriptors stay
 * for the files. */
#define HELD_DIRS_MAX 128

struct input_dir {
	int fd;
	atomic_size_t holders;
};

static atomic_size_t held_dirs;

/* HELD_DIRS_MAX, or a quarter of the soft limit on descriptors. */
static size_t held_dirs_max(void)
{
	static atomic_size_t known; /* the answer plus one; 0 until asked */
	size_t m = atomic_load_explicit(&known, memory_order_relaxed);
	if (m)
		return m - 1;
	struct rlimit rl;
	m = HELD_DIRS_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 4 < m)
		m = (size_t)(rl.rlim_cur / 4);
	atomic_store_explicit(&known, m + 1, memory_order_relaxed);
	return m;
}

input_dir *input_dir_hold(input_dir *d)
{
	if (d)
		atomic_fetch_add_explicit(&d->holders, 1, memory_order_relaxed);
	return d;
}

void input_dir_release(input_dir *d)
{
	if (!d || atomic_fetch_sub_explicit(&d->holders, 1, memory_order_acq_rel) != 1)
		return;
	close(d->fd);
	atomic_fetch_sub_explicit(&held_dirs, 1, memory_order_relaxed);
	free(d);
}

int input_open(const input_dir *dir, const char *name, size_t base_at, int flags)
{
	return dir ? openat(dir->fd, name + base_at, flags) : open(name, flags);
}

int input_stat(const input_dir *dir, const char *name, size_t base_at, struct stat *sb)
{
	return dir ? fstatat(dir->fd, name + base_at, sb, 0) : stat(name, sb);
}

static int input_lstat(const input_dir *dir, const char *name, size_t base_at, struct stat *sb)
{
	return dir ? fstatat(dir->fd, name + base_at, sb, AT_SYMLINK_NOFOLLOW) : lstat(name, sb);
}

/* The directory path, held once; NULL where too many are held or it cannot
 * be opened: the walk then reads it by its path, and reports there what
 * is wrong. nofollow: it was no link when the walk looked. */
static input_dir *dir_open(const input_dir *parent, const char *path, size_t base_at, bool nofollow)
{
	if (atomic_load_explicit(&held_dirs, memory_order_relaxed) >= held_dirs_max())
		return NULL;
	input_dir *d = malloc(sizeof(*d));
	if (!d)
		return NULL;
	d->fd = input_open(parent, path, base_at, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
	if (d->fd < 0) {
		free(d);
		return NULL;
	}
	atomic_init(&d->holders, 1);
	atomic_fetch_add_explicit(&held_dirs, 1, memory_order_relaxed);
	return d;
}

typedef struct dir_id {
	dev_t dev;
	ino_t ino;
} dir_id;

typedef struct walk {
	const input_filter *filter;
	walk_counts *counts;
	const input_callbacks *cb;
	dir_id chain[MAX_DEPTH + 2]; /* the directories being read, root first */
	size_t depth;
} walk;

/* A glob matches the path relative to the directory given, or the base
 * name, so "*.txt" works at any depth and a glob with a slash (such as
 * "drafts/[0-9]*") in one place. */
static bool matches_any(const char *const *globs, size_t n, const char *rel, const char *base)
{
	for (size_t i = 0; i < n; i++)
		if (fnmatch(globs[i], rel, FNM_PATHNAME) == 0 || fnmatch(globs[i], base, 0) == 0)
			return true;
	return false;
}

static char *join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl && dir[dl - 1] != '/';
	char *p = malloc(dl + slash + nl + 1);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, name, nl + 1);
	return p;
}

static int visit_dir(walk *w, const input_dir *parent, const char *dir, size_t base_at, const char *rel,
                     bool nofollow);

static int enter_dir(walk *w, const input_dir *parent, const char *path, size_t base_at, const char *rel,
                     const struct stat *sb, bool nofollow)
{
	const input_filter *f = w->filter;
	const char *base = path + base_at;
	if (f && matches_any(f->exclude, f->n_exclude, rel, base)) {
		w->counts->excluded++;
		return 0;
	}
	for (size_t i = 0; i <= w->depth; i++) {
		if (w->chain[i].dev == sb->st_dev && w->chain[i].ino == sb->st_ino) {
			w->counts->loops++;
			if (w->cb->notice)
				w->cb->notice(path, "not followed: it leads back to a directory being read (a link loop)",
				              w->cb->userdata);
			return 0;
		}
	}
	if (w->depth >= MAX_DEPTH) {
		w->cb->skip(path, SKIP_OTHER, "directories nested too deep", w->cb->userdata);
		return 0;
	}
	w->chain[++w->depth] = (dir_id){ sb->st_dev, sb->st_ino };
	int rc = visit_dir(w, parent, path, base_at, rel, nofollow);
	w->depth--;
	return rc;
}

static int take_file(walk *w, input_dir *dir, const char *path, size_t base_at, const char *rel,
                     const struct stat *st)
{
	const input_filter *f = w->filter;
	const char *base = path + base_at;
	if (f && ((f->n_include && !matches_any(f->include, f->n_include, rel, base)) ||
	          matches_any(f->exclude, f->n_exclude, rel, base))) {
		w->counts->excluded++;
		return 0;
	}
	input_file file = { .name = path, .dir = dir, .base_at = dir ? base_at : 0, .st = st };
	return w->cb->file(&file, w->cb->userdata);
}

static int visit_entry(walk *w, input_dir *dir, const char *path, size_t base_at, const char *rel, unsigned char type)
{
	struct stat lsb, sb;
	/* The directory says what most entries are: a regular file needs no
	 * lstat (a lookup of its own, as long as opening it), and one that is
	 * gone by now is reported when it is opened. */
	if (type == DT_REG)
		return take_file(w, dir, path, base_at, rel, NULL);
	if (input_lstat(dir, path, base_at, &lsb) != 0) {
		w->cb->skip(path, SKIP_UNREADABLE, strerror(errno), w->cb->userdata);
		return 0;
	}
	if (S_ISDIR(lsb.st_mode))
		return enter_dir(w, dir, path, base_at, rel, &lsb, true);
	if (S_ISREG(lsb.st_mode))
		return take_file(w, dir, path, base_at, rel, &lsb);
	if (!S_ISLNK(lsb.st_mode)) {
		w->cb->skip(path, SKIP_OTHER, "not a regular file", w->cb->userdata);
		return 0;
	}
	if (input_stat(dir, path, base_at, &sb) != 0) {
		w->cb->skip(path, SKIP_UNREADABLE, strerror(errno), w->cb->userdata);
		return 0;
	}
	if (S_ISREG(sb.st_mode))
		return take_file(w, dir, path, base_at, rel, &sb);
	if (S_ISDIR(sb.st_mode)) {
		/* Links to directories are not followed unless asked: a link can
		 * lead anywhere, and back into the walk. */
		if (w->filter && w->filter->follow)
			return enter_dir(w, dir, path, base_at, rel, &sb, false);
		w->counts->links++;
		return 0;
	}
	w->cb->skip(path, SKIP_OTHER, "not a regular file", w->cb->userdata);
	return 0;
}

/* Names in byte order: alphasort's order in the C locale, which the CLI
 * never leaves, without strcoll's calls (a directory of 16,881 files took
 * 20 M instructions to sort, a tenth of them in alphasort's wrapper). */
static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The directory dir, whose base name starts at base_at, in parent (NULL:
 * dir is opened by its path). */
static int visit_dir(walk *w, const input_dir *parent, const char *dir, size_t base_at, const char *rel,
                     bool nofollow)
{
	struct dirent **names = NULL;
	int rc = 0;
	input_dir *here = dir_open(parent, dir, base_at, nofollow);
	int n = here ? scandirat(here->fd, ".", &names, NULL, by_name) : -1;
	/* A directory that can be read but not searched lists by its path, and
	 * each of its files is reported unreadable, as before it was held. */
	if (n < 0)
		n = scandir(dir, &names, NULL, by_name);
	if (n < 0) {
		w->cb->skip(dir, SKIP_UNREADABLE, strerror(errno), w->cb->userdata);
		input_dir_release(here);
		return 0;
	}
	/* Each entry's path is written after the directory's in one buffer,
	 * and its path under the directory given only where globs read it:
	 * two allocations and four strlen calls a file were 6 M instructions
	 * for 16,881 files. */
	const input_filter *f = w->filter;
	bool globs = f && (f->n_include || f->n_exclude);
	size_t dl = strlen(dir), prefix = dl + (dl && dir[dl - 1] != '/'), cap = 0;
	char *path = NULL;
	for (int i = 0; i < n && rc == 0; i++) {
		const char *base = names[i]->d_name;
		if (!strcmp(base, ".") || !strcmp(base, ".."))
			continue;
		if (base[0] == '.') {
			w->counts->hidden++;
			continue;
		}
		size_t nl = strlen(base);
		if (prefix + nl + 1 > cap) {
			size_t want = 2 * (prefix + nl + 1);
			char *grown = realloc(path, want);
			if (!grown) {
				w->cb->skip(dir, SKIP_OTHER, "out of memory", w->cb->userdata);
				break;
			}
			if (!path) {
				memcpy(grown, dir, dl);
				if (prefix > dl)
					grown[dl] = '/';
			}
			path = grown;
			cap = want;
		}
		memcpy(path + prefix, base, nl + 1);
		char *relpath = globs ? (*rel ? join(rel, base) : strdup(base)) : NULL;
		if (globs && !relpath) {
			w->cb->skip(dir, SKIP_OTHER, "out of memory", w->cb->userdata);
			break;
		}
		rc = visit_entry(w, here, path, prefix, relpath ? relpath : "", names[i]->d_type);
		free(relpath);
	}
	free(path);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	input_dir_release(here);
	return rc;
}

int inputs_walk(char **paths, int n_paths, const input_filter *filter, walk_counts *counts,
                const input_callbacks *cb)
{
	walk_counts ignored = { 0 };
	walk w = { .filter = filter, .counts = counts ? counts : &ignored, .cb = cb };
	input_file in = { .name = "<stdin>", .is_stdin = true };
	if (n_paths == 0)
		return cb->file(&in, cb->userdata);
	for (int i = 0; i < n_paths; i++) {
		struct stat sb;
		int rc = 0;
		if (!strcmp(paths[i], "-")) {
			rc = cb->file(&in, cb->userdata);
		} else if (stat(paths[i], &sb) != 0) {
			cb->skip(paths[i], SKIP_UNREADABLE, strerror(errno), cb->userdata);
		} else if (S_ISDIR(sb.st_mode)) {
			w.depth = 0;
			w.chain[0] = (dir_id){ sb.st_dev, sb.st_ino };
			rc = visit_dir(&w, NULL, paths[i], 0, "", false);
		} else {
			/* A file named on the command line is read whatever the
			 * globs say: the user asked for it. */
			input_file file = { .name = paths[i], .st = &sb };
			rc = cb->file(&file, cb->userdata);
		}
		if (rc)
			return rc;
	}
	return 0;
}

typedef struct each_ctx {
	document_fn on_doc;
	skip_fn on_skip;
	void *userdata;
} each_ctx;

static int each_file(const input_file *f, void *userdata)
{
	each_ctx *e = userdata;
	if (f->is_stdin)
		return e->on_doc(f->name, STDIN_FILENO, e->userdata);
	int fd = input_open(f->dir, f->name, f->base_at, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e->on_skip(f->name, SKIP_UNREADABLE, strerror(errno), e->userdata);
		return 0;
	}
	int rc = e->on_doc(f->name, fd, e->userdata);
	close(fd);
	return rc;
}

static void each_skip(const char *name, skip_kind kind, const char *why, void *userdata)
{
	each_ctx *e = userdata;
	e->on_skip(name, kind, why, e->userdata);
}

int inputs_each(char **paths, int n_paths, document_fn on_doc, skip_fn on_skip, void *userdata)
{
	each_ctx e = { on_doc, on_skip, userdata };
	input_callbacks cb = { each_file, each_skip, NULL, &e };
	return inputs_walk(paths, n_paths, NULL, NULL, &cb);
}
