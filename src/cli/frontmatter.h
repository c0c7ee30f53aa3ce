/* YAML front matter (a first line "---", metadata, a closing "---" or
 * "...") is metadata, not prose: it is blanked to spaces before scanning so
 * that sentences keep their byte offsets, lines and columns in the file. */
#ifndef PS_FRONTMATTER_H
#define PS_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct frontmatter {
	int phase;            /* 0 first line, 1 inside, 2 past it (or none) */
	size_t line_len;      /* bytes of the current line so far */
	char head[4];         /* its first bytes */
	bool all_dashes;      /* phase 0: the first line is "---" so far */
} frontmatter;

void frontmatter_init(frontmatter *fm);

/* Blank the front matter in the next n bytes of the document, in place. */
void frontmatter_blank(frontmatter *fm, char *buf, size_t n);

#endif
