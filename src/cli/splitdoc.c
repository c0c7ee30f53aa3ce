#include "splitdoc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docmeta.h"
#include "fdread.h"
#include "frontmatter.h"

#define CHUNK 65536
/* A piece is cut at the last place in this many bytes past SPLIT_PIECE
 * where every segmentation starts a sentence; the bytes read past the cut
 * are all that is copied to the next piece's buffer. */
#define CUT_WINDOW (16u * 1024u)
#define MAX_FRONT_MATTER (1024u * 1024u)
/* Context is searched for within this many bytes before a cut; a cut with
 * too few sentences before it in that span is not used. */
#define CONTEXT_SPAN (256u * 1024u)
/* With no usable cut in this much text, the rest becomes one piece. */
#define MAX_BUFFER (64u * 1024u * 1024u)

/* The buffer holds the next piece's context, then the piece as far as it
 * has been read: a piece is handed out in the buffer it was read into, and
 * a new one starts with the next piece's context and the few bytes read
 * past the cut. Reading into a buffer and copying each piece out of it
 * (and the rest down) was three copies of every byte on the thread that
 * feeds all the workers. */
typedef struct splitter {
	char *buf;                 /* document bytes from offset base */
	size_t len, cap;
	uint64_t base;
	size_t piece_start;        /* in buf: where the next piece starts (its context starts at 0) */
	bool handed_off;           /* a worker reads the rest of the document */
	uint64_t line;             /* line of buf[piece_start] ... counted up to counted */
	size_t counted;            /* in buf: lines are counted up to here */
	bool after_cr;
	size_t context;
	piece_fn emit;
	void *userdata;
	bool stop, nomem;
} splitter;

/* Lines end at LF, CRLF or a lone CR, as the library counts them. The
 * main thread counts every byte of a large document here while the workers
 * wait for pieces: sixteen bytes a step (memchr, a line at a time, was 18
 * to 30% of its samples with -j 2 on the 3% corpus). */
static void count_lines(splitter *sp, size_t upto)
{
	sp->line += ps_segment_count_lines(sp->buf + sp->counted, upto - sp->counted, &sp->after_cr);
	sp->counted = upto;
}

/* Hand out buf[piece_start..end) after its context buf[0..piece_start),
 * with the descriptor to read the rest from when fd >= 0; the piece takes
 * the buffer. Unless that was the last, a new buffer holds buf[next..len):
 * the next piece's context and what was read past end. */
static void emit_piece(splitter *sp, size_t end, size_t next, int fd, bool last)
{
	/* Lines from the context's start to the piece's, to give its first line. */
	uint64_t ctx_line = sp->line - ps_segment_count_lines(sp->buf, sp->piece_start, NULL);
	piece p = {
		.len = end,
		.fd = fd,
		.origin = { .offset = sp->base, .line = ctx_line, .column = 1,
		            .report_from = sp->base + sp->piece_start },
	};
	char *rest = NULL;
	size_t rest_len = last ? 0 : sp->len - next, rest_cap = SPLIT_PIECE + CUT_WINDOW + CHUNK;
	while (rest_cap < rest_len + CHUNK)
		rest_cap *= 2;
	if (!last && !(rest = malloc(rest_cap))) {
		if (fd >= 0)
			close(fd);
		sp->nomem = sp->stop = true;
		return;
	}
	if (rest_len)
		memcpy(rest, sp->buf + next, rest_len);
	/* Lines are counted before the buffer leaves: a worker frees it. */
	count_lines(sp, end);
	/* An empty or unreadable input has no buffer: the piece gets one. */
	p.text = sp->buf ? sp->buf : malloc(1);
	sp->buf = rest;
	if (!p.text) {
		if (fd >= 0)
			close(fd);
		sp->nomem = sp->stop = true;
		return;
	}
	if (sp->emit(&p, sp->userdata) != 0)
		sp->stop = true;
	if (last) {
		sp->len = sp->cap = 0;
		return;
	}
	sp->cap = rest_cap;
	sp->len = rest_len;
	sp->base += next;
	sp->piece_start = end - next;
	sp->counted = end - next;
}

/* Where a piece starting at pos must start reading: enough cuts back that it
 * holds more sentences than the setting gate looks back. False when the
 * kept text does not hold that many. */
static bool context_for(const splitter *sp, size_t pos, size_t *out)
{
	size_t at = pos, floor = pos > CONTEXT_SPAN ? pos - CONTEXT_SPAN : 0;
	for (size_t k = 0; k <= sp->context; k++) {
		size_t c = at > floor ? ps_segment_last_cut(sp->buf + floor, at - floor) : 0;
		if (c == 0) {
			/* The document's start is where every reading starts. */
			*out = 0;
			return sp->base == 0 && floor == 0;
		}
		at = floor + c;
	}
	*out = at;
	return true;
}

/* Where to cut the piece that starts at piece_start, at or after limit,
 * with the next piece's context start in *next: first within CUT_WINDOW
 * bytes of limit, else (a long paragraph) anywhere after it once two
 * pieces' worth is read. 0 for no usable cut yet. */
static size_t find_cut(const splitter *sp, size_t limit, size_t *next)
{
	size_t ahead = sp->len - limit;
	size_t c = ps_segment_last_cut(sp->buf + limit, ahead < CUT_WINDOW ? ahead : CUT_WINDOW);
	if (c && context_for(sp, limit + c, next))
		return limit + c;
	if (sp->len - sp->piece_start < 2 * SPLIT_PIECE)
		return 0;
	c = ps_segment_last_cut(sp->buf + limit, ahead);
	return c && context_for(sp, limit + c, next) ? limit + c : 0;
}

/* Cut pieces from what has been read; at the end, hand out the rest. */
static void cut(splitter *sp, bool final, int fd)
{
	size_t end, next;
	while (!sp->stop && sp->len - sp->piece_start >= SPLIT_PIECE + CUT_WINDOW &&
	       (end = find_cut(sp, sp->piece_start + SPLIT_PIECE, &next)) != 0)
		emit_piece(sp, end, next, -1, false);
	if (sp->stop)
		return;
	if (final) {
		emit_piece(sp, sp->len, 0, -1, true);
		return;
	}
	if (sp->len - sp->piece_start >= MAX_BUFFER) {
		/* No usable cut in all this text: one worker reads the rest. */
		int rest = dup(fd);
		if (rest < 0) {
			sp->nomem = true;
			sp->stop = true;
			return;
		}
		emit_piece(sp, sp->len, 0, rest, true);
		sp->stop = sp->handed_off = true;
	}
}

/* Room for n more bytes at buf + len. */
static int reserve(splitter *sp, size_t n)
{
	if (sp->len + n > sp->cap) {
		size_t cap = sp->cap ? sp->cap : SPLIT_PIECE + CUT_WINDOW + CHUNK;
		while (cap < sp->len + n)
			cap *= 2;
		char *grown = realloc(sp->buf, cap);
		if (!grown)
			return -1;
		sp->buf = grown;
		sp->cap = cap;
	}
	return 0;
}

static void take(char **dst, char **src)
{
	if (!*dst) {
		*dst = *src;
		*src = NULL;
	}
}

static void read_meta(doc_result *doc, const char *front, size_t len)
{
	docmeta m;
	FILE *sink = fopen("/dev/null", "w");
	if (!sink)
		return;
	docmeta_parse(&m, doc->name, front, len, sink);
	fclose(sink);
	take(&doc->meta.title, &m.title);
	take(&doc->meta.date, &m.date);
	take(&doc->meta.source, &m.source);
	take(&doc->meta.url, &m.url);
	docmeta_free(&m);
}

void split_document(doc_result *doc, int fd, size_t context, piece_fn emit, void *userdata)
{
	splitter sp = { .line = 1, .context = context, .emit = emit, .userdata = userdata };
	char *front = NULL;
	size_t front_len = 0;
	bool first = true, capture = false;
	frontmatter fm;

	frontmatter_init(&fm);
	while (!sp.stop) {
		/* Straight into the piece's buffer; near where the next cut is
		 * looked for, only as far as that, so little is read past it. */
		size_t want = CHUNK, target = sp.piece_start + SPLIT_PIECE + CUT_WINDOW;
		if (!capture && sp.len < target && target - sp.len < want)
			want = target - sp.len;
		if (reserve(&sp, want) != 0) {
			sp.nomem = true;
			break;
		}
		char *chunk = sp.buf + sp.len;
		/* A read that ends on a READ_ALIGN boundary (fdread.h) puts the
		 * next one on it. Not the first read, which is checked whole for
		 * what makes a file binary. */
		size_t off = (size_t)((uintptr_t)(chunk + want) % READ_ALIGN);
		if (!first && want == CHUNK)
			want -= off;
		ssize_t got = fd_read(fd, chunk, want);
		if (got < 0) {
			doc_message(doc, "pactscan: %s: read error: %s\n", doc->name, strerror(errno));
			doc->incomplete = true;
			break;
		}
		if (got == 0)
			break;
		size_t n = (size_t)got;
		if (first && n >= 2 && (!memcmp(chunk, "\xFF\xFE", 2) || !memcmp(chunk, "\xFE\xFF", 2))) {
			doc_skip(doc, SKIP_UTF16, "UTF-16 text; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)");
			doc_message(doc, "pactscan: %s: skipped: %s\n", doc->name, doc->skipped);
			goto out;
		}
		if (first && memchr(chunk, '\0', n)) {
			doc_skip(doc, SKIP_BINARY, "binary file (holds NUL bytes)");
			doc_message(doc, "pactscan: %s: skipped: %s\n", doc->name, doc->skipped);
			goto out;
		}
		if (first)
			capture = chunk[0] == '-';
		first = false;
		if (capture) {
			char *grown = front_len + n <= MAX_FRONT_MATTER ? realloc(front, front_len + n) : NULL;
			if (grown) {
				memcpy(grown + front_len, chunk, n);
				front = grown;
				front_len += n;
			} else {
				capture = false;
			}
		}
		frontmatter_blank(&fm, chunk, n);
		if (capture && fm.phase == 2) {
			read_meta(doc, front, front_len);
			capture = false;
		}
		sp.len += n;
		/* Pieces carry the document's metadata: none is cut while the
		 * front matter is still being read (MAX_FRONT_MATTER at most). */
		if (!capture)
			cut(&sp, false, fd);
	}
	if (capture && front)
		read_meta(doc, front, front_len);
	if (!sp.stop && !sp.nomem)
		cut(&sp, true, fd);
	if (sp.nomem) {
		doc_message(doc, "pactscan: %s: out of memory\n", doc->name);
		doc->incomplete = true;
	}
out:
	free(front);
	free(sp.buf);
}

void split_join(doc_result *whole, doc_result *part)
{
	whole->stats.bytes += part->stats.bytes;
	whole->stats.sentences += part->stats.sentences;
	whole->stats.in_setting += part->stats.in_setting;
	whole->stats.findings += part->stats.findings;
	whole->stats.limit_hits += part->stats.limit_hits;
	whole->stats.unchecked += part->stats.unchecked;
	whole->stats.cut_sentences += part->stats.cut_sentences;
	whole->stats.repeats += part->stats.repeats;
	whole->incomplete = whole->incomplete || part->incomplete;
	whole->nomem = whole->nomem || part->nomem;
	if (part->messages_len)
		doc_message(whole, "%.*s", (int)part->messages_len, part->messages);
	doc_free(part);
}
