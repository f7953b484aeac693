/* metrics.h — the service's counters, rendered in Prometheus text format.
 *
 * Counters are atomics updated from any thread (webhook handler, workers);
 * one process-wide instance, set up by metrics_init before threads start.
 * docs/operations.md says what each metric means. */
#ifndef FSIG_METRICS_H
#define FSIG_METRICS_H

#include <stdint.h>

#include "dynbuf.h"
#include "ruleset.h"

enum metric_counter {
	M_WEBHOOK_QUEUED,         /* events written to the queue */
	M_WEBHOOK_DUPLICATE,      /* redeliveries of an event still queued */
	M_EVENTS_DONE,            /* events processed to the end */
	M_EVENTS_SKIPPED,         /* events of unfinished jobs */
	M_EVENTS_FAILED,          /* events that failed for good (404, refused, too many tries) */
	M_EVENTS_REQUEUED,        /* transient failures: the event waits and is tried again */
	M_JOBS_SCANNED,
	M_TRACES_TRUNCATED,
	M_SCAN_BYTES,
	M_SCAN_MICROSECONDS,
	M_GITLAB_REQUESTS,
	M_COUNTER__COUNT
};

enum metric_rule_counter {
	MR_MATCHES,               /* jobs the rule fired on */
	MR_RETRIES,               /* retries GitLab accepted */
	MR_RETRIES_DRY_RUN,
	MR_RETRIES_REFUSED,       /* caps and breaker */
	MR_BREAKER_TRIPS,         /* refusals by the circuit breaker */
	MR_RETRY_FAILURES,        /* retries GitLab refused or that never got through */
	MR__COUNT
};

void metrics_init(const struct fsig_ruleset *rs);
void metrics_free(void);
void metrics_add(enum metric_counter c, uint64_t n);
void metrics_rule_add(uint32_t rule, enum metric_rule_counter c);
void metrics_http_status(int status);    /* an answer of the webhook endpoint */
void metrics_gitlab_error(long status);  /* a failed GitLab call; 0 = no answer */
/* Set 1 while the rule's breaker refuses, 0 once it retries again. */
void metrics_breaker_state(uint32_t rule, int open);

/* Append the Prometheus exposition; queue_depth and scheduled_retries are
 * read from the store by the caller (-1: unknown, omitted). */
void metrics_render(struct dynbuf *out, long long queue_depth, long long scheduled_retries);

#endif
