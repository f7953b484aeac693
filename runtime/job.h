/* job.h — GitLab job data for rule filters, read from JSON.
 *
 * Accepts both shapes GitLab sends: the REST answer of
 * GET /projects/:id/jobs/:job_id (name, stage, status, failure_reason,
 * runner.description, tag_list, web_url) and a Job Hook event (build_name,
 * build_stage, build_status, build_failure_reason, runner.description,
 * runner.tags, project.path_with_namespace). */
#ifndef FSIG_JOB_H
#define FSIG_JOB_H

#include <stddef.h>

#include "eval.h"

enum { JOB_MAX_JSON = 16 << 20 };  /* a job document larger than this is refused */

struct job_info {
	struct fsig_job job;     /* what eval reads; its strings point into the fields below */
	long long id;            /* 0 when absent */
	char *name, *stage, *status, *failure_reason, *runner, *project, *web_url;
	char **tags;
	size_t ntags;
};

/* Parse JSON text[0..len) into *out. Returns 0, or -1 with a one-line reason
 * in err (errlen bytes). Free with job_info_free, also after a failure. */
int job_info_parse(const char *text, size_t len, struct job_info *out, char *err, size_t errlen);
/* Read and parse a file. */
int job_info_load(const char *path, struct job_info *out, char *err, size_t errlen);
void job_info_free(struct job_info *j);

/* The project path of a job's web_url: "https://host/group/sub/project/-/jobs/123"
 * gives "group/sub/project" (caller frees); NULL when url is not like that.
 * REST job answers carry no project path; this is where it is found. */
char *job_project_from_url(const char *url);

#endif
