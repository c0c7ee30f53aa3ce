/* Required literals: what the prefilter may demand of a sentence before a
 * pattern runs. Every set must hold for every match (soundness), and the
 * sets should be as selective as the pattern allows. */
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"
#include "literal_int.h"
#include "pattern_int.h"
#include "prefilter_int.h"
#include "ruleset_int.h"

static void write_sets(char *out, const litreq *req);

/* The required sets of a pattern, written "{a,b} {c}" with members sorted
 * as extracted. */
static const char *sets_of(const char *pattern)
{
	static char out[2048];
	arena a;
	litreq r;
	arena_init(&a, 4096);
	ck_assert_int_eq(literal_require(&r, &a, pattern, strlen(pattern)), PS_OK);
	write_sets(out, &r);
	arena_release(&a);
	return out;
}

/* The same, with group analysed once (literal_piece) wherever its text
 * occurs in pattern. */
static const char *sets_with_piece(const char *pattern, const char *group)
{
	static char out[2048];
	arena a;
	litreq r;
	litembed embeds[8];
	size_t n = 0;
	const litpiece *piece = NULL;
	arena_init(&a, 4096);
	ck_assert_int_eq(literal_piece(&piece, &a, group, strlen(group)), PS_OK);
	for (const char *at = strstr(pattern, group); at && n < 8; at = strstr(at + 1, group))
		embeds[n++] = (litembed){ .off = (size_t)(at - pattern), .piece = piece };
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(literal_require_with(&r, &a, pattern, strlen(pattern), embeds, n), PS_OK);
	write_sets(out, &r);
	arena_release(&a);
	return out;
}

static void write_sets(char *out, const litreq *req)
{
	const litreq r = *req;
	out[0] = '\0';
	for (size_t i = 0; i < r.count; i++) {
		strcat(out, i ? " {" : "{");
		for (size_t k = 0; k < r.sets[i].count; k++) {
			if (k)
				strcat(out, ",");
			strncat(out, r.sets[i].str[k], r.sets[i].len[k]);
		}
		strcat(out, "}");
	}
}

#define assert_sets(pattern, expected) ck_assert_str_eq(sets_of(pattern), (expected))

START_TEST(literals_from_plain_patterns)
{
	assert_sets("(?:\\bHamas\\b)", "{hamas}");
	assert_sets("(?:\\bwithdr\\w*|\\bpulled back\\b)", "{withdr,pulled back}");
	assert_sets("(?:\\byellow[- ]line\\b)", "{yellow-line,yellow line}");
	assert_sets("(?:\\bKhan Y(?:ou|u|o)nis\\b)", "{khan younis,khan yunis,khan yonis}");
	assert_sets("(?:(?<source>\\w+)\\s+said\\b)", "{said}");
	assert_sets("(?:\\Qa.b\\E)", "{a.b}");
	assert_sets("(?:(?=abc)def)", "{def}");
	assert_sets("(?:[[:alpha:]]+ foo)", "{ foo}");
	assert_sets("(?:(abc|def)ghi)", "{abcghi,defghi} {abc,def}");
	/* Two-letter words behind longer ones are not required: they hold in
	 * nearly every sentence. Alone, or behind three-letter ones, they are. */
	assert_sets("(?:(abc|de)fgh)", "{abcfgh,defgh}");
	assert_sets("(?:\\bheld\\s+(?:in|by)\\s+\\w+)", "{held}");
	assert_sets("(?:\\b(?:in|on)\\b)", "{in,on}");
	assert_sets("(?:\\b(?:in|on)\\s+(?:abc|def)\\b)", "{abc,def} {in,on}");
	/* General Punctuation has no case, so its bytes are required as they are. */
	assert_sets("(?:\\w*n(?:'|\xE2\x80\x99)t\\b)", "{n't,n\xE2\x80\x99t}");
	/* Both parts are required when something unknown stands between. */
	assert_sets("(?:\\bhostages\\b.*\\breleased\\b)", "{hostages} {released}");
}
END_TEST

START_TEST(nothing_required_where_nothing_is_sure)
{
	assert_sets("(?:x*)", "");
	assert_sets("(?:a|b)", "");                   /* too short to help */
	assert_sets("(?:hamas|\\w+)", "");            /* one branch needs no word */
	assert_sets("(?:(?:hamas)?)", "");
	assert_sets("(?:(?x) foo bar)", "");          /* extended mode changes spaces */
	assert_sets("(?:caf\xC3\xA9s)", "{caf}");     /* non-ASCII folds beyond bytes */
	assert_sets("(?:\\x{e9}t\xC3\xA9)", "");
	assert_sets("(?:a(?(1)b|c)d)", "");
}
END_TEST

#define assert_piece_changes_nothing(pattern, group) \
	ck_assert_str_eq(sets_with_piece(pattern, group), sets_of(pattern))

START_TEST(a_group_analysed_once_is_the_same_anywhere)
{
	const char *idf = "(?:(?:\\bIDF\\b)|(?:\\bIsrael(?:i|\xE2\x80\x99s) (?:troops|forces)\\b))";
	char pattern[1024];
	snprintf(pattern, sizeof pattern, "(?:%s (?:fired|shot)\\b)", idf);
	assert_piece_changes_nothing(pattern, idf);
	snprintf(pattern, sizeof pattern, "(?:%s?%s+ withdr)", idf, idf);
	assert_piece_changes_nothing(pattern, idf);
	ck_assert_str_eq(sets_with_piece("(?:(?:abc|cde)fg)", "(?:abc|cde)"), "{abcfg,cdefg} {abc,cde}");
	/* Text that is not a group where it stands: in a class, or quoted. */
	assert_piece_changes_nothing("(?:[(?:ab)]xyz)", "(?:ab)");
	assert_piece_changes_nothing("(?:\\Q(?:ab)\\E cd)", "(?:ab)");
	/* What this does not model is analysed where it stands. */
	assert_piece_changes_nothing("(?:(?x: a b ) cd)", "(?x: a b )");
	/* Nested just under the depth limit, and just over. */
	for (int depth = 297; depth <= 299; depth++) {
		size_t n = 0;
		for (int i = 0; i < depth; i++)
			n += (size_t)snprintf(pattern + n, sizeof pattern - n, "(");
		n += (size_t)snprintf(pattern + n, sizeof pattern - n, "(?:(?:abc))");
		for (int i = 0; i < depth; i++)
			n += (size_t)snprintf(pattern + n, sizeof pattern - n, ")");
		assert_piece_changes_nothing(pattern, "(?:(?:abc))");
	}
}
END_TEST

typedef struct soundness {
	ps_ruleset *rules;
	prefilter_state pfs;
	pcre2_match_data *md;
	size_t checks, skipped;
} soundness;

static void check_sentence(const char *s, size_t n, void *userdata)
{
	soundness *c = userdata;
	prefilter_run(&c->rules->pf, &c->pfs, s, n);
	for (size_t i = 0; i < c->rules->n_patterns; i++) {
		const ps_pattern *p = c->rules->patterns[i].pattern;
		size_t ms, me;
		c->skipped += !prefilter_pattern_possible(&c->rules->pf, &c->pfs, p->index);
		if (pattern_match(p, c->md, NULL, 0, s, n, 0, &ms, &me) == 1) {
			c->checks++;
			ck_assert_msg(prefilter_pattern_possible(&c->rules->pf, &c->pfs, p->index),
			              "pattern %s:%zu:%zu matches \"%.*s\" but the prefilter skips it", p->file, p->line,
			              p->col, (int)n, s);
		}
	}
}

/* Every sentence of the corpus against every pattern of the shipped pack:
 * wherever a pattern matches, the prefilter must have let it run. */
START_TEST(the_shipped_pack_is_sound_on_the_corpus)
{
	/* Every pattern on every sentence takes minutes without the JIT. */
	if (getenv("PACTSCAN_TEST_NO_JIT"))
		return;
	ps_diags *diags = NULL;
	soundness c = { .checks = 0 };
	ck_assert_int_eq(ps_diags_new(&diags), PS_OK);
	ck_assert_int_eq(ps_ruleset_load(&c.rules, PS_SOURCE_ROOT "/rules", diags), PS_OK);
	ck_assert_int_eq(prefilter_state_init(&c.pfs, &c.rules->pf), PS_OK);
	c.md = pcre2_match_data_create(32, NULL);
	ck_assert_uint_gt(each_sentence_in(PS_SOURCE_ROOT "/corpus", check_sentence, &c), 400);
	ck_assert_uint_gt(c.checks, 1000);
	/* And it is a filter: most patterns are ruled out of most sentences. */
	ck_assert_uint_gt(c.skipped, c.rules->n_patterns * 400 / 2);
	pcre2_match_data_free(c.md);
	prefilter_state_free(&c.pfs);
	ps_ruleset_free(c.rules);
	ps_diags_free(diags);
}
END_TEST

/* One step of a plain walk of m's 32-bit table from *st (a state times
 * the class count): does a word end at byte c? */
static bool plain_step(const acm *m, uint32_t *st, char c)
{
	/* The full automaton keeps only its 16-bit table: of state numbers
	 * (the shipped pack's), or of states times the class count. */
	if (!m->delta && m->next16) {
		uint32_t e = m->next16[*st + m->cls[(unsigned char)c]];
		*st = (e & ~ACM16_HAS_OUTPUT) * m->nclass;
		return e & ACM16_HAS_OUTPUT;
	}
	if (!m->delta) {
		uint32_t e = m->delta16[*st + m->cls[(unsigned char)c]];
		*st = e & ~ACM16_HAS_OUTPUT;
		return e & ACM16_HAS_OUTPUT;
	}
	uint32_t e = m->delta[*st + m->cls[(unsigned char)c]];
	*st = e & ~ACM_HAS_OUTPUT;
	return e & ACM_HAS_OUTPUT;
}

/* A plain walk of the `any` gate's automaton: does one of its words end
 * somewhere in text? */
static bool gate_word_in(const acm *m, const char *text, size_t len)
{
	uint32_t st = 0;
	for (size_t i = 0; i < len; i++)
		if (plain_step(m, &st, text[i]))
			return true;
	return false;
}

typedef struct gate_check {
	const prefilter *pf;
	size_t sentences, long_ones;
} gate_check;

static void check_gate(const char *s, size_t n, void *userdata)
{
	gate_check *g = userdata;
	g->sentences++;
	g->long_ones += n >= 128;
	ck_assert_msg(prefilter_gate_possible(g->pf, s, n) == gate_word_in(&g->pf->gate_any, s, n),
	              "the gate's quick walk and a plain walk disagree on \"%.*s\"", (int)n, s);
}

/* The `any` gate's quick walk (two halves side by side, overlapping by a
 * word's length) finds a word wherever a plain walk does: on every corpus
 * sentence, and with a word placed at every offset across the middle of
 * long filler. */
START_TEST(the_gate_walk_finds_words_across_the_middle)
{
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	gate_check g = { .pf = &rules->pf };
	ck_assert_ptr_nonnull(g.pf->gate_sink_delta);
	ck_assert_uint_gt(each_sentence_in(PS_SOURCE_ROOT "/corpus", check_gate, &g), 400);
	ck_assert_uint_gt(g.long_ones, 100);
	static const char *const words[] = { "Gaza", "Hamas", "hostages", "West Bank" };
	char text[600];
	for (size_t len = 130; len < sizeof text; len += 37) {
		for (size_t w = 0; w < 4; w++) {
			size_t wl = strlen(words[w]);
			for (size_t at = 0; at + wl <= len; at++) {
				memset(text, 'x', len);
				for (size_t k = 7; k < len; k += 8)
					text[k] = ' ';
				memcpy(text + at, words[w], wl);
				check_gate(text, len, &g);
				/* And cut short by one byte: no word at all. */
				check_gate(text, at + wl - 1, &g);
			}
		}
	}
	ps_ruleset_free(rules);
}
END_TEST

/* The gate's long words are looked for by their rarest bytes: a sentence
 * that shares only a common start with one ("the strike" with "the
 * Strip", "international" with "International Stabilization Force") is
 * passed over without a pattern run, and the words are still seen. */
START_TEST(the_gate_looks_for_long_words_by_their_rarest_bytes)
{
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	const prefilter *pf = &rules->pf;
	static const char *const passed[] = {
		"Workers ended the strike on Friday.",
		"The international community met in Geneva.",
		"The security guards opened the gates.",
		"The pale light of dawn rose over the hills.",
		"Talks reached a resolution on Friday.",
	};
	static const char *const opened[] = {
		"Aid entered the Strip on Friday.",
		"The International Stabilization Force has not deployed.",
		"Shelling hit the enclave overnight.",
		"The remaining hostages were freed.",
		"Council members voted for resolution 2803.",
	};
	for (size_t i = 0; i < 5; i++) {
		ck_assert_msg(!prefilter_gate_possible(pf, passed[i], strlen(passed[i])), "\"%s\" opened the gate",
		              passed[i]);
		ck_assert_msg(prefilter_gate_possible(pf, opened[i], strlen(opened[i])), "\"%s\" did not open the gate",
		              opened[i]);
	}
	ps_ruleset_free(rules);
}
END_TEST

/* Requirements with the same literals share one set, which a literal
 * found marks once; and every requirement still names a set. */
START_TEST(requirements_alike_share_a_set)
{
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	const prefilter *pf = &rules->pf;
	uint32_t required = pf->owner_set_start[pf->n_owners];
	ck_assert_uint_lt(pf->n_sets, required);
	for (uint32_t k = 0; k < required; k++)
		ck_assert_uint_lt(pf->owner_set_ids[k], pf->n_sets);
	/* Each owner's first set, looked at before the rest; n_sets, whose
	 * bit is always set, for an owner that requires nothing. */
	size_t none = 0;
	for (uint32_t o = 0; o < pf->n_owners; o++) {
		bool has = pf->owner_set_start[o] < pf->owner_set_start[o + 1];
		none += !has;
		ck_assert_uint_eq(pf->owner_first[o], has ? pf->owner_set_ids[pf->owner_set_start[o]] : pf->n_sets);
	}
	ck_assert_uint_gt(none, 0);
	prefilter_state ps;
	ck_assert_int_eq(prefilter_state_init(&ps, pf), PS_OK);
	prefilter_begin(&ps, pf);
	for (uint32_t o = 0; o < pf->n_owners; o++)
		if (pf->owner_set_start[o] == pf->owner_set_start[o + 1])
			ck_assert(prefilter_candidate(pf, &ps, o));
	prefilter_state_free(&ps);
	/* Each set's literals, as a bit row: no two rows are the same. */
	uint32_t words = (pf->n_lits + 63) / 64;
	uint64_t *row = calloc((size_t)pf->n_sets * words, sizeof(*row));
	ck_assert_ptr_nonnull(row);
	for (uint32_t l = 0; l < pf->n_lits; l++)
		for (uint32_t k = pf->lit_set_start[l]; k < pf->lit_set_start[l + 1]; k++)
			row[(size_t)pf->lit_set_ids[k] * words + l / 64] |= UINT64_C(1) << (l % 64);
	for (uint32_t a = 0; a < pf->n_sets; a++) {
		bool empty = true;
		for (uint32_t w = 0; w < words && empty; w++)
			empty = !row[(size_t)a * words + w];
		ck_assert_msg(!empty, "set %u holds no literal", a);
		for (uint32_t b = a + 1; b < pf->n_sets; b++)
			ck_assert_msg(memcmp(row + (size_t)a * words, row + (size_t)b * words, words * sizeof(*row)),
			              "sets %u and %u hold the same literals", a, b);
	}
	free(row);
	ps_ruleset_free(rules);
}
END_TEST

/* Does a walk of text from the root end on a word? */
static bool gate_ends_on_word(const acm *m, const char *text, size_t len)
{
	uint32_t st = 0;
	bool word = false;
	for (size_t i = 0; i < len; i++)
		word = plain_step(m, &st, text[i]);
	return word;
}

/* The places a plain walk of the `any` gate finds in text: each end, and
 * the start of the shortest word ending there. */
static size_t plain_gate_hits(const prefilter *pf, const char *text, size_t len, gate_hit *out, size_t max)
{
	const acm *m = &pf->gate_any;
	size_t n = 0;
	uint32_t st = 0;
	for (size_t i = 0; i < len; i++) {
		if (!plain_step(m, &st, text[i]))
			continue;
		/* The shortest word ending here: the fewest bytes back whose own
		 * walk ends on a word. */
		size_t shortest = 1;
		while (!gate_ends_on_word(m, text + i + 1 - shortest, shortest))
			shortest++;
		ck_assert_uint_lt(n, max);
		out[n++] = (gate_hit){ (uint32_t)(i + 1 - shortest), (uint32_t)(i + 1) };
	}
	return n;
}

static void assert_gate_scan(const prefilter *pf, const char *text, size_t len)
{
	static gate_hit want[4096], got[4096];
	size_t nw = plain_gate_hits(pf, text, len, want, 4096);
	size_t ng = prefilter_gate_scan(pf, text, len, got, 4096);
	ck_assert_msg(ng == nw, "%zu places found in four lanes, %zu in one walk, of %zu bytes", ng, nw, len);
	for (size_t i = 0; i < nw; i++) {
		ck_assert_uint_eq(got[i].start, want[i].start);
		ck_assert_uint_eq(got[i].end, want[i].end);
	}
	/* Too little room is said, not overrun. */
	if (nw >= 8)
		ck_assert_uint_eq(prefilter_gate_scan(pf, text, len, got, nw / 2), SIZE_MAX);
}

typedef struct joined {
	char text[1 << 16];
	size_t len;
	size_t span[2048][2];
	size_t n;
} joined;

static void join_sentence(const char *s, size_t n, void *userdata)
{
	joined *j = userdata;
	if (j->n == 2048 || j->len + n + 1 > sizeof j->text)
		return;
	j->span[j->n][0] = j->len;
	j->span[j->n][1] = j->len + n;
	j->n++;
	memcpy(j->text + j->len, s, n);
	j->len += n;
	j->text[j->len++] = ' ';
}

typedef void (*text_check)(const char *text, size_t len, void *userdata);

/* Filler texts of every length below dense, then of every step bytes
 * below cap, each checked as it is and with each word placed at every
 * offset across each quarter's border (from the word's length before it
 * to one byte after): where a walk in lanes splits its text. The first
 * quarter is lead bytes longer than the others (the lanes' walk over a
 * sentence gives its first lane the warm-up the others need), so the
 * borders are at lead + q * ((len - lead) / 4). */
static void words_across_quarters(size_t dense, size_t step, size_t cap, size_t lead, const char *const *words,
                                  size_t n_words, text_check check, void *userdata)
{
	char text[1024];
	ck_assert_uint_le(cap, sizeof text);
	for (size_t len = 0; len < cap; len += len < dense ? 1 : step) {
		memset(text, 'x', len);
		for (size_t k = 7; k < len; k += 8)
			text[k] = ' ';
		check(text, len, userdata);
		for (size_t w = 0; w < n_words; w++) {
			size_t wl = strlen(words[w]);
			for (size_t q = 0; q <= 4; q++) {
				size_t border = len < lead ? q * (len / 4) : q ? lead + q * ((len - lead) / 4) : 0;
				for (size_t at = border >= wl ? border - wl : 0; at + wl <= len && at <= border + 1; at++) {
					char keep[16];
					memcpy(keep, text + at, wl);
					memcpy(text + at, words[w], wl);
					check(text, len, userdata);
					memcpy(text + at, keep, wl);
				}
			}
		}
	}
}

static void check_gate_scan(const char *text, size_t len, void *userdata)
{
	assert_gate_scan(userdata, text, len);
}

/* One walk of a whole buffer in four lanes finds the places a plain walk
 * does, words across the lanes' borders included; and a sentence has a
 * place in it exactly when its own walk finds a word. */
/* An owner is a candidate exactly when each of its sets holds: asked a
 * word of sets at a time, as a loop over its list of sets would say, on
 * rows of held sets dense enough that owners of several sets pass too. */
START_TEST(an_owner_is_a_candidate_when_all_its_sets_hold)
{
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	const prefilter *pf = &rules->pf;
	prefilter_state ps;
	ck_assert_int_eq(prefilter_state_init(&ps, pf), PS_OK);
	uint64_t seed = 12345;
	size_t passed_many = 0, failed_many = 0;
	for (int round = 0; round < 400; round++) {
		prefilter_begin(&ps, pf);
		for (uint32_t set = 0; set < pf->n_sets; set++) {
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			/* Nine in ten sets held in most rounds, every set in some. */
			if (round % 10 == 0 || (seed >> 33) % 10 != 0)
				ps.set_held[set / 64] |= UINT64_C(1) << (set % 64);
		}
		ps.dirty = true;
		for (uint32_t o = 0; o < pf->n_owners; o++) {
			bool all = true;
			for (uint32_t k = pf->owner_set_start[o]; k < pf->owner_set_start[o + 1]; k++)
				all = all && prefilter_held(&ps, pf->owner_set_ids[k]);
			ck_assert_msg(prefilter_candidate(pf, &ps, o) == all, "owner %u, round %d: candidate %d, its sets %d", o,
			              round, !all, all);
			if (pf->owner_set_start[o + 1] - pf->owner_set_start[o] > 1) {
				passed_many += all;
				failed_many += !all;
			}
		}
	}
	/* Both answers were seen for owners of several sets. */
	ck_assert_uint_gt(passed_many, 0);
	ck_assert_uint_gt(failed_many, 0);
	prefilter_state_free(&ps);
	ps_ruleset_free(rules);
}
END_TEST

START_TEST(the_gate_scan_of_a_buffer_finds_every_word)
{
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	const prefilter *pf = &rules->pf;
	static joined j;
	j.len = j.n = 0;
	each_sentence_in(PS_SOURCE_ROOT "/corpus", join_sentence, &j);
	ck_assert_uint_gt(j.n, 300);
	static gate_hit hits[1 << 14];
	size_t n = prefilter_gate_scan(pf, j.text, j.len, hits, 1 << 14);
	ck_assert_uint_ne(n, SIZE_MAX);
	size_t with = 0;
	for (size_t i = 0; i < j.n; i++) {
		size_t a = j.span[i][0], b = j.span[i][1];
		bool in = false;
		for (size_t k = 0; k < n && !in; k++)
			in = hits[k].start >= a && hits[k].end <= b;
		ck_assert_msg(in == gate_word_in(&pf->gate_any, j.text + a, b - a),
		              "the buffer's scan and the sentence's walk disagree on \"%.*s\"", (int)(b - a), j.text + a);
		with += in;
	}
	ck_assert_uint_gt(with, 100);
	ck_assert_uint_gt(j.n - with, 10);
	assert_gate_scan(pf, j.text, 4000);
	/* A word at every offset around the quarters of texts of many lengths;
	 * "the Gaza" ends where the shorter "Gaza" does, and "by Hamas" (a word
	 * of the gate's) where "Hamas" does: the place found is the shorter's. */
	static const char *const words[] = { "Gaza", "Hamas", "hostages", "West Bank", "the Gaza", "taken by Hamas" };
	words_across_quarters(40, 29, 700, 0, words, 6, check_gate_scan, (void *)(uintptr_t)pf);
	ps_ruleset_free(rules);
}
END_TEST

/* One sentence far longer than news has (the corpus joined): the walk
 * notes its outputs a batch at a time, and none may be lost at a batch's
 * end or the sentence's. Every pattern that matches may run, and where its
 * leading words are known, its first match starts at one of them. */
START_TEST(a_long_sentence_is_walked_to_its_end)
{
	/* Every pattern on 30 KB, eight times, takes minutes without the JIT. */
	if (getenv("PACTSCAN_TEST_NO_JIT"))
		return;
	static joined j;
	j.len = j.n = 0;
	each_sentence_in(PS_SOURCE_ROOT "/corpus", join_sentence, &j);
	ck_assert_uint_gt(j.len, 30000);
	soundness c = { .rules = load_pack(PS_SOURCE_ROOT "/rules") };
	ck_assert_int_eq(prefilter_state_init(&c.pfs, &c.rules->pf), PS_OK);
	c.md = pcre2_match_data_create(32, NULL);
	/* Cut at every length of a few, so that batches end everywhere. */
	for (size_t len = j.len - 700; len <= j.len; len += 97) {
		check_sentence(j.text, len, &c);
		for (size_t i = 0; i < c.rules->n_patterns; i++) {
			const ps_pattern *p = c.rules->patterns[i].pattern;
			static size_t at[8192];
			size_t ms, me;
			size_t n = prefilter_lead_positions(&c.rules->pf, &c.pfs, c.rules->pf.shape[i], j.text, 0, at, NULL, 8192);
			if (n == SIZE_MAX || pattern_match(p, c.md, NULL, 0, j.text, len, 0, &ms, &me) != 1)
				continue;
			bool found = false;
			for (size_t k = 0; k < n && !found; k++)
				found = at[k] == ms;
			ck_assert_msg(found, "pattern %s:%zu matches at %zu, not at a leading word", p->file, p->line, ms);
		}
	}
	ck_assert_uint_gt(c.checks, 500);
	pcre2_match_data_free(c.md);
	prefilter_state_free(&c.pfs);
	ps_ruleset_free(c.rules);
}
END_TEST

/* The scanner asks the prefilter about a clause's signals by number, as
 * signals[0].owner + i: within a clause the numbers run on, and all are
 * the prefilter's signal owners. */
START_TEST(a_clauses_signals_own_consecutive_numbers)
{
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	size_t n = 0;
	for (size_t c = 0; c < rules->n_clauses; c++) {
		const ps_clause *clause = rules->clauses[c];
		for (size_t i = 0; i < clause->n_signals; i++, n++) {
			uint32_t owner = clause->signals[i].owner;
			ck_assert_uint_eq(owner, clause->signals[0].owner + i);
			ck_assert_uint_ge(owner, OWNER_FIRST_SIGNAL);
			ck_assert_uint_lt(owner, rules->pf.pattern_owner);
		}
	}
	ck_assert_uint_eq(n, rules->n_signals);
	ck_assert_uint_gt(n, 100);
	ps_ruleset_free(rules);
}
END_TEST

/* A requirement that a common word meets ("the") is dropped where its
 * owner has another: the pattern is still ruled out where its other words
 * are missing, may match where only "the" is missing (it holds nearly
 * always), and the full pass no longer looks for the word, which nothing
 * else asks for. A pattern with no other requirement ("of") keeps it. */
START_TEST(a_common_word_is_not_required_beside_another)
{
	static const char yaml[] = "pactscan: 1\n" TEST_CLAUSE_S1 "    act: 'yellow (?:\\w+ ){0,3}?the (?:\\w+ )?line'\n"
	                           "    none: of\n";
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	ck_assert_ptr_nonnull(rules);
	const prefilter *pf = &rules->pf;
	const ps_pattern *p = NULL, *of = NULL;
	for (size_t i = 0; i < rules->n_patterns; i++) {
		const ps_pattern *q = rules->patterns[i].pattern;
		if (q->text_len == 2)
			of = q;
		else
			p = q;
	}
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(of);
	uint32_t owner = pf->pattern_owner + (uint32_t)p->index, of_owner = pf->pattern_owner + (uint32_t)of->index;
	ck_assert_uint_gt(p->req.count, 1);
	ck_assert_uint_eq(pf->owner_set_start[owner + 1] - pf->owner_set_start[owner], p->req.count - 1);
	ck_assert_uint_eq(pf->owner_set_start[of_owner + 1] - pf->owner_set_start[of_owner], 1);
	static const struct {
		const char *text;
		bool possible, of_possible;
	} want[] = {
		{ "The yellow paint on the line dried.", true, false },
		{ "A yellow paint on a line dried.", true, false },
		{ "The paint on the line dried.", false, false },
		{ "Most of the yellow paint dried.", false, true },
	};
	prefilter_state ps;
	ck_assert_int_eq(prefilter_state_init(&ps, pf), PS_OK);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		prefilter_run(pf, &ps, want[i].text, strlen(want[i].text));
		ck_assert_msg(prefilter_pattern_possible(pf, &ps, p->index) == want[i].possible, "\"%s\": %s",
		              want[i].text, want[i].possible ? "ruled out" : "possible");
		ck_assert_msg(prefilter_pattern_possible(pf, &ps, of->index) == want[i].of_possible, "\"%s\": 'of' %s",
		              want[i].text, want[i].of_possible ? "ruled out" : "possible");
	}
	/* "the", and nothing else, in a sentence: no literal is found. */
	prefilter_run(pf, &ps, "the the the", 11);
	for (uint32_t lit = 0; lit < pf->n_lits; lit++)
		ck_assert_msg(!prefilter_found(&ps, lit), "literal %u found in \"the the the\" (%u bytes, flags %x, %u sets)", lit, pf->lit_len[lit], pf->lit_flags[lit], pf->lit_set_start[lit + 1] - pf->lit_set_start[lit]);
	prefilter_state_free(&ps);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* What the sentence's walk found must be what a plain walk of the full
 * automaton finds: each literal seen, and each leading word's place. */
static int by_place(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static size_t walks;

/* A plain walk of automaton m (its literal ids mapped through ids, if
 * any): the literals it meets into walked, leading words' places into
 * plain; returns their count. */
static size_t plain_walk(const prefilter *pf, const acm *m, const uint32_t *ids, const char *text, size_t len,
                         bool *walked, uint64_t *plain)
{
	size_t n = 0;
	memset(walked, 0, pf->n_lits * sizeof(*walked));
	uint32_t st = 0;
	for (size_t i = 0; i < len; i++) {
		if (!plain_step(m, &st, text[i]))
			continue;
		for (uint32_t k = m->out_start[st / m->nclass]; k < m->out_start[st / m->nclass + 1]; k++) {
			uint32_t lit = ids ? ids[m->out_ids[k]] : m->out_ids[k];
			walked[lit] = true;
			if (pf->lit_flags[lit] & LIT_LEADS)
				plain[n++] = (uint64_t)(i + 1 - pf->lit_len[lit]) << 32 | lit;
		}
	}
	return n;
}

static void assert_walk_is_plain(const prefilter *pf, prefilter_state *ps, const char *text, size_t len)
{
	static bool walked[8192];
	static uint64_t plain[1 << 16], got[1 << 16];
	ck_assert_uint_lt(pf->n_lits, 8192);
	/* The gate's own pass first: its literals only. */
	plain_walk(pf, &pf->gate, pf->gate_ids, text, len, walked, plain);
	prefilter_begin(ps, pf);
	prefilter_run_gate(pf, ps, text, len);
	for (uint32_t lit = 0; lit < pf->n_lits; lit++)
		if (walked[lit] != prefilter_found(ps, lit))
			ck_abort_msg("the gate's literal %u of \"%.*s\" (%zu bytes): %s", lit, (int)len, text, len,
			             walked[lit] ? "missed" : "found, but not there");
	size_t n = plain_walk(pf, &pf->ac, pf->ac_ids, text, len, walked, plain);
	prefilter_run(pf, ps, text, len);
	/* Check's assertions each write to its log: here, only a failure does. */
	for (uint32_t lit = 0; lit < pf->n_lits; lit++)
		if (walked[lit] != prefilter_found(ps, lit))
			ck_abort_msg("literal %u of \"%.*s\" (%zu bytes): %s", lit, (int)len, text, len,
			             walked[lit] ? "missed" : "found, but not there");
	/* A set holds exactly when one of its literals was found: nothing of
	 * the sentence before. */
	static bool held[8192];
	ck_assert_uint_lt(pf->n_sets, 8192);
	memset(held, 0, pf->n_sets * sizeof(*held));
	for (uint32_t lit = 0; lit < pf->n_lits; lit++)
		for (uint32_t k = pf->lit_set_start[lit]; walked[lit] && k < pf->lit_set_start[lit + 1]; k++)
			held[pf->lit_set_ids[k]] = true;
	for (uint32_t set = 0; set < pf->n_sets; set++)
		if (held[set] != prefilter_held(ps, set))
			ck_abort_msg("set %u in \"%.*s\": %s", set, (int)len, text, held[set] ? "not held" : "held");
	if (!prefilter_held(ps, pf->n_sets))
		ck_abort_msg("the set of owners with none is not held");
	/* The signals whose first set holds, read off the held sets. */
	static uint64_t firsts[8192 / 64 + 1];
	ck_assert_uint_lt(pf->n_signals, 8192);
	prefilter_signal_firsts(pf, ps, firsts);
	for (uint32_t i = 0; i < pf->n_signals; i++) {
		bool want = ps->exotic || prefilter_held(ps, pf->owner_first[OWNER_FIRST_SIGNAL + i]);
		if (want != (firsts[i / 64] >> (i % 64) & 1))
			ck_abort_msg("signal %u's first set in \"%.*s\": %s", i, (int)len, text, want ? "missed" : "not held");
	}
	if (ps->occ_lost || ps->n_occ != n)
		ck_abort_msg("%u leading words' places in \"%.*s\", not %zu", ps->n_occ, (int)len, text, n);
	/* Each leading word's chain runs over its own places in this sentence. */
	for (uint32_t lit = 0; lit < pf->n_lits; lit++) {
		if (!walked[lit] || !(pf->lit_flags[lit] & LIT_LEADS))
			continue;
		size_t places = 0, chained = 0;
		for (size_t k = 0; k < n; k++)
			places += ps->occ_lit[k] == lit;
		for (uint32_t k = ps->lit_last[lit]; k != UINT32_MAX && chained <= n; k = ps->occ_next[k], chained++)
			if (k >= ps->n_occ || ps->occ_lit[k] != lit)
				ck_abort_msg("literal %u's places in \"%.*s\" lead to another's", lit, (int)len, text);
		if (chained != places)
			ck_abort_msg("literal %u's places in \"%.*s\": %zu chained, not %zu", lit, (int)len, text, chained,
			             places);
	}
	for (size_t k = 0; k < n; k++)
		got[k] = (uint64_t)ps->occ_start[k] << 32 | ps->occ_lit[k];
	qsort(plain, n, sizeof(*plain), by_place);
	qsort(got, n, sizeof(*got), by_place);
	for (size_t k = 0; k < n; k++)
		if (got[k] != plain[k])
			ck_abort_msg("a leading word's place in \"%.*s\": %llu, not %llu", (int)len, text,
			             (unsigned long long)(got[k] >> 32), (unsigned long long)(plain[k] >> 32));
	walks++;
}

typedef struct walk_check {
	const prefilter *pf;
	prefilter_state *ps;
} walk_check;

static void check_walk(const char *s, size_t n, void *userdata)
{
	walk_check *w = userdata;
	assert_walk_is_plain(w->pf, w->ps, s, n);
}

/* The full walk goes over a sentence in four lanes side by side, each but
 * the first starting a word's length before its part: a word across a
 * part's border, at either end, or in a sentence too short for lanes, is
 * found as one plain walk finds it; on the corpus's sentences, and on the
 * corpus joined and cut at a few lengths, where the lanes' batches fill
 * unevenly. */
START_TEST(the_lanes_of_a_walk_find_what_one_walk_finds)
{
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	const prefilter *pf = &rules->pf;
	prefilter_state ps;
	ck_assert_int_eq(prefilter_state_init(&ps, pf), PS_OK);
	ck_assert_uint_gt(pf->ac.longest, 4);
	walk_check wc = { pf, &ps };
	ck_assert_uint_gt(each_sentence_in(PS_SOURCE_ROOT "/corpus", check_walk, &wc), 400);
	static joined j;
	j.len = j.n = 0;
	each_sentence_in(PS_SOURCE_ROOT "/corpus", join_sentence, &j);
	for (size_t len = j.len - 300; len <= j.len; len += 61)
		assert_walk_is_plain(pf, &ps, j.text, len);
	static const char *const words[] = { "Gaza", "withdrew", "hostages", "West Bank", "ceasefire" };
	words_across_quarters(160, 23, 400, pf->ac.longest - 1, words, 5, check_walk, &wc);
	/* U+212A, the Kelvin sign, folds to k: every owner is then a candidate. */
	static const char kelvin[] = "Israeli troops withdrew from the \xe2\x84\xaahan Younis area on Monday.";
	assert_walk_is_plain(pf, &ps, kelvin, sizeof kelvin - 1);
	ck_assert(ps.exotic);
	ck_assert_uint_gt(walks, 20000);
	prefilter_state_free(&ps);
	ps_ruleset_free(rules);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("literal");
	TCase *tc = tcase_create("literal");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, literals_from_plain_patterns);
	tcase_add_test(tc, nothing_required_where_nothing_is_sure);
	tcase_add_test(tc, a_group_analysed_once_is_the_same_anywhere);
	tcase_add_test(tc, the_shipped_pack_is_sound_on_the_corpus);
	tcase_add_test(tc, the_gate_walk_finds_words_across_the_middle);
	tcase_add_test(tc, the_gate_scan_of_a_buffer_finds_every_word);
	tcase_add_test(tc, the_gate_looks_for_long_words_by_their_rarest_bytes);
	tcase_add_test(tc, requirements_alike_share_a_set);
	tcase_add_test(tc, an_owner_is_a_candidate_when_all_its_sets_hold);
	tcase_add_test(tc, a_common_word_is_not_required_beside_another);
	tcase_add_test(tc, a_long_sentence_is_walked_to_its_end);
	tcase_add_test(tc, the_lanes_of_a_walk_find_what_one_walk_finds);
	tcase_add_test(tc, a_clauses_signals_own_consecutive_numbers);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
