/* JSON text written straight into a buffer, byte for byte as jansson's
 * json_dumps(JSON_COMPACT) writes the same values. The findings of --format
 * json and jsonl are written this way: a jansson tree a finding, built and
 * dumped, took a tenth of a one-thread run. */
#ifndef PS_JSONBUF_H
#define PS_JSONBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Room for most findings without a malloc; a longer one moves to the heap. */
#define JBUF_INLINE 4096

/* Text being written. Lives where it is made (text may point into it). */
typedef struct jbuf {
	char *text;                /* inline_text, or malloc'd once it outgrows it */
	size_t len, cap;
	bool failed;               /* an append failed, so text is cut short */
	char inline_text[JBUF_INLINE];
} jbuf;

void jbuf_init(jbuf *b);
/* Write on after text[0..len), a malloc'd block of cap bytes (or NULL and
 * 0), which b may realloc: the caller takes text, len and cap back, and
 * does not call jbuf_free(). */
void jbuf_adopt(jbuf *b, char *text, size_t len, size_t cap);
/* Release what b holds; it can then be initialized again. */
void jbuf_free(jbuf *b);
/* Write the text to out and release b. Returns 0, or -1 when memory ran
 * out on the way (nothing is written) or the write failed. */
int jbuf_emit(jbuf *b, FILE *out);

/* Make room for n more bytes. Returns false, with failed set, without memory. */
bool jbuf_grow(jbuf *b, size_t n);

/* Append n bytes as they are: the text between the values. */
static inline void jbuf_put(jbuf *b, const char *s, size_t n)
{
	if (n <= b->cap - b->len || jbuf_grow(b, n)) {
		memcpy(b->text + b->len, s, n);
		b->len += n;
	}
}

/* Append a string literal as it is (its length is known at compile time). */
#define JBUF_LIT(b, lit) jbuf_put((b), "" lit, sizeof(lit) - 1)

/* Append s[0..len) as a JSON string, cleaned as utf8_clean() does (invalid
 * UTF-8 as U+FFFD, NUL as a space) and escaped as jansson escapes it. */
void jbuf_str(jbuf *b, const char *s, size_t len);
/* The same for a C string; null for NULL. */
void jbuf_cstr(jbuf *b, const char *s);
/* Append v as jansson prints a json_int_t. */
void jbuf_int(jbuf *b, int64_t v);
/* Append v as jansson prints json_integer((json_int_t)v): past INT64_MAX
 * it comes out negative, as it did. */
void jbuf_uint(jbuf *b, uint64_t v);
/* Append a finite v as jansson prints a real: "%.17g", with ".0" when that
 * looks like an integer, and the exponent without '+' or leading zeros. */
void jbuf_real(jbuf *b, double v);

#endif
