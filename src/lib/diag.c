#include "diag_int.h"

#include <stdlib.h>
#include <string.h>

/* The public view, and the strings it points to, owned here. */
typedef struct diag_item {
	ps_diag view;
	char *file, *id, *message;
} diag_item;

struct ps_diags {
	diag_item *items;
	size_t count;
	size_t cap;
	size_t errors;
};

ps_status ps_diags_new(ps_diags **out)
{
	if (!out)
		return PS_ERR_INVALID;
	*out = calloc(1, sizeof(**out));
	return *out ? PS_OK : PS_ERR_NOMEM;
}

static void diag_release(diag_item *d)
{
	free(d->file);
	free(d->id);
	free(d->message);
}

void ps_diags_clear(ps_diags *diags)
{
	if (!diags)
		return;
	for (size_t i = 0; i < diags->count; i++)
		diag_release(&diags->items[i]);
	diags->count = 0;
	diags->errors = 0;
}

void ps_diags_free(ps_diags *diags)
{
	if (!diags)
		return;
	ps_diags_clear(diags);
	free(diags->items);
	free(diags);
}

size_t ps_diags_count(const ps_diags *diags)
{
	return diags ? diags->count : 0;
}

size_t ps_diags_errors(const ps_diags *diags)
{
	return diags ? diags->errors : 0;
}

const ps_diag *ps_diags_get(const ps_diags *diags, size_t index)
{
	if (!diags || index >= diags->count)
		return NULL;
	return &diags->items[index].view;
}

static char *dup_or_null(const char *s, int *failed)
{
	if (!s)
		return NULL;
	char *p = strdup(s);
	if (!p)
		*failed = 1;
	return p;
}

ps_status ps_diags_add(ps_diags *diags, ps_severity severity, const char *file,
                       size_t line, size_t column, const char *id, const char *message)
{
	if (!diags || !message)
		return PS_ERR_INVALID;
	if (diags->count == diags->cap) {
		size_t cap = diags->cap ? diags->cap * 2 : 8;
		diag_item *items = realloc(diags->items, cap * sizeof(*items));
		if (!items)
			return PS_ERR_NOMEM;
		diags->items = items;
		diags->cap = cap;
	}
	int failed = 0;
	diag_item d = {
		.file = dup_or_null(file, &failed),
		.id = dup_or_null(id, &failed),
		.message = dup_or_null(message, &failed),
	};
	d.view = (ps_diag){ .severity = severity, .file = d.file, .line = line, .column = column,
	                    .id = d.id, .message = d.message };
	if (failed) {
		diag_release(&d);
		return PS_ERR_NOMEM;
	}
	diags->items[diags->count++] = d;
	if (severity == PS_SEVERITY_ERROR)
		diags->errors++;
	return PS_OK;
}

ps_status diags_insert(ps_diags *diags, size_t at, ps_severity severity, const char *file, size_t line,
                       size_t column, const char *id, const char *message)
{
	ps_status st = ps_diags_add(diags, severity, file, line, column, id, message);
	if (st != PS_OK || at >= diags->count - 1)
		return st;
	diag_item d = diags->items[diags->count - 1];
	memmove(&diags->items[at + 1], &diags->items[at], (diags->count - 1 - at) * sizeof(*diags->items));
	diags->items[at] = d;
	return PS_OK;
}
