/* --input jsonl: documents as JSON Lines, one object a line with "id" and
 * "text", and optionally "title", "date", "source" and "url"; other fields
 * are ignored, blank lines skipped. A line that is no such document is
 * reported as "FILE:LINE: error: ..." and counts as input that could not be
 * scanned; the lines after it are read on. */
#ifndef PS_JSONL_INPUT_H
#define PS_JSONL_INPUT_H

#include "report.h"

/* A line longer than this is an error (and its bytes are not kept). */
#define JSONL_MAX_LINE (64u * 1024u * 1024u)

/* Called for each line's document in order: doc (heap, taken) has its name
 * (the id) and metadata, and text (heap, taken) its text; or doc is
 * already skipped, with its message, and text is NULL. Return non-zero to
 * stop. */
typedef int (*jsonl_doc_fn)(doc_result *doc, char *text, size_t len, void *userdata);

/* Called, when set, for each line that is not blank, in order: the line
 * as read (its newline included, not owned) and its number, for
 * jsonl_parse to turn into a document later, on another thread. Return
 * non-zero to stop. */
typedef int (*jsonl_line_fn)(const char *line, size_t len, size_t lineno, void *userdata);

typedef struct jsonl_callbacks {
	/* Documents; with on_line set, only the lines that are errors before
	 * any parsing (too long, unreadable) and an input that cannot be opened. */
	jsonl_doc_fn on_doc;
	jsonl_line_fn on_line;     /* may be NULL: each line is parsed here */
	/* Called when reading on would wait for a pipe or terminal, so that
	 * documents held back for batching can go; may be NULL. */
	void (*on_wait)(void *userdata);
} jsonl_callbacks;

/* Read the documents of a file, or of standard input. Returns non-zero
 * when a callback asked to stop. */
int jsonl_read(const char *name, bool is_stdin, const jsonl_callbacks *cb, void *userdata);

/* The document of line number lineno of file, as on_doc gets it: its name,
 * metadata and text (heap, *text), or an error document ("FILE:LINE") whose
 * *text is NULL. NULL only when out of memory. */
doc_result *jsonl_parse(const char *file, size_t lineno, const char *line, size_t len, char **text, size_t *text_len);

#endif
