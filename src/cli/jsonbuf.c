#include "jsonbuf.h"

#include <stdlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "report.h"

void jbuf_init(jbuf *b)
{
	b->text = b->inline_text;
	b->len = 0;
	b->cap = sizeof b->inline_text;
	b->failed = false;
}

void jbuf_adopt(jbuf *b, char *text, size_t len, size_t cap)
{
	b->text = text;
	b->len = len;
	b->cap = cap;
	b->failed = false;
}

void jbuf_free(jbuf *b)
{
	if (b->text != b->inline_text)
		free(b->text);
	jbuf_init(b);
}

int jbuf_emit(jbuf *b, FILE *out)
{
	int rc = !b->failed && fwrite(b->text, 1, b->len, out) == b->len ? 0 : -1;
	jbuf_free(b);
	return rc;
}

bool jbuf_grow(jbuf *b, size_t n)
{
	bool ok = false;
	if (b->failed || n > SIZE_MAX / 2 - b->len)
		goto out;
	size_t cap = b->cap ? b->cap * 2 : JBUF_INLINE;
	while (cap - b->len < n)
		cap *= 2;
	char *grown = b->text == b->inline_text ? malloc(cap) : realloc(b->text, cap);
	if (!grown)
		goto out;
	if (b->text == b->inline_text)
		memcpy(grown, b->text, b->len);
	b->text = grown;
	b->cap = cap;
	ok = true;
out:
	/* Sticky: later, shorter appends would leave a hole in the text. */
	if (!ok)
		b->failed = true;
	return ok;
}

/* A byte that goes into a JSON string as it is: printable ASCII, DEL too,
 * but not '"' or '\\'. (jansson's flags here include neither
 * JSON_ESCAPE_SLASH nor JSON_ENSURE_ASCII.) */
static inline bool plain_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

#ifdef __SSE2__
/* A bit per byte of the 16 at u that is not plain_ascii. A signed compare
 * below 0x20 takes the control bytes and every byte from 0x80. */
static inline unsigned not_plain16(const unsigned char *u)
{
	const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)u);
	__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
	                            _mm_cmplt_epi8(v, space));
	return (unsigned)_mm_movemask_epi8(stop);
}
#endif

/* The first byte at or after i, below len, that is not plain_ascii (or
 * len). */
static size_t plain_run(const unsigned char *u, size_t i, size_t len)
{
#ifdef __SSE2__
	/* Sixteen bytes at a time: a finding's sentence is mostly plain. */
	for (; len - i >= 16; i += 16) {
		unsigned mask = not_plain16(u + i);
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
	}
	if (i == len)
		return len;
	/* The last few bytes, a byte at a time, were half of a finding's
	 * strings' cost (most are short: ids, names, a word of evidence):
	 * the last sixteen bytes again, or the few copied out among plain
	 * ones, never a read past the string. */
	if (len >= 16) {
		unsigned mask = not_plain16(u + len - 16) >> (16 - (len - i));
		return mask ? i + (size_t)__builtin_ctz(mask) : len;
	}
	unsigned char tail[16];
	memset(tail, 'a', sizeof tail);
	memcpy(tail, u + i, len - i);
	unsigned mask = not_plain16(tail);
	return mask ? i + (size_t)__builtin_ctz(mask) : len;
#else
	while (i < len && plain_ascii(u[i]))
		i++;
	return i;
#endif
}

/* An ASCII byte that is not plain_ascii, escaped. */
static void put_escape(jbuf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF] };
	switch (c) {
	case '\0': JBUF_LIT(b, " "); break; /* utf8_clean's NUL: a space */
	case '"': JBUF_LIT(b, "\\\""); break;
	case '\\': JBUF_LIT(b, "\\\\"); break;
	case '\b': JBUF_LIT(b, "\\b"); break;
	case '\f': JBUF_LIT(b, "\\f"); break;
	case '\n': JBUF_LIT(b, "\\n"); break;
	case '\r': JBUF_LIT(b, "\\r"); break;
	case '\t': JBUF_LIT(b, "\\t"); break;
	default: jbuf_put(b, u, sizeof u); break;
	}
}

void jbuf_str(jbuf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	JBUF_LIT(b, "\"");
	for (size_t i = 0; i < len;) {
		/* Copy the longest run that needs no change in one go: in news
		 * text, usually the whole string. */
		size_t end = plain_run(u, i, len), n = 0;
		while (end < len && u[end] >= 0x80 && (n = utf8_seq(u, end, len)) != 0)
			end = plain_run(u, end + n, len);
		jbuf_put(b, s + i, end - i);
		if (end == len)
			break;
		if (u[end] < 0x80)
			put_escape(b, u[end]);
		else
			JBUF_LIT(b, "\xEF\xBF\xBD"); /* invalid UTF-8, a byte at a time, as utf8_clean */
		i = end + 1;
	}
	JBUF_LIT(b, "\"");
}

void jbuf_cstr(jbuf *b, const char *s)
{
	if (s)
		jbuf_str(b, s, strlen(s));
	else
		JBUF_LIT(b, "null");
}

void jbuf_int(jbuf *b, int64_t v)
{
	/* Two digits a step, from a table, written where they go once the
	 * digits are counted: a finding has about fifteen numbers, and a digit
	 * a division cost 130 instructions a number; writing them to a
	 * scratch array and copying that over took half of what was left. */
	static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	                            "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	                            "8081828384858687888990919293949596979899";
	/* A sign and at most 20 digits. */
	if (b->cap - b->len < 21 && !jbuf_grow(b, 21))
		return;
	/* Through uint64_t, so INT64_MIN has a magnitude too. */
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	/* Its digits: log10 from its bits (1233/4096 is just above log10(2)),
	 * one less where it falls short of that power of ten. */
	static const uint64_t pow10[20] = {
		1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u, 1000000000u,
		10000000000u, 100000000000u, 1000000000000u, 10000000000000u, 100000000000000u,
		1000000000000000u, 10000000000000000u, 100000000000000000u, 1000000000000000000u,
		10000000000000000000u,
	};
	unsigned t = (unsigned)((64 - __builtin_clzll(m | 1)) * 1233) >> 12;
	size_t n = t + 1 - (m < pow10[t]) + (m == 0);
	char *p = b->text + b->len;
	if (v < 0)
		*p++ = '-';
	char *end = p + n, *at = end;
	while (m > UINT32_MAX) {
		unsigned r = (unsigned)(m % 100);
		m /= 100;
		at -= 2;
		memcpy(at, pairs + 2 * r, 2);
	}
	/* Offsets and lines fit in 32 bits, whose division by 100 is a
	 * shorter multiply than a 64-bit one. */
	uint32_t w = (uint32_t)m;
	while (w >= 100) {
		uint32_t r = w % 100;
		w /= 100;
		at -= 2;
		memcpy(at, pairs + 2 * r, 2);
	}
	if (w >= 10) {
		at -= 2;
		memcpy(at, pairs + 2 * w, 2);
	} else {
		*--at = (char)('0' + w);
	}
	b->len = (size_t)(end - b->text);
}

void jbuf_uint(jbuf *b, uint64_t v)
{
	jbuf_int(b, (int64_t)v);
}

/* Weights are mostly whole numbers or halves. A multiple of 1/16 in
 * (0, 2^32) has at most 14 significant digits, all exact, which "%.17g"
 * writes in full without an exponent: written here, it skips snprintf's
 * general path, a quarter of a finding's cost. Returns false for any other v. */
static bool put_sixteenths(jbuf *b, double v)
{
	double sixteenths = v * 16;
	if (!(v > 0 && v < 4294967296.0) || sixteenths != (double)(uint64_t)sixteenths)
		return false;
	uint64_t k = (uint64_t)sixteenths;
	unsigned frac = (unsigned)(k & 15) * 625; /* ten-thousandths */
	char digits[5] = { '.', (char)('0' + frac / 1000), (char)('0' + frac / 100 % 10),
	                   (char)('0' + frac / 10 % 10), (char)('0' + frac % 10) };
	size_t n = sizeof digits;
	while (n > 2 && digits[n - 1] == '0')
		n--;
	jbuf_int(b, (int64_t)(k >> 4));
	jbuf_put(b, digits, n);
	return true;
}

void jbuf_real(jbuf *b, double v)
{
	if (put_sixteenths(b, v))
		return;
	char text[40];
	/* The CLI never calls setlocale(), so the decimal point is '.'; jansson
	 * would turn a locale's other one back into '.'. */
	int n = snprintf(text, sizeof text, "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof text - 2) {
		b->failed = true; /* cannot happen for a double; jansson fails the dump */
		return;
	}
	size_t len = (size_t)n;
	char *e = memchr(text, 'e', len);
	if (!e && !memchr(text, '.', len)) {
		/* So that a reader takes it for a real, not an integer. */
		memcpy(text + len, ".0", 2);
		len += 2;
	}
	if (e) {
		/* "e+17" as "e17" and "e-08" as "e-8": drop the '+' and the
		 * exponent's leading zeros. */
		char *digits = e + 1, *keep = e + 1;
		if (*digits == '-')
			keep = ++digits;
		else if (*digits == '+')
			digits++;
		while (*digits == '0' && digits + 1 < text + len)
			digits++;
		memmove(keep, digits, (size_t)(text + len - digits));
		len -= (size_t)(digits - keep);
	}
	jbuf_put(b, text, len);
}
