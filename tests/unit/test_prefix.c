/* Leading words: where a search for a pattern may start. Every match must
 * start with one of them (soundness); where the syntax is not modelled,
 * there are none. */
#include <dirent.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

#include "helpers.h"
#include "pattern_int.h"
#include "prefilter_int.h"
#include "prefix_int.h"
#include "ruleset_int.h"

/* The leading words of a pattern, "a,b,c" in the order found; "-" for none. */
static const char *words_of(const char *pattern)
{
	static char out[4096];
	arena a;
	prefix_set ws;
	arena_init(&a, 4096);
	ck_assert_int_eq(prefix_words(&ws, &a, pattern, strlen(pattern)), PS_OK);
	strcpy(out, ws.count ? "" : "-");
	for (size_t k = 0; k < ws.count; k++) {
		if (k)
			strcat(out, ",");
		strncat(out, ws.str[k], ws.len[k]);
	}
	arena_release(&a);
	return out;
}

#define assert_words(pattern, expected) ck_assert_str_eq(words_of(pattern), (expected))

START_TEST(leading_words_of_plain_patterns)
{
	assert_words("Hamas", "hamas");
	assert_words("(?:\\bGaza(?: Strip| City)?\\b)|(?:\\bGazans?\\b)", "gaza,gazan");
	assert_words("\\b(?:Israeli|living) hostages?\\b", "israeli,living");
	/* An optional group leads, and so does what follows it. */
	assert_words("\\b(?:Palestinian )?Islamic Jihad\\b", "palestinian ,islamic jihad");
	assert_words("(?:the |its ){0,1}deal", "the ,its ,deal");
	/* A quantifier that may drop a letter ends the word before it. */
	assert_words("Juda?ea", "jud");
	assert_words("wa+r", "wa");
	/* Escaped punctuation is a plain byte; look-arounds and \\b take no room. */
	assert_words("(?<!\\w)U\\.N\\. aid", "u.n. aid");
	assert_words("(?=Ga)Gaza", "gaza");
	assert_words("(?<source>Hamas|Fatah) said", "hamas,fatah");
	assert_words("(?-i:ISF)\\b", "isf");
	assert_words("ab(?:c)+d", "ab");
	/* Plain classes multiply the words. */
	assert_words("[Gg]aza", "gaza");
	assert_words("f[ae]ll(?:s|en)?", "fall,fell");
	assert_words("sen[dt]s?", "send,sent");
	assert_words("x[ab]?y", "-");
}
END_TEST

START_TEST(no_leading_words_where_unsure)
{
	assert_words("\\w*n't", "-");          /* a class first */
	assert_words("(?:a|)b", "-");          /* an empty alternative */
	assert_words("E-?1", "-");             /* one letter is too short */
	assert_words("(?:x)?", "-");           /* may match nothing at all */
	assert_words("T\xC3\xBCrkiye", "-");   /* caseless non-ASCII is not compared bytewise */
	assert_words("foo\\Kbar", "-");        /* \\K moves the match start */
	assert_words("(*SKIP)foo", "-");       /* verbs change where a search goes on */
	assert_words("(?x) f o o", "-");       /* extended mode: spaces mean nothing */
	assert_words("(?x: f o o)", "-");
	assert_words("(?(1)a|b)", "-");        /* conditionals */
	assert_words("(?#c(omment)abc", "-");  /* a comment ends at its first ')' */
	assert_words("\\Qab\\E", "-");
	assert_words("(?1)abc", "-");          /* a subroutine call */
	assert_words("abc)", "-");             /* not a pattern PCRE2 would compile */
	assert_words("[^G]aza", "-");
	assert_words("[a-z]aza", "-");
}
END_TEST

/* Every match of every pattern of the shipped pack in every corpus sentence
 * starts with one of its leading words, and the prefilter, having seen the
 * sentence, never sends a search past a match. */
START_TEST(the_shipped_pack_is_sound_on_the_corpus)
{
	if (getenv("PACTSCAN_TEST_NO_JIT"))
		return; /* every pattern on every sentence takes minutes without the JIT */
	ps_diags *diags = NULL;
	ps_ruleset *rules = NULL;
	ck_assert_int_eq(ps_diags_new(&diags), PS_OK);
	ck_assert_int_eq(ps_ruleset_load(&rules, PS_SOURCE_ROOT "/rules", diags), PS_OK);
	const prefilter *pf = &rules->pf;
	prefilter_state pfs;
	ck_assert_int_eq(prefilter_state_init(&pfs, pf), PS_OK);
	pcre2_match_data *md = pcre2_match_data_create(32, NULL);
	arena a;
	arena_init(&a, 4096);
	prefix_set *leads = calloc(rules->n_patterns, sizeof(*leads));
	size_t with = 0;
	for (size_t i = 0; i < rules->n_patterns; i++) {
		const ps_pattern *p = rules->patterns[i].pattern;
		ck_assert_int_eq(prefix_words(&leads[i], &a, p->expanded, p->expanded_len), PS_OK);
		with += leads[i].count > 0;
	}
	ck_assert_uint_gt(with, rules->n_patterns * 3 / 4);
	DIR *dir = opendir(PS_SOURCE_ROOT "/corpus");
	ck_assert_ptr_nonnull(dir);
	struct dirent *e;
	size_t sentences = 0, checks = 0;
	static char text[1 << 20];
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/corpus/%s", PS_SOURCE_ROOT, e->d_name);
		FILE *f = fopen(path, "rb");
		size_t len = fread(text, 1, sizeof text, f);
		fclose(f);
		size_t pos = 0;
		ps_segment seg;
		while (pos < len && ps_segment_next(&seg, text + pos, len - pos, true, 0)) {
			const char *s = text + pos + seg.start;
			size_t n = seg.end - seg.start;
			prefilter_run(pf, &pfs, s, n);
			sentences++;
			for (size_t i = 0; i < rules->n_patterns; i++) {
				const ps_pattern *p = rules->patterns[i].pattern;
				size_t from = 0, ms, me;
				while (from <= n && pattern_match(p, md, NULL, 0, s, n, from, &ms, &me) == 1) {
					bool led = leads[i].count == 0;
					for (size_t k = 0; k < leads[i].count && !led; k++)
						led = ms + leads[i].len[k] <= n && !strncasecmp(s + ms, leads[i].str[k], leads[i].len[k]);
					ck_assert_msg(led, "pattern %s:%zu:%zu matches at %zu of \"%.*s\" without a leading word",
					              p->file, p->line, p->col, ms, (int)n, s);
					size_t first = 0, last = SIZE_MAX;
					prefilter_starts(pf, &pfs, pf->shape[p->index], from, &first, &last);
					ck_assert_msg(first <= ms && ms <= last,
					              "pattern %s:%zu:%zu matches at %zu of \"%.*s\" but the search covers %zu..%zu",
					              p->file, p->line, p->col, ms, (int)n, s, first, last);
					checks++;
					from = me > ms ? me : me + 1;
				}
			}
			pos += seg.next;
		}
	}
	closedir(dir);
	ck_assert_uint_gt(sentences, 400);
	ck_assert_uint_gt(checks, 1000);
	free(leads);
	arena_release(&a);
	pcre2_match_data_free(md);
	prefilter_state_free(&pfs);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("prefix");
	TCase *tc = tcase_create("prefix");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, leading_words_of_plain_patterns);
	tcase_add_test(tc, no_leading_words_where_unsure);
	tcase_add_test(tc, the_shipped_pack_is_sound_on_the_corpus);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
