/* dynbuf.c — growable capped byte buffer. */
#include "dynbuf.h"
#include "xalloc.h"

#include <stdlib.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void dynbuf_init(struct dynbuf *b, size_t cap)
{
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void dynbuf_free(struct dynbuf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
}

void dynbuf_reset(struct dynbuf *b)
{
	b->len = 0;
	if(b->ptr)
		b->ptr[0] = '\0';
}

bool dynbuf_add(struct dynbuf *b, const void *p, size_t n)
{
	if(n > b->cap || b->len > b->cap - n)
		return false;
	if(b->len + n + 1 > b->alloc) {
		size_t want = b->alloc ? b->alloc : 64;
		while(want < b->len + n + 1)
			want *= 2;
		b->ptr = xrealloc(b->ptr, want);
		b->alloc = want;
	}
	if(n)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return true;
}

bool dynbuf_adds(struct dynbuf *b, const char *s)
{
	return dynbuf_add(b, s, strlen(s));
}

bool dynbuf_printf(struct dynbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if(n < 0)
		return false;
	if((size_t)n < sizeof small)
		return dynbuf_add(b, small, (size_t)n);
	char *big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	bool ok = dynbuf_add(b, big, (size_t)n);
	free(big);
	return ok;
}

char *dynbuf_take(struct dynbuf *b, size_t *len)
{
	char *p = b->ptr ? b->ptr : xstrdup("");
	if(len)
		*len = b->len;
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	return p;
}
