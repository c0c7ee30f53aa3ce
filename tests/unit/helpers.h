/* Domain helpers that keep each unit test one line of intent. */
#ifndef PS_TEST_HELPERS_H
#define PS_TEST_HELPERS_H

#include <check.h>
#include <string.h>

#include "pactscan/pactscan.h"

/* A small pack: cues, a setting, and clauses "withdrawal" and "hostages". */
extern const char test_pack[];

typedef struct seen_finding {
	char clause[64];
	char signal[64];
	ps_stance stance;
	ps_certainty certainty;
	uint64_t line, column, start, end;
	char cues[128];   /* "negation:did not;hedge:may" */
	char source[64];
} seen_finding;

typedef struct seen {
	seen_finding items[32];
	size_t count;
	ps_status status;
	ps_scan_stats stats;
	size_t problems;
} seen;

/* Load YAML rules; on failure returns NULL and leaves the diagnostics in
 * *diags (which the caller frees). */
ps_ruleset *load_yaml(const char *yaml, ps_diags **diags);

/* For an inline pack: a clause c1 (point 1) and the start of its signal s1
 * (support); the test writes the signal's act and the rest after it. */
#define TEST_CLAUSE_S1 \
	"clause:\n  id: c1\n  point: 1\n  title: T\n  summary: S\n" \
	"signals:\n  - id: s1\n    stance: support\n"

/* Load the pack at path (the shipped one: PS_SOURCE_ROOT "/rules"); the
 * test fails if it does not load. */
ps_ruleset *load_pack(const char *path);
/* The first error's "line:col: message", for assertions. */
const char *first_error(const char *yaml);

/* Every finding's key (its line, column, sentence start, clause, stance
 * and certainty) folded into a hash with hash_key as the on_finding
 * callback, for texts with too many findings to list. Start from
 * KEY_HASH_INIT. */
typedef struct key_hash {
	uint64_t h;
	size_t n;
} key_hash;
#define KEY_HASH_INIT { 14695981039346656037u, 0 }
int hash_key(const ps_finding *f, void *userdata);

/* Scan text with fast (the prefilter's path) and plain (made with
 * PS_SCAN_NO_PREFILTER): the same findings, more than min of them, the
 * same sentences and sentences in the setting, and fewer of those than
 * sentences. */
void assert_same_as_plain(ps_scanner *fast, ps_scanner *plain, const char *text, size_t len, size_t min);

/* Scanner limits for tests: no JIT when PACTSCAN_TEST_NO_JIT is set. */
ps_scan_limits test_limits(void);

/* Scan text with rules, recording every finding. */
void scan_with(seen *out, const ps_ruleset *rules, const char *text, size_t len);
/* The same, of what is read from fd (ps_scanner_scan_fd). */
void scan_fd_with(seen *out, const ps_ruleset *rules, int fd);

/* -1 when text yields nothing for clause, else the ps_stance. */
int stance_of(const char *yaml, const char *text, const char *clause);
/* The certainty of the clause's finding, or -1. */
int certainty_of(const char *yaml, const char *text, const char *clause);

#define assert_stance(yaml, text, clause, expected) \
	ck_assert_int_eq(stance_of((yaml), (text), (clause)), (expected))
#define assert_nothing(yaml, text, clause) ck_assert_int_eq(stance_of((yaml), (text), (clause)), -1)
#define assert_error_contains(yaml, needle) \
	ck_assert_msg(strstr(first_error(yaml), (needle)) != NULL, "error was: %s", first_error(yaml))

/* Call fn on every sentence of every file in directory dir (hidden files
 * skipped), as the segmenter cuts them; returns how many there were. */
size_t each_sentence_in(const char *dir, void (*fn)(const char *s, size_t n, void *userdata), void *userdata);

/* ck_assert_msg for a case that runs many times: check's fork mode writes
 * to the parent process at every ck_assert (it marks the point), and a
 * suite of a million such cases took minutes under valgrind. */
#define check_msg(cond, ...)                  \
	do {                                  \
		if (!(cond))                  \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* Run a suite and return the process exit status. */
int run_suite(Suite *s);

#endif
