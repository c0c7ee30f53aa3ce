/* Turning PATH arguments into documents: files, directories walked in
 * sorted order (filtered by globs, hidden names skipped and counted, links
 * to directories followed only when asked, loops detected), and standard
 * input. */
#ifndef PS_INPUTS_H
#define PS_INPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "cli.h"

typedef struct input_filter {
	const char *const *include; /* fnmatch globs; a file must match one (none: all) */
	size_t n_include;
	const char *const *exclude; /* files and directories matching one are left out */
	size_t n_exclude;
	bool follow;                /* follow links to directories */
} input_filter;

/* What the walk left out without reading it. */
typedef struct walk_counts {
	size_t hidden;              /* names starting with a dot */
	size_t excluded;            /* by --include and --exclude */
	size_t links;               /* links to directories, not followed */
	size_t loops;               /* directories that would repeat an ancestor */
} walk_counts;

/* A directory the walk reads, held open so that the files in it are
 * opened and stat'ed by their base names from it: each path looked up from
 * the root, component by component, was about a fifth of the reading
 * thread's samples (with -j 2, on a directory of 16,881 short articles).
 * Shared between threads and counted: the walk holds it while it reads
 * the directory, and so does each file found in it that is kept for later
 * (input_dir_hold). */
typedef struct input_dir input_dir;

/* One more holder of d (NULL: none); returns d. */
input_dir *input_dir_hold(input_dir *d);
/* A holder is done with d; the last closes it. Accepts NULL. */
void input_dir_release(input_dir *d);

/* A file the walk found, or standard input. */
typedef struct input_file {
	const char *name;           /* as reported; "<stdin>" for standard input */
	bool is_stdin;
	input_dir *dir;             /* the directory it was found in, or NULL */
	size_t base_at;             /* with dir: where its base name starts in name */
	/* What the walk's own stat (or lstat, of a file that is no link) of it
	 * found; NULL where it made none: standard input, or a file its
	 * directory lists as regular, which is sized when it is opened. */
	const struct stat *st;
} input_file;

/* open(2) and stat(2) of the file name whose base name starts at base_at,
 * from dir, or of name itself where dir is NULL. */
int input_open(const input_dir *dir, const char *name, size_t base_at, int flags);
int input_stat(const input_dir *dir, const char *name, size_t base_at, struct stat *sb);

typedef struct input_callbacks {
	/* A file to read, or standard input. f and what it points to last for
	 * the call: to keep the file for later, copy its name and hold its
	 * directory. Return non-zero to stop the walk. */
	int (*file)(const input_file *f, void *userdata);
	/* A path that cannot be read. */
	void (*skip)(const char *name, skip_kind kind, const char *why, void *userdata);
	/* Something to tell on stderr that is no document (a loop); may be NULL. */
	void (*notice)(const char *name, const char *what, void *userdata);
	void *userdata;
} input_callbacks;

/* Visit every file named by paths (stdin for none or "-"); counts may be
 * NULL. Returns non-zero when a callback asked to stop. */
int inputs_walk(char **paths, int n_paths, const input_filter *filter, walk_counts *counts,
                const input_callbacks *cb);

/* Called with each document open for reading; return non-zero to stop. */
typedef int (*document_fn)(const char *name, int fd, void *userdata);
typedef void (*skip_fn)(const char *name, skip_kind kind, const char *why, void *userdata);

/* Visit every document with no filter, each one opened (for eval). */
int inputs_each(char **paths, int n_paths, document_fn on_doc, skip_fn on_skip, void *userdata);

#endif
