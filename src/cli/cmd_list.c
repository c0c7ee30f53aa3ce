/* pactscan list: the clauses of a pack, or every compiled pattern. */
#include "cli.h"
#include "outfile.h"

ps_scan_limits scan_limits(const cli_options *o)
{
	ps_scan_limits limits = { 0 };
	if (o->no_prefilter)
		limits.flags |= PS_SCAN_NO_PREFILTER;
	if (o->no_repeat_cache)
		limits.flags |= PS_SCAN_NO_REPEAT_CACHE;
	if (o->profile || o->profile_json)
		limits.flags |= PS_SCAN_PROFILE;
	return limits;
}

/* One pattern a line: a line end inside one is written as \n, which PCRE2
 * and rg read back as a line end. */
static void put_pattern(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			fputs("\\n", stdout);
		else if (s[i] == '\r')
			fputs("\\r", stdout);
		else if (s[i] == '\0')
			fputs("\\x00", stdout);
		else
			putchar(s[i]);
	}
	putchar('\n');
}

int cmd_list(const cli_options *o)
{
	ps_ruleset *rules = load_rules(o->n_paths ? o->paths[0] : o->rules);
	if (!rules)
		return EXIT_USAGE;
	if (o->list_patterns) {
		for (size_t i = 0; i < ps_ruleset_pattern_count(rules); i++) {
			ps_pattern_info info;
			if (ps_ruleset_pattern(&info, rules, i) == PS_OK)
				put_pattern(info.expanded, info.expanded_len);
		}
	} else {
		for (size_t i = 0; i < ps_ruleset_clause_count(rules); i++) {
			const ps_clause *c = ps_ruleset_clause(rules, i);
			char point[16];
			snprintf(point, sizeof point, ps_clause_point(c) ? "%d" : "-", ps_clause_point(c));
			printf("%-4s %-30s %s\n", point, ps_clause_id(c), ps_clause_title(c));
		}
	}
	ps_ruleset_free(rules);
	return outfile_flush_stdout() == 0 ? EXIT_CLEAN : EXIT_USAGE;
}
