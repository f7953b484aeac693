/* glheaders.h — what failsig reads from a GitLab answer's headers: the
 * status, Retry-After, and the next page of a paginated list (X-Next-Page,
 * else Link rel="next"). Pure parsing, no I/O: the libcurl header callback
 * of gitlab.c feeds it, and so does a fuzz target. */
#ifndef FAILSIG_GLHEADERS_H
#define FAILSIG_GLHEADERS_H

#include <stdbool.h>
#include <stddef.h>

enum { GL_PAGE_CAP = 24 };  /* a page number's digits and the NUL */

struct gl_headers {
	long status;              /* of the last status line; 0 before one */
	double retry_after;       /* seconds, finite and >= 0; -1 when absent or unreadable */
	bool x_next_seen;         /* X-Next-Page was sent (even empty: the last page) */
	char x_next[GL_PAGE_CAP];
	char link_next[GL_PAGE_CAP];
};

void gl_headers_reset(struct gl_headers *h);

/* One header line as libcurl hands it: "Name: value" with or without CRLF,
 * or a status line ("HTTP/1.1 200 OK"), which starts a new answer (there
 * may be several: 1xx, proxies) and forgets what the previous one said.
 * Any bytes are accepted; what is not understood is ignored. */
void gl_headers_line(struct gl_headers *h, const char *p, size_t n);

/* The next page: X-Next-Page when it was sent, else the page number of the
 * Link rel="next" URL; "" when there is none. Only digits, never longer
 * than GL_PAGE_CAP - 1. */
const char *gl_headers_next_page(const struct gl_headers *h);

#endif
