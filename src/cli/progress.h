/* A progress line on stderr for long runs on a terminal: after a second,
 * redrawn at most five times a second, and cleared at the end. */
#ifndef PS_PROGRESS_H
#define PS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef struct progress {
	bool enabled;
	bool shown;                /* a line is on the screen */
	struct timespec start, last;
	size_t documents, findings;
	uint64_t bytes;
} progress;

void progress_init(progress *p, bool enabled);
/* Count a reported document and maybe redraw. */
void progress_document(progress *p, uint64_t bytes, size_t findings);
/* Redraw if it is time (while waiting for a long document). */
void progress_tick(progress *p);
/* Take the line off the screen, before other output to stderr and at the end. */
void progress_clear(progress *p);

#endif
