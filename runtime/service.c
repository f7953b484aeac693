/* service.c — worker threads: events, scans, retry decisions, retries. */
#include "service.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "dynbuf.h"
#include "job.h"
#include "jobscan.h"
#include "logstore.h"
#include "metrics.h"
#include "mrnote.h"
#include "scanlog.h"
#include "store.h"
#include "svclog.h"
#include "webhook.h"
#include "xalloc.h"

struct service {
	const struct fsig_ruleset *rs;
	struct service_config c;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	unsigned pending_wakes;       /* wakes not yet consumed: no lost wake-up */
	pthread_t *threads;
	unsigned nthreads;
	struct jobscan_config scan;
	long long next_prune;         /* when worker 0 prunes old logs next */
};

struct worker {
	struct service *svc;
	unsigned id;
	struct store *st;
	struct gitlab *gl;
	unsigned seed;                /* backoff jitter */
};

static long long now_s(void)
{
	return (long long)time(NULL);
}

static int rule_index(const struct fsig_ruleset *rs, const char *id)
{
	for(uint32_t i = 0; i < rs->nrules; i++) {
		if(strcmp(rs->rules[i].id, id) == 0)
			return (int)i;
	}
	return -1;
}

/* ---- GitLab outcomes ---- */

/* Count a call; an error also by status. */
static void count_call(const struct gitlab_result *r)
{
	metrics_add(M_GITLAB_REQUESTS, 1);
	if(r->outcome != GITLAB_OK)
		metrics_gitlab_error(r->status);
}

static long long backoff_until(struct worker *w, unsigned attempt, const struct gitlab_result *r,
                               double *wait)
{
	*wait = gitlab_backoff(attempt, r->retry_after, w->svc->c.backoff_base,
	                       w->svc->c.backoff_max, &w->seed);
	return now_s() + (long long)(*wait + 0.999);
}

static bool stopping(struct service *s);

/* Write an event's outcome (state EVENT_*, or -1: back to the queue until
 * not_before), holding on while the database refuses (disk full, locked):
 * an event left "in work" would wait for the next start. Gives up only when
 * the service stops; the next start then takes the event again. */
static int settle_event(struct worker *w, const struct store_event *ev, int state,
                        long long not_before, const char *result)
{
	for(unsigned waited = 0;; waited++) {
		int rc = state < 0 ? store_event_requeue(w->st, ev->id, not_before, result)
		                   : store_event_finish(w->st, ev->id, state, result, now_s());
		if(rc == 0) {
			if(waited)
				svc_log("job %lld: the database takes writes again", ev->job_id);
			return 0;
		}
		if(!waited)
			svc_log("job %lld: cannot record the event's outcome (%s); holding it", ev->job_id,
			        store_error(w->st));
		if(stopping(w->svc))
			return -1;
		sleep(1);
	}
}

/* A GitLab call for an event did not give what was needed: wait and try
 * again (transient), or end the event with the reason. */
static void event_gitlab_failed(struct worker *w, const struct store_event *ev,
                                const struct gitlab_result *r, const char *what)
{
	char result[400];
	unsigned attempt = (unsigned)ev->attempts + 1;
	if(r->outcome == GITLAB_TRANSIENT && attempt < w->svc->c.max_attempts) {
		double wait;
		long long at = backoff_until(w, attempt, r, &wait);
		snprintf(result, sizeof result, "%s: %s", what, r->err);
		svc_log("job %lld: %s (%s); trying again in %.1f s (attempt %u of %u)", ev->job_id,
		        strncmp(what, "recording", 9) == 0 ? "database unavailable" : "GitLab unavailable",
		        r->err, wait, attempt + 1, w->svc->c.max_attempts);
		if(settle_event(w, ev, -1, at, result) == 0)
			metrics_add(M_EVENTS_REQUEUED, 1);
		return;
	}
	if(r->outcome == GITLAB_TRANSIENT)
		snprintf(result, sizeof result, "%s: gave up after %u attempts: %s", what, attempt,
		         r->err);
	else if(r->outcome == GITLAB_NOT_FOUND)
		snprintf(result, sizeof result, "%s: not found (404): deleted or expired", what);
	else
		snprintf(result, sizeof result, "%s: %s", what, r->err);
	settle_event(w, ev, EVENT_FAILED, 0, result);
	metrics_add(M_EVENTS_FAILED, 1);
	svc_log("job %lld: %s", ev->job_id, result);
}

/* ---- the retry decision ---- */

struct decision {
	bool any;                     /* a retry rule fired on a failed job */
	bool already;                 /* the job had a decision before (redelivery) */
	int verdict;                  /* enum policy_verdict of the recorded decision */
	const struct fsig_rule *rule;
	int attempt;                  /* within the lineage */
	long long due_at;
	char why[256];
};

/* Decide for a failed job inside the scan's transaction and record the
 * decision in the retries table. */
static int decide(struct worker *w, const struct store_job *job, const struct eval_result *res,
                  size_t nres, struct decision *d)
{
	const struct service_config *c = &w->svc->c;
	memset(d, 0, sizeof *d);
	if(!job->status || strcmp(job->status, "failed") != 0)
		return 0;
	int exists = store_retry_exists(w->st, job->id);
	if(exists < 0)
		return -1;
	long long now = now_s();
	struct store_retry rt = { .job_id = job->id, .project_id = job->project_id };
	for(size_t i = 0; i < nres; i++) {
		const struct eval_result *r = &res[i];
		if(!r->fired || !r->status_ok || r->rule->action != FSIG_ACT_RETRY)
			continue;
		d->any = true;
		if(exists) {
			d->already = true;
			d->rule = r->rule;
			return 0;
		}
		struct policy_facts f;
		long long root;
		if(store_lineage(w->st, job->id, r->rule->id, &root, &f.lineage_total,
		                 &f.lineage_by_rule) < 0)
			return -1;
		f.rule_recent = store_rule_retries_since(w->st, r->rule->id,
		                                         now - (long long)c->policy.breaker_window);
		if(f.rule_recent < 0)
			return -1;
		char why[256];
		enum policy_verdict v = policy_decide(&c->policy, r->rule, &f, why, sizeof why);
		int ri = (int)(r->rule - w->svc->rs->rules);
		metrics_breaker_state((uint32_t)ri, v == POLICY_BREAKER);
		if(v == POLICY_BREAKER)
			metrics_rule_add((uint32_t)ri, MR_BREAKER_TRIPS);
		/* The first rule that may retry wins; else the first refusal is
		 * what gets recorded. */
		if(!d->rule || v == POLICY_RETRY || v == POLICY_DRY_RUN) {
			d->rule = r->rule;
			d->verdict = v;
			d->attempt = f.lineage_total + 1;
			snprintf(d->why, sizeof d->why, "%s", why);
			rt.root_job_id = root;
		}
		if(v == POLICY_RETRY || v == POLICY_DRY_RUN)
			break;
	}
	if(!d->any)
		return 0;
	rt.attempt = d->attempt;
	snprintf(rt.rule, sizeof rt.rule, "%s", d->rule->id);
	d->due_at = now + d->rule->retry_after;
	rt.due_at = d->due_at;
	rt.state = d->verdict == POLICY_RETRY    ? RETRY_SCHEDULED
	         : d->verdict == POLICY_DRY_RUN ? RETRY_DRY_RUN
	                                         : RETRY_REFUSED;
	long long id;
	int added = store_retry_add(w->st, &rt, d->why[0] ? d->why : NULL, now, &id);
	if(added < 0)
		return -1;
	if(added == 0)
		d->already = true;
	return 0;
}

static void log_verdict(struct worker *w, const struct store_job *job, const struct eval_result *res,
                        size_t nres, const struct decision *d, bool truncated)
{
	char matched[512] = "";
	size_t used = 0;
	for(size_t i = 0; i < nres && used < sizeof matched - 64; i++) {
		if(!res[i].fired)
			continue;
		int n;
		if(res[i].nkept)
			n = snprintf(matched + used, sizeof matched - used, "%s%s (line %llu)",
			             used ? ", " : "", res[i].rule->id,
			             (unsigned long long)res[i].hits[0].line);
		else
			n = snprintf(matched + used, sizeof matched - used, "%s%s", used ? ", " : "",
			             res[i].rule->id);
		used += (size_t)n;
	}
	const char *trunc = truncated ? " [trace truncated]" : "";
	const char *status = job->status ? job->status : "?";
	if(!used) {
		svc_log("job %lld %s: no rule matched%s", job->id, status, trunc);
		return;
	}
	if(!d->any) {
		svc_log("job %lld %s: matched %s; no retry%s", job->id, status, matched, trunc);
		return;
	}
	if(d->already) {
		svc_log("job %lld %s: matched %s; retry already decided earlier%s", job->id, status,
		        matched, trunc);
		return;
	}
	switch(d->verdict) {
	case POLICY_RETRY:
		if(d->rule->retry_after)
			svc_log("job %lld %s: matched %s; retry %d of %u (rule %s) scheduled in %u s%s",
			        job->id, status, matched, d->attempt, w->svc->c.policy.lineage_cap,
			        d->rule->id, d->rule->retry_after, trunc);
		else
			svc_log("job %lld %s: matched %s; retrying (%d of %u, rule %s)%s", job->id, status,
			        matched, d->attempt, w->svc->c.policy.lineage_cap, d->rule->id, trunc);
		break;
	case POLICY_DRY_RUN:
		svc_log("job %lld %s: matched %s; would retry (rule %s), dry run%s", job->id, status,
		        matched, d->rule->id, trunc);
		break;
	default:
		svc_log("job %lld %s: matched %s; not retried: %s%s", job->id, status, matched, d->why,
		        trunc);
	}
}

/* Record the scan, the trace and the decision in one transaction. */
static int record(struct worker *w, const struct store_job *job, const struct jobscan *js,
                  struct decision *d)
{
	size_t nres;
	const struct eval_result *res = eval_results(js->e, &nres);
	if(store_begin(w->st) < 0)
		return -1;
	if(jobscan_record(w->st, &w->svc->scan, job, js) < 0 || decide(w, job, res, nres, d) < 0 ||
	   store_commit(w->st) < 0) {
		store_rollback(w->st);
		return -1;
	}
	/* The verdict stands without the stored log: a failure here costs
	 * search and backtest one job, not the retry. */
	if(jobscan_store_log(w->st, &w->svc->scan, job, js) < 0)
		svc_log("job %lld: the trace could not be stored: %s", job->id, store_error(w->st));
	for(size_t i = 0; i < nres; i++) {
		if(res[i].fired)
			metrics_rule_add((uint32_t)i, MR_MATCHES);
	}
	if(d->any && !d->already) {
		int ri = rule_index(w->svc->rs, d->rule->id);
		if(d->verdict == POLICY_DRY_RUN)
			metrics_rule_add((uint32_t)ri, MR_RETRIES_DRY_RUN);
		else if(d->verdict != POLICY_RETRY)
			metrics_rule_add((uint32_t)ri, MR_RETRIES_REFUSED);
	}
	return 0;
}

/* Fetch, scan, record, decide. Leaves the event finished or requeued. */
static void process_event(struct worker *w, const struct store_event *ev)
{
	char result[400];
	if(!webhook_status_finished(ev->status)) {
		snprintf(result, sizeof result, "job not finished (%s)", ev->status);
		settle_event(w, ev, EVENT_SKIPPED, 0, result);
		metrics_add(M_EVENTS_SKIPPED, 1);
		return;
	}
	struct gitlab_result r;
	struct dynbuf body;
	dynbuf_init(&body, JOB_MAX_JSON);
	struct job_info ji = { 0 };
	struct jobscan js = { .fd = -1 };
	void *doc = NULL;
	gitlab_get_job(w->gl, ev->project_id, ev->job_id, &body, &r);
	count_call(&r);
	if(r.outcome != GITLAB_OK) {
		event_gitlab_failed(w, ev, &r, "fetching the job");
		goto out;
	}
	struct store_job job;
	char err[256];
	/* job_info_parse first: its error says where the JSON breaks. */
	if(job_info_parse(body.ptr, body.len, &ji, err, sizeof err) < 0 ||
	   store_job_parse(body.ptr, body.len, ev->project_id, &job, &doc, err, sizeof err) < 0) {
		/* A 200 whose body is not a job (cut short, a proxy's page) is
		 * asked again like a 5xx; after the last attempt the event fails
		 * with the reason. */
		struct gitlab_result bad = { .outcome = GITLAB_TRANSIENT, .status = r.status,
		                             .retry_after = -1 };
		snprintf(bad.err, sizeof bad.err, "not a job: %.200s", err);
		event_gitlab_failed(w, ev, &bad, "fetching the job");
		goto out;
	}
	if(!job.status || !webhook_status_finished(job.status)) {
		snprintf(result, sizeof result, "job not finished (%s)", job.status ? job.status : "?");
		settle_event(w, ev, EVENT_SKIPPED, 0, result);
		metrics_add(M_EVENTS_SKIPPED, 1);
		goto out;
	}
	enum gitlab_outcome o = jobscan_fetch(w->gl, &w->svc->scan, ev->project_id, ev->job_id, &ji,
	                                      &js, &r);
	if(js.asked)
		count_call(&js.answer);
	if(o != GITLAB_OK) {
		event_gitlab_failed(w, ev, &r, "fetching the trace");
		goto out;
	}
	metrics_add(M_SCAN_MICROSECONDS, (uint64_t)(js.seconds * 1e6));
	metrics_add(M_SCAN_BYTES, js.stats.bytes);
	metrics_add(M_JOBS_SCANNED, 1);
	if(js.truncated)
		metrics_add(M_TRACES_TRUNCATED, 1);
	struct decision d;
	if(record(w, &job, &js, &d) < 0) {
		svc_log("job %lld: cannot record the verdict: %s", ev->job_id, store_error(w->st));
		struct gitlab_result local = { .outcome = GITLAB_TRANSIENT, .retry_after = -1 };
		snprintf(local.err, sizeof local.err, "database: %s", store_error(w->st));
		event_gitlab_failed(w, ev, &local, "recording");
		goto out;
	}
	size_t nres;
	const struct eval_result *res = eval_results(js.e, &nres);
	log_verdict(w, &job, res, nres, &d, js.truncated);
	snprintf(result, sizeof result, "%s%s",
	         !d.any ? "scanned" : d.already ? "scanned; retry decided earlier"
	                 : d.verdict == POLICY_RETRY ? "scanned; retry scheduled"
	                 : d.verdict == POLICY_DRY_RUN ? "scanned; dry run" : "scanned; retry refused",
	         js.trace_bytes < 0 ? " (no trace: 404)" : js.truncated ? " (trace truncated)" : "");
	settle_event(w, ev, EVENT_DONE, 0, result);
	metrics_add(M_EVENTS_DONE, 1);
	if(d.any && !d.already && d.verdict == POLICY_RETRY)
		service_wake(w->svc);
out:
	jobscan_free(&js);
	json_decref(doc);
	job_info_free(&ji);
	dynbuf_free(&body);
}

/* ---- retries ---- */

static void process_retry(struct worker *w, const struct store_retry *rt)
{
	const struct service_config *c = &w->svc->c;
	int ri = rule_index(w->svc->rs, rt->rule);
	struct dynbuf body;
	dynbuf_init(&body, JOB_MAX_JSON);
	struct gitlab_result r;
	gitlab_retry_job(w->gl, rt->project_id, rt->job_id, &body, &r);
	count_call(&r);
	if(r.outcome == GITLAB_OK) {
		json_t *doc = json_loadb(body.ptr ? body.ptr : "", body.len, 0, NULL);
		json_t *id = json_object_get(doc, "id");
		long long new_id = json_is_integer(id) ? json_integer_value(id) : 0;
		json_decref(doc);
		if(store_retry_done(w->st, rt->id, new_id ? new_id : -rt->id, now_s()) < 0)
			svc_log("job %lld: retried as job %lld but cannot record it: %s", rt->job_id,
			        new_id, store_error(w->st));
		else
			svc_log("job %lld: retried as job %lld (%d of %u, rule %s)", rt->job_id, new_id,
			        rt->attempt, c->policy.lineage_cap, rt->rule);
		if(ri >= 0)
			metrics_rule_add((uint32_t)ri, MR_RETRIES);
		if(c->mr_notes)
			mrnote_post(w->st, w->gl, rt->job_id, new_id, &w->svc->rs->rules[ri < 0 ? 0 : ri]);
		dynbuf_free(&body);
		return;
	}
	dynbuf_free(&body);
	if(r.outcome == GITLAB_TRANSIENT && (unsigned)rt->calls + 1 < c->max_attempts) {
		double wait;
		long long at = backoff_until(w, (unsigned)rt->calls + 1, &r, &wait);
		if(store_retry_reschedule(w->st, rt->id, at, r.err) < 0)
			svc_log("job %lld: cannot reschedule the retry: %s", rt->job_id, store_error(w->st));
		else
			svc_log("job %lld: retry not accepted yet (%s); asking again in %.1f s", rt->job_id,
			        r.err, wait);
		return;
	}
	char why[400];
	snprintf(why, sizeof why, "%s%s", r.outcome == GITLAB_TRANSIENT ? "gave up: " : "", r.err);
	store_retry_fail(w->st, rt->id, why, now_s());
	if(ri >= 0)
		metrics_rule_add((uint32_t)ri, MR_RETRY_FAILURES);
	svc_log("job %lld: retry failed: %s", rt->job_id, why);
}

/* ---- threads ---- */

/* Stored logs older than --retention go, checked hourly by worker 0. */
static void prune_logs(struct worker *w)
{
	struct service *s = w->svc;
	long long now = now_s();
	if(!s->c.retention || now < s->next_prune)
		return;
	s->next_prune = now + 3600;
	long long n = logstore_prune(w->st, now - s->c.retention);
	if(n < 0)
		svc_log("pruning stored logs: %s", store_error(w->st));
	else if(n > 0)
		svc_log("pruned the stored logs of %lld jobs older than %lld days", n,
		        s->c.retention / 86400);
}

/* Sleep until woken, stopping, or up to a second: retries fall due and
 * requeued events come back with time alone. */
static bool wait_for_work(struct service *s)
{
	pthread_mutex_lock(&s->lock);
	if(!s->stopping && s->pending_wakes == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&s->wake, &s->lock, &ts);
	}
	if(s->pending_wakes)
		s->pending_wakes--;
	bool stop = s->stopping;
	pthread_mutex_unlock(&s->lock);
	return !stop;
}

static bool stopping(struct service *s)
{
	pthread_mutex_lock(&s->lock);
	bool v = s->stopping;
	pthread_mutex_unlock(&s->lock);
	return v;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct service *s = w->svc;
	do {
		while(!stopping(s)) {
			struct store_retry rt;
			struct store_event ev;
			int got = store_retry_claim_due(w->st, now_s(), &rt);
			if(got > 0) {
				process_retry(w, &rt);
				continue;
			}
			if(got == 0 && (got = store_event_claim(w->st, now_s(), &ev)) > 0) {
				process_event(w, &ev);
				continue;
			}
			if(got < 0)
				svc_log("worker %u: %s", w->id, store_error(w->st));
			if(w->id == 0)
				prune_logs(w);
			break;
		}
	} while(wait_for_work(s));
	gitlab_free(w->gl);
	store_close(w->st);
	free(w);
	return NULL;
}

static void recover(struct store *st)
{
	int n = store_event_recover(st);
	if(n > 0)
		svc_log("resuming %d events left in work by an earlier run", n);
	n = store_retry_recover(st, now_s());
	if(n > 0)
		svc_log("%d retries were in flight when an earlier run stopped: recorded as unknown, "
		        "not asked again", n);
}

struct service *service_start(const struct fsig_ruleset *rs, const struct service_config *c,
                              char *err, size_t errlen)
{
	struct store *st = store_open(c->db_path, err, errlen);
	if(!st)
		return NULL;
	recover(st);
	store_close(st);
	struct service *s = xcalloc(1, sizeof *s);
	s->rs = rs;
	s->c = *c;
	s->scan = (struct jobscan_config){ .rs = rs, .spool_dir = c->spool_dir,
	                                   .max_trace = c->max_trace, .store_logs = c->store_logs };
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	s->threads = xcalloc(c->workers, sizeof *s->threads);
	for(unsigned i = 0; i < c->workers; i++) {
		struct worker *w = xcalloc(1, sizeof *w);
		w->svc = s;
		w->id = i;
		w->seed = (unsigned)time(NULL) ^ (i * 2654435761u);
		w->st = store_open(c->db_path, err, errlen);
		w->gl = w->st ? gitlab_new(&c->gitlab) : NULL;
		if(!w->gl || pthread_create(&s->threads[i], NULL, worker_main, w) != 0) {
			if(w->st && !w->gl)
				snprintf(err, errlen, "cannot set up a GitLab client");
			else if(w->gl)
				snprintf(err, errlen, "cannot start a worker thread");
			gitlab_free(w->gl);
			store_close(w->st);
			free(w);
			service_stop(s);
			return NULL;
		}
		s->nthreads++;
	}
	return s;
}

void service_wake(void *svc)
{
	struct service *s = svc;
	pthread_mutex_lock(&s->lock);
	s->pending_wakes++;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

void service_stop(struct service *s)
{
	if(!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	for(unsigned i = 0; i < s->nthreads; i++)
		pthread_join(s->threads[i], NULL);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s->threads);
	free(s);
}
