/* service.h — the workers of `failsig serve`: queued events in, verdicts
 * recorded, retries asked of GitLab.
 *
 * Each worker thread owns a store connection and a GitLab client, and loops:
 * a retry that is due (store_retry_claim_due), else a queued event that is
 * due (store_event_claim), else it sleeps until woken or a second passes.
 * Everything a worker decides is in the database before it acts on it, so a
 * killed process resumes where it stopped and never asks GitLab twice for
 * the same retry (store.h, RETRY_UNKNOWN). */
#ifndef FSIG_SERVICE_H
#define FSIG_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gitlab.h"
#include "policy.h"
#include "ruleset.h"

struct service_config {
	const char *db_path;
	struct gitlab_options gitlab;
	struct policy_config policy;
	unsigned workers;             /* threads (>= 1) */
	uint64_t max_trace;           /* bytes of a trace scanned; longer ones are truncated */
	unsigned max_attempts;        /* transient failures before an event or retry fails for good */
	double backoff_base;          /* seconds: first wait after a transient failure */
	double backoff_max;           /* seconds: the longest wait */
	const char *spool_dir;        /* where traces are downloaded (deleted at once) */
	bool mr_notes;                /* post a note on the merge request when a job is retried */
	bool store_logs;              /* keep traces and index their lines (logstore.h) */
	long long retention;          /* seconds stored logs are kept; 0: forever */
};

struct service;

/* Start the workers. NULL with a one-line reason in err when the database
 * cannot be opened. Recovers what a killed process left behind first. */
struct service *service_start(const struct fsig_ruleset *rs, const struct service_config *c,
                              char *err, size_t errlen);
/* Wake the workers: an event was queued (an httpd_config.queued callback). */
void service_wake(void *svc);
/* Let every worker finish what it is doing, then stop them all. */
void service_stop(struct service *s);

#endif
