/* --profile: what the signals of the pack cost a run, summed over its
 * threads' scanners, for rule authors to find the rules that slow a scan
 * (pactscan lint names the patterns that must run on every sentence; this
 * measures the rest). */
#ifndef PS_PROFILE_H
#define PS_PROFILE_H

#include <stdio.h>

#include "scandoc.h"

/* The run's counts, for the profile's first line. */
typedef struct profile_counts {
	size_t documents;          /* scanned */
	size_t split, pieces;      /* documents read in pieces across the threads, and their pieces */
	uint64_t sentences, in_setting;
	uint64_t repeats;          /* sentences answered from the repeat cache */
	uint64_t prepare_ns;       /* preparing every pattern before the scan */
} profile_counts;

/* Print to out the run's counts and CPU time, the shares of the signals and
 * the cues, and each signal that ran, the costliest first. Returns
 * 0, or -1 when the scanners kept no profile or memory ran out (a line says
 * which). */
int profile_print(FILE *out, const ps_ruleset *rules, doc_scanner *const *workers, size_t n_workers,
                  const profile_counts *counts);

/* Write the same profile to path as one JSON object, atomically (see
 * outfile.h), with every signal, those that never ran last: for scripts
 * that track what a pack costs. Returns 0, or -1 with a message on stderr
 * and path left as it was. */
int profile_write_json(const char *path, const ps_ruleset *rules, doc_scanner *const *workers, size_t n_workers,
                       const profile_counts *counts);

#endif
