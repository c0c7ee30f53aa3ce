/* --format summary, and the end of --format text: the run's summary as text
 * that reads on an 80-column terminal. Long names are shortened in the
 * middle, where a file name is least telling. */
#include <stdlib.h>
#include <string.h>

#include "reporter.h"

/* Print s in exactly width columns (one per code point): shortened with
 * "..." in the middle when longer, padded with spaces when pad. */
static void put_fit(FILE *out, const char *s, size_t width, bool pad)
{
	size_t clean_len = 0;
	char *clean = utf8_clean(s, strlen(s), &clean_len);
	if (!clean)
		return;
	for (size_t i = 0; i < clean_len; i++)
		if ((unsigned char)clean[i] < 0x20 || clean[i] == 0x7F)
			clean[i] = ' ';
	size_t w = utf8_width(clean, clean_len);
	if (w <= width) {
		fputs(clean, out);
		for (size_t i = w; pad && i < width; i++)
			fputc(' ', out);
		free(clean);
		return;
	}
	/* Keep head and tail code points around "...". */
	size_t keep = width > 3 ? width - 3 : 0, head = keep / 2, tail = keep - head;
	size_t i = 0, cp = 0;
	while (i < clean_len && cp < head) {
		i++;
		while (i < clean_len && ((unsigned char)clean[i] & 0xC0) == 0x80)
			i++;
		cp++;
	}
	fwrite(clean, 1, i, out);
	fputs(width >= 3 ? "..." : "", out);
	size_t j = clean_len;
	for (cp = 0; j > 0 && cp < tail; cp++) {
		j--;
		while (j > 0 && ((unsigned char)clean[j] & 0xC0) == 0x80)
			j--;
	}
	fputs(clean + j, out);
	free(clean);
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void put_counts_line(FILE *out, const char *label, const size_t *n, const char *const *names, size_t k)
{
	bool any = false;
	for (size_t i = 0; i < k; i++) {
		if (!n[i])
			continue;
		fprintf(out, "%s %zu %s", any ? "," : label, n[i], names[i]);
		any = true;
	}
	if (any)
		fputc('\n', out);
}

static void put_header(FILE *out, const run_summary *sum)
{
	fprintf(out, "%zu %s: %zu scanned, %zu skipped, %zu incomplete\n", sum->documents,
	        plural(sum->documents, "document", "documents"), sum->scanned, sum->skipped, sum->incomplete);
	const size_t skips[] = { sum->skips[SKIP_BINARY], sum->skips[SKIP_UTF16], sum->skips[SKIP_UNREADABLE],
		                 sum->skips[SKIP_MALFORMED], sum->skips[SKIP_OTHER] };
	static const char *const skip_names[] = { "binary", "UTF-16", "unreadable", "malformed records",
		                                  "not regular files" };
	put_counts_line(out, "skipped:", skips, skip_names, 5);
	const size_t walk[] = { sum->walk.hidden, sum->walk.excluded, sum->walk.links, sum->walk.loops };
	const char *const walk_names[] = { "hidden", "excluded", plural(sum->walk.links, "link to a directory",
		                                                         "links to directories"),
		                           plural(sum->walk.loops, "link loop", "link loops") };
	put_counts_line(out, "not read:", walk, walk_names, 4);
	fprintf(out, "%zu %s in %llu sentences (%llu in the setting): %zu support, %zu conflict\n", sum->findings,
	        plural(sum->findings, "finding", "findings"), (unsigned long long)sum->sentences,
	        (unsigned long long)sum->in_setting, sum->support, sum->conflict);
	if (sum->findings)
		fprintf(out, "certainty: %zu asserted, %zu attributed, %zu hedged\n",
		        sum->findings - sum->attributed - sum->hedged, sum->attributed, sum->hedged);
	if (sum->baseline)
		fprintf(out, "%zu %s not in the baseline\n", sum->new_findings,
		        plural(sum->new_findings, "finding is", "findings are"));
}

static void put_matrix(FILE *out, const run_summary *sum)
{
	fprintf(out, "\n%27s%s  %s\n", "", "------- documents --------", "-- sentences --");
	fprintf(out, "%2s %-24s%5s%5s%5s%5s%6s  %5s%5s%5s\n", "pt", "clause", "sup", "con", "mix", "hdg", "none",
	        "sup", "con", "hdg");
	for (size_t i = 0; i < ps_ruleset_clause_count(sum->rules); i++) {
		if (!summary_selected(sum, i))
			continue;
		const ps_clause *c = ps_ruleset_clause(sum->rules, i);
		const clause_counts *cc = &sum->clauses[i];
		char point[16];
		snprintf(point, sizeof point, ps_clause_point(c) ? "%d" : "-", ps_clause_point(c));
		fprintf(out, "%2s ", point);
		put_fit(out, ps_clause_id(c), 24, true);
		fprintf(out, "%5zu%5zu%5zu%5zu%6zu  %5zu%5zu%5zu\n", cc->verdicts[VERDICT_SUPPORTS],
		        cc->verdicts[VERDICT_CONFLICTS], cc->verdicts[VERDICT_MIXED], cc->docs_hedged,
		        cc->verdicts[VERDICT_NONE], cc->support, cc->conflict, cc->hedged);
	}
	fputs("documents: sup supports only, con conflicts only, mix both, hdg with a\n"
	      "hedged finding, none not mentioned; sentences: findings by stance, hedged\n", out);
}

static void put_documents(FILE *out, const run_summary *sum)
{
	fprintf(out, "\nverdicts: %zu supports, %zu conflicts, %zu mixed, %zu not mentioned\n",
	        sum->verdicts[VERDICT_SUPPORTS], sum->verdicts[VERDICT_CONFLICTS], sum->verdicts[VERDICT_MIXED],
	        sum->verdicts[VERDICT_NONE]);
	if (!sum->n_docs)
		return;
	fprintf(out, "%-13s %5s %5s  %s\n", "verdict", "sup", "con", "document");
	for (size_t i = 0; i < sum->n_docs; i++) {
		const doc_line *d = &sum->docs[i];
		if (d->skipped)
			fprintf(out, "%-13s %5s %5s  ", "skipped", "-", "-");
		else
			fprintf(out, "%-13s %5zu %5zu  ", verdict_name(d->v), d->support, d->conflict);
		/* 27 columns before the name: 53 left of 80. */
		put_fit(out, d->name, d->incomplete ? 40 : 53, false);
		fputs(d->incomplete ? " (incomplete)\n" : "\n", out);
	}
}

/* A short label for a timeline column: "10-24" for a day, "W43" for a
 * week (the title gives the years). */
static void short_label(char buf[16], int64_t first_day, timeline_unit unit)
{
	char full[16];
	timeline_label(full, first_day, unit);
	snprintf(buf, 16, "%s", unit == TIMELINE_WEEK ? full + 5 : full + 5);
}

/* The timeline as a clause-by-period table of support/conflict counts, in
 * blocks of TIMELINE_COLUMNS periods so that it fits 80 columns. */
#define TIMELINE_COLUMNS 8
static int put_timeline(FILE *out, const run_summary *sum, timeline_unit asked)
{
	timeline_unit unit = summary_timeline_unit(sum, asked);
	timeline_bucket *b = NULL;
	size_t nb = summary_timeline(sum, unit, &b);
	size_t n = ps_ruleset_clause_count(sum->rules);
	if (nb == (size_t)-1)
		return -1;
	for (size_t first = 0; first < nb; first += TIMELINE_COLUMNS) {
		size_t last = first + TIMELINE_COLUMNS < nb ? first + TIMELINE_COLUMNS : nb;
		char from[16], to[16], label[16];
		timeline_label(from, b[first].first_day, unit);
		timeline_label(to, b[last - 1].first_day, unit);
		fprintf(out, "\ntimeline by %s, %s to %s: support/conflict findings\n", unit == TIMELINE_WEEK ? "week" : "day",
		        from, to);
		if (first == 0)
			fprintf(out, "(%zu dated %s, %zu undated)\n", sum->dated, plural(sum->dated, "document", "documents"),
			        sum->undated);
		fprintf(out, "%-23s", "clause");
		for (size_t k = first; k < last; k++) {
			short_label(label, b[k].first_day, unit);
			fprintf(out, "%7s", label);
		}
		fputc('\n', out);
		for (size_t i = 0; i < n; i++) {
			size_t any = 0;
			for (size_t k = first; k < last; k++)
				any += b[k].counts[i * 2] + b[k].counts[i * 2 + 1];
			if (!summary_selected(sum, i) || !any)
				continue;
			put_fit(out, ps_clause_id(ps_ruleset_clause(sum->rules, i)), 23, true);
			for (size_t k = first; k < last; k++) {
				size_t s = b[k].counts[i * 2], c = b[k].counts[i * 2 + 1];
				char cell[48];
				if (s || c)
					snprintf(cell, sizeof cell, "%zu/%zu", s, c);
				else
					snprintf(cell, sizeof cell, ".");
				fprintf(out, "%7s", cell);
			}
			fputc('\n', out);
		}
	}
	timeline_free(b, nb);
	return 0;
}

int summary_write_text(FILE *out, const run_summary *sum, timeline_unit unit)
{
	put_header(out, sum);
	if (sum->scanned) {
		put_matrix(out, sum);
		put_documents(out, sum);
		if (put_timeline(out, sum, unit) != 0)
			return -1;
	} else if (sum->n_docs) {
		put_documents(out, sum);
	}
	return ferror(out) ? -1 : 0;
}

static int summary_document(reporter *r, const doc_result *doc, const doc_tally *t)
{
	return 0;
}

static int summary_finish(reporter *r, const run_summary *sum)
{
	return summary_write_text(r->out, sum, r->timeline);
}

void reporter_summary(reporter *r)
{
	r->document = summary_document;
	r->finish = summary_finish;
}
