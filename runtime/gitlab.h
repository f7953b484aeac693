/* gitlab.h — the GitLab REST API through libcurl: jobs, traces, retries,
 * merge request notes, paginated job lists.
 *
 * One struct gitlab per thread (a curl easy handle is not thread-safe; call
 * gitlab_global_init once before starting threads). Every call fills a
 * struct gitlab_result that classifies the outcome, so callers decide what
 * to do without parsing errors: retry later (transient), record and give up
 * (not found / permanent), or use the answer (ok).
 *
 * The token is sent as PRIVATE-TOKEN and never appears in any message this
 * module produces (err strings name the method and the path, nothing else). */
#ifndef FSIG_GITLAB_H
#define FSIG_GITLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dynbuf.h"
#include "glheaders.h"

enum gitlab_outcome {
	GITLAB_OK,          /* 2xx */
	GITLAB_TRANSIENT,   /* no answer (refused, reset, timeout), 5xx, 429, 408: try again later */
	GITLAB_NOT_FOUND,   /* 404 (job deleted, trace expired): record it, do not try again */
	GITLAB_PERMANENT,   /* any other 4xx (401, 403, 400, 409, ...) or an unusable answer */
};

struct gitlab_result {
	enum gitlab_outcome outcome;
	long status;              /* HTTP status; 0 when there was no answer */
	double retry_after;       /* seconds asked by a Retry-After header (delta-seconds or
	                             HTTP date); -1 when absent */
	char next_page[GL_PAGE_CAP];     /* X-Next-Page, or the page number of Link rel="next"; "" when none */
	char err[256];            /* one line, e.g. "GET /api/v4/projects/1/jobs/5/trace: HTTP 500";
	                             "" on success; never contains the token */
};

struct gitlab_options {
	const char *url;          /* base URL, e.g. "https://gitlab.example.com" (trailing '/' allowed) */
	const char *token;        /* PRIVATE-TOKEN; may be NULL (public projects) */
	long connect_timeout_ms;  /* 0: 10000 */
	long timeout_ms;          /* whole request, 0: 60000; traces get 10x this */
	const char *user_agent;   /* NULL: "failsig" */
};

struct gitlab;

/* Loads libcurl (dynlib.h) and runs curl_global_init: 0, or -1 with why in
 * err. Call once, before threads. */
int gitlab_global_init(char *err, size_t errlen);
void gitlab_global_cleanup(void);

/* A client (strings copied). NULL on allocation failure. */
struct gitlab *gitlab_new(const struct gitlab_options *o);
void gitlab_free(struct gitlab *g);

/* GET /api/v4/projects/:project/jobs/:job into body (its cap bounds the
 * answer; a larger answer is GITLAB_PERMANENT). Returns r->outcome. */
enum gitlab_outcome gitlab_get_job(struct gitlab *g, long long project, long long job,
                                   struct dynbuf *body, struct gitlab_result *r);

/* GET .../jobs/:job/trace written to fd (from its current offset). At most
 * cap bytes are written (0: no cap); when the trace is longer the transfer
 * stops there, *truncated is set and the outcome is GITLAB_OK. *bytes is the
 * number of bytes written. */
enum gitlab_outcome gitlab_get_trace(struct gitlab *g, long long project, long long job, int fd,
                                     uint64_t cap, uint64_t *bytes, bool *truncated,
                                     struct gitlab_result *r);

/* POST .../jobs/:job/retry; the answer (the new job) into body. */
enum gitlab_outcome gitlab_retry_job(struct gitlab *g, long long project, long long job,
                                     struct dynbuf *body, struct gitlab_result *r);

/* GET .../jobs?page=N&per_page=M[&scope[]=S...] (scopes: NULL-terminated
 * list or NULL); r->next_page tells whether there is more. */
enum gitlab_outcome gitlab_list_jobs(struct gitlab *g, long long project, const char *const *scopes,
                                     int page, int per_page, struct dynbuf *body,
                                     struct gitlab_result *r);

/* Merge request notes: list (GET, one page of 100), create (POST) and
 * update (PUT) a note whose body is markdown text. */
enum gitlab_outcome gitlab_list_mr_notes(struct gitlab *g, long long project, long long mr_iid,
                                         int page, struct dynbuf *body, struct gitlab_result *r);
enum gitlab_outcome gitlab_create_mr_note(struct gitlab *g, long long project, long long mr_iid,
                                          const char *text, struct dynbuf *body,
                                          struct gitlab_result *r);
enum gitlab_outcome gitlab_update_mr_note(struct gitlab *g, long long project, long long mr_iid,
                                          long long note, const char *text, struct dynbuf *body,
                                          struct gitlab_result *r);

/* How long to wait before attempt number `attempt` (1 = the first retry)
 * after a transient failure: exponential from base_s, capped at max_s, with
 * full jitter drawn from *seed (rand_r style); never less than retry_after
 * when that is >= 0 (Retry-After wins, capped at max_s too). */
double gitlab_backoff(unsigned attempt, double retry_after, double base_s, double max_s,
                      unsigned *seed);

#endif
