#include "splitdoc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docmeta.h"
#include "frontmatter.h"

#define CHUNK 65536
#define MAX_FRONT_MATTER (1024u * 1024u)
/* Context is searched for within this many bytes before a cut; a cut with
 * too few sentences before it in that span is not used. */
#define CONTEXT_SPAN (256u * 1024u)
/* With no usable cut in this much text, the rest becomes one piece. */
#define MAX_BUFFER (64u * 1024u * 1024u)

typedef struct splitter {
	char *buf;                 /* document bytes from offset base */
	size_t len, cap;
	uint64_t base;
	size_t piece_start;        /* in buf: where the next piece starts */
	size_t piece_ctx;          /* in buf: where that piece's context starts */
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
 * wait for pieces, so text without a CR is counted with memchr. */
static void count_lines(splitter *sp, size_t upto)
{
	const char *p = sp->buf + sp->counted, *end = sp->buf + upto;
	if (p < end && !memchr(p, '\r', (size_t)(end - p))) {
		if (sp->after_cr && *p == '\n')
			p++;           /* the LF of a CRLF counted at its CR */
		while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			sp->line++;
			p++;
		}
		sp->after_cr = false;
	} else {
		for (; p < end; p++) {
			if (*p == '\r' || (*p == '\n' && !sp->after_cr))
				sp->line++;
			sp->after_cr = *p == '\r';
		}
	}
	sp->counted = upto;
}

/* Hand out buf[piece_start..end) after its context buf[piece_ctx..), with
 * the descriptor to read the rest from when fd >= 0. */
static void emit_piece(splitter *sp, size_t end, int fd)
{
	/* Lines from the context's start to the piece's, to give its first line. */
	uint64_t ctx_line = sp->line;
	bool cr = false;
	for (size_t i = sp->piece_ctx; i < sp->piece_start; i++) {
		char c = sp->buf[i];
		if (c == '\r' || (c == '\n' && !cr))
			ctx_line--;
		cr = c == '\r';
	}
	piece p = {
		.len = end - sp->piece_ctx,
		.fd = fd,
		.origin = { .offset = sp->base + sp->piece_ctx, .line = ctx_line, .column = 1,
		            .report_from = sp->base + sp->piece_start },
	};
	p.text = malloc(p.len ? p.len : 1);
	if (!p.text) {
		if (fd >= 0)
			close(fd);
		sp->nomem = sp->stop = true;
		return;
	}
	if (p.len)                 /* nothing read (an empty or unreadable input): buf may be NULL */
		memcpy(p.text, sp->buf + sp->piece_ctx, p.len);
	if (sp->emit(&p, sp->userdata) != 0)
		sp->stop = true;
	count_lines(sp, end);
	sp->piece_start = end;
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

/* Cut pieces from what has been read; at the end, hand out the rest. */
static void cut(splitter *sp, bool final, int fd)
{
	while (!sp->stop && sp->len - sp->piece_start >= 2 * SPLIT_PIECE) {
		size_t limit = sp->piece_start + SPLIT_PIECE;
		size_t c = ps_segment_last_cut(sp->buf + limit, sp->len - limit), next_ctx;
		/* A cut is used only where the next piece can have its context. */
		if (!c || !context_for(sp, limit + c, &next_ctx))
			break;
		emit_piece(sp, limit + c, -1);
		sp->piece_ctx = next_ctx;
	}
	if (sp->stop)
		return;
	if (final) {
		emit_piece(sp, sp->len, -1);
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
		emit_piece(sp, sp->len, rest);
		sp->stop = sp->handed_off = true;
		return;
	}
	/* Drop what no later piece needs as context. */
	size_t keep_from = sp->piece_ctx;
	if (keep_from > 0) {
		memmove(sp->buf, sp->buf + keep_from, sp->len - keep_from);
		sp->len -= keep_from;
		sp->base += keep_from;
		sp->piece_start -= keep_from;
		sp->piece_ctx = 0;
		sp->counted -= keep_from;
	}
}

static int append(splitter *sp, const char *data, size_t n)
{
	if (sp->len + n > sp->cap) {
		size_t cap = sp->cap ? sp->cap : 4 * SPLIT_PIECE;
		while (cap < sp->len + n)
			cap *= 2;
		char *grown = realloc(sp->buf, cap);
		if (!grown)
			return -1;
		sp->buf = grown;
		sp->cap = cap;
	}
	memcpy(sp->buf + sp->len, data, n);
	sp->len += n;
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
	char *chunk = malloc(CHUNK), *front = NULL;
	size_t front_len = 0;
	bool first = true, capture = false;
	frontmatter fm;

	frontmatter_init(&fm);
	if (!chunk) {
		doc->nomem = true;
		return;
	}
	while (!sp.stop) {
		ssize_t got = read(fd, chunk, CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
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
		if (append(&sp, chunk, n) != 0) {
			sp.nomem = true;
			break;
		}
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
	free(chunk);
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
	whole->incomplete = whole->incomplete || part->incomplete;
	whole->nomem = whole->nomem || part->nomem;
	if (part->messages_len)
		doc_message(whole, "%.*s", (int)part->messages_len, part->messages);
	doc_free(part);
}
