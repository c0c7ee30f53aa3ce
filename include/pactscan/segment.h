/**
 * @file segment.h
 * Sentence segmentation for news prose.
 *
 * The segmenter is stateless: it finds the first sentence in a buffer, so a
 * caller streaming a document keeps the unconsumed tail and calls again when
 * more bytes arrive. Offsets are in bytes.
 */
#ifndef PACTSCAN_SEGMENT_H
#define PACTSCAN_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default cap on a sentence's length in bytes; longer runs are split. */
#define PS_SEGMENT_MAX_DEFAULT 16384

/** One sentence found by ps_segment_next(). */
typedef struct ps_segment {
	size_t start; /**< first byte of the sentence (after leading space and bullet marks) */
	size_t end;   /**< one past its last byte (trailing space excluded) */
	size_t next;  /**< where the search for the following sentence starts */
	bool forced;  /**< true when the sentence was cut at the length cap */
} ps_segment;

/**
 * Find the first sentence in text[0..len).
 *
 * Breaks after . ! ? (and closing quotes or brackets) when the next word can
 * start a sentence and the word before is no abbreviation (Mr., U.S., No. 10,
 * initials); at blank lines; at line ends that close a headline or precede a
 * bullet. A sentence longer than @p max_len bytes is cut at the last space
 * before the cap, or at a UTF-8 boundary.
 *
 * @param[out] out the sentence, when the return value is true
 * @param text the bytes, any encoding, may hold NUL
 * @param len their number
 * @param final true when no more bytes follow; false lets the segmenter ask
 *        for more before deciding a boundary at the end of the buffer
 * @param max_len the length cap (0 for PS_SEGMENT_MAX_DEFAULT)
 * @return true when a sentence was found; false when the buffer holds only
 *         space, or (when !final) when more bytes are needed to decide
 */
PS_API bool ps_segment_next(ps_segment *out, const char *text, size_t len,
                            bool final, size_t max_len);

/**
 * The last place in text[0..len) where every segmentation of a longer text
 * containing it starts a sentence, whatever came before: the start of a line
 * after a blank line, or of a line that begins with an upper-case letter
 * after a line ending "a lower-case letter, a stop". A large document can be
 * cut there and its pieces scanned in parallel (see ps_scanner_begin_at()).
 *
 * @return the offset, or 0 when there is none
 */
PS_API size_t ps_segment_last_cut(const char *text, size_t len);

/**
 * The lines that end in text[0..len), as the scanner counts them: at a line
 * feed, a carriage return, or a CR LF pair (one line). For the line of a
 * piece's ps_scan_origin when a document is cut into pieces: count from
 * one cut to the next, carrying *after_cr from call to call (false at the
 * document's start), so that a CR LF pair split across two calls ends one
 * line. Sixteen bytes a step where SSE2 is there.
 *
 * @param after_cr in: text follows a CR; out: text ends with a CR (unchanged
 *                 when len is 0). May be NULL: text follows no CR.
 * @return the count
 */
PS_API uint64_t ps_segment_count_lines(const char *text, size_t len, bool *after_cr);

#ifdef __cplusplus
}
#endif
#endif
