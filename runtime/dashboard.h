/* dashboard.h — the dashboard's routes: the page callback of httpd.h,
 * served by `failsig serve` beside the webhook and by `failsig dashboard`
 * alone (docs/dashboard.md).
 *
 *   GET /, /rule/ID, /job/ID, /search?q=   HTML pages (dashpage.h)
 *   GET /api/...                           the JSON API (dashapi.h)
 *   GET /healthz                           when httpd has no store of its own
 *
 * Each request opens its own read-only sqlite connection to the database
 * file (cheap next to the queries; nothing is shared between the
 * connection threads of httpd) and closes it before answering. */
#ifndef FSIG_DASHBOARD_H
#define FSIG_DASHBOARD_H

#include <stddef.h>

#include "ruleset.h"

struct dashboard;
struct MHD_Connection;

/* A dashboard over the database at db_path (copied); rs (borrowed, may be
 * NULL) gives rule titles. Free with dashboard_free after httpd_stop. */
struct dashboard *dashboard_new(const char *db_path, const struct fsig_ruleset *rs);
void dashboard_free(struct dashboard *d);

/* Open the database read-only and check its schema: 0, or -1 with a
 * one-line reason in err (no such file, not a failsig database, a schema
 * this failsig does not know). */
int dashboard_check(const struct dashboard *d, char *err, size_t errlen);

/* The httpd_page_fn: cls is the struct dashboard. Answers every GET it is
 * given (404 pages included) and returns 1, or 0 if MHD refused the answer. */
int dashboard_page(void *cls, struct MHD_Connection *conn, const char *url);

#endif
