/* YAML text to a tree of nodes with 1-based positions, with the guards the
 * rule loader needs: no aliases or tags, bounded depth and size, duplicate
 * keys detected. Nodes live in the caller's arena. */
#ifndef PS_YAMLTREE_INT_H
#define PS_YAMLTREE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "pactscan/diag.h"
#include "arena_int.h"

typedef enum ynode_kind { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP } ynode_kind;

typedef struct ynode ynode;
struct ynode {
	ynode_kind kind;
	size_t line, col;     /* 1-based; col in characters */
	const char *str;      /* scalar value, NUL-terminated, may hold NUL */
	size_t len;
	bool quoted;          /* single- or double-quoted scalar */
	bool single_line;     /* a quoted or plain scalar written on one line */
	ynode **items;        /* SEQ: elements; MAP: key, value, key, value ... */
	size_t count;         /* SEQ: elements; MAP: 2 * pairs */
};

/* A plain scalar that YAML reads as null: empty, ~, null. */
bool ynode_is_null(const ynode *n);

/* Parse every document in buf[0..len). On success *docs holds *ndocs roots.
 * On failure returns PS_ERR_RULES (or PS_ERR_NOMEM) with an error in diags,
 * and nothing from the file is returned. */
ps_status yamltree_parse(ynode ***docs, size_t *ndocs, arena *a, const char *file,
                         const char *buf, size_t len, ps_diags *diags);

/* Line and 1-based character column of byte offset off in buf. */
void yamltree_position(size_t *line, size_t *col, const char *buf, size_t len, size_t off);

#endif
