/* A fast reader for the common JSON Lines record: one flat object whose
 * values are strings, null, true, false or small numbers. Parsing a line
 * into a jansson tree cost more than scanning its text (40% of a one-thread
 * --input jsonl run), and it ran on the reading thread, so -j could not
 * help. Anything unusual (nesting, escapes in keys, numeric ids, \u0000,
 * invalid UTF-8, bad syntax, duplicate keys) is left to jansson, whose
 * parse and messages stay the reference: this reader only ever accepts
 * what jansson would accept, with the same field values. */
#ifndef PS_JSONREC_H
#define PS_JSONREC_H

#include <stddef.h>

typedef struct jsonrec {
	char *id, *text;                  /* heap, NUL-terminated; NULL if absent or null */
	size_t text_len;                  /* bytes of text (it holds no NUL) */
	char *title, *date, *source, *url; /* heap or NULL, as above */
} jsonrec;

typedef enum jsonrec_status {
	JSONREC_OK = 0,       /* parsed: the fields are filled */
	JSONREC_UNSURE = 1,   /* not this reader's kind of line: use the full parser */
	JSONREC_NOMEM = -1,
} jsonrec_status;

/* Parse line[0..len) (its newline may be included). On JSONREC_OK the
 * caller owns the strings in *rec (jsonrec_clear frees them); otherwise
 * *rec holds nothing. */
jsonrec_status jsonrec_parse(jsonrec *rec, const char *line, size_t len);

/* Free the strings of rec and zero it. */
void jsonrec_clear(jsonrec *rec);

#endif
