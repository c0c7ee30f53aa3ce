/* Aho-Corasick: a walk of the table finds every occurrence of every
 * literal, ASCII letters without regard to case, as a plain search does. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "acmatch_int.h"
#include "helpers.h"

/* An occurrence: the literal's id and the offset of its last byte. */
typedef struct hit {
	uint32_t id;
	uint32_t end;
} hit;

static int cmp_hit(const void *a, const void *b)
{
	const hit *x = a, *y = b;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* As the walk reads a byte of text: case folded, and (the literals here
 * hold no other whitespace) whitespace as a space. */
static unsigned char fold(unsigned char c)
{
	if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r')
		return ' ';
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Walk the 32-bit table, and the 16-bit one when there is one, which must
 * agree; or, where the automaton was built as 16-bit state numbers
 * (next16, without delta), that table. Returns the number of hits, sorted. */
static size_t walk(hit *out, size_t max, const acm *m, const char *text, size_t len)
{
	size_t n = 0;
	uint32_t s = 0, s16 = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned c = m->cls[(unsigned char)text[i]];
		uint32_t state;
		bool output;
		if (m->delta) {
			uint32_t e = m->delta[s + c];
			s = e & ~ACM_HAS_OUTPUT;
			if (m->delta16) {
				uint16_t e16 = m->delta16[s16 + c];
				s16 = e16 & ~ACM16_HAS_OUTPUT;
				ck_assert_uint_eq(s16, s);
				ck_assert_int_eq(!!(e16 & ACM16_HAS_OUTPUT), !!(e & ACM_HAS_OUTPUT));
			}
			state = s / m->nclass;
			output = e & ACM_HAS_OUTPUT;
		} else {
			ck_assert_ptr_nonnull(m->next16);
			uint16_t e16 = m->next16[(size_t)s * m->nclass + c];
			s = state = e16 & ~ACM16_HAS_OUTPUT;
			output = e16 & ACM16_HAS_OUTPUT;
		}
		/* The flag says whether the state has output, and nothing else. */
		ck_assert_int_eq(output, m->out_start[state + 1] > m->out_start[state]);
		for (uint32_t k = m->out_start[state]; k < m->out_start[state + 1]; k++) {
			ck_assert_uint_lt(n, max);
			out[n++] = (hit){ m->out_ids[k], (uint32_t)i };
		}
	}
	qsort(out, n, sizeof(*out), cmp_hit);
	return n;
}

static size_t search(hit *out, size_t max, const char *const *lits, const size_t *lens, size_t nlits,
                     const char *text, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		for (size_t j = 0; j < nlits; j++) {
			if (lens[j] > i + 1)
				continue;
			size_t at = i + 1 - lens[j], k = 0;
			while (k < lens[j] && fold((unsigned char)text[at + k]) == (unsigned char)lits[j][k])
				k++;
			if (k == lens[j]) {
				ck_assert_uint_lt(n, max);
				out[n++] = (hit){ (uint32_t)j, (uint32_t)i };
			}
		}
	qsort(out, n, sizeof(*out), cmp_hit);
	return n;
}

/* Returns the number of hits. */
static size_t assert_same_hits(const acm *m, const char *const *lits, const size_t *lens, size_t nlits,
                               const char *text, size_t len)
{
	static hit a[8192], b[8192];
	size_t na = walk(a, 8192, m, text, len);
	size_t nb = search(b, 8192, lits, lens, nlits, text, len);
	ck_assert_uint_eq(na, nb);
	for (size_t i = 0; i < na; i++) {
		ck_assert_uint_eq(a[i].id, b[i].id);
		ck_assert_uint_eq(a[i].end, b[i].end);
	}
	return na;
}

START_TEST(the_textbook_example)
{
	const char *lits[] = { "he", "she", "his", "hers" };
	const size_t lens[] = { 2, 3, 3, 4 };
	acm m;
	ck_assert_int_eq(acm_build(&m, lits, lens, 4, true), PS_OK);
	ck_assert_uint_eq(m.nstates, 10);
	assert_same_hits(&m, lits, lens, 4, "USHERS and his shed", 19);
	/* At "ushe", the state of "she" holds its own literal, then that of
	 * its fail state "he". */
	hit h[8];
	size_t n = walk(h, 8, &m, "ushe", 4);
	ck_assert_uint_eq(n, 2);
	uint32_t state = 0;
	for (size_t i = 0; i < 4; i++)
		state = m.delta[state + m.cls[(unsigned char)"ushe"[i]]] & ~ACM_HAS_OUTPUT;
	state /= m.nclass;
	ck_assert_uint_eq(m.out_start[state + 1] - m.out_start[state], 2);
	ck_assert_uint_eq(m.out_ids[m.out_start[state]], 1);
	ck_assert_uint_eq(m.out_ids[m.out_start[state] + 1], 0);
	acm_free(&m);
}
END_TEST

/* Small alphabets make many shared prefixes, suffixes and fail chains. */
START_TEST(random_sets_match_a_plain_search)
{
	static const char alphabet[] = "abcAB \xE2\x80";
	uint64_t x = 0x9E3779B97F4A7C15u;
	for (int round = 0; round < 400; round++) {
		char store[40][8], text[200];
		const char *lits[40];
		size_t lens[40];
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t nlits = 1 + x % 40;
		for (size_t j = 0; j < nlits; j++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			lens[j] = x % 8 ? x % 8 : x % 3; /* now and then empty */
			for (size_t k = 0; k < lens[j]; k++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				store[j][k] = (char)fold((unsigned char)alphabet[x % (sizeof alphabet - 1)]);
			}
			lits[j] = store[j];
		}
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t len = x % sizeof text;
		for (size_t i = 0; i < len; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* Now and then a byte no literal holds, or whitespace that
			 * walks as a space. */
			text[i] = x % 16 == 0 ? 'z' : x % 16 == 1 ? "\t\n\v\f\r"[(x >> 8) % 5]
			                                       : alphabet[(x >> 8) % (sizeof alphabet - 1)];
		}
		acm m;
		ck_assert_int_eq(acm_build(&m, lits, lens, nlits, true), PS_OK);
		assert_same_hits(&m, lits, lens, nlits, text, len);
		acm_free(&m);
	}
}
END_TEST

/* A set whose table's entries do not fit 16 bits as offsets, but whose
 * states do as numbers (as the full pack's), is built as numbers for a
 * caller that only walks it: no 32-bit table at all. Any other caller
 * gets the 32-bit table (the gate's `any` half derives its own from it).
 * Text made of the words and bits of them. */
START_TEST(a_large_set_is_built_as_state_numbers)
{
	enum { N = 3000 };
	static char store[N][8], text[4000];
	static const char *lits[N];
	static size_t lens[N];
	uint64_t x = 0x2545F4914F6CDD1Du;
	for (size_t j = 0; j < N; j++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		lens[j] = j == 0 ? 1 : 5 + x % 4; /* one word of one letter: a root's child with output */
		for (size_t k = 0; k < lens[j]; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			store[j][k] = k && x % 9 == 0 ? ' ' : (char)('a' + x % 26);
		}
		lits[j] = store[j];
	}
	size_t len = 0;
	while (len + 10 < sizeof text) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		const char *w = store[x % N];
		size_t take = 1 + (x >> 16) % lens[x % N];
		for (size_t k = 0; k < take; k++)
			text[len++] = (x >> 40) % 3 ? (char)(w[k] - ('a' - 'A') * (w[k] != ' ')) : w[k];
		text[len++] = (x >> 32) % 2 ? ' ' : '\n';
	}
	acm m;
	ck_assert_int_eq(acm_build(&m, lits, lens, N, true), PS_OK);
	ck_assert_uint_lt(m.nstates, ACM16_HAS_OUTPUT);
	ck_assert_uint_ge((size_t)m.nstates * m.nclass, ACM16_HAS_OUTPUT);
	ck_assert_ptr_null(m.delta);
	ck_assert_ptr_nonnull(m.next16);
	/* Some words are in the text whole, and the one letter often: the walk
	 * has something to find. */
	ck_assert_uint_gt(assert_same_hits(&m, lits, lens, N, text, len), 100);
	ck_assert(acm_built(&m));
	acm_free(&m);
	ck_assert(!acm_built(&m));

	ck_assert_int_eq(acm_build(&m, lits, lens, N, false), PS_OK);
	ck_assert_ptr_nonnull(m.delta);
	ck_assert_ptr_null(m.next16);
	ck_assert_ptr_null(m.delta16);
	ck_assert_uint_gt(assert_same_hits(&m, lits, lens, N, text, len), 100);
	acm_free(&m);
}
END_TEST

START_TEST(no_literals_make_one_state)
{
	acm m;
	ck_assert_int_eq(acm_build(&m, NULL, NULL, 0, true), PS_OK);
	ck_assert_ptr_nonnull(m.delta);
	ck_assert_uint_eq(m.nstates, 1);
	assert_same_hits(&m, NULL, NULL, 0, "anything", 8);
	acm_free(&m);
}
END_TEST

/* Whitespace that no literal holds walks as a space; a whitespace byte
 * that a literal holds is its own byte. */
START_TEST(whitespace_walks_as_a_space)
{
	const char *lits[] = { "a b", "c\nd" };
	size_t lens[] = { 3, 3 };
	acm m;
	hit h[8];
	ck_assert_int_eq(acm_build(&m, lits, lens, 2, true), PS_OK);
	ck_assert_uint_eq(walk(h, 8, &m, "a b", 3), 1);
	ck_assert_uint_eq(walk(h, 8, &m, "A\tB", 3), 1);
	ck_assert_uint_eq(h[0].id, 0);
	ck_assert_uint_eq(walk(h, 8, &m, "a\rb", 3), 1);
	ck_assert_uint_eq(walk(h, 8, &m, "a\nb", 3), 0); /* a literal holds \n */
	ck_assert_uint_eq(walk(h, 8, &m, "c d", 3), 0);
	ck_assert_uint_eq(walk(h, 8, &m, "c\nd", 3), 1);
	ck_assert_uint_eq(h[0].id, 1);
	acm_free(&m);
}
END_TEST

START_TEST(too_many_distinct_bytes_is_a_limit)
{
	char all[256];
	const char *lits[1] = { all };
	size_t lens[1] = { sizeof all };
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	acm m;
	ck_assert_int_eq(acm_build(&m, lits, lens, 1, true), PS_ERR_LIMIT);
	ck_assert_ptr_null(m.delta);
	acm_free(&m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("acmatch");
	TCase *tc = tcase_create("acmatch");
	tcase_add_test(tc, the_textbook_example);
	tcase_add_test(tc, random_sets_match_a_plain_search);
	tcase_add_test(tc, no_literals_make_one_state);
	tcase_add_test(tc, a_large_set_is_built_as_state_numbers);
	tcase_add_test(tc, too_many_distinct_bytes_is_a_limit);
	tcase_add_test(tc, whitespace_walks_as_a_space);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
