/* gitlab.c — the GitLab REST API over one reused libcurl easy handle.
 *
 * Every call resets the handle's options (curl_easy_reset keeps the live
 * connections, DNS and TLS session caches, so consecutive calls reuse one
 * connection), builds the URL from the base and a path, runs the transfer
 * and turns what happened into a struct gitlab_result. The header callback
 * picks up Retry-After and the next page (X-Next-Page, else Link
 * rel="next"); the write callbacks bound what is kept: a dynbuf with its cap
 * for JSON answers, a byte count for traces written to a file descriptor.
 *
 * Redirects are not followed: curl would send PRIVATE-TOKEN (a custom
 * header) to whatever host a 3xx names, so a redirect is a permanent error. */
#include "gitlab.h"

#include <assert.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "glheaders.h"
#include "dynlib.h"
#include "xalloc.h"

enum {
	DEFAULT_CONNECT_MS = 10000,
	DEFAULT_TIMEOUT_MS = 60000,
	TRACE_TIMEOUT_FACTOR = 10,   /* a 100 MB trace takes longer than a job's JSON */
	NOTES_PER_PAGE = 100,        /* the most GitLab gives per page */
	URL_CAP = 64 << 10,          /* base URL + path + query; scopes are short */
};

struct gitlab {
	CURL *curl;                    /* reused: keeps connections alive between calls */
	char *base;                    /* base URL without trailing '/' */
	char *user_agent;
	long connect_timeout_ms;
	long timeout_ms;
	bool bad_token;                /* the token holds a control character: never sent */
	struct curl_slist *hdr_get;    /* token, Accept: application/json */
	struct curl_slist *hdr_send;   /* hdr_get + Content-Type: application/json, no Expect */
	struct curl_slist *hdr_trace;  /* token only: a trace is text/plain */
	char curl_err[CURL_ERROR_SIZE];
};

/* One request and what came back. */
struct call {
	struct gitlab *g;
	const char *method;          /* "GET", "POST" or "PUT" */
	char path[160];              /* "/api/v4/...", without query: what err strings name */
	struct dynbuf url;           /* base + path + query */
	const char *payload;         /* request body (POST/PUT) or NULL */
	struct curl_slist *headers;
	long timeout_ms;
	struct gitlab_result *r;
	struct gl_headers hdr;       /* status, Retry-After, next page of the last answer */
	/* JSON answers */
	struct dynbuf *body;         /* NULL for traces */
	bool too_big;                /* a 2xx answer did not fit in body */
	/* traces */
	int fd;
	uint64_t cap;                /* 0: none */
	uint64_t written;
	bool truncated;              /* stopped at cap, more was coming */
	int write_errno;             /* write(2) to fd failed */
};

int gitlab_global_init(char *err, size_t errlen)
{
	if(dynlib_curl(err, errlen) < 0)
		return -1;
	if(dyn_curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "curl_global_init failed");
		return -1;
	}
	return 0;
}

void gitlab_global_cleanup(void)
{
	dyn_curl.global_cleanup();
}

static bool has_control(const char *s)
{
	for(; *s; s++) {
		if((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	}
	return false;
}

/* Append a header line; false when curl could not allocate. */
static bool add_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = dyn_curl.slist_append(*list, line);
	if(!l)
		return false;
	*list = l;
	return true;
}

/* The three header sets; false on allocation failure. */
static bool build_headers(struct gitlab *g, const char *token)
{
	bool ok = true;
	if(token && *token && !g->bad_token) {
		char *line = xmalloc(strlen(token) + sizeof "PRIVATE-TOKEN: ");
		strcpy(line, "PRIVATE-TOKEN: ");
		strcat(line, token);
		ok = add_header(&g->hdr_get, line) && add_header(&g->hdr_send, line) &&
		     add_header(&g->hdr_trace, line);
		free(line);
	}
	/* An empty "Expect:" stops curl from waiting for 100-continue on large notes. */
	return ok && add_header(&g->hdr_get, "Accept: application/json") &&
	       add_header(&g->hdr_send, "Accept: application/json") &&
	       add_header(&g->hdr_send, "Content-Type: application/json") &&
	       add_header(&g->hdr_send, "Expect:");
}

struct gitlab *gitlab_new(const struct gitlab_options *o)
{
	assert(o && o->url);
	struct gitlab *g = xcalloc(1, sizeof *g);
	size_t n = strlen(o->url);
	while(n > 0 && o->url[n - 1] == '/')
		n--;
	g->base = xstrndup(o->url, n);
	g->user_agent = xstrdup(o->user_agent ? o->user_agent : "failsig");
	g->connect_timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : DEFAULT_CONNECT_MS;
	g->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	g->bad_token = o->token && has_control(o->token);
	g->curl = dynlib_curl(NULL, 0) == 0 ? dyn_curl.easy_init() : NULL;
	if(!g->curl || !build_headers(g, o->token)) {
		gitlab_free(g);
		return NULL;
	}
	return g;
}

void gitlab_free(struct gitlab *g)
{
	if(!g)
		return;
	if(g->curl) {  /* else libcurl may not be loaded, and nothing was made with it */
		dyn_curl.easy_cleanup(g->curl);
		dyn_curl.slist_free_all(g->hdr_get);
		dyn_curl.slist_free_all(g->hdr_send);
		dyn_curl.slist_free_all(g->hdr_trace);
	}
	free(g->base);
	free(g->user_agent);
	free(g);
}

/* ---- response headers ---- */

static size_t on_header(char *p, size_t size, size_t nitems, void *ud)
{
	struct call *c = ud;
	size_t n = size * nitems;
	gl_headers_line(&c->hdr, p, n);
	return n;
}

/* ---- response bodies ---- */

static bool is_2xx(long status)
{
	return status >= 200 && status < 300;
}

static size_t on_body(char *p, size_t size, size_t nitems, void *ud)
{
	struct call *c = ud;
	size_t n = size * nitems;
	if(dynbuf_add(c->body, p, n))
		return n;
	if(!is_2xx(c->hdr.status))
		return n;  /* an error answer is judged by its status; the rest is dropped */
	c->too_big = true;
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while(n > 0) {
		ssize_t w = write(fd, p, n);
		if(w < 0 && errno == EINTR)
			continue;
		if(w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes the trace up to the cap; returning less than n stops the transfer
 * (CURLE_WRITE_ERROR, which perform() then reads as "truncated"). */
static size_t on_trace(char *p, size_t size, size_t nitems, void *ud)
{
	struct call *c = ud;
	size_t n = size * nitems;
	if(!is_2xx(c->hdr.status))
		return n;  /* an error page is not the trace */
	size_t take = n;
	if(c->cap && n > c->cap - c->written) {
		take = (size_t)(c->cap - c->written);
		c->truncated = true;
	}
	if(write_all(c->fd, p, take) < 0) {
		c->write_errno = errno;
		return 0;
	}
	c->written += take;
	return take;
}

/* ---- one request ---- */

/* Transfer errors that retrying cannot fix: the configuration is wrong. */
static bool curl_error_is_permanent(CURLcode rc)
{
	switch(rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_UNKNOWN_OPTION:
	case CURLE_TOO_MANY_REDIRECTS:
		return true;
	default:
		return false;
	}
}

static enum gitlab_outcome outcome_of_status(long status)
{
	if(is_2xx(status))
		return GITLAB_OK;
	if(status == 404)
		return GITLAB_NOT_FOUND;
	if(status >= 500 || status == 429 || status == 408)
		return GITLAB_TRANSIENT;
	return GITLAB_PERMANENT;
}

/* err = "METHOD PATH: what", one line. */
static void set_err(struct call *c, const char *what)
{
	snprintf(c->r->err, sizeof c->r->err, "%s %s: %s", c->method, c->path, what);
	for(char *s = c->r->err; *s; s++) {
		if((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
	}
}

static enum gitlab_outcome transfer_failed(struct call *c, CURLcode rc)
{
	struct gitlab_result *r = c->r;
	char what[CURL_ERROR_SIZE + 64];
	r->status = 0;
	r->outcome = curl_error_is_permanent(rc) ? GITLAB_PERMANENT : GITLAB_TRANSIENT;
	char eb[128];
	if(c->write_errno && strerror_r(c->write_errno, eb, sizeof eb) != 0)
		snprintf(eb, sizeof eb, "error %d", c->write_errno);
	if(c->write_errno)
		snprintf(what, sizeof what, "writing the trace: %s", eb);
	else
		snprintf(what, sizeof what, "%s", c->g->curl_err[0] ? c->g->curl_err : dyn_curl.easy_strerror(rc));
	size_t n = strlen(what);
	while(n > 0 && (what[n - 1] == '\n' || what[n - 1] == ' '))
		what[--n] = '\0';
	set_err(c, what);
	return r->outcome;
}

static enum gitlab_outcome classify(struct call *c, CURLcode rc, long status)
{
	struct gitlab_result *r = c->r;
	char what[64];
	r->retry_after = c->hdr.retry_after;
	bool stopped = rc == CURLE_WRITE_ERROR && !c->write_errno;
	if(stopped && c->truncated)
		rc = CURLE_OK;
	if(stopped && c->too_big) {
		r->status = status;
		r->outcome = GITLAB_PERMANENT;
		snprintf(what, sizeof what, "answer larger than %zu bytes", c->body->cap);
		set_err(c, what);
		return r->outcome;
	}
	if(rc != CURLE_OK)
		return transfer_failed(c, rc);
	r->status = status;
	r->outcome = outcome_of_status(status);
	if(r->outcome != GITLAB_OK) {
		snprintf(what, sizeof what, "HTTP %ld", status);
		set_err(c, what);
	}
	snprintf(r->next_page, sizeof r->next_page, "%s", gl_headers_next_page(&c->hdr));
	return r->outcome;
}

static void set_options(struct call *c)
{
	struct gitlab *g = c->g;
	CURL *h = g->curl;
	dyn_curl.easy_reset(h);
	g->curl_err[0] = '\0';
	dyn_curl.easy_setopt(h, CURLOPT_URL, c->url.ptr);
	dyn_curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  /* threads: no SIGALRM for DNS timeouts */
	dyn_curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	dyn_curl.easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);
	dyn_curl.easy_setopt(h, CURLOPT_USERAGENT, g->user_agent);
	dyn_curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, g->connect_timeout_ms);
	dyn_curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	dyn_curl.easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	dyn_curl.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  /* whatever curl can decode */
	dyn_curl.easy_setopt(h, CURLOPT_ERRORBUFFER, g->curl_err);
	dyn_curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	dyn_curl.easy_setopt(h, CURLOPT_HEADERDATA, c);
	dyn_curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, c->body ? on_body : on_trace);
	dyn_curl.easy_setopt(h, CURLOPT_WRITEDATA, c);
	if(strcmp(c->method, "GET") != 0) {
		const char *p = c->payload ? c->payload : "";
		dyn_curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(p));
		dyn_curl.easy_setopt(h, CURLOPT_POSTFIELDS, p);
		if(strcmp(c->method, "POST") != 0)
			dyn_curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, c->method);
		/* curl silently sends a request again when a reused connection
		 * closes without answering; a retry must never be sent twice, so
		 * writes go on a new connection, where curl does not do that */
		dyn_curl.easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
	}
}

/* Run the call: c->url, c->path, c->method, c->headers and either c->body or
 * c->fd are set. */
static enum gitlab_outcome perform(struct call *c)
{
	struct gitlab_result *r = c->r;
	if(c->g->bad_token) {
		r->outcome = GITLAB_PERMANENT;
		set_err(c, "the token holds a control character");
		return r->outcome;
	}
	if(!c->url.ptr) {
		r->outcome = GITLAB_PERMANENT;
		set_err(c, "URL too long");
		return r->outcome;
	}
	set_options(c);
	CURLcode rc = dyn_curl.easy_perform(c->g->curl);
	long status = 0;
	dyn_curl.easy_getinfo(c->g->curl, CURLINFO_RESPONSE_CODE, &status);
	return classify(c, rc, status);
}

static void result_init(struct gitlab_result *r)
{
	r->outcome = GITLAB_PERMANENT;
	r->status = 0;
	r->retry_after = -1;
	r->next_page[0] = '\0';
	r->err[0] = '\0';
}

/* A call of method on the path printf(fmt, ...); the query is appended by
 * the caller to c->url. */
static void call_init(struct call *c, struct gitlab *g, const char *method,
                      struct gitlab_result *r, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void call_init(struct call *c, struct gitlab *g, const char *method,
                      struct gitlab_result *r, const char *fmt, ...)
{
	memset(c, 0, sizeof *c);
	c->g = g;
	c->method = method;
	c->r = r;
	c->fd = -1;
	gl_headers_reset(&c->hdr);
	c->timeout_ms = g->timeout_ms;
	c->headers = strcmp(method, "GET") == 0 ? g->hdr_get : g->hdr_send;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->path, sizeof c->path, fmt, ap);
	va_end(ap);
	dynbuf_init(&c->url, URL_CAP);
	if(!dynbuf_adds(&c->url, g->base) || !dynbuf_adds(&c->url, c->path))
		dynbuf_free(&c->url);
	result_init(r);
}

static void add_query(struct call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_query(struct call *c, const char *fmt, ...)
{
	char q[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	if(c->url.ptr && !dynbuf_adds(&c->url, q))
		dynbuf_free(&c->url);
}

/* Percent-encode everything but RFC 3986 unreserved characters. */
static void add_escaped(struct call *c, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for(; *s && c->url.ptr; s++) {
		unsigned char ch = (unsigned char)*s;
		bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		             (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~';
		char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
		bool ok = plain ? dynbuf_add(&c->url, s, 1) : dynbuf_add(&c->url, e, 3);
		if(!ok)
			dynbuf_free(&c->url);
	}
}

/* Run a call whose answer is JSON into body. */
static enum gitlab_outcome json_call(struct call *c, struct dynbuf *body)
{
	dynbuf_reset(body);
	c->body = body;
	enum gitlab_outcome o = perform(c);
	dynbuf_free(&c->url);
	return o;
}

enum gitlab_outcome gitlab_get_job(struct gitlab *g, long long project, long long job,
                                   struct dynbuf *body, struct gitlab_result *r)
{
	struct call c;
	call_init(&c, g, "GET", r, "/api/v4/projects/%lld/jobs/%lld", project, job);
	return json_call(&c, body);
}

enum gitlab_outcome gitlab_get_trace(struct gitlab *g, long long project, long long job, int fd,
                                     uint64_t cap, uint64_t *bytes, bool *truncated,
                                     struct gitlab_result *r)
{
	struct call c;
	call_init(&c, g, "GET", r, "/api/v4/projects/%lld/jobs/%lld/trace", project, job);
	c.headers = g->hdr_trace;
	c.timeout_ms = g->timeout_ms * TRACE_TIMEOUT_FACTOR;
	c.fd = fd;
	c.cap = cap;
	enum gitlab_outcome o = perform(&c);
	dynbuf_free(&c.url);
	*bytes = c.written;
	*truncated = c.truncated;
	return o;
}

enum gitlab_outcome gitlab_retry_job(struct gitlab *g, long long project, long long job,
                                     struct dynbuf *body, struct gitlab_result *r)
{
	struct call c;
	call_init(&c, g, "POST", r, "/api/v4/projects/%lld/jobs/%lld/retry", project, job);
	return json_call(&c, body);
}

enum gitlab_outcome gitlab_list_jobs(struct gitlab *g, long long project, const char *const *scopes,
                                     int page, int per_page, struct dynbuf *body,
                                     struct gitlab_result *r)
{
	struct call c;
	call_init(&c, g, "GET", r, "/api/v4/projects/%lld/jobs", project);
	add_query(&c, "?page=%d&per_page=%d", page, per_page);
	for(size_t i = 0; scopes && scopes[i]; i++) {
		add_query(&c, "&scope%%5B%%5D=");
		add_escaped(&c, scopes[i]);
	}
	return json_call(&c, body);
}

enum gitlab_outcome gitlab_list_mr_notes(struct gitlab *g, long long project, long long mr_iid,
                                         int page, struct dynbuf *body, struct gitlab_result *r)
{
	struct call c;
	call_init(&c, g, "GET", r, "/api/v4/projects/%lld/merge_requests/%lld/notes", project, mr_iid);
	add_query(&c, "?page=%d&per_page=%d", page > 0 ? page : 1, NOTES_PER_PAGE);
	return json_call(&c, body);
}

/* POST or PUT {"body": text}. */
static enum gitlab_outcome send_note(struct call *c, const char *text, struct dynbuf *body)
{
	json_t *o = json_object();
	json_t *s = json_string(text);
	if(!s) {
		json_decref(o);
		dynbuf_free(&c->url);
		c->r->outcome = GITLAB_PERMANENT;
		set_err(c, "the note text is not valid UTF-8");
		return c->r->outcome;
	}
	json_object_set_new(o, "body", s);
	char *payload = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if(!payload) {
		fprintf(stderr, "failsig: out of memory encoding a note\n");
		abort();
	}
	c->payload = payload;
	enum gitlab_outcome out = json_call(c, body);
	free(payload);
	return out;
}

enum gitlab_outcome gitlab_create_mr_note(struct gitlab *g, long long project, long long mr_iid,
                                          const char *text, struct dynbuf *body,
                                          struct gitlab_result *r)
{
	struct call c;
	call_init(&c, g, "POST", r, "/api/v4/projects/%lld/merge_requests/%lld/notes", project,
	          mr_iid);
	return send_note(&c, text, body);
}

enum gitlab_outcome gitlab_update_mr_note(struct gitlab *g, long long project, long long mr_iid,
                                          long long note, const char *text, struct dynbuf *body,
                                          struct gitlab_result *r)
{
	struct call c;
	call_init(&c, g, "PUT", r, "/api/v4/projects/%lld/merge_requests/%lld/notes/%lld", project,
	          mr_iid, note);
	return send_note(&c, text, body);
}

/* ---- backoff ---- */

double gitlab_backoff(unsigned attempt, double retry_after, double base_s, double max_s,
                      unsigned *seed)
{
	if(!(max_s > 0))
		max_s = 0;
	if(!(base_s > 0))
		base_s = 0;
	/* base * 2^(attempt-1), doubling only until the cap so it never overflows */
	double ceiling = base_s < max_s ? base_s : max_s;
	for(unsigned i = 1; i < attempt && ceiling > 0 && ceiling < max_s; i++)
		ceiling *= 2;
	if(ceiling > max_s)
		ceiling = max_s;
	double wait = ceiling * ((double)rand_r(seed) / ((double)RAND_MAX + 1.0));
	if(retry_after >= 0) {
		double asked = retry_after < max_s ? retry_after : max_s;
		if(wait < asked)
			wait = asked;
	}
	return wait;
}
