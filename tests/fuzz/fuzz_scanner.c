/* Fuzz the scanner end to end on the shipped pack: positions stay inside
 * the document, streaming in pieces (fed, and written into the scanner's
 * buffer) finds what one call finds, the prefilter finds exactly what the
 * plain path finds, and so does a scanner answering repeats from its
 * cache (kept across inputs, which the fuzzer varies a little each), and
 * a scanner for one clause finds what the plain path finds for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pactscan/pactscan.h"

typedef struct tally {
	size_t size;
	size_t count;
	uint64_t hash;
	const ps_clause *one;      /* and apart, the findings of this clause */
	size_t one_count;
	uint64_t one_hash;
} tally;

static int on_finding(const ps_finding *f, void *userdata)
{
	tally *t = userdata;
	FUZZ_ASSERT(f->sentence_span.start < f->sentence_span.end && f->sentence_span.end <= t->size);
	FUZZ_ASSERT(f->line >= 1 && f->column >= 1 && f->char_column >= 1 && f->char_column <= f->column);
	for (size_t i = 0; i < f->evidence_count; i++)
		FUZZ_ASSERT(f->evidence[i].start <= f->evidence[i].end && f->evidence[i].end <= t->size);
	for (size_t i = 0; i < f->cue_count; i++)
		FUZZ_ASSERT(f->cues[i].span.end <= t->size);
	uint64_t key = f->sentence_span.start * 31u + f->sentence_span.end * 37u + ps_clause_index(f->clause) * 7u +
	               f->stance * 3u + f->certainty + f->line * 17u + f->column * 13u + f->char_column * 5u;
	t->count++;
	t->hash = t->hash * 1000003u ^ key;
	if (f->clause == t->one) {
		t->one_count++;
		t->one_hash = t->one_hash * 1000003u ^ key;
	}
	return 0;
}

static ps_ruleset *rules;
static ps_scanner *fast, *plain, *cached, *chosen;

static void setup(void)
{
	ps_diags *diags = NULL;
	if (ps_diags_new(&diags) != PS_OK || ps_ruleset_load(&rules, PS_SOURCE_ROOT "/rules", diags) != PS_OK) {
		fprintf(stderr, "fuzz_scanner: cannot load %s/rules\n", PS_SOURCE_ROOT);
		abort();
	}
	ps_diags_free(diags);
	ps_scan_limits slow = { .flags = PS_SCAN_NO_PREFILTER, .max_sentence = 256 };
	/* Profiled: its path gives the same findings, and counts the same
	 * signals tried and matched however the text is fed (without the
	 * cache, which would answer the second feeding). */
	ps_scan_limits quick = { .max_sentence = 256, .flags = PS_SCAN_PROFILE | PS_SCAN_NO_REPEAT_CACHE };
	ps_scan_limits usual = { .max_sentence = 256 };
	if (ps_scanner_new(&fast, rules, &quick) != PS_OK || ps_scanner_new(&plain, rules, &slow) != PS_OK ||
	    ps_scanner_new(&cached, rules, &usual) != PS_OK || ps_scanner_new(&chosen, rules, &usual) != PS_OK)
		abort();
}

/* The fast scanner's counts so far: tried and matched, over all signals. */
static void profile_sums(uint64_t *tried, uint64_t *matched)
{
	ps_scan_profile p;
	FUZZ_ASSERT(ps_scanner_profile(&p, fast) == PS_OK);
	*tried = *matched = 0;
	for (size_t i = 0; i < p.n_signals; i++) {
		FUZZ_ASSERT(p.signals[i].matched <= p.signals[i].tried);
		*tried += p.signals[i].tried;
		*matched += p.signals[i].matched;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!rules)
		setup();
	const char *text = (const char *)data;
	/* The clause the chosen scanner is for, by the input's last byte. */
	const ps_clause *one = ps_ruleset_clause(rules, size ? data[size - 1] % ps_ruleset_clause_count(rules) : 0);
	tally a = { .size = size }, b = { .size = size, .one = one }, c = { .size = size };
	ps_scan_callbacks ca = { on_finding, NULL, &a }, cb = { on_finding, NULL, &b }, cc = { on_finding, NULL, &c };
	uint64_t t0, m0, t1, m1, t2, m2;
	profile_sums(&t0, &m0);
	ps_status sa = ps_scanner_scan(fast, text, size, &ca);
	uint64_t sentences = ps_scanner_stats(fast)->sentences;
	profile_sums(&t1, &m1);
	ps_status sb = ps_scanner_scan(plain, text, size, &cb);
	/* Streamed in two uneven pieces, the second written where
	 * ps_scanner_space() says, as much as there is room for each time. */
	size_t cut = size ? data[0] % (size + 1) : 0;
	ps_scanner_begin(fast, &cc);
	ps_status sc = ps_scanner_feed(fast, text, cut);
	for (size_t at = cut; sc == PS_OK && at < size;) {
		char *room_at;
		size_t room;
		FUZZ_ASSERT(ps_scanner_space(&room_at, &room, fast) == PS_OK && room > 0);
		size_t n = size - at < room ? size - at : room;
		memcpy(room_at, text + at, n);
		sc = ps_scanner_commit(fast, n);
		at += n;
	}
	if (sc == PS_OK)
		sc = ps_scanner_end(fast);
	profile_sums(&t2, &m2);
	FUZZ_ASSERT(sa == PS_OK || sa == PS_ERR_INCOMPLETE);
	if (sa == PS_OK && sb == PS_OK) {
		FUZZ_ASSERT(a.count == b.count && a.hash == b.hash);
	}
	/* Twice: a sentence is kept the second time it is met. */
	for (int k = 0; k < 2; k++) {
		tally d = { .size = size };
		ps_scan_callbacks cd = { on_finding, NULL, &d };
		ps_status sd = ps_scanner_scan(cached, text, size, &cd);
		FUZZ_ASSERT(sd == sb);
		if (sd == PS_OK)
			FUZZ_ASSERT(d.count == b.count && d.hash == b.hash);
	}
	tally e = { .size = size };
	ps_scan_callbacks ce = { on_finding, NULL, &e };
	FUZZ_ASSERT(ps_scanner_select(chosen, &one, 1) == PS_OK);
	ps_status se = ps_scanner_scan(chosen, text, size, &ce);
	FUZZ_ASSERT(se == sb);
	if (se == PS_OK)
		FUZZ_ASSERT(e.count == b.one_count && e.hash == b.one_hash);
	if (sa == PS_OK && sc == PS_OK) {
		FUZZ_ASSERT(a.count == c.count && a.hash == c.hash);
		FUZZ_ASSERT(ps_scanner_stats(fast)->sentences == sentences);
		FUZZ_ASSERT(t2 - t1 == t1 - t0 && m2 - m1 == m1 - m0);
	}
	return 0;
}
