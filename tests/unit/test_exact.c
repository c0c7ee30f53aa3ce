/* Exact matchers: at every place of a text, the same answer as PCRE2's
 * anchored match (whether one starts there, and where the one it prefers
 * ends); patterns outside the modelled syntax are refused, never guessed. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "exact_int.h"
#include "helpers.h"
#include "ruleset_int.h"

static exact *build(const char *pattern, size_t len)
{
	exact *x = NULL;
	ck_assert_int_eq(exact_build(&x, pattern, len), PS_OK);
	ck_assert_ptr_nonnull(x);
	return x;
}

/* Where the match starting at text[at] ends, or -1. */
static long end_at(const char *pattern, const char *text, size_t at)
{
	exact *x = build(pattern, strlen(pattern));
	ck_assert_msg(exact_usable(x), "%s is not modelled", pattern);
	size_t end = 0;
	long r = exact_match(x, text, strlen(text), at, &end) == 1 ? (long)end : -1;
	exact_free(x);
	return r;
}

static bool usable(const char *pattern)
{
	exact *x = build(pattern, strlen(pattern));
	bool u = exact_usable(x);
	exact_free(x);
	return u;
}

/* Walks started past a leading word (exact_descend), over all checks. */
static size_t descents;

/* At text[at], where the walk from the root gave matched (and end), a
 * walk from where exact_descend() takes each word of 1 to 8 bytes of
 * words[at..] gives the same answer: words holds text's bytes, or the
 * same up to case and the kind of each whitespace byte, as a leading word
 * the prefilter found there would. */
static void same_from_descents(const exact *x, const char *what, const char *text, size_t n, size_t at,
                               const char *words, bool matched, size_t end)
{
	exact_jump last = { 0 }, j;
	/* A shorter word goes no further than a longer one: where 8 bytes
	 * take none, nothing does. */
	if (!words || at >= n || (exact_descend(&j, x, words + at, n - at < 8 ? n - at : 8), j.used == 0))
		return;
	for (size_t k = 1; k <= 8 && at + k <= n; k++) {
		size_t e = 0;
		exact_descend(&j, x, words + at, k);
		if (j.used > k || j.spaces >> j.used)
			ck_abort_msg("%s: %u bytes taken of a word of %zu, spaces %#x", what, j.used, k, j.spaces);
		if (!j.used || (j.at == last.at && j.tokens == last.tokens && j.used == last.used))
			continue;
		/* Where the text has other whitespace for a space of the
		 * pattern's own, the walk starts at the root. */
		bool plain = true;
		for (size_t b = 0; b < j.used; b++)
			plain = plain && (!(j.spaces >> b & 1) || (text[at + b] == ' ' && words[at + b] == ' '));
		if (!plain)
			continue;
		last = j;
		descents++;
		int r = exact_match_from(x, text, n, at, &j, &e);
		if (r < 0 || (r == 1) != matched || (matched && e != end))
			ck_abort_msg("%s at %zu of \"%.*s\": from %u bytes of \"%.*s\" in, %s (at %d), from the root %s (at %zu)",
			             what, at, (int)n, text, j.used, (int)k, words + at, r < 0 ? "cannot tell" : r ? "a match" : "none",
			             r == 1 ? (int)e : -1, matched ? "a match" : "none", matched ? end : 0);
	}
}

/* Compare with PCRE2, compiled as the pack's patterns are, at every place
 * of text[0..n); returns the places where both found a match. A search
 * from at with its start limited to at is an anchored match the JIT runs
 * (PCRE2_ANCHORED at match time would take the interpreter: minutes).
 * At each place, the walks past a leading word of words too
 * (same_from_descents), unless words is NULL. */
static size_t same_as_pcre2_in(const exact *x, const pcre2_code *code, pcre2_match_data *md, const char *what,
                               const char *text, size_t n, const char *words)
{
	size_t hits = 0;
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	for (size_t at = 0; at <= n; at++) {
		size_t end = 0;
		int r = exact_match(x, text, n, at, &end);
		if (r < 0)
			ck_abort_msg("%s at %zu of \"%.*s\": exact cannot tell", what, at, (int)n, text);
		bool ours = r == 1;
		pcre2_set_offset_limit(mc, at);
		int rc = pcre2_match(code, (PCRE2_SPTR)text, n, at, 0, md, mc);
		/* ck_abort rather than ck_assert: Check writes a note to its pipe
		 * for each assertion, millions of them here. */
		if (rc != PCRE2_ERROR_NOMATCH && rc <= 0)
			ck_abort_msg("pcre2_match: %d", rc);
		if (ours != (rc > 0))
			ck_abort_msg("%s at %zu of \"%.*s\": exact %s, PCRE2 %s", what, at, (int)n, text,
			             ours ? "matches" : "does not", rc > 0 ? "matches" : "does not");
		if (rc > 0) {
			size_t pe = pcre2_get_ovector_pointer(md)[1];
			if (end != pe)
				ck_abort_msg("%s at %zu of \"%.*s\": exact ends at %zu, PCRE2 at %zu", what, at, (int)n, text,
				             end, pe);
			hits++;
		}
		same_from_descents(x, what, text, n, at, words, ours, end);
	}
	pcre2_match_context_free(mc);
	return hits;
}

static pcre2_code *compile(const char *pattern, size_t len)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, len,
	                                 PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_USE_OFFSET_LIMIT,
	                                 &err, &off, NULL);
	ck_assert_ptr_nonnull(code);
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

static size_t same_as_pcre2(const char *pattern, const char *text)
{
	exact *x = build(pattern, strlen(pattern));
	ck_assert_msg(exact_usable(x), "%s is not modelled", pattern);
	pcre2_code *code = compile(pattern, strlen(pattern));
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	size_t hits = same_as_pcre2_in(x, code, md, pattern, text, strlen(text), text);
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	exact_free(x);
	return hits;
}

START_TEST(the_first_alternative_that_matches_wins)
{
	/* An optional group is tried first: "Gaza Strip" before "Gaza". */
	ck_assert_int_eq(end_at("Gaza(?: Strip| City)?", "in Gaza Strip now", 3), 13);
	ck_assert_int_eq(end_at("Gaza(?: Strip| City)?", "in Gaza now", 3), 7);
	/* Written first, the shorter word wins, as PCRE2 has it. */
	ck_assert_int_eq(end_at("(?:Gaza|Gaza Strip)", "Gaza Strip", 0), 4);
	/* A lazy group is tried last. */
	ck_assert_int_eq(end_at("Gaza(?: Strip)??", "Gaza Strip", 0), 4);
	ck_assert_int_eq(end_at("Gaza(?: Strip)??\\b", "Gaza Strip", 0), 4);
	/* No match starts elsewhere than asked. */
	ck_assert_int_eq(end_at("Gaza", "in Gaza", 2), -1);
	ck_assert_int_eq(end_at("Gaza", "Gaz", 0), -1);
	ck_assert_int_eq(end_at("Gaza", "Gaza", 4), -1);
	ck_assert_uint_eq(same_as_pcre2("(?:the (?:Israeli )?army|the army|army)", "The Israeli army and the army, army."), 5);
}
END_TEST

START_TEST(word_boundaries_case_and_whitespace)
{
	/* \\d is a digit, ASCII only. */
	ck_assert_uint_eq(same_as_pcre2("\\bin (?:19|20)\\d\\d\\b", "in 1999, in 2023x, in 20 24, In 1987 in 19\xD9\xA3\xD9\xA3"), 2);
	ck_assert_uint_eq(same_as_pcre2("\\b19\\d\\d\\b", "1948 19480 x1967 19a8 19:8 1967"), 2);
	ck_assert_int_eq(end_at("\\bGaza\\b", "Gazans", 0), -1);
	ck_assert_int_eq(end_at("\\bGaza\\b", "in Gaza, today", 3), 7);
	ck_assert_int_eq(end_at("\\bHamas", "xHamas", 1), -1);
	/* A \\b between two letters never holds; that string is dropped. */
	ck_assert_int_eq(end_at("ab\\bc|abc", "abc", 0), 3);
	/* Caseless, except inside (?-i:...). */
	ck_assert_int_eq(end_at("hamas", "HAMAS", 0), 5);
	ck_assert_int_eq(end_at("(?-i:UN)\\b", "un", 0), -1);
	ck_assert_int_eq(end_at("(?-i:UN)\\b", "UN.", 0), 2);
	ck_assert_int_eq(end_at("(?-i:UN)|un", "un", 0), 2);
	/* \\s is one whitespace byte, \\s+ the whole run. */
	ck_assert_int_eq(end_at("cut\\s+off", "cut \t\n off", 0), 10);
	ck_assert_int_eq(end_at("cut\\soff", "cut\toff", 0), 7);
	ck_assert_int_eq(end_at("cut\\soff", "cut  off", 0), -1);
	ck_assert_int_eq(end_at("hand(?:s|ed)?\\s+", "handed  over", 0), 8);
	/* Small classes, escapes, punctuation that has no case. */
	ck_assert_uint_eq(same_as_pcre2("Defen[cs]e", "defence DEFENSE defenxe"), 2);
	ck_assert_uint_eq(same_as_pcre2("U\\.N\\.\\b", "U.N. u.n.x UN"), 1);
	ck_assert_uint_eq(same_as_pcre2("\\bU\\.N\\.", "U.N. u.n.x UN"), 2);
	ck_assert_uint_eq(same_as_pcre2("Israel(?:'|\xE2\x80\x99)?s army", "Israel's army, Israel\xE2\x80\x99s ARMY, Israels army"), 3);
	/* Latin-1 letters in either case. */
	ck_assert_uint_eq(same_as_pcre2("M\xC3\xA9" "decins", "M\xC3\xA9" "decins M\xC3\x89" "DECINS medecins"), 2);
	ck_assert_uint_eq(same_as_pcre2("(?-i:M\xC3\xA9)", "M\xC3\xA9 M\xC3\x89"), 1);
}
END_TEST

START_TEST(lookaheads_take_no_bytes)
{
	ck_assert_uint_eq(same_as_pcre2("\\bthe occupation\\b(?!\\s+of\\b)", "the occupation has, the occupation of Gaza, "
	                                "the occupation offers, the occupation"), 3);
	ck_assert_uint_eq(same_as_pcre2("\\baid\\b(?!\\s+(?:agenc|groups?\\b))", "aid agencies, aid groups, aid grouping, aid."), 2);
	ck_assert_uint_eq(same_as_pcre2("Rafah(?=\\s+crossing)|Rafah gate", "Rafah  crossing, Rafah gate, Rafah"), 2);
	/* A lookahead's own \\b, and one beside a lookahead. */
	ck_assert_uint_eq(same_as_pcre2("food(?!\\s+(?:Programme|prices?)\\b)\\b", "food prices, food pricey, foods, food"), 2);
}
END_TEST

/* A gap of words, (?:\\S+\\s+){0,k}? and its kin: PCRE2's count order
 * (lazy from none, greedy from the most), the group after it tried whole
 * at each count, the gap's class, and the whitespace each word needs. */
START_TEST(gaps_of_words_count_as_pcre2_counts)
{
	/* Lazy: the fewest words; greedy: the most, then fewer. */
	ck_assert_int_eq(end_at("\\bkill(?:ed|s)?\\s+(?:\\S+\\s+){0,3}?(?:aid|workers)\\b", "killed two aid workers", 0), 14);
	ck_assert_int_eq(end_at("kill\\s+(?:\\S+\\s+){0,2}?x", "kill a b x", 0), 10);
	ck_assert_int_eq(end_at("kill\\s+(?:\\S+\\s+){0,2}?x", "kill a b c x", 0), -1);
	ck_assert_uint_eq(same_as_pcre2("let\\s+(?:\\S+\\s+){0,3}(?:in|into)", "let the aid trucks into Gaza, let them in, let in"), 3);
	ck_assert_uint_eq(same_as_pcre2("a\\s+(?:\\S+\\s+)?b", "a b, a x b, a x y b"), 2);
	ck_assert_uint_eq(same_as_pcre2("a\\s+(?:\\S+\\s+)??b", "a b b, a x b"), 2);
	/* At each count the whole group after the gap, in its order, before
	 * the next count: "into" at one word loses to "in" at none. */
	ck_assert_uint_eq(same_as_pcre2("sent\\s+(?:\\S+\\s+){0,5}?in(?:to)?", "sent in trucks into Gaza"), 1);
	ck_assert_int_eq(end_at("sent\\s+(?:\\S+\\s+){0,5}?in(?:to)?", "sent in trucks into Gaza", 0), 7);
	/* Two alternatives, each with a gap of its own: the first tried at
	 * every count before the second. */
	ck_assert_uint_eq(same_as_pcre2("(?:allow\\s+(?:\\S+\\s+){0,3}?to enter|allow\\s+(?:\\S+\\s+){0,3}?in)",
	                                "allow aid in to enter, allow in, allow them to enter"), 3);
	ck_assert_int_eq(end_at("(?:allow\\s+(?:\\S+\\s+){0,3}?to enter|allow\\s+(?:\\S+\\s+){0,3}?in)",
	                        "allow aid in to enter", 0), 21);
	/* The classes: \\w stops at punctuation, [\\w-] takes hyphens, and
	 * [^\\s—–] stops at a dash. */
	ck_assert_uint_eq(same_as_pcre2("x\\s+(?:\\w+\\s+){0,2}?y", "x a, y x a-b y x ab cd y"), 1);
	ck_assert_uint_eq(same_as_pcre2("x\\s+(?:[\\w-]+\\s+){0,2}?y", "x a, y x a-b y x ab cd y"), 2);
	ck_assert_uint_eq(same_as_pcre2("x\\s+(?:[^\\s\xE2\x80\x94\xE2\x80\x93]+\\s+){0,2}?y",
	                                "x a\xE2\x80\x94" "b y x a\xE2\x80\x93 y x caf\xC3\xA9 y x \xC3\xA9t\xC3\xA9\xE2\x80\x99s y"), 2);
	/* Any whitespace run between the words, and none at the text's end. */
	ck_assert_uint_eq(same_as_pcre2("a\\s+(?:\\S+\\s+){0,2}?b", "a\t\tx \n b a x"), 1);
	ck_assert_int_eq(end_at("a\\s+(?:\\S+\\s+){0,2}?b", "a x", 0), -1);
	/* A byte that is no UTF-8 inside a word: PCRE2 takes no item there,
	 * so this cannot tell. */
	exact *x = build("a\\s+(?:\\S+\\s+){0,2}?b", strlen("a\\s+(?:\\S+\\s+){0,2}?b"));
	size_t end = 0;
	ck_assert_int_eq(exact_match(x, "a x\xFFy b", 7, 0, &end), -1);
	ck_assert_int_eq(exact_match(x, "a \xC3\xA9 b", 6, 0, &end), 1);
	ck_assert_uint_eq(end, 6);
	exact_free(x);
	/* Counts past 9, up to 15. */
	ck_assert_uint_eq(same_as_pcre2("let\\s+(?:\\S+\\s+){0,12}?go", "let a b c d e f g h i j k go, let a b c d e f g h i j k l m go"), 1);
	ck_assert_uint_eq(same_as_pcre2("let\\s+(?:\\w+\\s+){0,9}go", "let a b c d e f g h i go go"), 1);
	/* Not modelled: a \\b beside a gap (but at the top, below), a gap
	 * last, a space after it, a possessive or a count past 15, a gap in a
	 * lookahead. */
	const char *refused[] = {
		"(?:a\\s+(?:\\S+\\s+){0,2}?\\bb|c)", "a\\s+(?:\\S+\\s+){0,2}?", "a\\s+(?:\\S+\\s+){0,2}?\\sb",
		"a\\s+(?:\\S+\\s+){0,2}+b", "a\\s+(?:\\S+\\s+){0,16}?b", "a\\s+(?:\\S+\\s+){0,0}b", "a(?=\\s+(?:\\S+\\s+){0,2}?b)",
		"(?:\\S+\\s+){0,2}?b", "a\\s+(?:\\S+\\s+){1,2}?b", "a\\s+(?:\\s+\\S+){0,2}?b",
	};
	for (size_t k = 0; k < sizeof refused / sizeof refused[0]; k++)
		ck_assert_msg(!usable(refused[k]), "%s should not be modelled", refused[k]);
}
END_TEST

/* \\w* and \\w+ taken whole, where what follows is no word byte; a \\b
 * after one holds by the run's last byte, or the byte before an empty
 * run. */
/* A sequence whose last gap has lists before and after it is two
 * matchers, the part after the gap asked where a string of the part
 * before ends: more strings than one matcher holds (the product of the
 * lists), and a \\b after the gap, which depends on its count. */
START_TEST(a_gap_at_the_top_splits_the_pattern)
{
	char verbs[2048] = "", names[2048] = "", p[4200];
	for (int i = 0; i < 40; i++) {
		char w[32];
		snprintf(w, sizeof w, "%sv%02d(?:ed|s)?", i ? "|" : "", i);
		strcat(verbs, w);
		snprintf(w, sizeof w, "%s\\bn%02d(?:x|y)?", i ? "|" : "", i);
		strcat(names, w);
	}
	/* 40 x 3 verbs, 40 x 3 names: 14,400 strings through the gap. */
	snprintf(p, sizeof p, "(?:\\b(?:%s)\\s+(?:[^\\s\xE2\x80\x94\xE2\x80\x93]+\\s+){0,3}?(?:%s)\\b)", verbs,
	         names);
	const char *text = "v01 n02, v03ed the  n04x v05s a b c n06 v07 a b c d n08 v09 -n10 v11 a\xE2\x80\x94" "b n12 "
	                   "v13 n14z v15 an16 v17 n17y n18 V19ED N19X v20 x n21";
	ck_assert_uint_eq(same_as_pcre2(p, text), 7);
	/* A \\b after the gap at the top; what follows a gap may start with a
	 * byte of no word but not with whitespace, which PCRE2 could take back
	 * from the gap's last. */
	ck_assert_uint_eq(same_as_pcre2("a\\s+(?:\\S+\\s+){0,2}?\\bb", "a b a x b a xb b a x y z b"), 3);
	ck_assert_uint_eq(same_as_pcre2("a\\s+(?:\\S+\\s+){0,2}?(?:,|b)", "a , a x b a x ,"), 3);
	ck_assert(!usable("a\\s+(?:\\S+\\s+){0,2}?(?:\\sb|c)"));
	/* The last gap at the top splits; an earlier one stays in the part
	 * before it. */
	ck_assert_uint_eq(same_as_pcre2("a\\s+(?:\\w+\\s+)?b\\s+(?:\\S+\\s+){0,2}\\bc", "a b c a x b y c a b y z c"), 3);
	/* A byte that is no UTF-8 where the gap or the rest reads: PCRE2's. */
	exact *x = build(p, strlen(p));
	size_t end = 0;
	ck_assert_int_eq(exact_match(x, "v01 \xFFx n02", 12, 0, &end), -1);
	exact_free(x);
}
END_TEST

START_TEST(word_runs_are_taken_whole)
{
	ck_assert_uint_eq(same_as_pcre2("\\bIsrael\\w*", "Israel, Israeli, Israelis' israelite x_Israel"), 4);
	ck_assert_uint_eq(same_as_pcre2("\\bdisarm\\w*\\b", "disarm disarmament disarmed, disarm_x"), 4);
	ck_assert_uint_eq(same_as_pcre2("(?:freez\\w*|froze)\\s+(?:\\S+\\s+){0,2}?weapons", "freezing its weapons froze weapons"), 2);
	ck_assert_uint_eq(same_as_pcre2("a\\w+,", "a, ab, abc,x"), 2);
	ck_assert_uint_eq(same_as_pcre2("call\\w*\\s+on", "call on calls  on called on caller-on"), 3);
	ck_assert_int_eq(end_at("Israel\\w*", "Israelis.", 0), 8);
	ck_assert_int_eq(end_at("a\\w+", "a.", 0), -1);
	/* A run that something after it could take some of back. */
	const char *refused[] = { "Israel\\w*s", "a\\w*(?!b)", "a\\w*\\w+", "a\\w*?b", "a\\w*+\\b", "\\b\\w*a",
		                  /* Empty or not, the run decides a \\b after it. */
		                  ",\\w*\\b" };
	ck_assert_uint_eq(same_as_pcre2(",\\w+\\b", ",abc ,, ,d"), 2);
	for (size_t k = 0; k < sizeof refused / sizeof refused[0]; k++)
		ck_assert_msg(!usable(refused[k]), "%s should not be modelled", refused[k]);
}
END_TEST

/* A node with many children picks the edges to try by their first bytes,
 * sixteen at a time; an edge whose first token may match more than one
 * byte (whitespace, a lookahead, a gap, a word run) is tried always. */
START_TEST(wide_nodes_try_every_edge_that_can_match)
{
	const char *p = "x (?:a1|b2|c3|d4|e5|f6|g7|h8|i9|j0|k1|l2|m3|n4|o5|p6|q7|r8|(?-i:Up)|\\s+z|(?=yy)y|"
	                "\xC3\xA9|\\w+!|(?:\\S+\\s+){0,2}?end)";
	const char *text = "x a1 x B2 x r8 x Up x uP x  z x yy x \xC3\xA9 x \xC3\x89 x word! x one two end x Q7 x s9 x";
	ck_assert_uint_eq(same_as_pcre2(p, text), 11);
	/* Past the text's end only what matches no byte is tried. */
	ck_assert_int_eq(end_at(p, "x ", 0), -1);
	/* Fewer than sixteen children, and the sixteenth and seventeenth. */
	ck_assert_uint_eq(same_as_pcre2("x (?:a1|b2|\\s+z)", "x a1 x B2 x  z x c3"), 3);
	ck_assert_uint_eq(same_as_pcre2("x (?:a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q)", "x p x q x r"), 2);
}
END_TEST

/* Where exact_descend() takes word in pattern's trie. */
static exact_jump descend(const char *pattern, const char *word)
{
	exact *x = build(pattern, strlen(pattern));
	ck_assert_msg(exact_usable(x), "%s is not modelled", pattern);
	exact_jump j;
	exact_descend(&j, x, word, strlen(word));
	exact_free(x);
	return j;
}

static unsigned taken(const char *pattern, const char *word)
{
	return descend(pattern, word).used;
}

/* A walk may start past the part of a leading word that every walk from
 * the root reads the same way whatever the text's case and whitespace,
 * inside an edge too: it stops before a string that ends, a byte of one
 * case, whitespace that may run on, and anything that may take no byte. */
START_TEST(a_walk_starts_past_what_its_leading_word_decides)
{
	exact_jump j = descend("Gaza City|Gaza Strip", "gaza cit");
	ck_assert_uint_eq(j.used, 8);
	ck_assert_uint_eq(j.tokens, 3);        /* "cit" of the edge "city" */
	ck_assert_uint_eq(j.spaces, 1u << 4); /* the pattern's space: a tab in the text is no match */
	j = descend("Gaza City|Gaza Strip", "gaza city");
	ck_assert_uint_eq(j.used, 9);
	ck_assert_uint_eq(j.tokens, 0);        /* the node past "city" */
	ck_assert_uint_eq(taken("Gaza City|Gaza Strip", "gaza\tcity"), 4);
	j = descend("Gaza\\s+City", "gaza\tcity");
	ck_assert_uint_eq(j.used, 9);
	ck_assert_uint_eq(j.spaces, 0);
	ck_assert_uint_eq(taken("Gaza City|Gaza\\b", "gaza cit"), 4);      /* "Gaza" ends there */
	ck_assert_uint_eq(taken("\\bIsrael\\w*", "israel"), 6);            /* a word run after it */
	ck_assert_uint_eq(taken("red\\s+line", "red line"), 8);
	ck_assert_uint_eq(taken("red\\s+line", "red\tline"), 8);           /* any whitespace */
	ck_assert_uint_eq(taken("a\\s+red", "a "), 1);                     /* \\s+ may run on */
	ck_assert_uint_eq(taken("(?-i:WHO) said", "who said"), 0);           /* upper case only */
	ck_assert_uint_eq(taken("x(?:a|(?-i:who))", "xwho"), 1);
	ck_assert_uint_eq(taken("ab(?=c)c", "abc"), 2);                      /* a lookahead */
	ck_assert_uint_eq(taken("let\\s+(?:\\S+\\s+){0,3}?in", "let in"), 4);  /* a gap */
	ck_assert_uint_eq(taken("M(?:a|\xC3\xA9)decins", "m\xC3\xA9" "d"), 1);     /* past ASCII, é or É */
	ck_assert_uint_eq(taken("U\\.N\\.", "u.n."), 4);
	ck_assert_uint_eq(taken("a b|a\\sc", "a b"), 1);                    /* two ways on from "a" */
	/* And from there, the walk's answer is the root's, in either case,
	 * from a node and from inside an edge. */
	const char *p = "Gaza City|Gaza Strip|Gaza";
	exact *x = build(p, strlen(p));
	const char *texts[] = { "gaza city", "GAZA CITY.", "Gaza\tStrip", "gaza cityscape", "Gaza Cit", "Gaza Citx" };
	const char *words[] = { "gaza cit", "gaza cit", "gaza str", "gaza cit", "gaza cit", "gaza cit" };
	for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
		size_t e1 = 0, e2 = 0, n = strlen(texts[k]);
		exact_descend(&j, x, words[k], 8);
		ck_assert_uint_eq(j.used, 4); /* "Gaza" ends there */
		int r1 = exact_match(x, texts[k], n, 0, &e1), r2 = exact_match_from(x, texts[k], n, 0, &j, &e2);
		ck_assert_int_eq(r2, r1);
		ck_assert_uint_eq(e2, e1);
	}
	exact_free(x);
	p = "Gaza City|Gaza Strip";
	x = build(p, strlen(p));
	for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
		size_t e1 = 0, e2 = 0, n = strlen(texts[k]);
		exact_descend(&j, x, "gaza cit", 8);
		ck_assert_uint_eq(j.tokens, 3);
		int r1 = exact_match(x, texts[k], n, 0, &e1), r2 = exact_match_from(x, texts[k], n, 0, &j, &e2);
		if (!strchr(texts[k], '\t') && (texts[k][4] == ' ') && (texts[k][5] | 0x20) == 'c') {
			ck_assert_int_eq(r2, r1);
			ck_assert_uint_eq(e2, e1);
		}
	}
	exact_free(x);
}
END_TEST

START_TEST(unmodelled_syntax_is_refused)
{
	const char *refused[] = {
		"\\w+", "a*", "ab+", "a{2}", "a.c", "^Gaza", "Gaza$", "(?<=in )Gaza",
		/* Lookaheads first, inside another, quantified, or after a
		 * whitespace run they could shorten. */
		"(?=Ga)Gaza", "a(?=b(?!c))", "a(?!b)?c", "a\\s+(?!b)",
		/* A \\b between lookaheads alone: an empty match, beside a word. */
		"(?=a)\\b|abc",
		"(?<source>Hamas) said", "(?>Gaza)", "a?+", "\\s*x", "\\s+?x", "[^a]", "[a-z]x", "\\d+", "\\S+",
		"(?x)a b", "(*UTF)a",
		/* The empty string, alone or among others. */
		"(?:Gaza)?", "\\b", "a|", "(?:)",
		/* A whitespace run that a following space could shorten. */
		"a\\s+ b", "a\\s+\\sb",
		/* Letters whose other case is a byte comparison away from nowhere:
		 * ÿ (Ÿ), Greek alpha. */
		"\xC3\xBF", "\xCE\xB1",
		/* More strings than EXACT_MAX_STRINGS. */
		"[ab][ab][ab][ab][ab][ab][ab][ab][ab][ab][ab]",
		/* A group left open or closed twice. */
		"(?:a", "a)",
	};
	for (size_t k = 0; k < sizeof refused / sizeof refused[0]; k++)
		ck_assert_msg(!usable(refused[k]), "%s should not be modelled", refused[k]);
	ck_assert(usable("[ab][ab][ab][ab][ab][ab][ab][ab][ab][ab]"));
	ck_assert(usable("(Hamas|Fatah) said"));
	ck_assert(usable("Gaza(?!n)"));
}
END_TEST

/* Every shipped pattern that has an exact matcher answers as PCRE2 does
 * at every place of every corpus sentence, as written, in upper case,
 * with its spaces turned into other whitespace, and with some of them
 * turned into other separators. */
typedef struct shipped {
	exact **x;
	const ps_pattern **p;
	size_t n;
	pcre2_match_data *md;
	size_t hits;
} shipped;

static void check_sentence(const char *s, size_t n, void *userdata)
{
	shipped *c = userdata;
	static char other[65536];
	if (n > sizeof other)
		return;
	for (size_t k = 0; k < c->n; k++) {
		const ps_pattern *p = c->p[k];
		c->hits += same_as_pcre2_in(c->x[k], p->code, c->md, p->text, s, n, s);
		/* A walk past a word found in the sentence as written, where the
		 * text has it in another case or with other whitespace. */
		for (size_t i = 0; i < n; i++)
			other[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
		c->hits += same_as_pcre2_in(c->x[k], p->code, c->md, p->text, other, n, s);
		for (size_t i = 0; i < n; i++)
			other[i] = s[i] == ' ' ? (i % 3 ? '\n' : '\t') : s[i];
		c->hits += same_as_pcre2_in(c->x[k], p->code, c->md, p->text, other, n, s);
		/* And with the spaces between words mixed up: doubled, dashes,
		 * hyphens and commas, an accented word, where gaps of words and
		 * word runs stop or go on. */
		size_t m = 0;
		for (size_t i = 0; i < n && m + 8 < sizeof other; i++) {
			static const char *const subs[] = { "  ", " \xE2\x80\x94 ", "-", ", ", " \xC3\xA9t\xC3\xA9 ", " \xE2\x80\x93" };
			const char *r = s[i] == ' ' && i % 4 == 1 ? subs[(i / 4) % 6] : NULL;
			if (!r) {
				other[m++] = s[i];
				continue;
			}
			size_t rl = strlen(r);
			memcpy(other + m, r, rl);
			m += rl;
		}
		c->hits += same_as_pcre2_in(c->x[k], p->code, c->md, p->text, other, m, NULL);
	}
}

START_TEST(the_shipped_pack_answers_as_pcre2)
{
	if (getenv("PACTSCAN_TEST_NO_JIT"))
		return; /* every pattern at every place takes minutes without the JIT */
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	const prefilter *pf = &rules->pf;
	shipped c = { .md = pcre2_match_data_create(32, NULL) };
	c.x = calloc(pf->n_shapes, sizeof(*c.x));
	c.p = calloc(pf->n_shapes, sizeof(*c.p));
	bool *tried = calloc(pf->n_shapes, sizeof(*tried));
	for (size_t i = 0; i < rules->n_patterns; i++) {
		const ps_pattern *p = rules->patterns[i].pattern;
		uint32_t sh = pf->shape[i];
		if (tried[sh] || p->n_source_groups)
			continue;
		tried[sh] = true;
		exact *x = build(p->expanded, p->expanded_len);
		if (!exact_usable(x)) {
			exact_free(x);
			continue;
		}
		pattern_prog_jit(p->prog);
		c.x[c.n] = x;
		c.p[c.n++] = p;
	}
	/* The word lists and most verb lists: a change that refused them would
	 * quietly send them back to PCRE2. */
	ck_assert_uint_gt(c.n, 400);
	ck_assert_uint_gt(each_sentence_in(PS_SOURCE_ROOT "/corpus", check_sentence, &c), 400);
	ck_assert_uint_gt(c.hits, 10000);
	ck_assert_uint_gt(descents, 100000);
	for (size_t k = 0; k < c.n; k++)
		exact_free(c.x[k]);
	free(c.x);
	free(c.p);
	free(tried);
	pcre2_match_data_free(c.md);
	ps_ruleset_free(rules);
}
END_TEST

/* Threads that ask for the same shape's matcher at once all get one and
 * the same: the first to publish it wins, the others free their copies
 * (ASan and valgrind would see a leak or a double free). */
#define RACERS 4

typedef struct racer {
	const prefilter *pf;
	const ps_pattern *const *p;   /* one pattern per shape asked */
	size_t n;
	pthread_barrier_t *start;
	const exact *got[64];
} racer;

static void *race(void *arg)
{
	racer *r = arg;
	pthread_barrier_wait(r->start);
	for (size_t k = 0; k < r->n; k++)
		r->got[k] = prefilter_exact(r->pf, r->pf->shape[r->p[k]->index], r->p[k]->expanded, r->p[k]->expanded_len);
	return NULL;
}

START_TEST(threads_building_one_matcher_share_it)
{
	for (int round = 0; round < 8; round++) {
		ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
		const prefilter *pf = &rules->pf;
		const ps_pattern *asked[64];
		size_t n = 0;
		bool *tried = calloc(pf->n_shapes, sizeof(*tried));
		for (size_t i = 0; i < rules->n_patterns && n < 64; i++) {
			const ps_pattern *p = rules->patterns[i].pattern;
			uint32_t sh = pf->shape[i];
			if (!tried[sh] && pf->shape_leads[sh] && !p->n_source_groups) {
				tried[sh] = true;
				asked[n++] = p;
			}
		}
		free(tried);
		pthread_barrier_t start;
		pthread_barrier_init(&start, NULL, RACERS);
		racer r[RACERS];
		pthread_t t[RACERS];
		for (int k = 0; k < RACERS; k++) {
			r[k] = (racer){ .pf = pf, .p = asked, .n = n, .start = &start };
			ck_assert_int_eq(pthread_create(&t[k], NULL, race, &r[k]), 0);
		}
		for (int k = 0; k < RACERS; k++)
			pthread_join(t[k], NULL);
		pthread_barrier_destroy(&start);
		size_t usable = 0;
		for (size_t j = 0; j < n; j++) {
			for (int k = 1; k < RACERS; k++)
				ck_assert_ptr_eq(r[k].got[j], r[0].got[j]);
			usable += r[0].got[j] != NULL;
		}
		ck_assert_uint_eq(n, 64);
		ck_assert_uint_gt(usable, 16);
		ps_ruleset_free(rules);
	}
}
END_TEST

/* The first shape with leading words whose matches need no group read:
 * one that prefilter_exact() builds a matcher for. */
static uint32_t a_shape_with_leads(const ps_ruleset *rules, size_t from, const ps_pattern **p)
{
	const prefilter *pf = &rules->pf;
	for (size_t i = from; i < rules->n_patterns; i++) {
		*p = rules->patterns[i].pattern;
		uint32_t sh = pf->shape[i];
		if (pf->shape_leads[sh] && !(*p)->n_source_groups)
			return sh;
	}
	ck_abort_msg("no shape with leading words");
	return 0;
}

typedef struct asker {
	const prefilter *pf;
	uint32_t shape;
	pthread_barrier_t *start;
	size_t not_yet;
} asker;

static void *ask(void *arg)
{
	asker *a = arg;
	pthread_barrier_wait(a->start);
	for (int k = 0; k < 100; k++)
		a->not_yet += !prefilter_exact_due(a->pf, a->shape);
	return NULL;
}

/* A shape's first searches go to PCRE2, and only then is its matcher
 * built: a short text asks most shapes a few times, and a build costs as
 * much as some sixty such searches. However many threads ask, exactly
 * PREFILTER_EXACT_AFTER searches are told "not yet". */
START_TEST(a_shape_is_searched_a_few_times_before_its_matcher_is_built)
{
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	const prefilter *pf = &rules->pf;
	const ps_pattern *p = NULL, *q = NULL;
	uint32_t sh = a_shape_with_leads(rules, 0, &p);
	for (int k = 0; k < PREFILTER_EXACT_AFTER; k++)
		ck_assert(!prefilter_exact_due(pf, sh));
	ck_assert(prefilter_exact_due(pf, sh));
	ck_assert_ptr_null(atomic_load(&pf->shape_exact[sh]));
	prefilter_exact(pf, sh, p->expanded, p->expanded_len);
	ck_assert_ptr_nonnull(atomic_load(&pf->shape_exact[sh]));
	for (int k = 0; k < 1000; k++)
		ck_assert(prefilter_exact_due(pf, sh));
	ck_assert_uint_le(atomic_load(&pf->shape_tries[sh]), PREFILTER_EXACT_AFTER + 1);

	uint32_t other = sh;
	for (size_t i = 0; other == sh; i++)
		other = a_shape_with_leads(rules, i, &q);
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, RACERS);
	asker a[RACERS];
	pthread_t t[RACERS];
	for (int k = 0; k < RACERS; k++) {
		a[k] = (asker){ .pf = pf, .shape = other, .start = &start };
		ck_assert_int_eq(pthread_create(&t[k], NULL, ask, &a[k]), 0);
	}
	size_t not_yet = 0;
	for (int k = 0; k < RACERS; k++) {
		pthread_join(t[k], NULL);
		not_yet += a[k].not_yet;
	}
	pthread_barrier_destroy(&start);
	ck_assert_uint_eq(not_yet, PREFILTER_EXACT_AFTER);
	ck_assert_uint_le(atomic_load(&pf->shape_tries[other]), PREFILTER_EXACT_AFTER + RACERS);
	ps_ruleset_free(rules);
}
END_TEST

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	static char buf[1 << 16];
	*len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	ck_assert_uint_lt(*len, sizeof buf);
	return buf;
}

/* The same text scanned again and again, by one ruleset: its shapes are
 * searched by PCRE2 first, then by their matchers as each is built; every
 * scan finds what the scan without the prefilter finds. */
START_TEST(a_shapes_first_searches_find_what_its_matcher_finds)
{
	ps_ruleset *rules = load_pack(PS_SOURCE_ROOT "/rules");
	const prefilter *pf = &rules->pf;
	size_t len = 0;
	const char *text = read_whole(PS_SOURCE_ROOT "/corpus/022-analysis-six-weeks-scorecard.txt", &len);
	ps_scan_limits lf = test_limits(), lp = test_limits();
	lp.flags |= PS_SCAN_NO_PREFILTER;
	ps_scanner *plain = NULL;
	ck_assert_int_eq(ps_scanner_new(&plain, rules, &lp), PS_OK);
	key_hash hp = KEY_HASH_INIT;
	ps_scan_callbacks cp = { hash_key, NULL, &hp };
	ck_assert_int_eq(ps_scanner_scan(plain, text, len, &cp), PS_OK);
	ck_assert_uint_ge(hp.n, 8);
	for (int round = 0; round <= PREFILTER_EXACT_AFTER; round++) {
		ps_scanner *fast = NULL;
		ck_assert_int_eq(ps_scanner_new(&fast, rules, &lf), PS_OK);
		key_hash hf = KEY_HASH_INIT;
		ps_scan_callbacks cf = { hash_key, NULL, &hf };
		ck_assert_int_eq(ps_scanner_scan(fast, text, len, &cf), PS_OK);
		ck_assert_uint_eq(hf.n, hp.n);
		ck_assert(hf.h == hp.h);
		ps_scanner_free(fast);
		/* After the first scan, shapes it searched are still without a
		 * matcher; after the last, every one it searched has one. */
		size_t asked = 0, young = 0;
		for (uint32_t sh = 0; sh < pf->n_shapes; sh++) {
			if (!atomic_load(&pf->shape_tries[sh]))
				continue;
			asked++;
			young += !atomic_load(&pf->shape_exact[sh]);
		}
		ck_assert_uint_gt(asked, 20);
		if (round == 0)
			ck_assert_uint_gt(young, asked / 2);
		if (round == PREFILTER_EXACT_AFTER)
			ck_assert_uint_eq(young, 0);
	}
	ps_scanner_free(plain);
	ps_ruleset_free(rules);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("exact");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, the_first_alternative_that_matches_wins);
	tcase_add_test(tc, word_boundaries_case_and_whitespace);
	tcase_add_test(tc, lookaheads_take_no_bytes);
	tcase_add_test(tc, gaps_of_words_count_as_pcre2_counts);
	tcase_add_test(tc, word_runs_are_taken_whole);
	tcase_add_test(tc, a_gap_at_the_top_splits_the_pattern);
	tcase_add_test(tc, wide_nodes_try_every_edge_that_can_match);
	tcase_add_test(tc, a_walk_starts_past_what_its_leading_word_decides);
	tcase_add_test(tc, unmodelled_syntax_is_refused);
	tcase_add_test(tc, the_shipped_pack_answers_as_pcre2);
	tcase_add_test(tc, threads_building_one_matcher_share_it);
	tcase_add_test(tc, a_shape_is_searched_a_few_times_before_its_matcher_is_built);
	tcase_add_test(tc, a_shapes_first_searches_find_what_its_matcher_finds);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
