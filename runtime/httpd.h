/* httpd.h — the HTTP front of `failsig serve`, on libmicrohttpd.
 *
 *   POST /hooks/gitlab   GitLab Job Hook events: checked (webhook.h) and
 *                        queued in the store before the answer
 *   GET  /healthz        200 while the database answers
 *   GET  /metrics        Prometheus text (metrics.h)
 *
 *   GET  anything else   handed to the page callback (the dashboard)
 *
 * Requests are served by a small pool of polling threads: an idle or slow
 * connection costs a socket, not a thread, and a slow dashboard query holds
 * up one thread of the pool. The webhook's store connection is shared under
 * a mutex: writing an event is one small transaction, so the answer comes in
 * milliseconds whatever the workers are doing. */
#ifndef FSIG_HTTPD_H
#define FSIG_HTTPD_H

#include <stdbool.h>
#include <stddef.h>

struct store;
struct MHD_Connection;

/* A page for GET url (query arguments via MHD_lookup_connection_value):
 * queue a response with httpd_answer and return 1, or return 0 when there
 * is no such page (the answer is then 404). Called on the connection's own
 * thread. */
typedef int (*httpd_page_fn)(void *cls, struct MHD_Connection *conn, const char *url);

struct httpd_config {
	const char *listen;       /* "ADDR:PORT", "[V6ADDR]:PORT"; port 0 picks a free one */
	const char *secret;       /* X-Gitlab-Token must equal it; NULL: no check (--no-secret) */
	size_t max_body;          /* larger event bodies get 413 */
	struct store *store;      /* owned by the caller, used only on the server thread;
	                             NULL: /healthz and /metrics go to the page callback */
	void (*queued)(void *cls);/* called after an event was queued (wakes the workers) */
	void *cls;
	httpd_page_fn page;       /* other GET pages; NULL: none */
	void *page_cls;
	bool no_hooks;            /* no webhook (`failsig dashboard`): /hooks/gitlab is 404 */
};

/* Queue an answer (body copied). Returns 1, or 0 if MHD refused. */
int httpd_answer(struct MHD_Connection *conn, unsigned status, const char *content_type,
                 const char *body, size_t len);

struct httpd;

/* Start serving. Returns NULL with a one-line reason in err. */
struct httpd *httpd_start(const struct httpd_config *c, char *err, size_t errlen);
unsigned httpd_port(const struct httpd *h);   /* the port bound */
/* Stop accepting, finish requests in flight, stop. */
void httpd_stop(struct httpd *h);

#endif
