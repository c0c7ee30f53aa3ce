/* Bump allocator: many small allocations released at once. */
#ifndef PS_ARENA_INT_H
#define PS_ARENA_INT_H

#include <stddef.h>

typedef struct arena_block arena_block;

typedef struct arena {
	arena_block *head;
	size_t block_size;
} arena;

void arena_init(arena *a, size_t block_size);
/* Release every block; the arena may be used again. */
void arena_release(arena *a);
/* Give every block of from to into, which frees them with its own; from
 * is left empty. */
void arena_adopt(arena *into, arena *from);
/* Zeroed memory aligned for any type, or NULL. */
void *arena_alloc(arena *a, size_t size);
/* The same not zeroed, for memory the caller fills at once: small
 * allocations by the ten thousand, where the memset call was half the
 * cost. */
void *arena_alloc_uninit(arena *a, size_t size);
/* A NUL-terminated copy of s[0..len), or NULL. */
char *arena_strndup(arena *a, const char *s, size_t len);
/* Like sprintf, into the arena. */
char *arena_printf(arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
