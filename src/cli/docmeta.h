/* A document's YAML front matter: title, date, source, and for the
 * evaluation corpus the gold labels. */
#ifndef PS_DOCMETA_H
#define PS_DOCMETA_H

#include <stddef.h>
#include <stdio.h>

typedef struct gold_label {
	char *sentence;       /* a substring of exactly one sentence of the body */
	char *clause;
	int stance;           /* ps_stance */
	int certainty;        /* ps_certainty; asserted when not given */
	size_t line, column;  /* of the label in the file */
} gold_label;

typedef struct docmeta {
	char *title, *date, *source, *url, *id;
	gold_label *labels;
	size_t n_labels;
	int has_labels;       /* a 'labels:' key was present */
	size_t body;          /* byte offset where the body starts (0: no front matter) */
} docmeta;

/* Parse the front matter of buf, if it has one. Problems are printed to err
 * as path:line:col: error: ...; returns the number of errors. */
int docmeta_parse(docmeta *m, const char *path, const char *buf, size_t len, FILE *err);
void docmeta_free(docmeta *m);

#endif
