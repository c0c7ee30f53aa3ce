/* Fuzz the fast front matter reader (src/cli/fmfast.c): whatever it takes,
 * libyaml reads as a flat mapping of the same keys to the same strings. */
#include <stdio.h>
#include <stdlib.h>

#include "fmfast.h"
#include "fmref.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fmfast_fields fast, ref;
	fmfast_status st = fmfast_parse(&fast, (const char *)data, size);
	if (st != FMFAST_OK)
		return 0;
	int rc = fmref_read(&ref, (const char *)data, size);
	if (rc < 0) {
		fmfast_clear(&fast);
		return 0;
	}
	FUZZ_ASSERT(rc == 1);
	FUZZ_ASSERT(fmref_same(&fast, &ref));
	fmfast_clear(&fast);
	fmfast_clear(&ref);
	return 0;
}
