/* jobscan.h — one finished job's trace: fetched, scanned, recorded, stored.
 *
 * What the service (service.c) and the backfill (`failsig fetch`) both do
 * with a job, so that a fetched job is recorded exactly as the service
 * would have recorded it. Retry decisions are the service's alone. */
#ifndef FSIG_JOBSCAN_H
#define FSIG_JOBSCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "eval.h"
#include "gitlab.h"
#include "job.h"
#include "ruleset.h"
#include "scan.h"
#include "store.h"

struct jobscan_config {
	const struct fsig_ruleset *rs;
	const char *spool_dir;        /* where the trace is downloaded (unlinked at once) */
	uint64_t max_trace;           /* bytes scanned and stored; 0: no cap */
	bool store_logs;              /* keep the trace and its lines (logstore.h) */
};

struct jobscan {
	int fd;                       /* the spooled trace, -1 when none */
	long long trace_bytes;        /* -1: GitLab has no trace (404) */
	bool truncated;               /* longer than max_trace */
	struct eval *e;               /* the verdicts */
	struct scan_stats stats;
	double seconds;               /* scanning time */
	bool asked;                   /* GitLab was asked for the trace (not a local failure) */
	struct gitlab_result answer;  /* ... and answered this */
};

/* Download the trace of job (its data in ji, for filters) and scan it. A
 * trace GitLab does not have (404) is scanned as an empty log. Returns
 * GITLAB_OK with *js filled, or the outcome of the failed call with r->err
 * (a local failure, e.g. no room in the spool directory, is
 * GITLAB_TRANSIENT). Free with jobscan_free in every case. */
enum gitlab_outcome jobscan_fetch(struct gitlab *gl, const struct jobscan_config *c,
                                  long long project, long long job, const struct job_info *ji,
                                  struct jobscan *js, struct gitlab_result *r);

/* Record the job and its matches, inside the caller's transaction. */
int jobscan_record(struct store *st, const struct jobscan_config *c, const struct store_job *job,
                   const struct jobscan *js);
/* Then, after the commit (store_logs): keep the trace and index its lines,
 * in short transactions of its own (logstore_put). */
int jobscan_store_log(struct store *st, const struct jobscan_config *c, const struct store_job *job,
                      const struct jobscan *js);

void jobscan_free(struct jobscan *js);

#endif
