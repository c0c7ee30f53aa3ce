#include "fmref.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static char **field_named(fmfast_fields *f, const char *key)
{
	return !strcmp(key, "title") ? &f->title : !strcmp(key, "date") ? &f->date
	     : !strcmp(key, "source") ? &f->source : !strcmp(key, "url") ? &f->url
	     : !strcmp(key, "id") ? &f->id : NULL;
}

int fmref_read(fmfast_fields *ref, const char *text, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int ok = 0;
	char *key = NULL;
	memset(ref, 0, sizeof(*ref));
	if (!yaml_parser_initialize(&p))
		return -1;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	/* Stream start and document start, then the mapping. */
	for (int i = 0; i < 3; i++) {
		if (!yaml_parser_parse(&p, &ev))
			goto out;
		bool mapping = ev.type == YAML_MAPPING_START_EVENT;
		yaml_event_delete(&ev);
		if (i == 2 && !mapping)
			goto out;
	}
	for (;;) {
		if (!yaml_parser_parse(&p, &ev))
			goto out;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			yaml_event_delete(&ev);
			goto out; /* nesting, or an alias: not a flat mapping */
		}
		size_t n = ev.data.scalar.length;
		char *s = malloc(n + 1);
		bool has_nul = s && memchr(ev.data.scalar.value, '\0', n);
		if (s) {
			memcpy(s, ev.data.scalar.value, n);
			s[n] = '\0';
		}
		yaml_event_delete(&ev);
		if (!s || has_nul) {
			free(s);
			ok = s ? 0 : -1;
			goto out;
		}
		if (!key) {
			key = s;
			continue;
		}
		char **field = field_named(ref, key);
		if (field) {
			free(*field);
			*field = s;
		} else {
			free(s);
		}
		free(key);
		key = NULL;
	}
	/* The rest of the stream: document end, stream end. */
	for (int i = 0; i < 2; i++) {
		if (!yaml_parser_parse(&p, &ev))
			goto out;
		yaml_event_delete(&ev);
	}
	ok = 1;
out:
	free(key);
	yaml_parser_delete(&p);
	if (ok != 1)
		fmfast_clear(ref);
	return ok;
}

static bool same_field(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

bool fmref_same(const fmfast_fields *a, const fmfast_fields *b)
{
	return same_field(a->title, b->title) && same_field(a->date, b->date) && same_field(a->source, b->source) &&
	       same_field(a->url, b->url) && same_field(a->id, b->id);
}
