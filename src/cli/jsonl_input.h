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

/* Read the documents of a file, or of standard input. on_wait (may be
 * NULL) is called when reading on would wait for a pipe or terminal, so
 * that documents held back for batching can go. Returns non-zero when the
 * callback asked to stop. */
int jsonl_read(const char *name, bool is_stdin, jsonl_doc_fn on_doc, void (*on_wait)(void *), void *userdata);

#endif
