#include "acmatch_int.h"

#include <stdlib.h>
#include <string.h>

/* A trie state while the literals go in. */
typedef struct trie_node {
	uint32_t child;       /* first child; 0 for none */
	uint32_t sibling;     /* the parent's next child */
	uint32_t own;         /* literals ending here */
	uint8_t edge;         /* class of the edge into the state */
} trie_node;

ps_status acm_build(acm *m, const char *const *lits, const size_t *lens, size_t n, bool walk_only)
{
	ps_status st = PS_OK;
	size_t total = 1, cap = 0;
	uint32_t root_child[256] = { 0 };
	trie_node *node = NULL;
	uint32_t *fail = NULL, *queue = NULL, *out_n = NULL, *lit_end = NULL;

	memset(m, 0, sizeof(*m));
	/* Classes: one per byte that occurs in a literal; upper-case letters share
	 * their lower-case class, so the text needs no folding. */
	m->nclass = 1;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < lens[i]; k++) {
			uint8_t b = (uint8_t)lits[i][k];
			if (!m->cls[b]) {
				if (m->nclass == 255) {
					st = PS_ERR_LIMIT;
					goto out;
				}
				m->cls[b] = (uint8_t)m->nclass++;
				if (b >= 'a' && b <= 'z')
					m->cls[b - 'a' + 'A'] = m->cls[b];
			}
		}
		total += lens[i];
		if (lens[i] > m->longest)
			m->longest = (uint32_t)lens[i];
	}
	/* Whitespace that no literal holds walks as a space: a literal's space
	 * then also stands for a tab or a line end, as \s does in a pattern
	 * (prefix.c leads "a\s+red" with "a "). The walk may find a word that a
	 * pattern's plain space would not match, never miss one: it filters. */
	if (m->cls[' '])
		for (const char *w = "\t\n\v\f\r"; *w; w++)
			if (!m->cls[(unsigned char)*w])
				m->cls[(unsigned char)*w] = m->cls[' '];
	if (total > ACM_HAS_OUTPUT / m->nclass) {
		st = PS_ERR_LIMIT;
		goto out;
	}
	/* The trie as lists of children rather than table rows: the table is
	 * then allocated once, at its final size, and filled a row at a time.
	 * The literals' bytes bound the states, but loosely (the pack's
	 * 24,600 bytes make 9,390 states), so the nodes grow as they come. */
	lit_end = malloc((n ? n : 1) * sizeof(*lit_end));
	if (!lit_end) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	m->nstates = 1;
	for (size_t i = 0; i < n; i++) {
		uint32_t s = 0;
		for (size_t k = 0; k < lens[i]; k++) {
			uint8_t c = m->cls[(uint8_t)lits[i][k]];
			/* Every literal passes the root, whose children are many. */
			uint32_t t = s ? node[s].child : root_child[c];
			while (s && t && node[t].edge != c)
				t = node[t].sibling;
			if (!t) {
				if (m->nstates >= cap) {
					cap = cap ? 2 * cap : 1024;
					trie_node *grown = realloc(node, cap * sizeof(*grown));
					if (!grown) {
						st = PS_ERR_NOMEM;
						goto out;
					}
					node = grown;
				}
				t = m->nstates++;
				node[t] = (trie_node){ .edge = c };
				if (s) {
					node[t].sibling = node[s].child;
					node[s].child = t;
				} else {
					root_child[c] = t;
				}
			}
			s = t;
		}
		lit_end[i] = s;
		if (s)
			node[s].own++;
	}
	/* The root's own literals: the empty ones. */
	uint32_t root_own = 0;
	for (size_t i = 0; i < n; i++)
		root_own += lit_end[i] == 0;
	fail = malloc(m->nstates * sizeof(*fail));
	queue = malloc(m->nstates * sizeof(*queue));
	out_n = malloc(m->nstates * sizeof(*out_n)); /* own literals and the fail chain's */
	if (!fail || !queue || !out_n) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	const uint32_t nc = m->nclass;
	/* A table whose entries do not fit 16 bits as offsets, but whose
	 * states do as numbers (the full pack's), is built as numbers at once:
	 * made in 32 bits and converted, it was 2.3 MB written, read and freed,
	 * 2.2 ms of the pack's load on its main thread. Only for a caller that
	 * walks it alone: the gate's `any` half derives other tables from
	 * delta. */
	const bool numbers16 =
	        walk_only && (size_t)m->nstates * nc >= ACM16_HAS_OUTPUT && m->nstates < ACM16_HAS_OUTPUT;
	if (numbers16)
		m->next16 = malloc((size_t)m->nstates * nc * sizeof(*m->next16));
	else
		m->delta = malloc((size_t)m->nstates * nc * sizeof(*m->delta));
	if (!m->delta && !m->next16) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	/* Breadth first, so a state's fail state, shallower, is done before
	 * it: a row starts as a copy of the fail state's (already
	 * pre-multiplied by the class count, or a number, and flagged for
	 * output), and the trie's edges then replace their entries. An edge's
	 * entry in the copy is where the fail state goes on that class, which
	 * is the child's fail state. */
	out_n[0] = root_own;
	size_t head = 0, tail = 0;
	for (uint32_t c = 0; c < nc; c++) {
		uint32_t t = root_child[c];
		if (t) {
			fail[t] = 0;
			out_n[t] = node[t].own + out_n[0];
			queue[tail++] = t;
		}
		if (numbers16)
			m->next16[c] = (uint16_t)(t | (out_n[t] ? ACM16_HAS_OUTPUT : 0));
		else
			m->delta[c] = t * nc | (out_n[t] ? ACM_HAS_OUTPUT : 0);
	}
	/* Entries are states times nc: q * nc * recip >> 31 is q while q * nc
	 * < 2^31 (the error, q * (recip * nc - 2^31), stays under 2^31), and
	 * saves a division per state. */
	const uint64_t recip = ((UINT64_C(1) << 31) + nc - 1) / nc;
	while (head < tail) {
		uint32_t s = queue[head++];
		uint16_t *row16 = NULL;
		const uint16_t *from16 = NULL;
		uint32_t *row = NULL;
		const uint32_t *from = NULL;
		if (numbers16) {
			row16 = m->next16 + (size_t)s * nc;
			from16 = m->next16 + (size_t)fail[s] * nc;
			memcpy(row16, from16, nc * sizeof(*row16));
		} else {
			row = m->delta + (size_t)s * nc;
			from = m->delta + (size_t)fail[s] * nc;
			memcpy(row, from, nc * sizeof(*row));
		}
		for (uint32_t t = node[s].child; t; t = node[t].sibling) {
			/* Read from the fail row rather than the fresh copy, which
			 * the copy's wide stores would hold up. */
			uint32_t f = numbers16 ? (uint32_t)(from16[node[t].edge] & ~ACM16_HAS_OUTPUT)
			                       : (uint32_t)((from[node[t].edge] & ~ACM_HAS_OUTPUT) * recip >> 31);
			fail[t] = f;
			out_n[t] = node[t].own + out_n[f];
			if (numbers16)
				row16[node[t].edge] = (uint16_t)(t | (out_n[t] ? ACM16_HAS_OUTPUT : 0));
			else
				row[node[t].edge] = t * nc | (out_n[t] ? ACM_HAS_OUTPUT : 0);
			queue[tail++] = t;
		}
	}
	/* Outputs per state: its own literals in the order given, then its
	 * fail state's, which breadth-first order has filled in already. */
	m->out_start = malloc((m->nstates + 1) * sizeof(*m->out_start));
	size_t nout = 0;
	for (uint32_t s = 0; s < m->nstates; s++)
		nout += out_n[s];
	m->out_ids = malloc((nout ? nout : 1) * sizeof(*m->out_ids));
	if (!m->out_start || !m->out_ids) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	nout = 0;
	for (uint32_t s = 0; s < m->nstates; s++) {
		m->out_start[s] = (uint32_t)nout;
		nout += out_n[s];
	}
	m->out_start[m->nstates] = (uint32_t)nout;
	/* Own literals fill their states' runs from the back, last id first. */
	for (size_t i = n; i-- > 0;) {
		uint32_t s = lit_end[i];
		m->out_ids[m->out_start[s] + (s ? --node[s].own : --root_own)] = (uint32_t)i;
	}
	for (size_t q = 0; q < tail; q++) {
		uint32_t t = queue[q], f = fail[t];
		if (out_n[f])
			memcpy(m->out_ids + m->out_start[t] + (out_n[t] - out_n[f]), m->out_ids + m->out_start[f],
			       out_n[f] * sizeof(*m->out_ids));
	}
	if ((size_t)m->nstates * nc < ACM16_HAS_OUTPUT) {
		m->delta16 = malloc((size_t)m->nstates * nc * sizeof(*m->delta16));
		if (!m->delta16) {
			st = PS_ERR_NOMEM;
			goto out;
		}
		for (size_t i = 0; i < (size_t)m->nstates * nc; i++) {
			uint32_t e = m->delta[i];
			m->delta16[i] = (uint16_t)((e & ~ACM_HAS_OUTPUT) | (e & ACM_HAS_OUTPUT ? ACM16_HAS_OUTPUT : 0));
		}
	}
out:
	free(node);
	free(fail);
	free(queue);
	free(out_n);
	free(lit_end);
	if (st != PS_OK)
		acm_free(m);
	return st;
}

void acm_free(acm *m)
{
	free(m->delta);
	free(m->delta16);
	free(m->next16);
	free(m->out_start);
	free(m->out_ids);
	memset(m, 0, sizeof(*m));
}
