#include "jsonfmt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

json_t *jstr(const char *s, size_t len)
{
	size_t clean_len = 0;
	char *clean = utf8_clean(s, len, &clean_len);
	if (!clean)
		return NULL;
	json_t *j = json_stringn_nocheck(clean, clean_len);
	free(clean);
	return j;
}

json_t *jcstr(const char *s)
{
	return s ? jstr(s, strlen(s)) : json_null();
}

json_t *juint(uint64_t v)
{
	return json_integer((json_int_t)v);
}

json_t *point_json(const ps_clause *c)
{
	return ps_clause_point(c) ? json_integer(ps_clause_point(c)) : json_null();
}

json_t *cues_json(const cli_finding *f)
{
	json_t *cues = json_array();
	for (size_t i = 0; cues && i < f->n_cues; i++) {
		json_t *x = json_object();
		json_object_set_new(x, "kind", json_string(cue_kind_name(f->cues[i].kind)));
		json_object_set_new(x, "text", jstr(f->cues[i].text, f->cues[i].len));
		json_object_set_new(x, "start", juint(f->cues[i].start));
		json_object_set_new(x, "end", juint(f->cues[i].end));
		json_array_append_new(cues, x);
	}
	return cues;
}

void point_append(jbuf *b, const ps_clause *c)
{
	if (ps_clause_point(c))
		jbuf_int(b, ps_clause_point(c));
	else
		JBUF_LIT(b, "null");
}

void stance_append(jbuf *b, const cli_finding *f)
{
	/* ps_stance_name() and ps_certainty_name() as literals: plain ASCII,
	 * so no length to count and nothing to escape, in every finding. */
	if (f->stance == PS_STANCE_CONFLICT)
		JBUF_LIT(b, "\"stance\":\"conflict\",\"certainty\":");
	else
		JBUF_LIT(b, "\"stance\":\"support\",\"certainty\":");
	switch (f->certainty) {
	case PS_CERTAINTY_HEDGED: JBUF_LIT(b, "\"hedged\""); break;
	case PS_CERTAINTY_ATTRIBUTED: JBUF_LIT(b, "\"attributed\""); break;
	case PS_CERTAINTY_ASSERTED:
	default: JBUF_LIT(b, "\"asserted\""); break;
	}
	JBUF_LIT(b, ",\"signal\":");
	jbuf_cstr(b, f->signal);
}

void weight_append(jbuf *b, double weight)
{
	/* json_real() refuses NaN and infinities, and the key went missing. A
	 * weight is above 0 and at most 1000 (ruleset.c), or a number merge
	 * read from JSON, so this is only for the same bytes. */
	if (isfinite(weight)) {
		JBUF_LIT(b, ",\"weight\":");
		jbuf_real(b, weight);
	}
}

void cues_and_source_append(jbuf *b, const cli_finding *f)
{
	JBUF_LIT(b, "[");
	for (size_t i = 0; i < f->n_cues; i++) {
		if (i)
			JBUF_LIT(b, ",");
		/* cue_kind_name()'s words as literals, as stance_append's. */
		switch (f->cues[i].kind) {
		case PS_CUE_NEGATION: JBUF_LIT(b, "{\"kind\":\"negation\",\"text\":"); break;
		case PS_CUE_HEDGE: JBUF_LIT(b, "{\"kind\":\"hedge\",\"text\":"); break;
		case PS_CUE_ATTRIBUTION: JBUF_LIT(b, "{\"kind\":\"attribution\",\"text\":"); break;
		default:
			JBUF_LIT(b, "{\"kind\":");
			jbuf_cstr(b, cue_kind_name(f->cues[i].kind));
			JBUF_LIT(b, ",\"text\":");
			break;
		}
		jbuf_str(b, f->cues[i].text, f->cues[i].len);
		JBUF_LIT(b, ",\"start\":");
		jbuf_uint(b, f->cues[i].start);
		JBUF_LIT(b, ",\"end\":");
		jbuf_uint(b, f->cues[i].end);
		JBUF_LIT(b, "}");
	}
	JBUF_LIT(b, "],\"source\":");
	if (f->source)
		jbuf_str(b, f->source, f->source_len);
	else
		JBUF_LIT(b, "null");
}

struct clause_heads {
	const ps_ruleset *rules;
	size_t n;
	size_t *end;               /* clause i's head is text[end[i - 1] (0 for i = 0), end[i]) */
	char *text;
};

/* "point":...,"clause":...,"title":..., of clause c. */
static void clause_head_write(jbuf *b, const ps_clause *c)
{
	JBUF_LIT(b, "\"point\":");
	point_append(b, c);
	JBUF_LIT(b, ",\"clause\":");
	jbuf_cstr(b, ps_clause_id(c));
	JBUF_LIT(b, ",\"title\":");
	jbuf_cstr(b, ps_clause_title(c));
	JBUF_LIT(b, ",");
}

clause_heads *clause_heads_new(const ps_ruleset *rules)
{
	if (!rules)
		return NULL;
	size_t n = ps_ruleset_clause_count(rules);
	clause_heads *h = calloc(1, sizeof(*h));
	jbuf b;
	/* On the heap from the first byte, so the text is h's to keep. */
	jbuf_adopt(&b, NULL, 0, 0);
	if (!h || !(h->end = malloc((n ? n : 1) * sizeof(*h->end))))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		clause_head_write(&b, ps_ruleset_clause(rules, i));
		h->end[i] = b.len;
	}
	h->text = b.text;
	if (b.failed)
		goto fail;
	h->rules = rules;
	h->n = n;
	return h;
fail:
	if (!h)
		free(b.text);
	clause_heads_free(h);
	return NULL;
}

void clause_heads_free(clause_heads *h)
{
	if (!h)
		return;
	free(h->end);
	free(h->text);
	free(h);
}

void finding_json_append(jbuf *b, const doc_result *doc, const cli_finding *f, bool record, bool baseline,
                         const clause_heads *heads)
{
	/* The keys, order and values of the jansson object this replaced;
	 * tests/unit/test_jsonbuf.c keeps that object and compares. */
	if (record) {
		JBUF_LIT(b, "{\"type\":\"finding\",\"doc\":");
		jbuf_cstr(b, doc->name);
		JBUF_LIT(b, ",");
	} else {
		JBUF_LIT(b, "{");
	}
	size_t ci = heads ? ps_clause_index(f->clause) : 0;
	if (heads && ci < heads->n && ps_ruleset_clause(heads->rules, ci) == f->clause) {
		size_t from = ci ? heads->end[ci - 1] : 0;
		jbuf_put(b, heads->text + from, heads->end[ci] - from);
	} else {
		clause_head_write(b, f->clause);
	}
	stance_append(b, f);
	JBUF_LIT(b, ",\"sentence\":");
	jbuf_str(b, f->sentence, f->sentence_len);
	JBUF_LIT(b, ",\"start\":");
	jbuf_uint(b, f->start);
	JBUF_LIT(b, ",\"end\":");
	jbuf_uint(b, f->end);
	JBUF_LIT(b, ",\"line\":");
	jbuf_uint(b, f->line);
	JBUF_LIT(b, ",\"column\":");
	jbuf_uint(b, f->column);
	JBUF_LIT(b, ",\"char_column\":");
	jbuf_uint(b, f->char_column);
	JBUF_LIT(b, ",\"evidence\":[");
	for (size_t i = 0; i < f->n_evidence; i++) {
		const ps_span *e = &f->evidence[i];
		if (i)
			JBUF_LIT(b, ",");
		JBUF_LIT(b, "{\"start\":");
		jbuf_uint(b, e->start);
		JBUF_LIT(b, ",\"end\":");
		jbuf_uint(b, e->end);
		/* Backwards evidence (only a merged report could say so) had no
		 * text: jstr() of its wrapped-around length failed. */
		if (e->start >= f->start && e->end <= held_end(f) && e->start <= e->end) {
			JBUF_LIT(b, ",\"text\":");
			jbuf_str(b, f->sentence + (e->start - f->start), (size_t)(e->end - e->start));
		}
		JBUF_LIT(b, "}");
	}
	JBUF_LIT(b, "],\"cues\":");
	cues_and_source_append(b, f);
	weight_append(b, f->weight);
	if (baseline) {
		if (f->is_new)
			JBUF_LIT(b, ",\"new\":true}");
		else
			JBUF_LIT(b, ",\"new\":false}");
	} else {
		JBUF_LIT(b, "}");
	}
}

static void set_meta(json_t *o, const doc_meta *m)
{
	json_object_set_new(o, "title", jcstr(m->title));
	json_object_set_new(o, "date", jcstr(m->date));
	json_object_set_new(o, "source", jcstr(m->source));
	json_object_set_new(o, "url", jcstr(m->url));
}

json_t *meta_json(const doc_meta *m)
{
	json_t *o = json_object();
	if (o)
		set_meta(o, m);
	return o;
}

/* The fields before "findings": status, metadata and sizes. */
static json_t *document_head(const doc_result *doc, bool record)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (record)
		json_object_set_new(o, "type", json_string("document"));
	json_object_set_new(o, "doc", jcstr(doc->name));
	json_object_set_new(o, "status", json_string(doc->skipped ? "skipped" : doc->incomplete ? "incomplete" : "ok"));
	json_object_set_new(o, "reason", jcstr(doc->skipped));
	json_object_set_new(o, "skip", doc->skipped ? json_string(skip_kind_name(doc->skip)) : json_null());
	set_meta(o, &doc->meta);
	json_object_set_new(o, "bytes", juint(doc->stats.bytes));
	json_object_set_new(o, "sentences", juint(doc->stats.sentences));
	json_object_set_new(o, "in_setting", juint(doc->stats.in_setting));
	return o;
}

/* The fields after "findings": counts and verdicts, added to o. */
static void document_tail(json_t *o, const doc_result *doc, const doc_tally *t, const run_summary *sum)
{
	json_t *verdicts = json_object();
	json_object_set_new(o, "supports", juint(t->support));
	json_object_set_new(o, "conflicts", juint(t->conflict));
	json_object_set_new(o, "verdict", doc->skipped ? json_null() : json_string(verdict_name(tally_verdict(t, SIZE_MAX))));
	/* Only the clauses the document mentions: the rest are "not mentioned". */
	for (size_t ci = 0; verdicts && ci < ps_ruleset_clause_count(sum->rules); ci++) {
		verdict v = tally_verdict(t, ci);
		if (v != VERDICT_NONE)
			json_object_set_new(verdicts, ps_clause_id(ps_ruleset_clause(sum->rules, ci)), json_string(verdict_name(v)));
	}
	json_object_set_new(o, "verdicts", verdicts);
}

json_t *document_json(const doc_result *doc, const doc_tally *t, const run_summary *sum, bool record)
{
	json_t *o = document_head(doc, record);
	if (!o)
		return NULL;
	json_object_set_new(o, "findings", juint(t->findings));
	document_tail(o, doc, t, sum);
	return o;
}

void document_record_append(jbuf *b, const doc_result *doc, const doc_tally *t, const run_summary *sum)
{
	const doc_meta *m = &doc->meta;
	JBUF_LIT(b, "{\"type\":\"document\",\"doc\":");
	jbuf_cstr(b, doc->name);
	JBUF_LIT(b, ",\"status\":");
	jbuf_cstr(b, doc->skipped ? "skipped" : doc->incomplete ? "incomplete" : "ok");
	JBUF_LIT(b, ",\"reason\":");
	jbuf_cstr(b, doc->skipped);
	JBUF_LIT(b, ",\"skip\":");
	jbuf_cstr(b, doc->skipped ? skip_kind_name(doc->skip) : NULL);
	JBUF_LIT(b, ",\"title\":");
	jbuf_cstr(b, m->title);
	JBUF_LIT(b, ",\"date\":");
	jbuf_cstr(b, m->date);
	JBUF_LIT(b, ",\"source\":");
	jbuf_cstr(b, m->source);
	JBUF_LIT(b, ",\"url\":");
	jbuf_cstr(b, m->url);
	JBUF_LIT(b, ",\"bytes\":");
	jbuf_uint(b, doc->stats.bytes);
	JBUF_LIT(b, ",\"sentences\":");
	jbuf_uint(b, doc->stats.sentences);
	JBUF_LIT(b, ",\"in_setting\":");
	jbuf_uint(b, doc->stats.in_setting);
	JBUF_LIT(b, ",\"findings\":");
	jbuf_uint(b, t->findings);
	JBUF_LIT(b, ",\"supports\":");
	jbuf_uint(b, t->support);
	JBUF_LIT(b, ",\"conflicts\":");
	jbuf_uint(b, t->conflict);
	JBUF_LIT(b, ",\"verdict\":");
	jbuf_cstr(b, doc->skipped ? NULL : verdict_name(tally_verdict(t, SIZE_MAX)));
	JBUF_LIT(b, ",\"verdicts\":{");
	bool first = true;
	/* Without findings every clause's verdict is none, and none are listed. */
	for (size_t ci = 0; t->findings && ci < ps_ruleset_clause_count(sum->rules); ci++) {
		verdict v = tally_verdict(t, ci);
		if (v == VERDICT_NONE)
			continue;
		if (!first)
			JBUF_LIT(b, ",");
		first = false;
		jbuf_cstr(b, ps_clause_id(ps_ruleset_clause(sum->rules, ci)));
		JBUF_LIT(b, ":");
		jbuf_cstr(b, verdict_name(v));
	}
	JBUF_LIT(b, "}}");
}

/* An object's members as JSON text, without its braces. */
static int put_members(FILE *out, json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!text)
		return -1;
	size_t len = strlen(text);
	int rc = len >= 2 && fwrite(text + 1, 1, len - 2, out) == len - 2 ? 0 : -1;
	free(text);
	return rc;
}

int document_json_write(FILE *out, const doc_result *doc, const doc_tally *t, const run_summary *sum,
                        spool *findings)
{
	json_t *tail = json_object();
	int rc = 0;
	fputc('{', out);
	rc |= put_members(out, document_head(doc, false));
	fputs(",\"findings\":[", out);
	rc |= spool_copy(findings, out);
	fputs("],", out);
	if (tail)
		document_tail(tail, doc, t, sum);
	rc |= put_members(out, tail);
	fputc('}', out);
	return rc || ferror(out) ? -1 : 0;
}

static json_t *verdicts_json(const size_t *counts)
{
	json_t *o = json_object();
	for (int v = VERDICT_SUPPORTS; o && v <= VERDICT_MIXED; v++)
		json_object_set_new(o, verdict_name((verdict)v), juint(counts[v]));
	if (o)
		json_object_set_new(o, verdict_name(VERDICT_NONE), juint(counts[VERDICT_NONE]));
	return o;
}

static json_t *timeline_json(const run_summary *sum, timeline_unit asked)
{
	timeline_unit unit = summary_timeline_unit(sum, asked);
	timeline_bucket *b = NULL;
	size_t nb = summary_timeline(sum, unit, &b);
	json_t *o = json_object(), *periods = json_array();
	if (nb == (size_t)-1 || !o || !periods) {
		json_decref(o);
		json_decref(periods);
		return NULL;
	}
	json_object_set_new(o, "unit", json_string(unit == TIMELINE_WEEK ? "week" : "day"));
	json_object_set_new(o, "dated", juint(sum->dated));
	json_object_set_new(o, "undated", juint(sum->undated));
	for (size_t i = 0; i < nb; i++) {
		char label[16], first[16];
		json_t *p = json_object(), *clauses = json_array();
		timeline_label(label, b[i].first_day, unit);
		timeline_label(first, b[i].first_day, TIMELINE_DAY);
		json_object_set_new(p, "period", json_string(label));
		json_object_set_new(p, "start", json_string(first));
		for (size_t ci = 0; ci < ps_ruleset_clause_count(sum->rules); ci++) {
			size_t s = b[i].counts[ci * 2], c = b[i].counts[ci * 2 + 1];
			if (!summary_selected(sum, ci) || (!s && !c))
				continue;
			json_t *x = json_object();
			json_object_set_new(x, "clause", jcstr(ps_clause_id(ps_ruleset_clause(sum->rules, ci))));
			json_object_set_new(x, "supports", juint(s));
			json_object_set_new(x, "conflicts", juint(c));
			json_array_append_new(clauses, x);
		}
		json_object_set_new(p, "clauses", clauses);
		json_array_append_new(periods, p);
	}
	json_object_set_new(o, "periods", periods);
	timeline_free(b, nb);
	return o;
}

json_t *summary_json(const run_summary *sum, timeline_unit unit, bool record)
{
	json_t *o = json_object(), *clauses = json_array(), *skips = json_object();
	if (!o || !clauses || !skips) {
		json_decref(o);
		json_decref(clauses);
		json_decref(skips);
		return NULL;
	}
	if (record)
		json_object_set_new(o, "type", json_string("summary"));
	json_object_set_new(o, "rules", jcstr(ps_ruleset_name(sum->rules)));
	json_object_set_new(o, "rules_version", jcstr(ps_ruleset_version(sum->rules)));
	json_object_set_new(o, "documents", juint(sum->documents));
	json_object_set_new(o, "scanned", juint(sum->scanned));
	json_object_set_new(o, "skipped", juint(sum->skipped));
	json_object_set_new(o, "incomplete", juint(sum->incomplete));
	for (int k = SKIP_UNREADABLE; k < SKIP_KINDS; k++)
		json_object_set_new(skips, skip_kind_name((skip_kind)k), juint(sum->skips[k]));
	json_object_set_new(o, "skips", skips);
	json_object_set_new(o, "hidden", juint(sum->walk.hidden));
	json_object_set_new(o, "excluded", juint(sum->walk.excluded));
	json_object_set_new(o, "links", juint(sum->walk.links));
	json_object_set_new(o, "loops", juint(sum->walk.loops));
	json_object_set_new(o, "sentences", juint(sum->sentences));
	json_object_set_new(o, "in_setting", juint(sum->in_setting));
	json_object_set_new(o, "bytes", juint(sum->bytes));
	json_object_set_new(o, "findings", juint(sum->findings));
	json_object_set_new(o, "supports", juint(sum->support));
	json_object_set_new(o, "conflicts", juint(sum->conflict));
	json_object_set_new(o, "hedged", juint(sum->hedged));
	json_object_set_new(o, "attributed", juint(sum->attributed));
	if (sum->baseline)
		json_object_set_new(o, "new", juint(sum->new_findings));
	json_object_set_new(o, "verdicts", verdicts_json(sum->verdicts));
	for (size_t i = 0; i < ps_ruleset_clause_count(sum->rules); i++) {
		if (!summary_selected(sum, i))
			continue;
		const ps_clause *c = ps_ruleset_clause(sum->rules, i);
		const clause_counts *cc = &sum->clauses[i];
		json_t *x = json_object();
		json_object_set_new(x, "clause", jcstr(ps_clause_id(c)));
		json_object_set_new(x, "point", point_json(c));
		json_object_set_new(x, "title", jcstr(ps_clause_title(c)));
		json_object_set_new(x, "supports", juint(cc->support));
		json_object_set_new(x, "conflicts", juint(cc->conflict));
		json_object_set_new(x, "hedged", juint(cc->hedged));
		json_object_set_new(x, "attributed", juint(cc->attributed));
		json_object_set_new(x, "documents", juint(cc->docs));
		json_object_set_new(x, "documents_hedged", juint(cc->docs_hedged));
		json_object_set_new(x, "verdicts", verdicts_json(cc->verdicts));
		json_array_append_new(clauses, x);
	}
	json_object_set_new(o, "clauses", clauses);
	json_object_set_new(o, "timeline", timeline_json(sum, unit));
	return o;
}

int json_put(FILE *out, const json_t *obj)
{
	/* json_dumpf writes each token with its own fwrite; one buffer and
	 * one write take a third of the time. */
	char small[4096];
	size_t n = obj ? json_dumpb(obj, small, sizeof small, JSON_COMPACT | JSON_PRESERVE_ORDER) : 0;
	if (n == 0)
		return -1;
	if (n <= sizeof small)
		return fwrite(small, 1, n, out) == n ? 0 : -1;
	char *big = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int rc = big && fputs(big, out) != EOF ? 0 : -1;
	free(big);
	return rc;
}

int json_emit_line(FILE *out, json_t *obj)
{
	int rc = json_put(out, obj);
	json_decref(obj);
	if (rc != 0 || fputc('\n', out) == EOF)
		return -1;
	return 0;
}
