#include "yamltree_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "pactscan/ruleset.h"

bool ynode_is_null(const ynode *n)
{
	if (!n)
		return true;
	if (n->kind != YNODE_SCALAR || n->quoted)
		return false;
	return n->len == 0 || (n->len == 1 && n->str[0] == '~') ||
	       (n->len == 4 && (!memcmp(n->str, "null", 4) || !memcmp(n->str, "Null", 4) ||
	                        !memcmp(n->str, "NULL", 4)));
}

void yamltree_position(size_t *line, size_t *col, const char *buf, size_t len, size_t off)
{
	size_t l = 1, c = 1;
	size_t i = 0;
	if (off > len)
		off = len;
	/* A UTF-8 byte order mark takes no column. */
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = off >= 3 ? 3 : off;
	for (; i < off; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/* A node under construction: children gathered in a growable array. */
typedef struct frame {
	ynode *node;
	ynode **items;
	size_t count, cap;
} frame;

typedef struct builder {
	arena *a;
	const char *file;
	const char *buf;
	size_t len;
	ps_diags *diags;
	frame stack[PS_MAX_YAML_DEPTH + 1];
	size_t depth;
	size_t nodes;
	size_t bom;           /* bytes of byte order mark skipped */
	ynode **docs;
	size_t ndocs, docs_cap;
} builder;

static ps_status fail_at(builder *b, size_t line, size_t col, const char *msg)
{
	ps_status st = ps_diags_add(b->diags, PS_SEVERITY_ERROR, b->file, line, col, NULL, msg);
	return st == PS_OK ? PS_ERR_RULES : st;
}

static ps_status fail_mark(builder *b, yaml_mark_t m, const char *msg)
{
	return fail_at(b, m.line + 1, m.column + 1, msg);
}

static ps_status push_item(frame *f, ynode *n)
{
	if (f->count == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		ynode **items = realloc(f->items, cap * sizeof(*items));
		if (!items)
			return PS_ERR_NOMEM;
		f->items = items;
		f->cap = cap;
	}
	f->items[f->count++] = n;
	return PS_OK;
}

static ps_status add_doc(builder *b, ynode *root)
{
	if (b->ndocs == b->docs_cap) {
		size_t cap = b->docs_cap ? b->docs_cap * 2 : 4;
		ynode **docs = realloc(b->docs, cap * sizeof(*docs));
		if (!docs)
			return PS_ERR_NOMEM;
		b->docs = docs;
		b->docs_cap = cap;
	}
	b->docs[b->ndocs++] = root;
	return PS_OK;
}

/* Attach a finished node to its parent, or make it a document root. */
static ps_status attach(builder *b, ynode *n)
{
	if (b->depth == 0)
		return add_doc(b, n);
	return push_item(&b->stack[b->depth - 1], n);
}

static ps_status check_duplicates(builder *b, const ynode *map)
{
	/* Maps in rule files are small; a quadratic check keeps this simple. */
	for (size_t i = 0; i < map->count; i += 2) {
		const ynode *k = map->items[i];
		if (k->kind != YNODE_SCALAR)
			continue;
		for (size_t j = 0; j < i; j += 2) {
			const ynode *o = map->items[j];
			if (o->kind == YNODE_SCALAR && o->len == k->len && !memcmp(o->str, k->str, k->len)) {
				char msg[512];
				snprintf(msg, sizeof msg,
				         "duplicate key '%.*s' (first at line %zu, column %zu); remove or rename one of them",
				         (int)(k->len > 80 ? 80 : k->len), k->str, o->line, o->col);
				return fail_at(b, k->line, k->col, msg);
			}
		}
	}
	return PS_OK;
}

static ynode *new_node(builder *b, ynode_kind kind, yaml_mark_t m)
{
	ynode *n = arena_alloc(b->a, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->line = m.line + 1;
	n->col = m.column + 1;
	return n;
}

static ps_status reject_decorations(builder *b, const yaml_event_t *ev)
{
	const yaml_char_t *anchor = NULL, *tag = NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	default:
		break;
	}
	if (anchor)
		return fail_mark(b, ev->start_mark,
		                 "anchors (&name) are not allowed in rule files; write the value out, or put shared terms in a lexicon");
	if (tag) {
		char msg[256];
		snprintf(msg, sizeof msg,
		         "tags such as '%.60s' are not allowed in rule files; remove the tag", (const char *)tag);
		return fail_mark(b, ev->start_mark, msg);
	}
	return PS_OK;
}

static ps_status open_collection(builder *b, const yaml_event_t *ev, ynode_kind kind)
{
	if (b->depth >= PS_MAX_YAML_DEPTH) {
		char msg[160];
		snprintf(msg, sizeof msg, "nesting deeper than %u levels; rule files need at most a few",
		         (unsigned)PS_MAX_YAML_DEPTH);
		return fail_mark(b, ev->start_mark, msg);
	}
	ynode *n = new_node(b, kind, ev->start_mark);
	if (!n)
		return PS_ERR_NOMEM;
	b->stack[b->depth++] = (frame){ .node = n };
	return PS_OK;
}

static ps_status close_collection(builder *b)
{
	frame *f = &b->stack[--b->depth];
	ynode *n = f->node;
	ps_status st = PS_OK;
	n->count = f->count;
	if (f->count) {
		n->items = arena_alloc(b->a, f->count * sizeof(*n->items));
		if (!n->items) {
			st = PS_ERR_NOMEM;
			goto out;
		}
		memcpy(n->items, f->items, f->count * sizeof(*n->items));
	}
	if (n->kind == YNODE_MAP) {
		st = check_duplicates(b, n);
		if (st != PS_OK)
			goto out;
	}
	st = attach(b, n);
out:
	free(f->items);
	f->items = NULL;
	return st;
}

static ps_status on_scalar(builder *b, const yaml_event_t *ev)
{
	ynode *n = new_node(b, YNODE_SCALAR, ev->start_mark);
	if (!n)
		return PS_ERR_NOMEM;
	n->str = arena_strndup(b->a, (const char *)ev->data.scalar.value, ev->data.scalar.length);
	if (!n->str)
		return PS_ERR_NOMEM;
	n->len = ev->data.scalar.length;
	yaml_scalar_style_t style = ev->data.scalar.style;
	n->quoted = style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	n->single_line = ev->start_mark.line == ev->end_mark.line &&
	                 style != YAML_LITERAL_SCALAR_STYLE && style != YAML_FOLDED_SCALAR_STYLE;
	return attach(b, n);
}

/* The byte at a libyaml mark (0-based line, column in characters), or 0. */
static char char_at_mark(const builder *b, yaml_mark_t m)
{
	const char *t = b->buf + b->bom, *end = b->buf + b->len;
	for (size_t line = 0; line < m.line && t < end; t++)
		if (*t == '\n')
			line++;
	for (size_t col = 0; t < end; t++) {
		if (((unsigned char)*t & 0xC0) == 0x80)
			continue;
		if (col++ == m.column)
			return *t;
	}
	return 0;
}

static ps_status parser_error(builder *b, const yaml_parser_t *p)
{
	char msg[512];
	const char *problem = p->problem ? p->problem : "malformed YAML";
	if (p->error == YAML_READER_ERROR) {
		size_t line, col;
		yamltree_position(&line, &col, b->buf, b->len, p->problem_offset + b->bom);
		if (p->problem_value != -1)
			snprintf(msg, sizeof msg, "%s (byte 0x%02X); rule files must be UTF-8 text without control characters",
			         problem, (unsigned)p->problem_value & 0xFFu);
		else
			snprintf(msg, sizeof msg, "%s; rule files must be UTF-8 text", problem);
		return fail_at(b, line, col, msg);
	}
	if (p->context)
		snprintf(msg, sizeof msg, "%s %s (line %zu, column %zu)", problem, p->context,
		         (size_t)p->context_mark.line + 1, (size_t)p->context_mark.column + 1);
	else
		snprintf(msg, sizeof msg, "%s", problem);
	if (p->error == YAML_SCANNER_ERROR && (strstr(problem, "tab") || char_at_mark(b, p->problem_mark) == '\t'))
		strncat(msg, "; indent with spaces, not tabs", sizeof msg - strlen(msg) - 1);
	return fail_mark(b, p->problem_mark, msg);
}

ps_status yamltree_parse(ynode ***docs, size_t *ndocs, arena *a, const char *file,
                         const char *buf, size_t len, ps_diags *diags)
{
	builder b = { .a = a, .file = file, .buf = buf, .len = len, .diags = diags };
	yaml_parser_t parser;
	yaml_event_t ev;
	ps_status st = PS_OK;
	bool parser_ready = false, done = false;

	*docs = NULL;
	*ndocs = 0;
	if (len >= 2 && ((unsigned char)buf[0] == 0xFF && (unsigned char)buf[1] == 0xFE)) {
		st = fail_at(&b, 1, 1, "the file is UTF-16; save rule files as UTF-8");
		goto out;
	}
	if (len >= 2 && ((unsigned char)buf[0] == 0xFE && (unsigned char)buf[1] == 0xFF)) {
		st = fail_at(&b, 1, 1, "the file is UTF-16; save rule files as UTF-8");
		goto out;
	}
	if (!yaml_parser_initialize(&parser)) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	parser_ready = true;
	/* libyaml keeps a BOM when told the encoding; drop it here. Its marks
	 * then count line 1 without it, which is what an editor shows. */
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		b.bom = 3;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf + b.bom, len - b.bom);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			st = parser.error == YAML_MEMORY_ERROR ? PS_ERR_NOMEM : parser_error(&b, &parser);
			goto out;
		}
		if (++b.nodes > PS_MAX_YAML_NODES) {
			st = fail_mark(&b, ev.start_mark, "too many YAML nodes in one file; split the file");
			yaml_event_delete(&ev);
			goto out;
		}
		st = reject_decorations(&b, &ev);
		if (st == PS_OK) {
			switch (ev.type) {
			case YAML_STREAM_END_EVENT:
				done = true;
				break;
			case YAML_ALIAS_EVENT:
				st = fail_mark(&b, ev.start_mark,
				               "aliases (*name) are not allowed in rule files; write the value out, or put shared terms in a lexicon");
				break;
			case YAML_SCALAR_EVENT:
				st = on_scalar(&b, &ev);
				break;
			case YAML_SEQUENCE_START_EVENT:
				st = open_collection(&b, &ev, YNODE_SEQ);
				break;
			case YAML_MAPPING_START_EVENT:
				st = open_collection(&b, &ev, YNODE_MAP);
				break;
			case YAML_SEQUENCE_END_EVENT:
			case YAML_MAPPING_END_EVENT:
				st = close_collection(&b);
				break;
			default:
				break;
			}
		}
		yaml_event_delete(&ev);
		if (st != PS_OK)
			goto out;
	}
	if (b.ndocs) {
		*docs = arena_alloc(a, b.ndocs * sizeof(**docs));
		if (!*docs) {
			st = PS_ERR_NOMEM;
			goto out;
		}
		memcpy(*docs, b.docs, b.ndocs * sizeof(**docs));
	}
	*ndocs = b.ndocs;
out:
	while (b.depth > 0)
		free(b.stack[--b.depth].items);
	if (parser_ready)
		yaml_parser_delete(&parser);
	free(b.docs);
	return st;
}
