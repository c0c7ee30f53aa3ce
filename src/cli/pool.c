#include "pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

/* Jobs in flight per worker: enough to keep every thread busy while the
 * oldest job, which output waits for, is a long one. */
#define WINDOW_PER_WORKER 8
/* Urgent jobs out per worker (and two more): enough to keep every thread
 * on a large file's pieces while the oldest is delivered. */
#define URGENT_PER_WORKER 2

typedef struct worker {
	pool *p;
	void *state;
	pthread_t thread;
} worker;

struct pool {
	pool_callbacks cb;
	worker *workers;
	size_t n_workers, n_started;
	pthread_mutex_t mu;
	pthread_cond_t work_cv;    /* a job was queued, or shutdown */
	pthread_cond_t done_cv;    /* a job was finished */
	void **ring;
	bool *done;
	size_t *bytes;             /* what each job holds, against the budget */
	size_t *input;             /* what each job held when submitted */
	size_t cap;
	size_t budget, held;       /* bytes allowed in flight, and held now */
	/* Bytes the worked jobs held when submitted, and after: a job is
	 * charged as it will hold once worked. Its findings' output can be
	 * five times its text, and a window of jobs charged their text alone
	 * took 25 MB of output between them. */
	double worked_in, worked_out;
	size_t head, claim, tail;  /* running counts: delivered, taken by a worker, submitted */
	/* Urgent jobs (pool_urgent_put), a ring of their own, taken by the
	 * workers before the submitted ones. */
	void **urgent;
	bool *urgent_done;
	size_t urgent_cap;
	size_t uhead, uclaim, utail; /* running counts: taken back, taken by a worker, put */
	void *held_urgent;         /* with no threads: the urgent job worked and not taken back */
	bool shutdown;
	bool sync_ready;           /* the mutex and conditions were initialised */
};

static void *worker_main(void *arg)
{
	worker *w = arg;
	pool *p = w->p;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->uclaim == p->utail && p->claim == p->tail && !p->shutdown)
			pthread_cond_wait(&p->work_cv, &p->mu);
		if (p->uclaim != p->utail) {
			size_t u = p->uclaim++ % p->urgent_cap;
			void *job = p->urgent[u];
			pthread_mutex_unlock(&p->mu);
			(void)p->cb.work(job, w->state);
			pthread_mutex_lock(&p->mu);
			p->urgent_done[u] = true;
			pthread_cond_signal(&p->done_cv);
			continue;
		}
		if (p->claim == p->tail)
			break;
		size_t slot = p->claim++ % p->cap;
		void *job = p->ring[slot];
		pthread_mutex_unlock(&p->mu);
		size_t held = p->cb.work(job, w->state);
		pthread_mutex_lock(&p->mu);
		p->worked_in += (double)p->input[slot];
		p->worked_out += (double)held;
		p->held = p->held - p->bytes[slot] + held;
		p->bytes[slot] = held;
		p->done[slot] = true;
		pthread_cond_signal(&p->done_cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int pool_new(pool **out, size_t n_workers, void **worker_states, const pool_callbacks *cb, size_t budget)
{
	pool *p = calloc(1, sizeof(*p));
	*out = NULL;
	if (!p || n_workers == 0) {
		free(p);
		return -1;
	}
	p->cb = *cb;
	p->n_workers = n_workers;
	p->budget = budget;
	p->workers = calloc(n_workers, sizeof(*p->workers));
	if (!p->workers) {
		free(p);
		return -1;
	}
	for (size_t i = 0; i < n_workers; i++)
		p->workers[i] = (worker){ .p = p, .state = worker_states[i] };
	if (n_workers > 1) {
		p->cap = n_workers * WINDOW_PER_WORKER;
		p->ring = calloc(p->cap, sizeof(*p->ring));
		p->done = calloc(p->cap, sizeof(*p->done));
		p->bytes = calloc(p->cap, sizeof(*p->bytes));
		p->input = calloc(p->cap, sizeof(*p->input));
		p->urgent_cap = n_workers * URGENT_PER_WORKER + 2;
		p->urgent = calloc(p->urgent_cap, sizeof(*p->urgent));
		p->urgent_done = calloc(p->urgent_cap, sizeof(*p->urgent_done));
		if (!p->ring || !p->done || !p->bytes || !p->input || !p->urgent || !p->urgent_done) {
			pool_free(p);
			return -1;
		}
		pthread_mutex_init(&p->mu, NULL);
		pthread_cond_init(&p->work_cv, NULL);
		pthread_cond_init(&p->done_cv, NULL);
		p->sync_ready = true;
		for (size_t i = 0; i < n_workers; i++) {
			if (pthread_create(&p->workers[i].thread, NULL, worker_main, &p->workers[i]) != 0)
				break;
			p->n_started++;
		}
	}
	*out = p;
	return 0;
}

/* With the lock held: deliver the oldest job if it is finished (unlocking
 * around the delivery). Returns whether it did. */
static bool deliver_head(pool *p)
{
	if (p->head == p->tail || !p->done[p->head % p->cap])
		return false;
	void *job = p->ring[p->head % p->cap];
	p->done[p->head % p->cap] = false;
	p->held -= p->bytes[p->head % p->cap];
	p->head++;
	pthread_mutex_unlock(&p->mu);
	p->cb.deliver(job, p->cb.userdata);
	pthread_mutex_lock(&p->mu);
	return true;
}

/* With the lock held: wait a little for a job to finish. */
static void wait_done(pool *p)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 200 * 1000 * 1000;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if (pthread_cond_timedwait(&p->done_cv, &p->mu, &until) != 0 && p->cb.tick) {
		pthread_mutex_unlock(&p->mu);
		p->cb.tick(p->cb.userdata);
		pthread_mutex_lock(&p->mu);
	}
}

void pool_submit(pool *p, void *job, size_t bytes)
{
	if (p->n_started == 0) {
		p->cb.work(job, p->workers[0].state);
		p->cb.deliver(job, p->cb.userdata);
		return;
	}
	pthread_mutex_lock(&p->mu);
	size_t charge = bytes;
	if (p->worked_out > p->worked_in && p->worked_in > 0) {
		double grown = (double)bytes * (p->worked_out / p->worked_in);
		charge = grown < (double)p->budget ? (size_t)grown : p->budget;
	}
	/* A job a worker and one more are always let in, so that none waits
	 * for work; past that, the budget decides, once a worked job has
	 * shown how much a job grows. */
	while (p->tail - p->head == p->cap ||
	       (p->tail - p->head > p->n_started && (p->worked_in == 0 || p->held + charge > p->budget))) {
		if (!deliver_head(p))
			wait_done(p);
	}
	p->ring[p->tail % p->cap] = job;
	p->done[p->tail % p->cap] = false;
	p->bytes[p->tail % p->cap] = charge;
	p->input[p->tail % p->cap] = bytes;
	p->held += charge;
	p->tail++;
	pthread_cond_signal(&p->work_cv);
	while (deliver_head(p))
		;
	pthread_mutex_unlock(&p->mu);
}

/* With the lock held: deliver every job submitted. */
static void drain(pool *p)
{
	while (p->head != p->tail) {
		if (!deliver_head(p))
			wait_done(p);
	}
}

void pool_drain(pool *p)
{
	if (p->n_started == 0)
		return;
	pthread_mutex_lock(&p->mu);
	drain(p);
	pthread_mutex_unlock(&p->mu);
}

size_t pool_urgent_room(const pool *p)
{
	return p->n_started ? p->urgent_cap : 1;
}

void pool_urgent_put(pool *p, void *job)
{
	if (p->n_started == 0) {
		/* No threads: worked at once, and held until taken back. */
		p->cb.work(job, p->workers[0].state);
		p->held_urgent = job;
		return;
	}
	pthread_mutex_lock(&p->mu);
	size_t u = p->utail++ % p->urgent_cap;
	p->urgent[u] = job;
	p->urgent_done[u] = false;
	pthread_cond_signal(&p->work_cv);
	pthread_mutex_unlock(&p->mu);
}

void *pool_urgent_take(pool *p)
{
	if (p->n_started == 0) {
		void *job = p->held_urgent;
		p->held_urgent = NULL;
		return job;
	}
	pthread_mutex_lock(&p->mu);
	void *job = NULL;
	if (p->uhead != p->utail) {
		size_t u = p->uhead % p->urgent_cap;
		while (!p->urgent_done[u])
			wait_done(p);
		job = p->urgent[u];
		p->urgent_done[u] = false;
		p->uhead++;
	}
	pthread_mutex_unlock(&p->mu);
	return job;
}

void pool_finish(pool *p)
{
	if (p->n_started == 0)
		return;
	pthread_mutex_lock(&p->mu);
	drain(p);
	p->shutdown = true;
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->mu);
	for (size_t i = 0; i < p->n_started; i++)
		pthread_join(p->workers[i].thread, NULL);
	p->n_started = 0;
}

void pool_free(pool *p)
{
	if (!p)
		return;
	pool_finish(p);
	if (p->sync_ready) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->work_cv);
		pthread_cond_destroy(&p->done_cv);
	}
	free(p->ring);
	free(p->done);
	free(p->bytes);
	free(p->input);
	free(p->urgent);
	free(p->urgent_done);
	free(p->workers);
	free(p);
}
