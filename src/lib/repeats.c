#include "repeats_int.h"

#include "pactscan/scanner.h"

#include <stdlib.h>
#include <string.h>

#define MUL1 UINT64_C(0x9E3779B97F4A7C15)
#define MUL2 UINT64_C(0xBF58476D1CE4E5B9)
#define MUL3 UINT64_C(0x94D049BB133111EB)

static uint64_t load64(const char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 31;
	h *= MUL2;
	h ^= h >> 29;
	return h;
}

static uint64_t rotl(uint64_t v, unsigned k)
{
	return v << k | v >> (64 - k);
}

/* Every byte, 32 a step in four lanes whose multiplies overlap: each
 * sentence that may be in the setting is hashed. (A hash of a few places,
 * its start, middle and end, cost more than this one: news varies a
 * sentence in a word or a number, and each such pair looked alike, and
 * was kept as a repeat for nothing.) Sentences with equal hashes are told
 * apart by their bytes. */
uint64_t repeats_hash(const char *text, size_t len)
{
	uint64_t h[4] = { len, MUL1, MUL2, MUL3 };
	size_t i = 0;
	for (; i + 32 <= len; i += 32)
		for (size_t k = 0; k < 4; k++)
			h[k] = (h[k] ^ load64(text + i + 8 * k)) * MUL1;
	if (i < len) {
		char tail[32] = { 0 };
		memcpy(tail, text + i, len - i);
		for (size_t k = 0; k < 4; k++)
			h[k] = (h[k] ^ load64(tail + 8 * k)) * MUL1;
	}
	return mix(h[0] ^ rotl(h[1], 16) ^ rotl(h[2], 32) ^ rotl(h[3], 48));
}

_Static_assert(sizeof(repeat_entry) * REPEAT_WAYS == 64, "a set is one cache line");

static size_t floor_pow2(size_t n)
{
	size_t p = 1;
	while (p <= n / 2)
		p *= 2;
	return p;
}

bool repeats_size(repeats *r, size_t bytes)
{
	if (bytes < REPEAT_MIN_BYTES)
		return false;
	size_t entries = floor_pow2(bytes / 5);
	r->sets = entries / (REPEAT_WAYS * sizeof(repeat_entry));
	r->ring_size = floor_pow2(bytes - entries);
	return true;
}

static size_t set_of(const repeats *r, uint64_t hash)
{
	return (size_t)(hash & (r->sets - 1)) * REPEAT_WAYS;
}

/* Are an entry's bytes still in the ring? The newer ones overwrite them
 * once the ring has taken ring_size more bytes since. */
static bool held(const repeats *r, const repeat_entry *e)
{
	return r->written - e->at <= r->ring_size;
}

const char *repeats_blob(const repeats *r, const repeat_entry *e)
{
	return r->ring + (e->at & (r->ring_size - 1));
}

/* An entry in use for a sentence of this hash and length. */
static bool keyed(const repeat_entry *e, uint64_t hash, size_t len)
{
	return e->hash == hash && e->text_len == len && e->used;
}

static bool same(const repeats *r, const repeat_entry *e, uint64_t hash, const char *text, size_t len)
{
	return keyed(e, hash, len) && held(r, e) && memcmp(repeats_blob(r, e), text, len) == 0;
}

/* Make entry k the first of the set at i, the others moved down one. */
static void to_front(repeats *r, size_t i, size_t k)
{
	repeat_entry e = r->entries[i + k];
	for (; k > 0; k--)
		r->entries[i + k] = r->entries[i + k - 1];
	r->entries[i] = e;
}

static size_t sight_index(uint64_t hash)
{
	return (size_t)(hash >> 16) & (REPEAT_SIGHTS - 1);
}

static uint16_t *sight_of(repeats *r, uint64_t hash)
{
	return &r->sights[sight_index(hash)];
}

void repeats_prefetch(const repeats *r, uint64_t hash)
{
	if (r->entries)
		__builtin_prefetch(&r->entries[set_of(r, hash)]);
	if (r->sights)
		__builtin_prefetch(&r->sights[sight_index(hash)]);
}

void repeats_prefetch_bytes(const repeats *r, uint64_t hash, size_t len)
{
	if (!r->entries)
		return;
	const repeat_entry *e = &r->entries[set_of(r, hash)];
	for (size_t k = 0; k < REPEAT_WAYS; k++, e++) {
		if (keyed(e, hash, len)) {
			const char *b = repeats_blob(r, e);
			for (size_t o = 0; o < len + e->record_len; o += 64)
				__builtin_prefetch(b + o);
			return;
		}
	}
}

const repeat_entry *repeats_find(repeats *r, uint64_t hash, const char *text, size_t len)
{
	/* Where the set has no entry, the sight is looked at next: both are
	 * seldom in the cache, and fetched together they cost one wait. */
	repeats_prefetch(r, hash);
	if (!r->entries)
		return NULL;
	size_t i = set_of(r, hash);
	for (size_t k = 0; k < REPEAT_WAYS; k++) {
		if (same(r, &r->entries[i + k], hash, text, len)) {
			to_front(r, i, k);
			return &r->entries[i];
		}
	}
	return NULL;
}

bool repeats_sighted(repeats *r, uint64_t hash)
{
	if (!r->sights && !r->failed && !(r->sights = calloc(REPEAT_SIGHTS, sizeof(*r->sights))))
		r->failed = true;
	if (!r->sights)
		return false;
	uint16_t *at = sight_of(r, hash), tag = (uint16_t)(hash >> 48) | 1;
	if (*at == tag)
		return true;
	*at = tag;
	return false;
}

bool repeats_put(repeats *r, uint64_t hash, const char *text, size_t len, unsigned facts, const void *record,
                 size_t record_len)
{
	if (r->failed || len > REPEAT_MAX_BYTES || record_len > REPEAT_MAX_BYTES - len)
		return false;
	if (!r->entries) {
		/* The ring is not zeroed: its pages come as they are first
		 * written, so a short document takes only what it fills. */
		if (!r->sets)
			repeats_size(r, PS_REPEAT_CACHE_DEFAULT);
		size_t n = r->sets * REPEAT_WAYS * sizeof(*r->entries);
		r->entries = aligned_alloc(64, n);
		r->ring = malloc(r->ring_size);
		if (r->entries)
			memset(r->entries, 0, n);
		if (!r->entries || !r->ring) {
			/* None, so that a lookup finds none. */
			repeats_free(r);
			r->failed = true;
			return false;
		}
	}
	size_t i = set_of(r, hash);
	/* The sentence's own entry if it has one (its facts are now more),
	 * else the one used longest ago. */
	size_t k = REPEAT_WAYS - 1;
	for (size_t j = 0; j < REPEAT_WAYS; j++) {
		if (same(r, &r->entries[i + j], hash, text, len)) {
			k = j;
			break;
		}
	}
	/* The bytes go next in the ring, whole: where they would run past its
	 * end, at its start, the end's few bytes left unused. */
	size_t need = len + record_len, o = (size_t)(r->written & (r->ring_size - 1));
	if (o + need > r->ring_size) {
		r->written += r->ring_size - o;
		o = 0;
	}
	/* memmove: text may be an entry's own blob. */
	memmove(r->ring + o, text, len);
	if (record_len)
		memcpy(r->ring + o + len, record, record_len);
	repeat_entry *e = &r->entries[i + k];
	*e = (repeat_entry){ .hash = hash, .at = r->written, .text_len = (uint32_t)len,
		             .record_len = (uint32_t)record_len, .facts = facts, .used = 1 };
	r->written += need;
	to_front(r, i, k);
	return true;
}

void repeats_free(repeats *r)
{
	if (!r)
		return;
	free(r->entries);
	free(r->sights);
	free(r->ring);
	*r = (repeats){ .sets = r->sets, .ring_size = r->ring_size };
}
