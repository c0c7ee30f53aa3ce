/* Fuzz the segmenter: sentences lie in the input in order, what lies between
 * them is space or a bullet mark, and on valid UTF-8 every cut falls on a
 * character boundary. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "pactscan/pactscan.h"

static bool valid_utf8(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint8_t c = s[i];
		size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		if (!len || i + len > n)
			return false;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

static bool gap_byte(uint8_t c)
{
	/* Space, line ends, bullets ("-", "*", "+", "1.", "2)"), and the bytes
	 * of NBSP, U+2028/9 and the bullets "•", "–", "—". */
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '-' || c == '*' ||
	       c == '+' || c == '.' || c == ')' || (c >= '0' && c <= '9') || c == 0xC2 || c == 0xA0 || c == 0xE2 ||
	       c == 0x80 || c == 0xA8 || c == 0xA9 || c == 0xA2 || c == 0x93 || c == 0x94;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	bool utf8 = valid_utf8(data, size);
	size_t pos = 0, last_end = 0, max_len = 64 + size % 512;
	ps_segment seg;
	while (pos < size && ps_segment_next(&seg, text + pos, size - pos, true, max_len)) {
		FUZZ_ASSERT(seg.start <= seg.end && seg.end <= seg.next && seg.next > 0);
		FUZZ_ASSERT(pos + seg.next <= size);
		FUZZ_ASSERT(seg.end > seg.start);
		FUZZ_ASSERT(seg.end - seg.start <= max_len);
		for (size_t i = last_end; i < pos + seg.start; i++)
			FUZZ_ASSERT(gap_byte(data[i]));
		if (utf8) {
			FUZZ_ASSERT((data[pos + seg.start] & 0xC0) != 0x80);
			FUZZ_ASSERT(pos + seg.end == size || (data[pos + seg.end] & 0xC0) != 0x80);
		}
		last_end = pos + seg.end;
		pos += seg.next;
	}
	for (size_t i = last_end; i < size; i++)
		FUZZ_ASSERT(gap_byte(data[i]));
	return 0;
}
