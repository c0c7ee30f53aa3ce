#include "summary.h"

#include <stdlib.h>
#include <string.h>

int summary_init(run_summary *sum, const ps_ruleset *rules, const bool *selected)
{
	memset(sum, 0, sizeof(*sum));
	sum->rules = rules;
	sum->selected = selected;
	size_t n = ps_ruleset_clause_count(rules);
	sum->clauses = calloc(n ? n : 1, sizeof(*sum->clauses));
	return sum->clauses ? 0 : -1;
}

bool summary_selected(const run_summary *sum, size_t clause)
{
	return !sum->selected || sum->selected[clause];
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned mp = m > 2 ? m - 3 : m + 9;
	unsigned doy = (153 * mp + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

bool date_parse(const char *s, int64_t *day)
{
	if (!s)
		return false;
	for (int i = 0; i < 10; i++) {
		bool dash = i == 4 || i == 7;
		if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	}
	if (s[10] && s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return false;
	/* The digits are checked: read them as they are (atoi, thrice a
	 * document, went through strtol's locale; 1.8% of a one-thread run on
	 * a JSON Lines stream of short dated articles, by perf). */
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0')), d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		return false;
	*day = days_from_civil(y, m, d);
	return true;
}

/* Monday = 0; 1970-01-01 was a Thursday. */
static int weekday(int64_t day)
{
	int64_t w = (day + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

void timeline_label(char buf[16], int64_t first_day, timeline_unit unit)
{
	int y;
	unsigned m, d;
	if (unit != TIMELINE_WEEK) {
		civil_from_days(first_day, &y, &m, &d);
		/* Month and day are in range; the bounds tell the compiler so. */
		snprintf(buf, 16, "%04d-%02u-%02u", y % 100000, m % 13, d % 32);
		return;
	}
	/* The ISO week belongs to the year of its Thursday. */
	int64_t thursday = first_day - weekday(first_day) + 3;
	civil_from_days(thursday, &y, &m, &d);
	int64_t week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
	snprintf(buf, 16, "%04d-W%02d", y, (int)week);
}

static day_counts *day_slot(run_summary *sum, int64_t day)
{
	size_t lo = 0, hi = sum->n_days;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sum->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < sum->n_days && sum->days[lo].day == day)
		return &sum->days[lo];
	if (sum->n_days == sum->cap_days) {
		size_t cap = sum->cap_days ? sum->cap_days * 2 : 16;
		day_counts *grown = realloc(sum->days, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		sum->days = grown;
		sum->cap_days = cap;
	}
	size_t n = ps_ruleset_clause_count(sum->rules);
	size_t *counts = calloc(n * 2 + 1, sizeof(*counts));
	if (!counts)
		return NULL;
	memmove(&sum->days[lo + 1], &sum->days[lo], (sum->n_days - lo) * sizeof(*sum->days));
	sum->days[lo] = (day_counts){ day, counts };
	sum->n_days++;
	return &sum->days[lo];
}

static void add_doc_line(run_summary *sum, const doc_result *doc, const doc_tally *t)
{
	/* Only text and summary list the documents: for the others the list
	 * was memory that grew with every document of a stream. */
	if (!sum->keep_docs)
		return;
	if (sum->n_docs == sum->cap_docs) {
		size_t cap = sum->cap_docs ? sum->cap_docs * 2 : 64;
		doc_line *grown = realloc(sum->docs, cap * sizeof(*grown));
		if (!grown) {
			sum->nomem = true;
			return;
		}
		sum->docs = grown;
		sum->cap_docs = cap;
	}
	char *name = strdup(doc->name);
	if (!name) {
		sum->nomem = true;
		return;
	}
	sum->docs[sum->n_docs++] = (doc_line){
		.name = name, .v = tally_verdict(t, SIZE_MAX), .skipped = doc->skipped != NULL,
		.incomplete = doc->incomplete, .support = t->support, .conflict = t->conflict,
	};
}

void summary_add(run_summary *sum, const doc_result *doc, const doc_tally *t)
{
	size_t n = ps_ruleset_clause_count(sum->rules);
	sum->documents++;
	if (doc->skipped) {
		sum->skipped++;
		sum->skips[doc->skip < SKIP_KINDS ? doc->skip : SKIP_OTHER]++;
		add_doc_line(sum, doc, t);
		return;
	}
	sum->scanned++;
	if (doc->incomplete)
		sum->incomplete++;
	sum->sentences += doc->stats.sentences;
	sum->in_setting += doc->stats.in_setting;
	sum->repeats += doc->stats.repeats;
	sum->bytes += doc->stats.bytes;
	sum->verdicts[tally_verdict(t, SIZE_MAX)]++;
	int64_t day = 0;
	bool dated = date_parse(doc->meta.date, &day);
	day_counts *slot = NULL;
	if (dated) {
		sum->dated++;
		if (t->findings && !(slot = day_slot(sum, day)))
			sum->nomem = true;
	} else {
		sum->undated++;
	}
	/* Most documents of a stream have no finding: every clause then has
	 * none, and counts nothing more. */
	for (size_t ci = 0; ci < n && !t->findings; ci++)
		sum->clauses[ci].verdicts[VERDICT_NONE]++;
	for (size_t ci = 0; ci < n && t->findings; ci++) {
		const clause_tally *ct = &t->clauses[ci];
		clause_counts *cc = &sum->clauses[ci];
		verdict v = tally_verdict(t, ci);
		cc->verdicts[v]++;
		if (v != VERDICT_NONE)
			cc->docs++;
		cc->docs_hedged += ct->hedged > 0;
		cc->support += ct->support;
		cc->conflict += ct->conflict;
		cc->hedged += ct->hedged;
		cc->attributed += ct->attributed;
		if (slot) {
			slot->counts[ci * 2] += ct->support;
			slot->counts[ci * 2 + 1] += ct->conflict;
		}
	}
	sum->findings += t->findings;
	sum->support += t->support;
	sum->conflict += t->conflict;
	sum->hedged += t->hedged;
	sum->attributed += t->attributed;
	sum->new_findings += t->new_findings;
	add_doc_line(sum, doc, t);
}

timeline_unit summary_timeline_unit(const run_summary *sum, timeline_unit asked)
{
	if (asked != TIMELINE_AUTO)
		return asked;
	if (sum->n_days && sum->days[sum->n_days - 1].day - sum->days[0].day > 31)
		return TIMELINE_WEEK;
	return TIMELINE_DAY;
}

size_t summary_timeline(const run_summary *sum, timeline_unit unit, timeline_bucket **out)
{
	size_t n = ps_ruleset_clause_count(sum->rules), nb = 0;
	timeline_bucket *b = calloc(sum->n_days ? sum->n_days : 1, sizeof(*b));
	*out = NULL;
	if (!b)
		return (size_t)-1;
	for (size_t i = 0; i < sum->n_days; i++) {
		int64_t first = sum->days[i].day;
		if (unit == TIMELINE_WEEK)
			first -= weekday(first);
		if (!nb || b[nb - 1].first_day != first) {
			b[nb].first_day = first;
			b[nb].counts = calloc(n * 2 + 1, sizeof(size_t));
			if (!b[nb].counts) {
				timeline_free(b, nb);
				return (size_t)-1;
			}
			nb++;
		}
		for (size_t k = 0; k < n * 2; k++)
			b[nb - 1].counts[k] += sum->days[i].counts[k];
	}
	*out = b;
	return nb;
}

void timeline_free(timeline_bucket *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(b[i].counts);
	free(b);
}

void summary_free(run_summary *sum)
{
	for (size_t i = 0; i < sum->n_docs; i++)
		free(sum->docs[i].name);
	free(sum->docs);
	for (size_t i = 0; i < sum->n_days; i++)
		free(sum->days[i].counts);
	free(sum->days);
	free(sum->clauses);
	memset(sum, 0, sizeof(*sum));
}
