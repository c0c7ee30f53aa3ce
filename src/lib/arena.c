#include "arena_int.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
	arena_block *next;
	size_t size;
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

void arena_init(arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 16384;
}

void arena_release(arena *a)
{
	arena_block *b = a->head;
	while (b) {
		arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}

void arena_adopt(arena *into, arena *from)
{
	arena_block *last = from->head;
	if (!last)
		return;
	while (last->next)
		last = last->next;
	/* Behind into's head, whose free room stays the one used. */
	if (into->head) {
		last->next = into->head->next;
		into->head->next = from->head;
	} else {
		into->head = from->head;
	}
	from->head = NULL;
}

void *arena_alloc(arena *a, size_t size)
{
	void *p = arena_alloc_uninit(a, size);
	if (p)
		memset(p, 0, size);
	return p;
}

void *arena_alloc_uninit(arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	size_t need = (size + align - 1) & ~(align - 1);
	if (need < size)
		return NULL;
	arena_block *b = a->head;
	if (!b || b->size - b->used < need) {
		size_t bsize = need > a->block_size ? need : a->block_size;
		if (bsize > SIZE_MAX - sizeof(arena_block))
			return NULL;
		b = malloc(sizeof(arena_block) + bsize);
		if (!b)
			return NULL;
		b->size = bsize;
		b->used = 0;
		/* A large block goes behind the head so the head's free room stays usable. */
		if (a->head && need > a->block_size) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += need;
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t len)
{
	if (len == SIZE_MAX)
		return NULL;
	char *p = arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
