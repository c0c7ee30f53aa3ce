/* The JSON writer of src/cli/jsonbuf.c against jansson, which wrote the
 * findings before: strings and numbers must come out byte for byte the
 * same. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "helpers.h"
#include "jsonbuf.h"
#include "jsonfmt.h"

/* The flags the reporters dump with. */
#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

/* jansson's text for one value, in an array so that the dump is of the
 * kind the reporters make (caller frees). */
static char *jansson_value(json_t *v)
{
	ck_assert_ptr_nonnull(v);
	json_t *a = json_array();
	ck_assert_int_eq(json_array_append_new(a, v), 0);
	char *text = json_dumps(a, DUMP_FLAGS);
	ck_assert_ptr_nonnull(text);
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
	ck_assert_msg(at == len && at == want_len, "%s: differs at byte %zu:\n got ...%.*s\nwant ...%.80s", what, at,
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
	ck_assert(!b.failed);
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
	ck_assert_msg(!strcmp(got, want), "real %a: got %s, jansson wrote %s", v, got, want);
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
	ck_assert_msg(!strcmp(got, want), "uint %" PRIu64 ": got %s, jansson wrote %s", v, got, want);
	free(got);
	got = ours(put_int, &s);
	ck_assert_msg(!strcmp(got, want), "int %" PRId64 ": got %s, jansson wrote %s", s, got, want);
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

START_TEST(random_strings)
{
	/* Bytes that matter more often than chance would pick them. */
	static const unsigned char interesting[] = { 0x00, 0x01, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x20, '"', '\\',
	                                             '/', 'a', 0x7F, 0x80, 0xA8, 0xBF, 0xC0, 0xC2, 0xC3, 0xDF,
	                                             0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF };
	uint64_t state = 0x9E3779B97F4A7C15u;
	char s[16];
	for (int round = 0; round < 100000; round++) {
		size_t len = next_random(&state) % sizeof s;
		for (size_t i = 0; i < len; i++) {
			uint64_t r = next_random(&state);
			s[i] = (char)(r & 1 ? interesting[(r >> 1) % sizeof interesting] : (r >> 8) & 0xFF);
		}
		assert_string_as_jansson(s, len);
	}
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
	/* The weights rules give: above 0 and at most 1000, in small steps. */
	for (int n = 1; n <= 100000; n++)
		assert_real_as_jansson(n / 100.0);
	for (int n = 1; n <= 16000; n++)
		assert_real_as_jansson(n / 16.0);
	/* Any finite double. */
	uint64_t state = 0x2545F4914F6CDD1Du;
	for (int round = 0; round < 50000; round++) {
		uint64_t bits = next_random(&state);
		double v;
		memcpy(&v, &bits, sizeof v);
		if (isfinite(v))
			assert_real_as_jansson(v);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jsonbuf");
	TCase *tc = tcase_create("jsonbuf");
	tcase_add_test(tc, escapes_as_jansson);
	tcase_add_test(tc, every_one_and_two_byte_string);
	tcase_add_test(tc, random_strings);
	tcase_add_test(tc, long_strings_outgrow_the_inline_buffer);
	tcase_add_test(tc, integers_as_jansson);
	tcase_add_test(tc, reals_as_jansson);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
