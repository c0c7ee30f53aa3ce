/* Scanning one document into a doc_result: the worker's part of a scan.
 * Each worker thread owns a doc_scanner (a ps_scanner and its buffers); the
 * ruleset and the settings are shared and read-only. */
#ifndef PS_SCANDOC_H
#define PS_SCANDOC_H

#include <stdbool.h>
#include <stdint.h>

#include "inputs.h"
#include "reporter.h"

typedef struct scan_settings {
	const ps_ruleset *rules;
	const bool *selected;      /* clauses to report, indexed like the ruleset; NULL for all */
	int min_rank;              /* findings below this certainty_rank are dropped; -1 keeps all */
	ps_scan_limits limits;
	const reporter *writer;    /* format findings as they are found (run_writer_ahead), or NULL */
	/* When set, called with the document every few findings to report
	 * them before it ends; only where the scanner runs on the reporting
	 * thread. Non-zero stops the scan (the report cannot be written). */
	int (*flush)(doc_result *doc, void *userdata);
	void *flush_data;
} scan_settings;

typedef struct doc_scanner doc_scanner;

/* Returns 0, or -1 without memory. The settings must outlive the scanner. */
int doc_scanner_new(doc_scanner **out, const scan_settings *settings);
void doc_scanner_free(doc_scanner *ds);
/* Its scanner's profile (ps_scanner_profile): PS_ERR_INVALID unless the
 * settings' limits ask for one. */
ps_status doc_scanner_profile(ps_scan_profile *out, const doc_scanner *ds);

/* Scan the file doc->name (opened from dir by its base name, which starts
 * at base_at; by its whole name where dir is NULL), or standard input.
 * Findings go to doc->found; problems (unreadable, binary, UTF-16, a match
 * limit) are recorded in doc with their messages. */
void doc_scan_file(doc_scanner *ds, doc_result *doc, const input_dir *dir, size_t base_at, bool is_stdin);
/* doc_scan_file for a file the walk did not size: a regular file of limit
 * bytes or more is left unread (false returned, doc untouched), for the
 * caller to split between the threads. */
bool doc_scan_file_below(doc_scanner *ds, doc_result *doc, const input_dir *dir, size_t base_at, uint64_t limit);
/* Scan a document held in memory; text is changed (front matter blanked). */
void doc_scan_text(doc_scanner *ds, doc_result *doc, char *text, size_t len);

/* Scan one piece of a larger document: text holds the piece, preceded by
 * context that starts at origin->offset (a line start); findings before
 * origin->report_from are not reported. Columns are counted from the text.
 * With rest >= 0, go on reading the document from that descriptor. */
void doc_scan_piece(doc_scanner *ds, doc_result *doc, const char *text, size_t len, const ps_scan_origin *origin,
                    int rest);

#endif
