#include "tailfirst_int.h"

#include <string.h>

#include "caseless_int.h"
#include "retext_int.h"

static bool stops(const tailfirst_form *f, unsigned char c)
{
	return f->stop[c / 8] >> (c % 8) & 1;
}

static bool starts_with(const char *p, size_t len, size_t i, const char *s)
{
	size_t n = strlen(s);
	return i + n <= len && !memcmp(p + i, s, n);
}

/* The offset of the ')' closing the group that opens at p[i] == '(', or 0.
 * With top_bar, also 0 when an alternative bar stands at the group's own
 * level. */
static size_t group_end(const char *p, size_t len, size_t i, bool top_bar)
{
	size_t close = retext_group_end(p, i, len);
	if (close >= len || (top_bar && retext_alternative_end(p, i + 1, len) != close))
		return 0;
	return close;
}

/* A class "[^\s...]" at p[i] whose other members are ASCII punctuation
 * (no case, no range, no escape): its stop bytes into stop. Returns the
 * offset past it, or 0. */
static size_t word_class(const char *p, size_t len, size_t i, uint8_t stop[32])
{
	if (!starts_with(p, len, i, "[^\\s"))
		return 0;
	memset(stop, 0, 32);
	for (unsigned c = 0; c < 128; c++)
		if (caseless_space_byte((unsigned char)c))
			stop[c / 8] |= (uint8_t)(1u << (c % 8));
	for (i += 4; i < len && p[i] != ']'; i++) {
		unsigned char c = (unsigned char)p[i];
		bool plain = c > ' ' && c < 0x7F && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '\\' &&
		             c != '[' && c != '^' && c != '-';
		if (!plain)
			return 0;
		stop[c / 8] |= (uint8_t)(1u << (c % 8));
	}
	return i < len ? i + 1 : 0;
}

/* "+" or "++" at p[i]: the offset past it, or 0. */
static size_t plus(const char *p, size_t len, size_t i)
{
	if (i >= len || p[i] != '+')
		return 0;
	return i + 1 < len && p[i + 1] == '+' ? i + 2 : i + 1;
}

/* "\s+" or "\s++" at p[i]. */
static size_t spaces(const char *p, size_t len, size_t i)
{
	return starts_with(p, len, i, "\\s") ? plus(p, len, i + 2) : 0;
}

/* Anything in the tail that would read differently on its own: a
 * reference to a group, a recursion, a condition, \G or \K. */
static bool self_contained(const char *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (p[i] == '\\') {
			char e = p[i + 1];
			if (e == 'k' || e == 'g' || e == 'G' || e == 'K' || (e >= '1' && e <= '9'))
				return false;
			i++;
		} else if (p[i] == '(' && p[i + 1] == '?' && i + 2 < len) {
			char e = p[i + 2];
			if (e == 'P' || e == '&' || e == 'R' || e == '(' || (e >= '0' && e <= '9') || e == '+' ||
			    (e == '-' && i + 3 < len && p[i + 3] >= '0' && p[i + 3] <= '9'))
				return false;
		} else if (p[i] == '(' && p[i + 1] == '*') {
			return false;
		}
	}
	return true;
}

/* Does p open, after the expansion's "(?:" if any, with a group and a
 * class "[^\s"? Nearly every pattern does not, and is turned away here
 * without reading the whole of it. */
static bool opens_like_one(const char *p, size_t len)
{
	for (size_t q = 0; q <= 3; q += 3) {
		if (q == 3 && !starts_with(p, len, 0, "(?:"))
			break;
		if (starts_with(p, len, q, "(?:") && starts_with(p, len, q + 3, "[^\\s"))
			return true;
		if (starts_with(p, len, q, "(?<")) {
			const char *gt = memchr(p + q, '>', len - q);
			if (gt && starts_with(p, len, (size_t)(gt - p) + 1, "[^\\s"))
				return true;
		}
	}
	return false;
}

bool tailfirst_parse(tailfirst_form *out, const char *p, size_t len)
{
	tailfirst_form f;
	uint8_t again[32];
	size_t i = 0, end = len;
	memset(&f, 0, sizeof(f));
	if (!opens_like_one(p, len) || !retext_plain(p, len))
		return false;
	/* The expansion's own group around the whole, with one alternative. */
	if (starts_with(p, len, 0, "(?:") && group_end(p, len, 0, true) == len - 1) {
		i = 3;
		end = len - 1;
	}
	/* The words' group: named or not. */
	size_t group_close = i < end && p[i] == '(' ? group_end(p, end, i, true) : 0;
	if (!group_close)
		return false;
	if (starts_with(p, end, i, "(?:")) {
		i += 3;
	} else if (starts_with(p, end, i, "(?<") && i + 3 < end && p[i + 3] != '=' && p[i + 3] != '!') {
		const char *gt = memchr(p + i, '>', group_close - i);
		if (!gt)
			return false;
		i = (size_t)(gt - p) + 1;
	} else {
		return false;
	}
	/* C+ (?:\s+C+){0,K} */
	if (!(i = word_class(p, end, i, f.stop)) || !(i = plus(p, end, i)))
		return false;
	if (!starts_with(p, end, i, "(?:") || !(i = spaces(p, end, i + 3)))
		return false;
	if (!(i = word_class(p, end, i, again)) || memcmp(again, f.stop, sizeof again) || !(i = plus(p, end, i)))
		return false;
	if (!starts_with(p, end, i, "){0,"))
		return false;
	uint32_t k = 0;
	size_t digits = i + 4;
	for (i += 4; i < end && p[i] >= '0' && p[i] <= '9' && k < 1000; i++)
		k = k * 10 + (uint32_t)(p[i] - '0');
	/* "{0,}" has no bound. */
	if (i == digits || !starts_with(p, end, i, "}") || k >= 1000 || i + 1 != group_close)
		return false;
	i = group_close + 1;
	/* \s+ TAIL; not a lazy "\s+?" */
	if (!(i = spaces(p, end, i)) || i >= end || p[i] == '?')
		return false;
	/* No alternative bar (nor a stray ')') at the top: "(?:TAIL)" must be
	 * the whole tail. */
	if (retext_alternative_end(p, i, end) != end || !self_contained(p + i, end - i))
		return false;
	f.tail_off = i;
	f.tail_len = end - i;
	f.max_runs = k + 1;
	*out = f;
	return true;
}

size_t tailfirst_start(const tailfirst_form *f, const char *s, size_t from, size_t v)
{
	size_t at = v;
	for (uint32_t k = 0; k < f->max_runs; k++) {
		size_t q = at;
		while (q > from && caseless_space_byte((unsigned char)s[q - 1]))
			q--;
		size_t r = q;
		while (r > from && !stops(f, (unsigned char)s[r - 1]))
			r--;
		if (r == q)
			break;
		at = r; /* the next run joins this one through whitespace, or is none */
	}
	return at;
}
