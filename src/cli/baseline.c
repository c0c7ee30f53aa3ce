#include "baseline.h"

/* The largest baseline read: a few hundred thousand findings. */
#define MAX_BASELINE (512u * 1024u * 1024u)

#include <errno.h>
#include <sys/stat.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

typedef struct entry {
	char *key;                 /* doc NUL clause NUL signal NUL sentence */
	size_t len;
	uint64_t hash;
	size_t count;              /* matches left */
} entry;

struct baseline {
	entry *slots;              /* open addressing; key NULL when empty */
	size_t cap, used, findings;
};

static uint64_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* Append s to the key: cleaned of invalid UTF-8 as reports print it, and
 * (for the sentence) with each run of white space as one space. */
static int key_part(char **key, size_t *len, const char *s, size_t n, bool squeeze)
{
	size_t clean_len = 0;
	char *clean = utf8_clean(s, n, &clean_len);
	if (!clean)
		return -1;
	char *grown = realloc(*key, *len + clean_len + 1);
	if (!grown) {
		free(clean);
		return -1;
	}
	*key = grown;
	size_t o = *len;
	bool space = false;
	for (size_t i = 0; i < clean_len; i++) {
		char c = clean[i];
		bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
		if (squeeze && ws) {
			space = true;
			continue;
		}
		if (space && o > *len)
			grown[o++] = ' ';
		space = false;
		grown[o++] = c;
	}
	grown[o++] = '\0';
	*len = o;
	free(clean);
	return 0;
}

static char *make_key(const char *doc, const char *clause, const char *signal, const char *sentence,
                      size_t sentence_len, size_t *len)
{
	char *key = NULL;
	*len = 0;
	if (key_part(&key, len, doc, strlen(doc), false) || key_part(&key, len, clause, strlen(clause), false) ||
	    key_part(&key, len, signal, strlen(signal), false) || key_part(&key, len, sentence, sentence_len, true)) {
		free(key);
		return NULL;
	}
	return key;
}

static entry *find_slot(baseline *b, const char *key, size_t len, uint64_t hash)
{
	size_t i = (size_t)hash & (b->cap - 1);
	while (b->slots[i].key && !(b->slots[i].hash == hash && b->slots[i].len == len &&
	                             !memcmp(b->slots[i].key, key, len)))
		i = (i + 1) & (b->cap - 1);
	return &b->slots[i];
}

static int grow(baseline *b)
{
	size_t cap = b->cap ? b->cap * 2 : 256;
	entry *old = b->slots;
	size_t old_cap = b->cap;
	b->slots = calloc(cap, sizeof(*b->slots));
	if (!b->slots) {
		b->slots = old;
		return -1;
	}
	b->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].key)
			*find_slot(b, old[i].key, old[i].len, old[i].hash) = old[i];
	free(old);
	return 0;
}

static int add(baseline *b, const char *doc, const char *clause, const char *signal, const char *sentence,
               size_t sentence_len)
{
	size_t len;
	if ((b->used + 1) * 2 > b->cap && grow(b) != 0)
		return -1;
	char *key = make_key(doc, clause, signal, sentence, sentence_len, &len);
	if (!key)
		return -1;
	uint64_t hash = fnv1a(key, len);
	entry *e = find_slot(b, key, len, hash);
	if (e->key) {
		free(key);
	} else {
		*e = (entry){ key, len, hash, 0 };
		b->used++;
	}
	e->count++;
	b->findings++;
	return 0;
}

static const char *str_field(json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));
	return s;
}

/* One finding object; doc from the record itself when given NULL. */
static int add_finding(baseline *b, json_t *f, const char *doc)
{
	const char *d = doc ? doc : str_field(f, "doc");
	const char *clause = str_field(f, "clause"), *signal = str_field(f, "signal");
	json_t *sentence = json_object_get(f, "sentence");
	if (!d || !clause || !signal || !json_is_string(sentence))
		return 1;
	return add(b, d, clause, signal, json_string_value(sentence), json_string_length(sentence));
}

static int load_report(baseline *b, json_t *root)
{
	json_t *docs = json_object_get(root, "documents"), *doc, *f;
	size_t i, k;
	json_array_foreach(docs, i, doc) {
		const char *name = str_field(doc, "doc");
		json_array_foreach(json_object_get(doc, "findings"), k, f) {
			int rc = name ? add_finding(b, f, name) : 1;
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int load_lines(baseline *b, const char *text, size_t len, const char *path)
{
	size_t line = 0;
	for (size_t i = 0; i < len;) {
		const char *end = memchr(text + i, '\n', len - i);
		size_t n = end ? (size_t)(end - (text + i)) : len - i;
		line++;
		json_error_t err;
		json_t *rec = n ? json_loadb(text + i, n, 0, &err) : NULL;
		if (n && !rec) {
			fprintf(stderr, "%s:%zu: error: not a pactscan report line: %s\n", path, line, err.text);
			return -1;
		}
		const char *type = str_field(rec, "type");
		int rc = type && !strcmp(type, "finding") ? add_finding(b, rec, NULL) : 0;
		json_decref(rec);
		if (rc) {
			fprintf(stderr, "%s:%zu: error: a finding needs doc, clause, signal and sentence\n", path, line);
			return -1;
		}
		i += n + 1;
	}
	return 0;
}

int baseline_load(baseline **out, const char *path)
{
	baseline *b = calloc(1, sizeof(*b));
	json_t *root = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc = -1;
	FILE *f = NULL;

	*out = NULL;
	if (!b || grow(b) != 0) {
		fputs("pactscan: out of memory\n", stderr);
		goto out;
	}
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "pactscan: --baseline %s: %s\n", path, strerror(errno));
		goto out;
	}
	struct stat sb;
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "pactscan: --baseline %s: not a regular file; give a report written with --format json or jsonl\n",
		        path);
		goto out;
	}
	for (;;) {
		/* A baseline is a report pactscan wrote; /dev/zero is not one. */
		if (len >= MAX_BASELINE) {
			fprintf(stderr, "pactscan: --baseline %s: larger than %u MiB; is it a pactscan report?\n", path,
			        (unsigned)(MAX_BASELINE >> 20));
			goto out;
		}
		char *grown = realloc(text, len + 65536);
		if (!grown) {
			fputs("pactscan: out of memory\n", stderr);
			goto out;
		}
		text = grown;
		size_t n = fread(text + len, 1, 65536, f);
		len += n;
		if (n < 65536)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "pactscan: --baseline %s: %s\n", path, strerror(errno));
		goto out;
	}
	/* A JSON report is one object with "documents"; anything else is read
	 * as JSON Lines, one record a line. */
	json_error_t err;
	root = json_loadb(text, len, 0, &err);
	if (root && json_is_array(json_object_get(root, "documents"))) {
		if (load_report(b, root) != 0) {
			fprintf(stderr, "pactscan: --baseline %s: a finding needs clause, signal and sentence\n", path);
			goto out;
		}
	} else if (load_lines(b, text, len, path) != 0) {
		goto out;
	}
	rc = 0;
	*out = b;
	b = NULL;
out:
	if (f)
		fclose(f);
	json_decref(root);
	free(text);
	baseline_free(b);
	return rc;
}

bool baseline_take(baseline *b, const char *doc, const char *clause, const char *signal, const char *sentence,
                   size_t sentence_len)
{
	size_t len;
	char *key = make_key(doc, clause, signal, sentence, sentence_len, &len);
	if (!key)
		return false;
	entry *e = find_slot(b, key, len, fnv1a(key, len));
	free(key);
	if (!e->key || e->count == 0)
		return false;
	e->count--;
	return true;
}

size_t baseline_count(const baseline *b)
{
	return b->findings;
}

void baseline_free(baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->cap; i++)
		free(b->slots[i].key);
	free(b->slots);
	free(b);
}
