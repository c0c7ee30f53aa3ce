/* --format text: findings grouped by document and clause, then a summary.
 * Findings arrive in document order; each clause's findings wait in a spool
 * until the document ends, and are then written clause by clause. */
#include <stdlib.h>
#include <string.h>

#include "reporter.h"
#include "spool.h"

#define C_RESET "\033[0m"
#define C_PATH "\033[35m"
#define C_BOLD "\033[1m"
#define C_MARK "\033[1;4m"
#define C_SUPPORT "\033[32m"
#define C_CONFLICT "\033[31m"
#define C_DIM "\033[2m"

static void on(const reporter *r, FILE *out, const char *code)
{
	if (r->color)
		fputs(code, out);
}

/* Print bytes for one line of a terminal: invalid UTF-8 as U+FFFD, control
 * characters (line ends included) as spaces. Written where they are: a
 * copy to clean, then to mask, was two thirds of a finding's cost. */
static void put_clean(FILE *out, const char *s, size_t len)
{
	put_utf8(out, s, len, PUT_SPACE_CONTROLS);
}

/* on() and put_clean() for a finding's bytes, formatted onto a jbuf: a
 * stream and a call a piece cost 3,300 instructions a finding. */
static void on_b(const reporter *r, jbuf *b, const char *code)
{
	if (r->color)
		jbuf_put(b, code, strlen(code));
}

static void clean_b(jbuf *b, const char *s, size_t len)
{
	jbuf_utf8(b, s, len, PUT_SPACE_CONTROLS);
}

/* The spans by start, in place. A finding has a few (its act and the
 * words it needs): qsort's call and comparisons through a pointer were 260
 * instructions a finding, more than this sort takes. */
static void sort_by_start(ps_span *spans, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		ps_span v = spans[i];
		size_t k = i;
		for (; k > 0 && spans[k - 1].start > v.start; k--)
			spans[k] = spans[k - 1];
		spans[k] = v;
	}
}

/* The sentence with each piece of evidence marked. */
static void put_marked(const reporter *r, jbuf *b, const cli_finding *f)
{
	ps_span spans[32];
	size_t n = 0;
	for (size_t i = 0; i < f->n_evidence && n < 32; i++)
		if (f->evidence[i].start >= f->start && f->evidence[i].end <= held_end(f) &&
		    f->evidence[i].start <= f->evidence[i].end)
			spans[n++] = (ps_span){ f->evidence[i].start - f->start, f->evidence[i].end - f->start };
	sort_by_start(spans, n);
	size_t pos = 0;
	for (size_t i = 0; i < n; i++) {
		size_t a = (size_t)spans[i].start, e = (size_t)spans[i].end;
		if (e <= pos)
			continue;
		if (a < pos)
			a = pos;
		while (i + 1 < n && spans[i + 1].start <= e) {
			if (spans[i + 1].end > e)
				e = (size_t)spans[i + 1].end;
			i++;
		}
		clean_b(b, f->sentence + pos, a - pos);
		if (r->color)
			on_b(r, b, C_MARK);
		else
			JBUF_LIT(b, "[");
		clean_b(b, f->sentence + a, e - a);
		if (r->color)
			on_b(r, b, C_RESET);
		else
			JBUF_LIT(b, "]");
		pos = e;
	}
	clean_b(b, f->sentence + pos, f->sentence_len - pos);
}

/* The document's metadata on one line: "title: ...; date: ...". */
static void put_meta(const reporter *r, const doc_meta *m)
{
	const char *names[] = { "title", "date", "source", "url" };
	const char *values[] = { m->title, m->date, m->source, m->url };
	bool any = false;
	for (size_t i = 0; i < 4; i++) {
		if (!values[i])
			continue;
		fprintf(r->out, "%s%s: ", any ? "; " : "  ", names[i]);
		put_clean(r->out, values[i], strlen(values[i]));
		any = true;
	}
	if (any)
		fputc('\n', r->out);
}

/* A finding's lines under its clause's heading. */
static void text_append(const reporter *r, jbuf *b, const doc_result *doc, const cli_finding *f, size_t *hole)
{
	JBUF_LIT(b, "    ");
	clean_b(b, doc->name, strlen(doc->name));
	JBUF_LIT(b, ":");
	jbuf_uint(b, f->line);
	JBUF_LIT(b, ":");
	jbuf_uint(b, f->column);
	JBUF_LIT(b, ": ");
	on_b(r, b, f->stance == PS_STANCE_CONFLICT ? C_CONFLICT : C_SUPPORT);
	jbuf_put(b, ps_stance_name(f->stance), strlen(ps_stance_name(f->stance)));
	on_b(r, b, C_RESET);
	JBUF_LIT(b, " (");
	jbuf_put(b, ps_certainty_name(f->certainty), strlen(ps_certainty_name(f->certainty)));
	if (f->source) {
		JBUF_LIT(b, ", source: ");
		clean_b(b, f->source, f->source_len);
	}
	JBUF_LIT(b, ") [");
	clean_b(b, f->signal, strlen(f->signal));
	if (r->baseline && !f->is_new)
		JBUF_LIT(b, "] (in the baseline)\n      ");
	else
		JBUF_LIT(b, "]\n      ");
	put_marked(r, b, f);
	JBUF_LIT(b, "\n");
	if (f->n_cues) {
		JBUF_LIT(b, "      ");
		on_b(r, b, C_DIM);
		JBUF_LIT(b, "cues:");
		for (size_t k = 0; k < f->n_cues; k++) {
			if (k)
				JBUF_LIT(b, "; ");
			else
				JBUF_LIT(b, " ");
			const char *kind = cue_kind_name(f->cues[k].kind);
			jbuf_put(b, kind, strlen(kind));
			JBUF_LIT(b, " \"");
			clean_b(b, f->cues[k].text, f->cues[k].len);
			JBUF_LIT(b, "\"");
		}
		on_b(r, b, C_RESET);
		JBUF_LIT(b, "\n");
	}
}

/* The document's name and metadata, then its findings clause by clause,
 * each clause in document order. */
static int text_document(reporter *r, const doc_result *doc, const doc_tally *t)
{
	clause_spools *st = r->state;
	int rc = 0;
	if (doc->skipped || t->findings == 0)
		return ferror(r->out) ? -1 : 0;
	on(r, r->out, C_PATH);
	put_clean(r->out, doc->name, strlen(doc->name));
	on(r, r->out, C_RESET);
	fputc('\n', r->out);
	put_meta(r, &doc->meta);
	for (size_t ci = 0; ci < st->n_clauses; ci++) {
		if (!t->clauses[ci].support && !t->clauses[ci].conflict)
			continue;
		const ps_clause *c = ps_ruleset_clause(r->sum->rules, ci);
		fputs("  ", r->out);
		on(r, r->out, C_BOLD);
		if (ps_clause_point(c))
			fprintf(r->out, "point %d", ps_clause_point(c));
		else
			fputs("added", r->out);
		fprintf(r->out, " %s", ps_clause_id(c));
		on(r, r->out, C_RESET);
		fprintf(r->out, ": %s\n", ps_clause_title(c));
		if (spool_copy(&st->clauses[ci], r->out) != 0)
			rc = -1;
	}
	fputc('\n', r->out);
	return rc || ferror(r->out) ? -1 : 0;
}

static int text_finish(reporter *r, const run_summary *sum)
{
	if (r->quiet)
		return ferror(r->out) ? -1 : 0;
	return summary_write_text(r->out, sum, r->timeline);
}

int reporter_text(reporter *r)
{
	if (reporter_clause_spools(r) != 0)
		return -1;
	r->append = text_append;
	r->document = text_document;
	r->finish = text_finish;
	return 0;
}
