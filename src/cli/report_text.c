/* --format text: findings grouped by document and clause, then a summary. */
#include <stdlib.h>
#include <string.h>

#include "reporter.h"

#define C_RESET "\033[0m"
#define C_PATH "\033[35m"
#define C_BOLD "\033[1m"
#define C_MARK "\033[1;4m"
#define C_SUPPORT "\033[32m"
#define C_CONFLICT "\033[31m"
#define C_DIM "\033[2m"

static void on(reporter *r, const char *code)
{
	if (r->color)
		fputs(code, r->out);
}

/* Print bytes for one line of a terminal: invalid UTF-8 as U+FFFD, control
 * characters (line ends included) as spaces. */
static void put_clean(FILE *out, const char *s, size_t len)
{
	size_t clean_len = 0;
	char *clean = utf8_clean(s, len, &clean_len);
	if (!clean)
		return;
	for (size_t i = 0; i < clean_len; i++) {
		unsigned char c = (unsigned char)clean[i];
		if (c < 0x20 || c == 0x7F)
			clean[i] = ' ';
	}
	fwrite(clean, 1, clean_len, out);
	free(clean);
}

static int by_start(const void *a, const void *b)
{
	const ps_span *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* The sentence with each piece of evidence marked. */
static void put_marked(reporter *r, const cli_finding *f)
{
	ps_span spans[32];
	size_t n = 0;
	for (size_t i = 0; i < f->n_evidence && n < 32; i++)
		if (f->evidence[i].start >= f->start && f->evidence[i].end <= f->end)
			spans[n++] = (ps_span){ f->evidence[i].start - f->start, f->evidence[i].end - f->start };
	qsort(spans, n, sizeof(*spans), by_start);
	size_t pos = 0;
	for (size_t i = 0; i < n; i++) {
		size_t a = (size_t)spans[i].start, b = (size_t)spans[i].end;
		if (b <= pos)
			continue;
		if (a < pos)
			a = pos;
		while (i + 1 < n && spans[i + 1].start <= b) {
			if (spans[i + 1].end > b)
				b = (size_t)spans[i + 1].end;
			i++;
		}
		put_clean(r->out, f->sentence + pos, a - pos);
		if (r->color)
			on(r, C_MARK);
		else
			fputc('[', r->out);
		put_clean(r->out, f->sentence + a, b - a);
		if (r->color)
			on(r, C_RESET);
		else
			fputc(']', r->out);
		pos = b;
	}
	put_clean(r->out, f->sentence + pos, f->sentence_len - pos);
}

/* The document's metadata on one line: "title: ...; date: ...". */
static void put_meta(reporter *r, const doc_meta *m)
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

static int order_by_clause(const void *a, const void *b)
{
	const cli_finding *x = a, *y = b;
	size_t cx = ps_clause_index(x->clause), cy = ps_clause_index(y->clause);
	if (cx != cy)
		return cx < cy ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int text_document(reporter *r, const doc_result *doc)
{
	if (doc->skipped || doc->n == 0)
		return ferror(r->out) ? -1 : 0;
	cli_finding *sorted = malloc(doc->n * sizeof(*sorted));
	if (!sorted)
		return -1;
	memcpy(sorted, doc->findings, doc->n * sizeof(*sorted));
	qsort(sorted, doc->n, sizeof(*sorted), order_by_clause);
	on(r, C_PATH);
	put_clean(r->out, doc->name, strlen(doc->name));
	on(r, C_RESET);
	fputc('\n', r->out);
	put_meta(r, &doc->meta);
	const ps_clause *current = NULL;
	for (size_t i = 0; i < doc->n; i++) {
		const cli_finding *f = &sorted[i];
		if (f->clause != current) {
			current = f->clause;
			fputs("  ", r->out);
			on(r, C_BOLD);
			if (ps_clause_point(current))
				fprintf(r->out, "point %d", ps_clause_point(current));
			else
				fputs("added", r->out);
			fprintf(r->out, " %s", ps_clause_id(current));
			on(r, C_RESET);
			fprintf(r->out, ": %s\n", ps_clause_title(current));
		}
		fputs("    ", r->out);
		put_clean(r->out, doc->name, strlen(doc->name));
		fprintf(r->out, ":%llu:%llu: ", (unsigned long long)f->line, (unsigned long long)f->column);
		on(r, f->stance == PS_STANCE_CONFLICT ? C_CONFLICT : C_SUPPORT);
		fputs(ps_stance_name(f->stance), r->out);
		on(r, C_RESET);
		fprintf(r->out, " (%s", ps_certainty_name(f->certainty));
		if (f->source) {
			fputs(", source: ", r->out);
			put_clean(r->out, f->source, f->source_len);
		}
		fputs(") [", r->out);
		put_clean(r->out, f->signal, strlen(f->signal));
		fputs(r->baseline && !f->is_new ? "] (in the baseline)\n      " : "]\n      ", r->out);
		put_marked(r, f);
		fputc('\n', r->out);
		if (f->n_cues) {
			fputs("      ", r->out);
			on(r, C_DIM);
			fputs("cues:", r->out);
			for (size_t k = 0; k < f->n_cues; k++) {
				fprintf(r->out, "%s %s \"", k ? ";" : "", cue_kind_name(f->cues[k].kind));
				put_clean(r->out, f->cues[k].text, f->cues[k].len);
				fputc('"', r->out);
			}
			on(r, C_RESET);
			fputc('\n', r->out);
		}
	}
	fputc('\n', r->out);
	free(sorted);
	return ferror(r->out) ? -1 : 0;
}

static int text_finish(reporter *r, const run_summary *sum)
{
	if (r->quiet)
		return ferror(r->out) ? -1 : 0;
	return summary_write_text(r->out, sum, r->timeline);
}

void reporter_text(reporter *r)
{
	r->document = text_document;
	r->finish = text_finish;
}
