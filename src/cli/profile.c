#include "profile.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "jsonfmt.h"
#include "outfile.h"

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

static uint64_t cpu_nanoseconds(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
	       ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
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

/* a - b, or 0 where b is larger. */
static uint64_t rest_of(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* The run's profile: every thread's scanners summed, the signals sorted
 * by_time. The text and the JSON are printed from the same figures. */
typedef struct totals {
	signal_total *t;           /* one per signal */
	size_t n, ran;             /* signals, and those tried at least once (first in t) */
	uint64_t cpu_ns, scan_ns, word_ns, cue_ns, callback_ns, signal_ns, prepare_ns;
	/* The scan less its timed parts, and the CPU time less the scan and
	 * the preparing: 0 where the parts' clocks (see part()) overshoot. */
	uint64_t rest_of_scan_ns, rest_ns;
	uint64_t gate_passes, full_passes;
} totals;

/* 0, or -1 with a line on err saying why (a scanner kept no profile, or
 * memory ran out). */
static int gather(totals *g, FILE *err, const ps_ruleset *rules, doc_scanner *const *workers, size_t n_workers,
                  const profile_counts *counts)
{
	memset(g, 0, sizeof(*g));
	g->cpu_ns = cpu_nanoseconds();
	g->prepare_ns = counts->prepare_ns;
	g->n = ps_ruleset_signal_count(rules);
	g->t = calloc(g->n ? g->n : 1, sizeof(*g->t));
	if (!g->t) {
		fputs("pactscan: profile: out of memory\n", err);
		return -1;
	}
	for (size_t i = 0; i < g->n; i++)
		g->t[i].index = i;
	for (size_t w = 0; w < n_workers; w++) {
		ps_scan_profile p;
		if (!workers[w] || doc_scanner_profile(&p, workers[w]) != PS_OK || p.n_signals != g->n) {
			fputs("pactscan: profile: a scanner kept no profile\n", err);
			free(g->t);
			g->t = NULL;
			return -1;
		}
		g->scan_ns += p.scan_nanoseconds;
		g->word_ns += p.word_nanoseconds;
		g->cue_ns += p.cue_nanoseconds;
		g->callback_ns += p.callback_nanoseconds;
		g->gate_passes += p.gate_passes;
		g->full_passes += p.full_passes;
		for (size_t i = 0; i < g->n; i++) {
			g->t[i].tried += p.signals[i].tried;
			g->t[i].matched += p.signals[i].matched;
			g->t[i].ns += p.signals[i].nanoseconds;
		}
	}
	for (size_t i = 0; i < g->n; i++) {
		g->signal_ns += g->t[i].ns;
		g->ran += g->t[i].tried > 0;
	}
	qsort(g->t, g->n, sizeof(*g->t), by_time);
	g->rest_of_scan_ns = rest_of(g->scan_ns, g->signal_ns + g->cue_ns + g->word_ns + g->callback_ns);
	g->rest_ns = rest_of(g->cpu_ns, g->scan_ns + g->prepare_ns);
	return 0;
}

static double seconds(uint64_t ns)
{
	return (double)ns / 1e9;
}

int profile_print(FILE *out, const ps_ruleset *rules, doc_scanner *const *workers, size_t n_workers,
                  const profile_counts *counts)
{
	totals g;
	if (gather(&g, out, rules, workers, n_workers, counts) != 0)
		return -1;
	double cpu = seconds(g.cpu_ns);
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
	part(out, "scanning", seconds(g.scan_ns), cpu, NULL);
	part(out, "  the signals' patterns", seconds(g.signal_ns), cpu, NULL);
	part(out, "  collecting cues", seconds(g.cue_ns), cpu, NULL);
	char words[160];
	snprintf(words, sizeof words,
	         "the passes over the sentences that may be in the setting: the gate's words in %llu, every word in %llu",
	         (unsigned long long)g.gate_passes, (unsigned long long)g.full_passes);
	part(out, "  finding the words", seconds(g.word_ns), cpu, words);
	part(out, "  the findings' output", seconds(g.callback_ns), cpu, "formatted as they are found");
	part(out, "  the rest of the scan", seconds(g.rest_of_scan_ns), cpu,
	     "splitting sentences, the setting gate, the sentences out of it, the repeats answered");
	part(out, "preparing the patterns", seconds(g.prepare_ns), cpu, "all of them before the scan, for this profile");
	part(out, "the rest", seconds(g.rest_ns), cpu, "loading the pack, reading, the report");
	if (!g.ran) {
		fputs("  no signal ran: no sentence in the setting held every word one requires\n", out);
		goto out;
	}
	fputs("       ms  share      tried    matched  clause/signal, where it is written\n", out);
	for (size_t r = 0; r < g.ran; r++) {
		ps_signal_info info;
		if (ps_ruleset_signal(&info, rules, g.t[r].index) != PS_OK)
			continue;
		fprintf(out, "%9.3f %5.1f%% %10llu %10llu  %s/%s %s:%zu:%zu\n", (double)g.t[r].ns / 1e6,
		        share(seconds(g.t[r].ns), cpu), (unsigned long long)g.t[r].tried,
		        (unsigned long long)g.t[r].matched, ps_clause_id(info.clause), info.id, info.file, info.line,
		        info.column);
	}
	if (g.n > g.ran)
		fprintf(out, "  %zu signal%s never ran\n", g.n - g.ran, g.n - g.ran == 1 ? "" : "s");
out:
	free(g.t);
	return 0;
}

/* The profile as a JSON object; NULL without memory. Times are integer
 * nanoseconds, exact and summable; the parts are the text's. */
static json_t *profile_json(const totals *g, const ps_ruleset *rules, size_t n_workers,
                            const profile_counts *counts)
{
	json_t *o = json_object(), *parts = json_object(), *passes = json_object(), *signals = json_array();
	bool ok = o && parts && passes && signals;
	ok = ok && !json_object_set_new(o, "profile_version", json_integer(1));
	ok = ok && !json_object_set_new(o, "tool", json_pack("{s:s,s:s}", "name", "pactscan", "version", PS_VERSION));
	ok = ok && !json_object_set_new(o, "rules", json_pack("{s:o,s:o}", "name", jcstr(ps_ruleset_name(rules)),
	                                                          "version", jcstr(ps_ruleset_version(rules))));
	ok = ok && !json_object_set_new(o, "threads", json_integer((json_int_t)n_workers));
	ok = ok && !json_object_set_new(o, "documents", json_integer((json_int_t)counts->documents));
	ok = ok && !json_object_set_new(o, "documents_in_pieces", json_integer((json_int_t)counts->split));
	ok = ok && !json_object_set_new(o, "pieces", json_integer((json_int_t)counts->pieces));
	ok = ok && !json_object_set_new(o, "sentences", json_integer((json_int_t)counts->sentences));
	ok = ok && !json_object_set_new(o, "in_setting", json_integer((json_int_t)counts->in_setting));
	ok = ok && !json_object_set_new(o, "repeats_answered", json_integer((json_int_t)counts->repeats));
	ok = ok && !json_object_set_new(passes, "gate_words", json_integer((json_int_t)g->gate_passes));
	ok = ok && !json_object_set_new(passes, "every_word", json_integer((json_int_t)g->full_passes));
	ok = ok && !json_object_set_new(o, "passes", passes);
	passes = NULL;
	ok = ok && !json_object_set_new(o, "cpu_ns", json_integer((json_int_t)g->cpu_ns));
	const struct {
		const char *name;
		uint64_t ns;
	} rows[] = {
		{ "scanning", g->scan_ns },
		{ "signals", g->signal_ns },
		{ "cues", g->cue_ns },
		{ "words", g->word_ns },
		{ "output", g->callback_ns },
		{ "rest_of_scan", g->rest_of_scan_ns },
		{ "preparing", g->prepare_ns },
		{ "rest", g->rest_ns },
	};
	for (size_t i = 0; ok && i < sizeof rows / sizeof rows[0]; i++)
		ok = !json_object_set_new(parts, rows[i].name, json_integer((json_int_t)rows[i].ns));
	ok = ok && !json_object_set_new(o, "parts_ns", parts);
	parts = NULL;
	for (size_t r = 0; ok && r < g->n; r++) {
		ps_signal_info info;
		if (ps_ruleset_signal(&info, rules, g->t[r].index) != PS_OK)
			continue;
		json_t *s = json_pack("{s:o,s:o,s:o,s:I,s:I,s:I,s:I,s:I}", "clause", jcstr(ps_clause_id(info.clause)),
		                      "signal", jcstr(info.id), "file", jcstr(info.file), "line", (json_int_t)info.line,
		                      "column", (json_int_t)info.column, "tried", (json_int_t)g->t[r].tried, "matched",
		                      (json_int_t)g->t[r].matched, "time_ns", (json_int_t)g->t[r].ns);
		ok = s && !json_array_append_new(signals, s);
	}
	ok = ok && !json_object_set_new(o, "signals", signals);
	signals = NULL;
	if (!ok) {
		json_decref(o);
		o = NULL;
	}
	json_decref(parts);
	json_decref(passes);
	json_decref(signals);
	return o;
}

int profile_write_json(const char *path, const ps_ruleset *rules, doc_scanner *const *workers, size_t n_workers,
                       const profile_counts *counts)
{
	int rc = -1;
	json_t *o = NULL;
	outfile f = { 0 };
	totals g;
	if (gather(&g, stderr, rules, workers, n_workers, counts) != 0)
		return -1;
	if (!(o = profile_json(&g, rules, n_workers, counts))) {
		fputs("pactscan: profile: out of memory\n", stderr);
		goto out;
	}
	if (outfile_open(&f, path) != 0)
		goto out;
	if (json_dumpf(o, f.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 || fputc('\n', f.f) == EOF) {
		fprintf(stderr, "pactscan: cannot write %s\n", path);
		outfile_abort(&f);
		goto out;
	}
	rc = outfile_commit(&f);
out:
	json_decref(o);
	free(g.t);
	return rc;
}
