/* pactscan merge: read JSON Lines reports (--format jsonl) written by
 * separate runs, such as the map tasks of Hadoop Streaming or Spark, and
 * report them as one run in any format: the documents in the order read,
 * the summary over all of them. --clause, --min-certainty, --baseline and
 * --fail-on apply as in a scan. */
#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inputs.h"
#include "run.h"

typedef struct merge_ctx {
	const cli_options *opts;
	report_run run;
	doc_result doc;            /* findings read, waiting for their document record */
	bool pending;
	bool warned_rules;
} merge_ctx;

__attribute__((format(printf, 4, 5)))
static void bad_line(merge_ctx *m, const char *file, size_t line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%zu: error: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	m->run.incomplete = true;
}

static uint64_t get_uint(json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));
	return v > 0 ? (uint64_t)v : 0;
}

static char *get_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? strdup(s) : NULL;
}

static int stance_of(const char *s)
{
	return !s ? -1 : !strcmp(s, "support") ? PS_STANCE_SUPPORT : !strcmp(s, "conflict") ? PS_STANCE_CONFLICT : -1;
}

static int certainty_of(const char *s)
{
	return !s ? -1 : !strcmp(s, "asserted") ? PS_CERTAINTY_ASSERTED : !strcmp(s, "hedged") ? PS_CERTAINTY_HEDGED
	       : !strcmp(s, "attributed") ? PS_CERTAINTY_ATTRIBUTED : -1;
}

static int cue_kind_of(const char *s)
{
	return !s ? -1 : !strcmp(s, "negation") ? PS_CUE_NEGATION : !strcmp(s, "hedge") ? PS_CUE_HEDGE
	       : !strcmp(s, "attribution") ? PS_CUE_ATTRIBUTION : -1;
}

/* Start collecting the findings of the document called name. */
static int start_doc(merge_ctx *m, const char *name)
{
	if (m->pending && !strcmp(m->doc.name, name))
		return 0;
	if (m->pending) {
		/* Findings without their document record: a cut report. Report
		 * them anyway, as incomplete. */
		m->doc.incomplete = true;
		doc_message(&m->doc, "pactscan: %s: the report has findings but no document record\n", m->doc.name);
		run_deliver(&m->run, &m->doc);
	}
	memset(&m->doc, 0, sizeof(m->doc));
	m->doc.name = strdup(name);
	m->pending = m->doc.name != NULL;
	return m->pending ? 0 : -1;
}

static int read_finding(merge_ctx *m, json_t *rec, const char *file, size_t line)
{
	const char *doc = json_string_value(json_object_get(rec, "doc"));
	const char *clause_id = json_string_value(json_object_get(rec, "clause"));
	const ps_clause *clause = clause_id ? ps_ruleset_find_clause(m->run.rules, clause_id) : NULL;
	int stance = stance_of(json_string_value(json_object_get(rec, "stance")));
	int certainty = certainty_of(json_string_value(json_object_get(rec, "certainty")));
	json_t *sentence = json_object_get(rec, "sentence");
	const char *signal = json_string_value(json_object_get(rec, "signal"));
	if (!doc || !clause_id || stance < 0 || certainty < 0 || !json_is_string(sentence) || !signal) {
		bad_line(m, file, line, "%s", "a finding needs doc, clause, stance, certainty, signal and sentence");
		return 0;
	}
	if (!clause) {
		bad_line(m, file, line, "clause '%s' is not in the rules; merge with the rules that wrote the report",
		         clause_id);
		return 0;
	}
	if (start_doc(m, doc) != 0)
		return -1;
	if ((m->run.selected && !m->run.selected[ps_clause_index(clause)]) ||
	    (m->opts->min_certainty >= 0 && certainty_rank((ps_certainty)certainty) < m->opts->min_certainty))
		return 0;
	finding_batch *b = &m->doc.found;
	cli_finding *f = batch_new_finding(b);
	if (!f)
		return -1;
	f->clause = clause;
	f->stance = (ps_stance)stance;
	f->certainty = (ps_certainty)certainty;
	f->signal = batch_copy(b, signal, strlen(signal));
	f->sentence_len = json_string_length(sentence);
	f->sentence = batch_copy(b, json_string_value(sentence), f->sentence_len);
	f->weight = json_number_value(json_object_get(rec, "weight"));
	f->start = get_uint(rec, "start");
	f->end = get_uint(rec, "end");
	f->line = get_uint(rec, "line");
	f->column = get_uint(rec, "column");
	f->char_column = json_object_get(rec, "char_column") ? get_uint(rec, "char_column") : f->column;
	json_t *ev = json_object_get(rec, "evidence"), *x;
	size_t i;
	ps_span *evidence = batch_spans(b, json_array_size(ev));
	json_array_foreach(ev, i, x) {
		if (evidence)
			evidence[f->n_evidence++] = (ps_span){ get_uint(x, "start"), get_uint(x, "end") };
	}
	f->evidence = evidence;
	json_array_foreach(json_object_get(rec, "cues"), i, x) {
		int kind = cue_kind_of(json_string_value(json_object_get(x, "kind")));
		json_t *text = json_object_get(x, "text");
		if (kind < 0 || !json_is_string(text) || f->n_cues == 3)
			continue;
		cli_cue *c = &f->cues[f->n_cues++];
		c->kind = (ps_cue_kind)kind;
		c->start = get_uint(x, "start");
		c->end = get_uint(x, "end");
		c->len = json_string_length(text);
		c->text = batch_copy(b, json_string_value(text), c->len);
		if (!c->text)
			return -1;
	}
	json_t *source = json_object_get(rec, "source");
	if (json_is_string(source)) {
		f->source_len = json_string_length(source);
		f->source = batch_copy(b, json_string_value(source), f->source_len);
	}
	if (!f->signal || !f->sentence || !f->evidence || (json_is_string(source) && !f->source))
		return -1;
	return 0;
}

static int read_document(merge_ctx *m, json_t *rec, const char *file, size_t line)
{
	const char *name = json_string_value(json_object_get(rec, "doc"));
	const char *status = json_string_value(json_object_get(rec, "status"));
	if (!name || !status) {
		bad_line(m, file, line, "%s", "a document record needs doc and status");
		return 0;
	}
	if (start_doc(m, name) != 0)
		return -1;
	doc_result *doc = &m->doc;
	if (!strcmp(status, "skipped")) {
		const char *reason = json_string_value(json_object_get(rec, "reason"));
		const char *kind = json_string_value(json_object_get(rec, "skip"));
		skip_kind k = SKIP_OTHER;
		for (int i = SKIP_UNREADABLE; kind && i < SKIP_KINDS; i++)
			if (!strcmp(kind, skip_kind_name((skip_kind)i)))
				k = (skip_kind)i;
		doc_skip(doc, k, reason ? reason : "not scanned");
	}
	doc->incomplete = !strcmp(status, "incomplete");
	doc->meta.title = get_str(rec, "title");
	doc->meta.date = get_str(rec, "date");
	doc->meta.source = get_str(rec, "source");
	doc->meta.url = get_str(rec, "url");
	doc->stats.bytes = get_uint(rec, "bytes");
	doc->stats.sentences = get_uint(rec, "sentences");
	doc->stats.in_setting = get_uint(rec, "in_setting");
	doc->stats.findings = doc->found.n;
	m->pending = false;
	run_deliver(&m->run, doc);
	memset(&m->doc, 0, sizeof(m->doc));
	return 0;
}

static void read_summary(merge_ctx *m, json_t *rec, const char *file, size_t line)
{
	walk_counts *w = &m->run.sum.walk;
	w->hidden += get_uint(rec, "hidden");
	w->excluded += get_uint(rec, "excluded");
	w->links += get_uint(rec, "links");
	w->loops += get_uint(rec, "loops");
	const char *rules = json_string_value(json_object_get(rec, "rules"));
	const char *version = json_string_value(json_object_get(rec, "rules_version"));
	if (!m->warned_rules && rules && version &&
	    (strcmp(rules, ps_ruleset_name(m->run.rules)) || strcmp(version, ps_ruleset_version(m->run.rules)))) {
		fprintf(stderr, "%s:%zu: warning: the report was written with rules %s %s, not %s %s\n", file, line, rules,
		        version, ps_ruleset_name(m->run.rules), ps_ruleset_version(m->run.rules));
		m->warned_rules = true;
	}
}

static int read_report(merge_ctx *m, const char *file, FILE *f)
{
	char *text = NULL;
	size_t cap = 0, lineno = 0;
	int rc = 0;
	for (;;) {
		ssize_t n = getline(&text, &cap, f);
		if (n < 0)
			break;
		lineno++;
		json_error_t err;
		json_t *rec = json_loadb(text, (size_t)n, 0, &err);
		const char *type = json_string_value(json_object_get(rec, "type"));
		if (!rec) {
			if (strspn(text, " \t\r\n") != (size_t)n)
				bad_line(m, file, lineno, "not valid JSON: %s", err.text);
		} else if (!type) {
			bad_line(m, file, lineno, "%s", "not a pactscan jsonl record (no \"type\")");
		} else if (!strcmp(type, "finding")) {
			rc = read_finding(m, rec, file, lineno);
		} else if (!strcmp(type, "document")) {
			rc = read_document(m, rec, file, lineno);
		} else if (!strcmp(type, "summary")) {
			read_summary(m, rec, file, lineno);
		} else {
			bad_line(m, file, lineno, "unknown record type '%s'", type);
		}
		json_decref(rec);
		if (rc) {
			fputs("pactscan: out of memory\n", stderr);
			m->run.aborted = true;
			break;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "pactscan: %s: read error: %s\n", file, strerror(errno));
		m->run.incomplete = true;
	}
	free(text);
	return rc;
}

static int on_file(const input_file *in, void *userdata)
{
	merge_ctx *m = userdata;
	FILE *f = in->is_stdin ? stdin : fopen(in->name, "rb");
	if (!f) {
		fprintf(stderr, "pactscan: %s: skipped: %s\n", in->name, strerror(errno));
		m->run.incomplete = true;
		return 0;
	}
	int rc = read_report(m, in->name, f);
	if (!in->is_stdin)
		fclose(f);
	return rc;
}

static void on_skip(const char *name, skip_kind kind, const char *why, void *userdata)
{
	merge_ctx *m = userdata;
	fprintf(stderr, "pactscan: %s: skipped: %s\n", name, why);
	m->run.incomplete = true;
}

int cmd_merge(const cli_options *o)
{
	merge_ctx m = { .opts = o };
	int status = EXIT_USAGE;
	if (o->n_paths == 0 && isatty(STDIN_FILENO)) {
		fputs("pactscan: merge reads reports written with --format jsonl; give files, or pipe them in\n"
		      "Try 'pactscan --help' for more information.\n", stderr);
		return EXIT_USAGE;
	}
	ps_ruleset *rules = load_rules(o->rules);
	if (!rules)
		return EXIT_USAGE;
	if (run_open(&m.run, o, rules) == 0) {
		input_callbacks cb = { on_file, on_skip, NULL, &m };
		inputs_walk(o->paths, o->n_paths, NULL, NULL, &cb);
		if (m.pending && !m.run.aborted) {
			m.doc.incomplete = true;
			doc_message(&m.doc, "pactscan: %s: the report has findings but no document record\n", m.doc.name);
			run_deliver(&m.run, &m.doc);
		} else {
			doc_free(&m.doc);
		}
		status = run_close(&m.run);
	}
	ps_ruleset_free(rules);
	return status;
}
