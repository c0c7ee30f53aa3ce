/* Exact matchers: a pattern whose matches are a short list of strings (a
 * word list such as @gaza_places, verbs with their endings) is answered by
 * comparing those strings with the text at one place, in the order PCRE2
 * would try them, without a call into PCRE2. At the places where the
 * prefilter saw the pattern's leading words, a walk of a trie of those
 * strings gives PCRE2's answer, where PCRE2 tries each alternative of a
 * long word list in turn. */
#ifndef PS_EXACT_INT_H
#define PS_EXACT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pactscan/status.h"

typedef struct exact exact;

/* Most strings one pattern may stand for; a larger list keeps PCRE2. */
#define EXACT_MAX_STRINGS 1024
/* Most tokens (bytes, whitespace runs) in one string. */
#define EXACT_MAX_TOKENS 200

/* The exact matcher of pattern[0..len) as PCRE2 compiles it (caseless,
 * UTF, no UCP). Where the pattern uses syntax this does not model
 * (anything but literal characters, small classes, groups, `|`, `?` and
 * `??`, `\s`, `\s+`, `\b`, `\d`, (?-i:...), lookaheads, `\w*` and `\w+`
 * before what is no word byte, and gaps of up to 15 words between two
 * parts, `(?:\S+\s+){0,k}?` with `\S`, `\w`, `[\w-]` or `[^\s—–]`, lazy
 * or greedy, or `?`), stands for more than
 * EXACT_MAX_STRINGS strings or for the empty string, *out is not usable
 * (exact_usable): kept all the same, so that it is decided once. A
 * pattern that is one sequence with a gap at its top may be two matchers,
 * the part before the gap's end and the part after it: then neither the
 * product of their strings nor a \b after the gap bounds it. Returns
 * PS_ERR_NOMEM only. */
ps_status exact_build(exact **out, const char *pattern, size_t len);

/* Does x answer for its pattern? */
bool exact_usable(const exact *x);

void exact_free(exact *x);

/* For a usable x: does a match start at s[at] (at <= len)? 1, and *end
 * is where the one PCRE2 prefers ends; 0; or -1 where x cannot tell (a
 * walk deeper than it holds), for PCRE2 to answer. Characters that
 * caseless matching folds onto ASCII letters (U+212A, U+017F) are not
 * seen: a sentence holding them needs PCRE2. */
int exact_match(const exact *x, const char *s, size_t len, size_t at, size_t *end);

/* Longest leading word exact_descend() follows. */
#define EXACT_DESCEND_MAX 16

/* Where a walk may start: after tokens of the edge at offset at in the
 * trie's code (an edge can be longer than a word), or at the node at
 * offset at (tokens 0); used bytes of the text are behind it, and bit k
 * of spaces asks for a plain space at byte k. */
typedef struct exact_jump {
	uint32_t at;
	uint8_t tokens;
	uint8_t used;
	uint16_t spaces;
} exact_jump;

/* Where every walk of x's trie goes, without a choice, along a leading
 * word word[0..n) of its pattern as it occurs in a text (*out; used 0:
 * the root). It holds wherever the same word occurs, in any case and with
 * any whitespace as the prefilter reads it, so long as the text has a
 * plain space at each byte set in spaces (where the pattern has a space
 * of its own). A match that starts there is the one exact_match_from()
 * finds from *out, skipping what every such walk reads first. Stops
 * before a node where a string ends, and before any choice the text's
 * bytes would decide. */
void exact_descend(exact_jump *out, const exact *x, const char *word, size_t n);

/* exact_match() at s[at], where a leading word that exact_descend() took
 * to j occurs. */
int exact_match_from(const exact *x, const char *s, size_t len, size_t at, const exact_jump *j, size_t *end);

#endif
