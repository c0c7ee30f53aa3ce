/* The findings' JSON writer (src/cli/jsonbuf.c, finding_json_append, and
 * SARIF's sarif_result_append) against jansson, which wrote them before:
 * strings, numbers, whole findings and SARIF results must come out byte
 * for byte the same. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "helpers.h"
#include "jsonbuf.h"
#include "jsonfmt.h"
#include "reporter.h"

/* The flags the reporters dump with. */
#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

/* jansson's text for one value, in an array so that the dump is of the
 * kind the reporters make (caller frees). */
static char *jansson_value(json_t *v)
{
	check_msg(v, "jansson made no value");
	json_t *a = json_array();
	check_msg(json_array_append_new(a, v) == 0, "jansson did not append");
	char *text = json_dumps(a, DUMP_FLAGS);
	check_msg(text, "jansson did not dump");
	json_decref(a);
	return text;
}

/* got[0..len) must be jansson's want; a failure shows where they part
 * (briefly: Check cannot carry a long message). */
static void assert_same_text(const char *got, size_t len, const char *want, const char *what)
{
	size_t want_len = strlen(want), at = 0;
	while (at < len && at < want_len && got[at] == want[at])
		at++;
	size_t from = at > 40 ? at - 40 : 0;
	int got_shown = (int)(len - from < 80 ? len - from : 80);
	check_msg(at == len && at == want_len, "%s: differs at byte %zu:\n got ...%.*s\nwant ...%.80s", what, at,
	          got_shown, got + from, want + from);
}

/* The same through the writer, in an array likewise. */
static char *ours(void (*put)(jbuf *b, const void *arg), const void *arg)
{
	jbuf b;
	jbuf_init(&b);
	JBUF_LIT(&b, "[");
	put(&b, arg);
	JBUF_LIT(&b, "]");
	check_msg(!b.failed, "the jbuf ran out of memory");
	char *text = strndup(b.text, b.len);
	jbuf_free(&b);
	return text;
}

typedef struct bytes {
	const char *s;
	size_t len;
} bytes;

static void put_str(jbuf *b, const void *arg)
{
	const bytes *x = arg;
	jbuf_str(b, x->s, x->len);
}

static void assert_string_as_jansson_at(const char *s, size_t len, int line)
{
	bytes x = { s, len };
	char *want = jansson_value(jstr(s, len)), *got = ours(put_str, &x), what[64];
	snprintf(what, sizeof what, "line %d: a string of %zu bytes", line, len);
	assert_same_text(got, strlen(got), want, what);
	free(want);
	free(got);
}
#define assert_string_as_jansson(s, len) assert_string_as_jansson_at((s), (len), __LINE__)
#define assert_literal_as_jansson(lit) assert_string_as_jansson_at("" lit, sizeof(lit) - 1, __LINE__)

static void put_real(jbuf *b, const void *arg)
{
	jbuf_real(b, *(const double *)arg);
}

static void assert_real_as_jansson(double v)
{
	char *want = jansson_value(json_real(v)), *got = ours(put_real, &v);
	check_msg(!strcmp(got, want), "real %a: got %s, jansson wrote %s", v, got, want);
	free(want);
	free(got);
}

static void put_uint(jbuf *b, const void *arg)
{
	jbuf_uint(b, *(const uint64_t *)arg);
}

static void put_int(jbuf *b, const void *arg)
{
	jbuf_int(b, *(const int64_t *)arg);
}

static void assert_integer_as_jansson(uint64_t v)
{
	int64_t s = (int64_t)v;
	char *want = jansson_value(juint(v)), *got = ours(put_uint, &v);
	check_msg(!strcmp(got, want), "uint %" PRIu64 ": got %s, jansson wrote %s", v, got, want);
	free(got);
	got = ours(put_int, &s);
	check_msg(!strcmp(got, want), "int %" PRId64 ": got %s, jansson wrote %s", s, got, want);
	free(want);
	free(got);
}

/* A small deterministic generator (xorshift64), so failures repeat. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

START_TEST(escapes_as_jansson)
{
	assert_literal_as_jansson("");
	assert_literal_as_jansson("The truce held.");
	assert_literal_as_jansson("\"We will not disarm,\" he said.");
	assert_literal_as_jansson("a\\b \\\" \\\\ \\u0041");
	assert_literal_as_jansson("http://example.org/a/b </script>");
	assert_literal_as_jansson("tab\there\r\nline\fform\bback");
	assert_literal_as_jansson("\x7f DEL and \x1f unit separator \x01\x02\x1b");
	assert_literal_as_jansson("\xE2\x80\xA8 line separator \xE2\x80\xA9 paragraph separator");
	assert_literal_as_jansson("caf\xC3\xA9 \xD8\xBA\xD8\xB2\xD8\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80 \xEF\xBB\xBF");
	/* NUL bytes: utf8_clean makes them spaces before jansson sees them. */
	assert_literal_as_jansson("\0");
	assert_literal_as_jansson("a\0b\0\0c");
	/* Invalid UTF-8: each bad byte becomes U+FFFD. */
	assert_literal_as_jansson("\x80");
	assert_literal_as_jansson("\xFF\xFE");
	assert_literal_as_jansson("overlong \xC0\xAF \xE0\x80\xAF \xF0\x80\x80\xAF");
	assert_literal_as_jansson("surrogate \xED\xA0\x80 \xED\xBF\xBF");
	assert_literal_as_jansson("past U+10FFFF \xF4\x90\x80\x80 \xF5\x80\x80\x80");
	assert_literal_as_jansson("cut short \xE2\x80");
	assert_literal_as_jansson("\xE2\x80");
	assert_literal_as_jansson("\xC3");
	assert_literal_as_jansson("\xC3\"");
	assert_literal_as_jansson("lone continuation \xA9 and \xC3\xA9\xA9");
	assert_literal_as_jansson("\xF0\x9F\x98");
	assert_literal_as_jansson("\xF0\x9F\x98\\");
}
END_TEST

START_TEST(every_one_and_two_byte_string)
{
	char s[2];
	for (int a = 0; a < 256; a++) {
		s[0] = (char)a;
		assert_string_as_jansson(s, 1);
		for (int c = 0; c < 256; c++) {
			s[1] = (char)c;
			assert_string_as_jansson(s, 2);
		}
	}
}
END_TEST

/* Random strings of up to max - 1 bytes, each byte one of interesting[]
 * one time in odds, else a lower-case letter (letters) or any byte,
 * written as jansson writes them. */
static void random_strings_as_jansson(uint64_t state, size_t max, const unsigned char *interesting, size_t n,
                                      unsigned odds, bool letters)
{
	char s[128];
	ck_assert_uint_le(max, sizeof s);
	for (int round = 0; round < 50000; round++) {
		size_t len = next_random(&state) % max;
		for (size_t i = 0; i < len; i++) {
			uint64_t r = next_random(&state);
			if (r % odds == 0)
				s[i] = (char)interesting[(r >> 8) % n];
			else
				s[i] = (char)(letters ? 'a' + (r >> 8) % 26 : (r >> 8) & 0xFF);
		}
		assert_string_as_jansson(s, len);
	}
}

START_TEST(random_strings)
{
	/* Bytes that matter more often than chance would pick them. */
	static const unsigned char interesting[] = { 0x00, 0x01, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x20, '"', '\\',
	                                             '/', 'a', 0x7F, 0x80, 0xA8, 0xBF, 0xC0, 0xC2, 0xC3, 0xDF,
	                                             0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF };
	random_strings_as_jansson(0x9E3779B97F4A7C15u, 16, interesting, sizeof interesting, 2, false);
}
END_TEST

/* Mostly plain strings longer than the writer's sixteen-byte steps, with
 * a byte that matters now and then, at every place in a step. */
START_TEST(random_long_strings)
{
	static const unsigned char interesting[] = { 0x00, 0x0A, 0x1F, '"', '\\', 0x7F, 0x80, 0xC3, 0xA9, 0xE2, 0xFF };
	random_strings_as_jansson(0x243F6A8885A308D3u, 100, interesting, sizeof interesting, 23, true);
}
END_TEST

START_TEST(long_strings_outgrow_the_inline_buffer)
{
	/* Past JBUF_INLINE several times over, and with every kind of byte, so
	 * growth happens in the middle of escapes and multi-byte runs. */
	size_t len = 5 * JBUF_INLINE + 7;
	char *s = malloc(len);
	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < len; i++)
		s[i] = (char)(i * 7 % 256);
	assert_string_as_jansson(s, len);
	memset(s, 'x', len);
	assert_string_as_jansson(s, len);
	for (size_t i = 0; i + 3 <= len; i += 3)
		memcpy(s + i, "\xE2\x80\xA8", 3);
	assert_string_as_jansson(s, len);
	memset(s, '\n', len);
	assert_string_as_jansson(s, len);
	free(s);
}
END_TEST

START_TEST(integers_as_jansson)
{
	static const uint64_t values[] = { 0, 1, 9, 10, 99, 100, 12345, 4294967295u, 4294967296u,
	                                   9007199254740993u, INT64_MAX, (uint64_t)INT64_MAX + 1, UINT64_MAX,
	                                   UINT64_MAX - 1 };
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
		assert_integer_as_jansson(values[i]);
	for (uint64_t v = 1; v && v < UINT64_MAX / 3; v *= 3) {
		assert_integer_as_jansson(v);
		assert_integer_as_jansson(v - 1);
		assert_integer_as_jansson(0 - v);
	}
	/* Where the digit count changes (the writer counts digits before it
	 * writes them), both signs. */
	for (uint64_t v = 1;; v *= 10) {
		assert_integer_as_jansson(v);
		assert_integer_as_jansson(v - 1);
		assert_integer_as_jansson(v + 1);
		assert_integer_as_jansson(0 - v);
		assert_integer_as_jansson(0 - (v - 1));
		if (v > UINT64_MAX / 10)
			break;
	}
	/* And numbers of every size, with random digits. */
	uint64_t state = 0x9E3779B97F4A7C15u;
	for (int i = 0; i < 2000; i++) {
		uint64_t r = next_random(&state);
		assert_integer_as_jansson(r >> (i % 64));
	}
}
END_TEST

START_TEST(reals_as_jansson)
{
	static const double values[] = { 1, 2.5, 0.1, 1e-7, 0, -0.0, 1.5, 1000, 0.001, 1e-4, 1e-5, 0.3, 1.0 / 3,
	                                 2.0 / 3, 100, 1e15, 1e16, 1e17, 1e20, 1e21, 1e100, 1e300, -1, -2.5,
	                                 -1e-7, 123456789012345678.0, 0.5, 0.25, 0.125, 999.99, 1e-300,
	                                 DBL_MAX, DBL_MIN, DBL_TRUE_MIN, -DBL_MAX, DBL_EPSILON, 9007199254740993.0,
	                                 4503599627370496.5, 1e22, 1e23 };
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
		assert_real_as_jansson(values[i]);
	/* Weights as rules give them, in small steps (they may go up to 1000;
	 * the pack's are 1 to 4). */
	for (int n = 1; n <= 20000; n++)
		assert_real_as_jansson(n / 100.0);
	for (int n = 1; n <= 16000; n++)
		assert_real_as_jansson(n / 16.0);
	/* Multiples of 1/16, which take a shorter path, up to and past where
	 * it ends. */
	static const double sixteenths[] = { 0.0625, 0.03125, 0.0625 + 1e-17, 4294967295.9375, 4294967296.0,
	                                     4294967296.0625, 4294967295.0, 2147483648.5, 1e-300 };
	for (size_t i = 0; i < sizeof sixteenths / sizeof sixteenths[0]; i++)
		assert_real_as_jansson(sixteenths[i]);
	uint64_t state16 = 0x853C49E6748FEA9Bu;
	for (int round = 0; round < 20000; round++)
		assert_real_as_jansson((double)(next_random(&state16) >> 27) / 16);
	/* Any finite double. */
	uint64_t state = 0x2545F4914F6CDD1Du;
	for (int round = 0; round < 20000; round++) {
		uint64_t bits = next_random(&state);
		double v;
		memcpy(&v, &bits, sizeof v);
		if (isfinite(v))
			assert_real_as_jansson(v);
	}
}
END_TEST

/* ---- whole findings -------------------------------------------------- */

/* The jansson object finding_json_append replaced, as it was: the oracle. */
static json_t *jansson_finding(const doc_result *doc, const cli_finding *f, bool record, bool baseline)
{
	json_t *o = json_object();
	json_t *ev = json_array();
	if (record) {
		json_object_set_new(o, "type", json_string("finding"));
		json_object_set_new(o, "doc", jcstr(doc->name));
	}
	json_object_set_new(o, "point", point_json(f->clause));
	json_object_set_new(o, "clause", jcstr(ps_clause_id(f->clause)));
	json_object_set_new(o, "title", jcstr(ps_clause_title(f->clause)));
	json_object_set_new(o, "stance", json_string(ps_stance_name(f->stance)));
	json_object_set_new(o, "certainty", json_string(ps_certainty_name(f->certainty)));
	json_object_set_new(o, "signal", jcstr(f->signal));
	json_object_set_new(o, "sentence", jstr(f->sentence, f->sentence_len));
	json_object_set_new(o, "start", juint(f->start));
	json_object_set_new(o, "end", juint(f->end));
	json_object_set_new(o, "line", juint(f->line));
	json_object_set_new(o, "column", juint(f->column));
	json_object_set_new(o, "char_column", juint(f->char_column));
	for (size_t i = 0; i < f->n_evidence; i++) {
		const ps_span *e = &f->evidence[i];
		json_t *x = json_object();
		json_object_set_new(x, "start", juint(e->start));
		json_object_set_new(x, "end", juint(e->end));
		if (e->start >= f->start && e->end <= f->end)
			json_object_set_new(x, "text", jstr(f->sentence + (e->start - f->start), (size_t)(e->end - e->start)));
		json_array_append_new(ev, x);
	}
	json_object_set_new(o, "evidence", ev);
	json_object_set_new(o, "cues", cues_json(f));
	json_object_set_new(o, "source", f->source ? jstr(f->source, f->source_len) : json_null());
	json_object_set_new(o, "weight", json_real(f->weight));
	if (baseline)
		json_object_set_new(o, "new", json_boolean(f->is_new));
	return o;
}

/* A clause with a point, one without, and a title that needs escapes. */
static const char finding_pack[] =
	"pactscan: 1\n"
	"clause:\n"
	"  id: withdrawal\n"
	"  point: 16\n"
	"  title: \"IDF \\\"withdrawal\\\" \\\\ caf\\u00e9 \\t \\u2028 \\x7f /\"\n"
	"  summary: The IDF withdraws.\n"
	"signals:\n"
	"  - id: pulled-back\n"
	"    stance: support\n"
	"    act: 'withdr\\w*'\n"
	"---\n"
	"pactscan: 1\n"
	"clause:\n"
	"  id: added\n"
	"  point: null\n"
	"  title: A commitment the pack adds\n"
	"  summary: Something else.\n"
	"signals:\n"
	"  - id: added-signal\n"
	"    stance: conflict\n"
	"    act: 'added'\n";

/* What b holds is what jansson dumps of o (taken); b is released. */
static void assert_written_as_dumped(jbuf *b, json_t *o, const char *what)
{
	char *want = json_dumps(o, DUMP_FLAGS);
	json_decref(o);
	ck_assert_ptr_nonnull(want);
	ck_assert(!b->failed);
	assert_same_text(b->text, b->len, want, what);
	jbuf_free(b);
	free(want);
}

/* The jansson tree a SARIF result was dumped from before
 * sarif_result_append replaced it: the oracle. */
static json_t *jansson_sarif_result(const doc_result *doc, const cli_finding *f, size_t rule_index, bool baseline)
{
	size_t message_len, uri_len;
	char *message = sarif_message(f, &message_len), *uri = sarif_uri(doc->name, &uri_len), fingerprint[17];
	uint64_t end_line, end_column;
	ck_assert(message && uri);
	sarif_sentence_end(f, &end_line, &end_column);
	sarif_fingerprint(doc, f, fingerprint);
	json_t *o = json_object(), *region = json_object(), *loc = json_object(), *props = json_object();
	json_object_set_new(o, "ruleId", jcstr(ps_clause_id(f->clause)));
	json_object_set_new(o, "ruleIndex", juint(rule_index));
	json_object_set_new(o, "level", json_string(sarif_level(f)));
	json_object_set_new(o, "message", json_pack("{s:o}", "text", jstr(message, message_len)));
	json_object_set_new(region, "startLine", juint(f->line));
	json_object_set_new(region, "startColumn", juint(f->char_column));
	json_object_set_new(region, "endLine", juint(end_line));
	json_object_set_new(region, "endColumn", juint(end_column));
	json_object_set_new(region, "byteOffset", juint(f->start));
	json_object_set_new(region, "byteLength", juint(f->end - f->start));
	json_object_set_new(region, "snippet", json_pack("{s:o}", "text", jstr(f->sentence, f->sentence_len)));
	json_object_set_new(loc, "artifactLocation",
	                    json_pack("{s:o,s:I}", "uri", json_stringn(uri, uri_len), "index", (json_int_t)0));
	json_object_set_new(loc, "region", region);
	json_object_set_new(o, "locations", json_pack("[{s:o}]", "physicalLocation", loc));
	json_object_set_new(o, "partialFingerprints", json_pack("{s:s}", "pactscanFinding/v1", fingerprint));
	if (baseline)
		json_object_set_new(o, "baselineState", json_string(f->is_new ? "new" : "unchanged"));
	json_object_set_new(props, "stance", json_string(ps_stance_name(f->stance)));
	json_object_set_new(props, "certainty", json_string(ps_certainty_name(f->certainty)));
	json_object_set_new(props, "signal", jcstr(f->signal));
	json_object_set_new(props, "cues", cues_json(f));
	json_object_set_new(props, "source", f->source ? jstr(f->source, f->source_len) : json_null());
	json_object_set_new(props, "point", point_json(f->clause));
	json_object_set_new(props, "weight", json_real(f->weight));
	json_object_set_new(o, "properties", props);
	free(message);
	free(uri);
	return o;
}

static void assert_sarif_result_as_jansson(const doc_result *doc, const cli_finding *f, bool baseline)
{
	jbuf b;
	size_t hole = SIZE_MAX;
	jbuf_init(&b);
	ck_assert_int_eq(sarif_result_append(&b, doc, f, 7, baseline, &hole), 0);
	/* The artifact's index goes in the hole; the tree has 0 there. */
	ck_assert_uint_le(hole, b.len);
	ck_assert(hole >= 9 && !memcmp(b.text + hole - 8, "\"index\":", 8));
	jbuf whole;
	jbuf_init(&whole);
	jbuf_put(&whole, b.text, hole);
	JBUF_LIT(&whole, "0");
	jbuf_put(&whole, b.text + hole, b.len - hole);
	jbuf_free(&b);
	assert_written_as_dumped(&whole, jansson_sarif_result(doc, f, 7, baseline), "a SARIF result");
}

/* What finding_json_append is given as the clauses' heads: none, the
 * heads of the finding's rules, and those of other rules, whose clauses
 * are not the finding's (findings_as_jansson sets them). */
static const clause_heads *heads_tried[3];

/* The finding as JSON (and JSON Lines), and as a SARIF result, failing
 * the run or not, new or not (SARIF needs a document name: one is lent). */
static void assert_finding_as_jansson(const doc_result *doc, const cli_finding *f)
{
	for (int record = 0; record < 2; record++) {
		for (int baseline = 0; baseline < 2; baseline++) {
			for (int h = 0; h < 3; h++) {
				jbuf b;
				jbuf_init(&b);
				finding_json_append(&b, doc, f, record, baseline, heads_tried[h]);
				char what[80];
				snprintf(what, sizeof what, "a finding, record %d, baseline %d, heads %d", record, baseline, h);
				assert_written_as_dumped(&b, jansson_finding(doc, f, record, baseline), what);
			}
		}
	}
	cli_finding g = *f;
	static char lent[] = "/news/2025 10 13.txt";
	doc_result named = *doc;
	if (!named.name)
		named.name = lent;
	for (int fails = 0; fails < 2; fails++) {
		for (int is_new = 0; is_new < 2; is_new++) {
			g.fails = fails;
			g.is_new = is_new;
			assert_sarif_result_as_jansson(&named, &g, false);
			assert_sarif_result_as_jansson(&named, &g, true);
		}
	}
}

START_TEST(findings_as_jansson)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(finding_pack, &diags);
	ck_assert_msg(rules != NULL, "the test pack does not load: %s", first_error(finding_pack));
	/* Its clause 0 is not the finding's, and has another id and title. */
	ps_diags *other_diags = NULL;
	ps_ruleset *other_rules = load_yaml("pactscan: 1\n" TEST_CLAUSE_S1 "    act: 'withdrew'\n", &other_diags);
	ck_assert_ptr_nonnull(other_rules);
	clause_heads *own = clause_heads_new(rules), *other = clause_heads_new(other_rules);
	ck_assert(own && other);
	ck_assert_ptr_null(clause_heads_new(NULL));
	heads_tried[1] = own;
	heads_tried[2] = other;
	char name[] = "news/\"odd\" name\t\xC3\xA9\xFF.txt";
	char sentence[] = "He said \"Israeli troops withdrew\" \xE2\x80\xA8 from\tRafah \xFF\xFE\0 \\ caf\xC3\xA9.";
	char signal[] = "pulled-back";
	char source[] = "He \"\xC3";
	char negation[] = "not\n", hedge[] = "may \xE2\x80", attribution[] = "\"He said\"";
	ps_span evidence[] = {
		{ 1009, 1013 }, /* "said" */
		{ 1000, 1000 + sizeof sentence - 1 }, /* all of it */
		{ 1020, 1020 }, /* empty */
		{ 990, 1005 }, /* begins before the sentence: no text */
		{ 1010, 5000 }, /* ends after it: no text */
	};
	doc_result doc = { .name = name };
	cli_finding f = {
		.clause = ps_ruleset_clause(rules, 0),
		.signal = signal,
		.stance = PS_STANCE_SUPPORT,
		.certainty = PS_CERTAINTY_ATTRIBUTED,
		.weight = 2.5,
		.sentence = sentence,
		.sentence_len = sizeof sentence - 1,
		.start = 1000,
		.end = 1000 + sizeof sentence - 1,
		.line = 12,
		.column = 7,
		.char_column = 6,
		.evidence = evidence,
		.n_evidence = sizeof evidence / sizeof evidence[0],
		.cues = { { PS_CUE_NEGATION, 1001, 1005, negation, sizeof negation - 1 },
		          { PS_CUE_HEDGE, 1002, 1009, hedge, sizeof hedge - 1 },
		          { PS_CUE_ATTRIBUTION, 1000, 1010, attribution, sizeof attribution - 1 } },
		.n_cues = 3,
		.source = source,
		.source_len = sizeof source - 1,
		.is_new = true,
	};
	assert_finding_as_jansson(&doc, &f);

	/* No point, cues, evidence, source or document name; other numbers. */
	static const double weights[] = { 1, 0.1, 1e-7, 1000, 1.0 / 3, 1e17 };
	f.clause = ps_ruleset_clause(rules, 1);
	f.stance = PS_STANCE_CONFLICT;
	f.certainty = PS_CERTAINTY_HEDGED;
	f.n_cues = 0;
	f.n_evidence = 0;
	f.source = NULL;
	f.is_new = false;
	doc.name = NULL;
	for (size_t i = 0; i < sizeof weights / sizeof weights[0]; i++) {
		f.weight = weights[i];
		assert_finding_as_jansson(&doc, &f);
	}
	f.certainty = PS_CERTAINTY_ASSERTED;
	f.n_cues = 1;
	f.n_evidence = 1;
	f.start = f.end = f.line = f.column = f.char_column = 0;
	f.sentence_len = 0;
	evidence[0] = (ps_span){ 0, 0 };
	assert_finding_as_jansson(&doc, &f);

	/* A sentence past the inline buffer. */
	size_t long_len = 3 * JBUF_INLINE;
	char *long_sentence = malloc(long_len);
	ck_assert_ptr_nonnull(long_sentence);
	for (size_t i = 0; i < long_len; i++)
		long_sentence[i] = "ab\"\n\xC3\xA9"[i % 6];
	f.sentence = long_sentence;
	f.sentence_len = long_len;
	f.end = long_len;
	evidence[0] = (ps_span){ 2, long_len - 1 };
	assert_finding_as_jansson(&doc, &f);
	free(long_sentence);

	heads_tried[1] = heads_tried[2] = NULL;
	clause_heads_free(own);
	clause_heads_free(other);
	clause_heads_free(NULL);
	ps_ruleset_free(other_rules);
	ps_diags_free(other_diags);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

static void assert_document_as_jansson(const doc_result *doc, const doc_tally *t, const run_summary *sum)
{
	jbuf b;
	jbuf_init(&b);
	document_record_append(&b, doc, t, sum);
	assert_written_as_dumped(&b, document_json(doc, t, sum, true), "a document record");
}

/* The jsonl "type": "document" record, as jansson wrote it: names and
 * metadata with quotes and invalid UTF-8, none, skipped and incomplete
 * documents, and verdicts for the clauses a document mentions. */
START_TEST(document_records_as_jansson)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(finding_pack, &diags);
	ck_assert_msg(rules != NULL, "the test pack does not load: %s", first_error(finding_pack));
	run_summary sum;
	doc_tally t;
	ck_assert_int_eq(summary_init(&sum, rules, NULL), 0);
	ck_assert_int_eq(tally_init(&t, rules), 0);
	char name[] = "news/\"odd\" \xC3\xA9\xFF.txt", title[] = "A \"title\"\n", date[] = "2025-10-13";
	doc_result doc = { .name = name, .meta = { .title = title, .date = date } };
	doc.stats.bytes = 12345;
	doc.stats.sentences = 12;
	doc.stats.in_setting = 3;
	assert_document_as_jansson(&doc, &t, &sum);
	tally_add(&t, 0, PS_STANCE_SUPPORT, PS_CERTAINTY_ASSERTED, true, false);
	assert_document_as_jansson(&doc, &t, &sum);
	tally_add(&t, 1, PS_STANCE_CONFLICT, PS_CERTAINTY_HEDGED, false, false);
	tally_add(&t, 0, PS_STANCE_CONFLICT, PS_CERTAINTY_ATTRIBUTED, false, true);
	doc.incomplete = true;
	assert_document_as_jansson(&doc, &t, &sum);
	tally_reset(&t);
	doc = (doc_result){ .name = NULL };
	doc_skip(&doc, SKIP_MALFORMED, "not valid JSON: \"x\"");
	assert_document_as_jansson(&doc, &t, &sum);
	doc_free(&doc);
	tally_free(&t);
	summary_free(&sum);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

START_TEST(backwards_evidence_has_no_text)
{
	/* A merged report can give evidence that ends before it starts;
	 * jstr() failed on its wrapped-around length, so "text" was left out.
	 * (The oracle cannot be asked: it would read out of bounds first.) */
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(finding_pack, &diags);
	ck_assert_ptr_nonnull(rules);
	char sentence[] = "Israeli troops withdrew.";
	ps_span evidence[] = { { 10, 5 } };
	doc_result doc = { .name = NULL };
	cli_finding f = { .clause = ps_ruleset_clause(rules, 0), .signal = NULL, .sentence = sentence,
	                  .sentence_len = sizeof sentence - 1, .start = 0, .end = sizeof sentence - 1,
	                  .evidence = evidence, .n_evidence = 1, .weight = 1 };
	jbuf b;
	jbuf_init(&b);
	finding_json_append(&b, &doc, &f, false, false, NULL);
	JBUF_LIT(&b, "\0");
	ck_assert(!b.failed);
	ck_assert_ptr_nonnull(strstr(b.text, "\"evidence\":[{\"start\":10,\"end\":5}]"));
	jbuf_free(&b);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jsonbuf");
	TCase *tc = tcase_create("jsonbuf");
	tcase_add_test(tc, escapes_as_jansson);
	tcase_add_test(tc, every_one_and_two_byte_string);
	tcase_add_test(tc, random_strings);
	tcase_add_test(tc, random_long_strings);
	tcase_add_test(tc, long_strings_outgrow_the_inline_buffer);
	tcase_add_test(tc, integers_as_jansson);
	tcase_add_test(tc, reals_as_jansson);
	tcase_add_test(tc, findings_as_jansson);
	tcase_add_test(tc, backwards_evidence_has_no_text);
	tcase_add_test(tc, document_records_as_jansson);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
