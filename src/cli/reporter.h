/* The writers of the output formats: each gets the documents in order, as
 * they are reported, and the summary at the end. */
#ifndef PS_REPORTER_H
#define PS_REPORTER_H

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
	int (*document)(struct reporter *r, const doc_result *doc);
	int (*finish)(struct reporter *r, const run_summary *sum);
	void (*release)(struct reporter *r);
} reporter;

/* Set up the writer for a format. Returns 0, or -1 without memory. */
int reporter_init(reporter *r, output_format format);

void reporter_text(reporter *r);
void reporter_summary(reporter *r);
void reporter_jsonl(reporter *r);
int reporter_json(reporter *r);
int reporter_sarif(reporter *r);
void reporter_junit(reporter *r);
void reporter_csv(reporter *r);
int reporter_html(reporter *r);

/* The summary as text that fits an 80-column terminal. */
int summary_write_text(FILE *out, const run_summary *sum, timeline_unit unit);

#endif
