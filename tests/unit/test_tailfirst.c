/* Tail-first search: which patterns are a run of words before a tail, how
 * far before the tail their matches can start, and that searching the tail
 * first finds exactly the match a plain search finds, source and all. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caseless_int.h"
#include "cue_int.h"
#include "helpers.h"
#include "pattern_int.h"
#include "retext_int.h"
#include "ruleset_int.h"
#include "tailfirst_int.h"

static bool parse(tailfirst_form *f, const char *pattern)
{
	return tailfirst_parse(f, pattern, strlen(pattern));
}

static const char *tail_of(const char *pattern, const tailfirst_form *f)
{
	static char out[512];
	snprintf(out, sizeof out, "%.*s", (int)f->tail_len, pattern + f->tail_off);
	return out;
}

static bool stops(const tailfirst_form *f, unsigned char c)
{
	return f->stop[c / 8] >> (c % 8) & 1;
}

START_TEST(forms_read_off_patterns)
{
	tailfirst_form f;
	/* As pactscan expands the shipped attribution cue: one outer group. */
	const char *cue = "(?:(?<source>[^\\s,;]++(?:\\s++[^\\s,;]++){0,4})\\s++(?=[st])(?:said|told)\\b)";
	ck_assert(parse(&f, cue));
	ck_assert_uint_eq(f.max_runs, 5);
	ck_assert_str_eq(tail_of(cue, &f), "(?=[st])(?:said|told)\\b");
	ck_assert(stops(&f, ' ') && stops(&f, '\t') && stops(&f, '\n') && stops(&f, ',') && stops(&f, ';'));
	ck_assert(!stops(&f, 'a') && !stops(&f, '.') && !stops(&f, 0xC3) && !stops(&f, 0xFF));
	/* Without the outer group, a plain group, greedy runs, one run. */
	const char *plain = "(?:[^\\s.]+(?:\\s+[^\\s.]+){0,0})\\s+reported";
	ck_assert(parse(&f, plain));
	ck_assert_uint_eq(f.max_runs, 1);
	ck_assert_str_eq(tail_of(plain, &f), "reported");
	ck_assert(stops(&f, '.') && !stops(&f, ','));
	ck_assert(parse(&f, "(?<who>[^\\s]++(?:\\s++[^\\s]++){0,12})\\s+wrote(?:\\s+that)?"));
	ck_assert_uint_eq(f.max_runs, 13);
}
END_TEST

START_TEST(other_patterns_are_not_taken_for_one)
{
	tailfirst_form f;
	static const char *const not_one[] = {
		"(?:said|told)",
		"(?:(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,4})\\s++said|told)",     /* two alternatives */
		"(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,4})\\s++said|told",         /* a bar at the top */
		"(?<s>[^\\sa]++(?:\\s++[^\\sa]++){0,4})\\s++said",              /* a letter has two cases */
		"(?<s>[^\\s,]++(?:\\s++[^\\s;]++){0,4})\\s++said",              /* two classes */
		"(?<s>[^,]++(?:\\s++[^,]++){0,4})\\s++said",                    /* runs through spaces */
		"(?<s>[^\\s,]++(?:\\s++[^\\s,]++){1,4})\\s++said",              /* not from none */
		"(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,4})said",                   /* no space before the tail */
		"(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,4})\\s++",                  /* no tail */
		"(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,4})\\s++\\k<s>",            /* a reference */
		"(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,4})\\s++(said)\\1",
		"(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,4})\\s++(?1)",              /* a recursion */
		"(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,4})\\s++\\Ksaid",
		"(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,4}x)\\s++said",             /* more in the group */
		"(?<=a)(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,4})\\s++said",        /* something before it */
		"(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,4})\\s++said)",
		"(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,})\\s++said",               /* no bound at all */
		"(?<s>[^\\s,]++(?:\\s++[^\\s,]++){0,4})\\s+?said",              /* a lazy space */
		/* Text the reader would misread: quoting, comments, extended
		 * mode, and "[[:" that is no POSIX class (a '[', ':' and ')'). */
		"(?<s>[^\\s,;]++(?:\\s++[^\\s,;]++){0,4})\\s++said\\Q(\\E|x\\Q)\\E",
		"(?<s>[^\\s,;]++(?:\\s++[^\\s,;]++){0,4})\\s++said(?#()|x",
		"(?<s>[^\\s,;]++(?:\\s++[^\\s,;]++){0,4})\\s++(?x)said #(\n|x #)\n",
		"(?<s>[^\\s,;]++(?:\\s++[^\\s,;]++){0,4})\\s++said[[:)]|x[]]",
	};
	for (size_t i = 0; i < sizeof not_one / sizeof *not_one; i++)
		ck_assert_msg(!parse(&f, not_one[i]), "%s taken for a run of words before a tail", not_one[i]);
	/* A POSIX class is one part of its class; "[[:" that is none is not. */
	ck_assert(parse(&f, "(?<s>[^\\s,;]++(?:\\s++[^\\s,;]++){0,4})\\s++said[[:alpha:]]"));
}
END_TEST

/* The bytes the walk back, the prefilter and the exact matchers take for
 * \s and \w are PCRE2's, with pactscan's options: one byte at a time. */
START_TEST(word_and_space_bytes_are_pcre2s)
{
	static const char *const classes[2] = { "^\\w$", "^\\s$" };
	for (int k = 0; k < 2; k++) {
		int err;
		PCRE2_SIZE off;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)classes[k], PCRE2_ZERO_TERMINATED,
		                               PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
		pcre2_match_data *md = pcre2_match_data_create(1, NULL);
		ck_assert_ptr_nonnull(re);
		for (unsigned c = 0; c < 256; c++) {
			unsigned char byte = (unsigned char)c;
			bool pcre2 = pcre2_match(re, &byte, 1, 0, 0, md, NULL) == 1;
			bool ours = k == 0 ? caseless_word_byte(byte) : caseless_space_byte(byte);
			ck_assert_msg(pcre2 == ours, "byte 0x%02X: PCRE2 says %s %d, pactscan %d", c, classes[k], pcre2, ours);
		}
		pcre2_match_data_free(md);
		pcre2_code_free(re);
	}
}
END_TEST

/* Where a class ends, as PCRE2 reads it. */
START_TEST(classes_end_where_pcre2_ends_them)
{
	static const struct {
		const char *text;
		size_t end;
	} cases[] = {
		{ "[abc]x", 5 },      { "[]a]x", 4 },        { "[^]a]x", 5 },        { "[a\\]b]x", 6 },
		{ "[[:alpha:]]x", 11 }, { "[[:)]|x[]]", 5 },  { "[x[:a\\]:]]y", 10 }, { "[[:a]b:]]", 5 },
		{ "[[:a[:b:]]", 10 },  { "[abc", 4 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		ck_assert_msg(retext_class_end(cases[i].text, 0, strlen(cases[i].text)) == cases[i].end,
		              "%s ends at %zu, not %zu", cases[i].text,
		              retext_class_end(cases[i].text, 0, strlen(cases[i].text)), cases[i].end);
	/* A group closes past the groups, classes and escapes inside it. */
	ck_assert_uint_eq(retext_group_end("(a(b|c)[)]\\))d", 0, 14), 12);
	ck_assert_uint_eq(retext_group_end("(a|b)", 0, 5), 4);
	ck_assert_uint_eq(retext_group_end("(a(b)", 0, 5), 5);
	ck_assert(retext_plain("a(?i:b)(?-i)c", 13));
	ck_assert(!retext_plain("a\\Qb", 5));
	ck_assert(!retext_plain("a(?#b)", 6));
	ck_assert(!retext_plain("(?x)a b", 7));
	ck_assert(!retext_plain("(?ix:a b)", 9));
}
END_TEST

static size_t start_in(const char *s, uint32_t runs, size_t from, const char *tail)
{
	tailfirst_form f;
	char pattern[128];
	snprintf(pattern, sizeof pattern, "(?<s>[^\\s,;]++(?:\\s++[^\\s,;]++){0,%u})\\s++said", runs - 1);
	ck_assert(parse(&f, pattern));
	const char *at = strstr(s, tail);
	ck_assert_ptr_nonnull(at);
	return tailfirst_start(&f, s, from, (size_t)(at - s));
}

START_TEST(matches_start_no_more_runs_before_the_tail)
{
	const char *s = "Then the foreign minister Ali Smith said so.";
	size_t said = (size_t)(strstr(s, " said") - s);
	ck_assert_uint_eq(start_in(s, 2, 0, " said"), (size_t)(strstr(s, "Ali") - s));
	ck_assert_uint_eq(start_in(s, 5, 0, " said"), (size_t)(strstr(s, "the ") - s));
	ck_assert_uint_eq(start_in(s, 9, 0, " said"), 0);
	ck_assert_uint_eq(start_in(s, 9, 5, " said"), 5);          /* never before from */
	ck_assert_uint_eq(start_in(s, 9, said, " said"), said);
	/* A comma or semicolon ends the runs; tabs, line ends and many spaces join them. */
	ck_assert_uint_eq(start_in("In Gaza, the army  said", 5, 0, "  said"), 9);
	ck_assert_uint_eq(start_in("a;b\tc\n d  said", 9, 0, "  said"), 2);
	ck_assert_uint_eq(start_in("x,  said", 5, 0, "  said"), 2); /* nothing before the comma */
	/* Bytes past ASCII are in a run, whatever they are. */
	ck_assert_uint_eq(start_in("x Jos\xC3\xA9 \xFF said", 2, 0, " said"), 2);
}
END_TEST

static uint32_t no_jit(void)
{
	return getenv("PACTSCAN_TEST_NO_JIT") ? PCRE2_NO_JIT : 0;
}

/* Every search a scan could make for p in s: from its start and from a few
 * places on, the tail first and plainly, the same answer; and the
 * scanner's, with the prefilter's pass over s, where the tail is tried at
 * the places its words were seen. */
typedef struct agreement {
	const ps_pattern *const *with_tail;
	size_t n_with_tail;
	pcre2_match_data *md;
	uint32_t options;     /* PCRE2_NO_JIT under valgrind (PACTSCAN_TEST_NO_JIT) */
	size_t searches, matches;
	const prefilter *pf;
	prefilter_state ps;
	matcher m;
	size_t by_places;     /* searches the prefilter knew the tail's places for */
} agreement;

static void agreement_init(agreement *g, const ps_ruleset *rules, const ps_pattern **with_tail)
{
	*g = (agreement){ .with_tail = with_tail, .md = pcre2_match_data_create(32, NULL), .options = no_jit(),
	                  .pf = &rules->pf };
	ck_assert_ptr_nonnull(g->md);
	ck_assert_int_eq(prefilter_state_init(&g->ps, g->pf), PS_OK);
	g->m = (matcher){ .md = g->md, .mc = pcre2_match_context_create(NULL), .options = g->options, .pf = g->pf,
	                  .pfs = &g->ps };
	ck_assert_ptr_nonnull(g->m.mc);
}

static void agreement_free(agreement *g)
{
	prefilter_state_free(&g->ps);
	pcre2_match_context_free(g->m.mc);
	pcre2_match_data_free(g->md);
}

static void assert_agree(agreement *g, const ps_pattern *p, const char *s, size_t n)
{
	size_t froms[] = { 0, 1, n / 3, n / 2, n };
	for (size_t k = 0; k < sizeof froms / sizeof *froms; k++) {
		size_t ms = 0, me = 0, ts = 0, te = 0, ss = 0, se = 0, tss = 0, tse = 0;
		int rc = pattern_match(p, g->md, NULL, g->options, s, n, froms[k], &ms, &me);
		bool src = rc == 1 && pattern_source(p, g->md, &ss, &se);
		int trc = pattern_match_tail_first(p, g->md, NULL, g->options, s, n, froms[k], &ts, &te);
		bool tsrc = trc == 1 && pattern_source(p, g->md, &tss, &tse);
		ck_assert_msg(rc == trc && ms == ts && me == te && src == tsrc && ss == tss && se == tse,
		              "%s from %zu in \"%.*s\": plainly %d %zu..%zu (source %zu..%zu), tail first %d %zu..%zu "
		              "(source %zu..%zu)",
		              p->text, froms[k], (int)n, s, rc, ms, me, ss, se, trc, ts, te, tss, tse);
		uint32_t shape = g->pf->shape[p->index];
		size_t at[16];
		g->by_places += prefilter_tail_positions(g->pf, &g->ps, shape, s, froms[k], at, 16) != SIZE_MAX;
		size_t fs = 0, fe = 0, fss = 0, fse = 0;
		int frc = matcher_find(&g->m, p, shape, s, n, froms[k], &fs, &fe);
		bool fsrc = frc == 1 && pattern_source(p, g->md, &fss, &fse);
		ck_assert_msg(rc == frc && ms == fs && me == fe && src == fsrc && ss == fss && se == fse,
		              "%s from %zu in \"%.*s\": plainly %d %zu..%zu (source %zu..%zu), by the prefilter %d "
		              "%zu..%zu (source %zu..%zu)",
		              p->text, froms[k], (int)n, s, rc, ms, me, ss, se, frc, fs, fe, fss, fse);
		g->searches++;
		g->matches += rc == 1;
	}
}

static void check_sentence(const char *s, size_t n, void *userdata)
{
	agreement *g = userdata;
	prefilter_run(g->pf, &g->ps, s, n);
	for (size_t i = 0; i < g->n_with_tail; i++)
		assert_agree(g, g->with_tail[i], s, n);
}

static void check_wrapped(const char *s, size_t n, void *userdata)
{
	static char wrapped[65536];
	if (n > sizeof wrapped)
		return;
	for (size_t i = 0; i < n; i++)
		wrapped[i] = s[i] == ' ' ? (i % 3 ? '\n' : '\t') : s[i];
	check_sentence(wrapped, n, userdata);
}

/* Sentences of words, verbs, stops, odd spaces and bytes, from a seed. */
static size_t random_sentence(char *out, size_t cap, uint64_t *seed)
{
	static const char *const pieces[] = {
		"Hamas", "the", "minister", "said", "says", "say in", "say", "told", "tells", "reported", "warned",
		"added", "according", "to", ",", ";", ".", " ", "  ", "\t", "\n", "Jos\xC3\xA9", "\xFF", "\xC3", "\"",
		"officials", "SAID", "said:", "(", ")", "claims", "insisted", "a", "-", "x,y", "wrote",
	};
	size_t n = 0, words = 1 + (size_t)(*seed >> 33) % 24;
	for (size_t w = 0; w < words; w++) {
		*seed = *seed * 6364136223846793005u + 1442695040888963407u;
		const char *p = pieces[(*seed >> 33) % (sizeof pieces / sizeof *pieces)];
		size_t len = strlen(p);
		if (n + len + 1 >= cap)
			break;
		memcpy(out + n, p, len);
		n += len;
		if ((*seed >> 40) % 3)
			out[n++] = ' ';
	}
	return n;
}

static void agree_on(agreement *g, size_t n_random)
{
	uint64_t seed = 7;
	char s[512];
	for (size_t i = 0; i < n_random; i++) {
		size_t n = random_sentence(s, sizeof s, &seed);
		check_sentence(s, n, g);
	}
}

/* The shipped pack's attribution cue is one such pattern. */
START_TEST(tail_first_finds_what_a_plain_search_finds)
{
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	const ps_pattern *with_tail[16];
	agreement g;
	agreement_init(&g, rules, with_tail);
	for (size_t i = 0; i < rules->n_patterns && g.n_with_tail < 16; i++) {
		const ps_pattern *p = rules->patterns[i].pattern;
		if (p->tail && (g.n_with_tail == 0 || with_tail[g.n_with_tail - 1]->prog != p->prog))
			with_tail[g.n_with_tail++] = p;
	}
	ck_assert_uint_ge(g.n_with_tail, 1);
	ck_assert_uint_gt(each_sentence_in(PS_SOURCE_ROOT "/corpus", check_sentence, &g), 400);
	ck_assert_uint_gt(each_sentence_in(PS_SOURCE_ROOT "/corpus", check_wrapped, &g), 400);
	agree_on(&g, getenv("PACTSCAN_TEST_NO_JIT") ? 2000 : 20000);
	ck_assert_uint_gt(g.matches, 1000);
	ck_assert_uint_gt(g.searches - g.matches, 1000);
	/* Most searches went by the places of the verbs. */
	ck_assert_uint_gt(g.by_places, g.searches * 3 / 4);
	agreement_free(&g);
	ps_ruleset_free(rules);
}
END_TEST

/* Forms the shipped pack does not use: one run, many, another class,
 * greedy runs, a tail that starts with a look-ahead or a space, words not
 * captured. */
START_TEST(other_forms_agree_too)
{
	static const char yaml[] =
		"pactscan: 1\n"
		"cues:\n"
		"  attribution:\n"
		"    terms:\n"
		"      - '(?<source>[^\\s,;]++(?:\\s++[^\\s,;]++){0,0})\\s++(?:said|told)'\n"
		"      - '(?<source>[^\\s.]+(?:\\s+[^\\s.]+){0,7})\\s+(?=[sw])(?:says|wrote|said)\\b'\n"
		"      - '(?:[^\\s]++(?:\\s++[^\\s]++){0,2})\\s++\\s*(?:said|reported)(?:\\s+that)?'\n"
		"      - '(?<source>[^\\s,;()]++(?:\\s++[^\\s,;()]++){0,3})\\s++(?<verb>told|tells)\\s+(?:\\w+)'\n"
		"      - '(?<source>[^\\s,;]++(?:\\s++[^\\s,;]++){0,4})\\s++(?=\\S)(?:said|told)\\s+\\S'\n"
		"      - '(?:[^\\s,;]++(?:\\s++[^\\s,;]++){0,3})\\s++(?:said|told|wrote)\\b'\n"
		"      - '(?<source>[^\\s,;]+(?:\\s+[^\\s,;]+){0,2})\\s+(?:\\s\\sx|said)'\n"
		"setting:\n"
		"  any: [Gaza]\n"
		TEST_CLAUSE_S1
		"    act: Gaza\n";
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	ck_assert_ptr_nonnull(rules);
	const ps_pattern *with_tail[8];
	agreement g;
	agreement_init(&g, rules, with_tail);
	for (size_t i = 0; i < rules->n_patterns; i++)
		if (rules->patterns[i].pattern->tail && g.n_with_tail < 8)
			with_tail[g.n_with_tail++] = rules->patterns[i].pattern;
	ck_assert_uint_eq(g.n_with_tail, 7);
	/* \\S on a character of several bytes, which PCRE2 10.42's JIT fails
	 * unless written [\\S] (pattern.c rewrites the tail as the pattern). */
	static const char quoted[] = "Officials said \xE2\x80\x9Cno\xE2\x80\x9D, and others told \xC3\xA9lus.";
	check_sentence(quoted, sizeof quoted - 1, &g);
	/* A tail that starts inside the whitespace after the most runs: the
	 * match takes those runs, not the fewer before "said" (its tail's
	 * place is not the last byte of that whitespace). */
	static const char inside[] = "A said B   x";
	check_sentence(inside, sizeof inside - 1, &g);
	ck_assert_uint_gt(each_sentence_in(PS_SOURCE_ROOT "/corpus", check_sentence, &g), 400);
	agree_on(&g, getenv("PACTSCAN_TEST_NO_JIT") ? 2000 : 20000);
	ck_assert_uint_gt(g.matches, 1000);
	ck_assert_uint_gt(g.by_places, g.searches / 2);
	agreement_free(&g);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tailfirst");
	TCase *tc = tcase_create("tailfirst");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, forms_read_off_patterns);
	tcase_add_test(tc, other_patterns_are_not_taken_for_one);
	tcase_add_test(tc, matches_start_no_more_runs_before_the_tail);
	tcase_add_test(tc, classes_end_where_pcre2_ends_them);
	tcase_add_test(tc, word_and_space_bytes_are_pcre2s);
	tcase_add_test(tc, tail_first_finds_what_a_plain_search_finds);
	tcase_add_test(tc, other_forms_agree_too);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
