/* One finding model for every output format: each finding is copied out of
 * the library's callback into a finding_batch, and the writers read it.
 * Findings travel in batches, in document order, so that a document's
 * findings are reported as they are found rather than held until it ends;
 * what the end of a document needs of them is a doc_tally. */
#ifndef PS_REPORT_H
#define PS_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jsonbuf.h"
#include "utf8.h"

typedef struct cli_cue {
	ps_cue_kind kind;
	uint64_t start, end;
	const char *text;
	size_t len;
} cli_cue;

/* A finding. Its strings and evidence live in its batch's text arena, or
 * in the library's finding it views (cli_finding_view). */
typedef struct cli_finding {
	const ps_clause *clause;
	const char *signal;
	ps_stance stance;
	ps_certainty certainty;
	double weight;
	const char *sentence;
	size_t sentence_len;
	uint64_t start, end;       /* the sentence's bytes in the document */
	uint64_t line, column;     /* column in bytes */
	uint64_t char_column;      /* the same column in code points (SARIF) */
	const ps_span *evidence;
	size_t n_evidence;
	cli_cue cues[3];
	size_t n_cues;
	const char *source;        /* NULL when not attributed */
	size_t source_len;
	bool is_new;               /* not in the --baseline (always, without one) */
	bool fails;                /* new and matching --fail-on */
} cli_finding;

/* Where the sentence text the finding holds ends, as an offset like end:
 * a report read back by merge may say more than its sentence holds, and
 * evidence is cut out of the sentence by offsets. */
static inline uint64_t held_end(const cli_finding *f)
{
	return f->end - f->start > f->sentence_len ? f->start + f->sentence_len : f->end;
}

/* Bump allocation for findings' text, released at once. */
typedef struct text_block text_block;
typedef struct text_arena {
	text_block *head;          /* the block being filled; older ones follow */
} text_arena;

/* No number to fill in (see formatted_finding). */
#define NO_HOLE SIZE_MAX

/* A finding whose output a writer formatted ahead (reporter.append), with
 * what the run counts of it. */
typedef struct formatted_finding {
	size_t clause;             /* ps_clause_index */
	ps_stance stance;
	ps_certainty certainty;
	bool is_new, fails;
	uint64_t line, column;     /* where its sentence starts (html's index of hedged findings) */
	size_t len;                /* its bytes, right after the previous finding's */
	size_t hole;               /* bytes before the number place() puts in, or NO_HOLE */
} formatted_finding;

/* Some of a document's findings, in document order, on their way from a
 * scanner to the report: as copies for the main thread to format
 * (findings), or formatted by a worker (done, with their bytes in out). */
typedef struct finding_batch {
	cli_finding *findings;
	size_t n, cap;
	text_arena text;           /* the findings' strings and evidence */
	formatted_finding *done;
	size_t n_done, cap_done;
	char *out;                 /* the formatted findings' bytes */
	size_t out_len, out_cap;
} finding_batch;

/* A document's metadata from its front matter or JSON Lines record. */
typedef struct doc_meta {
	char *title, *date, *source, *url; /* owned, NULL when not given */
} doc_meta;

typedef struct doc_result {
	char *name;                /* owned */
	doc_meta meta;             /* final before the first finding is reported */
	finding_batch found;       /* findings not reported yet */
	ps_scan_stats stats;
	skip_kind skip;
	char *skipped;             /* why it was not scanned (owned), or NULL */
	bool incomplete;           /* scanned, but a limit or an error cut part of it */
	bool nomem;
	char *messages;            /* what to print on stderr when it is reported */
	size_t messages_len, messages_cap;
} doc_result;

/* What a document says about a clause, or about the agreement as a whole. */
typedef enum verdict {
	VERDICT_NONE,              /* not mentioned */
	VERDICT_SUPPORTS,          /* support findings only */
	VERDICT_CONFLICTS,         /* conflict findings only */
	VERDICT_MIXED,             /* both */
	VERDICT_KINDS
} verdict;

/* One clause's findings in a document, counted. */
typedef struct clause_tally {
	size_t support, conflict;
	size_t hedged, attributed; /* findings with that certainty */
	size_t failing;            /* findings that fail the run (--fail-on) */
	size_t failing_conflicts;  /* ... of them conflicts */
} clause_tally;

/* What a document's findings add up to: all that the end of the document
 * needs of them, so that they need not be kept. */
typedef struct doc_tally {
	clause_tally *clauses;     /* indexed like ps_ruleset_clause() (owned) */
	size_t n_clauses;
	size_t findings, support, conflict, hedged, attributed;
	size_t new_findings;       /* not in the --baseline */
} doc_tally;

/* Copy a library finding into the batch. Returns the copy, or NULL without
 * memory. */
cli_finding *batch_add(finding_batch *b, const ps_finding *f);
/* f as a cli_finding that points into it (new, not failing), valid while
 * f is: for a writer that formats it at once, without batch_add's copy. */
void cli_finding_view(cli_finding *c, const ps_finding *f);
/* Append an empty finding to fill in by hand (merge); NULL without memory. */
cli_finding *batch_new_finding(finding_batch *b);
/* A NUL-terminated copy of s[0..len) that lives as long as the batch's
 * findings; NULL without memory. */
char *batch_copy(finding_batch *b, const char *s, size_t len);
/* Room for n spans of evidence, as long-lived; NULL without memory. */
ps_span *batch_spans(finding_batch *b, size_t n);
/* About the memory the batch holds, in bytes. */
size_t batch_size(const finding_batch *b);
/* Forget the copies (formatted output stays). */
void batch_drop_findings(finding_batch *b);
/* Empty the batch for more findings, keeping some of its memory. */
void batch_clear(finding_batch *b);
void batch_free(finding_batch *b);

/* Returns 0, or -1 without memory. */
int tally_init(doc_tally *t, const ps_ruleset *rules);
void tally_add(doc_tally *t, size_t clause, ps_stance stance, ps_certainty certainty, bool is_new, bool fails);
/* Zero the counts for the next document. */
void tally_reset(doc_tally *t);
void tally_free(doc_tally *t);
/* The verdict on one clause (by index), or on all of them (SIZE_MAX).
 * Inline: the reporting thread asks it for every clause of every document. */
static inline verdict tally_verdict(const doc_tally *t, size_t clause)
{
	bool support = clause == SIZE_MAX ? t->support > 0 : t->clauses[clause].support > 0;
	bool conflict = clause == SIZE_MAX ? t->conflict > 0 : t->clauses[clause].conflict > 0;
	return support && conflict ? VERDICT_MIXED : support ? VERDICT_SUPPORTS : conflict ? VERDICT_CONFLICTS
	                                                                                  : VERDICT_NONE;
}

/* Does a finding of this stance fail the run? (Without a baseline; with one,
 * only new findings do.) */
bool finding_fails(fail_on fail, ps_stance s);

/* Mark the document skipped; reason is copied. */
void doc_skip(doc_result *doc, skip_kind kind, const char *reason);
/* Add a line to print on stderr when the document is reported. */
__attribute__((format(printf, 2, 3)))
void doc_message(doc_result *doc, const char *fmt, ...);
void doc_free(doc_result *doc);
void doc_meta_free(doc_meta *m);
/* Copy m's fields. Returns 0, or -1 without memory (dst then holds none). */
int doc_meta_copy(doc_meta *dst, const doc_meta *m);

/* "not mentioned", "supports", "conflicts" or "mixed". */
const char *verdict_name(verdict v);
/* "unreadable", "binary", "utf16", "malformed", "other". */
const char *skip_kind_name(skip_kind k);
/* "negation", "hedge" or "attribution". */
const char *cue_kind_name(ps_cue_kind k);

/* A copy of s[0..len) with invalid UTF-8 replaced by U+FFFD and NUL bytes by
 * spaces; NULL on ENOMEM. */
char *utf8_clean(const char *s, size_t len, size_t *out_len);

/* Append s[0..len) at p + *o (the caller sized p). */
static inline void bytes_append(char *p, size_t *o, const char *s, size_t len)
{
	memcpy(p + *o, s, len);
	*o += len;
}

/* put_utf8's flags. */
enum {
	PUT_SPACE_CONTROLS = 1u << 0, /* every control character and DEL as a space (one terminal line) */
	PUT_DOUBLE_QUOTES = 1u << 1,  /* each '"' twice (inside a quoted CSV field) */
};
/* Write s[0..len) to out as utf8_clean() would clean it, and as flags say,
 * without a copy: runs that need no change in one write each. */
void put_utf8(FILE *out, const char *s, size_t len, unsigned flags);
/* The same onto the end of b: the bytes put_utf8 writes. */
void jbuf_utf8(jbuf *b, const char *s, size_t len, unsigned flags);
/* Append the run of bytes from s[i] that HTML and XML take as they are
 * (from the space up to but not including high, other than & < > " and '),
 * at once; returns where the run ends. */
size_t jbuf_markup_run(jbuf *b, const char *s, size_t i, size_t len, unsigned char high);
/* Append s[0..len) as HTML text or a double-quoted attribute value, as
 * utf8_clean() cleans it, then: C0 and C1 controls, DEL and U+FFFE/U+FFFF
 * (parse errors to HTML) as U+FFFD, a tab or line end as a space, and
 * & < > " ' as entities, so that one function serves text and attributes. */
void jbuf_html(jbuf *b, const char *s, size_t len);
/* Append s[0..len) as XML character data, or as an attribute value (attr),
 * as utf8_clean() cleans it, then: controls XML 1.0 forbids and
 * U+FFFE/U+FFFF as U+FFFD, & < > as entities, and in an attribute " ' and
 * the tab and line ends as references too. */
void jbuf_xml(jbuf *b, const char *s, size_t len, bool attr);
/* Number of code points in s[0..len) as utf8_clean would print them. */
size_t utf8_width(const char *s, size_t len);

#endif
