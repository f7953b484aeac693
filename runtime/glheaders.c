/* glheaders.c — GitLab answer headers (see glheaders.h). */
#include "glheaders.h"

#include <curl/curl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dynlib.h"
#include "xalloc.h"

void gl_headers_reset(struct gl_headers *h)
{
	h->retry_after = -1;
	h->x_next_seen = false;
	h->x_next[0] = '\0';
	h->link_next[0] = '\0';
}

static bool is_digits(const char *s)
{
	if(!*s)
		return false;
	for(; *s; s++) {
		if(*s < '0' || *s > '9')
			return false;
	}
	return true;
}

/* Copy a page number into dst (GL_PAGE_CAP) when it is one; else "". */
static void set_page(char *dst, const char *s, size_t n)
{
	dst[0] = '\0';
	if(n == 0 || n >= GL_PAGE_CAP)
		return;
	for(size_t i = 0; i < n; i++) {
		if(s[i] < '0' || s[i] > '9')
			return;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Retry-After is delta-seconds or an HTTP-date (RFC 9110 10.2.3). A number
 * too large for a double is as good as "very long": callers cap the wait. */
static double parse_retry_after(const char *v)
{
	if(is_digits(v)) {
		double d = strtod(v, NULL);
		return isfinite(d) ? d : 1e300;
	}
	if(dynlib_curl(NULL, 0) < 0)
		return -1;
	time_t t = dyn_curl.getdate(v, NULL);
	if(t == (time_t)-1)
		return -1;
	double d = difftime(t, time(NULL));
	return d > 0 ? d : 0;
}

/* The value of query parameter "page" in url, into dst. */
static void page_of_url(const char *url, size_t n, char *dst)
{
	const char *q = memchr(url, '?', n);
	if(!q)
		return;
	const char *end = url + n;
	for(const char *p = q + 1; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if(stop - p > 5 && memcmp(p, "page=", 5) == 0) {
			set_page(dst, p + 5, (size_t)(stop - p - 5));
			return;
		}
		p = stop + 1;
	}
}

/* Whether the parameters after a Link URL ("; rel=\"next\"; ...", up to the
 * next entry) say rel="next"; rel may list several space-separated types. */
static bool rel_is_next(const char *p, size_t n)
{
	const char *end = p + n;
	const char *s = p;
	while(s + 4 <= end && strncasecmp(s, "rel=", 4) != 0)
		s++;
	if(s + 4 > end)
		return false;
	s += 4;
	const char *stop = ";,";
	if(s < end && *s == '"') {
		s++;
		stop = "\"";
	}
	while(s < end && !strchr(stop, *s)) {
		const char *w = s;
		while(s < end && *s != ' ' && !strchr(stop, *s))
			s++;
		if(s - w == 4 && strncasecmp(w, "next", 4) == 0)
			return true;
		while(s < end && *s == ' ')
			s++;
	}
	return false;
}

/* Link: <URL>; rel="prev", <URL>; rel="next", ... (RFC 8288). */
static void parse_link(struct gl_headers *h, const char *v)
{
	const char *p = v;
	for(;;) {
		const char *lt = strchr(p, '<');
		const char *gt = lt ? strchr(lt, '>') : NULL;
		if(!gt)
			return;
		const char *next = strchr(gt, '<');
		size_t plen = next ? (size_t)(next - gt - 1) : strlen(gt + 1);
		if(rel_is_next(gt + 1, plen)) {
			page_of_url(lt + 1, (size_t)(gt - lt - 1), h->link_next);
			return;
		}
		p = gt + 1;
	}
}

void gl_headers_line(struct gl_headers *h, const char *p, size_t n)
{
	while(n > 0 && (p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	if(n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		const char *sp = memchr(p, ' ', n);
		h->status = 0;
		for(const char *d = sp ? sp + 1 : p + n; d < p + n && *d >= '0' && *d <= '9' &&
		    h->status < 1000; d++)
			h->status = h->status * 10 + (*d - '0');
		gl_headers_reset(h);
		return;
	}
	const char *colon = memchr(p, ':', n);
	if(!colon)
		return;
	size_t name = (size_t)(colon - p);
	const char *v = colon + 1;
	const char *end = p + n;
	while(v < end && (*v == ' ' || *v == '\t'))
		v++;
	while(end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	/* a NUL-terminated copy for the string functions (a value holding a NUL
	 * is read up to it) */
	char *value = xstrndup(v, (size_t)(end - v));
	if(name == 11 && strncasecmp(p, "Retry-After", name) == 0) {
		h->retry_after = parse_retry_after(value);
	} else if(name == 11 && strncasecmp(p, "X-Next-Page", name) == 0) {
		h->x_next_seen = true;
		set_page(h->x_next, value, strlen(value));
	} else if(name == 4 && strncasecmp(p, "Link", name) == 0) {
		parse_link(h, value);
	}
	free(value);
}

const char *gl_headers_next_page(const struct gl_headers *h)
{
	return h->x_next_seen ? h->x_next : h->link_next;
}
