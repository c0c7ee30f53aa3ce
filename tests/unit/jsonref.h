/* jansson's reading of a JSON Lines record, as --input jsonl reads a line
 * the fast reader leaves to it: the reference for the fast reader
 * (src/cli/jsonrec.c) in test_jsonrec and fuzz_jsonrec. */
#ifndef PS_JSONREF_H
#define PS_JSONREF_H

#include <stdbool.h>
#include <stddef.h>

#include "jsonrec.h"

/* 1 when line[0..len) is an object with a string "id" and "text" and each
 * of "title", "date", "source" and "url" absent, null or a string, with
 * *rec holding them (jsonrec_clear frees them); 0 otherwise (and *rec
 * holds nothing). -1 when out of memory. */
int jsonref_read(jsonrec *rec, const char *line, size_t len);

/* Do a and b hold the same fields, byte for byte? */
bool jsonref_same(const jsonrec *a, const jsonrec *b);

#endif
