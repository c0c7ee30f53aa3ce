/* A fast reader for the common front matter: lines of "key: value" with
 * plain, single- or double-quoted values on one line each. libyaml built
 * and freed a parser and its buffers for each file: 47.8 M of the 261 M
 * instructions that scanning 2,000 short articles cost (callgrind).
 * Anything else (nesting, lists, block or multi-line scalars, escapes,
 * comments after values, tabs, anchors, tags, labels) is left to the YAML
 * parser, whose reading stays the reference: this reader only takes what
 * libyaml reads as a mapping of the same keys to the same strings. */
#ifndef PS_FMFAST_H
#define PS_FMFAST_H

#include <stddef.h>

typedef struct fmfast_fields {
	char *title, *date, *source, *url, *id; /* heap, NUL-terminated; NULL if absent */
} fmfast_fields;

typedef enum fmfast_status {
	FMFAST_OK = 0,       /* read: the fields are filled */
	FMFAST_UNSURE = 1,   /* not this reader's kind of front matter: use the YAML parser */
	FMFAST_NOMEM = -1,
} fmfast_status;

/* Read text[0..len), the lines between the front matter's "---" lines. On
 * FMFAST_OK the caller owns the strings in *out (fmfast_clear frees them);
 * otherwise *out holds nothing. A key given twice keeps its last value, as
 * the YAML reading does. */
fmfast_status fmfast_parse(fmfast_fields *out, const char *text, size_t len);

/* Free the strings of f and zero it. */
void fmfast_clear(fmfast_fields *f);

#endif
