#include "retext_int.h"

#include <string.h>

size_t retext_class_end(const char *p, size_t i, size_t len)
{
	i++;
	if (i < len && p[i] == '^')
		i++;
	if (i < len && p[i] == ']')
		i++; /* a leading ']' is a member */
	while (i < len && p[i] != ']') {
		if (p[i] == '\\')
			i++;
		else if (p[i] == '[' && i + 1 < len && p[i + 1] == ':') {
			const char *end = memchr(p + i + 2, ']', len - i - 2);
			if (end)
				i = (size_t)(end - p);
		}
		i++;
	}
	return i < len ? i + 1 : len;
}

size_t retext_alternative_end(const char *p, size_t i, size_t len)
{
	int depth = 0;
	while (i < len) {
		char c = p[i];
		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == '[') {
			i = retext_class_end(p, i, len);
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')') {
			if (depth == 0)
				return i;
			depth--;
		} else if (c == '|' && depth == 0)
			return i;
		i++;
	}
	return len;
}
