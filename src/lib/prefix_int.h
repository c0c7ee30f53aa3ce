/* Leading literals: the words one of which every match of a pattern starts
 * with. Where the prefilter has seen where those words occur in a sentence,
 * a search for the pattern can start at the first of them instead of at the
 * sentence's start, which is where PCRE2 spends most of its time on long
 * caseless alternations. */
#ifndef PS_PREFIX_INT_H
#define PS_PREFIX_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "pactscan/status.h"
#include "arena_int.h"

/* Most words in one pattern's leading set; a larger set is not kept. */
#define PREFIX_MAX_WORDS 1024
/* Shortest leading word kept: shorter ones start too many places. */
#define PREFIX_MIN_LEN 2

/* The leading words of a pattern (ASCII, lower case). */
typedef struct prefix_set {
	const char **str;
	size_t *len;
	/* Per word: every match that starts with it starts where the byte
	 * before (if any) is not an ASCII letter, digit or underscore, as the
	 * pattern's \b there requires ("\baid\b" never starts in "said"). */
	bool *word_start;
	size_t count;         /* 0: the pattern has no usable leading words */
} prefix_set;

/* Derive the leading words of pattern[0..len) as PCRE2 compiles it
 * (caseless, UTF): every match starts, at its first byte, with one of them,
 * ASCII letters compared without regard to case, and a space in a word
 * standing for any whitespace byte (\s), as the prefilter's walk reads it. Sound by construction:
 * syntax this does not model gives an empty set, never a wrong one. The
 * strings live in arena a, which may keep a few bytes even when there are
 * no words. Returns PS_ERR_NOMEM only. */
ps_status prefix_words(prefix_set *out, arena *a, const char *pattern, size_t len);

#endif
