/* --format json: one object, {"tool", "rules", "documents": [...],
 * "errors": [...], "summary"}. Documents are written as they are reported,
 * one a line, so memory does not grow with the run; what the end needs
 * (the errors) is kept. A document's status and counts come before its
 * findings, so its findings wait in a spool until it ends. */
#include <stdlib.h>
#include <string.h>

#include "jsonfmt.h"
#include "reporter.h"

typedef struct json_state {
	size_t documents;          /* written so far */
	json_t *errors;            /* documents skipped or incomplete */
	spool findings;            /* the document's findings so far, comma-separated */
	clause_heads *heads;       /* NULL without memory */
} json_state;

static int json_begin(reporter *r)
{
	json_t *tool = json_pack("{s:s,s:s}", "name", "pactscan", "version", PS_VERSION);
	json_t *rules = json_object();
	if (!tool || !rules) {
		json_decref(tool);
		json_decref(rules);
		return -1;
	}
	json_object_set_new(rules, "name", jcstr(ps_ruleset_name(r->sum->rules)));
	json_object_set_new(rules, "version", jcstr(ps_ruleset_version(r->sum->rules)));
	json_object_set_new(rules, "date", jcstr(ps_ruleset_date(r->sum->rules)));
	fputs("{\"tool\":", r->out);
	int rc = json_dumpf(tool, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputs(",\"rules\":", r->out);
	rc |= json_dumpf(rules, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputs(",\"documents\":[", r->out);
	json_decref(tool);
	json_decref(rules);
	return rc || ferror(r->out) ? -1 : 0;
}

static void json_append(const reporter *r, jbuf *b, const doc_result *doc, const cli_finding *f, size_t *hole)
{
	const json_state *st = r->state;
	finding_json_append(b, doc, f, false, r->baseline, st->heads);
}

static int json_place(reporter *r, const doc_result *doc, const formatted_finding *ff, const char *bytes)
{
	json_state *st = r->state;
	if (!spool_empty(&st->findings) && spool_write(&st->findings, ",", 1) != 0)
		return -1;
	return spool_write(&st->findings, bytes, ff->len);
}

static int json_document(reporter *r, const doc_result *doc, const doc_tally *t)
{
	json_state *st = r->state;
	if (doc->skipped || doc->incomplete) {
		json_t *e = json_object();
		json_object_set_new(e, "doc", jcstr(doc->name));
		json_object_set_new(e, "status", json_string(doc->skipped ? "skipped" : "incomplete"));
		json_object_set_new(e, "reason", doc->skipped ? jcstr(doc->skipped) : json_string("part of it was not scanned; see stderr"));
		json_array_append_new(st->errors, e);
	}
	fputs(st->documents++ ? ",\n" : "\n", r->out);
	return document_json_write(r->out, doc, t, r->sum, &st->findings);
}

static int json_finish(reporter *r, const run_summary *sum)
{
	json_state *st = r->state;
	json_t *summary = summary_json(sum, r->timeline, false);
	if (!summary)
		return -1;
	fputs(st->documents ? "\n],\"errors\":" : "],\"errors\":", r->out);
	int rc = json_dumpf(st->errors, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputs(",\"summary\":", r->out);
	rc |= json_dumpf(summary, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputs("}\n", r->out);
	json_decref(summary);
	return rc || ferror(r->out) ? -1 : 0;
}

static void json_release(reporter *r)
{
	json_state *st = r->state;
	if (st) {
		json_decref(st->errors);
		spool_free(&st->findings);
		clause_heads_free(st->heads);
	}
	free(st);
	r->state = NULL;
}

int reporter_json(reporter *r)
{
	json_state *st = calloc(1, sizeof(*st));
	if (!st || !(st->errors = json_array())) {
		free(st);
		return -1;
	}
	spool_init(&st->findings);
	st->heads = clause_heads_new(r->sum->rules);
	r->state = st;
	r->begin = json_begin;
	r->append = json_append;
	r->place = json_place;
	r->document = json_document;
	r->finish = json_finish;
	r->release = json_release;
	return 0;
}
