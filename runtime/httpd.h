/* httpd.h — the HTTP front of `failsig serve`, on libmicrohttpd.
 *
 *   POST /hooks/gitlab   GitLab Job Hook events: checked (webhook.h) and
 *                        queued in the store before the answer
 *   GET  /healthz        200 while the database answers
 *   GET  /metrics        Prometheus text (metrics.h)
 *
 * All requests are handled on one internal polling thread, which owns one
 * store connection: writes to the queue are a single small transaction, so
 * the answer comes in milliseconds whatever the workers are doing. */
#ifndef FSIG_HTTPD_H
#define FSIG_HTTPD_H

#include <stddef.h>

struct store;

struct httpd_config {
	const char *listen;       /* "ADDR:PORT", "[V6ADDR]:PORT"; port 0 picks a free one */
	const char *secret;       /* X-Gitlab-Token must equal it; NULL: no check (--no-secret) */
	size_t max_body;          /* larger event bodies get 413 */
	struct store *store;      /* owned by the caller, used only on the server thread */
	void (*queued)(void *cls);/* called after an event was queued (wakes the workers) */
	void *cls;
};

struct httpd;

/* Start serving. Returns NULL with a one-line reason in err. */
struct httpd *httpd_start(const struct httpd_config *c, char *err, size_t errlen);
unsigned httpd_port(const struct httpd *h);   /* the port bound */
/* Stop accepting, finish requests in flight, stop. */
void httpd_stop(struct httpd *h);

#endif
