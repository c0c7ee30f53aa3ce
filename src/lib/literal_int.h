/* Required literals: from a compiled pattern's text, the sets of words that
 * every match must contain, so that the scanner can skip a pattern on a
 * sentence that lacks them without running PCRE2 at all. */
#ifndef PS_LITERAL_INT_H
#define PS_LITERAL_INT_H

#include <stddef.h>

#include "pactscan/status.h"
#include "arena_int.h"

/* Any match contains at least one of these strings (ASCII lower case). */
typedef struct litset {
	const char **str;
	size_t *len;
	size_t count;
} litset;

/* Every match satisfies all of these sets. No sets: nothing is required. */
typedef struct litreq {
	litset *sets;
	size_t count;
} litreq;

/* Shortest literal worth requiring; shorter ones occur almost everywhere. */
#define LITERAL_MIN_LEN 2
/* Most sets kept for one pattern: the most selective ones. */
#define LITERAL_MAX_SETS 4
/* Most strings in one set. */
#define LITERAL_MAX_SET_SIZE 512

/* Derive what every match of the PCRE2 pattern pattern[0..len) (compiled
 * caseless, UTF) must contain. The result lives in arena a. Sound by
 * construction: where the pattern uses syntax this does not model, it
 * requires less, never more. */
ps_status literal_require(litreq *out, arena *a, const char *pattern, size_t len);

/* A group, such as a lexicon's expansion "(?:...)", analysed once for
 * every pattern that holds it: most of the text of the pack's patterns is
 * a few lexicons, again and again. */
typedef struct litpiece litpiece;

/* Analyse text[0..len) as one group. *out, in arena a, is NULL when the
 * text is not one group that this models; it is then analysed wherever it
 * occurs. Returns PS_ERR_NOMEM only. */
ps_status literal_piece(const litpiece **out, arena *a, const char *text, size_t len);

/* A piece's text at offset off of a pattern. */
typedef struct litembed {
	size_t off;
	const litpiece *piece;   /* NULL: analyse the text there */
} litembed;

/* literal_require, with the pieces' texts found at their offsets in
 * ascending order, which gives the same result sooner. An offset where no
 * group starts (inside a class, say) is ignored. */
ps_status literal_require_with(litreq *out, arena *a, const char *pattern, size_t len, const litembed *embeds,
                               size_t n_embeds);

/* The single most selective set of req, or NULL. */
const litset *literal_best(const litreq *req);

#endif
