/* The fast JSON Lines record reader (src/cli/jsonrec.c): it takes the
 * common records, and whatever it takes, jansson reads the same way. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "jsonrec.h"
#include "jsonref.h"

/* The fast reader takes line, with the fields jansson reads. */
static void assert_taken(const char *line)
{
	jsonrec fast, ref;
	size_t len = strlen(line);
	ck_assert_msg(jsonrec_parse(&fast, line, len) == JSONREC_OK, "not taken: %s", line);
	ck_assert_msg(jsonref_read(&ref, line, len) == 1, "jansson refuses: %s", line);
	ck_assert_msg(jsonref_same(&fast, &ref), "fields differ from jansson's: %s", line);
	jsonrec_clear(&fast);
	jsonrec_clear(&ref);
}

/* The fast reader leaves line to jansson. */
static void assert_left(const char *line, size_t len)
{
	jsonrec fast;
	ck_assert_msg(jsonrec_parse(&fast, line, len) == JSONREC_UNSURE, "taken: %s", line);
	ck_assert_ptr_null(fast.id);
	ck_assert_ptr_null(fast.text);
}

#define LEFT(s) assert_left((s), sizeof(s) - 1)

START_TEST(common_records_are_taken)
{
	assert_taken("{\"id\":\"a1\",\"text\":\"Troops withdrew from Rafah.\"}\n");
	assert_taken("{\"id\": \"a2\", \"title\": \"T\", \"date\": \"2025-10-10\", \"source\": \"wire\", \"url\": "
	             "\"https://x.example/a\", \"text\": \"Aid \\\"flowed\\\"\\n\\tagain.\"}\r\n");
	assert_taken("  {\"text\":\"\",\"id\":\"\",\"title\":null,\"url\":null}  ");
	/* Fields the reader does not use, of every plain kind. */
	assert_taken("{\"id\":\"x\",\"text\":\"t\",\"n\":-12.5,\"z\":0,\"big\":123456789012345678,\"ok\":true,"
	             "\"no\":false,\"nil\":null,\"s\":\"\\u00e9\"}");
	/* Escapes and raw UTF-8 decode as jansson decodes them. */
	assert_taken("{\"id\":\"\\u0041\\/\",\"text\":\"caf\\u00e9 \xE2\x80\x99 \\ud83d\\ude00 \xF0\x9F\x98\x80 "
	             "\\b\\f\\r\\\\\"}");
	assert_taken("{\"id\":\"k\",\"text\":\"\x7F del and \xC2\xA0 nbsp\"}");
}
END_TEST

START_TEST(unusual_records_are_left_to_jansson)
{
	LEFT("{\"id\":7,\"text\":\"numeric ids are jansson's\"}");
	LEFT("{\"id\":\"a\",\"text\":\"t\",\"meta\":{\"k\":1}}");
	LEFT("{\"id\":\"a\",\"text\":\"t\",\"tags\":[1,2]}");
	LEFT("{\"id\":\"a\",\"text\":\"t\",\"id\":\"b\"}");
	LEFT("{\"id\":\"a\"}");
	LEFT("{\"text\":\"t\"}");
	LEFT("{}");
	LEFT("[]");
	LEFT("\"just a string\"");
	LEFT("{\"id\":\"a\",\"text\":\"t\"} trailing");
	LEFT("{\"id\":\"a\",\"text\":\"t\",}");
	LEFT("{\"id\":\"a\",\"text\":\"t\"");
	LEFT("{\"id\":\"a\",\"text\":\"t");
	LEFT("{\"id\":\"a\",\"text\":null}");
	LEFT("{\"id\":null,\"text\":\"t\"}");
	LEFT("{\"id\":\"a\",\"text\":\"t\",\"title\":3}");
	LEFT("{\"id\":\"a\",\"text\":\"t\",\"n\":012}");
	LEFT("{\"id\":\"a\",\"text\":\"t\",\"n\":1e999}");
	LEFT("{\"id\":\"a\",\"text\":\"t\",\"n\":1234567890123456789012}");
	LEFT("{\"id\":\"a\",\"text\":\"t\",\"n\":1.}");
	LEFT("{\"id\":\"a\",\"text\":\"t\",\"n\":-}");
	LEFT("{\"id\":\"a\",\"text\":\"t\",\"b\":tru}");
	LEFT("{\"i\\u0064\":\"a\",\"text\":\"t\"}");
	LEFT("{\"id\":\"a\",\"text\":\"nul \\u0000 inside\"}");
	LEFT("{\"id\":\"a\",\"text\":\"lone \\ud800 high\"}");
	LEFT("{\"id\":\"a\",\"text\":\"lone \\udc00 low\"}");
	LEFT("{\"id\":\"a\",\"text\":\"bad \\x escape\"}");
	LEFT("{\"id\":\"a\",\"text\":\"short \\u12\"}");
	LEFT("{\"id\":\"a\",\"text\":\"raw\ttab\"}");
	LEFT("{\"id\":\"a\",\"text\":\"overlong \xC0\x80\"}");
	LEFT("{\"id\":\"a\",\"text\":\"surrogate \xED\xA0\x80\"}");
	LEFT("{\"id\":\"a\",\"text\":\"past U+10FFFF \xF4\x90\x80\x80\"}");
	LEFT("{\"id\":\"a\",\"text\":\"cut \xE2\x80\"}");
	LEFT("{\"id\":\"a\",\"text\":\"stray \x80\"}");
	assert_left("{\"id\":\"a\",\"text\":\"nul\0byte\"}", 26);
	assert_left("{\"id\":\"a\",\"text\":\"t\"}\0", 23);
}
END_TEST

/* Whatever the fast reader takes, jansson takes alike: lines mutated at
 * random from good records, with a fixed seed. */
START_TEST(whatever_is_taken_jansson_reads_alike)
{
	static const char *const seeds[] = {
		"{\"id\":\"a1\",\"title\":\"Aid\",\"text\":\"Trucks \\\"entered\\\" Gaza \\u00e9\\ud83d\\ude00.\",\"n\":1.5}\n",
		"{ \"text\" : \"caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D\", \"id\" : \"b\", \"x\" : [1], \"url\" : null }",
		/* Plain runs longer than the reader's sixteen-byte steps. */
		("{\"id\":\"c\",\"text\":\"The ceasefire held through the night in Khan Younis and Rafah, officials said; "
		 "aid convoys entered through Kerem Shalom \\u2014 and Zikim.\"}"),
	};
	static const char alphabet[] = "{}[]\":,\\u0aAe-.1 \t\ndxtnull\x80\xC3\xE2\xF0\xED";
	char line[256];
	unsigned long taken = 0, r = 12345;
	for (int round = 0; round < 200000; round++) {
		const char *seed = seeds[round % 3];
		size_t len = strlen(seed);
		memcpy(line, seed, len);
		for (int k = 0; k < 1 + round % 3; k++) {
			r = r * 6364136223846793005ul + 1442695040888963407ul;
			size_t at = (size_t)(r >> 33) % len;
			char c = alphabet[(r >> 20) % (sizeof alphabet - 1)];
			switch ((r >> 8) % 3) {
			case 0: line[at] = c; break;
			case 1: memmove(line + at, line + at + 1, len - at - 1); len--; break;
			default:
				if (len + 1 < sizeof line) {
					memmove(line + at + 1, line + at, len - at);
					line[at] = c;
					len++;
				}
			}
		}
		jsonrec fast, ref;
		jsonrec_status st = jsonrec_parse(&fast, line, len);
		ck_assert_int_ne(st, JSONREC_NOMEM);
		if (st != JSONREC_OK)
			continue;
		taken++;
		ck_assert_msg(jsonref_read(&ref, line, len) == 1, "taken but jansson refuses: %.*s", (int)len, line);
		ck_assert_msg(jsonref_same(&fast, &ref), "fields differ from jansson's: %.*s", (int)len, line);
		jsonrec_clear(&fast);
		jsonrec_clear(&ref);
	}
	/* The mutations must leave many lines good, or the test tests nothing. */
	ck_assert_uint_gt(taken, 10000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jsonrec");
	TCase *tc = tcase_create("jsonrec");
	tcase_add_test(tc, common_records_are_taken);
	tcase_add_test(tc, unusual_records_are_left_to_jansson);
	tcase_add_test(tc, whatever_is_taken_jansson_reads_alike);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
