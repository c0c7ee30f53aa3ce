/* Bit counts for the byte loops' masks. */
#ifndef PS_BITS_INT_H
#define PS_BITS_INT_H

#include <stdint.h>

/* The set bits of a 16-bit mask (a movemask of sixteen bytes), without a
 * call: built for any x86-64, which need not have POPCNT, GCC's
 * __builtin_popcount is a call to libgcc's __popcountdi2, and `perf` put
 * those calls at 2.8% of a two-thread scan (the line count of the reading
 * thread's pieces). */
static inline unsigned bits_count16(uint32_t x)
{
	x -= x >> 1 & 0x5555u;
	x = (x & 0x3333u) + (x >> 2 & 0x3333u);
	x = (x + (x >> 4)) & 0x0F0Fu;
	return (x + (x >> 8)) & 0x1Fu;
}

/* The set bits of a 64-bit word, as bits_count16. */
static inline unsigned bits_count64(uint64_t x)
{
	x -= x >> 1 & UINT64_C(0x5555555555555555);
	x = (x & UINT64_C(0x3333333333333333)) + (x >> 2 & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0F0F0F0F0F0F0F0F);
	return (unsigned)((x * UINT64_C(0x0101010101010101)) >> 56);
}

#endif
