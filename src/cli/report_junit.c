/* --format junit: JUnit XML for CI test views. One testsuite per document
 * and one testcase per document and clause; a testcase fails when one of
 * its findings fails the run (--fail-on, and new against --baseline), and
 * lists its findings either way. A document that could not be (fully)
 * scanned has a "(document)" testcase with an error. Everything is
 * XML-escaped; invalid UTF-8 and characters XML 1.0 forbids become U+FFFD. */
#include <stdlib.h>
#include <string.h>

#include "reporter.h"
#include "spool.h"

/* jbuf_xml() written to out, for a document's lines. */
static void put_xml(FILE *out, const char *s, size_t len, bool attr)
{
	jbuf b;
	jbuf_init(&b);
	jbuf_xml(&b, s, len, attr);
	jbuf_emit(&b, out);
}

static void put_xml_str(FILE *out, const char *s, bool attr)
{
	put_xml(out, s, strlen(s), attr);
}

/* A finding's line, onto the lines formatted before it. */
static void junit_append(const reporter *r, jbuf *b, const doc_result *doc, const cli_finding *f, size_t *hole)
{
	jbuf_xml(b, doc->name, strlen(doc->name), false);
	JBUF_LIT(b, ":");
	jbuf_uint(b, f->line);
	JBUF_LIT(b, ":");
	jbuf_uint(b, f->column);
	JBUF_LIT(b, ": ");
	jbuf_put(b, ps_stance_name(f->stance), strlen(ps_stance_name(f->stance)));
	JBUF_LIT(b, " (");
	jbuf_put(b, ps_certainty_name(f->certainty), strlen(ps_certainty_name(f->certainty)));
	if (f->source) {
		JBUF_LIT(b, ", source: ");
		jbuf_xml(b, f->source, f->source_len, false);
	}
	JBUF_LIT(b, ") [");
	jbuf_xml(b, f->signal, strlen(f->signal), false);
	if (r->baseline && !f->is_new)
		JBUF_LIT(b, "] (in the baseline) ");
	else
		JBUF_LIT(b, "] ");
	jbuf_xml(b, f->sentence, f->sentence_len, false);
	JBUF_LIT(b, "\n");
}

static int junit_begin(reporter *r)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pactscan\">\n", r->out);
	return ferror(r->out) ? -1 : 0;
}

static void put_property(FILE *out, const char *name, const char *value)
{
	if (!value)
		return;
	fprintf(out, "      <property name=\"%s\" value=\"", name);
	put_xml_str(out, value, true);
	fputs("\"/>\n", out);
}

static int junit_document(reporter *r, const doc_result *doc, const doc_tally *t)
{
	clause_spools *st = r->state;
	const run_summary *sum = r->sum;
	size_t n_clauses = ps_ruleset_clause_count(sum->rules), tests = 0, failures = 0;
	size_t errors = doc->skipped || doc->incomplete;
	FILE *out = r->out;
	int rc = 0;

	for (size_t ci = 0; ci < n_clauses && !doc->skipped; ci++) {
		if (!summary_selected(sum, ci))
			continue;
		tests++;
		failures += t->clauses[ci].failing > 0;
	}
	fputs("  <testsuite name=\"", out);
	put_xml_str(out, doc->name, true);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\">\n", tests + errors, failures, errors);
	if (doc->meta.title || doc->meta.date || doc->meta.source || doc->meta.url) {
		fputs("    <properties>\n", out);
		put_property(out, "title", doc->meta.title);
		put_property(out, "date", doc->meta.date);
		put_property(out, "source", doc->meta.source);
		put_property(out, "url", doc->meta.url);
		fputs("    </properties>\n", out);
	}
	if (errors) {
		fputs("    <testcase classname=\"", out);
		put_xml_str(out, doc->name, true);
		fputs("\" name=\"(document)\">\n      <error message=\"", out);
		put_xml_str(out, doc->skipped ? doc->skipped : "part of the document was not scanned", true);
		fprintf(out, "\" type=\"%s\"/>\n    </testcase>\n", doc->skipped ? skip_kind_name(doc->skip) : "incomplete");
	}
	for (size_t ci = 0; ci < n_clauses && !doc->skipped; ci++) {
		if (!summary_selected(sum, ci))
			continue;
		const ps_clause *c = ps_ruleset_clause(sum->rules, ci);
		const clause_tally *ct = &t->clauses[ci];
		size_t found = ct->support + ct->conflict, failing = ct->failing, failing_conflicts = ct->failing_conflicts;
		fputs("    <testcase classname=\"", out);
		put_xml_str(out, doc->name, true);
		fputs("\" name=\"", out);
		put_xml_str(out, ps_clause_id(c), true);
		fputs(found ? "\">\n" : "\"/>\n", out);
		if (!found)
			continue;
		if (failing) {
			fprintf(out, "      <failure type=\"%s\" message=\"%zu finding%s matched --fail-on\">",
			         failing_conflicts == failing ? "conflict" : failing_conflicts ? "mixed" : "support", failing,
			         failing == 1 ? "" : "s");
		} else {
			fputs("      <system-out>", out);
		}
		if (spool_copy(&st->clauses[ci], out) != 0)
			rc = -1;
		fputs(failing ? "</failure>\n    </testcase>\n" : "</system-out>\n    </testcase>\n", out);
	}
	fputs("  </testsuite>\n", out);
	return rc || ferror(out) ? -1 : 0;
}

static int junit_finish(reporter *r, const run_summary *sum)
{
	fputs("</testsuites>\n", r->out);
	return ferror(r->out) ? -1 : 0;
}

/* A testcase's findings come after its verdict and the testsuite's counts:
 * they wait, clause by clause (clause_spools), for the end of their
 * document. */
int reporter_junit(reporter *r)
{
	if (reporter_clause_spools(r) != 0)
		return -1;
	r->begin = junit_begin;
	r->append = junit_append;
	r->document = junit_document;
	r->finish = junit_finish;
	return 0;
}
