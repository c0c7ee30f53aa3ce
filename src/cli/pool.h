/* An ordered work pool: jobs are submitted in order, worked on by N
 * threads, and delivered back on the submitting thread in the order they
 * were submitted, so the output of -j 4 is the output of -j 1. At most a
 * window of jobs is in flight, and at most a budget of the bytes they
 * hold, which bounds memory. With one thread no thread is started: each
 * job is worked and delivered at once. */
#ifndef PS_POOL_H
#define PS_POOL_H

#include <stddef.h>

typedef struct pool pool;

typedef struct pool_callbacks {
	/* On a worker thread, with that worker's own state; returns the bytes
	 * the job holds from then until it is delivered (its output). */
	size_t (*work)(void *job, void *worker_state);
	/* On the submitting thread, in submission order; takes the job. */
	void (*deliver)(void *job, void *userdata);
	/* On the submitting thread while it waits (about five times a second); may be NULL. */
	void (*tick)(void *userdata);
	void *userdata;
} pool_callbacks;

/* Start n_workers threads (worker_states[i] for each). budget is the most
 * bytes that jobs in flight may hold (see pool_submit). Returns 0, or -1
 * when nothing could be started. */
int pool_new(pool **out, size_t n_workers, void **worker_states, const pool_callbacks *cb, size_t budget);
/* Queue a job that holds about bytes of memory until it is worked (its
 * input), and then what work() says; delivers finished jobs, and waits
 * while the window is full or the job would take what the jobs in flight
 * hold over the budget. Where worked jobs came to hold more than their
 * input (output), a job is charged its bytes grown as theirs did; until
 * one is worked, and whatever the budget, one job a worker and one more
 * may be in flight. */
void pool_submit(pool *p, void *job, size_t bytes);
/* Wait for every job submitted and deliver it; the pool stays open. */
void pool_drain(pool *p);

/* Jobs outside the order, for a delivery that turns out to need more
 * work: a batch of short files whose worker found one large, to be split
 * between the threads before the files after it are reported. Called on
 * the submitting thread, from deliver() (or between submissions), never
 * with more than pool_urgent_room() put and not taken back. */

/* How many urgent jobs may be out at once. */
size_t pool_urgent_room(const pool *p);
/* Queue job ahead of every submitted job not yet taken by a worker. */
void pool_urgent_put(pool *p, void *job);
/* Wait for the oldest urgent job put and not taken back to be worked, and
 * return it, for the caller to deliver: urgent jobs come back in the order
 * they were put. NULL when none is out. */
void *pool_urgent_take(pool *p);

/* Deliver every job still queued, then stop the threads. */
void pool_finish(pool *p);
void pool_free(pool *p);

#endif
