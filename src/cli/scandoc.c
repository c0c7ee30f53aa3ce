#include "scandoc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docmeta.h"
#include "fdread.h"
#include "frontmatter.h"

#define CHUNK 65536
/* Front matter longer than this is still blanked, but its metadata is not read. */
#define MAX_FRONT_MATTER (1024u * 1024u)
/* With one thread, findings are reported in batches of this many while
 * their document is read: memory stays small, and each batch is worth the
 * trip. */
#define FLUSH_EVERY 256

struct doc_scanner {
	const scan_settings *settings;
	ps_scanner *scanner;
	FILE *sink;                /* front matter messages: scan does not judge labels */
	doc_result *doc;           /* the document being scanned */
};

/* --clause: the scanner searches the selected clauses' signals alone (the
 * findings are filtered in on_finding too, for the other settings). */
static int select_clauses(ps_scanner *scanner, const scan_settings *settings)
{
	if (!settings->selected)
		return 0;
	size_t n = ps_ruleset_clause_count(settings->rules), k = 0;
	const ps_clause **chosen = malloc((n ? n : 1) * sizeof(*chosen));
	if (!chosen)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (settings->selected[i])
			chosen[k++] = ps_ruleset_clause(settings->rules, i);
	ps_status st = ps_scanner_select(scanner, chosen, k);
	free(chosen);
	return st == PS_OK ? 0 : -1;
}

int doc_scanner_new(doc_scanner **out, const scan_settings *settings)
{
	doc_scanner *ds = calloc(1, sizeof(*ds));
	*out = NULL;
	if (!ds)
		return -1;
	ds->settings = settings;
	ds->sink = fopen("/dev/null", "w");
	if (!ds->sink)
		ds->sink = tmpfile();
	if (!ds->sink || ps_scanner_new(&ds->scanner, settings->rules, &settings->limits) != PS_OK ||
	    select_clauses(ds->scanner, settings) != 0) {
		doc_scanner_free(ds);
		return -1;
	}
	*out = ds;
	return 0;
}

void doc_scanner_free(doc_scanner *ds)
{
	if (!ds)
		return;
	ps_scanner_free(ds->scanner);
	if (ds->sink)
		fclose(ds->sink);
	free(ds);
}

ps_status doc_scanner_profile(ps_scan_profile *out, const doc_scanner *ds)
{
	return ps_scanner_profile(out, ds->scanner);
}

/* strerror() may share a buffer between threads; workers use this. */
static const char *error_text(int err, char *buf, size_t len)
{
	if (strerror_r(err, buf, len) != 0)
		snprintf(buf, len, "error %d", err);
	return buf;
}

static int on_finding(const ps_finding *f, void *userdata)
{
	doc_scanner *ds = userdata;
	const scan_settings *s = ds->settings;
	finding_batch *b = &ds->doc->found;
	if (s->selected && !s->selected[ps_clause_index(f->clause)])
		return 0;
	if (s->min_rank >= 0 && certainty_rank(f->certainty) < s->min_rank)
		return 0;
	if (s->writer) {
		/* Formatted here, on this thread, from the library's finding: a
		 * copy to format from was a strlen and a memcpy of every string
		 * (0.5% of a one-thread scan's instructions at 30%, callgrind). */
		cli_finding view;
		cli_finding_view(&view, f);
		view.fails = finding_fails(s->writer->fail, view.stance);
		if (reporter_format(s->writer, b, ds->doc, &view) != 0)
			goto nomem;
	} else if (!batch_add(b, f)) {
		goto nomem;
	}
	if (s->flush && b->n + b->n_done >= FLUSH_EVERY)
		return s->flush(ds->doc, s->flush_data);
	return 0;
nomem:
	ds->doc->nomem = true;
	return -1;
}

static void on_problem(const ps_diag *d, void *userdata)
{
	doc_scanner *ds = userdata;
	ds->doc->incomplete = true;
	doc_message(ds->doc, "%s:%zu:%zu: warning: %s\n", ds->doc->name, d->line, d->column, d->message);
}

/* Where the bytes come from: a descriptor (a document in memory is read
 * where it is: doc_scan_text). */
typedef struct source {
	int fd;
	bool nonblock;             /* opened O_NONBLOCK: a read never waits */
	uint64_t defer_at;         /* a regular file this long or more is left unread (0: none) */
	bool deferred;             /* it was */
} source;

/* The next chunk, at most CHUNK bytes, into to: its length, 0 at the end,
 * or -1 after a read error, which marks the document incomplete with a
 * message. first: the document's first read, which may have to wait for a
 * FIFO's writer. */
static ssize_t read_chunk(doc_result *doc, source *src, bool first, char *to, size_t room)
{
	size_t want = room < CHUNK ? room : CHUNK;
	ssize_t got = first ? fd_read_first(src->fd, to, want) : fd_read(src->fd, to, want);
	if (got < 0) {
		char why[128];
		doc_message(doc, "pactscan: %s: read error: %s\n", doc->name, error_text(errno, why, sizeof why));
		doc->incomplete = true;
	}
	return got;
}

static void take_field(char **dst, char **src)
{
	if (!*dst) {
		*dst = *src;
		*src = NULL;
	}
}

/* Fill the metadata the document does not have yet from its front matter. */
static void read_meta(doc_scanner *ds, doc_result *doc, const char *front, size_t len)
{
	docmeta m;
	docmeta_parse(&m, doc->name, front, len, ds->sink);
	take_field(&doc->meta.title, &m.title);
	take_field(&doc->meta.date, &m.date);
	take_field(&doc->meta.source, &m.source);
	take_field(&doc->meta.url, &m.url);
	docmeta_free(&m);
}

static void skip_doc(doc_result *doc, skip_kind kind, const char *why)
{
	doc_skip(doc, kind, why);
	doc_message(doc, "pactscan: %s: skipped: %s\n", doc->name, why);
}

/* End the document: its counts, and what made it incomplete. */
/* The document's scan is over (st: how it went; the scanner has ended). */
static void scan_ended(doc_scanner *ds, doc_result *doc, ps_status st)
{
	doc->stats = *ps_scanner_stats(ds->scanner);
	if (doc->nomem || st == PS_ERR_NOMEM) {
		doc_message(doc, "pactscan: %s: out of memory\n", doc->name);
		doc->incomplete = true;
	} else if (st == PS_ERR_INCOMPLETE) {
		doc->incomplete = true;
	}
	ds->doc = NULL;
}

static void end_scan(doc_scanner *ds, doc_result *doc, ps_status st)
{
	ps_status end = ps_scanner_end(ds->scanner);
	scan_ended(ds, doc, st == PS_OK ? end : st);
}

/* Is the document, by its first chunk, one to skip (UTF-16, or binary:
 * like grep, a NUL byte in the first chunk)? Marks it skipped if so. */
static bool skip_by_head(doc_result *doc, const char *head, size_t n)
{
	if (n >= 2 && (!memcmp(head, "\xFF\xFE", 2) || !memcmp(head, "\xFE\xFF", 2))) {
		skip_doc(doc, SKIP_UTF16, "UTF-16 text; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)");
		return true;
	}
	if (memchr(head, '\0', n)) {
		skip_doc(doc, SKIP_BINARY, "binary file (holds NUL bytes)");
		return true;
	}
	return false;
}

/* Front matter as the chunks of a document come: while it may be front
 * matter (the document starts with '-'), the raw chunks are kept, at most
 * MAX_FRONT_MATTER, and its metadata read once it ends; every chunk is
 * blanked where it is. */
typedef struct front_reader {
	frontmatter fm;
	char *raw;
	size_t len;
	bool capture;
} front_reader;

static void front_start(front_reader *f, const char *first, size_t n)
{
	frontmatter_init(&f->fm);
	f->raw = NULL;
	f->len = 0;
	f->capture = n && first[0] == '-';
}

/* Is there anything left for front_take to do? */
static bool front_open(const front_reader *f)
{
	return f->capture || f->fm.phase != 2;
}

static void front_take(doc_scanner *ds, doc_result *doc, front_reader *f, char *chunk, size_t n)
{
	if (f->capture) {
		char *grown = f->len + n <= MAX_FRONT_MATTER ? realloc(f->raw, f->len + n) : NULL;
		if (grown) {
			memcpy(grown + f->len, chunk, n);
			f->raw = grown;
			f->len += n;
		} else {
			f->capture = false;
			free(f->raw);
			f->raw = NULL;
			f->len = 0;
		}
	}
	frontmatter_blank(&f->fm, chunk, n);
	if (f->capture && f->fm.phase == 2) {
		read_meta(ds, doc, f->raw, f->len);
		f->capture = false;
	}
}

/* The document ended: front matter still open is read as it is. */
static void front_end(doc_scanner *ds, doc_result *doc, front_reader *f)
{
	if (f->capture && f->raw)
		read_meta(ds, doc, f->raw, f->len);
	free(f->raw);
	f->raw = NULL;
}

static void scan_source(doc_scanner *ds, doc_result *doc, source *src)
{
	ps_scan_callbacks cb = { on_finding, on_problem, ds };
	bool first = true;
	front_reader front = { .raw = NULL };

	ds->doc = doc;
	ps_status st = ps_scanner_begin(ds->scanner, &cb);
	while (st == PS_OK) {
		/* Read into the scanner's buffer, where the scanner reads it. */
		char *chunk;
		size_t room;
		st = ps_scanner_space(&chunk, &room, ds->scanner);
		if (st != PS_OK)
			break;
		ssize_t got = read_chunk(doc, src, first, chunk, room);
		if (got <= 0)
			break;
		size_t n = (size_t)got;
		bool last = false;
		size_t want = room < CHUNK ? room : CHUNK;
		if (src->nonblock && n < want) {
			/* A short read of a file is most often all of it: read on now,
			 * and the document is scanned in one final pass (a read that
			 * would wait, or fails, is left to the next read_chunk). */
			ssize_t more = read(src->fd, chunk + n, want - n);
			if (more == 0)
				last = true;
			else if (more > 0)
				n += (size_t)more;
		}
		if (first && src->defer_at && n == want) {
			/* A first read that fills its chunk: the file may be long
			 * enough to split. Only then is it sized, which for a
			 * directory of short articles is no system call at all. */
			struct stat sb;
			if (fstat(src->fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size >= src->defer_at) {
				src->deferred = true;
				return; /* the scanner's next ps_scanner_begin drops this document */
			}
		}
		if (first) {
			if (skip_by_head(doc, chunk, n))
				break;
			front_start(&front, chunk, n);
			first = false;
		}
		front_take(ds, doc, &front, chunk, n);
		if (last) {
			front_end(ds, doc, &front);
			scan_ended(ds, doc, ps_scanner_commit_last(ds->scanner, n));
			return;
		}
		st = ps_scanner_commit(ds->scanner, n);
	}
	front_end(ds, doc, &front);
	end_scan(ds, doc, st);
}

void doc_scan_file(doc_scanner *ds, doc_result *doc, const input_dir *dir, size_t base_at, bool is_stdin)
{
	source src = { .fd = STDIN_FILENO };
	if (!is_stdin) {
		src.nonblock = true;
		/* Without O_NONBLOCK a file swapped for a FIFO since the walk
		 * looked at it would block the open. The flag stays: it changes
		 * nothing for a regular file, and a pipe's reads wait in
		 * fd_read. Two fcntl calls to clear it were a fifth of the
		 * system calls for a directory of short articles. */
		src.fd = input_open(dir, doc->name, base_at, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (src.fd < 0) {
			char why[128];
			skip_doc(doc, SKIP_UNREADABLE, error_text(errno, why, sizeof why));
			return;
		}
	}
	scan_source(ds, doc, &src);
	if (!is_stdin)
		close(src.fd);
}

bool doc_scan_file_below(doc_scanner *ds, doc_result *doc, const input_dir *dir, size_t base_at, uint64_t limit)
{
	/* As doc_scan_file, sizing the file only where its first read fills a
	 * chunk (scan_source): this takes the place of the walk's stat of
	 * every file, half of the reading thread's work on a directory. */
	source src = { .nonblock = true, .defer_at = limit };
	src.fd = input_open(dir, doc->name, base_at, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (src.fd < 0) {
		char why[128];
		skip_doc(doc, SKIP_UNREADABLE, error_text(errno, why, sizeof why));
		return true;
	}
	scan_source(ds, doc, &src);
	close(src.fd);
	return !src.deferred;
}

void doc_scan_text(doc_scanner *ds, doc_result *doc, char *text, size_t len)
{
	/* The text is in memory already: it is checked and its front matter
	 * blanked where it is, and the scanner reads it there. (A JSON Lines
	 * record was once copied three times on its way to the scanner, and
	 * scanned in two passes.) */
	ps_scan_callbacks cb = { on_finding, on_problem, ds };
	front_reader front;

	ds->doc = doc;
	ps_status st = ps_scanner_begin(ds->scanner, &cb);
	if (st != PS_OK || skip_by_head(doc, text, len < CHUNK ? len : CHUNK)) {
		end_scan(ds, doc, st);
		return;
	}
	/* Chunk by chunk, as a file's is read. */
	front_start(&front, text, len);
	for (size_t at = 0; at < len && front_open(&front); at += CHUNK)
		front_take(ds, doc, &front, text + at, len - at < CHUNK ? len - at : CHUNK);
	front_end(ds, doc, &front);
	scan_ended(ds, doc, ps_scanner_feed_last(ds->scanner, text, len));
}

void doc_scan_piece(doc_scanner *ds, doc_result *doc, const char *text, size_t len, const ps_scan_origin *origin,
                    int rest)
{
	ps_scan_callbacks cb = { on_finding, on_problem, ds };
	ds->doc = doc;
	ps_status st = ps_scanner_begin_at(ds->scanner, &cb, origin);
	if (st == PS_OK && rest < 0) {
		/* All of the piece is here: read where it is. */
		scan_ended(ds, doc, ps_scanner_feed_last(ds->scanner, text, len));
		return;
	}
	/* A document with no place to cut: this worker reads the rest, into
	 * the scanner's buffer. */
	source more = { .fd = rest };
	if (st == PS_OK)
		st = ps_scanner_feed(ds->scanner, text, len);
	while (st == PS_OK) {
		char *chunk;
		size_t room;
		st = ps_scanner_space(&chunk, &room, ds->scanner);
		if (st != PS_OK)
			break;
		ssize_t got = read_chunk(doc, &more, false, chunk, room);
		if (got <= 0)
			break;
		st = ps_scanner_commit(ds->scanner, (size_t)got);
	}
	end_scan(ds, doc, st);
}
