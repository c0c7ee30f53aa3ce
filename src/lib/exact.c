#include "exact_int.h"

#include <emmintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "caseless_int.h"
#include "retext_int.h"

/* A token is a kind and a byte. K_AHEAD and K_NOT_AHEAD, (?=...) and
 * (?!...), take no bytes: theirs is the number of the lookahead, whose
 * own strings are a matcher of their own. K_BOUND (\b) lives only while
 * building: each string's are resolved against its own bytes, or become
 * what the byte before or after a match must be. */
enum { K_BYTE, K_FOLD, K_LATIN1, K_WS, K_WSPLUS, K_AHEAD, K_NOT_AHEAD, K_BOUND, K_WORDRUN };
/* K_WORDRUN is \w* (byte 0) or \w+ (byte 1), taken whole: only where
 * what follows cannot be a word byte, so that giving some back never
 * helps. */
/* A gap of up to k words, (?:\S+\s+){0,k}? and its kin: kind K_GAP + the
 * gap's number in the pattern, byte k (at most GAP_MAX) | its class << 4
 * | LAZY. Each gap
 * of a pattern is a token of its own, so that strings through two of
 * them never share a node: the strings through one gap are tried count
 * by count, as PCRE2 tries the group after it at each count. */
#define K_GAP 16u
#define MAX_GAPS 64
#define GAP_MAX 15u
#define GAP_LAZY 0x40u
#define GAP_CLASS(b) ((b) >> 4 & 3u)
enum { GAP_NONSPACE, GAP_WORD, GAP_WORD_DASH, GAP_NO_DASH };
#define IS_GAP(t) (KIND(t) >= K_GAP)
#define TOK(k, b) ((uint16_t)((unsigned)(k) << 8 | (unsigned)(b)))
#define KIND(t) ((unsigned)(t) >> 8)
#define BYTE(t) ((unsigned char)((t)&0xFF))

/* What the byte next to a match must be; the subject's ends count as
 * non-word, as for PCRE2's \b. */
enum { ANY, NON_WORD, WORD };

typedef struct xacc {
	uint16_t pri;
	uint8_t before, after;     /* ANY, NON_WORD or WORD */
} xacc;

/* The strings as a trie of tokens, laid out depth first in one array of
 * 16-bit words, a record a node: a walk down a path reads forward, and a
 * node's strings and its children's edges share a cache line or two. (A
 * node, its tokens, its edge's tokens and its strings in four arrays cost
 * a miss each: the matchers of a sentence in the setting are cold.)
 *
 *   record: n_acc, n_acc x (pri, before | after << 8), n_child, edges
 *           (a wide node: n_child | KEYED, keys, offsets, edges; below)
 *   edge:   token, n_rest, min_pri, child (low, high), n_rest tokens
 *
 * A node's strings are those that end there, by priority (their place in
 * PCRE2's order); min_pri, the lowest priority of any string at or below
 * the edge's child, stops a walk that cannot do better. A chain of nodes
 * with one child and no string is one edge: its first token, then the
 * rest ("Gaza Strip" is two records, not ten). */
enum { E_TOK, E_NREST, E_MINPRI, E_LO, E_HI, E_REST };
/* A node with at least KEYED_MIN children (the root too, but for one of
 * more than ROOT_SCAN, which has buckets) has keys:
 * its n_child word has KEYED set and is followed by each edge's first
 * byte folded (0: a token that may match more), padded to 16 bytes, then
 * each edge's offset from the first edge, then the edges. One comparison
 * of 16 keys with the text's byte picks the edges to try: a walk read
 * every edge of a wide node ("Israeli " has fifty), a load and a call of
 * step() each. */
#define KEYED 0x8000u
#define KEYED_MIN 3
/* Words of keys for n edges. */
#define KEY_WORDS(n) ((((n) + 15) / 16) * 8)

struct exact {
	uint32_t n_str;            /* 0 for a pattern this does not model */
	/* The root's edges whose token can match a byte, by the byte folded
	 * to lower case: their offsets in code are ids[bucket[b]..bucket[b + 1]). */
	uint16_t *bucket;          /* 257 entries; NULL where the root has few children (ROOT_SCAN) */
	uint32_t *ids;
	/* A root of few children is a node as any other, with keys (KEYED). */
	uint16_t *code;            /* the root's record at 0 */
	struct exact **ahead;      /* the lookaheads' matchers */
	size_t n_ahead;
	/* Where the pattern is a sequence split at its last gap (build_split):
	 * the matcher of what follows the gap, which every string of this
	 * one's (each ending with the gap) must be followed by. */
	struct exact *suffix;
};

/* ---- building ---------------------------------------------------------- */

/* Strings in PCRE2's order of preference, their tokens one after another
 * in one buffer: a build makes hundreds of strings, and a malloc and a
 * free each were half of its instructions. */
typedef struct strlist {
	uint16_t *buf;
	size_t used, cap_buf;      /* tokens in buf, room for */
	uint32_t *off;             /* per string: where its tokens start in buf */
	uint16_t *n;               /* per string: how many */
	size_t count, cap;
} strlist;

/* String k's tokens; moved by the next push to l. */
static inline uint16_t *list_str(const strlist *l, size_t k)
{
	return l->buf + l->off[k];
}

/* Most lookaheads in one pattern. */
#define MAX_AHEAD 16

typedef struct xparser {
	const char *p;
	size_t len, i;
	int depth;
	strlist ahead[MAX_AHEAD];  /* each lookahead's strings */
	size_t n_ahead;
	bool in_ahead;             /* one inside another is not modelled */
	size_t n_gap;              /* gaps numbered so far */
	bool fail;                 /* not modelled: the pattern keeps PCRE2 */
	bool nomem;
} xparser;

#define MAX_DEPTH 64
/* Most members of a class, expanded into as many strings. */
#define MAX_CLASS 16

static void list_free(strlist *l)
{
	free(l->buf);
	free(l->off);
	free(l->n);
	memset(l, 0, sizeof(*l));
}

/* Room in l->buf for at least need tokens. */
static bool list_reserve(xparser *xp, strlist *l, size_t need)
{
	if (l->buf && need <= l->cap_buf)
		return true;
	size_t cap = l->cap_buf ? l->cap_buf * 2 : 32;
	while (cap < need)
		cap *= 2;
	uint16_t *buf = realloc(l->buf, cap * sizeof(*buf));
	if (!buf) {
		xp->nomem = xp->fail = true;
		return false;
	}
	l->buf = buf;
	l->cap_buf = cap;
	return true;
}

/* Append a[0..na) followed by b[0..nb). */
static void list_push(xparser *xp, strlist *l, const uint16_t *a, size_t na, const uint16_t *b, size_t nb)
{
	if (xp->fail)
		return;
	if (l->count == EXACT_MAX_STRINGS || na + nb > EXACT_MAX_TOKENS) {
		xp->fail = true;
		return;
	}
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		uint32_t *off = realloc(l->off, cap * sizeof(*off));
		if (off)
			l->off = off;
		uint16_t *n = realloc(l->n, cap * sizeof(*n));
		if (n)
			l->n = n;
		if (!off || !n) {
			xp->nomem = xp->fail = true;
			return;
		}
		l->cap = cap;
	}
	/* a and b are never in l's own buffer, which this may move. Even an
	 * empty string gets a buffer: its tokens are read at buf + 0. */
	if (!list_reserve(xp, l, l->used + na + nb))
		return;
	uint16_t *t = l->buf + l->used;
	if (na)
		memcpy(t, a, na * sizeof(*t));
	if (nb)
		memcpy(t + na, b, nb * sizeof(*t));
	l->off[l->count] = (uint32_t)l->used;
	l->used += na + nb;
	l->n[l->count++] = (uint16_t)(na + nb);
}

static void list_append(xparser *xp, strlist *to, const strlist *from)
{
	for (size_t k = 0; k < from->count && !xp->fail; k++)
		list_push(xp, to, list_str(from, k), from->n[k], NULL, 0);
}

/* *l followed by b: for each string of l in turn, each of b, which is the
 * order a backtracking match tries them in. A build concatenates once an
 * atom, most often one string: l's strings then grow where they are, from
 * the last, with no new list (growing a new list push by push was a third
 * of a build's instructions); otherwise the new list is sized at once. */
static void list_concat(xparser *xp, strlist *l, const strlist *b)
{
	strlist out = { 0 };
	size_t count = l->count * b->count, used = l->used * b->count + b->used * l->count;
	size_t longest_l = 0, longest_b = 0;
	for (size_t i = 0; i < l->count; i++)
		longest_l = l->n[i] > longest_l ? l->n[i] : longest_l;
	for (size_t k = 0; k < b->count; k++)
		longest_b = b->n[k] > longest_b ? b->n[k] : longest_b;
	if (count > EXACT_MAX_STRINGS || longest_l + longest_b > EXACT_MAX_TOKENS)
		xp->fail = true;
	if (xp->fail || !count)
		goto out;
	if (b->count == 1) {
		size_t nb = b->n[0];
		if (!list_reserve(xp, l, used))
			goto out;
		/* String i moves right by i * nb; the strings before it end at
		 * or before where it lands. */
		for (size_t i = l->count; i-- > 0;) {
			uint16_t *t = l->buf + l->off[i] + i * nb;
			memmove(t, l->buf + l->off[i], l->n[i] * sizeof(*t));
			memcpy(t + l->n[i], list_str(b, 0), nb * sizeof(*t));
			l->off[i] += (uint32_t)(i * nb);
			l->n[i] = (uint16_t)(l->n[i] + nb);
		}
		l->used = used;
		return;
	}
	out.cap = count;
	out.cap_buf = used ? used : 1;
	out.buf = malloc(out.cap_buf * sizeof(*out.buf));
	out.off = malloc(count * sizeof(*out.off));
	out.n = malloc(count * sizeof(*out.n));
	if (!out.buf || !out.off || !out.n) {
		xp->nomem = xp->fail = true;
		list_free(&out);
		goto out;
	}
	for (size_t i = 0; i < l->count; i++) {
		for (size_t k = 0; k < b->count; k++) {
			uint16_t *t = out.buf + out.used;
			memcpy(t, list_str(l, i), l->n[i] * sizeof(*t));
			memcpy(t + l->n[i], list_str(b, k), b->n[k] * sizeof(*t));
			out.off[out.count] = (uint32_t)out.used;
			out.n[out.count++] = (uint16_t)(l->n[i] + b->n[k]);
			out.used += l->n[i] + b->n[k];
		}
	}
out:
	list_free(l);
	*l = out;
}

static bool is_ascii_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ascii_alnum(unsigned char c)
{
	return is_ascii_alpha(c) || (c >= '0' && c <= '9');
}


/* Characters with a meaning of their own outside a class. */
static bool is_meta(unsigned char c)
{
	return c == '\\' || c == '(' || c == ')' || c == '[' || c == '|' || c == '.' || c == '^' || c == '$' ||
	       c == '?' || c == '*' || c == '+' || c == '{';
}

static uint16_t char_token(unsigned char c, bool caseless)
{
	if (caseless && is_ascii_alpha(c))
		return TOK(K_FOLD, c | 0x20);
	return TOK(K_BYTE, c);
}

/* Bytes of a UTF-8 character at p[i] that caseless matching leaves alone
 * (general punctuation, the Latin-1 signs), or 0: a letter such as é
 * matches É too, which a byte comparison would miss. */
static size_t caseless_safe_char(const char *p, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)p;
	if (u[i] == 0xC2 && i + 1 < len && u[i + 1] >= 0xA0 && u[i + 1] <= 0xBF && u[i + 1] != 0xB5)
		return 2;
	/* U+2010..U+2027: dashes, quotation marks, the bullet, the ellipsis. */
	if (u[i] == 0xE2 && i + 2 < len && u[i + 1] == 0x80 && u[i + 2] >= 0x90 && u[i + 2] <= 0xA7)
		return 3;
	return 0;
}

static void parse_alternatives(xparser *xp, bool caseless, strlist *out);

/* One string of the given tokens. */
static void atom_of(xparser *xp, strlist *atom, const uint16_t *t, size_t n)
{
	list_push(xp, atom, t, n, NULL, 0);
}

static void parse_class(xparser *xp, bool caseless, strlist *atom)
{
	const char *p = xp->p;
	uint16_t members[MAX_CLASS];
	size_t n = 0;
	size_t i = xp->i + 1;
	if (i < xp->len && p[i] == '^') {
		xp->fail = true;
		return;
	}
	for (bool first = true; i < xp->len && (p[i] != ']' || first); first = false) {
		unsigned char lo = (unsigned char)p[i], hi;
		if (lo == '\\') {
			if (i + 1 >= xp->len || is_ascii_alnum((unsigned char)p[i + 1]) || (unsigned char)p[i + 1] >= 0x80)
				break;
			lo = (unsigned char)p[++i];
		} else if (lo >= 0x80 || lo == '[') {
			break;
		}
		i++;
		hi = lo;
		if (i + 1 < xp->len && p[i] == '-' && p[i + 1] != ']') {
			hi = (unsigned char)p[i + 1];
			if (hi < lo || hi >= 0x80 || hi == '\\' || hi == '[' || hi - lo >= MAX_CLASS)
				break;
			i += 2;
		}
		for (unsigned c = lo; c <= hi; c++) {
			uint16_t t = char_token((unsigned char)c, caseless);
			bool seen = false;
			for (size_t k = 0; k < n; k++)
				seen |= members[k] == t;
			if (seen)
				continue;
			if (n == MAX_CLASS) {
				xp->fail = true;
				return;
			}
			members[n++] = t;
		}
	}
	if (i >= xp->len || p[i] != ']' || !n) {
		xp->fail = true;
		return;
	}
	xp->i = i + 1;
	for (size_t k = 0; k < n; k++)
		atom_of(xp, atom, &members[k], 1);
}

/* (?=...) or (?!...) at xp->i: its strings kept apart, a token for it. */
static void parse_ahead(xparser *xp, bool caseless, bool negative, strlist *atom)
{
	if (xp->in_ahead || xp->n_ahead == MAX_AHEAD) {
		xp->fail = true;
		return;
	}
	size_t k = xp->n_ahead++;
	xp->in_ahead = true;
	xp->i += 3;
	parse_alternatives(xp, caseless, &xp->ahead[k]);
	xp->in_ahead = false;
	if (xp->fail || xp->i >= xp->len || xp->p[xp->i] != ')') {
		xp->fail = true;
		return;
	}
	xp->i++;
	uint16_t t = TOK(negative ? K_NOT_AHEAD : K_AHEAD, k);
	list_push(xp, atom, &t, 1, NULL, 0);
}

static void parse_group(xparser *xp, bool caseless, strlist *atom)
{
	const char *p = xp->p;
	size_t i = xp->i + 1;
	if (i < xp->len && p[i] == '?') {
		/* Only (?:...), (?-i:...), (?i:...) and lookaheads: lookbehinds,
		 * atomic and named groups, and options that change the rest are
		 * not modelled. */
		if (i + 1 < xp->len && (p[i + 1] == '=' || p[i + 1] == '!')) {
			parse_ahead(xp, caseless, p[i + 1] == '!', atom);
			return;
		}
		if (i + 1 < xp->len && p[i + 1] == ':') {
			i += 2;
		} else if (i + 3 < xp->len && !memcmp(p + i + 1, "-i:", 3)) {
			caseless = false;
			i += 4;
		} else if (i + 2 < xp->len && !memcmp(p + i + 1, "i:", 2)) {
			caseless = true;
			i += 3;
		} else {
			xp->fail = true;
			return;
		}
	} else if (i < xp->len && p[i] == '*') {
		xp->fail = true; /* a verb */
		return;
	}
	/* A plain group captures, which changes no match's extent: a pattern
	 * whose captures are read (a source) is not given to this at all. */
	if (++xp->depth > MAX_DEPTH) {
		xp->fail = true;
		return;
	}
	xp->i = i;
	parse_alternatives(xp, caseless, atom);
	xp->depth--;
	if (xp->fail || xp->i >= xp->len || p[xp->i] != ')') {
		xp->fail = true;
		return;
	}
	xp->i++;
}

/* Does a quantifier follow p[i]? */
static bool quantified(const xparser *xp, size_t i)
{
	return i < xp->len && (xp->p[i] == '?' || xp->p[i] == '*' || xp->p[i] == '+' || xp->p[i] == '{');
}

/* One item at xp->i into atom: a run of literal characters (but not the
 * last, if a quantifier follows it), a class, a group or an escape. */
static void parse_atom(xparser *xp, bool caseless, strlist *atom)
{
	const char *p = xp->p;
	unsigned char c = (unsigned char)p[xp->i];
	uint16_t run[EXACT_MAX_TOKENS];
	size_t n = 0;

	switch (c) {
	case '(':
		parse_group(xp, caseless, atom);
		return;
	case '[':
		parse_class(xp, caseless, atom);
		return;
	case '\\': {
		unsigned char e = xp->i + 1 < xp->len ? (unsigned char)p[xp->i + 1] : 0;
		uint16_t t;
		if (e == 'd') {
			/* A digit: ten strings, as a class is ("in (?:19|20)\d\d"). */
			for (unsigned d = '0'; d <= '9'; d++) {
				t = TOK(K_BYTE, d);
				atom_of(xp, atom, &t, 1);
			}
			xp->i += 2;
			return;
		}
		if (e == 's')
			t = TOK(K_WS, 0);
		else if (e == 'b')
			t = TOK(K_BOUND, 0);
		else if (e == 't')
			t = TOK(K_BYTE, '\t');
		else if (e == 'n')
			t = TOK(K_BYTE, '\n');
		else if (e == 'r')
			t = TOK(K_BYTE, '\r');
		else if (e == 'w' && xp->i + 2 < xp->len && (p[xp->i + 2] == '*' || p[xp->i + 2] == '+') &&
		         !(xp->i + 3 < xp->len && (p[xp->i + 3] == '?' || p[xp->i + 3] == '+'))) {
			t = TOK(K_WORDRUN, p[xp->i + 2] == '+');
			xp->i++; /* the quantifier, which the token holds */
		}
		else if (e && e < 0x80 && !is_ascii_alnum(e))
			t = TOK(K_BYTE, e);
		else {
			xp->fail = true;
			return;
		}
		xp->i += 2;
		atom_of(xp, atom, &t, 1);
		return;
	}
	case '.':
	case '^':
	case '$':
	case '?':
	case '*':
	case '+':
	case '{':
		xp->fail = true;
		return;
	default:
		break;
	}
	/* Literal characters, as many as run on unquantified. */
	size_t i = xp->i;
	while (i < xp->len && n < EXACT_MAX_TOKENS - 4) {
		c = (unsigned char)p[i];
		size_t w = c < 0x80 ? 1 : caseless_latin1_pair(p, i, xp->len) ? 2 : caseless_safe_char(p, xp->len, i);
		if (c >= 0x80 && !w) {
			xp->fail = true;
			return;
		}
		if (is_meta(c))
			break;
		if (n && quantified(xp, i + w))
			break; /* the quantifier takes this character alone */
		if (c >= 0x80 && w == 2 && caseless && caseless_latin1_pair(p, i, xp->len)) {
			run[n++] = TOK(K_BYTE, c);
			run[n++] = TOK(K_LATIN1, (unsigned char)p[i + 1] | 0x20);
		} else {
			for (size_t k = 0; k < w; k++)
				run[n++] = char_token((unsigned char)p[i + k], caseless);
		}
		i += w;
		if (quantified(xp, i))
			break;
	}
	if (!n) {
		xp->fail = true;
		return;
	}
	xp->i = i;
	atom_of(xp, atom, run, n);
}

/* A gap of words at xp->i, quantified: (?:C+\s+) with C one of \S, \w,
 * [\w-] and [^\s—–], then {0,k}?, {0,k}, ?? or ?, k at most GAP_MAX. Its
 * token in *tok and true; false, xp as it was, for anything else. */
static bool parse_gap(xparser *xp, uint16_t *tok)
{
	static const struct {
		const char *text;
		unsigned cls;
	} forms[] = {
		{ "(?:\\S+\\s+)", GAP_NONSPACE },
		{ "(?:\\w+\\s+)", GAP_WORD },
		{ "(?:[\\w-]+\\s+)", GAP_WORD_DASH },
		{ "(?:[^\\s\xE2\x80\x94\xE2\x80\x93]+\\s+)", GAP_NO_DASH },
		{ "(?:[^\\s\xE2\x80\x93\xE2\x80\x94]+\\s+)", GAP_NO_DASH },
	};
	const char *p = xp->p + xp->i;
	size_t left = xp->len - xp->i;
	for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
		size_t n = strlen(forms[f].text);
		if (left < n || memcmp(p, forms[f].text, n))
			continue;
		size_t i = n;
		unsigned k;
		bool lazy;
		if (i + 5 <= left && !memcmp(p + i, "{0,", 3) && p[i + 3] >= '1' && p[i + 3] <= '9') {
			size_t d = i + 3;
			for (k = 0; d < left && p[d] >= '0' && p[d] <= '9' && k <= GAP_MAX; d++)
				k = k * 10 + (unsigned)(p[d] - '0');
			if (k > GAP_MAX || d >= left || p[d] != '}')
				return false;
			i = d + 1;
		} else if (i < left && p[i] == '?') {
			k = 1;
			i++;
		} else {
			return false;
		}
		lazy = i < left && p[i] == '?';
		i += lazy;
		/* Possessive, or quantified again: not modelled. */
		if (i < left && (p[i] == '+' || quantified(xp, xp->i + i)))
			return false;
		if (xp->in_ahead || xp->n_gap == MAX_GAPS) {
			xp->fail = true;
			return false;
		}
		*tok = TOK(K_GAP + xp->n_gap++, k | (lazy ? GAP_LAZY : 0) | forms[f].cls << 4);
		xp->i += i;
		return true;
	}
	return false;
}

/* A sequence of quantified atoms, up to '|', ')' or the end. */
static void parse_sequence(xparser *xp, bool caseless, strlist *out)
{
	const char *p = xp->p;
	/* One list for every atom, emptied, not freed, after each. */
	strlist atom = { 0 };
	list_push(xp, out, NULL, 0, NULL, 0);
	for (; !xp->fail && xp->i < xp->len && p[xp->i] != '|' && p[xp->i] != ')'; atom.count = atom.used = 0) {
		uint16_t gap;
		if (p[xp->i] == '(' && parse_gap(xp, &gap)) {
			atom_of(xp, &atom, &gap, 1);
			if (!xp->fail)
				list_concat(xp, out, &atom);
			continue;
		}
		if (xp->fail)
			break;
		parse_atom(xp, caseless, &atom);
		if (!xp->fail && atom.count == 1 && atom.n[0] == 1 && KIND(list_str(&atom, 0)[0]) >= K_AHEAD &&
		    KIND(list_str(&atom, 0)[0]) <= K_NOT_AHEAD && quantified(xp, xp->i))
			xp->fail = true; /* a quantified lookahead */
		if (!xp->fail && xp->i < xp->len && p[xp->i] == '?') {
			bool lazy = xp->i + 1 < xp->len && p[xp->i + 1] == '?';
			xp->i += lazy ? 2 : 1;
			if (xp->i < xp->len && p[xp->i] == '+') {
				xp->fail = true; /* possessive */
			} else {
				/* Greedy: the atom's strings, then none; lazy the other way. */
				strlist opt = { 0 };
				if (lazy)
					list_push(xp, &opt, NULL, 0, NULL, 0);
				list_append(xp, &opt, &atom);
				if (!lazy)
					list_push(xp, &opt, NULL, 0, NULL, 0);
				list_free(&atom);
				atom = opt;
			}
		} else if (!xp->fail && xp->i < xp->len && p[xp->i] == '+') {
			/* \s+ alone: a run of whitespace, taken whole (checked later
			 * that nothing after it could take some back). */
			if (atom.count == 1 && atom.n[0] == 1 && list_str(&atom, 0)[0] == TOK(K_WS, 0) &&
			    !(xp->i + 1 < xp->len && p[xp->i + 1] == '?')) {
				list_str(&atom, 0)[0] = TOK(K_WSPLUS, 0);
				xp->i += xp->i + 1 < xp->len && p[xp->i + 1] == '+' ? 2 : 1;
			} else {
				xp->fail = true;
			}
		} else if (!xp->fail && quantified(xp, xp->i)) {
			xp->fail = true;
		}
		if (!xp->fail)
			list_concat(xp, out, &atom);
	}
	list_free(&atom);
}

static void parse_alternatives(xparser *xp, bool caseless, strlist *out)
{
	/* One list for every alternative; the first is moved into out, not
	 * copied (a group of one alternative is the common case). */
	strlist seq = { 0 };
	for (;;) {
		parse_sequence(xp, caseless, &seq);
		if (!out->count) {
			strlist empty = *out;
			*out = seq;
			seq = empty;
		} else {
			list_append(xp, out, &seq);
		}
		seq.count = seq.used = 0;
		if (xp->fail || xp->i >= xp->len || xp->p[xp->i] != '|')
			break;
		xp->i++;
	}
	list_free(&seq);
}

static bool zero_width(uint16_t t)
{
	return KIND(t) == K_AHEAD || KIND(t) == K_NOT_AHEAD || KIND(t) == K_BOUND;
}

static bool token_is_word(uint16_t t)
{
	return KIND(t) == K_FOLD || (KIND(t) == K_BYTE && caseless_word_byte(BYTE(t)));
}

static bool token_takes_space(uint16_t t)
{
	return KIND(t) == K_WS || KIND(t) == K_WSPLUS || (KIND(t) == K_BYTE && caseless_space_byte(BYTE(t)));
}

/* Resolve string t[0..*n)'s \b in place: between two tokens each holds or
 * not; at an end it says what the byte next to the match must be.
 * Lookaheads take no bytes, so a \b looks past them. 1 for a string kept,
 * 0 for one that can never match, -1 for one this does not model (a \b
 * with nothing but lookaheads around it: an empty match). */
static int resolve_bounds(uint16_t *t, uint16_t *n, uint8_t *before, uint8_t *after)
{
	size_t out = 0;
	*before = *after = ANY;
	for (size_t k = 0; k < *n; k++) {
		if (KIND(t[k]) != K_BOUND) {
			t[out++] = t[k];
			continue;
		}
		size_t l = out, r = k + 1;
		while (l > 0 && zero_width(t[l - 1]))
			l--;
		while (r < *n && zero_width(t[r]))
			r++;
		if (l == 0 && r == *n)
			return -1;
		/* Which side of a gap is a word depends on its count; of a word
		 * run, after one, the run's last byte or (\w* empty) the one
		 * before it. */
		if ((l > 0 && IS_GAP(t[l - 1])) || (r < *n && (IS_GAP(t[r]) || KIND(t[r]) == K_WORDRUN)))
			return -1;
		int left_word = l > 0 ? token_is_word(t[l - 1]) : 0;
		for (size_t q = l; q > 0 && KIND(t[q - 1]) == K_WORDRUN;) {
			left_word = 1;
			if (BYTE(t[q - 1]))
				break;
			/* \w*: a word either way only after a word byte. */
			q--;
			if (q == 0 || (KIND(t[q - 1]) != K_WORDRUN && !token_is_word(t[q - 1])))
				return -1;
		}
		if (l == 0) {
			uint8_t want = token_is_word(t[r]) ? NON_WORD : WORD;
			if (*before != ANY && *before != want)
				return 0;
			*before = want;
		} else if (r == *n) {
			uint8_t want = left_word ? NON_WORD : WORD;
			if (*after != ANY && *after != want)
				return 0;
			*after = want;
		} else if (left_word == token_is_word(t[r])) {
			return 0;
		}
	}
	*n = (uint16_t)out;
	return 1;
}

/* The trie while it is built: children and strings as linked lists. */
typedef struct bnode {
	uint16_t tok;
	uint32_t first, last, next;  /* children; 0 for none (the root is no one's child) */
	uint32_t acc_first, acc_last; /* strings ending here, + 1; 0 for none */
} bnode;

typedef struct bacc {
	xacc a;
	uint32_t next;               /* + 1; 0 for none */
} bacc;

typedef struct builder {
	bnode *node;
	size_t n_node, cap_node;     /* cap_node: the strings' tokens + 1, all there can be */
	bacc *acc;
	size_t n_acc;
	/* The last string inserted and the nodes along it: strings come in
	 * PCRE2's order, in which neighbours share most of their tokens, and
	 * those need no search (finding each token's node among its siblings
	 * was a tenth of a build). */
	const uint16_t *prev;
	size_t n_prev;
	uint32_t path[EXACT_MAX_TOKENS + 1];
} builder;

static uint32_t child_of(builder *b, uint32_t parent, uint16_t tok)
{
	for (uint32_t c = b->node[parent].first; c; c = b->node[c].next)
		if (b->node[c].tok == tok)
			return c;
	if (b->n_node == b->cap_node)
		return 0;
	uint32_t c = (uint32_t)b->n_node++;
	b->node[c] = (bnode){ .tok = tok };
	if (b->node[parent].last)
		b->node[b->node[parent].last].next = c;
	else
		b->node[parent].first = c;
	b->node[parent].last = c;
	return c;
}

static bool insert(builder *b, const uint16_t *tok, size_t n, xacc a)
{
	size_t k = 0;
	while (k < n && k < b->n_prev && tok[k] == b->prev[k])
		k++;
	for (; k < n; k++)
		if (!(b->path[k + 1] = child_of(b, b->path[k], tok[k])))
			return false;
	b->prev = tok;
	b->n_prev = n;
	uint32_t at = b->path[n];
	uint32_t id = (uint32_t)b->n_acc++;
	b->acc[id] = (bacc){ .a = a };
	if (b->node[at].acc_last)
		b->acc[b->node[at].acc_last - 1].next = id + 1;
	else
		b->node[at].acc_first = id + 1;
	b->node[at].acc_last = id + 1;
	return true;
}

static const unsigned char space_bytes[] = { '\t', '\n', '\v', '\f', '\r', ' ' };

/* The buckets a first token goes in: its byte folded, or every
 * whitespace byte. */
static size_t first_buckets(uint16_t t, unsigned char *b)
{
	if (KIND(t) == K_WS || KIND(t) == K_WSPLUS) {
		memcpy(b, space_bytes, sizeof(space_bytes));
		return sizeof(space_bytes);
	}
	unsigned char c = BYTE(t);
	b[0] = c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
	return 1;
}

/* A root with at most this many children is searched by its edges' keys,
 * as any node; a larger one by the bucket of the first byte. In a text
 * where the setting is rare the matchers are cold, and the 514 bytes of a
 * bucket table cost a miss more than they save. */
#define ROOT_SCAN 16

/* Round n up to a multiple of 8, for the arrays that share one block. */
static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* The built node where the edge into child c ends, and its tokens after
 * the first. */
static uint32_t edge_end(const builder *b, uint32_t c, size_t *n_rest)
{
	*n_rest = 0;
	while (b->node[c].first && b->node[c].first == b->node[c].last && !b->node[c].acc_first &&
	       !IS_GAP(b->node[b->node[c].first].tok)) {
		c = b->node[c].first;
		(*n_rest)++;
	}
	return c;
}

typedef struct layout {
	const builder *b;
	uint32_t *off;             /* per built node: its record's offset */
	uint16_t *min_pri;         /* per built node: the lowest priority at or below it */
	/* Per built node that starts an edge: the node the edge ends at and
	 * its tokens after the first (edge_end, asked once, not four times). */
	uint32_t *end;
	uint16_t *n_rest;
	bool *keyed;               /* per built node: its record has keys */
	size_t n;                  /* words placed */
	uint16_t *code;
	bool too_deep;
} layout;

/* Place node r's record and those below it, depth first; their min_pri. */
static uint16_t place(layout *L, uint32_t r, int depth)
{
	const builder *b = L->b;
	const bnode *bn = &b->node[r];
	unsigned m = UINT16_MAX;
	size_t size = 2;
	if (depth > EXACT_MAX_TOKENS) {
		L->too_deep = true;
		return 0;
	}
	L->off[r] = (uint32_t)L->n;
	for (uint32_t a = bn->acc_first; a; a = b->acc[a - 1].next) {
		size += 2;
		if (b->acc[a - 1].a.pri < m)
			m = b->acc[a - 1].a.pri;
	}
	size_t n_child = 0, edges = 0;
	for (uint32_t c = bn->first; c; c = b->node[c].next) {
		size_t n_rest;
		L->end[c] = edge_end(b, c, &n_rest);
		L->n_rest[c] = (uint16_t)n_rest;
		edges += E_REST + n_rest;
		n_child++;
	}
	/* Not a root of buckets (more than ROOT_SCAN); offsets are 16-bit. */
	L->keyed[r] = n_child >= KEYED_MIN && (r != 0 || n_child <= ROOT_SCAN) && edges <= UINT16_MAX;
	size += edges + (L->keyed[r] ? KEY_WORDS(n_child) + n_child : 0);
	L->n += size;
	for (uint32_t c = bn->first; c; c = b->node[c].next) {
		uint32_t e = L->end[c];
		uint16_t below = place(L, e, depth + 1);
		L->min_pri[e] = below;
		if (below < m)
			m = below;
	}
	return (uint16_t)m;
}

/* Write node r's record and those below it, where place() put them. */
static void fill(layout *L, uint32_t r)
{
	const builder *b = L->b;
	const bnode *bn = &b->node[r];
	uint16_t *w = L->code + L->off[r], *n_acc = w++;
	*n_acc = 0;
	for (uint32_t a = bn->acc_first; a; a = b->acc[a - 1].next) {
		const xacc *x = &b->acc[a - 1].a;
		*w++ = x->pri;
		*w++ = (uint16_t)(x->before | x->after << 8);
		(*n_acc)++;
	}
	uint16_t *n_child = w++;
	*n_child = 0;
	unsigned char *keys = NULL;
	uint16_t *rel = NULL, *first_edge = NULL;
	if (L->keyed[r]) {
		size_t n = 0;
		for (uint32_t c = bn->first; c; c = b->node[c].next)
			n++;
		keys = (unsigned char *)w;
		memset(keys, 0, KEY_WORDS(n) * sizeof(*w));
		rel = w + KEY_WORDS(n);
		first_edge = w = rel + n;
	}
	for (uint32_t c = bn->first; c; c = b->node[c].next) {
		uint32_t e = L->end[c];
		if (keys) {
			unsigned char bk[sizeof(space_bytes)];
			uint16_t tok = b->node[c].tok;
			first_buckets(tok, bk);
			keys[*n_child] = KIND(tok) == K_BYTE || KIND(tok) == K_FOLD ? bk[0] : 0;
			rel[*n_child] = (uint16_t)(w - first_edge);
		}
		w[E_TOK] = b->node[c].tok;
		w[E_NREST] = L->n_rest[c];
		w[E_MINPRI] = L->min_pri[e];
		w[E_LO] = (uint16_t)(L->off[e] & 0xFFFF);
		w[E_HI] = (uint16_t)(L->off[e] >> 16);
		uint16_t *rest = w + E_REST;
		for (uint32_t k = c; k != e;) {
			k = b->node[k].first;
			*rest++ = b->node[k].tok;
		}
		w = rest;
		(*n_child)++;
	}
	if (keys)
		*n_child |= KEYED;
	for (uint32_t c = bn->first; c; c = b->node[c].next)
		fill(L, L->end[c]);
}

/* The built trie as records (see struct exact), in one block with the
 * matcher and the root's buckets: separate allocations cost a miss each. */
static ps_status flatten(exact **out, const builder *b, uint32_t n_str)
{
	ps_status st = PS_OK;
	uint32_t count[256] = { 0 };
	unsigned char bk[sizeof(space_bytes)];
	size_t n_ids = 0;
	layout L = { .b = b };

	*out = NULL;
	L.off = malloc(b->n_node * sizeof(*L.off));
	L.min_pri = malloc(b->n_node * sizeof(*L.min_pri));
	L.end = malloc(b->n_node * sizeof(*L.end));
	L.n_rest = malloc(b->n_node * sizeof(*L.n_rest));
	L.keyed = malloc(b->n_node * sizeof(*L.keyed));
	if (!L.off || !L.min_pri || !L.end || !L.n_rest || !L.keyed) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	place(&L, 0, 0);
	/* Offsets are 32-bit; the strings' tokens bound the depth. */
	if (L.too_deep || L.n > UINT32_MAX) {
		st = PS_ERR_LIMIT;
		goto out;
	}
	size_t n_root = 0;
	for (uint32_t c = b->node[0].first; c; c = b->node[c].next)
		n_root++;
	bool buckets = n_root > ROOT_SCAN;
	for (uint32_t c = b->node[0].first; buckets && c; c = b->node[c].next) {
		size_t nb = first_buckets(b->node[c].tok, bk);
		for (size_t j = 0; j < nb; j++)
			count[bk[j]]++;
		n_ids += nb;
	}
	exact *x;
	size_t at_bucket = align8(sizeof(*x)), at_ids = at_bucket + (buckets ? align8(257 * sizeof(uint16_t)) : 0);
	size_t at_code = at_ids + align8(n_ids * sizeof(uint32_t));
	size_t size = at_code + align8(L.n * sizeof(uint16_t));
	char *mem = calloc(1, size);
	if (!mem) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	x = (exact *)(void *)mem;
	x->n_str = n_str;
	x->bucket = buckets ? (uint16_t *)(void *)(mem + at_bucket) : NULL;
	x->ids = buckets ? (uint32_t *)(void *)(mem + at_ids) : NULL;
	x->code = (uint16_t *)(void *)(mem + at_code);
	L.code = x->code;
	fill(&L, 0);
	/* A large root's edges, each in the buckets its first token can match
	 * (its byte folded, or every whitespace byte). */
	if (buckets) {
		for (unsigned c = 0; c < 256; c++)
			x->bucket[c + 1] = (uint16_t)(x->bucket[c] + count[c]);
		memset(count, 0, sizeof(count));
		uint32_t e = 1 + 2 * (uint32_t)x->code[0];
		uint16_t n_child = x->code[e++];
		for (uint16_t k = 0; k < n_child; k++) {
			size_t nb = first_buckets(x->code[e + E_TOK], bk);
			for (size_t j = 0; j < nb; j++)
				x->ids[x->bucket[bk[j]] + count[bk[j]]++] = e;
			e += E_REST + x->code[e + E_NREST];
		}
	}
	*out = x;
out:
	free(L.off);
	free(L.min_pri);
	free(L.end);
	free(L.n_rest);
	free(L.keyed);
	return st;
}

static ps_status assemble(exact **out, const strlist *l, const uint8_t *before, const uint8_t *after,
                          const bool *keep)
{
	ps_status st = PS_OK;
	builder b = { 0 };
	uint32_t n_str = 0;

	*out = NULL;
	size_t tokens = 1;
	for (size_t k = 0; k < l->count; k++)
		tokens += keep[k] ? l->n[k] : 0;
	b.cap_node = tokens;
	b.node = malloc(b.cap_node * sizeof(*b.node));
	b.acc = malloc((l->count ? l->count : 1) * sizeof(*b.acc));
	if (!b.node || !b.acc) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	b.node[0] = (bnode){ 0 };
	b.n_node = 1;
	for (size_t k = 0; k < l->count; k++) {
		if (!keep[k])
			continue;
		xacc a = { .pri = (uint16_t)n_str++, .before = before[k], .after = after[k] };
		if (!insert(&b, list_str(l, k), l->n[k], a)) {
			st = PS_ERR_NOMEM;
			goto out;
		}
	}
	st = flatten(out, &b, n_str);
out:
	free(b.node);
	free(b.acc);
	return st;
}

/* Is string t[0..n) one a match can be decided on byte by byte? */
static bool deterministic(const uint16_t *t, size_t n, bool gap_last)
{
	/* A lookahead, a gap or a word run first would need every byte's
	 * bucket. */
	if (n == 0 || zero_width(t[0]) || IS_GAP(t[0]) || KIND(t[0]) == K_WORDRUN)
		return false;
	/* A whitespace run must end where the next token starts, or a match
	 * could give some of it back (to a lookahead after it, too). */
	size_t gaps = 0;
	for (size_t j = 0; j < n; j++) {
		if (IS_GAP(t[j])) {
			/* A gap ends in a whole whitespace run: what follows must not
			 * take some back. A gap last is an empty match's tail (but
			 * where a split's suffix follows it), and more than two deep
			 * would nest the walk further. */
			if ((j + 1 == n && !gap_last) || ++gaps > 2)
				return false;
			if (j + 1 < n && (token_takes_space(t[j + 1]) || zero_width(t[j + 1]) || IS_GAP(t[j + 1])))
				return false;
			continue;
		}
		if (KIND(t[j]) == K_WORDRUN) {
			/* What follows a word run must be no word byte. */
			uint16_t nx = j + 1 < n ? t[j + 1] : TOK(K_WS, 0);
			if (!(KIND(nx) == K_WS || KIND(nx) == K_WSPLUS ||
			      (KIND(nx) == K_BYTE && !caseless_word_byte(BYTE(nx)))))
				return false;
			continue;
		}
		if (KIND(t[j]) != K_WSPLUS)
			continue;
		if (j + 1 < n && (token_takes_space(t[j + 1]) || zero_width(t[j + 1])))
			return false;
	}
	return true;
}

/* The matcher of the strings of l, NULL in *out when they are not all
 * modelled: the empty string matches everywhere, which is no list of
 * places. */
static ps_status finish(exact **out, strlist *l, bool gap_last)
{
	uint8_t *before = malloc(l->count ? l->count : 1);
	uint8_t *after = malloc(l->count ? l->count : 1);
	bool *keep = malloc((l->count ? l->count : 1) * sizeof(*keep));
	ps_status st = PS_OK;
	size_t kept = 0;

	*out = NULL;
	if (!before || !after || !keep) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	for (size_t k = 0; k < l->count; k++) {
		int r = resolve_bounds(list_str(l, k), &l->n[k], &before[k], &after[k]);
		if (r < 0)
			goto out;
		keep[k] = r == 1;
		if (!keep[k])
			continue;
		if (!deterministic(list_str(l, k), l->n[k], gap_last))
			goto out;
		kept++;
	}
	if (kept)
		st = assemble(out, l, before, after, keep);
out:
	free(before);
	free(after);
	free(keep);
	return st;
}

/* The matcher of pattern[0..len), not usable where it is not modelled;
 * with gap_last, its strings may end with a gap (build_split). */
static ps_status build_one(exact **out, const char *pattern, size_t len, bool gap_last)
{
	xparser xp = { .p = pattern, .len = len };
	strlist l = { 0 };
	exact *ahead[MAX_AHEAD] = { 0 };
	ps_status st = PS_OK;

	*out = NULL;
	parse_alternatives(&xp, true, &l);
	if (xp.nomem) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	/* A ')' with no group open, or a construct not modelled. */
	if (xp.fail || xp.i != len)
		goto out;
	for (size_t k = 0; k < xp.n_ahead; k++) {
		st = finish(&ahead[k], &xp.ahead[k], false);
		if (st != PS_OK || !ahead[k])
			goto out;
	}
	st = finish(out, &l, gap_last);
	if (st == PS_OK && *out && xp.n_ahead) {
		(*out)->ahead = malloc(xp.n_ahead * sizeof(*ahead));
		if (!(*out)->ahead) {
			st = PS_ERR_NOMEM;
			goto out;
		}
		memcpy((*out)->ahead, ahead, xp.n_ahead * sizeof(*ahead));
		(*out)->n_ahead = xp.n_ahead;
		memset(ahead, 0, sizeof(ahead));
	}
out:
	for (size_t k = 0; k < MAX_AHEAD; k++)
		exact_free(ahead[k]);
	for (size_t k = 0; k < xp.n_ahead; k++)
		list_free(&xp.ahead[k]);
	if (st != PS_OK) {
		exact_free(*out);
		*out = NULL;
	}
	if (st == PS_OK && !*out && !(*out = calloc(1, sizeof(**out))))
		st = PS_ERR_NOMEM;
	list_free(&l);
	return st;
}

/* Is pattern a sequence (one alternative, in one group or none) with a
 * gap of words at its top? The last such gap's end in *gap_end and the
 * sequence's in *seq_end; *wrapped when the sequence is in a group. */
static bool top_gap(const char *p, size_t len, size_t *gap_end, size_t *seq_end, bool *wrapped)
{
	size_t i = 0, end = len;
	bool found = false;
	if (!retext_plain(p, len))
		return false;
	*wrapped = len > 4 && !memcmp(p, "(?:", 3) && retext_group_end(p, 0, len) == len - 1;
	if (*wrapped) {
		i = 3;
		end = len - 1;
	}
	if (retext_alternative_end(p, i, end) != end)
		return false;
	while (i < end) {
		if (p[i] == '\\') {
			i += 2;
		} else if (p[i] == '[') {
			i = retext_class_end(p, i, end);
		} else if (p[i] == '(') {
			xparser xp = { .p = p, .len = end, .i = i };
			uint16_t tok;
			if (parse_gap(&xp, &tok)) {
				found = true;
				i = *gap_end = xp.i;
				continue;
			}
			if ((i = retext_group_end(p, i, end)) >= end)
				return false;
			i++;
		} else {
			i++;
		}
	}
	*seq_end = end;
	return found;
}

/* Does a string of x start with a token that may take whitespace? */
static bool first_takes_space(const exact *x)
{
	const uint16_t *e = x->code + 1 + 2 * x->code[0];
	unsigned n_child = *e++;
	if (n_child & KEYED) {
		n_child &= ~KEYED;
		e += KEY_WORDS(n_child) + n_child;
	}
	for (unsigned k = 0; k < n_child; k++, e += E_REST + e[E_NREST])
		if (token_takes_space(e[E_TOK]))
			return true;
	return false;
}

/* A pattern of many strings, PREFIX GAP SUFFIX at its top (a list of
 * verbs, a few words, a list of names: the product of the lists is more
 * strings than a matcher holds, and a \b after the gap depends on its
 * count), as two matchers: PREFIX GAP, each of whose strings must be
 * followed by SUFFIX's. PCRE2 tries the prefix's strings in turn, each
 * count of the gap in turn, the whole suffix at each count: the walk of
 * the gap's counts does the same, the suffix asked where a string ends.
 * The gap takes its last whitespace whole, so the suffix may not start
 * with whitespace (which PCRE2 could give back to it). */
static ps_status build_split(exact **out, const char *pattern, size_t len)
{
	size_t gap_end, seq_end;
	bool wrapped;
	char *prefix = NULL;
	exact *x = NULL, *suffix = NULL;
	ps_status st = PS_OK;

	*out = NULL;
	if (!top_gap(pattern, len, &gap_end, &seq_end, &wrapped) || gap_end == seq_end)
		goto out;
	st = build_one(&suffix, pattern + gap_end, seq_end - gap_end, false);
	if (st != PS_OK || !exact_usable(suffix) || first_takes_space(suffix))
		goto out;
	prefix = malloc(gap_end + 1);
	if (!prefix) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	memcpy(prefix, pattern, gap_end);
	prefix[gap_end] = ')';
	st = build_one(&x, prefix, gap_end + wrapped, true);
	if (st != PS_OK || !exact_usable(x))
		goto out;
	x->suffix = suffix;
	suffix = NULL;
	*out = x;
	x = NULL;
out:
	free(prefix);
	exact_free(x);
	exact_free(suffix);
	return st;
}

ps_status exact_build(exact **out, const char *pattern, size_t len)
{
	exact *split = NULL;
	ps_status st = build_one(out, pattern, len, false);
	if (st != PS_OK || exact_usable(*out))
		return st;
	st = build_split(&split, pattern, len);
	if (st != PS_OK || split) {
		exact_free(*out);
		*out = split;
	}
	return st;
}

void exact_free(exact *x)
{
	if (!x)
		return;
	for (size_t k = 0; k < x->n_ahead; k++)
		exact_free(x->ahead[k]);
	free(x->ahead);
	exact_free(x->suffix);
	free(x); /* and its arrays, in the same block */
}

bool exact_usable(const exact *x)
{
	return x && x->n_str;
}

/* ---- matching ---------------------------------------------------------- */

/* ASCII upper case to lower, every other byte as it is. */
static const unsigned char fold[256] = {
#define F(c) ((c) >= 'A' && (c) <= 'Z' ? (c) | 0x20 : (c))
#define F4(c) F(c), F(c + 1), F(c + 2), F(c + 3)
#define F16(c) F4(c), F4(c + 4), F4(c + 8), F4(c + 12)
#define F64(c) F16(c), F16(c + 16), F16(c + 32), F16(c + 48)
	F64(0), F64(64), F64(128), F64(192)
#undef F64
#undef F16
#undef F4
#undef F
};

static int trie_walk(const exact *x, const unsigned char *t, size_t len, size_t at, size_t *end);

/* Past token tok matched at t[i], or SIZE_MAX; *lost when a lookahead
 * could not be decided. */
static inline size_t step(const exact *x, uint16_t tok, const unsigned char *t, size_t i, size_t len, bool *lost)
{
	unsigned v = BYTE(tok), kind = KIND(tok);
	/* A byte, a letter either case, a Latin-1 letter's second byte: most
	 * tokens, one comparison (K_FOLD's and K_LATIN1's bytes are lower
	 * case letters, which | 0x20 maps both cases onto). */
	if (kind <= K_LATIN1)
		return i < len && (t[i] | (kind ? 0x20u : 0u)) == v ? i + 1 : SIZE_MAX;
	if (kind == K_AHEAD || kind == K_NOT_AHEAD) {
		size_t end;
		int seen = trie_walk(x->ahead[v], t, len, i, &end);
		*lost |= seen < 0;
		return (seen == 1) == (kind == K_AHEAD) ? i : SIZE_MAX;
	}
	if (kind == K_WORDRUN) {
		size_t j = i;
		while (j < len && caseless_word_byte(t[j]))
			j++;
		return j > i || !v ? j : SIZE_MAX;
	}
	if (i >= len || !caseless_space_byte(t[i]))
		return SIZE_MAX;
	if (kind == K_WS)
		return i + 1;
	while (i < len && caseless_space_byte(t[i])) /* K_WSPLUS */
		i++;
	return i;
}

/* A byte matches a few tokens among a node's children (itself, its folded
 * letter; or itself, \\s and \\s+) and any of its lookaheads: a walk's
 * stack holds a few entries a level, far fewer than this. */
#define STACK (4 * EXACT_MAX_TOKENS)

/* Bytes of the well-formed UTF-8 character at t[i] (i < len), or 0 (PCRE2
 * matches no item on an ill-formed one). */
static size_t utf8_char(const unsigned char *t, size_t i, size_t len)
{
	unsigned char c = t[i];
	if (c < 0x80)
		return 1;
	size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	if (!n || i + n > len)
		return 0;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (t[i + 1] < lo || t[i + 1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if (t[i + k] < 0x80 || t[i + k] > 0xBF)
			return 0;
	return n;
}

/* Past one word of gap token tok's from t[i] (a run of its class, then a
 * whole whitespace run), or SIZE_MAX where none is; *lost where a byte is
 * not well-formed UTF-8 (left to PCRE2). */
static size_t gap_word(uint16_t tok, const unsigned char *t, size_t i, size_t len, bool *lost)
{
	unsigned cls = GAP_CLASS(BYTE(tok));
	size_t j = i;
	while (j < len) {
		unsigned char c = t[j];
		if (cls == GAP_WORD || cls == GAP_WORD_DASH) {
			if (!caseless_word_byte(c) && !(cls == GAP_WORD_DASH && c == '-'))
				break;
			j++;
			continue;
		}
		if (caseless_space_byte(c))
			break;
		size_t w = utf8_char(t, j, len);
		if (!w) {
			*lost = true;
			return SIZE_MAX;
		}
		if (cls == GAP_NO_DASH && w == 3 && c == 0xE2 && t[j + 1] == 0x80 && (t[j + 2] == 0x93 || t[j + 2] == 0x94))
			break;
		j += w;
	}
	/* A word, then the whitespace that must follow it. */
	if (j == i || j == len || !caseless_space_byte(t[j]))
		return SIZE_MAX;
	while (j < len && caseless_space_byte(t[j]))
		j++;
	return j;
}

static int walk_from(const exact *x, const unsigned char *t, size_t len, uint32_t off0, size_t at, bool prev_word,
                     unsigned *best_pri, size_t *best_at);

/* A gap's edge from t[i]: count by count, in the order the gap's
 * quantifier takes them, the first count at which a string below it
 * matches decides (PCRE2 tries the whole group after the gap at one count
 * before the next). The strings through one gap are consecutive in
 * priority and those elsewhere are not among them, so any match below
 * beats *best_pri once the edge's min_pri does. -1 where it cannot tell. */
static int walk_gap(const exact *x, const uint16_t *edge, const unsigned char *t, size_t i, size_t len,
                    bool prev_word, unsigned *best_pri, size_t *best_at, bool *lost)
{
	uint16_t tok = edge[E_TOK];
	unsigned k = BYTE(tok) & GAP_MAX;
	bool lazy = BYTE(tok) & GAP_LAZY;
	uint32_t child = edge[E_LO] | (uint32_t)edge[E_HI] << 16;
	/* Where each count's words end: a greedy gap's all first, to be tried
	 * from the most; a lazy one's as it goes (most match at count 0). */
	size_t ends[GAP_MAX + 1];
	size_t n = 1;
	ends[0] = i;
	while (!lazy && n <= k && (ends[n] = gap_word(tok, t, ends[n - 1], len, lost)) != SIZE_MAX)
		n++;
	for (size_t q = 0; !*lost; q++) {
		size_t j = lazy ? ends[q] : ends[n - 1 - q];
		for (unsigned r = 0; r < edge[E_NREST] && j != SIZE_MAX; r++)
			j = step(x, edge[E_REST + r], t, j, len, lost);
		if (j != SIZE_MAX && !*lost) {
			unsigned pri = *best_pri;
			size_t end = 0;
			if (walk_from(x, t, len, child, j, prev_word, &pri, &end) < 0)
				return -1;
			if (pri < *best_pri) {
				*best_pri = pri;
				*best_at = end;
				return 0;
			}
		}
		if (!lazy) {
			if (q + 1 == n)
				break;
		} else if (q == k || (ends[q + 1] = gap_word(tok, t, ends[q], len, lost)) == SIZE_MAX) {
			break;
		}
	}
	return 0;
}

/* The walk's stack: a node to visit, where in the text, and the lowest
 * priority below it. */
typedef struct wentry {
	uint32_t off;
	uint32_t i;
	unsigned min_pri;
} wentry;

/* Follow one edge from t[i]: a gap's counts at once, any other edge onto
 * the stack where the text matches its tokens. -1 where the walk cannot
 * tell. */
static inline int walk_edge(const exact *x, const uint16_t *edge, const unsigned char *t, size_t i, size_t len,
                            bool prev_word, unsigned *best, size_t *best_end, bool *lost, wentry *stack, size_t *sp)
{
	if (edge[E_MINPRI] >= *best)
		return 0;
	if (IS_GAP(edge[E_TOK]))
		return walk_gap(x, edge, t, i, len, prev_word, best, best_end, lost);
	size_t j = step(x, edge[E_TOK], t, i, len, lost);
	for (unsigned q = 0; q < edge[E_NREST] && j != SIZE_MAX; q++)
		j = step(x, edge[E_REST + q], t, j, len, lost);
	if (j == SIZE_MAX)
		return 0;
	if (*sp == STACK)
		return -1;
	stack[*sp].off = edge[E_LO] | (uint32_t)edge[E_HI] << 16;
	stack[*sp].min_pri = edge[E_MINPRI];
	stack[(*sp)++].i = (uint32_t)j;
	return 0;
}

/* A node's strings: the first whose neighbours fit, if below *best; with
 * a suffix (build_split), only where the suffix matches at i, and the
 * match ends where it does. */
static inline void walk_accept(const exact *x, const uint16_t *acc, unsigned n_acc, const unsigned char *t, size_t i,
                               size_t len, bool prev_word, unsigned *best, size_t *best_end, bool *lost)
{
	for (unsigned a = 0; a < n_acc && acc[2 * a] < *best; a++) {
		unsigned before = acc[2 * a + 1] & 0xFF, after = acc[2 * a + 1] >> 8;
		if (before != ANY && (before == WORD) != prev_word)
			continue;
		if (after != ANY && (after == WORD) != (i < len && caseless_word_byte(t[i])))
			continue;
		size_t end = i;
		if (x->suffix) {
			/* The same at i for every string here: one answer. */
			int rc = trie_walk(x->suffix, t, len, i, &end);
			*lost |= rc < 0;
			if (rc != 1)
				return;
		}
		*best = acc[2 * a];
		*best_end = end;
		return;
	}
}

/* The walk below node off0 from t[at]: every path the text follows; the
 * string of lowest priority whose neighbours fit, if below *best_pri, is
 * the one PCRE2 returns (into *best_pri, *best_at). -1 where it cannot
 * tell (a lookahead, a stack this does not hold). */
static int walk_from(const exact *x, const unsigned char *t, size_t len, uint32_t off0, size_t at, bool prev_word,
                     unsigned *best_pri, size_t *best_at)
{
	wentry stack[STACK];
	size_t sp = 0;
	unsigned best = *best_pri;
	size_t best_end = *best_at;
	bool lost = false;

	if (off0 == 0 && x->bucket) {
		/* A large root: only the edges its bucket has for the first byte. */
		walk_accept(x, x->code + 1, x->code[0], t, at, len, prev_word, &best, &best_end, &lost);
		unsigned b = at < len ? fold[t[at]] : 256;
		for (uint32_t k = b < 256 ? x->bucket[b] : 0, hi = b < 256 ? x->bucket[b + 1] : 0; k < hi && !lost; k++)
			if (walk_edge(x, x->code + x->ids[k], t, at, len, prev_word, &best, &best_end, &lost, stack, &sp) < 0)
				return -1;
	} else {
		stack[sp].off = off0;
		stack[sp].min_pri = 0;
		stack[sp++].i = (uint32_t)at;
	}
	while (sp && !lost) {
		sp--;
		uint32_t off = stack[sp].off;
		size_t i = stack[sp].i;
		if (stack[sp].min_pri >= best)
			continue;
		const uint16_t *r = x->code + off;
		unsigned n_acc = r[0];
		walk_accept(x, r + 1, n_acc, t, i, len, prev_word, &best, &best_end, &lost);
		const uint16_t *e = r + 1 + 2 * n_acc;
		unsigned n_child = *e++;
		if (n_child & KEYED) {
			n_child &= ~KEYED;
			const unsigned char *keys = (const unsigned char *)e;
			const uint16_t *rel = e + KEY_WORDS(n_child), *first_edge = rel + n_child;
			/* Past the end, only the keys 0. */
			__m128i want = _mm_set1_epi8((char)(i < len ? fold[t[i]] : 0)), none = _mm_setzero_si128();
			for (unsigned c0 = 0; c0 < n_child && !lost; c0 += 16) {
				__m128i k16 = _mm_loadu_si128((const __m128i *)(const void *)(keys + c0));
				unsigned hits = (unsigned)_mm_movemask_epi8(
					_mm_or_si128(_mm_cmpeq_epi8(k16, want), _mm_cmpeq_epi8(k16, none)));
				if (n_child - c0 < 16)
					hits &= (1u << (n_child - c0)) - 1;
				for (; hits && !lost; hits &= hits - 1)
					if (walk_edge(x, first_edge + rel[c0 + (unsigned)__builtin_ctz(hits)], t, i, len, prev_word,
					              &best, &best_end, &lost, stack, &sp) < 0)
						return -1;
			}
			continue;
		}
		for (unsigned k = 0; k < n_child && !lost; k++) {
			const uint16_t *edge = e;
			e += E_REST + edge[E_NREST];
			if (walk_edge(x, edge, t, i, len, prev_word, &best, &best_end, &lost, stack, &sp) < 0)
				return -1;
		}
	}
	if (lost)
		return -1;
	*best_pri = best;
	*best_at = best_end;
	return 0;
}

/* exact_match(), or -1 where it cannot tell. Named apart from the
 * prefilter's walk, for profiles. */
static int trie_walk(const exact *x, const unsigned char *t, size_t len, size_t at, size_t *end)
{
	if (at >= len)
		return 0;
	unsigned best = UINT16_MAX;
	size_t best_end = 0;
	if (walk_from(x, t, len, 0, at, at > 0 && caseless_word_byte(t[at - 1]), &best, &best_end) < 0)
		return -1;
	if (best == UINT16_MAX)
		return 0;
	*end = best_end;
	return 1;
}

int exact_match(const exact *x, const char *s, size_t len, size_t at, size_t *end)
{
	return trie_walk(x, (const unsigned char *)s, len, at, end);
}

/* How token tok meets byte w[k] (folded) of a leading word w[0..n): the
 * one way on whatever the text's case or kind of whitespace there; the
 * one way on if the text has a plain space there, as the word does (a
 * pattern's own space matches nothing else); no way; or a choice the
 * text's own bytes decide (a letter of one case, a token that may take
 * no byte). */
enum { MEET_TAKES, MEET_TAKES_SPACE, MEET_MISSES, MEET_DEPENDS };

static int meet(uint16_t tok, const unsigned char *w, size_t k, size_t n)
{
	unsigned char c = w[k];
	unsigned kind = KIND(tok), v = BYTE(tok);
	bool space = caseless_space_byte(c), letter = c >= 'a' && c <= 'z';
	switch (kind) {
	case K_FOLD:
		return letter && v == c ? MEET_TAKES : MEET_MISSES;
	case K_BYTE:
		if (letter)
			return (v | 0x20) == c ? MEET_DEPENDS : MEET_MISSES;
		if (space && v == ' ' && c == ' ')
			return MEET_TAKES_SPACE;
		if (space)
			return caseless_space_byte((unsigned char)v) ? MEET_DEPENDS : MEET_MISSES;
		return v == c ? MEET_TAKES : MEET_MISSES;
	case K_LATIN1:
		return MEET_MISSES; /* its byte is past ASCII; c is not */
	case K_WS:
		return space ? MEET_TAKES : MEET_MISSES;
	case K_WSPLUS:
		/* One byte of whitespace where the word goes on after it. */
		if (!space)
			return MEET_MISSES;
		return k + 1 < n && !caseless_space_byte(w[k + 1]) ? MEET_TAKES : MEET_DEPENDS;
	default:
		return MEET_DEPENDS; /* lookaheads, \w*, gaps: they may take no byte */
	}
}

void exact_descend(exact_jump *out, const exact *x, const char *word, size_t n)
{
	unsigned char w[EXACT_DESCEND_MAX];
	uint32_t sp = 0;
	size_t k = 0;
	*out = (exact_jump){ 0 };
	if (n > sizeof w)
		n = sizeof w;
	for (size_t i = 0; i < n; i++) {
		/* Past ASCII, a letter's other case is another byte. */
		if ((unsigned char)word[i] >= 0x80) {
			n = i;
			break;
		}
		w[i] = fold[(unsigned char)word[i]];
	}
	uint32_t off = 0;
	while (k < n) {
		const uint16_t *r = x->code + off;
		/* A string that ends here is for the walk to weigh. */
		if (k > 0 && r[0])
			break;
		const uint16_t *e = r + 1 + 2 * r[0];
		unsigned n_child = *e++;
		if (n_child & KEYED) {
			n_child &= ~KEYED;
			e += KEY_WORDS(n_child) + n_child;
		}
		const uint16_t *way = NULL;
		bool choice = false;
		for (unsigned c = 0; c < n_child && !choice; c++, e += E_REST + e[E_NREST]) {
			int m = meet(e[E_TOK], w, k, n);
			if (m == MEET_DEPENDS || (m != MEET_MISSES && way))
				choice = true;
			else if (m != MEET_MISSES)
				way = e;
		}
		if (choice || !way)
			break;
		/* The edge's tokens, each one byte of the word, as far as the
		 * word goes: a walk may start inside the edge. */
		unsigned q = 0;
		for (; q <= way[E_NREST] && k < n; q++, k++) {
			int m = meet(q ? way[E_REST + q - 1] : way[E_TOK], w, k, n);
			if (m == MEET_TAKES_SPACE)
				sp |= UINT32_C(1) << k;
			else if (m != MEET_TAKES)
				break;
		}
		if (q <= way[E_NREST]) {
			if (q) {
				out->at = (uint32_t)(way - x->code);
				out->tokens = (uint8_t)q;
				out->used = (uint8_t)k;
				out->spaces = (uint16_t)sp;
			}
			return;
		}
		off = way[E_LO] | (uint32_t)way[E_HI] << 16;
		out->at = off;
		out->used = (uint8_t)k;
		out->spaces = (uint16_t)sp;
	}
}

int exact_match_from(const exact *x, const char *s, size_t len, size_t at, const exact_jump *j, size_t *end)
{
	const unsigned char *t = (const unsigned char *)s;
	if (!j->used)
		return trie_walk(x, t, len, at, end);
	uint32_t node = j->at;
	size_t i = at + j->used;
	if (j->tokens) {
		/* Inside an edge: its other tokens from here, then its node. */
		const uint16_t *edge = x->code + j->at;
		bool lost = false;
		for (unsigned q = j->tokens; q <= edge[E_NREST] && i != SIZE_MAX; q++)
			i = step(x, edge[E_REST + q - 1], t, i, len, &lost);
		if (lost)
			return -1;
		if (i == SIZE_MAX)
			return 0;
		node = edge[E_LO] | (uint32_t)edge[E_HI] << 16;
	}
	unsigned best = UINT16_MAX;
	size_t best_end = 0;
	if (walk_from(x, t, len, node, i, at > 0 && caseless_word_byte(t[at - 1]), &best, &best_end) < 0)
		return -1;
	if (best == UINT16_MAX)
		return 0;
	*end = best_end;
	return 1;
}
