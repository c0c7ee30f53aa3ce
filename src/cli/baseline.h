/* --baseline FILE: the findings of an earlier report (--format json, or
 * jsonl). A finding is in the baseline when the baseline holds one with the
 * same document, clause, signal and sentence text (white space runs
 * compared as one space), so edits elsewhere in a document, which move
 * lines and offsets, do not make old findings new. Each baseline finding
 * matches once. */
#ifndef PS_BASELINE_H
#define PS_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct baseline baseline;

/* Load a report. Returns 0, or -1 with a message printed. */
int baseline_load(baseline **out, const char *path);
/* Is this finding in the baseline? A match is used up. */
bool baseline_take(baseline *b, const char *doc, const char *clause, const char *signal, const char *sentence,
                   size_t sentence_len);
size_t baseline_count(const baseline *b);
void baseline_free(baseline *b);

#endif
