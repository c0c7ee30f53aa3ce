/* Turning PATH arguments into documents: files, directories walked in
 * sorted order (filtered by globs, hidden names skipped and counted, links
 * to directories followed only when asked, loops detected), and standard
 * input. */
#ifndef PS_INPUTS_H
#define PS_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

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

typedef struct input_callbacks {
	/* A file to read, or standard input (is_stdin, name "<stdin>").
	 * Return non-zero to stop the walk. */
	int (*file)(const char *name, bool is_stdin, void *userdata);
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
