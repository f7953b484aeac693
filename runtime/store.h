/* store.h — the sqlite database of failsig: event queue, jobs, matches,
 * retries (docs/operations.md has the schema).
 *
 * One struct store per thread (an sqlite connection is used by one thread at
 * a time); every connection opens the same file in WAL mode with a busy
 * timeout, so the webhook thread and the workers write concurrently. The
 * schema is versioned (PRAGMA user_version) and migrated by store_open.
 *
 * Times are unix seconds. Every function returns 0 (or a count, or 1/0 where
 * said) on success and -1 on a database error, with the message available
 * from store_error. */
#ifndef FSIG_STORE_H
#define FSIG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eval.h"

struct store;

enum { STORE_SCHEMA_VERSION = 2 };

/* Open (creating and migrating) the database at path. On failure returns
 * NULL with a one-line reason in err. */
struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *st);
const char *store_error(const struct store *st);  /* the last error, one line */

/* For modules with queries of their own (logstore.c, the investigation
 * commands): the connection, and recording an error of it ("what: sqlite's
 * message"; returns -1). */
struct sqlite3;
struct sqlite3 *store_sqlite(struct store *st);
int store_fail(struct store *st, const char *what);

int store_begin(struct store *st);     /* BEGIN IMMEDIATE */
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* ---- the event queue ---- */

enum { EVENT_QUEUED, EVENT_WORKING, EVENT_DONE, EVENT_FAILED, EVENT_SKIPPED };

struct store_event {
	long long id, job_id, project_id;
	char status[32];            /* build_status of the event */
	int attempts;               /* earlier tries that ended in a transient failure */
	long long received_at;
};

/* Queue a Job Hook event. If an event for the same job and status is still
 * queued or in work, nothing is added and *duplicate is set; *id is the
 * event's id either way. */
int store_event_add(struct store *st, long long job_id, long long project_id, const char *status,
                    const char *body, size_t len, long long now, long long *id, bool *duplicate);
/* Claim the oldest queued event that is due (not_before <= now): it moves to
 * EVENT_WORKING. Returns 1 with *ev filled, 0 when none is due. */
int store_event_claim(struct store *st, long long now, struct store_event *ev);
/* End an event: state EVENT_DONE, EVENT_FAILED or EVENT_SKIPPED, with a one-line result. */
int store_event_finish(struct store *st, long long id, int state, const char *result, long long now);
/* Put an event back after a transient failure: due again at not_before. */
int store_event_requeue(struct store *st, long long id, long long not_before, const char *result);
/* At start: events left EVENT_WORKING by a killed process are queued again.
 * Returns how many. */
int store_event_recover(struct store *st);
long long store_queue_depth(struct store *st);  /* queued + working; -1 on error */

/* ---- jobs and matches ---- */

/* A job as the REST API describes it (strings may be NULL). */
struct store_job {
	long long id, project_id, runner_id, pipeline_id, mr_iid;
	const char *project, *name, *stage, *status, *failure_reason, *runner, *ref;
	const char *created_at, *started_at, *finished_at, *web_url;
	const char *runner_tags;    /* JSON array text */
	double duration;
};

/* Fill *j from a REST job (json text, borrowed strings point into *doc,
 * a jansson object the caller frees with json_decref). project_id is the
 * one of the URL the job was fetched from. Returns 0, or -1 when the text
 * is not a job. */
int store_job_parse(const char *text, size_t len, long long project_id, struct store_job *j,
                    void **doc, char *err, size_t errlen);

/* Insert or replace the job row and its matches (one row per fired rule,
 * replacing whatever an earlier scan recorded), inside the caller's
 * transaction. trace_bytes < 0: no trace (404). */
int store_record_scan(struct store *st, const struct store_job *j, long long trace_bytes,
                      bool truncated, const char *ruleset_hash, const struct eval_result *res,
                      size_t nres, long long now);

/* ---- retries ---- */

enum retry_state {
	RETRY_SCHEDULED,  /* will be asked of GitLab at due_at */
	RETRY_CALLING,    /* the API call is in flight */
	RETRY_DONE,       /* GitLab created the new job */
	RETRY_FAILED,     /* GitLab refused for good, or too many attempts */
	RETRY_UNKNOWN,    /* the process died during the call: never asked again */
	RETRY_DRY_RUN,    /* --dry-run: would have retried */
	RETRY_REFUSED,    /* the policy said no (cap, breaker): reason says why */
};

const char *retry_state_name(int state);

/* The root of a job's lineage: the job a chain of failsig retries started
 * from (the job itself when no failsig retry created it), and how many
 * retries the lineage has had in total and for rule (states scheduled,
 * calling, done, unknown). */
int store_lineage(struct store *st, long long job_id, const char *rule, long long *root,
                  int *total, int *by_rule);
/* Retries of rule decided since `since` that count for the circuit breaker
 * (scheduled, calling, done, unknown, dry-run). */
int store_rule_retries_since(struct store *st, const char *rule, long long since);
/* 1 if the job already has a retry decision (any state), else 0. */
int store_retry_exists(struct store *st, long long job_id);

struct store_retry {
	long long id, job_id, project_id, root_job_id, new_job_id;
	int attempt;        /* 1..n within the lineage */
	int state;          /* enum retry_state */
	int calls;          /* API attempts that failed transiently */
	long long due_at;
	char rule[128];
};

/* Record a decision for job_id (unique: a second decision for the same job
 * is refused and 0 returned; 1 when inserted, *id set). */
int store_retry_add(struct store *st, const struct store_retry *r, const char *reason,
                    long long now, long long *id);
/* Claim the earliest scheduled retry that is due: it moves to RETRY_CALLING
 * and is committed before the API call. Returns 1 with *r filled, 0 if none. */
int store_retry_claim_due(struct store *st, long long now, struct store_retry *r);
/* How many retries are scheduled (waiting for due_at or for GitLab); -1 on error. */
long long store_retries_scheduled(struct store *st);
/* The earliest due_at of a scheduled retry, or 0 when there is none. */
long long store_retry_next_due(struct store *st);
int store_retry_done(struct store *st, long long id, long long new_job_id, long long now);
int store_retry_fail(struct store *st, long long id, const char *reason, long long now);
/* A transient API failure: back to RETRY_SCHEDULED at due_at, calls + 1. */
int store_retry_reschedule(struct store *st, long long id, long long due_at, const char *reason);
/* At start: retries left RETRY_CALLING become RETRY_UNKNOWN (at most once:
 * GitLab may have created the job). Returns how many. */
int store_retry_recover(struct store *st, long long now);

/* ---- merge request notes ---- */

struct store_brief {
	long long project_id, mr_iid, first_line;  /* first_line: of rule's match, 0 if none */
	char name[256];
	char web_url[512];
};

/* What a note says about a job. Returns 1 found, 0 unknown job. */
int store_job_brief(struct store *st, long long job_id, const char *rule, struct store_brief *b);
/* The note failsig keeps on a merge request: 1 with *note_id and *body
 * (caller frees), 0 when there is none yet. */
int store_mr_note_get(struct store *st, long long project_id, long long mr_iid,
                      long long *note_id, char **body);
int store_mr_note_put(struct store *st, long long project_id, long long mr_iid, long long note_id,
                      const char *body, long long now);

#endif
