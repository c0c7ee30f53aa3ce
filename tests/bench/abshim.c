/* Each build's way in for tests/bench/abscan.c: load a pack, scan a text
 * as one document, and fold its findings into a number that two builds
 * must agree on. Only the public API, so that any two commits can be
 * compared. */
#include <stdint.h>
#include <stdlib.h>

#include "pactscan/pactscan.h"

void *ab_setup(const char *rules);
uint64_t ab_scan(void *ctx, const char *text, size_t len, uint64_t *findings);
void ab_free(void *ctx);

typedef struct ab_ctx {
	ps_ruleset *rules;
	ps_scanner *scanner;
	uint64_t hash, n;
} ab_ctx;

static int on_finding(const ps_finding *f, void *userdata)
{
	ab_ctx *c = userdata;
	uint64_t h = c->hash;
	h = (h ^ ps_clause_index(f->clause)) * UINT64_C(0x100000001B3);
	h = (h ^ f->sentence_span.start) * UINT64_C(0x100000001B3);
	h = (h ^ (uint64_t)f->stance << 8 ^ (uint64_t)f->certainty) * UINT64_C(0x100000001B3);
	for (size_t k = 0; k < f->evidence_count; k++)
		h = (h ^ f->evidence[k].start ^ f->evidence[k].end << 32) * UINT64_C(0x100000001B3);
	for (size_t k = 0; k < f->cue_count; k++)
		h = (h ^ f->cues[k].span.start ^ (uint64_t)f->cues[k].kind << 48) * UINT64_C(0x100000001B3);
	c->hash = h;
	c->n++;
	return 0;
}

void *ab_setup(const char *rules)
{
	/* Every round scans the same text with the same scanner: the search
	 * is what is compared, not the repeat cache, which would answer the
	 * rounds after the first, unless ab.sh --repeat-cache asks for it.
	 * PS_SCAN_NO_REPEAT_CACHE by its value, which builds from before it
	 * ignore. */
#if AB_REPEAT_CACHE
	ps_scan_limits limits = { .flags = 0 };
#else
	ps_scan_limits limits = { .flags = 1u << 3 };
#endif
	ab_ctx *c = calloc(1, sizeof(*c));
	ps_diags *d = NULL;
	if (!c || ps_diags_new(&d) != PS_OK || ps_ruleset_load(&c->rules, rules, d) != PS_OK ||
	    ps_scanner_new(&c->scanner, c->rules, &limits) != PS_OK) {
		ps_diags_free(d);
		ab_free(c);
		return NULL;
	}
	ps_diags_free(d);
	return c;
}

uint64_t ab_scan(void *ctx, const char *text, size_t len, uint64_t *findings)
{
	ab_ctx *c = ctx;
	ps_scan_callbacks cb = { .on_finding = on_finding, .userdata = c };
	c->hash = c->n = 0;
	ps_scanner_scan(c->scanner, text, len, &cb);
	*findings = c->n;
	return c->hash;
}

void ab_free(void *ctx)
{
	ab_ctx *c = ctx;
	if (!c)
		return;
	ps_scanner_free(c->scanner);
	ps_ruleset_free(c->rules);
	free(c);
}
