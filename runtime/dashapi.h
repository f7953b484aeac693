/* dashapi.h — the dashboard's queries: what the JSON API under /api/
 * answers and what the HTML pages show, as jansson values (docs/dashboard.md
 * documents every answer).
 *
 * Queries run on a read-only sqlite connection of the caller's. Charts and
 * counts cover a window of `days` days ending on the newest day a job of
 * the database finished (not today: a database of old jobs still shows
 * something, and tests with fixed dates are deterministic). A job's day is
 * the date part of its finished_at, which GitLab gives in UTC. Lists
 * (latest jobs, decisions, unmatched failures, search hits) are newest
 * first and cut at `limit`, whatever the window.
 *
 * Every function returns a new reference the caller json_decrefs, or NULL
 * with the HTTP status, error code and message set in the struct dashapi. */
#ifndef FSIG_DASHAPI_H
#define FSIG_DASHAPI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ruleset.h"

struct sqlite3;

enum {
	DASHAPI_MAX_ARGS = 16,        /* query parameters of one request */
	DASHAPI_DAYS_DEFAULT = 30,
	DASHAPI_DAYS_MAX = 3650,      /* larger ?days= are taken as this */
	DASHAPI_LIMIT_MAX = 500,      /* larger ?limit= are taken as this */
	DASHAPI_Q_MAX = 512,          /* bytes of a search query */
	DASHAPI_TEXT_MAX = 256,       /* bytes of a rule, runner, project, status filter */
	DASHAPI_CONTEXT = 5,          /* log lines shown before and after a hit */
	/* A request whose queries run longer is interrupted (503): it holds one
	 * of httpd's polling threads, which webhook deliveries share, and GitLab
	 * gives up on a hook after 10 s. */
	DASHAPI_TIMEOUT_MS = 5000,
};

/* The query string of a request, as the HTTP server decoded it (borrowed). */
struct dashapi_args {
	size_t n;
	const char *key[DASHAPI_MAX_ARGS];
	const char *value[DASHAPI_MAX_ARGS];  /* NULL: "?key" without '=' */
	bool overflow;                        /* more than DASHAPI_MAX_ARGS were given */
};

/* Which parameters an endpoint takes (a bit set). */
enum dashapi_param {
	DP_DAYS = 1 << 0,
	DP_LIMIT = 1 << 1,
	DP_RULE = 1 << 2,
	DP_Q = 1 << 3,
	DP_STATUS = 1 << 4,
	DP_RUNNER = 1 << 5,
	DP_PROJECT = 1 << 6,
	DP_STATE = 1 << 7,
};

struct dashapi_params {
	int days;                 /* the window's length */
	int limit;                /* rows of a list (of a top-N table for the summary) */
	const char *rule;         /* filters, borrowed from the args; NULL: not given */
	const char *q;
	const char *status;
	const char *runner;
	const char *project;
	int state;                /* enum retry_state, -1: any */
	char from[11];            /* the window, "YYYY-MM-DD", both days included */
	char to[11];
	char end[11];             /* the day after `to` (finished_at < end) */
};

struct dashapi {
	struct sqlite3 *db;               /* borrowed: a read-only connection */
	const struct fsig_ruleset *rs;    /* the compiled rules (titles, actions); may be NULL */
	unsigned status;                  /* after a failure: 400, 404, 500 or 503 */
	char error[32];                   /* after a failure: a stable code ("bad_parameter") */
	char message[512];                /* after a failure: one line for people */
};

/* Prepare a read-only connection for the queries: busy timeout, the SQL
 * function retry_state(n) and the time limit of DASHAPI_TIMEOUT_MS per
 * request (counted from this call). The caller keeps the connection's
 * lifetime; *deadline must live as long as it. */
void dashapi_prepare(struct sqlite3 *db, long long *deadline);

/* Check args against the parameters an endpoint takes (`allowed`) and fill
 * *p: defaults, caps, the window from the database. Returns 0, or -1 with
 * status 400 (unknown, repeated or malformed parameter) or a database error. */
int dashapi_parse(struct dashapi *a, const struct dashapi_args *args, unsigned allowed,
                  int default_limit, struct dashapi_params *p);

/* Set a failure (status, code, printf message); returns NULL. */
json_t *dashapi_fail(struct dashapi *a, unsigned status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The endpoints (docs/dashboard.md): */
json_t *dashapi_summary(struct dashapi *a, const struct dashapi_params *p);   /* days, limit (top N) */
json_t *dashapi_daily(struct dashapi *a, const struct dashapi_params *p);     /* days, rule */
json_t *dashapi_rules(struct dashapi *a, const struct dashapi_params *p);     /* days */
json_t *dashapi_rule(struct dashapi *a, const struct dashapi_params *p);      /* rule, days, limit */
json_t *dashapi_jobs(struct dashapi *a, const struct dashapi_params *p);      /* filters, limit */
json_t *dashapi_job(struct dashapi *a, long long id);
json_t *dashapi_retries(struct dashapi *a, const struct dashapi_params *p);   /* state, limit */
json_t *dashapi_unmatched(struct dashapi *a, const struct dashapi_params *p); /* limit */
json_t *dashapi_search(struct dashapi *a, const struct dashapi_params *p);    /* q, limit */

/* Whether s is fit as a filter value (it is echoed in answers): 1 to max
 * bytes of valid UTF-8 without control characters. */
bool dashapi_text_ok(const char *s, size_t max);

/* The compiled rule of that id, or NULL. */
const struct fsig_rule *dashapi_find_rule(const struct fsig_ruleset *rs, const char *id);

#endif
