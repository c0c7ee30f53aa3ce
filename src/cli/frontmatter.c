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

/* One byte of the front matter's first line (phase 0) or of a line inside
 * it (phase 1), but a line end: false when the first line turns out not to
 * open front matter (phase 2 then, and the byte is kept). */
static bool take_byte(frontmatter *fm, char *at)
{
	char c = *at;
	if (c == '\r')
		return true;
	if (fm->phase == 0) {
		fm->all_dashes = fm->all_dashes && c == '-';
		if (!fm->all_dashes || fm->line_len >= 3) {
			fm->phase = 2;
			return false;
		}
	} else if (fm->line_len < sizeof fm->head) {
		fm->head[fm->line_len] = c;
	}
	fm->line_len++;
	*at = ' ';
	return true;
}

void frontmatter_blank(frontmatter *fm, char *buf, size_t n)
{
	size_t i = 0;
	while (i < n && fm->phase != 2) {
		/* A line at a time: blanked with memset where it has no CR (every
		 * line, nearly), where a byte at a time cost a scan of a short
		 * article as much as reading its title. */
		char *nl = memchr(buf + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - buf) : n;
		if (fm->phase == 1 && !memchr(buf + i, '\r', end - i)) {
			for (size_t k = i; k < end && fm->line_len + (k - i) < sizeof fm->head; k++)
				fm->head[fm->line_len + (k - i)] = buf[k];
			fm->line_len += end - i;
			memset(buf + i, ' ', end - i);
		} else {
			for (size_t k = i; k < end; k++)
				if (!take_byte(fm, buf + k))
					return;
		}
		if (!nl)
			return;
		if (fm->phase == 0)
			fm->phase = fm->line_len == 3 && fm->all_dashes ? 1 : 2;
		else if (is_delimiter(fm))
			fm->phase = 2;
		fm->line_len = 0;
		i = end + 1;
	}
}
