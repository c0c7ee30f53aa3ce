/* Patterns: JIT code is compiled on a pattern's first use, not at load; once,
 * whichever thread gets there first; never when the caller asks for PCRE2's
 * interpreter. Patterns that expand to the same text share one program. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "cue_int.h"
#include "helpers.h"
#include "pattern_int.h"
#include "ruleset_int.h"

#define N_THREADS 4

/* Under valgrind (PACTSCAN_TEST_NO_JIT set) JIT code may be compiled but
 * not run: it would drown the report in false alarms. */
static bool may_run_jit(void)
{
	const char *e = getenv("PACTSCAN_TEST_NO_JIT");
	return !(e && *e);
}

static bool jit_in_pcre2(void)
{
	uint32_t jit = 0;
	pcre2_config(PCRE2_CONFIG_JIT, &jit);
	return jit != 0;
}

static int jit_state(const ps_pattern *p)
{
	return atomic_load(&p->prog->jit);
}

/* The pattern whose text as written is text. */
static const ps_pattern *pattern_written(const ps_ruleset *rules, const char *text)
{
	for (size_t i = 0; i < rules->n_patterns; i++) {
		const ps_pattern *p = rules->patterns[i].pattern;
		if (p->text_len == strlen(text) && !memcmp(p->text, text, p->text_len))
			return p;
	}
	ck_abort_msg("no pattern written '%s'", text);
	return NULL;
}

static int match(const ps_pattern *p, uint32_t options, const char *s, size_t *ms, size_t *me)
{
	pcre2_match_data *md = pcre2_match_data_create(32, NULL);
	ck_assert_ptr_nonnull(md);
	int rc = pattern_match(p, md, NULL, options, s, strlen(s), 0, ms, me);
	pcre2_match_data_free(md);
	return rc;
}

START_TEST(loading_compiles_no_jit_code)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	ck_assert_ptr_nonnull(rules);
	ck_assert_uint_gt(rules->n_patterns, 10);
	for (size_t i = 0; i < rules->n_patterns; i++)
		ck_assert_int_eq(jit_state(rules->patterns[i].pattern), jit_in_pcre2() ? PROG_JIT_PENDING : PROG_JIT_NONE);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(the_first_match_compiles_that_pattern_only)
{
	if (!may_run_jit() || !jit_in_pcre2())
		return;
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	const ps_pattern *freed = pattern_written(rules, "released|freed|handed over");
	const ps_pattern *withheld = pattern_written(rules, "withheld|delayed");
	size_t ms = 0, me = 0;
	ck_assert_int_eq(match(freed, 0, "Two hostages were freed on Monday.", &ms, &me), 1);
	ck_assert_uint_eq(ms, 18);
	ck_assert_uint_eq(me, 23);
	ck_assert_int_eq(jit_state(freed), PROG_JIT_READY);
	ck_assert_int_eq(jit_state(withheld), PROG_JIT_PENDING);
	/* Later calls run the code compiled by the first. */
	ck_assert_int_eq(match(freed, 0, "Nothing happened.", &ms, &me), 0);
	ck_assert_int_eq(jit_state(freed), PROG_JIT_READY);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(no_jit_matches_in_the_interpreter_and_compiles_nothing)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	const ps_pattern *freed = pattern_written(rules, "released|freed|handed over");
	size_t ms = 0, me = 0;
	ck_assert_int_eq(match(freed, PCRE2_NO_JIT, "Two hostages were freed on Monday.", &ms, &me), 1);
	ck_assert_uint_eq(ms, 18);
	ck_assert_int_eq(jit_state(freed), jit_in_pcre2() ? PROG_JIT_PENDING : PROG_JIT_NONE);
	/* The scanner's flag is the same request. */
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = { .flags = PS_SCAN_NO_JIT };
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	const char text[] = "Israeli forces withdrew from the city. Hamas freed two hostages in Gaza.";
	ps_scan_callbacks cb = { 0 };
	ck_assert_int_eq(ps_scanner_scan(scanner, text, sizeof text - 1, &cb), PS_OK);
	ps_scanner_free(scanner);
	for (size_t i = 0; i < rules->n_patterns; i++)
		ck_assert_int_ne(jit_state(rules->patterns[i].pattern), PROG_JIT_READY);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(jit_all_compiles_every_pattern)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	ck_assert_int_eq(ps_ruleset_jit_all(rules), PS_OK);
	ck_assert_int_eq(ps_ruleset_jit_all(rules), PS_OK); /* again: nothing to do */
	ck_assert_int_eq(ps_ruleset_jit_all(NULL), PS_ERR_INVALID);
	for (size_t i = 0; i < rules->n_patterns; i++)
		ck_assert_int_eq(jit_state(rules->patterns[i].pattern), jit_in_pcre2() ? PROG_JIT_READY : PROG_JIT_NONE);
	if (may_run_jit()) {
		size_t ms = 0, me = 0;
		const ps_pattern *freed = pattern_written(rules, "released|freed|handed over");
		ck_assert_int_eq(match(freed, 0, "They released them.", &ms, &me), 1);
		ck_assert_uint_eq(ms, 5);
	}
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* A stop that is one punctuation byte (",") is found by memchr on the
 * prefilter's path: only where PCRE2 reads the byte as itself, and there
 * it finds what PCRE2 finds from every offset, twins included. */
START_TEST(lone_punctuation_bytes_are_found_as_pcre2_finds_them)
{
	static const char yaml[] =
		"pactscan: 1\n"
		"cues:\n"
		"  negation:\n"
		"    before: [not]\n"
		"    stop: [',', ';', ':', '-', '.', 'a', '\\,', '\xE2\x80\x93', ', and', '(?:;)']\n"
		"    scope: 4\n"
		TEST_CLAUSE_S1
		"    act: withdrew\n";
	static const struct {
		const char *text;
		int byte;
	} want[] = {
		{ ",", ',' }, { ";", ';' }, { ":", ':' }, { "-", '-' },
		/* A metacharacter, a letter (caseless), an escape, a character of
		 * three bytes, two words, a group: PCRE2's. */
		{ ".", -1 }, { "a", -1 }, { "\\,", -1 }, { "\xE2\x80\x93", -1 }, { ", and", -1 }, { "(?:;)", -1 },
	};
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	ck_assert_ptr_nonnull(rules);
	static const char subject[] = "Not now, he said; then: a re-run - \xE2\x80\x93 fine, and done;";
	size_t len = sizeof subject - 1;
	pcre2_match_data *md = pcre2_match_data_create(32, NULL);
	ck_assert_ptr_nonnull(md);
	/* The scanner's matcher, with the prefilter's pass over the subject. */
	prefilter_state ps;
	ck_assert_int_eq(prefilter_state_init(&ps, &rules->pf), PS_OK);
	prefilter_begin(&ps, &rules->pf);
	prefilter_run(&rules->pf, &ps, subject, len);
	matcher m = { .md = md, .options = PCRE2_NO_JIT, .pf = &rules->pf, .pfs = &ps };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const ps_pattern *p = pattern_written(rules, want[i].text);
		ck_assert_msg(p->lone_byte == want[i].byte, "'%s': lone byte %d, not %d", want[i].text, p->lone_byte,
		              want[i].byte);
		if (p->lone_byte < 0)
			continue;
		for (size_t from = 0; from <= len; from++) {
			size_t ms = 0, me = 0;
			int rc = pattern_match(p, md, NULL, PCRE2_NO_JIT, subject, len, from, &ms, &me);
			const char *hit = from < len ? memchr(subject + from, p->lone_byte, len - from) : NULL;
			ck_assert_int_eq(rc, hit != NULL);
			if (hit) {
				ck_assert_uint_eq(ms, (size_t)(hit - subject));
				ck_assert_uint_eq(me, ms + 1);
			}
			size_t fs = 0, fe = 0;
			ck_assert_int_eq(matcher_find(&m, p, rules->pf.shape[p->index], subject, len, from, &fs, &fe), rc);
			if (rc == 1) {
				ck_assert_uint_eq(fs, ms);
				ck_assert_uint_eq(fe, me);
			}
		}
	}
	prefilter_state_free(&ps);
	pcre2_match_data_free(md);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(identical_expansions_share_one_program)
{
	static const char yaml[] =
		"pactscan: 1\n"
		"lexicons:\n"
		"  hamas: [Hamas, the militant group]\n"
		"setting:\n"
		"  any: ['@hamas', Gaza]\n"
		TEST_CLAUSE_S1
		"    act: '@hamas'\n"
		"    all: [Gaza]\n";
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	ck_assert_ptr_nonnull(rules);
	ck_assert_uint_eq(rules->n_patterns, 4);
	const ps_pattern *const *p = (const ps_pattern *[]){ rules->patterns[0].pattern, rules->patterns[1].pattern,
	                                                    rules->patterns[2].pattern, rules->patterns[3].pattern };
	ck_assert_ptr_eq(p[0]->prog, p[2]->prog);   /* '@hamas' twice */
	ck_assert_ptr_eq(p[1]->prog, p[3]->prog);   /* Gaza twice */
	ck_assert_ptr_ne(p[0]->prog, p[1]->prog);
	ck_assert_uint_eq(rules->n_progs, 2);
	/* Each keeps its own place and index, and the twin's requirements. */
	ps_pattern_info a, b;
	ck_assert_int_eq(ps_ruleset_pattern(&a, rules, 0), PS_OK);
	ck_assert_int_eq(ps_ruleset_pattern(&b, rules, 2), PS_OK);
	ck_assert_uint_eq(a.line, 5);
	ck_assert_uint_eq(b.line, 14);
	ck_assert_str_eq(a.expanded, b.expanded);
	ck_assert_uint_eq(a.literal_sets, 1);
	ck_assert_uint_eq(b.literal_sets, 1);
	ck_assert_uint_eq(p[2]->index, 2);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(each_of_identical_bad_patterns_is_reported)
{
	static const char yaml[] =
		"pactscan: 1\n"
		TEST_CLAUSE_S1
		"    act: 'freed (them'\n"
		"  - id: s2\n"
		"    stance: support\n"
		"    act: 'freed (them'\n";
	ps_diags *diags = NULL;
	ck_assert_ptr_null(load_yaml(yaml, &diags));
	ck_assert_uint_eq(ps_diags_errors(diags), 2);
	ck_assert_uint_eq(ps_diags_get(diags, 0)->line, 10);
	ck_assert_uint_eq(ps_diags_get(diags, 1)->line, 13);
	ck_assert_uint_eq(ps_diags_get(diags, 0)->column, 22);
	ck_assert_uint_eq(ps_diags_get(diags, 1)->column, 22);
	ps_diags_free(diags);
}
END_TEST

/* As pattern.c compiles. */
static bool pcre2_compiles(const char *text, size_t len)
{
	static const uint32_t options = PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C |
	                                PCRE2_DUPNAMES | PCRE2_USE_OFFSET_LIMIT;
	int err;
	PCRE2_SIZE off;
	pcre2_compile_context *cctx = pcre2_compile_context_create(NULL);
	ck_assert_ptr_nonnull(cctx);
	pcre2_set_max_pattern_length(cctx, PS_MAX_PATTERN_LEN);
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)text, len, options, &err, &off, cctx);
	pcre2_code_free(code);
	pcre2_compile_context_free(cctx);
	return code != NULL;
}

#define assert_sure(text) ck_assert_msg(pattern_surely_compiles(text, strlen(text)), "not sure of %s", text)
#define assert_unsure(text) ck_assert_msg(!pattern_surely_compiles(text, strlen(text)), "sure of %s", text)

/* Lexicon terms in the subset skip their own compile (pattern.c): none of
 * them may be one that PCRE2 refuses. */
START_TEST(terms_sure_to_compile_do)
{
	assert_sure("(?:\\bIsrael(?:i|\xE2\x80\x99s) (?:troops|forces)\\b)");
	assert_sure("(?:\\bthe occupation\\b(?!\\s+of\\b))");
	assert_sure("(?:\\bDefen[cs]e [a-z0-9-]+ Forces?\\b)");
	assert_sure("(?:\\bBen[- ]Gvir\\b)");
	assert_unsure("[:alpha:]");       /* a POSIX class outside a class */
	assert_unsure("a{2}");
	assert_unsure("(?<=a)b");
	assert_unsure("(a)\\1");
	assert_unsure("[z-a]");
	assert_unsure("(?i)x");
	assert_unsure("(*FAIL)");
	assert_unsure("a**");
	assert_unsure("\\b+");
	assert_unsure("\\Qa");
	assert_unsure("(?#c)");
	assert_unsure("\xC3(");

	/* Random text from pieces of syntax, in and out of the subset. */
	static const char *const pieces[] = {
		"a", "b", "Z", "0", " ", "-", ",", "#", ":", "=", ".", "^", "$", "|", "(", "(?:", "(?=", "(?!", "(?>",
		"(?<=", "(?<n>", "(?i)", "(?#", "(*", ")", "?", "*", "+", "{", "{2}", "}", "[", "[^", "]", "a-z", "z-a",
		"0-9", "a-9", "[:", ":]", "[.", ".]", "[=", "=]", "\\b", "\\B", "\\w", "\\d", "\\s", "\\.", "\\(", "\\-", "\\1", "\\Q", "\\E",
		"\\x", "\\", "\xE2\x80\x99", "\xC3\xA9", "\xC3", "\xFF", "\xED\xA0\x80",
	};
	const size_t n_pieces = sizeof pieces / sizeof pieces[0];
	uint64_t x = 0x2545F4914F6CDD1Du;
	size_t sure = 0;
	for (int round = 0; round < 200000; round++) {
		char text[256];
		size_t len = 0;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t n = 1 + x % 12;
		for (size_t k = 0; k < n; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* Letters half the time, so that some text is in the subset. */
			const char *piece = x % 2 ? "ab" : pieces[(x >> 8) % n_pieces];
			size_t l = strlen(piece);
			memcpy(text + len, piece, l);
			len += l;
		}
		if (pattern_surely_compiles(text, len)) {
			sure++;
			ck_assert_msg(pcre2_compiles(text, len), "sure of \"%.*s\", which PCRE2 refuses", (int)len, text);
		}
	}
	ck_assert_uint_gt(sure, 10000);
}
END_TEST

static const char *const sentences[] = {
	"Israeli forces withdrew from parts of Gaza City on Friday, the army said.",
	"Hamas released the remaining 20 living hostages to the Red Cross.",
	"Israel has not yet allowed the 600 aid trucks a day promised under the deal.",
	"The militant group said it would never agree to disarm.",
	"Officials could not confirm whether the Rafah crossing would reopen next week.",
	"An international stabilization force is to be deployed, according to diplomats.",
	"Prisoners were freed from Ofer and Ketziot in exchange for the bodies.",
	"Settlers attacked a village near Hebron in the West Bank.",
};
#define N_SENTENCES (sizeof sentences / sizeof sentences[0])

typedef struct outcome {
	int rc;
	size_t ms, me;
} outcome;

typedef struct worker {
	const ps_ruleset *rules;
	pthread_barrier_t *start;
	uint32_t options;   /* for pattern_match */
	bool compile;       /* JIT-compile each pattern before its first match */
	outcome *out;       /* n_patterns * N_SENTENCES */
} worker;

static void *first_use(void *arg)
{
	worker *w = arg;
	pcre2_match_data *md = pcre2_match_data_create(32, NULL);
	pthread_barrier_wait(w->start);
	/* Every thread walks the patterns in the same order, so they reach each
	 * one's first use together. */
	for (size_t i = 0; i < w->rules->n_patterns; i++) {
		const ps_pattern *p = w->rules->patterns[i].pattern;
		if (w->compile)
			pattern_prog_jit(p->prog);
		for (size_t k = 0; k < N_SENTENCES; k++) {
			outcome *o = &w->out[i * N_SENTENCES + k];
			o->rc = md ? pattern_match(p, md, NULL, w->options, sentences[k], strlen(sentences[k]), 0, &o->ms,
			                           &o->me)
			           : -9;
		}
	}
	pcre2_match_data_free(md);
	return NULL;
}

START_TEST(threads_sharing_first_use_agree_with_the_interpreter)
{
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	size_t n = rules->n_patterns * N_SENTENCES;
	outcome *want = calloc(n, sizeof *want);
	ck_assert_ptr_nonnull(want);
	pcre2_match_data *md = pcre2_match_data_create(32, NULL);
	size_t matched = 0;
	for (size_t i = 0; i < rules->n_patterns; i++)
		for (size_t k = 0; k < N_SENTENCES; k++) {
			outcome *o = &want[i * N_SENTENCES + k];
			o->rc = pattern_match(rules->patterns[i].pattern, md, NULL, PCRE2_NO_JIT, sentences[k],
			                      strlen(sentences[k]), 0, &o->ms, &o->me);
			matched += o->rc == 1;
		}
	pcre2_match_data_free(md);
	ck_assert_uint_gt(matched, 50);

	pthread_barrier_t start;
	pthread_t th[N_THREADS];
	worker w[N_THREADS];
	ck_assert_int_eq(pthread_barrier_init(&start, NULL, N_THREADS), 0);
	for (int t = 0; t < N_THREADS; t++) {
		/* Half the threads ask for the interpreter, as a scanner under
		 * valgrind does, while the others compile the same patterns. Where
		 * JIT code may not run, those compile and then interpret. */
		bool interpret = t % 2 || !may_run_jit();
		w[t] = (worker){ .rules = rules, .start = &start, .options = interpret ? PCRE2_NO_JIT : 0,
		                 .compile = t % 2 == 0 && interpret, .out = calloc(n, sizeof(outcome)) };
		ck_assert_ptr_nonnull(w[t].out);
		ck_assert_int_eq(pthread_create(&th[t], NULL, first_use, &w[t]), 0);
	}
	for (int t = 0; t < N_THREADS; t++)
		ck_assert_int_eq(pthread_join(th[t], NULL), 0);
	pthread_barrier_destroy(&start);
	for (int t = 0; t < N_THREADS; t++) {
		for (size_t j = 0; j < n; j++) {
			const ps_pattern *p = rules->patterns[j / N_SENTENCES].pattern;
			const outcome *a = &w[t].out[j], *b = &want[j];
			ck_assert_msg(a->rc == b->rc && (a->rc != 1 || (a->ms == b->ms && a->me == b->me)),
			              "thread %d, %s:%zu:%zu on \"%s\": %d [%zu, %zu) where the interpreter gives %d [%zu, %zu)",
			              t, p->file, p->line, p->col, sentences[j % N_SENTENCES], a->rc, a->ms, a->me, b->rc,
			              b->ms, b->me);
		}
		free(w[t].out);
	}
	for (size_t i = 0; i < rules->n_patterns; i++)
		ck_assert_int_eq(jit_state(rules->patterns[i].pattern), jit_in_pcre2() ? PROG_JIT_READY : PROG_JIT_NONE);
	free(want);
	ps_ruleset_free(rules);
}
END_TEST

/* PCRE2 10.42's JIT lets \\S, \\W and \\D match no multi-byte character
 * when it matches invalid UTF-8 (its interpreter does): the pack's
 * patterns are compiled so that both agree, and find the word gap in
 * "Israel’s". */
START_TEST(jit_and_interpreter_agree_on_multibyte_characters)
{
	static const char yaml[] =
		"pactscan: 1\n"
		"setting:\n"
		"  any: [Gaza]\n"
		TEST_CLAUSE_S1
		"    act: ['said \\S+ that', 'said \\W that', 'said \\D+ x', 'said [^\\S]\\Q\\S\\E', 'a[\\S]b', "
		"'said (?:\\S+\\s+){0,2}?that']\n";
	static const struct {
		const char *pattern, *text;
		size_t start, end; /* the match, or end 0 for none */
	} cases[] = {
		{ "said \\S+ that", "said Israel\xE2\x80\x99s that", 0, 20 },
		{ "said \\W that", "said \xE2\x80\x99 that", 0, 13 },
		{ "said \\D+ x", "said \xC3\xA9t\xC3\xA9 x", 0, 12 },
		{ "said [^\\S]\\Q\\S\\E", "said  \\S", 0, 8 },
		{ "a[\\S]b", "a\xE2\x80\x99" "b", 0, 5 },
		{ "said (?:\\S+\\s+){0,2}?that", "said Hamas\xE2\x80\x99 fighters that", 0, 27 },
		{ "said \\S+ that", "said ab\xFF" "cd that", 0, 0 },
	};
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	ck_assert_ptr_nonnull(rules);
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		const ps_pattern *p = pattern_written(rules, cases[k].pattern);
		for (int jit = 0; jit < 2; jit++) {
			if (jit && !may_run_jit())
				continue;
			size_t ms = 0, me = 0;
			int rc = match(p, jit ? 0 : PCRE2_NO_JIT, cases[k].text, &ms, &me);
			ck_assert_msg(rc == (cases[k].end ? 1 : 0), "%s on case %zu (%s): %d", cases[k].pattern, k,
			              jit ? "JIT" : "interpreter", rc);
			if (rc == 1) {
				ck_assert_uint_eq(ms, cases[k].start);
				ck_assert_uint_eq(me, cases[k].end);
			}
		}
	}
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pattern");
	TCase *tc = tcase_create("jit");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, loading_compiles_no_jit_code);
	tcase_add_test(tc, the_first_match_compiles_that_pattern_only);
	tcase_add_test(tc, no_jit_matches_in_the_interpreter_and_compiles_nothing);
	tcase_add_test(tc, jit_all_compiles_every_pattern);
	tcase_add_test(tc, threads_sharing_first_use_agree_with_the_interpreter);
	tcase_add_test(tc, identical_expansions_share_one_program);
	tcase_add_test(tc, each_of_identical_bad_patterns_is_reported);
	tcase_add_test(tc, terms_sure_to_compile_do);
	tcase_add_test(tc, lone_punctuation_bytes_are_found_as_pcre2_finds_them);
	tcase_add_test(tc, jit_and_interpreter_agree_on_multibyte_characters);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
