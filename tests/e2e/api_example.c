/* The README's library example, built and run by the test suite so that it
 * stays true: load the shipped rules, scan standard input, print findings. */
#include <stdio.h>

#include <pactscan/pactscan.h>

static int on_finding(const ps_finding *f, void *userdata)
{
	(void)userdata;
	printf("%llu:%llu %s %s\n", (unsigned long long)f->line, (unsigned long long)f->column,
	       ps_clause_id(f->clause), ps_stance_name(f->stance));
	return 0; /* non-zero stops the scan */
}

int main(int argc, char **argv)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = NULL;
	ps_scanner *scanner = NULL;
	int status = 1;

	if (argc != 2 || ps_diags_new(&diags) != PS_OK)
		return 2;
	if (ps_ruleset_load(&rules, argv[1], diags) != PS_OK) {
		for (size_t i = 0; i < ps_diags_count(diags); i++) {
			const ps_diag *d = ps_diags_get(diags, i);
			fprintf(stderr, "%s:%zu:%zu: error: %s\n", d->file, d->line, d->column, d->message);
		}
		goto out;
	}
	if (ps_scanner_new(&scanner, rules, NULL) != PS_OK)
		goto out;
	ps_scan_callbacks cb = { .on_finding = on_finding };
	status = ps_scanner_scan_fd(scanner, 0, &cb) == PS_OK ? 0 : 1;
out:
	ps_scanner_free(scanner);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
	return status;
}
