/* The sentences a scanner has seen: an entry is found only for the same
 * bytes, the store keeps the entry used last where it must drop one, it
 * refuses what does not fit, newer bytes overwrite the oldest in the ring,
 * and a sighting is noted before an entry is made. */
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"
#include "pactscan/scanner.h"
#include "repeats_int.h"

static const repeat_entry *find(repeats *r, const char *text)
{
	return repeats_find(r, repeats_hash(text, strlen(text)), text, strlen(text));
}

static bool put(repeats *r, const char *text, unsigned facts, const char *record)
{
	return repeats_put(r, repeats_hash(text, strlen(text)), text, strlen(text), facts, record, strlen(record));
}

START_TEST(an_entry_is_found_for_the_same_bytes_only)
{
	repeats r = { 0 };
	const char *s = "Israeli troops withdrew from the town.";
	ck_assert_ptr_null(find(&r, s));
	ck_assert(put(&r, s, 5, "two findings"));
	const repeat_entry *e = find(&r, s);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->facts, 5);
	ck_assert_uint_eq(e->record_len, 12);
	ck_assert_mem_eq(repeats_blob(&r, e) + e->text_len, "two findings", 12);
	/* One byte apart, or one longer, is another sentence. */
	ck_assert_ptr_null(find(&r, "Israeli troops withdrew from the towN."));
	ck_assert_ptr_null(find(&r, "Israeli troops withdrew from the town. "));
	/* The same hash with other bytes (a collision) is no entry either. */
	uint64_t h = repeats_hash(s, strlen(s));
	const char *other = "Markets were calm.";
	ck_assert_ptr_null(repeats_find(&r, h, other, strlen(other)));
	/* An entry for the sentence again replaces its own: facts learned later. */
	ck_assert(put(&r, s, 13, ""));
	e = find(&r, s);
	ck_assert_uint_eq(e->facts, 13);
	ck_assert_uint_eq(e->record_len, 0);
	repeats_free(&r);
	repeats_free(&r);
}
END_TEST

START_TEST(a_set_keeps_the_entries_used_last)
{
	repeats r = { 0 };
	ck_assert(repeats_size(&r, PS_REPEAT_CACHE_DEFAULT));
	/* Three sentences put under hashes of one set. */
	const char *a = "Rain fell.", *b = "Wind blew.", *c = "Fans sang.";
	uint64_t h = 12345;
	ck_assert(repeats_put(&r, h, a, 10, 1, "a", 1));
	ck_assert(repeats_put(&r, h + r.sets, b, 10, 2, "b", 1));
	ck_assert_ptr_nonnull(repeats_find(&r, h, a, 10)); /* a used after b */
	ck_assert(repeats_put(&r, h + 2 * r.sets, c, 10, 3, "c", 1));
	ck_assert_ptr_nonnull(repeats_find(&r, h, a, 10));
	ck_assert_ptr_null(repeats_find(&r, h + r.sets, b, 10));
	const repeat_entry *e = repeats_find(&r, h + 2 * r.sets, c, 10);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->facts, 3);
	ck_assert_mem_eq(repeats_blob(&r, e), c, 10);
	repeats_free(&r);
}
END_TEST

START_TEST(what_does_not_fit_is_not_kept)
{
	repeats r = { 0 };
	ck_assert(repeats_size(&r, PS_REPEAT_CACHE_DEFAULT));
	static char text[REPEAT_MAX_BYTES + 1];
	memset(text, 'a', sizeof text);
	uint64_t h = repeats_hash(text, sizeof text);
	ck_assert(!repeats_put(&r, h, text, sizeof text, 0, NULL, 0));
	ck_assert_ptr_null(repeats_find(&r, h, text, sizeof text));
	/* A sentence that fits with a record too large for the rest. */
	h = repeats_hash(text, 1000);
	ck_assert(!repeats_put(&r, h, text, 1000, 0, text, REPEAT_MAX_BYTES - 999));
	ck_assert(repeats_put(&r, h, text, 1000, 0, text, REPEAT_MAX_BYTES - 1000));
	const repeat_entry *e = repeats_find(&r, h, text, 1000);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->text_len + e->record_len, REPEAT_MAX_BYTES);
	/* A short entry put where the long one was. */
	ck_assert(repeats_put(&r, h + r.sets, "x", 1, 0, NULL, 0));
	ck_assert(repeats_put(&r, h + 2 * r.sets, "y", 1, 0, "z", 1));
	ck_assert_ptr_null(repeats_find(&r, h, text, 1000));
	ck_assert_ptr_nonnull(repeats_find(&r, h + 2 * r.sets, "y", 1));
	repeats_free(&r);
}
END_TEST

/* Entries of 1,000 bytes, each in a set of its own, until the ring has
 * nearly gone round twice: an entry is found while its bytes are in the
 * ring and not once newer ones have taken their place, and one put across
 * the ring's end is whole at its start. Every sentence has the same bytes
 * and only the caller's hash and the record tell them apart, so an entry
 * whose bytes were overwritten would be found with another's record. */
START_TEST(newer_bytes_overwrite_the_oldest)
{
	repeats r = { 0 };
	ck_assert(repeats_size(&r, (size_t)640 << 10));
	static char text[900], record[100];
	memset(text, 's', sizeof text);
	size_t per_lap = r.ring_size / 1000, n = per_lap + per_lap * 9 / 10;
	ck_assert_uint_lt(n, r.sets); /* a set each */
	for (size_t i = 0; i < n; i++) {
		snprintf(record, sizeof record, "record %zu", i);
		ck_assert(repeats_put(&r, i, text, sizeof text, (unsigned)i, record, sizeof record));
		ck_assert_uint_le(r.written, (i + 1) * 1000 + 2 * (r.ring_size % 1000));
	}
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		const repeat_entry *e = repeats_find(&r, i, text, sizeof text);
		/* A lap's worth, less the one the ring's end may have split, are
		 * held; any before them are not. */
		if (i + per_lap - 1 >= n)
			ck_assert_msg(e != NULL, "entry %zu of %zu is lost", i, n);
		else if (i + per_lap < n)
			ck_assert_msg(e == NULL, "entry %zu of %zu is found", i, n);
		if (!e)
			continue;
		found++;
		snprintf(record, sizeof record, "record %zu", i);
		ck_assert_uint_eq(e->facts, (unsigned)i);
		const char *blob = repeats_blob(&r, e);
		ck_assert_mem_eq(blob, text, sizeof text);
		ck_assert_str_eq(blob + e->text_len, record);
		ck_assert(blob + 1000 <= r.ring + r.ring_size);
	}
	ck_assert_uint_ge(found, per_lap - 1);
	ck_assert_uint_le(found, per_lap);
	repeats_free(&r);
}
END_TEST

/* A store takes at most its budget: a fifth, to a power of two, for the
 * entries (sets of two, 64 bytes a set), the rest, to a power of two, for
 * the ring; none below the least. One never sized takes the default's on
 * its first put, and freeing it keeps its size. */
START_TEST(a_store_is_sized_to_its_budget)
{
	repeats r = { 0 };
	ck_assert(repeats_size(&r, PS_REPEAT_CACHE_DEFAULT));
	ck_assert_uint_eq(r.sets, 16384);
	ck_assert_uint_eq(r.ring_size, (size_t)4 << 20);
	ck_assert(repeats_size(&r, PS_REPEAT_CACHE_DEFAULT / 2));
	ck_assert_uint_eq(r.sets, 8192);
	ck_assert_uint_eq(r.ring_size, (size_t)2 << 20);
	ck_assert(repeats_size(&r, REPEAT_MIN_BYTES));
	ck_assert_uint_eq(r.sets, 32);
	ck_assert_uint_eq(r.ring_size, (size_t)8 << 10);
	ck_assert(!repeats_size(&r, REPEAT_MIN_BYTES - 1));
	ck_assert_uint_eq(r.sets, 32); /* unchanged */
	for (size_t bytes = REPEAT_MIN_BYTES; bytes < ((size_t)64 << 20); bytes = bytes * 3 / 2 + 7) {
		ck_assert(repeats_size(&r, bytes));
		size_t used = r.sets * REPEAT_WAYS * sizeof(repeat_entry) + r.ring_size;
		ck_assert_uint_le(used, bytes);
		ck_assert_uint_gt(2 * used, bytes); /* each part more than half its share */
		ck_assert_uint_eq(r.sets & (r.sets - 1), 0);
		ck_assert_uint_eq(r.ring_size & (r.ring_size - 1), 0);
		ck_assert_uint_ge(r.ring_size, 2 * REPEAT_MAX_BYTES);
	}
	repeats d = { 0 };
	ck_assert(repeats_put(&d, 1, "Rain fell.", 10, 0, NULL, 0));
	ck_assert_uint_eq(d.sets, 16384);
	repeats_free(&d);
	ck_assert_uint_eq(d.sets, 16384);
	ck_assert_ptr_null(repeats_find(&d, 1, "Rain fell.", 10));
	repeats_free(&d);
}
END_TEST

START_TEST(a_sighting_is_noted_the_first_time)
{
	repeats r = { 0 };
	uint64_t h = repeats_hash("Talks resumed.", 14);
	ck_assert(!repeats_sighted(&r, h));
	ck_assert(repeats_sighted(&r, h));
	ck_assert(repeats_sighted(&r, h));
	/* Another sentence in its place makes it new again. */
	uint64_t other = h ^ (UINT64_C(1) << 62);
	ck_assert(!repeats_sighted(&r, other));
	ck_assert(!repeats_sighted(&r, h));
	repeats_free(&r);
}
END_TEST

/* The hash reads every byte: a change anywhere in a sentence, or its
 * length, gives another (so such near repeats, which news is full of, are
 * not sighted as repeats). */
START_TEST(every_byte_changes_the_hash)
{
	char s[200];
	for (size_t len = 1; len <= sizeof s; len += 13) {
		for (size_t i = 0; i < len; i++)
			s[i] = (char)('a' + i % 26);
		uint64_t h = repeats_hash(s, len);
		ck_assert(h != repeats_hash(s, len - 1));
		for (size_t i = 0; i < len; i++) {
			s[i] ^= 1;
			ck_assert_msg(repeats_hash(s, len) != h, "a change at %zu of %zu", i, len);
			s[i] ^= 1;
		}
	}
	/* A trailing NUL is a byte, not padding. */
	ck_assert(repeats_hash("abc", 3) != repeats_hash("abc\0", 4));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("repeats");
	TCase *tc = tcase_create("repeats");
	tcase_add_test(tc, an_entry_is_found_for_the_same_bytes_only);
	tcase_add_test(tc, a_set_keeps_the_entries_used_last);
	tcase_add_test(tc, what_does_not_fit_is_not_kept);
	tcase_add_test(tc, newer_bytes_overwrite_the_oldest);
	tcase_add_test(tc, a_store_is_sized_to_its_budget);
	tcase_add_test(tc, a_sighting_is_noted_the_first_time);
	tcase_add_test(tc, every_byte_changes_the_hash);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
