/* One large document on several threads: the main thread reads it and cuts
 * it where every segmentation starts a sentence (ps_segment_last_cut);
 * each piece carries the few sentences before it as context for the
 * setting gate (ps_scanner_begin_at), so the pieces' findings, in order,
 * are those of one scan. */
#ifndef PS_SPLITDOC_H
#define PS_SPLITDOC_H

#include <stdbool.h>

#include "report.h"

/* Pieces are about this long; documents shorter than two are not split. */
#define SPLIT_PIECE (256u * 1024u)

typedef struct piece {
	char *text;                /* context, then the piece (owned) */
	size_t len;
	int fd;                    /* >= 0: read the rest of the document from here (owned) */
	ps_scan_origin origin;
} piece;

/* Receives each piece (taking its text); non-zero stops the reading. */
typedef int (*piece_fn)(piece *p, void *userdata);

/* Read the document on fd to its end and hand out its pieces. Front matter
 * is blanked and its metadata put in doc->meta; a binary or UTF-16 document
 * is marked skipped in doc, a read error incomplete. context is the rules'
 * setting context in sentences. */
void split_document(doc_result *doc, int fd, size_t context, piece_fn emit, void *userdata);

/* Add a piece's counts and messages to the document's (and free the piece:
 * its findings have been reported). */
void split_join(doc_result *whole, doc_result *part);

#endif
