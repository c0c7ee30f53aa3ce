/**
 * @file status.h
 * Status codes shared by every pactscan function, and the export macro.
 */
#ifndef PACTSCAN_STATUS_H
#define PACTSCAN_STATUS_H

#if defined(PS_BUILDING_LIBRARY) && defined(__GNUC__)
#define PS_API __attribute__((visibility("default")))
#else
#define PS_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Result of a pactscan call: PS_OK or a negative failure. */
typedef enum ps_status {
	PS_OK = 0,
	PS_ERR_NOMEM = -1,      /**< an allocation failed */
	PS_ERR_IO = -2,         /**< a file could not be opened, read or written */
	PS_ERR_INVALID = -3,    /**< an argument was invalid (NULL, out of range) */
	PS_ERR_RULES = -4,      /**< the rule files have errors; see the diagnostics */
	PS_ERR_LIMIT = -5,      /**< a size, count or match limit was hit */
	PS_ERR_STOPPED = -6,    /**< a callback asked the scan to stop */
	PS_ERR_INCOMPLETE = -7, /**< the scan finished but part of it was skipped */
} ps_status;

/**
 * Describe a status in English.
 * @param status a ps_status value
 * @return a static string, never NULL
 */
PS_API const char *ps_strerror(ps_status status);

#ifdef __cplusplus
}
#endif
#endif
