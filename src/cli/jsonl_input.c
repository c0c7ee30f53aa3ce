#include "jsonl_input.h"

#include "fdread.h"
#include "jsonrec.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
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

/* The document of a record the fast reader took; NULL when out of memory. */
static doc_result *fast_doc(jsonrec *rec, char **text, size_t *text_len)
{
	doc_result *doc = calloc(1, sizeof(*doc));
	if (!doc)
		return NULL;
	doc->name = rec->id;
	doc->meta.title = rec->title;
	doc->meta.date = rec->date;
	doc->meta.source = rec->source;
	doc->meta.url = rec->url;
	*text = rec->text;
	*text_len = rec->text_len;
	memset(rec, 0, sizeof(*rec));
	return doc;
}

/* Turn one line into a document; NULL with *why set when it is none. */
static doc_result *parse_record(const char *line, size_t len, char **text, size_t *text_len, char *why, size_t why_len)
{
	json_error_t err;
	jsonrec fast;
	*text = NULL;
	switch (jsonrec_parse(&fast, line, len)) {
	case JSONREC_OK: {
		doc_result *d = fast_doc(&fast, text, text_len);
		if (!d) {
			jsonrec_clear(&fast);
			snprintf(why, why_len, "%s", "out of memory");
		}
		return d;
	}
	case JSONREC_NOMEM:
		snprintf(why, why_len, "%s", "out of memory");
		return NULL;
	case JSONREC_UNSURE:
		break;
	}
	json_t *rec = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	doc_result *doc = NULL;
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

doc_result *jsonl_parse(const char *file, size_t lineno, const char *line, size_t len, char **text, size_t *text_len)
{
	char why[256];
	*text = NULL;
	*text_len = 0;
	doc_result *doc = parse_record(line, len, text, text_len, why, sizeof why);
	return doc ? doc : error_doc(file, lineno, why);
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* Lines read with read() into one buffer: the reader knows when no whole
 * line is left and the next read may wait, which is when queued documents
 * should go (a wire feed on a pipe gets its findings as records arrive). */
typedef struct line_reader {
	int fd;
	bool may_wait;             /* a pipe or terminal, not a regular file */
	char *buf;
	size_t cap, start, end;    /* unread bytes: buf[start..end) */
	size_t scanned;            /* bytes after start known to hold no newline */
	bool eof, skipping;        /* skipping: the rest of a too-long line */
	int err;                   /* errno of a failed read */
} line_reader;

#define READ_CHUNK (256u * 1024u)

/* Next line: 1 with *line, *len (its newline included, if any); 2 for a
 * line too long to keep (its bytes are dropped); 0 at the end; -1 on a read
 * error (lr->err) or out of memory (lr->err 0). */
static int next_line(line_reader *lr, char **line, size_t *len, void (*on_wait)(void *), void *userdata)
{
	for (;;) {
		size_t unscanned = lr->end - lr->start - lr->scanned;
		char *nl = unscanned ? memchr(lr->buf + lr->start + lr->scanned, '\n', unscanned) : NULL;
		if (nl || (lr->eof && lr->end > lr->start)) {
			size_t n = nl ? (size_t)(nl - (lr->buf + lr->start)) + 1 : lr->end - lr->start;
			*line = lr->buf + lr->start;
			*len = n;
			lr->start += n;
			lr->scanned = 0;
			if (lr->skipping) {
				lr->skipping = false;
				continue;
			}
			return 1;
		}
		if (lr->eof)
			return 0;
		lr->scanned = lr->end - lr->start;
		if (lr->scanned > JSONL_MAX_LINE && !lr->skipping) {
			/* Report it now; drop its bytes up to its newline. */
			lr->skipping = true;
			lr->start = lr->end = lr->scanned = 0;
			return 2;
		}
		if (lr->skipping)
			lr->start = lr->end = lr->scanned = 0;
		if (lr->start >= READ_ALIGN) {
			/* The kept bytes end on a READ_ALIGN boundary, where the
			 * next read goes (fdread.h); a long line read on
			 * after a move is not moved again. */
			size_t kept = lr->end - lr->start;
			size_t to = (READ_ALIGN - ((uintptr_t)lr->buf + kept) % READ_ALIGN) % READ_ALIGN;
			if (to != lr->start)
				memmove(lr->buf + to, lr->buf + lr->start, kept);
			lr->start = to;
			lr->end = to + kept;
		}
		if (lr->cap - lr->end < READ_CHUNK) {
			/* Room for the longest line kept, and a chunk past it to see it is longer. */
			size_t cap = lr->cap ? lr->cap * 2 : 2 * READ_CHUNK;
			if (cap > JSONL_MAX_LINE + 2 * READ_CHUNK)
				cap = JSONL_MAX_LINE + 2 * READ_CHUNK;
			char *b = realloc(lr->buf, cap);
			if (!b) {
				lr->err = 0;
				return -1;
			}
			lr->buf = b;
			lr->cap = cap;
		}
		if (lr->may_wait && on_wait) {
			struct pollfd pfd = { .fd = lr->fd, .events = POLLIN };
			if (poll(&pfd, 1, 0) == 0)
				on_wait(userdata);
		}
		ssize_t got = fd_read(lr->fd, lr->buf + lr->end, lr->cap - lr->end);
		if (got < 0) {
			lr->err = errno;
			return -1;
		}
		if (got == 0)
			lr->eof = true;
		lr->end += (size_t)got;
	}
}

int jsonl_read(const char *name, bool is_stdin, const jsonl_callbacks *cb, void *userdata)
{
	line_reader lr = { .fd = is_stdin ? STDIN_FILENO : open(name, O_RDONLY | O_CLOEXEC) };
	size_t lineno = 0;
	int rc = 0;
	struct stat sb;
	if (lr.fd < 0) {
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
		return cb->on_doc(doc, NULL, 0, userdata);
	}
	lr.may_wait = fstat(lr.fd, &sb) != 0 || !S_ISREG(sb.st_mode);
	for (;;) {
		char *line = NULL, why[256], *text = NULL;
		size_t n = 0, text_len = 0;
		doc_result *doc = NULL;
		int got = next_line(&lr, &line, &n, cb->on_wait, userdata);
		if (got == 0)
			break;
		if (got < 0 && lr.err == 0) {
			fputs("pactscan: out of memory\n", stderr);
			rc = 1;
			break;
		}
		if (got < 0) {
			doc = error_doc(name, lineno + 1, strerror(lr.err));
			if (doc)
				doc->skip = SKIP_UNREADABLE;
			rc = doc ? cb->on_doc(doc, NULL, 0, userdata) : 1;
			break;
		}
		lineno++;
		if (got == 1 && blank(line, n))
			continue;
		bool raw = got == 1 && n <= JSONL_MAX_LINE && cb->on_line;
		if (raw) {
			rc = cb->on_line(line, n, lineno, userdata);
		} else {
			if (got == 2 || n > JSONL_MAX_LINE)
				snprintf(why, sizeof why, "the line is longer than %u MiB", JSONL_MAX_LINE / (1024u * 1024u));
			else
				doc = parse_record(line, n, &text, &text_len, why, sizeof why);
			if (!doc)
				doc = error_doc(name, lineno, why);
			if (!doc) {
				fputs("pactscan: out of memory\n", stderr);
				rc = 1;
				break;
			}
		}
		/* A long line's buffer is not kept for the next one (the line is
		 * parsed or copied by now). */
		if (lr.cap > 4 * READ_CHUNK && lr.end - lr.start < READ_CHUNK) {
			memmove(lr.buf, lr.buf + lr.start, lr.end - lr.start);
			lr.end -= lr.start;
			lr.start = 0;
			char *b = realloc(lr.buf, 2 * READ_CHUNK);
			if (b) {
				lr.buf = b;
				lr.cap = 2 * READ_CHUNK;
			}
		}
		if (!raw)
			rc = cb->on_doc(doc, text, text_len, userdata);
		if (rc)
			break;
	}
	free(lr.buf);
	if (!is_stdin)
		close(lr.fd);
	return rc;
}
