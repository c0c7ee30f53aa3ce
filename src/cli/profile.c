#include "profile.h"

#include <stdlib.h>
#include <sys/resource.h>

/* One signal's costs over every thread. */
typedef struct signal_total {
	size_t index;
	uint64_t tried, matched, ns;
} signal_total;

/* The signals that ran first (one may take under a clock's tick), the
 * costliest first, then in the pack's order. */
static int by_time(const void *a, const void *b)
{
	const signal_total *x = a, *y = b;
	if ((x->tried > 0) != (y->tried > 0))
		return x->tried > 0 ? -1 : 1;
	if (x->ns != y->ns)
		return x->ns < y->ns ? 1 : -1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

static double share(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0;
}

/* A line of the breakdown: seconds and their share of the CPU time. The
 * parts are clock time on each thread; a thread that waited for a core
 * can make a part look larger than its CPU time, and a difference below
 * zero is shown as 0. */
static void part(FILE *out, const char *what, double seconds, double cpu, const char *note)
{
	if (seconds < 0)
		seconds = 0;
	fprintf(out, "  %-24s %8.3f s %5.1f%%%s%s%s\n", what, seconds, share(seconds, cpu), note ? " (" : "",
	        note ? note : "", note ? ")" : "");
}

int profile_print(FILE *out, const ps_ruleset *rules, doc_scanner *const *workers, size_t n_workers,
                  const profile_counts *counts)
{
	int rc = -1;
	size_t n = ps_ruleset_signal_count(rules);
	signal_total *t = calloc(n ? n : 1, sizeof(*t));
	uint64_t scan_ns = 0, word_ns = 0, cue_ns = 0, callback_ns = 0, signal_ns = 0;
	uint64_t gate_passes = 0, full_passes = 0;
	size_t ran = 0;
	double cpu = cpu_seconds();

	if (!t) {
		fputs("pactscan: profile: out of memory\n", out);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		t[i].index = i;
	for (size_t w = 0; w < n_workers; w++) {
		ps_scan_profile p;
		if (!workers[w] || doc_scanner_profile(&p, workers[w]) != PS_OK || p.n_signals != n) {
			fputs("pactscan: profile: a scanner kept no profile\n", out);
			goto out;
		}
		scan_ns += p.scan_nanoseconds;
		word_ns += p.word_nanoseconds;
		cue_ns += p.cue_nanoseconds;
		callback_ns += p.callback_nanoseconds;
		gate_passes += p.gate_passes;
		full_passes += p.full_passes;
		for (size_t i = 0; i < n; i++) {
			t[i].tried += p.signals[i].tried;
			t[i].matched += p.signals[i].matched;
			t[i].ns += p.signals[i].nanoseconds;
		}
	}
	for (size_t i = 0; i < n; i++) {
		signal_ns += t[i].ns;
		ran += t[i].tried > 0;
	}
	qsort(t, n, sizeof(*t), by_time);

	double scan_s = (double)scan_ns / 1e9, sig_s = (double)signal_ns / 1e9, cue_s = (double)cue_ns / 1e9;
	double word_s = (double)word_ns / 1e9, out_s = (double)callback_ns / 1e9;
	fprintf(out,
	        "pactscan: profile: %zu document%s, %llu sentences, %llu in the setting; %.3f s of CPU time on %zu thread%s\n",
	        counts->documents, counts->documents == 1 ? "" : "s", (unsigned long long)counts->sentences,
	        (unsigned long long)counts->in_setting, cpu, n_workers, n_workers == 1 ? "" : "s");
	if (counts->split)
		fprintf(out, "  %zu document%s read in %zu pieces across the threads\n", counts->split,
		        counts->split == 1 ? "" : "s", counts->pieces);
	if (counts->repeats)
		fprintf(out, "  %llu sentence%s met before, answered from the repeat cache, not searched again\n",
		        (unsigned long long)counts->repeats, counts->repeats == 1 ? "" : "s");
	part(out, "scanning", scan_s, cpu, NULL);
	part(out, "  the signals' patterns", sig_s, cpu, NULL);
	part(out, "  collecting cues", cue_s, cpu, NULL);
	char words[160];
	snprintf(words, sizeof words,
	         "the passes over the sentences that may be in the setting: the gate's words in %llu, every word in %llu",
	         (unsigned long long)gate_passes, (unsigned long long)full_passes);
	part(out, "  finding the words", word_s, cpu, words);
	part(out, "  the findings' output", out_s, cpu, "formatted as they are found");
	part(out, "  the rest of the scan", scan_s - sig_s - cue_s - word_s - out_s, cpu,
	     "splitting sentences, the setting gate, the sentences out of it, the repeats answered");
	part(out, "preparing the patterns", counts->prepare_s, cpu, "all of them before the scan, for this profile");
	part(out, "the rest", cpu - scan_s - counts->prepare_s, cpu, "loading the pack, reading, the report");
	if (!ran) {
		fputs("  no signal ran: no sentence in the setting held every word one requires\n", out);
		rc = 0;
		goto out;
	}
	fputs("       ms  share      tried    matched  clause/signal, where it is written\n", out);
	for (size_t r = 0; r < ran; r++) {
		ps_signal_info info;
		if (ps_ruleset_signal(&info, rules, t[r].index) != PS_OK)
			continue;
		fprintf(out, "%9.3f %5.1f%% %10llu %10llu  %s/%s %s:%zu:%zu\n", (double)t[r].ns / 1e6,
		        share((double)t[r].ns / 1e9, cpu), (unsigned long long)t[r].tried, (unsigned long long)t[r].matched,
		        ps_clause_id(info.clause), info.id, info.file, info.line, info.column);
	}
	if (n > ran)
		fprintf(out, "  %zu signal%s never ran\n", n - ran, n - ran == 1 ? "" : "s");
	rc = 0;
out:
	free(t);
	return rc;
}
