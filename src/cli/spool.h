/* Output that has to wait for the end of its document: a writer whose
 * document header holds counts known only then (json, junit), or that
 * groups findings by clause (text, junit), keeps their bytes here. The
 * first SPOOL_MEMORY bytes stay in memory; past that, they go to an
 * unlinked temporary file in $TMPDIR (or /tmp), so that memory stays
 * bounded however long the document. */
#ifndef PS_SPOOL_H
#define PS_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SPOOL_MEMORY (64u * 1024u)

typedef struct spool {
	char *buf;                 /* the bytes not in the file yet */
	size_t len, cap;
	int fd;                    /* the temporary file, or -1 */
	uint64_t spilled;          /* bytes in it */
	bool no_file;              /* none could be made: everything stays in memory */
} spool;

void spool_init(spool *s);
/* Returns 0, or -1 (errno set) when the bytes could not be kept. */
int spool_write(spool *s, const char *data, size_t len);
bool spool_empty(const spool *s);
/* Write everything kept to out, in order, and empty the spool for the next
 * document. Returns 0, or -1 (errno set). */
int spool_copy(spool *s, FILE *out);
void spool_free(spool *s);

/* n spools, one a clause (text, junit), each ready; NULL without memory. */
spool *spool_array_new(size_t n);
/* Free what spool_array_new made (NULL accepted). */
void spool_array_free(spool *s, size_t n);

#endif
