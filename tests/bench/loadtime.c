/*
 * loadtime: time ps_ruleset_load() of a whole rule pack, in process.
 *
 *   cc -O2 -Iinclude tests/bench/loadtime.c build/libpactscan.so \
 *      -Wl,-rpath,"$PWD/build" -o build/bench/loadtime
 *   build/bench/loadtime rules/ [RUNS]
 *
 * Loads (reads, parses, expands lexicons, compiles every pattern) and frees
 * the pack RUNS times (default 20) after one warm-up load, and prints the
 * median, minimum and maximum wall time in milliseconds, and the numbers of
 * clauses and patterns. Patterns are JIT-compiled on first use, not at load,
 * so a second line times the load followed by ps_ruleset_jit_all(): what a
 * scan that runs every pattern pays in all.
 *
 *   load rules/: median 12.0 ms, min 11.1 ms, max 13.0 ms over 20 runs (21 clauses, 979 patterns)
 *   load rules/ and JIT every pattern: median 40.2 ms, min 39.0 ms, max 44.1 ms over 20 runs
 *
 * RUNS 0 loads once, without warm-up or timing, which is what a profiler
 * wants: valgrind --tool=callgrind build/bench/loadtime rules/ 0
 *
 * Exit status 2 when the pack does not load.
 */
#define _POSIX_C_SOURCE 200809L
#include <pactscan/pactscan.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int load_once(const char *path, bool jit, double *ms, size_t *clauses, size_t *patterns)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = NULL;
	if (ps_diags_new(&diags) != PS_OK)
		return -1;
	double t0 = now_ms();
	ps_status st = ps_ruleset_load(&rules, path, diags);
	if (st == PS_OK && jit)
		st = ps_ruleset_jit_all(rules);
	double t1 = now_ms();
	if (st != PS_OK) {
		fprintf(stderr, "loadtime: %s: %s (%zu diagnostics; run pactscan lint %s)\n", path,
		        ps_strerror(st), ps_diags_count(diags), path);
		ps_diags_free(diags);
		return -1;
	}
	if (clauses)
		*clauses = ps_ruleset_clause_count(rules);
	if (patterns)
		*patterns = ps_ruleset_pattern_count(rules);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
	*ms = t1 - t0;
	return 0;
}

/* Time RUNS loads after a warm-up, whose time goes to *first; sorts t. */
static int time_loads(const char *path, bool jit, double *t, int runs, double *first, size_t *clauses,
                      size_t *patterns)
{
	if (load_once(path, jit, first, clauses, patterns) != 0)
		return -1;
	for (int i = 0; i < runs; i++)
		if (load_once(path, jit, &t[i], NULL, NULL) != 0)
			return -1;
	qsort(t, (size_t)runs, sizeof *t, cmp_double);
	return 0;
}

static double median(const double *t, int runs)
{
	return runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: loadtime RULES [RUNS]\n");
		return 2;
	}
	const char *path = argv[1];
	int runs = argc == 3 ? atoi(argv[2]) : 20;
	if (runs < 0 || runs > 100000) {
		fprintf(stderr, "loadtime: RUNS must be between 0 and 100000\n");
		return 2;
	}
	size_t clauses = 0, patterns = 0;
	if (runs == 0) {
		double ms;
		if (load_once(path, false, &ms, &clauses, &patterns) != 0)
			return 2;
		printf("load %s: once (%zu clauses, %zu patterns)\n", path, clauses, patterns);
		return 0;
	}
	double *t = calloc((size_t)runs, sizeof *t);
	double first = 0, again = 0;
	if (!t || time_loads(path, false, t, runs, &first, &clauses, &patterns) != 0)
		return 2;
	/* The first load in a process is the one a command pays: its memory is
	 * new (page faults, the threads' malloc arenas), where the later ones
	 * reuse what the one before freed. */
	printf("load %s: median %.1f ms, min %.1f ms, max %.1f ms over %d runs (%zu clauses, %zu patterns); "
	       "the first in the process %.1f ms\n",
	       path, median(t, runs), t[0], t[runs - 1], runs, clauses, patterns, first);
	if (time_loads(path, true, t, runs, &again, NULL, NULL) != 0)
		return 2;
	printf("load %s and JIT every pattern: median %.1f ms, min %.1f ms, max %.1f ms over %d runs\n",
	       path, median(t, runs), t[0], t[runs - 1], runs);
	free(t);
	return 0;
}
