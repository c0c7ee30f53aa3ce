/* Aho-Corasick: every occurrence of a set of literals in one pass over the
 * text, ASCII letters matched without regard to case. */
#ifndef PS_ACMATCH_INT_H
#define PS_ACMATCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pactscan/status.h"

#define ACM_HAS_OUTPUT 0x80000000u

typedef struct acm {
	/* [state * nclass + class]: next state * nclass, | ACM_HAS_OUTPUT;
	 * NULL where next16 is built instead (below, acm_build's walk_only). */
	uint32_t *delta;
	uint8_t cls[256];     /* byte -> class; 0 for bytes in no literal */
	uint32_t nclass;
	uint32_t nstates;
	uint32_t longest;     /* bytes of the longest literal */
	uint32_t *out_start;  /* per state (indexed by state number), into out_ids; nstates + 1 */
	uint32_t *out_ids;    /* literal ids ending at each state, the fail chain's included */
	/* The same table in 16 bits (ACM16_HAS_OUTPUT for output) when it fits,
	 * else NULL: half the cache, which is what a walk waits on. */
	uint16_t *delta16;
	/* Else, when the states fit in 15 bits, the table of state numbers (not
	 * multiplied by nclass; ACM16_HAS_OUTPUT for output), built in place
	 * of delta: still half the cache for a multiply a step (the full pack's
	 * table: 1.1 MB, not 2.3). NULL otherwise. */
	uint16_t *next16;
} acm;

#define ACM16_HAS_OUTPUT 0x8000u

/* Build the automaton for literals lits[i] (lower case), ids 0..n-1. The
 * walk folds ASCII case, and reads a tab, line end, vertical tab or form
 * feed that no literal holds as a space. delta is always built, unless
 * walk_only: the caller reads only a 16-bit table, and one too large for
 * delta16 is built as next16 alone. */
ps_status acm_build(acm *m, const char *const *lits, const size_t *lens, size_t n, bool walk_only);
void acm_free(acm *m);

/* Has m a table to walk (acm_build succeeded, and no acm_free since)? */
static inline bool acm_built(const acm *m)
{
	return m->delta || m->delta16 || m->next16;
}

#endif
