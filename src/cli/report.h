/* One finding model for every output format: the scan copies each finding
 * out of the library's callback into a doc_result, and the writers read it. */
#ifndef PS_REPORT_H
#define PS_REPORT_H

#include <stdbool.h>
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
	const char *signal;        /* borrowed from the ruleset */
	ps_stance stance;
	ps_certainty certainty;
	double weight;
	char *sentence;
	size_t sentence_len;
	uint64_t start, end;       /* the sentence's bytes in the document */
	uint64_t line, column;
	ps_span *evidence;
	size_t n_evidence;
	cli_cue cues[3];
	size_t n_cues;
	char *source;              /* NULL when not attributed */
	size_t source_len;
} cli_finding;

typedef struct doc_result {
	const char *name;
	cli_finding *findings;
	size_t n, cap;
	ps_scan_stats stats;
	const char *skipped;       /* why the document was not scanned, or NULL */
	bool incomplete;           /* scanned, but a limit cut part of it */
	bool nomem;
} doc_result;

typedef struct clause_counts {
	size_t support, conflict, hedged, attributed;
	size_t docs;               /* documents with any finding for the clause */
} clause_counts;

typedef struct run_summary {
	const ps_ruleset *rules;
	clause_counts *clauses;    /* indexed like ps_ruleset_clause() */
	size_t documents, skipped, incomplete;
	size_t findings, support, conflict;
	uint64_t sentences, in_setting, bytes;
} run_summary;

/* A writer for one output format. */
typedef struct reporter {
	FILE *out;
	bool color;
	bool quiet;
	int (*document)(struct reporter *r, const doc_result *doc);
	int (*finish)(struct reporter *r, const run_summary *sum);
} reporter;

/* Copy a library finding into the document's list. */
int doc_add_finding(doc_result *doc, const ps_finding *f);
void doc_free(doc_result *doc);

int summary_init(run_summary *sum, const ps_ruleset *rules);
void summary_add(run_summary *sum, const doc_result *doc);
void summary_free(run_summary *sum);

/* A copy of s[0..len) with invalid UTF-8 replaced by U+FFFD; NULL on ENOMEM. */
char *utf8_clean(const char *s, size_t len, size_t *out_len);

void reporter_text(reporter *r);
void reporter_jsonl(reporter *r);

#endif
