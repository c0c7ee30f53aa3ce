#include "jsonl_input.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A document that is only an error: its name FILE:LINE, its message. */
static doc_result *error_doc(const char *file, size_t line, const char *why)
{
	doc_result *doc = calloc(1, sizeof(*doc));
	if (!doc)
		return NULL;
	size_t n = strlen(file) + 24;
	doc->name = malloc(n);
	if (doc->name)
		snprintf(doc->name, n, "%s:%zu", file, line);
	doc_skip(doc, SKIP_MALFORMED, why);
	doc_message(doc, "%s:%zu: error: %s\n", file, line, why);
	if (!doc->name) {
		doc_free(doc);
		free(doc);
		return NULL;
	}
	return doc;
}

/* An optional text field: 0 when absent, null or a string (copied). */
static int take_text(json_t *rec, const char *key, char **out)
{
	json_t *v = json_object_get(rec, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = strdup(json_string_value(v));
	return *out ? 0 : -1;
}

/* Turn one line into a document; NULL with *why set when it is none. */
static doc_result *parse_record(const char *line, size_t len, char **text, size_t *text_len, char *why, size_t why_len)
{
	json_error_t err;
	json_t *rec = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	doc_result *doc = NULL;
	*text = NULL;
	if (!rec) {
		snprintf(why, why_len, "not valid JSON: %s (column %d)", err.text, err.column);
		return NULL;
	}
	json_t *id = json_object_get(rec, "id"), *body = json_object_get(rec, "text");
	if (!json_is_object(rec)) {
		snprintf(why, why_len, "%s", "a record is a JSON object with \"id\" and \"text\"");
		goto out;
	}
	if (!json_is_string(id) && !json_is_integer(id)) {
		snprintf(why, why_len, "%s", id ? "\"id\" must be a string or a number" : "the record has no \"id\"");
		goto out;
	}
	if (!json_is_string(body)) {
		snprintf(why, why_len, "%s", body ? "\"text\" must be a string" : "the record has no \"text\"");
		goto out;
	}
	doc = calloc(1, sizeof(*doc));
	if (!doc) {
		snprintf(why, why_len, "%s", "out of memory");
		goto out;
	}
	if (json_is_string(id)) {
		doc->name = strdup(json_string_value(id));
	} else {
		char num[32];
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
		doc->name = strdup(num);
	}
	static const char *const keys[] = { "title", "date", "source", "url" };
	char **fields[] = { &doc->meta.title, &doc->meta.date, &doc->meta.source, &doc->meta.url };
	for (size_t i = 0; i < 4; i++) {
		if (take_text(rec, keys[i], fields[i]) != 0) {
			snprintf(why, why_len, "\"%s\" must be a string", keys[i]);
			doc_free(doc);
			free(doc);
			doc = NULL;
			goto out;
		}
	}
	*text_len = json_string_length(body);
	*text = malloc(*text_len + 1);
	if (!*text || !doc->name) {
		snprintf(why, why_len, "%s", "out of memory");
		free(*text);
		*text = NULL;
		doc_free(doc);
		free(doc);
		doc = NULL;
		goto out;
	}
	memcpy(*text, json_string_value(body), *text_len);
	(*text)[*text_len] = '\0';
out:
	json_decref(rec);
	return doc;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

int jsonl_read(const char *name, bool is_stdin, jsonl_doc_fn on_doc, void *userdata)
{
	FILE *f = is_stdin ? stdin : fopen(name, "rb");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	int rc = 0;
	if (!f) {
		doc_result *doc = calloc(1, sizeof(*doc));
		char why[128];
		snprintf(why, sizeof why, "%s", strerror(errno));
		if (!doc || !(doc->name = strdup(name))) {
			free(doc);
			fputs("pactscan: out of memory\n", stderr);
			return 1;
		}
		doc_skip(doc, SKIP_UNREADABLE, why);
		doc_message(doc, "pactscan: %s: skipped: %s\n", name, why);
		return on_doc(doc, NULL, 0, userdata);
	}
	for (;;) {
		errno = 0;
		ssize_t n = getline(&line, &cap, f);
		if (n < 0) {
			if (ferror(f)) {
				doc_result *doc = error_doc(name, lineno + 1, strerror(errno ? errno : EIO));
				if (doc)
					doc->skip = SKIP_UNREADABLE;
				rc = doc ? on_doc(doc, NULL, 0, userdata) : 1;
			}
			break;
		}
		lineno++;
		if (blank(line, (size_t)n))
			continue;
		char why[256], *text = NULL;
		size_t text_len = 0;
		doc_result *doc = NULL;
		if ((size_t)n > JSONL_MAX_LINE)
			snprintf(why, sizeof why, "the line is longer than %u MiB", JSONL_MAX_LINE / (1024u * 1024u));
		else
			doc = parse_record(line, (size_t)n, &text, &text_len, why, sizeof why);
		if (!doc)
			doc = error_doc(name, lineno, why);
		if (!doc) {
			fputs("pactscan: out of memory\n", stderr);
			rc = 1;
			break;
		}
		/* A long line's buffer is not kept for the next one. */
		if (cap > 1024u * 1024u) {
			free(line);
			line = NULL;
			cap = 0;
		}
		rc = on_doc(doc, text, text_len, userdata);
		if (rc)
			break;
	}
	free(line);
	if (!is_stdin)
		fclose(f);
	return rc;
}
