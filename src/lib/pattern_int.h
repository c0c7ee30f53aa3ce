/* Patterns: lexicon expansion, whole-word wrapping, PCRE2 compilation with
 * errors mapped back to the YAML scalar, and matching. */
#ifndef PS_PATTERN_INT_H
#define PS_PATTERN_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pactscan/diag.h"
#include "arena_int.h"
#include "literal_int.h"
#include "prefix_int.h"
#include "tailfirst_int.h"
#include "yamltree_int.h"

/* What a program's JIT code is: not compiled yet, ready, or not to be had
 * (no JIT in this PCRE2, or the JIT refused the pattern: the interpreter
 * runs it). */
enum { PROG_JIT_PENDING, PROG_JIT_READY, PROG_JIT_NONE };

/* A compiled pattern. The JIT compiles it on first use rather than at load:
 * most of a load's time went there, and a scan seldom needs every pattern.
 * The set is shared by scanner threads, so the compile happens under the
 * write lock, and jit publishes the result (release) to the matches that
 * then skip the lock (acquire). */
typedef struct pattern_prog {
	pcre2_code *code;
	atomic_int jit;           /* PROG_JIT_* */
	pthread_rwlock_t lock;    /* write: the JIT compiling code; read: the
	                             interpreter running it while still pending */
} pattern_prog;

/* A pattern's tail and the program that finds it (tailfirst_int.h). */
typedef struct pattern_tail {
	tailfirst_form form;
	pattern_prog *prog;       /* "\s(?:TAIL)" */
} pattern_tail;

typedef struct ps_pattern {
	pcre2_code *code;         /* prog->code */
	pattern_prog *prog;
	const char *text;         /* as written in the rule file */
	size_t text_len;
	const char *expanded;     /* what PCRE2 compiled */
	size_t expanded_len;
	const char *file;
	size_t line, col;
	int source_groups[4];     /* numbers of groups named "source" */
	litreq req;               /* what every match contains, for the prefilter */
	const pattern_tail *tail; /* NULL unless its tail can be searched for first */
	uint32_t index;           /* in the ruleset's pattern list; UINT32_MAX if not in it */
	/* The one ASCII punctuation byte that is the whole pattern (a stop
	 * such as ","), which memchr finds as PCRE2 would; -1 if not that. */
	int lone_byte;
	int n_source_groups;
} ps_pattern;

typedef struct lexicon {
	const char *name;
	size_t name_len;
	const ynode *terms;       /* a sequence of scalars */
	const char *file;
	size_t line, col;
	const char *expanded;     /* "(?:t1|t2)" once built */
	size_t expanded_len;
	int state;                /* 0 not built, 1 building (cycle guard), 2 built, 3 failed */
	const litpiece *piece;    /* what expanded requires, once a pattern used it (ctx->pieces) */
	bool piece_done;
} lexicon;

typedef struct pattern_ctx {
	arena *a;
	ps_diags *diags;
	lexicon *lexicons;
	size_t n_lexicons;
	pcre2_compile_context *cctx;
	pattern_prog **progs;     /* every compiled program, for freeing (malloc'd) */
	size_t n_progs, cap_progs;
	size_t n_patterns;        /* compiled so far, for the pack's limit */
	/* The first pattern of each expansion (open addressing, malloc'd): many
	 * patterns expand to the same text, and compile to the same program. */
	struct expansion_slot *by_expansion;
	size_t n_by_expansion, cap_by_expansion;
	arena pieces;             /* the lexicons' litpieces, for the load only */
	bool jit_available;
	/* Compiles queued for the helper thread (pattern.c, "compile jobs");
	 * jobs, n_jobs and jobs_taken under jobs_lock. */
	struct compile_job **jobs;
	size_t n_jobs, cap_jobs, jobs_taken, n_compiles;
	size_t leads_taken, n_leads_done; /* the jobs' leading words, asked first */
	arena lead_arena[2];      /* their words: the loader's thread's, the helper's */
	pthread_mutex_t jobs_lock;
	pthread_cond_t jobs_wake;
	bool jobs_closed, jobs_sync;  /* sync: the lock and condition exist */
	pthread_t helper;
	bool helper_tried, helper_running;
} pattern_ctx;

ps_status pattern_ctx_init(pattern_ctx *ctx, arena *a, ps_diags *diags);
/* Frees the compile context, its look-up table and the lexicons' analyses;
 * compiled programs stay with ctx->progs. Compiles not joined are dropped. */
void pattern_ctx_done(pattern_ctx *ctx);

/* Wait for the compiles pattern_compile queued, give each pattern its
 * program, and report the errors (PS_ERR_RULES), each where a compile in
 * order would have put it among ctx->diags. Until then a pattern has its
 * expansion, its required words and its prog, but prog->code is NULL and
 * its source groups and tail are unknown. May add programs to ctx->progs. */
ps_status pattern_ctx_join(pattern_ctx *ctx);

/* Wait until every queued expansion has its leading words (prefix_words),
 * which the helper derives before it compiles, helping with those left. */
void pattern_ctx_wait_leads(pattern_ctx *ctx);

/* A prefilter_leads_fn (data: the pattern_ctx): p's leading words, those
 * pattern_ctx_wait_leads waited for, or derived here into a. Valid until
 * pattern_ctx_done. */
ps_status pattern_leads(void *data, const ps_pattern *p, prefix_set *out, arena *a);
void pattern_free_progs(pattern_prog **progs, size_t n);

/* JIT-compile prog unless that is done or cannot be; returns its PROG_JIT_*
 * state. Thread-safe. */
int pattern_prog_jit(pattern_prog *prog);

/* True when text[0..len) is in a subset of PCRE2's syntax that compiles
 * with pactscan's options whatever it holds; false says nothing. */
bool pattern_surely_compiles(const char *text, size_t len);

/* Expand the scalar into a pattern and queue its compile (pattern_ctx_join).
 * Errors go to ctx->diags with the scalar's position; returns PS_ERR_RULES
 * then. A compile error comes at the join, and *out is set. */
ps_status pattern_compile(ps_pattern **out, pattern_ctx *ctx, const char *file,
                          const ynode *scalar);

/* Find the first match at or after start. Returns 1 and sets *ms, *me on a
 * match, 0 when there is none, -1 when a match or depth limit was hit, -2 on
 * another matching error. The pattern's JIT code is compiled on its first
 * match, unless options hold PCRE2_NO_JIT. */
int pattern_match(const ps_pattern *p, pcre2_match_data *md, pcre2_match_context *mc, uint32_t options,
                  const char *subject, size_t len, size_t start, size_t *ms, size_t *me);

/* pattern_match, the same answer found sooner for a pattern with a tail
 * (p->tail): the tail first, then the pattern from where its words can
 * start. */
int pattern_match_tail_first(const ps_pattern *p, pcre2_match_data *md, pcre2_match_context *mc, uint32_t options,
                             const char *subject, size_t len, size_t start, size_t *ms, size_t *me);

/* pattern_match_tail_first, where every place at or after start where
 * the tail program can match is among at[0..n) (sorted): the tail is
 * tried at each of those places alone, not searched for. */
int pattern_match_tail_at(const ps_pattern *p, pcre2_match_data *md, pcre2_match_context *mc, uint32_t options,
                          const char *subject, size_t len, size_t start, const size_t *at, size_t n, size_t *ms,
                          size_t *me);

/* Up to max non-overlapping matches in subject, as [starts[i], ends[i]).
 * An empty match advances one character. Returns the count, or -1 when a
 * limit was hit (matches found before it are kept in *found). */
int pattern_find_all(const ps_pattern *p, pcre2_match_data *md, pcre2_match_context *mc, uint32_t options,
                     const char *subject, size_t len, size_t *starts, size_t *ends, size_t max,
                     size_t *found);

/* After a successful pattern_match with md: the "source" group's span. */
bool pattern_source(const ps_pattern *p, pcre2_match_data *md, size_t *ss, size_t *se);

/* Edit distance, for "did you mean" suggestions. */
size_t pattern_edit_distance(const char *a, size_t alen, const char *b, size_t blen);

#endif
