/* The prefilter: which signals (and which halves of the setting gate) can
 * possibly match a sentence, decided from the literals each requires, all
 * found in one Aho-Corasick pass. Built once per ruleset; per-scanner state
 * holds what each sentence found. */
#ifndef PS_PREFILTER_INT_H
#define PS_PREFILTER_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acmatch_int.h"
#include "arena_int.h"
#include "exact_int.h"
#include "prefix_int.h"

/* Owners of requirements: the setting gate's two halves, then each signal. */
#define OWNER_SETTING_ANY 0u
#define OWNER_SETTING_NONE 1u
#define OWNER_FIRST_SIGNAL 2u

/* Most literals in one requirement (a set, or the union of alternatives'
 * sets); one with more is not required, which lets every sentence by. */
#define PREFILTER_MAX_REQUIRED 2048

/* One literal an automaton state outputs, with all a walk needs of it in
 * one place: found at nearly every word of a sentence, a literal cost a
 * chain of five loads from as many tables when they were apart. */
typedef struct lit_out {
	uint32_t lit;              /* its id */
	uint32_t held;             /* its first word of sets in held */
	uint16_t n_held;           /* how many */
	uint16_t len;              /* bytes, as the automaton holds it */
	uint32_t flags;            /* LIT_* */
} lit_out;

/* A word of set_held and the bits a literal sets in it. Side by side, not
 * in two arrays: a found literal reads both, and apart they cost a walk
 * two cache misses where together it costs one. */
typedef struct held_word {
	uint64_t bits;
	uint32_t word;
} held_word;

typedef struct prefilter {
	acm ac;                    /* its 32-bit table freed once a 16-bit one is built */
	uint32_t *ac_ids;          /* its literals' ids, by its own numbers */
	uint32_t n_lits;
	uint32_t *lit_set_start;   /* CSR: literal -> the distinct sets holding it */
	uint32_t *lit_set_ids;
	uint32_t n_sets;
	/* The same as words of set bits: per literal (CSR), each word of
	 * set_held that its sets fall in and their bits there. "Gaza" is in
	 * 32 sets, which fall in 12 words: a found literal marks them a word
	 * at a time. */
	uint32_t *lit_held_start;
	held_word *held;
	uint32_t *owner_set_start; /* CSR: owner -> its sets; none: always a candidate */
	uint32_t *owner_set_ids;
	/* Per owner, its first set, or n_sets (a bit always set) for an
	 * owner with none: most owners asked about a sentence fail on their
	 * first set, and this answers them with one lookup. */
	uint32_t *owner_first;
	uint32_t n_owners;
	uint32_t pattern_owner;    /* the owner of pattern 0's requirements; pattern i's is this + i */
	uint32_t exotic[2];        /* literal ids of U+212A and U+017F, which fold to k and s */
	uint32_t n_patterns;       /* patterns in the ruleset's list (each owns pattern_owner + index) */
	/* The setting gate's words alone (those of both halves' requirements and
	 * of every gate pattern, and the exotic characters), by full literal id
	 * through gate_ids. A first pass with it decides the gate; the full pass
	 * runs only on sentences in the setting. Not built (prefilter_gated)
	 * without a gate. */
	acm gate;
	uint32_t *gate_ids;
	/* The `any` half's words and the exotic characters alone: most
	 * sentences have none of them, which one early-exit pass tells. */
	acm gate_any;
	/* gate_any's table with one more state that every transition into a
	 * word's end leads to and that never leaves: the walk needs no test
	 * per byte. */
	uint16_t *gate_sink_delta; /* 16 bits, so the table stays in the L1 cache; NULL if too big */
	uint32_t gate_sink;        /* that state, times the class count */
	/* gate_any's table for prefilter_gate_scan, its rows moved so that an
	 * entry (a row's offset) is GATE_SCAN_OUT or more exactly where a word
	 * ends: a step needs no mask, and four lanes' ends are one test of
	 * their entries or'd. NULL where the states do not fit. */
	uint16_t *gate_scan_delta;
	uint16_t gate_scan_root;    /* the root's row */
	uint8_t *gate_scan_shortest; /* per row from GATE_SCAN_OUT on: bytes of its shortest word */
	/* Per pattern (by its index): the number of its text among the distinct
	 * expanded texts, so that patterns written alike are matched once per
	 * sentence. */
	uint32_t *shape;
	uint32_t n_shapes;
	/* Leading words (prefix_int.h): per shape, the literal ids that lead
	 * every match, if the shape has such words (shape_leads), and whether
	 * the gate pass sees all of them (shape_in_gate). */
	bool *shape_leads, *shape_in_gate;
	uint32_t *shape_lead_start;   /* n_shapes + 1, into shape_lead_lits */
	/* Per shape, its exact matcher, built once needed (prefilter_exact,
	 * after prefilter_exact_due's first searches): most shapes never run
	 * in a scan, and building all took a third of the pack's load time.
	 * NULL until built. */
	_Atomic(exact *) *shape_exact;
	/* Per shape, its searches before its exact matcher is built, counted
	 * up to PREFILTER_EXACT_AFTER (prefilter_exact_due). */
	_Atomic(uint8_t) *shape_tries;
	uint32_t *shape_lead_lits;
	/* Per shape without leading words, the leading words of its tail
	 * program (tailfirst_int.h), " said", " told": where one occurs is
	 * where that program may match. Lists, as the leading words'. */
	uint32_t *shape_tail_start;   /* n_shapes + 1 */
	uint32_t *shape_tail_lits;
	/* The same lists as words of literal bits, in word order (CSR, n_shapes
	 * + 1 offsets): a shape's words are mostly a lexicon's, numbered
	 * together, so a search tests a word of 64 literals found where the
	 * list took a test a literal (@gaza_places' forty in a few). */
	uint32_t *shape_lead_wstart, *shape_tail_wstart;
	held_word *shape_lead_words, *shape_tail_words;
	/* A slot per leading word of a shape (a bit of shape_lead_words):
	 * the word's first slot (per word of bits), each slot's literal, and
	 * where a walk of the shape's exact matcher may start past that
	 * literal (exact_descend; packed, 0 until a scan first asks:
	 * prefilter_lead_jump). A walk from the root read the nodes that word
	 * decides again at every place: with them skipped, a walk took 37%
	 * fewer cycles, its trie warm. */
	uint32_t *shape_lead_slot, *lead_slot_lit;
	_Atomic(uint64_t) *lead_jump;
	uint8_t *lit_flags;        /* LIT_* per literal id */
	uint32_t *lit_len;         /* bytes of each literal as the automaton holds it */
	/* Per set (and n_sets, always held), the signals it is the first set
	 * of (owner OWNER_FIRST_SIGNAL + i), as lists (first_start, n_sets + 2
	 * offsets into first_sigs), and a bit per set that is some signal's
	 * first: the signals whose first set holds are then read off the sets
	 * that hold. Nearly every such set is one signal's (125 of 127 in
	 * the shipped pack): a list of one is one store, where a row of
	 * sig_words words was as many loads from a table of 20 KB. */
	uint32_t *first_start, *first_sigs;
	uint64_t *is_first;
	uint32_t n_signals, sig_words;
	/* Each automaton's outputs (ac.out_ids, gate.out_ids) as lit_out. */
	lit_out *ac_out, *gate_out;
	uint32_t lit_words, set_words; /* 64-bit words of a bit per literal, per set (and one) */
} prefilter;

/* Where gate_scan_delta's rows of states that end a word begin. */
#define GATE_SCAN_OUT 0x8000u

#define LIT_LEADS 1u                /* leads some pattern: where it occurs is kept */
#define LIT_IN_GATE 2u              /* the gate pass finds it */
#define LIT_EXOTIC 4u               /* U+212A or U+017F: every owner is a candidate */
#define LIT_LEADS_ANYWHERE 8u       /* leads some pattern without a \b before it */
#define LIT_WORD_START 16u          /* leads, and only after a \b: no match it leads starts inside a word */

typedef struct prefilter_state {
	/* A bit per literal found in this sentence and per set satisfied (bit
	 * n_sets: always). Bits, not stamps a word each: a found literal marks
	 * a few sets, and the two rows (half a kilobyte for the shipped pack)
	 * stay in the L1 cache next to the automaton's table. */
	uint64_t *lit_found, *set_held;
	const held_word *held;     /* the prefilter's */
	bool dirty;                /* a pass ran since the rows were cleared */
	bool exotic;               /* every owner is a candidate for this sentence */
	bool gate_ran, rest_ran;   /* which passes ran on this sentence */
	/* Where leading words occur in the sentence (start offsets). */
	uint32_t *occ_lit, *occ_start;
	uint32_t *occ_next;        /* the literal's previous occurrence, or UINT32_MAX */
	uint32_t *lit_last;        /* per literal: its last occurrence, valid where its lit_found bit is set */
	uint32_t n_occ, cap_occ;
	bool occ_lost;             /* out of memory: positions unknown */
} prefilter_state;

struct ps_ruleset;
struct ps_pattern;

/* Where prefilter_build gets a pattern's leading words, prefix_words() of
 * its expansion, which may live in a. The loader hands over those a helper
 * thread derived while the load went on. */
typedef ps_status (*prefilter_leads_fn)(void *data, const struct ps_pattern *p, prefix_set *out, arena *a);

/* Build from the ruleset's patterns (their literal requirements and
 * expansions; they need not be compiled yet). leads NULL: prefix_words()
 * here. */
ps_status prefilter_build(prefilter *pf, const struct ps_ruleset *rs, prefilter_leads_fn leads, void *data);
void prefilter_free(prefilter *pf);

ps_status prefilter_state_init(prefilter_state *ps, const prefilter *pf);
void prefilter_state_free(prefilter_state *ps);

/* Find the literals in a sentence and count each owner's satisfied sets:
 * prefilter_begin() and prefilter_run_rest(). */
void prefilter_run(const prefilter *pf, prefilter_state *ps, const char *text, size_t len);

/* Can the setting gate's `any` half match text? False only when none of
 * its words occurs; true when the ruleset has no gate. */
bool prefilter_gate_possible(const prefilter *pf, const char *text, size_t len);

/* Where a word of the gate's `any` half ends: the offset just past it,
 * and the latest start of a word ending there (the shortest one's). */
typedef struct gate_hit {
	uint32_t start, end;
} gate_hit;

/* Every place in text[0..len) where a word of the gate's `any` half ends,
 * in order, into hits[0..max). One walk over a buffer of sentences, in
 * four lanes side by side, keeps the core busier than a walk per sentence,
 * each step of which waits on the one before. A sentence is then possible
 * (prefilter_gate_possible) exactly when some hit lies in it: start at or
 * after its first byte, end at or before its last. Returns the number of
 * hits; SIZE_MAX when there are more than max, or the gate has no table. */
size_t prefilter_gate_scan(const prefilter *pf, const char *text, size_t len, gate_hit *hits, size_t max);

/* Start a sentence: forget the literals of the one before. */
void prefilter_begin(prefilter_state *ps, const prefilter *pf);

/* Find the setting gate's literals in the sentence (after prefilter_begin).
 * Afterwards prefilter_candidate() is exact for the gate's two owners and
 * prefilter_pattern_possible() for the gate's patterns. */
void prefilter_run_gate(const prefilter *pf, prefilter_state *ps, const char *text, size_t len);

/* Find every literal in the sentence, adding to what the gate pass found. */
void prefilter_run_rest(const prefilter *pf, prefilter_state *ps, const char *text, size_t len);

/* After the passes over text: where, at or after from, a match of a
 * pattern of this shape can start. Returns false when the prefilter cannot
 * tell; else *first and *last are the first and last such offsets, or
 * *first is SIZE_MAX when there is none. */
bool prefilter_starts(const prefilter *pf, const prefilter_state *ps, uint32_t shape, const char *text,
                      size_t from, size_t *first, size_t *last);

/* The exact matcher of shape, whose text is text[0..len), built by the
 * first scanner (on any thread) that asks; NULL where the shape has none
 * or memory ran out. Only for shapes with leading words and no group
 * that is read. */
const exact *prefilter_exact(const prefilter *pf, uint32_t shape, const char *text, size_t len);

/* Searches of a shape that PCRE2's interpreter answers before its exact
 * matcher is built. A build costs about as much as sixty such searches
 * (150,000 instructions, where one costs some 2,400 more than the walk of
 * a built matcher), and most shapes a short text asks about are asked a
 * few times at most: the bundled corpus asked 87 of its 419 shapes once and
 * 302 fewer than eight times. Built on first need, the matchers were a
 * quarter of the instructions of a scan of that corpus. */
#define PREFILTER_EXACT_AFTER 8

/* Count a search of shape: true when its exact matcher is, or is now to
 * be, built (prefilter_exact); false for the first PREFILTER_EXACT_AFTER
 * searches before, which PCRE2 is to answer. */
bool prefilter_exact_due(const prefilter *pf, uint32_t shape);

/* After the passes over text: the distinct offsets, at or after from and
 * in increasing order, where a leading word of a pattern of this shape
 * starts (where its matches can start; not inside a word for a word the
 * pattern has a \b before), at most max of them in pos, and with slot,
 * the slot of a leading word at each (for prefilter_lead_jump). Returns
 * their number, or SIZE_MAX when the prefilter cannot tell or there are
 * more. */
size_t prefilter_lead_positions(const prefilter *pf, const prefilter_state *ps, uint32_t shape, const char *text,
                                size_t from, size_t *pos, uint32_t *slot, size_t max);

/* A slot's jump (exact_jump): at << 32 | tokens << 24 | spaces << 8 |
 * used << 1 | 1; 0: not yet known. */
_Static_assert(EXACT_DESCEND_MAX <= 16, "a jump's spaces and bytes fit below its tokens");

/* prefilter_lead_jump()'s first time for a slot: its jump, kept. */
uint64_t prefilter_lead_jump_find(const prefilter *pf, const exact *x, uint32_t slot, const char *text, size_t at);

/* For the leading word of slot (prefilter_lead_positions) at text[at],
 * where x is the shape's exact matcher (prefilter_exact): where its walk
 * may start (exact_descend), worked out for the slot's literal the first
 * time any scan asks, and kept. */
static inline exact_jump prefilter_lead_jump(const prefilter *pf, const exact *x, uint32_t slot, const char *text,
                                             size_t at)
{
	uint64_t v = atomic_load_explicit(&pf->lead_jump[slot], memory_order_relaxed);
	if (!v)
		v = prefilter_lead_jump_find(pf, x, slot, text, at);
	/* Where the word has a tab or a line end for a pattern's space, the
	 * walk starts at the root. */
	for (uint32_t sp = (uint32_t)(v >> 8) & 0xFFFFu; sp; sp &= sp - 1)
		if (text[at + (unsigned)__builtin_ctz(sp)] != ' ')
			return (exact_jump){ 0 };
	return (exact_jump){ .at = (uint32_t)(v >> 32), .tokens = (uint8_t)(v >> 24), .used = (uint8_t)(v >> 1 & 0x1Fu),
		             .spaces = (uint16_t)(v >> 8) };
}

/* The same for the places where the shape's tail program may match (the
 * whitespace before a word that leads its tail), after the full pass:
 * every place at or after from where it matches is among them. SIZE_MAX
 * where the prefilter cannot tell (no tail words, no full pass) or there
 * are more than max. */
size_t prefilter_tail_positions(const prefilter *pf, const prefilter_state *ps, uint32_t shape, const char *text,
                                size_t from, size_t *pos, size_t max);

/* Has the pack a setting gate, whose first pass lets the full pass run
 * only on the sentences that may be in the setting? */
static inline bool prefilter_gated(const prefilter *pf)
{
	return acm_built(&pf->gate);
}

/* After the passes: was literal lit found in this sentence? */
static inline bool prefilter_found(const prefilter_state *ps, uint32_t lit)
{
	return ps->lit_found[lit / 64] >> (lit % 64) & 1;
}

static inline bool prefilter_held(const prefilter_state *ps, uint32_t set)
{
	return ps->set_held[set / 64] >> (set % 64) & 1;
}

/* After prefilter_run: can owner match this sentence? */
static inline bool prefilter_candidate(const prefilter *pf, const prefilter_state *ps, uint32_t owner)
{
	if (ps->exotic)
		return true;
	if (!prefilter_held(ps, pf->owner_first[owner]))
		return false;
	for (uint32_t k = pf->owner_set_start[owner] + 1; k < pf->owner_set_start[owner + 1]; k++)
		if (!prefilter_held(ps, pf->owner_set_ids[k]))
			return false;
	return true;
}

/* After the passes: bit i of bits[0..sig_words) set when the first set of
 * signal i (owner OWNER_FIRST_SIGNAL + i), which prefilter_candidate()
 * asks first, holds. */
void prefilter_signal_firsts(const prefilter *pf, const prefilter_state *ps, uint64_t *bits);

/* Bit i of bits[0..sig_words) set for every signal i: for a scan without
 * the prefilter, where every signal may match. */
void prefilter_all_signals(const prefilter *pf, uint64_t *bits);

/* The set that prefilter_pattern_possible() asks first for the pattern
 * with this index: where it does not hold, the pattern cannot match (unless
 * the sentence is exotic). n_sets, which always holds, for a pattern
 * outside the list or with no requirement. */
static inline uint32_t prefilter_first_set(const prefilter *pf, uint32_t index)
{
	return index < pf->n_patterns ? pf->owner_first[pf->pattern_owner + index] : pf->n_sets;
}

/* After prefilter_run: can the pattern with this index match the sentence?
 * True for a pattern with no requirement, or outside the pattern list. */
static inline bool prefilter_pattern_possible(const prefilter *pf, const prefilter_state *ps, uint32_t index)
{
	return index >= pf->n_patterns || prefilter_candidate(pf, ps, pf->pattern_owner + index);
}

#endif
