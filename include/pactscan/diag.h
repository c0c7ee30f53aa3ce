/**
 * @file diag.h
 * Diagnostics: what went wrong in a rule file, and where.
 *
 * The library never prints. Loaders append diagnostics to a caller-owned
 * ps_diags list; the caller formats them (the CLI prints
 * `file:line:col: error: message`).
 */
#ifndef PACTSCAN_DIAG_H
#define PACTSCAN_DIAG_H

#include <stddef.h>
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How serious a diagnostic is. */
typedef enum ps_severity {
	PS_SEVERITY_ERROR = 0,   /**< the rules (or the input) cannot be used */
	PS_SEVERITY_WARNING = 1, /**< usable, but probably not what was meant */
} ps_severity;

/** One diagnostic. Strings are owned by the list that holds it. */
typedef struct ps_diag {
	ps_severity severity;
	const char *file;    /**< path as given, or a name for in-memory text */
	size_t line;         /**< 1-based; 0 when the whole file is meant */
	size_t column;       /**< 1-based, in characters; 0 when unknown */
	const char *id;      /**< clause or signal id concerned, or NULL */
	const char *message; /**< one sentence saying what is wrong and how to fix it */
} ps_diag;

/** An ordered list of diagnostics. */
typedef struct ps_diags ps_diags;

/**
 * Create an empty diagnostic list.
 * @param[out] out the new list
 * @return PS_OK or PS_ERR_NOMEM
 */
PS_API ps_status ps_diags_new(ps_diags **out);

/** Free a list and every diagnostic in it. Accepts NULL. */
PS_API void ps_diags_free(ps_diags *diags);

/** Number of diagnostics in the list. */
PS_API size_t ps_diags_count(const ps_diags *diags);

/** Number of diagnostics of severity PS_SEVERITY_ERROR. */
PS_API size_t ps_diags_errors(const ps_diags *diags);

/**
 * The diagnostic at @p index, borrowed until the list is freed or cleared.
 * @return NULL when @p index is out of range
 */
PS_API const ps_diag *ps_diags_get(const ps_diags *diags, size_t index);

/** Remove every diagnostic. */
PS_API void ps_diags_clear(ps_diags *diags);

/**
 * Append a diagnostic; the strings are copied.
 * @return PS_OK or PS_ERR_NOMEM
 */
PS_API ps_status ps_diags_add(ps_diags *diags, ps_severity severity,
                              const char *file, size_t line, size_t column,
                              const char *id, const char *message);

#ifdef __cplusplus
}
#endif
#endif
