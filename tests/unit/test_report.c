/* The report writers' helpers: put_utf8() and jbuf_utf8() write what
 * utf8_clean() makes of the bytes (with control characters spaced, or
 * quotes doubled, as the text and CSV writers ask), jbuf_html() and
 * jbuf_xml() what the html and JUnit writers' escapes wrote, and a SARIF
 * result's message and fingerprint what the printf formats they replaced
 * wrote. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "helpers.h"
#include "report.h"
#include "reporter.h"
#include "summary.h"

/* What put_utf8(s, flags) must write: utf8_clean's copy, then spaced or
 * doubled. */
static char *expected(const char *s, size_t len, unsigned flags, size_t *out_len)
{
	size_t clean_len = 0;
	char *clean = utf8_clean(s, len, &clean_len);
	char *out = clean ? malloc(2 * clean_len + 1) : NULL;
	check_msg(out, "out of memory");
	size_t o = 0;
	for (size_t i = 0; i < clean_len; i++) {
		unsigned char c = (unsigned char)clean[i];
		if ((flags & PUT_SPACE_CONTROLS) && (c < 0x20 || c == 0x7F))
			c = ' ';
		if ((flags & PUT_DOUBLE_QUOTES) && c == '"')
			out[o++] = '"';
		out[o++] = (char)c;
	}
	free(clean);
	*out_len = o;
	return out;
}

/* A stream into memory that a test's cases share: a stream opened and
 * closed a case was most of this suite's time under valgrind. */
typedef struct memout {
	FILE *f;
	char *buf;
	size_t len;
} memout;

static void memout_open(memout *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	ck_assert_ptr_nonnull(m->f);
}

static void memout_close(memout *m)
{
	ck_assert_int_eq(fclose(m->f), 0);
	free(m->buf);
}

/* check_msg, not ck_assert: the suite's 930,000 ck_asserts took nearly
 * two minutes under valgrind (helpers.h). */
static void assert_put_utf8(memout *m, const char *s, size_t len, unsigned flags)
{
	size_t start = m->len, want_len = 0;
	put_utf8(m->f, s, len, flags);
	check_msg(fflush(m->f) == 0, "the memory stream failed");
	char *want = expected(s, len, flags, &want_len);
	check_msg(m->len - start == want_len && memcmp(m->buf + start, want, want_len) == 0,
	          "put_utf8 of %zu bytes (flags %u) wrote %zu bytes, not the %zu expected", len, flags, m->len - start,
	          want_len);
	/* And onto a jbuf (the text and CSV writers'), after bytes it holds. */
	jbuf b;
	jbuf_init(&b);
	JBUF_LIT(&b, "x");
	jbuf_utf8(&b, s, len, flags);
	check_msg(!b.failed && b.len == 1 + want_len && memcmp(b.text + 1, want, want_len) == 0,
	          "jbuf_utf8 of %zu bytes (flags %u) wrote %zu bytes, not the %zu expected", len, flags, b.len - 1,
	          want_len);
	jbuf_free(&b);
	free(want);
}

static const unsigned flag_sets[] = { 0, PUT_SPACE_CONTROLS, PUT_DOUBLE_QUOTES, PUT_SPACE_CONTROLS | PUT_DOUBLE_QUOTES };

START_TEST(every_one_and_two_byte_string)
{
	memout m;
	memout_open(&m);
	for (unsigned k = 0; k < 4; k++)
		for (unsigned a = 0; a < 256; a++) {
			char s[2] = { (char)a, 0 };
			assert_put_utf8(&m, s, 1, flag_sets[k]);
			for (unsigned b = 0; b < 256; b += 3) {
				s[1] = (char)b;
				assert_put_utf8(&m, s, 2, flag_sets[k]);
			}
		}
	memout_close(&m);
}
END_TEST

/* Mostly plain text, as news is, with the bytes that matter strewn in, at
 * every length around the sixteen bytes a step takes, and past. */
START_TEST(random_strings)
{
	static const unsigned char special[] = { 0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, '"', ',', '\\',
		                                 0x80, 0xBF, 0xC2, 0xC3, 0xA9, 0xE2, 0x80, 0x9C, 0xED, 0xA0, 0xF0,
		                                 0x9F, 0x98, 0x80, 0xF4, 0x90, 0xF5, 0xFF, 0xFE, 0xC0, 0xAF };
	unsigned seed = 12345;
	char s[200];
	memout m;
	memout_open(&m);
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(rand_r(&seed) % 70);
		if (round % 10 == 0)
			len = (size_t)(rand_r(&seed) % sizeof s);
		for (size_t i = 0; i < len; i++) {
			int r = rand_r(&seed) % 100;
			s[i] = r < 80 ? (char)(' ' + rand_r(&seed) % 95) : (char)special[rand_r(&seed) % sizeof special];
		}
		assert_put_utf8(&m, s, len, flag_sets[round % 4]);
	}
	memout_close(&m);
}
END_TEST

/* What the markup escapes must append: what the html and JUnit writers
 * wrote before they wrote onto a buffer, utf8_clean's copy, then byte by
 * byte. kind: MARK_HTML, or XML character data or attribute values. */
enum { MARK_HTML, MARK_XML_TEXT, MARK_XML_ATTR };

static char *markup_expected(const char *s, size_t len, int kind, size_t *out_len)
{
	size_t clean_len = 0;
	char *clean = utf8_clean(s, len, &clean_len);
	char *out = clean ? malloc(6 * clean_len + 1) : NULL;
	check_msg(out, "out of memory");
	const unsigned char *c = (const unsigned char *)clean;
	bool html = kind == MARK_HTML, attr = kind == MARK_XML_ATTR;
	size_t o = 0;
	for (size_t i = 0; i < clean_len; i++) {
		const char *put = NULL;
		switch (c[i]) {
		case '&': put = "&amp;"; break;
		case '<': put = "&lt;"; break;
		case '>': put = "&gt;"; break;
		case '"': put = html ? "&quot;" : attr ? "&quot;" : "\""; break;
		case '\'': put = html ? "&#39;" : attr ? "&apos;" : "'"; break;
		case '\t': put = html ? " " : attr ? "&#9;" : "\t"; break;
		case '\n': put = html ? " " : attr ? "&#10;" : "\n"; break;
		case '\r': put = html ? " " : "&#13;"; break;
		default:
			if (c[i] < 0x20 || (html && c[i] == 0x7F)) {
				put = "\xEF\xBF\xBD";
			} else if (html && c[i] == 0xC2 && i + 1 < clean_len && c[i + 1] >= 0x80 && c[i + 1] <= 0x9F) {
				put = "\xEF\xBF\xBD";
				i += 1;
			} else if (c[i] == 0xEF && i + 2 < clean_len && c[i + 1] == 0xBF && (c[i + 2] == 0xBE || c[i + 2] == 0xBF)) {
				put = "\xEF\xBF\xBD";
				i += 2;
			}
		}
		if (put) {
			memcpy(out + o, put, strlen(put));
			o += strlen(put);
		} else {
			out[o++] = (char)c[i];
		}
	}
	free(clean);
	*out_len = o;
	return out;
}

static void assert_markup(const char *s, size_t len)
{
	for (int kind = MARK_HTML; kind <= MARK_XML_ATTR; kind++) {
		size_t want_len = 0;
		char *want = markup_expected(s, len, kind, &want_len);
		jbuf b;
		jbuf_init(&b);
		JBUF_LIT(&b, "x");
		if (kind == MARK_HTML)
			jbuf_html(&b, s, len);
		else
			jbuf_xml(&b, s, len, kind == MARK_XML_ATTR);
		check_msg(!b.failed && b.len == 1 + want_len && memcmp(b.text + 1, want, want_len) == 0,
		          "%s of %zu bytes wrote %zu bytes, not the %zu expected",
		          kind == MARK_HTML ? "jbuf_html" : kind == MARK_XML_TEXT ? "jbuf_xml" : "jbuf_xml (attr)", len,
		          b.len - 1, want_len);
		jbuf_free(&b);
		free(want);
	}
}

/* Every string of one and two bytes, and of three from the bytes that
 * start and end C1 controls, U+FFFE and U+FFFF, then random ones. */
START_TEST(markup_escapes_as_before)
{
	for (unsigned a = 0; a < 256; a++) {
		char s[3] = { (char)a, 0, 0 };
		assert_markup(s, 1);
		for (unsigned b = 0; b < 256; b++) {
			s[1] = (char)b;
			assert_markup(s, 2);
		}
	}
	static const unsigned char edge[] = { 0xC2, 0x7F, 0x80, 0x9F, 0xA0, 0xEF, 0xBF, 0xBD, 0xBE, 'a', '<', 0x00 };
	for (size_t a = 0; a < sizeof edge; a++)
		for (size_t b = 0; b < sizeof edge; b++)
			for (size_t c = 0; c < sizeof edge; c++) {
				char s[3] = { (char)edge[a], (char)edge[b], (char)edge[c] };
				assert_markup(s, 3);
			}
	static const unsigned char special[] = { 0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x7F, '"', '\'', '&', '<', '>',
		                                 0x80, 0x85, 0x9F, 0xBF, 0xBE, 0xC2, 0xC3, 0xA9, 0xE2, 0x9C, 0xEF,
		                                 0xED, 0xA0, 0xF0, 0x9F, 0x98, 0xF4, 0x90, 0xFF, 0xC0 };
	unsigned seed = 271828;
	char s[200];
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(rand_r(&seed) % (round % 10 ? 70 : (int)sizeof s));
		for (size_t i = 0; i < len; i++) {
			int r = rand_r(&seed) % 100;
			s[i] = r < 75 ? (char)(' ' + rand_r(&seed) % 95) : (char)special[rand_r(&seed) % sizeof special];
		}
		assert_markup(s, len);
	}
}
END_TEST

/* What jbuf_markup_run appends of s from i, and where it says the run ends. */
static size_t markup_run(const char *s, size_t i, unsigned char high, char *wrote)
{
	jbuf b;
	jbuf_init(&b);
	size_t end = jbuf_markup_run(&b, s, i, strlen(s), high);
	ck_assert(!b.failed);
	/* A run is the bytes from i to its end, as they are. */
	ck_assert_uint_eq(b.len, end - i);
	memcpy(wrote, b.text, b.len);
	wrote[b.len] = '\0';
	jbuf_free(&b);
	return end;
}

/* A document's date as the timeline reads it: the day timegm() gives
 * every real day from 1900 to 2100 (and the same with a time after it),
 * and no day for a month or day out of range, a 29 February of a year that
 * has none, or any other text. */
START_TEST(dates_as_timegm_reads_them)
{
	size_t days = 0;
	for (int y = 1900; y <= 2100; y++)
		for (int m = 0; m <= 13; m++)
			for (int d = 0; d <= 32; d++) {
				char s[32];
				snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
				struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12 };
				time_t t = timegm(&tm);
				bool real = m >= 1 && m <= 12 && d >= 1 && tm.tm_mday == d && tm.tm_mon == m - 1;
				int64_t day = -1;
				check_msg(date_parse(s, &day) == real, "%s: %s", s, real ? "a real day not read" : "read");
				/* Noon less twelve hours: the day's midnight, a whole number of days before 1970 too. */
				check_msg(!real || day == (int64_t)((t - 43200) / 86400), "%s: day %lld, not %lld", s, (long long)day,
				          (long long)((t - 43200) / 86400));
				days += real;
				s[10] = 'T';
				snprintf(s + 11, sizeof s - 11, "08:00:00Z");
				check_msg(date_parse(s, &day) == real, "%s: %s", s, real ? "a real day not read" : "read");
			}
	ck_assert_uint_eq(days, 201 * 365 + 49); /* 201 years, 49 of them leap */
	static const char *const bad[] = { "", "2025", "2025-1-05", "2025-01-5", "2025/01/05", "2025-01-05x",
		                           "20a5-01-05", "2025-0b-05", "2025-01-0c", "-025-01-05", " 2025-01-05" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t day;
		ck_assert_msg(!date_parse(bad[i], &day), "\"%s\" read as a date", bad[i]);
	}
	int64_t day;
	ck_assert(!date_parse(NULL, &day));
}
END_TEST

START_TEST(markup_runs_stop_where_an_escape_is_due)
{
	char wrote[64];
	static const char *const stops[] = { "&", "<", ">", "\"", "'", "\n", "\x01", "\xC3\xA9" };
	for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) {
		char s[32];
		snprintf(s, sizeof s, "ab c%sd", stops[k]);
		ck_assert_uint_eq(markup_run(s, 1, 0x80, wrote), 4);
		ck_assert_str_eq(wrote, "b c");
	}
	/* DEL: a control to HTML (high 0x7F), a character to XML (0x80). */
	ck_assert_uint_eq(markup_run("ab\x7F" "c", 0, 0x7F, wrote), 2);
	ck_assert_uint_eq(markup_run("ab\x7F" "c", 0, 0x80, wrote), 4);
	ck_assert_str_eq(wrote, "ab\x7F" "c");
	/* An empty run writes nothing. */
	ck_assert_uint_eq(markup_run("&x", 0, 0x80, wrote), 0);
	ck_assert_str_eq(wrote, "");
	/* Each byte that stops a run, at every place in runs longer than the
	 * sixteen bytes a step takes, for both highs; and a byte that does
	 * not, which the run passes over. */
	char s[64];
	for (unsigned c = 0; c < 256; c++)
		for (size_t at = 0; at < 40; at++) {
			memset(s, 'a', sizeof s - 1);
			s[sizeof s - 1] = '\0';
			s[at] = (char)c;
			for (unsigned high = 0x7F; high <= 0x80; high++) {
				bool stop = c < 0x20 || c >= high || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'';
				jbuf b;
				jbuf_init(&b);
				size_t end = jbuf_markup_run(&b, s, 0, sizeof s - 1, (unsigned char)high);
				check_msg(end == (stop ? at : sizeof s - 1) && b.len == end && !memcmp(b.text, s, end),
				          "byte 0x%02X at %zu, high 0x%X: the run ends at %zu", c, at, high, end);
				jbuf_free(&b);
			}
		}
}
END_TEST

/* Two clauses: with a point and without (a commitment the pack adds). */
static const char two_clauses[] =
	"pactscan: 1\n" TEST_CLAUSE_S1 "    act: 'withdrew'\n"
	"---\npactscan: 1\nclause:\n  id: added-one\n  point: null\n  title: \"An \\\"added\\\" one\"\n  summary: S\n"
	"signals:\n  - id: s2\n    stance: conflict\n    act: 'stayed'\n";

START_TEST(sarif_message_and_fingerprint_as_printf)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(two_clauses, &diags);
	ck_assert_msg(rules != NULL, "the test pack does not load: %s", first_error(two_clauses));
	char sentence[] = "Israeli troops withdrew\0 from Rafah, \xC3\xA9 he said.";
	char source[] = "he \0said";
	char name[] = "news/a.txt", s1[] = "s1", s2[] = "s2";
	doc_result doc = { .name = name };
	for (int k = 0; k < 8; k++) {
		cli_finding f = {
			.clause = ps_ruleset_clause(rules, (size_t)(k & 1)),
			.signal = k & 1 ? s2 : s1,
			.stance = k & 2 ? PS_STANCE_CONFLICT : PS_STANCE_SUPPORT,
			.certainty = (ps_certainty)(k % 3),
			.sentence = sentence,
			.sentence_len = sizeof sentence - 1 - (size_t)k,
			.source = k & 4 ? source : NULL,
			.source_len = k & 4 ? sizeof source - 1 - (size_t)(k == 4 ? 5 : 0) : 0,
		};
		char want[512], point[32] = "";
		if (ps_clause_point(f.clause))
			snprintf(point, sizeof point, "point %d, ", ps_clause_point(f.clause));
		int n = snprintf(want, sizeof want, "%s %s%s: %s. Certainty: %s%s%.*s%s; signal %s.",
		                 f.stance == PS_STANCE_SUPPORT ? "Supports" : "Conflicts with", point,
		                 ps_clause_id(f.clause), ps_clause_title(f.clause), ps_certainty_name(f.certainty),
		                 f.source ? " (" : "", (int)f.source_len, f.source ? f.source : "", f.source ? ")" : "",
		                 f.signal);
		size_t len = 0;
		char *got = sarif_message(&f, &len);
		ck_assert_ptr_nonnull(got);
		ck_assert_uint_eq(len, (size_t)n);
		ck_assert_str_eq(got, want);
		free(got);

		/* The fingerprint: FNV-1a over the name, clause, signal (each with
		 * its NUL) and the sentence, in 16 hex digits. */
		uint64_t h = 14695981039346656037ull;
		const char *parts[] = { doc.name, ps_clause_id(f.clause), f.signal };
		for (int p = 0; p < 3; p++)
			for (size_t i = 0; i <= strlen(parts[p]); i++)
				h = (h ^ (unsigned char)parts[p][i]) * 1099511628211ull;
		for (size_t i = 0; i < f.sentence_len; i++)
			h = (h ^ (unsigned char)sentence[i]) * 1099511628211ull;
		char hex[17], want_hex[17];
		sarif_fingerprint(&doc, &f, hex);
		snprintf(want_hex, sizeof want_hex, "%016llx", (unsigned long long)h);
		ck_assert_str_eq(hex, want_hex);
	}
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	tcase_add_test(tc, every_one_and_two_byte_string);
	tcase_add_test(tc, random_strings);
	tcase_add_test(tc, sarif_message_and_fingerprint_as_printf);
	tcase_add_test(tc, markup_runs_stop_where_an_escape_is_due);
	tcase_add_test(tc, markup_escapes_as_before);
	tcase_add_test(tc, dates_as_timegm_reads_them);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
