/* The default command, and `pactscan baseline`: scan documents on -j
 * threads and report them in input order. The walk (and the JSON Lines
 * reader) run on the main thread and queue jobs, from the start: the pack
 * loads on a thread of its own meanwhile, and the first things the walk
 * finds wait for it (become_ready). Workers scan, and format the findings
 * when they can (see run_writer_ahead); the main thread reports each
 * document in order, so every -j gives the same output, on stdout and on
 * stderr. A large document's findings are reported piece by
 * piece, and with one thread a batch at a time, so that memory does not
 * grow with the document. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inputs.h"
#include "jsonl_input.h"
#include "pool.h"
#include "outfile.h"
#include "profile.h"
#include "run.h"
#include "scandoc.h"
#include "fdread.h"
#include "splitdoc.h"

#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>

#define MAX_JOBS 256
/* Text queued for the workers, and their findings' output waiting for its
 * turn, per worker: enough that a worker finds the next piece ready when
 * the one before it is slow (2 pieces a worker held -j 2 to 1.7 times one
 * thread on the 30% sample, 5 gave 2.0), and memory does not grow with the
 * document. */
#define HELD_PER_WORKER (5 * SPLIT_PIECE)
/* JSON Lines documents are small (a KiB or two): handed to the workers one
 * by one, the threads spent their time waking each other (-j 2 ran at 1.1
 * times one thread), so they go in batches of about this much text. So do
 * short files (a directory of 16,000 articles took longer with -j 2 than
 * with -j 1). */
#define BATCH_BYTES (64 * 1024)
#define BATCH_DOCS 64
/* What a file the walk did not size counts for in a batch: a batch of them
 * is cut at BATCH_DOCS, and its worker sizes them as it reads. */
#define UNSIZED_BYTES (BATCH_BYTES / BATCH_DOCS)
/* What a worker reads of a batch's unsized files before it leaves the rest
 * for every thread (urgent_doc): a sized batch's bytes, four times over,
 * so that a batch of long files neither holds one thread nor much memory. */
#define UNSIZED_BATCH_READ (4 * BATCH_BYTES)

typedef enum job_kind {
	JOB_FILE,                  /* scan the file named doc.name */
	JOB_STDIN,                 /* scan standard input */
	JOB_TEXT,                  /* scan text (a JSON Lines document) */
	JOB_READY,                 /* nothing to scan: a skipped document */
	JOB_NOTICE,                /* no document: a message for stderr */
	JOB_PIECE,                 /* scan one piece of a large document */
	JOB_JOINED,                /* the large document, its pieces all delivered */
	JOB_BATCH,                 /* scan several JSON Lines documents or short files */
} job_kind;

/* A JSON Lines document in a batch: text NULL when it is only a skip.
 * A raw one is a line as read, at the batch's lines + at (len bytes),
 * which the worker parses into doc and text: JSON is read on the threads
 * that scan, not all on the one that reads and reports. A file is read by
 * the worker from the file doc.name. */
typedef struct batch_doc {
	doc_result doc;
	char *text;
	size_t len;
	size_t at;                 /* raw: where its line is in the batch's lines */
	size_t lineno;             /* raw: its line number in the batch's file */
	bool raw;
	bool file;
	bool unsized;              /* file: the walk did not stat it (the worker sizes it) */
	bool deferred;             /* file: the worker left it unread (large, or past the batch's bytes) */
	input_dir *dir;            /* file: the directory it is opened from (held), or NULL */
	size_t base_at;            /* file: where its base name starts in doc.name */
} batch_doc;

typedef struct scan_job {
	job_kind kind;
	doc_result doc;
	char *text;
	size_t len;
	ps_scan_origin origin;     /* JOB_PIECE */
	int rest;                  /* JOB_PIECE: read on from here (owned), or -1 */
	batch_doc *batch;          /* JOB_BATCH: its documents, in input order */
	size_t n_batch;
	char *source;              /* JOB_BATCH: the file its raw lines come from (owned) */
	char *lines;               /* JOB_BATCH: its raw lines, one after another (owned) */
	bool may_wait;             /* JOB_FILE, JOB_STDIN: its reads may wait for a writer */
	input_dir *dir;            /* JOB_FILE: the directory it is opened from (held), or NULL */
	size_t base_at;            /* JOB_FILE: where its base name starts in doc.name */
} scan_job;

typedef struct scan_ctx {
	const cli_options *opts;
	report_run run;
	pool *pool;
	size_t n_workers;
	size_t context;            /* the rules' setting context, in sentences */
	doc_result joined;         /* the counts and messages of a large document's pieces so far */
	const doc_result *whole;   /* that document, while it is read: its name and metadata */
	batch_doc *pending;        /* JSON Lines documents not yet queued (BATCH_DOCS room) */
	size_t n_pending, pending_bytes;
	const char *jsonl_name;    /* the JSON Lines file being read */
	char *pending_source;      /* its name, for the pending batch's raw lines */
	char *pending_lines;       /* those lines, one after another (one allocation a batch) */
	size_t lines_len, lines_cap;
	size_t waiting;            /* jobs queued that may wait for a writer (may_wait) */
	size_t urgent_out;         /* urgent jobs put and not yet taken back (pool_urgent_put) */
	bool nomem;
	/* The pack loads on a thread of its own while the walk starts; until
	 * it has (ready), what the walk finds waits in early, in order. */
	ps_ruleset *rules;
	pthread_t loader;
	bool loading;              /* the loader thread runs */
	atomic_bool loaded;        /* the loader thread is done: the walk hands on */
	bool ready;                /* the pack is loaded and the workers started (or that failed) */
	int setup_status;          /* 0, or start_scan's failure */
	bool halted;               /* a file handed on from early asked to stop */
	struct early_event *early;
	size_t n_early, cap_early;
	scan_settings settings;    /* the workers' (they keep a pointer) */
	doc_scanner **workers;
	uint64_t prepare_ns;       /* --profile: preparing every pattern before the scan */
	size_t split, pieces;      /* --profile: documents read in pieces, and their pieces */
} scan_ctx;

/* What a file's scan needs to know first, with two threads or more:
 * whether it is a short regular file, which a stat tells, or, for a file
 * its directory lists as regular, the worker that reads it. Taken as the
 * walk finds the file, while the pack may still be loading. */
typedef struct file_probe {
	bool known;                /* two threads or more, not JSON Lines */
	bool regular;
	bool sized;                /* size is known: the walk's stat, or one made here */
	uint64_t size;
} file_probe;

typedef enum early_kind { EARLY_FILE, EARLY_SKIP, EARLY_NOTICE } early_kind;

/* One thing the walk found before the pack was loaded. */
typedef struct early_event {
	early_kind kind;
	char *name;
	char *why;                 /* a skip's reason, a notice's text */
	skip_kind skip;
	bool is_stdin;
	input_dir *dir;            /* a file's directory (held), or NULL */
	size_t base_at;
	file_probe probe;
} early_event;

/* The most things the walk keeps before it waits for the pack: a
 * directory's first thousands of files are found (and stat'ed) while the
 * pack loads, and memory stays bounded for any tree. */
#define EARLY_EVENTS 8192

static size_t work(void *job_ptr, void *worker_state)
{
	scan_job *job = job_ptr;
	doc_scanner *ds = worker_state;
	switch (job->kind) {
	case JOB_FILE:
	case JOB_STDIN:
		doc_scan_file(ds, &job->doc, job->dir, job->base_at, job->kind == JOB_STDIN);
		input_dir_release(job->dir);
		job->dir = NULL;
		break;
	case JOB_TEXT:
		doc_scan_text(ds, &job->doc, job->text, job->len);
		break;
	case JOB_PIECE:
		doc_scan_piece(ds, &job->doc, job->text, job->len, &job->origin, job->rest);
		if (job->rest >= 0)
			close(job->rest);
		break;
	case JOB_BATCH: {
		size_t held = 0;
		uint64_t unsized_read = 0;
		for (size_t i = 0; i < job->n_batch; i++) {
			batch_doc *b = &job->batch[i];
			if (b->raw) {
				char *text = NULL;
				size_t len = 0;
				doc_result *d = jsonl_parse(job->source, b->lineno, job->lines + b->at, b->len, &text, &len);
				b->text = text;
				b->len = len;
				if (d)
					b->doc = *d;
				else
					b->doc.nomem = true; /* no name: deliver() reports it */
				free(d);
			}
			if (b->file) {
				if (!b->unsized) {
					doc_scan_file(ds, &b->doc, b->dir, b->base_at, false);
				} else if (unsized_read >= UNSIZED_BATCH_READ) {
					/* This batch has read its share: the rest go to every
					 * thread when it is delivered (urgent_doc). */
					b->deferred = true;
				} else if (!doc_scan_file_below(ds, &b->doc, b->dir, b->base_at, 2 * SPLIT_PIECE)) {
					b->deferred = true; /* to be split */
				} else {
					unsized_read += b->doc.stats.bytes;
				}
				if (!b->deferred) {
					input_dir_release(b->dir);
					b->dir = NULL;
				}
			} else if (b->text) {
				doc_scan_text(ds, &b->doc, b->text, b->len);
			}
			free(b->text);
			b->text = NULL;
			held += batch_size(&b->doc.found);
		}
		free(job->lines);
		job->lines = NULL;
		return held;
	}
	case JOB_READY:
	case JOB_NOTICE:
	case JOB_JOINED:
		break;
	}
	free(job->text);
	job->text = NULL;
	return batch_size(&job->doc.found);
}

static void urgent_doc(scan_ctx *ctx, batch_doc *b);
static void urgent_drain(scan_ctx *ctx);

static void deliver(void *job_ptr, void *userdata)
{
	scan_job *job = job_ptr;
	scan_ctx *ctx = userdata;
	ctx->waiting -= job->may_wait;
	if (job->kind == JOB_NOTICE) {
		run_notice(&ctx->run, job->doc.messages, job->doc.messages_len);
		doc_free(&job->doc);
	} else if (job->kind == JOB_PIECE) {
		ctx->pieces++;
		run_findings(&ctx->run, &job->doc, &job->doc.found);
		split_join(&ctx->joined, &job->doc);
	} else if (job->kind == JOB_JOINED) {
		ctx->split++;
		/* The document's own record (name, metadata, skips) takes the
		 * counts its pieces gathered. */
		split_join(&job->doc, &ctx->joined);
		memset(&ctx->joined, 0, sizeof(ctx->joined));
		run_deliver(&ctx->run, &job->doc);
	} else if (job->kind == JOB_BATCH) {
		/* From the first file its worker left unread on, every document
		 * goes through urgent jobs, in order. */
		bool detour = false;
		for (size_t i = 0; i < job->n_batch; i++) {
			batch_doc *b = &job->batch[i];
			if (!b->doc.name) {
				/* Out of memory while the line was parsed. */
				ctx->nomem = true;
				doc_free(&b->doc);
				continue;
			}
			detour = detour || b->deferred;
			if (detour)
				urgent_doc(ctx, b);
			else
				run_deliver(&ctx->run, &b->doc);
		}
		urgent_drain(ctx);
		free(job->batch);
		free(job->source);
		free(job->lines); /* the worker's, unless it never ran */
	} else {
		run_deliver(&ctx->run, &job->doc);
	}
	free(job);
	/* The report cannot be written: a worker waiting for a FIFO's writer
	 * stops waiting, or the run would wait for it to the end. */
	if (ctx->run.write_failed)
		fd_read_abandon();
}

/* With one thread the scan runs here, on the reporting thread: its findings
 * are reported as they come, and once the report cannot be written there
 * is no point reading on (pactscan < big | head -1). */
static int flush_inline(doc_result *doc, void *userdata)
{
	scan_ctx *ctx = userdata;
	run_findings(&ctx->run, doc, &doc->found);
	return ctx->run.write_failed ? 1 : 0;
}

static void tick(void *userdata)
{
	scan_ctx *ctx = userdata;
	progress_tick(&ctx->run.prog);
}

/* Queue the pending JSON Lines documents as one job. */
static void submit_batch(scan_ctx *ctx)
{
	if (!ctx->n_pending)
		return;
	scan_job *job = calloc(1, sizeof(*job));
	if (!job) {
		for (size_t i = 0; i < ctx->n_pending; i++) {
			doc_free(&ctx->pending[i].doc);
			free(ctx->pending[i].text);
			input_dir_release(ctx->pending[i].dir);
		}
		free(ctx->pending);
		free(ctx->pending_source);
		free(ctx->pending_lines);
		ctx->nomem = true;
	} else {
		job->kind = JOB_BATCH;
		job->batch = ctx->pending;
		job->n_batch = ctx->n_pending;
		job->source = ctx->pending_source;
		job->lines = ctx->pending_lines;
		pool_submit(ctx->pool, job, ctx->pending_bytes);
	}
	ctx->pending = NULL;
	ctx->pending_source = NULL;
	ctx->pending_lines = NULL;
	ctx->lines_len = ctx->lines_cap = 0;
	ctx->n_pending = ctx->pending_bytes = 0;
}

/* Queue a job; it takes doc's contents and text. may_wait: its reads may
 * wait for a writer (a FIFO, a device, standard input). from: a JOB_FILE's
 * file, whose directory it holds, or NULL. Non-zero stops the walk. */
static int submit_as(scan_ctx *ctx, job_kind kind, doc_result *doc, char *text, size_t len, bool may_wait,
                     const input_file *from)
{
	/* Whatever came before goes first. */
	submit_batch(ctx);
	scan_job *job = calloc(1, sizeof(*job));
	if (!job) {
		doc_free(doc);
		free(text);
		ctx->nomem = true;
		return 1;
	}
	if (from) {
		job->dir = input_dir_hold(from->dir);
		job->base_at = from->base_at;
	}
	job->kind = kind;
	job->doc = *doc;
	job->text = text;
	job->len = len;
	job->may_wait = may_wait;
	ctx->waiting += may_wait;
	memset(doc, 0, sizeof(*doc));
	pool_submit(ctx->pool, job, len);
	return ctx->run.write_failed ? 1 : 0;
}

static int submit(scan_ctx *ctx, job_kind kind, doc_result *doc, char *text, size_t len)
{
	return submit_as(ctx, kind, doc, text, len, false, NULL);
}

/* The next place in the pending batch (with two threads or more); NULL
 * without memory. */
static batch_doc *pending_slot(scan_ctx *ctx)
{
	if (!ctx->pending && !(ctx->pending = malloc(BATCH_DOCS * sizeof(*ctx->pending))))
		return NULL;
	return &ctx->pending[ctx->n_pending];
}

/* The slot is filled, with bytes of text to scan: queue the batch once it
 * is full. */
static int pending_added(scan_ctx *ctx, size_t bytes)
{
	ctx->n_pending++;
	ctx->pending_bytes += bytes;
	if (ctx->n_pending == BATCH_DOCS || ctx->pending_bytes >= BATCH_BYTES)
		submit_batch(ctx);
	return ctx->run.write_failed ? 1 : 0;
}

/* The input would wait (a feed on a pipe): what is read so far is scanned
 * and reported now, not when the next record comes. */
static void on_jsonl_wait(void *userdata)
{
	scan_ctx *ctx = userdata;
	submit_batch(ctx);
	pool_drain(ctx->pool);
}

static int on_jsonl_doc(doc_result *doc, char *text, size_t len, void *userdata)
{
	scan_ctx *ctx = userdata;
	if (ctx->n_workers < 2) {
		int rc = submit(ctx, text ? JOB_TEXT : JOB_READY, doc, text, len);
		free(doc);
		return rc;
	}
	batch_doc *slot = pending_slot(ctx);
	if (!slot) {
		doc_free(doc);
		free(doc);
		free(text);
		ctx->nomem = true;
		return 1;
	}
	*slot = (batch_doc){ .doc = *doc, .text = text, .len = len };
	free(doc);
	return pending_added(ctx, len);
}

/* A short file for the workers to read, size bytes long (with two threads
 * or more); unsized: size is a guess, and the worker sizes it. */
static int on_short_file(scan_ctx *ctx, const input_file *f, size_t size, bool unsized)
{
	batch_doc *slot = pending_slot(ctx);
	char *copy = strdup(f->name);
	if (!slot || !copy) {
		free(copy);
		ctx->nomem = true;
		return 1;
	}
	*slot = (batch_doc){
		.doc = { .name = copy }, .file = true, .unsized = unsized, .dir = input_dir_hold(f->dir), .base_at = f->base_at
	};
	return pending_added(ctx, size);
}

/* A line for the workers to parse (with two threads or more). */
static int on_jsonl_line(const char *line, size_t len, size_t lineno, void *userdata)
{
	scan_ctx *ctx = userdata;
	batch_doc *slot = pending_slot(ctx);
	if (!ctx->pending_source)
		ctx->pending_source = strdup(ctx->jsonl_name);
	if (ctx->lines_len + len > ctx->lines_cap) {
		size_t cap = ctx->lines_cap ? ctx->lines_cap : 2 * BATCH_BYTES;
		while (cap < ctx->lines_len + len)
			cap *= 2;
		char *grown = realloc(ctx->pending_lines, cap);
		if (grown) {
			ctx->pending_lines = grown;
			ctx->lines_cap = cap;
		}
	}
	if (!slot || !ctx->pending_source || ctx->lines_len + len > ctx->lines_cap) {
		ctx->nomem = true;
		return 1;
	}
	memcpy(ctx->pending_lines + ctx->lines_len, line, len);
	*slot = (batch_doc){ .at = ctx->lines_len, .len = len, .lineno = lineno, .raw = true };
	ctx->lines_len += len;
	return pending_added(ctx, len);
}

/* The job of a piece of the document ctx->whole; NULL (and the piece freed)
 * without memory. */
static scan_job *piece_job(scan_ctx *ctx, piece *p)
{
	scan_job *job = calloc(1, sizeof(*job));
	char *name = strdup(ctx->whole->name);
	doc_meta meta = { 0 };
	/* The metadata is final before the first piece: split_document cuts
	 * none while it reads the front matter. */
	if (!job || !name || doc_meta_copy(&meta, &ctx->whole->meta) != 0) {
		free(job);
		free(name);
		free(p->text);
		if (p->fd >= 0)
			close(p->fd);
		ctx->nomem = true;
		return NULL;
	}
	job->kind = JOB_PIECE;
	job->doc.name = name;
	job->doc.meta = meta;
	job->text = p->text;
	job->len = p->len;
	job->origin = p->origin;
	job->rest = p->fd;
	return job;
}

static int on_piece(piece *p, void *userdata)
{
	scan_ctx *ctx = userdata;
	/* Whatever came before goes first: short files batched ahead of this
	 * document are queued before its pieces. */
	submit_batch(ctx);
	size_t len = p->len;
	scan_job *job = piece_job(ctx, p);
	if (!job)
		return 1;
	pool_submit(ctx->pool, job, len);
	return ctx->run.write_failed ? 1 : 0;
}

/* Large documents (standard input, or a file of two pieces or more) are
 * read here and scanned in pieces on every worker. */
static bool worth_splitting(int fd, bool is_stdin)
{
	struct stat sb;
	if (is_stdin)
		return true;
	return fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size >= 2 * SPLIT_PIECE;
}

/* Put an urgent job, first taking back and delivering the oldest where
 * there is no room: a large file's pieces come and go while it is read. */
static void urgent_put(scan_ctx *ctx, scan_job *job)
{
	if (ctx->urgent_out == pool_urgent_room(ctx->pool)) {
		deliver(pool_urgent_take(ctx->pool), ctx);
		ctx->urgent_out--;
	}
	pool_urgent_put(ctx->pool, job);
	ctx->urgent_out++;
}

static void urgent_drain(scan_ctx *ctx)
{
	for (; ctx->urgent_out; ctx->urgent_out--)
		deliver(pool_urgent_take(ctx->pool), ctx);
}

static int on_urgent_piece(piece *p, void *userdata)
{
	scan_ctx *ctx = userdata;
	scan_job *job = piece_job(ctx, p);
	if (!job)
		return 1;
	urgent_put(ctx, job);
	return ctx->run.write_failed ? 1 : 0;
}

/* A file a batch's worker left unread, read here and split between the
 * threads as urgent jobs if it is large, as scan_split() does with
 * submitted ones. Non-zero where it is not to be split (short, or gone):
 * then the caller has it scanned whole. */
static int urgent_split(scan_ctx *ctx, batch_doc *b)
{
	int fd = input_open(b->dir, b->doc.name, b->base_at, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !worth_splitting(fd, false)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* Delivered while a document of the walk's own may be being split:
	 * its pieces come after this batch, so none has been joined yet. */
	const doc_result *outer = ctx->whole;
	doc_result doc = b->doc;
	memset(&b->doc, 0, sizeof(b->doc));
	ctx->whole = &doc;
	split_document(&doc, fd, ctx->context, on_urgent_piece, ctx);
	ctx->whole = outer;
	close(fd);
	input_dir_release(b->dir);
	b->dir = NULL;
	scan_job *job = calloc(1, sizeof(*job));
	if (!job) {
		doc_free(&doc);
		ctx->nomem = true;
		return 0;
	}
	job->kind = JOB_JOINED;
	job->doc = doc;
	urgent_put(ctx, job);
	return 0;
}

/* A document of a batch being delivered, from the first its worker left
 * unread on: scanned now on every thread if it was left unread, and in
 * either case reported in its turn. */
static void urgent_doc(scan_ctx *ctx, batch_doc *b)
{
	/* A file left for the batch's bytes may be large too: its size is
	 * asked here, in a directory of long files, where it costs little. */
	if (b->deferred && urgent_split(ctx, b) == 0)
		return;
	scan_job *job = calloc(1, sizeof(*job));
	if (!job) {
		doc_free(&b->doc);
		input_dir_release(b->dir);
		b->dir = NULL;
		ctx->nomem = true;
		return;
	}
	job->kind = b->deferred ? JOB_FILE : JOB_READY;
	job->doc = b->doc;
	memset(&b->doc, 0, sizeof(b->doc));
	job->dir = b->dir;
	job->base_at = b->base_at;
	b->dir = NULL;
	urgent_put(ctx, job);
}

static int scan_split(scan_ctx *ctx, const input_file *f)
{
	const char *name = f->name;
	bool is_stdin = f->is_stdin;
	int fd = is_stdin ? STDIN_FILENO : input_open(f->dir, name, f->base_at, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !worth_splitting(fd, is_stdin)) {
		if (fd >= 0 && !is_stdin)
			close(fd);
		return -1;
	}
	doc_result doc = { .name = strdup(name) };
	if (!doc.name) {
		if (!is_stdin)
			close(fd);
		ctx->nomem = true;
		return 1;
	}
	ctx->whole = &doc;
	split_document(&doc, fd, ctx->context, on_piece, ctx);
	ctx->whole = NULL;
	if (!is_stdin)
		close(fd);
	return submit(ctx, JOB_JOINED, &doc, NULL, 0);
}

static file_probe probe_file(const scan_ctx *ctx, const input_file *f)
{
	file_probe pr = { 0 };
	struct stat sb;
	if (ctx->n_workers < 2 || ctx->opts->input == INPUT_JSONL || f->is_stdin)
		return pr;
	pr.known = true;
	if (!f->st && f->dir) {
		/* Its directory lists it as a regular file: the worker that opens
		 * it learns its size (doc_scan_file_below). A stat here was half
		 * of the reading thread's work on a directory of short articles,
		 * on a core the workers need. */
		pr.regular = true;
		return pr;
	}
	const struct stat *st = f->st;
	if (!st && input_stat(f->dir, f->name, f->base_at, &sb) == 0)
		st = &sb;
	pr.regular = st && S_ISREG(st->st_mode);
	pr.sized = true;
	pr.size = pr.regular ? (uint64_t)st->st_size : 0;
	return pr;
}

static int scan_file(scan_ctx *ctx, const input_file *f, const file_probe *pr)
{
	const char *name = f->name;
	bool is_stdin = f->is_stdin;
	if (ctx->opts->input == INPUT_JSONL) {
		jsonl_callbacks cb = { on_jsonl_doc, ctx->n_workers < 2 ? NULL : on_jsonl_line, on_jsonl_wait };
		ctx->jsonl_name = name;
		int rc = jsonl_read(name, is_stdin, &cb, ctx);
		submit_batch(ctx);
		ctx->jsonl_name = NULL;
		return rc;
	}
	bool may_wait = false;
	if (ctx->n_workers >= 2) {
		/* A short regular file (nearly every one) goes to a worker in a
		 * batch, unopened: opening it here too, to learn its size, cost
		 * two more system calls a file. */
		bool regular = pr->known && pr->regular;
		if (regular && !pr->sized)
			return on_short_file(ctx, f, UNSIZED_BYTES, true);
		if (regular && pr->size < 2 * SPLIT_PIECE)
			return on_short_file(ctx, f, (size_t)pr->size, false);
		/* Anything else but a regular file (a FIFO, a device, a file gone
		 * since the walk) is opened and read by a worker, and may wait
		 * there for its writer: opened here to be split, and closed, a
		 * FIFO lost what its writer wrote before the worker opened it. */
		may_wait = !regular;
		if (is_stdin) {
			/* Standard input is read here, in pieces, and may wait for its
			 * text: what came before is reported first, unless a job
			 * before it waits too (FIFOs whose writers take turns). */
			submit_batch(ctx);
			if (!ctx->waiting)
				pool_drain(ctx->pool);
		}
		if (regular || is_stdin) {
			int rc = scan_split(ctx, f);
			if (rc >= 0)
				return rc;
		}
	}
	doc_result doc = { .name = strdup(name) };
	if (!doc.name) {
		ctx->nomem = true;
		return 1;
	}
	return submit_as(ctx, is_stdin ? JOB_STDIN : JOB_FILE, &doc, NULL, 0, may_wait, f);
}

static void skip_now(scan_ctx *ctx, const char *name, skip_kind kind, const char *why)
{
	doc_result doc = { .name = strdup(name) };
	if (!doc.name) {
		ctx->nomem = true;
		return;
	}
	doc_skip(&doc, kind, why);
	doc_message(&doc, "pactscan: %s: skipped: %s\n", name, why);
	submit(ctx, JOB_READY, &doc, NULL, 0);
}

static void notice_now(scan_ctx *ctx, const char *name, const char *what)
{
	doc_result doc = { 0 };
	doc_message(&doc, "pactscan: %s: %s\n", name, what);
	submit(ctx, JOB_NOTICE, &doc, NULL, 0);
}

static int become_ready(scan_ctx *ctx);

/* A place for what the walk found before the pack was loaded; NULL when
 * it is to be handled now (the pack is loaded, or could not be). */
static early_event *early_slot(scan_ctx *ctx)
{
	/* Once the pack is loaded, what was kept goes to the workers: the walk
	 * of a directory of 16,881 articles kept on to 8,192 files, 10 ms of
	 * a 220 ms scan with -j 2, while they waited. */
	if (!ctx->ready && (ctx->n_early == EARLY_EVENTS || atomic_load_explicit(&ctx->loaded, memory_order_acquire)))
		become_ready(ctx);
	if (ctx->ready)
		return NULL;
	if (ctx->n_early == ctx->cap_early) {
		size_t cap = ctx->cap_early ? 2 * ctx->cap_early : 64;
		early_event *grown = realloc(ctx->early, cap * sizeof(*grown));
		if (!grown) {
			become_ready(ctx);
			return NULL;
		}
		ctx->early = grown;
		ctx->cap_early = cap;
	}
	return &ctx->early[ctx->n_early];
}

/* Keep what the walk found (e, but for its names, which are copied) for
 * when the pack is loaded. False when it is to be handled now; true when
 * it was kept, or lost for want of memory (ctx->nomem). */
static bool keep_early(scan_ctx *ctx, early_event e, const char *name, const char *why)
{
	early_event *slot = early_slot(ctx);
	if (!slot)
		return false;
	e.name = strdup(name);
	e.why = why ? strdup(why) : NULL;
	if (!e.name || (why && !e.why)) {
		free(e.name);
		free(e.why);
		ctx->nomem = true;
		return true;
	}
	input_dir_hold(e.dir);
	*slot = e;
	ctx->n_early++;
	return true;
}

static int on_file(const input_file *f, void *userdata)
{
	scan_ctx *ctx = userdata;
	file_probe pr = probe_file(ctx, f);
	early_event e = { .kind = EARLY_FILE, .is_stdin = f->is_stdin, .dir = f->dir, .base_at = f->base_at, .probe = pr };
	if (keep_early(ctx, e, f->name, NULL))
		return ctx->nomem ? 1 : 0;
	if (ctx->setup_status || ctx->halted)
		return 1;
	return scan_file(ctx, f, &pr);
}

static void on_skip(const char *name, skip_kind kind, const char *why, void *userdata)
{
	scan_ctx *ctx = userdata;
	if (!keep_early(ctx, (early_event){ .kind = EARLY_SKIP, .skip = kind }, name, why) && !ctx->setup_status &&
	    !ctx->halted)
		skip_now(ctx, name, kind, why);
}

static void on_notice(const char *name, const char *what, void *userdata)
{
	scan_ctx *ctx = userdata;
	if (!keep_early(ctx, (early_event){ .kind = EARLY_NOTICE }, name, what) && !ctx->setup_status &&
	    !ctx->halted)
		notice_now(ctx, name, what);
}

static size_t worker_count(const cli_options *o)
{
	long n = o->jobs;
	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return (size_t)(n > MAX_JOBS ? MAX_JOBS : n);
}

/* The loader thread: the pack, while the walk starts. */
static void *load_main(void *arg)
{
	scan_ctx *ctx = arg;
	ctx->rules = load_rules(ctx->opts->rules);
	atomic_store_explicit(&ctx->loaded, true, memory_order_release);
	return NULL;
}

/* With the pack loaded: the report opened and the workers started. 0, or
 * EXIT_USAGE where nothing can be reported (no pack, a bad option the
 * report finds), or -1 where the report is open but nothing can be scanned. */
static int start_scan(scan_ctx *ctx)
{
	const cli_options *o = ctx->opts;
	if (!ctx->rules)
		return EXIT_USAGE;
	ctx->context = ps_ruleset_setting_context(ctx->rules);
	if (outfile_check(o->profile_json, "--profile-json") != 0 || run_open(&ctx->run, o, ctx->rules) != 0)
		return EXIT_USAGE;
	if (o->profile || o->profile_json) {
		/* Every pattern compiled and every matcher built now: what a
		 * pattern's first use costs would be its signal's time. */
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ps_ruleset_jit_all(ctx->rules);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ctx->prepare_ns = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec));
	}
	ctx->settings = (scan_settings){
		.rules = ctx->rules, .selected = ctx->run.selected, .min_rank = o->min_certainty,
		.limits = scan_limits(o), .writer = run_writer_ahead(&ctx->run),
		.flush = ctx->n_workers < 2 ? flush_inline : NULL, .flush_data = ctx,
	};
	/* The threads share one repeat cache's memory: each meets only its own
	 * pieces' share of the repeats, and memory stays flat with -j. */
	ctx->settings.limits.repeat_cache_bytes = PS_REPEAT_CACHE_DEFAULT / ctx->n_workers;
	ctx->workers = calloc(ctx->n_workers, sizeof(*ctx->workers));
	bool ok = ctx->workers != NULL;
	for (size_t i = 0; ok && i < ctx->n_workers; i++)
		ok = doc_scanner_new(&ctx->workers[i], &ctx->settings) == 0;
	pool_callbacks cb = { work, deliver, tick, ctx };
	if (!ok || pool_new(&ctx->pool, ctx->n_workers, (void **)ctx->workers, &cb,
	                    (ctx->n_workers * HELD_PER_WORKER) + SPLIT_PIECE) != 0) {
		fputs("pactscan: out of memory\n", stderr);
		ctx->run.aborted = true;
		return -1;
	}
	return 0;
}

/* Wait for the pack, start the scan, and hand on, in order, what the walk
 * found meanwhile. Non-zero when the walk is to stop. */
static int become_ready(scan_ctx *ctx)
{
	if (ctx->ready)
		return ctx->setup_status || ctx->halted;
	ctx->ready = true;
	if (ctx->loading) {
		pthread_join(ctx->loader, NULL);
		ctx->loading = false;
	}
	ctx->setup_status = start_scan(ctx);
	for (size_t i = 0; i < ctx->n_early; i++) {
		early_event *e = &ctx->early[i];
		if (!ctx->setup_status && !ctx->halted) {
			if (e->kind == EARLY_FILE) {
				input_file f = { .name = e->name, .is_stdin = e->is_stdin, .dir = e->dir, .base_at = e->base_at };
				ctx->halted = scan_file(ctx, &f, &e->probe) != 0;
			} else if (e->kind == EARLY_SKIP) {
				skip_now(ctx, e->name, e->skip, e->why);
			} else {
				notice_now(ctx, e->name, e->why);
			}
		}
		free(e->name);
		free(e->why);
		input_dir_release(e->dir);
	}
	free(ctx->early);
	ctx->early = NULL;
	ctx->n_early = ctx->cap_early = 0;
	return ctx->setup_status || ctx->halted;
}

int cmd_scan(const cli_options *o)
{
	scan_ctx ctx = { .opts = o, .n_workers = worker_count(o) };
	int status = EXIT_USAGE;

	if (o->n_paths == 0 && isatty(STDIN_FILENO)) {
		fputs("pactscan: no input; give files or directories, or pipe text into pactscan\n"
		      "Try 'pactscan --help' for more information.\n", stderr);
		return EXIT_USAGE;
	}
#ifdef M_MMAP_THRESHOLD
	/* Pieces of a document and their findings' output are made on one
	 * thread and freed on another. glibc raises its mmap threshold past
	 * such sizes once one is freed, and then keeps them in heaps that freed
	 * ones fragment; a fixed threshold keeps the large ones mapped and
	 * given back when freed. At 1 MiB the 256 KiB pieces come from the
	 * heap: at 128 KiB each was mapped, faulted in and unmapped, a tenth
	 * of -j 2's CPU time on the 3% corpus (system time 0.25 s -> 0.08 s;
	 * peak memory unchanged, 18-22 MB for 600 MB-1 GB on stdin). */
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
#endif
#ifdef M_TRIM_THRESHOLD
	/* Fixing the mmap threshold also fixes the trim threshold at 128 KiB:
	 * the heap's top was given back and faulted in again with every batch
	 * of small documents (3% of the reading thread's time). */
	mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
#endif
	/* The pack loads (15 to 25 ms, mostly on one core) while the walk
	 * lists and stats the first files: in a directory of 16,881 articles
	 * that was the most of the reading thread's work before any worker
	 * could start. Where no thread can be started, it loads first. */
	ctx.loading = pthread_create(&ctx.loader, NULL, load_main, &ctx) == 0;
	if (!ctx.loading)
		load_main(&ctx);
	walk_counts walked = { 0 };
	input_filter filter = { o->include, o->n_include, o->exclude, o->n_exclude, o->follow };
	input_callbacks in = { on_file, on_skip, on_notice, &ctx };
	inputs_walk(o->paths, o->n_paths, &filter, &walked, &in);
	become_ready(&ctx);
	if (ctx.setup_status == EXIT_USAGE)
		goto out;
	ctx.run.sum.walk = walked;
	if (ctx.pool) {
		submit_batch(&ctx);
		pool_finish(ctx.pool);
	}
	if (ctx.nomem) {
		fputs("pactscan: out of memory\n", stderr);
		ctx.run.incomplete = true;
	}
	size_t findings = ctx.run.sum.findings;
	profile_counts counts = {
		.documents = ctx.run.sum.scanned, .split = ctx.split, .pieces = ctx.pieces,
		.sentences = ctx.run.sum.sentences, .in_setting = ctx.run.sum.in_setting,
		.repeats = ctx.run.sum.repeats, .prepare_ns = ctx.prepare_ns,
	};
	status = run_close(&ctx.run);
	/* After the report, so that it is whole first. */
	if (o->profile && ctx.workers && status != EXIT_USAGE)
		profile_print(stderr, ctx.rules, ctx.workers, ctx.n_workers, &counts);
	if (o->profile_json && ctx.workers && status != EXIT_USAGE &&
	    profile_write_json(o->profile_json, ctx.rules, ctx.workers, ctx.n_workers, &counts) != 0)
		status = EXIT_USAGE;
	if (o->cmd == CMD_BASELINE && status != EXIT_USAGE) {
		fprintf(stderr, "pactscan: wrote a baseline of %zu finding%s to %s\n", findings, findings == 1 ? "" : "s",
		        o->output && strcmp(o->output, "-") ? o->output : "standard output");
	}
out:
	doc_free(&ctx.joined);
	pool_free(ctx.pool);
	for (size_t i = 0; ctx.workers && i < ctx.n_workers; i++)
		doc_scanner_free(ctx.workers[i]);
	free(ctx.workers);
	ps_ruleset_free(ctx.rules);
	return status;
}
