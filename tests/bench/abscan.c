/* Two builds of the library in one process, timed by turns on the same
 * text: the driver of tests/bench/ab.sh, which says how it is built.
 *
 * This machine's speed wanders by a fifth to a half from one minute to the
 * next, so two programs timed by turns, a second or so each, differ by more
 * than most changes do. Here the two builds scan the same piece of text
 * (256 KiB by default) one right after the other, the order alternating
 * from piece to piece, so a drift of the machine's speed falls on both.
 * Each build's globals are renamed with a prefix (A_, B_) by ab.sh, so the
 * two share the process but not a symbol; abshim.c is each build's way in.
 *
 *   abscan RULES FILE [ROUNDS [PIECE_KIB]]
 *
 * Prints the findings of each build over the whole file (they must be the
 * same: exit 1 if not) and B's cycles over A's: over all rounds, and the
 * median and quartiles of the rounds' ratios. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>

void *A_ab_setup(const char *rules);
uint64_t A_ab_scan(void *ctx, const char *text, size_t len, uint64_t *findings);
void A_ab_free(void *ctx);
void *B_ab_setup(const char *rules);
uint64_t B_ab_scan(void *ctx, const char *text, size_t len, uint64_t *findings);
void B_ab_free(void *ctx);

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *t = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (t = malloc((size_t)n)) && fread(t, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(t);
		t = NULL;
	}
	fclose(f);
	return t;
}

int main(int argc, char **argv)
{
	int rc = 1;
	size_t len = 0;
	char *text = NULL;
	void *a = NULL, *b = NULL;
	double *ratio = NULL;
	if (argc < 3) {
		fprintf(stderr, "usage: abscan RULES FILE [ROUNDS [PIECE_KIB]]\n");
		return 2;
	}
	int rounds = argc > 3 ? atoi(argv[3]) : 20, kib = argc > 4 ? atoi(argv[4]) : 256;
	size_t piece = (size_t)(kib > 0 ? kib : 0) * 1024;
	if (rounds < 1 || piece == 0) {
		fprintf(stderr, "abscan: ROUNDS and PIECE_KIB must be positive\n");
		return 2;
	}
	text = slurp(argv[2], &len);
	if (!text) {
		fprintf(stderr, "abscan: %s: cannot read it, or it is empty\n", argv[2]);
		goto out;
	}
	a = A_ab_setup(argv[1]);
	b = B_ab_setup(argv[1]);
	if (!a || !b) {
		fprintf(stderr, "abscan: %s: build %s cannot load the rules (check them with pactscan lint)\n", argv[1],
		        a ? "B" : "A");
		goto out;
	}
	ratio = malloc((size_t)rounds * sizeof(*ratio));
	if (!ratio) {
		fprintf(stderr, "abscan: out of memory\n");
		goto out;
	}
	/* One whole pass each, which warms both, and the check. */
	uint64_t na = 0, nb = 0;
	uint64_t ha = A_ab_scan(a, text, len, &na), hb = B_ab_scan(b, text, len, &nb);
	printf("findings: A %llu, B %llu, %s\n", (unsigned long long)na, (unsigned long long)nb,
	       ha == hb && na == nb ? "the same" : "DIFFERENT");
	if (ha != hb || na != nb)
		goto out;
	uint64_t total_a = 0, total_b = 0;
	for (int r = 0; r < rounds; r++) {
		uint64_t ca = 0, cb = 0;
		for (size_t at = 0, k = 0; at < len; at += piece, k++) {
			size_t n = len - at < piece ? len - at : piece;
			bool a_first = (r + k) % 2 == 0;
			uint64_t t0 = __rdtsc();
			if (a_first)
				A_ab_scan(a, text + at, n, &na);
			else
				B_ab_scan(b, text + at, n, &nb);
			uint64_t t1 = __rdtsc();
			if (a_first)
				B_ab_scan(b, text + at, n, &nb);
			else
				A_ab_scan(a, text + at, n, &na);
			uint64_t t2 = __rdtsc();
			ca += a_first ? t1 - t0 : t2 - t1;
			cb += a_first ? t2 - t1 : t1 - t0;
		}
		ratio[r] = (double)cb / (double)ca;
		total_a += ca;
		total_b += cb;
	}
	qsort(ratio, (size_t)rounds, sizeof(*ratio), by_value);
	printf("B/A cycles: %.4f over all %d rounds; rounds' median %.4f, quartiles %.4f and %.4f; "
	       "A %.1f M cycles a round\n",
	       (double)total_b / (double)total_a, rounds, ratio[rounds / 2], ratio[rounds / 4],
	       ratio[(3 * rounds) / 4], (double)total_a / 1e6 / rounds);
	rc = 0;
out:
	free(ratio);
	A_ab_free(a);
	B_ab_free(b);
	free(text);
	return rc;
}
