#include "acmatch_int.h"

#include <stdlib.h>
#include <string.h>

ps_status acm_build(acm *m, const char *const *lits, const size_t *lens, size_t n)
{
	ps_status st = PS_OK;
	size_t total = 1;
	uint32_t root_child[256] = { 0 };
	uint32_t *child = NULL, *sibling = NULL, *fail = NULL, *queue = NULL, *own_n = NULL, *out_n = NULL,
	         *lit_end = NULL;
	uint8_t *edge = NULL;

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
	}
	if (total > ACM_HAS_OUTPUT / m->nclass) {
		st = PS_ERR_LIMIT;
		goto out;
	}
	/* The trie as lists of children rather than table rows: the table is
	 * then allocated once, at its final size, and filled a row at a time.
	 * The literals' bytes (total) bound the states loosely. */
	child = calloc(total, sizeof(*child));     /* first child; 0 for none */
	sibling = calloc(total, sizeof(*sibling)); /* the parent's next child */
	edge = malloc(total * sizeof(*edge));      /* class of the edge into the state */
	fail = malloc(total * sizeof(*fail));
	queue = malloc(total * sizeof(*queue));
	own_n = calloc(total, sizeof(*own_n));     /* literals ending at the state */
	out_n = calloc(total, sizeof(*out_n));     /* those and the fail chain's */
	lit_end = malloc((n ? n : 1) * sizeof(*lit_end));
	if (!child || !sibling || !edge || !fail || !queue || !own_n || !out_n || !lit_end) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	m->nstates = 1;
	for (size_t i = 0; i < n; i++) {
		uint32_t s = 0;
		for (size_t k = 0; k < lens[i]; k++) {
			uint8_t c = m->cls[(uint8_t)lits[i][k]];
			/* Every literal passes the root, whose children are many. */
			uint32_t t = s ? child[s] : root_child[c];
			while (s && t && edge[t] != c)
				t = sibling[t];
			if (!t) {
				t = m->nstates++;
				edge[t] = c;
				if (s) {
					sibling[t] = child[s];
					child[s] = t;
				} else {
					root_child[c] = t;
				}
			}
			s = t;
		}
		lit_end[i] = s;
		own_n[s]++;
	}
	const uint32_t nc = m->nclass;
	m->delta = malloc((size_t)m->nstates * nc * sizeof(*m->delta));
	if (!m->delta) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	/* Breadth first, so a state's fail state, shallower, is done before
	 * it: a row starts as a copy of the fail state's (already
	 * pre-multiplied by the class count and flagged for output), and the
	 * trie's edges then replace their entries. An edge's entry in the copy
	 * is where the fail state goes on that class, which is the child's
	 * fail state. */
	out_n[0] = own_n[0];
	for (uint32_t c = 0; c < nc; c++)
		m->delta[c] = out_n[0] ? ACM_HAS_OUTPUT : 0;
	size_t head = 0, tail = 0;
	for (uint32_t c = 0; c < nc; c++) {
		uint32_t t = root_child[c];
		if (!t)
			continue;
		fail[t] = 0;
		out_n[t] = own_n[t] + out_n[0];
		m->delta[c] = t * nc | (out_n[t] ? ACM_HAS_OUTPUT : 0);
		queue[tail++] = t;
	}
	while (head < tail) {
		uint32_t s = queue[head++];
		uint32_t *row = m->delta + (size_t)s * nc;
		memcpy(row, m->delta + (size_t)fail[s] * nc, nc * sizeof(*row));
		for (uint32_t t = child[s]; t; t = sibling[t]) {
			uint32_t f = (row[edge[t]] & ~ACM_HAS_OUTPUT) / nc;
			fail[t] = f;
			out_n[t] = own_n[t] + out_n[f];
			row[edge[t]] = t * nc | (out_n[t] ? ACM_HAS_OUTPUT : 0);
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
	for (size_t i = n; i-- > 0;)
		m->out_ids[m->out_start[lit_end[i]] + --own_n[lit_end[i]]] = (uint32_t)i;
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
	free(child);
	free(sibling);
	free(edge);
	free(fail);
	free(queue);
	free(own_n);
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
	free(m->out_start);
	free(m->out_ids);
	memset(m, 0, sizeof(*m));
}
