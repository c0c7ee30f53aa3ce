#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct walk {
	document_fn on_doc;
	skip_fn on_skip;
	void *userdata;
} walk;

static int visit_file(walk *w, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		w->on_skip(path, strerror(errno), w->userdata);
		return 0;
	}
	int rc = w->on_doc(path, fd, w->userdata);
	close(fd);
	return rc;
}

static int skip_hidden(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static int visit_dir(walk *w, const char *dir, int depth)
{
	struct dirent **names = NULL;
	int rc = 0;
	if (depth > 64) {
		w->on_skip(dir, "directories nested too deep", w->userdata);
		return 0;
	}
	int n = scandir(dir, &names, skip_hidden, alphasort);
	if (n < 0) {
		w->on_skip(dir, strerror(errno), w->userdata);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		size_t dl = strlen(dir);
		char *path = malloc(dl + strlen(names[i]->d_name) + 2);
		if (!path) {
			w->on_skip(dir, "out of memory", w->userdata);
			break;
		}
		sprintf(path, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", names[i]->d_name);
		struct stat lsb, sb;
		if (rc == 0) {
			if (lstat(path, &lsb) != 0) {
				w->on_skip(path, strerror(errno), w->userdata);
			} else if (S_ISDIR(lsb.st_mode)) {
				rc = visit_dir(w, path, depth + 1);
			} else if (S_ISLNK(lsb.st_mode)) {
				/* Links to files are read; links to directories are not
				 * followed, which also keeps link loops out of the walk. */
				if (stat(path, &sb) != 0)
					w->on_skip(path, strerror(errno), w->userdata);
				else if (S_ISREG(sb.st_mode))
					rc = visit_file(w, path);
			} else if (S_ISREG(lsb.st_mode)) {
				rc = visit_file(w, path);
			} else {
				w->on_skip(path, "not a regular file", w->userdata);
			}
		}
		free(path);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int inputs_each(char **paths, int n_paths, document_fn on_doc, skip_fn on_skip, void *userdata)
{
	walk w = { on_doc, on_skip, userdata };
	if (n_paths == 0)
		return on_doc("<stdin>", STDIN_FILENO, userdata);
	for (int i = 0; i < n_paths; i++) {
		struct stat sb;
		int rc = 0;
		if (!strcmp(paths[i], "-"))
			rc = on_doc("<stdin>", STDIN_FILENO, userdata);
		else if (stat(paths[i], &sb) != 0)
			on_skip(paths[i], strerror(errno), userdata);
		else if (S_ISDIR(sb.st_mode))
			rc = visit_dir(&w, paths[i], 0);
		else
			rc = visit_file(&w, paths[i]);
		if (rc)
			return rc;
	}
	return 0;
}
