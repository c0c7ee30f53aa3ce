/* Fuzz the fast JSON Lines record reader (src/cli/jsonrec.c): whatever
 * line it takes, jansson reads as a record with the same fields, byte for
 * byte; it never runs out of memory on a line this small. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "jsonrec.h"
#include "jsonref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jsonrec fast, ref;
	jsonrec_status st = jsonrec_parse(&fast, (const char *)data, size);
	FUZZ_ASSERT(st != JSONREC_NOMEM);
	if (st != JSONREC_OK) {
		FUZZ_ASSERT(!fast.id && !fast.text && !fast.title && !fast.date && !fast.source && !fast.url);
		return 0;
	}
	int rc = jsonref_read(&ref, (const char *)data, size);
	if (rc < 0) {
		jsonrec_clear(&fast);
		return 0;
	}
	FUZZ_ASSERT(rc == 1);
	FUZZ_ASSERT(jsonref_same(&fast, &ref));
	jsonrec_clear(&fast);
	jsonrec_clear(&ref);
	return 0;
}
