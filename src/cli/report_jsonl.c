/* --format jsonl: one JSON object per line. Findings carry "type": "finding";
 * per-document records "type": "document" and the closing "type": "summary"
 * carry no "stance" field, so consumers can filter on either. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static json_t *jstr(const char *s, size_t len)
{
	size_t clean_len = 0;
	char *clean = utf8_clean(s, len, &clean_len);
	if (!clean)
		return NULL;
	json_t *j = json_stringn_nocheck(clean, clean_len);
	free(clean);
	return j;
}

static json_t *jcstr(const char *s)
{
	return jstr(s, strlen(s));
}

static json_t *juint(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *point_json(const ps_clause *c)
{
	return ps_clause_point(c) ? json_integer(ps_clause_point(c)) : json_null();
}

static const char *cue_kind_name(ps_cue_kind k)
{
	switch (k) {
	case PS_CUE_NEGATION: return "negation";
	case PS_CUE_HEDGE: return "hedge";
	case PS_CUE_ATTRIBUTION: return "attribution";
	}
	return "cue";
}

static int emit(reporter *r, json_t *obj)
{
	if (!obj)
		return -1;
	int rc = json_dumpf(obj, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (rc != 0 || fputc('\n', r->out) == EOF)
		return -1;
	return 0;
}

static json_t *finding_json(const doc_result *doc, const cli_finding *f)
{
	json_t *o = json_object();
	json_t *ev = json_array(), *cues = json_array();
	if (!o || !ev || !cues) {
		json_decref(o);
		json_decref(ev);
		json_decref(cues);
		return NULL;
	}
	json_object_set_new(o, "type", json_string("finding"));
	json_object_set_new(o, "doc", jcstr(doc->name));
	json_object_set_new(o, "point", point_json(f->clause));
	json_object_set_new(o, "clause", jcstr(ps_clause_id(f->clause)));
	json_object_set_new(o, "title", jcstr(ps_clause_title(f->clause)));
	json_object_set_new(o, "stance", json_string(ps_stance_name(f->stance)));
	json_object_set_new(o, "certainty", json_string(ps_certainty_name(f->certainty)));
	json_object_set_new(o, "signal", jcstr(f->signal));
	json_object_set_new(o, "sentence", jstr(f->sentence, f->sentence_len));
	json_object_set_new(o, "start", juint(f->start));
	json_object_set_new(o, "end", juint(f->end));
	json_object_set_new(o, "line", juint(f->line));
	json_object_set_new(o, "column", juint(f->column));
	for (size_t i = 0; i < f->n_evidence; i++) {
		const ps_span *e = &f->evidence[i];
		json_t *x = json_object();
		json_object_set_new(x, "start", juint(e->start));
		json_object_set_new(x, "end", juint(e->end));
		if (e->start >= f->start && e->end <= f->end)
			json_object_set_new(x, "text", jstr(f->sentence + (e->start - f->start), (size_t)(e->end - e->start)));
		json_array_append_new(ev, x);
	}
	json_object_set_new(o, "evidence", ev);
	for (size_t i = 0; i < f->n_cues; i++) {
		json_t *x = json_object();
		json_object_set_new(x, "kind", json_string(cue_kind_name(f->cues[i].kind)));
		json_object_set_new(x, "text", jstr(f->cues[i].text, f->cues[i].len));
		json_object_set_new(x, "start", juint(f->cues[i].start));
		json_object_set_new(x, "end", juint(f->cues[i].end));
		json_array_append_new(cues, x);
	}
	json_object_set_new(o, "cues", cues);
	json_object_set_new(o, "source", f->source ? jstr(f->source, f->source_len) : json_null());
	json_object_set_new(o, "weight", json_real(f->weight));
	return o;
}

static int jsonl_document(reporter *r, const doc_result *doc)
{
	size_t support = 0, conflict = 0;
	for (size_t i = 0; i < doc->n; i++) {
		if (emit(r, finding_json(doc, &doc->findings[i])) != 0)
			return -1;
		if (doc->findings[i].stance == PS_STANCE_SUPPORT)
			support++;
		else
			conflict++;
	}
	json_t *o = json_object();
	if (!o)
		return -1;
	json_object_set_new(o, "type", json_string("document"));
	json_object_set_new(o, "doc", jcstr(doc->name));
	json_object_set_new(o, "status", json_string(doc->skipped ? "skipped" : doc->incomplete ? "incomplete" : "ok"));
	json_object_set_new(o, "reason", doc->skipped ? jcstr(doc->skipped) : json_null());
	json_object_set_new(o, "bytes", juint(doc->stats.bytes));
	json_object_set_new(o, "sentences", juint(doc->stats.sentences));
	json_object_set_new(o, "in_setting", juint(doc->stats.in_setting));
	json_object_set_new(o, "findings", juint(doc->n));
	json_object_set_new(o, "supports", juint(support));
	json_object_set_new(o, "conflicts", juint(conflict));
	return emit(r, o);
}

static int jsonl_finish(reporter *r, const run_summary *sum)
{
	json_t *o = json_object(), *clauses = json_array();
	if (!o || !clauses) {
		json_decref(o);
		json_decref(clauses);
		return -1;
	}
	json_object_set_new(o, "type", json_string("summary"));
	json_object_set_new(o, "rules", jcstr(ps_ruleset_name(sum->rules)));
	json_object_set_new(o, "rules_version", jcstr(ps_ruleset_version(sum->rules)));
	json_object_set_new(o, "documents", juint(sum->documents));
	json_object_set_new(o, "skipped", juint(sum->skipped));
	json_object_set_new(o, "incomplete", juint(sum->incomplete));
	json_object_set_new(o, "sentences", juint(sum->sentences));
	json_object_set_new(o, "findings", juint(sum->findings));
	for (size_t i = 0; i < ps_ruleset_clause_count(sum->rules); i++) {
		const ps_clause *c = ps_ruleset_clause(sum->rules, i);
		const clause_counts *cc = &sum->clauses[i];
		json_t *x = json_object();
		json_object_set_new(x, "clause", jcstr(ps_clause_id(c)));
		json_object_set_new(x, "point", point_json(c));
		json_object_set_new(x, "supports", juint(cc->support));
		json_object_set_new(x, "conflicts", juint(cc->conflict));
		json_object_set_new(x, "hedged", juint(cc->hedged));
		json_object_set_new(x, "attributed", juint(cc->attributed));
		json_object_set_new(x, "documents", juint(cc->docs));
		json_array_append_new(clauses, x);
	}
	json_object_set_new(o, "clauses", clauses);
	return emit(r, o);
}

void reporter_jsonl(reporter *r)
{
	r->document = jsonl_document;
	r->finish = jsonl_finish;
}
