/* Diagnostics: what the library's modules add beyond the public calls. */
#ifndef PS_DIAG_INT_H
#define PS_DIAG_INT_H

#include "pactscan/diag.h"

/* ps_diags_add, with the new diagnostic placed at index at (the count
 * when at is past the end) rather than last: a pattern compiled on another
 * thread reports its error where a compile in order would have. */
ps_status diags_insert(ps_diags *diags, size_t at, ps_severity severity, const char *file, size_t line,
                       size_t column, const char *id, const char *message);

#endif
