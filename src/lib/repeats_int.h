/* Sentences a scanner has seen, each with what it gave, so that a
 * sentence met again is answered without a search. News repeats itself:
 * a story's updates restate most of its paragraphs, and a feed carries
 * the same wire copy under many mastheads. The store is bounded (a fixed
 * number of entries, their bytes in a ring of fixed size), so memory does
 * not grow with the input, and it keeps the newer of what it must drop. */
#ifndef PS_REPEATS_INT_H
#define PS_REPEATS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Entries: sets of two, the one used last first. */
#define REPEAT_WAYS 2
/* The largest sentence and record, together, that an entry holds. */
#define REPEAT_MAX_BYTES 1024
/* The entries' bytes are written one after another into a ring, where the
 * newest overwrite the oldest: memory stays bounded however long the
 * sentences are, and as many entries fit as their bytes allow. (Each entry
 * once had a block of its own, of 256 bytes or 1 KiB: 4,096 of them were
 * bound at 4 MiB but held 1 MiB of news.) A store of the default 5 MiB
 * (PS_REPEAT_CACHE_DEFAULT) has 16,384 sets, 1 MiB, and a ring of 4 MiB:
 * 679,535 sentences of the benchmark's 200 MB at 30% answered, where 8,192
 * sets answered 665,925 (0.968 of the time by turns) and a ring of 2 MiB
 * 666,782. */
/* Sentences met once, by a tag of their hash: only one met again gets an
 * entry. Writing an entry for every sentence cost 14% of a scan of text
 * with no repeat, where the entries are never read; a tag costs a word. */
#ifndef REPEAT_SIGHTS
#define REPEAT_SIGHTS 8192
#endif

/* An entry, 32 bytes: a set of two is one cache line, so a lookup waits
 * for that line and then the entry's bytes, not for a line of tags, then
 * the entry, then its bytes. */
typedef struct repeat_entry {
	uint64_t hash;
	uint64_t at;         /* where its bytes were written, in bytes ever written to the ring */
	uint32_t text_len;   /* the sentence's bytes, first (repeats_blob) */
	uint32_t record_len; /* what it gave, after them */
	uint32_t facts;      /* the caller's bits about the sentence */
	uint32_t used;       /* 0: a free place */
} repeat_entry;

typedef struct repeats {
	repeat_entry *entries; /* sets * REPEAT_WAYS, each set on a line, allocated on first put */
	uint16_t *sights;      /* REPEAT_SIGHTS tags of sentences met */
	char *ring;            /* ring_size bytes, allocated on first put */
	uint64_t written;      /* bytes ever written to the ring, and skipped at its end */
	size_t sets;           /* a power of two (repeats_size; 0: the default's) */
	size_t ring_size;      /* a power of two */
	bool failed;           /* out of memory once: no more puts */
} repeats;

/* The smallest store: below it, repeats_size says no. */
#define REPEAT_MIN_BYTES ((size_t)16 << 10)

/* Size an empty store for at most bytes of entries and ring: a fifth, to a
 * power of two, for the entries, and the rest, to a power of two, for the
 * ring. False, and nothing sized, below REPEAT_MIN_BYTES. */
bool repeats_size(repeats *r, size_t bytes);

/* The hash of a sentence's bytes, for repeats_find and repeats_put. */
uint64_t repeats_hash(const char *text, size_t len);

/* The entry for exactly these bytes, or NULL. The entry and its blob are
 * borrowed until the next repeats_put. */
const repeat_entry *repeats_find(repeats *r, uint64_t hash, const char *text, size_t len);

/* Fetch into the cache what repeats_find and repeats_sighted will read
 * for this hash. */
void repeats_prefetch(const repeats *r, uint64_t hash);

/* Where the entry's line is in the cache (repeats_prefetch) and holds an
 * entry with this hash and length, fetch its bytes too. */
void repeats_prefetch_bytes(const repeats *r, uint64_t hash, size_t len);

/* An entry's bytes: the sentence's text_len, then its record_len. */
const char *repeats_blob(const repeats *r, const repeat_entry *e);

/* Was a sentence with this hash met before? Notes that it was met. May
 * say yes for another sentence, never no for one that was met, unless
 * another has taken its place since. */
bool repeats_sighted(repeats *r, uint64_t hash);

/* Keep the sentence with facts and a record (copied). Returns false, and
 * keeps nothing, when the two are too large for an entry or memory ran
 * out; the scan goes on without the entry either way. */
bool repeats_put(repeats *r, uint64_t hash, const char *text, size_t len, unsigned facts, const void *record,
                 size_t record_len);

/* Free the store's memory and forget its entries; its size stays. */
void repeats_free(repeats *r);

#endif
