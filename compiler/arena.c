/* arena.c — bump allocator: large blocks, carved front to back. */
#include "arena.h"
#include "../runtime/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK_SIZE = 64 * 1024 };

struct block {
	struct block *next;  /* older block */
	size_t used;         /* bytes carved from data */
	size_t size;         /* bytes in data */
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct block *head;  /* current block */
};

struct arena *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
	if(!a)
		return;
	struct block *b = a->head;
	while(b) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct block *b = a->head;
	if(!b || b->size - b->used < n) {
		size_t size = n > BLOCK_SIZE / 4 ? n : BLOCK_SIZE;
		b = xmalloc(sizeof *b + size);
		b->size = size;
		b->used = 0;
		if(size == n && a->head) {
			/* A big one-off: keep the current block current. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if(n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *arena_grow(struct arena *a, void *arr, size_t elem, size_t *cap, size_t want)
{
	if(want <= *cap)
		return arr;
	size_t ncap = *cap ? *cap * 2 : 8;
	while(ncap < want)
		ncap *= 2;
	void *p = arena_alloc(a, ncap * elem);
	if(arr && *cap)
		memcpy(p, arr, *cap * elem);
	*cap = ncap;
	return p;
}
