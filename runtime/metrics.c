/* metrics.c — atomic counters and their Prometheus rendering. */
#include "metrics.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "xalloc.h"

enum { STATUS_MAX = 600 };

static struct {
	const struct fsig_ruleset *rs;
	_Atomic uint64_t counter[M_COUNTER__COUNT];
	_Atomic uint64_t (*rule)[MR__COUNT];   /* rs->nrules rows */
	_Atomic int *breaker_open;             /* rs->nrules */
	_Atomic uint64_t http[STATUS_MAX];
	_Atomic uint64_t gitlab_err[STATUS_MAX];
} m;

void metrics_init(const struct fsig_ruleset *rs)
{
	m.rs = rs;
	size_t n = rs->nrules ? rs->nrules : 1;
	m.rule = xcalloc(n, sizeof *m.rule);
	m.breaker_open = xcalloc(n, sizeof *m.breaker_open);
}

void metrics_free(void)
{
	free((void *)m.rule);
	free((void *)m.breaker_open);
	m.rule = NULL;
	m.breaker_open = NULL;
}

void metrics_add(enum metric_counter c, uint64_t n)
{
	atomic_fetch_add_explicit(&m.counter[c], n, memory_order_relaxed);
}

void metrics_rule_add(uint32_t rule, enum metric_rule_counter c)
{
	if(m.rule && rule < m.rs->nrules)
		atomic_fetch_add_explicit(&m.rule[rule][c], 1, memory_order_relaxed);
}

void metrics_http_status(int status)
{
	if(status >= 0 && status < STATUS_MAX)
		atomic_fetch_add_explicit(&m.http[status], 1, memory_order_relaxed);
}

void metrics_gitlab_error(long status)
{
	if(status >= 0 && status < STATUS_MAX)
		atomic_fetch_add_explicit(&m.gitlab_err[status], 1, memory_order_relaxed);
}

void metrics_breaker_state(uint32_t rule, int open)
{
	if(m.breaker_open && rule < m.rs->nrules)
		atomic_store(&m.breaker_open[rule], open);
}

static uint64_t get(_Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static void header(struct dynbuf *out, const char *name, const char *type, const char *help)
{
	dynbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void counter(struct dynbuf *out, const char *name, const char *help, uint64_t v)
{
	header(out, name, "counter", help);
	dynbuf_printf(out, "%s %llu\n", name, (unsigned long long)v);
}

/* One labelled series per status code seen. */
static void by_status(struct dynbuf *out, const char *name, const char *label,
                      _Atomic uint64_t *v)
{
	for(int s = 0; s < STATUS_MAX; s++) {
		uint64_t n = get(&v[s]);
		if(n)
			dynbuf_printf(out, "%s{%s=\"%d\"} %llu\n", name, label, s, (unsigned long long)n);
	}
}

static void per_rule(struct dynbuf *out, const char *name, const char *help,
                     enum metric_rule_counter c)
{
	header(out, name, "counter", help);
	for(uint32_t i = 0; i < m.rs->nrules; i++)
		dynbuf_printf(out, "%s{rule=\"%s\"} %llu\n", name, m.rs->rules[i].id,
		              (unsigned long long)get(&m.rule[i][c]));
}

void metrics_render(struct dynbuf *out, long long queue_depth, long long scheduled_retries)
{
	header(out, "failsig_webhook_requests_total", "counter",
	       "Answers of POST /hooks/gitlab by HTTP status.");
	by_status(out, "failsig_webhook_requests_total", "code", m.http);
	header(out, "failsig_events_received_total", "counter",
	       "Job events accepted by the webhook, new or duplicate deliveries.");
	dynbuf_printf(out, "failsig_events_received_total{result=\"queued\"} %llu\n",
	              (unsigned long long)get(&m.counter[M_WEBHOOK_QUEUED]));
	dynbuf_printf(out, "failsig_events_received_total{result=\"duplicate\"} %llu\n",
	              (unsigned long long)get(&m.counter[M_WEBHOOK_DUPLICATE]));
	header(out, "failsig_events_processed_total", "counter",
	       "Queued events taken by a worker, by outcome.");
	static const struct { const char *name; enum metric_counter c; } outcomes[] = {
		{ "done", M_EVENTS_DONE }, { "skipped", M_EVENTS_SKIPPED },
		{ "failed", M_EVENTS_FAILED }, { "requeued", M_EVENTS_REQUEUED },
	};
	for(size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
		dynbuf_printf(out, "failsig_events_processed_total{outcome=\"%s\"} %llu\n",
		              outcomes[i].name, (unsigned long long)get(&m.counter[outcomes[i].c]));
	if(queue_depth >= 0) {
		header(out, "failsig_queue_depth", "gauge", "Events queued or in work.");
		dynbuf_printf(out, "failsig_queue_depth %lld\n", queue_depth);
	}
	if(scheduled_retries >= 0) {
		header(out, "failsig_retries_scheduled", "gauge",
		       "Retries waiting for their time (retry after DURATION) or for GitLab.");
		dynbuf_printf(out, "failsig_retries_scheduled %lld\n", scheduled_retries);
	}
	counter(out, "failsig_jobs_scanned_total", "Job traces scanned.",
	        get(&m.counter[M_JOBS_SCANNED]));
	counter(out, "failsig_traces_truncated_total", "Traces longer than --max-trace, scanned up to it.",
	        get(&m.counter[M_TRACES_TRUNCATED]));
	counter(out, "failsig_scan_bytes_total", "Trace bytes scanned.", get(&m.counter[M_SCAN_BYTES]));
	header(out, "failsig_scan_seconds_total", "counter", "Time spent scanning traces.");
	dynbuf_printf(out, "failsig_scan_seconds_total %.6f\n",
	              (double)get(&m.counter[M_SCAN_MICROSECONDS]) / 1e6);
	counter(out, "failsig_gitlab_requests_total", "Calls of the GitLab API.",
	        get(&m.counter[M_GITLAB_REQUESTS]));
	header(out, "failsig_gitlab_errors_total", "counter",
	       "Failed GitLab API calls by HTTP status (0: no answer: refused, reset, timeout).");
	by_status(out, "failsig_gitlab_errors_total", "status", m.gitlab_err);
	per_rule(out, "failsig_rule_matches_total", "Jobs the rule fired on.", MR_MATCHES);
	per_rule(out, "failsig_rule_retries_total", "Retries of the rule that GitLab accepted.",
	         MR_RETRIES);
	per_rule(out, "failsig_rule_retries_dry_run_total", "Retries the rule would have made (--dry-run).",
	         MR_RETRIES_DRY_RUN);
	per_rule(out, "failsig_rule_retries_refused_total",
	         "Retries the policy refused (lineage or rule cap, circuit breaker).", MR_RETRIES_REFUSED);
	per_rule(out, "failsig_rule_breaker_trips_total", "Retries the circuit breaker refused.",
	         MR_BREAKER_TRIPS);
	per_rule(out, "failsig_rule_retry_failures_total",
	         "Retries GitLab refused or that never got through.", MR_RETRY_FAILURES);
	header(out, "failsig_rule_breaker_open", "gauge",
	       "1 while the rule's circuit breaker refuses retries.");
	for(uint32_t i = 0; i < m.rs->nrules; i++)
		dynbuf_printf(out, "failsig_rule_breaker_open{rule=\"%s\"} %d\n", m.rs->rules[i].id,
		              atomic_load(&m.breaker_open[i]));
}
