/* pactscan lint: load the rules and report every problem found. */
#include "cli.h"
#include "outfile.h"

/* Is the pattern one character, which PCRE2 finds as fast as memchr? */
static bool one_character(const ps_pattern_info *pi)
{
	const char *t = pi->text;
	size_t n = pi->text_len;
	if (n == 2 && t[0] == '\\')
		return true;
	if (n == 0 || (unsigned char)t[0] < 0x80)
		return n == 1;
	size_t seq = (unsigned char)t[0] >= 0xF0 ? 4 : (unsigned char)t[0] >= 0xE0 ? 3 : 2;
	return n == seq;
}

/* A note for each pattern the prefilter cannot skip: it runs on every
 * sentence that gets as far as it. Returns their number. */
static size_t report_slow(const ps_ruleset *rules)
{
	size_t slow = 0;
	for (size_t i = 0; i < ps_ruleset_pattern_count(rules); i++) {
		ps_pattern_info pi;
		if (ps_ruleset_pattern(&pi, rules, i) != PS_OK || pi.literal_sets || one_character(&pi))
			continue;
		/* A lexicon's pattern is listed with every use; one note is enough. */
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++) {
			ps_pattern_info other;
			seen = ps_ruleset_pattern(&other, rules, k) == PS_OK && other.file == pi.file &&
			       other.line == pi.line && other.column == pi.column;
		}
		if (seen)
			continue;
		slow++;
		fprintf(stderr,
		        "%s:%zu:%zu: note: slow pattern (%s): no text of two or more characters is in every match, so "
		        "the prefilter cannot skip it and it runs on every sentence that reaches it; spell one out "
		        "if you can\n",
		        pi.file, pi.line, pi.column, pi.role);
	}
	return slow;
}

int cmd_lint(const cli_options *o)
{
	const char *given = o->n_paths ? o->paths[0] : o->rules;
	const char *path = rules_locate(given);
	ps_ruleset *rules = NULL;
	ps_diags *diags = NULL;
	int status = EXIT_CLEAN;

	if (!path) {
		fputs("pactscan: no rule pack found; name one: pactscan lint DIR\n", stderr);
		return EXIT_USAGE;
	}
	if (ps_diags_new(&diags) != PS_OK) {
		fputs("pactscan: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	ps_status st = ps_ruleset_load(&rules, path, diags);
	print_diags(stderr, diags);
	if (st == PS_OK) {
		size_t examples = 0;
		for (size_t i = 0; i < ps_ruleset_clause_count(rules); i++)
			examples += ps_clause_example_count(ps_ruleset_clause(rules, i));
		size_t slow = report_slow(rules);
		size_t clauses = ps_ruleset_clause_count(rules), signals = ps_ruleset_signal_count(rules),
		       warnings = ps_diags_count(diags);
		printf("%s: ok: %zu clause%s, %zu signal%s, %zu example%s, %zu warning%s", path, clauses, clauses == 1 ? "" : "s",
		       signals, signals == 1 ? "" : "s", examples, examples == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
		if (slow)
			printf(", %zu slow pattern%s", slow, slow == 1 ? "" : "s");
		putchar('\n');
	} else {
		size_t errors = ps_diags_errors(diags);
		if (st == PS_ERR_RULES)
			fprintf(stderr, "pactscan: %s: %zu error%s\n", path, errors, errors == 1 ? "" : "s");
		else
			fprintf(stderr, "pactscan: %s: %s\n", path, ps_strerror(st));
		status = EXIT_USAGE;
	}
	ps_ruleset_free(rules);
	ps_diags_free(diags);
	if (outfile_flush_stdout() != 0)
		status = EXIT_USAGE;
	return status;
}
