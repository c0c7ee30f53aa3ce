#include "docmeta.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli.h"
#include "fmfast.h"

typedef struct fm_parser {
	yaml_parser_t p;
	const char *path;
	size_t line_base;     /* file line of the front matter's first line, minus 1 */
	FILE *err;
	int errors;
} fm_parser;

__attribute__((format(printf, 3, 4)))
static void error_at(fm_parser *fp, yaml_mark_t m, const char *fmt, ...)
{
	va_list ap;
	fprintf(fp->err, "%s:%zu:%zu: error: ", fp->path, fp->line_base + m.line + 1, (size_t)m.column + 1);
	va_start(ap, fmt);
	vfprintf(fp->err, fmt, ap);
	va_end(ap);
	fputc('\n', fp->err);
	fp->errors++;
}

/* The next event; false (with an error printed) on a parse error or alias. */
static bool next(fm_parser *fp, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&fp->p, ev)) {
		error_at(fp, fp->p.problem_mark, "front matter is not valid YAML: %s",
		         fp->p.problem ? fp->p.problem : "parse error");
		return false;
	}
	if (ev->type == YAML_ALIAS_EVENT) {
		error_at(fp, ev->start_mark, "%s", "aliases are not allowed in front matter");
		yaml_event_delete(ev);
		return false;
	}
	return true;
}

/* Skip the rest of a value whose first event was ev (already consumed). */
static bool skip_value(fm_parser *fp, const yaml_event_t *first)
{
	int depth = first->type == YAML_SEQUENCE_START_EVENT || first->type == YAML_MAPPING_START_EVENT;
	while (depth > 0) {
		yaml_event_t ev;
		if (!next(fp, &ev))
			return false;
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		yaml_event_delete(&ev);
		if (depth > 64) {
			error_at(fp, ev.start_mark, "%s", "front matter nested too deeply");
			return false;
		}
	}
	return true;
}

static char *scalar_dup(const yaml_event_t *ev)
{
	char *s = malloc(ev->data.scalar.length + 1);
	if (s) {
		memcpy(s, ev->data.scalar.value, ev->data.scalar.length);
		s[ev->data.scalar.length] = '\0';
	}
	return s;
}

static bool scalar_is(const yaml_event_t *ev, const char *word)
{
	size_t n = strlen(word);
	return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.length == n && !memcmp(ev->data.scalar.value, word, n);
}

static bool parse_label(fm_parser *fp, gold_label *g, yaml_mark_t at)
{
	bool ok = true;
	g->stance = -1;
	g->certainty = PS_CERTAINTY_ASSERTED;
	g->line = fp->line_base + at.line + 1;
	g->column = at.column + 1;
	for (;;) {
		yaml_event_t k, v;
		if (!next(fp, &k))
			return false;
		if (k.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&k);
			break;
		}
		if (!next(fp, &v)) {
			yaml_event_delete(&k);
			return false;
		}
		if (v.type != YAML_SCALAR_EVENT) {
			error_at(fp, v.start_mark, "%s", "label fields are text: sentence, clause, stance, certainty");
			ok = skip_value(fp, &v);
		} else if (scalar_is(&k, "sentence")) {
			free(g->sentence);
			g->sentence = scalar_dup(&v);
		} else if (scalar_is(&k, "clause")) {
			free(g->clause);
			g->clause = scalar_dup(&v);
		} else if (scalar_is(&k, "stance")) {
			if (scalar_is(&v, "support"))
				g->stance = PS_STANCE_SUPPORT;
			else if (scalar_is(&v, "conflict"))
				g->stance = PS_STANCE_CONFLICT;
			else
				error_at(fp, v.start_mark, "%s", "a label's stance is support or conflict");
		} else if (scalar_is(&k, "certainty")) {
			if (scalar_is(&v, "asserted"))
				g->certainty = PS_CERTAINTY_ASSERTED;
			else if (scalar_is(&v, "hedged"))
				g->certainty = PS_CERTAINTY_HEDGED;
			else if (scalar_is(&v, "attributed"))
				g->certainty = PS_CERTAINTY_ATTRIBUTED;
			else
				error_at(fp, v.start_mark, "%s", "a label's certainty is asserted, hedged or attributed");
		} else {
			error_at(fp, k.start_mark, "unknown label field '%s'; use sentence, clause, stance, certainty",
			         k.type == YAML_SCALAR_EVENT ? (const char *)k.data.scalar.value : "?");
		}
		yaml_event_delete(&k);
		yaml_event_delete(&v);
		if (!ok)
			return false;
	}
	if (!g->sentence || !*g->sentence || !g->clause || g->stance < 0) {
		fprintf(fp->err, "%s:%zu:%zu: error: a label needs sentence, clause and stance\n", fp->path, g->line,
		        g->column);
		fp->errors++;
	}
	return true;
}

static bool parse_labels(fm_parser *fp, docmeta *m, const yaml_event_t *first)
{
	if (first->type != YAML_SEQUENCE_START_EVENT) {
		error_at(fp, first->start_mark, "%s", "'labels' must be a list (labels: [] for none)");
		return skip_value(fp, first);
	}
	m->has_labels = 1;
	for (;;) {
		yaml_event_t ev;
		if (!next(fp, &ev))
			return false;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return true;
		}
		if (ev.type != YAML_MAPPING_START_EVENT) {
			error_at(fp, ev.start_mark, "%s", "each label is a mapping with sentence, clause and stance");
			bool ok = skip_value(fp, &ev);
			yaml_event_delete(&ev);
			if (!ok)
				return false;
			continue;
		}
		gold_label *grown = realloc(m->labels, (m->n_labels + 1) * sizeof(*grown));
		if (!grown) {
			yaml_event_delete(&ev);
			return false;
		}
		m->labels = grown;
		gold_label *g = &m->labels[m->n_labels++];
		memset(g, 0, sizeof(*g));
		bool ok = parse_label(fp, g, ev.start_mark);
		yaml_event_delete(&ev);
		if (!ok)
			return false;
	}
}

static bool parse_top(fm_parser *fp, docmeta *m)
{
	yaml_event_t ev;
	/* Stream start, document start, then the mapping (or an empty document). */
	for (int i = 0; i < 2; i++) {
		if (!next(fp, &ev))
			return false;
		yaml_event_delete(&ev);
	}
	if (!next(fp, &ev))
		return false;
	if (ev.type != YAML_MAPPING_START_EVENT) {
		bool empty = ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0;
		if (!empty)
			error_at(fp, ev.start_mark, "%s", "front matter must be a mapping of keys such as title: and date:");
		yaml_event_delete(&ev);
		return empty;
	}
	yaml_event_delete(&ev);
	for (;;) {
		yaml_event_t k, v;
		bool ok = true;
		if (!next(fp, &k))
			return false;
		if (k.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&k);
			return true;
		}
		if (!next(fp, &v)) {
			yaml_event_delete(&k);
			return false;
		}
		char **field = scalar_is(&k, "title") ? &m->title : scalar_is(&k, "date") ? &m->date
		             : scalar_is(&k, "source") ? &m->source : scalar_is(&k, "url") ? &m->url
		             : scalar_is(&k, "id") ? &m->id : NULL;
		if (field && v.type == YAML_SCALAR_EVENT) {
			free(*field);
			*field = scalar_dup(&v);
		} else if (field) {
			error_at(fp, v.start_mark, "'%s' must be text", (const char *)k.data.scalar.value);
			ok = skip_value(fp, &v);
		} else if (scalar_is(&k, "labels")) {
			ok = parse_labels(fp, m, &v);
		} else {
			ok = skip_value(fp, &v); /* other metadata is the author's business */
		}
		yaml_event_delete(&k);
		yaml_event_delete(&v);
		if (!ok)
			return false;
	}
}

/* Offset just past the line that starts at i, and that line's length
 * without its line end. */
static size_t line_end(const char *buf, size_t len, size_t i, size_t *content)
{
	const char *nl = i < len ? memchr(buf + i, '\n', len - i) : NULL;
	size_t e = nl ? (size_t)(nl - buf) : len;
	size_t c = e - i;
	if (c && buf[e - 1] == '\r')
		c--;
	*content = c;
	return e < len ? e + 1 : e;
}

int docmeta_parse(docmeta *m, const char *path, const char *buf, size_t len, FILE *err)
{
	fm_parser fp = { .path = path, .line_base = 1, .err = err };
	size_t start = 0, content;

	memset(m, 0, sizeof(*m));
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		start = 3;
	size_t first_end = line_end(buf, len, start, &content);
	if (content != 3 || memcmp(buf + start, "---", 3))
		return 0;
	size_t i = first_end, yaml_end = 0;
	while (i < len) {
		size_t next_line = line_end(buf, len, i, &content);
		if (content == 3 && (!memcmp(buf + i, "---", 3) || !memcmp(buf + i, "...", 3))) {
			yaml_end = i;
			m->body = next_line;
			break;
		}
		i = next_line;
	}
	if (!m->body) {
		fprintf(err, "%s:1:1: error: front matter opened with '---' is never closed; end it with a '---' line\n", path);
		return 1;
	}
	/* Most front matter is a few "key: value" lines. */
	fmfast_fields f;
	switch (fmfast_parse(&f, buf + first_end, yaml_end - first_end)) {
	case FMFAST_OK:
		m->title = f.title;
		m->date = f.date;
		m->source = f.source;
		m->url = f.url;
		m->id = f.id;
		return 0;
	case FMFAST_NOMEM:
		fprintf(err, "%s: error: out of memory\n", path);
		return 1;
	case FMFAST_UNSURE:
		break;
	}
	if (!yaml_parser_initialize(&fp.p)) {
		fprintf(err, "%s: error: out of memory\n", path);
		return 1;
	}
	yaml_parser_set_input_string(&fp.p, (const unsigned char *)buf + first_end, yaml_end - first_end);
	if (!parse_top(&fp, m) && !fp.errors) {
		fprintf(err, "%s: error: cannot read the front matter\n", path);
		fp.errors++;
	}
	yaml_parser_delete(&fp.p);
	return fp.errors;
}

void docmeta_free(docmeta *m)
{
	free(m->title);
	free(m->date);
	free(m->source);
	free(m->url);
	free(m->id);
	for (size_t i = 0; i < m->n_labels; i++) {
		free(m->labels[i].sentence);
		free(m->labels[i].clause);
	}
	free(m->labels);
	memset(m, 0, sizeof(*m));
}
