/* pactscan test: run the examples written in the clause files. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "outfile.h"

/* What one example produced for its own clause. */
typedef struct outcome {
	const ps_clause *clause;
	size_t from;          /* findings before this offset belong to the context */
	bool stance[2];
	int certainty;        /* of the first finding, or -1 */
	const char *signal;
} outcome;

static int collect(const ps_finding *f, void *userdata)
{
	outcome *oc = userdata;
	if (f->clause != oc->clause || f->sentence_span.start < oc->from)
		return 0;
	oc->stance[f->stance] = true;
	if (oc->certainty < 0) {
		oc->certainty = (int)f->certainty;
		oc->signal = f->signal;
	}
	return 0;
}

static const char *expect_name(ps_expect e)
{
	return e == PS_EXPECT_NOTHING ? "nothing" : ps_stance_name((ps_stance)e);
}

static void describe(char *buf, size_t size, const outcome *oc)
{
	if (oc->stance[0] && oc->stance[1])
		snprintf(buf, size, "support and conflict");
	else if (!oc->stance[0] && !oc->stance[1])
		snprintf(buf, size, "nothing");
	else
		snprintf(buf, size, "%s (%s, signal %s)", oc->stance[1] ? "conflict" : "support",
		         ps_certainty_name((ps_certainty)oc->certainty), oc->signal);
}

static bool passes(const ps_example *ex, const outcome *oc)
{
	if (ex->expect == PS_EXPECT_NOTHING)
		return !oc->stance[0] && !oc->stance[1];
	if (!oc->stance[ex->expect] || oc->stance[!ex->expect])
		return false;
	return ex->certainty < 0 || ex->certainty == oc->certainty;
}

int cmd_test(const cli_options *o)
{
	ps_ruleset *rules = load_rules(o->n_paths ? o->paths[0] : o->rules);
	ps_scanner *scanner = NULL;
	size_t passed = 0, failed = 0;
	char *doc = NULL;
	int status = EXIT_CLEAN;

	if (!rules)
		return EXIT_USAGE;
	if (ps_scanner_new(&scanner, rules, &(ps_scan_limits){ .flags = scan_limits(o).flags }) != PS_OK) {
		fputs("pactscan: out of memory\n", stderr);
		status = EXIT_USAGE;
		goto out;
	}
	for (size_t ci = 0; ci < ps_ruleset_clause_count(rules); ci++) {
		const ps_clause *clause = ps_ruleset_clause(rules, ci);
		for (size_t ei = 0; ei < ps_clause_example_count(clause); ei++) {
			const ps_example *ex = ps_clause_example(clause, ei);
			outcome oc = { .clause = clause, .certainty = -1 };
			size_t len = ex->text_len;
			/* The context goes first, a paragraph apart, so the example's
			 * findings can be told from the context's. */
			if (ex->context) {
				oc.from = ex->context_len + 2;
				len += oc.from;
			}
			free(doc);
			doc = malloc(len ? len : 1);
			if (!doc) {
				fputs("pactscan: out of memory\n", stderr);
				status = EXIT_USAGE;
				goto out;
			}
			if (ex->context) {
				memcpy(doc, ex->context, ex->context_len);
				memcpy(doc + ex->context_len, "\n\n", 2);
			}
			memcpy(doc + oc.from, ex->text, ex->text_len);
			ps_scan_callbacks cb = { collect, NULL, &oc };
			ps_status st = ps_scanner_scan(scanner, doc, len, &cb);
			char got[200];
			describe(got, sizeof got, &oc);
			if (st == PS_OK && passes(ex, &oc)) {
				passed++;
				if (o->verbose)
					printf("%s:%zu:%zu: ok: %s: expected %s\n", ex->file, ex->line, ex->column,
					       ps_clause_id(clause), expect_name(ex->expect));
				continue;
			}
			failed++;
			printf("%s:%zu:%zu: FAIL: %s: expected %s%s%s, got %s%s\n    %.*s\n", ex->file, ex->line,
			       ex->column, ps_clause_id(clause), expect_name(ex->expect), ex->certainty >= 0 ? " " : "",
			       ex->certainty >= 0 ? ps_certainty_name((ps_certainty)ex->certainty) : "", got,
			       st == PS_OK ? "" : " (scan incomplete)", (int)(ex->text_len > 400 ? 400 : ex->text_len),
			       ex->text);
		}
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	if (failed)
		status = EXIT_FAIL_ON;
out:
	free(doc);
	ps_scanner_free(scanner);
	ps_ruleset_free(rules);
	if (outfile_flush_stdout() != 0)
		status = EXIT_USAGE;
	return status;
}
