/* pactscan eval: compare findings with the gold labels in each document's
 * front matter; precision, recall and F1 per clause and overall. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docmeta.h"
#include "fdread.h"
#include "frontmatter.h"
#include "inputs.h"
#include "outfile.h"
#include "report.h"

#define MAX_DOC (16u * 1024u * 1024u)
#define NO_STANCE 2

typedef struct sentence_span {
	size_t start, end;
} sentence_span;

/* One (sentence, clause) judgement, gold or found. */
typedef struct judgement {
	size_t sentence;
	size_t clause;        /* index in the ruleset */
	int stance;
	int certainty;
} judgement;

typedef struct tally {
	size_t gold, found, tp, fp, fn, wrong_stance, certainty_agree;
} tally;

/* A miss, false alarm or stance error, for -v and the JSON report. */
typedef struct mistake {
	char *doc;
	size_t line, column;
	size_t clause;
	int gold, found;      /* stances, NO_STANCE for none */
	char *sentence;
} mistake;

typedef struct eval_run {
	const cli_options *opts;
	const ps_ruleset *rules;
	ps_scanner *scanner;
	tally *clauses;
	tally total;
	size_t confusion[3][3];   /* [gold][found], NO_STANCE for none */
	mistake *mistakes;
	size_t n_mistakes;
	size_t documents, sentences, label_errors, unknown_labels;
	bool incomplete, nomem;
	/* the current document */
	judgement *found;
	size_t n_found;
	sentence_span *spans;
	size_t n_spans;
} eval_run;

/* Portable memmem. */
static const char *find_bytes(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0 || nlen > hlen)
		return NULL;
	for (size_t i = 0; i + nlen <= hlen; i++)
		if (hay[i] == needle[0] && !memcmp(hay + i, needle, nlen))
			return hay + i;
	return NULL;
}

static size_t sentence_of(const eval_run *run, size_t start, size_t end)
{
	for (size_t i = 0; i < run->n_spans; i++)
		if (run->spans[i].start <= start && end <= run->spans[i].end)
			return i;
	return (size_t)-1;
}

static int on_finding(const ps_finding *f, void *userdata)
{
	eval_run *run = userdata;
	judgement *grown = realloc(run->found, (run->n_found + 1) * sizeof(*grown));
	if (!grown) {
		run->nomem = true;
		return 1;
	}
	run->found = grown;
	run->found[run->n_found++] = (judgement){
		.sentence = sentence_of(run, (size_t)f->sentence_span.start, (size_t)f->sentence_span.end),
		.clause = ps_clause_index(f->clause),
		.stance = f->stance,
		.certainty = f->certainty,
	};
	return 0;
}

static void on_problem(const ps_diag *d, void *userdata)
{
	eval_run *run = userdata;
	run->incomplete = true;
	(void)d;
}

static void add_mistake(eval_run *run, const char *name, const char *text, size_t len, size_t clause, int gold,
                        int found, size_t sent)
{
	mistake *grown = realloc(run->mistakes, (run->n_mistakes + 1) * sizeof(*grown));
	if (!grown) {
		run->nomem = true;
		return;
	}
	run->mistakes = grown;
	const sentence_span *sp = &run->spans[sent];
	size_t line = 1, col = 1;
	for (size_t i = 0; i < sp->start && i < len; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	size_t clean_len = 0;
	run->mistakes[run->n_mistakes++] = (mistake){
		.doc = strdup(name), .line = line, .column = col, .clause = clause, .gold = gold, .found = found,
		.sentence = utf8_clean(text + sp->start, sp->end - sp->start, &clean_len),
	};
}

static void segment_all(eval_run *run, const char *text, size_t len)
{
	size_t pos = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
	ps_segment seg;
	run->n_spans = 0;
	while (pos < len && ps_segment_next(&seg, text + pos, len - pos, true, 0)) {
		sentence_span *grown = realloc(run->spans, (run->n_spans + 1) * sizeof(*grown));
		if (!grown) {
			run->nomem = true;
			return;
		}
		run->spans = grown;
		run->spans[run->n_spans++] = (sentence_span){ pos + seg.start, pos + seg.end };
		pos += seg.next;
	}
}

/* Where the label's words stand, as a sentence index; -1 with an error. */
static size_t locate_label(eval_run *run, const char *name, const char *text, size_t len, size_t body,
                           const gold_label *g)
{
	size_t n = strlen(g->sentence);
	const char *hit = find_bytes(text + body, len - body, g->sentence, n);
	if (!hit) {
		fprintf(stderr, "%s:%zu:%zu: error: label sentence \"%s\" is not in the text; copy it exactly\n", name,
		        g->line, g->column, g->sentence);
		return (size_t)-1;
	}
	size_t off = (size_t)(hit - text);
	if (find_bytes(hit + 1, len - off - 1, g->sentence, n)) {
		fprintf(stderr, "%s:%zu:%zu: error: label sentence \"%s\" occurs twice; quote more of it\n", name, g->line,
		        g->column, g->sentence);
		return (size_t)-1;
	}
	size_t s = sentence_of(run, off, off + n);
	if (s == (size_t)-1)
		fprintf(stderr, "%s:%zu:%zu: error: label sentence \"%s\" spans two sentences as pactscan splits the text\n",
		        name, g->line, g->column, g->sentence);
	return s;
}

static int read_all(int fd, char **out, size_t *out_len)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -1;
	for (;;) {
		if (len == cap) {
			if (cap >= MAX_DOC) {
				free(buf);
				errno = EFBIG;
				return -1;
			}
			char *grown = realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				return -1;
			}
			buf = grown;
			cap *= 2;
		}
		ssize_t n = fd_read(fd, buf + len, cap - len);
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

static void score(eval_run *run, const char *name, const char *text, size_t len, const judgement *gold, size_t n_gold)
{
	/* A sentence and clause found twice would be the engine's bug; count each once. */
	for (size_t i = 0; i < n_gold; i++) {
		const judgement *g = &gold[i];
		tally *t = &run->clauses[g->clause];
		const judgement *f = NULL;
		for (size_t k = 0; k < run->n_found && !f; k++)
			if (run->found[k].sentence == g->sentence && run->found[k].clause == g->clause)
				f = &run->found[k];
		t->gold++;
		if (!f) {
			t->fn++;
			run->confusion[g->stance][NO_STANCE]++;
			add_mistake(run, name, text, len, g->clause, g->stance, NO_STANCE, g->sentence);
		} else if (f->stance != g->stance) {
			t->wrong_stance++;
			run->confusion[g->stance][f->stance]++;
			add_mistake(run, name, text, len, g->clause, g->stance, f->stance, g->sentence);
		} else {
			t->tp++;
			run->confusion[g->stance][g->stance]++;
			if (f->certainty == g->certainty)
				t->certainty_agree++;
		}
	}
	for (size_t k = 0; k < run->n_found; k++) {
		const judgement *f = &run->found[k];
		tally *t = &run->clauses[f->clause];
		bool labelled = false;
		for (size_t i = 0; i < n_gold && !labelled; i++)
			labelled = gold[i].sentence == f->sentence && gold[i].clause == f->clause;
		t->found++;
		if (!labelled) {
			t->fp++;
			run->confusion[NO_STANCE][f->stance]++;
			if (f->sentence != (size_t)-1)
				add_mistake(run, name, text, len, f->clause, NO_STANCE, f->stance, f->sentence);
		}
	}
}

static int on_document(const char *name, int fd, void *userdata)
{
	eval_run *run = userdata;
	char *text = NULL;
	size_t len = 0;
	docmeta meta;
	judgement *gold = NULL;
	size_t n_gold = 0;

	memset(&meta, 0, sizeof(meta));
	if (read_all(fd, &text, &len) != 0) {
		fprintf(stderr, "pactscan: %s: cannot read: %s\n", name, strerror(errno));
		run->incomplete = true;
		return 0;
	}
	run->documents++;
	int errors = docmeta_parse(&meta, name, text, len, stderr);
	run->label_errors += (size_t)errors;
	if (errors)
		goto out;
	if (!meta.has_labels) {
		fprintf(stderr, "%s: warning: no 'labels:' in the front matter; every finding counts as a false alarm (write labels: [] to silence this)\n", name);
	}
	frontmatter fm;
	frontmatter_init(&fm);
	frontmatter_blank(&fm, text, len);
	segment_all(run, text, len);
	run->sentences += run->n_spans;
	gold = calloc(meta.n_labels ? meta.n_labels : 1, sizeof(*gold));
	if (!gold) {
		run->nomem = true;
		goto out;
	}
	for (size_t i = 0; i < meta.n_labels; i++) {
		const gold_label *g = &meta.labels[i];
		const ps_clause *c = ps_ruleset_find_clause(run->rules, g->clause);
		size_t s = locate_label(run, name, text, len, meta.body, g);
		if (s == (size_t)-1) {
			run->label_errors++;
			continue;
		}
		if (!c) {
			fprintf(stderr, "%s:%zu:%zu: warning: clause '%s' is not in the rule pack; the label counts as a miss\n",
			        name, g->line, g->column, g->clause);
			run->unknown_labels++;
			continue;
		}
		bool dup = false;
		for (size_t k = 0; k < n_gold; k++)
			dup = dup || (gold[k].sentence == s && gold[k].clause == ps_clause_index(c));
		if (dup) {
			fprintf(stderr, "%s:%zu:%zu: error: a second label for the same sentence and clause\n", name, g->line,
			        g->column);
			run->label_errors++;
			continue;
		}
		gold[n_gold++] = (judgement){ .sentence = s, .clause = ps_clause_index(c), .stance = g->stance,
		                              .certainty = g->certainty };
	}
	run->n_found = 0;
	ps_scan_callbacks cb = { on_finding, on_problem, run };
	ps_status st = ps_scanner_scan(run->scanner, text, len, &cb);
	if (st != PS_OK)
		run->incomplete = true;
	score(run, name, text, len, gold, n_gold);
out:
	free(gold);
	docmeta_free(&meta);
	free(text);
	return run->nomem ? 1 : 0;
}

static void on_skip(const char *name, skip_kind kind, const char *why, void *userdata)
{
	eval_run *run = userdata;
	fprintf(stderr, "pactscan: %s: skipped: %s\n", name, why);
	run->incomplete = true;
}

static double ratio(size_t a, size_t b)
{
	return b ? (double)a / (double)b : 1.0;
}

static double f1(double p, double r)
{
	return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

static void sum_totals(eval_run *run)
{
	for (size_t i = 0; i < ps_ruleset_clause_count(run->rules); i++) {
		tally *t = &run->clauses[i];
		run->total.gold += t->gold;
		run->total.found += t->found;
		run->total.tp += t->tp;
		run->total.fp += t->fp;
		run->total.fn += t->fn;
		run->total.wrong_stance += t->wrong_stance;
		run->total.certainty_agree += t->certainty_agree;
	}
	/* Labels for clauses the pack lacks are misses too. */
	run->total.gold += run->unknown_labels;
	run->total.fn += run->unknown_labels;
}

static double precision_of(const tally *t)
{
	return ratio(t->tp, t->tp + t->fp + t->wrong_stance);
}

static double recall_of(const tally *t)
{
	return ratio(t->tp, t->tp + t->fn + t->wrong_stance);
}

static const char *stance_label(int s)
{
	return s == PS_STANCE_SUPPORT ? "support" : s == PS_STANCE_CONFLICT ? "conflict" : "nothing";
}

static void print_text(const eval_run *run)
{
	printf("%zu document%s, %zu sentences, %zu gold labels, %zu findings\n\n", run->documents,
	       run->documents == 1 ? "" : "s", run->sentences, run->total.gold, run->total.found);
	printf("%-5s %-30s %5s %5s %5s %5s %5s %6s %6s %6s\n", "point", "clause", "gold", "found", "tp", "fp", "fn",
	       "prec", "recall", "f1");
	for (size_t i = 0; i < ps_ruleset_clause_count(run->rules); i++) {
		const ps_clause *c = ps_ruleset_clause(run->rules, i);
		const tally *t = &run->clauses[i];
		char point[8];
		snprintf(point, sizeof point, ps_clause_point(c) ? "%d" : "-", ps_clause_point(c));
		double p = precision_of(t), r = recall_of(t);
		printf("%-5s %-30.30s %5zu %5zu %5zu %5zu %5zu %6.2f %6.2f %6.2f\n", point, ps_clause_id(c), t->gold,
		       t->found, t->tp, t->fp + t->wrong_stance, t->fn + t->wrong_stance, p, r, f1(p, r));
	}
	if (run->unknown_labels)
		printf("%-5s %-30s %5zu %5s %5s %5s %5zu\n", "", "(clauses not in the pack)", run->unknown_labels, "", "", "",
		       run->unknown_labels);
	double p = precision_of(&run->total), r = recall_of(&run->total);
	printf("%-5s %-30s %5zu %5zu %5zu %5zu %5zu %6.2f %6.2f %6.2f\n", "", "overall (micro)", run->total.gold,
	       run->total.found, run->total.tp, run->total.fp + run->total.wrong_stance,
	       run->total.fn + run->total.wrong_stance, p, r, f1(p, r));
	printf("\ncertainty agrees on %zu of %zu true positives\n", run->total.certainty_agree, run->total.tp);
	printf("\nstance confusion (rows: gold, columns: found)\n%-10s %8s %8s %8s\n", "", "support", "conflict",
	       "nothing");
	for (int g = 0; g < 3; g++)
		printf("%-10s %8zu %8zu %8s\n", stance_label(g), run->confusion[g][0], run->confusion[g][1],
		       g == NO_STANCE ? "-" : "");
	if (!run->opts->verbose)
		return;
	printf("\nmisses and false alarms:\n");
	for (size_t i = 0; i < run->n_mistakes; i++) {
		const mistake *m = &run->mistakes[i];
		const char *what = m->found == NO_STANCE ? "missed" : m->gold == NO_STANCE ? "false alarm" : "wrong stance";
		printf("%s:%zu:%zu: %s: %s gold %s, found %s\n    %s\n", m->doc, m->line, m->column, what,
		       ps_clause_id(ps_ruleset_clause(run->rules, m->clause)), stance_label(m->gold),
		       stance_label(m->found), m->sentence ? m->sentence : "");
	}
}

static json_t *tally_json(const tally *t)
{
	double p = precision_of(t), r = recall_of(t);
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:f,s:f}", "gold", (json_int_t)t->gold, "found",
	                 (json_int_t)t->found, "tp", (json_int_t)t->tp, "fp", (json_int_t)t->fp, "fn", (json_int_t)t->fn,
	                 "wrong_stance", (json_int_t)t->wrong_stance, "precision", p, "recall", r, "f1", f1(p, r));
}

static int print_json(const eval_run *run)
{
	json_t *o = json_object(), *clauses = json_array(), *mistakes = json_array(), *conf = json_object();
	json_object_set_new(o, "documents", json_integer((json_int_t)run->documents));
	json_object_set_new(o, "sentences", json_integer((json_int_t)run->sentences));
	json_object_set_new(o, "overall", tally_json(&run->total));
	json_object_set_new(json_object_get(o, "overall"), "certainty_agree",
	                    json_integer((json_int_t)run->total.certainty_agree));
	for (size_t i = 0; i < ps_ruleset_clause_count(run->rules); i++) {
		const ps_clause *c = ps_ruleset_clause(run->rules, i);
		json_t *x = tally_json(&run->clauses[i]);
		json_object_set_new(x, "clause", json_string(ps_clause_id(c)));
		json_object_set_new(x, "point", ps_clause_point(c) ? json_integer(ps_clause_point(c)) : json_null());
		json_array_append_new(clauses, x);
	}
	json_object_set_new(o, "clauses", clauses);
	for (int g = 0; g < 3; g++) {
		json_t *row = json_object();
		for (int f = 0; f < 3; f++)
			if (!(g == NO_STANCE && f == NO_STANCE))
				json_object_set_new(row, stance_label(f), json_integer((json_int_t)run->confusion[g][f]));
		json_object_set_new(conf, stance_label(g), row);
	}
	json_object_set_new(o, "confusion", conf);
	for (size_t i = 0; i < run->n_mistakes; i++) {
		const mistake *m = &run->mistakes[i];
		size_t clean_len = 0;
		char *doc = utf8_clean(m->doc, m->doc ? strlen(m->doc) : 0, &clean_len);
		json_array_append_new(mistakes, json_pack("{s:s,s:I,s:I,s:s,s:s,s:s,s:s}", "doc", doc ? doc : "",
		                                          "line", (json_int_t)m->line, "column", (json_int_t)m->column,
		                                          "clause", ps_clause_id(ps_ruleset_clause(run->rules, m->clause)),
		                                          "gold", stance_label(m->gold), "found", stance_label(m->found),
		                                          "sentence", m->sentence ? m->sentence : ""));
		free(doc);
	}
	json_object_set_new(o, "mistakes", mistakes);
	int rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
	json_decref(o);
	putchar('\n');
	return rc;
}

int cmd_eval(const cli_options *o)
{
	eval_run run = { .opts = o };
	int status = EXIT_CLEAN;
	ps_ruleset *rules = load_rules(o->rules);
	if (!rules)
		return EXIT_USAGE;
	run.rules = rules;
	run.clauses = calloc(ps_ruleset_clause_count(rules) + 1, sizeof(*run.clauses));
	if (!run.clauses || ps_scanner_new(&run.scanner, rules, &(ps_scan_limits){ .flags = scan_limits(o).flags }) != PS_OK) {
		fputs("pactscan: out of memory\n", stderr);
		status = EXIT_USAGE;
		goto out;
	}
	if (o->n_paths == 0) {
		fputs("pactscan: eval needs the corpus: pactscan eval corpus/\n", stderr);
		status = EXIT_USAGE;
		goto out;
	}
	inputs_each(o->paths, o->n_paths, on_document, on_skip, &run);
	sum_totals(&run);
	if (o->format == FORMAT_JSON)
		print_json(&run);
	else
		print_text(&run);
	double p = precision_of(&run.total), r = recall_of(&run.total);
	if (run.nomem || run.label_errors) {
		if (run.label_errors)
			fprintf(stderr, "pactscan: %zu error%s in the corpus labels\n", run.label_errors,
			        run.label_errors == 1 ? "" : "s");
		status = EXIT_USAGE;
	} else if (run.incomplete) {
		status = EXIT_INCOMPLETE;
	} else if ((o->min_f1 > 0 && f1(p, r) < o->min_f1) || (o->min_precision > 0 && p < o->min_precision)) {
		fprintf(stderr, "pactscan: below the bar: F1 %.3f (minimum %.2f), precision %.3f (minimum %.2f)\n", f1(p, r),
		        o->min_f1, p, o->min_precision);
		status = EXIT_FAIL_ON;
	}
	if (outfile_flush_stdout() != 0)
		status = EXIT_USAGE;
out:
	for (size_t i = 0; i < run.n_mistakes; i++) {
		free(run.mistakes[i].doc);
		free(run.mistakes[i].sentence);
	}
	free(run.mistakes);
	free(run.found);
	free(run.spans);
	free(run.clauses);
	ps_scanner_free(run.scanner);
	ps_ruleset_free(rules);
	return status;
}
