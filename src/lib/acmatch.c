#include "acmatch_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct idvec {
	uint32_t *v;
	uint32_t n, cap;
} idvec;

static int idvec_push(idvec *x, uint32_t id)
{
	for (uint32_t i = 0; i < x->n; i++)
		if (x->v[i] == id)
			return 0;
	if (x->n == x->cap) {
		uint32_t cap = x->cap ? x->cap * 2 : 4;
		uint32_t *v = realloc(x->v, cap * sizeof(*v));
		if (!v)
			return -1;
		x->v = v;
		x->cap = cap;
	}
	x->v[x->n++] = id;
	return 0;
}

ps_status acm_build(acm *m, const char *const *lits, const size_t *lens, size_t n)
{
	ps_status st = PS_OK;
	size_t total = 1;
	uint32_t *parent = NULL, *fail = NULL, *queue = NULL;
	idvec *outs = NULL;

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
	m->delta = calloc(total * m->nclass, sizeof(*m->delta));
	parent = calloc(total, sizeof(*parent));
	fail = calloc(total, sizeof(*fail));
	queue = malloc(total * sizeof(*queue));
	outs = calloc(total, sizeof(*outs));
	if (!m->delta || !parent || !fail || !queue || !outs) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	/* The trie; while it is built, delta holds plain state numbers. */
	m->nstates = 1;
	for (size_t i = 0; i < n; i++) {
		uint32_t s = 0;
		for (size_t k = 0; k < lens[i]; k++) {
			uint32_t c = m->cls[(uint8_t)lits[i][k]];
			uint32_t *e = &m->delta[(size_t)s * m->nclass + c];
			if (!*e) {
				parent[m->nstates] = s;
				*e = m->nstates++;
			}
			s = *e;
		}
		if (idvec_push(&outs[s], (uint32_t)i) != 0) {
			st = PS_ERR_NOMEM;
			goto out;
		}
	}
	/* Breadth first: fail links, outputs along them, and the missing edges
	 * filled from the fail state, whose row is complete by then. */
	size_t head = 0, tail = 0;
	queue[tail++] = 0;
	while (head < tail) {
		uint32_t s = queue[head++];
		for (uint32_t c = 0; c < m->nclass; c++) {
			uint32_t *e = &m->delta[(size_t)s * m->nclass + c];
			if (*e && parent[*e] == s && *e != 0) {
				uint32_t t = *e;
				fail[t] = s == 0 ? 0 : m->delta[(size_t)fail[s] * m->nclass + c];
				for (uint32_t k = 0; k < outs[fail[t]].n; k++)
					if (idvec_push(&outs[t], outs[fail[t]].v[k]) != 0) {
						st = PS_ERR_NOMEM;
						goto out;
					}
				queue[tail++] = t;
			} else {
				*e = s == 0 ? 0 : m->delta[(size_t)fail[s] * m->nclass + c];
			}
		}
	}
	size_t nout = 0;
	for (uint32_t s = 0; s < m->nstates; s++)
		nout += outs[s].n;
	m->out_start = malloc((m->nstates + 1) * sizeof(*m->out_start));
	m->out_ids = malloc((nout ? nout : 1) * sizeof(*m->out_ids));
	if (!m->out_start || !m->out_ids) {
		st = PS_ERR_NOMEM;
		goto out;
	}
	nout = 0;
	for (uint32_t s = 0; s < m->nstates; s++) {
		m->out_start[s] = (uint32_t)nout;
		if (outs[s].n)
			memcpy(m->out_ids + nout, outs[s].v, outs[s].n * sizeof(*m->out_ids));
		nout += outs[s].n;
	}
	m->out_start[m->nstates] = (uint32_t)nout;
	/* Pre-multiply targets by the class count and flag those with output. */
	for (size_t i = 0; i < (size_t)m->nstates * m->nclass; i++) {
		uint32_t t = m->delta[i];
		m->delta[i] = t * m->nclass | (outs[t].n ? ACM_HAS_OUTPUT : 0);
	}
	if ((size_t)m->nstates * m->nclass < ACM16_HAS_OUTPUT) {
		m->delta16 = malloc((size_t)m->nstates * m->nclass * sizeof(*m->delta16));
		if (!m->delta16) {
			st = PS_ERR_NOMEM;
			goto out;
		}
		for (size_t i = 0; i < (size_t)m->nstates * m->nclass; i++) {
			uint32_t e = m->delta[i];
			m->delta16[i] = (uint16_t)((e & ~ACM_HAS_OUTPUT) | (e & ACM_HAS_OUTPUT ? ACM16_HAS_OUTPUT : 0));
		}
	}
out:
	if (outs)
		for (size_t s = 0; s < total; s++)
			free(outs[s].v);
	free(outs);
	free(parent);
	free(fail);
	free(queue);
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
