/* httpd.c — routes, request bodies and answers (see httpd.h). */
#include "httpd.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "dynbuf.h"
#include "metrics.h"
#include "store.h"
#include "svclog.h"
#include "webhook.h"
#include "dynlib.h"
#include "xalloc.h"

enum {
	HTTPD_THREADS = 4,             /* a slow dashboard query holds up one of them */
	HTTPD_MAX_CONNECTIONS = 4000,  /* below the usual 4096 open files */
	HTTPD_IDLE_TIMEOUT = 15,       /* seconds a connection may send nothing */
};

struct httpd {
	struct httpd_config c;
	struct MHD_Daemon *d;
	unsigned port;
	pthread_mutex_t store_lock;   /* c.store is used by one connection thread at a time */
};

/* One request in progress: the body collected so far. */
struct request {
	struct dynbuf body;
	bool too_large;
};

int httpd_answer(struct MHD_Connection *conn, unsigned status, const char *content_type,
                 const char *body, size_t len)
{
	struct MHD_Response *r =
		dyn_mhd.create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if(!r)
		return 0;
	dyn_mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	dyn_mhd.add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result rc = dyn_mhd.queue_response(conn, status, r);
	dyn_mhd.destroy_response(r);
	return rc == MHD_YES;
}

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned status, const char *type,
                              const char *text, size_t len)
{
	return httpd_answer(conn, status, type, text, len) ? MHD_YES : MHD_NO;
}

/* {"error": "..."} with the message escaped as JSON. */
static enum MHD_Result answer_error(struct MHD_Connection *conn, unsigned status, const char *msg)
{
	struct dynbuf b;
	dynbuf_init(&b, 4096);
	dynbuf_adds(&b, "{\"error\":\"");
	for(const char *p = msg; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if(ch == '"' || ch == '\\')
			dynbuf_printf(&b, "\\%c", ch);
		else if(ch < 0x20)
			dynbuf_printf(&b, "\\u%04x", ch);
		else
			dynbuf_add(&b, p, 1);
	}
	dynbuf_adds(&b, "\"}\n");
	enum MHD_Result rc = answer(conn, status, "application/json", b.ptr, b.len);
	dynbuf_free(&b);
	return rc;
}

static enum MHD_Result hook_answer_error(struct MHD_Connection *conn, unsigned status,
                                         const char *msg)
{
	metrics_http_status((int)status);
	return answer_error(conn, status, msg);
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
	return dyn_mhd.lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result count_key(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
	struct { const char *key; int n; } *c = cls;
	if(strcasecmp(key, c->key) == 0)
		c->n++;
	return MHD_YES;
}

/* A header that must appear once: NULL when absent or repeated (two
 * X-Gitlab-Token headers must not let a proxy and the service disagree on
 * which one counts). */
static const char *single_header(struct MHD_Connection *conn, const char *name)
{
	struct { const char *key; int n; } c = { name, 0 };
	dyn_mhd.get_connection_values(conn, MHD_HEADER_KIND, count_key, &c);
	return c.n == 1 ? header(conn, name) : NULL;
}

/* Checks that need no body: token, event kind, content type, length. */
static enum MHD_Result hook_precheck(struct httpd *h, struct MHD_Connection *conn, bool *ok)
{
	*ok = false;
	if(h->c.secret && !webhook_token_ok(single_header(conn, "X-Gitlab-Token"), h->c.secret))
		return hook_answer_error(conn, MHD_HTTP_UNAUTHORIZED,
		                         "missing or wrong X-Gitlab-Token");
	const char *ct = header(conn, MHD_HTTP_HEADER_CONTENT_TYPE);
	if(!ct || strncmp(ct, "application/json", 16) != 0 || (ct[16] != '\0' && ct[16] != ';'))
		return hook_answer_error(conn, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		                         "Content-Type must be application/json");
	const char *ev = header(conn, "X-Gitlab-Event");
	if(ev && strcmp(ev, "Job Hook") != 0)
		return hook_answer_error(conn, 422, "X-Gitlab-Event is not \"Job Hook\"");
	const char *cl = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if(cl && strtoull(cl, NULL, 10) > h->c.max_body) {
		char msg[96];
		snprintf(msg, sizeof msg, "body larger than %zu bytes", h->c.max_body);
		return hook_answer_error(conn, MHD_HTTP_CONTENT_TOO_LARGE, msg);
	}
	*ok = true;
	return MHD_YES;
}

static enum MHD_Result hook_finish(struct httpd *h, struct MHD_Connection *conn, struct request *rq)
{
	char msg[320];
	if(rq->too_large) {
		snprintf(msg, sizeof msg, "body larger than %zu bytes", h->c.max_body);
		return hook_answer_error(conn, MHD_HTTP_CONTENT_TOO_LARGE, msg);
	}
	struct webhook_event ev;
	char err[256];
	int status = webhook_parse(rq->body.ptr ? rq->body.ptr : "", rq->body.len, &ev, err,
	                           sizeof err);
	if(status) {
		svc_log("webhook: rejected (%d): %s", status, err);
		return hook_answer_error(conn, (unsigned)status, err);
	}
	long long id;
	bool dup;
	pthread_mutex_lock(&h->store_lock);
	int rc = store_event_add(h->c.store, ev.job_id, ev.project_id, ev.status, rq->body.ptr,
	                         rq->body.len, (long long)time(NULL), &id, &dup);
	if(rc < 0)
		svc_log("webhook: cannot queue job %lld: %s", ev.job_id, store_error(h->c.store));
	pthread_mutex_unlock(&h->store_lock);
	if(rc < 0) {
		return hook_answer_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		                         "the event could not be queued; deliver it again");
	}
	metrics_add(dup ? M_WEBHOOK_DUPLICATE : M_WEBHOOK_QUEUED, 1);
	if(!dup && h->c.queued)
		h->c.queued(h->c.cls);
	int n = snprintf(msg, sizeof msg, "{\"status\":\"%s\",\"event\":%lld,\"job\":%lld}\n",
	                 dup ? "duplicate" : "queued", id, ev.job_id);
	metrics_http_status(200);
	return answer(conn, MHD_HTTP_OK, "application/json", msg, (size_t)n);
}

static enum MHD_Result hook(struct httpd *h, struct MHD_Connection *conn, const char *upload,
                            size_t *upload_size, void **con_cls)
{
	struct request *rq = *con_cls;
	if(!rq) {
		bool ok;
		enum MHD_Result rc = hook_precheck(h, conn, &ok);
		if(!ok)
			return rc;
		rq = xcalloc(1, sizeof *rq);
		dynbuf_init(&rq->body, h->c.max_body);
		*con_cls = rq;
		return MHD_YES;
	}
	if(*upload_size) {
		/* Past the cap (a chunked body has no Content-Length to refuse
		 * early) the rest is read and dropped: memory stays bounded. */
		if(!rq->too_large && !dynbuf_add(&rq->body, upload, *upload_size))
			rq->too_large = true;
		*upload_size = 0;
		return MHD_YES;
	}
	return hook_finish(h, conn, rq);
}

static enum MHD_Result healthz(struct httpd *h, struct MHD_Connection *conn)
{
	pthread_mutex_lock(&h->store_lock);
	long long depth = store_queue_depth(h->c.store);
	pthread_mutex_unlock(&h->store_lock);
	if(depth < 0)
		return answer_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "database not answering");
	static const char ok[] = "{\"status\":\"ok\"}\n";
	return answer(conn, MHD_HTTP_OK, "application/json", ok, sizeof ok - 1);
}

static enum MHD_Result metrics(struct httpd *h, struct MHD_Connection *conn)
{
	struct dynbuf b;
	dynbuf_init(&b, 16 << 20);
	pthread_mutex_lock(&h->store_lock);
	long long depth = store_queue_depth(h->c.store);
	long long scheduled = store_retries_scheduled(h->c.store);
	pthread_mutex_unlock(&h->store_lock);
	metrics_render(&b, depth, scheduled);
	enum MHD_Result rc =
		answer(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", b.ptr ? b.ptr : "",
		       b.len);
	dynbuf_free(&b);
	return rc;
}

static enum MHD_Result method_not_allowed(struct MHD_Connection *conn, const char *allow)
{
	struct MHD_Response *r = dyn_mhd.create_response_from_buffer(
		sizeof "{\"error\":\"method not allowed\"}\n" - 1,
		(void *)"{\"error\":\"method not allowed\"}\n", MHD_RESPMEM_PERSISTENT);
	if(!r)
		return MHD_NO;
	dyn_mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	dyn_mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	enum MHD_Result rc = dyn_mhd.queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, r);
	dyn_mhd.destroy_response(r);
	return rc;
}

static enum MHD_Result route(void *cls, struct MHD_Connection *conn, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_size, void **con_cls)
{
	struct httpd *h = cls;
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	if(strcmp(url, "/hooks/gitlab") == 0 && !h->c.no_hooks) {
		if(strcmp(method, "POST") != 0) {
			metrics_http_status(405);
			return method_not_allowed(conn, "POST");
		}
		return hook(h, conn, upload, upload_size, con_cls);
	}
	/* Other routes take no body; one is drained, never stored. */
	if(*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	if(!*con_cls) {
		*con_cls = (void *)1;   /* answer once the (ignored) body is read */
		return MHD_YES;
	}
	if(strcmp(url, "/healthz") == 0 && h->c.store)
		return get ? healthz(h, conn) : method_not_allowed(conn, "GET, HEAD");
	if(strcmp(url, "/metrics") == 0 && h->c.store)
		return get ? metrics(h, conn) : method_not_allowed(conn, "GET, HEAD");
	if(get && h->c.page && h->c.page(h->c.page_cls, conn, url))
		return MHD_YES;
	return answer_error(conn, MHD_HTTP_NOT_FOUND, "no such page");
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;
	if(rq && rq != (void *)1) {
		dynbuf_free(&rq->body);
		free(rq);
	}
	*con_cls = NULL;
}

/* "127.0.0.1:8080", "[::1]:8080", ":8080" (all IPv4 addresses). */
static int parse_listen(const char *s, struct sockaddr_storage *ss, char *err, size_t errlen)
{
	memset(ss, 0, sizeof *ss);
	const char *colon = strrchr(s, ':');
	char host[64];
	if(!colon || (size_t)(colon - s) >= sizeof host)
		goto bad;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	char *end;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if(colon[1] == '\0' || *end || port > 65535)
		goto bad;
	size_t hl = strlen(host);
	if(hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if(inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			goto bad;
		return 0;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if(hl == 0)
		a->sin_addr.s_addr = htonl(INADDR_ANY);
	else if(inet_pton(AF_INET, host, &a->sin_addr) != 1)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "--listen '%s' is not ADDR:PORT (e.g. 127.0.0.1:8080, [::1]:8080)", s);
	return -1;
}

struct httpd *httpd_start(const struct httpd_config *c, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	if(parse_listen(c->listen, &ss, err, errlen) < 0 || dynlib_mhd(err, errlen) < 0)
		return NULL;
	struct httpd *h = xcalloc(1, sizeof *h);
	h->c = *c;
	pthread_mutex_init(&h->store_lock, NULL);
	/* A pool of polling threads, not a thread per connection: idle or
	 * slow senders (slow loris) cost a socket each, not a thread, so
	 * thousands of them cannot starve GitLab's deliveries. */
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	if(ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->d = dyn_mhd.start_daemon(flags, 0, NULL, NULL, route, h,
	                        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	                        MHD_OPTION_NOTIFY_COMPLETED, completed, h,
	                        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HTTPD_THREADS,
	                        MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTPD_MAX_CONNECTIONS,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTPD_IDLE_TIMEOUT,
	                        MHD_OPTION_END);
	if(!h->d) {
		snprintf(err, errlen, "cannot listen on %s (address in use or not available)", c->listen);
		pthread_mutex_destroy(&h->store_lock);
		free(h);
		return NULL;
	}
	const union MHD_DaemonInfo *info = dyn_mhd.get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info ? info->port : 0;
	return h;
}

unsigned httpd_port(const struct httpd *h)
{
	return h->port;
}

void httpd_stop(struct httpd *h)
{
	if(!h)
		return;
	dyn_mhd.stop_daemon(h->d);
	pthread_mutex_destroy(&h->store_lock);
	free(h);
}
