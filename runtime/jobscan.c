/* jobscan.c — fetch, scan, record one job (see jobscan.h). */
#include "jobscan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "logstore.h"
#include "scanlog.h"

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum gitlab_outcome local_failure(struct gitlab_result *r, const char *what)
{
	memset(r, 0, sizeof *r);
	r->outcome = GITLAB_TRANSIENT;
	r->retry_after = -1;
	snprintf(r->err, sizeof r->err, "%s: %s", what, strerror(errno));
	return r->outcome;
}

enum gitlab_outcome jobscan_fetch(struct gitlab *gl, const struct jobscan_config *c,
                                  long long project, long long job, const struct job_info *ji,
                                  struct jobscan *js, struct gitlab_result *r)
{
	memset(js, 0, sizeof *js);
	js->fd = -1;
	char path[4096];
	snprintf(path, sizeof path, "%s/failsig-trace-XXXXXX", c->spool_dir);
	if((js->fd = mkstemp(path)) < 0)
		return local_failure(r, "spooling the trace");
	unlink(path);
	uint64_t bytes = 0;
	gitlab_get_trace(gl, project, job, js->fd, c->max_trace, &bytes, &js->truncated, r);
	js->asked = true;
	js->answer = *r;
	js->trace_bytes = (long long)bytes;
	if(r->outcome == GITLAB_NOT_FOUND) {
		/* An expired trace: rules on job data alone (failure_reason)
		 * can still decide. */
		js->trace_bytes = -1;
		js->truncated = false;
		if(ftruncate(js->fd, 0) < 0)
			return local_failure(r, "spool file");
	} else if(r->outcome != GITLAB_OK) {
		return r->outcome;
	}
	if(lseek(js->fd, 0, SEEK_SET) < 0)
		return local_failure(r, "spool file");
	double t0 = now_mono();
	if(scanlog_fd(c->rs, js->fd, &ji->job, 0, -1, &js->e, &js->stats) < 0)
		return local_failure(r, "scanning the spooled trace");
	js->seconds = now_mono() - t0;
	r->outcome = GITLAB_OK;
	return GITLAB_OK;
}

int jobscan_record(struct store *st, const struct jobscan_config *c, const struct store_job *job,
                   const struct jobscan *js)
{
	size_t nres;
	const struct eval_result *res = eval_results(js->e, &nres);
	return store_record_scan(st, job, js->trace_bytes, js->truncated, c->rs->hash, res, nres,
	                         (long long)time(NULL));
}

int jobscan_store_log(struct store *st, const struct jobscan_config *c, const struct store_job *job,
                      const struct jobscan *js)
{
	if(!c->store_logs || js->trace_bytes < 0)
		return 0;
	return logstore_put(st, c->rs, job->id, js->fd);
}

void jobscan_free(struct jobscan *js)
{
	eval_free(js->e);
	if(js->fd >= 0)
		close(js->fd);
	memset(js, 0, sizeof *js);
	js->fd = -1;
}
