/* Blanking front matter (src/cli/frontmatter.c): a line at a time, as the
 * scan does, against the rule it implements one byte at a time, on
 * documents fed whole and in pieces cut anywhere. */
#include <stdio.h>
#include <stdlib.h>

#include "frontmatter.h"
#include "helpers.h"

/* The rule, a byte at a time: the first line "---" opens front matter; its
 * lines up to and with a closing "---" or "..." line are blanked to spaces
 * but for line ends (LF kept, CR kept and not counted in a line). A first
 * line that turns out to be something else is left from where it did. */
typedef struct ref_state {
	int phase;
	size_t line_len;
	char head[4];
	bool all_dashes;
} ref_state;

static void ref_blank(ref_state *r, char *buf, size_t n)
{
	for (size_t i = 0; i < n && r->phase != 2; i++) {
		char c = buf[i];
		if (c == '\n') {
			if (r->phase == 0)
				r->phase = r->line_len == 3 && r->all_dashes ? 1 : 2;
			else if (r->line_len == 3 && (!memcmp(r->head, "---", 3) || !memcmp(r->head, "...", 3)))
				r->phase = 2;
			r->line_len = 0;
			continue;
		}
		if (c == '\r')
			continue;
		if (r->phase == 0) {
			r->all_dashes = r->all_dashes && c == '-';
			if (!r->all_dashes || r->line_len >= 3) {
				r->phase = 2;
				break;
			}
		} else if (r->line_len < sizeof r->head) {
			r->head[r->line_len] = c;
		}
		r->line_len++;
		buf[i] = ' ';
	}
}

/* Blank doc both ways, in pieces ending at the cuts given (ascending, the
 * last at len), and say whether the texts and the phases agree. */
static void agrees(const char *doc, size_t len, const size_t *cuts, size_t n_cuts)
{
	char *fast = malloc(len + 1), *ref = malloc(len + 1);
	ck_assert_ptr_nonnull(fast);
	ck_assert_ptr_nonnull(ref);
	memcpy(fast, doc, len);
	memcpy(ref, doc, len);
	frontmatter fm;
	frontmatter_init(&fm);
	ref_state r = { .all_dashes = true };
	size_t at = 0;
	for (size_t k = 0; k < n_cuts; k++) {
		frontmatter_blank(&fm, fast + at, cuts[k] - at);
		ref_blank(&r, ref + at, cuts[k] - at);
		at = cuts[k];
	}
	if (memcmp(fast, ref, len) || fm.phase != r.phase)
		ck_abort_msg("blanked differently (phase %d, the rule's %d): [%.*s] against [%.*s] from [%.*s]", fm.phase,
		             r.phase, (int)len, fast, (int)len, ref, (int)len, doc);
	free(fast);
	free(ref);
}

static void agrees_whole(const char *doc)
{
	size_t len = strlen(doc);
	agrees(doc, len, &len, 1);
}

START_TEST(the_common_front_matter_is_blanked_and_the_text_kept)
{
	const char *doc = "---\ntitle: \"Troops pull back\"\ndate: 2025-10-10\n---\nTroops withdrew.\n";
	char buf[128];
	size_t len = strlen(doc);
	memcpy(buf, doc, len);
	frontmatter fm;
	frontmatter_init(&fm);
	frontmatter_blank(&fm, buf, len);
	const char *want = "   \n                         \n                \n   \n"
	                   "Troops withdrew.\n";
	ck_assert_int_eq(fm.phase, 2);
	ck_assert(!memcmp(buf, want, len));
	agrees_whole(doc);
}
END_TEST

START_TEST(edge_cases_agree_with_the_rule)
{
	static const char *const docs[] = {
		"", "-", "--", "---", "---\n", "----\ntitle: x\n---\n", "--x\nbody\n", "---\r\ntitle: x\r\n---\r\nbody\r\n",
		"---\ntitle: x\n...\nbody\n", "---\ntitle: x\n--- \nmore\n---\nbody\n", "---\n\n\n---\nbody",
		"---\ntitle: a\rb\n---\n", "---\n---", "---\n----\n---\nbody", "---\n..\n...\nbody", "\n---\n",
		"---\nno end at all, the whole text is front matter\nand this too",
		"---\ntitle: x\n-\r--\nbody\n---\n", "Troops withdrew.\n---\n",
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		agrees_whole(docs[i]);
		/* Every single cut, and a cut after each byte. */
		size_t len = strlen(docs[i]), cuts[2], every[128];
		for (size_t c = 0; c <= len; c++) {
			cuts[0] = c;
			cuts[1] = len;
			agrees(docs[i], len, cuts, 2);
		}
		for (size_t c = 0; c < len; c++)
			every[c] = c + 1;
		if (len)
			agrees(docs[i], len, every, len);
	}
}
END_TEST

START_TEST(random_documents_in_random_pieces_agree_with_the_rule)
{
	/* Lines of few kinds, so that delimiters, CRs and dashes meet often. */
	static const char *const parts[] = { "---", "...", "-", "--", "----", "title: x", "\r", "\n", "\n", "\n",
		                                 " ", "a", "date: 2025-10-10", "..", "-\r-" };
	unsigned seed = 12345;
	char doc[256];
	size_t cuts[256];
	for (int round = 0; round < 20000; round++) {
		size_t len = 0;
		/* Most documents open with front matter, as the rule needs. */
		if (rand_r(&seed) % 4) {
			memcpy(doc, "---\n", 4);
			len = 4;
		}
		size_t n_parts = (size_t)(rand_r(&seed) % 24);
		for (size_t k = 0; k < n_parts; k++) {
			const char *p = parts[rand_r(&seed) % (sizeof parts / sizeof parts[0])];
			size_t pl = strlen(p);
			if (len + pl >= sizeof doc)
				break;
			memcpy(doc + len, p, pl);
			len += pl;
		}
		size_t n_cuts = 0;
		for (size_t at = 0; at < len;) {
			at += 1 + (size_t)(rand_r(&seed) % 40);
			cuts[n_cuts++] = at < len ? at : len;
		}
		if (!n_cuts)
			cuts[n_cuts++] = 0;
		agrees(doc, len, cuts, n_cuts);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("frontmatter");
	TCase *tc = tcase_create("frontmatter");
	tcase_add_test(tc, the_common_front_matter_is_blanked_and_the_text_kept);
	tcase_add_test(tc, edge_cases_agree_with_the_rule);
	tcase_add_test(tc, random_documents_in_random_pieces_agree_with_the_rule);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
