#include "pactscan/scanner.h"
#include "pactscan/segment.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bits_int.h"
#include "cue_int.h"
#include "repeats_int.h"
#include "ruleset_int.h"

#define READ_CHUNK 65536
/* Where the next read goes (buf + len) is kept on this boundary: the
 * kernel copies a read into an address off a 32-byte boundary four times
 * slower (1.9 GB/s against 7.4 GB/s here, 64 KiB reads; the copy was 3.1%
 * of a one-thread scan at 3%, and is 1.9%). */
#define READ_ALIGN 64
#define MAX_OCCURRENCES 16
#define MAX_PARTS 24
#define MAX_CONTEXT 50
/* The longest sentence a scanner takes (ps_scan_limits.max_sentence), so
 * that offsets in a sentence fit in 32 bits. */
#define MAX_SENTENCE ((size_t)1 << 30)

/* The matches of one pattern text in the current sentence, found in order
 * and only as far as asked: many signals share a lexicon, and its
 * alternation is the costliest thing PCRE2 runs. Offsets in 32 bits (a
 * sentence is at most MAX_SENTENCE bytes), each match's start and end side
 * by side: the stamp and the first six matches share a cache line, which
 * every search of the pattern in the sentence reads. */
typedef struct memo {
	uint64_t sentence;    /* sentence_no these are for */
	uint32_t next;        /* where the search for the next one starts */
	uint8_t n;            /* matches found so far */
	bool done;            /* no further match */
	bool limit;           /* the search for match n hit a limit */
	uint32_t at[2 * MAX_OCCURRENCES]; /* start, end of each */
} memo;
_Static_assert(MAX_OCCURRENCES <= UINT8_MAX, "a memo counts its matches in a byte");

/* What a sentence's entry among those seen says (repeat_entry.facts):
 * the setting's own terms matched it; whether another setting's did is
 * known (asked only where there was context and no term of its own), and
 * yes; its findings are recorded (it was in the setting). */
enum { REPEAT_HERE = 1, REPEAT_ELSEWHERE_KNOWN = 2, REPEAT_ELSEWHERE = 4, REPEAT_FINDINGS = 8 };
/* The cache is looked up for every sentence that may be in the setting
 * while at least REPEAT_NEED of a round's lookups find one met before
 * (1.6%: below that, the lookups cost more than the searches they save),
 * else for one in REPEAT_SAMPLE, until one finds a sentence met before.
 * Looking up every sentence cost 2 to 5% of a scan of text that never
 * repeats. */
#define REPEAT_NEED 4
#define REPEAT_SAMPLE 16

/* A choice made again every VOTE_ROUND cases: on when at least a given
 * number of the round's were yes. */
#define VOTE_ROUND 256
/* Dense: 60% of a round's sentences had context. */
#define DENSE_NEED 154
/* Direct: 80% of a round's sentences that might be in the setting were. */
#define DIRECT_NEED 205
/* Hashing ahead: 25% of a round's sentences were looked up among those
 * met before. Chosen, not measured: below it, hashing the sentences that
 * are not looked up would outweigh the waits saved. */
#define AHEAD_NEED 64
typedef struct vote {
	uint32_t seen, yes;
	bool on;
} vote;

static void vote_add(vote *v, bool yes, uint32_t need)
{
	v->yes += yes;
	if (++v->seen == VOTE_ROUND) {
		v->on = v->yes >= need;
		v->seen = v->yes = 0;
	}
}

struct ps_scanner {
	const ps_ruleset *rules;
	ps_scan_limits limits;
	matcher m;
	pcre2_jit_stack *jit_stack;
	ps_scan_callbacks cb;
	char *store;          /* the buffer's memory (store_cap bytes, READ_ALIGN-aligned) */
	size_t store_cap;
	char *buf;            /* unconsumed bytes of the document, in store */
	/* What process() reads: buf, or the caller's last bytes, scanned
	 * where they are (ps_scanner_feed_last). */
	const char *text;
	size_t len, cap;      /* bytes at text; buf's room */
	uint64_t base;        /* document offset of text[0] */
	uint64_t line;        /* line of the byte at line_pos */
	uint64_t line_start;  /* document offset where that line starts */
	uint64_t line_pos;    /* lines are counted up to here */
	uint64_t line_chars;  /* code points from line_start to line_pos */
	bool last_cr;         /* the byte before line_pos was a lone-so-far CR */
	bool started, bom_checked, skipping, stopped, incomplete;
	uint64_t report_from; /* sentences before this offset are context only */
	uint64_t origin;      /* document offset of the first byte fed */
	uint64_t fed_end;     /* document offset just past the last byte fed */
	/* Sentences since the last one in the setting (MAX_CONTEXT: none
	 * yet): one was among the last n exactly when this is below n. */
	size_t quiet;
	ps_scan_stats stats;
	size_t space;         /* room ps_scanner_space() gave at buf + len; 0: none given */
	prefilter_state pfs;
	bool prefilter;       /* look for required words before running patterns */
	/* Of the recent sentences that might be in the setting, how many were:
	 * where nearly all are, the gate's own pass is skipped (direct). */
	vote direct;
	/* Of the recent sentences, how many had an earlier one in the setting
	 * as context: where most do (a text about the setting), the gate's
	 * words are looked for per sentence, not in the whole buffer (dense). */
	vote dense;
	/* Where the gate's `any` words are in the buffer's sentences, found in
	 * one walk per buffer (prefilter_gate_scan); ghits_valid is false when
	 * the walk per sentence decides instead. Offsets from buf + ghit_base. */
	gate_hit *ghits;
	size_t n_ghits, cap_ghits, ghit_next, ghit_base;
	bool ghits_valid;
	cue_matches cues;     /* of the sentence being scanned; 8 KiB, so not per sentence */
	memo scratch;         /* matches of a pattern that shares its text with none */
	memo *memo;    /* per distinct pattern text: its matches in the sentence */
	uint64_t sentence_no; /* stamps the memo */
	/* Per clause (in rules->clauses order): the number of its first
	 * signal among all signals, which own consecutive numbers from
	 * OWNER_FIRST_SIGNAL, and how many it has; and a bit per signal whose
	 * first set holds in the sentence (one word more than they fill). */
	uint32_t *clause_sig0, *clause_nsig;
	/* Per signal number, its clause (a clause's signals are numbered in a
	 * row, clause after clause). */
	uint32_t *sig_clause;
	uint64_t *first_bits;
	/* ps_scanner_select: a bit per signal of the clauses selected, ANDed
	 * into first_bits, so that no other signal is searched; NULL for all. */
	uint64_t *only;
	/* PS_SCAN_PROFILE: per signal number, what it cost (else NULL); the
	 * time collecting cues, in all and in the signal being timed; the time
	 * in process(), in the word passes and in the finding callback. */
	ps_signal_cost *cost;
	uint64_t cue_ns, cue_ns_now, scan_ns, word_ns, callback_ns;
	uint64_t gate_passes, full_passes; /* find_words' calls, when profiling */
	/* Sentences seen before and what they gave (PS_SCAN_NO_REPEAT_CACHE
	 * off, the prefilter on); the sentence being scanned is recorded for
	 * them while recording: its facts (REPEAT_*) and its findings, kept
	 * (kept_finding records) in rec. */
	repeats seen;
	/* Of the recent lookups, how many found the sentence met before:
	 * where none do (text that does not repeat), only one sentence in
	 * REPEAT_SAMPLE is looked up, and skip counts them. */
	vote repeating;
	uint32_t skip;
	bool use_seen, recording, rec_full;
	uint64_t rec_hash;
	unsigned rec_facts;
	size_t rec_len;
	unsigned char rec[REPEAT_MAX_BYTES];
	/* The hash of the sentence being scanned, if it was worked out while
	 * the one before was scanned (pre_valid), and its entry's line fetched
	 * meanwhile: where sentences repeat and most are looked up, each lookup
	 * waited on that line. Done while at least AHEAD_NEED of a round's
	 * sentences were looked up (looked). */
	uint64_t pre_hash;
	bool pre_valid, looked;
	vote hash_ahead;
};

ps_status ps_scanner_new(ps_scanner **out, const ps_ruleset *rules, const ps_scan_limits *limits)
{
	ps_scanner *s = NULL;
	ps_status st = PS_OK;
	if (!out || !rules)
		return PS_ERR_INVALID;
	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return PS_ERR_NOMEM;
	s->rules = rules;
	if (limits)
		s->limits = *limits;
	if (s->limits.max_sentence == 0)
		s->limits.max_sentence = PS_SEGMENT_MAX_DEFAULT;
	if (s->limits.max_sentence < 64)
		s->limits.max_sentence = 64;
	if (s->limits.max_sentence > MAX_SENTENCE)
		s->limits.max_sentence = MAX_SENTENCE;
	if (s->limits.match_limit == 0)
		s->limits.match_limit = 200000;
	if (s->limits.depth_limit == 0)
		s->limits.depth_limit = 10000;
	if (s->limits.max_limit_hits == 0)
		s->limits.max_limit_hits = 100;
	/* Room for a sentence and a chunk wherever the tail is placed, in
	 * whole READ_ALIGN blocks, as aligned_alloc asks. */
	s->store_cap = (s->limits.max_sentence + READ_CHUNK + 2 * READ_ALIGN - 1) / READ_ALIGN * READ_ALIGN;
	s->store = aligned_alloc(READ_ALIGN, s->store_cap);
	s->buf = s->store;
	s->text = s->store;
	s->cap = s->store_cap;
	s->m.md = pcre2_match_data_create(32, NULL);
	s->m.mc = pcre2_match_context_create(NULL);
	s->jit_stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (!s->store || !s->m.md || !s->m.mc || !s->jit_stack) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	s->prefilter = !(s->limits.flags & PS_SCAN_NO_PREFILTER);
	/* The plain path, which the tests compare with, answers no repeat. */
	if (s->limits.repeat_cache_bytes == 0)
		s->limits.repeat_cache_bytes = PS_REPEAT_CACHE_DEFAULT;
	s->use_seen = s->prefilter && !(s->limits.flags & PS_SCAN_NO_REPEAT_CACHE) &&
	              repeats_size(&s->seen, s->limits.repeat_cache_bytes);
	s->repeating.on = true;
	if (rules->pf.n_shapes && !(s->memo = calloc(rules->pf.n_shapes, sizeof(*s->memo)))) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	s->clause_sig0 = calloc(rules->n_clauses + 1, sizeof(*s->clause_sig0));
	s->clause_nsig = calloc(rules->n_clauses + 1, sizeof(*s->clause_nsig));
	s->first_bits = calloc(rules->n_signals / 64 + 2, sizeof(*s->first_bits));
	s->sig_clause = calloc(rules->n_signals + 1, sizeof(*s->sig_clause));
	if (!s->clause_sig0 || !s->clause_nsig || !s->first_bits || !s->sig_clause) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (size_t ci = 0; ci < rules->n_clauses; ci++) {
		const ps_clause *c = rules->clauses[ci];
		s->clause_nsig[ci] = (uint32_t)c->n_signals;
		s->clause_sig0[ci] = c->n_signals ? c->signals[0].owner - OWNER_FIRST_SIGNAL : 0;
		for (size_t k = 0; k < c->n_signals; k++)
			s->sig_clause[s->clause_sig0[ci] + k] = (uint32_t)ci;
	}
	if ((s->limits.flags & PS_SCAN_PROFILE) && !(s->cost = calloc(rules->n_signals + 1, sizeof(*s->cost)))) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	if (s->limits.flags & PS_SCAN_NO_JIT)
		s->m.options = PCRE2_NO_JIT;
	if (s->prefilter) {
		if (prefilter_state_init(&s->pfs, &rules->pf) != PS_OK) {
			st = PS_ERR_NOMEM;
			goto out;
		}
		s->m.pf = &rules->pf;
		s->m.pfs = &s->pfs;
	}
	pcre2_set_match_limit(s->m.mc, s->limits.match_limit);
	pcre2_set_depth_limit(s->m.mc, s->limits.depth_limit);
	pcre2_jit_stack_assign(s->m.mc, NULL, s->jit_stack);
	*out = s;
	s = NULL;
out:
	ps_scanner_free(s);
	return st;
}

void ps_scanner_free(ps_scanner *s)
{
	if (!s)
		return;
	pcre2_match_data_free(s->m.md);
	pcre2_match_context_free(s->m.mc);
	pcre2_jit_stack_free(s->jit_stack);
	free(s->store);
	free(s->ghits);
	free(s->memo);
	free(s->clause_sig0);
	free(s->clause_nsig);
	free(s->first_bits);
	free(s->only);
	free(s->sig_clause);
	free(s->cost);
	prefilter_state_free(&s->pfs);
	repeats_free(&s->seen);
	free(s);
}

ps_status ps_scanner_select(ps_scanner *s, const ps_clause *const *clauses, size_t n)
{
	ps_status st = PS_OK;
	uint64_t *only = NULL;
	if (!s || s->started || (n && !clauses))
		return PS_ERR_INVALID;
	const ps_ruleset *rs = s->rules;
	if (n && !(only = calloc(rs->n_signals / 64 + 2, sizeof(*only)))) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		const ps_clause *c = clauses[k];
		size_t ci = c ? c->index : rs->n_clauses;
		if (ci >= rs->n_clauses || rs->clauses[ci] != c) {
			st = PS_ERR_INVALID;
			goto out;
		}
		for (uint32_t i = s->clause_sig0[ci]; i < s->clause_sig0[ci] + s->clause_nsig[ci]; i++)
			only[i / 64] |= UINT64_C(1) << (i % 64);
	}
	free(s->only);
	s->only = only;
	only = NULL;
	/* Entries hold what the former selection found. */
	repeats_free(&s->seen);
out:
	free(only);
	return st;
}

const ps_scan_stats *ps_scanner_stats(const ps_scanner *s)
{
	return &s->stats;
}

ps_status ps_scanner_profile(ps_scan_profile *out, const ps_scanner *s)
{
	if (!out || !s || !s->cost)
		return PS_ERR_INVALID;
	*out = (ps_scan_profile){
		.signals = s->cost, .n_signals = s->rules->n_signals, .cue_nanoseconds = s->cue_ns,
		.scan_nanoseconds = s->scan_ns, .word_nanoseconds = s->word_ns, .callback_nanoseconds = s->callback_ns,
		.gate_passes = s->gate_passes, .full_passes = s->full_passes,
	};
	return PS_OK;
}

/* Clocks for profiles, in nanoseconds: a monotonic one for the short
 * parts (read without a system call, two a signal tried), and the thread's
 * CPU time for the whole of each process() call, which a thread waiting
 * for a core would otherwise inflate. */
static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

ps_status ps_scanner_begin(ps_scanner *s, const ps_scan_callbacks *callbacks)
{
	if (!s)
		return PS_ERR_INVALID;
	if (callbacks)
		s->cb = *callbacks;
	else
		memset(&s->cb, 0, sizeof(s->cb));
	s->buf = s->store;
	s->text = s->store;
	s->cap = s->store_cap;
	s->len = 0;
	s->base = 0;
	s->line = 1;
	s->line_start = 0;
	s->line_pos = 0;
	s->line_chars = 0;
	s->last_cr = false;
	s->started = true;
	s->space = 0;
	s->bom_checked = s->skipping = s->stopped = s->incomplete = false;
	s->quiet = MAX_CONTEXT;
	s->report_from = s->origin = s->fed_end = 0;
	memset(&s->stats, 0, sizeof(s->stats));
	return PS_OK;
}

ps_status ps_scanner_begin_at(ps_scanner *s, const ps_scan_callbacks *callbacks, const ps_scan_origin *origin)
{
	ps_status st = ps_scanner_begin(s, callbacks);
	if (st != PS_OK)
		return st;
	if (!origin || origin->line == 0 || origin->column == 0 || origin->column - 1 > origin->offset) {
		s->started = false;
		return PS_ERR_INVALID;
	}
	s->base = s->line_pos = origin->offset;
	s->line = origin->line;
	s->line_start = origin->offset - (origin->column - 1);
	/* The bytes before the origin on its line are not seen: one
	 * character each (a piece cut at a line start has none). */
	s->line_chars = origin->column - 1;
	s->report_from = origin->report_from;
	s->origin = s->fed_end = origin->offset;
	/* A byte order mark can only open the whole document. */
	s->bom_checked = origin->offset > 0;
	return PS_OK;
}

static void problem(ps_scanner *s, uint64_t line, uint64_t col, const char *id, const char *msg)
{
	s->incomplete = true;
	if (!s->cb.on_problem)
		return;
	ps_diag d = { .severity = PS_SEVERITY_ERROR, .line = (size_t)line, .column = (size_t)col,
	              .id = id, .message = msg };
	s->cb.on_problem(&d, s->cb.userdata);
}

/* The line feeds in t[0..n): how many, and the offset of the last (when
 * there are any). False, with nothing set, where a CR occurs. Sixteen
 * bytes a step, the feeds summed in byte lanes and the CRs or'd, tested
 * every 255 steps (a lane's most): a memchr call per line end cost 3% of
 * a scan, and a count and a test per step still 2.6%. */
static bool count_feeds(const char *t, size_t n, uint64_t *count, size_t *last)
{
	uint64_t c = 0;
	size_t i = 0;
#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'), zero = _mm_setzero_si128();
	while (i + 16 <= n) {
		__m128i sum = zero, crs = zero;
		for (size_t k = 0; k < 255 && i + 16 <= n; k++, i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
			crs = _mm_or_si128(crs, _mm_cmpeq_epi8(v, cr));
			sum = _mm_sub_epi8(sum, _mm_cmpeq_epi8(v, lf)); /* a match is -1 */
		}
		if (_mm_movemask_epi8(crs))
			return false;
		__m128i halves = _mm_sad_epu8(sum, zero);
		c += (uint64_t)_mm_cvtsi128_si32(halves) + (uint64_t)_mm_extract_epi16(halves, 4);
	}
#endif
	for (size_t k = i; k < n; k++) {
		if (t[k] == '\r')
			return false;
		c += t[k] == '\n';
	}
	*count = c;
	*last = 0;
	/* The last one, from the end: a line is rarely long. */
	for (size_t k = n; c && k-- > 0;)
		if (t[k] == '\n') {
			*last = k;
			break;
		}
	return true;
}

/* Code points in t[0..n): the bytes that do not continue a UTF-8
 * sequence (so an invalid byte is one). */
static uint64_t count_chars(const char *t, size_t n)
{
	uint64_t c = 0;
	size_t i = 0;
#ifdef __SSE2__
	/* A text on one line is counted whole: sixteen bytes a step. */
	const __m128i top = _mm_set1_epi8((char)0xC0), cont = _mm_set1_epi8((char)0x80);
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(v, top), cont));
		c += 16 - bits_count16(m);
	}
#endif
	for (; i < n; i++)
		c += ((unsigned char)t[i] & 0xC0) != 0x80;
	return c;
}

/* Count lines, and the code points of the last, up to document offset off
 * (which is inside the buffer). */
static void advance_lines(ps_scanner *s, uint64_t off)
{
	if (off <= s->line_pos)
		return;
	const char *t = s->text + (s->line_pos - s->base);
	size_t n = (size_t)(off - s->line_pos);
	/* The LF of a CRLF split across two calls ends no further line. */
	size_t skip = s->last_cr && t[0] == '\n' ? 1 : 0;
	uint64_t feeds;
	size_t last;
	if (count_feeds(t + skip, n - skip, &feeds, &last)) {
		/* No CR: only line feeds end lines, which is news prose. (After
		 * a CR, line_chars is 0 already.) */
		if (skip)
			s->line_start = s->line_pos + 1;
		if (feeds) {
			s->line += feeds;
			s->line_start = s->line_pos + skip + last + 1;
			s->line_chars = 0;
		}
		/* From the line's start or where the count stopped, whichever is later. */
		size_t from = (size_t)(s->line_start > s->line_pos ? s->line_start - s->line_pos : 0);
		s->line_chars += count_chars(t + from, n - from);
		s->last_cr = false;
		s->line_pos = off;
		return;
	}
	for (uint64_t p = s->line_pos; p < off; p++) {
		char c = s->text[p - s->base];
		if (c == '\n') {
			if (!s->last_cr)
				s->line++;
			s->line_start = p + 1;
			s->line_chars = 0;
			s->last_cr = false;
		} else if (c == '\r') {
			s->line++;
			s->line_start = p + 1;
			s->line_chars = 0;
			s->last_cr = true;
		} else {
			s->line_chars += ((unsigned char)c & 0xC0) != 0x80;
			s->last_cr = false;
		}
	}
	s->line_pos = off;
}

/* ---- signals ----------------------------------------------------------- */

typedef struct part {
	size_t start, end;
} part;

typedef struct candidate {
	const ps_signal *signal;
	ps_stance stance;
	ps_certainty certainty;
	part parts[MAX_PARTS];
	size_t n_parts;
	ps_cue cues[3];
	size_t n_cues;
	bool has_source;
	size_t source_start, source_end;
} candidate;

typedef struct sentence {
	const char *text;
	size_t len;
	uint64_t off;         /* document offset of text[0] */
	uint64_t line, col;   /* once located (locate()) */
	uint64_t chars;       /* col in code points */
	bool located;
	cue_matches *cues;    /* the scanner's, filled on first need (cue_need) */
} sentence;

typedef struct occurrences {
	size_t start[MAX_OCCURRENCES];
	size_t end[MAX_OCCURRENCES];
	size_t count;
} occurrences;

/* The first max (at most MAX_OCCURRENCES) matches of p in the sentence,
 * as pattern_find_all() would find them; a pattern with the same text was
 * perhaps asked already. Returns -1 when a limit was hit before max were
 * found (what was found is in *found), else the count. */
static int matches(ps_scanner *s, const sentence *sn, const ps_pattern *p, size_t max, const memo **out, size_t *found)
{
	const prefilter *pf = &s->rules->pf;
	uint32_t shape = p->index < pf->n_patterns ? pf->shape[p->index] : UINT32_MAX;
	memo *m = shape != UINT32_MAX ? &s->memo[shape] : NULL;
	if (!m) {
		/* Not shared: found directly, into the scanner's spare memo. */
		static const memo empty;
		m = &s->scratch;
		*m = empty;
		m->sentence = s->sentence_no;
	} else if (m->sentence != s->sentence_no) {
		m->sentence = s->sentence_no;
		m->n = m->next = 0;
		m->done = m->limit = false;
	}
	while (m->n < max && !m->done && !m->limit) {
		size_t ms, me;
		int rc = m->next <= sn->len ? matcher_find(&s->m, p, shape, sn->text, sn->len, m->next, &ms, &me) : 0;
		if (rc < 0) {
			m->limit = true;
			break;
		}
		if (rc == 0) {
			m->done = true;
			break;
		}
		m->at[2 * m->n] = (uint32_t)ms;
		m->at[2 * m->n++ + 1] = (uint32_t)me;
		m->done = s->m.last;
		size_t next = me + 1;
		if (me > ms) {
			next = me;
		} else {
			/* Step over one whole UTF-8 character after an empty match. */
			while (next < sn->len && ((unsigned char)sn->text[next] & 0xC0) == 0x80)
				next++;
		}
		m->next = (uint32_t)next;
	}
	*out = m;
	*found = m->n < max ? m->n : max;
	return m->n < max && m->limit ? -1 : (int)*found;
}

static void find(ps_scanner *s, const sentence *sn, const ps_pattern *p, occurrences *o)
{
	const memo *m;
	size_t found = 0;
	if (!matcher_possible(&s->m, p))
		return;
	if (matches(s, sn, p, MAX_OCCURRENCES - o->count, &m, &found) < 0)
		s->m.limit_hit = true;
	for (size_t k = 0; k < found; k++) {
		o->start[o->count + k] = m->at[2 * k];
		o->end[o->count + k] = m->at[2 * k + 1];
	}
	o->count += found;
}

/* Does p match the sentence at all? 1, 0, or -1 for a limit. */
static int matches_once(ps_scanner *s, const sentence *sn, const ps_pattern *p)
{
	const memo *m;
	size_t found;
	return matches(s, sn, p, 1, &m, &found);
}

static size_t distance(size_t a_start, size_t a_end, size_t b_start, size_t b_end)
{
	if (b_start >= a_end)
		return b_start - a_end;
	if (a_start >= b_end)
		return a_start - b_end;
	return 0;
}

/* The occurrence in o nearest to [as, ae). */
static part nearest(const occurrences *o, size_t as, size_t ae)
{
	size_t best = 0, best_d = (size_t)-1;
	for (size_t i = 0; i < o->count; i++) {
		size_t d = distance(as, ae, o->start[i], o->end[i]);
		if (d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return (part){ o->start[best], o->end[best] };
}

/* Words in the window spanned by the parts that no part covers. */
static size_t gap_words(const char *text, const part *parts, size_t n)
{
	size_t lo = parts[0].start, hi = parts[0].end, covered = 0;
	for (size_t i = 1; i < n; i++) {
		if (parts[i].start < lo)
			lo = parts[i].start;
		if (parts[i].end > hi)
			hi = parts[i].end;
	}
	size_t total = cue_words(text, lo, hi);
	for (size_t i = 0; i < n; i++)
		covered += cue_words(text, parts[i].start, parts[i].end);
	return covered >= total ? 0 : total - covered;
}

static void add_cue(candidate *c, const sentence *sn, ps_cue_kind kind, size_t a, size_t b)
{
	c->cues[c->n_cues++] = (ps_cue){
		.kind = kind, .span = { sn->off + a, sn->off + b }, .text = sn->text + a, .text_len = b - a,
	};
}

/* cue_need(), timed apart from the signal that first asks when profiling:
 * the cues serve every signal of the sentence. */
static void need_cues(ps_scanner *s, cue_matches *cm, unsigned want, const sentence *sn)
{
	if (!s->cost || !(want & ~cm->ready)) {
		cue_need(cm, want, s->rules, &s->m, sn->text, sn->len);
		return;
	}
	uint64_t t0 = now_ns();
	cue_need(cm, want, s->rules, &s->m, sn->text, sn->len);
	uint64_t spent = now_ns() - t0;
	s->cue_ns += spent;
	s->cue_ns_now += spent;
}

/* The pass that finds the words of the gate (gate_only) or of every
 * pattern in the sentence, timed when profiling. */
static void find_words(ps_scanner *s, const sentence *sn, bool gate_only)
{
	const ps_ruleset *rs = s->rules;
	uint64_t t0 = s->cost ? now_ns() : 0;
	if (gate_only)
		prefilter_run_gate(&rs->pf, &s->pfs, sn->text, sn->len);
	else
		prefilter_run_rest(&rs->pf, &s->pfs, sn->text, sn->len);
	if (s->cost) {
		s->word_ns += now_ns() - t0;
		*(gate_only ? &s->gate_passes : &s->full_passes) += 1;
	}
}

/* Does the signal fire in the sentence? Fills c when it does. */
static bool eval_signal(ps_scanner *s, sentence *sn, const ps_signal *sig, candidate *c)
{
	const ps_ruleset *rs = s->rules;
	/* Only the counts are set: the arrays are read up to them, and zeroing
	 * them showed up in profiles of every in-setting sentence. */
	occurrences act, any;
	occurrences all[8];
	act.count = any.count = 0;
	size_t n_all = sig->all.count < 8 ? sig->all.count : 8;

	/* Words that rule the signal out, looked for first: they are seldom
	 * all there (the prefilter says so without a search), and where they
	 * are, the act's and the other parts' searches are saved. */
	for (size_t i = 0; i < sig->none.count; i++) {
		if (!matcher_possible(&s->m, sig->none.items[i]))
			continue;
		int rc = matches_once(s, sn, sig->none.items[i]);
		if (rc < 0)
			s->m.limit_hit = true;
		if (rc == 1)
			return false;
	}
	for (size_t i = 0; i < sig->act.count && act.count < MAX_OCCURRENCES; i++)
		find(s, sn, sig->act.items[i], &act);
	if (!act.count)
		return false;
	for (size_t i = 0; i < n_all; i++) {
		all[i].count = 0;
		find(s, sn, sig->all.items[i], &all[i]);
		if (!all[i].count)
			return false;
	}
	for (size_t i = 0; i < sig->any.count && any.count < MAX_OCCURRENCES; i++)
		find(s, sn, sig->any.items[i], &any);
	if (sig->any.count && !any.count)
		return false;
	cue_matches *cm = sn->cues;

	for (size_t k = 0; k < act.count; k++) {
		size_t as = act.start[k], ae = act.end[k];
		c->n_parts = c->n_cues = 0;
		c->has_source = false;
		c->source_start = c->source_end = 0;
		c->signal = sig;
		c->parts[c->n_parts++] = (part){ as, ae };
		for (size_t i = 0; i < n_all; i++)
			c->parts[c->n_parts++] = nearest(&all[i], as, ae);
		if (any.count)
			c->parts[c->n_parts++] = nearest(&any, as, ae);
		if (sig->within && gap_words(sn->text, c->parts, c->n_parts) > sig->within)
			continue;
		need_cues(s, cm, CUES_RESTATEMENT, sn);
		if (cue_before(&cm->restate, &cm->restate_stop, NULL, sn->text, as, rs->restatement.scope) >= 0)
			continue;
		need_cues(s, cm, CUES_GOVERNING, sn);
		c->stance = sig->stance;
		int neg = cue_before(&cm->neg_before, &cm->neg_stop, &cm->neg_pseudo, sn->text, as, rs->negation.scope);
		if (neg >= 0) {
			if (sig->flip) {
				c->stance = sig->stance == PS_STANCE_SUPPORT ? PS_STANCE_CONFLICT : PS_STANCE_SUPPORT;
				add_cue(c, sn, PS_CUE_NEGATION, cm->neg_before.start[neg], cm->neg_before.end[neg]);
			}
		} else if ((neg = cue_after(&cm->neg_after, &cm->neg_stop, sn->text, ae, rs->negation.scope)) >= 0) {
			if (sig->flip) {
				c->stance = sig->stance == PS_STANCE_SUPPORT ? PS_STANCE_CONFLICT : PS_STANCE_SUPPORT;
				add_cue(c, sn, PS_CUE_NEGATION, cm->neg_after.start[neg], cm->neg_after.end[neg]);
			}
		}
		c->certainty = PS_CERTAINTY_ASSERTED;
		int hedge = cue_before(&cm->hedge, &cm->hedge_stop, NULL, sn->text, as, rs->hedge.scope);
		if (hedge >= 0) {
			c->certainty = PS_CERTAINTY_HEDGED;
			add_cue(c, sn, PS_CUE_HEDGE, cm->hedge.start[hedge], cm->hedge.end[hedge]);
		}
		if (cm->attributed) {
			if (hedge < 0)
				c->certainty = PS_CERTAINTY_ATTRIBUTED;
			add_cue(c, sn, PS_CUE_ATTRIBUTION, cm->attr_start, cm->attr_end);
			c->has_source = true;
			c->source_start = cm->source_start;
			c->source_end = cm->source_end;
		}
		return true;
	}
	return false;
}

/* eval_signal() for signal number n, counted and timed (PS_SCAN_PROFILE). */
static bool eval_profiled(ps_scanner *s, sentence *sn, const ps_signal *sig, candidate *c, size_t n)
{
	s->cue_ns_now = 0;
	uint64_t t0 = now_ns();
	bool fired = eval_signal(s, sn, sig, c);
	uint64_t spent = now_ns() - t0;
	ps_signal_cost *k = &s->cost[n];
	k->tried++;
	k->matched += fired;
	k->nanoseconds += spent > s->cue_ns_now ? spent - s->cue_ns_now : 0;
	return fired;
}

/* The sentence's line and column, counted when first needed: most
 * sentences have no finding, and counting each one's line ends apart cost
 * two memchr calls a sentence. Sentences come in order, so the count only
 * moves forward; process() counts the rest of the bytes it consumes. */
static void locate(ps_scanner *s, sentence *sn)
{
	if (sn->located)
		return;
	advance_lines(s, sn->off);
	sn->line = s->line;
	sn->col = sn->off - s->line_start + 1;
	sn->chars = s->line_chars + 1;
	sn->located = true;
}

static int deliver(ps_scanner *s, sentence *sn, const ps_clause *clause, const candidate *c, double weight)
{
	ps_span evidence[MAX_PARTS];
	size_t n = 0;
	for (size_t i = 0; i < c->n_parts; i++) {
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup = dup || (c->parts[j].start == c->parts[i].start && c->parts[j].end == c->parts[i].end);
		if (!dup)
			evidence[n++] = (ps_span){ sn->off + c->parts[i].start, sn->off + c->parts[i].end };
	}
	locate(s, sn);
	ps_finding f = {
		.clause = clause,
		.signal = c->signal->id,
		.stance = c->stance,
		.certainty = c->certainty,
		.weight = weight,
		.sentence = sn->text,
		.sentence_len = sn->len,
		.sentence_span = { sn->off, sn->off + sn->len },
		.line = sn->line,
		.column = sn->col,
		.char_column = sn->chars,
		.evidence = evidence,
		.evidence_count = n,
		.cues = c->cues,
		.cue_count = c->n_cues,
		.source = c->has_source ? sn->text + c->source_start : NULL,
		.source_len = c->has_source ? c->source_end - c->source_start : 0,
	};
	s->stats.findings++;
	uint64_t t0 = s->cost ? now_ns() : 0;
	int stop = s->cb.on_finding ? s->cb.on_finding(&f, s->cb.userdata) : 0;
	if (s->cost)
		s->callback_ns += now_ns() - t0;
	if (stop != 0) {
		s->stopped = true;
		return -1;
	}
	return 0;
}

/* Was one of the sentences just before in the setting? */
static bool setting_context(const ps_scanner *s)
{
	size_t n = s->rules->setting_context < MAX_CONTEXT ? s->rules->setting_context : MAX_CONTEXT;
	return s->quiet < n;
}

static void remember(ps_scanner *s, bool here)
{
	if (here)
		s->quiet = 0;
	else if (s->quiet < MAX_CONTEXT)
		s->quiet++;
}

static bool in_setting(ps_scanner *s, const sentence *sn)
{
	const ps_ruleset *rs = s->rules;
	bool here = false, elsewhere = false;
	bool try_any = !s->prefilter || prefilter_candidate(&rs->pf, &s->pfs, OWNER_SETTING_ANY);
	for (size_t i = 0; try_any && i < rs->setting_any.count && !here; i++) {
		if (!matcher_possible(&s->m, rs->setting_any.items[i]))
			continue;
		int rc = matches_once(s, sn, rs->setting_any.items[i]);
		if (rc < 0)
			s->m.limit_hit = true;
		here = rc == 1;
	}
	bool context = setting_context(s);
	remember(s, here);
	/* Another setting's terms matter only where context would let the
	 * sentence in. */
	bool try_none = !here && context &&
	                (!s->prefilter || prefilter_candidate(&rs->pf, &s->pfs, OWNER_SETTING_NONE));
	for (size_t i = 0; try_none && i < rs->setting_none.count && !elsewhere; i++) {
		if (!matcher_possible(&s->m, rs->setting_none.items[i]))
			continue;
		int rc = matches_once(s, sn, rs->setting_none.items[i]);
		if (rc < 0)
			s->m.limit_hit = true;
		elsewhere = rc == 1;
	}
	if (s->recording) {
		/* Where neither is asked, the answer does not depend on it. */
		s->rec_facts |= here ? REPEAT_HERE : 0;
		if (!here && context)
			s->rec_facts |= REPEAT_ELSEWHERE_KNOWN | (elsewhere ? REPEAT_ELSEWHERE : 0);
	}
	return here || (!elsewhere && context);
}

/* Find the gate's words in buf[pos..len), for gate_possible. */
static void scan_gate(ps_scanner *s, size_t pos)
{
	const prefilter *pf = &s->rules->pf;
	size_t len = s->len - pos;
	s->ghits_valid = false;
	s->n_ghits = s->ghit_next = 0;
	s->ghit_base = pos;
	/* Room for a word every 16 bytes, then (rarely) for one every byte. */
	for (size_t want = len / 16 + 64;; want = len + 64) {
		if (want > s->cap_ghits) {
			gate_hit *h = realloc(s->ghits, want * sizeof(*h));
			if (!h)
				return;
			s->ghits = h;
			s->cap_ghits = want;
		}
		size_t n = prefilter_gate_scan(pf, s->text + pos, len, s->ghits, s->cap_ghits);
		if (n != SIZE_MAX) {
			s->n_ghits = n;
			s->ghits_valid = true;
			return;
		}
		if (want > len || !pf->gate_scan_delta)
			return;
	}
}

/* Can the gate's `any` half match the sentence: does one of its words lie
 * in it? Sentences come in order, so the hits before one are done with. */
static bool gate_possible(ps_scanner *s, const sentence *sn)
{
	if (!s->ghits_valid)
		return prefilter_gate_possible(&s->rules->pf, sn->text, sn->len);
	size_t a = (size_t)(sn->text - s->text) - s->ghit_base, b = a + sn->len;
	while (s->ghit_next < s->n_ghits && s->ghits[s->ghit_next].end <= a)
		s->ghit_next++;
	for (size_t k = s->ghit_next; k < s->n_ghits && s->ghits[k].end <= b; k++)
		if (s->ghits[k].start >= a)
			return true;
	return false;
}

/* Bits at..at+n (n <= 64) of the signals' first-set bits, from bit 0. */
static inline uint64_t signal_bits(const uint64_t *bits, size_t at, uint32_t n)
{
	size_t w = at / 64, shift = at % 64;
	uint64_t v = bits[w] >> shift;
	if (shift && shift + n > 64)
		v |= bits[w + 1] << (64 - shift);
	return n == 64 ? v : v & ((UINT64_C(1) << n) - 1);
}

/* The first signal at or after from, below n, whose bit is set in bits;
 * n if none. */
static inline size_t next_signal(const uint64_t *bits, size_t from, size_t n)
{
	while (from < n) {
		uint64_t w = bits[from / 64] >> (from % 64);
		if (w) {
			size_t at = from + (size_t)__builtin_ctzll(w);
			return at < n ? at : n;
		}
		from = (from / 64 + 1) * 64;
	}
	return n;
}

/* A finding kept with its sentence, offsets from the sentence's start;
 * its n_parts evidence spans follow it in the record. */
typedef struct kept_finding {
	const ps_signal *signal;
	double weight;
	uint32_t clause;
	uint8_t stance, certainty, n_parts, n_cues;
	bool has_source;
	uint8_t cue_kind[3];
	uint32_t source[2];
	uint32_t cue[3][2];
} kept_finding;

/* Add the finding about to be delivered to the record of the sentence. */
static void keep(ps_scanner *s, const sentence *sn, uint32_t clause, const candidate *c, double weight)
{
	kept_finding k = {
		.signal = c->signal, .weight = weight, .clause = clause,
		.stance = (uint8_t)c->stance, .certainty = (uint8_t)c->certainty,
		.n_parts = (uint8_t)c->n_parts, .n_cues = (uint8_t)c->n_cues, .has_source = c->has_source,
		.source = { (uint32_t)c->source_start, (uint32_t)c->source_end },
	};
	for (size_t i = 0; i < c->n_cues; i++) {
		k.cue_kind[i] = (uint8_t)c->cues[i].kind;
		k.cue[i][0] = (uint32_t)(c->cues[i].span.start - sn->off);
		k.cue[i][1] = (uint32_t)(c->cues[i].span.end - sn->off);
	}
	size_t need = sizeof k + c->n_parts * 2 * sizeof(uint32_t);
	if (need > sizeof s->rec - s->rec_len) {
		s->rec_full = true;
		return;
	}
	unsigned char *at = s->rec + s->rec_len;
	memcpy(at, &k, sizeof k);
	at += sizeof k;
	for (size_t i = 0; i < c->n_parts; i++, at += 2 * sizeof(uint32_t)) {
		uint32_t span[2] = { (uint32_t)c->parts[i].start, (uint32_t)c->parts[i].end };
		memcpy(at, span, sizeof span);
	}
	s->rec_len += need;
}

/* Deliver the findings kept in a record, as the search gave them. */
static void replay(ps_scanner *s, sentence *sn, const unsigned char *rec, size_t len)
{
	candidate c;
	kept_finding k;
	for (size_t at = 0; at < len && !s->stopped;) {
		memcpy(&k, rec + at, sizeof k);
		at += sizeof k;
		c.signal = k.signal;
		c.stance = (ps_stance)k.stance;
		c.certainty = (ps_certainty)k.certainty;
		c.n_parts = k.n_parts;
		for (size_t i = 0; i < k.n_parts; i++, at += 2 * sizeof(uint32_t)) {
			uint32_t span[2];
			memcpy(span, rec + at, sizeof span);
			c.parts[i] = (part){ span[0], span[1] };
		}
		c.n_cues = 0;
		for (size_t i = 0; i < k.n_cues; i++)
			add_cue(&c, sn, (ps_cue_kind)k.cue_kind[i], k.cue[i][0], k.cue[i][1]);
		c.has_source = k.has_source;
		c.source_start = k.source[0];
		c.source_end = k.source[1];
		if (deliver(s, sn, s->rules->clauses[k.clause], &c, k.weight) != 0)
			break;
	}
}

/* A sentence met before, answered from its entry: true when it was. Else
 * its scan is recorded, to be kept at its end. Called where the scan
 * would look for its words, with the context it has; maybe: it counts
 * in the vote on the direct pass. */
static bool recall(ps_scanner *s, sentence *sn, bool context, bool maybe)
{
	const ps_ruleset *rs = s->rules;
	if (!s->use_seen || sn->len > REPEAT_MAX_BYTES || s->stats.limit_hits >= s->limits.max_limit_hits)
		return false;
	if (!s->repeating.on && ++s->skip % REPEAT_SAMPLE != 0)
		return false;
	s->looked = true;
	uint64_t hash = s->pre_valid ? s->pre_hash : repeats_hash(sn->text, sn->len);
	const repeat_entry *e = repeats_find(&s->seen, hash, sn->text, sn->len);
	/* A sentence met the first time is only noted: most never recur. */
	bool sighted = !e && repeats_sighted(&s->seen, hash);
	vote_add(&s->repeating, e || sighted, REPEAT_NEED);
	/* At once where repeats come back, not at the round's end. */
	s->repeating.on = s->repeating.on || e || sighted;
	if (e) {
		unsigned f = e->facts;
		bool known = true, here;
		if (!rs->has_setting || (f & REPEAT_HERE))
			here = true;
		else if (!context)
			here = false;
		else if (f & REPEAT_ELSEWHERE_KNOWN)
			here = !(f & REPEAT_ELSEWHERE);
		else
			known = here = false;
		if (known && (!here || (f & REPEAT_FINDINGS))) {
			s->stats.sentences++;
			s->stats.repeats++;
			if (rs->has_setting)
				remember(s, (f & REPEAT_HERE) != 0);
			if (maybe)
				vote_add(&s->direct, here, DIRECT_NEED);
			if (here) {
				s->stats.in_setting++;
				replay(s, sn, (const unsigned char *)repeats_blob(&s->seen, e) + e->text_len, e->record_len);
			}
			return true;
		}
	}
	if (!e && !sighted)
		return false;
	s->recording = true;
	s->rec_full = false;
	s->rec_hash = hash;
	s->rec_facts = 0;
	s->rec_len = 0;
	return false;
}

static void scan_sentence(ps_scanner *s, sentence *sn)
{
	const ps_ruleset *rs = s->rules;
	bool report = sn->off >= s->report_from;
	s->sentence_no++;
	/* Most news is about something else: a sentence with none of the
	 * gate's `any` words and no sentence in the setting just before it is
	 * out of it. What the way below does for it, in a few steps, for the
	 * 95% of the sentences of a month of world news that it is. */
	if (report && s->prefilter && rs->has_setting && prefilter_gated(&rs->pf) && !setting_context(s) &&
	    s->stats.limit_hits < s->limits.max_limit_hits && !gate_possible(s, sn)) {
		vote_add(&s->dense, false, DENSE_NEED);
		/* quiet is past the context window already: no remember(). */
		s->stats.sentences++;
		return;
	}
	s->m.limit_hit = false;
	s->recording = false;
	/* Most news is about something else. A first pass finds only the
	 * setting gate's words, which decides the gate; a sentence with none
	 * of the `any` words and no setting sentence just before it is out of
	 * the setting, and the full pass runs only on sentences in it. */
	bool two_pass = s->prefilter && rs->has_setting && prefilter_gated(&rs->pf);
	bool out_of_setting = false, maybe = false, full_ran = false;
	if (s->prefilter) {
		prefilter_begin(&s->pfs, &rs->pf);
		if (two_pass) {
			bool context = setting_context(s);
			if (report)
				vote_add(&s->dense, context, DENSE_NEED);
			if (!context && !gate_possible(s, sn)) {
				out_of_setting = true;
			} else {
				/* Where sentences that may be in the setting nearly all
				 * are (a text about it), the full pass, which decides the
				 * gate as well, runs at once: the findings are the same. */
				maybe = report;
				if (report && recall(s, sn, context, true))
					return;
				if (s->direct.on && report) {
					find_words(s, sn, false);
					full_ran = true;
				} else {
					find_words(s, sn, true);
				}
				out_of_setting = !context && !prefilter_candidate(&rs->pf, &s->pfs, OWNER_SETTING_ANY);
			}
		} else {
			if (report && recall(s, sn, setting_context(s), false))
				return;
			find_words(s, sn, false);
		}
	}
	if (!report) {
		/* Context for a piece of a larger document: the gate only. */
		if (out_of_setting)
			remember(s, false);
		else if (rs->has_setting)
			in_setting(s, sn);
		return;
	}
	s->stats.sentences++;
	if (s->stats.limit_hits >= s->limits.max_limit_hits) {
		/* The budget is spent: the document is adversarial or the rules are. */
		if (s->stats.unchecked++ == 0) {
			char msg[200];
			snprintf(msg, sizeof msg,
			         "%u sentences hit a match limit, so from here on this document is not checked; simplify the patterns that hit it",
			         (unsigned)s->limits.max_limit_hits);
			locate(s, sn);
			problem(s, sn->line, sn->col, NULL, msg);
		}
		return;
	}
	bool here = !out_of_setting && (!rs->has_setting || in_setting(s, sn));
	if (out_of_setting)
		remember(s, false);
	if (maybe)
		vote_add(&s->direct, here, DIRECT_NEED);
	if (!here)
		goto out;
	if (two_pass && !full_ran)
		find_words(s, sn, false);
	s->stats.in_setting++;
	/* A bit per signal whose first set holds, read off the sets that hold
	 * (each a row of the signals it comes first in): only the few signals
	 * that may match are followed, and a clause with none is passed over
	 * unread. A branch per signal mispredicted whenever one might match,
	 * reading the clauses and signals (two cache lines each) showed in
	 * every sentence in the setting, and asking each signal's first set
	 * cost more than the few rows. */
	if (s->prefilter)
		prefilter_signal_firsts(&rs->pf, &s->pfs, s->first_bits);
	else
		prefilter_all_signals(&rs->pf, s->first_bits);
	if (s->only)
		for (size_t w = 0; w <= rs->n_signals / 64; w++)
			s->first_bits[w] &= s->only[w];
	/* From one signal whose first set holds to the next: its clause, then
	 * on past that clause's signals. Asking each clause whether it had one
	 * cost as much as the rest of the loop. */
	for (size_t next = next_signal(s->first_bits, 0, rs->n_signals); next < rs->n_signals && !s->stopped;) {
		size_t ci = s->sig_clause[next];
		uint32_t sig0 = s->clause_sig0[ci], nsig = s->clause_nsig[ci];
		next = next_signal(s->first_bits, (size_t)sig0 + nsig, rs->n_signals);
		const ps_clause *clause = rs->clauses[ci];
		/* The best candidate of each stance and the one being tried, by
		 * pointer: a new best takes the place of the old, not a copy. */
		candidate cand[3], *best[2] = { NULL, NULL }, *cur = &cand[0];
		size_t used = 1;
		double weight[2] = { 0, 0 };
		uint32_t owner = OWNER_FIRST_SIGNAL + sig0;
		for (uint32_t base = 0; base < nsig; base += 64) {
			uint32_t n = nsig - base < 64 ? nsig - base : 64;
			uint64_t first = signal_bits(s->first_bits, sig0 + base, n);
			for (; first; first &= first - 1) {
				size_t si = base + (size_t)__builtin_ctzll(first);
				if (s->prefilter && !prefilter_candidate(&rs->pf, &s->pfs, owner + (uint32_t)si))
					continue;
				const ps_signal *sig = &clause->signals[si];
				if (!(s->cost ? eval_profiled(s, sn, sig, cur, sig0 + si) : eval_signal(s, sn, sig, cur)))
					continue;
				int k = cur->stance == PS_STANCE_CONFLICT ? 1 : 0;
				weight[k] += sig->weight;
				if (!best[k] || sig->weight > best[k]->signal->weight) {
					candidate *old = best[k];
					best[k] = cur;
					cur = old ? old : &cand[used++];
				}
			}
		}
		if (!best[0] && !best[1])
			continue;
		/* One finding per clause and sentence: the heavier stance, conflict on a tie. */
		int k = best[1] && weight[1] >= weight[0] ? 1 : 0;
		if (s->recording)
			keep(s, sn, (uint32_t)ci, best[k], weight[k]);
		if (deliver(s, sn, clause, best[k], weight[k]) != 0)
			break;
	}
	if (s->recording)
		s->rec_facts |= REPEAT_FINDINGS;
out:
	if (s->m.limit_hit) {
		s->stats.limit_hits++;
		locate(s, sn);
		problem(s, sn->line, sn->col, NULL,
		        "a pattern hit the match limit in this sentence, so it was not fully checked; simplify the rule's patterns");
	} else if (s->recording && !s->rec_full && !s->stopped) {
		repeats_put(&s->seen, s->rec_hash, sn->text, sn->len, s->rec_facts, s->rec, s->rec_len);
	}
	s->recording = false;
}

static void process_text(ps_scanner *s, bool final);

/* Scan the complete sentences in the buffer; keep the tail. Timed when
 * profiling. */
static void process(ps_scanner *s, bool final)
{
	if (!s->cost) {
		process_text(s, final);
		return;
	}
	uint64_t t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	process_text(s, final);
	s->scan_ns += clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
}

static void process_text(ps_scanner *s, bool final)
{
	size_t pos = 0;
	ps_segment seg;

	if (!s->bom_checked && (s->len >= 3 || final)) {
		s->bom_checked = true;
		if (s->len >= 3 && !memcmp(s->text, "\xEF\xBB\xBF", 3)) {
			pos = 3;
			s->line_start = s->line_pos = 3;
		} else if (s->len >= 2 && (!memcmp(s->text, "\xFF\xFE", 2) || !memcmp(s->text, "\xFE\xFF", 2))) {
			problem(s, 1, 1, NULL, "the text is UTF-16; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8) and scan again");
			s->skipping = true;
		}
	}
	if (!s->bom_checked || s->skipping) {
		if (s->skipping) {
			s->base += s->len;
			s->len = 0;
		}
		return;
	}
	/* The gate's words in all the sentences ahead, in one walk. Not in a
	 * text about the setting (dense): there the walk per sentence, which
	 * stops at its first word and which context lets most sentences skip,
	 * costs less. */
	s->ghits_valid = false;
	bool gated = s->prefilter && s->rules->has_setting && prefilter_gated(&s->rules->pf);
	if (gated && !s->dense.on)
		scan_gate(s, pos);
	ps_segment ahead;
	bool have_ahead = false, hashed = false;
	uint64_t next_hash = 0;
	while (!s->stopped && pos < s->len) {
		if (have_ahead)
			seg = ahead;
		else if (!ps_segment_next(&seg, s->text + pos, s->len - pos, final, s->limits.max_sentence))
			break;
		sentence sn = {
			.text = s->text + pos + seg.start,
			.len = seg.end - seg.start,
			.off = s->base + pos + seg.start,
			.cues = &s->cues,
		};
		/* seg is the segment hashed ahead, if one was. */
		s->pre_valid = hashed;
		s->pre_hash = next_hash;
		if (hashed)
			repeats_prefetch_bytes(&s->seen, next_hash, sn.len);
		/* Where most sentences are looked up among those met before (a
		 * text about the setting that repeats), the next one is found
		 * and hashed now, and its entry's line fetched while this one is
		 * scanned. */
		size_t next = pos + seg.next;
		have_ahead = s->use_seen && s->hash_ahead.on && (!gated || setting_context(s)) && next < s->len &&
		             ps_segment_next(&ahead, s->text + next, s->len - next, final, s->limits.max_sentence);
		hashed = have_ahead && ahead.end - ahead.start <= REPEAT_MAX_BYTES;
		if (hashed) {
			next_hash = repeats_hash(s->text + next + ahead.start, ahead.end - ahead.start);
			repeats_prefetch(&s->seen, next_hash);
		}
		if (seg.forced && sn.off >= s->report_from)
			s->stats.cut_sentences++;
		cue_forget(&s->cues);
		s->looked = false;
		scan_sentence(s, &sn);
		vote_add(&s->hash_ahead, s->looked, AHEAD_NEED);
		pos += seg.next;
	}
	if (final)
		pos = s->len;
	else if (pos == 0 && s->len == s->cap && !s->stopped) {
		/* A full buffer with no sentence holds only space, or space and then
		 * a sentence's start: drop the space, or feeding would find no room
		 * and never end. */
		ps_segment first;
		pos = ps_segment_next(&first, s->text, s->len, true, s->limits.max_sentence) ? first.start : s->len;
	}
	/* Lines must be counted before the bytes leave the buffer, but not
	 * after the final pass, when nothing more is located: a JSON Lines
	 * record with no finding was counted to its end for nothing. */
	if (!final)
		advance_lines(s, s->base + pos);
	if (pos) {
		/* The tail of a final pass is empty: text need not be buf. The
		 * tail ends on a READ_ALIGN boundary, where the next read goes. */
		size_t tail = s->len - pos;
		char *to = s->store + (READ_ALIGN - tail % READ_ALIGN) % READ_ALIGN;
		if (tail)
			memmove(to, s->text + pos, tail);
		s->buf = to;
		s->text = to;
		s->cap = s->store_cap - (size_t)(to - s->store);
		s->len = tail;
		s->base += pos;
	}
}

/* Count len more bytes fed; those fed as context before report_from are
 * not counted. */
static void count_fed(ps_scanner *s, size_t len)
{
	s->fed_end += len;
	uint64_t from = s->report_from > s->origin ? s->report_from : s->origin;
	s->stats.bytes = s->fed_end > from ? s->fed_end - from : 0;
}

ps_status ps_scanner_feed(ps_scanner *s, const char *data, size_t len)
{
	if (!s || (!data && len) || !s->started)
		return PS_ERR_INVALID;
	s->space = 0;
	count_fed(s, len);
	while (len && !s->stopped) {
		size_t room = s->cap - s->len;
		size_t n = len < room ? len : room;
		memcpy(s->buf + s->len, data, n);
		s->len += n;
		data += n;
		len -= n;
		process(s, false);
	}
	return s->stopped ? PS_ERR_STOPPED : PS_OK;
}

ps_status ps_scanner_space(char **out, size_t *room, ps_scanner *s)
{
	if (!out || !room || !s || !s->started)
		return PS_ERR_INVALID;
	/* Between calls the text is the buffer, and the tail process() keeps
	 * is at most a sentence (the cap) of its READ_CHUNK more bytes. */
	if (s->len >= s->cap)
		return PS_ERR_INVALID; /* cannot happen: process() always leaves room */
	s->space = s->cap - s->len;
	*out = s->buf + s->len;
	*room = s->space;
	return PS_OK;
}

ps_status ps_scanner_commit(ps_scanner *s, size_t len)
{
	if (!s || !s->started || !s->space || len > s->space)
		return PS_ERR_INVALID;
	s->space = 0;
	count_fed(s, len);
	if (len && !s->stopped) {
		s->len += len;
		process(s, false);
	}
	return s->stopped ? PS_ERR_STOPPED : PS_OK;
}

ps_status ps_scanner_commit_last(ps_scanner *s, size_t len)
{
	if (!s || !s->started || !s->space || len > s->space)
		return PS_ERR_INVALID;
	s->space = 0;
	count_fed(s, len);
	/* One final pass over all of it: a pass that keeps the last sentence
	 * back, then one for it, would count every line of a short file that
	 * has nothing to report (process). */
	s->len += len;
	return ps_scanner_end(s);
}

ps_status ps_scanner_end(ps_scanner *s)
{
	if (!s || !s->started)
		return PS_ERR_INVALID;
	s->space = 0;
	if (!s->stopped)
		process(s, true);
	s->started = false;
	if (s->stopped)
		return PS_ERR_STOPPED;
	return s->incomplete ? PS_ERR_INCOMPLETE : PS_OK;
}

ps_status ps_scanner_feed_last(ps_scanner *s, const char *data, size_t len)
{
	if (!s || (!data && len) || !s->started)
		return PS_ERR_INVALID;
	s->space = 0;
	if (s->len || s->stopped) {
		/* A tail is held back: it and these bytes are one text. */
		ps_status st = ps_scanner_feed(s, data, len);
		if (st == PS_OK)
			return ps_scanner_end(s);
		s->started = false;
		return st;
	}
	/* Nothing held back: the last bytes are scanned where they are, in
	 * the final pass alone. Copied into the buffer and scanned once as
	 * far as the last sentence and again at the end, a small document
	 * (a JSON Lines record) cost both passes' set-up and a copy. */
	count_fed(s, len);
	s->text = data ? data : s->buf; /* no arithmetic on a null pointer, even + 0 */
	s->len = len;
	process(s, true);
	s->text = s->buf;
	s->len = 0;
	s->started = false;
	if (s->stopped)
		return PS_ERR_STOPPED;
	return s->incomplete ? PS_ERR_INCOMPLETE : PS_OK;
}

ps_status ps_scanner_scan(ps_scanner *s, const char *data, size_t len, const ps_scan_callbacks *callbacks)
{
	ps_status st = ps_scanner_begin(s, callbacks);
	return st == PS_OK ? ps_scanner_feed_last(s, data, len) : st;
}

/* Read from fd into to[0, room): how many bytes, with *end set where the
 * input ended, or -1 when the first read fails (errno set; bytes read
 * before a failed read are returned, and the next call fails). A regular
 * file's short read is read on at once, to fill the room or find the end;
 * a pipe's bytes are scanned as they come. */
static ssize_t read_some(int fd, bool regular, char *to, size_t room, bool *end)
{
	size_t got = 0;
	*end = false;
	while (got < room) {
		ssize_t n = read(fd, to + got, room - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* A pipe its writer made non-blocking: wait, as a read would. */
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			if (poll(&pfd, 1, -1) >= 0 || errno == EINTR)
				continue;
		}
		if (n < 0)
			return got ? (ssize_t)got : -1;
		if (n == 0) {
			*end = true;
			break;
		}
		got += (size_t)n;
		if (!regular)
			break;
	}
	return (ssize_t)got;
}

ps_status ps_scanner_scan_fd(ps_scanner *s, int fd, const ps_scan_callbacks *callbacks)
{
	ps_status st = ps_scanner_begin(s, callbacks);
	if (st != PS_OK)
		return st;
	struct stat sb;
	bool regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
	for (;;) {
		/* Read into the scanner's buffer: no copy. */
		char *at;
		size_t room;
		bool end;
		st = ps_scanner_space(&at, &room, s);
		if (st != PS_OK)
			break;
		ssize_t n = read_some(fd, regular, at, room, &end);
		if (n < 0) {
			st = PS_ERR_IO;
			break;
		}
		/* At the end, what is held is scanned in one final pass, not in
		 * one that holds the last sentence back (and counts every line
		 * to it) and then one for that sentence. */
		if (end)
			return ps_scanner_commit_last(s, (size_t)n);
		st = ps_scanner_commit(s, (size_t)n);
		if (st != PS_OK)
			break;
	}
	s->started = false;
	return st;
}
