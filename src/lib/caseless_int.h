/* What PCRE2's caseless UTF matching (no UCP) takes as one letter in
 * either case, and as \w and \s, for the modules that compare bytes in
 * its place: the leading words (prefix.c), the prefilter, the exact
 * matchers (exact.c), tail-first search and the cues' word counts. */
#ifndef PS_CASELESS_INT_H
#define PS_CASELESS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is p[i..i+1] a Latin-1 letter (U+00C0-U+00FE) whose only other case
 * under caseless matching is the Latin-1 one 0x20 away? Not the signs
 * (U+00D7, U+00F7), nor the letters with a third form elsewhere: Å and å
 * (the Angstrom sign), ß (capital ẞ) and ÿ (Ÿ). */
static inline bool caseless_latin1_pair(const char *p, size_t i, size_t len)
{
	if (i + 1 >= len || (unsigned char)p[i] != 0xC3)
		return false;
	unsigned char lo = (unsigned char)p[i + 1];
	return lo >= 0x80 && lo <= 0xBE && lo != 0x85 && lo != 0x97 && lo != 0x9F && lo != 0xA5 && lo != 0xB7;
}

/* PCRE2's \w without UCP: an ASCII letter, digit or underscore; no
 * character past ASCII is one. */
static inline bool caseless_word_byte(unsigned char c)
{
	/* Bits 0-127 of ASCII: digits 48-57, letters 65-90 and 97-122, '_' 95.
	 * One shift and test, not a chain of comparisons in the byte loops. */
	static const uint64_t word[2] = { UINT64_C(0x03FF000000000000), UINT64_C(0x07FFFFFE87FFFFFE) };
	return c < 128 && (word[c >> 6] >> (c & 63) & 1);
}

/* PCRE2's \s without UCP: space, tab, line feed, vertical tab, form feed
 * and carriage return; nothing past ASCII. */
static inline bool caseless_space_byte(unsigned char c)
{
	/* Bits 9-13 (tab to carriage return) and 32 (space). */
	return c <= ' ' && (UINT64_C(0x100003E00) >> c & 1);
}

#endif
