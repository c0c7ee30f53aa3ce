/* Turning PATH arguments into documents: files, directories walked in
 * sorted order, and standard input. */
#ifndef PS_INPUTS_H
#define PS_INPUTS_H

/* Called with each document open for reading; return non-zero to stop. */
typedef int (*document_fn)(const char *name, int fd, void *userdata);
/* Called for each path that cannot be read: why it was skipped. */
typedef void (*skip_fn)(const char *name, const char *why, void *userdata);

/* Visit every document named by paths (stdin for none or "-"). Returns
 * non-zero when a callback asked to stop. */
int inputs_each(char **paths, int n_paths, document_fn on_doc, skip_fn on_skip, void *userdata);

#endif
