#include "run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int reporter_init(reporter *r, output_format format)
{
	switch (format) {
	case FORMAT_TEXT: reporter_text(r); return 0;
	case FORMAT_SUMMARY: reporter_summary(r); return 0;
	case FORMAT_JSONL: reporter_jsonl(r); return 0;
	case FORMAT_JSON: return reporter_json(r);
	case FORMAT_SARIF: return reporter_sarif(r);
	case FORMAT_JUNIT: reporter_junit(r); return 0;
	case FORMAT_CSV: reporter_csv(r); return 0;
	case FORMAT_HTML: return reporter_html(r);
	}
	return -1;
}

/* --clause: the clauses to report, by id. */
static int select_clauses(report_run *run, const cli_options *o)
{
	if (!o->n_clauses)
		return 0;
	run->selected = calloc(ps_ruleset_clause_count(run->rules) + 1, sizeof(bool));
	if (!run->selected) {
		fputs("pactscan: out of memory\n", stderr);
		return -1;
	}
	for (size_t i = 0; i < o->n_clauses; i++) {
		const ps_clause *c = ps_ruleset_find_clause(run->rules, o->clauses[i]);
		if (!c) {
			usage_error("--clause: no clause '%s' in the rules; 'pactscan list' shows them", o->clauses[i]);
			return -1;
		}
		run->selected[ps_clause_index(c)] = true;
	}
	return 0;
}

int run_open(report_run *run, const cli_options *o, const ps_ruleset *rules)
{
	memset(run, 0, sizeof(*run));
	run->opts = o;
	run->rules = rules;
	if (select_clauses(run, o) != 0)
		goto fail;
	if (o->baseline && baseline_load(&run->base, o->baseline) != 0)
		goto fail;
	if (summary_init(&run->sum, rules, run->selected) != 0) {
		fputs("pactscan: out of memory\n", stderr);
		goto fail;
	}
	run->sum.baseline = run->base != NULL;
	if (outfile_open(&run->out, o->output) != 0)
		goto fail;
	const char *no_color = getenv("NO_COLOR");
	bool to_stdout = run->out.f == stdout;
	run->rep.out = run->out.f;
	run->rep.quiet = o->quiet;
	run->rep.fail = o->fail;
	run->rep.baseline = run->base != NULL;
	run->rep.timeline = o->timeline;
	run->rep.sum = &run->sum;
	run->rep.color = o->color == 1 ||
	                 (o->color == -1 && to_stdout && isatty(STDOUT_FILENO) && !(no_color && *no_color));
	if (reporter_init(&run->rep, o->format) != 0) {
		fputs("pactscan: out of memory\n", stderr);
		goto fail;
	}
	/* Not while the report itself goes to the same terminal: the two
	 * would interleave. */
	progress_init(&run->prog, isatty(STDERR_FILENO) && !(to_stdout && isatty(STDOUT_FILENO)));
	if (run->rep.begin && run->rep.begin(&run->rep) != 0)
		run->write_failed = true;
	return 0;
fail:
	if (run->rep.release)
		run->rep.release(&run->rep);
	outfile_abort(&run->out);
	summary_free(&run->sum);
	baseline_free(run->base);
	free(run->selected);
	memset(run, 0, sizeof(*run));
	return -1;
}

static bool matches_fail_on(fail_on fail, ps_stance s)
{
	switch (fail) {
	case FAIL_ANY: return true;
	case FAIL_CONFLICT: return s == PS_STANCE_CONFLICT;
	case FAIL_SUPPORT: return s == PS_STANCE_SUPPORT;
	case FAIL_NEVER: break;
	}
	return false;
}

void run_notice(report_run *run, const char *text, size_t len)
{
	if (!len)
		return;
	progress_clear(&run->prog);
	fwrite(text, 1, len, stderr);
}

void run_deliver(report_run *run, doc_result *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		cli_finding *f = &doc->findings[i];
		f->is_new = !run->base || !baseline_take(run->base, doc->name, ps_clause_id(f->clause), f->signal,
		                                         f->sentence, f->sentence_len);
		f->fails = f->is_new && matches_fail_on(run->opts->fail, f->stance);
		run->fail_matched = run->fail_matched || f->fails;
	}
	run_notice(run, doc->messages, doc->messages_len);
	if (doc->skipped || doc->incomplete)
		run->incomplete = true;
	if (!run->write_failed && run->rep.document(&run->rep, doc) != 0)
		run->write_failed = true;
	summary_add(&run->sum, doc);
	if (run->sum.nomem) {
		fprintf(stderr, "pactscan: out of memory\n");
		run->incomplete = true;
		run->sum.nomem = false;
	}
	progress_document(&run->prog, doc->stats.bytes, doc->n);
	doc_free(doc);
}

int run_close(report_run *run)
{
	int status = EXIT_CLEAN;
	if (!run->write_failed && !run->aborted && run->rep.finish(&run->rep, &run->sum) != 0)
		run->write_failed = true;
	progress_clear(&run->prog);
	if (run->write_failed || run->aborted) {
		if (!run->aborted && errno != EPIPE)
			fprintf(stderr, "pactscan: cannot write the report: %s\n", strerror(errno));
		if (run->out.f != stdout)
			outfile_abort(&run->out);
		status = EXIT_USAGE;
	} else if (outfile_commit(&run->out) != 0) {
		status = EXIT_USAGE;
	} else if (run->incomplete) {
		status = EXIT_INCOMPLETE;
	} else if (run->fail_matched) {
		status = EXIT_FAIL_ON;
	}
	if (run->rep.release)
		run->rep.release(&run->rep);
	summary_free(&run->sum);
	baseline_free(run->base);
	free(run->selected);
	memset(run, 0, sizeof(*run));
	return status;
}
