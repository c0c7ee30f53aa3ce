#include "progress.h"

#include <stdio.h>
#include <string.h>

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void progress_init(progress *p, bool enabled)
{
	memset(p, 0, sizeof(*p));
	p->enabled = enabled;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
}

void progress_tick(progress *p)
{
	struct timespec now;
	if (!p->enabled)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double elapsed = seconds_between(&p->start, &now);
	if (elapsed < 1.0 || (p->shown && seconds_between(&p->last, &now) < 0.2))
		return;
	p->last = now;
	p->shown = true;
	/* \r and "erase to the end of the line" keep it on one line of the terminal. */
	fprintf(stderr, "\rpactscan: %zu document%s, %.1f MiB, %zu finding%s, %.0f s\033[K", p->documents,
	        p->documents == 1 ? "" : "s", (double)p->bytes / (1024.0 * 1024.0), p->findings,
	        p->findings == 1 ? "" : "s", elapsed);
	fflush(stderr);
}

void progress_document(progress *p, uint64_t bytes, size_t findings)
{
	p->documents++;
	p->bytes += bytes;
	p->findings += findings;
	progress_tick(p);
}

void progress_clear(progress *p)
{
	if (!p->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = false;
}
