#include "fmfast.h"
#include "utf8.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of the character at p, which YAML prints as it is and does not
 * read as a line break, or 0. ASCII: space to tilde. Beyond: well-formed
 * UTF-8 from U+00A0, but not U+2028, U+2029 (line breaks to YAML 1.1),
 * U+FEFF, surrogates, U+FFFE or U+FFFF. */
static size_t printable(const unsigned char *p, const unsigned char *end)
{
	uint32_t cp;
	size_t n = utf8_decode(p, 0, (size_t)(end - p), &cp);
	if (!n || (cp < 0xA0 && (cp < 0x20 || cp >= 0x7F)))
		return 0;
	if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
		return 0;
	return n;
}

/* Are all of s[0..n) printable characters? */
static bool all_printable(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		/* ASCII, nearly every byte, without a call a character (the
		 * calls were most of the reading of a short article's title). */
		if (s[i] >= 0x20 && s[i] < 0x7F) {
			i++;
			continue;
		}
		size_t k = printable(s + i, s + n);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

/* A plain scalar that YAML reads as these very bytes: it starts with no
 * indicator, holds no ": " or " #" and does not end in a colon. */
static bool plain(const unsigned char *v, size_t n)
{
	if (!n || strchr("-?:,[]{}#&*!|>'\"%@`", v[0]))
		return false;
	for (size_t i = 0; i + 1 < n; i++)
		if ((v[i] == ':' && v[i + 1] == ' ') || (v[i] == ' ' && v[i + 1] == '#'))
			return false;
	return v[n - 1] != ':' && all_printable(v, n);
}

/* The value v[0..n) (no spaces around it) as YAML reads it, into *val and
 * *val_len; false for anything this reader leaves to the YAML parser. */
static bool value(const unsigned char *v, size_t n, const unsigned char **val, size_t *val_len)
{
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		/* Quoted, with no quote, escape or doubled quote inside. */
		for (size_t i = 1; i + 1 < n; i++)
			if (v[i] == v[0] || v[i] == '\\')
				return false;
		*val = v + 1;
		*val_len = n - 2;
		return all_printable(v + 1, n - 2);
	}
	*val = v;
	*val_len = n;
	return n == 0 || plain(v, n);
}

static char **field_of(fmfast_fields *f, const unsigned char *k, size_t n)
{
	static const struct {
		const char *name;
		size_t len;
	} names[] = { { "title", 5 }, { "date", 4 }, { "source", 6 }, { "url", 3 }, { "id", 2 } };
	char **fields[] = { &f->title, &f->date, &f->source, &f->url, &f->id };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (n == names[i].len && !memcmp(k, names[i].name, n))
			return fields[i];
	return NULL;
}

static bool key_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

fmfast_status fmfast_parse(fmfast_fields *out, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	fmfast_status st = FMFAST_UNSURE;
	size_t pairs = 0;
	memset(out, 0, sizeof(*out));
	while (p < end) {
		const unsigned char *eol = memchr(p, '\n', (size_t)(end - p));
		const unsigned char *line = p, *stop = eol ? eol : end;
		p = eol ? eol + 1 : end;
		if (line == stop)
			continue; /* a blank line */
		/* key: letters, digits, _ and -, from the line's start */
		const unsigned char *k = line;
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z')))
			goto out;
		while (k < stop && key_char(*k))
			k++;
		if (k == stop || *k != ':')
			goto out;
		size_t key_len = (size_t)(k - line);
		const unsigned char *v = k + 1, *v_end = stop;
		if (v < v_end && *v != ' ')
			goto out;
		while (v < v_end && *v == ' ')
			v++;
		while (v_end > v && v_end[-1] == ' ')
			v_end--;
		const unsigned char *val;
		size_t val_len;
		if (!value(v, (size_t)(v_end - v), &val, &val_len))
			goto out;
		/* labels: a list, read by the YAML parser alone */
		if (key_len == 6 && !memcmp(line, "labels", 6))
			goto out;
		pairs++;
		char **field = field_of(out, line, key_len);
		if (!field)
			continue;
		char *s = malloc(val_len + 1);
		if (!s) {
			st = FMFAST_NOMEM;
			goto out;
		}
		memcpy(s, val, val_len);
		s[val_len] = '\0';
		free(*field);
		*field = s;
	}
	/* An empty mapping is the YAML parser's to judge. */
	if (pairs)
		st = FMFAST_OK;
out:
	if (st != FMFAST_OK)
		fmfast_clear(out);
	return st;
}

void fmfast_clear(fmfast_fields *f)
{
	free(f->title);
	free(f->date);
	free(f->source);
	free(f->url);
	free(f->id);
	memset(f, 0, sizeof(*f));
}
