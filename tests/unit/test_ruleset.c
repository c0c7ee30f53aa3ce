/* Loading rules: the format, and every bad rule file answered with a
 * position and a way to fix it (shared/docs/bad-input.md items 1-15). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "helpers.h"

#define HEAD "pactscan: 1\n"
#define CLAUSE HEAD "clause:\n  id: c1\n  point: 3\n  title: T\n  summary: S\n"
/* A clause whose single signal has the given act pattern (single-quoted). */
#define WITH_ACT(act) CLAUSE "signals:\n  - id: s1\n    stance: support\n    act: " act "\n"

START_TEST(a_valid_pack_loads)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	ck_assert_ptr_nonnull(rules);
	ck_assert_uint_eq(ps_diags_errors(diags), 0);
	ck_assert_uint_eq(ps_ruleset_clause_count(rules), 2);
	ck_assert_uint_eq(ps_ruleset_signal_count(rules), 3);
	const ps_clause *c = ps_ruleset_find_clause(rules, "hostages");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(ps_clause_point(c), 4);
	ck_assert_str_eq(ps_clause_title(c), "Hostages returned");
	ck_assert_uint_eq(ps_clause_index(c), 1);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(empty_files_have_no_rules)
{
	assert_error_contains("", "no rules");
	assert_error_contains("# only a comment\n# and another\n", "no rules");
	assert_error_contains("---\n", "no rules");
	assert_error_contains("---\n...\n---\n", "no rules");
}
END_TEST

START_TEST(invalid_utf8_and_nul_have_positions)
{
	ck_assert_str_eq(first_error(HEAD "clause:\n  id: \xFF\n"), "3:7: invalid leading UTF-8 octet (byte 0xFF); rule files must be UTF-8 text without control characters");
	const char nul[] = HEAD "clause:\n  title: a\0b\n";
	ps_diags *diags = NULL;
	ps_ruleset *rules = NULL;
	ck_assert_int_eq(ps_diags_new(&diags), PS_OK);
	ck_assert_int_eq(ps_ruleset_load_string(&rules, "nul.yaml", nul, sizeof nul - 1, diags), PS_ERR_RULES);
	ck_assert_ptr_null(rules);
	const ps_diag *d = ps_diags_get(diags, 0);
	ck_assert_uint_eq(d->line, 3);
	ck_assert_uint_eq(d->column, 11);
	ps_diags_free(diags);
}
END_TEST

START_TEST(bom_accepted_utf16_rejected)
{
	/* The error is on line 2, column 3, whether or not a BOM precedes. */
	ck_assert_str_eq(first_error("\xEF\xBB\xBF" HEAD "bogus: 1\n"),
	                 "2:1: unknown key 'bogus' in a rule file; valid keys are: pactscan, pack, lexicons, cues, setting, clause, signals, examples");
	assert_error_contains("\xFF\xFEp\0a\0", "UTF-16");
}
END_TEST

START_TEST(yaml_syntax_errors_have_positions)
{
	assert_error_contains(HEAD "clause:\n\tid: x\n", "3:1:");
	assert_error_contains(HEAD "clause:\n  id: 'unterminated\n", "unexpected end of stream");
}
END_TEST

START_TEST(a_later_document_failing_rejects_the_file)
{
	ps_diags *diags = NULL;
	char yaml[8192];
	snprintf(yaml, sizeof yaml, "%s---\npactscan: 1\nclause: [\n", test_pack);
	ps_ruleset *rules = load_yaml(yaml, &diags);
	ck_assert_ptr_null(rules);
	ck_assert_uint_ge(ps_diags_errors(diags), 1);
	ps_diags_free(diags);
}
END_TEST

START_TEST(duplicates_name_both_places)
{
	ck_assert_str_eq(first_error(HEAD "clause:\n  id: a\n  id: b\n"),
	                 "4:3: duplicate key 'id' (first at line 3, column 3); remove or rename one of them");
	assert_error_contains(WITH_ACT("x") "---\n" WITH_ACT("y"),
	                      "clause id 'c1' is used twice (first in test.yaml:2:1)");
	assert_error_contains(CLAUSE "signals:\n  - {id: s, stance: support, act: a}\n  - {id: s, stance: support, act: b}\n",
	                      "signal id 's' is used twice in this clause (first at line 8, column 5)");
}
END_TEST

/* The sections a pack has once: a second is refused where it stands, with
 * where the first is; each must be a mapping. */
START_TEST(a_section_of_the_pack_is_defined_once)
{
	ck_assert_str_eq(first_error(HEAD "cues: {}\n---\n" HEAD "cues: {}\n"),
	                 "5:1: 'cues' is defined twice (first in test.yaml:2:1); keep one");
	ck_assert_str_eq(first_error(HEAD "setting: {any: [Gaza]}\n---\n" HEAD "\nsetting:\n  any: [Rafah]\n"),
	                 "6:1: 'setting' is defined twice (first in test.yaml:2:1); keep one");
	ck_assert_str_eq(first_error(HEAD "setting: 3\n"),
	                 "2:10: 'setting' must be a mapping (key: value lines), not a text value");
	ck_assert_str_eq(first_error(HEAD "cues: [a]\n"), "2:7: 'cues' must be a mapping (key: value lines), not a list");
}
END_TEST

START_TEST(unknown_keys_suggest_the_nearest)
{
	ck_assert_str_eq(first_error(CLAUSE "signals:\n  - id: s1\n    stnace: support\n    act: x\n"),
	                 "9:5: unknown key 'stnace' in a signal; did you mean 'stance'?");
	assert_error_contains(HEAD "clause:\n  id: [a]\n  point: 1\n  title: t\n  summary: s\nsignals: [{id: s, stance: support, act: x}]\n",
	                      "'id' must be text, not a list");
	assert_error_contains(WITH_ACT("{a: b}"), "'act' must be a pattern or a list of patterns, not a mapping");
	assert_error_contains(CLAUSE "signals:\n  - id: s1\n    stance: maybe\n    act: x\n",
	                      "'stance' must be support or conflict, not 'maybe'");
	assert_error_contains(CLAUSE "signals:\n  - id: s1\n    act: x\n", "missing 'stance'");
	assert_error_contains("clause: {id: a}\n", "missing 'pactscan: 1'");
	assert_error_contains(WITH_ACT("x") "examples:\n  - text: x\n    expect: sometimes\n",
	                      "'expect' must be support, conflict or nothing");
}
END_TEST

START_TEST(anchors_aliases_and_tags_are_refused)
{
	assert_error_contains(HEAD "lexicons:\n  a: &x [b]\n  c: *x\n", "anchors (&name) are not allowed");
	assert_error_contains(HEAD "lexicons: &a [*a]\n", "anchors (&name) are not allowed");
	assert_error_contains(HEAD "clause: !!python/object:os.system {id: a}\n", "tags such as");
	/* "Billion laughs": refused at the first anchor, in no time. */
	char *bomb = malloc(200000);
	strcpy(bomb, HEAD "a: &a [\"lol\",\"lol\",\"lol\"]\n");
	for (int i = 0; i < 8; i++)
		sprintf(bomb + strlen(bomb), "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", 'b' + i, 'b' + i,
		        'a' + i, 'a' + i, 'a' + i, 'a' + i, 'a' + i, 'a' + i, 'a' + i, 'a' + i, 'a' + i);
	assert_error_contains(bomb, "anchors");
	free(bomb);
}
END_TEST

START_TEST(deep_nesting_is_capped_quickly)
{
	size_t n = 50000;
	char *deep = malloc(n + 32);
	strcpy(deep, HEAD "clause: ");
	size_t off = strlen(deep);
	memset(deep + off, '[', n);
	deep[off + n] = '\0';
	clock_t t0 = clock();
	assert_error_contains(deep, "nesting deeper than 64 levels");
	ck_assert_msg((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0, "depth check took too long");
	free(deep);
}
END_TEST

START_TEST(pattern_with_nul_is_not_truncated)
{
	/* "foo\0bar" must not act as "foo". */
	const char yaml[] = "pactscan: 1\nclause: {id: c, point: 1, title: t, summary: s}\n"
	                    "signals:\n  - {id: s, stance: support, act: \"foo\\0bar\"}\n";
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	ck_assert_ptr_nonnull(rules);
	seen s;
	scan_with(&s, rules, "foo bar happened.", 17);
	ck_assert_uint_eq(s.count, 0);
	scan_with(&s, rules, "foo\0bar happened.", 17);
	ck_assert_uint_eq(s.count, 1);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(pattern_errors_point_into_the_pattern)
{
	/* act: 'a(b' — the quote is column 10; PCRE2 reports the end, offset 3. */
	ck_assert_str_eq(first_error(WITH_ACT("'a(b'")),
	                 "10:14: pattern does not compile: missing closing parenthesis");
	assert_error_contains(WITH_ACT("'[z-a]'"), "range out of order in character class");
	/* \\S is compiled as [\\S] (pattern.c); the offset is still the text's. */
	ck_assert_str_eq(first_error(WITH_ACT("'\\S\\Wa(b'")),
	                 "10:18: pattern does not compile: missing closing parenthesis");
	assert_error_contains(WITH_ACT("'x{2,70000}'"), "number too big in {} quantifier");
	char deep[1000] = "";
	strcat(deep, "'");
	for (int i = 0; i < 300; i++)
		strcat(deep, "(");
	strcat(deep, "a");
	for (int i = 0; i < 300; i++)
		strcat(deep, ")");
	strcat(deep, "'");
	char yaml[2000];
	snprintf(yaml, sizeof yaml, WITH_ACT("%s"), deep);
	assert_error_contains(yaml, "parentheses are too deeply nested");
}
END_TEST

/* diags holds exactly want[0..n), in order, each "line:col: message",
 * after the file's base name and a colon when with_file. */
static void assert_diags(const ps_diags *diags, const char *const *want, size_t n, bool with_file)
{
	ck_assert_uint_eq(ps_diags_count(diags), n);
	for (size_t i = 0; i < n; i++) {
		const ps_diag *d = ps_diags_get(diags, i);
		const char *base = d->file ? strrchr(d->file, '/') : NULL;
		char got[300];
		snprintf(got, sizeof got, "%s%s%zu:%zu: %s", with_file ? (base ? base + 1 : d->file ? d->file : "") : "",
		         with_file ? ":" : "", d->line, d->column, d->message);
		ck_assert_str_eq(got, want[i]);
	}
}

/* The diagnostics of loading yaml (one file, "p.yaml"), which must load. */
static ps_diags *load_warnings(const char *yaml)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = NULL;
	ck_assert_int_eq(ps_diags_new(&diags), PS_OK);
	ck_assert_int_eq(ps_ruleset_load_string(&rules, "p.yaml", yaml, strlen(yaml), diags), PS_OK);
	ck_assert_ptr_nonnull(rules);
	ck_assert_uint_eq(ps_diags_errors(diags), 0);
	ps_ruleset_free(rules);
	return diags;
}

/* Where nothing lets the prefilter skip a sentence, loading says so: a
 * signal with no word its matches all need, and a setting with an `any`
 * pattern that has none (its gate cannot tell news about something else,
 * and every sentence runs the search for every rule's words). A setting
 * of a hundred places, one a pattern, has its gate: it had none past 64. */
START_TEST(what_the_prefilter_cannot_narrow_is_slow)
{
	static const char *const slow_signal[] = {
		"8:5: signal 's1' is slow: no word is required by every match of its act, all and any patterns, so they run "
		"on every sentence; start its act with a word",
	};
	ps_diags *diags = load_warnings(WITH_ACT("'\\w+'"));
	assert_diags(diags, slow_signal, 1, false);
	ps_diags_free(diags);

	char yaml[8192];
	static const char setting[] = HEAD "setting:\n  any: [Gaza, '\\b(?-i:[A-Z]{3})\\b']\n---\n" WITH_ACT("withdrew");
	static const char *const slow_setting[] = {
		"2:1: the setting is slow: one of its `any` patterns has no word in every match (or they have more than "
		"2048 words in all), so every sentence is searched for every rule's words; give each `any` pattern a word",
	};
	diags = load_warnings(setting);
	assert_diags(diags, slow_setting, 1, false);
	ps_diags_free(diags);

	size_t n = (size_t)snprintf(yaml, sizeof yaml, HEAD "setting:\n  any:\n");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(yaml + n, sizeof yaml - n, "    - Place%c%c\n", 'a' + i / 26, 'a' + i % 26);
	snprintf(yaml + n, sizeof yaml - n, "---\n" WITH_ACT("withdrew"));
	diags = load_warnings(yaml);
	ck_assert_uint_eq(ps_diags_count(diags), 0);
	ps_diags_free(diags);
}
END_TEST

/* Patterns compile on a helper thread while the load goes on (from the
 * 16th on); their errors still come where a compile in order puts them,
 * between the loader's own, and a second pattern of the same text (a twin,
 * compiled once) gets its own error at its own place. */
START_TEST(compile_errors_keep_their_place_among_other_errors)
{
	size_t cap = 8192, len = 0;
	char *yaml = malloc(cap);
	ck_assert_ptr_nonnull(yaml);
	len += (size_t)snprintf(yaml + len, cap - len, "%s", CLAUSE "signals:\n");
	for (int i = 0; i < 40; i++) {
		const char *act = i == 3 || i == 20 ? "'bad('" : i == 30 ? "'x(?C1)y'" : NULL;
		char word[32];
		snprintf(word, sizeof word, "'word%d'", i);
		len += (size_t)snprintf(yaml + len, cap - len, "  - id: s%d\n    stance: %s\n    act: %s\n%s", i,
		                        i == 5 ? "sideways" : "support", act ? act : word, i == 35 ? "    actt: x\n" : "");
	}
	ck_assert_uint_lt(len, cap);
	ps_diags *diags = NULL;
	ps_ruleset *rules = NULL;
	ck_assert_int_eq(ps_diags_new(&diags), PS_OK);
	ck_assert_int_eq(ps_ruleset_load_string(&rules, "order.yaml", yaml, len, diags), PS_ERR_RULES);
	ck_assert_ptr_null(rules);
	const char *want[] = {
		"19:15: pattern does not compile: missing closing parenthesis",
		"24:13: 'stance' must be support or conflict, not 'sideways'",
		"70:15: pattern does not compile: missing closing parenthesis",
		"100:11: callouts (?C...) are not allowed in patterns; remove them",
		"116:5: unknown key 'actt' in a signal; did you mean 'act'?",
	};
	assert_diags(diags, want, 5, false);
	ps_diags_free(diags);
	free(yaml);
}
END_TEST

START_TEST(unsafe_pattern_features_are_refused)
{
	assert_error_contains(WITH_ACT("'a\\Cb'"), "using \\C is disabled");
	assert_error_contains(WITH_ACT("'a(?C1)b'"), "callouts");
	assert_error_contains(WITH_ACT("'(*LIMIT_MATCH=1)a'"), "leading option verbs");
	assert_error_contains(WITH_ACT("'(*NO_JIT)a'"), "leading option verbs");
}
END_TEST

START_TEST(lexicon_references)
{
	assert_error_contains(HEAD "lexicons:\n  hamas: [Hamas]\n" "---\n" WITH_ACT("'@hamsa rejected'"),
	                      "no lexicon named 'hamsa'; did you mean '@hamas'?");
	assert_error_contains(HEAD "lexicons:\n  a: ['@b']\n  b: ['@a']\n" "---\n" WITH_ACT("'@a'"),
	                      "refers back to itself");
	ck_assert_str_eq(first_error(HEAD "lexicons:\n  a: ['ok', 'bad(']\n" "---\n" WITH_ACT("'@a'")),
	                 "3:18: pattern does not compile: missing closing parenthesis");
}
END_TEST

START_TEST(huge_patterns_are_capped)
{
	size_t n = PS_MAX_PATTERN_LEN + 10;
	char *yaml = malloc(n + 200);
	strcpy(yaml, CLAUSE "signals:\n  - id: s1\n    stance: support\n    act: ");
	size_t off = strlen(yaml);
	memset(yaml + off, 'a', n);
	strcpy(yaml + off + n, "\n");
	assert_error_contains(yaml, "over the limit");
	free(yaml);
}
END_TEST

START_TEST(too_many_clauses_are_refused)
{
	size_t n = PS_MAX_CLAUSES + 1, cap = n * 120 + 64, len = 0;
	char *yaml = malloc(cap);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(yaml + len, cap - len,
		                        "---\npactscan: 1\nclause: {id: c%zu, point: 1, title: t, summary: s}\n"
		                        "signals: [{id: s, stance: support, act: word%zu}]\n", i, i);
	assert_error_contains(yaml, "more than 1000 clauses");
	free(yaml);
}
END_TEST

START_TEST(load_from_a_pack_directory)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = NULL;
	ck_assert_int_eq(ps_diags_new(&diags), PS_OK);
	ck_assert_int_eq(ps_ruleset_load(&rules, PS_TEST_DATA "/packs/mini", diags), PS_OK);
	ck_assert_str_eq(ps_ruleset_name(rules), "mini");
	ck_assert_uint_eq(ps_ruleset_clause_count(rules), 1);
	ps_ruleset_free(rules);
	ps_diags_clear(diags);
	ck_assert_int_eq(ps_ruleset_load(&rules, PS_TEST_DATA "/packs/missing-file", diags), PS_ERR_RULES);
	ck_assert_ptr_nonnull(strstr(ps_diags_get(diags, 0)->message, "does not exist"));
	ps_diags_clear(diags);
	ck_assert_int_eq(ps_ruleset_load(&rules, "/dev/zero", diags), PS_ERR_RULES);
	ck_assert_ptr_nonnull(strstr(ps_diags_get(diags, 0)->message, "not a regular file"));
	ps_diags_free(diags);
}
END_TEST

/* The files of a glob are parsed on two threads (from four files on);
 * what each says still comes in file order: a parse error, a file that
 * cannot be read, a check after the parse, and a parse error in the half
 * the second thread takes. */
START_TEST(files_of_a_glob_report_in_order)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = NULL;
	ck_assert_int_eq(ps_diags_new(&diags), PS_OK);
	ck_assert_int_eq(ps_ruleset_load(&rules, PS_TEST_DATA "/packs/broken-files", diags), PS_ERR_RULES);
	ck_assert_ptr_null(rules);
	const char *want[] = {
		"c2.yaml:8:1: did not find expected ',' or ']' while parsing a flow sequence (line 7, column 10)",
		"c4.yaml:0:0: is a directory; name a rule file, or a pack directory holding pack.yaml",
		"c5.yaml:1:11: unsupported rule format version; this pactscan reads 'pactscan: 1'",
		"c6.yaml:7:3: duplicate key 'summary' (first at line 6, column 3); remove or rename one of them",
	};
	assert_diags(diags, want, 4, true);
	ps_diags_free(diags);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ruleset");
	TCase *tc = tcase_create("ruleset");
	tcase_add_test(tc, a_valid_pack_loads);
	tcase_add_test(tc, a_section_of_the_pack_is_defined_once);
	tcase_add_test(tc, empty_files_have_no_rules);
	tcase_add_test(tc, invalid_utf8_and_nul_have_positions);
	tcase_add_test(tc, bom_accepted_utf16_rejected);
	tcase_add_test(tc, yaml_syntax_errors_have_positions);
	tcase_add_test(tc, a_later_document_failing_rejects_the_file);
	tcase_add_test(tc, duplicates_name_both_places);
	tcase_add_test(tc, unknown_keys_suggest_the_nearest);
	tcase_add_test(tc, anchors_aliases_and_tags_are_refused);
	tcase_add_test(tc, deep_nesting_is_capped_quickly);
	tcase_add_test(tc, pattern_with_nul_is_not_truncated);
	tcase_add_test(tc, pattern_errors_point_into_the_pattern);
	tcase_add_test(tc, compile_errors_keep_their_place_among_other_errors);
	tcase_add_test(tc, unsafe_pattern_features_are_refused);
	tcase_add_test(tc, lexicon_references);
	tcase_add_test(tc, huge_patterns_are_capped);
	tcase_add_test(tc, too_many_clauses_are_refused);
	tcase_add_test(tc, load_from_a_pack_directory);
	tcase_add_test(tc, files_of_a_glob_report_in_order);
	tcase_add_test(tc, what_the_prefilter_cannot_narrow_is_slow);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
