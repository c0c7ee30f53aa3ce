#include "prefilter_int.h"

#include <stdlib.h>
#include <string.h>

#include "bits_int.h"
#include "caseless_int.h"
#include "hash_int.h"
#include "prefix_int.h"
#include "ruleset_int.h"
#include "tailfirst_int.h"

/* ---- building ---------------------------------------------------------- */

typedef struct builder {
	/* distinct literals */
	const char **lit;
	size_t *lit_len;
	uint32_t n_lits, cap_lits;
	uint32_t *hash;       /* open addressing over literal ids + 1 */
	uint32_t hash_cap;
	/* sets: each a list of literal ids, owned by one owner */
	uint32_t **set_ids;
	uint32_t *set_n;
	uint32_t *set_owner;
	uint32_t n_sets, cap_sets;
	uint32_t *need;
	uint32_t n_owners;
	uint32_t *lit_mark;   /* per literal: the last require() that took it */
	uint32_t mark;
	/* Each litset's literal ids, found by the set's address: a pattern's
	 * twins share its sets, and signals require their patterns' sets,
	 * which the patterns' own owners ask for again. */
	const litset **known; /* open addressing */
	uint32_t *known_at;   /* where the set's ids start in ids */
	uint32_t known_cap, n_known;
	uint32_t *ids;
	uint32_t n_ids, cap_ids;
	/* Cut the long literals of sets numbered now to their rarest bytes
	 * (rarest_window) rather than their first. */
	bool window;
	bool nomem;
} builder;

static bool rehash(builder *b)
{
	uint32_t cap = b->hash_cap ? b->hash_cap * 2 : 1024;
	uint32_t *h = calloc(cap, sizeof(*h));
	if (!h)
		return false;
	for (uint32_t id = 0; id < b->n_lits; id++) {
		uint32_t k = (uint32_t)hash_bytes(b->lit[id], b->lit_len[id]) & (cap - 1);
		while (h[k])
			k = (k + 1) & (cap - 1);
		h[k] = id + 1;
	}
	free(b->hash);
	b->hash = h;
	b->hash_cap = cap;
	return true;
}

/* A word required in full is also required in any LITERAL_PREFIX bytes of
 * it, which are nearly as selective; so the automaton holds only that
 * many, which keeps its table small enough to stay in cache. */
#define LITERAL_PREFIX 8

/* About how rare a byte is in English news, letters folded: -log2 of its
 * share of the bytes, in sixteenths. Letters are about 80% of the bytes,
 * in their well-known shares of English text (e 12.7%, t 9.1%, ... z
 * 0.07%); a space about 17%, a comma, stop, hyphen or apostrophe 1.2%, a
 * digit 0.35%, anything else 0.1%. */
static unsigned byte_rarity(unsigned char c)
{
	static const uint8_t letter[26] = {
		63, 102, 88, 78, 53, 93, 95, 70, 67, 155, 117, 79, 91,
		68, 65, 97, 166, 70, 69, 60, 88, 112, 91, 155, 95, 172,
	};
	if (c >= 'A' && c <= 'Z')
		c = (unsigned char)(c - 'A' + 'a');
	if (c >= 'a' && c <= 'z')
		return letter[c - 'a'];
	if (c == ' ')
		return 41;
	if (c == ',' || c == '.' || c == '-' || c == '\'')
		return 102;
	if (c >= '0' && c <= '9')
		return 131;
	return 159;
}

/* Of a string longer than LITERAL_PREFIX, the start of the window of that
 * many bytes least likely to occur by chance: "the Strip" is found as "he
 * strip", not as "the stri", which every "the strike" has too. Windows
 * start on a character's first byte; the earliest wins a tie. */
static size_t rarest_window(const char *s, size_t n)
{
	size_t best = 0, best_score = 0, score = 0;
	for (size_t i = 0; i < LITERAL_PREFIX; i++)
		score += byte_rarity((unsigned char)s[i]);
	best_score = score;
	for (size_t at = 1; at + LITERAL_PREFIX <= n; at++) {
		score += byte_rarity((unsigned char)s[at + LITERAL_PREFIX - 1]);
		score -= byte_rarity((unsigned char)s[at - 1]);
		if (score > best_score && ((unsigned char)s[at] & 0xC0) != 0x80) {
			best = at;
			best_score = score;
		}
	}
	return best;
}

/* The id of literal s[0..n); a required one (window) may be cut to any
 * part of it, a leading one only to its first bytes (its place is where
 * a match starts). */
static uint32_t literal_id(builder *b, const char *s, size_t n, bool window)
{
	if (n > LITERAL_PREFIX && (uint8_t)s[0] < 0x80) {
		if (window)
			s += rarest_window(s, n);
		n = LITERAL_PREFIX;
	}
	if ((b->n_lits + 1) * 2 > b->hash_cap && !rehash(b)) {
		b->nomem = true;
		return 0;
	}
	uint32_t k = (uint32_t)hash_bytes(s, n) & (b->hash_cap - 1);
	while (b->hash[k]) {
		uint32_t id = b->hash[k] - 1;
		if (b->lit_len[id] == n && !memcmp(b->lit[id], s, n))
			return id;
		k = (k + 1) & (b->hash_cap - 1);
	}
	if (b->n_lits == b->cap_lits) {
		uint32_t cap = b->cap_lits ? b->cap_lits * 2 : 256;
		const char **lit = realloc(b->lit, cap * sizeof(*lit));
		if (lit)
			b->lit = lit;
		size_t *len = realloc(b->lit_len, cap * sizeof(*len));
		if (len)
			b->lit_len = len;
		uint32_t *mark = realloc(b->lit_mark, cap * sizeof(*mark));
		if (mark) {
			memset(mark + b->cap_lits, 0, (cap - b->cap_lits) * sizeof(*mark));
			b->lit_mark = mark;
		}
		if (!lit || !len || !mark) {
			b->nomem = true;
			return 0;
		}
		b->cap_lits = cap;
	}
	b->lit[b->n_lits] = s;
	b->lit_len[b->n_lits] = n;
	b->hash[k] = ++b->n_lits;
	return b->n_lits - 1;
}

static bool grow_known(builder *b)
{
	uint32_t cap = b->known_cap ? b->known_cap * 2 : 1024;
	const litset **known = calloc(cap, sizeof(*known));
	uint32_t *at = malloc(cap * sizeof(*at));
	if (!known || !at) {
		free(known);
		free(at);
		return false;
	}
	for (uint32_t i = 0; i < b->known_cap; i++) {
		if (!b->known[i])
			continue;
		uint32_t k = (uint32_t)(((uintptr_t)b->known[i] >> 4) * 0x9E3779B1u) & (cap - 1);
		while (known[k])
			k = (k + 1) & (cap - 1);
		known[k] = b->known[i];
		at[k] = b->known_at[i];
	}
	free(b->known);
	free(b->known_at);
	b->known = known;
	b->known_at = at;
	b->known_cap = cap;
	return true;
}

/* The literal ids of set's strings, in its order, valid until the next
 * call; NULL when out of memory. The first time, literal_id() numbers
 * them; after, it would return the same ids and change nothing. */
static const uint32_t *set_literal_ids(builder *b, const litset *set)
{
	if ((b->n_known + 1) * 2 > b->known_cap && !grow_known(b)) {
		b->nomem = true;
		return NULL;
	}
	uint32_t k = (uint32_t)(((uintptr_t)set >> 4) * 0x9E3779B1u) & (b->known_cap - 1);
	while (b->known[k] && b->known[k] != set)
		k = (k + 1) & (b->known_cap - 1);
	if (b->known[k])
		return b->ids + b->known_at[k];
	if (b->n_ids + set->count > b->cap_ids) {
		uint32_t cap = b->cap_ids ? b->cap_ids : 4096;
		while (b->n_ids + set->count > cap)
			cap *= 2;
		uint32_t *ids = realloc(b->ids, cap * sizeof(*ids));
		if (!ids) {
			b->nomem = true;
			return NULL;
		}
		b->ids = ids;
		b->cap_ids = cap;
	}
	uint32_t at = b->n_ids;
	for (size_t i = 0; i < set->count; i++)
		b->ids[at + i] = literal_id(b, set->str[i], set->len[i], b->window);
	if (b->nomem)
		return NULL;
	b->n_ids += (uint32_t)set->count;
	b->known[k] = set;
	b->known_at[k] = at;
	b->n_known++;
	return b->ids + at;
}

/* Add the union of sets[0..n) as one requirement of owner. */
static void require(builder *b, uint32_t owner, const litset *const *sets, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += sets[i]->count;
	if (!total || total > PREFILTER_MAX_REQUIRED)
		return;
	uint32_t *ids = malloc(total * sizeof(*ids));
	uint32_t m = 0;
	if (!ids) {
		b->nomem = true;
		return;
	}
	/* Marks take each literal once, in the order first met. */
	if (++b->mark == 0) {
		memset(b->lit_mark, 0, b->cap_lits * sizeof(*b->lit_mark));
		b->mark = 1;
	}
	for (size_t i = 0; i < n; i++) {
		const uint32_t *set = set_literal_ids(b, sets[i]);
		if (!set) {
			free(ids);
			return;
		}
		for (size_t k = 0; k < sets[i]->count; k++)
			if (b->lit_mark[set[k]] != b->mark) {
				b->lit_mark[set[k]] = b->mark;
				ids[m++] = set[k];
			}
	}
	/* An owner asking twice for the same set counts it once. Sets hold
	 * distinct ids, so one of m ids all marked now is this set. An owner's
	 * sets are added one after another (a repeat further back would only
	 * be required twice, which is still right), so only its own are
	 * looked at. */
	for (uint32_t s = b->n_sets; s-- > 0 && b->set_owner[s] == owner;) {
		if (b->set_n[s] != m)
			continue;
		bool same = true;
		for (uint32_t k = 0; k < m && same; k++)
			same = b->lit_mark[b->set_ids[s][k]] == b->mark;
		if (same) {
			free(ids);
			return;
		}
	}
	if (b->n_sets == b->cap_sets) {
		uint32_t cap = b->cap_sets ? b->cap_sets * 2 : 256;
		uint32_t **si = realloc(b->set_ids, cap * sizeof(*si));
		if (si)
			b->set_ids = si;
		uint32_t *sn = realloc(b->set_n, cap * sizeof(*sn));
		if (sn)
			b->set_n = sn;
		uint32_t *so = realloc(b->set_owner, cap * sizeof(*so));
		if (so)
			b->set_owner = so;
		if (!si || !sn || !so) {
			free(ids);
			b->nomem = true;
			return;
		}
		b->cap_sets = cap;
	}
	b->set_ids[b->n_sets] = ids;
	b->set_n[b->n_sets] = m;
	b->set_owner[b->n_sets++] = owner;
	b->need[owner]++;
}

/* The patterns are alternatives: one set, the union of each one's best.
 * However many there are: a setting's `any` of more than 64 (a list of
 * places, one a line) had no set, and so no gate, at all. require() caps
 * the union's literals. */
static void require_any_of(builder *b, uint32_t owner, const patlist *pl)
{
	const litset **best = NULL;
	if (!pl->count)
		return;
	best = malloc(pl->count * sizeof(*best));
	if (!best) {
		b->nomem = true;
		return;
	}
	for (size_t i = 0; i < pl->count; i++) {
		best[i] = literal_best(&pl->items[i]->req);
		if (!best[i])
			goto out;
	}
	require(b, owner, best, pl->count);
out:
	free(best);
}

/* Every pattern must match: each one's sets are required. */
static void require_all_of(builder *b, uint32_t owner, const patlist *pl)
{
	for (size_t i = 0; i < pl->count; i++)
		for (size_t k = 0; k < pl->items[i]->req.count; k++) {
			const litset *one = &pl->items[i]->req.sets[k];
			require(b, owner, &one, 1);
		}
}

/* How common s[0..n) (trailing spaces aside) is in news: 2 for a word in
 * nearly every sentence ("the", "of"), 1 for one in many ("said",
 * "would"), else 0. A requirement that such a word meets tells little, and
 * the automaton found the word at every turn for it ("the" alone was 6% of
 * the full pass's outputs on the 30% benchmark corpus). */
static uint8_t common_word(const char *s, size_t n)
{
	/* By length: most literals are longer than any of these. */
	static const char *const words[2][6] = {
		{ "", "", "asatbebyheisitonor", "arebutforhadhashisitsnotoffoneouroutwaswho",
		  "alsobeenfromhavemoreoversaidthattheythiswerewillwith", "aboutaftertheirwhichwould" },
		{ "", "a", "anintoof", "andthe", "", "" },
	};
	while (n && s[n - 1] == ' ')
		n--;
	uint8_t level = 0;
	for (uint8_t k = 0; n && n < 6 && k < 2; k++)
		for (const char *w = words[k][n]; *w; w += n)
			if (!memcmp(w, s, n))
				level = k + 1;
	return level;
}

/* A requirement that a common word meets is dropped where its owner has
 * another, which still rules out the sentences the owner cannot match; the
 * word then need not be looked for (build_ac). A signal's only for a word
 * in nearly every sentence: one asked in vain costs its patterns'
 * searches, a pattern only its own. The setting's halves keep theirs. */
static void drop_common_sets(builder *b, uint32_t pattern_owner)
{
	/* Per literal, asked once each, not once a set that holds it (a lexicon
	 * is in hundreds). */
	uint8_t *common = malloc(b->n_lits ? b->n_lits : 1);
	if (!common)
		return; /* nothing dropped: the same findings */
	for (uint32_t id = 0; id < b->n_lits; id++)
		common[id] = common_word(b->lit[id], b->lit_len[id]);
	uint32_t kept = 0;
	for (uint32_t s = 0; s < b->n_sets; s++) {
		uint32_t owner = b->set_owner[s];
		/* A signal's set only for a word in nearly every sentence. */
		uint8_t need = owner < pattern_owner ? 2 : 1;
		bool drop = owner >= OWNER_FIRST_SIGNAL && b->need[owner] > 1;
		bool meets = false;
		for (uint32_t k = 0; drop && k < b->set_n[s] && !meets; k++)
			meets = common[b->set_ids[s][k]] >= need;
		if (drop && meets) {
			free(b->set_ids[s]);
			b->need[owner]--;
			continue;
		}
		b->set_ids[kept] = b->set_ids[s];
		b->set_n[kept] = b->set_n[s];
		b->set_owner[kept++] = owner;
	}
	b->n_sets = kept;
	free(common);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The sets as compressed rows: literal -> sets, owner -> sets. Owners
 * that require the same literals (a lexicon in many patterns) share one
 * set, so a literal found marks each distinct set once: "Israeli" is in
 * ~100 requirements but far fewer distinct sets. */
/* Does literal l's k-th set id start a new word of set bits? */
static bool new_held_word(const prefilter *pf, uint32_t l, uint32_t k)
{
	return k == pf->lit_set_start[l] || pf->lit_set_ids[k] / 64 != pf->lit_set_ids[k - 1] / 64;
}

static ps_status build_sets(prefilter *pf, const builder *b)
{
	ps_status st = PS_OK;
	size_t total = 0;
	for (uint32_t s = 0; s < b->n_sets; s++)
		total += b->set_n[s];
	uint32_t *sorted = malloc((total ? total : 1) * sizeof(*sorted)); /* each set's ids, sorted */
	uint32_t *at = malloc((b->n_sets + 1) * sizeof(*at));
	uint32_t *canon = malloc((b->n_sets ? b->n_sets : 1) * sizeof(*canon)); /* set -> its distinct set */
	uint32_t *first = malloc((b->n_sets ? b->n_sets : 1) * sizeof(*first)); /* distinct set -> a set */
	size_t cap = 16;
	while (cap < 2 * (size_t)b->n_sets)
		cap *= 2;
	uint32_t *table = calloc(cap, sizeof(*table)); /* distinct set + 1, by hash */
	uint32_t *fill = calloc(b->n_lits ? b->n_lits : 1, sizeof(*fill));
	pf->lit_set_start = calloc(b->n_lits + 1, sizeof(*pf->lit_set_start));
	pf->owner_set_start = calloc(b->n_owners + 1, sizeof(*pf->owner_set_start));
	pf->owner_set_ids = malloc((b->n_sets ? b->n_sets : 1) * sizeof(*pf->owner_set_ids));
	if (!sorted || !at || !canon || !first || !table || !fill || !pf->lit_set_start || !pf->owner_set_start ||
	    !pf->owner_set_ids) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	uint32_t n_distinct = 0;
	size_t n_members = 0;
	at[0] = 0;
	for (uint32_t s = 0; s < b->n_sets; s++) {
		uint32_t *ids = sorted + at[s], n = b->set_n[s];
		memcpy(ids, b->set_ids[s], n * sizeof(*ids));
		qsort(ids, n, sizeof(*ids), cmp_u32);
		at[s + 1] = at[s] + n;
		uint64_t h = n;
		for (uint32_t k = 0; k < n; k++)
			h = (h ^ ids[k]) * UINT64_C(0x100000001B3);
		size_t slot = (size_t)(h ^ h >> 29) & (cap - 1);
		for (;; slot = (slot + 1) & (cap - 1)) {
			if (!table[slot]) {
				table[slot] = ++n_distinct;
				first[n_distinct - 1] = s;
				n_members += n;
				break;
			}
			uint32_t t = first[table[slot] - 1];
			if (b->set_n[t] == n && !memcmp(sorted + at[t], ids, n * sizeof(*ids)))
				break;
		}
		canon[s] = table[slot] - 1;
	}
	pf->n_sets = n_distinct;
	pf->lit_set_ids = malloc((n_members ? n_members : 1) * sizeof(*pf->lit_set_ids));
	if (!pf->lit_set_ids) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (uint32_t d = 0; d < n_distinct; d++)
		for (uint32_t k = at[first[d]]; k < at[first[d] + 1]; k++)
			pf->lit_set_start[sorted[k] + 1]++;
	for (uint32_t l = 0; l < b->n_lits; l++)
		pf->lit_set_start[l + 1] += pf->lit_set_start[l];
	for (uint32_t d = 0; d < n_distinct; d++)
		for (uint32_t k = at[first[d]]; k < at[first[d] + 1]; k++) {
			uint32_t l = sorted[k];
			pf->lit_set_ids[pf->lit_set_start[l] + fill[l]++] = d;
		}
	/* The sets of each literal in words: its ids are ascending, so those
	 * in one word are neighbours. */
	pf->lit_held_start = calloc(b->n_lits + 1, sizeof(*pf->lit_held_start));
	size_t n_held = 0;
	for (uint32_t l = 0; pf->lit_held_start && l < b->n_lits; l++)
		for (uint32_t k = pf->lit_set_start[l]; k < pf->lit_set_start[l + 1]; k++)
			n_held += new_held_word(pf, l, k);
	pf->held = malloc((n_held ? n_held : 1) * sizeof(*pf->held));
	if (!pf->lit_held_start || !pf->held) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	n_held = 0;
	for (uint32_t l = 0; l < b->n_lits; l++) {
		pf->lit_held_start[l] = (uint32_t)n_held;
		for (uint32_t k = pf->lit_set_start[l]; k < pf->lit_set_start[l + 1]; k++) {
			uint32_t id = pf->lit_set_ids[k];
			if (new_held_word(pf, l, k)) {
				pf->held[n_held++] = (held_word){ .word = id / 64 };
			}
			pf->held[n_held - 1].bits |= UINT64_C(1) << (id % 64);
		}
	}
	pf->lit_held_start[b->n_lits] = (uint32_t)n_held;
	for (uint32_t s = 0; s < b->n_sets; s++)
		pf->owner_set_start[b->set_owner[s] + 1]++;
	for (uint32_t o = 0; o < b->n_owners; o++)
		pf->owner_set_start[o + 1] += pf->owner_set_start[o];
	for (uint32_t s = 0; s < b->n_sets; s++)
		pf->owner_set_ids[pf->owner_set_start[b->set_owner[s]]++] = canon[s];
	/* The fill moved each start to the next owner's: move them back. */
	for (uint32_t o = b->n_owners; o > 0; o--)
		pf->owner_set_start[o] = pf->owner_set_start[o - 1];
	pf->owner_set_start[0] = 0;
	pf->owner_first = malloc((b->n_owners ? b->n_owners : 1) * sizeof(*pf->owner_first));
	if (!pf->owner_first) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (uint32_t o = 0; o < b->n_owners; o++)
		pf->owner_first[o] = pf->owner_set_start[o] < pf->owner_set_start[o + 1]
		                             ? pf->owner_set_ids[pf->owner_set_start[o]]
		                             : n_distinct;
out:
	free(sorted);
	free(at);
	free(canon);
	free(first);
	free(table);
	free(fill);
	return st;
}

static ps_status build_sink(prefilter *pf)
{
	const acm *m = &pf->gate_any;
	size_t cells = (size_t)m->nstates * m->nclass;
	if (cells + m->nclass > UINT16_MAX)
		return PS_OK; /* a gate this large keeps the plain walk */
	pf->gate_sink = m->nstates * m->nclass;
	pf->gate_sink_delta = malloc((cells + m->nclass) * sizeof(*pf->gate_sink_delta));
	if (!pf->gate_sink_delta)
		return PS_ERR_NOMEM;
	for (size_t i = 0; i < cells; i++)
		pf->gate_sink_delta[i] = (uint16_t)(m->delta[i] & ACM_HAS_OUTPUT ? pf->gate_sink : m->delta[i]);
	for (size_t c = 0; c < m->nclass; c++)
		pf->gate_sink_delta[cells + c] = (uint16_t)pf->gate_sink;
	return PS_OK;
}

/* gate_scan_delta: the rows of states that end no word just below
 * GATE_SCAN_OUT, those of states that end one from there on, in state
 * order; each entry the next state's row. */
static ps_status build_gate_scan(prefilter *pf, const size_t *lens)
{
	const acm *m = &pf->gate_any;
	ps_status st = PS_OK;
	uint32_t n_out = 0, nclass = m->nclass;
	if (!m->delta16)
		return PS_OK;
	for (uint32_t q = 0; q < m->nstates; q++)
		n_out += m->out_start[q + 1] > m->out_start[q];
	uint32_t n_plain = m->nstates - n_out;
	if ((size_t)n_plain * nclass > GATE_SCAN_OUT || (size_t)n_out * nclass > UINT16_MAX + 1u - GATE_SCAN_OUT)
		return PS_OK; /* a gate this large keeps the walk per sentence */
	uint32_t base = GATE_SCAN_OUT - n_plain * nclass;
	uint32_t *row = malloc(m->nstates * sizeof(*row));
	pf->gate_scan_delta = malloc(((size_t)GATE_SCAN_OUT + (size_t)n_out * nclass) * sizeof(uint16_t));
	pf->gate_scan_shortest = calloc(n_out ? n_out : 1, 1);
	if (!row || !pf->gate_scan_delta || !pf->gate_scan_shortest) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (uint32_t q = 0, plain = 0, out = 0; q < m->nstates; q++) {
		bool ends = m->out_start[q + 1] > m->out_start[q];
		row[q] = ends ? GATE_SCAN_OUT + out++ * nclass : base + plain++ * nclass;
		/* Its shortest word: the outputs are the fail chain's too. */
		for (uint32_t k = m->out_start[q]; k < m->out_start[q + 1]; k++) {
			uint8_t l = (uint8_t)(lens[m->out_ids[k]] < UINT8_MAX ? lens[m->out_ids[k]] : UINT8_MAX);
			uint8_t *at = &pf->gate_scan_shortest[(row[q] - GATE_SCAN_OUT) / nclass];
			if (!*at || l < *at)
				*at = l;
		}
	}
	for (uint32_t q = 0; q < m->nstates; q++)
		for (uint32_t c = 0; c < nclass; c++)
			pf->gate_scan_delta[row[q] + c] =
			        (uint16_t)row[(m->delta16[q * nclass + c] & ~ACM16_HAS_OUTPUT) / nclass];
	pf->gate_scan_root = (uint16_t)row[0];
out:
	free(row);
	return st;
}

/* Per pattern (by index), the literal ids of its leading words (CSR);
 * none when it has no usable ones. */
typedef struct lead_table {
	uint32_t *start;      /* n_patterns + 1 */
	uint32_t *lits;
	bool *word_start;     /* per entry of lits: prefix_set's */
} lead_table;

/* The pattern's required and leading literals (numbered already). */
static bool take_pattern(bool *take, builder *b, const prefilter *pf, const lead_table *lt, const ps_pattern *p)
{
	if (p->index >= pf->n_patterns)
		return true;
	for (size_t s = 0; s < p->req.count; s++) {
		const uint32_t *ids = set_literal_ids(b, &p->req.sets[s]);
		if (!ids)
			return false;
		for (size_t k = 0; k < p->req.sets[s].count; k++)
			take[ids[k]] = true;
	}
	for (uint32_t k = lt->start[p->index]; k < lt->start[p->index + 1]; k++)
		take[lt->lits[k]] = true;
	return true;
}

/* After build_shapes: a pattern of a shape seen before takes the first
 * one's words, which are the same text's and already have their ids. */
static ps_status collect_leads(lead_table *lt, builder *b, arena *a, const struct ps_ruleset *rs,
                               const prefilter *pf, prefilter_leads_fn leads, void *data)
{
	ps_status st = PS_OK;
	size_t cap = 256, n = 0;
	uint32_t *first = calloc(pf->n_shapes ? pf->n_shapes : 1, sizeof(*first)); /* per shape: pattern + 1 */
	lt->start = malloc((rs->n_patterns + 1) * sizeof(*lt->start));
	lt->lits = malloc(cap * sizeof(*lt->lits));
	lt->word_start = malloc(cap * sizeof(*lt->word_start));
	if (!first || !lt->start || !lt->lits || !lt->word_start) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < rs->n_patterns; i++) {
		const ps_pattern *p = rs->patterns[i].pattern;
		prefix_set ws = { 0 };
		uint32_t twin = first[pf->shape[i]];
		size_t count;
		lt->start[i] = (uint32_t)n;
		if (twin) {
			count = lt->start[twin] - lt->start[twin - 1];
		} else {
			first[pf->shape[i]] = (uint32_t)i + 1;
			st = leads ? leads(data, p, &ws, a) : prefix_words(&ws, a, p->expanded, p->expanded_len);
			if (st != PS_OK)
				goto out;
			count = ws.count;
		}
		if (n + count > cap) {
			while (n + count > cap)
				cap *= 2;
			uint32_t *grown = realloc(lt->lits, cap * sizeof(*grown));
			if (grown)
				lt->lits = grown;
			bool *ws_grown = realloc(lt->word_start, cap * sizeof(*ws_grown));
			if (ws_grown)
				lt->word_start = ws_grown;
			if (!grown || !ws_grown) {
				st = PS_ERR_NOMEM;
				goto out;
			}
		}
		if (twin) {
			memcpy(lt->lits + n, lt->lits + lt->start[twin - 1], count * sizeof(*lt->lits));
			memcpy(lt->word_start + n, lt->word_start + lt->start[twin - 1], count * sizeof(*lt->word_start));
		} else {
			for (size_t k = 0; k < count; k++) {
				lt->lits[n + k] = literal_id(b, ws.str[k], ws.len[k], false);
				lt->word_start[n + k] = ws.word_start[k];
			}
		}
		n += count;
	}
	lt->start[rs->n_patterns] = (uint32_t)n;
	if (b->nomem)
		st = PS_ERR_NOMEM;
out:
	free(first);
	return st;
}

/* The leading words of a pattern's tail program, "\\s(?:TAIL)", for a
 * pattern of tailfirst_int.h's form with no leading words of its own
 * (else none): each with the whitespace before the tail (" said", " told"),
 * so that where one occurs is where the tail program may match. */
static ps_status tail_words(void *data, const ps_pattern *p, prefix_set *out, arena *a)
{
	(void)data;
	tailfirst_form form;
	*out = (prefix_set){ 0 };
	if (!tailfirst_parse(&form, p->expanded, p->expanded_len))
		return PS_OK;
	/* The text pattern.c compiles the tail program from. */
	size_t len = form.tail_len + 6;
	char *text = arena_alloc(a, len);
	if (!text)
		return PS_ERR_NOMEM;
	memcpy(text, "\\s(?:", 5);
	memcpy(text + 5, p->expanded + form.tail_off, form.tail_len);
	text[len - 1] = ')';
	return prefix_words(out, a, text, len);
}

/* The words of table t of each shape, from its first pattern that has
 * some (and, with unless, none in that table), as lists of literal ids,
 * each once: (*start)[sh] .. (*start)[sh + 1] in *lits. The words are
 * flagged as leading words, so that where they occur is kept; has[sh]
 * and in_gate[sh] (either may be NULL) say whether shape sh has words
 * and whether the gate pass sees them all. */
static ps_status shape_lists(prefilter *pf, const lead_table *t, const lead_table *unless, size_t n_patterns,
                             uint32_t **start, uint32_t **lits, bool *has, bool *in_gate)
{
	ps_status st = PS_OK;
	*start = calloc((size_t)pf->n_shapes + 1, sizeof(**start));
	/* No more than the first pattern's of each shape, in all. */
	*lits = malloc((t->start[n_patterns] ? t->start[n_patterns] : 1) * sizeof(**lits));
	bool *listed = calloc(pf->n_lits ? pf->n_lits : 1, sizeof(*listed));
	uint32_t *first = calloc(pf->n_shapes ? pf->n_shapes : 1, sizeof(*first)); /* pattern + 1 */
	if (!*start || !*lits || !listed || !first) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n_patterns; i++)
		if (t->start[i] < t->start[i + 1] && (!unless || unless->start[i] == unless->start[i + 1]) &&
		    !first[pf->shape[i]])
			first[pf->shape[i]] = (uint32_t)i + 1;
	uint32_t total = 0;
	for (uint32_t sh = 0; sh < pf->n_shapes; sh++) {
		(*start)[sh] = total;
		if (!first[sh])
			continue;
		size_t i = first[sh] - 1;
		bool seen_all = true;
		for (uint32_t k = t->start[i]; k < t->start[i + 1]; k++) {
			uint32_t id = t->lits[k];
			pf->lit_flags[id] |= LIT_LEADS | (t->word_start[k] ? 0 : LIT_LEADS_ANYWHERE);
			seen_all = seen_all && (pf->lit_flags[id] & LIT_IN_GATE);
			/* Two words cut to the same first bytes are one literal. */
			if (!listed[id])
				(*lits)[total++] = id;
			listed[id] = true;
		}
		for (uint32_t k = (*start)[sh]; k < total; k++)
			listed[(*lits)[k]] = false;
		if (has)
			has[sh] = true;
		if (in_gate)
			in_gate[sh] = seen_all;
	}
	(*start)[pf->n_shapes] = total;
out:
	free(listed);
	free(first);
	return st;
}

/* n lists of ids (list i is ids[start[i]..start[i + 1])), each but its
 * first skip ids, as words of bits in word order: list i's are
 * (*wstart)[i] .. (*wstart)[i + 1] in *words. */
static ps_status word_lists(uint32_t **wstart, held_word **words, const uint32_t *start, const uint32_t *ids,
                            uint32_t n, uint32_t skip)
{
	ps_status st = PS_OK;
	uint32_t total = start[n];
	uint32_t *sorted = malloc((total ? total : 1) * sizeof(*sorted));
	*wstart = malloc(((size_t)n + 1) * sizeof(**wstart));
	*words = malloc((total ? total : 1) * sizeof(**words));
	if (!sorted || !*wstart || !*words) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	memcpy(sorted, ids, total * sizeof(*sorted));
	uint32_t used = 0;
	for (uint32_t i = 0; i < n; i++) {
		(*wstart)[i] = used;
		uint32_t from = start[i + 1] - start[i] > skip ? start[i] + skip : start[i + 1];
		qsort(sorted + from, start[i + 1] - from, sizeof(*sorted), cmp_u32);
		for (uint32_t k = from; k < start[i + 1]; k++) {
			uint32_t w = sorted[k] / 64;
			if (used == (*wstart)[i] || (*words)[used - 1].word != w)
				(*words)[used++] = (held_word){ 0, w };
			(*words)[used - 1].bits |= UINT64_C(1) << (sorted[k] % 64);
		}
	}
	(*wstart)[n] = used;
out:
	free(sorted);
	return st;
}

/* A slot per bit of the shapes' leading words, for their jumps. */
static ps_status lead_slots(prefilter *pf)
{
	uint32_t n_words = pf->shape_lead_wstart[pf->n_shapes], n_slots = 0;
	for (uint32_t w = 0; w < n_words; w++)
		n_slots += bits_count64(pf->shape_lead_words[w].bits);
	pf->shape_lead_slot = malloc((n_words ? n_words : 1) * sizeof(*pf->shape_lead_slot));
	pf->lead_slot_lit = malloc((n_slots ? n_slots : 1) * sizeof(*pf->lead_slot_lit));
	pf->lead_jump = calloc(n_slots ? n_slots : 1, sizeof(*pf->lead_jump));
	if (!pf->shape_lead_slot || !pf->lead_slot_lit || !pf->lead_jump)
		return PS_ERR_NOMEM;
	uint32_t slot = 0;
	for (uint32_t w = 0; w < n_words; w++) {
		const held_word *g = &pf->shape_lead_words[w];
		pf->shape_lead_slot[w] = slot;
		for (uint64_t bits = g->bits; bits; bits &= bits - 1)
			pf->lead_slot_lit[slot++] = g->word * 64 + (uint32_t)__builtin_ctzll(bits);
	}
	return PS_OK;
}

/* Each shape's leading words, and the tail words (tail_words) of a shape
 * without, as lists: the tail words lead the tail programs. */
static ps_status build_leads(prefilter *pf, const lead_table *lt, const lead_table *tt, const struct ps_ruleset *rs)
{
	pf->shape_leads = calloc(pf->n_shapes ? pf->n_shapes : 1, sizeof(*pf->shape_leads));
	pf->shape_in_gate = calloc(pf->n_shapes ? pf->n_shapes : 1, sizeof(*pf->shape_in_gate));
	if (!pf->shape_leads || !pf->shape_in_gate)
		return PS_ERR_NOMEM;
	ps_status st = shape_lists(pf, lt, NULL, rs->n_patterns, &pf->shape_lead_start, &pf->shape_lead_lits,
	                           pf->shape_leads, pf->shape_in_gate);
	if (st == PS_OK)
		st = shape_lists(pf, tt, lt, rs->n_patterns, &pf->shape_tail_start, &pf->shape_tail_lits, NULL, NULL);
	if (st == PS_OK)
		st = word_lists(&pf->shape_lead_wstart, &pf->shape_lead_words, pf->shape_lead_start,
		                pf->shape_lead_lits, pf->n_shapes, 0);
	if (st == PS_OK)
		st = word_lists(&pf->shape_tail_wstart, &pf->shape_tail_words, pf->shape_tail_start,
		                pf->shape_tail_lits, pf->n_shapes, 0);
	if (st == PS_OK)
		st = lead_slots(pf);
	if (st != PS_OK)
		return st;
	/* A word that leads only after a \b leads nowhere inside a word:
	 * "aid" is in every "said", "un" in every "fund", "a " ends "Gaza ". */
	for (uint32_t id = 0; id < pf->n_lits; id++)
		if ((pf->lit_flags[id] & (LIT_LEADS | LIT_LEADS_ANYWHERE)) == LIT_LEADS)
			pf->lit_flags[id] |= LIT_WORD_START;
	return PS_OK;
}

/* Number the distinct expanded texts of the patterns. */
static ps_status build_shapes(prefilter *pf, const struct ps_ruleset *rs)
{
	ps_status st = PS_OK;
	uint32_t cap = 64;
	while (cap < rs->n_patterns * 2)
		cap *= 2;
	uint32_t *table = calloc(cap, sizeof(*table)); /* pattern index + 1 */
	pf->shape = malloc((rs->n_patterns ? rs->n_patterns : 1) * sizeof(*pf->shape));
	if (!table || !pf->shape) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < rs->n_patterns; i++) {
		const ps_pattern *p = rs->patterns[i].pattern;
		uint32_t k = (uint32_t)hash_bytes(p->expanded, p->expanded_len) & (cap - 1);
		for (;;) {
			if (!table[k]) {
				table[k] = (uint32_t)i + 1;
				pf->shape[i] = pf->n_shapes++;
				break;
			}
			/* Patterns of one text mostly share it (pattern.c). */
			const ps_pattern *q = rs->patterns[table[k] - 1].pattern;
			if (q->expanded_len == p->expanded_len &&
			    (q->expanded == p->expanded || !memcmp(q->expanded, p->expanded, p->expanded_len))) {
				pf->shape[i] = pf->shape[table[k] - 1];
				break;
			}
			k = (k + 1) & (cap - 1);
		}
	}
out:
	free(table);
	return st;
}

/* The gate pass's words into take: both halves' requirements, every
 * setting pattern's required and leading words, the exotic characters.
 * False when out of memory. */
static bool gate_words(bool *take, builder *b, const prefilter *pf, const lead_table *lt,
                       const struct ps_ruleset *rs)
{
	for (uint32_t s = 0; s < b->n_sets; s++)
		if (b->set_owner[s] == OWNER_SETTING_ANY || b->set_owner[s] == OWNER_SETTING_NONE)
			for (uint32_t k = 0; k < b->set_n[s]; k++)
				take[b->set_ids[s][k]] = true;
	bool ok = true;
	for (size_t i = 0; ok && i < rs->setting_any.count; i++)
		ok = take_pattern(take, b, pf, lt, rs->setting_any.items[i]);
	for (size_t i = 0; ok && i < rs->setting_none.count; i++)
		ok = take_pattern(take, b, pf, lt, rs->setting_none.items[i]);
	take[pf->exotic[0]] = take[pf->exotic[1]] = true;
	return ok;
}

/* The automaton of the setting gate's literals, for prefilter_run_gate(). */
static ps_status build_gate(prefilter *pf, builder *b, const lead_table *lt, const struct ps_ruleset *rs)
{
	ps_status st = PS_OK;
	size_t cap = b->n_lits ? b->n_lits : 1, n = 0;
	bool *take = calloc(cap, sizeof(*take));
	const char **lits = malloc(cap * sizeof(*lits));
	size_t *lens = malloc(cap * sizeof(*lens));
	pf->gate_ids = malloc(cap * sizeof(*pf->gate_ids));
	if (!take || !lits || !lens || !pf->gate_ids) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	if (!gate_words(take, b, pf, lt, rs)) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (uint32_t id = 0; id < b->n_lits; id++)
		if (take[id]) {
			lits[n] = b->lit[id];
			lens[n] = b->lit_len[id];
			pf->gate_ids[n++] = id;
		}
	for (uint32_t id = 0; id < b->n_lits; id++)
		if (take[id])
			pf->lit_flags[id] |= LIT_IN_GATE;
	st = acm_build(&pf->gate, lits, lens, n, true);
	if (st != PS_OK)
		goto out;
	/* The `any` half alone. */
	memset(take, 0, cap * sizeof(*take));
	for (uint32_t s = 0; s < b->n_sets; s++)
		if (b->set_owner[s] == OWNER_SETTING_ANY)
			for (uint32_t k = 0; k < b->set_n[s]; k++)
				take[b->set_ids[s][k]] = true;
	take[pf->exotic[0]] = take[pf->exotic[1]] = true;
	n = 0;
	for (uint32_t id = 0; id < b->n_lits; id++)
		if (take[id]) {
			lits[n] = b->lit[id];
			lens[n++] = b->lit_len[id];
		}
	st = acm_build(&pf->gate_any, lits, lens, n, false);
	if (st != PS_OK)
		goto out;
	st = build_sink(pf);
	if (st == PS_OK)
		st = build_gate_scan(pf, lens);
out:
	free(take);
	free(lits);
	free(lens);
	return st;
}

/* The full pass's automaton, of the literals some pass listens to: a
 * set's, a leading word, a gate word or an exotic character (a literal
 * only a dropped requirement held is left out). Its outputs name literals
 * by their ids (ac_ids). Built before the sets and the gate, as it was
 * before any literal was left out: built after them, a process loading
 * the pack again and again took three times the page faults (the
 * allocator's thresholds follow what was freed before). */
static ps_status build_ac(prefilter *pf, builder *b, const lead_table *lt, const lead_table *tt,
                          const struct ps_ruleset *rs)
{
	ps_status st = PS_OK;
	size_t cap = b->n_lits ? b->n_lits : 1;
	bool *heard = calloc(cap, sizeof(*heard));
	const char **lits = malloc(cap * sizeof(*lits));
	size_t *lens = malloc(cap * sizeof(*lens));
	pf->ac_ids = malloc(cap * sizeof(*pf->ac_ids));
	if (!heard || !lits || !lens || !pf->ac_ids || !gate_words(heard, b, pf, lt, rs)) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (uint32_t s = 0; s < b->n_sets; s++)
		for (uint32_t k = 0; k < b->set_n[s]; k++)
			heard[b->set_ids[s][k]] = true;
	for (uint32_t k = 0; lt->start && k < lt->start[pf->n_patterns]; k++)
		heard[lt->lits[k]] = true;
	for (uint32_t k = 0; tt->start && k < tt->start[pf->n_patterns]; k++)
		heard[tt->lits[k]] = true;
	uint32_t n = 0;
	for (uint32_t id = 0; id < b->n_lits; id++)
		if (heard[id]) {
			lits[n] = b->lit[id];
			lens[n] = b->lit_len[id];
			pf->ac_ids[n++] = id;
		}
	st = acm_build(&pf->ac, lits, lens, n, true);
	/* Walks read the 16-bit table; a 32-bit one it was made from (a small
	 * pack's) is memory a process holds for nothing. */
	if (st == PS_OK && (pf->ac.next16 || pf->ac.delta16)) {
		free(pf->ac.delta);
		pf->ac.delta = NULL;
	}
out:
	free(heard);
	free(lits);
	free(lens);
	return st;
}

/* Which signals each set is the first set of (first_start, first_sigs, is_first). */
static ps_status build_firsts(prefilter *pf, uint32_t n_signals)
{
	pf->n_signals = n_signals;
	pf->sig_words = (n_signals + 63) / 64;
	pf->first_start = calloc((size_t)pf->n_sets + 2, sizeof(*pf->first_start));
	pf->first_sigs = malloc((n_signals ? n_signals : 1) * sizeof(*pf->first_sigs));
	pf->is_first = calloc(pf->set_words ? pf->set_words : 1, sizeof(uint64_t));
	if (!pf->first_start || !pf->first_sigs || !pf->is_first)
		return PS_ERR_NOMEM;
	for (uint32_t i = 0; i < n_signals; i++) {
		uint32_t set = pf->owner_first[OWNER_FIRST_SIGNAL + i];
		pf->first_start[set + 1]++;
		pf->is_first[set / 64] |= UINT64_C(1) << (set % 64);
	}
	for (uint32_t set = 0; set <= pf->n_sets; set++)
		pf->first_start[set + 1] += pf->first_start[set];
	/* Each set's signals, counted up from its start, then moved back. */
	for (uint32_t i = 0; i < n_signals; i++)
		pf->first_sigs[pf->first_start[pf->owner_first[OWNER_FIRST_SIGNAL + i]]++] = i;
	for (uint32_t set = pf->n_sets + 1; set > 0; set--)
		pf->first_start[set] = pf->first_start[set - 1];
	pf->first_start[0] = 0;
	return PS_OK;
}

void prefilter_all_signals(const prefilter *pf, uint64_t *bits)
{
	for (uint32_t w = 0; w < pf->sig_words; w++) {
		uint32_t n = pf->n_signals - w * 64;
		bits[w] = n >= 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
	}
}

void prefilter_signal_firsts(const prefilter *pf, const prefilter_state *ps, uint64_t *bits)
{
	uint32_t nw = pf->sig_words;
	if (ps->exotic) {
		prefilter_all_signals(pf, bits);
		return;
	}
	memset(bits, 0, nw * sizeof(*bits));
	for (uint32_t w = 0; w < pf->set_words; w++)
		for (uint64_t held = ps->set_held[w] & pf->is_first[w]; held; held &= held - 1) {
			uint32_t set = w * 64 + (uint32_t)__builtin_ctzll(held);
			for (uint32_t k = pf->first_start[set]; k < pf->first_start[set + 1]; k++)
				bits[pf->first_sigs[k] / 64] |= UINT64_C(1) << (pf->first_sigs[k] % 64);
		}
}

/* Automaton m's outputs as lit_out records; ids maps its literal ids to
 * the prefilter's (NULL: the same). After the literals' sets and flags. */
static ps_status build_outs(lit_out **out, const prefilter *pf, const acm *m, const uint32_t *ids)
{
	uint32_t n = m->out_start[m->nstates];
	*out = malloc((n ? n : 1) * sizeof(**out));
	if (!*out)
		return PS_ERR_NOMEM;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t lit = ids ? ids[m->out_ids[k]] : m->out_ids[k];
		uint32_t n_held = pf->lit_held_start[lit + 1] - pf->lit_held_start[lit];
		if (n_held > UINT16_MAX || pf->lit_len[lit] > UINT16_MAX)
			return PS_ERR_LIMIT;
		bool exotic = lit == pf->exotic[0] || lit == pf->exotic[1];
		(*out)[k] = (lit_out){
			.lit = lit,
			.held = pf->lit_held_start[lit],
			.n_held = (uint16_t)n_held,
			.len = (uint16_t)pf->lit_len[lit],
			.flags = pf->lit_flags[lit] | (exotic ? LIT_EXOTIC : 0u),
		};
	}
	return PS_OK;
}

ps_status prefilter_build(prefilter *pf, const struct ps_ruleset *rs, prefilter_leads_fn leads, void *data)
{
	builder b = { 0 };
	lead_table lt = { 0 }, tt = { 0 };
	arena words;
	ps_status st = PS_OK;
	static const char kelvin[] = "\xE2\x84\xAA", long_s[] = "\xC5\xBF";

	arena_init(&words, 4096);

	memset(pf, 0, sizeof(*pf));
	/* Owners: the gate's two halves, the signals, then one per pattern, so
	 * that whether a pattern can match is one lookup (the cue lists ask it
	 * of every cue in most sentences in the setting). */
	pf->pattern_owner = OWNER_FIRST_SIGNAL + (uint32_t)rs->n_signals;
	b.n_owners = pf->pattern_owner + (uint32_t)rs->n_patterns;
	b.need = calloc(b.n_owners, sizeof(*b.need));
	if (!b.need) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	/* The gate's words, looked for in every sentence, decide which few
	 * sentences the rest is looked for in: they are cut where they are
	 * rarest. The rest keep their first bytes, which they share with
	 * other words and with the leading words: cut anywhere, they made the
	 * automaton's table 40% larger, and slower to walk. */
	b.window = true;
	require_any_of(&b, OWNER_SETTING_ANY, &rs->setting_any);
	require_any_of(&b, OWNER_SETTING_NONE, &rs->setting_none);
	b.window = false;
	for (size_t ci = 0; ci < rs->n_clauses; ci++) {
		const ps_clause *c = rs->clauses[ci];
		for (size_t si = 0; si < c->n_signals; si++) {
			const ps_signal *sig = &c->signals[si];
			if (sig->act.count == 1)
				require_all_of(&b, sig->owner, &sig->act);
			else
				require_any_of(&b, sig->owner, &sig->act);
			require_all_of(&b, sig->owner, &sig->all);
			require_any_of(&b, sig->owner, &sig->any);
		}
	}
	for (size_t i = 0; i < rs->n_patterns; i++) {
		const litreq *r = &rs->patterns[i].pattern->req;
		for (size_t k = 0; k < r->count; k++) {
			const litset *one = &r->sets[k];
			require(&b, pf->pattern_owner + (uint32_t)i, &one, 1);
		}
	}
	/* Every pattern's sets numbered before the automaton is built, for the
	 * gate's pass (a set too large for an owner was not). */
	pf->n_patterns = (uint32_t)rs->n_patterns;
	for (size_t i = 0; i < rs->n_patterns; i++) {
		const litreq *r = &rs->patterns[i].pattern->req;
		for (size_t k = 0; k < r->count; k++)
			if (!set_literal_ids(&b, &r->sets[k])) {
				st = PS_ERR_NOMEM;
				goto out;
			}
	}
	st = build_shapes(pf, rs);
	if (st == PS_OK)
		st = collect_leads(&lt, &b, &words, rs, pf, leads, data);
	if (st == PS_OK)
		st = collect_leads(&tt, &b, &words, rs, pf, tail_words, NULL);
	if (st != PS_OK)
		goto out;
	/* Characters that caseless UTF matching folds to ASCII letters make a
	 * sentence take the plain path. */
	pf->exotic[0] = literal_id(&b, kelvin, 3, false);
	pf->exotic[1] = literal_id(&b, long_s, 2, false);
	if (b.nomem) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	drop_common_sets(&b, pf->pattern_owner);
	st = build_ac(pf, &b, &lt, &tt, rs);
	if (st != PS_OK)
		goto out;
	pf->lit_flags = calloc(b.n_lits ? b.n_lits : 1, sizeof(*pf->lit_flags));
	pf->lit_len = malloc((b.n_lits ? b.n_lits : 1) * sizeof(*pf->lit_len));
	if (!pf->lit_flags || !pf->lit_len) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (uint32_t id = 0; id < b.n_lits; id++)
		pf->lit_len[id] = (uint32_t)b.lit_len[id];
	pf->n_lits = b.n_lits;
	pf->n_owners = b.n_owners;
	st = build_sets(pf, &b);
	if (st != PS_OK)
		goto out;
	if (b.need[OWNER_SETTING_ANY] > 0) {
		st = build_gate(pf, &b, &lt, rs);
		if (st != PS_OK)
			goto out;
	}
	st = build_leads(pf, &lt, &tt, rs);
	if (st != PS_OK)
		goto out;
	pf->shape_exact = calloc(pf->n_shapes ? pf->n_shapes : 1, sizeof(*pf->shape_exact));
	pf->shape_tries = calloc(pf->n_shapes ? pf->n_shapes : 1, sizeof(*pf->shape_tries));
	if (!pf->shape_exact || !pf->shape_tries) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	pf->lit_words = (pf->n_lits + 63) / 64;
	pf->set_words = (pf->n_sets + 1 + 63) / 64;
	st = build_firsts(pf, (uint32_t)rs->n_signals);
	if (st != PS_OK)
		goto out;
	st = build_outs(&pf->ac_out, pf, &pf->ac, pf->ac_ids);
	if (st == PS_OK && pf->gate.out_start)
		st = build_outs(&pf->gate_out, pf, &pf->gate, pf->gate_ids);
out:
	for (uint32_t s = 0; s < b.n_sets; s++)
		free(b.set_ids[s]);
	free(b.set_ids);
	free(b.set_n);
	free(b.set_owner);
	free(b.lit);
	free(b.lit_len);
	free(b.lit_mark);
	free(b.known);
	free(b.known_at);
	free(b.ids);
	free(b.hash);
	free(b.need);
	free(lt.start);
	free(lt.lits);
	free(lt.word_start);
	free(tt.start);
	free(tt.lits);
	free(tt.word_start);
	arena_release(&words);
	if (st != PS_OK)
		prefilter_free(pf);
	return st;
}

void prefilter_free(prefilter *pf)
{
	acm_free(&pf->ac);
	acm_free(&pf->gate);
	acm_free(&pf->gate_any);
	free(pf->gate_sink_delta);
	free(pf->gate_scan_delta);
	free(pf->gate_scan_shortest);
	free(pf->gate_ids);
	free(pf->ac_ids);
	free(pf->shape);
	free(pf->owner_set_start);
	free(pf->owner_set_ids);
	free(pf->owner_first);
	free(pf->shape_lead_start);
	free(pf->shape_lead_lits);
	free(pf->shape_tail_start);
	free(pf->shape_tail_lits);
	free(pf->shape_lead_wstart);
	free(pf->shape_lead_words);
	free(pf->shape_lead_slot);
	free(pf->lead_slot_lit);
	free(pf->lead_jump);
	free(pf->shape_tail_wstart);
	free(pf->shape_tail_words);
	for (uint32_t sh = 0; pf->shape_exact && sh < pf->n_shapes; sh++)
		exact_free(atomic_load_explicit(&pf->shape_exact[sh], memory_order_relaxed));
	free(pf->shape_exact);
	free(pf->shape_tries);
	free(pf->shape_leads);
	free(pf->shape_in_gate);
	free(pf->lit_flags);
	free(pf->lit_len);
	free(pf->lit_set_start);
	free(pf->lit_set_ids);
	free(pf->lit_held_start);
	free(pf->held);
	free(pf->ac_out);
	free(pf->gate_out);
	free(pf->first_start);
	free(pf->first_sigs);
	free(pf->is_first);
	memset(pf, 0, sizeof(*pf));
}

/* ---- scanning ---------------------------------------------------------- */

ps_status prefilter_state_init(prefilter_state *ps, const prefilter *pf)
{
	memset(ps, 0, sizeof(*ps));
	ps->lit_found = calloc(pf->lit_words ? pf->lit_words : 1, sizeof(uint64_t));
	ps->set_held = calloc(pf->set_words ? pf->set_words : 1, sizeof(uint64_t));
	ps->lit_last = calloc(pf->n_lits ? pf->n_lits : 1, sizeof(uint32_t));
	if (!ps->lit_found || !ps->set_held || !ps->lit_last) {
		prefilter_state_free(ps);
		return PS_ERR_NOMEM;
	}
	ps->held = pf->held;
	ps->dirty = true; /* prefilter_begin() sets the bit that is always held */
	return PS_OK;
}

void prefilter_state_free(prefilter_state *ps)
{
	free(ps->occ_lit);
	free(ps->occ_next);
	free(ps->lit_last);
	free(ps->occ_start);
	free(ps->lit_found);
	free(ps->set_held);
	memset(ps, 0, sizeof(*ps));
}

/* A sentence meets literal o->lit: mark it and its sets. Every time, not
 * only the first: marking again changes nothing, and the test whether it
 * was the first, taken or not at no pattern a predictor learns, cost the
 * full pass more (5% of its time, by rdtsc, on the sentences that may be in
 * the setting of a 20 MB benchmark head at 30%). */
static void hit(prefilter_state *ps, const lit_out *o)
{
	ps->lit_found[o->lit / 64] |= UINT64_C(1) << (o->lit % 64);
	if (o->flags & LIT_EXOTIC)
		ps->exotic = true;
	/* Owners are counted when asked (prefilter_candidate): most are never
	 * asked about a sentence, and many literals are in many sets. */
	uint64_t *set_held = ps->set_held;
	for (uint32_t k = o->held; k < o->held + o->n_held; k++)
		set_held[ps->held[k].word] |= ps->held[k].bits;
}

void prefilter_begin(prefilter_state *ps, const prefilter *pf)
{
	/* Most sentences run no pass, and their rows are still clear. */
	if (ps->dirty) {
		memset(ps->lit_found, 0, pf->lit_words * sizeof(uint64_t));
		memset(ps->set_held, 0, pf->set_words * sizeof(uint64_t));
		ps->set_held[pf->n_sets / 64] |= UINT64_C(1) << (pf->n_sets % 64);
		ps->dirty = false;
	}
	ps->exotic = false;
	ps->gate_ran = ps->rest_ran = false;
	ps->n_occ = 0;
	ps->occ_lost = false;
}

/* Room for more occurrences; false (and occ_lost) when there is none. */
static __attribute__((noinline, cold)) bool record_grow(prefilter_state *ps)
{
	uint32_t cap = ps->cap_occ ? ps->cap_occ * 2 : 64;
	uint32_t *l = realloc(ps->occ_lit, cap * sizeof(*l));
	if (l)
		ps->occ_lit = l;
	uint32_t *st = realloc(ps->occ_start, cap * sizeof(*st));
	if (st)
		ps->occ_start = st;
	uint32_t *nx = realloc(ps->occ_next, cap * sizeof(*nx));
	if (nx)
		ps->occ_next = nx;
	if (!l || !st || !nx) {
		ps->occ_lost = true;
		return false;
	}
	ps->cap_occ = cap;
	return true;
}

/* Note that literal lit occurs at start. Inline but for the growth: a
 * sentence in the setting records some 23 leading words, and a call each
 * cost 1.5% to 3% of a whole scan (tests/bench/ab.sh). */
static inline void record(prefilter_state *ps, uint32_t lit, uint32_t start)
{
	if (ps->n_occ == ps->cap_occ && !record_grow(ps))
		return;
	ps->occ_lit[ps->n_occ] = lit;
	ps->occ_start[ps->n_occ] = start;
	/* Before hit(): a literal already found has occurred before. */
	ps->occ_next[ps->n_occ] = prefilter_found(ps, lit) ? ps->lit_last[lit] : UINT32_MAX;
	ps->lit_last[lit] = ps->n_occ++;
}


/* The literals ending at the automaton's state number state, after byte i. */
static void outputs_of(prefilter_state *ps, const acm *m, const lit_out *outs, uint32_t skip, uint32_t state,
                       size_t i)
{
	for (uint32_t k = m->out_start[state]; k < m->out_start[state + 1]; k++) {
		const lit_out *o = &outs[k];
		/* Where a leading word starts, once per pass that owns it. */
		if ((o->flags & (LIT_LEADS | skip)) == LIT_LEADS)
			record(ps, o->lit, (uint32_t)(i + 1 - o->len));
		hit(ps, o);
	}
}

/* The same for a table entry s, a state number times nclass. */
static void outputs(prefilter_state *ps, const acm *m, const lit_out *outs, uint32_t skip, uint32_t s, size_t i)
{
	outputs_of(ps, m, outs, skip, s / m->nclass, i);
}

/* Output events a walk notes before it handles them. */
#define EVENTS 256

/* The outputs of n events (a state number times div, after byte i >> 32).
 * Their records' places are read first, each apart from the others, and
 * fetched ahead: read one event at a time, every output waited on two
 * loads in a row, from tables the walk's own pushes out of the cache. */
static inline void handle_events_div(prefilter_state *ps, const acm *m, const lit_out *outs, uint32_t skip,
                                     uint32_t div, const uint64_t *ev, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		uint32_t st = (uint32_t)ev[k] / div;
		__builtin_prefetch(&outs[m->out_start[st]]);
	}
	for (size_t k = 0; k < n; k++)
		outputs_of(ps, m, outs, skip, (uint32_t)ev[k] / div, (size_t)(ev[k] >> 32));
}

static void handle_events(prefilter_state *ps, const acm *m, const lit_out *outs, uint32_t skip, uint32_t div,
                          const uint64_t *ev, size_t n)
{
	/* The full pass's table holds state numbers (div 1): no division an
	 * event, which cost two of a handful of cycles each. */
	if (div == 1)
		handle_events_div(ps, m, outs, skip, 1, ev, n);
	else
		handle_events_div(ps, m, outs, skip, div, ev, n);
}

/* The walk of a 16-bit table whose entries are states times mul; an
 * output's state number is its entry over div. The walk only notes where
 * it meets an output, without a branch (it meets one every few bytes, at
 * no pattern a predictor could learn), and handles the events a batch at
 * a time: a mispredicted branch an event cost more than the walk. */
static inline void walk16(prefilter_state *ps, const acm *m, const lit_out *outs, uint32_t skip,
                          const uint16_t *table, uint32_t mul, uint32_t div, const unsigned char *t, size_t len)
{
	const uint8_t *cls = m->cls;
	uint64_t ev[EVENTS];
	size_t n = 0;
	uint32_t s = 0;
	for (size_t i = 0; i < len; i++) {
		uint32_t e = table[s * mul + cls[t[i]]];
		s = e & ~ACM16_HAS_OUTPUT;
		ev[n] = (uint64_t)i << 32 | s;
		n += e >> 15;
		if (n == EVENTS || i + 1 == len) {
			handle_events(ps, m, outs, skip, div, ev, n);
			n = 0;
		}
	}
}

/* Lanes of walk16_lanes: a sentence's bytes in this many parts. */
#define WALK_LANES 4
_Static_assert((EVENTS & (EVENTS - 1)) == 0, "the lanes test one bit for a full batch of EVENTS");

static void flush_lanes(prefilter_state *ps, const acm *m, const lit_out *outs, uint32_t skip,
                        uint32_t div, uint64_t ev[][EVENTS], size_t *n)
{
	for (size_t l = 0; l < WALK_LANES; l++) {
		handle_events(ps, m, outs, skip, div, ev[l], n[l]);
		n[l] = 0;
	}
}

static inline uint32_t step16(const uint16_t *table, uint32_t mul, const uint8_t *cls, uint32_t s, unsigned char c,
                              uint64_t *ev, size_t *n, size_t i)
{
	uint32_t e = table[s * mul + cls[c]];
	s = e & ~ACM16_HAS_OUTPUT;
	ev[*n] = (uint64_t)i << 32 | s;
	*n += e >> 15;
	return s;
}

/* walk16 in four lanes side by side. A step waits on the table load of the
 * step before (the full pack's table, 1.1 MB, is larger than an L2 cache),
 * so one walk leaves the core idle; four independent walks keep four loads
 * in flight. Lanes 1-3 start at the root a word's length (reach) before
 * their parts: an automaton's outputs at a byte depend only on the longest
 * word's worth of bytes before it. Lane 0 needs no such start, so its part
 * is reach bytes longer: all four take the same number of steps, and a
 * sentence's walk is as long as its longest lane (28 steps, not 36, at a
 * news sentence's 80 bytes). The lanes note their outputs apart, and the
 * events are handled in any order: the literals' bits and places do not
 * depend on it (lead positions are sorted where they are read). */
static inline void walk16_lanes(prefilter_state *ps, const acm *m, const lit_out *outs,
                                uint32_t skip, const uint16_t *table, uint32_t mul, uint32_t div,
                                const unsigned char *t, size_t len)
{
	size_t reach = m->longest ? m->longest - 1 : 0;
	if (len < reach + WALK_LANES * 8) {
		walk16(ps, m, outs, skip, table, mul, div, t, len);
		return;
	}
	/* Lane 0 notes outputs in t[0, reach + part); lane k (1-3) reads from
	 * b_k = k * part (reach bytes before its part) and notes outputs from
	 * b_k + reach; lane 3's part ends at the text's end, up to three bytes
	 * longer than the others'. */
	size_t part = (len - reach) / WALK_LANES, steps = reach + part;
	const uint8_t *cls = m->cls;
	uint64_t ev[WALK_LANES][EVENTS];
	size_t n[WALK_LANES] = { 0 };
	size_t b1 = part, b2 = 2 * part, b3 = 3 * part;
	const unsigned char *t0 = t, *t1 = t + b1, *t2 = t + b2, *t3 = t + b3;
	uint32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	size_t j = 0;
	/* Lanes 1-3 only warm up over their first reach bytes. */
	for (; j < reach; j++) {
		s0 = step16(table, mul, cls, s0, t0[j], ev[0], &n[0], j);
		s1 = table[s1 * mul + cls[t1[j]]] & ~ACM16_HAS_OUTPUT;
		s2 = table[s2 * mul + cls[t2[j]]] & ~ACM16_HAS_OUTPUT;
		s3 = table[s3 * mul + cls[t3[j]]] & ~ACM16_HAS_OUTPUT;
	}
	for (; j < steps; j++) {
		s0 = step16(table, mul, cls, s0, t0[j], ev[0], &n[0], j);
		s1 = step16(table, mul, cls, s1, t1[j], ev[1], &n[1], b1 + j);
		s2 = step16(table, mul, cls, s2, t2[j], ev[2], &n[2], b2 + j);
		s3 = step16(table, mul, cls, s3, t3[j], ev[3], &n[3], b3 + j);
		if ((n[0] | n[1] | n[2] | n[3]) & EVENTS)
			flush_lanes(ps, m, outs, skip, div, ev, n);
	}
	for (size_t i = b3 + steps; i < len; i++) {
		s3 = step16(table, mul, cls, s3, t[i], ev[3], &n[3], i);
		if (n[3] & EVENTS)
			flush_lanes(ps, m, outs, skip, div, ev, n);
	}
	flush_lanes(ps, m, outs, skip, div, ev, n);
}

/* One pass of automaton m, whose outputs are outs; literals flagged skip
 * are not recorded. */
static void walk(prefilter_state *ps, const acm *m, const lit_out *outs, uint32_t skip, const char *text, size_t len)
{
	const unsigned char *t = (const unsigned char *)text;
	ps->dirty = true;
	if (m->delta16) {
		walk16_lanes(ps, m, outs, skip, m->delta16, 1, m->nclass, t, len);
	} else if (m->next16) {
		walk16_lanes(ps, m, outs, skip, m->next16, m->nclass, 1, t, len);
	} else if (m->delta) {
		const uint32_t *delta = m->delta;
		uint32_t s = 0;
		for (size_t i = 0; i < len; i++) {
			uint32_t e = delta[s + m->cls[t[i]]];
			s = e & ~ACM_HAS_OUTPUT;
			if (e & ACM_HAS_OUTPUT)
				outputs(ps, m, outs, skip, s, i);
		}
	}
}

void prefilter_run_gate(const prefilter *pf, prefilter_state *ps, const char *text, size_t len)
{
	walk(ps, &pf->gate, pf->gate_out, 0, text, len);
	ps->gate_ran = true;
}

void prefilter_run_rest(const prefilter *pf, prefilter_state *ps, const char *text, size_t len)
{
	/* The gate pass recorded its own words already. */
	walk(ps, &pf->ac, pf->ac_out, ps->gate_ran ? LIT_IN_GATE : 0, text, len);
	ps->rest_ran = true;
}

/* Can a match led by literal lit start at text[at]? Not inside a word,
 * if every pattern it leads has a \b there. */
static inline bool may_start(const prefilter *pf, uint32_t lit, const char *text, size_t at)
{
	return !(pf->lit_flags[lit] & LIT_WORD_START) || at == 0 || !caseless_word_byte((unsigned char)text[at - 1]);
}

bool prefilter_starts(const prefilter *pf, const prefilter_state *ps, uint32_t shape, const char *text,
                      size_t from, size_t *first, size_t *last)
{
	if (shape >= pf->n_shapes || !pf->shape_leads[shape] || ps->exotic || ps->occ_lost)
		return false;
	if (!ps->rest_ran && !(ps->gate_ran && pf->shape_in_gate[shape]))
		return false;
	size_t lo = SIZE_MAX, hi = 0;
	for (uint32_t w = pf->shape_lead_wstart[shape]; w < pf->shape_lead_wstart[shape + 1]; w++) {
		const held_word *g = &pf->shape_lead_words[w];
		for (uint64_t found = ps->lit_found[g->word] & g->bits; found; found &= found - 1) {
			uint32_t lit = g->word * 64 + (uint32_t)__builtin_ctzll(found);
			for (uint32_t k = ps->lit_last[lit]; k != UINT32_MAX; k = ps->occ_next[k]) {
				size_t at = ps->occ_start[k];
				if (at >= from && may_start(pf, lit, text, at)) {
					if (at < lo)
						lo = at;
					if (at > hi)
						hi = at;
				}
			}
		}
	}
	*first = lo;
	*last = hi;
	return true;
}

_Static_assert(PREFILTER_EXACT_AFTER < 128, "shape_tries counts in a byte, with room for a race past the bound");

bool prefilter_exact_due(const prefilter *pf, uint32_t shape)
{
	if (atomic_load_explicit(&pf->shape_exact[shape], memory_order_relaxed))
		return true;
	/* Read before it is added to, so that the count stops at the bound
	 * whatever a matcher that cannot be built leaves it asking. */
	_Atomic(uint8_t) *tries = &pf->shape_tries[shape];
	if (atomic_load_explicit(tries, memory_order_relaxed) >= PREFILTER_EXACT_AFTER)
		return true;
	return atomic_fetch_add_explicit(tries, 1, memory_order_relaxed) >= PREFILTER_EXACT_AFTER;
}

const exact *prefilter_exact(const prefilter *pf, uint32_t shape, const char *text, size_t len)
{
	_Atomic(exact *) *slot = &pf->shape_exact[shape];
	exact *x = atomic_load_explicit(slot, memory_order_acquire);
	if (!x) {
		exact *mine = NULL;
		/* Out of memory: PCRE2 answers, and a later search tries again. */
		if (exact_build(&mine, text, len) != PS_OK)
			return NULL;
		if (atomic_compare_exchange_strong_explicit(slot, &x, mine, memory_order_acq_rel, memory_order_acquire))
			x = mine;
		else
			exact_free(mine); /* another thread's is in place, in x */
	}
	return exact_usable(x) ? x : NULL;
}

/* Put at into pos[0..*n), kept sorted and distinct, and with slot, its
 * word's slot into slot[] beside it: the two passes record in their own
 * orders, and words that share a start (Gaza, Gaza City) record it twice
 * (either's slot will do). False when it would be the max+1st. */
static bool add_position(size_t *pos, uint32_t *slot, size_t *n, size_t max, size_t at, uint32_t at_slot)
{
	size_t i = *n;
	while (i > 0 && pos[i - 1] > at)
		i--;
	if (i > 0 && pos[i - 1] == at)
		return true;
	if (*n == max)
		return false;
	/* A few places at most: a loop, not a call to memmove. */
	for (size_t k = *n; k > i; k--) {
		pos[k] = pos[k - 1];
		if (slot)
			slot[k] = slot[k - 1];
	}
	pos[i] = at;
	if (slot)
		slot[i] = at_slot;
	(*n)++;
	return true;
}

/* Where the literals of words lead[0..n_lead) occur at or after from, by
 * their own lists of occurrences, as prefilter_lead_positions returns
 * them. A word of literals found is one test, where a test a literal
 * (most not found) was half of this function's time. */
static size_t positions_of(const prefilter *pf, const prefilter_state *ps, const held_word *lead, uint32_t n_lead,
                           const uint32_t *lead_slot, const char *text, size_t from, size_t *pos, uint32_t *slot,
                           size_t max)
{
	size_t n = 0;
	for (uint32_t w = 0; w < n_lead; w++)
		for (uint64_t found = ps->lit_found[lead[w].word] & lead[w].bits; found; found &= found - 1) {
			unsigned bit = (unsigned)__builtin_ctzll(found);
			uint32_t lit = lead[w].word * 64 + bit;
			/* The word's slot: its bit's place among the word's bits. */
			uint32_t at_slot = slot ? lead_slot[w] + bits_count64(lead[w].bits & ((UINT64_C(1) << bit) - 1)) : 0;
			for (uint32_t k = ps->lit_last[lit]; k != UINT32_MAX; k = ps->occ_next[k])
				if (ps->occ_start[k] >= from && may_start(pf, lit, text, ps->occ_start[k]) &&
				    !add_position(pos, slot, &n, max, ps->occ_start[k], at_slot))
					return SIZE_MAX;
		}
	return n;
}

size_t prefilter_tail_positions(const prefilter *pf, const prefilter_state *ps, uint32_t shape, const char *text,
                                size_t from, size_t *pos, size_t max)
{
	/* The tail words are not the gate's: the full pass keeps them. */
	if (shape >= pf->n_shapes || ps->exotic || ps->occ_lost || !ps->rest_ran)
		return SIZE_MAX;
	uint32_t lo = pf->shape_tail_wstart[shape], hi = pf->shape_tail_wstart[shape + 1];
	if (lo == hi)
		return SIZE_MAX;
	return positions_of(pf, ps, pf->shape_tail_words + lo, hi - lo, NULL, text, from, pos, NULL, max);
}

size_t prefilter_lead_positions(const prefilter *pf, const prefilter_state *ps, uint32_t shape, const char *text,
                                size_t from, size_t *pos, uint32_t *slot, size_t max)
{
	if (shape >= pf->n_shapes || !pf->shape_leads[shape] || ps->exotic || ps->occ_lost)
		return SIZE_MAX;
	if (!ps->rest_ran && !(ps->gate_ran && pf->shape_in_gate[shape]))
		return SIZE_MAX;
	/* Each leading word's own occurrences, even where a shape has more
	 * words than the sentence has occurrences: a bit row a shape, read at
	 * every occurrence, was 512 bytes a shape (358 KiB in all) whose lines
	 * missed the cache, where the list is read in order and most of its
	 * words are answered by the row of words found. */
	uint32_t w0 = pf->shape_lead_wstart[shape];
	return positions_of(pf, ps, pf->shape_lead_words + w0, pf->shape_lead_wstart[shape + 1] - w0,
	                    pf->shape_lead_slot + w0, text, from, pos, slot, max);
}

uint64_t prefilter_lead_jump_find(const prefilter *pf, const exact *x, uint32_t slot, const char *text, size_t at)
{
	/* The literal's own bytes are at text[at]; the jump holds for every
	 * place it occurs (exact_descend), so any thread may work it out and
	 * store it. Where this place has a tab for a space, it stops short of
	 * what a plain space would give: slower, never wrong. */
	exact_jump j;
	exact_descend(&j, x, text + at, pf->lit_len[pf->lead_slot_lit[slot]]);
	uint64_t v = (uint64_t)j.at << 32 | (uint64_t)j.tokens << 24 | (uint64_t)j.spaces << 8 | (uint64_t)j.used << 1 | 1u;
	atomic_store_explicit(&pf->lead_jump[slot], v, memory_order_relaxed);
	return v;
}

void prefilter_run(const prefilter *pf, prefilter_state *ps, const char *text, size_t len)
{
	prefilter_begin(ps, pf);
	prefilter_run_rest(pf, ps, text, len);
}

/* The gate's walk with an early exit, for a gate too large for the sink table. */
static bool gate_walk(const acm *m, const unsigned char *t, size_t len)
{
	uint32_t s = 0;
	for (size_t i = 0; i < len; i++) {
		uint32_t e = m->delta[s + m->cls[t[i]]];
		if (e & ACM_HAS_OUTPUT)
			return true;
		s = e;
	}
	return false;
}

/* The sink walk over t[0..len): does it reach the sink? */
static bool sink_walk(const prefilter *pf, const unsigned char *t, size_t len)
{
	const uint16_t *delta = pf->gate_sink_delta;
	const uint8_t *cls = pf->gate_any.cls;
	uint32_t s = 0;
	/* Once in the sink the walk stays there: look every 32 bytes. */
	size_t i = 0;
	for (; i + 32 <= len; i += 32) {
		for (size_t k = i; k < i + 32; k += 4) {
			s = delta[s + cls[t[k]]];
			s = delta[s + cls[t[k + 1]]];
			s = delta[s + cls[t[k + 2]]];
			s = delta[s + cls[t[k + 3]]];
		}
		if (s == pf->gate_sink)
			return true;
	}
	for (; i < len; i++)
		s = delta[s + cls[t[i]]];
	return s == pf->gate_sink;
}

bool prefilter_gate_possible(const prefilter *pf, const char *text, size_t len)
{
	const uint16_t *delta = pf->gate_sink_delta;
	const uint8_t *cls = pf->gate_any.cls;
	const unsigned char *t = (const unsigned char *)text;
	if (!pf->gate_any.delta)
		return true;
	if (!delta)
		return gate_walk(&pf->gate_any, t, len);
	/* Each step waits for the one before, so one walk leaves the core
	 * idle: two walks, over the first half (and as far past it as a word
	 * can reach) and over the second, run side by side. A word starting in
	 * the first half ends in the first walk's span; one starting in the
	 * second is all in the second's. */
	size_t half = len / 2, reach = pf->gate_any.longest ? pf->gate_any.longest - 1 : 0;
	if (half < 24 || half + reach >= len)
		return sink_walk(pf, t, len);
	const unsigned char *u = t + half;
	size_t la = half + reach, lb = len - half, common = la < lb ? la : lb;
	uint32_t a = 0, b = 0;
	size_t i = 0;
	for (; i + 16 <= common; i += 16) {
		for (size_t k = i; k < i + 16; k += 2) {
			a = delta[a + cls[t[k]]];
			b = delta[b + cls[u[k]]];
			a = delta[a + cls[t[k + 1]]];
			b = delta[b + cls[u[k + 1]]];
		}
		if (a == pf->gate_sink || b == pf->gate_sink)
			return true;
	}
	for (; i < common; i++) {
		a = delta[a + cls[t[i]]];
		b = delta[b + cls[u[i]]];
	}
	for (size_t k = i; k < la; k++)
		a = delta[a + cls[t[k]]];
	for (size_t k = i; k < lb; k++)
		b = delta[b + cls[u[k]]];
	return a == pf->gate_sink || b == pf->gate_sink;
}

/* One lane of prefilter_gate_scan: its own region and hits. */
typedef struct gate_lane {
	const unsigned char *t; /* where its walk begins, up to a word before its region */
	size_t from;            /* its region, as offsets from t */
	size_t len;             /* bytes its walk reads */
	uint32_t base;          /* offset of t in the whole text */
	uint32_t s;             /* its state's row in gate_scan_delta */
	gate_hit *hits;
	size_t n, max;
	bool over;
} gate_lane;

static void lane_hit(const prefilter *pf, gate_lane *l, size_t i, uint32_t s)
{
	/* A word that ends before the region is the lane before's. */
	if (i < l->from)
		return;
	if (l->n == l->max) {
		l->over = true;
		return;
	}
	uint32_t end = l->base + (uint32_t)i + 1;
	l->hits[l->n++] = (gate_hit){ end - pf->gate_scan_shortest[(s - GATE_SCAN_OUT) / pf->gate_any.nclass], end };
}

static void lane_step(const prefilter *pf, gate_lane *l, size_t i)
{
	l->s = pf->gate_scan_delta[l->s + pf->gate_any.cls[l->t[i]]];
	if (l->s >= GATE_SCAN_OUT)
		lane_hit(pf, l, i, l->s);
}

#define GATE_LANES 4

size_t prefilter_gate_scan(const prefilter *pf, const char *text, size_t len, gate_hit *hits, size_t max)
{
	const acm *m = &pf->gate_any;
	if (!pf->gate_scan_delta || len > UINT32_MAX - 1 || max < GATE_LANES)
		return SIZE_MAX;
	/* Each lane starts a word's length before its region, at the root: an
	 * automaton's state depends only on the bytes of its longest word. */
	const unsigned char *t = (const unsigned char *)text;
	size_t reach = pf->gate_any.longest ? pf->gate_any.longest - 1 : 0, part = len / GATE_LANES;
	gate_lane lane[GATE_LANES];
	size_t common = SIZE_MAX;
	for (size_t k = 0; k < GATE_LANES; k++) {
		size_t from = k * part, to = k + 1 < GATE_LANES ? from + part : len;
		size_t begin = from > reach ? from - reach : 0;
		lane[k] = (gate_lane){ .t = t + begin, .from = from - begin, .len = to - begin, .base = (uint32_t)begin,
			               .hits = hits + k * (max / GATE_LANES), .max = max / GATE_LANES };
		if (lane[k].len < common)
			common = lane[k].len;
	}
	const uint16_t *delta = pf->gate_scan_delta;
	const uint8_t *cls = m->cls;
	size_t s0 = pf->gate_scan_root, s1 = s0, s2 = s0, s3 = s0;
	const unsigned char *t0 = lane[0].t, *t1 = lane[1].t, *t2 = lane[2].t, *t3 = lane[3].t;
	for (size_t i = 0; i < common; i++) {
		/* The steps alone, until a lane ends a word: with no call in the
		 * loop, the lanes' bases stay in registers (two were read from the
		 * stack each step). Rows are below 0x10000: the or has bit 15 where
		 * a lane's has. */
		for (; i < common; i++) {
			s0 = delta[s0 + cls[t0[i]]];
			s1 = delta[s1 + cls[t1[i]]];
			s2 = delta[s2 + cls[t2[i]]];
			s3 = delta[s3 + cls[t3[i]]];
			if ((s0 | s1 | s2 | s3) >= GATE_SCAN_OUT)
				break;
		}
		if (i == common)
			break;
		if (s0 >= GATE_SCAN_OUT)
			lane_hit(pf, &lane[0], i, (uint32_t)s0);
		if (s1 >= GATE_SCAN_OUT)
			lane_hit(pf, &lane[1], i, (uint32_t)s1);
		if (s2 >= GATE_SCAN_OUT)
			lane_hit(pf, &lane[2], i, (uint32_t)s2);
		if (s3 >= GATE_SCAN_OUT)
			lane_hit(pf, &lane[3], i, (uint32_t)s3);
	}
	lane[0].s = (uint32_t)s0, lane[1].s = (uint32_t)s1, lane[2].s = (uint32_t)s2, lane[3].s = (uint32_t)s3;
	size_t n = 0;
	for (size_t k = 0; k < GATE_LANES; k++) {
		for (size_t i = common; i < lane[k].len; i++)
			lane_step(pf, &lane[k], i);
		if (lane[k].over)
			return SIZE_MAX;
		/* The lanes' hits, in order, one after the other. */
		memmove(hits + n, lane[k].hits, lane[k].n * sizeof(*hits));
		n += lane[k].n;
	}
	return n;
}
