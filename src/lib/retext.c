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
		if (p[i] == '\\') {
			i++;
		} else if (p[i] == '[') {
			size_t end = retext_posix_end(p, i, len);
			if (end)
				i = end;
		}
		i++;
	}
	return i < len ? i + 1 : len;
}

size_t retext_posix_end(const char *p, size_t i, size_t len)
{
	if (i + 1 >= len || p[i] != '[' || (p[i + 1] != ':' && p[i + 1] != '.' && p[i + 1] != '='))
		return 0;
	char term = p[i + 1];
	/* PCRE2's own test: the terminator and ']' before any other ']' or
	 * a second opening; "\]" and "\\" are skipped. */
	for (size_t k = i + 2; k + 1 < len; k++) {
		if (p[k] == '\\' && (p[k + 1] == ']' || p[k + 1] == '\\'))
			k++;
		else if ((p[k] == '[' && p[k + 1] == term) || p[k] == ']')
			return 0;
		else if (p[k] == term && p[k + 1] == ']')
			return k + 1;
	}
	return 0;
}

bool retext_plain(const char *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (p[i] == '\\') {
			if (p[i + 1] == 'Q')
				return false;
			i++;
		} else if (p[i] == '(' && p[i + 1] == '?' && i + 2 < len) {
			if (p[i + 2] == '#')
				return false;
			/* Option letters up to ':' or ')': is x among them? */
			size_t k = i + 2;
			bool x = false;
			while (k < len && ((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z') || p[k] == '-' ||
			                   p[k] == '^'))
				x |= p[k++] == 'x';
			if (x && k < len && (p[k] == ':' || p[k] == ')'))
				return false;
		}
	}
	return true;
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

size_t retext_group_end(const char *p, size_t i, size_t len)
{
	for (i++;; i++) {
		i = retext_alternative_end(p, i, len);
		if (i >= len || p[i] == ')')
			return i;
	}
}
