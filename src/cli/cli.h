/* Shared declarations of the command-line front end. */
#ifndef PS_CLI_H
#define PS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pactscan/pactscan.h"

/* Exit statuses, documented in --help, the README and pactscan.1. */
enum {
	EXIT_CLEAN = 0,      /* the run completed */
	EXIT_FAIL_ON = 1,    /* a finding matched --fail-on (test: an example failed) */
	EXIT_USAGE = 2,      /* usage or rule error */
	EXIT_INCOMPLETE = 3, /* some input could not be scanned */
};

/* Where the project lives; SARIF's tool.driver.informationUri. */

typedef enum output_format {
	FORMAT_TEXT, FORMAT_JSONL, FORMAT_JSON, FORMAT_SARIF, FORMAT_JUNIT, FORMAT_CSV, FORMAT_SUMMARY,
	FORMAT_HTML
} output_format;
typedef enum input_format { INPUT_TEXT, INPUT_JSONL } input_format;
typedef enum fail_on { FAIL_NEVER, FAIL_CONFLICT, FAIL_SUPPORT, FAIL_ANY } fail_on;
typedef enum timeline_unit { TIMELINE_AUTO, TIMELINE_DAY, TIMELINE_WEEK } timeline_unit;
typedef enum command { CMD_SCAN, CMD_LINT, CMD_TEST, CMD_EVAL, CMD_LIST, CMD_BASELINE, CMD_MERGE } command;

/* Why a document was not scanned, for the summary's counts. */
typedef enum skip_kind {
	SKIP_NONE,
	SKIP_UNREADABLE,   /* cannot be opened or read */
	SKIP_BINARY,       /* a NUL byte in the first chunk */
	SKIP_UTF16,        /* a UTF-16 byte order mark */
	SKIP_MALFORMED,    /* a JSON Lines record that is not a document */
	SKIP_OTHER,        /* not a regular file, nested too deep */
	SKIP_KINDS
} skip_kind;

typedef struct cli_options {
	command cmd;
	const char *rules;        /* --rules, or NULL */
	output_format format;
	bool format_given;        /* --format was on the command line */
	input_format input;
	fail_on fail;
	int color;                /* -1 auto, 0 never, 1 always */
	bool quiet;               /* no summary */
	bool verbose;             /* test: list passing examples; eval: list mistakes */
	double min_f1;            /* eval: exit 1 below this F1 (0: no bar) */
	double min_precision;     /* eval: exit 1 below this precision */
	bool list_patterns;       /* list: the patterns rather than the clauses */
	bool no_prefilter;        /* run every pattern on every sentence */
	bool no_repeat_cache;     /* search a sentence met before again */
	bool profile;             /* --profile: each signal's cost, on stderr after the report */
	const char *profile_json; /* --profile-json FILE: the same as JSON, or NULL */
	const char *output;       /* -o FILE, or NULL for standard output */
	const char **include;     /* --include globs (owned array, borrowed strings) */
	size_t n_include;
	const char **exclude;     /* --exclude globs */
	size_t n_exclude;
	bool follow;              /* follow links to directories */
	const char **clauses;     /* --clause ids */
	size_t n_clauses;
	int min_certainty;        /* a certainty rank (see certainty_rank), -1 for all */
	const char *baseline;     /* --baseline FILE */
	int jobs;                 /* -j; 0 for the number of online cores */
	timeline_unit timeline;
	char **paths;             /* inputs (scan) or rule paths (lint, test) */
	int n_paths;
} cli_options;

/* Parse argv. Returns -1 to go on, or an exit status (after --help, or a
 * usage error already printed). */
int options_parse(cli_options *o, int argc, char **argv);
void options_free(cli_options *o);

/* Print "pactscan: MESSAGE" and the --help hint to stderr; returns EXIT_USAGE. */
__attribute__((format(printf, 1, 2)))
int usage_error(const char *fmt, ...);

/* How firmly a certainty states its finding: asserted 2 > attributed 1 >
 * hedged 0, the order --min-certainty uses. */
int certainty_rank(ps_certainty c);

/* The rule pack to use: --rules, $PACTSCAN_RULES, the source tree's rules/
 * when run from the build tree, else the installed pack. NULL if none. */
const char *rules_locate(const char *given);

/* Print diagnostics as file:line:col: severity: message. */
void print_diags(FILE *f, const ps_diags *diags);

/* Load the rules, printing diagnostics; NULL on failure. */
ps_ruleset *load_rules(const char *given);

int cmd_scan(const cli_options *o);
int cmd_merge(const cli_options *o);
int cmd_lint(const cli_options *o);
int cmd_test(const cli_options *o);
int cmd_eval(const cli_options *o);
int cmd_list(const cli_options *o);

/* Scanner limits from the options. */
ps_scan_limits scan_limits(const cli_options *o);

#endif
