/**
 * @file scanner.h
 * Scanning text against a ruleset.
 *
 * A scanner holds the per-thread state (PCRE2 match data, JIT stack, the
 * carried tail of a streamed document); create one per thread and share the
 * ruleset. A document is scanned with ps_scanner_scan() or, in pieces, with
 * ps_scanner_begin(), ps_scanner_feed() and ps_scanner_end() (or
 * ps_scanner_feed_last() for the last piece), or read straight into the
 * scanner's buffer with ps_scanner_space() and ps_scanner_commit() (or
 * ps_scanner_commit_last()). Findings are delivered to a callback as each
 * sentence completes.
 */
#ifndef PACTSCAN_SCANNER_H
#define PACTSCAN_SCANNER_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"
#include "diag.h"
#include "ruleset.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A scanner: per-thread scanning state. */
typedef struct ps_scanner ps_scanner;

/** A byte range [start, end) in the document. */
typedef struct ps_span {
	uint64_t start;
	uint64_t end;
} ps_span;

/** What kind of cue helped decide a finding. */
typedef enum ps_cue_kind {
	PS_CUE_NEGATION = 0,    /**< flipped the stance: "did not", "no" */
	PS_CUE_HEDGE = 1,       /**< made it hedged: "may", "threatened to" */
	PS_CUE_ATTRIBUTION = 2, /**< made it attributed: "said", "according to" */
} ps_cue_kind;

/** One cue in a finding. */
typedef struct ps_cue {
	ps_cue_kind kind;
	ps_span span;      /**< where the cue stands in the document */
	const char *text;  /**< the cue's words (not NUL-terminated) */
	size_t text_len;
} ps_cue;

/**
 * One sentence's stance on one clause. Every pointer is borrowed and valid
 * only during the callback that receives it.
 */
typedef struct ps_finding {
	const ps_clause *clause;
	const char *signal;       /**< id of the signal that decided it */
	ps_stance stance;         /**< after negation */
	ps_certainty certainty;
	double weight;            /**< total weight of the signals for this stance */
	const char *sentence;     /**< the sentence's bytes (not NUL-terminated) */
	size_t sentence_len;
	ps_span sentence_span;    /**< the sentence in the document */
	uint64_t line, column;    /**< 1-based position of the sentence's first byte */
	const ps_span *evidence;  /**< the act first, then the other matched terms */
	size_t evidence_count;
	const ps_cue *cues;       /**< the cues that decided stance and certainty */
	size_t cue_count;
	const char *source;       /**< the attributed source phrase, or NULL */
	size_t source_len;
	/** column in code points (what SARIF and editors count): the bytes of
	 * the line before the sentence that do not continue a UTF-8 sequence,
	 * plus one. A piece begun at an origin with column > 1 counts the
	 * unseen bytes before it one each. */
	uint64_t char_column;
} ps_finding;

/** Counters for the current or last document. */
typedef struct ps_scan_stats {
	uint64_t bytes;       /**< bytes fed */
	uint64_t sentences;   /**< sentences segmented */
	uint64_t in_setting;  /**< sentences that passed the setting gate */
	uint64_t findings;    /**< findings delivered */
	uint64_t limit_hits;  /**< pattern matches abandoned at the match limit */
	uint64_t cut_sentences; /**< sentences cut at the length cap */
	uint64_t unchecked;   /**< sentences left unchecked once the document's budget was spent */
	uint64_t repeats;     /**< sentences answered from an earlier one with the same bytes
	                           (see PS_SCAN_NO_REPEAT_CACHE), not searched again */
} ps_scan_stats;

/**
 * Called for each finding, in document order. Return 0 to go on, non-zero to
 * stop the scan (the scan call then returns PS_ERR_STOPPED).
 */
typedef int (*ps_finding_fn)(const ps_finding *finding, void *userdata);

/**
 * Called for each problem that makes the scan incomplete, such as a pattern
 * abandoned at the match limit. The diag's file is NULL; line and column
 * locate the sentence; id names the clause and signal.
 */
typedef void (*ps_problem_fn)(const ps_diag *problem, void *userdata);

/** Where a scan delivers its results. */
typedef struct ps_scan_callbacks {
	ps_finding_fn on_finding; /**< may be NULL */
	ps_problem_fn on_problem; /**< may be NULL */
	void *userdata;
} ps_scan_callbacks;

/** Scanner flags for ps_scan_limits.flags. */
enum {
	/** Run every signal's patterns on every sentence instead of first looking
	 *  for the words each pattern requires. Slow; the findings are the same,
	 *  which the tests check. */
	PS_SCAN_NO_PREFILTER = 1u << 0,
	/** Match with PCRE2's interpreter, not its JIT code: much slower, for
	 *  memory checkers such as valgrind that cannot follow JIT code. */
	PS_SCAN_NO_JIT = 1u << 1,
	/** Count and time each signal's work (ps_scanner_profile): two clock
	 *  reads a signal tried and a word pass, about 4% of a scan of news
	 *  about the setting. */
	PS_SCAN_PROFILE = 1u << 2,
	/** Search every sentence, even one whose bytes the scanner met before.
	 *  Otherwise a scanner keeps the last sentences that may be in the
	 *  setting, with what each gave, in at most repeat_cache_bytes of
	 *  ps_scan_limits (5 MiB by default: up to 32,768 sentences), and
	 *  answers a sentence met again from them, in this document or a later
	 *  one: a story's updates and its copies in other outlets repeat most of
	 *  its sentences. The findings are the same either way, with the repeat's
	 *  own positions; this is for measuring the search alone. Implied by
	 *  PS_SCAN_NO_PREFILTER. */
	PS_SCAN_NO_REPEAT_CACHE = 1u << 3,
};

/** Tunable limits of a scanner; zero fields take the defaults. */
typedef struct ps_scan_limits {
	size_t max_sentence;       /**< bytes; default PS_SEGMENT_MAX_DEFAULT, at least 64, at most 2^30 */
	uint32_t match_limit;      /**< PCRE2 match limit per pattern call; default 200000 */
	uint32_t depth_limit;      /**< PCRE2 depth limit; default 10000 */
	uint32_t max_limit_hits;   /**< a document's budget: after this many sentences hit a
	                                match limit, the rest of it is not checked; default 100 */
	unsigned flags;            /**< PS_SCAN_... flags */
	size_t repeat_cache_bytes; /**< the repeat cache's entries and their bytes, at most
	                                (16 KiB of first sightings besides); default
	                                PS_REPEAT_CACHE_DEFAULT; below 16 KiB, no cache. A
	                                caller running several scanners over one stream may
	                                give each a share: each meets a share of its repeats */
} ps_scan_limits;

/** The repeat cache's memory by default (ps_scan_limits.repeat_cache_bytes):
 *  1 MiB of entries and a ring of 4 MiB of their sentences and findings. */
#define PS_REPEAT_CACHE_DEFAULT ((size_t)5 << 20)

/**
 * Create a scanner for @p rules, which must outlive it.
 * @param[out] out the scanner
 * @param rules a loaded ruleset
 * @param limits NULL for the defaults
 * @return PS_OK, PS_ERR_NOMEM or PS_ERR_INVALID
 */
PS_API ps_status ps_scanner_new(ps_scanner **out, const ps_ruleset *rules,
                                const ps_scan_limits *limits);

/** Free a scanner. Accepts NULL. */
PS_API void ps_scanner_free(ps_scanner *scanner);

/**
 * Scan for some clauses alone: only their signals are searched, and only
 * their findings reported, so a scan for one clause does a fraction of the
 * work (a rule edit checked against an archive, say). Each clause's
 * findings are exactly those a scan for every clause gives it. Call between
 * documents; it empties the repeat cache, whose entries hold what the former
 * selection found.
 * @param clauses clauses of the scanner's ruleset
 * @param n how many; 0 (clauses may be NULL) selects every clause again
 * @return PS_OK, PS_ERR_NOMEM, or PS_ERR_INVALID (a document in progress, or a
 *         clause of another ruleset), the selection then unchanged
 */
PS_API ps_status ps_scanner_select(ps_scanner *scanner, const ps_clause *const *clauses, size_t n);

/**
 * Start a document. Any document in progress is discarded.
 * @return PS_OK or PS_ERR_INVALID
 */
PS_API ps_status ps_scanner_begin(ps_scanner *scanner, const ps_scan_callbacks *callbacks);

/** Where a piece of a larger document starts, for ps_scanner_begin_at(). */
typedef struct ps_scan_origin {
	uint64_t offset;       /**< document offset of the first byte that will be fed */
	uint64_t line;         /**< its line, 1-based */
	uint64_t column;       /**< its column, 1-based (1 at a line start) */
	uint64_t report_from;  /**< sentences starting before this offset are read only
	                            as context for the setting gate: no findings, not counted */
} ps_scan_origin;

/**
 * Start scanning a piece of a larger document, for scanning one document in
 * parallel. Cut the document where ps_segment_last_cut() says, and feed each
 * scanner from a cut a few sentences (at least the setting's context, say
 * four cuts) before its piece, with report_from at the piece's start: the
 * findings of all pieces, in order, are then those of one whole scan. The
 * line of a piece's first byte is the lines ps_segment_count_lines() counts
 * before it, plus one.
 * @return PS_OK or PS_ERR_INVALID
 */
PS_API ps_status ps_scanner_begin_at(ps_scanner *scanner, const ps_scan_callbacks *callbacks,
                                     const ps_scan_origin *origin);

/**
 * Feed the next bytes of the document. Complete sentences are scanned at once;
 * the incomplete tail is kept (at most the sentence cap) for the next call.
 * @return PS_OK, PS_ERR_STOPPED, PS_ERR_NOMEM or PS_ERR_INVALID
 */
PS_API ps_status ps_scanner_feed(ps_scanner *scanner, const char *data, size_t len);

/**
 * Where to put the next bytes of the document to feed them without a copy:
 * read them into out[0..room), then ps_scanner_commit() as many as were
 * written. The place is the scanner's own buffer, after the tail it keeps;
 * room is never 0. Any other call on the scanner but ps_scanner_commit()
 * withdraws the place.
 * @return PS_OK, or PS_ERR_INVALID outside a document
 */
PS_API ps_status ps_scanner_space(char **out, size_t *room, ps_scanner *scanner);

/**
 * Feed the first len bytes written where ps_scanner_space() said, as
 * ps_scanner_feed() would feed a copy of them.
 * @return as ps_scanner_feed(); PS_ERR_INVALID without a place given, or
 *         for more bytes than its room
 */
PS_API ps_status ps_scanner_commit(ps_scanner *scanner, size_t len);

/**
 * Feed the last len bytes written where ps_scanner_space() said and end
 * the document: ps_scanner_commit() then ps_scanner_end(), in one call.
 * A document read whole in one place (a short file) is scanned in the
 * final pass alone, as ps_scanner_feed_last() scans one held in memory.
 * @return as ps_scanner_end(); PS_ERR_INVALID as ps_scanner_commit()
 */
PS_API ps_status ps_scanner_commit_last(ps_scanner *scanner, size_t len);

/**
 * End the document: scan the last sentence.
 * @return PS_OK; PS_ERR_INCOMPLETE when a limit made part of the scan
 *         incomplete (each occurrence was passed to on_problem);
 *         PS_ERR_STOPPED; PS_ERR_NOMEM
 */
PS_API ps_status ps_scanner_end(ps_scanner *scanner);

/**
 * Feed the last bytes of the document and end it: ps_scanner_feed() then
 * ps_scanner_end(), in one call. When nothing is held back from earlier
 * calls (the whole document, or a piece, is in data), data is scanned
 * where it is, in one pass, without being copied: the cheaper way to scan
 * a document held in memory.
 * @return as ps_scanner_end(), or PS_ERR_INVALID
 */
PS_API ps_status ps_scanner_feed_last(ps_scanner *scanner, const char *data, size_t len);

/**
 * Scan one whole document held in memory: ps_scanner_begin(), then
 * ps_scanner_feed_last().
 * @return as ps_scanner_end()
 */
PS_API ps_status ps_scanner_scan(ps_scanner *scanner, const char *data, size_t len,
                                 const ps_scan_callbacks *callbacks);

/**
 * Scan a document read from a file descriptor in chunks, so memory stays
 * bounded whatever the input's size. The descriptor is not closed. One set
 * non-blocking (a pipe shared with a parent that set O_NONBLOCK) is waited
 * on with poll() when it has nothing to read yet. A pipe's bytes are
 * scanned as they come; a regular file is read on after a short read, and
 * a file shorter than the buffer is scanned in one final pass (as with
 * ps_scanner_commit_last()). Bytes read before a failed read are scanned.
 * @return as ps_scanner_end(), or PS_ERR_IO when a read fails
 */
PS_API ps_status ps_scanner_scan_fd(ps_scanner *scanner, int fd,
                                    const ps_scan_callbacks *callbacks);

/** Counters of the current or last document (borrowed). */
PS_API const ps_scan_stats *ps_scanner_stats(const ps_scanner *scanner);

/** What one signal cost a scanner made with PS_SCAN_PROFILE. */
typedef struct ps_signal_cost {
	uint64_t tried;           /**< sentences in the setting that held every word it requires,
	                               so that its patterns ran */
	uint64_t matched;         /**< of those, the ones it matched (a heavier signal of its
	                               clause may still have decided the finding) */
	uint64_t nanoseconds;     /**< time in its patterns and checks; a pattern several signals
	                               share is searched once a sentence, by the first to ask */
} ps_signal_cost;

/** A profile of all of a scanner's scans since it was made, in nanoseconds:
 *  the scan's of its thread's CPU time, its parts' of a monotonic clock. */
typedef struct ps_scan_profile {
	const ps_signal_cost *signals; /**< one per signal, by ps_ruleset_signal() number */
	size_t n_signals;
	uint64_t scan_nanoseconds;      /**< scanning the text fed: all of the following, and
	                                     splitting sentences, the setting gate, the sentences
	                                     out of the setting, counting lines */
	uint64_t word_nanoseconds;      /**< the passes that find the words the patterns require,
	                                     in the sentences that may be in the setting */
	uint64_t cue_nanoseconds;       /**< collecting the cues (negation, hedging, attribution,
	                                     restatement), once a sentence, for all its signals */
	uint64_t callback_nanoseconds;  /**< in the on_finding callback */
	uint64_t gate_passes;           /**< sentences the setting gate's own pass ran on (the gate's
	                                     words alone), to tell whether one may be in the setting */
	uint64_t full_passes;           /**< sentences the full pass, for every word, ran on: those
	                                     that may be in the setting; every sentence where the pack
	                                     has no setting */
} ps_scan_profile;

/**
 * The scanner's profile. Its array is borrowed, valid until ps_scanner_free,
 * and its counts grow with each scan: read it between scans. Add up the
 * profiles of the scanners of several threads for a run's.
 * @param[out] out the profile
 * @return PS_OK, or PS_ERR_INVALID when the scanner was made without PS_SCAN_PROFILE
 */
PS_API ps_status ps_scanner_profile(ps_scan_profile *out, const ps_scanner *scanner);

#ifdef __cplusplus
}
#endif
#endif
