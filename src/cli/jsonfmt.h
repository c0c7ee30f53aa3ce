/* JSON for findings, documents and the summary, shared by --format json,
 * jsonl and sarif so that each field is spelled once. */
#ifndef PS_JSONFMT_H
#define PS_JSONFMT_H

#include <jansson.h>

#include "jsonbuf.h"
#include "spool.h"
#include "summary.h"

/* A JSON string of s[0..len) with invalid UTF-8 replaced; NULL on ENOMEM. */
json_t *jstr(const char *s, size_t len);
/* The same for a C string; JSON null for NULL. */
json_t *jcstr(const char *s);
json_t *juint(uint64_t v);
/* The clause's point, or null for a clause the pack adds. */
json_t *point_json(const ps_clause *c);

/* Each clause's "point", "clause" and "title" members, as a finding's
 * JSON has them, written once for a run: a finding copies its clause's,
 * where measuring and escaping the same id and title again took an eighth
 * of the instructions of a finding's line. */
typedef struct clause_heads clause_heads;

/* The heads of the clauses of rules; NULL for no rules or without memory
 * (a finding's are then written as it comes). */
clause_heads *clause_heads_new(const ps_ruleset *rules);
void clause_heads_free(clause_heads *h);

/* Append a finding's JSON object to b. As a JSON Lines record (record) it
 * opens with "type" and "doc"; with a baseline it says whether it is "new".
 * heads, if not NULL, holds its clause's members ready (a clause of
 * another ruleset is written as it comes). Written directly, not as a
 * jansson tree: this is the hot path of json and jsonl. */
void finding_json_append(jbuf *b, const doc_result *doc, const cli_finding *f, bool record, bool baseline,
                         const clause_heads *heads);
/* Append the clause's point, or null for a clause the pack adds. */
void point_append(jbuf *b, const ps_clause *c);
/* Append "stance":...,"certainty":...,"signal":... of a finding. */
void stance_append(jbuf *b, const cli_finding *f);
/* Append ,"weight": and the weight, unless it is not finite (the jansson
 * tree these writers replaced left the key out then). */
void weight_append(jbuf *b, double weight);
/* Append a finding's cues as an array (cues_json's text), then
 * ,"source": and its source or null: the same in a finding and in a SARIF
 * result's properties. */
void cues_and_source_append(jbuf *b, const cli_finding *f);
/* Append the "type": "document" record of --format jsonl, as
 * document_json(doc, t, sum, true) and json_dumps would write it: it is
 * written once a document, on the thread that reports in order. */
void document_record_append(jbuf *b, const doc_result *doc, const doc_tally *t, const run_summary *sum);
/* The cues of a finding, as an array (SARIF's; finding_json_append writes
 * the same text itself). */
json_t *cues_json(const cli_finding *f);
/* A document's status, metadata, counts and verdicts; "findings" is the
 * number of findings. */
json_t *document_json(const doc_result *doc, const doc_tally *t, const run_summary *sum, bool record);
/* The same object as --format json writes it, with the list of findings (each
 * formatted, separated by commas) from a spool, which is emptied. Returns 0 or -1. */
int document_json_write(FILE *out, const doc_result *doc, const doc_tally *t, const run_summary *sum,
                        spool *findings);
/* The document's metadata alone: title, date, source, url. */
json_t *meta_json(const doc_meta *m);
/* The run's summary. */
json_t *summary_json(const run_summary *sum, timeline_unit unit, bool record);

/* Write obj compactly (not released). Returns 0 or -1. */
int json_put(FILE *out, const json_t *obj);
/* Write obj compactly on one line, and release it. Returns 0 or -1. */
int json_emit_line(FILE *out, json_t *obj);

#endif
