/* joblist.h — one page of GitLab's job list (GET /projects/:id/jobs,
 * newest first), read for a backfill: which of its jobs to take, and
 * whether to ask for the next page. Pure parsing (jansson), no I/O: used by
 * `failsig fetch` and by a fuzz target. */
#ifndef FAILSIG_JOBLIST_H
#define FAILSIG_JOBLIST_H

#include <stdbool.h>
#include <stddef.h>

struct joblist_job {
	long long id;              /* > 0 */
	char *json;                /* the job object as listed, compact JSON; owned by the page */
};

struct joblist_page {
	struct joblist_job *v;     /* the jobs taken, in the page's order */
	size_t n;
	size_t listed;             /* entries on the page, taken or not */
	bool recent;               /* an entry's time is at or after since: a later
	                              (older) page may still hold jobs in range */
};

/* Reads body: takes every finished job (webhook_status_finished) with a
 * positive integer id whose time — finished_at, else created_at — lies in
 * [since_ms, until_ms) (the caller drops ids it has seen). Returns 0, or -1
 * when body is not a JSON array (p is then empty). Free p with
 * joblist_free either way. */
int joblist_parse(const char *body, size_t len, long long since_ms, long long until_ms,
                  struct joblist_page *p);
void joblist_free(struct joblist_page *p);

/* The page to ask for after page: next_page (the digits of gl_headers)
 * when it is beyond page, fits an int, the page listed jobs and one of them
 * was recent; else 0 (done). */
int joblist_next(const struct joblist_page *p, int page, const char *next_page);

/* "YYYY-MM-DD[(T| )HH:MM[:SS[.fff]][Z|±HH[:]MM]]" → unix milliseconds; no
 * zone is UTC. Returns 0, or -1 when s is not such a time. */
int iso_time_ms(const char *s, long long *ms);

#endif
