/* pactscan lint: load the rules and report every problem found. */
#include "cli.h"
#include "outfile.h"

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
		printf("%s: ok: %zu clauses, %zu signals, %zu examples, %zu warnings\n", path,
		       ps_ruleset_clause_count(rules), ps_ruleset_signal_count(rules), examples, ps_diags_count(diags));
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
