/* Shared declarations of the command-line front end. */
#ifndef PS_CLI_H
#define PS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "pactscan/pactscan.h"

/* Exit statuses, documented in --help, the README and pactscan.1. */
enum {
	EXIT_CLEAN = 0,      /* the run completed */
	EXIT_FAIL_ON = 1,    /* a finding matched --fail-on (test: an example failed) */
	EXIT_USAGE = 2,      /* usage or rule error */
	EXIT_INCOMPLETE = 3, /* some input could not be scanned */
};

typedef enum output_format { FORMAT_TEXT, FORMAT_JSONL, FORMAT_JSON } output_format;
typedef enum fail_on { FAIL_NEVER, FAIL_CONFLICT, FAIL_SUPPORT, FAIL_ANY } fail_on;
typedef enum command { CMD_SCAN, CMD_LINT, CMD_TEST, CMD_EVAL, CMD_LIST } command;

typedef struct cli_options {
	command cmd;
	const char *rules;        /* --rules, or NULL */
	output_format format;
	fail_on fail;
	int color;                /* -1 auto, 0 never, 1 always */
	bool quiet;               /* no summary */
	bool verbose;             /* test: list passing examples; eval: list mistakes */
	double min_f1;            /* eval: exit 1 below this F1 (0: no bar) */
	double min_precision;     /* eval: exit 1 below this precision */
	bool list_patterns;       /* list: the patterns rather than the clauses */
	bool no_prefilter;        /* run every pattern on every sentence */
	char **paths;             /* inputs (scan) or rule paths (lint, test) */
	int n_paths;
} cli_options;

/* Parse argv. Returns -1 to go on, or an exit status (after --help, or a
 * usage error already printed). */
int options_parse(cli_options *o, int argc, char **argv);

/* The rule pack to use: --rules, $PACTSCAN_RULES, the source tree's rules/
 * when run from the build tree, else the installed pack. NULL if none. */
const char *rules_locate(const char *given);

/* Print diagnostics as file:line:col: severity: message. */
void print_diags(FILE *f, const ps_diags *diags);

/* Load the rules, printing diagnostics; NULL on failure. */
ps_ruleset *load_rules(const char *given);

int cmd_scan(const cli_options *o);
int cmd_lint(const cli_options *o);
int cmd_test(const cli_options *o);
int cmd_eval(const cli_options *o);
int cmd_list(const cli_options *o);

/* Scanner limits from the options. */
ps_scan_limits scan_limits(const cli_options *o);

#endif
