#include "helpers.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

const char test_pack[] =
	"pactscan: 1\n"
	"lexicons:\n"
	"  idf: ['IDF', 'Israeli (?:troops|forces|army)']\n"
	"  hamas: [Hamas, the militant group]\n"
	"cues:\n"
	"  negation:\n"
	"    before: [not, '\\w+n''t', never, 'no', refused to, failed to]\n"
	"    after: [was denied]\n"
	"    scope: 4\n"
	"    stop: [',', ';', but]\n"
	"    pseudo: [not only]\n"
	"  hedge:\n"
	"    terms: [may, might, could, threatened to]\n"
	"    scope: 6\n"
	"    stop: [';', but]\n"
	"  attribution:\n"
	"    terms: ['according to (?<source>\\w+(?:\\s+\\w+)?)', '(?<source>\\w+)\\s+said']\n"
	"  restatement:\n"
	"    terms: [calls for, is to be, are to be]\n"
	"    scope: 8\n"
	"setting:\n"
	"  any: [Gaza, '@hamas', '@idf', Israel\\w*]\n"
	"  none: [Sudan\\w*, Ukrain\\w*]\n"
	"  context: 2\n"
	"---\n"
	"pactscan: 1\n"
	"clause:\n"
	"  id: withdrawal\n"
	"  point: 16\n"
	"  title: IDF withdrawal\n"
	"  summary: The IDF withdraws.\n"
	"signals:\n"
	"  - id: pulled-back\n"
	"    stance: support\n"
	"    act: 'withdr\\w*|pulled back'\n"
	"    all: ['@idf']\n"
	"    none: ['withdr\\w* from (?:the )?(?:agreement|deal)']\n"
	"    within: 6\n"
	"---\n"
	"pactscan: 1\n"
	"clause:\n"
	"  id: hostages\n"
	"  point: 4\n"
	"  title: Hostages returned\n"
	"  summary: All hostages are returned.\n"
	"signals:\n"
	"  - id: released\n"
	"    stance: support\n"
	"    act: 'released|freed|handed over'\n"
	"    all: ['hostages?|remains|bodies']\n"
	"  - id: withheld\n"
	"    stance: conflict\n"
	"    act: 'withheld|delayed'\n"
	"    all: ['hostages?|remains|bodies']\n"
	"    negation: keep\n";

ps_ruleset *load_yaml(const char *yaml, ps_diags **diags)
{
	ps_ruleset *rules = NULL;
	ck_assert_int_eq(ps_diags_new(diags), PS_OK);
	ps_ruleset_load_string(&rules, "test.yaml", yaml, strlen(yaml), *diags);
	return rules;
}

ps_ruleset *load_pack(const char *path)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = NULL;
	ck_assert_int_eq(ps_diags_new(&diags), PS_OK);
	ck_assert_int_eq(ps_ruleset_load(&rules, path, diags), PS_OK);
	ps_diags_free(diags);
	return rules;
}

const char *first_error(const char *yaml)
{
	static char buf[1024];
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	snprintf(buf, sizeof buf, "(no error)");
	for (size_t i = 0; i < ps_diags_count(diags); i++) {
		const ps_diag *d = ps_diags_get(diags, i);
		if (d->severity == PS_SEVERITY_ERROR) {
			snprintf(buf, sizeof buf, "%zu:%zu: %s", d->line, d->column, d->message);
			break;
		}
	}
	if (rules)
		ck_assert_msg(ps_diags_errors(diags) == 0, "rules loaded despite errors");
	ps_ruleset_free(rules);
	ps_diags_free(diags);
	return buf;
}

static int record(const ps_finding *f, void *userdata)
{
	seen *s = userdata;
	if (s->count >= 32)
		return 0;
	seen_finding *x = &s->items[s->count++];
	memset(x, 0, sizeof(*x));
	snprintf(x->clause, sizeof x->clause, "%s", ps_clause_id(f->clause));
	snprintf(x->signal, sizeof x->signal, "%s", f->signal);
	x->stance = f->stance;
	x->certainty = f->certainty;
	x->line = f->line;
	x->column = f->column;
	x->start = f->sentence_span.start;
	x->end = f->sentence_span.end;
	static const char *const kinds[] = { "negation", "hedge", "attribution" };
	for (size_t i = 0; i < f->cue_count; i++) {
		size_t used = strlen(x->cues);
		snprintf(x->cues + used, sizeof x->cues - used, "%s%s:%.*s", used ? ";" : "", kinds[f->cues[i].kind],
		         (int)f->cues[i].text_len, f->cues[i].text);
	}
	if (f->source)
		snprintf(x->source, sizeof x->source, "%.*s", (int)f->source_len, f->source);
	return 0;
}

static void count_problem(const ps_diag *d, void *userdata)
{
	(void)d;
	((seen *)userdata)->problems++;
}

int hash_key(const ps_finding *f, void *userdata)
{
	key_hash *kh = userdata;
	char key[256];
	int n = snprintf(key, sizeof key, "%llu:%llu@%llu %s %d %d|", (unsigned long long)f->line,
	                 (unsigned long long)f->column, (unsigned long long)f->sentence_span.start,
	                 ps_clause_id(f->clause), (int)f->stance, (int)f->certainty);
	for (int i = 0; i < n && i < (int)sizeof key; i++)
		kh->h = (kh->h ^ (unsigned char)key[i]) * 1099511628211u;
	kh->n++;
	return 0;
}

void assert_same_as_plain(ps_scanner *fast, ps_scanner *plain, const char *text, size_t len, size_t min)
{
	key_hash hf = KEY_HASH_INIT, hp = KEY_HASH_INIT;
	ps_scan_callbacks cf = { hash_key, NULL, &hf }, cp = { hash_key, NULL, &hp };
	ck_assert_int_eq(ps_scanner_scan(fast, text, len, &cf), PS_OK);
	ck_assert_int_eq(ps_scanner_scan(plain, text, len, &cp), PS_OK);
	ck_assert_uint_gt(hf.n, min);
	ck_assert_uint_eq(hf.n, hp.n);
	ck_assert(hf.h == hp.h);
	const ps_scan_stats *sf = ps_scanner_stats(fast), *sp = ps_scanner_stats(plain);
	ck_assert_uint_eq(sf->sentences, sp->sentences);
	ck_assert_uint_eq(sf->in_setting, sp->in_setting);
	ck_assert_uint_lt(sf->in_setting, sf->sentences);
}

ps_scan_limits test_limits(void)
{
	/* Under valgrind (tests run with PACTSCAN_TEST_NO_JIT set), PCRE2's JIT
	 * code would drown the report in false alarms. */
	const char *no_jit = getenv("PACTSCAN_TEST_NO_JIT");
	ps_scan_limits limits = { .flags = no_jit && *no_jit ? PS_SCAN_NO_JIT : 0 };
	return limits;
}

void scan_with(seen *out, const ps_ruleset *rules, const char *text, size_t len)
{
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	memset(out, 0, sizeof(*out));
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	ps_scan_callbacks cb = { record, count_problem, out };
	out->status = ps_scanner_scan(scanner, text, len, &cb);
	out->stats = *ps_scanner_stats(scanner);
	ps_scanner_free(scanner);
}

void scan_fd_with(seen *out, const ps_ruleset *rules, int fd)
{
	ps_scanner *scanner = NULL;
	ps_scan_limits limits = test_limits();
	memset(out, 0, sizeof(*out));
	ck_assert_int_eq(ps_scanner_new(&scanner, rules, &limits), PS_OK);
	ps_scan_callbacks cb = { record, count_problem, out };
	out->status = ps_scanner_scan_fd(scanner, fd, &cb);
	out->stats = *ps_scanner_stats(scanner);
	ps_scanner_free(scanner);
}

static const seen_finding *find_clause(const seen *s, const char *clause)
{
	for (size_t i = 0; i < s->count; i++)
		if (!strcmp(s->items[i].clause, clause))
			return &s->items[i];
	return NULL;
}

static int outcome(const char *yaml, const char *text, const char *clause, bool want_certainty)
{
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(yaml, &diags);
	ck_assert_msg(rules != NULL, "test rules do not load: %s",
	              ps_diags_count(diags) ? ps_diags_get(diags, 0)->message : "?");
	seen s;
	scan_with(&s, rules, text, strlen(text));
	const seen_finding *f = find_clause(&s, clause);
	int r = f ? (want_certainty ? (int)f->certainty : (int)f->stance) : -1;
	ps_ruleset_free(rules);
	ps_diags_free(diags);
	return r;
}

int stance_of(const char *yaml, const char *text, const char *clause)
{
	return outcome(yaml, text, clause, false);
}

int certainty_of(const char *yaml, const char *text, const char *clause)
{
	return outcome(yaml, text, clause, true);
}

size_t each_sentence_in(const char *dir, void (*fn)(const char *s, size_t n, void *userdata), void *userdata)
{
	static char text[1 << 20];
	size_t sentences = 0;
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		ck_assert_ptr_nonnull(f);
		size_t len = fread(text, 1, sizeof text, f);
		fclose(f);
		size_t pos = 0;
		ps_segment seg;
		while (pos < len && ps_segment_next(&seg, text + pos, len - pos, true, 0)) {
			fn(text + pos + seg.start, seg.end - seg.start, userdata);
			sentences++;
			pos += seg.next;
		}
	}
	closedir(d);
	return sentences;
}

int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
