#include "frontmatter.h"

#include <string.h>

void frontmatter_init(frontmatter *fm)
{
	memset(fm, 0, sizeof(*fm));
	fm->all_dashes = true;
}

/* Is the line seen so far, ending here, a delimiter ("---" or "...")? */
static bool is_delimiter(const frontmatter *fm)
{
	return fm->line_len == 3 && (!memcmp(fm->head, "---", 3) || !memcmp(fm->head, "...", 3));
}

void frontmatter_blank(frontmatter *fm, char *buf, size_t n)
{
	for (size_t i = 0; i < n && fm->phase != 2; i++) {
		char c = buf[i];
		if (c == '\n') {
			if (fm->phase == 0)
				fm->phase = fm->line_len == 3 && fm->all_dashes ? 1 : 2;
			else if (is_delimiter(fm))
				fm->phase = 2;
			fm->line_len = 0;
			continue;
		}
		if (c == '\r')
			continue;
		if (fm->phase == 0) {
			fm->all_dashes = fm->all_dashes && c == '-';
			if (!fm->all_dashes || fm->line_len >= 3) {
				fm->phase = 2;
				break;
			}
		} else if (fm->line_len < sizeof fm->head) {
			fm->head[fm->line_len] = c;
		}
		fm->line_len++;
		buf[i] = ' ';
	}
}
