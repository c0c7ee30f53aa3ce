/* The finding model: documents, their findings and verdicts, and the text
 * helpers every writer shares. */
#include "report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* s[0..len) and a NUL into p (len + 1 bytes, or NULL: then NULL). */
static char *fill_bytes(char *p, const char *s, size_t len)
{
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static char *copy_bytes(const char *s, size_t len)
{
	return fill_bytes(malloc(len + 1), s, len);
}

/* Findings' text is copied many times a second and dropped in bulk: blocks
 * of this size hold it, and one stays for the next batch. */
#define TEXT_BLOCK (64u * 1024u)

struct text_block {
	text_block *next;
	size_t used, cap;
	uint64_t data[];           /* uint64_t: spans of evidence are stored here too */
};

static void *arena_alloc(text_arena *a, size_t size)
{
	size_t words = (size + sizeof(uint64_t) - 1) / sizeof(uint64_t);
	text_block *h = a->head;
	if (!h || h->cap - h->used < words) {
		size_t cap = words > TEXT_BLOCK / sizeof(uint64_t) ? words : TEXT_BLOCK / sizeof(uint64_t);
		h = malloc(sizeof(*h) + cap * sizeof(uint64_t));
		if (!h)
			return NULL;
		h->next = a->head;
		h->used = 0;
		h->cap = cap;
		a->head = h;
	}
	void *p = h->data + h->used;
	h->used += words;
	return p;
}

/* Keep the newest block, emptied. */
static void arena_reset(text_arena *a)
{
	if (!a->head)
		return;
	for (text_block *b = a->head->next, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head->next = NULL;
	a->head->used = 0;
}

static void arena_free(text_arena *a)
{
	for (text_block *b = a->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}

char *batch_copy(finding_batch *b, const char *s, size_t len)
{
	return fill_bytes(arena_alloc(&b->text, len + 1), s, len);
}

ps_span *batch_spans(finding_batch *b, size_t n)
{
	return arena_alloc(&b->text, (n ? n : 1) * sizeof(ps_span));
}

cli_finding *batch_new_finding(finding_batch *b)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		cli_finding *v = realloc(b->findings, cap * sizeof(*v));
		if (!v)
			return NULL;
		b->findings = v;
		b->cap = cap;
	}
	cli_finding *c = &b->findings[b->n++];
	memset(c, 0, sizeof(*c));
	c->is_new = true;
	return c;
}

void cli_finding_view(cli_finding *c, const ps_finding *f)
{
	*c = (cli_finding){
		.clause = f->clause,
		.signal = f->signal,
		.stance = f->stance,
		.certainty = f->certainty,
		.weight = f->weight,
		.sentence = f->sentence,
		.sentence_len = f->sentence_len,
		.start = f->sentence_span.start,
		.end = f->sentence_span.end,
		.line = f->line,
		.column = f->column,
		.char_column = f->char_column,
		.evidence = f->evidence,
		.n_evidence = f->evidence_count,
		.source = f->source,
		.source_len = f->source ? f->source_len : 0,
		.is_new = true,
	};
	for (size_t i = 0; i < f->cue_count && i < 3; i++)
		c->cues[c->n_cues++] = (cli_cue){
			.kind = f->cues[i].kind,
			.start = f->cues[i].span.start,
			.end = f->cues[i].span.end,
			.text = f->cues[i].text,
			.len = f->cues[i].text_len,
		};
}

cli_finding *batch_add(finding_batch *b, const ps_finding *f)
{
	cli_finding *c = batch_new_finding(b);
	if (!c)
		return NULL;
	/* The view, then its bytes copied into the batch. */
	cli_finding_view(c, f);
	c->signal = batch_copy(b, f->signal, strlen(f->signal));
	c->sentence = batch_copy(b, f->sentence, f->sentence_len);
	ps_span *evidence = batch_spans(b, f->evidence_count);
	if (evidence && f->evidence_count)
		memcpy(evidence, f->evidence, f->evidence_count * sizeof(*evidence));
	c->evidence = evidence;
	bool failed = !c->signal || !c->sentence || !c->evidence;
	for (size_t i = 0; i < c->n_cues; i++) {
		c->cues[i].text = batch_copy(b, f->cues[i].text, f->cues[i].text_len);
		failed = failed || !c->cues[i].text;
	}
	if (f->source) {
		c->source = batch_copy(b, f->source, f->source_len);
		failed = failed || !c->source;
	}
	if (failed) {
		b->n--;
		return NULL;
	}
	return c;
}

size_t batch_size(const finding_batch *b)
{
	size_t n = b->out_cap + b->cap * sizeof(*b->findings) + b->cap_done * sizeof(*b->done);
	for (const text_block *t = b->text.head; t; t = t->next)
		n += t->cap * sizeof(uint64_t);
	return n;
}

void batch_drop_findings(finding_batch *b)
{
	b->n = 0;
	arena_reset(&b->text);
}

void batch_clear(finding_batch *b)
{
	batch_drop_findings(b);
	b->n_done = 0;
	b->out_len = 0; /* its memory serves the next findings */
}

void batch_free(finding_batch *b)
{
	free(b->findings);
	arena_free(&b->text);
	free(b->done);
	free(b->out);
	memset(b, 0, sizeof(*b));
}

int tally_init(doc_tally *t, const ps_ruleset *rules)
{
	memset(t, 0, sizeof(*t));
	t->n_clauses = ps_ruleset_clause_count(rules);
	t->clauses = calloc(t->n_clauses + 1, sizeof(*t->clauses));
	return t->clauses ? 0 : -1;
}

void tally_add(doc_tally *t, size_t clause, ps_stance stance, ps_certainty certainty, bool is_new, bool fails)
{
	clause_tally *c = &t->clauses[clause];
	t->findings++;
	if (stance == PS_STANCE_SUPPORT) {
		c->support++;
		t->support++;
	} else {
		c->conflict++;
		t->conflict++;
	}
	if (certainty == PS_CERTAINTY_HEDGED) {
		c->hedged++;
		t->hedged++;
	} else if (certainty == PS_CERTAINTY_ATTRIBUTED) {
		c->attributed++;
		t->attributed++;
	}
	t->new_findings += is_new;
	if (fails) {
		c->failing++;
		c->failing_conflicts += stance == PS_STANCE_CONFLICT;
	}
}

void tally_reset(doc_tally *t)
{
	memset(t->clauses, 0, t->n_clauses * sizeof(*t->clauses));
	t->findings = t->support = t->conflict = t->hedged = t->attributed = t->new_findings = 0;
}

void tally_free(doc_tally *t)
{
	free(t->clauses);
	memset(t, 0, sizeof(*t));
}

bool finding_fails(fail_on fail, ps_stance s)
{
	switch (fail) {
	case FAIL_ANY: return true;
	case FAIL_CONFLICT: return s == PS_STANCE_CONFLICT;
	case FAIL_SUPPORT: return s == PS_STANCE_SUPPORT;
	case FAIL_NEVER: break;
	}
	return false;
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

int doc_meta_copy(doc_meta *dst, const doc_meta *m)
{
	char **to[] = { &dst->title, &dst->date, &dst->source, &dst->url };
	const char *from[] = { m->title, m->date, m->source, m->url };
	int rc = 0;
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < 4; i++) {
		if (from[i] && !(*to[i] = copy_bytes(from[i], strlen(from[i]))))
			rc = -1;
	}
	if (rc != 0)
		doc_meta_free(dst);
	return rc;
}

void doc_free(doc_result *doc)
{
	batch_free(&doc->found);
	free(doc->name);
	free(doc->skipped);
	free(doc->messages);
	doc_meta_free(&doc->meta);
	memset(doc, 0, sizeof(*doc));
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

#ifdef __SSE2__
/* A bit per byte of the 16 at u that put_utf8 cannot write as it is
 * without a look: a signed compare below low takes every byte from 0x80
 * (most are well-formed UTF-8, looked at one sequence at a time). */
static inline unsigned special16(const unsigned char *u, unsigned flags)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)u);
	__m128i stop = _mm_cmplt_epi8(v, _mm_set1_epi8(flags & PUT_SPACE_CONTROLS ? 0x20 : 0x01));
	if (flags & PUT_SPACE_CONTROLS)
		stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
	if (flags & PUT_DOUBLE_QUOTES)
		stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
	return (unsigned)_mm_movemask_epi8(stop);
}
#endif

/* Where the run of bytes from u[i] that print as they are ends: ASCII from
 * the space to '~' (with controls too unless they are to be spaced, but
 * NUL), but '"' where quotes are doubled, and well-formed UTF-8. */
static size_t plain_utf8_run(const unsigned char *u, size_t i, size_t len, unsigned flags)
{
	unsigned char low = flags & PUT_SPACE_CONTROLS ? 0x20 : 0x01;
	bool quotes = flags & PUT_DOUBLE_QUOTES;
	while (i < len) {
#ifdef __SSE2__
		/* Sixteen plain bytes at a time: a sentence is mostly plain. */
		if (len - i >= 16) {
			unsigned mask = special16(u + i, flags);
			if (!mask) {
				i += 16;
				continue;
			}
			i += (size_t)__builtin_ctz(mask);
		}
#endif
		unsigned char c = u[i];
		if (c >= 0x80) {
			size_t n = utf8_seq(u, i, len);
			if (!n)
				break;
			i += n;
		} else if (c >= low && !(c == 0x7F && low == 0x20) && !(c == '"' && quotes)) {
			i++;
		} else {
			break;
		}
	}
	return i;
}

/* Where jbuf_markup_run's run from s[i] ends. */
static size_t markup_run_end(const char *s, size_t i, size_t len, unsigned char high)
{
#ifdef __SSE2__
	/* Sixteen bytes a step: a sentence is mostly such a run, and a test a
	 * byte was a third of an html or JUnit finding's cost. Unsigned
	 * bounds: v <= 0x1F where min(v, 0x1F) is v, v >= high where max is. */
	const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>');
	const __m128i quot = _mm_set1_epi8('"'), apos = _mm_set1_epi8('\''), ctrl = _mm_set1_epi8(0x1F);
	const __m128i top = _mm_set1_epi8((char)high);
	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
		                            _mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot)));
		stop = _mm_or_si128(stop, _mm_or_si128(_mm_cmpeq_epi8(v, apos), _mm_cmpeq_epi8(_mm_min_epu8(v, ctrl), v)));
		stop = _mm_or_si128(stop, _mm_cmpeq_epi8(_mm_max_epu8(v, top), v));
		unsigned mask = (unsigned)_mm_movemask_epi8(stop);
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
	}
#endif
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= high || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'')
			break;
	}
	return i;
}

size_t jbuf_markup_run(jbuf *b, const char *s, size_t i, size_t len, unsigned char high)
{
	size_t run = markup_run_end(s, i, len, high);
	jbuf_put(b, s + i, run - i);
	return run;
}

enum { MARKUP_HTML, MARKUP_XML_TEXT, MARKUP_XML_ATTR };

/* What each kind writes for " ' tab LF CR: html spaces the controls (one
 * function serves its text and attributes), XML keeps them in text. */
typedef struct markup_text {
	const char *s;
	size_t n;
} markup_text;
#define MT(lit) { "" lit, sizeof(lit) - 1 }
static const markup_text markup_special[3][5] = {
	[MARKUP_HTML] = { MT("&quot;"), MT("&#39;"), MT(" "), MT(" "), MT(" ") },
	[MARKUP_XML_TEXT] = { MT("\""), MT("'"), MT("\t"), MT("\n"), MT("&#13;") },
	[MARKUP_XML_ATTR] = { MT("&quot;"), MT("&apos;"), MT("&#9;"), MT("&#10;"), MT("&#13;") },
};
#undef MT

/* jbuf_html() and jbuf_xml(): one pass onto the buffer. utf8_clean()'s
 * copy to escape, then a call a byte, were most of an html finding's
 * cost. Inlined into each, so that each has its kind's constants (one
 * copy for both cost html 0.7% more instructions). */
static inline __attribute__((always_inline)) void jbuf_markup(jbuf *b, const char *s, size_t len, int kind)
{
	const unsigned char *u = (const unsigned char *)s;
	bool html = kind == MARKUP_HTML;
	for (size_t i = 0; i < len;) {
		/* What needs no escape, at once: DEL is a control to HTML. */
		i = jbuf_markup_run(b, s, i, len, html ? 0x7F : 0x80);
		if (i == len)
			break;
		unsigned char c = u[i];
		size_t n = 1;
		const markup_text *special = NULL;
		switch (c) {
		case '&': JBUF_LIT(b, "&amp;"); break;
		case '<': JBUF_LIT(b, "&lt;"); break;
		case '>': JBUF_LIT(b, "&gt;"); break;
		case '"': special = &markup_special[kind][0]; break;
		case '\'': special = &markup_special[kind][1]; break;
		case '\t': special = &markup_special[kind][2]; break;
		case '\n': special = &markup_special[kind][3]; break;
		case '\r': special = &markup_special[kind][4]; break;
		case '\0': JBUF_LIT(b, " "); break; /* utf8_clean's NUL */
		default:
			/* Other controls, html's C1 controls, and U+FFFE and U+FFFF. */
			n = c < 0x80 ? 0 : utf8_seq(u, i, len);
			if (!n || (html && n == 2 && c == 0xC2 && u[i + 1] <= 0x9F) ||
			    (n == 3 && c == 0xEF && u[i + 1] == 0xBF && u[i + 2] >= 0xBE)) {
				JBUF_LIT(b, "\xEF\xBF\xBD");
				n = n ? n : 1;
			} else {
				jbuf_put(b, s + i, n);
			}
		}
		if (special)
			jbuf_put(b, special->s, special->n);
		i += n;
	}
}

void jbuf_html(jbuf *b, const char *s, size_t len)
{
	jbuf_markup(b, s, len, MARKUP_HTML);
}

void jbuf_xml(jbuf *b, const char *s, size_t len, bool attr)
{
	jbuf_markup(b, s, len, attr ? MARKUP_XML_ATTR : MARKUP_XML_TEXT);
}

/* What put_utf8 writes for the byte u[at] that ends a plain run: U+FFFD
 * for a byte of no well-formed sequence, a doubled quote, else a space. */
static const char *replacement(const unsigned char *u, size_t at, size_t *n)
{
	*n = u[at] >= 0x80 ? 3 : u[at] == '"' ? 2 : 1;
	return u[at] >= 0x80 ? "\xEF\xBF\xBD" : u[at] == '"' ? "\"\"" : " ";
}

void put_utf8(FILE *out, const char *s, size_t len, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0, end, n; i < len; i = end + 1) {
		end = plain_utf8_run(u, i, len, flags);
		if (end > i)
			fwrite(s + i, 1, end - i, out);
		if (end == len)
			break;
		const char *r = replacement(u, end, &n);
		fwrite(r, 1, n, out);
	}
}

void jbuf_utf8(jbuf *b, const char *s, size_t len, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0, end, n; i < len; i = end + 1) {
		end = plain_utf8_run(u, i, len, flags);
		jbuf_put(b, s + i, end - i);
		if (end == len)
			break;
		const char *r = replacement(u, end, &n);
		jbuf_put(b, r, n);
	}
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
		/* A run of ASCII but NUL in one copy: a call a byte was most of
		 * the HTML and JUnit writers' cost. */
		size_t run = i;
		while (run < len && (unsigned char)(u[run] - 1) < 0x7F)
			run++;
		if (run > i) {
			memcpy(p + o, s + i, run - i);
			o += run - i;
			i = run;
			if (i == len)
				break;
		}
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
