/* -o FILE, written atomically: the report goes to a temporary file in the
 * same directory, which is synced and renamed over FILE only when the
 * report is complete. On an error, or when SIGINT, SIGTERM or SIGHUP ends
 * the run, the temporary file is removed and FILE is left as it was. A
 * FILE that exists and is no regular file (a device, a FIFO) is written
 * directly. */
#ifndef PS_OUTFILE_H
#define PS_OUTFILE_H

#include <stdio.h>

typedef struct outfile {
	FILE *f;                   /* write the report here */
	char *path;                /* the final name; NULL for standard output */
	char *tmp;                 /* the temporary file's name; NULL when written directly */
} outfile;

/* Open path for writing ("-" or NULL: standard output). Returns 0, or -1
 * with a message printed. */
int outfile_open(outfile *o, const char *path);
/* Whether path could be opened later: not a directory, in a directory that
 * exists and takes new files. For a file written at the end of a long run,
 * so that a mistyped name fails before the run, not after. Returns 0, or
 * -1 with a message printed naming what (the option) asked for path. */
int outfile_check(const char *path, const char *what);
/* Finish: flush, sync and rename (or only flush standard output). Returns
 * 0, or -1 with a message printed and the temporary file removed. */
int outfile_commit(outfile *o);
/* Give up: remove the temporary file. */
void outfile_abort(outfile *o);
/* Flush standard output for the commands that print there. Returns 0, or
 * -1 when a write failed, with a message printed (none for a closed pipe). */
int outfile_flush_stdout(void);

#endif
