/* The compiled ruleset, shared read-only by the scanner modules. */
#ifndef PS_RULESET_INT_H
#define PS_RULESET_INT_H

#include "pactscan/ruleset.h"
#include "arena_int.h"
#include "pattern_int.h"
#include "prefilter_int.h"

typedef struct patlist {
	ps_pattern **items;
	size_t count;
	/* A cue list's: per item, the prefilter set its requirements are asked
	 * first (prefilter_first_set), or NULL. */
	uint32_t *first;
} patlist;

typedef struct ps_signal {
	const char *id;
	ps_stance stance;
	patlist act;
	patlist all;
	patlist any;
	patlist none;
	size_t within;        /* other words allowed between the parts; 0 = any */
	bool flip;            /* negation flips the stance */
	double weight;
	uint32_t owner;       /* its number in the prefilter */
	const char *file;
	size_t line, col;
} ps_signal;

struct ps_clause {
	const char *id;
	int point;            /* 0 when the pack adds the clause */
	const char *title;
	const char *summary;
	const char *notes;
	const char **owed_by;
	size_t n_owed_by;
	ps_signal *signals;
	size_t n_signals;
	ps_example *examples;
	size_t n_examples;
	const char *file;
	size_t line, col;
	size_t index;
};

typedef struct cue_rules {
	patlist terms;        /* negation: the "before" terms */
	patlist after;        /* negation only */
	patlist pseudo;       /* negation only */
	patlist stop;
	size_t scope;         /* words */
} cue_rules;

/* A compiled pattern with the place it serves, for listing. */
typedef struct pattern_entry {
	const ps_pattern *pattern;
	const char *role;
	const ps_clause *clause;
	const char *signal;
} pattern_entry;

struct ps_ruleset {
	arena a;
	pattern_prog **progs; /* every compiled pattern, owned */
	size_t n_progs;
	const char *name, *version, *source, *date;
	ps_clause **clauses;
	size_t n_clauses;
	size_t n_signals;
	cue_rules negation, hedge, attribution, restatement;
	patlist setting_any, setting_none;
	size_t setting_context;
	bool has_setting;
	prefilter pf;
	pattern_entry *patterns;  /* every compiled pattern, in load order (malloc'd) */
	size_t n_patterns;
};

#endif
