#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <limits.h>

#include "cli.h"

/* Is this binary running from the build tree it was built in? */
static bool running_from_build(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	size_t root = strlen(PS_BUILD_ROOT);
	return !strncmp(exe, PS_BUILD_ROOT, root) && exe[root] == '/';
}

const char *rules_locate(const char *given)
{
	struct stat sb;
	if (given)
		return given;
	const char *env = getenv("PACTSCAN_RULES");
	if (env && *env)
		return env;
	if (running_from_build() && stat(PS_SOURCE_RULES, &sb) == 0)
		return PS_SOURCE_RULES;
	if (stat(PS_INSTALLED_RULES, &sb) == 0)
		return PS_INSTALLED_RULES;
	return NULL;
}

void print_diags(FILE *f, const ps_diags *diags)
{
	for (size_t i = 0; i < ps_diags_count(diags); i++) {
		const ps_diag *d = ps_diags_get(diags, i);
		const char *sev = d->severity == PS_SEVERITY_ERROR ? "error" : "warning";
		if (d->line && d->column)
			fprintf(f, "%s:%zu:%zu: %s: %s\n", d->file, d->line, d->column, sev, d->message);
		else if (d->line)
			fprintf(f, "%s:%zu: %s: %s\n", d->file, d->line, sev, d->message);
		else
			fprintf(f, "%s: %s: %s\n", d->file, sev, d->message);
	}
}

ps_ruleset *load_rules(const char *given)
{
	ps_ruleset *rules = NULL;
	ps_diags *diags = NULL;
	const char *path = rules_locate(given);
	if (!path) {
		fputs("pactscan: no rule pack found; pass --rules DIR or set PACTSCAN_RULES\n", stderr);
		return NULL;
	}
	if (ps_diags_new(&diags) != PS_OK) {
		fputs("pactscan: out of memory\n", stderr);
		return NULL;
	}
	ps_status st = ps_ruleset_load(&rules, path, diags);
	print_diags(stderr, diags);
	if (st != PS_OK && st != PS_ERR_RULES)
		fprintf(stderr, "pactscan: cannot load rules from %s: %s\n", path, ps_strerror(st));
	else if (st == PS_ERR_RULES)
		fprintf(stderr, "pactscan: %zu error%s in the rules; nothing was scanned\n", ps_diags_errors(diags),
		        ps_diags_errors(diags) == 1 ? "" : "s");
	ps_diags_free(diags);
	return rules;
}
