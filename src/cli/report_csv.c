/* --format csv: RFC 4180, a header row and one row per finding, CRLF line
 * ends; a field holding a comma, quote, CR or LF is quoted, quotes doubled.
 * Invalid UTF-8 becomes U+FFFD. Documents' metadata takes the doc_ columns;
 * "source" is the attributed source phrase, as in jsonl. A text field that
 * a spreadsheet would take for a formula gets a leading apostrophe. */
#include <stdlib.h>
#include <string.h>

#include "reporter.h"

/* The first bytes that make a spreadsheet read a cell as a formula (OWASP's
 * CSV injection list): the sentences and titles come from news pages, and
 * "=HYPERLINK(...)" in one must stay text when an analyst opens the file.
 * An apostrophe before it is what spreadsheets take for "this is text",
 * and they do not show it. */
static bool formula_like(const char *s, size_t len)
{
	static const char lead[] = { '=', '+', '-', '@', '\t', '\r' };
	return len && memchr(lead, s[0], sizeof(lead));
}

/* Does the field need quotes? Cleaning changes no comma, quote or line end. */
static bool needs_quotes(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return true;
	return false;
}

/* A field, cleaned as utf8_clean() does, written where it is: a copy to
 * clean, and a quoted field a byte a call, were four fifths of a finding's
 * cost. */
static void put_field(jbuf *b, const char *s, size_t len, bool last)
{
	if (s) {
		bool quote = needs_quotes(s, len);
		if (quote)
			JBUF_LIT(b, "\"");
		/* The first byte is ASCII, and so kept, for each formula lead. */
		if (formula_like(s, len))
			JBUF_LIT(b, "'");
		jbuf_utf8(b, s, len, quote ? PUT_DOUBLE_QUOTES : 0);
		if (quote)
			JBUF_LIT(b, "\"");
	}
	if (last)
		JBUF_LIT(b, "\r\n");
	else
		JBUF_LIT(b, ",");
}

static void put_cstr(jbuf *b, const char *s)
{
	put_field(b, s, s ? strlen(s) : 0, false);
}

static void put_uint(jbuf *b, uint64_t v)
{
	jbuf_uint(b, v);
	JBUF_LIT(b, ",");
}

static int csv_begin(reporter *r)
{
	fputs("doc,doc_title,doc_date,doc_source,doc_url,point,clause,title,stance,certainty,signal,line,column,"
	      "start,end,sentence,evidence,cues,source,weight\r\n", r->out);
	return ferror(r->out) ? -1 : 0;
}

/* Evidence texts, or cues as "kind: text", joined with "; " (the length
 * in *out_len; a text may hold a NUL byte). */
static char *joined(const cli_finding *f, bool cues, size_t *out_len)
{
	size_t cap = 1, o = 0;
	size_t n = cues ? f->n_cues : f->n_evidence;
	for (size_t i = 0; i < n; i++)
		cap += (cues ? f->cues[i].len + 16 : (size_t)(f->evidence[i].end - f->evidence[i].start)) + 2;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (cues) {
			const char *kind = cue_kind_name(f->cues[i].kind);
			if (o)
				bytes_append(s, &o, "; ", 2);
			bytes_append(s, &o, kind, strlen(kind));
			bytes_append(s, &o, ": ", 2);
			bytes_append(s, &o, f->cues[i].text, f->cues[i].len);
		} else if (f->evidence[i].start >= f->start && f->evidence[i].end <= held_end(f) &&
		           f->evidence[i].start <= f->evidence[i].end) {
			if (o)
				bytes_append(s, &o, "; ", 2);
			bytes_append(s, &o, f->sentence + (f->evidence[i].start - f->start),
			       (size_t)(f->evidence[i].end - f->evidence[i].start));
		}
	}
	s[o] = '\0';
	*out_len = o;
	return s;
}

/* A finding's row, onto the rows formatted before it: a stream and a
 * call a piece cost 2,700 instructions a row. */
static void csv_append(const reporter *r, jbuf *b, const doc_result *doc, const cli_finding *f, size_t *hole)
{
	size_t evidence_len = 0, cues_len = 0;
	char *evidence = joined(f, false, &evidence_len), *cues = joined(f, true, &cues_len);
	if (!evidence || !cues) {
		b->failed = true;
		goto out;
	}
	put_cstr(b, doc->name);
	put_cstr(b, doc->meta.title);
	put_cstr(b, doc->meta.date);
	put_cstr(b, doc->meta.source);
	put_cstr(b, doc->meta.url);
	if (ps_clause_point(f->clause) > 0)
		jbuf_uint(b, (uint64_t)ps_clause_point(f->clause));
	JBUF_LIT(b, ",");
	put_cstr(b, ps_clause_id(f->clause));
	put_cstr(b, ps_clause_title(f->clause));
	put_cstr(b, ps_stance_name(f->stance));
	put_cstr(b, ps_certainty_name(f->certainty));
	put_cstr(b, f->signal);
	put_uint(b, f->line);
	put_uint(b, f->column);
	put_uint(b, f->start);
	put_uint(b, f->end);
	put_field(b, f->sentence, f->sentence_len, false);
	put_field(b, evidence, evidence_len, false);
	put_field(b, cues, cues_len, false);
	put_field(b, f->source, f->source_len, false);
	char weight[32];
	int n = snprintf(weight, sizeof weight, "%g\r\n", f->weight);
	if (n > 0 && (size_t)n < sizeof weight)
		jbuf_put(b, weight, (size_t)n);
	else
		b->failed = true;
out:
	free(evidence);
	free(cues);
}

static int csv_place(reporter *r, const doc_result *doc, const formatted_finding *ff, const char *bytes)
{
	return fwrite(bytes, 1, ff->len, r->out) == ff->len ? 0 : -1;
}

static int csv_document(reporter *r, const doc_result *doc, const doc_tally *t)
{
	return ferror(r->out) ? -1 : 0;
}

static int csv_finish(reporter *r, const run_summary *sum)
{
	return ferror(r->out) ? -1 : 0;
}

void reporter_csv(reporter *r)
{
	r->begin = csv_begin;
	r->append = csv_append;
	r->place = csv_place;
	r->document = csv_document;
	r->finish = csv_finish;
}
