/* One finding model for every output format: each finding is copied out of
 * the library's callback into a doc_result, and the writers read it. */
#ifndef PS_REPORT_H
#define PS_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

typedef struct cli_cue {
	ps_cue_kind kind;
	uint64_t start, end;
	char *text;
	size_t len;
} cli_cue;

typedef struct cli_finding {
	const ps_clause *clause;
	char *signal;              /* owned: merge rebuilds findings from reports */
	ps_stance stance;
	ps_certainty certainty;
	double weight;
	char *sentence;
	size_t sentence_len;
	uint64_t start, end;       /* the sentence's bytes in the document */
	uint64_t line, column;     /* column in bytes */
	uint64_t char_column;      /* the same column in code points (SARIF) */
	ps_span *evidence;
	size_t n_evidence;
	cli_cue cues[3];
	size_t n_cues;
	char *source;              /* NULL when not attributed */
	size_t source_len;
	bool is_new;               /* not in the --baseline (always, without one) */
	bool fails;                /* new and matching --fail-on */
} cli_finding;

/* A document's metadata from its front matter or JSON Lines record. */
typedef struct doc_meta {
	char *title, *date, *source, *url; /* owned, NULL when not given */
} doc_meta;

typedef struct doc_result {
	char *name;                /* owned */
	doc_meta meta;
	cli_finding *findings;
	size_t n, cap;
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

/* Copy a library finding into the document's list; char_column is the
 * column in code points. Returns 0, or -1 (and sets nomem) without memory. */
int doc_add_finding(doc_result *doc, const ps_finding *f, uint64_t char_column);
/* Append an empty finding to fill in by hand (merge); NULL without memory. */
cli_finding *doc_new_finding(doc_result *doc);
/* Mark the document skipped; reason is copied. */
void doc_skip(doc_result *doc, skip_kind kind, const char *reason);
/* Add a line to print on stderr when the document is reported. */
__attribute__((format(printf, 2, 3)))
void doc_message(doc_result *doc, const char *fmt, ...);
void doc_free(doc_result *doc);
void doc_meta_free(doc_meta *m);

/* The document's verdict on one clause, or on all of them (clause NULL). */
verdict doc_verdict(const doc_result *doc, const ps_clause *clause);
/* "not mentioned", "supports", "conflicts" or "mixed". */
const char *verdict_name(verdict v);
/* "unreadable", "binary", "utf16", "malformed", "other". */
const char *skip_kind_name(skip_kind k);
/* "negation", "hedge" or "attribution". */
const char *cue_kind_name(ps_cue_kind k);

/* A copy of s[0..len) with invalid UTF-8 replaced by U+FFFD and NUL bytes by
 * spaces; NULL on ENOMEM. */
char *utf8_clean(const char *s, size_t len, size_t *out_len);
/* Number of code points in s[0..len) as utf8_clean would print them. */
size_t utf8_width(const char *s, size_t len);

#endif
