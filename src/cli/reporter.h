/* The writers of the output formats. Each gets the findings in document
 * order, a few at a time, then the end of their document, documents in
 * order, and the summary at the end.
 *
 * A finding's output is made in two steps, so that the threads that scan
 * can take the first: append() writes it onto the bytes formatted so far,
 * reading nothing that changes during the run; place() then puts those
 * bytes where they belong in the report, on the main thread, and fills in
 * what only report order tells (SARIF's artifact index, html's finding
 * number). */
#ifndef PS_REPORTER_H
#define PS_REPORTER_H

#include "jsonbuf.h"
#include "spool.h"
#include "summary.h"

typedef struct reporter {
	FILE *out;
	bool color;
	bool quiet;                /* text: no summary */
	fail_on fail;              /* what fails the run: SARIF levels, JUnit failures */
	bool baseline;             /* a baseline is in use: say which findings are new */
	timeline_unit timeline;
	const run_summary *sum;    /* the rules, the clauses reported, and the counts so far */
	void *state;               /* the writer's own, released by release() */
	int (*begin)(struct reporter *r);
	/* Append the finding's output to b, which holds what was formatted
	 * before it (b->failed says memory ran out); set *hole to b's length
	 * where a number goes that place() supplies (SARIF's artifact index,
	 * html's finding number), or leave it. Onto a jbuf, not through a
	 * stream: the stream, its buffer and a flush a finding cost a sixth of
	 * writing a finding's JSON Lines. May run on any thread, several at
	 * once. */
	void (*append)(const struct reporter *r, jbuf *b, const doc_result *doc, const cli_finding *f, size_t *hole);
	int (*place)(struct reporter *r, const doc_result *doc, const formatted_finding *ff, const char *bytes);
	/* The end of a document: t is what its findings added up to. */
	int (*document)(struct reporter *r, const doc_result *doc, const doc_tally *t);
	int (*finish)(struct reporter *r, const run_summary *sum);
	void (*release)(struct reporter *r);
} reporter;

/* Set up the writer for a format; r->sum must be set. Returns 0, or -1
 * without memory. */
int reporter_init(reporter *r, output_format format);

/* The state of a writer that prints a document's findings clause by
 * clause (text, JUnit): the findings formatted so far, a spool a clause. */
typedef struct clause_spools {
	spool *clauses;            /* by clause index */
	size_t n_clauses;
} clause_spools;

/* Give r a clause_spools (r->state, freed by r->release) with a spool for
 * each clause of r->sum->rules, and the place() that files each finding's
 * bytes under its clause. Returns 0, or -1 without memory. */
int reporter_clause_spools(reporter *r);

/* Format a finding (with the writer's append()) onto the end of the
 * batch's output, and record it there. Returns 0, or -1 without memory. */
int reporter_format(const reporter *r, finding_batch *b, const doc_result *doc, const cli_finding *f);

int reporter_text(reporter *r);
void reporter_summary(reporter *r);
void reporter_jsonl(reporter *r);
int reporter_json(reporter *r);
int reporter_sarif(reporter *r);

/* The pieces of a SARIF result (report_sarif.c), apart for the test that
 * compares the result with the jansson tree it replaced. */
/* A document name as a URI reference (malloc'd, *len bytes), or NULL. */
char *sarif_uri(const char *name, size_t *len);
/* The result's message text (malloc'd, *len bytes), or NULL. */
char *sarif_message(const cli_finding *f, size_t *len);
/* The line and code-point column after the sentence's last character,
 * counting lines as the library does (LF, CRLF, CR). */
void sarif_sentence_end(const cli_finding *f, uint64_t *line, uint64_t *column);
/* The finding's partial fingerprint, 16 hex digits. */
void sarif_fingerprint(const doc_result *doc, const cli_finding *f, char hex[17]);
/* "error" for a finding that fails the run, else "warning" or "note". */
const char *sarif_level(const cli_finding *f);
/* Append the result for f to b, with nothing where its artifact's index
 * goes: *hole is that offset. Returns 0, or -1 without memory. */
int sarif_result_append(jbuf *b, const doc_result *doc, const cli_finding *f, size_t rule_index, bool baseline,
                        size_t *hole);
int reporter_junit(reporter *r);
void reporter_csv(reporter *r);
int reporter_html(reporter *r);

/* The summary as text that fits an 80-column terminal. */
int summary_write_text(FILE *out, const run_summary *sum, timeline_unit unit);

#endif
