/* Fuzz the rule loader: any bytes either load or give diagnostics with a
 * position, never a crash, hang or leak. A pack that loads is used once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pactscan/pactscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = NULL;
	if (ps_diags_new(&diags) != PS_OK)
		return 0;
	ps_status st = ps_ruleset_load_string(&rules, "fuzz.yaml", (const char *)data, size, diags);
	FUZZ_ASSERT((st == PS_OK) == (rules != NULL));
	FUZZ_ASSERT(st == PS_OK || st == PS_ERR_RULES || st == PS_ERR_NOMEM);
	if (st == PS_ERR_RULES)
		FUZZ_ASSERT(ps_diags_errors(diags) > 0);
	for (size_t i = 0; i < ps_diags_count(diags); i++) {
		const ps_diag *d = ps_diags_get(diags, i);
		FUZZ_ASSERT(d->message && d->file);
	}
	if (rules) {
		static const char text[] = "Israeli troops withdrew from Rafah, officials said. Hamas did not disarm.";
		ps_scanner *scanner = NULL;
		if (ps_scanner_new(&scanner, rules, NULL) == PS_OK)
			ps_scanner_scan(scanner, text, sizeof text - 1, NULL);
		ps_scanner_free(scanner);
	}
	ps_ruleset_free(rules);
	ps_diags_free(diags);
	return 0;
}
