/* Sentence segmentation of news prose. */
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"

/* Split text (final) and join the sentences with " | ". */
static const char *split(const char *text, size_t max_len)
{
	static char out[4096];
	size_t len = strlen(text), pos = 0;
	ps_segment seg;
	out[0] = '\0';
	while (pos < len && ps_segment_next(&seg, text + pos, len - pos, true, max_len)) {
		ck_assert_uint_le(seg.start, seg.end);
		ck_assert_uint_le(seg.end, seg.next);
		ck_assert_uint_gt(seg.next, 0);
		if (out[0])
			strcat(out, " | ");
		strncat(out, text + pos + seg.start, seg.end - seg.start);
		pos += seg.next;
	}
	return out;
}

#define assert_split(text, expected) ck_assert_str_eq(split((text), 0), (expected))

START_TEST(abbreviations_do_not_end_sentences)
{
	assert_split("Gen. Smith met Mr. Jones in the U.S. capital on Monday. Talks ended late.",
	             "Gen. Smith met Mr. Jones in the U.S. capital on Monday. | Talks ended late.");
	assert_split("A statement from No. 10 came first. Then the cabinet met.",
	             "A statement from No. 10 came first. | Then the cabinet met.");
	assert_split("J. R. Smith arrived in Cairo. He spoke briefly.",
	             "J. R. Smith arrived in Cairo. | He spoke briefly.");
	/* The longest abbreviation listed, and the shortest. */
	assert_split("The convoy held approx. Forty trucks. It waited.", "The convoy held approx. Forty trucks. | It waited.");
	assert_split("See p. 4 of the plan. It is short.", "See p. 4 of the plan. | It is short.");
	/* Words that merely look like abbreviations, and a line end after one. */
	assert_split("They met in Sharm el-Sheikh.\nThe talks began.", "They met in Sharm el-Sheikh. | The talks began.");
	assert_split("Aid came from the U.S.\nIt arrived Monday.", "Aid came from the U.S. | It arrived Monday.");
}
END_TEST

/* head word. tail stays one sentence; with a letter more on the word, two. */
static void assert_abbreviation(const char *head, const char *word, const char *tail)
{
	char text[128], want[128];
	snprintf(text, sizeof text, "%s%s. %s", head, word, tail);
	assert_split(text, text);
	snprintf(text, sizeof text, "%s%sx. %s", head, word, tail);
	snprintf(want, sizeof want, "%s%sx. | %s", head, word, tail);
	assert_split(text, want);
}

/* Each abbreviation the segmenter knows, before a capital and before a
 * number; a word one letter longer ends the sentence. */
START_TEST(every_listed_abbreviation_holds)
{
	static const char *const known[] = {
		"Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Cpl", "Adm", "Brig",
		"Cmdr", "Gov", "Sen", "Rep", "Pres", "Rev", "Hon", "St", "Mt", "Ft", "Jr", "Sr", "No", "Nos",
		"Vol", "Art", "Fig", "Jan", "Feb", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
		"Inc", "Ltd", "Corp", "Bros", "vs", "approx", "Dept", "Univ", "Ave", "Amb", "Supt", "Insp", "cf",
	};
	static const char *const before_number[] = { "No", "Nos", "Vol", "Art", "Fig", "p", "pp" };
	/* The word is found by a loop within sixteen bytes of the text's
	 * start, by a vector compare past them: both, each word. */
	for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
		assert_abbreviation("They met ", known[i], "Smith there.");
		assert_abbreviation("On Monday in Cairo they met ", known[i], "Smith there.");
	}
	for (size_t i = 0; i < sizeof before_number / sizeof *before_number; i++) {
		assert_abbreviation("See ", before_number[i], "12 of the plan.");
		assert_abbreviation("For the timetable see ", before_number[i], "12 of the plan.");
	}
}
END_TEST

/* The word before a period, wherever it stands: its periods, a word of
 * sixteen letters or more (more than the vector compare sees), and a word
 * that starts the text. */
START_TEST(the_word_before_a_period_is_read_whole)
{
	assert_split("Envoys from the U.S. Congress and the E.U. Commission met. Talks ended.",
	             "Envoys from the U.S. Congress and the E.U. Commission met. | Talks ended.");
	assert_split("Observers said the talks were counterrevolutionary. Others disagreed.",
	             "Observers said the talks were counterrevolutionary. | Others disagreed.");
	assert_split("It was called internationalization. Others disagreed.",
	             "It was called internationalization. | Others disagreed.");
	assert_split("Nobody expected the mediators from Washington.D.C. Talks ended.",
	             "Nobody expected the mediators from Washington.D.C. Talks ended.");
	assert_split("Counterproposals. Talks ended.", "Counterproposals. | Talks ended.");
	assert_split("Mr. Smith spoke.", "Mr. Smith spoke.");
	assert_split("The offer was a.bcdefghijklmnopqrs. Then more.", "The offer was a.bcdefghijklmnopqrs. Then more.");
}
END_TEST

START_TEST(decimals_and_times_stay_inside)
{
	assert_split("Aid rose 2.5 percent by 12:00 on Friday. Trucks waited at 3.30 p.m. near the crossing.",
	             "Aid rose 2.5 percent by 12:00 on Friday. | Trucks waited at 3.30 p.m. near the crossing.");
}
END_TEST

START_TEST(quotations)
{
	assert_split("\"We will not disarm,\" the official said. The talks stalled.",
	             "\"We will not disarm,\" the official said. | The talks stalled.");
	assert_split("He said: \"We are leaving.\" Then the convoy moved.",
	             "He said: \"We are leaving.\" | Then the convoy moved.");
	assert_split("\xE2\x80\x9CIt is over.\xE2\x80\x9D \xE2\x80\x9CNot yet,\xE2\x80\x9D she replied.",
	             "\xE2\x80\x9CIt is over.\xE2\x80\x9D | \xE2\x80\x9CNot yet,\xE2\x80\x9D she replied.");
	assert_split("Did the truce hold? Officials were unsure!", "Did the truce hold? | Officials were unsure!");
}
END_TEST

START_TEST(headlines_bullets_and_paragraphs)
{
	assert_split("Hamas rejects disarmament demand\nThe group said on Monday it would keep its weapons.",
	             "Hamas rejects disarmament demand | The group said on Monday it would keep its weapons.");
	assert_split("Key points:\n- Hostages freed\n- Prisoners released\n",
	             "Key points: | Hostages freed | Prisoners released");
	assert_split("1. Ceasefire holds\n2. Aid enters", "Ceasefire holds | Aid enters");
	assert_split("First paragraph without a stop\n\nSecond one", "First paragraph without a stop | Second one");
	/* A wrapped line that continues in lower case is one sentence. */
	assert_split("Troops pulled back from\nthe line on Friday.", "Troops pulled back from\nthe line on Friday.");
}
END_TEST

START_TEST(crlf_and_lone_cr)
{
	assert_split("One thing happened.\r\nAnother followed.\r\n", "One thing happened. | Another followed.");
	assert_split("Headline\rBody text here.", "Headline | Body text here.");
}
END_TEST

START_TEST(streaming_waits_for_more)
{
	ps_segment seg;
	/* Whether "Mr." ends the sentence depends on what follows. */
	ck_assert(!ps_segment_next(&seg, "He met Mr.", 10, false, 0));
	ck_assert(ps_segment_next(&seg, "He met Mr.", 10, true, 0));
	ck_assert_uint_eq(seg.end, 10);
	ck_assert(!ps_segment_next(&seg, "   \n ", 5, true, 0));
	ck_assert(!ps_segment_next(&seg, "", 0, true, 0));
	ck_assert(ps_segment_next(&seg, "x", 1, true, 0));
	ck_assert_uint_eq(seg.end, 1);
}
END_TEST

/* A sentence is cut only past the cap: one of exactly max_len bytes with
 * more to come waits (the document may end there), as one scan of the
 * whole document would not cut it. */
START_TEST(a_run_of_exactly_the_cap_waits_for_more)
{
	char text[130];
	memset(text, 'a', sizeof text);
	for (size_t i = 5; i < sizeof text; i += 8)
		text[i] = ' ';
	ps_segment seg;
	ck_assert(!ps_segment_next(&seg, text, 64, false, 64));
	ck_assert(ps_segment_next(&seg, text, 64, true, 64));
	ck_assert(!seg.forced);
	ck_assert_uint_eq(seg.end, 64);
	/* One byte past the cap: cut, at the last space, fed or whole. */
	ck_assert(ps_segment_next(&seg, text, 65, false, 64));
	ck_assert(seg.forced);
	ck_assert_uint_eq(seg.next, 62);
	ck_assert(ps_segment_next(&seg, text, 65, true, 64));
	ck_assert(seg.forced);
	ck_assert_uint_eq(seg.next, 62);
}
END_TEST

START_TEST(long_runs_are_cut_on_utf8_boundaries)
{
	char text[400];
	size_t len = 0;
	/* 2-byte characters with no space: a cut must not split one. */
	while (len + 2 < sizeof text) {
		text[len++] = (char)0xC3;
		text[len++] = (char)0xA9;
	}
	size_t pos = 0, total = 0, pieces = 0;
	ps_segment seg;
	while (pos < len && ps_segment_next(&seg, text + pos, len - pos, true, 64)) {
		ck_assert(seg.end - seg.start <= 64);
		ck_assert_int_ne((unsigned char)text[pos + seg.end - 1], 0xC3);
		total += seg.end - seg.start;
		pos += seg.next;
		pieces++;
	}
	ck_assert_uint_eq(total, len);
	ck_assert_uint_ge(pieces, 6);
}
END_TEST

START_TEST(segments_cover_the_input_in_order)
{
	const char *text = "  The truce held.  Troops pulled back!\n\nAid entered Gaza. ";
	size_t len = strlen(text), pos = 0, last_end = 0;
	ps_segment seg;
	while (pos < len && ps_segment_next(&seg, text + pos, len - pos, true, 0)) {
		ck_assert_uint_ge(pos + seg.start, last_end);
		for (size_t i = last_end; i < pos + seg.start; i++)
			ck_assert(text[i] == ' ' || text[i] == '\n');
		last_end = pos + seg.end;
		pos += seg.next;
	}
	for (size_t i = last_end; i < len; i++)
		ck_assert(text[i] == ' ' || text[i] == '\n');
}
END_TEST

/* Line ends as the scanner counts them (LF, CR, CR LF), one byte at a
 * time: the reference for ps_segment_count_lines. */
static uint64_t lines_by_byte(const char *t, size_t n, bool *cr)
{
	uint64_t count = 0;
	for (size_t i = 0; i < n; i++) {
		count += t[i] == '\r' || (t[i] == '\n' && !*cr);
		*cr = t[i] == '\r';
	}
	return count;
}

START_TEST(lines_are_counted_as_the_scanner_counts_them)
{
	bool cr = false;
	ck_assert_uint_eq(ps_segment_count_lines("", 0, &cr), 0);
	ck_assert_uint_eq(ps_segment_count_lines("a\nb\r\nc\rd\n\r", 10, &cr), 5);
	ck_assert(cr);
	/* A CR LF pair split across two calls ends one line. */
	ck_assert_uint_eq(ps_segment_count_lines("\nx\n", 3, &cr), 1);
	ck_assert(!cr);
	ck_assert_uint_eq(ps_segment_count_lines("\n\n", 2, NULL), 2);
	/* More LFs than a byte counts in each of the sixteen-byte lanes. */
	static char lfs[8000];
	memset(lfs, '\n', sizeof lfs);
	ck_assert_uint_eq(ps_segment_count_lines(lfs, sizeof lfs, NULL), sizeof lfs);
	/* Sixteen line ends in a block, every byte of it: lone CRs, then CR LF
	 * pairs (a line each). */
	char crs[40];
	memset(crs, '\r', sizeof crs);
	ck_assert_uint_eq(ps_segment_count_lines(crs, sizeof crs, NULL), sizeof crs);
	for (size_t i = 0; i < sizeof crs; i += 2)
		crs[i + 1] = '\n';
	ck_assert_uint_eq(ps_segment_count_lines(crs, sizeof crs, NULL), sizeof crs / 2);
	/* Random texts of LF, CR and letters, cut at random places, against
	 * the reference: pairs at sixteen-byte block edges, runs of CRs; and
	 * long texts with few CRs or none (counted 4,080 bytes at a time,
	 * where no CR is among them), with a CR LF pair across their pieces. */
	unsigned seed = 7;
	static char text[12000];
	for (int round = 0; round < 3000; round++) {
		bool long_text = round % 3 == 2;
		size_t n = (size_t)(rand_r(&seed) % (long_text ? sizeof text : 300));
		for (size_t i = 0; i < n; i++) {
			if (long_text)
				text[i] = round % 2 && rand_r(&seed) % 1500 == 0 ? '\r' : "\nab"[rand_r(&seed) % 3];
			else
				text[i] = "\n\rab"[rand_r(&seed) % (round % 2 ? 3 : 4)];
		}
		bool want_cr = false, got_cr = false;
		uint64_t want = lines_by_byte(text, n, &want_cr), got = 0;
		for (size_t at = 0; at < n;) {
			size_t piece = 1 + (size_t)(rand_r(&seed) % (long_text ? 6000 : 40));
			if (long_text && round % 5 == 0) {
				/* A piece that ends on a CR, the next starting with LF. */
				char *next_cr = memchr(text + at, '\r', n - at);
				if (next_cr && next_cr + 1 < text + n && next_cr[1] == '\n')
					piece = (size_t)(next_cr - text) + 1 - at;
			}
			if (piece > n - at)
				piece = n - at;
			got += ps_segment_count_lines(text + at, piece, &got_cr);
			at += piece;
		}
		ck_assert_uint_eq(got, want);
		ck_assert_int_eq(got_cr, want_cr);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("segment");
	TCase *tc = tcase_create("segment");
	tcase_add_test(tc, abbreviations_do_not_end_sentences);
	tcase_add_test(tc, every_listed_abbreviation_holds);
	tcase_add_test(tc, the_word_before_a_period_is_read_whole);
	tcase_add_test(tc, decimals_and_times_stay_inside);
	tcase_add_test(tc, quotations);
	tcase_add_test(tc, headlines_bullets_and_paragraphs);
	tcase_add_test(tc, crlf_and_lone_cr);
	tcase_add_test(tc, streaming_waits_for_more);
	tcase_add_test(tc, long_runs_are_cut_on_utf8_boundaries);
	tcase_add_test(tc, a_run_of_exactly_the_cap_waits_for_more);
	tcase_add_test(tc, segments_cover_the_input_in_order);
	tcase_add_test(tc, lines_are_counted_as_the_scanner_counts_them);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
