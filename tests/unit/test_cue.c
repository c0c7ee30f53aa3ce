/* The cues' word counts: words are runs of bytes that are not PCRE2's \s
 * (space, tab, LF, VT, FF, CR), as a scope of "within n words" counts them. */
#include <stdlib.h>

#include "cue_int.h"
#include "helpers.h"

/* The count a byte at a time, as the scope's rule says. */
static size_t words_by_byte(const char *s, size_t a, size_t b)
{
	size_t n = 0;
	bool in_word = false;
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)s[i];
		bool space = c == ' ' || (c >= '\t' && c <= '\r');
		n += !space && !in_word;
		in_word = !space;
	}
	return n;
}

START_TEST(words_are_runs_of_non_space)
{
	const char *s = "Hamas said\ton Monday,\r\nit would\v\fdisarm.";
	ck_assert_uint_eq(cue_words(s, 0, strlen(s)), 7);
	ck_assert_uint_eq(cue_words(s, 0, 0), 0);
	/* A range that starts inside a word counts that word. */
	ck_assert_uint_eq(cue_words(s, 2, 10), 2);
	ck_assert_uint_eq(cue_words("   ", 0, 3), 0);
	/* Bytes past ASCII (NBSP's, a curly quote's) are word bytes. */
	ck_assert_uint_eq(cue_words("\xC2\xA0 \xE2\x80\x9Cyes\xE2\x80\x9D", 0, 12), 2);
}
END_TEST

/* Random texts and ranges, against the count a byte at a time: ranges of
 * every length around the sixteen bytes counted at a time, words across
 * their edges, every kind of space, bytes from 0x80. */
START_TEST(counts_match_a_byte_at_a_time)
{
	static const char kinds[] = " \t\n\v\f\rab\x80\xE2\x1F!";
	char text[200];
	unsigned seed = 11;
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(rand_r(&seed) % sizeof text);
		for (size_t i = 0; i < n; i++)
			text[i] = kinds[rand_r(&seed) % (round % 2 ? 4 : sizeof kinds - 1)];
		size_t a = n ? (size_t)(rand_r(&seed) % (n + 1)) : 0;
		size_t b = a + (size_t)(rand_r(&seed) % (n - a + 1));
		ck_assert_uint_eq(cue_words(text, a, b), words_by_byte(text, a, b));
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cue");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, words_are_runs_of_non_space);
	tcase_add_test(tc, counts_match_a_byte_at_a_time);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
