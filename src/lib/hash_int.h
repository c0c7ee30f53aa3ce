/* A hash of a byte string for the loader's tables, eight bytes a step:
 * byte-at-a-time FNV-1a over every pattern's expanded text was a
 * multiply chain per byte, and 5% of a load. Not for anything kept or
 * compared across processes. */
#ifndef PS_HASH_INT_H
#define PS_HASH_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0x9E3779B97F4A7C15u ^ len, w;
	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9u;
		h ^= h >> 31;
	}
	/* The tail in whole loads, overlapping, rather than copied a byte at a
	 * time into w, which the load of w would then wait on. The length is
	 * in h already, so overlaps do not make strings alike. */
	if (len >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + len - 4, 4);
		w = (uint64_t)a << 32 | b;
	} else if (len) {
		w = (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[len / 2] << 8 |
		    (unsigned char)s[len - 1];
	} else {
		w = 0;
	}
	h = (h ^ w) * 0xBF58476D1CE4E5B9u;
	h ^= h >> 29;
	h *= 0x94D049BB133111EBu;
	return h ^ h >> 32;
}

#endif
