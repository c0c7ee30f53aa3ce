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

/* The single most selective set of req, or NULL. */
const litset *literal_best(const litreq *req);

#endif
