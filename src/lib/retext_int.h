/* A pattern's text read without compiling it: where a character class or
 * an alternative ends. An escape is two bytes; \Q...\E is not modelled
 * (prefix.c refuses patterns with it, and pactscan's expansions of the
 * other callers' patterns have compiled already). */
#ifndef PS_RETEXT_INT_H
#define PS_RETEXT_INT_H

#include <stddef.h>

/* Past the character class opening at p[i] == '[', or len if it does not
 * end. A ']' first (after any '^') is a member, and [:name:] a part. */
size_t retext_class_end(const char *p, size_t i, size_t len);

/* The offset of the '|' or ')' that ends the alternative going on at p[i],
 * at its own depth of groups, or len. */
size_t retext_alternative_end(const char *p, size_t i, size_t len);

#endif
