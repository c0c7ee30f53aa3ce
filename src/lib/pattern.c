#include "pattern_int.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pactscan/ruleset.h"
#include "diag_int.h"
#include "hash_int.h"
#include "retext_int.h"

/* PCRE2_USE_OFFSET_LIMIT: the scanner bounds where a search may start by
 * where the prefilter saw a pattern's leading words. */
static const uint32_t compile_options = PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
                                        PCRE2_NEVER_BACKSLASH_C | PCRE2_DUPNAMES | PCRE2_USE_OFFSET_LIMIT;

ps_status pattern_ctx_init(pattern_ctx *ctx, arena *a, ps_diags *diags)
{
	uint32_t jit = 0;
	memset(ctx, 0, sizeof(*ctx));
	ctx->a = a;
	ctx->diags = diags;
	arena_init(&ctx->pieces, 65536);
	arena_init(&ctx->lead_arena[0], 16384);
	arena_init(&ctx->lead_arena[1], 16384);
	ctx->cctx = pcre2_compile_context_create(NULL);
	if (!ctx->cctx)
		return PS_ERR_NOMEM;
	pcre2_set_max_pattern_length(ctx->cctx, PS_MAX_PATTERN_LEN);
	pcre2_config(PCRE2_CONFIG_JIT, &jit);
	ctx->jit_available = jit != 0;
	if (pthread_mutex_init(&ctx->jobs_lock, NULL) != 0)
		return PS_ERR_NOMEM;
	if (pthread_cond_init(&ctx->jobs_wake, NULL) != 0) {
		pthread_mutex_destroy(&ctx->jobs_lock);
		return PS_ERR_NOMEM;
	}
	ctx->jobs_sync = true;
	return PS_OK;
}

static void stop_helper(pattern_ctx *ctx);
static void free_jobs(pattern_ctx *ctx);

void pattern_ctx_done(pattern_ctx *ctx)
{
	if (ctx->jobs_sync) {
		stop_helper(ctx);
		free_jobs(ctx);
		arena_release(&ctx->lead_arena[0]);
		arena_release(&ctx->lead_arena[1]);
		pthread_cond_destroy(&ctx->jobs_wake);
		pthread_mutex_destroy(&ctx->jobs_lock);
		ctx->jobs_sync = false;
	}
	pcre2_compile_context_free(ctx->cctx);
	ctx->cctx = NULL;
	free(ctx->by_expansion);
	ctx->by_expansion = NULL;
	ctx->n_by_expansion = ctx->cap_by_expansion = 0;
	for (size_t i = 0; i < ctx->n_lexicons; i++) {
		ctx->lexicons[i].piece = NULL;
		ctx->lexicons[i].piece_done = false;
	}
	arena_release(&ctx->pieces);
}

void pattern_free_progs(pattern_prog **progs, size_t n)
{
	/* The programs themselves live in the ruleset's arena. */
	for (size_t i = 0; i < n; i++) {
		pcre2_code_free(progs[i]->code);
		pthread_rwlock_destroy(&progs[i]->lock);
	}
	free(progs);
}

int pattern_prog_jit(pattern_prog *prog)
{
	int state = atomic_load_explicit(&prog->jit, memory_order_acquire);
	if (state != PROG_JIT_PENDING)
		return state;
	/* A lock that fails leaves the program pending, and the caller runs the
	 * interpreter. */
	if (pthread_rwlock_wrlock(&prog->lock) != 0)
		return state;
	state = atomic_load_explicit(&prog->jit, memory_order_relaxed);
	if (state == PROG_JIT_PENDING) {
		state = pcre2_jit_compile(prog->code, PCRE2_JIT_COMPLETE) == 0 ? PROG_JIT_READY : PROG_JIT_NONE;
		atomic_store_explicit(&prog->jit, state, memory_order_release);
	}
	pthread_rwlock_unlock(&prog->lock);
	return state;
}

size_t pattern_edit_distance(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t row[65];
	if (alen > 64 || blen > 64)
		return (size_t)-1;
	for (size_t j = 0; j <= blen; j++)
		row[j] = j;
	for (size_t i = 1; i <= alen; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= blen; j++) {
			size_t cur = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[blen];
}

/* A growable string with a map from output offsets back to source offsets. */
typedef struct seg {
	size_t out_start;
	size_t src_off;
	bool whole;   /* a lexicon reference: every offset maps to src_off */
} seg;

/* Where a lexicon's expansion went in. */
typedef struct lexuse {
	size_t out_start;
	lexicon *lx;
} lexuse;

typedef struct sbuf {
	char *p;
	size_t len, cap;
	seg *segs;
	size_t nsegs, capsegs;
	lexuse *uses;         /* in ascending order */
	size_t nuses, capuses;
	bool failed;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_seg(sbuf *b, size_t src_off, bool whole)
{
	if (b->failed)
		return;
	if (b->nsegs == b->capsegs) {
		size_t cap = b->capsegs ? b->capsegs * 2 : 8;
		seg *s = realloc(b->segs, cap * sizeof(*s));
		if (!s) {
			b->failed = true;
			return;
		}
		b->segs = s;
		b->capsegs = cap;
	}
	b->segs[b->nsegs++] = (seg){ .out_start = b->len, .src_off = src_off, .whole = whole };
}

static void sb_use(sbuf *b, lexicon *lx)
{
	if (b->failed)
		return;
	if (b->nuses == b->capuses) {
		size_t cap = b->capuses ? b->capuses * 2 : 8;
		lexuse *u = realloc(b->uses, cap * sizeof(*u));
		if (!u) {
			b->failed = true;
			return;
		}
		b->uses = u;
		b->capuses = cap;
	}
	b->uses[b->nuses++] = (lexuse){ .out_start = b->len, .lx = lx };
}

static void sb_free(sbuf *b)
{
	free(b->p);
	free(b->segs);
	free(b->uses);
}

static size_t map_offset(const sbuf *b, size_t out_off)
{
	size_t src = 0;
	for (size_t i = 0; i < b->nsegs; i++) {
		if (b->segs[i].out_start > out_off)
			break;
		src = b->segs[i].whole ? b->segs[i].src_off
		                       : b->segs[i].src_off + (out_off - b->segs[i].out_start);
	}
	return src;
}

static bool is_word_byte(unsigned char c)
{
	return (c < 0x80 && isalnum(c)) || c == '_';
}

static bool is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* Position of byte offset off inside the scalar, as a line and column. */
static void scalar_position(size_t *line, size_t *col, const ynode *scalar, size_t off)
{
	*line = scalar->line;
	*col = scalar->col;
	if (!scalar->single_line)
		return;
	size_t chars = 0;
	for (size_t i = 0; i < off && i < scalar->len; i++)
		if (((unsigned char)scalar->str[i] & 0xC0) != 0x80)
			chars++;
	*col = scalar->col + (scalar->quoted ? 1 : 0) + chars;
}

static ps_status error_at(pattern_ctx *ctx, const char *file, const ynode *scalar, size_t off,
                          const char *msg)
{
	size_t line, col;
	scalar_position(&line, &col, scalar, off);
	ps_status st = ps_diags_add(ctx->diags, PS_SEVERITY_ERROR, file, line, col, NULL, msg);
	return st == PS_OK ? PS_ERR_RULES : st;
}

static lexicon *find_lexicon(pattern_ctx *ctx, const char *name, size_t len)
{
	for (size_t i = 0; i < ctx->n_lexicons; i++)
		if (ctx->lexicons[i].name_len == len && !memcmp(ctx->lexicons[i].name, name, len))
			return &ctx->lexicons[i];
	return NULL;
}

static ps_status build_lexicon(pattern_ctx *ctx, lexicon *lx);

/* End of the top-level alternative that starts at src[i]: the offset of the
 * next '|' outside groups, classes and escapes, or len. */
static size_t alternative_end(const char *src, size_t len, size_t i)
{
	int depth = 0;
	while (i < len) {
		char c = src[i];
		if (c == '\\' && i + 1 < len && src[i + 1] == 'Q') {
			const char *e = NULL;
			for (size_t k = i + 2; k + 1 < len && !e; k++)
				if (src[k] == '\\' && src[k + 1] == 'E')
					e = src + k;
			i = e ? (size_t)(e - src) + 2 : len;
			continue;
		}
		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == '[') {
			/* A class: ']' right after '[' or '[^' is a literal. */
			i++;
			if (i < len && src[i] == '^')
				i++;
			if (i < len && src[i] == ']')
				i++;
			while (i < len && src[i] != ']')
				i += src[i] == '\\' ? 2 : 1;
			i++;
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (c == '|' && depth == 0)
			return i;
		i++;
	}
	return len;
}

/* Append src[a..b) to out with @name references expanded. */
static ps_status expand_range(pattern_ctx *ctx, sbuf *out, const char *file, const ynode *scalar,
                              size_t a, size_t b, bool map_segments)
{
	const char *src = scalar->str;
	size_t i = a, lit = a;
	ps_status st = PS_OK;

	while (i < b) {
		if (src[i] == '\\' && i + 1 < b) {
			i += 2;
			continue;
		}
		if (src[i] != '@' || i + 1 >= b || !is_name_start((unsigned char)src[i + 1])) {
			i++;
			continue;
		}
		size_t n = i + 1;
		while (n < b && is_name_char((unsigned char)src[n]))
			n++;
		if (map_segments)
			sb_seg(out, lit, false);
		sb_put(out, src + lit, i - lit);
		lexicon *lx = find_lexicon(ctx, src + i + 1, n - i - 1);
		if (!lx) {
			char msg[300];
			const char *best = NULL;
			size_t best_d = 3;
			for (size_t k = 0; k < ctx->n_lexicons; k++) {
				size_t d = pattern_edit_distance(src + i + 1, n - i - 1, ctx->lexicons[k].name,
				                                 ctx->lexicons[k].name_len);
				if (d < best_d) {
					best_d = d;
					best = ctx->lexicons[k].name;
				}
			}
			if (best)
				snprintf(msg, sizeof msg, "no lexicon named '%.*s'; did you mean '@%s'?",
				         (int)(n - i - 1), src + i + 1, best);
			else
				snprintf(msg, sizeof msg,
				         "no lexicon named '%.*s'; define it under 'lexicons:' or write \\@ for a literal @",
				         (int)(n - i - 1), src + i + 1);
			return error_at(ctx, file, scalar, i, msg);
		}
		if (lx->state == 1) {
			char msg[300];
			snprintf(msg, sizeof msg, "lexicon '%s' refers back to itself; remove the '@%s' that closes the loop",
			         lx->name, lx->name);
			return error_at(ctx, file, scalar, i, msg);
		}
		st = build_lexicon(ctx, lx);
		if (st != PS_OK)
			return st;
		if (map_segments)
			sb_seg(out, i, true);
		sb_use(out, lx);
		sb_put(out, lx->expanded, lx->expanded_len);
		i = lit = n;
	}
	if (map_segments)
		sb_seg(out, lit, false);
	sb_put(out, src + lit, b - lit);
	return out->failed ? PS_ERR_NOMEM : PS_OK;
}

/* Append the scalar to out as one group with @name references expanded and
 * each top-level alternative that begins or ends with a letter or digit
 * held to word boundaries there. */
static ps_status expand(pattern_ctx *ctx, sbuf *out, const char *file, const ynode *scalar,
                        bool map_segments)
{
	const char *src = scalar->str;
	size_t len = scalar->len, a = 0;
	ps_status st = PS_OK;

	if (map_segments)
		sb_seg(out, 0, true);
	sb_put(out, "(?:", 3);
	for (;;) {
		size_t b = alternative_end(src, len, a);
		if (b > len)
			b = len;
		bool lead = b > a && is_word_byte((unsigned char)src[a]);
		/* "\w" or "\b" at the end is an escape, not a letter. */
		bool trail = b > a && is_word_byte((unsigned char)src[b - 1]) && !(b - a >= 2 && src[b - 2] == '\\');
		if (map_segments)
			sb_seg(out, a, true);
		if (lead)
			sb_put(out, "\\b", 2);
		st = expand_range(ctx, out, file, scalar, a, b, map_segments);
		if (st != PS_OK)
			return st;
		if (map_segments)
			sb_seg(out, b, true);
		if (trail)
			sb_put(out, "\\b", 2);
		if (b >= len)
			break;
		sb_put(out, "|", 1);
		a = b + 1;
	}
	sb_put(out, ")", 1);
	return out->failed ? PS_ERR_NOMEM : PS_OK;
}

static bool may_hold_callout(const char *text, size_t len)
{
	for (size_t i = 0; i + 2 < len; i++)
		if (text[i] == '(' && text[i + 1] == '?' && text[i + 2] == 'C')
			return true;
	return false;
}

static int count_callout(pcre2_callout_enumerate_block *block, void *data)
{
	(void)block;
	(*(int *)data)++;
	return 0;
}

/* PCRE2 10.42's JIT, matching with PCRE2_MATCH_INVALID_UTF, lets \S, \W
 * and \D match no character of more than one byte, where its interpreter
 * does (PCRE2 issue 224, fixed in 10.43): "said \S+ that" missed "said
 * Israel’s that", and the same pattern found it under valgrind. The same
 * escape inside a class is right in both, so each one outside a class is
 * compiled as "[\S]". Returns the rewritten text in *out (malloc'd), or
 * false and *out NULL when there is nothing to rewrite or no memory. */
/* Does p[0..len) hold \S, \W or \D anywhere (in a class too)? Most
 * patterns do not, and are compiled as they are. */
static bool has_negated_escape(const char *p, size_t len)
{
	const char *q = p, *end = p + len;
	while ((q = memchr(q, '\\', (size_t)(end - q))) && q + 1 < end) {
		if (q[1] == 'S' || q[1] == 'W' || q[1] == 'D')
			return true;
		q += 2;
	}
	return false;
}

static bool jit_safe_classes(char **out, size_t *out_len, const char *p, size_t len)
{
	size_t w = 0;
	bool in_class = false, wrapped = false;
	char *o;

	*out = NULL;
	/* Each two-byte escape becomes four bytes at most. */
	if (!has_negated_escape(p, len) || len > SIZE_MAX / 2 || !(o = malloc(2 * len)))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = p[i];
		if (c == '\\' && i + 1 < len) {
			char e = p[i + 1];
			if (e == 'Q') {
				/* Quoted to \E (or the end): copied as it is. */
				const char *q = i + 2 < len ? memchr(p + i + 2, '\\', len - i - 2) : NULL;
				while (q && (size_t)(q - p) + 1 < len && q[1] != 'E')
					q = memchr(q + 1, '\\', len - (size_t)(q + 1 - p));
				size_t end = q && (size_t)(q - p) + 1 < len ? (size_t)(q - p) + 2 : len;
				memcpy(o + w, p + i, end - i);
				w += end - i;
				i = end - 1;
				continue;
			}
			bool wrap = !in_class && (e == 'S' || e == 'W' || e == 'D');
			if (wrap)
				o[w++] = '[';
			o[w++] = c;
			o[w++] = e;
			if (wrap)
				o[w++] = ']';
			wrapped |= wrap;
			i++;
			continue;
		}
		if (!in_class && c == '[') {
			in_class = true;
			o[w++] = c;
			/* A ']' first (after an optional '^') is a member. */
			if (i + 1 < len && p[i + 1] == '^')
				o[w++] = p[++i];
			if (i + 1 < len && p[i + 1] == ']')
				o[w++] = p[++i];
			continue;
		}
		size_t posix = in_class && c == '[' ? retext_posix_end(p, i, len) : 0;
		if (posix) {
			/* A POSIX class [:alpha:] inside: its ']' ends nothing. */
			memcpy(o + w, p + i, posix - i + 1);
			w += posix - i + 1;
			i = posix;
			continue;
		}
		if (in_class && c == ']')
			in_class = false;
		o[w++] = c;
	}
	if (!wrapped) {
		free(o);
		return false;
	}
	*out = o;
	*out_len = w;
	return true;
}

/* Compile p[0..len) with \S, \W and \D rewritten (jit_safe_classes);
 * NULL, with PCRE2's error and offset, if it does not compile. */
static pcre2_code *compile_safe(const pattern_ctx *ctx, const char *p, size_t len, int *err, PCRE2_SIZE *erroff)
{
	char *safe = NULL;
	size_t safe_len = 0;
	pcre2_code *code = NULL;
	if (jit_safe_classes(&safe, &safe_len, p, len)) {
		code = pcre2_compile((PCRE2_SPTR)safe, safe_len, compile_options, err, erroff, ctx->cctx);
		free(safe);
	}
	/* An error is reported from the text as written, where its offset
	 * points. */
	if (!code)
		code = pcre2_compile((PCRE2_SPTR)p, len, compile_options, err, erroff, ctx->cctx);
	return code;
}

static const char callout_message[] = "callouts (?C...) are not allowed in patterns; remove them";

/* "pattern does not compile: " and PCRE2's words for error err. */
static void compile_error_message(char *msg, size_t n, int err)
{
	PCRE2_UCHAR text[256];
	if (pcre2_get_error_message(err, text, sizeof text) < 0)
		snprintf((char *)text, sizeof text, "error %d", err);
	snprintf(msg, n, "pattern does not compile: %s", (const char *)text);
}

/* Does code, compiled from text[0..len), hold a callout? Every callout is
 * written "(?C"; without one, walking the code for callouts would find
 * none. */
static bool holds_callout(const pcre2_code *code, const char *text, size_t len)
{
	int callouts = 0;
	if (may_hold_callout(text, len))
		pcre2_callout_enumerate(code, count_callout, &callouts);
	return callouts > 0;
}

/* Compile expanded text; on error report at the mapped source position. */
static ps_status compile_expanded(pcre2_code **code, pattern_ctx *ctx, const char *file,
                                  const ynode *scalar, const sbuf *b)
{
	int err = 0;
	PCRE2_SIZE erroff = 0;
	char msg[400];
	*code = compile_safe(ctx, b->p, b->len, &err, &erroff);
	if (!*code) {
		compile_error_message(msg, sizeof msg, err);
		return error_at(ctx, file, scalar, b->nsegs ? map_offset(b, erroff) : 0, msg);
	}
	if (holds_callout(*code, b->p, b->len)) {
		pcre2_code_free(*code);
		*code = NULL;
		return error_at(ctx, file, scalar, 0, callout_message);
	}
	return PS_OK;
}

/* ---- patterns sure to compile ---------------------------------------------
 *
 * A lexicon's terms are compiled one by one only so that an error points at
 * its term; patterns compile them again as part of the lexicon. A term in a
 * small subset of the syntax cannot fail, and skips that first compile:
 *
 *   alternatives  a|b        groups  (...) (?:...) (?>...) (?=...) (?!...)
 *   characters    printable ASCII but \^$.[]|()?*+{}, whole UTF-8 ones
 *   escapes       \b \B \w \W \s \S \d \D, and \ before punctuation
 *   classes       [...] [^...] of such characters and a-z ranges
 *   quantifiers   ? * + and a lazy ? or possessive + after one, only after
 *                 something that can repeat
 *   anywhere      . ^ $
 *
 * Anything else (braces, lookbehind, names, options, references, \Q, \x,
 * comments, verbs) compiles as before. tests/unit/test_pattern.c holds the
 * subset to PCRE2 on random text. */

typedef struct sure {
	const unsigned char *p;
	size_t len, i;
	int depth, groups;
} sure;

/* Bytes of the well-formed UTF-8 character at p[i] (no overlong form, no
 * surrogate, nothing past U+10FFFF), or 0. */
static size_t utf8_char(const unsigned char *p, size_t len, size_t i)
{
	unsigned char c = p[i];
	size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
	if (!n || c > 0xF4 || i + n > len)
		return 0;
	for (size_t k = 1; k < n; k++)
		if ((p[i + k] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && p[i + 1] < 0xA0) || (c == 0xED && p[i + 1] > 0x9F) || (c == 0xF0 && p[i + 1] < 0x90) ||
	    (c == 0xF4 && p[i + 1] > 0x8F))
		return 0;
	return n;
}

static bool is_meta(unsigned char c)
{
	return c && strchr("\\^$.[]|()?*+{}", c) != NULL;
}

static bool is_ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* One member of a class at s->i: its byte value for ranges (0 for a
 * multibyte character), or -1 when it is not in the subset. */
static int class_member(sure *s)
{
	unsigned char c = s->p[s->i];
	if (c >= 0x80) {
		size_t n = utf8_char(s->p, s->len, s->i);
		if (!n)
			return -1;
		s->i += n;
		return 0;
	}
	if (c < 0x20 || c > 0x7E || c == '[' || c == '\\' || c == ']')
		return -1;
	s->i++;
	return c;
}

static bool same_kind(int a, int b)
{
	return (a >= '0' && a <= '9' && b >= '0' && b <= '9') || (a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z') ||
	       (a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z');
}

/* A class from its '[' to past its ']'. */
static bool sure_class(sure *s)
{
	s->i++;
	if (s->i < s->len && s->p[s->i] == '^')
		s->i++;
	/* "[:", "[." and "[=" may open a POSIX class, an error outside one. */
	if (s->i >= s->len || s->p[s->i] == ']' || s->p[s->i] == ':' || s->p[s->i] == '.' || s->p[s->i] == '=')
		return false;
	if (s->p[s->i] == '-')
		s->i++; /* a literal '-' first */
	while (s->i < s->len && s->p[s->i] != ']') {
		if (s->p[s->i] == '-') {
			/* Only last, or a literal '-' would follow a range. */
			if (s->i + 1 < s->len && s->p[s->i + 1] == ']') {
				s->i++;
				continue;
			}
			return false;
		}
		int lo = class_member(s);
		if (lo < 0)
			return false;
		if (s->i + 1 < s->len && s->p[s->i] == '-' && s->p[s->i + 1] != ']') {
			s->i++;
			int hi = class_member(s);
			if (hi < 0 || !same_kind(lo, hi) || lo > hi)
				return false;
			if (s->i < s->len && s->p[s->i] == '-' && !(s->i + 1 < s->len && s->p[s->i + 1] == ']'))
				return false;
		}
	}
	if (s->i >= s->len)
		return false;
	s->i++;
	return true;
}

static bool sure_alternatives(sure *s);

/* One item and its quantifier; *end set at the end of the alternative. */
static bool sure_item(sure *s)
{
	unsigned char c = s->p[s->i];
	bool repeatable = true;
	if (c == '(') {
		size_t k = s->i + 1;
		if (k < s->len && s->p[k] == '?') {
			unsigned char kind = k + 1 < s->len ? s->p[k + 1] : 0;
			if (kind != ':' && kind != '>' && kind != '=' && kind != '!')
				return false;
			repeatable = kind == ':' || kind == '>';
			k += 2;
		} else if (k < s->len && s->p[k] == '*') {
			return false;
		} else if (++s->groups > 1000) {
			return false;
		}
		if (++s->depth > 100)
			return false;
		s->i = k;
		if (!sure_alternatives(s) || s->i >= s->len || s->p[s->i] != ')')
			return false;
		s->depth--;
		s->i++;
	} else if (c == '[') {
		if (!sure_class(s))
			return false;
	} else if (c == '\\') {
		unsigned char e = s->i + 1 < s->len ? s->p[s->i + 1] : 0;
		if (e == 'b' || e == 'B')
			repeatable = false;
		else if (!(e && strchr("wWsSdD", e)) && (e < 0x21 || e > 0x7E || is_ascii_alnum(e)))
			return false;
		s->i += 2;
	} else if (c == '^' || c == '$') {
		repeatable = false;
		s->i++;
	} else if (c == '.') {
		s->i++;
	} else if (c >= 0x80) {
		size_t n = utf8_char(s->p, s->len, s->i);
		if (!n)
			return false;
		s->i += n;
	} else if (c >= 0x20 && c <= 0x7E && !is_meta(c)) {
		s->i++;
	} else {
		return false;
	}
	if (s->i < s->len && (s->p[s->i] == '?' || s->p[s->i] == '*' || s->p[s->i] == '+')) {
		if (!repeatable)
			return false;
		s->i++;
		if (s->i < s->len && (s->p[s->i] == '?' || s->p[s->i] == '+'))
			s->i++;
		if (s->i < s->len && (s->p[s->i] == '?' || s->p[s->i] == '*' || s->p[s->i] == '+' || s->p[s->i] == '{'))
			return false;
	}
	return true;
}

/* Alternatives up to a ')' (not taken) or the end. */
static bool sure_alternatives(sure *s)
{
	while (s->i < s->len && s->p[s->i] != ')') {
		if (s->p[s->i] == '|')
			s->i++;
		else if (!sure_item(s))
			return false;
	}
	return true;
}

bool pattern_surely_compiles(const char *text, size_t len)
{
	sure s = { .p = (const unsigned char *)text, .len = len };
	/* Short, so that neither the length limit nor the compiled size can
	 * be reached. */
	if (len > 1000)
		return false;
	return sure_alternatives(&s) && s.i == len;
}

static ps_status build_lexicon(pattern_ctx *ctx, lexicon *lx)
{
	sbuf b = { 0 };
	ps_status st = PS_OK;

	if (lx->state == 2)
		return PS_OK;
	if (lx->state == 3)
		return PS_ERR_RULES;
	lx->state = 1;
	sb_put(&b, "(?:", 3);
	for (size_t i = 0; i < lx->terms->count; i++) {
		const ynode *term = lx->terms->items[i];
		sbuf one = { 0 };
		pcre2_code *code = NULL;
		if (i)
			sb_put(&b, "|", 1);
		/* Compile each term alone so an error points at the term itself. */
		st = expand(ctx, &one, lx->file, term, true);
		if (st == PS_OK && !pattern_surely_compiles(one.p, one.len))
			st = compile_expanded(&code, ctx, lx->file, term, &one);
		pcre2_code_free(code);
		if (st == PS_OK)
			sb_put(&b, one.p, one.len);
		sb_free(&one);
		if (st != PS_OK)
			goto out;
	}
	sb_put(&b, ")", 1);
	if (b.failed) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	lx->expanded = arena_strndup(ctx->a, b.p, b.len);
	lx->expanded_len = b.len;
	if (!lx->expanded)
		st = PS_ERR_NOMEM;
out:
	/* A failed lexicon was reported once; later uses fail quietly. */
	lx->state = st == PS_OK ? 2 : 3;
	sb_free(&b);
	return st;
}

/* Take ownership of code as a new program; on failure code is freed. */
static ps_status new_prog(pattern_prog **out, pattern_ctx *ctx, pcre2_code *code)
{
	pattern_prog *prog = NULL;
	ps_status st = PS_OK;

	*out = NULL;
	if (ctx->n_progs == ctx->cap_progs) {
		size_t cap = ctx->cap_progs ? ctx->cap_progs * 2 : 64;
		pattern_prog **progs = realloc(ctx->progs, cap * sizeof(*progs));
		if (!progs) {
			st = PS_ERR_NOMEM;
			goto out;
		}
		ctx->progs = progs;
		ctx->cap_progs = cap;
	}
	prog = arena_alloc(ctx->a, sizeof(*prog));
	if (!prog || pthread_rwlock_init(&prog->lock, NULL) != 0) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	prog->code = code;
	atomic_init(&prog->jit, ctx->jit_available ? PROG_JIT_PENDING : PROG_JIT_NONE);
	ctx->progs[ctx->n_progs++] = prog;
	*out = prog;
	code = NULL;
out:
	pcre2_code_free(code);
	return st;
}

/* The hash is kept with the pattern, so growing the table reads no text. */
struct expansion_slot {
	uint64_t hash;
	const ps_pattern *pattern;  /* NULL: empty */
	struct compile_job *job;    /* the compile that gives pattern its program */
};

/* The slot of the pattern that expanded to text, or the empty slot where it
 * would go. The table is never full. */
static struct expansion_slot *expansion_slot(const pattern_ctx *ctx, uint64_t hash, const char *text, size_t len)
{
	size_t mask = ctx->cap_by_expansion - 1;
	for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
		struct expansion_slot *e = &ctx->by_expansion[i];
		if (!e->pattern || (e->hash == hash && e->pattern->expanded_len == len &&
		                    !memcmp(e->pattern->expanded, text, len)))
			return e;
	}
}

static const struct expansion_slot *find_expansion(const pattern_ctx *ctx, uint64_t hash, const char *text,
                                                   size_t len)
{
	const struct expansion_slot *e = ctx->cap_by_expansion ? expansion_slot(ctx, hash, text, len) : NULL;
	return e && e->pattern ? e : NULL;
}

static ps_status remember_expansion(pattern_ctx *ctx, uint64_t hash, const ps_pattern *p, struct compile_job *job)
{
	/* Kept at most half full, so probes stay short. */
	if (2 * (ctx->n_by_expansion + 1) > ctx->cap_by_expansion) {
		pattern_ctx grown = *ctx;
		grown.cap_by_expansion = ctx->cap_by_expansion ? 2 * ctx->cap_by_expansion : 1024;
		grown.by_expansion = calloc(grown.cap_by_expansion, sizeof(*grown.by_expansion));
		if (!grown.by_expansion)
			return PS_ERR_NOMEM;
		/* The patterns here are distinct: each goes to the first empty slot. */
		for (size_t i = 0; i < ctx->cap_by_expansion; i++) {
			const struct expansion_slot *e = &ctx->by_expansion[i];
			if (!e->pattern)
				continue;
			size_t k = (size_t)e->hash & (grown.cap_by_expansion - 1);
			while (grown.by_expansion[k].pattern)
				k = (k + 1) & (grown.cap_by_expansion - 1);
			grown.by_expansion[k] = *e;
		}
		free(ctx->by_expansion);
		ctx->by_expansion = grown.by_expansion;
		ctx->cap_by_expansion = grown.cap_by_expansion;
	}
	*expansion_slot(ctx, hash, p->expanded, p->expanded_len) = (struct expansion_slot){ hash, p, job };
	ctx->n_by_expansion++;
	return PS_OK;
}

static void find_source_groups(ps_pattern *p)
{
	uint32_t count = 0, size = 0;
	PCRE2_SPTR table = NULL;
	pcre2_pattern_info(p->code, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(p->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(p->code, PCRE2_INFO_NAMETABLE, &table);
	for (uint32_t i = 0; i < count && p->n_source_groups < 4; i++) {
		PCRE2_SPTR entry = table + (size_t)i * size;
		int num = (entry[0] << 8) | entry[1];
		if (!strcmp((const char *)entry + 2, "source"))
			p->source_groups[p->n_source_groups++] = num;
	}
}

/* What every match of p, expanded in b, contains; each lexicon in it is
 * analysed once for the whole load. */
static ps_status require_literals(ps_pattern *p, pattern_ctx *ctx, const sbuf *b)
{
	ps_status st = PS_OK;
	litembed *embeds = NULL;

	if (b->nuses) {
		embeds = malloc(b->nuses * sizeof(*embeds));
		if (!embeds) {
			st = PS_ERR_NOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < b->nuses; i++) {
		lexicon *lx = b->uses[i].lx;
		if (!lx->piece_done) {
			st = literal_piece(&lx->piece, &ctx->pieces, lx->expanded, lx->expanded_len);
			if (st != PS_OK)
				goto out;
			lx->piece_done = true;
		}
		embeds[i] = (litembed){ .off = b->uses[i].out_start, .piece = lx->piece };
	}
	st = literal_require_with(&p->req, ctx->a, p->expanded, p->expanded_len, embeds, b->nuses);
out:
	free(embeds);
	return st;
}

/* The byte a pattern text "X" or "(?:X)" is, for X one ASCII punctuation
 * byte that PCRE2 reads as itself (no metacharacter, no letter to fold);
 * else -1. */
static int lone_byte(const char *t, size_t n)
{
	if (n == 5 && !memcmp(t, "(?:", 3) && t[4] == ')') {
		t += 3;
		n = 1;
	}
	if (n != 1)
		return -1;
	return t[0] && strchr(",;:!\"'%&/<=>@#~`-}]", t[0]) ? (unsigned char)t[0] : -1;
}

/* ---- compile jobs ---------------------------------------------------------
 *
 * pcre2_compile is a third of a load, and the rest of the load (expanding,
 * the literal analysis, the prefilter) needs only a pattern's text. So a
 * pattern's compile is queued as a job, a helper thread works through the
 * queue while the load goes on, and pattern_ctx_join waits for it, then
 * hands out the programs and reports each error at the place among the
 * diagnostics that a compile in order would have given it. A twin (the
 * same expansion as an earlier pattern) is a job too, which takes its
 * first's program, or repeats its error at its own position. Before any
 * compile, the helper derives each expansion's leading words, which the
 * prefilter waits for (pattern_ctx_wait_leads). */

/* Fewer jobs than this compile on the loader's thread at the join: a small
 * pack is not worth a thread. */
enum { HELPER_AFTER_JOBS = 16 };

typedef struct compile_job {
	ps_pattern *p;
	const struct compile_job *first; /* a twin's; NULL: this job compiles */
	const char *text;                /* p->expanded */
	size_t len;
	const char *file;
	ynode scalar;                    /* a copy: the caller's may be on its stack */
	seg *segs;                       /* the expansion's map, for an error's position */
	size_t nsegs;
	size_t diag_at;                  /* the diagnostics' count when queued */
	/* What the compile gave, written by whichever thread ran it. */
	pcre2_code *code;
	int err;
	PCRE2_SIZE erroff;
	bool callouts, nomem;
	pcre2_code *tail_code;           /* "\s(?:TAIL)" where the pattern has a tail */
	tailfirst_form form;
	/* The expansion's leading words, for the prefilter (pattern_leads). */
	prefix_set lead;
	ps_status lead_st;
	bool lead_done;                  /* under jobs_lock */
} compile_job;

/* Run on either thread: reads the job and ctx->cctx, writes the job. */
static void run_job(const pattern_ctx *ctx, compile_job *j)
{
	j->code = compile_safe(ctx, j->text, j->len, &j->err, &j->erroff);
	if (!j->code)
		return;
	j->callouts = holds_callout(j->code, j->text, j->len);
	if (j->callouts || !tailfirst_parse(&j->form, j->text, j->len))
		return;
	/* The tail is only a quicker way to the same matches: one that does
	 * not compile leaves the pattern without. Rewritten as the pattern is,
	 * or the JIT would fail \S on a character of several bytes where the
	 * pattern does not. */
	size_t len = j->form.tail_len + 6;
	char *text = malloc(len);
	if (!text) {
		j->nomem = true;
		return;
	}
	memcpy(text, "\\s(?:", 5);
	memcpy(text + 5, j->text + j->form.tail_off, j->form.tail_len);
	text[len - 1] = ')';
	int err = 0;
	PCRE2_SIZE erroff = 0;
	j->tail_code = compile_safe(ctx, text, len, &err, &erroff);
	free(text);
}

/* With jobs_lock held: the next job from *taken on that is not a twin, or
 * NULL. */
static compile_job *next_own(pattern_ctx *ctx, size_t *taken)
{
	while (*taken < ctx->n_jobs && ctx->jobs[*taken]->first)
		(*taken)++;
	return *taken < ctx->n_jobs ? ctx->jobs[(*taken)++] : NULL;
}

/* A job's leading words, into arena a (one per thread). */
static void run_lead(pattern_ctx *ctx, compile_job *j, arena *a)
{
	j->lead_st = prefix_words(&j->lead, a, j->text, j->len);
	pthread_mutex_lock(&ctx->jobs_lock);
	j->lead_done = true;
	ctx->n_leads_done++;
	pthread_cond_broadcast(&ctx->jobs_wake);
	pthread_mutex_unlock(&ctx->jobs_lock);
}

/* The next task: a job's leading words first (the prefilter waits for
 * them all), then its compile. NULL when none is queued; with wait, the
 * helper sleeps until there is one or the join closes the queue. */
static compile_job *take_task(pattern_ctx *ctx, bool wait, bool *lead)
{
	compile_job *j = NULL;
	pthread_mutex_lock(&ctx->jobs_lock);
	for (;;) {
		if ((j = next_own(ctx, &ctx->leads_taken))) {
			*lead = true;
			break;
		}
		if ((j = next_own(ctx, &ctx->jobs_taken))) {
			*lead = false;
			break;
		}
		if (!wait || ctx->jobs_closed)
			break;
		pthread_cond_wait(&ctx->jobs_wake, &ctx->jobs_lock);
	}
	pthread_mutex_unlock(&ctx->jobs_lock);
	return j;
}

/* Run tasks until none is queued (wait: until the join closes the queue),
 * the leading words into a, this thread's arena. */
static void run_tasks(pattern_ctx *ctx, bool wait, arena *a)
{
	compile_job *j;
	bool lead;
	while ((j = take_task(ctx, wait, &lead))) {
		if (lead)
			run_lead(ctx, j, a);
		else
			run_job(ctx, j);
	}
}

static void *compile_helper(void *arg)
{
	pattern_ctx *ctx = arg;
	run_tasks(ctx, true, &ctx->lead_arena[1]);
	return NULL;
}

void pattern_ctx_wait_leads(pattern_ctx *ctx)
{
	if (!ctx->jobs_sync)
		return;
	pthread_mutex_lock(&ctx->jobs_lock);
	while (ctx->n_leads_done < ctx->n_compiles) {
		compile_job *j = next_own(ctx, &ctx->leads_taken);
		if (j) {
			pthread_mutex_unlock(&ctx->jobs_lock);
			run_lead(ctx, j, &ctx->lead_arena[0]);
			pthread_mutex_lock(&ctx->jobs_lock);
		} else {
			pthread_cond_wait(&ctx->jobs_wake, &ctx->jobs_lock);
		}
	}
	pthread_mutex_unlock(&ctx->jobs_lock);
}

ps_status pattern_leads(void *data, const ps_pattern *p, prefix_set *out, arena *a)
{
	pattern_ctx *ctx = data;
	const struct expansion_slot *e = find_expansion(ctx, hash_bytes(p->expanded, p->expanded_len), p->expanded,
	                                                p->expanded_len);
	/* After pattern_ctx_wait_leads, every queued expansion has its words;
	 * any other pattern gets them here. */
	if (e && e->job && e->job->lead_done) {
		*out = e->job->lead;
		return e->job->lead_st;
	}
	return prefix_words(out, a, p->expanded, p->expanded_len);
}

/* Start the helper with every signal blocked: the caller's handlers are
 * for its own threads. No helper (one core, or no thread to be had) is no
 * error; the join compiles what is queued. */
static void start_helper(pattern_ctx *ctx)
{
	sigset_t all, old;
	ctx->helper_tried = true;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 2)
		return;
	sigfillset(&all);
	if (pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
		return;
	ctx->helper_running = pthread_create(&ctx->helper, NULL, compile_helper, ctx) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Queue the compile of p (first == NULL) or p as a twin of first's job. */
static ps_status queue_job(pattern_ctx *ctx, ps_pattern *p, const compile_job *first, const char *file,
                           const ynode *scalar, const sbuf *b, compile_job **out)
{
	ps_status st = PS_OK;
	compile_job *j = calloc(1, sizeof(*j));
	if (!j || (b->nsegs && !(j->segs = malloc(b->nsegs * sizeof(*j->segs))))) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	j->p = p;
	j->first = first;
	j->text = p->expanded;
	j->len = p->expanded_len;
	j->file = file;
	j->scalar = *scalar;
	if (b->nsegs)
		memcpy(j->segs, b->segs, b->nsegs * sizeof(*j->segs));
	j->nsegs = b->nsegs;
	j->diag_at = ps_diags_count(ctx->diags);
	pthread_mutex_lock(&ctx->jobs_lock);
	if (ctx->n_jobs == ctx->cap_jobs) {
		size_t cap = ctx->cap_jobs ? 2 * ctx->cap_jobs : 256;
		compile_job **jobs = realloc(ctx->jobs, cap * sizeof(*jobs));
		if (!jobs) {
			pthread_mutex_unlock(&ctx->jobs_lock);
			st = PS_ERR_NOMEM;
			goto out;
		}
		ctx->jobs = jobs;
		ctx->cap_jobs = cap;
	}
	ctx->jobs[ctx->n_jobs++] = j;
	if (!first)
		ctx->n_compiles++;
	pthread_cond_signal(&ctx->jobs_wake);
	pthread_mutex_unlock(&ctx->jobs_lock);
	if (!ctx->helper_tried && ctx->n_compiles >= HELPER_AFTER_JOBS)
		start_helper(ctx);
	*out = j;
	j = NULL;
out:
	if (j)
		free(j->segs);
	free(j);
	return st;
}

/* A job's error, at the diagnostic index the job was queued at (plus those
 * inserted before it). */
static ps_status job_error(pattern_ctx *ctx, const compile_job *j, const compile_job *c, size_t *inserted)
{
	char msg[400];
	size_t off = 0;
	if (!c->callouts) {
		sbuf map = { .segs = j->segs, .nsegs = j->nsegs };
		off = j->nsegs ? map_offset(&map, c->erroff) : 0;
		compile_error_message(msg, sizeof msg, c->err);
	} else {
		snprintf(msg, sizeof msg, "%s", callout_message);
	}
	size_t line, col;
	scalar_position(&line, &col, &j->scalar, off);
	ps_status st = diags_insert(ctx->diags, j->diag_at + *inserted, PS_SEVERITY_ERROR, j->file, line, col, NULL,
	                            msg);
	(*inserted)++;
	return st == PS_OK ? PS_ERR_RULES : st;
}

/* Hand job j's results to its pattern, in queue order. */
static ps_status finish_job(pattern_ctx *ctx, compile_job *j, size_t *inserted)
{
	ps_pattern *p = j->p;
	const compile_job *c = j->first ? j->first : j;
	if (c->nomem)
		return PS_ERR_NOMEM;
	/* A twin comes after its first, whose code is its pattern's by now. */
	if (j->first ? !c->p->code : !c->code || c->callouts)
		return job_error(ctx, j, c, inserted);
	if (j->first) {
		const ps_pattern *f = c->p;
		p->code = f->code;
		memcpy(p->source_groups, f->source_groups, sizeof(p->source_groups));
		p->n_source_groups = f->n_source_groups;
		p->tail = f->tail;
		return PS_OK;
	}
	p->prog->code = j->code;
	p->code = j->code;
	j->code = NULL; /* the program's now */
	find_source_groups(p);
	if (!j->tail_code)
		return PS_OK;
	pattern_tail *tail = arena_alloc(ctx->a, sizeof(*tail));
	if (!tail)
		return PS_ERR_NOMEM;
	tail->form = j->form;
	ps_status st = new_prog(&tail->prog, ctx, j->tail_code);
	j->tail_code = NULL; /* the program's now, or freed */
	if (st == PS_OK)
		p->tail = tail;
	return st;
}

/* Wait for the helper and drop the queue. */
static void stop_helper(pattern_ctx *ctx)
{
	if (!ctx->helper_running)
		return;
	pthread_mutex_lock(&ctx->jobs_lock);
	ctx->jobs_closed = true;
	pthread_cond_broadcast(&ctx->jobs_wake);
	pthread_mutex_unlock(&ctx->jobs_lock);
	pthread_join(ctx->helper, NULL);
	ctx->helper_running = false;
}

static void free_jobs(pattern_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_jobs; i++) {
		pcre2_code_free(ctx->jobs[i]->code);
		pcre2_code_free(ctx->jobs[i]->tail_code);
		free(ctx->jobs[i]->segs);
		free(ctx->jobs[i]);
	}
	free(ctx->jobs);
	ctx->jobs = NULL;
	ctx->n_jobs = ctx->cap_jobs = ctx->jobs_taken = ctx->n_compiles = 0;
	ctx->leads_taken = ctx->n_leads_done = 0;
	ctx->helper_tried = ctx->jobs_closed = false;
}

ps_status pattern_ctx_join(pattern_ctx *ctx)
{
	ps_status st = PS_OK;
	size_t inserted = 0;
	if (!ctx->jobs_sync || !ctx->n_jobs)
		return PS_OK;
	/* The loader's thread helps with what is left. */
	run_tasks(ctx, false, &ctx->lead_arena[0]);
	stop_helper(ctx);
	for (size_t i = 0; i < ctx->n_jobs && st != PS_ERR_NOMEM; i++) {
		ps_status js = finish_job(ctx, ctx->jobs[i], &inserted);
		if (js != PS_OK && (st == PS_OK || js == PS_ERR_NOMEM))
			st = js;
	}
	free_jobs(ctx);
	return st;
}

/* Make p the first pattern of the expansion in b; its compile is queued. */
static ps_status compile_first(ps_pattern *p, pattern_ctx *ctx, const char *file, const ynode *scalar,
                               const sbuf *b, uint64_t hash)
{
	pattern_prog *prog = NULL;
	compile_job *job = NULL;
	ps_status st = new_prog(&prog, ctx, NULL);
	if (st != PS_OK)
		goto out;
	p->prog = prog;
	p->expanded = arena_strndup(ctx->a, b->p, b->len);
	p->expanded_len = b->len;
	if (!p->expanded) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	p->lone_byte = lone_byte(p->expanded, p->expanded_len);
	st = queue_job(ctx, p, NULL, file, scalar, b, &job);
	if (st == PS_OK)
		st = require_literals(p, ctx, b);
	if (st == PS_OK)
		st = remember_expansion(ctx, hash, p, job);
out:
	return st;
}

ps_status pattern_compile(ps_pattern **out, pattern_ctx *ctx, const char *file, const ynode *scalar)
{
	sbuf b = { 0 };
	ps_status st = PS_OK;
	ps_pattern *p = NULL;

	*out = NULL;
	if (ctx->n_patterns >= PS_MAX_PATTERNS) {
		char msg[160];
		snprintf(msg, sizeof msg, "more than %u patterns in the pack; split it into smaller packs",
		         (unsigned)PS_MAX_PATTERNS);
		st = error_at(ctx, file, scalar, 0, msg);
		goto out;
	}
	if (scalar->len == 0) {
		st = error_at(ctx, file, scalar, 0, "empty pattern; it would match everywhere");
		goto out;
	}
	if (scalar->len >= 2 && scalar->str[0] == '(' && scalar->str[1] == '*') {
		st = error_at(ctx, file, scalar, 0,
		              "leading option verbs such as (*LIMIT_MATCH=...) or (*UTF) are not allowed; pactscan sets the options");
		goto out;
	}
	st = expand(ctx, &b, file, scalar, true);
	if (st != PS_OK)
		goto out;
	if (b.len > PS_MAX_PATTERN_LEN) {
		char msg[160];
		snprintf(msg, sizeof msg, "pattern is %zu bytes after lexicon expansion, over the limit of %u",
		         b.len, (unsigned)PS_MAX_PATTERN_LEN);
		st = error_at(ctx, file, scalar, 0, msg);
		goto out;
	}
	p = arena_alloc(ctx->a, sizeof(*p));
	if (!p) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	p->index = UINT32_MAX;
	p->lone_byte = -1;
	p->text = scalar->str;
	p->text_len = scalar->len;
	p->file = file;
	p->line = scalar->line;
	p->col = scalar->col;
	uint64_t hash = hash_bytes(b.p, b.len);
	const struct expansion_slot *twin = find_expansion(ctx, hash, b.p, b.len);
	if (twin) {
		/* The same text compiles the same and requires the same words;
		 * many patterns are a lexicon alone, so twins are common. The
		 * program, and what is read off it, comes at the join. */
		const ps_pattern *f = twin->pattern;
		compile_job *job = NULL;
		p->prog = f->prog;
		p->expanded = f->expanded;
		p->expanded_len = f->expanded_len;
		p->req = f->req;
		p->lone_byte = f->lone_byte;
		st = queue_job(ctx, p, twin->job, file, scalar, &b, &job);
		if (st != PS_OK)
			goto out;
	} else {
		st = compile_first(p, ctx, file, scalar, &b, hash);
		if (st != PS_OK)
			goto out;
	}
	ctx->n_patterns++;
	*out = p;
out:
	sb_free(&b);
	return st;
}

/* One search of prog from start: 1 with the match in md, 0, -1 for a
 * limit, -2 for another error. */
static int prog_match(pattern_prog *prog, pcre2_match_data *md, pcre2_match_context *mc, uint32_t options,
                      const char *subject, size_t len, size_t start)
{
	int state = options & PCRE2_NO_JIT ? atomic_load_explicit(&prog->jit, memory_order_acquire)
	                                   : pattern_prog_jit(prog);
	/* pcre2_match looks for JIT code even when told not to run it, so while
	 * another thread may still be compiling it, the interpreter holds that
	 * off. Should the lock fail, the interpreter runs all the same. */
	bool shared = state == PROG_JIT_PENDING && pthread_rwlock_rdlock(&prog->lock) == 0;
	if (state != PROG_JIT_READY)
		options |= PCRE2_NO_JIT;
	/* The JIT's own entry skips pcre2_match's checks of its arguments,
	 * ~100 instructions of a search that often costs a few hundred. */
	int rc = !(options & PCRE2_NO_JIT) ? pcre2_jit_match(prog->code, (PCRE2_SPTR)subject, len, start, options, md, mc)
	                                 : pcre2_match(prog->code, (PCRE2_SPTR)subject, len, start, options, md, mc);
	/* The JIT stack is sized for news sentences; a subject that needs more
	 * gets PCRE2's interpreter, which keeps its frames on the heap under the
	 * match and depth limits. */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(prog->code, (PCRE2_SPTR)subject, len, start, options | PCRE2_NO_JIT, md, mc);
	if (shared)
		pthread_rwlock_unlock(&prog->lock);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
	    rc == PCRE2_ERROR_JIT_STACKLIMIT)
		return -1;
	return rc < 0 ? -2 : 1;
}

int pattern_match(const ps_pattern *p, pcre2_match_data *md, pcre2_match_context *mc, uint32_t options,
                  const char *subject, size_t len, size_t start, size_t *ms, size_t *me)
{
	if (start > len)
		return 0;
	int rc = prog_match(p->prog, md, mc, options, subject, len, start);
	if (rc == 1) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		*ms = ov[0];
		*me = ov[1];
	}
	return rc;
}

int pattern_match_tail_first(const ps_pattern *p, pcre2_match_data *md, pcre2_match_context *mc, uint32_t options,
                             const char *subject, size_t len, size_t start, size_t *ms, size_t *me)
{
	if (!p->tail || start > len)
		return pattern_match(p, md, mc, options, subject, len, start, ms, me);
	int rc = prog_match(p->tail->prog, md, mc, options, subject, len, start);
	/* No tail: no match. A limit in the tail's search: the plain one decides. */
	if (rc == 0)
		return 0;
	if (rc == 1)
		start = tailfirst_start(&p->tail->form, subject, start, pcre2_get_ovector_pointer(md)[0]);
	return pattern_match(p, md, mc, options, subject, len, start, ms, me);
}

int pattern_match_tail_at(const ps_pattern *p, pcre2_match_data *md, pcre2_match_context *mc, uint32_t options,
                          const char *subject, size_t len, size_t start, const size_t *at, size_t n, size_t *ms,
                          size_t *me)
{
	if (!p->tail || start > len)
		return pattern_match(p, md, mc, options, subject, len, start, ms, me);
	for (size_t i = 0; i < n; i++) {
		if (at[i] < start || at[i] >= len)
			continue;
		/* The tail program at at[i] alone: its search may start nowhere else. */
		pcre2_set_offset_limit(mc, at[i]);
		int rc = prog_match(p->tail->prog, md, mc, options, subject, len, at[i]);
		pcre2_set_offset_limit(mc, PCRE2_UNSET);
		if (rc == 0)
			continue;
		/* As pattern_match_tail_first: from where the tail's words can
		 * start, or, after a limit in the tail's search, from start. */
		size_t from = rc == 1 ? tailfirst_start(&p->tail->form, subject, start, at[i]) : start;
		return pattern_match(p, md, mc, options, subject, len, from, ms, me);
	}
	return 0;
}

int pattern_find_all(const ps_pattern *p, pcre2_match_data *md, pcre2_match_context *mc, uint32_t options,
                     const char *subject, size_t len, size_t *starts, size_t *ends, size_t max,
                     size_t *found)
{
	size_t pos = 0, n = 0;
	*found = 0;
	while (n < max && pos <= len) {
		size_t ms, me;
		int rc = pattern_match(p, md, mc, options, subject, len, pos, &ms, &me);
		if (rc < 0) {
			*found = n;
			return -1;
		}
		if (rc == 0)
			break;
		starts[n] = ms;
		ends[n] = me;
		n++;
		if (me > ms) {
			pos = me;
		} else {
			/* Step over one whole UTF-8 character after an empty match. */
			pos = me + 1;
			while (pos < len && ((unsigned char)subject[pos] & 0xC0) == 0x80)
				pos++;
		}
	}
	*found = n;
	return (int)n;
}

bool pattern_source(const ps_pattern *p, pcre2_match_data *md, size_t *ss, size_t *se)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	uint32_t pairs = pcre2_get_ovector_count(md);
	for (int i = 0; i < p->n_source_groups; i++) {
		uint32_t g = (uint32_t)p->source_groups[i];
		if (g < pairs && ov[2 * g] != PCRE2_UNSET && ov[2 * g + 1] > ov[2 * g]) {
			*ss = ov[2 * g];
			*se = ov[2 * g + 1];
			return true;
		}
	}
	return false;
}
