/* A pattern's text read without compiling it: where a character class or
 * an alternative ends. An escape is two bytes. Quoting (\Q...\E),
 * comments and extended mode are not modelled: a caller reads only text
 * retext_plain() accepts. */
#ifndef PS_RETEXT_INT_H
#define PS_RETEXT_INT_H

#include <stdbool.h>
#include <stddef.h>

/* Past the character class opening at p[i] == '[', or len if it does not
 * end. A ']' first (after any '^') is a member, and [:name:] a part. */
size_t retext_class_end(const char *p, size_t i, size_t len);

/* Inside a class, at p[i] == '[': if PCRE2 reads a POSIX class there
 * ("[:alpha:]", and the "[." and "[=" forms it refuses), the offset of its
 * closing ']'; else 0 (as in "[[:)]", a class of '[', ':' and ')'). */
size_t retext_posix_end(const char *p, size_t i, size_t len);

/* True when p[0..len) has no \Q, no comment group "(?#" and no option
 * setting that turns extended mode on: text the functions above read as
 * PCRE2 does. */
bool retext_plain(const char *p, size_t len);

/* The offset of the '|' or ')' that ends the alternative going on at p[i],
 * at its own depth of groups, or len. */
size_t retext_alternative_end(const char *p, size_t i, size_t len);

/* The offset of the ')' closing the group that opens at p[i] == '(', or
 * len if it does not close. */
size_t retext_group_end(const char *p, size_t i, size_t len);

#endif
