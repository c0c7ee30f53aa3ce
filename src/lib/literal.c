#include "literal_int.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hash_int.h"

/* Most strings an exact set may hold before it is cut, and their length. */
#define EXACT_MAX 64
#define LIT_MAX 64

typedef struct strv {
	const char **s;
	size_t *l;
	size_t n;
} strv;

typedef struct reqv {
	strv *v;
	size_t n;
} reqv;

/* What a piece of pattern matches: exactly one of ex (when exact), and in
 * any case something that satisfies every set of req. */
typedef struct info {
	bool exact;
	strv ex;
	reqv req;
} info;

typedef struct parser {
	const char *p;
	size_t len, i;
	arena *tmp;
	bool failed;          /* out of memory, or syntax this does not model */
	int depth, max_depth;
	strv empty;           /* just the empty string, shared: strvs are never changed */
	const litembed *embeds; /* ascending offsets; those behind P->i are passed */
	size_t n_embeds;
} parser;

/* Parsing is left to right and a group's analysis reads nothing outside
 * it, so a group parsed alone is the same group anywhere, but for how
 * deep it nests. Its strvs, never changed, are shared by every use. */
struct litpiece {
	info x;
	size_t len;
	int depth;            /* deepest nesting, the group's own included */
};

/* Room for n strings; v.n is 0 and the rest is for the caller to fill. */
static strv strv_alloc(parser *P, size_t n)
{
	strv v = { 0 };
	if (!n)
		n = 1;
	v.s = arena_alloc_uninit(P->tmp, n * (sizeof(*v.s) + sizeof(*v.l)));
	if (!v.s)
		P->failed = true;
	else
		v.l = (size_t *)(v.s + n);
	return v;
}

static bool strv_has(const strv *v, const char *s, size_t l)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->l[i] == l && !memcmp(v->s[i], s, l))
			return true;
	return false;
}

static strv strv_one(parser *P, const char *s, size_t l)
{
	strv v = strv_alloc(P, 1);
	if (P->failed)
		return v;
	v.s[0] = s;
	v.l[0] = l;
	v.n = 1;
	return v;
}

static strv strv_union(parser *P, strv a, strv b)
{
	strv v = strv_alloc(P, a.n + b.n);
	if (P->failed)
		return v;
	for (size_t k = 0; k < 2; k++) {
		const strv *src = k ? &b : &a;
		for (size_t i = 0; i < src->n; i++)
			if (!strv_has(&v, src->s[i], src->l[i])) {
				v.s[v.n] = src->s[i];
				v.l[v.n++] = src->l[i];
			}
	}
	return v;
}

static bool empty_only(const strv *v)
{
	return v->n == 1 && v->l[0] == 0;
}

static size_t max_len(const strv *v)
{
	size_t m = 0;
	for (size_t i = 0; i < v->n; i++)
		if (v->l[i] > m)
			m = v->l[i];
	return m;
}

/* Every a followed by every b; false when the result would be too big. */
static bool strv_cross(parser *P, strv a, strv b, strv *out)
{
	/* Every concatenation starts from the empty string, and an anchor or
	 * \b is one: crossing with it alone gives the other side, which holds
	 * distinct strings as every strv does, so there is nothing to copy. */
	if (empty_only(&a) || empty_only(&b)) {
		const strv *other = empty_only(&a) ? &b : &a;
		if (other->n > EXACT_MAX || max_len(other) > LIT_MAX)
			return false;
		*out = *other;
		return true;
	}
	if (a.n * b.n > EXACT_MAX)
		return false;
	strv v = strv_alloc(P, a.n * b.n);
	if (P->failed)
		return false;
	for (size_t i = 0; i < a.n; i++)
		for (size_t j = 0; j < b.n; j++) {
			size_t l = a.l[i] + b.l[j];
			if (l > LIT_MAX)
				return false;
			char *s = arena_alloc_uninit(P->tmp, l + 1);
			if (!s) {
				P->failed = true;
				return false;
			}
			memcpy(s, a.s[i], a.l[i]);
			memcpy(s + a.l[i], b.s[j], b.l[j]);
			if (!strv_has(&v, s, l)) {
				v.s[v.n] = s;
				v.l[v.n++] = l;
			}
		}
	*out = v;
	return true;
}

static reqv req_add(parser *P, reqv r, strv set)
{
	/* A set holding the empty string asks for nothing. */
	for (size_t i = 0; i < set.n; i++)
		if (set.l[i] == 0)
			return r;
	if (set.n == 0)
		return r;
	for (size_t i = 0; i < r.n; i++) {
		bool same = r.v[i].n == set.n;
		for (size_t k = 0; k < set.n && same; k++)
			same = strv_has(&r.v[i], set.s[k], set.l[k]);
		if (same)
			return r;
	}
	strv *v = arena_alloc_uninit(P->tmp, (r.n + 1) * sizeof(*v));
	if (!v) {
		P->failed = true;
		return r;
	}
	if (r.n)
		memcpy(v, r.v, r.n * sizeof(*v));
	v[r.n] = set;
	return (reqv){ v, r.n + 1 };
}

static reqv req_cat(parser *P, reqv a, reqv b)
{
	for (size_t i = 0; i < b.n; i++)
		a = req_add(P, a, b.v[i]);
	return a;
}

static size_t min_len(const strv *v)
{
	size_t m = (size_t)-1;
	for (size_t i = 0; i < v->n; i++)
		if (v->l[i] < m)
			m = v->l[i];
	return v->n ? m : 0;
}

/* The most selective set of an info: its exact strings, or a required set. */
static const strv *best_of(const info *x)
{
	const strv *best = NULL;
	if (x->exact && x->ex.n && min_len(&x->ex) > 0)
		best = &x->ex;
	for (size_t i = 0; i < x->req.n; i++)
		if (!best || min_len(&x->req.v[i]) > min_len(best))
			best = &x->req.v[i];
	return best;
}

static info empty_info(const parser *P)
{
	return (info){ .exact = true, .ex = P->empty };
}

static info unknown_info(void)
{
	return (info){ .exact = false };
}

static bool at_end(const parser *P)
{
	return P->i >= P->len;
}

static char peek(const parser *P, size_t ahead)
{
	return P->i + ahead < P->len ? P->p[P->i + ahead] : '\0';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static info literal_char(parser *P, char c)
{
	char *s = arena_alloc(P->tmp, 2);
	if (!s) {
		P->failed = true;
		return unknown_info();
	}
	s[0] = lower(c);
	return (info){ .exact = true, .ex = strv_one(P, s, 1) };
}

static info parse_alt(parser *P);

/* Skip to the ')' that closes a group opened just before P->i. */
static void skip_group(parser *P)
{
	int depth = 1;
	while (!at_end(P) && depth > 0) {
		char c = P->p[P->i++];
		if (c == '\\')
			P->i++;
		else if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
	}
}

static info parse_group(parser *P)
{
	info x;
	/* P->i is past '('. */
	if (peek(P, 0) == '*') {
		/* A backtracking verb such as (*SKIP): consumes nothing we can see. */
		skip_group(P);
		return unknown_info();
	}
	if (peek(P, 0) != '?') {
		x = parse_alt(P);
		goto close;
	}
	P->i++;
	char c = peek(P, 0);
	if (c == '#') {
		skip_group(P);
		return empty_info(P);
	}
	if (c == '=' || c == '!' || (c == '<' && (peek(P, 1) == '=' || peek(P, 1) == '!'))) {
		P->i += c == '<' ? 2 : 1;
		(void)parse_alt(P);
		x = empty_info(P);
		goto close;
	}
	if (c == ':' || c == '>' || c == '|') {
		P->i++;
		x = parse_alt(P);
		goto close;
	}
	if (c == '<' || c == '\'' || (c == 'P' && peek(P, 1) == '<')) {
		char end = c == '\'' ? '\'' : '>';
		while (!at_end(P) && P->p[P->i] != end)
			P->i++;
		P->i++;
		x = parse_alt(P);
		goto close;
	}
	bool letter_next = (peek(P, 1) >= 'a' && peek(P, 1) <= 'z') || (peek(P, 1) >= 'A' && peek(P, 1) <= 'Z');
	if (c == '(' || c == 'R' || c == '&' || c == 'P' || c == 'C' || c == '+' || (c >= '0' && c <= '9') ||
	    (c == '-' && !letter_next)) {
		/* Conditions, recursion, subroutine calls, callouts. */
		skip_group(P);
		return unknown_info();
	}
	/* Option settings: (?i) (?-i) (?i:...). Extended mode changes what
	 * spaces mean, so give up on the whole pattern. */
	while (!at_end(P) && P->p[P->i] != ')' && P->p[P->i] != ':') {
		if (P->p[P->i] == 'x')
			P->failed = true;
		P->i++;
	}
	if (peek(P, 0) == ')') {
		P->i++;
		return empty_info(P);
	}
	P->i++;
	x = parse_alt(P);
close:
	if (peek(P, 0) == ')')
		P->i++;
	else
		P->failed = true;
	return x;
}

/* A character class: a few plain ASCII characters make an exact set. */
static info parse_class(parser *P)
{
	/* P->i is past '['. */
	char chars[8];
	size_t n = 0;
	bool simple = peek(P, 0) != '^';
	if (peek(P, 0) == '^')
		P->i++;
	if (peek(P, 0) == ']') {
		chars[n++] = ']';
		P->i++;
	}
	while (!at_end(P) && P->p[P->i] != ']') {
		char c = P->p[P->i];
		if (c == '[' && peek(P, 1) == ':') {
			/* A POSIX class such as [:alpha:] holds a ']' of its own. */
			simple = false;
			while (!at_end(P) && !(P->p[P->i] == ':' && peek(P, 1) == ']'))
				P->i++;
			P->i += 2;
			continue;
		}
		if (c == '\\' || c == '[' || (unsigned char)c >= 0x80 ||
		    (c == '-' && peek(P, 1) != ']' && n > 0)) {
			simple = false;
			if (c == '\\' || c == '[')
				P->i++;
		} else if (n < sizeof chars) {
			chars[n++] = lower(c);
		} else {
			simple = false;
		}
		P->i++;
	}
	P->i++;
	if (!simple || n == 0)
		return unknown_info();
	strv v = strv_alloc(P, n);
	for (size_t k = 0; k < n && !P->failed; k++) {
		char *s = arena_alloc(P->tmp, 2);
		if (!s) {
			P->failed = true;
			break;
		}
		s[0] = chars[k];
		if (!strv_has(&v, s, 1)) {
			v.s[v.n] = s;
			v.l[v.n++] = 1;
		}
	}
	return (info){ .exact = true, .ex = v };
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static info parse_escape(parser *P)
{
	/* P->i is past '\'. */
	char c = peek(P, 0);
	P->i++;
	switch (c) {
	case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K': case 'E':
		return empty_info(P);
	case 'n': return literal_char(P, '\n');
	case 't': return literal_char(P, '\t');
	case 'r': return literal_char(P, '\r');
	case 'f': return literal_char(P, '\f');
	case 'e': return literal_char(P, 27);
	case 'a': return literal_char(P, 7);
	case 'p': case 'P': case 'g': case 'k': case 'o':
		if (peek(P, 0) == '{' || peek(P, 0) == '<' || peek(P, 0) == '\'') {
			char end = peek(P, 0) == '{' ? '}' : peek(P, 0) == '<' ? '>' : '\'';
			while (!at_end(P) && P->p[P->i] != end)
				P->i++;
			P->i++;
		} else {
			P->i++;
		}
		return unknown_info();
	case 'x': {
		int v = 0;
		if (peek(P, 0) == '{') {
			P->i++;
			while (!at_end(P) && P->p[P->i] != '}') {
				int h = hex_value(P->p[P->i++]);
				v = h < 0 || v > 0x10FFFF ? 0x110000 : v * 16 + h;
			}
			P->i++;
		} else {
			for (int k = 0; k < 2 && hex_value(peek(P, 0)) >= 0; k++)
				v = v * 16 + hex_value(P->p[P->i++]);
		}
		return v > 0 && v < 0x80 ? literal_char(P, (char)v) : unknown_info();
	}
	case 'Q': {
		info x = empty_info(P);
		while (!at_end(P) && !(P->p[P->i] == '\\' && peek(P, 1) == 'E')) {
			unsigned char ch = (unsigned char)P->p[P->i++];
			strv joined;
			if (ch >= 0x80 || !strv_cross(P, x.ex, literal_char(P, (char)ch).ex, &joined))
				return unknown_info();
			x.ex = joined;
		}
		P->i += 2;
		return x;
	}
	default:
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (unsigned char)c >= 0x80)
			return unknown_info(); /* classes, back references, octal, \c */
		return literal_char(P, c);
	}
}

/* The piece whose text starts at offset at, if any. */
static const litpiece *piece_at(parser *P, size_t at)
{
	while (P->n_embeds && P->embeds->off < at) {
		P->embeds++;
		P->n_embeds--;
	}
	return P->n_embeds && P->embeds->off == at ? P->embeds->piece : NULL;
}

static info parse_atom(parser *P)
{
	char c = P->p[P->i++];
	unsigned char u = (unsigned char)c;
	switch (c) {
	case '(': {
		const litpiece *piece = piece_at(P, P->i - 1);
		if (piece && P->depth + piece->depth <= 300 && piece->len <= P->len - (P->i - 1)) {
			P->i += piece->len - 1;
			return piece->x;
		}
		if (++P->depth > 300) {
			P->failed = true;
			return unknown_info();
		}
		if (P->depth > P->max_depth)
			P->max_depth = P->depth;
		info x = parse_group(P);
		P->depth--;
		return x;
	}
	case '[':
		return parse_class(P);
	case '.':
		return unknown_info();
	case '^': case '$':
		return empty_info(P);
	case '\\':
		return parse_escape(P);
	default:
		break;
	}
	if (u >= 0x80) {
		/* One whole UTF-8 character, so a quantifier after it applies to all of it.
		 * Caseless UTF matching folds non-ASCII letters, which a byte search
		 * would miss: require nothing of it, unless it is General Punctuation
		 * (U+2000 to U+206F: curly quotes, dashes), which has no case. */
		size_t start = P->i - 1;
		while (!at_end(P) && ((unsigned char)P->p[P->i] & 0xC0) == 0x80)
			P->i++;
		const unsigned char *b = (const unsigned char *)P->p + start;
		if (P->i - start == 3 && b[0] == 0xE2 && (b[1] == 0x80 || (b[1] == 0x81 && b[2] <= 0xAF)))
			return (info){ .exact = true, .ex = strv_one(P, P->p + start, 3) };
		return unknown_info();
	}
	if (c == '\0')
		return unknown_info();
	return literal_char(P, c);
}

/* Reads {m}, {m,}, {m,n} at P->i; false (and P->i unchanged) if not one. */
static bool parse_braces(parser *P, unsigned *min, unsigned *max)
{
	size_t i = P->i + 1;
	unsigned a = 0, b;
	bool digits = false;
	while (i < P->len && P->p[i] >= '0' && P->p[i] <= '9') {
		a = a * 10 + (unsigned)(P->p[i++] - '0');
		digits = true;
		if (a > 100000)
			return false;
	}
	if (!digits)
		return false;
	b = a;
	if (i < P->len && P->p[i] == ',') {
		i++;
		b = (unsigned)-1;
		if (i < P->len && P->p[i] >= '0' && P->p[i] <= '9') {
			b = 0;
			while (i < P->len && P->p[i] >= '0' && P->p[i] <= '9')
				b = b * 10 + (unsigned)(P->p[i++] - '0');
		}
	}
	if (i >= P->len || P->p[i] != '}')
		return false;
	P->i = i + 1;
	*min = a;
	*max = b;
	return true;
}

static info parse_quantified(parser *P)
{
	info x = parse_atom(P);
	for (;;) {
		unsigned min, max;
		char c = peek(P, 0);
		if (c == '?') {
			min = 0;
			max = 1;
			P->i++;
		} else if (c == '*') {
			min = 0;
			max = (unsigned)-1;
			P->i++;
		} else if (c == '+') {
			min = 1;
			max = (unsigned)-1;
			P->i++;
		} else if (!(c == '{' && parse_braces(P, &min, &max))) {
			return x;
		}
		/* A lazy or possessive mark changes nothing here. */
		if (peek(P, 0) == '?' || peek(P, 0) == '+')
			P->i++;
		if (min == 1 && max == 1)
			continue;
		if (min == 0) {
			if (max == 1 && x.exact && x.ex.n < EXACT_MAX)
				x = (info){ .exact = true, .ex = strv_union(P, x.ex, empty_info(P).ex) };
			else
				x = unknown_info();
			continue;
		}
		/* At least once: whatever one copy requires is required. */
		reqv r = x.req;
		if (x.exact)
			r = req_add(P, r, x.ex);
		x = (info){ .exact = false, .req = r };
	}
}

/* A character that stands for itself wherever it is: not syntax, not one
 * that is syntax somewhere (braces), and ASCII. */
static bool is_plain(char c)
{
	switch (c) {
	case '\\': case '^': case '$': case '.': case '[': case ']': case '|': case '(': case ')':
	case '?': case '*': case '+': case '{': case '}': case '\0':
		return false;
	default:
		return (unsigned char)c < 0x80;
	}
}

static bool is_quantifier(char c)
{
	return c == '?' || c == '*' || c == '+' || c == '{';
}

/* Append to every string of run the plain characters at P->i, as many as
 * fit in room and are not quantified, in one step: the same as crossing
 * run with one character after another, without a string per character.
 * Returns how many were taken. */
static size_t take_plain(parser *P, strv *run, size_t room)
{
	size_t k = 0;
	while (k < room && P->i + k < P->len && is_plain(P->p[P->i + k]) &&
	       !(P->i + k + 1 < P->len && is_quantifier(P->p[P->i + k + 1])))
		k++;
	if (!k)
		return 0;
	strv v = strv_alloc(P, run->n);
	for (size_t i = 0; i < run->n && !P->failed; i++) {
		char *s = arena_alloc_uninit(P->tmp, run->l[i] + k + 1);
		if (!s) {
			P->failed = true;
			break;
		}
		memcpy(s, run->s[i], run->l[i]);
		for (size_t j = 0; j < k; j++)
			s[run->l[i] + j] = lower(P->p[P->i + j]);
		v.s[i] = s;
		v.l[i] = run->l[i] + k;
	}
	v.n = run->n;
	*run = v;
	P->i += k;
	return k;
}

static info parse_concat(parser *P)
{
	info out = { .exact = true };
	strv run = empty_info(P).ex;
	bool cut = false;
	while (!at_end(P) && !P->failed && P->p[P->i] != '|' && P->p[P->i] != ')') {
		size_t longest = max_len(&run);
		if (longest < LIT_MAX && take_plain(P, &run, LIT_MAX - longest))
			continue;
		info a = parse_quantified(P);
		if (a.exact) {
			strv joined;
			if (strv_cross(P, run, a.ex, &joined)) {
				run = joined;
			} else {
				/* Too many combinations: keep what we have as a set and go on. */
				out.req = req_add(P, out.req, run);
				run = a.ex;
				cut = true;
			}
			out.req = req_cat(P, out.req, a.req);
			continue;
		}
		out.req = req_add(P, out.req, run);
		out.req = req_cat(P, out.req, a.req);
		run = empty_info(P).ex;
		out.exact = false;
	}
	out.req = req_add(P, out.req, run);
	if (out.exact && !cut)
		out.ex = run;
	else
		out.exact = false;
	return out;
}

/* A union built one set at a time: the strings in the order first added,
 * as strv_union keeps them, with a hash index so that adding one does not
 * scan the others. An alternation of many words (a lexicon) is common. */
typedef struct strset {
	strv v;
	size_t cap;
	uint32_t *slot;       /* 1 + index into v; 0 for an empty slot */
	size_t n_slots;       /* a power of two, at least twice v.n */
} strset;

/* The slot holding s, or the empty slot where it would go. */
static uint32_t *strset_slot(const strset *set, const char *s, size_t l)
{
	size_t mask = set->n_slots - 1;
	for (size_t i = (size_t)hash_bytes(s, l) & mask;; i = (i + 1) & mask) {
		uint32_t k = set->slot[i];
		if (!k || (set->v.l[k - 1] == l && !memcmp(set->v.s[k - 1], s, l)))
			return &set->slot[i];
	}
}

static void strset_add(parser *P, strset *set, const char *s, size_t l)
{
	if (P->failed)
		return;
	if (2 * (set->v.n + 1) > set->n_slots) {
		strset grown = *set;
		grown.n_slots = set->n_slots ? 2 * set->n_slots : 32;
		grown.slot = arena_alloc(P->tmp, grown.n_slots * sizeof(*grown.slot));
		if (!grown.slot) {
			P->failed = true;
			return;
		}
		for (size_t k = 0; k < set->v.n; k++)
			*strset_slot(&grown, set->v.s[k], set->v.l[k]) = (uint32_t)k + 1;
		*set = grown;
	}
	uint32_t *at = strset_slot(set, s, l);
	if (*at)
		return;
	if (set->v.n == set->cap) {
		strv v = strv_alloc(P, set->cap ? 2 * set->cap : 16);
		if (P->failed)
			return;
		if (set->v.n) {
			memcpy(v.s, set->v.s, set->v.n * sizeof(*v.s));
			memcpy(v.l, set->v.l, set->v.n * sizeof(*v.l));
		}
		v.n = set->v.n;
		set->cap = set->cap ? 2 * set->cap : 16;
		set->v = v;
	}
	set->v.s[set->v.n] = s;
	set->v.l[set->v.n++] = l;
	*at = (uint32_t)set->v.n;
}

static void strset_add_all(parser *P, strset *set, const strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		strset_add(P, set, v->s[i], v->l[i]);
}

static info parse_alt(parser *P)
{
	info first = parse_concat(P);
	if (peek(P, 0) != '|')
		return first;
	bool exact = first.exact;
	strset ex = { 0 }, any = { 0 };
	strset_add_all(P, &ex, &first.ex);
	const strv *b = best_of(&first);
	bool all_have = b != NULL;
	if (b)
		strset_add_all(P, &any, b);
	while (peek(P, 0) == '|' && !P->failed) {
		P->i++;
		info next = parse_concat(P);
		if (exact && next.exact && ex.v.n + next.ex.n <= EXACT_MAX)
			strset_add_all(P, &ex, &next.ex);
		else
			exact = false;
		b = best_of(&next);
		/* Past the size limit the set is dropped, so stop growing it. */
		if (b && all_have && any.v.n <= LITERAL_MAX_SET_SIZE)
			strset_add_all(P, &any, b);
		else if (!b)
			all_have = false;
	}
	info out = { .exact = exact, .ex = exact ? ex.v : (strv){ 0 } };
	if (all_have && any.v.n <= LITERAL_MAX_SET_SIZE)
		out.req = req_add(P, out.req, any.v);
	return out;
}

static bool worth_keeping(const strv *set)
{
	return set->n > 0 && set->n <= LITERAL_MAX_SET_SIZE && min_len(set) >= LITERAL_MIN_LEN;
}

static const char nothing[1] = "";

ps_status literal_piece(const litpiece **out, arena *a, const char *text, size_t len)
{
	parser P = { .p = text, .len = len, .tmp = a };
	litpiece *piece = NULL;

	*out = NULL;
	if (!len || text[0] != '(')
		return PS_OK;
	P.empty = strv_one(&P, nothing, 0);
	if (P.failed)
		return PS_ERR_NOMEM;
	info x = parse_atom(&P);
	/* Out of memory looks like syntax not modelled, and the text is then
	 * analysed where it occurs, as it was before: no harm but time. */
	if (P.failed || P.i != len)
		return PS_OK;
	piece = arena_alloc(a, sizeof(*piece));
	if (!piece)
		return PS_ERR_NOMEM;
	*piece = (litpiece){ .x = x, .len = len, .depth = P.max_depth };
	*out = piece;
	return PS_OK;
}

ps_status literal_require(litreq *out, arena *a, const char *pattern, size_t len)
{
	return literal_require_with(out, a, pattern, len, NULL, 0);
}

ps_status literal_require_with(litreq *out, arena *a, const char *pattern, size_t len, const litembed *embeds,
                               size_t n_embeds)
{
	arena tmp;
	parser P = { .p = pattern, .len = len, .tmp = &tmp, .embeds = embeds, .n_embeds = n_embeds };
	ps_status st = PS_OK;

	memset(out, 0, sizeof(*out));
	arena_init(&tmp, 16384);
	P.empty = strv_one(&P, nothing, 0);
	info x = parse_alt(&P);
	if (P.failed || !at_end(&P))
		goto out; /* require nothing: always sound */
	reqv r = x.req;
	if (x.exact)
		r = req_add(&P, r, x.ex);
	/* Keep the most selective sets, most selective first. */
	const strv *keep[LITERAL_MAX_SETS];
	size_t n = 0;
	for (size_t i = 0; i < r.n; i++) {
		const strv *s = &r.v[i];
		if (!worth_keeping(s))
			continue;
		size_t at = n < LITERAL_MAX_SETS ? n++ : LITERAL_MAX_SETS;
		if (at == LITERAL_MAX_SETS) {
			if (min_len(s) <= min_len(keep[LITERAL_MAX_SETS - 1]))
				continue;
			at = LITERAL_MAX_SETS - 1;
		}
		keep[at] = s;
		for (size_t k = at; k > 0 && min_len(keep[k]) > min_len(keep[k - 1]); k--) {
			const strv *t = keep[k];
			keep[k] = keep[k - 1];
			keep[k - 1] = t;
		}
	}
	if (!n)
		goto out;
	/* A set of two-letter words ({in,to,by}) holds in nearly every
	 * sentence, and its words are met every few bytes: behind a set of
	 * longer words it only costs. */
	while (n > 1 && min_len(keep[0]) >= 4 && min_len(keep[n - 1]) <= 2)
		n--;
	out->sets = arena_alloc(a, n * sizeof(*out->sets));
	if (!out->sets) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		litset *ls = &out->sets[i];
		ls->str = arena_alloc(a, keep[i]->n * sizeof(*ls->str));
		ls->len = arena_alloc(a, keep[i]->n * sizeof(*ls->len));
		if (!ls->str || !ls->len) {
			st = PS_ERR_NOMEM;
			goto out;
		}
		for (size_t k = 0; k < keep[i]->n; k++) {
			ls->str[k] = arena_strndup(a, keep[i]->s[k], keep[i]->l[k]);
			ls->len[k] = keep[i]->l[k];
			if (!ls->str[k]) {
				st = PS_ERR_NOMEM;
				goto out;
			}
		}
		ls->count = keep[i]->n;
	}
	out->count = n;
out:
	if (st != PS_OK)
		memset(out, 0, sizeof(*out));
	arena_release(&tmp);
	return st;
}

const litset *literal_best(const litreq *req)
{
	return req->count ? &req->sets[0] : NULL;
}
