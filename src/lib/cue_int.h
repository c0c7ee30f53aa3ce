/* Cues in one sentence: negation, hedging, attribution and restatement
 * matches, and the tests of whether a cue governs a signal's act. */
#ifndef PS_CUE_INT_H
#define PS_CUE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "ruleset_int.h"

#define CUE_MAX_HITS 64

/* Byte ranges relative to the sentence. */
typedef struct cue_hits {
	size_t start[CUE_MAX_HITS];
	size_t end[CUE_MAX_HITS];
	size_t count;
} cue_hits;

typedef struct cue_matches {
	cue_hits neg_before, neg_after, neg_pseudo, neg_stop;
	cue_hits hedge, hedge_stop;
	cue_hits restate, restate_stop;
	bool attributed;
	size_t attr_start, attr_end;     /* the attribution cue */
	size_t source_start, source_end; /* its source phrase */
	unsigned ready;                  /* CUES_* collected for this sentence */
} cue_matches;

/* The cues in two parts, each collected when first needed (cue_need): an
 * act that its signal's `within` rules out needs no cue, one that a
 * restatement governs needs only those; the rest (negation, hedging and
 * attribution, whose pattern is the costliest cue) wait for an act that
 * gets past both. */
#define CUES_RESTATEMENT 1u
#define CUES_GOVERNING 2u

/* What the matching needs from the scanner: PCRE2 state and a limit flag. */
typedef struct matcher {
	pcre2_match_data *md;
	pcre2_match_context *mc;
	uint32_t options;             /* for pcre2_match: PCRE2_NO_JIT under valgrind */
	bool limit_hit;
	/* Set by a matcher_find() that found a match: no other can start at
	 * or after its end (the prefilter saw no leading word there), so a
	 * search for the next would find none. */
	bool last;
	const prefilter *pf;          /* NULL: run every pattern */
	const prefilter_state *pfs;
} matcher;

/* Can pattern p match the current sentence, as far as the prefilter knows? */
static inline bool matcher_possible(const matcher *m, const ps_pattern *p)
{
	return !m->pf || prefilter_pattern_possible(m->pf, m->pfs, p->index);
}

/* pattern_match() from offset from, with the search kept to where the
 * prefilter saw the pattern's leading words: the same result, found
 * without trying the places no match can start. shape is the pattern's
 * shape in m->pf, or UINT32_MAX. Sets m->last. */
int matcher_find(matcher *m, const ps_pattern *p, uint32_t shape, const char *s, size_t len, size_t from, size_t *ms,
                 size_t *me);

/* Before the first cue_need() for a sentence: nothing collected yet. */
static inline void cue_forget(cue_matches *cm)
{
	cm->ready = 0;
}

/* Collect the cue matches of the kinds in want (CUES_*) in sentence
 * s[0..len), unless they were already. */
void cue_need(cue_matches *cm, unsigned want, const ps_ruleset *rs, matcher *m, const char *s, size_t len);

/* Words (runs of non-space) in s[a..b). */
size_t cue_words(const char *s, size_t a, size_t b);

/* Index of a cue in hits that ends at or before act_start, within scope
 * words of it, with no stop between and not inside a pseudo cue; or -1. */
int cue_before(const cue_hits *hits, const cue_hits *stops, const cue_hits *pseudo, const char *s,
               size_t act_start, size_t scope);

/* Index of a cue in hits that starts at or after act_end, within scope
 * words, with no stop between; or -1. */
int cue_after(const cue_hits *hits, const cue_hits *stops, const char *s, size_t act_end, size_t scope);

#endif
