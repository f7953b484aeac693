/* xalloc.h — allocation that never returns NULL.
 *
 * failsig treats running out of memory as fatal (like jq and Redis): every
 * allocation goes through these wrappers, which print one line and abort.
 * That keeps NULL checks out of every caller. */
#ifndef FSIG_XALLOC_H
#define FSIG_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);               /* never NULL; caller frees */
void *xcalloc(size_t n, size_t size);  /* zeroed, never NULL; caller frees */
void *xrealloc(void *p, size_t n);     /* never NULL; caller frees the result */
char *xstrdup(const char *s);          /* copy of s; caller frees */
char *xstrndup(const char *s, size_t n); /* copy of n bytes + NUL; caller frees */

#endif
