/* dynbuf.h — a growable byte buffer with a hard size cap (after curl's dynbuf).
 *
 * Untrusted input (log lines, HTTP bodies, API answers) is collected in a
 * dynbuf whose cap is set at init; appending past the cap fails instead of
 * growing memory without bound. The buffer is always NUL-terminated. */
#ifndef FSIG_DYNBUF_H
#define FSIG_DYNBUF_H

#include <stdbool.h>
#include <stddef.h>

struct dynbuf {
	char *ptr;     /* the bytes, NUL-terminated; NULL until the first append */
	size_t len;    /* bytes used, not counting the NUL */
	size_t alloc;  /* bytes allocated */
	size_t cap;    /* the most len may ever be */
};

void dynbuf_init(struct dynbuf *b, size_t cap);  /* empty buffer holding at most cap bytes */
void dynbuf_free(struct dynbuf *b);              /* frees the bytes; b may be reused after init */
void dynbuf_reset(struct dynbuf *b);             /* len = 0, keeps the allocation */
/* Append n bytes; false (and b unchanged) if that would exceed the cap. */
bool dynbuf_add(struct dynbuf *b, const void *p, size_t n);
bool dynbuf_adds(struct dynbuf *b, const char *s);  /* append a C string */
/* printf-style append; false if the cap would be exceeded. */
bool dynbuf_printf(struct dynbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Detach the bytes (caller frees them) and reset b to empty. Never NULL. */
char *dynbuf_take(struct dynbuf *b, size_t *len);

#endif
