#include "jsonrec.h"
#include "utf8.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* More distinct keys than this and the duplicate check is left to jansson. */
#define MAX_KEYS 32

typedef struct cursor {
	const unsigned char *p, *end;
} cursor;

static void skip_space(cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int hex4(const unsigned char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int d;
		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static unsigned char *put_utf8(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*o++ = (unsigned char)(0xC0 | cp >> 6);
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (unsigned char)(0xE0 | cp >> 12);
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (unsigned char)(0xF0 | cp >> 18);
		*o++ = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	}
	return o;
}

/* Bytes a string holds as they are: printable ASCII but the quote and
 * the backslash. */
static const bool plain[256] = {
#define R4(b) [b] = true, [b + 1] = true, [b + 2] = true, [b + 3] = true
#define R16(b) R4(b), R4(b + 4), R4(b + 8), R4(b + 12)
	[0x20] = true, [0x21] = true, [0x23] = true, R4(0x24), R4(0x28), R4(0x2C),
	R16(0x30), R16(0x40),
	R4(0x50), R4(0x54), R4(0x58), [0x5D] = true, [0x5E] = true, [0x5F] = true,
	R16(0x60), R16(0x70),
#undef R16
#undef R4
};

/* The first byte at or after p, before end, that plain[] does not hold
 * (or end). */
static const unsigned char *plain_run(const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
	/* Sixteen bytes at a time: a news text's strings are long and mostly
	 * plain. A signed compare below 0x20 takes the control bytes and every
	 * byte from 0x80. */
	const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
		                            _mm_cmplt_epi8(v, space));
		int mask = _mm_movemask_epi8(stop);
		if (mask)
			return p + __builtin_ctz((unsigned)mask);
		p += 16;
	}
#endif
	while (p < end && plain[*p])
		p++;
	return p;
}

/* The string at c->p (just past its opening quote). With out, its decoded
 * bytes go there (out has room for the raw length) and *out_len is set.
 * Returns false for anything jansson should judge. */
static bool string(cursor *c, unsigned char *out, size_t *out_len)
{
	const unsigned char *p = c->p, *end = c->end;
	unsigned char *o = out;
	while (p < end) {
		/* Plain ASCII runs are the bulk of a news text. */
		const unsigned char *run = p;
		p = plain_run(p, end);
		if (o) {
			memcpy(o, run, (size_t)(p - run));
			o += p - run;
		}
		if (p == end)
			return false;
		if (*p == '"') {
			c->p = p + 1;
			if (out_len)
				*out_len = (size_t)(o - out);
			return true;
		}
		if (*p >= 0x80) {
			size_t n = utf8_seq(p, 0, (size_t)(end - p));
			if (!n)
				return false;
			if (o) {
				memcpy(o, p, n);
				o += n;
			}
			p += n;
			continue;
		}
		if (*p < 0x20 || end - p < 2)
			return false;
		unsigned char e = p[1], lit = 0;
		switch (e) {
		case '"': lit = '"'; break;
		case '\\': lit = '\\'; break;
		case '/': lit = '/'; break;
		case 'b': lit = '\b'; break;
		case 'f': lit = '\f'; break;
		case 'n': lit = '\n'; break;
		case 'r': lit = '\r'; break;
		case 't': lit = '\t'; break;
		case 'u': break;
		default: return false;
		}
		if (lit) {
			if (o)
				*o++ = lit;
			p += 2;
			continue;
		}
		if (end - p < 6)
			return false;
		int cp = hex4(p + 2);
		p += 6;
		/* NUL and lone surrogates are jansson's to refuse. */
		if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
			return false;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
				return false;
			int lo = hex4(p + 2);
			if (lo < 0xDC00 || lo > 0xDFFF)
				return false;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			p += 6;
		}
		if (o)
			o = put_utf8(o, (uint32_t)cp);
	}
	return false;
}

/* A number jansson reads without overflow: an integer of at most 18
 * digits, or a fraction of at most 15 digits without an exponent. */
static bool number(cursor *c)
{
	const unsigned char *p = c->p, *end = c->end;
	size_t digits = 0;
	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0') {
		p++;
		digits++;
	} else if (p < end && *p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9') {
			p++;
			digits++;
		}
	} else {
		return false;
	}
	bool frac = p < end && *p == '.';
	if (frac) {
		p++;
		const unsigned char *f = p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == f)
			return false;
		digits += (size_t)(p - f);
	}
	if (p < end && (*p == 'e' || *p == 'E'))
		return false;
	if (digits > (frac ? 15u : 18u))
		return false;
	c->p = p;
	return true;
}

static bool word(cursor *c, const char *w, size_t n)
{
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
		return false;
	c->p += n;
	return true;
}

/* The field a key names, or NULL for one the record may carry unread. */
static char **field_of(jsonrec *rec, const unsigned char *k, size_t n, bool *is_text)
{
	static const struct {
		const char *name;
		size_t len;
	} names[] = { { "id", 2 }, { "text", 4 }, { "title", 5 }, { "date", 4 }, { "source", 6 }, { "url", 3 } };
	char **fields[] = { &rec->id, &rec->text, &rec->title, &rec->date, &rec->source, &rec->url };
	*is_text = false;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (n == names[i].len && !memcmp(k, names[i].name, n)) {
			*is_text = i == 1;
			return fields[i];
		}
	}
	return NULL;
}

/* One "key": value member; false to hand the line to jansson. */
static bool member(cursor *c, jsonrec *rec, const unsigned char **keys, size_t *key_len, size_t *n_keys, bool *nomem)
{
	if (c->p == c->end || *c->p != '"')
		return false;
	const unsigned char *k = ++c->p;
	while (c->p < c->end && *c->p >= 0x20 && *c->p < 0x7F && *c->p != '"' && *c->p != '\\')
		c->p++;
	if (c->p == c->end || *c->p != '"')
		return false;
	size_t kn = (size_t)(c->p - k);
	c->p++;
	if (*n_keys == MAX_KEYS)
		return false;
	for (size_t i = 0; i < *n_keys; i++)
		if (key_len[i] == kn && !memcmp(keys[i], k, kn))
			return false;
	keys[*n_keys] = k;
	key_len[(*n_keys)++] = kn;
	skip_space(c);
	if (c->p == c->end || *c->p++ != ':')
		return false;
	skip_space(c);
	if (c->p == c->end)
		return false;
	bool is_text;
	char **field = field_of(rec, k, kn, &is_text);
	if (*c->p == '"') {
		c->p++;
		if (!field)
			return string(c, NULL, NULL);
		/* Decoded text is never longer than its JSON form. The text, most
		 * of the line, is decoded in one pass into room for the rest of
		 * the line; a short field is measured first and gets its size, so
		 * that a long run of records does not leave the heap in holes. */
		size_t room = (size_t)(c->end - c->p), len = 0;
		if (!is_text) {
			cursor measure = *c;
			if (!string(&measure, NULL, NULL))
				return false;
			room = (size_t)(measure.p - c->p);
		}
		char *s = malloc(room + 1);
		if (!s) {
			*nomem = true;
			return false;
		}
		if (!string(c, (unsigned char *)s, &len)) {
			free(s);
			return false;
		}
		s[len] = '\0';
		*field = s;
		if (is_text)
			rec->text_len = len;
		return true;
	}
	if (word(c, "null", 4))
		return !field || (field != &rec->id && !is_text);
	if (field)
		return false;
	return word(c, "true", 4) || word(c, "false", 5) || number(c);
}

void jsonrec_clear(jsonrec *rec)
{
	free(rec->id);
	free(rec->text);
	free(rec->title);
	free(rec->date);
	free(rec->source);
	free(rec->url);
	memset(rec, 0, sizeof(*rec));
}

jsonrec_status jsonrec_parse(jsonrec *rec, const char *line, size_t len)
{
	cursor c = { (const unsigned char *)line, (const unsigned char *)line + len };
	const unsigned char *keys[MAX_KEYS];
	size_t key_len[MAX_KEYS], n_keys = 0;
	bool nomem = false, ok = false;
	memset(rec, 0, sizeof(*rec));
	skip_space(&c);
	if (c.p == c.end || *c.p++ != '{')
		goto out;
	for (;;) {
		skip_space(&c);
		if (!member(&c, rec, keys, key_len, &n_keys, &nomem))
			goto out;
		skip_space(&c);
		if (c.p == c.end)
			goto out;
		if (*c.p == '}')
			break;
		if (*c.p++ != ',')
			goto out;
	}
	c.p++;
	skip_space(&c);
	/* A record without the two required fields gets jansson's verdict. */
	ok = c.p == c.end && rec->id && rec->text;
out:
	if (!ok)
		jsonrec_clear(rec);
	return ok ? JSONREC_OK : nomem ? JSONREC_NOMEM : JSONREC_UNSURE;
}
