/* The run's summary: counts per clause and stance, verdicts per document and
 * clause, and a timeline of findings by the documents' dates. Every output
 * format reports it from the same numbers. */
#ifndef PS_SUMMARY_H
#define PS_SUMMARY_H

#include <stdint.h>

#include "inputs.h"
#include "report.h"

typedef struct clause_counts {
	size_t support, conflict;  /* findings, one per sentence and clause */
	size_t hedged, attributed; /* findings with that certainty */
	size_t docs;               /* documents with any finding for the clause */
	size_t docs_hedged;        /* documents with a hedged finding for it */
	size_t verdicts[VERDICT_KINDS]; /* scanned documents by verdict on it */
} clause_counts;

/* One line of the per-document list. */
typedef struct doc_line {
	char *name;
	verdict v;                 /* over all clauses */
	bool skipped, incomplete;
	size_t support, conflict;
} doc_line;

/* Findings on one day, counts[clause * 2 + stance]. */
typedef struct day_counts {
	int64_t day;               /* days since 1970-01-01 */
	size_t *counts;
} day_counts;

typedef struct run_summary {
	const ps_ruleset *rules;
	const bool *selected;      /* clauses reported (--clause), NULL for all */
	clause_counts *clauses;    /* indexed like ps_ruleset_clause() */
	size_t documents, scanned, skipped, incomplete;
	size_t skips[SKIP_KINDS];
	walk_counts walk;
	size_t findings, support, conflict, hedged, attributed;
	bool baseline;             /* a baseline was given: new_findings means something */
	size_t new_findings;
	uint64_t sentences, in_setting, bytes;
	uint64_t repeats; /* sentences answered from the repeat cache */
	size_t verdicts[VERDICT_KINDS]; /* scanned documents by overall verdict */
	bool keep_docs;            /* a line per document, for the formats that list them (text, summary) */
	doc_line *docs;
	size_t n_docs, cap_docs;
	day_counts *days;          /* sorted by day */
	size_t n_days, cap_days;
	size_t dated, undated;     /* scanned documents with and without a date */
	bool nomem;
} run_summary;

/* A timeline bucket: a day or an ISO week (first_day is its Monday). */
typedef struct timeline_bucket {
	int64_t first_day;
	size_t *counts;            /* [clause * 2 + stance], owned */
} timeline_bucket;

int summary_init(run_summary *sum, const ps_ruleset *rules, const bool *selected);
/* Count a reported document; t is what its findings added up to. */
void summary_add(run_summary *sum, const doc_result *doc, const doc_tally *t);
void summary_free(run_summary *sum);

/* Is the clause at this index reported? */
bool summary_selected(const run_summary *sum, size_t clause);

/* The unit to use: as asked, or for AUTO days when the dates span at most
 * 31 days, else weeks. */
timeline_unit summary_timeline_unit(const run_summary *sum, timeline_unit asked);
/* Findings per bucket in date order; returns the number of buckets, or
 * (size_t)-1 without memory. Free with timeline_free(). */
size_t summary_timeline(const run_summary *sum, timeline_unit unit, timeline_bucket **out);
void timeline_free(timeline_bucket *b, size_t n);
/* "2025-10-10" or "2025-W41" (ISO week). */
void timeline_label(char buf[16], int64_t first_day, timeline_unit unit);

/* The day of a date written YYYY-MM-DD (a time may follow). */
bool date_parse(const char *s, int64_t *day);

#endif
