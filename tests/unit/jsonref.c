#include "jsonref.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A copy of s's value (len bytes and a NUL), or NULL. */
static char *copy(json_t *s, size_t len)
{
	char *p = malloc(len + 1);
	if (p)
		memcpy(p, json_string_value(s), len + 1);
	return p;
}

int jsonref_read(jsonrec *rec, const char *line, size_t len)
{
	json_error_t err;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	int rc = 0;
	memset(rec, 0, sizeof(*rec));
	if (!json_is_object(o))
		goto out;
	json_t *id = json_object_get(o, "id"), *text = json_object_get(o, "text");
	if (!json_is_string(id) || !json_is_string(text))
		goto out;
	rc = -1;
	if (!(rec->id = copy(id, json_string_length(id))))
		goto out;
	rec->text_len = json_string_length(text);
	if (!(rec->text = copy(text, rec->text_len)))
		goto out;
	static const char *const keys[] = { "title", "date", "source", "url" };
	char **fields[] = { &rec->title, &rec->date, &rec->source, &rec->url };
	for (size_t i = 0; i < 4; i++) {
		json_t *v = json_object_get(o, keys[i]);
		if (v && !json_is_null(v) && !json_is_string(v)) {
			rc = 0;
			goto out;
		}
		if (json_is_string(v) && !(*fields[i] = copy(v, json_string_length(v))))
			goto out;
	}
	rc = 1;
out:
	if (rc != 1)
		jsonrec_clear(rec);
	json_decref(o);
	return rc;
}

static bool same_field(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

bool jsonref_same(const jsonrec *a, const jsonrec *b)
{
	return same_field(a->id, b->id) && a->text_len == b->text_len && !memcmp(a->text, b->text, a->text_len) &&
	       same_field(a->title, b->title) && same_field(a->date, b->date) && same_field(a->source, b->source) &&
	       same_field(a->url, b->url);
}
