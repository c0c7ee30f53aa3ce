/* Scanning: stance, negation, certainty, restatement, the setting gate,
 * positions, streaming and limits. */
#include <fcntl.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

enum { NONE = -1, SUPPORT = PS_STANCE_SUPPORT, CONFLICT = PS_STANCE_CONFLICT };

START_TEST(stance_from_the_signal)
{
	assert_stance(test_pack, "Israeli troops withdrew from Khan Younis on Friday.", "withdrawal", SUPPORT);
	assert_stance(test_pack, "Hamas released two hostages on Monday.", "hostages", SUPPORT);
	assert_stance(test_pack, "Hamas delayed the return of the bodies.", "hostages", CONFLICT);
}
END_TEST

START_TEST(negation_flips_within_its_scope)
{
	assert_stance(test_pack, "Israeli troops did not withdraw from Rafah.", "withdrawal", CONFLICT);
	assert_stance(test_pack, "Israeli troops refused to withdraw from Rafah.", "withdrawal", CONFLICT);
	assert_stance(test_pack, "Hamas has not released the hostages.", "hostages", CONFLICT);
	/* A stop word ends the negation's reach. */
	assert_stance(test_pack, "Hamas did not object, and Israeli troops withdrew.", "withdrawal", SUPPORT);
	/* Too far away to govern the act. */
	assert_stance(test_pack, "No one expected that after weeks of talks Israeli troops withdrew.", "withdrawal", SUPPORT);
	/* A pseudo-negation is no negation. */
	assert_stance(test_pack, "Not only Israeli troops withdrew from the city.", "withdrawal", SUPPORT);
	/* A negation after the act. */
	assert_stance(test_pack, "That Israeli troops withdrew was denied by residents.", "withdrawal", CONFLICT);
	/* A stop ends its reach too, with no negation before the act. */
	assert_stance(test_pack, "That Israeli troops withdrew, they say, was denied.", "withdrawal", SUPPORT);
	/* A contraction: the cue is written '\w+n''t'. */
	assert_stance(test_pack, "Israeli troops didn't withdraw from Rafah.", "withdrawal", CONFLICT);
	/* negation: keep */
	assert_stance(test_pack, "Hamas has not delayed the bodies again.", "hostages", CONFLICT);
}
END_TEST

START_TEST(withdrawing_from_the_agreement_is_not_troop_withdrawal)
{
	assert_nothing(test_pack, "Officials fear Israel might withdraw from the agreement.", "withdrawal");
	assert_nothing(test_pack, "The IDF could withdraw from the deal, Israeli media said.", "withdrawal");
}
END_TEST

START_TEST(certainty)
{
	ck_assert_int_eq(certainty_of(test_pack, "Israeli troops withdrew from the city.", "withdrawal"),
	                 PS_CERTAINTY_ASSERTED);
	ck_assert_int_eq(certainty_of(test_pack, "Israeli troops may withdraw from the city next week.", "withdrawal"),
	                 PS_CERTAINTY_HEDGED);
	ck_assert_int_eq(certainty_of(test_pack, "According to health officials, Israeli troops withdrew.", "withdrawal"),
	                 PS_CERTAINTY_ATTRIBUTED);
	/* A stop ends a hedge's reach. */
	ck_assert_int_eq(certainty_of(test_pack, "Talks might resume but Israeli troops withdrew from the city.",
	                              "withdrawal"),
	                 PS_CERTAINTY_ASSERTED);
	/* Hedged wins over attributed. */
	ck_assert_int_eq(certainty_of(test_pack, "Witnesses said Israeli troops might withdraw soon.", "withdrawal"),
	                 PS_CERTAINTY_HEDGED);
}
END_TEST

START_TEST(cues_and_source_are_reported)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	seen s;
	const char *text = "According to health officials, Israeli troops did not withdraw from Gaza City.";
	scan_with(&s, rules, text, strlen(text));
	ck_assert_uint_eq(s.count, 1);
	ck_assert_str_eq(s.items[0].clause, "withdrawal");
	ck_assert_int_eq(s.items[0].stance, CONFLICT);
	ck_assert_str_eq(s.items[0].cues, "negation:not;attribution:According to health officials");
	ck_assert_str_eq(s.items[0].source, "health officials");
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(restatements_flag_nothing)
{
	assert_nothing(test_pack, "The plan calls for Israeli troops to withdraw from the city.", "withdrawal");
	assert_nothing(test_pack, "All hostages in Gaza are to be released within 72 hours.", "hostages");
}
END_TEST

START_TEST(the_setting_gate)
{
	/* No setting term: nothing, even with the right words. */
	assert_nothing(test_pack, "The hostages were released on Monday.", "hostages");
	/* Context from an earlier sentence in the same document. */
	assert_stance(test_pack, "Talks on Gaza resumed. The hostages were released on Monday.", "hostages", SUPPORT);
	/* Another war's words close the gate, context or not. */
	assert_nothing(test_pack, "Talks on Gaza resumed. Ukraine said the hostages were released.", "hostages");
	/* Context fades after two sentences. */
	assert_nothing(test_pack, "Talks on Gaza resumed. Rain fell. Wind blew. The hostages were released.", "hostages");
}
END_TEST

START_TEST(within_limits_the_distance)
{
	assert_nothing(test_pack, "Israeli troops, after a long night of shelling and heavy rain in the south, withdrew.",
	               "withdrawal");
}
END_TEST

/* Where each finding's sentence starts, and its line and columns. */
typedef struct placed {
	uint64_t start[64], line[64], column[64], chars[64];
	size_t n;
} placed;

static int record_place(const ps_finding *f, void *userdata)
{
	placed *p = userdata;
	if (p->n < 64) {
		p->start[p->n] = f->sentence_span.start;
		p->line[p->n] = f->line;
		p->chars[p->n] = f->char_column;
		p->column[p->n++] = f->column;
	}
	return 0;
}

/* The signal and first evidence of the last finding. */
typedef struct last_act {
	char signal[16];
	uint64_t start, end;
	size_t findings;
} last_act;

static int record_act(const ps_finding *f, void *userdata)
{
	last_act *a = userdata;
	snprintf(a->signal, sizeof a->signal, "%s", f->signal);
	a->start = f->evidence_count ? f->evidence[0].start : UINT64_MAX;
	a->end = f->evidence_count ? f->evidence[0].end : UINT64_MAX;
	a->findings++;
	return 0;
}

/* A sentence that asks about many distinct pattern texts, each of whose
 * matches the scanner keeps for the sentence (its memo): 70 signals, each
 * its own word, all in the sentence; the last, heaviest, wins, with its
 * own word as its evidence. And the next sentence's are its own. */
START_TEST(a_sentence_asking_many_texts_keeps_each_ones_matches)
{
	static char yaml[16384], text[1024];
	size_t n = (size_t)snprintf(yaml, sizeof yaml, "pactscan: 1\nclause:\n  id: c1\n  point: 1\n  title: T\n"
	                                              "  summary: S\nsignals:\n");
	/* The second scan's words stand two bytes further on: a match kept
	 * from the first sentence would be found in the wrong place. */
	size_t t = 2;
	memcpy(text, "x ", 2);
	for (int i = 0; i < 70; i++) {
		n += (size_t)snprintf(yaml + n, sizeof yaml - n,
		                      "  - id: s%02d\n    stance: support\n    act: 'word%02d'\n    weight: %d\n", i, i,
		                      i == 69 ? 5 : 1);
		t += (size_t)snprintf(text + t, sizeof text - t, "word%02d ", i);
	}
	ck_assert_uint_lt(n, sizeof yaml - 1);
	text[t - 1] = '.';
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	ck_assert_msg(rules != NULL, "the pack does not load: %s", first_error(yaml));
	for (int plain = 0; plain < 2; plain++) {
		last_act a = { .findings = 0 };
		ps_scanner *scanner = NULL;
		ps_scan_limits limits = test_limits();
		if (plain)
			limits.flags |= PS_SCAN_NO_PREFILTER;
		ps_scan_callbacks cb = { record_act, NULL, &a };
		ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
		/* Twice: the second sentence's slots start afresh. */
		for (size_t k = 0; k < 2; k++) {
			size_t skip = 2 - 2 * k;
			ck_assert_int_eq(ps_scanner_scan(scanner, text + skip, t - skip, &cb), PS_OK);
			ck_assert_uint_eq(a.findings, k + 1);
			ck_assert_str_eq(a.signal, "s69");
			ck_assert_uint_eq(a.start, t - skip - 7);
			ck_assert_uint_eq(a.end, t - skip - 1);
		}
		ps_scanner_free(scanner);
	}
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(positions_in_bytes_lines_and_columns)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	seen s;
	const char crlf[] = "Gaza talks.\r\n  Israeli troops withdrew.";
	scan_with(&s, rules, crlf, sizeof crlf - 1);
	ck_assert_uint_eq(s.count, 1);
	ck_assert_uint_eq(s.items[0].line, 2);
	ck_assert_uint_eq(s.items[0].column, 3);
	ck_assert_uint_eq(s.items[0].start, 15);
	ck_assert_uint_eq(s.items[0].end, sizeof crlf - 1);
	const char cr[] = "Gaza talks.\r\rIsraeli troops withdrew.";
	scan_with(&s, rules, cr, sizeof cr - 1);
	ck_assert_uint_eq(s.items[0].line, 3);
	/* A BOM is skipped without shifting the column. */
	const char bom[] = "\xEF\xBB\xBFIsraeli troops withdrew.";
	scan_with(&s, rules, bom, sizeof bom - 1);
	ck_assert_uint_eq(s.count, 1);
	ck_assert_uint_eq(s.items[0].column, 1);
	ck_assert_uint_eq(s.items[0].start, 3);
	/* Columns in code points: "Zoë — " is 6 characters in 9 bytes, and a
	 * stray continuation byte is one character on its own. */
	const char wide[] = "Gaza talks.\nZo\xc3\xab \xe2\x80\x94 said. \x80\xff Israeli troops withdrew.";
	placed p = { .n = 0 };
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	ps_scan_callbacks cb = { record_place, NULL, &p };
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	ck_assert_int_eq(ps_scanner_scan(scanner, wide, sizeof wide - 1, &cb), PS_OK);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(p.line[0], 2);
	ck_assert_uint_eq(p.column[0], 16);
	ck_assert_uint_eq(p.chars[0], 13);
	/* A piece begun mid-line counts the unseen bytes before it one each. */
	ps_scan_origin origin = { .offset = 12, .line = 2, .column = 4, .report_from = 12 };
	p.n = 0;
	ck_assert_int_eq(ps_scanner_begin_at(scanner, &cb, &origin), PS_OK);
	ck_assert_int_eq(ps_scanner_feed_last(scanner, wide + 12, sizeof wide - 13), PS_OK);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(p.column[0], 19);
	ck_assert_uint_eq(p.chars[0], 16);
	ps_scanner_free(scanner);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

static void feed_in_pieces(seen *out, const ps_ruleset *rules, const char *text, size_t len, size_t piece)
{
	ps_scanner *scanner = NULL;
	seen whole;
	scan_with(&whole, rules, text, len);
	memset(out, 0, sizeof(*out));
	ps_scan_limits limits = test_limits();
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	ps_scan_callbacks cb;
	/* Reuse the helper's recorder through a whole-document scan of each piece
	 * would reset state; so compare counts and positions instead. */
	(void)cb;
	ck_assert_int_eq(ps_scanner_begin(scanner, NULL), PS_OK);
	for (size_t i = 0; i < len; i += piece)
		ck_assert_int_eq(ps_scanner_feed(scanner, text + i, len - i < piece ? len - i : piece), PS_OK);
	ck_assert_int_eq(ps_scanner_end(scanner), PS_OK);
	ck_assert_uint_eq(ps_scanner_stats(scanner)->findings, whole.stats.findings);
	ck_assert_uint_eq(ps_scanner_stats(scanner)->sentences, whole.stats.sentences);
	ck_assert_uint_eq(ps_scanner_stats(scanner)->bytes, len);
	*out = whole;
	ps_scanner_free(scanner);
}

/* Line ends are counted sixteen bytes at a time: every finding's line and
 * columns (in bytes and in code points) agree with a count made byte by
 * byte, for LF, CRLF and CR line ends, blank lines and lines of every
 * length, with characters of two and three bytes before the sentence, some
 * cut in half, whole and fed in pieces (a CRLF or a character split
 * between two). */
START_TEST(lines_are_counted_right_across_many_line_ends)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	static const char *const ends[] = { "\n", "\r\n", "\r" };
	static const char filler[] = "Rain fell over the hills \xe2\x80\x94 Zo\xc3\xab saw it \xe2\x80\x94 all day";
	static char text[16384];
	for (size_t e = 0; e < 3; e++) {
		size_t len = 0;
		for (int i = 0; i < 40; i++) {
			for (int k = 0; k < i % 6; k++)
				len += (size_t)snprintf(text + len, sizeof text - len, "%.*s%s", (i * 7 + k * 13) % 48, filler,
				                        ends[e]);
			len += (size_t)snprintf(text + len, sizeof text - len, "%*s%sIsraeli troops withdrew.%s", i % 3, "",
			                        i % 4 == 1 ? "Zo\xc3\xab went \xe2\x80\x9chome\xe2\x80\x9d. " : "", ends[e]);
		}
		for (size_t piece = 1; piece <= len; piece = piece * 3 + 2) {
			ps_scanner *scanner = NULL;
			ps_scan_limits limits = test_limits();
			placed p = { .n = 0 };
			ps_scan_callbacks cb = { record_place, NULL, &p };
			ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
			ck_assert_int_eq(ps_scanner_begin(scanner, &cb), PS_OK);
			for (size_t i = 0; i < len; i += piece)
				ck_assert_int_eq(ps_scanner_feed(scanner, text + i, len - i < piece ? len - i : piece), PS_OK);
			ck_assert_int_eq(ps_scanner_end(scanner), PS_OK);
			ps_scanner_free(scanner);
			ck_assert_uint_ge(p.n, 35);
			for (size_t k = 0; k < p.n; k++) {
				uint64_t line = 1, line_start = 0, chars = 1;
				for (size_t i = 0; i < p.start[k]; i++) {
					if (text[i] == '\r' || (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')))
						line++;
					chars += ((unsigned char)text[i] & 0xC0) != 0x80;
					if (text[i] == '\r' || text[i] == '\n') {
						line_start = i + 1;
						chars = 1;
					}
				}
				ck_assert_msg(p.line[k] == line && p.column[k] == p.start[k] - line_start + 1 && p.chars[k] == chars,
				              "line end %zu, pieces of %zu: finding %zu at %llu:%llu (%llu), counted %llu:%llu (%llu)",
				              e, piece, k, (unsigned long long)p.line[k], (unsigned long long)p.column[k],
				              (unsigned long long)p.chars[k], (unsigned long long)line,
				              (unsigned long long)(p.start[k] - line_start + 1), (unsigned long long)chars);
			}
		}
	}
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* Three findings in a dateline, an abbreviation, CRLF and a blank line. */
static const char short_news[] = "Gaza, Oct. 13 (Reuters). Hamas released 20 hostages on Monday.\r\n"
                                 "Mr. Smith said Israeli troops withdrew from Rafah. The IDF did not withdraw "
                                 "from Gaza City, however.\n\nRain fell.";

START_TEST(streaming_matches_a_whole_scan)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	const char *text = short_news;
	seen s;
	for (size_t piece = 1; piece <= 17; piece += 4)
		feed_in_pieces(&s, rules, text, strlen(text), piece);
	ck_assert_uint_eq(s.count, 3);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(utf16_and_invalid_utf8)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	seen s;
	const char utf16[] = "\xFF\xFEI\0s\0r\0a\0e\0l\0";
	scan_with(&s, rules, utf16, sizeof utf16 - 1);
	ck_assert_int_eq(s.status, PS_ERR_INCOMPLETE);
	ck_assert_uint_eq(s.problems, 1);
	const char bad[] = "Gaza \xC3\x28 \xED\xA0\x80 report: Israeli troops withdrew \xFF from the city.";
	scan_with(&s, rules, bad, sizeof bad - 1);
	ck_assert_int_eq(s.status, PS_OK);
	ck_assert_uint_eq(s.count, 1);
	ck_assert_uint_eq(s.items[0].end, sizeof bad - 1);
	/* A single byte, and no trailing newline: still scanned. */
	scan_with(&s, rules, "x", 1);
	ck_assert_uint_eq(s.stats.sentences, 1);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(match_limit_is_reported_and_the_scan_goes_on)
{
	char yaml[4096];
	snprintf(yaml, sizeof yaml, "%s---\npactscan: 1\nclause: {id: slow, point: 9, title: t, summary: s}\n"
	         "signals:\n  - {id: s, stance: support, act: '(a+)+$'}\n", test_pack);
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	ck_assert_ptr_nonnull(rules);
	seen s;
	const char *text = "Israeli troops withdrew aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab";
	scan_with(&s, rules, text, strlen(text));
	ck_assert_int_eq(s.status, PS_ERR_INCOMPLETE);
	ck_assert_uint_eq(s.problems, 1);
	ck_assert_uint_eq(s.stats.limit_hits, 1);
	ck_assert_uint_eq(s.count, 1);
	ck_assert_str_eq(s.items[0].clause, "withdrawal");
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(whole_words_hold_for_each_alternative)
{
	const char *yaml = "pactscan: 1\nclause: {id: w, point: 1, title: t, summary: s}\n"
	                   "signals:\n  - {id: s, stance: conflict, act: 'violated|broke|undermin\\w*'}\n";
	assert_nothing(yaml, "Egypt brokered the deal.", "w");
	assert_stance(yaml, "Hamas broke the truce.", "w", CONFLICT);
	assert_stance(yaml, "The strikes undermined the truce.", "w", CONFLICT);
	assert_nothing(yaml, "Nobody inviolated anything.", "w");
}
END_TEST

START_TEST(jit_stack_exhaustion_falls_back_and_is_reported)
{
	/* The JIT stack overflows on this; the interpreter then runs into its
	 * depth limit, and the scan says so instead of crashing. */
	const char *yaml = "pactscan: 1\nclause: {id: deep, point: 1, title: t, summary: s}\n"
	                   "signals:\n  - {id: s, stance: support, act: '((a|b)(?=(a|b)))*.c'}\n";
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	size_t n = 15000;
	char *text = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		text[i] = "ab"[i % 2];
	text[n] = 'c';
	seen s;
	scan_with(&s, rules, text, n + 1);
	ck_assert_int_eq(s.status, PS_ERR_INCOMPLETE);
	ck_assert_uint_eq(s.stats.limit_hits, 1);
	ck_assert_uint_eq(s.problems, 1);
	free(text);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

typedef struct problem_lines {
	size_t line[16], column[16], n;
} problem_lines;

static void note_problem_line(const ps_diag *d, void *userdata)
{
	problem_lines *p = userdata;
	if (p->n < 16) {
		p->line[p->n] = d->line;
		p->column[p->n++] = d->column;
	}
}

/* text[len..) gets line, times times; the new length. */
static size_t append_lines(char *text, size_t cap, size_t len, const char *line, int times)
{
	for (int i = 0; i < times; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s", line);
	return len;
}

/* Scan text with the rules of yaml and a budget of 5 limit hits, which it
 * must spend: the scan's counters, and its problems' places in *p. */
static ps_scan_stats scan_on_a_budget(const char *yaml, const char *text, size_t len, problem_lines *p)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	limits.max_limit_hits = 5;
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	ps_scan_callbacks cb = { NULL, note_problem_line, p };
	ck_assert_int_eq(ps_scanner_scan(scanner, text, len, &cb), PS_ERR_INCOMPLETE);
	ps_scan_stats st = *ps_scanner_stats(scanner);
	ps_scanner_free(scanner);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
	return st;
}

START_TEST(a_document_has_a_budget_of_limit_hits)
{
	char yaml[4096];
	snprintf(yaml, sizeof yaml, "%s---\npactscan: 1\nclause: {id: slow, point: 9, title: t, summary: s}\n"
	         "signals:\n  - {id: s, stance: support, act: '(a+)+$'}\n", test_pack);
	static char text[20000];
	size_t len = append_lines(text, sizeof text, 0, "Israeli aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n", 40);
	/* Sentences out of the setting, most with no context either, are
	 * left unchecked too. */
	len = append_lines(text, sizeof text, len, "The weather in Oslo was mild.\n", 10);
	len = append_lines(text, sizeof text, len, "Israeli troops withdrew.\n", 1);
	problem_lines p = { 0 };
	ps_scan_stats st = scan_on_a_budget(yaml, text, len, &p);
	ck_assert_uint_eq(st.limit_hits, 5);
	ck_assert_uint_eq(st.unchecked, 46);
	ck_assert_uint_eq(st.sentences, 51);
	/* Each problem names its sentence's line: the five hits, then the
	 * budget spent at the sixth. */
	ck_assert_uint_eq(p.n, 6);
	for (size_t i = 0; i < p.n; i++) {
		ck_assert_uint_eq(p.line[i], i + 1);
		ck_assert_uint_eq(p.column[i], 1);
	}
}
END_TEST

/* A budget spent on the setting's own patterns, in sentences out of the
 * setting, leaves the sentences after it unchecked, those with none of
 * the gate's words among them. */
START_TEST(a_budget_spent_out_of_the_setting_leaves_the_rest_unchecked)
{
	static const char any[] = "  any: [Gaza, '@hamas', '@idf', Israel\\w*]\n";
	const char *at = strstr(test_pack, any);
	ck_assert_ptr_nonnull(at);
	char yaml[4096];
	snprintf(yaml, sizeof yaml, "%.*s  any: [Gaza, '@hamas', '@idf', Israel\\w*, 'Oslo (a+)+$']\n%s",
	         (int)(at - test_pack), test_pack, at + strlen(any));
	static char text[4096];
	size_t len = append_lines(text, sizeof text, 0, "Oslo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n", 6);
	len = append_lines(text, sizeof text, len, "Markets were calm.\n", 10);
	problem_lines p = { 0 };
	ps_scan_stats st = scan_on_a_budget(yaml, text, len, &p);
	ck_assert_uint_eq(st.limit_hits, 5);
	ck_assert_uint_eq(st.in_setting, 0);
	ck_assert_uint_eq(st.sentences, 16);
	ck_assert_uint_eq(st.unchecked, 11);
	ck_assert_uint_eq(p.n, 6);
}
END_TEST

START_TEST(empty_and_tiny_documents)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	seen s;
	scan_with(&s, rules, "", 0);
	ck_assert_int_eq(s.status, PS_OK);
	ck_assert_uint_eq(s.stats.sentences, 0);
	scan_with(&s, rules, "\n\n  \r\n", 5);
	ck_assert_uint_eq(s.stats.sentences, 0);
	/* No trailing newline: the last sentence is still scanned. */
	scan_with(&s, rules, "Rain.\nIsraeli troops withdrew", 29);
	ck_assert_uint_eq(s.count, 1);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(empty_matches_advance)
{
	const char *yaml = "pactscan: 1\nclause: {id: e, point: 1, title: t, summary: s}\n"
	                   "signals:\n  - {id: s, stance: support, act: '(?:x*)', all: ['\\b']}\n";
	assert_stance(yaml, "Nothing to see here at all.", "e", SUPPORT);
}
END_TEST

START_TEST(long_sentences_are_cut_not_lost)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	size_t len = 10u * 1024u * 1024u;
	char *text = malloc(len);
	static const char head[] = "Israeli troops withdrew. ";
	memcpy(text, head, sizeof head - 1);
	memset(text + sizeof head - 1, 'a', len - (sizeof head - 1));
	seen s;
	scan_with(&s, rules, text, len);
	/* 640 pieces of the 16 KiB cap; the last ends with the text, not at
	 * the cap. (Fed in chunks, a piece of exactly the cap at the end of
	 * what has come so far must be cut before the end is known, and counts
	 * as cut: 640.) */
	ck_assert_uint_eq(s.stats.sentences, 640);
	ck_assert_uint_ge(s.stats.cut_sentences, 639);
	ck_assert_uint_eq(s.stats.bytes, len);
	ck_assert_uint_eq(s.count, 1); /* found once, not lost and not twice */
	free(text);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* A cap past what a scanner takes is taken as its most (2^30 bytes): fed
 * in pieces, a sentence of 300 KB is one sentence, not cut, and the
 * buffer's size (the cap and a chunk) does not wrap around to a few bytes. */
START_TEST(a_cap_past_the_most_is_the_most)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	size_t len = 300u * 1024u;
	char *text = malloc(len);
	static const char head[] = "Israeli troops withdrew";
	memcpy(text, head, sizeof head - 1);
	for (size_t i = sizeof head - 1; i < len - 1; i++)
		text[i] = i % 8 == 0 ? ' ' : 'a';
	text[len - 1] = '.';
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	limits.max_sentence = SIZE_MAX;
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	ck_assert_int_eq(ps_scanner_begin(scanner, NULL), PS_OK);
	for (size_t i = 0; i < len; i += 4096)
		ck_assert_int_eq(ps_scanner_feed(scanner, text + i, len - i < 4096 ? len - i : 4096), PS_OK);
	ck_assert_int_eq(ps_scanner_end(scanner), PS_OK);
	const ps_scan_stats *st = ps_scanner_stats(scanner);
	ck_assert_uint_eq(st->sentences, 1);
	ck_assert_uint_eq(st->cut_sentences, 0);
	ck_assert_uint_eq(st->findings, 1);
	ck_assert_uint_eq(st->bytes, len);
	ps_scanner_free(scanner);
	free(text);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* A document cut where ps_segment_last_cut() allows, each piece scanned by
 * its own scanner from a few cuts earlier: the findings are one scan's. */
static int record_key(const ps_finding *f, void *userdata)
{
	char *out = userdata;
	size_t used = strlen(out);
	if (used < 60000)
		snprintf(out + used, 65536 - used, "%llu:%llu(%llu)@%llu %s %d %d|", (unsigned long long)f->line,
		         (unsigned long long)f->column, (unsigned long long)f->char_column,
		         (unsigned long long)f->sentence_span.start, ps_clause_id(f->clause), (int)f->stance,
		         (int)f->certainty);
	return 0;
}

/* Each finding's clause and sentence span, as "clause start-end|". */
static int record_span(const ps_finding *f, void *userdata)
{
	char *out = userdata;
	size_t used = strlen(out);
	snprintf(out + used, 1024 - used, "%s %llu-%llu|", ps_clause_id(f->clause),
	         (unsigned long long)f->sentence_span.start, (unsigned long long)f->sentence_span.end);
	return 0;
}

START_TEST(pieces_scanned_apart_find_what_one_scan_finds)
{
	static const char *const lines[] = {
		"Talks on Gaza resumed in Cairo.", "Israeli troops withdrew from the town.",
		"The hostages were released on Monday.", "Rain fell over the hills.", "Markets were calm.",
		"Hamas delayed the return of the bodies.", "The bodies were handed over at noon.",
		"Ukraine said the hostages were released.", "Traffic was light.",
	};
	static char text[40000], whole[65536], parts[65536];
	size_t len = 0;
	for (int i = 0; len < sizeof text - 200; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", lines[(i * 7) % 9],
		                        i % 11 == 10 ? "\n\n" : i % 3 == 2 ? "\n" : " ");
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	whole[0] = parts[0] = '\0';
	ps_scan_callbacks cw = { record_key, NULL, whole }, cp = { record_key, NULL, parts };
	ck_assert_int_eq(ps_scanner_scan(scanner, text, len, &cw), PS_OK);
	uint64_t sentences = ps_scanner_stats(scanner)->sentences, counted = 0, bytes = 0;
	/* Every cut, from the end backwards, then in order. */
	size_t cuts[4096], n = 0, end = len;
	while (n < 4096 && (end = ps_segment_last_cut(text, end)) > 0)
		cuts[n++] = end;
	ck_assert_uint_gt(n, 40);
	size_t order[4097], m = 0;
	order[m++] = 0;
	for (size_t i = n; i-- > 0;)
		order[m++] = cuts[i];
	for (size_t i = 0; i < m; i += 2) {
		size_t from = order[i], to = i + 2 < m ? order[i + 2] : len, ctx = order[i >= 4 ? i - 4 : 0];
		uint64_t line = 1;
		for (size_t k = 0; k < ctx; k++)
			line += text[k] == '\n';
		ps_scan_origin origin = { .offset = ctx, .line = line, .column = 1, .report_from = from };
		ck_assert_int_eq(ps_scanner_begin_at(scanner, &cp, &origin), PS_OK);
		/* Every other piece is scanned where it is, in one call. */
		if (i % 4 == 0) {
			ck_assert_int_eq(ps_scanner_feed(scanner, text + ctx, to - ctx), PS_OK);
			ck_assert_int_eq(ps_scanner_end(scanner), PS_OK);
		} else {
			ck_assert_int_eq(ps_scanner_feed_last(scanner, text + ctx, to - ctx), PS_OK);
		}
		counted += ps_scanner_stats(scanner)->sentences;
		bytes += ps_scanner_stats(scanner)->bytes;
	}
	ck_assert_uint_gt(strlen(whole), 1000);
	ck_assert_str_eq(parts, whole);
	ck_assert_uint_eq(counted, sentences);
	ck_assert_uint_eq(bytes, len);
	ps_scanner_free(scanner);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* A last sentence of exactly the cap, with no stop: fed and then ended, it
 * is the one sentence a scan of the whole text finds, not cut at the cap
 * (it was, while the scanner could not yet know the text ended there). */
START_TEST(a_last_sentence_of_exactly_the_cap_is_whole_when_fed)
{
	static const char text[] = "Hamas released two hostages on Monday.\n"
	                           "Israeli troops withdrew from the town of Beit Lahia on a cold Fr";
	ck_assert_uint_eq(sizeof text - 1 - (strchr(text, '\n') + 1 - text), 64);
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	limits.max_sentence = 64;
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	char whole[1024] = "", fed[1024] = "";
	ps_scan_callbacks cw = { record_span, NULL, whole }, cf = { record_span, NULL, fed };
	ck_assert_int_eq(ps_scanner_scan(scanner, text, sizeof text - 1, &cw), PS_OK);
	ck_assert_uint_eq(ps_scanner_stats(scanner)->sentences, 2);
	ck_assert_uint_eq(ps_scanner_stats(scanner)->cut_sentences, 0);
	ck_assert_int_eq(ps_scanner_begin(scanner, &cf), PS_OK);
	ck_assert_int_eq(ps_scanner_feed(scanner, text, sizeof text - 1), PS_OK);
	ck_assert_int_eq(ps_scanner_end(scanner), PS_OK);
	ck_assert_uint_eq(ps_scanner_stats(scanner)->sentences, 2);
	ck_assert_uint_eq(ps_scanner_stats(scanner)->cut_sentences, 0);
	ck_assert_str_eq(fed, whole);
	ck_assert_ptr_nonnull(strstr(whole, "withdrawal 39-103"));
	ps_scanner_free(scanner);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

static int count_finding(const ps_finding *f, void *userdata)
{
	(void)f;
	((seen *)userdata)->count++;
	return 0;
}

/* The number of the signal clause/id, by ps_ruleset_signal(). */
static size_t signal_number(const ps_ruleset *rules, const char *clause, const char *id)
{
	for (size_t i = 0; i < ps_ruleset_signal_count(rules); i++) {
		ps_signal_info info;
		ck_assert_int_eq(ps_ruleset_signal(&info, rules, i), PS_OK);
		if (!strcmp(ps_clause_id(info.clause), clause) && !strcmp(info.id, id))
			return i;
	}
	ck_abort_msg("no signal %s/%s", clause, id);
	return 0;
}

/* A profile counts the sentences where a signal's words were all there (it
 * was tried) and where it matched, over every scan of the scanner; scanned
 * in pieces with their context, a text gives the counts of one scan. */
START_TEST(a_profile_counts_what_each_signal_tried_and_matched)
{
	static const char text[] =
	        "Israeli troops withdrew from Khan Younis on Friday.\n"            /* pulled-back: matched */
	        "Israeli troops may withdraw from the agreement, officials said.\n" /* its none rules it out */
	        "Hamas released two hostages on Monday.\n"                          /* released: matched */
	        "Markets were calm in Cairo.\n"                                     /* out of the setting */
	        "Troops withdrew from Khartoum, Sudanese officials said.\n"         /* out of the setting */
	        "Hamas said the hostages were withheld, and two bodies were released.\n"; /* both match */
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	ck_assert_uint_eq(ps_ruleset_signal_count(rules), 3);
	size_t pulled = signal_number(rules, "withdrawal", "pulled-back");
	size_t released = signal_number(rules, "hostages", "released");
	size_t withheld = signal_number(rules, "hostages", "withheld");
	ps_signal_info info;
	ck_assert_int_eq(ps_ruleset_signal(&info, rules, withheld), PS_OK);
	ck_assert_uint_eq(info.line, 51);
	ck_assert_uint_eq(info.column, 5);
	ck_assert_int_eq(ps_ruleset_signal(&info, rules, 3), PS_ERR_INVALID);

	/* A scanner made without the flag keeps none. */
	ps_scanner *plain = NULL, *whole = NULL, *pieces = NULL;
	ps_scan_limits limits = test_limits();
	ck_assert_int_eq(ps_scanner_new(&plain, rules, &limits), PS_OK);
	ps_scan_profile p, q;
	ck_assert_int_eq(ps_scanner_profile(&p, plain), PS_ERR_INVALID);
	limits.flags |= PS_SCAN_PROFILE;
	ck_assert_int_eq(ps_scanner_new(&whole, rules, &limits), PS_OK);
	ck_assert_int_eq(ps_scanner_new(&pieces, rules, &limits), PS_OK);

	ps_scan_callbacks none = { 0 };
	seen found = { 0 };
	ps_scan_callbacks counted = { count_finding, NULL, &found };
	ck_assert_int_eq(ps_scanner_scan(whole, text, sizeof text - 1, &counted), PS_OK);
	ck_assert_uint_eq(found.count, 3);
	ck_assert_int_eq(ps_scanner_profile(&p, whole), PS_OK);
	ck_assert_uint_eq(p.n_signals, 3);
	ck_assert_uint_eq(p.signals[pulled].tried, 2);
	ck_assert_uint_eq(p.signals[pulled].matched, 1);
	ck_assert_uint_eq(p.signals[released].tried, 2);
	ck_assert_uint_eq(p.signals[released].matched, 2);
	ck_assert_uint_eq(p.signals[withheld].tried, 1);
	ck_assert_uint_eq(p.signals[withheld].matched, 1);
	/* Each part is timed: the signals, the cues, the word passes, the
	 * callback, and the scan that holds them. (Not compared: the scan is
	 * the thread's CPU time, the parts a clock's, which runs on while the
	 * thread waits for a core; on a busy machine a part can be longer.) */
	uint64_t signals_ns = 0;
	for (size_t i = 0; i < 3; i++)
		signals_ns += p.signals[i].nanoseconds;
	ck_assert_uint_gt(signals_ns, 0);
	ck_assert_uint_gt(p.cue_nanoseconds, 0);
	ck_assert_uint_gt(p.word_nanoseconds, 0);
	ck_assert_uint_gt(p.callback_nanoseconds, 0);
	ck_assert_uint_gt(p.scan_nanoseconds, 0);

	/* Counts add up over scans. */
	ck_assert_int_eq(ps_scanner_scan(whole, text, sizeof text - 1, &none), PS_OK);
	ck_assert_int_eq(ps_scanner_profile(&p, whole), PS_OK);
	ck_assert_uint_eq(p.signals[pulled].tried, 4);
	ck_assert_uint_eq(p.signals[released].matched, 4);

	/* Twice, in two pieces cut where a sentence starts: the second piece's
	 * context sentences are the gate's, not tried again. */
	size_t cut = ps_segment_last_cut(text, sizeof text - 1 - 20);
	ck_assert_int_eq(strncmp(text + cut, "Hamas said", 10), 0);
	ck_assert_uint_gt(cut, 0);
	for (int round = 0; round < 2; round++) {
		ck_assert_int_eq(ps_scanner_scan(pieces, text, cut, &none), PS_OK);
		ps_scan_origin origin = { .offset = 0, .line = 1, .column = 1, .report_from = cut };
		ck_assert_int_eq(ps_scanner_begin_at(pieces, &none, &origin), PS_OK);
		ck_assert_int_eq(ps_scanner_feed_last(pieces, text, sizeof text - 1), PS_OK);
	}
	ck_assert_int_eq(ps_scanner_profile(&q, pieces), PS_OK);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(q.signals[i].tried, p.signals[i].tried);
		ck_assert_uint_eq(q.signals[i].matched, p.signals[i].matched);
	}
	ps_scanner_free(plain);
	ps_scanner_free(whole);
	ps_scanner_free(pieces);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* Bytes written where ps_scanner_space() says and committed are scanned as
 * the same bytes fed, the last ones committed and ended in one call too
 * (ps_scanner_commit_last); a commit without a place, or past its room,
 * is refused. */
START_TEST(bytes_read_into_the_scanner_are_scanned_as_fed)
{
	static char text[40000], whole[65536], spaced[65536];
	size_t len = 0;
	for (int i = 0; len < sizeof text - 200; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s", i % 3 ? "Israeli troops withdrew. " :
		                        i % 5 ? "Hamas released two hostages on Monday.\n" : "Markets were calm. ");
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	char *at = NULL;
	size_t room = 0;
	ck_assert_int_eq(ps_scanner_space(&at, &room, scanner), PS_ERR_INVALID);
	whole[0] = '\0';
	ps_scan_callbacks cw = { record_key, NULL, whole }, cs = { record_key, NULL, spaced };
	ck_assert_int_eq(ps_scanner_scan(scanner, text, len, &cw), PS_OK);
	ck_assert_uint_gt(strlen(whole), 1000);
	uint64_t sentences = ps_scanner_stats(scanner)->sentences;
	for (size_t piece = 1; piece < 70000; piece = piece * 5 + 3) {
		/* Ended by commit_last too, but for pieces of a byte (40,000
		 * commits: the suite's time under valgrind). */
		for (int last = 0; last < (piece > 1 ? 2 : 1); last++) {
			spaced[0] = '\0';
			ck_assert_int_eq(ps_scanner_begin(scanner, &cs), PS_OK);
			ck_assert_int_eq(ps_scanner_commit(scanner, 0), PS_ERR_INVALID);
			ck_assert_int_eq(ps_scanner_commit_last(scanner, 0), PS_ERR_INVALID);
			bool ended = false;
			for (size_t i = 0; i < len;) {
				ck_assert_int_eq(ps_scanner_space(&at, &room, scanner), PS_OK);
				ck_assert_uint_gt(room, 0);
				size_t n = len - i < piece ? len - i : piece;
				n = n < room ? n : room;
				memcpy(at, text + i, n);
				ck_assert_int_eq(ps_scanner_commit(scanner, room + 1), PS_ERR_INVALID);
				ck_assert_int_eq(ps_scanner_commit_last(scanner, room + 1), PS_ERR_INVALID);
				if (last && i + n == len) {
					ck_assert_int_eq(ps_scanner_commit_last(scanner, n), PS_OK);
					ended = true;
				} else {
					ck_assert_int_eq(ps_scanner_commit(scanner, n), PS_OK);
				}
				/* The place is used up. */
				ck_assert_int_eq(ps_scanner_commit(scanner, 0), PS_ERR_INVALID);
				i += n;
			}
			/* commit_last ended the document; end() after it is refused. */
			ck_assert_int_eq(ps_scanner_end(scanner), ended ? PS_ERR_INVALID : PS_OK);
			ck_assert_uint_eq(ended, last);
			ck_assert_str_eq(spaced, whole);
			ck_assert_uint_eq(ps_scanner_stats(scanner)->bytes, len);
			ck_assert_uint_eq(ps_scanner_stats(scanner)->sentences, sentences);
		}
	}
	/* A feed withdraws the place. */
	ck_assert_int_eq(ps_scanner_begin(scanner, NULL), PS_OK);
	ck_assert_int_eq(ps_scanner_space(&at, &room, scanner), PS_OK);
	ck_assert_int_eq(ps_scanner_feed(scanner, "Calm.", 5), PS_OK);
	ck_assert_int_eq(ps_scanner_commit(scanner, 1), PS_ERR_INVALID);
	ck_assert_int_eq(ps_scanner_end(scanner), PS_OK);
	ps_scanner_free(scanner);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* ps_scanner_feed_last() after bytes are held back scans them with the
 * last ones, as feed and end would; with none held, it reads the bytes in
 * place. Either way the document is ended, and the scanner says so. */
START_TEST(the_last_bytes_end_the_document)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	const char *text = short_news;
	size_t len = strlen(text);
	seen whole;
	scan_with(&whole, rules, text, len);
	ck_assert_uint_eq(whole.count, 3);
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	ck_assert_int_eq(ps_scanner_feed_last(scanner, text, len), PS_ERR_INVALID); /* not begun */
	for (size_t cut = 0; cut <= len; cut += 7) {
		ck_assert_int_eq(ps_scanner_begin(scanner, NULL), PS_OK);
		ck_assert_int_eq(ps_scanner_feed(scanner, text, cut), PS_OK);
		ck_assert_int_eq(ps_scanner_feed_last(scanner, text + cut, len - cut), PS_OK);
		const ps_scan_stats *st = ps_scanner_stats(scanner);
		ck_assert_uint_eq(st->findings, whole.stats.findings);
		ck_assert_uint_eq(st->sentences, whole.stats.sentences);
		ck_assert_uint_eq(st->in_setting, whole.stats.in_setting);
		ck_assert_uint_eq(st->bytes, len);
		ck_assert_int_eq(ps_scanner_feed(scanner, "More.", 5), PS_ERR_INVALID);
		ck_assert_int_eq(ps_scanner_end(scanner), PS_ERR_INVALID);
	}
	ck_assert_int_eq(ps_scanner_begin(scanner, NULL), PS_OK);
	ck_assert_int_eq(ps_scanner_feed_last(scanner, NULL, 1), PS_ERR_INVALID);
	ps_scanner_free(scanner);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* A writer that hands its text to a pipe a few bytes at a time. */
typedef struct slow_writer {
	int fd;
	const char *text;
	size_t len;
} slow_writer;

static void *write_slowly(void *arg)
{
	slow_writer *w = arg;
	const struct timespec pause = { 0, 2 * 1000 * 1000 };
	for (size_t at = 0; at < w->len; at += 9) {
		size_t n = w->len - at < 9 ? w->len - at : 9;
		ck_assert_int_eq(write(w->fd, w->text + at, n), (ssize_t)n);
		nanosleep(&pause, NULL);
	}
	close(w->fd);
	return NULL;
}

/* A pipe whose writer set it non-blocking (a wrapper in Node.js or Python
 * may): reading it finds nothing yet (EAGAIN) between the writer's
 * pieces, which is waited out, not an error. */
START_TEST(a_non_blocking_pipe_is_read_to_its_end)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	seen whole;
	scan_with(&whole, rules, short_news, strlen(short_news));
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_ne(fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK), -1);
	slow_writer w = { fds[1], short_news, strlen(short_news) };
	pthread_t writer;
	ck_assert_int_eq(pthread_create(&writer, NULL, write_slowly, &w), 0);
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	ck_assert_int_eq(ps_scanner_scan_fd(scanner, fds[0], NULL), PS_OK);
	pthread_join(writer, NULL);
	const ps_scan_stats *st = ps_scanner_stats(scanner);
	ck_assert_uint_eq(st->bytes, strlen(short_news));
	ck_assert_uint_eq(st->findings, whole.stats.findings);
	ck_assert_uint_eq(st->sentences, whole.stats.sentences);
	close(fds[0]);
	ps_scanner_free(scanner);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* A regular file is read on after a short read and scanned in one final
 * pass at its end (a long one in chunks before that): the same findings,
 * positions and counts as its text scanned whole, empty, short, ending
 * mid-sentence, or three chunks long. */
START_TEST(a_regular_file_scans_as_its_text)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	size_t unit = strlen(short_news), long_len = 200 * 1024 / unit * unit;
	char *text = malloc(long_len);
	ck_assert_ptr_nonnull(text);
	for (size_t at = 0; at < long_len; at += unit)
		memcpy(text + at, short_news, unit);
	const size_t lens[] = { 0, unit, unit - 6, long_len };
	for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
		char path[] = "/tmp/pactscan-test-XXXXXX";
		int fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		unlink(path);
		ck_assert_int_eq(write(fd, text, lens[k]), (ssize_t)lens[k]);
		ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
		seen *got = malloc(sizeof(*got)), *want = malloc(sizeof(*want));
		ck_assert(got && want);
		scan_fd_with(got, rules, fd);
		scan_with(want, rules, text, lens[k]);
		ck_assert_int_eq(got->status, PS_OK);
		ck_assert_uint_eq(got->stats.bytes, lens[k]);
		ck_assert_uint_eq(got->stats.sentences, want->stats.sentences);
		ck_assert_uint_eq(got->stats.in_setting, want->stats.in_setting);
		ck_assert_uint_eq(got->stats.findings, want->stats.findings);
		ck_assert_uint_eq(got->count, want->count);
		size_t kept = got->count < 32 ? got->count : 32;
		ck_assert_msg(!memcmp(got->items, want->items, kept * sizeof(got->items[0])),
		              "the findings differ at length %zu", lens[k]);
		if (lens[k] == long_len)
			ck_assert_uint_gt(got->stats.findings, 32);
		free(got);
		free(want);
		close(fd);
	}
	free(text);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* U+017F (long s) folds to 's' in caseless matching, so "refuſed to" is a
 * negation and "Hamas ſaid" an attribution. The prefilter's automaton does
 * not see those words; a sentence with such a character must still have its
 * cues looked for, however the cue lists are narrowed. */
START_TEST(cues_spelled_with_folding_characters_count)
{
	assert_stance(test_pack, "Israeli troops refu\xC5\xBF" "ed to withdraw from the town.", "withdrawal", CONFLICT);
	ck_assert_int_eq(certainty_of(test_pack, "Israeli troops withdrew from the town, Hamas \xC5\xBF" "aid.", "withdrawal"),
	                 PS_CERTAINTY_ATTRIBUTED);
	/* And written plainly, the same. */
	assert_stance(test_pack, "Israeli troops refused to withdraw from the town.", "withdrawal", CONFLICT);
	ck_assert_int_eq(certainty_of(test_pack, "Israeli troops withdrew from the town, Hamas said.", "withdrawal"),
	                 PS_CERTAINTY_ATTRIBUTED);
}
END_TEST

/* The shipped pack's setting gate is the one that lets most news skip the
 * full pass: its automaton is large (built as a table of state numbers),
 * and a check for a table of one kind once turned the gate off, so that
 * every sentence ran the full pass; the findings were the same, the scan
 * at 3% about the setting twice as slow. Out of the setting and past its
 * context (three sentences in the pack), no sentence runs a pass. */
START_TEST(the_shipped_pack_passes_over_only_what_may_be_in_the_setting)
{
	static const char *const elsewhere[] = {
		"Stocks in Tokyo rose as exporters gained.", "Rain is expected over Lisbon on Sunday.",
		"The central bank held its rate at four percent.", "A court in Ohio heard the case on Tuesday.",
		"Fans filled the stadium before the final.",
	};
	static char text[8192];
	size_t len = (size_t)snprintf(text, sizeof text, "%s\n",
	                              "Israeli troops withdrew from parts of Gaza City on Friday, the army said.");
	for (int i = 0; i < 40; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s\n", elsewhere[i % 5]);
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	limits.flags |= PS_SCAN_PROFILE;
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	ps_scan_callbacks none = { 0 };
	ck_assert_int_eq(ps_scanner_scan(scanner, text, len, &none), PS_OK);
	ck_assert_uint_eq(ps_scanner_stats(scanner)->sentences, 41);
	/* The sentence and the three of its context. */
	ck_assert_uint_eq(ps_scanner_stats(scanner)->in_setting, 1 + 3);
	ps_scan_profile p;
	ck_assert_int_eq(ps_scanner_profile(&p, scanner), PS_OK);
	ck_assert_uint_ge(p.full_passes, 1);
	ck_assert_uint_le(p.full_passes + p.gate_passes, 2 * (1 + 3));
	ps_scanner_free(scanner);
	ps_ruleset_free(rules);
}
END_TEST

/* The shortcut for sentences far from the setting must decide exactly as
 * the plain path: context across the skipped sentences, line ends of every
 * kind, and characters that caseless matching folds to ASCII letters. */
START_TEST(the_gate_shortcut_agrees_with_the_plain_path)
{
	static const char *const lines[] = {
		"Rain fell over the hills.", "Talks on Gaza resumed in Cairo.", "Israeli troops withdrew from the town.",
		"The hostages were released on Monday.", "Markets were calm.", "Wind blew.",
		"The bodies were handed over at noon.", "Ukraine said the hostages were released.",
		"I\xC5\xBFraeli troops withdrew from the camp.", "The hostages were freed.\r\n",
		"Trains ran late.\r", "Israel\xE2\x84\xAA troops withdrew.",
		/* A setting word at the very end of a sentence, and at its start. */
		"Aid trucks waited outside Gaza", "Gaza aid trucks waited.",
	};
	static char text[30000], fast[65536], plain[65536];
	size_t len = 0;
	for (int i = 0; len < sizeof text - 200; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", lines[(i * 5) % 14],
		                        i % 7 == 6 ? "\n\n" : i % 4 == 3 ? "\n" : " ");
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	ps_scanner *a = NULL, *b = NULL;
	ps_scan_limits la = test_limits(), lb = test_limits();
	lb.flags |= PS_SCAN_NO_PREFILTER;
	ck_assert_int_eq(ps_scanner_new(&a, rules, &la), PS_OK);
	ck_assert_int_eq(ps_scanner_new(&b, rules, &lb), PS_OK);
	fast[0] = plain[0] = '\0';
	ps_scan_callbacks ca = { record_key, NULL, fast }, cb = { record_key, NULL, plain };
	ck_assert_int_eq(ps_scanner_scan(a, text, len, &ca), PS_OK);
	ck_assert_int_eq(ps_scanner_scan(b, text, len, &cb), PS_OK);
	ck_assert_uint_gt(strlen(fast), 1000);
	ck_assert_str_eq(fast, plain);
	ck_assert_uint_eq(ps_scanner_stats(a)->sentences, ps_scanner_stats(b)->sentences);
	ck_assert_uint_eq(ps_scanner_stats(a)->in_setting, ps_scanner_stats(b)->in_setting);
	ck_assert_uint_lt(ps_scanner_stats(a)->in_setting, ps_scanner_stats(a)->sentences);
	/* A text about the setting, where the full pass runs at once; the mix
	 * again; sentences that the context lets near the setting but another
	 * setting's words keep out, where the gate's own pass comes back; and
	 * the setting once more. */
	static char about[131072];
	size_t alen = 0;
	for (int i = 0; i < 600; i++)
		alen += (size_t)snprintf(about + alen, sizeof about - alen, "%s ", lines[i % 2 ? 2 : 3]);
	memcpy(about + alen, text, len);
	alen += len;
	for (int i = 0; i < 300; i++)
		alen += (size_t)snprintf(about + alen, sizeof about - alen, "%s %s Ukraine's troops withdrew. ", lines[1],
		                         lines[7]);
	for (int i = 0; i < 300; i++)
		alen += (size_t)snprintf(about + alen, sizeof about - alen, "%s ", lines[i % 2 ? 2 : 3]);
	/* Far from the setting, where the gate decides: its word at a
	 * sentence's very end, and at its start. */
	for (int i = 0; i < 200; i++)
		alen += (size_t)snprintf(about + alen, sizeof about - alen, "%s %s %s\n\n%s %s ", lines[0], lines[4], lines[12],
		                         lines[5], i % 2 ? lines[13] : lines[10]);
	assert_same_as_plain(a, b, about, alen, 1000);
	ps_scanner_free(a);
	ps_scanner_free(b);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* The gate's two half-walks must see a setting word wherever it falls,
 * across the middle of a long sentence included. */
START_TEST(a_setting_word_is_seen_anywhere_in_a_long_sentence)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	for (size_t len = 60; len < 160; len += 7)
		for (size_t at = 0; at + 6 < len; at++) {
			char text[200];
			memset(text, 'x', len);
			for (size_t k = 5; k < len; k += 6)
				text[k] = ' ';
			memcpy(text + at, " Gaza ", 6);
			text[len] = '.';
			ck_assert_int_eq(ps_scanner_scan(scanner, text, len + 1, NULL), PS_OK);
			ck_assert_msg(ps_scanner_stats(scanner)->in_setting == 1, "Gaza at %zu of %zu bytes was missed", at,
			              len);
		}
	ps_scanner_free(scanner);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST


/* A document that opens with more space than the scanner's buffer holds
 * is scanned, not fed forever; its sentence keeps its line and column. */
START_TEST(a_flood_of_space_before_the_text_ends)
{
	static char text[200000];
	size_t spaces = 150000, len;
	memset(text, ' ', spaces);
	text[spaces - 1] = '\n';
	len = spaces + (size_t)snprintf(text + spaces, sizeof text - spaces, "Talks on Gaza resumed. The hostages were released.");
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	seen s;
	scan_with(&s, rules, text, len);
	ck_assert_int_eq(s.status, PS_OK);
	ck_assert_uint_eq(s.stats.sentences, 2);
	ck_assert_uint_eq(s.count, 1);
	ck_assert_uint_eq(s.items[0].line, 2);
	ck_assert_uint_eq(s.items[0].column, 24);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

typedef struct worker {
	const ps_ruleset *rules;
	size_t findings;
} worker;

static void *scan_many(void *arg)
{
	worker *w = arg;
	const char *text = "Talks on Gaza resumed. Israeli troops withdrew from Rafah. Hamas delayed the bodies.";
	for (int i = 0; i < 200; i++) {
		seen s;
		scan_with(&s, w->rules, text, strlen(text));
		w->findings += s.count;
	}
	return NULL;
}

/* Each verb of the shipped pack's attribution cue makes a finding
 * attributed, and the words before it its source. The cue's verbs are
 * grouped by first letter behind a lookahead: one left out would be lost. */
START_TEST(every_attribution_verb_of_the_shipped_pack)
{
	static const char *const verbs[] = {
		"said", "says", "say", "told", "tells", "claimed", "claims", "accused", "accuses", "alleged", "alleges",
		"announced", "announces", "stated", "insisted", "insists", "reported", "confirmed", "confirms", "warned",
		"warns", "added", "argued", "acknowledged", "noted", "clarified", "stressed", "emphasised", "emphasized",
		"wrote", "SAID", "Confirmed",
	};
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++) {
		char text[200];
		int n = snprintf(text, sizeof text, "Hamas released two hostages on Monday, Red Cross officials %s.", verbs[i]);
		seen s;
		scan_with(&s, rules, text, (size_t)n);
		ck_assert_msg(s.count >= 1, "no finding with \"%s\"", verbs[i]);
		ck_assert_msg(s.items[0].certainty == PS_CERTAINTY_ATTRIBUTED, "\"%s\" did not attribute", verbs[i]);
		ck_assert_str_eq(s.items[0].source, "Red Cross officials");
	}
	/* "say in" is no attribution: "a say in the talks". */
	const char *text = "Hamas released two hostages on Monday, and the families will have a say in the talks.";
	seen s;
	scan_with(&s, rules, text, strlen(text));
	ck_assert_uint_ge(s.count, 1);
	ck_assert_int_eq(s.items[0].certainty, PS_CERTAINTY_ASSERTED);
	ps_ruleset_free(rules);
}
END_TEST

START_TEST(one_ruleset_serves_many_threads)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	worker w[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (worker){ .rules = rules };
		ck_assert_int_eq(pthread_create(&t[i], NULL, scan_many, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_uint_eq(w[i].findings, 400);
	}
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* Everything a finding says, its positions and cues included: a line each. */
static int record_all(const ps_finding *f, void *userdata)
{
	char *out = userdata;
	size_t cap = 131072, used = strlen(out);
	if (used > cap - 2048)
		return 0;
	used += (size_t)snprintf(out + used, cap - used, "%llu:%llu(%llu)@%llu-%llu %s/%s %d %d ev",
	                         (unsigned long long)f->line, (unsigned long long)f->column,
	                         (unsigned long long)f->char_column, (unsigned long long)f->sentence_span.start,
	                         (unsigned long long)f->sentence_span.end, ps_clause_id(f->clause), f->signal,
	                         (int)f->stance, (int)f->certainty);
	for (size_t i = 0; i < f->evidence_count; i++)
		used += (size_t)snprintf(out + used, cap - used, " %llu-%llu", (unsigned long long)f->evidence[i].start,
		                         (unsigned long long)f->evidence[i].end);
	for (size_t i = 0; i < f->cue_count; i++)
		used += (size_t)snprintf(out + used, cap - used, " cue%d %llu-%llu %.*s", (int)f->cues[i].kind,
		                         (unsigned long long)f->cues[i].span.start,
		                         (unsigned long long)f->cues[i].span.end, (int)f->cues[i].text_len,
		                         f->cues[i].text);
	if (f->source)
		used += (size_t)snprintf(out + used, cap - used, " source %.*s", (int)f->source_len, f->source);
	snprintf(out + used, cap - used, "\n");
	return 0;
}

/* The corpus's sentences (front matter and all), as a text to scan. */
typedef struct text_buf {
	char *t;
	size_t len, cap;
} text_buf;

static void append_sentence(const char *s, size_t n, void *userdata)
{
	text_buf *b = userdata;
	if (b->len + n + 2 > b->cap) {
		b->cap = (b->len + n + 2) * 2;
		b->t = realloc(b->t, b->cap);
		ck_assert_ptr_nonnull(b->t);
	}
	/* One line each, a paragraph each (one line break does not end a
	 * sentence), so that no finding's text holds a line break and
	 * record_all's lines are the findings. */
	for (size_t i = 0; i < n; i++)
		b->t[b->len++] = s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
	b->t[b->len++] = '\n';
	b->t[b->len++] = '\n';
}

/* The lines of record_all's out whose clause is id, into want. */
static size_t lines_of_clause(const char *out, const char *id, char *want, size_t cap)
{
	char key[80];
	size_t n = 0, used = 0;
	snprintf(key, sizeof key, " %s/", id);
	want[0] = '\0';
	for (const char *line = out; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = (size_t)(end - line) + 1;
		const char *at = strstr(line, key);
		if (at && at < end) {
			ck_assert_uint_lt(used + len, cap);
			memcpy(want + used, line, len);
			want[used += len] = '\0';
			n++;
		}
		line = end + 1;
	}
	return n;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A scan for one clause gives it exactly the findings a scan for every
 * clause gives it (all of their fields), on the fast path and the plain
 * one, and tries no signal of another clause; selecting none is all again. */
START_TEST(a_scan_for_one_clause_gives_it_what_a_scan_for_all_does)
{
	enum { CAP = 131072 };
	static char all[CAP], one[CAP], want[CAP], again[CAP];
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	text_buf tb = { NULL, 0, 0 };
	ck_assert_uint_gt(each_sentence_in(PS_SOURCE_ROOT "/corpus", append_sentence, &tb), 400);
	size_t n_signals = ps_ruleset_signal_count(rules), n_clauses = ps_ruleset_clause_count(rules);
	uint64_t *before = calloc(n_signals, sizeof(*before));
	ck_assert_ptr_nonnull(before);
	/* Without the JIT (under valgrind) the plain path over the corpus
	 * takes minutes: the fast path alone, and every fourth clause. */
	const char *no_jit = getenv("PACTSCAN_TEST_NO_JIT");
	bool slow = no_jit && *no_jit;
	size_t step = slow ? 4 : 1;
	for (int plain = 0; plain < (slow ? 1 : 2); plain++) {
		ps_scan_limits l = test_limits();
		l.flags |= PS_SCAN_PROFILE | (plain ? PS_SCAN_NO_PREFILTER : 0u);
		ps_scanner *s = NULL;
		ck_assert_int_eq(ps_scanner_new(&s, rules, &l), PS_OK);
		all[0] = '\0';
		ps_scan_callbacks cb = { record_all, NULL, all };
		ck_assert_int_eq(ps_scanner_scan(s, tb.t, tb.len, &cb), PS_OK);
		ck_assert_uint_lt(strlen(all), CAP - 4096); /* nothing cut off */
		size_t total = count_lines(all), sum = 0;
		ck_assert_uint_gt(total, 250);
		for (size_t ci = 0; ci < n_clauses; ci += step) {
			const ps_clause *c = ps_ruleset_clause(rules, ci);
			ps_scan_profile p;
			ck_assert_int_eq(ps_scanner_profile(&p, s), PS_OK);
			for (size_t i = 0; i < n_signals; i++)
				before[i] = p.signals[i].tried;
			ck_assert_int_eq(ps_scanner_select(s, &c, 1), PS_OK);
			one[0] = '\0';
			cb.userdata = one;
			ck_assert_int_eq(ps_scanner_scan(s, tb.t, tb.len, &cb), PS_OK);
			size_t n = lines_of_clause(all, ps_clause_id(c), want, CAP);
			ck_assert_str_eq(one, want);
			sum += n;
			/* Only this clause's signals were tried. */
			ck_assert_int_eq(ps_scanner_profile(&p, s), PS_OK);
			for (size_t i = 0; i < n_signals; i++) {
				ps_signal_info info;
				ck_assert_int_eq(ps_ruleset_signal(&info, rules, i), PS_OK);
				if (info.clause != c)
					ck_assert_uint_eq(p.signals[i].tried, before[i]);
			}
		}
		if (step == 1)
			ck_assert_uint_eq(sum, total);
		ck_assert_int_eq(ps_scanner_select(s, NULL, 0), PS_OK);
		again[0] = '\0';
		cb.userdata = again;
		ck_assert_int_eq(ps_scanner_scan(s, tb.t, tb.len, &cb), PS_OK);
		ck_assert_str_eq(again, all);
		ps_scanner_free(s);
	}
	free(before);
	free(tb.t);
	ps_ruleset_free(rules);
}
END_TEST

/* A selection is refused, and the one before kept, for a clause of another
 * pack, for clauses without their list, and during a document. */
START_TEST(a_selection_is_refused_where_it_cannot_hold)
{
	ps_diags *diags = NULL, *other_diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags), *other = load_yaml(test_pack, &other_diags);
	ck_assert_ptr_nonnull(rules);
	ck_assert_ptr_nonnull(other);
	ps_scanner *s = NULL;
	ck_assert_int_eq(ps_scanner_new(&s, rules, NULL), PS_OK);
	const ps_clause *hostages = ps_ruleset_find_clause(rules, "hostages");
	const ps_clause *theirs = ps_ruleset_find_clause(other, "hostages");
	ck_assert_ptr_nonnull(hostages);
	ck_assert_int_eq(ps_scanner_select(s, &hostages, 1), PS_OK);
	ck_assert_int_eq(ps_scanner_select(s, &theirs, 1), PS_ERR_INVALID);
	ck_assert_int_eq(ps_scanner_select(s, NULL, 1), PS_ERR_INVALID);
	ck_assert_int_eq(ps_scanner_select(NULL, &hostages, 1), PS_ERR_INVALID);
	/* Still the hostages alone. */
	static const char text[] = "Israeli troops withdrew from Gaza City. Hamas released the hostages in Gaza.\n";
	static char out[131072]; /* record_all's room */
	out[0] = '\0';
	ps_scan_callbacks cb = { record_all, NULL, out };
	ck_assert_int_eq(ps_scanner_begin(s, &cb), PS_OK);
	ck_assert_int_eq(ps_scanner_select(s, NULL, 0), PS_ERR_INVALID);
	ck_assert_int_eq(ps_scanner_feed(s, text, sizeof text - 1), PS_OK);
	ck_assert_int_eq(ps_scanner_end(s), PS_OK);
	ck_assert_uint_eq(count_lines(out), 1);
	ck_assert_ptr_nonnull(strstr(out, " hostages/"));
	ps_scanner_free(s);
	ps_ruleset_free(rules);
	ps_ruleset_free(other);
	ps_diags_free(diags);
	ps_diags_free(other_diags);
}
END_TEST

/* Scan text twice (two documents) with the repeat cache and without it,
 * each scanner kept for both: what each found, and the cached scanner's
 * repeats in each document. */
static void scan_cached_and_not(const char *yaml, const char *text, size_t len, char *cached, char *searched,
                                uint64_t repeats[2])
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	ps_scanner *a = NULL, *b = NULL;
	ps_scan_limits la = test_limits(), lb = test_limits();
	lb.flags |= PS_SCAN_NO_REPEAT_CACHE;
	ck_assert_int_eq(ps_scanner_new(&a, rules, &la), PS_OK);
	ck_assert_int_eq(ps_scanner_new(&b, rules, &lb), PS_OK);
	cached[0] = searched[0] = '\0';
	ps_scan_callbacks ca = { record_all, NULL, cached }, cb = { record_all, NULL, searched };
	for (int doc = 0; doc < 2; doc++) {
		ck_assert_int_eq(ps_scanner_scan(a, text, len, &ca), PS_OK);
		ck_assert_int_eq(ps_scanner_scan(b, text, len, &cb), PS_OK);
		repeats[doc] = ps_scanner_stats(a)->repeats;
		ck_assert_uint_eq(ps_scanner_stats(b)->repeats, 0);
		ck_assert_uint_eq(ps_scanner_stats(a)->sentences, ps_scanner_stats(b)->sentences);
		ck_assert_uint_eq(ps_scanner_stats(a)->in_setting, ps_scanner_stats(b)->in_setting);
		ck_assert_uint_eq(ps_scanner_stats(a)->findings, ps_scanner_stats(b)->findings);
	}
	ps_scanner_free(a);
	ps_scanner_free(b);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}

/* A sentence met again is answered from the cache with its own place:
 * lines, columns in bytes and characters, evidence, cues and source, in
 * the document and in a later one. */
START_TEST(a_repeated_sentence_gives_what_its_search_gives)
{
	static const char *const lines[] = {
		"According to health officials, Israeli troops did not withdraw from Gaza City.",
		"Witnesses said Israeli troops might withdraw soon.",
		"Hamas delayed the return of the bodies.",
		"The hostages were released on Monday.",
		"In Ukraine the hostages were released.",
		"Rain fell over the hills.",
		"Caf\xC3\xA9s in Gaza reopened.",
		"Israeli troops withdrew, and Hamas freed the hostages.",
		"Markets were calm.",
	};
	static char text[24000], cached[131072], searched[131072];
	size_t len = 0;
	for (int i = 0; len < sizeof text - 200; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", lines[(i * 7) % 9],
		                        i % 5 == 4 ? "\n\n" : i % 3 == 2 ? "\n" : " ");
	uint64_t repeats[2];
	scan_cached_and_not(test_pack, text, len, cached, searched, repeats);
	ck_assert_uint_gt(strlen(cached), 10000);
	ck_assert_str_eq(cached, searched);
	ck_assert_ptr_nonnull(strstr(cached, " source health officials"));
	ck_assert_ptr_nonnull(strstr(cached, " might"));
	/* Nearly every sentence that may be in the setting, in the first
	 * document past its first few; all of them in the second. */
	ck_assert_uint_gt(repeats[0], 100);
	ck_assert_uint_gt(repeats[1], repeats[0]);
}
END_TEST

/* Whether a repeat is in the setting is decided by its own context: a
 * sentence that only its context lets in is answered with findings there
 * and with none far from the setting, and one that another setting's
 * words keep out stays out, as the search decides. */
START_TEST(a_repeat_is_in_the_setting_by_its_own_context)
{
	/* "Gazans" holds the gate's word but not the setting's term. */
	const char *yaml =
		"pactscan: 1\n"
		"setting:\n"
		"  any: ['\\bGaza\\b']\n"
		"  none: [Ukrain\\w*]\n"
		"  context: 1\n"
		"---\n"
		"pactscan: 1\n"
		"clause: {id: hostages, point: 4, title: t, summary: s}\n"
		"signals:\n"
		"  - {id: released, stance: support, act: released, all: [hostages]}\n";
	const char *near = "Talks on Gaza resumed. ";
	const char *far = "Rain fell. Rain fell. ";
	const char *s = "Gazans said the hostages were released. ";
	const char *u = "Gazans in Ukraine said the hostages were released. ";
	static char text[4096], cached[131072], searched[131072];
	size_t len = 0;
	/* s: near (a finding), far (none), near again (one); u: far, near,
	 * near (none: Ukraine keeps it out). */
	const char *parts[] = { near, s, far, s, near, s, far, u, near, u, near, u, far, s };
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s", parts[i]);
	uint64_t repeats[2];
	scan_cached_and_not(yaml, text, len, cached, searched, repeats);
	ck_assert_str_eq(cached, searched);
	/* Two findings a document, at s's first and third places. */
	size_t n = 0;
	for (const char *p = cached; (p = strchr(p, '\n')); p++)
		n++;
	ck_assert_uint_eq(n, 4);
	char at[32];
	snprintf(at, sizeof at, "@%zu-", strlen(near));
	ck_assert_ptr_nonnull(strstr(cached, at));
	snprintf(at, sizeof at, "@%zu-", 2 * strlen(near) + 2 * strlen(s) + strlen(far));
	ck_assert_ptr_nonnull(strstr(cached, at));
	/* A sentence is kept when met the second time. In the first
	 * document: the setting's sentence twice, u once (its second place
	 * asked what its first did not), s once (at its last place: at its
	 * third, its entry from the far place did not say whether another
	 * setting's words were there). In the second, all eleven that may be
	 * in the setting; the four far ones ("Rain fell.") never reach it. */
	ck_assert_uint_eq(repeats[0], 4);
	ck_assert_uint_eq(repeats[1], 11);
}
END_TEST

static int stop_at_first(const ps_finding *f, void *userdata)
{
	(void)f;
	++*(int *)userdata;
	return 1;
}

/* A sentence whose scan a caller stopped part way is not kept with the
 * findings delivered so far: met again, it gives them all. */
START_TEST(a_stopped_sentence_is_not_kept)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	const char *two = "Israeli troops withdrew, and Hamas freed the hostages.";
	int calls = 0;
	/* Met once (a sentence is kept when met again), then stopped. */
	ck_assert_int_eq(ps_scanner_scan(scanner, two, strlen(two), NULL), PS_OK);
	ps_scan_callbacks stop = { stop_at_first, NULL, &calls };
	ck_assert_int_eq(ps_scanner_scan(scanner, two, strlen(two), &stop), PS_ERR_STOPPED);
	ck_assert_int_eq(calls, 1);
	ck_assert_uint_eq(ps_scanner_stats(scanner)->repeats, 0);
	/* Searched in full again, and kept; then answered from the cache. */
	for (int i = 0; i < 2; i++) {
		static char out[131072];
		out[0] = '\0';
		ps_scan_callbacks all = { record_all, NULL, out };
		ck_assert_int_eq(ps_scanner_scan(scanner, two, strlen(two), &all), PS_OK);
		ck_assert_ptr_nonnull(strstr(out, "withdrawal/pulled-back"));
		ck_assert_ptr_nonnull(strstr(out, "hostages/released"));
		ck_assert_uint_eq(ps_scanner_stats(scanner)->findings, 2);
		ck_assert_uint_eq(ps_scanner_stats(scanner)->repeats, (uint64_t)i);
	}
	ps_scanner_free(scanner);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* Where nothing repeats, the cache is looked up for one sentence in a
 * few; once a sentence met before comes back, for every one again. */
START_TEST(the_cache_rests_where_nothing_repeats)
{
	static char text[200000], cached[131072], searched[131072];
	size_t len = 0;
	for (int i = 0; i < 2000; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "Israeli troops withdrew from post %d. ", i);
	for (int i = 0; i < 400; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "Hamas freed the hostages. ");
	uint64_t repeats[2];
	scan_cached_and_not(test_pack, text, len, cached, searched, repeats);
	ck_assert_str_eq(cached, searched);
	/* The unique sentences turn the lookups down to one in 16 (the 2000
	 * of them end on one looked up). Of the 400 copies, the 16th is noted
	 * as met, the 32nd is found noted, which turns every lookup back on,
	 * and is kept; the 33rd on are answered: 368. Never resting, 398
	 * would be; never looking again, about 400 / 16. */
	ck_assert_uint_eq(repeats[0], 368);
}
END_TEST

/* A pack with no setting: every sentence is in it, and a repeat is
 * answered with its findings, whatever came before it. */
START_TEST(a_pack_without_a_setting_answers_repeats_too)
{
	const char *yaml =
		"pactscan: 1\n"
		"cues:\n"
		"  negation: {before: [not], scope: 4}\n"
		"  attribution: {terms: ['(?<source>\\w+)\\s+said']}\n"
		"---\n"
		"pactscan: 1\n"
		"clause: {id: hostages, point: 4, title: t, summary: s}\n"
		"signals:\n"
		"  - {id: released, stance: support, act: 'released|freed', all: ['hostages?']}\n";
	static const char *const lines[] = {
		"Officials said the hostages were released.", "The hostages were not freed.", "Rain fell.",
	};
	static char text[8000], cached[131072], searched[131072];
	size_t len = 0;
	uint64_t n = 0;
	for (; len < sizeof text - 100; n++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", lines[(n * 5) % 3], n % 4 ? " " : "\n");
	uint64_t repeats[2];
	scan_cached_and_not(yaml, text, len, cached, searched, repeats);
	ck_assert_str_eq(cached, searched);
	ck_assert_ptr_nonnull(strstr(cached, " source Officials"));
	/* Every sentence but the first two meetings of each of the three,
	 * then every one. */
	ck_assert_uint_eq(repeats[0], n - 6);
	ck_assert_uint_eq(repeats[1], n);
}
END_TEST

/* Where most sentences are looked up, each one's hash is worked out while
 * the one before is scanned: it must be the hash of the sentence's own
 * bytes, whatever space comes before it, or a repeat after other space
 * would be missed. Thousands of sentences, so that the lookups ahead are
 * on for most; without a setting, every one is looked up. */
START_TEST(a_sentence_hashed_ahead_is_found_after_any_space)
{
	const char *yaml =
		"pactscan: 1\n"
		"clause: {id: hostages, point: 4, title: t, summary: s}\n"
		"signals:\n"
		"  - {id: released, stance: support, act: 'released|freed', all: ['hostages?']}\n";
	static const char *const lines[] = {
		"Officials said the hostages were released.", "The hostages were freed.", "Rain fell.",
	};
	static const char *const spaces[] = { " ", "\n", "  ", "\n\n", " \t", "\r\n" };
	static char text[120000], cached[262144], searched[262144];
	size_t len = 0;
	uint64_t n = 0;
	for (; len < sizeof text - 100; n++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", spaces[n % 6], lines[n % 3]);
	uint64_t repeats[2];
	scan_cached_and_not(yaml, text, len, cached, searched, repeats);
	ck_assert_str_eq(cached, searched);
	ck_assert_uint_gt(n, 3000);
	/* Every sentence but the first two meetings of each of the three. */
	ck_assert_uint_eq(repeats[0], n - 6);
	ck_assert_uint_eq(repeats[1], n);
}
END_TEST

/* Scan text with a repeat cache of the given memory (0: none) and return
 * how many sentences it answered; out gets the findings. */
static uint64_t scan_with_cache(const ps_ruleset *rules, const char *text, size_t len, size_t bytes, char *out)
{
	ps_scan_limits l = test_limits();
	if (bytes)
		l.repeat_cache_bytes = bytes;
	else
		l.flags |= PS_SCAN_NO_REPEAT_CACHE;
	ps_scanner *sc = NULL;
	ck_assert_int_eq(ps_scanner_new(&sc, rules, &l), PS_OK);
	out[0] = '\0';
	ps_scan_callbacks cb = { record_all, NULL, out };
	ck_assert_int_eq(ps_scanner_scan(sc, text, len, &cb), PS_OK);
	uint64_t answered = ps_scanner_stats(sc)->repeats;
	ps_scanner_free(sc);
	return answered;
}

/* The repeat cache takes the memory a caller gives it. 200 sentences met
 * in turn, four times: 5 MiB answers nearly all of the last two rounds;
 * 16 KiB (64 entries, an 8 KiB ring) none, since each is gone when it
 * comes back, but of 20 met in turn ten times, most of what 5 MiB does
 * (three in a set of two push one out); less than 16 KiB is no cache. The findings are the same every way. */
START_TEST(the_repeat_cache_keeps_to_its_budget)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(test_pack, &diags);
	static char many[60000], few[60000], plain[131072], out[131072];
	size_t n_many = 0, n_few = 0;
	for (int i = 0; i < 800; i++)
		n_many += (size_t)snprintf(many + n_many, sizeof many - n_many,
		                           "Hamas freed the hostages held in tunnel %d, officials said. ", i % 200);
	for (int i = 0; i < 200; i++)
		n_few += (size_t)snprintf(few + n_few, sizeof few - n_few,
		                          "Hamas freed the hostages held in tunnel %d, officials said. ", i % 20);
	ck_assert_uint_lt(n_many, sizeof many - 100);
	const size_t small = (size_t)16 << 10;
	scan_with_cache(rules, many, n_many, 0, plain);
	ck_assert_uint_gt(strlen(plain), 1000);
	uint64_t big_many = scan_with_cache(rules, many, n_many, PS_REPEAT_CACHE_DEFAULT, out);
	ck_assert_str_eq(out, plain);
	ck_assert_uint_ge(big_many, 390);
	ck_assert_uint_le(big_many, 400);
	ck_assert_uint_eq(scan_with_cache(rules, many, n_many, small, out), 0);
	ck_assert_str_eq(out, plain);
	ck_assert_uint_eq(scan_with_cache(rules, many, n_many, small - 1, out), 0);
	ck_assert_str_eq(out, plain);
	scan_with_cache(rules, few, n_few, 0, plain);
	uint64_t big_few = scan_with_cache(rules, few, n_few, PS_REPEAT_CACHE_DEFAULT, out);
	ck_assert_str_eq(out, plain);
	ck_assert_uint_ge(big_few, 150);
	uint64_t small_few = scan_with_cache(rules, few, n_few, small, out);
	ck_assert_uint_ge(small_few, 100);
	ck_assert_uint_le(small_few, big_few);
	ck_assert_str_eq(out, plain);
	ck_assert_uint_eq(scan_with_cache(rules, few, n_few, small - 1, out), 0);
	ck_assert_str_eq(out, plain);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scanner");
	TCase *tc = tcase_create("scanner");
	tcase_add_test(tc, stance_from_the_signal);
	tcase_add_test(tc, negation_flips_within_its_scope);
	tcase_add_test(tc, withdrawing_from_the_agreement_is_not_troop_withdrawal);
	tcase_add_test(tc, certainty);
	tcase_add_test(tc, cues_and_source_are_reported);
	tcase_add_test(tc, restatements_flag_nothing);
	tcase_add_test(tc, the_setting_gate);
	tcase_add_test(tc, lines_are_counted_right_across_many_line_ends);
	tcase_add_test(tc, within_limits_the_distance);
	tcase_add_test(tc, positions_in_bytes_lines_and_columns);
	tcase_add_test(tc, a_sentence_asking_many_texts_keeps_each_ones_matches);
	tcase_add_test(tc, streaming_matches_a_whole_scan);
	tcase_add_test(tc, utf16_and_invalid_utf8);
	tcase_add_test(tc, match_limit_is_reported_and_the_scan_goes_on);
	tcase_add_test(tc, whole_words_hold_for_each_alternative);
	tcase_add_test(tc, jit_stack_exhaustion_falls_back_and_is_reported);
	tcase_add_test(tc, a_document_has_a_budget_of_limit_hits);
	tcase_add_test(tc, a_budget_spent_out_of_the_setting_leaves_the_rest_unchecked);
	tcase_add_test(tc, empty_and_tiny_documents);
	tcase_add_test(tc, empty_matches_advance);
	tcase_add_test(tc, long_sentences_are_cut_not_lost);
	tcase_add_test(tc, a_cap_past_the_most_is_the_most);
	tcase_add_test(tc, one_ruleset_serves_many_threads);
	tcase_add_test(tc, every_attribution_verb_of_the_shipped_pack);
	tcase_add_test(tc, pieces_scanned_apart_find_what_one_scan_finds);
	tcase_add_test(tc, a_profile_counts_what_each_signal_tried_and_matched);
	tcase_add_test(tc, a_last_sentence_of_exactly_the_cap_is_whole_when_fed);
	tcase_add_test(tc, bytes_read_into_the_scanner_are_scanned_as_fed);
	tcase_add_test(tc, the_last_bytes_end_the_document);
	tcase_add_test(tc, a_non_blocking_pipe_is_read_to_its_end);
	tcase_add_test(tc, a_regular_file_scans_as_its_text);
	tcase_add_test(tc, cues_spelled_with_folding_characters_count);
	tcase_add_test(tc, the_gate_shortcut_agrees_with_the_plain_path);
	tcase_add_test(tc, a_repeated_sentence_gives_what_its_search_gives);
	tcase_add_test(tc, a_repeat_is_in_the_setting_by_its_own_context);
	tcase_add_test(tc, a_stopped_sentence_is_not_kept);
	tcase_add_test(tc, the_cache_rests_where_nothing_repeats);
	tcase_add_test(tc, a_pack_without_a_setting_answers_repeats_too);
	tcase_add_test(tc, a_sentence_hashed_ahead_is_found_after_any_space);
	tcase_add_test(tc, the_repeat_cache_keeps_to_its_budget);
	tcase_add_test(tc, a_scan_for_one_clause_gives_it_what_a_scan_for_all_does);
	tcase_add_test(tc, a_selection_is_refused_where_it_cannot_hold);
	tcase_add_test(tc, the_shipped_pack_passes_over_only_what_may_be_in_the_setting);
	tcase_add_test(tc, a_setting_word_is_seen_anywhere_in_a_long_sentence);
	tcase_add_test(tc, a_flood_of_space_before_the_text_ends);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
