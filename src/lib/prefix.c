#include "prefix_int.h"

#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "caseless_int.h"
#include "hash_int.h"
#include "retext_int.h"

/* Words are collected here while parsing; their bytes go to the arena at
 * once (a pattern that turns out to have no usable words leaves some
 * there unused), the lists are grown here. */
typedef struct words {
	const char **str;
	size_t *len;
	bool *word_start;     /* see prefix_set */
	size_t count, cap;
	/* Which words are there, by hash: open addressing over index + 1,
	 * twice the room of the lists. A lexicon of hundreds of words
	 * compared each to all before it cost more than the rest of the
	 * parse. */
	uint32_t *seen;
	arena *a;
} words;

typedef struct parser {
	const char *p;
	size_t len;
	size_t i;
	bool fail;            /* the pattern has no usable leading words */
	bool nomem;
	words *out;
	int depth;
} parser;

/* Nesting deeper than this is not analysed (the pattern keeps a full search). */
#define MAX_DEPTH 64
/* Bytes kept of a word: the prefilter's automaton holds only the first 8
 * of any (LITERAL_PREFIX), so a longer one is cut here, where any start
 * of a leading word leads too, and a word is one 64-bit number. */
#define MAX_WORD 8
/* Most words an alternative carries on to what follows it: a class or an
 * optional letter multiplies them. More are not made: the words end where
 * they are, which is where their bytes stop being sure. */
#define MAX_OPEN 64
/* Most members of a class, in the pieces that extend the words. */
#define MAX_MEMBERS 16

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The slot of o->seen where w[0..n) is, or, when it is not there, the
 * empty one it would take. o->cap must not be 0. */
static size_t slot_of(const words *o, const char *w, size_t n)
{
	size_t mask = 2 * o->cap - 1, at = (size_t)hash_bytes(w, n) & mask;
	for (; o->seen[at]; at = (at + 1) & mask) {
		size_t k = o->seen[at] - 1;
		if (o->len[k] == n && !memcmp(o->str[k], w, n))
			break;
	}
	return at;
}

/* Add w[0..n); word_start when the match it leads starts at a \b. */
static void add_word(parser *ps, const char *w, size_t n, bool word_start)
{
	words *o = ps->out;
	if (o->cap && o->seen[slot_of(o, w, n)]) {
		/* Led to from elsewhere without a \b, it may start anywhere. */
		o->word_start[o->seen[slot_of(o, w, n)] - 1] &= word_start;
		return;
	}
	if (o->count == PREFIX_MAX_WORDS) {
		ps->fail = true;
		return;
	}
	if (o->count == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		const char **str = realloc(o->str, cap * sizeof(*str));
		if (str)
			o->str = str;
		size_t *len = realloc(o->len, cap * sizeof(*len));
		if (len)
			o->len = len;
		bool *ws = realloc(o->word_start, cap * sizeof(*ws));
		if (ws)
			o->word_start = ws;
		uint32_t *seen = calloc(2 * cap, sizeof(*seen));
		if (!str || !len || !ws || !seen) {
			free(seen);
			ps->nomem = ps->fail = true;
			return;
		}
		free(o->seen);
		o->seen = seen;
		o->cap = cap;
		for (size_t k = 0; k < o->count; k++)
			seen[slot_of(o, o->str[k], o->len[k])] = (uint32_t)k + 1;
	}
	const char *copy = arena_strndup(o->a, w, n);
	if (!copy) {
		ps->nomem = ps->fail = true;
		return;
	}
	o->seen[slot_of(o, w, n)] = (uint32_t)o->count + 1;
	o->str[o->count] = copy;
	o->word_start[o->count] = word_start;
	o->len[o->count++] = n;
}

/* A class at p[i] == '[' of ASCII letters, digits and spaces, and a
 * hyphen first or last (elsewhere it makes a range), with no negation or
 * escape: its members, lower case and distinct, and the offset past it; 0
 * for any other class. */
static size_t simple_class(const char *p, size_t i, size_t len, char *members, size_t *n)
{
	*n = 0;
	for (size_t k = i + 1; k < len; k++) {
		unsigned char c = (unsigned char)p[k];
		if (c == ']')
			return *n ? k + 1 : 0;
		bool hyphen = c == '-' && (k == i + 1 || (k + 1 < len && p[k + 1] == ']'));
		if (!is_alnum(c) && c != ' ' && !hyphen)
			return 0;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!memchr(members, c, *n)) {
			if (*n == MAX_MEMBERS)
				return 0;
			members[(*n)++] = (char)c;
		}
	}
	return 0;
}

typedef enum group_kind { GROUP, ZERO_WIDTH, UNKNOWN } group_kind;

/* What the group opening at p[i] == '(' is; *inner is where its
 * alternatives start. */
static group_kind group_at(const char *p, size_t i, size_t len, size_t *inner)
{
	if (i + 1 >= len || p[i + 1] != '?') {
		if (i + 1 < len && p[i + 1] == '*')
			return UNKNOWN; /* a verb */
		*inner = i + 1;
		return GROUP;
	}
	size_t k = i + 2;
	if (k >= len)
		return UNKNOWN;
	switch (p[k]) {
	case ':':
	case '|':
	case '>':
		*inner = k + 1;
		return GROUP;
	case '=':
	case '!':
		*inner = k + 1;
		return ZERO_WIDTH;
	case '#':
		return UNKNOWN; /* a comment ends at the first ')', which skipping would not see */
	case '<':
		if (k + 1 < len && (p[k + 1] == '=' || p[k + 1] == '!')) {
			*inner = k + 2;
			return ZERO_WIDTH;
		}
		break;
	case 'P':
		if (k + 1 < len && p[k + 1] == '<') {
			k++;
			break;
		}
		return UNKNOWN;
	case '\'':
		break;
	default: {
		/* Flags, then ':' for a group; extended mode changes what a space
		 * means, and a bare "(?i)" changes the rest: neither is modelled. */
		size_t f = k;
		while (f < len && (p[f] == 'i' || p[f] == 'm' || p[f] == 's' || p[f] == 'n' || p[f] == 'J' ||
		                   p[f] == 'U' || p[f] == '-' || p[f] == '^'))
			f++;
		if (f > k && f < len && p[f] == ':') {
			*inner = f + 1;
			return GROUP;
		}
		return UNKNOWN;
	}
	}
	/* A named group: (?<name>, (?P<name>, (?'name'. */
	char close = p[k] == '\'' ? '\'' : '>';
	const char *end = memchr(p + k + 1, close, len - k - 1);
	if (!end)
		return UNKNOWN;
	*inner = (size_t)(end - p) + 1;
	return GROUP;
}

/* The words a match may start with so far, each still going on with what
 * the pattern holds next. */
typedef struct open_words {
	uint64_t w[MAX_OPEN]; /* byte k of a word in bits 8k..8k+7 */
	uint8_t n[MAX_OPEN];
	bool b[MAX_OPEN];     /* a \b stands before the word's first byte */
	size_t count;         /* 0: every word has ended (or none is usable) */
} open_words;

/* What extends each open word by one piece: a byte, or one of a class's
 * members, or a character's forms in both cases. */
typedef struct piece {
	char s[MAX_MEMBERS][4];
	uint8_t n[MAX_MEMBERS];
	size_t count;
} piece;

static void open_copy(open_words *to, const open_words *from)
{
	memcpy(to->w, from->w, from->count * sizeof(*to->w));
	memcpy(to->n, from->n, from->count);
	memcpy(to->b, from->b, from->count * sizeof(*to->b));
	to->count = from->count;
}

/* Word w of n bytes followed by s[0..len), cut to MAX_WORD. */
static uint64_t append(uint64_t w, size_t *n, const char *s, size_t len)
{
	for (size_t k = 0; k < len && *n < MAX_WORD; k++, (*n)++)
		w |= (uint64_t)(unsigned char)s[k] << (8 * *n);
	return w;
}

/* Add a word; false when o is full. Not looked for first: the
 * alternatives of a group are nearly always distinct, and a word twice
 * costs a place; the leading words are distinct (add_word). */
static bool open_add(open_words *o, uint64_t w, size_t n, bool b)
{
	if (o->count == MAX_OPEN)
		return false;
	o->w[o->count] = w;
	o->b[o->count] = b;
	o->n[o->count++] = (uint8_t)n;
	return true;
}

static bool open_union(open_words *o, const open_words *more)
{
	for (size_t k = 0; k < more->count; k++)
		if (!open_add(o, more->w[k], more->n[k], more->b[k]))
			return false;
	return true;
}

/* Each word followed by each of the piece's strings, and as it was too
 * when the piece is optional. False, o unchanged, when they are too many. */
static bool open_cross(open_words *o, const piece *pc, bool optional)
{
	if (pc->count == 1 && !optional) {
		/* A plain byte or character, the common case: each word in place. */
		for (size_t k = 0; k < o->count; k++) {
			size_t n = o->n[k];
			o->w[k] = append(o->w[k], &n, pc->s[0], pc->n[0]);
			o->n[k] = (uint8_t)n;
		}
		return true;
	}
	open_words r;
	r.count = 0;
	for (size_t k = 0; k < o->count; k++) {
		if (optional && !open_add(&r, o->w[k], o->n[k], o->b[k]))
			return false;
		for (size_t m = 0; m < pc->count; m++) {
			size_t n = o->n[k];
			uint64_t w = append(o->w[k], &n, pc->s[m], pc->n[m]);
			if (!open_add(&r, w, n, o->b[k]))
				return false;
		}
	}
	open_copy(o, &r);
	return true;
}

/* The words end here: each is a leading word, and one too short to be
 * worth it leaves the pattern without any. */
static void close_all(parser *ps, open_words *o)
{
	for (size_t k = 0; k < o->count && !ps->fail; k++) {
		char w[MAX_WORD];
		for (size_t b = 0; b < o->n[k]; b++)
			w[b] = (char)(o->w[k] >> (8 * b));
		if (o->n[k] < PREFIX_MIN_LEN)
			ps->fail = true;
		else
			add_word(ps, w, o->n[k], o->b[k] && caseless_word_byte((unsigned char)w[0]));
	}
	o->count = 0;
}

static void parse_alternation(parser *ps, const open_words *in, open_words *out);

/* If p[i] starts a quantifier that allows zero repetitions ("?", "*",
 * "{0,n}", with a lazy or possessive mark), the offset past it; i itself
 * when there is none or it requires one or more; SIZE_MAX when it is not
 * understood. */
static size_t optional_quantifier(const char *p, size_t i, size_t len)
{
	size_t k = i;
	if (i >= len)
		return i;
	if (p[i] == '?' || p[i] == '*') {
		k = i + 1;
	} else if (p[i] == '{') {
		size_t m = 0, d = i + 1;
		while (d < len && p[d] >= '0' && p[d] <= '9' && m < 100000)
			m = m * 10 + (size_t)(p[d++] - '0');
		if (d == i + 1)
			return SIZE_MAX;
		while (d < len && ((p[d] >= '0' && p[d] <= '9') || p[d] == ','))
			d++;
		if (d >= len || p[d] != '}')
			return SIZE_MAX;
		if (m > 0)
			return i;
		k = d + 1;
	} else {
		return i;
	}
	if (k < len && (p[k] == '?' || p[k] == '+'))
		k++;
	return k;
}

/* Past a group opening at ps->i whose contents are only skipped. */
static void skip_group(parser *ps, size_t inner)
{
	ps->i = inner;
	ps->i = retext_alternative_end(ps->p, ps->i, ps->len);
	while (ps->i < ps->len && ps->p[ps->i] == '|')
		ps->i = retext_alternative_end(ps->p, ps->i + 1, ps->len);
	if (ps->i >= ps->len)
		ps->fail = true;
	else
		ps->i++;
}

/* A group at ps->i == '(' after the words o: o becomes the words that go
 * on past it. False when the pattern is not modelled (ps->fail). */
static bool parse_group(parser *ps, open_words *o)
{
	const char *p = ps->p;
	size_t inner = 0;
	group_kind kind = group_at(p, ps->i, ps->len, &inner);
	if (kind == UNKNOWN || ps->depth + 1 > MAX_DEPTH) {
		ps->fail = true;
		return false;
	}
	if (kind == ZERO_WIDTH) {
		skip_group(ps, inner);
		return !ps->fail;
	}
	open_words sub;
	ps->depth++;
	ps->i = inner;
	parse_alternation(ps, o, &sub);
	ps->depth--;
	if (ps->fail || ps->i >= ps->len || p[ps->i] != ')') {
		ps->fail = true;
		return false;
	}
	ps->i++;
	size_t after = optional_quantifier(p, ps->i, ps->len);
	unsigned char q = ps->i < ps->len ? (unsigned char)p[ps->i] : 0;
	if (after == SIZE_MAX) {
		ps->fail = true;
		return false;
	}
	if (after > ps->i) {
		/* It may be absent: the words go on without it. Once at most
		 * ("?"), also through it; "(?:re)?impos" leads with reimpos and
		 * impos, not re. Repeated, its words end there. */
		ps->i = after;
		if (q != '?' || !open_union(o, &sub))
			close_all(ps, &sub);
		return !ps->fail;
	}
	if (q == '+' || q == '{') {
		/* Once or more: what follows may be the group again. */
		close_all(ps, &sub);
		o->count = 0;
		return !ps->fail;
	}
	open_copy(o, &sub);
	return true;
}

/* One alternative, after the words o: o becomes the words that are whole
 * at its end; those that end before it are added to the leading words. */
static void parse_sequence(parser *ps, open_words *o)
{
	const char *p = ps->p;

	while (!ps->fail && o->count && ps->i < ps->len && p[ps->i] != '|' && p[ps->i] != ')') {
		unsigned char c = (unsigned char)p[ps->i];
		piece pc; /* only what is used is set: this runs for every byte */
		size_t adv = 1;
		pc.count = 1;
		pc.n[0] = 1;
		if (c == '\\') {
			if (ps->i + 1 >= ps->len) {
				ps->fail = true;
				return;
			}
			unsigned char e = (unsigned char)p[ps->i + 1];
			if (e == 'b' || e == 'B') {
				/* Zero width; a \b before a word's first byte, if that
				 * is a word character, puts a non-word one before it. */
				for (size_t k = 0; k < o->count && e == 'b'; k++)
					o->b[k] = o->b[k] || o->n[k] == 0;
				ps->i += 2;
				continue;
			}
			if (e >= 0x80 || (is_alnum(e) && e != 's'))
				goto stop; /* a class, a code, a reference: not a plain byte */
			/* \s: the automaton walks every whitespace byte as a space
			 * (acmatch_int.h), so a space stands for it. */
			pc.s[0][0] = e == 's' ? ' ' : (char)e;
			adv = 2;
		} else if (c == '(') {
			if (!parse_group(ps, o))
				return;
			continue;
		} else if (c == '^' || c == '$') {
			ps->i++; /* zero width */
			continue;
		} else if (c == '[') {
			/* A class of plain members multiplies the words. */
			char members[MAX_MEMBERS];
			size_t nm = 0, end = simple_class(p, ps->i, ps->len, members, &nm);
			if (!end)
				goto stop;
			for (size_t m = 0; m < nm; m++) {
				pc.s[m][0] = members[m];
				pc.n[m] = 1;
			}
			pc.count = nm;
			adv = end - ps->i;
		} else if (c == 0xC3 && caseless_latin1_pair(p, ps->i, ps->len)) {
			/* A Latin-1 letter (é in Médecins): caseless matching takes it
			 * and its other case, so the words take both. */
			unsigned char lo = (unsigned char)p[ps->i + 1];
			pc.s[0][0] = pc.s[1][0] = (char)0xC3;
			pc.s[0][1] = (char)lo;
			pc.s[1][1] = (char)(lo < 0xA0 ? lo + 0x20 : lo - 0x20);
			pc.n[0] = pc.n[1] = 2;
			pc.count = 2;
			adv = 2;
		} else if (c == 0xE2 && ps->i + 2 < ps->len && ((unsigned char)p[ps->i + 1] & 0xFE) == 0x80 &&
		           ((unsigned char)p[ps->i + 2] & 0xC0) == 0x80) {
			/* General punctuation (U+2000-U+207F: the curly quotes and
			 * dashes) has no case: its bytes are plain. */
			memcpy(pc.s[0], p + ps->i, 3);
			pc.n[0] = 3;
			adv = 3;
		} else if (c == '.' || c == '*' || c == '+' || c == '?' || c == '{' || c >= 0x80) {
			goto stop;
		} else {
			pc.s[0][0] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		}
		/* A quantifier: "?" keeps the words with and without the piece,
		 * "+" ends them after it; others end them before. */
		unsigned char q = ps->i + adv < ps->len ? (unsigned char)p[ps->i + adv] : 0;
		if (q == '*' || q == '{')
			goto stop;
		if (!open_cross(o, &pc, q == '?'))
			goto stop;
		ps->i += adv;
		if (q == '+')
			goto stop;
		if (q == '?') {
			ps->i++;
			if (ps->i < ps->len && (p[ps->i] == '?' || p[ps->i] == '+'))
				ps->i++;
		}
	}
	if (!o->count && !ps->fail)
		ps->i = retext_alternative_end(p, ps->i, ps->len);
	return;
stop:
	close_all(ps, o);
	ps->i = retext_alternative_end(p, ps->i, ps->len);
}

/* Alternatives up to the ')' that closes them (not consumed) or the end,
 * each after the words in: out, the words whole at their ends. */
static void parse_alternation(parser *ps, const open_words *in, open_words *out)
{
	bool full = false;
	out->count = 0;
	for (;;) {
		open_words alt;
		open_copy(&alt, in);
		parse_sequence(ps, &alt);
		if (ps->fail)
			return;
		if (full || !open_union(out, &alt)) {
			/* Too many to go on with: they end here. */
			close_all(ps, out);
			close_all(ps, &alt);
			full = true;
		}
		if (ps->fail || ps->i >= ps->len || ps->p[ps->i] != '|')
			return;
		ps->i++;
	}
}

/* Syntax that moves where a match starts, or that this does not model,
 * anywhere in the pattern. */
static bool unmodelled(const char *p, size_t len)
{
	/* Quoting, comments and extended mode, which the skips over lookarounds
	 * would misread. */
	if (!retext_plain(p, len))
		return true;
	for (size_t i = 0; i + 1 < len; i++) {
		if (p[i] == '\\') {
			if (p[i + 1] == 'K' || p[i + 1] == 'Q' || p[i + 1] == 'G' || p[i + 1] == 'C')
				return true;
			i++;
		} else if (p[i] == '(' && (p[i + 1] == '*' || (p[i + 1] == '?' && i + 2 < len && p[i + 2] == '('))) {
			return true;
		}
	}
	return false;
}

/* Drop each word that starts with another: "gaza" leads wherever "gaza
 * strip" does, and the automaton would note both at every "Gaza Strip".
 * Words are at most MAX_WORD bytes: a few starts each to look up. */
static void drop_extensions(words *w)
{
	bool *drop = calloc(w->count, sizeof(*drop));
	if (!drop)
		return; /* they only cost a little: keep them all */
	for (size_t k = 0; k < w->count; k++)
		for (size_t m = PREFIX_MIN_LEN; m < w->len[k] && !drop[k]; m++) {
			uint32_t at = w->seen[slot_of(w, w->str[k], m)];
			drop[k] = at != 0;
			/* The shortest such word stays, and leads where this did. */
			if (at)
				w->word_start[at - 1] &= w->word_start[k];
		}
	size_t n = 0;
	for (size_t k = 0; k < w->count; k++)
		if (!drop[k]) {
			w->str[n] = w->str[k];
			w->word_start[n] = w->word_start[k];
			w->len[n++] = w->len[k];
		}
	w->count = n;
	free(drop);
}

ps_status prefix_words(prefix_set *out, arena *a, const char *pattern, size_t len)
{
	ps_status st = PS_OK;
	words w = { .a = a };
	parser ps = { .p = pattern, .len = len, .out = &w };
	open_words start = { .count = 1 }, whole;

	memset(out, 0, sizeof(*out));
	if (unmodelled(pattern, len))
		goto out;
	parse_alternation(&ps, &start, &whole);
	/* A ')' with nothing open: not a pattern PCRE2 compiled. */
	if (ps.i < len)
		ps.fail = true;
	close_all(&ps, &whole);
	if (ps.nomem) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	if (ps.fail || !w.count)
		goto out;
	drop_extensions(&w);
	out->str = arena_alloc(a, w.count * sizeof(*out->str));
	out->len = arena_alloc(a, w.count * sizeof(*out->len));
	out->word_start = arena_alloc(a, w.count * sizeof(*out->word_start));
	if (!out->str || !out->len || !out->word_start) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	memcpy(out->str, w.str, w.count * sizeof(*out->str));
	memcpy(out->len, w.len, w.count * sizeof(*out->len));
	memcpy(out->word_start, w.word_start, w.count * sizeof(*out->word_start));
	out->count = w.count;
out:
	if (st != PS_OK)
		memset(out, 0, sizeof(*out));
	free(w.str);
	free(w.len);
	free(w.word_start);
	free(w.seen);
	return st;
}
