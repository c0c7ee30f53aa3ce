#include "cue_int.h"

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bits_int.h"
#include "caseless_int.h"

size_t cue_words(const char *s, size_t a, size_t b)
{
	/* A word starts at a byte that is no space after one that is (or at
	 * a). Counted without a branch a byte: a loop that branched on each
	 * byte's kind missed at nearly every word's two ends. */
	size_t n = 0, i = a;
	unsigned before = 1; /* the byte before a counts as a space */
#ifdef __SSE2__
	const __m128i blank = _mm_set1_epi8(' '), below_tab = _mm_set1_epi8('\t' - 1),
	              past_cr = _mm_set1_epi8('\r' + 1);
	for (; i + 16 <= b; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		/* Signed compares: bytes from 0x80 are below the tab. */
		__m128i sp = _mm_or_si128(_mm_cmpeq_epi8(v, blank),
		                          _mm_and_si128(_mm_cmpgt_epi8(v, below_tab), _mm_cmplt_epi8(v, past_cr)));
		unsigned m = (unsigned)_mm_movemask_epi8(sp);
		n += bits_count16(~m & (m << 1 | before) & 0xFFFFu);
		before = m >> 15;
	}
#endif
	for (; i < b; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned sp = (c <= ' ') & (unsigned)(UINT64_C(0x100003E00) >> (c & 63));
		n += before & ~sp & 1u;
		before = sp;
	}
	return n;
}

/* Up to this many places where a match can start are tried one by one;
 * more for a pattern with an exact matcher, whose tries cost less (64 was
 * no better: collecting the places costs too). */
#define PROBES 8
#define EXACT_PROBES 16

/* One PCRE2 search; young: for a shape whose exact matcher is not built
 * yet (prefilter_exact_due), by the interpreter, so that its few searches
 * pay for no JIT compile either, and where that hits a limit or fails, by
 * the JIT, as any other search would have been. */
static int search(matcher *m, const ps_pattern *p, bool young, const char *s, size_t len, size_t start, size_t *ms,
                  size_t *me)
{
	int rc = young ? pattern_match(p, m->md, m->mc, m->options | PCRE2_NO_JIT, s, len, start, ms, me) : -1;
	return rc >= 0 ? rc : pattern_match(p, m->md, m->mc, m->options, s, len, start, ms, me);
}

int matcher_find(matcher *m, const ps_pattern *p, uint32_t shape, const char *s, size_t len, size_t from, size_t *ms,
                 size_t *me)
{
	size_t first, last, at[EXACT_PROBES];
	m->last = false;
	/* A stop such as ",", which has no leading word to be placed by and
	 * is in nearly every sentence: a search for it cost more in PCRE2's
	 * call than in finding it. (Without the prefilter, PCRE2 runs it, as
	 * every pattern, for comparison.) */
	if (m->pf && p->lone_byte >= 0) {
		const char *hit = from < len ? memchr(s + from, p->lone_byte, len - from) : NULL;
		if (!hit)
			return 0;
		*ms = (size_t)(hit - s);
		*me = *ms + 1;
		return 1;
	}
	if (!m->pf || shape == UINT32_MAX)
		return pattern_match(p, m->md, m->mc, m->options, s, len, from, ms, me);
	const exact *x = NULL;
	bool young = false;
	if (m->pf->shape_leads[shape] && !p->n_source_groups) {
		if (prefilter_exact_due(m->pf, shape))
			x = prefilter_exact(m->pf, shape, p->expanded, p->expanded_len);
		else
			young = true;
	}
	/* A few places where a match can start: try each alone (the search
	 * starts there and may start nowhere later), in order, so the first
	 * match is the leftmost, as one search would find it. A search over
	 * the span between them tried every place in it, and a word list such
	 * as @gaza_places costs ~100 cycles a place. The places are all there
	 * are: after a match, none at or past its end means no next one (a
	 * third of the searches in the setting were for that next one). */
	uint32_t slot[EXACT_PROBES];
	size_t n = prefilter_lead_positions(m->pf, m->pfs, shape, s, from, at, x ? slot : NULL,
	                                    x ? EXACT_PROBES : PROBES);
	int rc = 0;
	if (n != SIZE_MAX && x) {
		size_t i = 0;
		for (; i < n && at[i] < len && rc == 0; i++) {
			/* The walk starts past what its leading word decides. */
			exact_jump j = prefilter_lead_jump(m->pf, x, slot[i], s, at[i]);
			rc = exact_match_from(x, s, len, at[i], &j, me);
		}
		if (rc == 1)
			*ms = at[i - 1];
		if (rc < 0) {
			/* Undecided at one place: PCRE2 from there, over the rest. */
			size_t lo = at[i - 1], hi = at[n - 1];
			pcre2_set_offset_limit(m->mc, hi);
			rc = pattern_match(p, m->md, m->mc, m->options, s, len, lo, ms, me);
			pcre2_set_offset_limit(m->mc, PCRE2_UNSET);
		}
		m->last = rc == 1 && at[n - 1] < *me;
		return rc;
	}
	if (n != SIZE_MAX) {
		for (size_t i = 0; i < n && rc == 0 && at[i] <= len; i++) {
			pcre2_set_offset_limit(m->mc, at[i]);
			rc = search(m, p, young, s, len, at[i], ms, me);
		}
		pcre2_set_offset_limit(m->mc, PCRE2_UNSET);
		m->last = rc == 1 && at[n - 1] < *me;
		return rc;
	}
	if (!prefilter_starts(m->pf, m->pfs, shape, s, from, &first, &last)) {
		/* A tail program (such as the attribution cue's verbs) tried
		 * where the full pass saw its words: its search over the rest of
		 * the sentence was three fifths of that cue's cost. */
		n = p->tail ? prefilter_tail_positions(m->pf, m->pfs, shape, s, from, at, EXACT_PROBES) : SIZE_MAX;
		if (n != SIZE_MAX)
			return pattern_match_tail_at(p, m->md, m->mc, m->options, s, len, from, at, n, ms, me);
		return pattern_match_tail_first(p, m->md, m->mc, m->options, s, len, from, ms, me);
	}
	if (first > len)
		return 0;
	/* No match starts between the leading words, nor after the last. */
	pcre2_set_offset_limit(m->mc, last);
	rc = search(m, p, young, s, len, first, ms, me);
	pcre2_set_offset_limit(m->mc, PCRE2_UNSET);
	m->last = rc == 1 && last < *me;
	return rc;
}

/* pattern_find_all(), each search kept to where matches can start. */
static int find_all(matcher *m, const ps_pattern *p, const char *s, size_t len, size_t *starts, size_t *ends,
                    size_t max, size_t *found)
{
	size_t pos = 0, n = 0;
	uint32_t shape = m->pf && p->index < m->pf->n_patterns ? m->pf->shape[p->index] : UINT32_MAX;
	*found = 0;
	while (n < max && pos <= len) {
		size_t ms, me;
		int rc = matcher_find(m, p, shape, s, len, pos, &ms, &me);
		if (rc < 0) {
			*found = n;
			return -1;
		}
		if (rc == 0)
			break;
		starts[n] = ms;
		ends[n++] = me;
		if (m->last)
			break;
		if (me > ms) {
			pos = me;
		} else {
			/* Step over one whole UTF-8 character after an empty match. */
			pos = me + 1;
			while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80)
				pos++;
		}
	}
	*found = n;
	return (int)n;
}

static void collect(cue_hits *h, const patlist *pl, matcher *m, const char *s, size_t len)
{
	/* Most of a list's patterns fail on their first set, which the list
	 * holds in a row: their own records are not read. */
	const uint32_t *first = m->pf && !m->pfs->exotic ? pl->first : NULL;
	for (size_t i = 0; i < pl->count && h->count < CUE_MAX_HITS; i++) {
		size_t found = 0;
		if (first && !prefilter_held(m->pfs, first[i]))
			continue;
		if (!matcher_possible(m, pl->items[i]))
			continue;
		if (find_all(m, pl->items[i], s, len, h->start + h->count, h->end + h->count, CUE_MAX_HITS - h->count,
		             &found) < 0)
			m->limit_hit = true;
		h->count += found;
	}
}

void cue_need(cue_matches *cm, unsigned want, const ps_ruleset *rs, matcher *m, const char *s, size_t len)
{
	want &= ~cm->ready;
	cm->ready |= want;
	/* Only the counts: the hit arrays are 8 KiB and read up to count. A
	 * list of stops (or of pseudo cues) is collected only where a cue it
	 * could stop was found: most sentences have none, and the stops (a
	 * comma, a colon, "but") are in nearly every one. */
	if (want & CUES_RESTATEMENT) {
		cm->restate.count = cm->restate_stop.count = 0;
		collect(&cm->restate, &rs->restatement.terms, m, s, len);
		if (cm->restate.count)
			collect(&cm->restate_stop, &rs->restatement.stop, m, s, len);
	}
	if (!(want & CUES_GOVERNING))
		return;
	cm->neg_before.count = cm->neg_after.count = cm->neg_pseudo.count = cm->neg_stop.count = 0;
	cm->hedge.count = cm->hedge_stop.count = 0;
	collect(&cm->neg_before, &rs->negation.terms, m, s, len);
	collect(&cm->neg_after, &rs->negation.after, m, s, len);
	if (cm->neg_before.count)
		collect(&cm->neg_pseudo, &rs->negation.pseudo, m, s, len);
	if (cm->neg_before.count || cm->neg_after.count)
		collect(&cm->neg_stop, &rs->negation.stop, m, s, len);
	collect(&cm->hedge, &rs->hedge.terms, m, s, len);
	if (cm->hedge.count)
		collect(&cm->hedge_stop, &rs->hedge.stop, m, s, len);
	cm->attributed = false;
	cm->attr_start = cm->attr_end = cm->source_start = cm->source_end = 0;
	for (size_t i = 0; i < rs->attribution.terms.count && !cm->attributed; i++) {
		const ps_pattern *p = rs->attribution.terms.items[i];
		size_t ms, me;
		if (!matcher_possible(m, p))
			continue;
		uint32_t shape = m->pf && p->index < m->pf->n_patterns ? m->pf->shape[p->index] : UINT32_MAX;
		/* m->md holds the match for pattern_source below: matcher_find
		 * answers from an exact matcher (which fills no match data) only
		 * for patterns without a source group. */
		int rc = matcher_find(m, p, shape, s, len, 0, &ms, &me);
		if (rc < 0)
			m->limit_hit = true;
		if (rc != 1)
			continue;
		cm->attributed = true;
		cm->attr_start = ms;
		cm->attr_end = me;
		if (!pattern_source(p, m->md, &cm->source_start, &cm->source_end)) {
			cm->source_start = ms;
			cm->source_end = me;
		}
	}
}

static bool has_hit_in(const cue_hits *h, size_t a, size_t b)
{
	for (size_t i = 0; h && i < h->count; i++)
		if (h->start[i] >= a && h->end[i] <= b && h->end[i] > h->start[i])
			return true;
	return false;
}

static bool inside(const cue_hits *h, size_t a, size_t b)
{
	for (size_t i = 0; h && i < h->count; i++)
		if (h->start[i] <= a && b <= h->end[i])
			return true;
	return false;
}

int cue_before(const cue_hits *hits, const cue_hits *stops, const cue_hits *pseudo, const char *s,
               size_t act_start, size_t scope)
{
	int best = -1;
	for (size_t i = 0; i < hits->count; i++) {
		size_t a = hits->start[i], b = hits->end[i];
		if (b > act_start || b == a)
			continue;
		if (inside(pseudo, a, b))
			continue;
		if (cue_words(s, b, act_start) > scope)
			continue;
		if (has_hit_in(stops, b, act_start))
			continue;
		/* The nearest cue decides. */
		if (best < 0 || hits->end[best] < b)
			best = (int)i;
	}
	return best;
}

int cue_after(const cue_hits *hits, const cue_hits *stops, const char *s, size_t act_end, size_t scope)
{
	for (size_t i = 0; i < hits->count; i++) {
		size_t a = hits->start[i];
		if (a < act_end || hits->end[i] == a)
			continue;
		if (cue_words(s, act_end, a) > scope)
			continue;
		if (has_hit_in(stops, act_end, a))
			continue;
		return (int)i;
	}
	return -1;
}
