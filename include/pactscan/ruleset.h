/**
 * @file ruleset.h
 * Loading a rule pack: clauses, signals, lexicons, cues and the setting gate.
 *
 * A ps_ruleset is immutable once loaded: one set may be shared by any number
 * of scanners on any number of threads. The one thing that changes inside is
 * not visible: each pattern is compiled to PCRE2's JIT code on its first use
 * by a scanner, under a lock of its own, and a word list's exact matcher is
 * built on first use too, so a set loads fast and a scan pays only for the
 * patterns it runs. ps_ruleset_jit_all() prepares them all at once, for
 * predictable latency.
 */
#ifndef PACTSCAN_RULESET_H
#define PACTSCAN_RULESET_H

#include <stddef.h>
#include "status.h"
#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A compiled rule pack. */
typedef struct ps_ruleset ps_ruleset;
/** One clause of the agreement, owned by its ruleset. */
typedef struct ps_clause ps_clause;

/** What a sentence says about a clause. */
typedef enum ps_stance {
	PS_STANCE_SUPPORT = 0,  /**< an act that carries out or advances the clause */
	PS_STANCE_CONFLICT = 1, /**< an act, refusal, delay or threat contrary to it */
} ps_stance;

/** How firmly the text states it. */
typedef enum ps_certainty {
	PS_CERTAINTY_ASSERTED = 0,   /**< stated as fact by the reporter */
	PS_CERTAINTY_HEDGED = 1,     /**< modal or conditional: may, could, threatened to */
	PS_CERTAINTY_ATTRIBUTED = 2, /**< a party's claim: said, according to, accused */
} ps_certainty;

/** The outcome a rule example expects. */
typedef enum ps_expect {
	PS_EXPECT_SUPPORT = PS_STANCE_SUPPORT,
	PS_EXPECT_CONFLICT = PS_STANCE_CONFLICT,
	PS_EXPECT_NOTHING = 2,
} ps_expect;

/** A sentence embedded in a clause file with its expected outcome. */
typedef struct ps_example {
	const char *text;    /**< the sentence(s) to scan */
	size_t text_len;
	const char *context; /**< text placed before it, or NULL */
	size_t context_len;
	ps_expect expect;
	int certainty;       /**< a ps_certainty, or -1 when the example does not say */
	const char *file;    /**< where the example is written */
	size_t line, column;
} ps_example;

/** Hard limits on what a pack may hold; exceeding one is a load error. */
#define PS_MAX_RULE_FILE_SIZE (4u * 1024u * 1024u) /**< bytes per rule file */
#define PS_MAX_RULE_FILES 1000u                    /**< files per pack */
#define PS_MAX_YAML_DEPTH 64u                      /**< nesting depth */
#define PS_MAX_YAML_NODES 200000u                  /**< nodes per file */
#define PS_MAX_CLAUSES 1000u                       /**< clauses per pack */
#define PS_MAX_SIGNALS 200u                        /**< signals per clause */
#define PS_MAX_PATTERNS 20000u                     /**< compiled patterns per pack */
#define PS_MAX_PATTERN_LEN 65536u                  /**< bytes per pattern after lexicon expansion */

/**
 * Load a rule pack.
 *
 * With more than one core online, the load uses one helper thread at a
 * time: to parse half of the files a glob in 'files' names (four or more),
 * and to compile the patterns (16 or more) while the rest of the load goes
 * on. Each blocks every signal and has ended before this returns.
 * Diagnostics, in their order, and the ruleset are the same either way.
 *
 * @param[out] out the ruleset; NULL on failure
 * @param path a pack directory (holding pack.yaml), a pack.yaml, or a single
 *        rule file holding everything
 * @param diags receives every error and warning found (caller-owned)
 * @return PS_OK; PS_ERR_RULES when @p diags holds errors; PS_ERR_NOMEM;
 *         PS_ERR_INVALID for NULL arguments
 */
PS_API ps_status ps_ruleset_load(ps_ruleset **out, const char *path, ps_diags *diags);

/**
 * Load rules from YAML text in memory (one or more documents).
 *
 * @param[out] out the ruleset; NULL on failure
 * @param name the name diagnostics give the text (a path or "<string>")
 * @param yaml the text; may hold NUL bytes (rejected with a position)
 * @param len its length in bytes
 * @param diags receives errors and warnings
 * @return as ps_ruleset_load()
 */
PS_API ps_status ps_ruleset_load_string(ps_ruleset **out, const char *name,
                                        const char *yaml, size_t len, ps_diags *diags);

/**
 * JIT-compile every pattern now rather than on first use, and build every
 * word list's exact matcher now rather than after its first few searches
 * (which PCRE2's interpreter answers), so that no scan pays for them later. Safe
 * while scanners use the set. A pattern the JIT
 * cannot compile (or every one, when PCRE2 has no JIT) runs in PCRE2's
 * interpreter, as it would on first use.
 *
 * @return PS_OK; PS_ERR_INVALID for NULL
 */
PS_API ps_status ps_ruleset_jit_all(const ps_ruleset *rules);

/** Free a ruleset. Accepts NULL. No scanner may use it afterwards. */
PS_API void ps_ruleset_free(ps_ruleset *rules);

/** The pack's name, version, source document and date ("" when unset). */
PS_API const char *ps_ruleset_name(const ps_ruleset *rules);
/** @copydoc ps_ruleset_name */
PS_API const char *ps_ruleset_version(const ps_ruleset *rules);
/** @copydoc ps_ruleset_name */
PS_API const char *ps_ruleset_source(const ps_ruleset *rules);
/** @copydoc ps_ruleset_name */
PS_API const char *ps_ruleset_date(const ps_ruleset *rules);

/** Number of clauses, in load order. */
PS_API size_t ps_ruleset_clause_count(const ps_ruleset *rules);
/** How many sentences before a sentence the setting gate looks back (0 without a setting). */
PS_API size_t ps_ruleset_setting_context(const ps_ruleset *rules);

/** Number of signals over all clauses. */
PS_API size_t ps_ruleset_signal_count(const ps_ruleset *rules);

/** The clause at @p index (borrowed, valid while the ruleset lives), or NULL. */
PS_API const ps_clause *ps_ruleset_clause(const ps_ruleset *rules, size_t index);

/** The clause whose id is @p id, or NULL. */
PS_API const ps_clause *ps_ruleset_find_clause(const ps_ruleset *rules, const char *id);

/** The clause's stable id. */
PS_API const char *ps_clause_id(const ps_clause *clause);
/** The plan's point number, or 0 for a commitment the pack adds. */
PS_API int ps_clause_point(const ps_clause *clause);
/** Its position in ps_ruleset_clause() order. */
PS_API size_t ps_clause_index(const ps_clause *clause);
/** Short title. */
PS_API const char *ps_clause_title(const ps_clause *clause);
/** One-paragraph summary. */
PS_API const char *ps_clause_summary(const ps_clause *clause);
/** The file the clause was loaded from. */
PS_API const char *ps_clause_file(const ps_clause *clause);
/** Number of parties that owe the clause. */
PS_API size_t ps_clause_owed_by_count(const ps_clause *clause);
/** The party at @p index, or NULL. */
PS_API const char *ps_clause_owed_by(const ps_clause *clause, size_t index);
/** Number of examples written in the clause file. */
PS_API size_t ps_clause_example_count(const ps_clause *clause);
/** The example at @p index (borrowed), or NULL. */
PS_API const ps_example *ps_clause_example(const ps_clause *clause, size_t index);

/** One compiled pattern of a pack, for listing and export. */
typedef struct ps_pattern_info {
	const char *text;         /**< as written in the rule file */
	size_t text_len;
	const char *expanded;     /**< what PCRE2 compiled: lexicons expanded, word boundaries added */
	size_t expanded_len;
	const char *file;         /**< where it is written */
	size_t line, column;
	const char *role;         /**< "act", "all", "any", "none", "setting.any", "setting.none",
	                               "cues.negation.before" and so on */
	const ps_clause *clause;  /**< the clause of a signal pattern, else NULL */
	const char *signal;       /**< the signal's id, else NULL */
	size_t literal_sets;      /**< how many sets of words the prefilter requires before
	                               running it; 0 when it must run on every sentence */
} ps_pattern_info;

/** One signal of a pack, for naming it in a profile (ps_scanner_profile). */
typedef struct ps_signal_info {
	const ps_clause *clause;  /**< the clause it belongs to */
	const char *id;           /**< its id, unique within the clause */
	const char *file;         /**< where it is written */
	size_t line, column;
} ps_signal_info;

/**
 * Describe signal number @p index: signals are numbered from 0 to
 * ps_ruleset_signal_count() - 1, as loaded. Strings are borrowed from the
 * ruleset.
 * @param[out] out the description
 * @return PS_OK, or PS_ERR_INVALID when @p index is out of range
 */
PS_API ps_status ps_ruleset_signal(ps_signal_info *out, const ps_ruleset *rules, size_t index);

/** Number of compiled patterns in the pack (lexicons counted inside each use). */
PS_API size_t ps_ruleset_pattern_count(const ps_ruleset *rules);

/**
 * Describe the pattern at @p index. Strings are borrowed from the ruleset.
 * @param[out] out the description
 * @return PS_OK, or PS_ERR_INVALID when @p index is out of range
 */
PS_API ps_status ps_ruleset_pattern(ps_pattern_info *out, const ps_ruleset *rules, size_t index);

/** Name of a stance: "support" or "conflict". */
PS_API const char *ps_stance_name(ps_stance stance);
/** Name of a certainty: "asserted", "hedged" or "attributed". */
PS_API const char *ps_certainty_name(ps_certainty certainty);

#ifdef __cplusplus
}
#endif
#endif
