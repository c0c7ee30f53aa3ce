/* A reporting run, shared by scan and merge: documents come in order; each
 * is checked against the baseline and --fail-on, printed by the format's
 * writer, and counted in the summary; the end writes the summary, commits
 * the output file and decides the exit status. */
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
	progress prog;
	bool fail_matched, incomplete, write_failed;
	bool aborted;              /* give up: no report, exit 2, the message already printed */
} report_run;

/* Set up the clause selection, baseline, output file, writer and summary.
 * Returns 0, or -1 with a message printed (exit 2). */
int run_open(report_run *run, const cli_options *o, const ps_ruleset *rules);
/* Report one document (taking it: it is freed). */
void run_deliver(report_run *run, doc_result *doc);
/* Print a message that belongs between documents on stderr. */
void run_notice(report_run *run, const char *text, size_t len);
/* Finish the report and release everything; returns the exit status. */
int run_close(report_run *run);

#endif
