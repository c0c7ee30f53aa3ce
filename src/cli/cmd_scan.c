/* The default command: scan documents and report findings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontmatter.h"
#include "inputs.h"
#include "report.h"

#define CHUNK 65536

typedef struct scan_run {
	const cli_options *opts;
	ps_scanner *scanner;
	reporter rep;
	run_summary sum;
	doc_result *doc;
	char *chunk;
	bool fail_matched, incomplete, write_failed;
} scan_run;

static int on_finding(const ps_finding *f, void *userdata)
{
	scan_run *run = userdata;
	return doc_add_finding(run->doc, f);
}

static void on_problem(const ps_diag *d, void *userdata)
{
	scan_run *run = userdata;
	run->doc->incomplete = true;
	fprintf(stderr, "%s:%zu:%zu: warning: %s\n", run->doc->name, d->line, d->column, d->message);
}

static bool matches_fail_on(const scan_run *run, const doc_result *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		ps_stance s = doc->findings[i].stance;
		switch (run->opts->fail) {
		case FAIL_ANY: return true;
		case FAIL_CONFLICT: if (s == PS_STANCE_CONFLICT) return true; break;
		case FAIL_SUPPORT: if (s == PS_STANCE_SUPPORT) return true; break;
		case FAIL_NEVER: return false;
		}
	}
	return false;
}

static int finish_doc(scan_run *run, doc_result *doc)
{
	if (doc->skipped || doc->incomplete)
		run->incomplete = true;
	if (run->rep.document(&run->rep, doc) != 0)
		run->write_failed = true;
	summary_add(&run->sum, doc);
	if (matches_fail_on(run, doc))
		run->fail_matched = true;
	doc_free(doc);
	return run->write_failed ? 1 : 0;
}

static void on_skip(const char *name, const char *why, void *userdata)
{
	scan_run *run = userdata;
	doc_result doc = { .name = name, .skipped = why };
	fprintf(stderr, "pactscan: %s: skipped: %s\n", name, why);
	finish_doc(run, &doc);
}

static int on_document(const char *name, int fd, void *userdata)
{
	scan_run *run = userdata;
	doc_result doc = { .name = name };
	ps_scan_callbacks cb = { on_finding, on_problem, run };
	ps_status st = ps_scanner_begin(run->scanner, &cb);
	bool first = true;
	frontmatter fm;
	frontmatter_init(&fm);
	run->doc = &doc;
	while (st == PS_OK) {
		ssize_t n = read(fd, run->chunk, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "pactscan: %s: read error: %s\n", name, strerror(errno));
			doc.incomplete = true;
			break;
		}
		if (n == 0)
			break;
		if (first && n >= 2 && (!memcmp(run->chunk, "\xFF\xFE", 2) || !memcmp(run->chunk, "\xFE\xFF", 2))) {
			doc.skipped = "UTF-16 text; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)";
			fprintf(stderr, "pactscan: %s: skipped: %s\n", name, doc.skipped);
			break;
		}
		/* Like grep, a NUL byte in the first chunk marks a binary file. */
		if (first && memchr(run->chunk, '\0', (size_t)n)) {
			doc.skipped = "binary file (holds NUL bytes)";
			fprintf(stderr, "pactscan: %s: skipped: %s\n", name, doc.skipped);
			break;
		}
		first = false;
		frontmatter_blank(&fm, run->chunk, (size_t)n);
		st = ps_scanner_feed(run->scanner, run->chunk, (size_t)n);
	}
	ps_status end = ps_scanner_end(run->scanner);
	if (st == PS_OK)
		st = end;
	doc.stats = *ps_scanner_stats(run->scanner);
	if (doc.nomem || st == PS_ERR_NOMEM) {
		fprintf(stderr, "pactscan: %s: out of memory\n", name);
		doc.incomplete = true;
	} else if (st == PS_ERR_INCOMPLETE) {
		doc.incomplete = true;
	}
	run->doc = NULL;
	return finish_doc(run, &doc);
}

int cmd_scan(const cli_options *o)
{
	scan_run run = { .opts = o };
	int status = EXIT_CLEAN;
	ps_ruleset *rules = NULL;

	if (o->n_paths == 0 && isatty(STDIN_FILENO)) {
		fputs("pactscan: no input; give files or directories, or pipe text into pactscan\n"
		      "Try 'pactscan --help' for more information.\n", stderr);
		return EXIT_USAGE;
	}
	rules = load_rules(o->rules);
	if (!rules)
		return EXIT_USAGE;
	ps_scan_limits limits = scan_limits(o);
	run.chunk = malloc(CHUNK);
	if (!run.chunk || summary_init(&run.sum, rules) != 0 ||
	    ps_scanner_new(&run.scanner, rules, &limits) != PS_OK) {
		fputs("pactscan: out of memory\n", stderr);
		status = EXIT_USAGE;
		goto out;
	}
	run.rep.out = stdout;
	run.rep.quiet = o->quiet;
	const char *no_color = getenv("NO_COLOR");
	run.rep.color = o->color == 1 || (o->color == -1 && isatty(STDOUT_FILENO) && !(no_color && *no_color));
	if (o->format == FORMAT_JSONL)
		reporter_jsonl(&run.rep);
	else
		reporter_text(&run.rep);

	inputs_each(o->paths, o->n_paths, on_document, on_skip, &run);
	if (!run.write_failed && run.rep.finish(&run.rep, &run.sum) != 0)
		run.write_failed = true;
	if (fflush(stdout) != 0 || ferror(stdout))
		run.write_failed = true;
	if (run.write_failed) {
		if (errno != EPIPE)
			fprintf(stderr, "pactscan: cannot write the report: %s\n", strerror(errno));
		status = EXIT_USAGE;
	} else if (run.incomplete) {
		status = EXIT_INCOMPLETE;
	} else if (run.fail_matched) {
		status = EXIT_FAIL_ON;
	}
out:
	ps_scanner_free(run.scanner);
	summary_free(&run.sum);
	free(run.chunk);
	ps_ruleset_free(rules);
	return status;
}
