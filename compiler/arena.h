/* arena.h — bump allocator for one compilation.
 *
 * Everything the compiler builds (AST, regex trees, atoms, strings) lives in
 * one arena and is freed at once when the compilation ends: no per-node free,
 * no ownership questions inside the compiler (after re2c's slab allocators). */
#ifndef FSIG_ARENA_H
#define FSIG_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);                 /* caller frees with arena_free */
void arena_free(struct arena *a);              /* frees every block of a */
void *arena_alloc(struct arena *a, size_t n);  /* zeroed, 16-byte aligned, never NULL */
char *arena_strndup(struct arena *a, const char *s, size_t n); /* n bytes + NUL */
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Grow an arena array of elem-sized items to hold at least want items.
 * *cap is the current capacity; old contents are copied. */
void *arena_grow(struct arena *a, void *arr, size_t elem, size_t *cap, size_t want);

#endif
