/* Tail-first search: a pattern that is a short run of words before
 * something rarer, such as the attribution cue's
 *
 *     (?<source>[^\s,;]++(?:\s++[^\s,;]++){0,4})\s++(?:said|told|...)\b
 *
 * starts with a class that matches nearly every byte, so PCRE2 tries it
 * at every byte of a sentence. Its tail (what follows the words) is found
 * first, with a program of its own; no match can start more than the
 * words' count of runs before that place, so the whole pattern is then
 * searched from there, and finds what a search from the start finds. */
#ifndef PS_TAILFIRST_INT_H
#define PS_TAILFIRST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What tailfirst_parse reads off a pattern. */
typedef struct tailfirst_form {
	size_t tail_off, tail_len;  /* the tail's text in the pattern */
	uint32_t max_runs;          /* most runs of words before it */
	uint8_t stop[32];           /* a bit per byte that ends a run: whitespace and the class's exclusions */
} tailfirst_form;

/* Is pattern[0..len), as pactscan expands it (one outer "(?:...)", which
 * may be absent), of the form
 *
 *     (?<name>C+(?:\s+C+){0,K})\s+TAIL      (any of the + possessive;
 *                                            the group may be (?:...))
 *
 * where C is a class [^\s...] whose other exclusions are ASCII characters
 * that have no case, and TAIL has no top-level alternative, reference or
 * recursion? Then fills *out (the tail program is "\s(?:TAIL)"). */
bool tailfirst_parse(tailfirst_form *out, const char *pattern, size_t len);

/* The earliest offset, not before from, where a match can start when the
 * first place at or after from where "\s(?:TAIL)" matches is v (the
 * whitespace byte before the tail): back over the whitespace before v,
 * then over up to max_runs runs of words with whitespace between them. */
size_t tailfirst_start(const tailfirst_form *f, const char *s, size_t from, size_t v);

#endif
