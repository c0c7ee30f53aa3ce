#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
	"Usage: pactscan [OPTIONS] [PATH...]\n"
	"       pactscan lint [--rules] [RULES]\n"
	"       pactscan test [-v] [RULES]\n"
	"       pactscan eval [-v] [--format json] [--min-f1 X] [--min-precision X] CORPUS...\n"
	"       pactscan list [--patterns] [RULES]\n"
	"\n"
	"Check news reports against the clauses of a peace agreement. Each sentence\n"
	"that supports or conflicts with a clause is reported with its stance,\n"
	"certainty (asserted, hedged, attributed), the cues that decided it, and\n"
	"its position. PATHs are files or directories (read recursively; hidden\n"
	"files skipped); with none, or '-', the text is read from standard input.\n"
	"\n"
	"Commands:\n"
	"  (none), scan      scan the PATHs (the default)\n"
	"  lint [RULES]      check rule files; print every error and warning\n"
	"  test [RULES]      run the examples written in the clause files\n"
	"  eval CORPUS...    compare findings with the gold labels in the documents'\n"
	"                    front matter: precision, recall and F1 per clause\n"
	"  list [RULES]      list the clauses; with --patterns, every compiled\n"
	"                    pattern, one per line (for rg -f, say)\n"
	"\n"
	"Options:\n"
	"  -r, --rules=PATH     rule pack directory or pack.yaml (default: $PACTSCAN_RULES,\n"
	"                       else the source tree's rules/ when run from a build,\n"
	"                       else the installed pack)\n"
	"  -f, --format=FORMAT  text (default) or jsonl: one JSON object per line,\n"
	"                       \"type\": \"finding\", \"document\" or \"summary\";\n"
	"                       eval: text or json\n"
	"      --fail-on=STANCE exit 1 when a finding has this stance: conflict,\n"
	"                       support, any, or never (the default)\n"
	"      --color=WHEN     auto (default: on a terminal, unless NO_COLOR is set),\n"
	"                       always or never\n"
	"      --no-prefilter   run every pattern on every sentence (slow; the same\n"
	"                       findings, kept to check the fast path)\n"
	"  -q, --quiet          text format: no summary table\n"
	"  -v, --verbose        test: list passing examples too; eval: list each miss\n"
	"                       and false alarm with its sentence\n"
	"      --min-f1=X       eval: exit 1 when overall F1 is below X (0 to 1)\n"
	"      --min-precision=X  eval: exit 1 when overall precision is below X\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"Exit status:\n"
	"  0  the run completed (test: every example passed)\n"
	"  1  a finding matched --fail-on (test: an example failed)\n"
	"  2  usage error, or the rules have errors\n"
	"  3  the run completed, but some input could not be scanned\n"
	"     (unreadable, binary, UTF-16, or a match limit hit); see stderr\n"
	"\n"
	"Examples:\n"
	"  pactscan < report.txt\n"
	"  pactscan --format jsonl corpus/ > findings.jsonl\n"
	"  pactscan --fail-on conflict --rules my-rules/ reports/\n"
	"  pactscan lint rules/ && pactscan test rules/\n";

#include <stdarg.h>

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("pactscan: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'pactscan --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

int options_parse(cli_options *o, int argc, char **argv)
{
	enum { OPT_FAIL_ON = 256, OPT_COLOR, OPT_MIN_F1, OPT_MIN_PRECISION, OPT_PATTERNS, OPT_NO_PREFILTER };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "min-f1", required_argument, NULL, OPT_MIN_F1 },
		{ "min-precision", required_argument, NULL, OPT_MIN_PRECISION },
		{ "patterns", no_argument, NULL, OPT_PATTERNS },
		{ "no-prefilter", no_argument, NULL, OPT_NO_PREFILTER },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->color = -1;
	if (argc > 1) {
		const char *cmd = argv[1];
		int shift = 1;
		if (!strcmp(cmd, "lint"))
			o->cmd = CMD_LINT;
		else if (!strcmp(cmd, "test"))
			o->cmd = CMD_TEST;
		else if (!strcmp(cmd, "scan"))
			o->cmd = CMD_SCAN;
		else if (!strcmp(cmd, "eval"))
			o->cmd = CMD_EVAL;
		else if (!strcmp(cmd, "list"))
			o->cmd = CMD_LIST;
		else
			shift = 0;
		if (shift) {
			argv[1] = argv[0];
			argv++;
			argc--;
		}
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:f:qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->rules = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				o->format = FORMAT_TEXT;
			else if (!strcmp(optarg, "jsonl"))
				o->format = FORMAT_JSONL;
			else if (!strcmp(optarg, "json"))
				o->format = FORMAT_JSON;
			else
				return usage_error("unknown format '%s'; use text, jsonl or (eval) json", optarg);
			break;
		case OPT_FAIL_ON:
			if (!strcmp(optarg, "conflict"))
				o->fail = FAIL_CONFLICT;
			else if (!strcmp(optarg, "support"))
				o->fail = FAIL_SUPPORT;
			else if (!strcmp(optarg, "any"))
				o->fail = FAIL_ANY;
			else if (!strcmp(optarg, "never"))
				o->fail = FAIL_NEVER;
			else
				return usage_error("--fail-on takes conflict, support, any or never, not '%s'", optarg);
			break;
		case OPT_COLOR:
			if (!strcmp(optarg, "auto"))
				o->color = -1;
			else if (!strcmp(optarg, "always"))
				o->color = 1;
			else if (!strcmp(optarg, "never"))
				o->color = 0;
			else
				return usage_error("--color takes auto, always or never, not '%s'", optarg);
			break;
		case OPT_MIN_F1:
		case OPT_MIN_PRECISION: {
			char *end = NULL;
			double x = strtod(optarg, &end);
			if (!*optarg || *end || !(x >= 0 && x <= 1))
				return usage_error("%s takes a number from 0 to 1, not '%s'",
				                   c == OPT_MIN_F1 ? "--min-f1" : "--min-precision", optarg);
			if (c == OPT_MIN_F1)
				o->min_f1 = x;
			else
				o->min_precision = x;
			break;
		}
		case OPT_PATTERNS:
			o->list_patterns = true;
			break;
		case OPT_NO_PREFILTER:
			o->no_prefilter = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_USAGE;
		case 'V':
			printf("pactscan %s\n", PS_VERSION);
			return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_USAGE;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	o->paths = argv + optind;
	o->n_paths = argc - optind;
	if (o->format == FORMAT_JSON && o->cmd != CMD_EVAL)
		return usage_error("%s", "--format json is for eval; scan writes text or jsonl");
	if ((o->cmd == CMD_LINT || o->cmd == CMD_TEST || o->cmd == CMD_LIST) && o->n_paths > 1)
		return usage_error("%s takes one rule pack; give a directory or pack.yaml",
		                   o->cmd == CMD_LINT ? "lint" : o->cmd == CMD_TEST ? "test" : "list");
	return -1;
}
