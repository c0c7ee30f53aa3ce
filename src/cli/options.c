#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "outfile.h"

/* In pieces: C compilers need not take string literals over 4095 bytes. */
static const char *const usage_text[] = {
	"Usage: pactscan [OPTIONS] [PATH...]\n"
	"       pactscan baseline [OPTIONS] [-o FILE] [PATH...]\n"
	"       pactscan merge [OPTIONS] [REPORT...]\n"
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
	,
	"Commands:\n"
	"  (none), scan      scan the PATHs (the default)\n"
	"  baseline          scan and write the JSON report that --baseline reads\n"
	"                    (to -o FILE; by default pactscan-baseline.json)\n"
	"  merge [REPORT...] read JSON Lines reports of separate runs (written with\n"
	"                    --format jsonl) and report them as one run\n"
	"  lint [RULES]      check rule files; print every error and warning\n"
	"  test [RULES]      run the examples written in the clause files\n"
	"  eval CORPUS...    compare findings with the gold labels in the documents'\n"
	"                    front matter: precision, recall and F1 per clause\n"
	"  list [RULES]      list the clauses; with --patterns, every compiled\n"
	"                    pattern, one per line (for rg -f, say)\n"
	"\n"
	,
	"Options:\n"
	"  -r, --rules=PATH     rule pack directory or pack.yaml (default: $PACTSCAN_RULES,\n"
	"                       else the source tree's rules/ when run from a build,\n"
	"                       else the installed pack)\n"
	"  -f, --format=FORMAT  text (default), json, jsonl, sarif, junit, csv,\n"
	"                       summary or html (see pactscan(1)); eval: text or json\n"
	"  -o, --output=FILE    write the report to FILE, atomically: a temporary file\n"
	"                       renamed over FILE when the report is complete\n"
	"      --input=KIND     text (default), or jsonl: one document a line, a JSON\n"
	"                       object with \"id\", \"text\" and optional \"title\",\n"
	"                       \"date\", \"source\" and \"url\"\n"
	"      --include=GLOB   in directories, read only files that match GLOB (the\n"
	"                       path under the directory given, or the base name)\n"
	"      --exclude=GLOB   in directories, leave out files and directories that\n"
	"                       match GLOB; both may be given more than once\n"
	"      --follow         follow links to directories (a loop is not entered)\n"
	"  -j, --jobs=N         scan on N threads (default: the online cores); the\n"
	"                       output is the same for every N\n"
	,
	"      --clause=ID      report only this clause (more than once for several);\n"
	"                       only its signals are searched, so the scan is faster\n"
	"      --min-certainty=LEVEL  report only findings at least this firm:\n"
	"                       asserted > attributed > hedged (the default: all)\n"
	"      --fail-on=STANCE exit 1 when a finding has this stance: conflict,\n"
	"                       support, any, or never (the default)\n"
	"      --baseline=FILE  a JSON report of an earlier run: findings in it (same\n"
	"                       document, clause, signal and sentence) do not count\n"
	"                       for --fail-on\n"
	"      --timeline=UNIT  the summary's timeline by day, week or auto (the\n"
	"                       default: days when the dates span a month at most)\n"
	"      --color=WHEN     auto (default: on a terminal, unless NO_COLOR is set),\n"
	"                       always or never\n"
	"      --no-prefilter   run every pattern on every sentence (slow; the same\n"
	"                       findings, kept to check the fast path)\n"
	"      --no-repeat-cache  search every sentence, even one met before (a\n"
	"                       run keeps up to 32,768 in 5 MiB, with what they gave;\n"
	"                       the same findings, for timing the search alone)\n"
	"      --profile        after the report, print to stderr where the time went,\n"
	"                       and each signal's time, tries and matches\n"
	"      --profile-json=FILE  write the same profile to FILE as JSON (every\n"
	"                       signal, times in nanoseconds), atomically\n"
	"  -q, --quiet          text format: no summary\n"
	"  -v, --verbose        test: list passing examples too; eval: list each miss\n"
	"                       and false alarm with its sentence\n"
	"      --min-f1=X       eval: exit 1 when overall F1 is below X (0 to 1)\n"
	"      --min-precision=X  eval: exit 1 when overall precision is below X\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	,
	"Exit status:\n"
	"  0  the run completed (test: every example passed)\n"
	"  1  a finding matched --fail-on and is not in the --baseline\n"
	"     (test: an example failed)\n"
	"  2  usage error, or the rules have errors (or the report or the\n"
	"     --profile-json profile could not be written)\n"
	"  3  the run completed, but some input could not be scanned\n"
	"     (unreadable, binary, UTF-16, a malformed JSON Lines record, or a\n"
	"     match limit hit); see stderr\n"
	"\n"
	"Examples:\n"
	"  pactscan < report.txt\n"
	"  pactscan --format jsonl corpus/ > findings.jsonl\n"
	"  pactscan --fail-on conflict --format sarif -o pactscan.sarif reports/\n"
	"  pactscan baseline -o baseline.json reports/\n"
	"  pactscan --baseline baseline.json --fail-on conflict reports/\n"
	"  pactscan --input jsonl -f jsonl < docs.jsonl | pactscan merge -f summary\n"
	"  pactscan lint rules/ && pactscan test rules/\n",
};

int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("pactscan: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'pactscan --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

int certainty_rank(ps_certainty c)
{
	switch (c) {
	case PS_CERTAINTY_ASSERTED: return 2;
	case PS_CERTAINTY_ATTRIBUTED: return 1;
	case PS_CERTAINTY_HEDGED: return 0;
	}
	return 0;
}

static int append(const char ***list, size_t *n, const char *value)
{
	const char **grown = realloc(*list, (*n + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	grown[(*n)++] = value;
	*list = grown;
	return 0;
}

static int pick(const char *value, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(value, names[i]))
			return i;
	return -1;
}

void options_free(cli_options *o)
{
	free(o->include);
	free(o->exclude);
	free(o->clauses);
	o->include = o->exclude = o->clauses = NULL;
}

static int check_combinations(cli_options *o)
{
	bool scanning = o->cmd == CMD_SCAN || o->cmd == CMD_BASELINE || o->cmd == CMD_MERGE;
	if (o->cmd == CMD_EVAL && o->format != FORMAT_TEXT && o->format != FORMAT_JSON)
		return usage_error("%s", "eval writes text or json");
	if (o->cmd == CMD_BASELINE) {
		if (o->format_given && o->format != FORMAT_JSON)
			return usage_error("%s", "baseline writes a JSON report; leave out --format");
		if (o->baseline)
			return usage_error("%s", "baseline writes a baseline; --baseline is for scan and merge");
		o->format = FORMAT_JSON;
		o->fail = FAIL_NEVER;
		if (!o->output)
			o->output = "pactscan-baseline.json";
	}
	if ((o->profile || o->profile_json) && o->cmd != CMD_SCAN && o->cmd != CMD_BASELINE)
		return usage_error("%s", "--profile and --profile-json are for scan and baseline");
	if (o->profile_json && !strcmp(o->profile_json, "-") && (!o->output || !strcmp(o->output, "-")))
		return usage_error("%s", "--profile-json - would mix the profile into the report on standard output; "
		                         "write the report with -o FILE, or the profile to a file");
	if (o->profile_json && o->output && strcmp(o->profile_json, "-") && !strcmp(o->profile_json, o->output))
		return usage_error("--profile-json and -o both name %s; give the profile a file of its own", o->output);
	if (!scanning && (o->output || o->n_clauses || o->baseline))
		return usage_error("%s", "-o, --clause and --baseline are for scan, baseline and merge");
	if ((o->cmd == CMD_LINT || o->cmd == CMD_TEST || o->cmd == CMD_LIST) && o->n_paths > 1)
		return usage_error("%s takes one rule pack; give a directory or pack.yaml",
		                   o->cmd == CMD_LINT ? "lint" : o->cmd == CMD_TEST ? "test" : "list");
	return -1;
}

int options_parse(cli_options *o, int argc, char **argv)
{
	enum {
		OPT_FAIL_ON = 256, OPT_COLOR, OPT_MIN_F1, OPT_MIN_PRECISION, OPT_PATTERNS, OPT_NO_PREFILTER, OPT_INPUT,
		OPT_INCLUDE, OPT_EXCLUDE, OPT_FOLLOW, OPT_CLAUSE, OPT_MIN_CERTAINTY, OPT_BASELINE, OPT_TIMELINE,
		OPT_PROFILE, OPT_NO_REPEAT_CACHE, OPT_PROFILE_JSON,
	};
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "input", required_argument, NULL, OPT_INPUT },
		{ "include", required_argument, NULL, OPT_INCLUDE },
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "jobs", required_argument, NULL, 'j' },
		{ "clause", required_argument, NULL, OPT_CLAUSE },
		{ "min-certainty", required_argument, NULL, OPT_MIN_CERTAINTY },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "timeline", required_argument, NULL, OPT_TIMELINE },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "min-f1", required_argument, NULL, OPT_MIN_F1 },
		{ "min-precision", required_argument, NULL, OPT_MIN_PRECISION },
		{ "patterns", no_argument, NULL, OPT_PATTERNS },
		{ "no-prefilter", no_argument, NULL, OPT_NO_PREFILTER },
		{ "no-repeat-cache", no_argument, NULL, OPT_NO_REPEAT_CACHE },
		{ "profile", no_argument, NULL, OPT_PROFILE },
		{ "profile-json", required_argument, NULL, OPT_PROFILE_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { "text", "jsonl", "json", "sarif", "junit", "csv", "summary", "html" };
	static const char *const fails[] = { "never", "conflict", "support", "any" };
	static const char *const colors[] = { "never", "always", "auto" };
	static const char *const certainties[] = { "hedged", "attributed", "asserted" }; /* by rank */
	static const char *const timelines[] = { "auto", "day", "week" };
	static const char *const commands[] = { "scan", "lint", "test", "eval", "list", "baseline", "merge" };
	int c, k;

	memset(o, 0, sizeof(*o));
	o->color = -1;
	o->min_certainty = -1;
	if (argc > 1 && (k = pick(argv[1], commands, 7)) >= 0) {
		o->cmd = (command)k;
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:f:o:j:qvhV", longopts, NULL)) != -1) {
		int rc = 0;
		switch (c) {
		case 'r':
			o->rules = optarg;
			break;
		case 'f':
			if ((k = pick(optarg, formats, 8)) < 0)
				return usage_error("unknown format '%s'; use text, json, jsonl, sarif, junit, csv, summary or html",
				                   optarg);
			o->format = (output_format)k;
			o->format_given = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_INPUT:
			if (strcmp(optarg, "text") && strcmp(optarg, "jsonl"))
				return usage_error("--input takes text or jsonl, not '%s'", optarg);
			o->input = strcmp(optarg, "text") ? INPUT_JSONL : INPUT_TEXT;
			break;
		case OPT_INCLUDE:
			rc = append(&o->include, &o->n_include, optarg);
			break;
		case OPT_EXCLUDE:
			rc = append(&o->exclude, &o->n_exclude, optarg);
			break;
		case OPT_FOLLOW:
			o->follow = true;
			break;
		case 'j': {
			char *end = NULL;
			long n = strtol(optarg, &end, 10);
			if (!*optarg || *end || n < 0 || n > 256)
				return usage_error("-j takes a number of threads from 1 to 256 (0 for the online cores), not '%s'",
				                   optarg);
			o->jobs = (int)n;
			break;
		}
		case OPT_CLAUSE:
			rc = append(&o->clauses, &o->n_clauses, optarg);
			break;
		case OPT_MIN_CERTAINTY:
			if ((o->min_certainty = pick(optarg, certainties, 3)) < 0)
				return usage_error("--min-certainty takes asserted, attributed or hedged, not '%s'", optarg);
			break;
		case OPT_FAIL_ON:
			if ((k = pick(optarg, fails, 4)) < 0)
				return usage_error("--fail-on takes conflict, support, any or never, not '%s'", optarg);
			o->fail = (fail_on)k;
			break;
		case OPT_BASELINE:
			o->baseline = optarg;
			break;
		case OPT_TIMELINE:
			if ((k = pick(optarg, timelines, 3)) < 0)
				return usage_error("--timeline takes day, week or auto, not '%s'", optarg);
			o->timeline = (timeline_unit)k;
			break;
		case OPT_COLOR:
			if ((k = pick(optarg, colors, 3)) < 0)
				return usage_error("--color takes auto, always or never, not '%s'", optarg);
			o->color = k == 2 ? -1 : k;
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
		case OPT_NO_REPEAT_CACHE:
			o->no_repeat_cache = true;
			break;
		case OPT_PROFILE:
			o->profile = true;
			break;
		case OPT_PROFILE_JSON:
			o->profile_json = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			for (size_t i = 0; i < sizeof usage_text / sizeof *usage_text; i++)
				fputs(usage_text[i], stdout);
			return outfile_flush_stdout() == 0 ? EXIT_CLEAN : EXIT_USAGE;
		case 'V':
			printf("pactscan %s\n", PS_VERSION);
			return outfile_flush_stdout() == 0 ? EXIT_CLEAN : EXIT_USAGE;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
		if (rc != 0) {
			fputs("pactscan: out of memory\n", stderr);
			return EXIT_USAGE;
		}
	}
	o->paths = argv + optind;
	o->n_paths = argc - optind;
	return check_combinations(o);
}
