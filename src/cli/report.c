/* The finding model: documents, their findings and verdicts, and the text
 * helpers every writer shares. */
#include "report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static char *copy_bytes(const char *s, size_t len)
{
	char *p = malloc(len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

cli_finding *doc_new_finding(doc_result *doc)
{
	if (doc->n == doc->cap) {
		size_t cap = doc->cap ? doc->cap * 2 : 16;
		cli_finding *v = realloc(doc->findings, cap * sizeof(*v));
		if (!v) {
			doc->nomem = true;
			return NULL;
		}
		doc->findings = v;
		doc->cap = cap;
	}
	cli_finding *c = &doc->findings[doc->n++];
	memset(c, 0, sizeof(*c));
	c->is_new = true;
	return c;
}

int doc_add_finding(doc_result *doc, const ps_finding *f, uint64_t char_column)
{
	cli_finding *c = doc_new_finding(doc);
	if (!c)
		return -1;
	c->clause = f->clause;
	c->signal = copy_bytes(f->signal, strlen(f->signal));
	c->stance = f->stance;
	c->certainty = f->certainty;
	c->weight = f->weight;
	c->sentence = copy_bytes(f->sentence, f->sentence_len);
	c->sentence_len = f->sentence_len;
	c->start = f->sentence_span.start;
	c->end = f->sentence_span.end;
	c->line = f->line;
	c->column = f->column;
	c->char_column = char_column;
	c->evidence = malloc((f->evidence_count ? f->evidence_count : 1) * sizeof(*c->evidence));
	if (c->evidence && f->evidence_count)
		memcpy(c->evidence, f->evidence, f->evidence_count * sizeof(*c->evidence));
	c->n_evidence = f->evidence_count;
	for (size_t i = 0; i < f->cue_count && i < 3; i++) {
		c->cues[i].kind = f->cues[i].kind;
		c->cues[i].start = f->cues[i].span.start;
		c->cues[i].end = f->cues[i].span.end;
		c->cues[i].text = copy_bytes(f->cues[i].text, f->cues[i].text_len);
		c->cues[i].len = f->cues[i].text_len;
		c->n_cues++;
	}
	if (f->source) {
		c->source = copy_bytes(f->source, f->source_len);
		c->source_len = f->source_len;
	}
	bool failed = !c->signal || !c->sentence || !c->evidence || (f->source && !c->source);
	for (size_t i = 0; i < c->n_cues; i++)
		failed = failed || !c->cues[i].text;
	if (failed) {
		doc->nomem = true;
		return -1;
	}
	return 0;
}

void doc_skip(doc_result *doc, skip_kind kind, const char *reason)
{
	free(doc->skipped);
	doc->skip = kind;
	doc->skipped = copy_bytes(reason, strlen(reason));
	if (!doc->skipped)
		doc->nomem = true;
}

void doc_message(doc_result *doc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t need = doc->messages_len + (size_t)n + 1;
	if (need > doc->messages_cap) {
		size_t cap = doc->messages_cap ? doc->messages_cap : 256;
		while (cap < need)
			cap *= 2;
		char *grown = realloc(doc->messages, cap);
		if (!grown) {
			doc->nomem = true;
			return;
		}
		doc->messages = grown;
		doc->messages_cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(doc->messages + doc->messages_len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	doc->messages_len += (size_t)n;
}

void doc_meta_free(doc_meta *m)
{
	free(m->title);
	free(m->date);
	free(m->source);
	free(m->url);
	memset(m, 0, sizeof(*m));
}

void doc_free(doc_result *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		cli_finding *c = &doc->findings[i];
		free(c->signal);
		free(c->sentence);
		free(c->evidence);
		free(c->source);
		for (size_t k = 0; k < c->n_cues; k++)
			free(c->cues[k].text);
	}
	free(doc->findings);
	free(doc->name);
	free(doc->skipped);
	free(doc->messages);
	doc_meta_free(&doc->meta);
	memset(doc, 0, sizeof(*doc));
}

verdict doc_verdict(const doc_result *doc, const ps_clause *clause)
{
	bool support = false, conflict = false;
	for (size_t i = 0; i < doc->n; i++) {
		if (clause && doc->findings[i].clause != clause)
			continue;
		if (doc->findings[i].stance == PS_STANCE_SUPPORT)
			support = true;
		else
			conflict = true;
	}
	return support && conflict ? VERDICT_MIXED : support ? VERDICT_SUPPORTS : conflict ? VERDICT_CONFLICTS
	                                                                                  : VERDICT_NONE;
}

const char *verdict_name(verdict v)
{
	switch (v) {
	case VERDICT_SUPPORTS: return "supports";
	case VERDICT_CONFLICTS: return "conflicts";
	case VERDICT_MIXED: return "mixed";
	case VERDICT_NONE:
	case VERDICT_KINDS: break;
	}
	return "not mentioned";
}

const char *skip_kind_name(skip_kind k)
{
	switch (k) {
	case SKIP_UNREADABLE: return "unreadable";
	case SKIP_BINARY: return "binary";
	case SKIP_UTF16: return "utf16";
	case SKIP_MALFORMED: return "malformed";
	case SKIP_OTHER: return "other";
	case SKIP_NONE:
	case SKIP_KINDS: break;
	}
	return "none";
}

const char *cue_kind_name(ps_cue_kind k)
{
	switch (k) {
	case PS_CUE_NEGATION: return "negation";
	case PS_CUE_HEDGE: return "hedge";
	case PS_CUE_ATTRIBUTION: return "attribution";
	}
	return "cue";
}

/* Length of the valid UTF-8 sequence at s[i], or 0. */
static size_t utf8_seq(const unsigned char *s, size_t i, size_t len)
{
	unsigned char c = s[i];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (i + n > len)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i + k] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

char *utf8_clean(const char *s, size_t len, size_t *out_len)
{
	const unsigned char *u = (const unsigned char *)s;
	/* Each bad byte becomes three bytes of U+FFFD. */
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	char *p = malloc(len * 3 + 1);
	size_t o = 0;
	if (!p)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(u, i, len);
		if (n && u[i] != 0) {
			memcpy(p + o, s + i, n);
			o += n;
			i += n;
		} else if (n) {
			p[o++] = ' '; /* a NUL byte would end a C string in many consumers */
			i++;
		} else {
			memcpy(p + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		}
	}
	p[o] = '\0';
	*out_len = o;
	return p;
}

size_t utf8_width(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t w = 0;
	for (size_t i = 0; i < len; w++) {
		size_t n = utf8_seq(u, i, len);
		i += n ? n : 1;
	}
	return w;
}
