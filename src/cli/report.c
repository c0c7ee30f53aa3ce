#include "report.h"

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

int doc_add_finding(doc_result *doc, const ps_finding *f)
{
	if (doc->n == doc->cap) {
		size_t cap = doc->cap ? doc->cap * 2 : 16;
		cli_finding *v = realloc(doc->findings, cap * sizeof(*v));
		if (!v)
			goto nomem;
		doc->findings = v;
		doc->cap = cap;
	}
	cli_finding *c = &doc->findings[doc->n];
	memset(c, 0, sizeof(*c));
	c->clause = f->clause;
	c->signal = f->signal;
	c->stance = f->stance;
	c->certainty = f->certainty;
	c->weight = f->weight;
	c->sentence = copy_bytes(f->sentence, f->sentence_len);
	c->sentence_len = f->sentence_len;
	c->start = f->sentence_span.start;
	c->end = f->sentence_span.end;
	c->line = f->line;
	c->column = f->column;
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
	doc->n++;
	bool failed = !c->sentence || !c->evidence || (f->source && !c->source);
	for (size_t i = 0; i < c->n_cues; i++)
		failed = failed || !c->cues[i].text;
	if (failed)
		goto nomem;
	return 0;
nomem:
	doc->nomem = true;
	return -1;
}

void doc_free(doc_result *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		cli_finding *c = &doc->findings[i];
		free(c->sentence);
		free(c->evidence);
		free(c->source);
		for (size_t k = 0; k < c->n_cues; k++)
			free(c->cues[k].text);
	}
	free(doc->findings);
	memset(doc, 0, sizeof(*doc));
}

int summary_init(run_summary *sum, const ps_ruleset *rules)
{
	memset(sum, 0, sizeof(*sum));
	sum->rules = rules;
	size_t n = ps_ruleset_clause_count(rules);
	sum->clauses = calloc(n ? n : 1, sizeof(*sum->clauses));
	return sum->clauses ? 0 : -1;
}

void summary_add(run_summary *sum, const doc_result *doc)
{
	size_t n = ps_ruleset_clause_count(sum->rules);
	sum->documents++;
	if (doc->skipped) {
		sum->skipped++;
		return;
	}
	if (doc->incomplete)
		sum->incomplete++;
	sum->sentences += doc->stats.sentences;
	sum->in_setting += doc->stats.in_setting;
	sum->bytes += doc->stats.bytes;
	for (size_t ci = 0; ci < n; ci++) {
		bool seen = false;
		for (size_t i = 0; i < doc->n; i++)
			seen = seen || ps_clause_index(doc->findings[i].clause) == ci;
		if (seen)
			sum->clauses[ci].docs++;
	}
	for (size_t i = 0; i < doc->n; i++) {
		const cli_finding *f = &doc->findings[i];
		clause_counts *cc = &sum->clauses[ps_clause_index(f->clause)];
		sum->findings++;
		if (f->stance == PS_STANCE_SUPPORT) {
			cc->support++;
			sum->support++;
		} else {
			cc->conflict++;
			sum->conflict++;
		}
		if (f->certainty == PS_CERTAINTY_HEDGED)
			cc->hedged++;
		else if (f->certainty == PS_CERTAINTY_ATTRIBUTED)
			cc->attributed++;
	}
}

void summary_free(run_summary *sum)
{
	free(sum->clauses);
	sum->clauses = NULL;
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
