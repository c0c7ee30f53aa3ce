#include "prefix_int.h"

#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "caseless_int.h"

/* Words are collected here while parsing; their bytes go to the arena at
 * once (a pattern that turns out to have no usable words leaves some
 * there unused), the lists are grown here. */
typedef struct words {
	const char **str;
	size_t *len;
	size_t count, cap;
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
	size_t min_len;       /* shortest word kept (PREFIX_MIN_LEN; 1 inside a group that extends a word) */
} parser;

/* Nesting deeper than this is not analysed (the pattern keeps a full search). */
#define MAX_DEPTH 64
#define MAX_WORD 255
/* Most words one alternative multiplies into through classes. */
#define MAX_RUNS 16

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void add_word(parser *ps, const char *w, size_t n)
{
	words *o = ps->out;
	for (size_t k = 0; k < o->count; k++)
		if (o->len[k] == n && !memcmp(o->str[k], w, n))
			return;
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
		if (!str || !len) {
			ps->nomem = ps->fail = true;
			return;
		}
		o->cap = cap;
	}
	const char *copy = arena_strndup(o->a, w, n);
	if (!copy) {
		ps->nomem = ps->fail = true;
		return;
	}
	o->str[o->count] = copy;
	o->len[o->count++] = n;
}

/* Past a character class opening at p[i] == '['. */
static size_t skip_class(const char *p, size_t i, size_t len)
{
	i++;
	if (i < len && p[i] == '^')
		i++;
	if (i < len && p[i] == ']')
		i++; /* a leading ']' is a member */
	while (i < len && p[i] != ']') {
		if (p[i] == '\\')
			i++;
		else if (p[i] == '[' && i + 1 < len && p[i + 1] == ':') {
			const char *end = memchr(p + i + 2, ']', len - i - 2);
			if (end)
				i = (size_t)(end - p);
		}
		i++;
	}
	return i < len ? i + 1 : len;
}

/* Past the rest of the current alternative: to the '|' or ')' that ends
 * it at this depth, or the end. */
static size_t skip_alternative(const char *p, size_t i, size_t len)
{
	int depth = 0;
	while (i < len) {
		char c = p[i];
		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == '[') {
			i = skip_class(p, i, len);
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')') {
			if (depth == 0)
				return i;
			depth--;
		} else if (c == '|' && depth == 0)
			return i;
		i++;
	}
	return len;
}

/* A class at p[i] == '[' of ASCII letters and digits only, no negation,
 * range or escape: its members, lower case and distinct, and the offset
 * past it; 0 for any other class. */
static size_t simple_class(const char *p, size_t i, size_t len, char *members, size_t *n)
{
	*n = 0;
	for (size_t k = i + 1; k < len; k++) {
		unsigned char c = (unsigned char)p[k];
		if (c == ']')
			return *n ? k + 1 : 0;
		if (!is_alnum(c))
			return 0;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!memchr(members, c, *n)) {
			if (*n == MAX_RUNS)
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

static void parse_alternation(parser *ps);

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
	ps->i = skip_alternative(ps->p, ps->i, ps->len);
	while (ps->i < ps->len && ps->p[ps->i] == '|')
		ps->i = skip_alternative(ps->p, ps->i + 1, ps->len);
	if (ps->i >= ps->len)
		ps->fail = true;
	else
		ps->i++;
}

/* The words so far (nr runs of n bytes) followed by a group at ps->i that
 * must occur: add each run joined to each of the group's leading words and
 * move past the alternative. False, with nothing added, when the group is
 * optional, of another kind, or has no usable leading words. */
static bool extend_with_group(parser *ps, char runs[][MAX_WORD], size_t nr, size_t n)
{
	const char *p = ps->p;
	size_t inner = 0;
	if (group_at(p, ps->i, ps->len, &inner) != GROUP || ps->depth + 1 > MAX_DEPTH)
		return false;
	size_t close = skip_alternative(p, inner, ps->len);
	while (close < ps->len && p[close] == '|')
		close = skip_alternative(p, close + 1, ps->len);
	if (close >= ps->len)
		return false;
	size_t after = optional_quantifier(p, close + 1, ps->len);
	if (after != close + 1)
		return false; /* it may be absent, or the quantifier is not understood */
	words sub = { .a = ps->out->a };
	parser sp = { .p = p, .len = ps->len, .i = inner, .out = &sub, .depth = ps->depth + 1, .min_len = 1 };
	parse_alternation(&sp);
	bool ok = !sp.fail && sp.i == close && sub.count && nr * sub.count <= PREFIX_MAX_WORDS;
	if (sp.nomem)
		ps->nomem = ps->fail = true;
	for (size_t r = 0; ok && r < nr; r++)
		for (size_t k = 0; ok && k < sub.count; k++) {
			char word[2 * MAX_WORD];
			memcpy(word, runs[r], n);
			memcpy(word + n, sub.str[k], sub.len[k]);
			add_word(ps, word, n + sub.len[k] < MAX_WORD ? n + sub.len[k] : MAX_WORD);
			ok = !ps->fail;
		}
	free(sub.str);
	free(sub.len);
	if (ok)
		ps->i = skip_alternative(p, close + 1, ps->len);
	return ok;
}

/* One alternative: its leading word, or the leading words of the group it
 * starts with. */
static void parse_sequence(parser *ps)
{
	const char *p = ps->p;
	char runs[MAX_RUNS][MAX_WORD]; /* the words so far, all n bytes long */
	size_t nr = 1, n = 0;

	while (!ps->fail && ps->i < ps->len && p[ps->i] != '|' && p[ps->i] != ')') {
		unsigned char c = (unsigned char)p[ps->i], lit;
		size_t adv;
		if (c == '\\') {
			if (ps->i + 1 >= ps->len) {
				ps->fail = true;
				return;
			}
			unsigned char e = (unsigned char)p[ps->i + 1];
			if (e == 'b' || e == 'B') {
				ps->i += 2; /* zero width */
				continue;
			}
			if (e == 's') {
				/* Whitespace: the automaton walks every whitespace byte
				 * as a space (acmatch_int.h), so a space stands for it. */
				lit = ' ';
			} else if (e >= 0x80 || is_alnum(e)) {
				goto stop; /* a class, a code, a reference: not a plain byte */
			} else {
				lit = e;
			}
			adv = 2;
		} else if (c == '(') {
			size_t inner = 0;
			if (n) {
				/* "re(?:turn|lease)" leads with return and release, not
				 * re, which starts a place in nearly every sentence. */
				if (extend_with_group(ps, runs, nr, n))
					return;
				goto stop;
			}
			group_kind kind = group_at(p, ps->i, ps->len, &inner);
			if (kind == UNKNOWN) {
				ps->fail = true;
				return;
			}
			if (kind == ZERO_WIDTH) {
				skip_group(ps, inner);
				continue;
			}
			if (++ps->depth > MAX_DEPTH) {
				ps->fail = true;
				return;
			}
			ps->i = inner;
			parse_alternation(ps);
			ps->depth--;
			if (ps->fail)
				return;
			if (ps->i >= ps->len || p[ps->i] != ')') {
				ps->fail = true;
				return;
			}
			ps->i++;
			size_t after = optional_quantifier(p, ps->i, ps->len);
			if (after == SIZE_MAX) {
				ps->fail = true;
				return;
			}
			if (after > ps->i) {
				/* The group may be absent: what follows it leads too. */
				ps->i = after;
				continue;
			}
			ps->i = skip_alternative(p, ps->i, ps->len);
			return;
		} else if (c == '^' || c == '$') {
			ps->i++; /* zero width */
			continue;
		} else if (c == '[') {
			/* A class of plain letters and digits multiplies the words. */
			char members[MAX_RUNS];
			size_t nm = 0, end = simple_class(p, ps->i, ps->len, members, &nm);
			unsigned char q = end < ps->len ? (unsigned char)p[end] : 0;
			if (!end || q == '?' || q == '*' || q == '{' || n == MAX_WORD || nr * nm > MAX_RUNS)
				goto stop;
			for (size_t m = 1; m < nm; m++)
				for (size_t r = 0; r < nr; r++) {
					memcpy(runs[m * nr + r], runs[r], n);
					runs[m * nr + r][n] = members[m];
				}
			for (size_t r = 0; r < nr; r++)
				runs[r][n] = members[0];
			nr *= nm;
			n++;
			ps->i = end;
			if (q == '+')
				goto stop;
			continue;
		} else if (c == 0xC3 && caseless_latin1_pair(p, ps->i, ps->len) && n + 2 <= MAX_WORD && nr * 2 <= MAX_RUNS) {
			/* A Latin-1 letter (é in Médecins): caseless matching takes it
			 * and its other case, so the words take both. */
			unsigned char lo = (unsigned char)p[ps->i + 1], q = ps->i + 2 < ps->len ? (unsigned char)p[ps->i + 2] : 0;
			if (q == '?' || q == '*' || q == '{')
				goto stop;
			for (size_t r = 0; r < nr; r++) {
				memcpy(runs[nr + r], runs[r], n);
				runs[r][n] = runs[nr + r][n] = (char)0xC3;
				runs[r][n + 1] = (char)lo;
				runs[nr + r][n + 1] = (char)(lo < 0xA0 ? lo + 0x20 : lo - 0x20);
			}
			nr *= 2;
			n += 2;
			ps->i += 2;
			if (q == '+')
				goto stop;
			continue;
		} else if (c == '.' || c == '*' || c == '+' || c == '?' || c == '{' || c >= 0x80) {
			goto stop;
		} else {
			lit = c;
			adv = 1;
		}
		/* A literal byte: in the word unless a quantifier may drop it. */
		unsigned char q = ps->i + adv < ps->len ? (unsigned char)p[ps->i + adv] : 0;
		if (q == '?' || q == '*' || q == '{' || n == MAX_WORD)
			goto stop;
		for (size_t r = 0; r < nr; r++)
			runs[r][n] = (char)(lit >= 'A' && lit <= 'Z' ? lit - 'A' + 'a' : lit);
		n++;
		ps->i += adv;
		if (q == '+')
			goto stop;
	}
	goto done;
stop:
	ps->i = skip_alternative(p, ps->i, ps->len);
done:
	if (n < ps->min_len) {
		ps->fail = true;
		return;
	}
	for (size_t r = 0; r < nr; r++)
		add_word(ps, runs[r], n);
}

/* Alternatives up to the ')' that closes them (not consumed) or the end. */
static void parse_alternation(parser *ps)
{
	for (;;) {
		parse_sequence(ps);
		if (ps->fail || ps->i >= ps->len || ps->p[ps->i] != '|')
			return;
		ps->i++;
	}
}

/* Syntax that moves where a match starts, or that this does not model,
 * anywhere in the pattern. */
static bool unmodelled(const char *p, size_t len)
{
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

ps_status prefix_words(prefix_set *out, arena *a, const char *pattern, size_t len)
{
	ps_status st = PS_OK;
	words w = { .a = a };
	parser ps = { .p = pattern, .len = len, .out = &w, .min_len = PREFIX_MIN_LEN };

	memset(out, 0, sizeof(*out));
	if (unmodelled(pattern, len))
		goto out;
	parse_alternation(&ps);
	/* A ')' with nothing open: not a pattern PCRE2 compiled. */
	if (ps.i < len)
		ps.fail = true;
	if (ps.nomem) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	if (ps.fail || !w.count)
		goto out;
	out->str = arena_alloc(a, w.count * sizeof(*out->str));
	out->len = arena_alloc(a, w.count * sizeof(*out->len));
	if (!out->str || !out->len) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	memcpy(out->str, w.str, w.count * sizeof(*out->str));
	memcpy(out->len, w.len, w.count * sizeof(*out->len));
	out->count = w.count;
out:
	if (st != PS_OK)
		memset(out, 0, sizeof(*out));
	free(w.str);
	free(w.len);
	return st;
}
