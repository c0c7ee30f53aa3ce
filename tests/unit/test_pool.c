/* The ordered work pool (src/cli/pool.c): jobs come back in the order
 * they went in, and the memory that finished jobs hold stays near the
 * budget even when a job's output is many times its input. Urgent jobs,
 * put while a job is delivered, are worked and come back in the order
 * they were put. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "helpers.h"
#include "pool.h"

#define JOBS 64

typedef struct job {
	size_t index;
	size_t out;                /* bytes its work "produces" */
	atomic_bool worked;
} job;

typedef struct tracker {
	atomic_size_t held;        /* output of jobs worked and not yet delivered */
	atomic_size_t max_held;
	size_t in_flight, max_in_flight; /* submitted and not delivered (main thread only) */
	size_t next;               /* the index the next delivery must have */
	bool in_order;
} tracker;

static tracker track;

/* A job takes half a millisecond, and every eighth ten times as long, so
 * the submitting thread runs ahead of the workers as far as the pool lets
 * it, and jobs finished after a slow one wait for it with their output. */
static size_t work(void *job_ptr, void *state)
{
	(void)state;
	job *j = job_ptr;
	struct timespec pause = { 0, j->index % 8 ? 500 * 1000 : 5000 * 1000 };
	nanosleep(&pause, NULL);
	atomic_store(&j->worked, true);
	size_t now = atomic_fetch_add(&track.held, j->out) + j->out;
	size_t max = atomic_load(&track.max_held);
	while (now > max && !atomic_compare_exchange_weak(&track.max_held, &max, now))
		;
	return j->out;
}

static void deliver(void *job_ptr, void *userdata)
{
	(void)userdata;
	job *j = job_ptr;
	atomic_fetch_sub(&track.held, j->out);
	track.in_order = track.in_order && j->index == track.next;
	track.next++;
	track.in_flight--;
}

/* Submit JOBS jobs of in bytes each whose work returns out bytes, on two
 * workers, with the budget given. */
static void run_jobs(size_t in, size_t out, size_t budget)
{
	static job jobs[JOBS];
	int states[2];
	void *worker_states[2] = { &states[0], &states[1] };
	pool_callbacks cb = { work, deliver, NULL, NULL };
	pool *p = NULL;
	track = (tracker){ .in_order = true };
	atomic_init(&track.held, 0);
	atomic_init(&track.max_held, 0);
	ck_assert_int_eq(pool_new(&p, 2, worker_states, &cb, budget), 0);
	for (size_t i = 0; i < JOBS; i++) {
		jobs[i] = (job){ .index = i, .out = out };
		if (++track.in_flight > track.max_in_flight)
			track.max_in_flight = track.in_flight;
		pool_submit(p, &jobs[i], in);
	}
	pool_finish(p);
	pool_free(p);
	ck_assert(track.in_order);
	ck_assert_uint_eq(track.next, JOBS);
}

START_TEST(output_many_times_the_input_stays_near_the_budget)
{
	/* A tenth of the budget in, eight tenths out: charged their input,
	 * ten jobs would go in and hold eight budgets between them. */
	run_jobs(100000, 800000, 1000000);
	ck_assert_msg(atomic_load(&track.max_held) <= 3 * 800000, "finished jobs held %zu bytes at once",
	              atomic_load(&track.max_held));
}
END_TEST

START_TEST(small_output_lets_many_jobs_in)
{
	run_jobs(100000, 10000, 1000000);
	ck_assert_uint_ge(track.max_in_flight, 6);
}
END_TEST

/* Urgent jobs: URGENT of them put by each delivery of a job whose index is
 * 3 modulo 8, taken back (when there is no room, and at the end) and
 * checked on the delivering thread, as the CLI does with a batch whose
 * worker left a large file for every thread. */
#define URGENT 11

typedef struct urgent_run {
	pool *p;
	job jobs[URGENT * JOBS];
	size_t put, taken;
	bool in_order, worked;
} urgent_run;

static urgent_run urun;

static void take_back(void)
{
	job *j = pool_urgent_take(urun.p);
	urun.in_order = urun.in_order && j && j->index == urun.taken;
	urun.worked = urun.worked && j && atomic_load(&j->worked);
	urun.taken++;
}

static void deliver_and_put(void *job_ptr, void *userdata)
{
	job *j = job_ptr;
	deliver(job_ptr, userdata);
	if (j->index % 8 != 3)
		return;
	for (size_t i = 0; i < URGENT; i++) {
		if (urun.put - urun.taken == pool_urgent_room(urun.p))
			take_back();
		job *u = &urun.jobs[urun.put];
		*u = (job){ .index = urun.put, .out = 0 };
		atomic_init(&u->worked, false);
		pool_urgent_put(urun.p, u);
		urun.put++;
	}
	while (urun.taken < urun.put)
		take_back();
	urun.in_order = urun.in_order && pool_urgent_take(urun.p) == NULL;
}

static void run_urgent(size_t n_workers)
{
	static job jobs[JOBS];
	int states[2];
	void *worker_states[2] = { &states[0], &states[1] };
	pool_callbacks cb = { work, deliver_and_put, NULL, NULL };
	track = (tracker){ .in_order = true };
	atomic_init(&track.held, 0);
	atomic_init(&track.max_held, 0);
	urun.p = NULL;
	urun.put = urun.taken = 0;
	urun.in_order = urun.worked = true;
	ck_assert_int_eq(pool_new(&urun.p, n_workers, worker_states, &cb, 1000000), 0);
	for (size_t i = 0; i < JOBS; i++) {
		jobs[i] = (job){ .index = i, .out = 100 };
		atomic_init(&jobs[i].worked, false);
		track.in_flight++;
		pool_submit(urun.p, &jobs[i], 100);
	}
	pool_finish(urun.p);
	pool_free(urun.p);
	ck_assert(track.in_order);
	ck_assert_uint_eq(track.next, JOBS);
	ck_assert_uint_eq(urun.put, URGENT * (JOBS / 8));
	ck_assert_uint_eq(urun.taken, urun.put);
	ck_assert_msg(urun.in_order, "urgent jobs came back out of order");
	ck_assert_msg(urun.worked, "an urgent job came back unworked");
}

START_TEST(urgent_jobs_come_back_worked_in_the_order_put)
{
	run_urgent(2);
}
END_TEST

START_TEST(urgent_jobs_without_threads_are_worked_at_once)
{
	run_urgent(1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");
	tcase_add_test(tc, output_many_times_the_input_stays_near_the_budget);
	tcase_add_test(tc, small_output_lets_many_jobs_in);
	tcase_add_test(tc, urgent_jobs_come_back_worked_in_the_order_put);
	tcase_add_test(tc, urgent_jobs_without_threads_are_worked_at_once);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
