#include "run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

int reporter_init(reporter *r, output_format format)
{
	switch (format) {
	case FORMAT_TEXT: return reporter_text(r);
	case FORMAT_SUMMARY: reporter_summary(r); return 0;
	case FORMAT_JSONL: reporter_jsonl(r); return 0;
	case FORMAT_JSON: return reporter_json(r);
	case FORMAT_SARIF: return reporter_sarif(r);
	case FORMAT_JUNIT: return reporter_junit(r);
	case FORMAT_CSV: reporter_csv(r); return 0;
	case FORMAT_HTML: return reporter_html(r);
	}
	return -1;
}

static int clause_spools_place(reporter *r, const doc_result *doc, const formatted_finding *ff, const char *bytes)
{
	(void)doc;
	clause_spools *st = r->state;
	return spool_write(&st->clauses[ff->clause], bytes, ff->len);
}

static void clause_spools_release(reporter *r)
{
	clause_spools *st = r->state;
	if (st)
		spool_array_free(st->clauses, st->n_clauses);
	free(st);
	r->state = NULL;
}

int reporter_clause_spools(reporter *r)
{
	clause_spools *st = calloc(1, sizeof(*st));
	if (!st)
		return -1;
	r->state = st;
	r->release = clause_spools_release;
	st->n_clauses = ps_ruleset_clause_count(r->sum->rules);
	st->clauses = spool_array_new(st->n_clauses);
	if (!st->clauses)
		return -1;
	r->place = clause_spools_place;
	return 0;
}

int reporter_format(const reporter *r, finding_batch *b, const doc_result *doc, const cli_finding *f)
{
	if (b->n_done == b->cap_done) {
		size_t cap = b->cap_done ? b->cap_done * 2 : 64;
		formatted_finding *grown = realloc(b->done, cap * sizeof(*grown));
		if (!grown)
			return -1;
		b->done = grown;
		b->cap_done = cap;
	}
	formatted_finding *ff = &b->done[b->n_done];
	*ff = (formatted_finding){ .clause = ps_clause_index(f->clause), .stance = f->stance, .certainty = f->certainty,
	                           .is_new = f->is_new, .fails = f->fails, .line = f->line, .column = f->column,
	                           .hole = NO_HOLE };
	/* A writer with no finding's output (summary) counts the findings only. */
	if (r->append) {
		jbuf j;
		size_t hole = NO_HOLE;
		jbuf_adopt(&j, b->out, b->out_len, b->out_cap);
		r->append(r, &j, doc, f, &hole);
		/* Grown or not, the bytes are where j says (a failed realloc
		 * leaves them where they were). */
		b->out = j.text;
		b->out_cap = j.cap;
		if (j.failed)
			return -1;
		ff->len = j.len - b->out_len;
		if (hole != NO_HOLE)
			ff->hole = hole - b->out_len; /* from the finding's first byte */
		b->out_len = j.len;
	}
	b->n_done++;
	return 0;
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

/* The report's first failed write. The run goes on (counting, writing
 * nothing more), and run_close names the cause as errno said it then: by
 * the end, other calls have changed errno (a sanitizer's own calls made an
 * ignored SIGPIPE's EPIPE read as EBADF). */
static void note_write_failure(report_run *run)
{
	if (!run->write_failed)
		run->write_errno = errno;
	run->write_failed = true;
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
	if (summary_init(&run->sum, rules, run->selected) != 0 || tally_init(&run->tally, rules) != 0) {
		fputs("pactscan: out of memory\n", stderr);
		goto fail;
	}
	run->sum.baseline = run->base != NULL;
	run->sum.keep_docs = o->format == FORMAT_TEXT || o->format == FORMAT_SUMMARY;
	if (outfile_open(&run->out, o->output) != 0)
		goto fail;
	/* jansson picks its hash seed on first use; before any thread does. */
	json_object_seed(0);
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
		note_write_failure(run);
	return 0;
fail:
	if (run->rep.release)
		run->rep.release(&run->rep);
	outfile_abort(&run->out);
	summary_free(&run->sum);
	tally_free(&run->tally);
	baseline_free(run->base);
	free(run->selected);
	memset(run, 0, sizeof(*run));
	return -1;
}

const reporter *run_writer_ahead(const report_run *run)
{
	/* Whether a finding is new against a baseline depends on the findings
	 * before it. */
	return run->base ? NULL : &run->rep;
}

void run_notice(report_run *run, const char *text, size_t len)
{
	if (!len)
		return;
	progress_clear(&run->prog);
	fwrite(text, 1, len, stderr);
}

/* Count formatted findings and put their bytes in the report. */
static void place_all(report_run *run, const doc_result *doc, const finding_batch *b)
{
	size_t at = 0;
	for (size_t i = 0; i < b->n_done; i++) {
		const formatted_finding *ff = &b->done[i];
		tally_add(&run->tally, ff->clause, ff->stance, ff->certainty, ff->is_new, ff->fails);
		run->fail_matched = run->fail_matched || ff->fails;
		if (ff->len > b->out_len - at) {
			errno = ENOMEM; /* the stream lost bytes */
			note_write_failure(run);
		}
		if (!run->write_failed && run->rep.place && run->rep.place(&run->rep, doc, ff, b->out + at) != 0)
			note_write_failure(run);
		at += ff->len;
	}
}

void run_findings(report_run *run, const doc_result *doc, finding_batch *b)
{
	place_all(run, doc, b);
	for (size_t i = 0; i < b->n; i++) {
		cli_finding *f = &b->findings[i];
		f->is_new = !run->base || !baseline_take(run->base, doc->name, ps_clause_id(f->clause), f->signal,
		                                         f->sentence, f->sentence_len);
		f->fails = f->is_new && finding_fails(run->opts->fail, f->stance);
		if (reporter_format(&run->rep, &run->scratch, doc, f) != 0) {
			errno = ENOMEM;
			note_write_failure(run);
		}
	}
	if (run->scratch.n_done)
		place_all(run, doc, &run->scratch);
	batch_clear(&run->scratch);
	batch_clear(b);
}

void run_deliver(report_run *run, doc_result *doc)
{
	run_findings(run, doc, &doc->found);
	run_notice(run, doc->messages, doc->messages_len);
	if (doc->skipped || doc->incomplete)
		run->incomplete = true;
	if (!run->write_failed && run->rep.document(&run->rep, doc, &run->tally) != 0)
		note_write_failure(run);
	summary_add(&run->sum, doc, &run->tally);
	if (run->sum.nomem) {
		fprintf(stderr, "pactscan: out of memory\n");
		run->incomplete = true;
		run->sum.nomem = false;
	}
	progress_document(&run->prog, doc->stats.bytes, run->tally.findings);
	tally_reset(&run->tally);
	doc_free(doc);
}

int run_close(report_run *run)
{
	int status = EXIT_CLEAN;
	if (!run->write_failed && !run->aborted && run->rep.finish(&run->rep, &run->sum) != 0)
		note_write_failure(run);
	progress_clear(&run->prog);
	if (run->write_failed || run->aborted) {
		if (!run->aborted && run->write_errno != EPIPE)
			fprintf(stderr, "pactscan: cannot write the report: %s\n", strerror(run->write_errno));
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
	tally_free(&run->tally);
	batch_free(&run->scratch);
	baseline_free(run->base);
	free(run->selected);
	memset(run, 0, sizeof(*run));
	return status;
}
