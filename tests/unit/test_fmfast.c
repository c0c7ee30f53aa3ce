/* The fast front matter reader (src/cli/fmfast.c): it takes the common
 * front matter, and whatever it takes, libyaml reads the same way. */
#include <stdio.h>
#include <stdlib.h>

#include "fmfast.h"
#include "fmref.h"
#include "helpers.h"

/* Whatever the fast reader takes, libyaml reads alike. */
static void agrees(const char *text, size_t len)
{
	fmfast_fields fast, ref;
	fmfast_status st = fmfast_parse(&fast, text, len);
	ck_assert_int_ne(st, FMFAST_NOMEM);
	if (st != FMFAST_OK)
		return;
	if (fmref_read(&ref, text, len) != 1)
		ck_abort_msg("the fast reader took front matter libyaml does not read as a flat mapping: [%.*s]",
		             (int)len, text);
	if (!fmref_same(&fast, &ref))
		ck_abort_msg("the readings differ on [%.*s]: title [%s] [%s]", (int)len, text,
		             fast.title ? fast.title : "(none)", ref.title ? ref.title : "(none)");
	fmfast_clear(&fast);
	fmfast_clear(&ref);
}

static fmfast_status parse_str(fmfast_fields *f, const char *text)
{
	return fmfast_parse(f, text, strlen(text));
}

START_TEST(the_common_front_matter_is_read)
{
	fmfast_fields f;
	const char *text = "title: Israeli troops pull back to the yellow line\n"
	                   "date: 2025-10-10\n"
	                   "source: \"Reuters\"\n"
	                   "url: https://example.org/a?b=c#d\n"
	                   "\n"
	                   "author: 'A. Writer'\n"
	                   "title: Troops pull back — a second title wins\n";
	ck_assert_int_eq(parse_str(&f, text), FMFAST_OK);
	ck_assert_str_eq(f.title, "Troops pull back — a second title wins");
	ck_assert_str_eq(f.date, "2025-10-10");
	ck_assert_str_eq(f.source, "Reuters");
	ck_assert_str_eq(f.url, "https://example.org/a?b=c#d");
	ck_assert_ptr_null(f.id);
	agrees(text, strlen(text));
	fmfast_clear(&f);
	/* An empty value is an empty string, as libyaml's empty scalar. */
	ck_assert_int_eq(parse_str(&f, "title:\nid:   \n"), FMFAST_OK);
	ck_assert_str_eq(f.title, "");
	ck_assert_str_eq(f.id, "");
	fmfast_clear(&f);
}
END_TEST

START_TEST(anything_else_is_left_to_libyaml)
{
	static const char *const unsure[] = {
		"",                                   /* no mapping */
		"\n\n",
		"labels: []\n",                       /* the gold labels */
		"title: a: b\n",                      /* a nested mapping */
		"title: x #a comment\n",
		"title: |\n  block\n",
		"title: >\n  folded\n",
		"title: [a, b]\n",
		"title: {a: b}\n",
		"title: &a anchor\n",
		"title: *a\n",
		"title: !!str tagged\n",
		"title: \"esc\\\"aped\"\n",
		"title: 'it''s'\n",
		"title: \"unclosed\n",
		"title: - dash\n",
		"title: ?q\n",
		"title: %p\n",
		"title: @at\n",
		"title: `tick\n",
		"title: ends in a colon:\n",
		"title:no space\n",
		"  title: indented\n",
		"- item\n",
		"# a comment\ntitle: x\n",
		"title: tab\there\n",
		"title: crlf\r\n",
		"title: multi\n  line\n",
		"2title: digit first\n",
		"tïtle: not ASCII\n",
		"title: \xC2\x85 next line\n",        /* NEL, a line break to YAML 1.1 */
		"title: line \xE2\x80\xA8 separator\n",
		"title: bad \xFF byte\n",
		"title: a \x7F delete\n",          /* not printable to YAML */
		"title: \"a \x7F quoted delete\"\n",
		"title: a \x1B escape\n",
		"title: overlong \xC0\xAF\n",
		"title: bom \xEF\xBB\xBF inside\n",
		"%YAML 1.1\n",
		"title\n",
	};
	for (size_t i = 0; i < sizeof unsure / sizeof unsure[0]; i++) {
		fmfast_fields f;
		fmfast_status st = parse_str(&f, unsure[i]);
		if (st != FMFAST_UNSURE)
			ck_abort_msg("took [%s]", unsure[i]);
		ck_assert_ptr_null(f.title);
	}
}
END_TEST

/* Random lines of keys and values from characters YAML treats specially:
 * every front matter the fast reader takes is read alike by libyaml. */
START_TEST(random_front_matter_agrees_with_libyaml)
{
	static const char *const keys[] = { "title", "date", "source", "url", "id", "author", "x-y", "labels", "Title" };
	static const char *const bits[] = {
		"a", "Gaza", " ", "  ", ":", ": ", "#", " #", "'", "\"", "-", "?", ",", "[", "]", "{", "}", "&", "*",
		"!", "|", ">", "%", "@", "`", "\\", "\t", "\xE2\x80\x94", "\xC3\xA9", "\xF0\x9F\x95\x8A", "\xC2\x85",
		"\xE2\x80\xA8", "\xEF\xBB\xBF", "\xFF", "1", "2025-10-10", "null", "~", "yes", "\r", "http://x",
	};
	unsigned seed = 7;
	char text[512];
	size_t taken = 0;
	for (int iter = 0; iter < 40000; iter++) {
		size_t len = 0;
		int lines = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 4;
		for (int l = 0; l < lines; l++) {
			seed = seed * 1103515245u + 12345u;
			const char *k = keys[(seed >> 16) % (sizeof keys / sizeof keys[0])];
			len += (size_t)snprintf(text + len, sizeof text - len, "%s:", k);
			seed = seed * 1103515245u + 12345u;
			int parts = (int)((seed >> 16) % 6);
			if (parts)
				text[len++] = ' ';
			for (int b = 0; b < parts; b++) {
				seed = seed * 1103515245u + 12345u;
				const char *piece = bits[(seed >> 16) % (sizeof bits / sizeof bits[0])];
				size_t n = strlen(piece);
				memcpy(text + len, piece, n);
				len += n;
			}
			text[len++] = '\n';
		}
		fmfast_fields f;
		if (fmfast_parse(&f, text, len) == FMFAST_OK) {
			taken++;
			fmfast_clear(&f);
		}
		agrees(text, len);
	}
	/* The generator makes plenty of both kinds. */
	ck_assert_uint_gt(taken, 2000);
	ck_assert_uint_lt(taken, 38000);
}
END_TEST

static Suite *fmfast_suite(void)
{
	Suite *s = suite_create("fmfast");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, the_common_front_matter_is_read);
	tcase_add_test(tc, anything_else_is_left_to_libyaml);
	tcase_add_test(tc, random_front_matter_agrees_with_libyaml);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(fmfast_suite());
}
