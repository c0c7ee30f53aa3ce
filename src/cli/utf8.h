/* Well-formed UTF-8, as the CLI's readers and writers judge it: no
 * overlong form, no surrogate, nothing past U+10FFFF. */
#ifndef PS_UTF8_H
#define PS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the well-formed UTF-8 sequence at s[i] (i < len), or 0; with
 * cp, its code point goes there. A NUL byte counts as valid, 1. */
size_t utf8_decode(const unsigned char *s, size_t i, size_t len, uint32_t *cp);

/* utf8_decode without the code point. */
static inline size_t utf8_seq(const unsigned char *s, size_t i, size_t len)
{
	return utf8_decode(s, i, len, NULL);
}

#endif
