/* libyaml's reading of front matter, as docmeta_parse uses it: the
 * reference for the fast reader (src/cli/fmfast.c) in test_fmfast and
 * fuzz_frontmatter. */
#ifndef PS_FMREF_H
#define PS_FMREF_H

#include <stdbool.h>
#include <stddef.h>

#include "fmfast.h"

/* 1 when text[0..len) is one YAML document holding a mapping of scalars
 * to scalars, with *ref holding the last value of each known key; 0
 * otherwise (and *ref holds nothing). -1 when out of memory. */
int fmref_read(fmfast_fields *ref, const char *text, size_t len);

/* Do a and b hold the same fields? */
bool fmref_same(const fmfast_fields *a, const fmfast_fields *b);

#endif
