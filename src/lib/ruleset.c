#include "ruleset_int.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yamltree_int.h"

/* One parsed YAML document and the file it came from. */
typedef struct rdoc {
	const char *file;
	const ynode *root;
	bool is_pack_file;
} rdoc;

typedef struct loader {
	ps_ruleset *rs;
	ps_diags *diags;
	pattern_ctx pc;
	rdoc *docs;
	size_t n_docs, cap_docs;
	char **seen;          /* real paths of files already read */
	size_t n_seen;
	size_t n_files;
	const ynode *cues_at, *setting_at;
	const char *cues_file, *setting_file;
	/* What the patterns being compiled serve, for ps_ruleset_pattern(). */
	const char *section;          /* "setting", "cues.negation", or NULL for a signal */
	const ps_clause *cur_clause;
	const char *cur_signal;
	size_t cap_patterns;
	bool nomem;
} loader;

/* ---- diagnostics ------------------------------------------------------- */

__attribute__((format(printf, 6, 0)))
static ps_status vreport(loader *L, ps_severity sev, const char *file, size_t line, size_t col,
                         const char *fmt, va_list ap)
{
	char msg[768];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (ps_diags_add(L->diags, sev, file, line, col, NULL, msg) != PS_OK) {
		L->nomem = true;
		return PS_ERR_NOMEM;
	}
	return sev == PS_SEVERITY_ERROR ? PS_ERR_RULES : PS_OK;
}

__attribute__((format(printf, 4, 5)))
static ps_status bad(loader *L, const char *file, const ynode *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ps_status st = vreport(L, PS_SEVERITY_ERROR, file, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
	return st;
}

__attribute__((format(printf, 4, 5)))
static ps_status warn(loader *L, const char *file, const ynode *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ps_status st = vreport(L, PS_SEVERITY_WARNING, file, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
	return st;
}

/* Keep the worst of two statuses: out of memory beats a rule error. */
static ps_status worst(ps_status a, ps_status b)
{
	if (a == PS_ERR_NOMEM || b == PS_ERR_NOMEM)
		return PS_ERR_NOMEM;
	return a != PS_OK ? a : b;
}

/* A pack too large for one of the prefilter's 16-bit tables gets the same
 * findings from a slower walk, and nothing else would say so. The costs
 * are what forcing each walk on the shipped pack measured, by turns on the
 * benchmark's corpora (rules/README.md "Speed"); losing only the gate's
 * whole-buffer scan measured 1.00 to 1.14, too little to warn of. */
static ps_status warn_outgrown_tables(loader *L)
{
	const prefilter *pf = &L->rs->pf;
	const acm *any = &pf->gate_any, *all = &pf->ac;
	ps_status st = PS_OK;
	if (prefilter_gated(pf) && any->nstates && !pf->gate_sink_delta)
		st = warn(L, L->setting_file, L->setting_at,
		          "the setting is slower than it could be: the words of its `any` patterns make an automaton of %u "
		          "states of %u character classes, %zu entries, more than the %u a 16-bit table takes, so news "
		          "mostly about other things takes about 1.2 times as long; fewer or shorter words in those "
		          "patterns bring it back",
		          any->nstates, any->nclass, (size_t)any->nstates * any->nclass, (unsigned)UINT16_MAX - any->nclass);
	if (st == PS_OK && all->nstates && !all->delta16 && !all->next16) {
		const rdoc *pack = NULL;
		for (size_t i = 0; i < L->n_docs && !pack; i++)
			pack = L->docs[i].is_pack_file ? &L->docs[i] : NULL;
		st = warn(L, pack ? pack->file : NULL, pack ? pack->root : NULL,
		          "the pack is slower than it could be: the words its patterns require make an automaton of %u "
		          "states, more than the %u a 16-bit table takes, so the pass that finds them walks a table twice "
		          "the size, and news much about the setting takes about 1.2 times as long; fewer distinct words "
		          "in the patterns bring it back",
		          all->nstates, (unsigned)ACM16_HAS_OUTPUT - 1);
	}
	return st;
}

/* ---- typed access to YAML nodes --------------------------------------- */

static const char *kind_name(const ynode *n)
{
	if (!n || ynode_is_null(n))
		return "nothing";
	switch (n->kind) {
	case YNODE_SCALAR: return "a text value";
	case YNODE_SEQ: return "a list";
	case YNODE_MAP: return "a mapping";
	}
	return "a value";
}

static bool key_is(const ynode *k, const char *name)
{
	size_t n = strlen(name);
	return k->kind == YNODE_SCALAR && k->len == n && !memcmp(k->str, name, n);
}

static const ynode *map_get(const ynode *map, const char *key)
{
	for (size_t i = 0; i + 1 < map->count; i += 2)
		if (key_is(map->items[i], key))
			return map->items[i + 1];
	return NULL;
}

static const ynode *map_key(const ynode *map, const char *key)
{
	for (size_t i = 0; i + 1 < map->count; i += 2)
		if (key_is(map->items[i], key))
			return map->items[i];
	return NULL;
}

/* Every key of map must be one of allowed; suggest the nearest otherwise. */
static ps_status check_keys(loader *L, const char *file, const ynode *map, const char *const *allowed,
                            const char *where)
{
	ps_status st = PS_OK;
	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const ynode *k = map->items[i];
		bool ok = false;
		if (k->kind != YNODE_SCALAR) {
			st = worst(st, bad(L, file, k, "keys must be plain words, not %s", kind_name(k)));
			continue;
		}
		for (size_t j = 0; allowed[j]; j++)
			ok = ok || key_is(k, allowed[j]);
		if (ok)
			continue;
		const char *best = NULL;
		size_t best_d = k->len / 2 + 2;
		for (size_t j = 0; allowed[j]; j++) {
			size_t d = pattern_edit_distance(k->str, k->len, allowed[j], strlen(allowed[j]));
			if (d < best_d) {
				best_d = d;
				best = allowed[j];
			}
		}
		char valid[400] = "";
		for (size_t j = 0; allowed[j]; j++) {
			if (j)
				strncat(valid, ", ", sizeof valid - strlen(valid) - 1);
			strncat(valid, allowed[j], sizeof valid - strlen(valid) - 1);
		}
		if (best)
			st = worst(st, bad(L, file, k, "unknown key '%.60s' in %s; did you mean '%s'?",
			                   k->str, where, best));
		else
			st = worst(st, bad(L, file, k, "unknown key '%.60s' in %s; valid keys are: %s",
			                   k->str, where, valid));
	}
	return st;
}

static ps_status need_map(loader *L, const char *file, const ynode *n, const ynode *key, const char *what)
{
	if (n && n->kind == YNODE_MAP)
		return PS_OK;
	return bad(L, file, n && !ynode_is_null(n) ? n : key, "%s must be a mapping (key: value lines), not %s",
	           what, kind_name(n));
}

/* A required or optional text field. */
static ps_status get_text(loader *L, const char *file, const ynode *map, const char *key, bool required,
                          const char **out)
{
	const ynode *v = map_get(map, key);
	*out = NULL;
	if (!v || ynode_is_null(v)) {
		if (!required)
			return PS_OK;
		return bad(L, file, v ? v : map, "missing '%s'; add '%s: ...'", key, key);
	}
	if (v->kind != YNODE_SCALAR)
		return bad(L, file, v, "'%s' must be text, not %s", key, kind_name(v));
	if (memchr(v->str, '\0', v->len))
		return bad(L, file, v, "'%s' holds a NUL byte; remove it", key);
	*out = v->str;
	return PS_OK;
}

static ps_status get_uint(loader *L, const char *file, const ynode *map, const char *key, long lo, long hi,
                          long dflt, long *out)
{
	const ynode *v = map_get(map, key);
	*out = dflt;
	if (!v)
		return PS_OK;
	char *end = NULL;
	errno = 0;
	long x = v->kind == YNODE_SCALAR && !v->quoted && v->len ? strtol(v->str, &end, 10) : 0;
	if (v->kind != YNODE_SCALAR || v->quoted || !v->len || errno || *end || x < lo || x > hi)
		return bad(L, file, v, "'%s' must be a whole number from %ld to %ld", key, lo, hi);
	*out = x;
	return PS_OK;
}

static ps_status remember_pattern(loader *L, ps_pattern *p, const char *key)
{
	ps_ruleset *rs = L->rs;
	if (rs->n_patterns == L->cap_patterns) {
		size_t cap = L->cap_patterns ? L->cap_patterns * 2 : 256;
		pattern_entry *grown = realloc(rs->patterns, cap * sizeof(*grown));
		if (!grown)
			return PS_ERR_NOMEM;
		rs->patterns = grown;
		L->cap_patterns = cap;
	}
	const char *role = key;
	if (L->section) {
		role = arena_printf(&rs->a, "%s.%s", L->section, key);
		if (!role)
			return PS_ERR_NOMEM;
	}
	p->index = (uint32_t)rs->n_patterns;
	rs->patterns[rs->n_patterns++] = (pattern_entry){
		.pattern = p, .role = role, .clause = L->section ? NULL : L->cur_clause,
		.signal = L->section ? NULL : L->cur_signal,
	};
	return PS_OK;
}

/* Each cue list's first sets (patlist.first): a sentence that needs its
 * cues asks the prefilter about every pattern of every list, some 150,
 * and reading each pattern's index, then its owner's first set, was the
 * most of what collecting the cues cost. */
static ps_status first_sets(ps_ruleset *rs, patlist *pl)
{
	if (!pl->count)
		return PS_OK;
	pl->first = arena_alloc(&rs->a, pl->count * sizeof(*pl->first));
	if (!pl->first)
		return PS_ERR_NOMEM;
	for (size_t i = 0; i < pl->count; i++)
		pl->first[i] = prefilter_first_set(&rs->pf, (uint32_t)pl->items[i]->index);
	return PS_OK;
}

static ps_status cue_first_sets(ps_ruleset *rs)
{
	cue_rules *kinds[] = { &rs->negation, &rs->hedge, &rs->attribution, &rs->restatement };
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		patlist *lists[] = { &kinds[k]->terms, &kinds[k]->after, &kinds[k]->pseudo, &kinds[k]->stop };
		for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
			if (first_sets(rs, lists[i]) != PS_OK)
				return PS_ERR_NOMEM;
	}
	return PS_OK;
}

/* A pattern or a list of patterns. */
static ps_status get_patterns(loader *L, const char *file, const ynode *map, const char *key, bool required,
                              patlist *out)
{
	const ynode *v = map_get(map, key);
	const ynode *one[1];
	const ynode *const *items = one;
	size_t n = 0;
	ps_status st = PS_OK;

	out->items = NULL;
	out->count = 0;
	out->first = NULL;
	if (!v || ynode_is_null(v)) {
		if (!required)
			return PS_OK;
		return bad(L, file, v ? v : map, "missing '%s'; give a pattern or a list of patterns", key);
	}
	if (v->kind == YNODE_SCALAR) {
		one[0] = v;
		n = 1;
	} else if (v->kind == YNODE_SEQ) {
		items = (const ynode *const *)v->items;
		n = v->count;
		if (!n)
			return bad(L, file, v, "'%s' is an empty list; give at least one pattern or remove the key", key);
	} else {
		return bad(L, file, v, "'%s' must be a pattern or a list of patterns, not %s", key, kind_name(v));
	}
	out->items = arena_alloc(&L->rs->a, n * sizeof(*out->items));
	if (!out->items)
		return PS_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const ynode *s = items[i];
		if (s->kind != YNODE_SCALAR || ynode_is_null(s)) {
			st = worst(st, bad(L, file, s, "each entry of '%s' must be a pattern (text), not %s", key,
			                   kind_name(s)));
			continue;
		}
		ps_pattern *p = NULL;
		st = worst(st, pattern_compile(&p, &L->pc, file, s));
		if (p) {
			out->items[out->count++] = p;
			st = worst(st, remember_pattern(L, p, key));
		}
	}
	return st;
}

/* ---- files ------------------------------------------------------------- */

static ps_status read_file(loader *L, const char *path, const char *from_file, const ynode *from,
                           char **out, size_t *out_len)
{
	struct stat sb;
	char *buf = NULL;
	size_t len = 0;
	ps_status st = PS_OK;
	/* O_NONBLOCK so that opening a FIFO does not wait for a writer. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	*out = NULL;
	*out_len = 0;
	if (fd < 0) {
		if (from)
			st = bad(L, from_file, from, "cannot read '%s': %s", path, strerror(errno));
		else
			st = bad(L, path, NULL, "cannot read the rule file: %s", strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) != 0) {
		st = bad(L, path, NULL, "cannot read the rule file: %s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		st = bad(L, path, NULL, "is a directory; name a rule file, or a pack directory holding pack.yaml");
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		st = bad(L, path, NULL, "is not a regular file (a device, FIFO or socket); rule files must be files");
		goto out;
	}
	if ((unsigned long long)sb.st_size > PS_MAX_RULE_FILE_SIZE) {
		st = bad(L, path, NULL, "the file is %lld bytes, over the limit of %u for a rule file; split it",
		         (long long)sb.st_size, (unsigned)PS_MAX_RULE_FILE_SIZE);
		goto out;
	}
	buf = arena_alloc(&L->rs->a, (size_t)sb.st_size + 1);
	if (!buf) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	while (len <= (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)sb.st_size + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st = bad(L, path, NULL, "cannot read the rule file: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > (size_t)sb.st_size) {
		st = bad(L, path, NULL, "the file grew while it was read; try again");
		goto out;
	}
	*out = buf;
	*out_len = len;
out:
	if (fd >= 0)
		close(fd);
	return st;
}

static ps_status add_doc(loader *L, const char *file, const ynode *root, bool is_pack_file)
{
	if (L->n_docs == L->cap_docs) {
		size_t cap = L->cap_docs ? L->cap_docs * 2 : 32;
		rdoc *docs = realloc(L->docs, cap * sizeof(*docs));
		if (!docs)
			return PS_ERR_NOMEM;
		L->docs = docs;
		L->cap_docs = cap;
	}
	L->docs[L->n_docs++] = (rdoc){ .file = file, .root = root, .is_pack_file = is_pack_file };
	return PS_OK;
}

static ps_status load_text(loader *L, const char *file, const char *buf, size_t len, bool is_pack_file);
static ps_status load_docs(loader *L, const char *file, ynode **docs, size_t ndocs, bool is_pack_file);

/* ---- the files of a glob, parsed two at a time ------------------------
 *
 * libyaml is a fifth of a load, and each file parses alone: the files one
 * entry of 'files' names are read in order, then parsed on two threads
 * (each into its own arena and diagnostics), then checked in order, their
 * diagnostics added as they come, so the result is the same as one file
 * after another. */

typedef struct pending_file {
	const char *name;
	char *buf;
	size_t len;
	ps_status st;            /* reading's, then parsing's */
	ps_diags *diags;         /* what reading and parsing said */
	arena a;                 /* the parse's nodes, the ruleset's after */
	ynode **docs;
	size_t ndocs;
} pending_file;

typedef struct parse_range {
	pending_file *files;
	size_t from, to;
} parse_range;

static void *parse_range_run(void *arg)
{
	const parse_range *r = arg;
	for (size_t i = r->from; i < r->to; i++) {
		pending_file *pf = &r->files[i];
		if (pf->st == PS_OK)
			pf->st = yamltree_parse(&pf->docs, &pf->ndocs, &pf->a, pf->name, pf->buf, pf->len, pf->diags);
	}
	return NULL;
}

/* Fewer files than this are parsed on the loader's thread. */
enum { PARSE_PAIR_FROM = 4 };

static void parse_batch(pending_file *files, size_t n)
{
	size_t total = 0, half = 0, split = n;
	for (size_t i = 0; i < n; i++)
		total += files[i].len;
	/* The second thread takes the files past half the bytes. */
	for (split = 0; split < n && half < total / 2; split++)
		half += files[split].len;
	parse_range mine = { files, 0, split }, theirs = { files, split, n };
	pthread_t helper;
	bool helped = false;
	if (n >= PARSE_PAIR_FROM && split < n && sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
		sigset_t all, old;
		sigfillset(&all);
		if (pthread_sigmask(SIG_SETMASK, &all, &old) == 0) {
			helped = pthread_create(&helper, NULL, parse_range_run, &theirs) == 0;
			pthread_sigmask(SIG_SETMASK, &old, NULL);
		}
	}
	if (!helped)
		mine.to = n;
	parse_range_run(&mine);
	if (helped)
		pthread_join(helper, NULL);
}

/* Move the diagnostics in from to the loader's, in order. */
static ps_status take_diags(loader *L, const ps_diags *from)
{
	for (size_t i = 0; i < ps_diags_count(from); i++) {
		const ps_diag *d = ps_diags_get(from, i);
		if (ps_diags_add(L->diags, d->severity, d->file, d->line, d->column, d->id, d->message) != PS_OK) {
			L->nomem = true;
			return PS_ERR_NOMEM;
		}
	}
	return ps_diags_errors(from) ? PS_ERR_RULES : PS_OK;
}

/* Load the files a pack names, relative to the pack file's directory. */
static ps_status load_pack_files(loader *L, const char *pack_file, const ynode *files)
{
	ps_status st = PS_OK;
	char dir[PATH_MAX];
	const char *slash = strrchr(pack_file, '/');

	if (files->kind != YNODE_SEQ || files->count == 0)
		return bad(L, pack_file, files, "'files' must be a list of rule files or globs, such as clauses/*.yaml");
	size_t dir_len = slash ? (size_t)(slash - pack_file) : 1;
	if (dir_len >= sizeof dir)
		return bad(L, pack_file, files, "the pack's path is too long");
	memcpy(dir, slash ? pack_file : ".", dir_len);
	dir[dir_len] = '\0';
	for (size_t i = 0; i < files->count; i++) {
		const ynode *f = files->items[i];
		char pat[PATH_MAX];
		glob_t g;
		if (f->kind != YNODE_SCALAR || ynode_is_null(f) || memchr(f->str, '\0', f->len)) {
			st = worst(st, bad(L, pack_file, f, "each entry of 'files' must be a path or glob"));
			continue;
		}
		int plen = f->str[0] == '/' ? snprintf(pat, sizeof pat, "%s", f->str)
		                            : snprintf(pat, sizeof pat, "%s/%s", dir, f->str);
		if (plen < 0 || (size_t)plen >= sizeof pat) {
			st = worst(st, bad(L, pack_file, f, "the path is too long"));
			continue;
		}
		int rc = glob(pat, GLOB_ERR, NULL, &g);
		if (rc == GLOB_NOMATCH) {
			if (strpbrk(f->str, "*?["))
				st = worst(st, warn(L, pack_file, f, "'%s' matches no file", f->str));
			else
				st = worst(st, bad(L, pack_file, f, "'%s' does not exist; fix the path (relative to %s)",
				                   f->str, dir));
			continue;
		}
		if (rc == GLOB_ABORTED && strpbrk(f->str, "*?[")) {
			st = worst(st, warn(L, pack_file, f, "'%s' matches no file (a directory in it cannot be read)", f->str));
			continue;
		}
		if (rc != 0) {
			st = worst(st, bad(L, pack_file, f, "cannot list '%s'", f->str));
			continue;
		}
		pending_file *batch = calloc(g.gl_pathc, sizeof(*batch));
		size_t n = 0;
		bool too_many = false;
		if (!batch)
			st = PS_ERR_NOMEM;
		for (size_t k = 0; k < g.gl_pathc && st != PS_ERR_NOMEM; k++) {
			char real[PATH_MAX];
			const char *p = g.gl_pathv[k];
			bool dup = false;
			if (realpath(p, real)) {
				for (size_t s = 0; s < L->n_seen; s++)
					dup = dup || !strcmp(L->seen[s], real);
				if (dup)
					continue;
				char **seen = realloc(L->seen, (L->n_seen + 1) * sizeof(*seen));
				char *copy = strdup(real);
				if (seen)
					L->seen = seen;
				if (!seen || !copy) {
					free(copy);
					st = PS_ERR_NOMEM;
					break;
				}
				L->seen[L->n_seen++] = copy;
			}
			if (++L->n_files > PS_MAX_RULE_FILES) {
				too_many = true;
				break;
			}
			pending_file *pf = &batch[n++];
			arena_init(&pf->a, 16384); /* a clause file's nodes are a few blocks */
			pf->name = arena_strndup(&L->rs->a, p, strlen(p));
			if (!pf->name || ps_diags_new(&pf->diags) != PS_OK) {
				st = PS_ERR_NOMEM;
				break;
			}
			/* What reading says waits with what parsing says, for its turn. */
			ps_diags *diags = L->diags;
			L->diags = pf->diags;
			pf->st = read_file(L, pf->name, pack_file, f, &pf->buf, &pf->len);
			L->diags = diags;
		}
		if (st != PS_ERR_NOMEM)
			parse_batch(batch, n);
		for (size_t k = 0; k < n; k++) {
			pending_file *pf = &batch[k];
			if (st != PS_ERR_NOMEM && pf->diags)
				st = worst(st, take_diags(L, pf->diags));
			arena_adopt(&L->rs->a, &pf->a);
			if (st != PS_ERR_NOMEM)
				st = worst(st, pf->st == PS_OK ? load_docs(L, pf->name, pf->docs, pf->ndocs, false) : pf->st);
			ps_diags_free(pf->diags);
		}
		free(batch);
		if (too_many && st != PS_ERR_NOMEM)
			st = worst(st, bad(L, pack_file, f, "more than %u rule files; split the pack", (unsigned)PS_MAX_RULE_FILES));
		globfree(&g);
	}
	return st;
}

static const char *const top_keys[] = {
	"pactscan", "pack", "lexicons", "cues", "setting", "clause", "signals", "examples", NULL
};
static const char *const pack_keys[] = { "name", "version", "source", "date", "files", NULL };

static bool valid_date(const char *d)
{
	for (int i = 0; i < 10; i++)
		if (!d[i] || ((i == 4 || i == 7) ? d[i] != '-' : (d[i] < '0' || d[i] > '9')))
			return false;
	int month = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
	return !d[10] && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

static ps_status load_pack_meta(loader *L, const char *file, const ynode *root, const ynode *pack)
{
	ps_status st = need_map(L, file, pack, map_key(root, "pack"), "'pack'");
	if (st != PS_OK)
		return st;
	st = check_keys(L, file, pack, pack_keys, "'pack'");
	st = worst(st, get_text(L, file, pack, "name", true, &L->rs->name));
	st = worst(st, get_text(L, file, pack, "version", true, &L->rs->version));
	st = worst(st, get_text(L, file, pack, "source", false, &L->rs->source));
	st = worst(st, get_text(L, file, pack, "date", false, &L->rs->date));
	const char *name = L->rs->name, *date = L->rs->date;
	bool name_ok = name && *name;
	for (const char *p = name; name_ok && *p; p++)
		name_ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		          *p == '_';
	if (name && !name_ok)
		st = worst(st, bad(L, file, map_get(pack, "name"), "the pack's name uses letters, digits, - and _"));
	if (date && !valid_date(date))
		st = worst(st, bad(L, file, map_get(pack, "date"), "'date' must be written YYYY-MM-DD, such as 2025-09-29"));
	const ynode *files = map_get(pack, "files");
	if (files && st != PS_ERR_NOMEM)
		st = worst(st, load_pack_files(L, file, files));
	return st;
}

/* Check one file's parsed documents, each for its version key. */
static ps_status load_docs(loader *L, const char *file, ynode **docs, size_t ndocs, bool is_pack_file)
{
	ps_status st = PS_OK;
	bool any = false;
	for (size_t i = 0; i < ndocs; i++) {
		const ynode *root = docs[i];
		if (ynode_is_null(root))
			continue;
		any = true;
		if (root->kind != YNODE_MAP) {
			st = worst(st, bad(L, file, root, "a rule file must be a mapping of keys such as 'clause:' and 'signals:', not %s",
			                   kind_name(root)));
			continue;
		}
		ps_status ks = check_keys(L, file, root, top_keys, "a rule file");
		if (root->count == 2 && map_get(root, "pactscan"))
			ks = worst(ks, bad(L, file, root, "this document holds only the format version; add 'clause:', 'lexicons:', 'cues:' or 'setting:', or remove it"));
		const ynode *ver = map_get(root, "pactscan");
		if (!ver)
			ks = worst(ks, bad(L, file, root, "missing 'pactscan: 1' (the rule format version) at the top of the document"));
		else if (ver->kind != YNODE_SCALAR || ver->len != 1 || ver->str[0] != '1')
			ks = worst(ks, bad(L, file, ver, "unsupported rule format version; this pactscan reads 'pactscan: 1'"));
		const ynode *pack = map_get(root, "pack");
		if (pack && !is_pack_file)
			ks = worst(ks, bad(L, file, map_key(root, "pack"), "'pack' belongs in the pack's own file, not in a file it loads"));
		else if (pack)
			ks = worst(ks, load_pack_meta(L, file, root, pack));
		if ((map_get(root, "signals") || map_get(root, "examples")) && !map_get(root, "clause"))
			ks = worst(ks, bad(L, file, map_key(root, map_get(root, "signals") ? "signals" : "examples"),
			                   "'signals' and 'examples' belong to a clause; add a 'clause:' block to this document"));
		st = worst(st, ks);
		st = worst(st, add_doc(L, file, root, is_pack_file));
	}
	if (!any)
		st = worst(st, bad(L, file, NULL, "no rules in this file; it is empty or holds only comments"));
	return st;
}

/* Parse one file's text and check its documents. */
static ps_status load_text(loader *L, const char *file, const char *buf, size_t len, bool is_pack_file)
{
	ynode **docs = NULL;
	size_t ndocs = 0;
	ps_status st = yamltree_parse(&docs, &ndocs, &L->rs->a, file, buf, len, L->diags);
	if (st != PS_OK)
		return st;
	return load_docs(L, file, docs, ndocs, is_pack_file);
}

/* ---- sections ---------------------------------------------------------- */

static bool valid_name(const char *s, size_t len, bool dash)
{
	if (!len || len > 64 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9' && dash)))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dash && c == '-')))
			return false;
	}
	return true;
}

static ps_status collect_lexicons(loader *L, const char *file, const ynode *lexs)
{
	ps_status st = need_map(L, file, lexs, NULL, "'lexicons'");
	if (st != PS_OK)
		return st;
	size_t n = lexs->count / 2;
	lexicon *grown = realloc(L->pc.lexicons, (L->pc.n_lexicons + n) * sizeof(*grown));
	if (!grown && n)
		return PS_ERR_NOMEM;
	if (grown)
		L->pc.lexicons = grown;
	for (size_t i = 0; i + 1 < lexs->count; i += 2) {
		const ynode *k = lexs->items[i], *v = lexs->items[i + 1];
		if (k->kind != YNODE_SCALAR || !valid_name(k->str, k->len, false)) {
			st = worst(st, bad(L, file, k, "lexicon names use lower-case letters, digits and _, starting with a letter"));
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < L->pc.n_lexicons; j++) {
			lexicon *o = &L->pc.lexicons[j];
			if (o->name_len == k->len && !memcmp(o->name, k->str, k->len)) {
				st = worst(st, bad(L, file, k, "lexicon '%s' is defined twice (first in %s:%zu:%zu); merge the two lists",
				                   k->str, o->file, o->line, o->col));
				dup = true;
			}
		}
		if (dup)
			continue;
		if (v->kind != YNODE_SEQ || v->count == 0) {
			st = worst(st, bad(L, file, ynode_is_null(v) ? k : v, "lexicon '%s' must be a non-empty list of terms",
			                   k->str));
			continue;
		}
		bool terms_ok = true;
		for (size_t t = 0; t < v->count; t++) {
			const ynode *term = v->items[t];
			if (term->kind != YNODE_SCALAR || ynode_is_null(term) || term->len == 0) {
				st = worst(st, bad(L, file, term, "each term of lexicon '%s' must be text, not %s", k->str,
				                   kind_name(term)));
				terms_ok = false;
			}
		}
		if (!terms_ok)
			continue;
		L->pc.lexicons[L->pc.n_lexicons++] = (lexicon){
			.name = k->str, .name_len = k->len, .terms = v, .file = file, .line = k->line, .col = k->col,
		};
	}
	return st;
}

static const char *const negation_keys[] = { "before", "after", "scope", "stop", "pseudo", NULL };
static const char *const cue_keys[] = { "terms", "scope", "stop", NULL };
static const char *const cues_keys[] = { "negation", "hedge", "attribution", "restatement", NULL };

static ps_status load_cue_kind(loader *L, const char *file, const ynode *cues, const char *kind, cue_rules *out)
{
	const ynode *c = map_get(cues, kind);
	long scope = 6;
	char where[64];
	if (!c)
		return PS_OK;
	snprintf(where, sizeof where, "'cues.%s'", kind);
	ps_status st = need_map(L, file, c, map_key(cues, kind), where);
	if (st != PS_OK)
		return st;
	bool neg = !strcmp(kind, "negation");
	char *section = arena_printf(&L->rs->a, "cues.%s", kind);
	if (!section)
		return PS_ERR_NOMEM;
	L->section = section;
	st = check_keys(L, file, c, neg ? negation_keys : cue_keys, where);
	/* Negation needs a "before" or an "after" list; the others need "terms". */
	bool need = !neg || !map_get(c, "after");
	st = worst(st, get_patterns(L, file, c, neg ? "before" : "terms", need, &out->terms));
	if (neg) {
		st = worst(st, get_patterns(L, file, c, "after", false, &out->after));
		st = worst(st, get_patterns(L, file, c, "pseudo", false, &out->pseudo));
	}
	st = worst(st, get_patterns(L, file, c, "stop", false, &out->stop));
	st = worst(st, get_uint(L, file, c, "scope", 0, 100, 6, &scope));
	out->scope = (size_t)scope;
	L->section = NULL;
	return st;
}

/* A section the whole pack has once ("cues", "setting"): its mapping in
 * *out, where it is (*at, *at_file) kept for the error a second one gets. */
static ps_status claim_section(loader *L, const char *file, const ynode *root, const char *key, const ynode **at,
                               const char **at_file, const ynode **out)
{
	if (*at)
		return bad(L, file, map_key(root, key), "'%s' is defined twice (first in %s:%zu:%zu); keep one", key,
		           *at_file, (*at)->line, (*at)->col);
	*at = map_key(root, key);
	*at_file = file;
	*out = map_get(root, key);
	char what[32];
	snprintf(what, sizeof what, "'%s'", key);
	return need_map(L, file, *out, *at, what);
}

static ps_status load_cues(loader *L, const char *file, const ynode *root)
{
	const ynode *cues = NULL;
	ps_status st = claim_section(L, file, root, "cues", &L->cues_at, &L->cues_file, &cues);
	if (st != PS_OK)
		return st;
	st = check_keys(L, file, cues, cues_keys, "'cues'");
	st = worst(st, load_cue_kind(L, file, cues, "negation", &L->rs->negation));
	st = worst(st, load_cue_kind(L, file, cues, "hedge", &L->rs->hedge));
	st = worst(st, load_cue_kind(L, file, cues, "attribution", &L->rs->attribution));
	st = worst(st, load_cue_kind(L, file, cues, "restatement", &L->rs->restatement));
	return st;
}

static const char *const setting_keys[] = { "any", "none", "context", NULL };

static ps_status load_setting(loader *L, const char *file, const ynode *root)
{
	const ynode *s = NULL;
	long context = 0;
	ps_status st = claim_section(L, file, root, "setting", &L->setting_at, &L->setting_file, &s);
	if (st != PS_OK)
		return st;
	st = check_keys(L, file, s, setting_keys, "'setting'");
	L->section = "setting";
	st = worst(st, get_patterns(L, file, s, "any", true, &L->rs->setting_any));
	st = worst(st, get_patterns(L, file, s, "none", false, &L->rs->setting_none));
	L->section = NULL;
	st = worst(st, get_uint(L, file, s, "context", 0, 50, 0, &context));
	L->rs->setting_context = (size_t)context;
	L->rs->has_setting = true;
	return st;
}

static const char *const signal_keys[] = {
	"id", "stance", "act", "all", "any", "none", "within", "negation", "weight", NULL
};

static ps_status parse_stance(loader *L, const char *file, const ynode *v, const char *key, int *out, bool nothing)
{
	if (v && v->kind == YNODE_SCALAR) {
		if (key_is(v, "support")) {
			*out = PS_STANCE_SUPPORT;
			return PS_OK;
		}
		if (key_is(v, "conflict")) {
			*out = PS_STANCE_CONFLICT;
			return PS_OK;
		}
		if (nothing && key_is(v, "nothing")) {
			*out = PS_EXPECT_NOTHING;
			return PS_OK;
		}
	}
	return bad(L, file, v, "'%s' must be %s, not '%.40s'", key,
	           nothing ? "support, conflict or nothing" : "support or conflict",
	           v && v->kind == YNODE_SCALAR ? v->str : kind_name(v));
}

static ps_status load_signal(loader *L, const char *file, const ynode *n, ps_signal *sig)
{
	ps_status st = need_map(L, file, n, NULL, "each signal");
	long within = 0;
	int stance = 0;
	if (st != PS_OK)
		return st;
	sig->file = file;
	sig->line = n->line;
	sig->col = n->col;
	sig->flip = true;
	sig->weight = 1.0;
	st = check_keys(L, file, n, signal_keys, "a signal");
	st = worst(st, get_text(L, file, n, "id", true, &sig->id));
	if (sig->id && !valid_name(sig->id, strlen(sig->id), true))
		st = worst(st, bad(L, file, map_get(n, "id"), "signal ids use lower-case letters, digits, - and _"));
	const ynode *sv = map_get(n, "stance");
	if (!sv)
		st = worst(st, bad(L, file, n, "missing 'stance'; add 'stance: support' or 'stance: conflict'"));
	else
		st = worst(st, parse_stance(L, file, sv, "stance", &stance, false));
	sig->stance = (ps_stance)stance;
	L->cur_signal = sig->id;
	st = worst(st, get_patterns(L, file, n, "act", true, &sig->act));
	st = worst(st, get_patterns(L, file, n, "all", false, &sig->all));
	st = worst(st, get_patterns(L, file, n, "any", false, &sig->any));
	st = worst(st, get_patterns(L, file, n, "none", false, &sig->none));
	st = worst(st, get_uint(L, file, n, "within", 1, 200, 0, &within));
	sig->within = (size_t)within;
	const ynode *neg = map_get(n, "negation");
	if (neg) {
		if (key_is(neg, "flip"))
			sig->flip = true;
		else if (key_is(neg, "keep"))
			sig->flip = false;
		else
			st = worst(st, bad(L, file, neg, "'negation' must be flip or keep"));
	}
	const ynode *w = map_get(n, "weight");
	if (w) {
		char *end = NULL;
		double x = w->kind == YNODE_SCALAR && w->len ? strtod(w->str, &end) : -1;
		if (w->kind != YNODE_SCALAR || !w->len || *end || !(x > 0 && x <= 1000))
			st = worst(st, bad(L, file, w, "'weight' must be a number above 0 and at most 1000"));
		else
			sig->weight = x;
	}
	return st;
}

static const char *const example_keys[] = { "text", "expect", "certainty", "context", NULL };

static ps_status load_example(loader *L, const char *file, const ynode *n, ps_example *ex)
{
	ps_status st = need_map(L, file, n, NULL, "each example");
	int expect = PS_EXPECT_NOTHING;
	if (st != PS_OK)
		return st;
	ex->file = file;
	ex->line = n->line;
	ex->column = n->col;
	ex->certainty = -1;
	st = check_keys(L, file, n, example_keys, "an example");
	const ynode *t = map_get(n, "text");
	if (!t || t->kind != YNODE_SCALAR || ynode_is_null(t))
		st = worst(st, bad(L, file, t ? t : n, "an example needs 'text:', the sentence to scan"));
	else {
		ex->text = t->str;
		ex->text_len = t->len;
	}
	const ynode *c = map_get(n, "context");
	if (c && (c->kind != YNODE_SCALAR || ynode_is_null(c)))
		st = worst(st, bad(L, file, c, "'context' must be text"));
	else if (c) {
		ex->context = c->str;
		ex->context_len = c->len;
	}
	const ynode *e = map_get(n, "expect");
	if (!e)
		st = worst(st, bad(L, file, n, "an example needs 'expect: support', 'expect: conflict' or 'expect: nothing'"));
	else
		st = worst(st, parse_stance(L, file, e, "expect", &expect, true));
	ex->expect = (ps_expect)expect;
	const ynode *cv = map_get(n, "certainty");
	if (cv) {
		if (key_is(cv, "asserted"))
			ex->certainty = PS_CERTAINTY_ASSERTED;
		else if (key_is(cv, "hedged"))
			ex->certainty = PS_CERTAINTY_HEDGED;
		else if (key_is(cv, "attributed"))
			ex->certainty = PS_CERTAINTY_ATTRIBUTED;
		else
			st = worst(st, bad(L, file, cv, "'certainty' must be asserted, hedged or attributed"));
		if (expect == PS_EXPECT_NOTHING && ex->certainty >= 0)
			st = worst(st, bad(L, file, cv, "'certainty' has no meaning with 'expect: nothing'; remove it"));
	}
	return st;
}

static const char *const clause_keys[] = { "id", "point", "title", "summary", "owed_by", "notes", NULL };

static ps_status load_clause(loader *L, const char *file, const ynode *root)
{
	const ynode *cn = map_get(root, "clause");
	ps_ruleset *rs = L->rs;
	ps_status st = need_map(L, file, cn, map_key(root, "clause"), "'clause'");
	if (st != PS_OK)
		return st;
	if (rs->n_clauses >= PS_MAX_CLAUSES)
		return bad(L, file, cn, "more than %u clauses; split the pack", (unsigned)PS_MAX_CLAUSES);
	ps_clause *c = arena_alloc(&rs->a, sizeof(*c));
	if (!c)
		return PS_ERR_NOMEM;
	L->cur_clause = c;
	c->file = file;
	/* need_map() found the key: its place is the clause's. */
	const ynode *key = map_key(root, "clause");
	c->line = key ? key->line : 0;
	c->col = key ? key->col : 0;
	st = check_keys(L, file, cn, clause_keys, "'clause'");
	st = worst(st, get_text(L, file, cn, "id", true, &c->id));
	if (c->id && !valid_name(c->id, strlen(c->id), true))
		st = worst(st, bad(L, file, map_get(cn, "id"), "clause ids use lower-case letters, digits, - and _"));
	const ynode *pv = map_get(cn, "point");
	if (!pv)
		st = worst(st, bad(L, file, cn, "missing 'point'; give the plan's point number, or 'point: null' for a commitment the pack adds"));
	else if (!ynode_is_null(pv)) {
		long point = 0;
		st = worst(st, get_uint(L, file, cn, "point", 1, 1000, 0, &point));
		c->point = (int)point;
	}
	st = worst(st, get_text(L, file, cn, "title", true, &c->title));
	st = worst(st, get_text(L, file, cn, "summary", true, &c->summary));
	st = worst(st, get_text(L, file, cn, "notes", false, &c->notes));
	const ynode *ob = map_get(cn, "owed_by");
	if (ob && !ynode_is_null(ob)) {
		if (ob->kind == YNODE_SCALAR) {
			c->owed_by = arena_alloc(&rs->a, sizeof(*c->owed_by));
			if (!c->owed_by)
				return PS_ERR_NOMEM;
			c->owed_by[c->n_owed_by++] = ob->str;
		} else if (ob->kind == YNODE_SEQ) {
			c->owed_by = arena_alloc(&rs->a, (ob->count + 1) * sizeof(*c->owed_by));
			if (!c->owed_by)
				return PS_ERR_NOMEM;
			for (size_t i = 0; i < ob->count; i++) {
				if (ob->items[i]->kind != YNODE_SCALAR)
					st = worst(st, bad(L, file, ob->items[i], "each entry of 'owed_by' must be a party's name"));
				else
					c->owed_by[c->n_owed_by++] = ob->items[i]->str;
			}
		} else {
			st = worst(st, bad(L, file, ob, "'owed_by' must be a list of parties"));
		}
	}
	/* Clause ids are unique across the pack. */
	for (size_t i = 0; c->id && i < rs->n_clauses; i++)
		if (rs->clauses[i]->id && !strcmp(rs->clauses[i]->id, c->id))
			st = worst(st, bad(L, file, map_get(cn, "id"), "clause id '%s' is used twice (first in %s:%zu:%zu); ids must be unique",
			                   c->id, rs->clauses[i]->file, rs->clauses[i]->line, rs->clauses[i]->col));

	const ynode *sigs = map_get(root, "signals");
	if (!sigs || sigs->kind != YNODE_SEQ || sigs->count == 0) {
		st = worst(st, bad(L, file, sigs && !ynode_is_null(sigs) ? sigs : map_key(root, "clause"),
		                   "a clause needs 'signals:', a non-empty list of signals"));
	} else if (sigs->count > PS_MAX_SIGNALS) {
		st = worst(st, bad(L, file, sigs, "more than %u signals in one clause; split the clause",
		                   (unsigned)PS_MAX_SIGNALS));
	} else {
		c->signals = arena_alloc(&rs->a, sigs->count * sizeof(*c->signals));
		if (!c->signals)
			return PS_ERR_NOMEM;
		for (size_t i = 0; i < sigs->count; i++) {
			ps_signal *sig = &c->signals[c->n_signals];
			ps_status ss = load_signal(L, file, sigs->items[i], sig);
			/* A clause's signals own consecutive numbers: the scanner asks
			 * by number (signals[0].owner + i). */
			sig->owner = OWNER_FIRST_SIGNAL + (uint32_t)(rs->n_signals + c->n_signals);
			st = worst(st, ss);
			if (!sig->id)
				continue;
			for (size_t j = 0; j < c->n_signals; j++)
				if (!strcmp(c->signals[j].id, sig->id))
					st = worst(st, bad(L, file, sigs->items[i], "signal id '%s' is used twice in this clause (first at line %zu, column %zu)",
					                   sig->id, c->signals[j].line, c->signals[j].col));
			c->n_signals++;
		}
	}
	const ynode *exs = map_get(root, "examples");
	if (exs && !ynode_is_null(exs)) {
		if (exs->kind != YNODE_SEQ) {
			st = worst(st, bad(L, file, exs, "'examples' must be a list"));
		} else if (exs->count) {
			c->examples = arena_alloc(&rs->a, exs->count * sizeof(*c->examples));
			if (!c->examples)
				return PS_ERR_NOMEM;
			for (size_t i = 0; i < exs->count; i++)
				st = worst(st, load_example(L, file, exs->items[i], &c->examples[c->n_examples++]));
		}
	}
	if (st == PS_ERR_NOMEM)
		return st;
	ps_clause **grown = arena_alloc(&rs->a, (rs->n_clauses + 1) * sizeof(*grown));
	if (!grown)
		return PS_ERR_NOMEM;
	if (rs->n_clauses)
		memcpy(grown, rs->clauses, rs->n_clauses * sizeof(*grown));
	c->index = rs->n_clauses;
	grown[rs->n_clauses++] = c;
	rs->clauses = grown;
	rs->n_signals += c->n_signals;
	return st;
}

/* ---- entry points ------------------------------------------------------ */

static ps_status build(loader *L)
{
	ps_status st = PS_OK;
	/* Lexicons first: any pattern in any file may name any lexicon. */
	for (size_t i = 0; i < L->n_docs && st != PS_ERR_NOMEM; i++) {
		const ynode *lx = map_get(L->docs[i].root, "lexicons");
		if (lx)
			st = worst(st, collect_lexicons(L, L->docs[i].file, lx));
	}
	for (size_t i = 0; i < L->n_docs && st != PS_ERR_NOMEM; i++) {
		const rdoc *d = &L->docs[i];
		if (map_get(d->root, "cues"))
			st = worst(st, load_cues(L, d->file, d->root));
		if (map_get(d->root, "setting"))
			st = worst(st, load_setting(L, d->file, d->root));
	}
	for (size_t i = 0; i < L->n_docs && st != PS_ERR_NOMEM; i++) {
		const rdoc *d = &L->docs[i];
		if (map_get(d->root, "clause"))
			st = worst(st, load_clause(L, d->file, d->root));
	}
	if (st == PS_OK && L->rs->n_clauses == 0 && L->n_docs)
		st = bad(L, L->docs[0].file, NULL, "the rules define no clause; a pack needs at least one 'clause:' with signals");
	/* A lexicon nobody used still has to compile. */
	for (size_t i = 0; i < L->pc.n_lexicons && st == PS_OK; i++) {
		const lexicon *lx = &L->pc.lexicons[i];
		ynode ref = { .kind = YNODE_SCALAR, .line = lx->line, .col = lx->col };
		/* In the arena: the compile that may report at it is joined later. */
		char *text = arena_printf(&L->rs->a, "@%.*s", (int)lx->name_len, lx->name);
		if (!text) {
			st = PS_ERR_NOMEM;
			break;
		}
		ref.str = text;
		ref.len = lx->name_len + 1;
		ps_pattern *p = NULL;
		st = pattern_compile(&p, &L->pc, lx->file, &ref);
	}
	/* The patterns compile on a helper thread meanwhile (pattern_ctx_join);
	 * the prefilter needs only their text, and their leading words, which
	 * the helper derives first. */
	if (st == PS_OK) {
		pattern_ctx_wait_leads(&L->pc);
		st = prefilter_build(&L->rs->pf, L->rs, pattern_leads, &L->pc);
	}
	if (st == PS_OK)
		st = cue_first_sets(L->rs);
	st = worst(st, pattern_ctx_join(&L->pc));
	/* A setting without a gate runs the full pass on every sentence: the
	 * scan at 3% of news about the setting took twice as long. */
	if (st == PS_OK && L->rs->has_setting && L->rs->setting_any.count && !prefilter_gated(&L->rs->pf))
		st = worst(st, warn(L, L->setting_file, L->setting_at,
		                    "the setting is slow: one of its `any` patterns has no word in every match (or they have "
		                    "more than %d words in all), so every sentence is searched for every rule's words; give each "
		                    "`any` pattern a word",
		                    PREFILTER_MAX_REQUIRED));
	if (st == PS_OK)
		st = warn_outgrown_tables(L);
	/* A signal the prefilter cannot narrow runs its patterns on every sentence. */
	for (size_t ci = 0; st == PS_OK && ci < L->rs->n_clauses; ci++) {
		const ps_clause *c = L->rs->clauses[ci];
		for (size_t si = 0; si < c->n_signals; si++) {
			const ps_signal *sig = &c->signals[si];
			const prefilter *pf = &L->rs->pf;
			if (pf->owner_set_start[sig->owner] == pf->owner_set_start[sig->owner + 1]) {
				ynode at = { .line = sig->line, .col = sig->col };
				st = worst(st, warn(L, sig->file, &at,
				                    "signal '%s' is slow: no word is required by every match of its act, all and any patterns, so they run on every sentence; start its act with a word",
				                    sig->id));
			}
		}
	}
	return st;
}

static ps_status finish(ps_ruleset **out, loader *L, ps_status st)
{
	ps_ruleset *rs = L->rs;
	/* Compiles still queued (a load that stopped early) before the
	 * programs are handed over. */
	st = worst(st, pattern_ctx_join(&L->pc));
	if (L->nomem)
		st = PS_ERR_NOMEM;
	if (st == PS_OK && ps_diags_errors(L->diags))
		st = PS_ERR_RULES;
	rs->progs = L->pc.progs;
	rs->n_progs = L->pc.n_progs;
	pattern_ctx_done(&L->pc);
	free(L->pc.lexicons);
	free(L->docs);
	for (size_t i = 0; i < L->n_seen; i++)
		free(L->seen[i]);
	free(L->seen);
	if (!rs->name)
		rs->name = "";
	if (!rs->version)
		rs->version = "";
	if (!rs->source)
		rs->source = "";
	if (!rs->date)
		rs->date = "";
	if (st != PS_OK) {
		ps_ruleset_free(rs);
		rs = NULL;
	}
	*out = rs;
	return st;
}

static ps_status start(loader *L, ps_diags *diags)
{
	memset(L, 0, sizeof(*L));
	L->diags = diags;
	L->rs = calloc(1, sizeof(*L->rs));
	if (!L->rs)
		return PS_ERR_NOMEM;
	arena_init(&L->rs->a, 65536);
	return pattern_ctx_init(&L->pc, &L->rs->a, diags);
}

ps_status ps_ruleset_load_string(ps_ruleset **out, const char *name, const char *yaml, size_t len,
                                 ps_diags *diags)
{
	loader L;
	if (!out || !yaml || !diags)
		return PS_ERR_INVALID;
	*out = NULL;
	ps_status st = start(&L, diags);
	if (st != PS_OK) {
		if (L.rs)
			return finish(out, &L, st);
		return st;
	}
	const char *file = arena_strndup(&L.rs->a, name ? name : "<string>", strlen(name ? name : "<string>"));
	if (!file)
		return finish(out, &L, PS_ERR_NOMEM);
	st = load_text(&L, file, yaml, len, true);
	if (st != PS_ERR_NOMEM && !ps_diags_errors(diags))
		st = build(&L);
	return finish(out, &L, st);
}

ps_status ps_ruleset_load(ps_ruleset **out, const char *path, ps_diags *diags)
{
	loader L;
	struct stat sb;
	char *buf = NULL;
	size_t len = 0;
	if (!out || !path || !diags)
		return PS_ERR_INVALID;
	*out = NULL;
	ps_status st = start(&L, diags);
	if (st != PS_OK) {
		if (L.rs)
			return finish(out, &L, st);
		return st;
	}
	const char *file;
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		size_t n = strlen(path);
		while (n > 1 && path[n - 1] == '/')
			n--;
		file = arena_printf(&L.rs->a, "%.*s/pack.yaml", (int)n, path);
		if (file && access(file, F_OK) != 0) {
			if (errno == ENOENT)
				st = bad(&L, path, NULL, "no pack.yaml in this directory; name a pack directory or a rule file");
			else
				st = bad(&L, path, NULL, "cannot read the pack directory: %s", strerror(errno));
			return finish(out, &L, st);
		}
	} else {
		file = arena_strndup(&L.rs->a, path, strlen(path));
	}
	if (!file)
		return finish(out, &L, PS_ERR_NOMEM);
	char real[PATH_MAX];
	if (realpath(file, real)) {
		L.seen = malloc(sizeof(*L.seen));
		if (!L.seen || !(L.seen[0] = strdup(real)))
			return finish(out, &L, PS_ERR_NOMEM);
		L.n_seen = 1;
	}
	st = read_file(&L, file, NULL, NULL, &buf, &len);
	if (st == PS_OK)
		st = load_text(&L, file, buf, len, true);
	if (st != PS_ERR_NOMEM && !ps_diags_errors(diags))
		st = build(&L);
	return finish(out, &L, st);
}

void ps_ruleset_free(ps_ruleset *rules)
{
	if (!rules)
		return;
	pattern_free_progs(rules->progs, rules->n_progs);
	prefilter_free(&rules->pf);
	free(rules->patterns);
	arena_release(&rules->a);
	free(rules);
}

ps_status ps_ruleset_jit_all(const ps_ruleset *rules)
{
	if (!rules)
		return PS_ERR_INVALID;
	for (size_t i = 0; i < rules->n_progs; i++)
		pattern_prog_jit(rules->progs[i]);
	/* The exact matchers too, which are otherwise built after a shape's
	 * first few searches (prefilter_exact_due). */
	const prefilter *pf = &rules->pf;
	for (size_t i = 0; pf->shape_exact && i < rules->n_patterns; i++) {
		const ps_pattern *p = rules->patterns[i].pattern;
		uint32_t shape = pf->shape[i];
		if (shape < pf->n_shapes && pf->shape_leads[shape] && !p->n_source_groups)
			prefilter_exact(pf, shape, p->expanded, p->expanded_len);
	}
	return PS_OK;
}

const char *ps_ruleset_name(const ps_ruleset *rules) { return rules->name; }
const char *ps_ruleset_version(const ps_ruleset *rules) { return rules->version; }
const char *ps_ruleset_source(const ps_ruleset *rules) { return rules->source; }
const char *ps_ruleset_date(const ps_ruleset *rules) { return rules->date; }
size_t ps_ruleset_clause_count(const ps_ruleset *rules) { return rules->n_clauses; }
size_t ps_ruleset_signal_count(const ps_ruleset *rules) { return rules->n_signals; }
size_t ps_ruleset_setting_context(const ps_ruleset *rules) { return rules->has_setting ? rules->setting_context : 0; }

const ps_clause *ps_ruleset_clause(const ps_ruleset *rules, size_t index)
{
	return index < rules->n_clauses ? rules->clauses[index] : NULL;
}

const ps_clause *ps_ruleset_find_clause(const ps_ruleset *rules, const char *id)
{
	for (size_t i = 0; id && i < rules->n_clauses; i++)
		if (!strcmp(rules->clauses[i]->id, id))
			return rules->clauses[i];
	return NULL;
}

const char *ps_clause_id(const ps_clause *clause) { return clause->id; }
int ps_clause_point(const ps_clause *clause) { return clause->point; }
size_t ps_clause_index(const ps_clause *clause) { return clause->index; }
const char *ps_clause_title(const ps_clause *clause) { return clause->title; }
const char *ps_clause_summary(const ps_clause *clause) { return clause->summary; }
const char *ps_clause_file(const ps_clause *clause) { return clause->file; }
size_t ps_clause_owed_by_count(const ps_clause *clause) { return clause->n_owed_by; }
size_t ps_clause_example_count(const ps_clause *clause) { return clause->n_examples; }

const char *ps_clause_owed_by(const ps_clause *clause, size_t index)
{
	return index < clause->n_owed_by ? clause->owed_by[index] : NULL;
}

const ps_example *ps_clause_example(const ps_clause *clause, size_t index)
{
	return index < clause->n_examples ? &clause->examples[index] : NULL;
}

size_t ps_ruleset_pattern_count(const ps_ruleset *rules)
{
	return rules->n_patterns;
}

ps_status ps_ruleset_signal(ps_signal_info *out, const ps_ruleset *rules, size_t index)
{
	if (!out || !rules || index >= rules->n_signals)
		return PS_ERR_INVALID;
	/* A clause's signals are numbered in a row, as loaded (their owners). */
	for (size_t ci = 0; ci < rules->n_clauses; ci++) {
		const ps_clause *c = rules->clauses[ci];
		size_t first = c->n_signals ? c->signals[0].owner - OWNER_FIRST_SIGNAL : 0;
		if (!c->n_signals || index < first || index - first >= c->n_signals)
			continue;
		const ps_signal *sig = &c->signals[index - first];
		*out = (ps_signal_info){ .clause = c, .id = sig->id, .file = sig->file, .line = sig->line, .column = sig->col };
		return PS_OK;
	}
	return PS_ERR_INVALID;
}

ps_status ps_ruleset_pattern(ps_pattern_info *out, const ps_ruleset *rules, size_t index)
{
	if (!out || !rules || index >= rules->n_patterns)
		return PS_ERR_INVALID;
	const pattern_entry *e = &rules->patterns[index];
	*out = (ps_pattern_info){
		.text = e->pattern->text, .text_len = e->pattern->text_len,
		.expanded = e->pattern->expanded, .expanded_len = e->pattern->expanded_len,
		.file = e->pattern->file, .line = e->pattern->line, .column = e->pattern->col,
		.role = e->role, .clause = e->clause, .signal = e->signal,
		.literal_sets = e->pattern->req.count,
	};
	return PS_OK;
}

const char *ps_stance_name(ps_stance stance)
{
	return stance == PS_STANCE_CONFLICT ? "conflict" : "support";
}

const char *ps_certainty_name(ps_certainty certainty)
{
	switch (certainty) {
	case PS_CERTAINTY_HEDGED: return "hedged";
	case PS_CERTAINTY_ATTRIBUTED: return "attributed";
	case PS_CERTAINTY_ASSERTED: break;
	}
	return "asserted";
}
