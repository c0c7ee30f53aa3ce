/* A reporting run, shared by scan and merge: documents come in order, and
 * each document's findings in order, a batch at a time, ahead of the
 * document's end; each finding is checked against the baseline and
 * --fail-on, put in the report by the format's writer and counted; at the
 * document's end the writer and the summary get its counts; the end of the
 * run writes the summary, commits the output file and decides the exit
 * status. */
#ifndef PS_RUN_H
#define PS_RUN_H

#include "baseline.h"
#include "outfile.h"
#include "progress.h"
#include "reporter.h"

typedef struct report_run {
	const cli_options *opts;
	const ps_ruleset *rules;
	bool *selected;            /* --clause, indexed like the ruleset; NULL for all */
	baseline *base;            /* --baseline, or NULL */
	outfile out;
	reporter rep;
	run_summary sum;
	doc_tally tally;           /* the findings reported so far of the document being reported */
	finding_batch scratch;     /* findings formatted on this thread, until placed */
	progress prog;
	bool fail_matched, incomplete, write_failed;
	int write_errno;           /* errno at the first failed write */
	bool aborted;              /* give up: no report, exit 2, the message already printed */
} report_run;

/* Set up the clause selection, baseline, output file, writer and summary.
 * Returns 0, or -1 with a message printed (exit 2). */
int run_open(report_run *run, const cli_options *o, const ps_ruleset *rules);
/* The writer, for formatting findings on other threads ahead of their
 * reporting (reporter_format), or NULL when findings must come as copies:
 * with a baseline, or a writer that formats only in report order. */
const reporter *run_writer_ahead(const report_run *run);
/* Report some findings of a document (its name and metadata final), ahead
 * of its end; the batch is emptied. */
void run_findings(report_run *run, const doc_result *doc, finding_batch *b);
/* Report the rest of a document's findings and its end (taking it: it is
 * freed). */
void run_deliver(report_run *run, doc_result *doc);
/* Print a message that belongs between documents on stderr. */
void run_notice(report_run *run, const char *text, size_t len);
/* Finish the report and release everything; returns the exit status. */
int run_close(report_run *run);

#endif
