/* The libFuzzer entry point every target defines. */
#ifndef PS_FUZZ_H
#define PS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failed property: print and abort, so the fuzzer keeps the input. */
#define FUZZ_ASSERT(cond)                                                                        \
	do {                                                                                         \
		if (!(cond)) {                                                                           \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);          \
			abort();                                                                             \
		}                                                                                        \
	} while (0)

#endif
