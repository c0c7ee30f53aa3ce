/* Leading words: where a search for a pattern may start. Every match must
 * start with one of them (soundness); where the syntax is not modelled,
 * there are none. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cue_int.h"
#include "helpers.h"
#include "pattern_int.h"
#include "prefilter_int.h"
#include "prefix_int.h"
#include "ruleset_int.h"

/* The leading words of a pattern, "a,b,c" in the order found; "-" for
 * none. With marks, a word that only starts after a \b is "^word". */
static const char *words_marked(const char *pattern, bool marks)
{
	static char out[4096];
	arena a;
	prefix_set ws;
	arena_init(&a, 4096);
	ck_assert_int_eq(prefix_words(&ws, &a, pattern, strlen(pattern)), PS_OK);
	strcpy(out, ws.count ? "" : "-");
	for (size_t k = 0; k < ws.count; k++) {
		if (k)
			strcat(out, ",");
		if (marks && ws.word_start[k])
			strcat(out, "^");
		strncat(out, ws.str[k], ws.len[k]);
	}
	arena_release(&a);
	return out;
}

static const char *words_of(const char *pattern)
{
	return words_marked(pattern, false);
}

#define assert_words(pattern, expected) ck_assert_str_eq(words_of(pattern), (expected))
#define assert_starts(pattern, expected) ck_assert_str_eq(words_marked(pattern, true), (expected))

START_TEST(leading_words_of_plain_patterns)
{
	assert_words("Hamas", "hamas");
	/* Words go on past a group, cut to the automaton's eight bytes; a word
	 * that starts with another is dropped ("gaza" leads wherever "gaza
	 * strip" and "gazans" do). */
	assert_words("(?:\\bGaza(?: Strip| City)?\\b)|(?:\\bGazans?\\b)", "gaza");
	assert_words("\\b(?:Israeli|living) hostages?\\b", "israeli ,living h");
	assert_words("\\b(?:is|are|was|were) expected to\\b", "is expec,are expe,was expe,were exp");
	assert_words("(?<source>Hamas|Fatah) said", "hamas sa,fatah sa");
	/* An optional group: the words go on with it and without it, so
	 * "(?:re)?impos" leads with reimpos and impos, never with re. */
	assert_words("\\b(?:re)?impos(?:e|ed)\\b", "impose,reimpose");
	assert_words("\\b(?:Palestinian )?Islamic Jihad\\b", "islamic ,palestin");
	assert_words("re(?:turn|lease)?d", "red,returnd,released");
	assert_words("ab(?:c|)d", "abcd,abd");
	/* One that may repeat ends the words with it, and leaves them without. */
	assert_words("(?:the |its ){0,1}deal", "the ,its ,deal");
	assert_words("(?:ab|cd)+x", "ab,cd");
	/* An optional letter keeps the words with and without it; a quantifier
	 * that may repeat one ends them before it, or after it once. */
	assert_words("Juda?ea", "judea,judaea");
	assert_words("\\bre-?arrest", "rearrest,re-arres");
	assert_words("E-?1", "e1,e-1");
	assert_words("wa+r", "wa");
	assert_words("wa*r", "-");
	assert_words("war{2}", "wa");
	/* Escaped punctuation is a plain byte; look-arounds and \\b take no room. */
	assert_words("(?<!\\w)U\\.N\\. aid", "u.n. aid");
	assert_words("(?=Ga)Gaza", "gaza");
	assert_words("(?-i:ISF)\\b", "isf");
	assert_words("ab(?:c)+d", "abc");
	assert_words("ab(?=c)d", "abd");
	/* A group that must occur extends the word before it. */
	assert_words("\\bre(?:turn|lease)s?\\b", "return,release");
	assert_words("[Gg]a(?:za|ve)", "gaza,gave");
	assert_words("st(?:op(?:s|ped)|all)", "stops,stopped,stall");
	/* Latin-1 letters in both cases; not those with a third form elsewhere. */
	assert_words("M\xC3\xA9" "decins", "m\xC3\xA9" "decin,m\xC3\x89" "decin");
	assert_words("(?:Tu|T\xC3\xBC)rk", "turk,t\xC3\xBC" "rk,t\xC3\x9C" "rk");
	assert_words("Stra\xC3\x9F" "e", "stra");
	assert_words("\xC3\x85land", "-");
	assert_words("r\xC3\xA9?sum", "rsum,r\xC3\xA9sum,r\xC3\x89sum");
	/* Curly quotes and dashes have no case: their bytes are plain. */
	assert_words("\\bMa(?:'|\xE2\x80\x99)?ale Adumim", "maale ad,ma'ale a,ma\xE2\x80\x99" "ale");
	assert_words("caf\xC3\xA9+s", "caf\xC3\xA9,caf\xC3\x89");
	/* Plain classes multiply the words. */
	assert_words("[Gg]aza", "gaza");
	assert_words("f[ae]ll(?:s|en)?", "fall,fell");
	assert_words("sen[dt]s?", "send,sent");
	assert_words("x[ab]?y", "xy,xay,xby");
	assert_words("El[- ]Fasher", "el-fashe,el fashe"); /* a hyphen first or last is a member */
	assert_words("x[a-c]y", "-");
	/* Past 64 words at once, they end where they are: the 64 of seven
	 * bytes, not 128 of eight. */
	const char *many = words_of("x[ab][cd][ef][gh][ij][kl][mn]");
	ck_assert_uint_eq(strlen(many), 64 * 8 - 1);
	ck_assert_str_eq(strrchr(many, ',') + 1, "xbdfhjl");
	/* \s is a space, which the prefilter's walk reads for any whitespace:
	 * one-letter words lead with it. */
	assert_words("\\b(?:a\\s+)?red\\s+line\\b", "a ,red ");
	assert_words("\\ba\\s+(?:force|unit)", "a "); /* \\s+ may take more than one */
	assert_words("\\b(?:the|a)\\s+force", "the ,a ");
	assert_words("a\\s?b", "ab,a b");
	assert_words("a\\s{1,2}b", "-");
	assert_words("ab\\s*c", "ab");
}
END_TEST

/* A word that every match it leads starts at a \b before a word
 * character: the prefilter then notes it only at word starts ("aid" is
 * in every "said"). */
START_TEST(words_after_a_word_boundary)
{
	assert_starts("\\baid\\b", "^aid");
	assert_starts("aid\\b", "aid");
	assert_starts("\\Baid", "aid");                      /* \B is no word start */
	assert_starts("\\b(?:un|U\\.N\\.)\\b", "^un,^u.n.");
	assert_starts("(?:\\bun|mun)ition", "^unition,munition");
	/* Through optional and alternative groups, from the \b on. */
	assert_starts("\\b(?:a\\s+)?red\\s+line\\b", "^a ,^red ");
	assert_starts("(?:the )?\\bred", "^red,the red");
	assert_starts("(?:\\bthe )?red", "red,^the red");
	/* A \b before a non-word character asks for a word character before it. */
	assert_starts("\\b-day", "-day");
	/* The same word led to with and without one: anywhere. */
	assert_starts("\\bgaza|xgaza", "^gaza,xgaza");
	assert_starts("(?:\\bgaza|gaza)", "gaza");
	/* A longer word dropped for a shorter one it starts with leaves its
	 * own: "gaza" must be noted where "gaza strip" could start. */
	assert_starts("\\bgaza\\b|gaza strip", "gaza");
	assert_starts("\\bgaza\\b|\\bgaza strip", "^gaza");
	/* "[[:)]" is a class of '[', ':' and ')', not the start of a POSIX
	 * class: read as one, it hid the first alternative (no \\b). */
	assert_starts("(?![[:)])foo|(?:x])\\bfoo", "foo,x]foo");
	/* Comments and quoting are not read: no words at all. */
	assert_starts("(?!(?#()|x)\\bfoo", "-");
}
END_TEST

START_TEST(no_leading_words_where_unsure)
{
	assert_words("\\w*n't", "-");          /* a class first */
	assert_words("(?:a|)b", "-");          /* an empty alternative */
	assert_words("E-?", "-");              /* one letter is too short */
	assert_words("(?:x)?", "-");           /* may match nothing at all */
	assert_words("\xC4\xB0stanbul", "-");  /* other non-ASCII: caseless matching is not bytewise */
	assert_words("foo\\Kbar", "-");        /* \\K moves the match start */
	assert_words("(*SKIP)foo", "-");       /* verbs change where a search goes on */
	assert_words("(?x) f o o", "-");       /* extended mode: spaces mean nothing */
	assert_words("(?x: f o o)", "-");
	assert_words("(?(1)a|b)", "-");        /* conditionals */
	assert_words("(?#c(omment)abc", "-");  /* a comment ends at its first ')' */
	assert_words("\\Qab\\E", "-");
	assert_words("(?1)abc", "-");          /* a subroutine call */
	assert_words("abc)", "-");             /* not a pattern PCRE2 would compile */
	assert_words("[^G]aza", "-");
	assert_words("[a-z]aza", "-");
}
END_TEST

/* Does text start with word as the prefilter's walk reads it: ASCII case
 * folded, any whitespace byte for a space? */
static bool starts_with_word(const char *text, const char *word, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		unsigned char t = (unsigned char)text[k], w = (unsigned char)word[k];
		bool space = t == ' ' || t == '\t' || t == '\n' || t == '\v' || t == '\f' || t == '\r';
		if (w == ' ' ? !space : (t >= 'A' && t <= 'Z' ? t - 'A' + 'a' : t) != w)
			return false;
	}
	return true;
}

typedef struct soundness {
	ps_ruleset *rules;
	prefilter_state pfs;
	pcre2_match_data *md;
	prefix_set *leads;    /* per pattern */
	matcher m;            /* searches as the scanner makes them */
	size_t checks, probed, lasts;
} soundness;

static void check_sentence(const char *s, size_t n, void *userdata)
{
	soundness *c = userdata;
	const prefilter *pf = &c->rules->pf;
	prefilter_run(pf, &c->pfs, s, n);
	for (size_t i = 0; i < c->rules->n_patterns; i++) {
		const ps_pattern *p = c->rules->patterns[i].pattern;
		const prefix_set *lead = &c->leads[i];
		size_t from = 0, ms, me;
		while (from <= n && pattern_match(p, c->md, NULL, 0, s, n, from, &ms, &me) == 1) {
			bool led = lead->count == 0, word_start = ms == 0 || !(isalnum((unsigned char)s[ms - 1]) || s[ms - 1] == '_');
			for (size_t k = 0; k < lead->count && !led; k++)
				led = ms + lead->len[k] <= n && starts_with_word(s + ms, lead->str[k], lead->len[k]) &&
				      (word_start || !lead->word_start[k]);
			ck_assert_msg(led, "pattern %s:%zu:%zu matches at %zu of \"%.*s\" without a leading word", p->file,
			              p->line, p->col, ms, (int)n, s);
			size_t first = 0, last = SIZE_MAX;
			prefilter_starts(pf, &c->pfs, pf->shape[p->index], s, from, &first, &last);
			ck_assert_msg(first <= ms && ms <= last,
			              "pattern %s:%zu:%zu matches at %zu of \"%.*s\" but the search covers %zu..%zu", p->file,
			              p->line, p->col, ms, (int)n, s, first, last);
			/* The places tried one by one: sorted, distinct, from on, and
			 * the match's start among them. */
			uint32_t slot[8];
			size_t at[8], np = prefilter_lead_positions(pf, &c->pfs, pf->shape[p->index], s, from, at, slot, 8);
			bool listed = np == SIZE_MAX;
			for (size_t k = 0; np != SIZE_MAX && k < np; k++) {
				ck_assert_uint_ge(at[k], from);
				ck_assert(k == 0 || at[k - 1] < at[k]);
				listed = listed || at[k] == ms;
				/* A place is where one of the shape's leading words was
				 * seen, and not inside a word for one that only leads
				 * after a \b (in every pattern it leads). */
				bool inside = at[k] > 0 && (isalnum((unsigned char)s[at[k] - 1]) || s[at[k] - 1] == '_'), may = false;
				uint32_t sh = pf->shape[p->index];
				for (uint32_t o = 0; o < c->pfs.n_occ && !may; o++) {
					uint32_t lit = c->pfs.occ_lit[o];
					bool leads = false;
					for (uint32_t w = pf->shape_lead_start[sh]; w < pf->shape_lead_start[sh + 1]; w++)
						leads = leads || pf->shape_lead_lits[w] == lit;
					may = c->pfs.occ_start[o] == at[k] && leads && !(inside && (pf->lit_flags[lit] & LIT_WORD_START));
				}
				ck_assert_msg(may, "pattern %s:%zu:%zu: place %zu of \"%.*s\" is no leading word's", p->file, p->line,
				              p->col, at[k], (int)n, s);
				/* Its slot is the shape's, and its literal occurs there. */
				uint32_t w0 = pf->shape_lead_wstart[sh], w1 = pf->shape_lead_wstart[sh + 1];
				ck_assert_uint_ge(slot[k], pf->shape_lead_slot[w0]);
				ck_assert(w1 == pf->shape_lead_wstart[pf->n_shapes] || slot[k] < pf->shape_lead_slot[w1]);
				bool there = false;
				for (uint32_t o = 0; o < c->pfs.n_occ; o++)
					there = there || (c->pfs.occ_lit[o] == pf->lead_slot_lit[slot[k]] && c->pfs.occ_start[o] == at[k]);
				ck_assert_msg(there, "pattern %s:%zu:%zu: place %zu of \"%.*s\" has the slot of a word not there",
				              p->file, p->line, p->col, at[k], (int)n, s);
			}
			ck_assert_msg(listed, "pattern %s:%zu:%zu matches at %zu of \"%.*s\", not among the %zu places tried",
			              p->file, p->line, p->col, ms, (int)n, s, np);
			c->probed += np != SIZE_MAX;
			/* And the scanner's search finds the very same match. */
			size_t fs = 0, fe = 0;
			ck_assert_int_eq(matcher_find(&c->m, p, pf->shape[p->index], s, n, from, &fs, &fe), 1);
			ck_assert_msg(fs == ms && fe == me, "pattern %s:%zu:%zu: the scanner's search found %zu..%zu, not %zu..%zu",
			              p->file, p->line, p->col, fs, fe, ms, me);
			/* Told it was the last, a plain search past it finds none. */
			size_t ns, ne, next = me > ms ? me : me + 1;
			ck_assert_msg(!c->m.last || next > n || pattern_match(p, c->md, NULL, 0, s, n, next, &ns, &ne) == 0,
			              "pattern %s:%zu:%zu: the search at %zu said it was the last in \"%.*s\", but one starts at %zu",
			              p->file, p->line, p->col, ms, (int)n, s, ns);
			c->lasts += c->m.last;
			c->checks++;
			from = me > ms ? me : me + 1;
		}
		/* Nor does it find a match where a plain search finds none. */
		size_t fs, fe;
		if (from <= n && matcher_find(&c->m, p, pf->shape[p->index], s, n, from, &fs, &fe) != 0)
			ck_abort_msg("pattern %s:%zu:%zu: the scanner's search found %zu..%zu in \"%.*s\" from %zu, a plain one "
			             "nothing",
			             p->file, p->line, p->col, fs, fe, (int)n, s, from);
	}
}

static void check_wrapped(const char *s, size_t n, void *userdata)
{
	static char wrapped[65536];
	if (n > sizeof wrapped)
		return;
	for (size_t i = 0; i < n; i++)
		wrapped[i] = s[i] == ' ' ? (i % 3 ? '\n' : '\t') : s[i];
	check_sentence(wrapped, n, userdata);
}


/* The shipped pack takes every fast path the prefilter has: a gate, its
 * `any` half's sink walk and its scan of a whole buffer, and a full pass
 * over a 16-bit table. Each falls back to a slower way with the same
 * findings when a pack is too large for it, so only this says when a rule
 * edit (or a change here) turns one off: the gate once was, unseen. */
START_TEST(the_shipped_pack_keeps_every_fast_path)
{
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	const prefilter *pf = &rules->pf;
	ck_assert(prefilter_gated(pf));
	ck_assert_ptr_nonnull(pf->gate_sink_delta);
	ck_assert_ptr_nonnull(pf->gate_scan_delta);
	ck_assert(pf->ac.delta16 || pf->ac.next16);
	ck_assert(pf->gate.delta16 || pf->gate.next16);
	ps_ruleset_free(rules);
}
END_TEST

/* A setting of hundreds of words makes both gate automata too large for
 * 16-bit offsets: the pass over the gate's words may be a table of state
 * numbers alone, but the `any` half's sink and scan tables are made from
 * its 32-bit one, which must be there (it was not: a crash at load), and
 * the gate must stay on (it was not: every sentence ran the full pass).
 * The scan then gates as the plain path does. */
/* test_pack with n made-up words of 6 to 8 letters (into words) added to
 * its setting's `any` patterns, into pack (cap bytes). */
static void setting_of_words(char *pack, size_t cap, char (*words)[9], size_t n_words)
{
	static const char any[] = "  any: [Gaza, '@hamas', '@idf', Israel\\w*]\n";
	const char *at = strstr(test_pack, any);
	ck_assert_ptr_nonnull(at);
	size_t n = (size_t)snprintf(pack, cap, "%.*s  any: [Gaza, '@hamas', '@idf', Israel\\w*", (int)(at - test_pack),
	                            test_pack);
	uint64_t x = 0x9E3779B97F4A7C15u;
	for (size_t w = 0; w < n_words; w++) {
		size_t len = 6 + w % 3;
		for (size_t k = 0; k < len; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			words[w][k] = (char)('a' + x % 26);
		}
		words[w][len] = '\0';
		n += (size_t)snprintf(pack + n, cap - n, ", %s", words[w]);
	}
	n += (size_t)snprintf(pack + n, cap - n, "]\n%s", at + strlen(any));
	ck_assert_uint_lt(n, cap - 1);
}

START_TEST(a_setting_of_hundreds_of_words_keeps_the_tables_it_walks)
{
	enum { WORDS = 300 };
	static char words[WORDS][9], pack[16384], text[65536];
	setting_of_words(pack, sizeof pack, words, WORDS);
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(pack, &diags);
	const prefilter *pf = &rules->pf;
	const acm *g = &pf->gate, *ga = &pf->gate_any;
	ck_assert_uint_ge((size_t)ga->nstates * ga->nclass, ACM16_HAS_OUTPUT);
	ck_assert_uint_le((size_t)ga->nstates * ga->nclass + ga->nclass, UINT16_MAX);
	ck_assert_ptr_nonnull(ga->delta);
	ck_assert_ptr_nonnull(pf->gate_sink_delta);
	ck_assert_ptr_nonnull(g->next16);
	ck_assert(prefilter_gated(pf));

	/* Sentences with the setting's words, at a sentence's start and end,
	 * and sentences without, each a few times. */
	size_t len = 0;
	for (size_t i = 0; len < sizeof text - 200; i++) {
		const char *w = words[(i * 7) % WORDS];
		switch (i % 5) {
		case 0: len += (size_t)snprintf(text + len, sizeof text - len, "Israeli troops withdrew near %s. ", w); break;
		case 1: len += (size_t)snprintf(text + len, sizeof text - len, "%s reported that hostages were released. ", w); break;
		case 2: len += (size_t)snprintf(text + len, sizeof text - len, "Rain fell over the hills. Wind blew. "); break;
		case 3: len += (size_t)snprintf(text + len, sizeof text - len, "Markets were calm. Trains ran late. Fans sang. "); break;
		default: len += (size_t)snprintf(text + len, sizeof text - len, "Two hostages were released on %sday.\n", w); break;
		}
	}
	ps_scanner *fast = NULL, *plain = NULL;
	ps_scan_limits lf = test_limits(), lp = test_limits();
	lf.flags |= PS_SCAN_PROFILE;
	lp.flags |= PS_SCAN_NO_PREFILTER;
	ck_assert_int_eq(ps_scanner_new(&fast, rules, &lf), PS_OK);
	ck_assert_int_eq(ps_scanner_new(&plain, rules, &lp), PS_OK);
	assert_same_as_plain(fast, plain, text, len, 100);
	ps_scan_profile prof;
	ck_assert_int_eq(ps_scanner_profile(&prof, fast), PS_OK);
	ck_assert_uint_lt(prof.full_passes, ps_scanner_stats(fast)->sentences);
	ps_scanner_free(fast);
	ps_scanner_free(plain);
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* The warning of diags that holds text, or NULL. */
static const ps_diag *warning_with(const ps_diags *diags, const char *text)
{
	for (size_t i = 0; i < ps_diags_count(diags); i++) {
		const ps_diag *d = ps_diags_get(diags, i);
		if (d->severity == PS_SEVERITY_WARNING && strstr(d->message, text))
			return d;
	}
	return NULL;
}

/* A setting too large for the gate's 16-bit tables keeps its findings
 * (above) but not its speed, and only a warning says so, at the setting:
 * past the sink walk's table, not past the whole-buffer scan's alone,
 * whose loss measured no clear cost. */
START_TEST(a_setting_past_the_gate_tables_is_warned)
{
	static char words[1200][9], pack[16384 * 3];
	static const struct {
		size_t words;
		bool sink, scan;
	} cases[] = { { 60, true, true }, { 300, true, false }, { 1200, false, false } };
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		setting_of_words(pack, sizeof pack, words, cases[c].words);
		ps_diags *diags = NULL;
		ps_ruleset *rules = load_yaml(pack, &diags);
		ck_assert_ptr_nonnull(rules);
		ck_assert(prefilter_gated(&rules->pf));
		ck_assert_int_eq(rules->pf.gate_sink_delta != NULL, cases[c].sink);
		ck_assert_int_eq(rules->pf.gate_scan_delta != NULL, cases[c].scan);
		const ps_diag *d = warning_with(diags, "the setting is slower than it could be");
		if (cases[c].sink) {
			ck_assert_ptr_null(d);
		} else {
			ck_assert_ptr_nonnull(d);
			ck_assert_ptr_nonnull(strstr(d->message, "1.2 times"));
			ck_assert_ptr_nonnull(strstr(d->message, "fewer or shorter words"));
			ck_assert_str_eq(d->file, "test.yaml");
			ck_assert_uint_eq(d->line, 21); /* the setting: key, as its other warning */
		}
		ps_ruleset_free(rules);
		ps_diags_free(diags);
	}
}
END_TEST

/* A pack whose required words make the full pass's automaton too large
 * for a 16-bit table is warned at its first document. Thousands of
 * made-up words in a lexicon that one signal requires do it. */
START_TEST(a_pack_past_the_full_pass_table_is_warned)
{
	/* Six lexicons, as one would pass the limit on a pattern's expanded
	 * size. */
	enum { LEXICONS = 6, WORDS = 1000 };
	static char pack[LEXICONS * WORDS * 12 + 4096];
	static const char lexicons[] = "lexicons:\n";
	const char *at = strstr(test_pack, lexicons);
	ck_assert_ptr_nonnull(at);
	at += strlen(lexicons);
	size_t n = (size_t)snprintf(pack, sizeof pack, "%.*s", (int)(at - test_pack), test_pack);
	uint64_t x = 0x2545F4914F6CDD1Du;
	for (size_t l = 0; l < LEXICONS; l++) {
		n += (size_t)snprintf(pack + n, sizeof pack - n, "  made%zu: [", l);
		for (size_t w = 0; w < WORDS; w++) {
			char word[10];
			for (size_t k = 0; k < sizeof word; k++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				word[k] = (char)('a' + x % 26);
			}
			n += (size_t)snprintf(pack + n, sizeof pack - n, "%s%.10s", w ? ", " : "", word);
		}
		n += (size_t)snprintf(pack + n, sizeof pack - n, "]\n");
	}
	n += (size_t)snprintf(pack + n, sizeof pack - n, "%s", at);
	ck_assert_uint_lt(n, sizeof pack - 1);
	/* The lexicons required where the first signal is, beside its own. */
	static char with[sizeof pack + 256];
	static const char own[] = "    all: ['@idf']\n";
	const char *all = strstr(pack, own);
	ck_assert_ptr_nonnull(all);
	snprintf(with, sizeof with, "%.*s    all: ['@idf', '@made0', '@made1', '@made2', '@made3', '@made4', '@made5']\n%s",
	         (int)(all - pack), pack, all + strlen(own));
	ps_diags *diags = NULL;
	ps_ruleset *rules = load_yaml(with, &diags);
	ck_assert_ptr_nonnull(rules);
	const acm *m = &rules->pf.ac;
	ck_assert_uint_ge(m->nstates, ACM16_HAS_OUTPUT);
	ck_assert(!m->delta16 && !m->next16);
	const ps_diag *d = warning_with(diags, "the pack is slower than it could be");
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(strstr(d->message, "1.2 times"));
	ck_assert_str_eq(d->file, "test.yaml");
	ck_assert_uint_eq(d->line, 1);
	ps_ruleset_free(rules);
	ps_diags_free(diags);

	/* The test pack itself: no such warning. */
	rules = load_yaml(test_pack, &diags);
	ck_assert_ptr_nonnull(rules);
	ck_assert_ptr_null(warning_with(diags, "slower than it could be"));
	ps_ruleset_free(rules);
	ps_diags_free(diags);
}
END_TEST

/* Every match of every pattern of the shipped pack in every corpus sentence
 * starts with one of its leading words, and the prefilter, having seen the
 * sentence, never keeps a search from a match: the scanner's search, over
 * the span or place by place, finds what a plain search finds. */
START_TEST(the_shipped_pack_is_sound_on_the_corpus)
{
	if (getenv("PACTSCAN_TEST_NO_JIT"))
		return; /* every pattern on every sentence takes minutes without the JIT */
	ps_diags *diags = NULL;
	soundness c = { .checks = 0 };
	ck_assert_int_eq(ps_diags_new(&diags), PS_OK);
	ck_assert_int_eq(ps_ruleset_load(&c.rules, PS_SOURCE_ROOT "/rules", diags), PS_OK);
	ck_assert_int_eq(prefilter_state_init(&c.pfs, &c.rules->pf), PS_OK);
	c.md = pcre2_match_data_create(32, NULL);
	c.m = (matcher){ .md = pcre2_match_data_create(32, NULL), .mc = pcre2_match_context_create(NULL),
	                 .pf = &c.rules->pf, .pfs = &c.pfs };
	arena a;
	arena_init(&a, 4096);
	c.leads = calloc(c.rules->n_patterns, sizeof(*c.leads));
	size_t with = 0;
	for (size_t i = 0; i < c.rules->n_patterns; i++) {
		const ps_pattern *p = c.rules->patterns[i].pattern;
		ck_assert_int_eq(prefix_words(&c.leads[i], &a, p->expanded, p->expanded_len), PS_OK);
		with += c.leads[i].count > 0;
	}
	ck_assert_uint_gt(with, c.rules->n_patterns * 3 / 4);
	ck_assert_uint_gt(each_sentence_in(PS_SOURCE_ROOT "/corpus", check_sentence, &c), 400);
	ck_assert_uint_gt(c.checks, 1000);
	ck_assert_uint_gt(c.probed, c.checks / 4);
	ck_assert_uint_gt(c.lasts, c.checks / 4); /* most matches are a sentence's last */
	/* The same sentences wrapped: every space a line end or a tab, which
	 * \s matches and the walk reads as the space a leading word holds. */
	size_t plain_checks = c.checks;
	ck_assert_uint_gt(each_sentence_in(PS_SOURCE_ROOT "/corpus", check_wrapped, &c), 400);
	ck_assert_uint_gt(c.checks - plain_checks, 1000);
	pcre2_match_data_free(c.m.md);
	pcre2_match_context_free(c.m.mc);
	free(c.leads);
	arena_release(&a);
	pcre2_match_data_free(c.md);
	prefilter_state_free(&c.pfs);
	ps_ruleset_free(c.rules);
	ps_diags_free(diags);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("prefix");
	TCase *tc = tcase_create("prefix");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, leading_words_of_plain_patterns);
	tcase_add_test(tc, words_after_a_word_boundary);
	tcase_add_test(tc, no_leading_words_where_unsure);
	tcase_add_test(tc, the_shipped_pack_is_sound_on_the_corpus);
	tcase_add_test(tc, a_setting_of_hundreds_of_words_keeps_the_tables_it_walks);
	tcase_add_test(tc, a_setting_past_the_gate_tables_is_warned);
	tcase_add_test(tc, a_pack_past_the_full_pass_table_is_warned);
	tcase_add_test(tc, the_shipped_pack_keeps_every_fast_path);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
