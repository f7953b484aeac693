/* store.c — sqlite schema, migrations and the queries of the service. */
#include "store.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "xalloc.h"

struct store {
	sqlite3 *db;
	char err[256];
};

/* Migration i brings user_version from i to i + 1. Append only: a database
 * written by an older failsig is brought up to date on open. */
static const char *const migrations[] = {
	/* 0 → 1 */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  received_at INTEGER NOT NULL,"
	"  job_id INTEGER NOT NULL,"
	"  project_id INTEGER NOT NULL,"
	"  status TEXT NOT NULL,"             /* build_status in the event */
	"  body TEXT NOT NULL,"               /* the event as received */
	"  state INTEGER NOT NULL DEFAULT 0," /* EVENT_* */
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  not_before INTEGER NOT NULL DEFAULT 0,"
	"  finished_at INTEGER,"
	"  result TEXT);"
	"CREATE INDEX events_due ON events(state, not_before, id);"
	"CREATE INDEX events_job ON events(job_id, status, state);"
	"CREATE TABLE jobs ("
	"  id INTEGER PRIMARY KEY,"
	"  project_id INTEGER NOT NULL,"
	"  project TEXT, name TEXT, stage TEXT, status TEXT, failure_reason TEXT,"
	"  runner_id INTEGER, runner TEXT, runner_tags TEXT,"
	"  pipeline_id INTEGER, ref TEXT, mr_iid INTEGER,"
	"  created_at TEXT, started_at TEXT, finished_at TEXT, duration REAL,"
	"  web_url TEXT,"
	"  trace_bytes INTEGER,"              /* NULL: no trace (404) */
	"  trace_truncated INTEGER NOT NULL DEFAULT 0,"
	"  ruleset TEXT,"                     /* hash of the rule set of the last scan */
	"  scanned_at INTEGER);"
	"CREATE INDEX jobs_finished ON jobs(finished_at);"
	"CREATE TABLE matches ("
	"  job_id INTEGER NOT NULL REFERENCES jobs(id),"
	"  rule TEXT NOT NULL,"
	"  ruleset TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  job_status TEXT,"                  /* the job's status when scanned */
	"  status_ok INTEGER NOT NULL,"       /* the rule's status filter held */
	"  first_line INTEGER,"
	"  hits INTEGER NOT NULL,"
	"  excerpt TEXT,"
	"  matched_at INTEGER NOT NULL,"
	"  PRIMARY KEY (job_id, rule));"
	"CREATE INDEX matches_rule ON matches(rule, matched_at);"
	"CREATE TABLE retries ("
	"  id INTEGER PRIMARY KEY,"
	"  job_id INTEGER NOT NULL UNIQUE,"   /* one decision per job, ever */
	"  project_id INTEGER NOT NULL,"
	"  root_job_id INTEGER NOT NULL,"     /* the lineage: the first job of the chain */
	"  attempt INTEGER NOT NULL,"         /* 1..n within the lineage */
	"  rule TEXT NOT NULL,"
	"  state INTEGER NOT NULL,"           /* RETRY_* */
	"  reason TEXT,"
	"  calls INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  done_at INTEGER,"
	"  new_job_id INTEGER UNIQUE);"
	"CREATE INDEX retries_root ON retries(root_job_id);"
	"CREATE INDEX retries_rule ON retries(rule, created_at);"
	"CREATE INDEX retries_due ON retries(state, due_at);"
	"CREATE TABLE mr_notes ("               /* the one note per merge request */
	"  project_id INTEGER NOT NULL,"
	"  mr_iid INTEGER NOT NULL,"
	"  note_id INTEGER NOT NULL,"
	"  body TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (project_id, mr_iid));",
	/* 1 → 2: stored traces and their full-text index (logstore.c) */
	"CREATE TABLE traces ("
	"  id INTEGER PRIMARY KEY,"
	"  job_id INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"              /* 0, 1, ...: chunks in order */
	"  data BLOB NOT NULL,"
	"  UNIQUE (job_id, seq));"
	"CREATE TABLE log_lines ("             /* displayed text, one row per non-empty line */
	"  id INTEGER PRIMARY KEY,"
	"  job_id INTEGER NOT NULL,"
	"  line INTEGER NOT NULL,"
	"  section TEXT,"                      /* innermost open section */
	"  text TEXT NOT NULL);"
	"CREATE INDEX log_lines_job ON log_lines(job_id, line);"
	"CREATE VIRTUAL TABLE log_fts USING fts5(text, content='log_lines', content_rowid='id');"
	"ALTER TABLE jobs ADD COLUMN log_stored_at INTEGER;",
};

enum { NMIGRATIONS = sizeof migrations / sizeof migrations[0] };
_Static_assert((int)NMIGRATIONS == (int)STORE_SCHEMA_VERSION, "one migration per schema version");

static int fail(struct store *st, const char *what)
{
	snprintf(st->err, sizeof st->err, "%s: %s", what, sqlite3_errmsg(st->db));
	return -1;
}

const char *store_error(const struct store *st)
{
	return st->err;
}

sqlite3 *store_sqlite(struct store *st)
{
	return st->db;
}

int store_fail(struct store *st, const char *what)
{
	return fail(st, what);
}

static int exec(struct store *st, const char *sql)
{
	char *msg = NULL;
	if(sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(st->err, sizeof st->err, "%s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int user_version(struct store *st)
{
	sqlite3_stmt *s;
	if(sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return fail(st, "reading the schema version");
	int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_finalize(s);
	return v;
}

static int migrate(struct store *st)
{
	if(store_begin(st) < 0)
		return -1;
	int v = user_version(st);
	if(v < 0)
		goto bad;
	if(v > STORE_SCHEMA_VERSION) {
		snprintf(st->err, sizeof st->err,
		         "the database has schema version %d, newer than this failsig (%d)", v,
		         STORE_SCHEMA_VERSION);
		goto bad;
	}
	for(; v < STORE_SCHEMA_VERSION; v++) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
		if(exec(st, migrations[v]) < 0 || exec(st, pragma) < 0)
			goto bad;
	}
	return store_commit(st);
bad:
	store_rollback(st);
	return -1;
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
	struct store *st = xcalloc(1, sizeof *st);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if(sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database '%s': %s", path,
		         st->db ? sqlite3_errmsg(st->db) : "out of memory");
		store_close(st);
		return NULL;
	}
	/* Writers wait for each other instead of failing; WAL lets readers
	 * (dashboard, stats) run beside them; NORMAL sync is durable in WAL
	 * mode except for power loss, and the queue tolerates redelivery. */
	sqlite3_busy_timeout(st->db, 60000);
	/* Most of the bytes are stored traces, read back by backtest as 1 MiB
	 * blobs, one pread per page: with sqlite's default 4 KiB pages
	 * backtest ran at half the scanner's speed, with 64 KiB (the largest)
	 * at 0.8x (docs/performance.md). The webhook's small transactions write
	 * whole pages to the WAL; bench/load.sh answers at a p99 of 0.1 s with
	 * them (docs/reliability.md). Takes effect in a new database only. */
	if(exec(st, "PRAGMA page_size = 65536;") < 0 ||
	   exec(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	            "PRAGMA foreign_keys = ON;") < 0 ||
	   migrate(st) < 0) {
		snprintf(err, errlen, "database '%s': %s", path, st->err);
		store_close(st);
		return NULL;
	}
	return st;
}

void store_close(struct store *st)
{
	if(!st)
		return;
	sqlite3_close(st->db);
	free(st);
}

int store_begin(struct store *st)
{
	return exec(st, "BEGIN IMMEDIATE");
}

int store_commit(struct store *st)
{
	return exec(st, "COMMIT");
}

void store_rollback(struct store *st)
{
	if(!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- statements ---- */

/* Prepare sql and bind arguments described by fmt: 'i' long long, 'd'
 * double, 's' const char * (NULL binds NULL), 'b' const char * + size_t.
 * Returns NULL after recording the error. */
static sqlite3_stmt *prep(struct store *st, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *s;
	if(sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		fail(st, "preparing a query");
		return NULL;
	}
	va_list ap;
	va_start(ap, fmt);
	int rc = SQLITE_OK;
	for(int i = 1; *fmt && rc == SQLITE_OK; fmt++, i++) {
		switch(*fmt) {
		case 'i':
			rc = sqlite3_bind_int64(s, i, va_arg(ap, long long));
			break;
		case 'd':
			rc = sqlite3_bind_double(s, i, va_arg(ap, double));
			break;
		case 's': {
			const char *v = va_arg(ap, const char *);
			rc = v ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
			break;
		}
		case 'b': {
			const char *v = va_arg(ap, const char *);
			size_t n = va_arg(ap, size_t);
			rc = sqlite3_bind_text64(s, i, v, n, SQLITE_TRANSIENT, SQLITE_UTF8);
			break;
		}
		}
	}
	va_end(ap);
	if(rc != SQLITE_OK) {
		fail(st, "binding a query");
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

/* Run a statement that returns no rows; finalizes it. */
static int run(struct store *st, sqlite3_stmt *s, const char *what)
{
	if(!s)
		return -1;
	int rc = sqlite3_step(s);
	if(rc != SQLITE_DONE) {
		fail(st, what);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

/* Run a statement whose first row's first column is an integer; finalizes
 * it. *v is left alone when there is no row. Returns 1 row, 0 none, -1. */
static int run_int(struct store *st, sqlite3_stmt *s, long long *v, const char *what)
{
	if(!s)
		return -1;
	int rc = sqlite3_step(s);
	if(rc == SQLITE_ROW) {
		*v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		return 1;
	}
	if(rc != SQLITE_DONE) {
		fail(st, what);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

/* ---- events ---- */

int store_event_add(struct store *st, long long job_id, long long project_id, const char *status,
                    const char *body, size_t len, long long now, long long *id, bool *duplicate)
{
	*duplicate = false;
	if(store_begin(st) < 0)
		return -1;
	sqlite3_stmt *s = prep(st,
	                       "SELECT id FROM events WHERE job_id = ?1 AND status = ?2"
	                       " AND state IN (0, 1) ORDER BY id LIMIT 1",
	                       "is", job_id, status);
	int found = run_int(st, s, id, "looking for a queued event");
	if(found < 0)
		goto bad;
	if(found) {
		*duplicate = true;
		return store_commit(st);
	}
	s = prep(st,
	         "INSERT INTO events(received_at, job_id, project_id, status, body)"
	         " VALUES (?1, ?2, ?3, ?4, ?5)",
	         "iiisb", now, job_id, project_id, status, body, len);
	if(run(st, s, "queueing an event") < 0)
		goto bad;
	*id = sqlite3_last_insert_rowid(st->db);
	return store_commit(st);
bad:
	store_rollback(st);
	return -1;
}

int store_event_claim(struct store *st, long long now, struct store_event *ev)
{
	sqlite3_stmt *s = prep(st,
	                       "UPDATE events SET state = 1 WHERE id = ("
	                       "  SELECT id FROM events WHERE state = 0 AND not_before <= ?1"
	                       "  ORDER BY not_before, id LIMIT 1)"
	                       " RETURNING id, job_id, project_id, status, attempts, received_at",
	                       "i", now);
	if(!s)
		return -1;
	int rc = sqlite3_step(s);
	if(rc == SQLITE_ROW) {
		ev->id = sqlite3_column_int64(s, 0);
		ev->job_id = sqlite3_column_int64(s, 1);
		ev->project_id = sqlite3_column_int64(s, 2);
		const unsigned char *t = sqlite3_column_text(s, 3);
		snprintf(ev->status, sizeof ev->status, "%s", t ? (const char *)t : "");
		ev->attempts = sqlite3_column_int(s, 4);
		ev->received_at = sqlite3_column_int64(s, 5);
		rc = sqlite3_step(s);
	}
	int claimed = rc == SQLITE_DONE && sqlite3_changes(st->db) > 0;
	if(rc != SQLITE_DONE) {
		fail(st, "claiming an event");
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return claimed;
}

int store_event_finish(struct store *st, long long id, int state, const char *result, long long now)
{
	return run(st,
	           prep(st, "UPDATE events SET state = ?2, result = ?3, finished_at = ?4 WHERE id = ?1",
	                "iisi", id, (long long)state, result, now),
	           "finishing an event");
}

int store_event_requeue(struct store *st, long long id, long long not_before, const char *result)
{
	return run(st,
	           prep(st,
	                "UPDATE events SET state = 0, attempts = attempts + 1, not_before = ?2,"
	                " result = ?3 WHERE id = ?1",
	                "iis", id, not_before, result),
	           "requeueing an event");
}

int store_event_recover(struct store *st)
{
	if(run(st, prep(st, "UPDATE events SET state = 0 WHERE state = 1", ""), "recovering events") < 0)
		return -1;
	return sqlite3_changes(st->db);
}

long long store_queue_depth(struct store *st)
{
	long long n = 0;
	sqlite3_stmt *s = prep(st, "SELECT count(*) FROM events WHERE state IN (0, 1)", "");
	return run_int(st, s, &n, "counting the queue") < 0 ? -1 : n;
}

/* ---- jobs and matches ---- */

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long long jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* "refs/merge-requests/10761/head" → 10761; 0 for other refs. */
static long long mr_iid_of(const char *ref)
{
	static const char prefix[] = "refs/merge-requests/";
	if(!ref || strncmp(ref, prefix, sizeof prefix - 1) != 0)
		return 0;
	char *end;
	long long v = strtoll(ref + sizeof prefix - 1, &end, 10);
	return *end == '/' && v > 0 ? v : 0;
}

int store_job_parse(const char *text, size_t len, long long project_id, struct store_job *j,
                    void **doc, char *err, size_t errlen)
{
	memset(j, 0, sizeof *j);
	*doc = NULL;
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je);
	if(!json_is_object(root) || !json_is_integer(json_object_get(root, "id"))) {
		snprintf(err, errlen, "the job answer is not a GitLab job");
		json_decref(root);
		return -1;
	}
	j->id = jint(root, "id");
	j->project_id = project_id;
	j->name = jstr(root, "name");
	j->stage = jstr(root, "stage");
	j->status = jstr(root, "status");
	j->failure_reason = jstr(root, "failure_reason");
	j->ref = jstr(root, "ref");
	j->mr_iid = mr_iid_of(j->ref);
	j->created_at = jstr(root, "created_at");
	j->started_at = jstr(root, "started_at");
	j->finished_at = jstr(root, "finished_at");
	j->web_url = jstr(root, "web_url");
	json_t *d = json_object_get(root, "duration");
	j->duration = json_is_number(d) ? json_number_value(d) : 0;
	json_t *pipeline = json_object_get(root, "pipeline");
	j->pipeline_id = jint(pipeline, "id");
	json_t *runner = json_object_get(root, "runner");
	j->runner_id = jint(runner, "id");
	j->runner = jstr(runner, "description");
	json_t *project = json_object_get(root, "project");
	j->project = jstr(project, "path_with_namespace");
	if(!j->project) {
		char *path = job_project_from_url(j->web_url);
		if(path) {
			json_object_set_new(root, "\x01project", json_string(path));
			free(path);
			j->project = jstr(root, "\x01project");
		}
	}
	/* The tags as text, kept in the document so the borrowed pointer lives
	 * as long as the other strings. */
	json_t *tags = json_object_get(root, "tag_list");
	if(json_is_array(tags)) {
		char *t = json_dumps(tags, JSON_COMPACT);
		json_object_set_new(root, "\x01tags", json_string(t ? t : "[]"));
		free(t);
		j->runner_tags = jstr(root, "\x01tags");
	}
	*doc = root;
	return 0;
}

static const char *excerpt_of(const struct eval_result *r)
{
	return r->nkept ? r->hits[0].text : NULL;
}

int store_record_scan(struct store *st, const struct store_job *j, long long trace_bytes,
                      bool truncated, const char *ruleset_hash, const struct eval_result *res,
                      size_t nres, long long now)
{
	sqlite3_stmt *s = prep(st,
	    "INSERT OR REPLACE INTO jobs(id, project_id, project, name, stage, status,"
	    " failure_reason, runner_id, runner, runner_tags, pipeline_id, ref, mr_iid, created_at,"
	    " started_at, finished_at, duration, web_url, trace_bytes, trace_truncated, ruleset,"
	    " scanned_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
	    " ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
	    "iisssssissisisssdsiisi", j->id, j->project_id, j->project, j->name, j->stage,
	    j->status, j->failure_reason, j->runner_id, j->runner, j->runner_tags, j->pipeline_id,
	    j->ref, j->mr_iid, j->created_at, j->started_at, j->finished_at, j->duration,
	    j->web_url, trace_bytes, (long long)truncated, ruleset_hash, now);
	if(run(st, s, "recording a job") < 0)
		return -1;
	if(trace_bytes < 0 &&
	   run(st, prep(st, "UPDATE jobs SET trace_bytes = NULL WHERE id = ?1", "i", j->id),
	       "recording a job") < 0)
		return -1;
	if(run(st, prep(st, "DELETE FROM matches WHERE job_id = ?1", "i", j->id),
	       "replacing matches") < 0)
		return -1;
	for(size_t i = 0; i < nres; i++) {
		const struct eval_result *r = &res[i];
		if(!r->fired)
			continue;
		s = prep(st,
		         "INSERT INTO matches(job_id, rule, ruleset, action, job_status, status_ok,"
		         " first_line, hits, excerpt, matched_at)"
		         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		         "issssiiisi", j->id, r->rule->id, ruleset_hash,
		         fsig_action_name(r->rule->action), j->status, (long long)r->status_ok,
		         (long long)(r->nkept ? r->hits[0].line : 0), (long long)r->nhits,
		         excerpt_of(r), now);
		if(run(st, s, "recording a match") < 0)
			return -1;
	}
	return 0;
}

/* ---- retries ---- */

const char *retry_state_name(int state)
{
	static const char *const names[] = { "scheduled", "calling", "done", "failed",
	                                     "unknown", "dry-run", "refused" };
	return state >= 0 && state < (int)(sizeof names / sizeof names[0]) ? names[state] : "?";
}

/* States that are (or may be) a real retry: they count against caps. */
#define COUNTED "(0, 1, 2, 4)"

int store_lineage(struct store *st, long long job_id, const char *rule, long long *root,
                  int *total, int *by_rule)
{
	*root = job_id;
	sqlite3_stmt *s = prep(st, "SELECT root_job_id FROM retries WHERE new_job_id = ?1", "i",
	                       job_id);
	if(run_int(st, s, root, "finding a lineage") < 0)
		return -1;
	long long n = 0, m = 0;
	s = prep(st, "SELECT count(*) FROM retries WHERE root_job_id = ?1 AND state IN " COUNTED,
	         "i", *root);
	if(run_int(st, s, &n, "counting a lineage") < 0)
		return -1;
	s = prep(st,
	         "SELECT count(*) FROM retries WHERE root_job_id = ?1 AND rule = ?2"
	         " AND state IN " COUNTED,
	         "is", *root, rule);
	if(run_int(st, s, &m, "counting a lineage") < 0)
		return -1;
	*total = (int)n;
	*by_rule = (int)m;
	return 0;
}

int store_rule_retries_since(struct store *st, const char *rule, long long since)
{
	long long n = 0;
	sqlite3_stmt *s = prep(st,
	                       "SELECT count(*) FROM retries WHERE rule = ?1 AND created_at >= ?2"
	                       " AND state IN (0, 1, 2, 4, 5)",
	                       "si", rule, since);
	return run_int(st, s, &n, "counting retries") < 0 ? -1 : (int)n;
}

int store_retry_exists(struct store *st, long long job_id)
{
	long long n = 0;
	sqlite3_stmt *s = prep(st, "SELECT count(*) FROM retries WHERE job_id = ?1", "i", job_id);
	return run_int(st, s, &n, "looking up a retry") < 0 ? -1 : n > 0;
}

int store_retry_add(struct store *st, const struct store_retry *r, const char *reason,
                    long long now, long long *id)
{
	sqlite3_stmt *s = prep(st,
	                       "INSERT OR IGNORE INTO retries(job_id, project_id, root_job_id,"
	                       " attempt, rule, state, reason, created_at, due_at)"
	                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	                       "iiiisisii", r->job_id, r->project_id, r->root_job_id,
	                       (long long)r->attempt, r->rule, (long long)r->state, reason, now,
	                       r->due_at);
	if(run(st, s, "recording a retry") < 0)
		return -1;
	if(sqlite3_changes(st->db) == 0)
		return 0;
	*id = sqlite3_last_insert_rowid(st->db);
	return 1;
}

int store_retry_claim_due(struct store *st, long long now, struct store_retry *r)
{
	sqlite3_stmt *s = prep(st,
	                       "UPDATE retries SET state = 1 WHERE id = ("
	                       "  SELECT id FROM retries WHERE state = 0 AND due_at <= ?1"
	                       "  ORDER BY due_at, id LIMIT 1)"
	                       " RETURNING id, job_id, project_id, root_job_id, attempt, rule,"
	                       " calls, due_at",
	                       "i", now);
	if(!s)
		return -1;
	int rc = sqlite3_step(s);
	int claimed = 0;
	if(rc == SQLITE_ROW) {
		memset(r, 0, sizeof *r);
		r->id = sqlite3_column_int64(s, 0);
		r->job_id = sqlite3_column_int64(s, 1);
		r->project_id = sqlite3_column_int64(s, 2);
		r->root_job_id = sqlite3_column_int64(s, 3);
		r->attempt = sqlite3_column_int(s, 4);
		const unsigned char *t = sqlite3_column_text(s, 5);
		snprintf(r->rule, sizeof r->rule, "%s", t ? (const char *)t : "");
		r->calls = sqlite3_column_int(s, 6);
		r->due_at = sqlite3_column_int64(s, 7);
		r->state = RETRY_CALLING;
		claimed = 1;
		rc = sqlite3_step(s);
	}
	if(rc != SQLITE_DONE) {
		fail(st, "claiming a retry");
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return claimed;
}

long long store_retries_scheduled(struct store *st)
{
	long long n = 0;
	sqlite3_stmt *s = prep(st, "SELECT count(*) FROM retries WHERE state = 0", "");
	return run_int(st, s, &n, "counting retries") < 0 ? -1 : n;
}

long long store_retry_next_due(struct store *st)
{
	long long v = 0;
	sqlite3_stmt *s = prep(st, "SELECT min(due_at) FROM retries WHERE state = 0", "");
	if(!s)
		return -1;
	int rc = sqlite3_step(s);
	if(rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? v : -1;
}

int store_retry_done(struct store *st, long long id, long long new_job_id, long long now)
{
	return run(st,
	           prep(st, "UPDATE retries SET state = 2, new_job_id = ?2, done_at = ?3 WHERE id = ?1",
	                "iii", id, new_job_id, now),
	           "recording a retry");
}

int store_retry_fail(struct store *st, long long id, const char *reason, long long now)
{
	return run(st,
	           prep(st, "UPDATE retries SET state = 3, reason = ?2, done_at = ?3 WHERE id = ?1",
	                "isi", id, reason, now),
	           "recording a retry");
}

int store_retry_reschedule(struct store *st, long long id, long long due_at, const char *reason)
{
	return run(st,
	           prep(st,
	                "UPDATE retries SET state = 0, calls = calls + 1, due_at = ?2, reason = ?3"
	                " WHERE id = ?1",
	                "iis", id, due_at, reason),
	           "rescheduling a retry");
}

int store_retry_recover(struct store *st, long long now)
{
	sqlite3_stmt *s = prep(st,
	                       "UPDATE retries SET state = 4, done_at = ?1,"
	                       " reason = 'the service stopped during the API call; not asked again'"
	                       " WHERE state = 1",
	                       "i", now);
	if(run(st, s, "recovering retries") < 0)
		return -1;
	return sqlite3_changes(st->db);
}

/* ---- merge request notes ---- */

int store_job_brief(struct store *st, long long job_id, const char *rule, struct store_brief *b)
{
	memset(b, 0, sizeof *b);
	sqlite3_stmt *s = prep(st,
	                       "SELECT j.project_id, j.mr_iid, j.name, j.web_url, m.first_line"
	                       " FROM jobs j LEFT JOIN matches m ON m.job_id = j.id AND m.rule = ?2"
	                       " WHERE j.id = ?1",
	                       "is", job_id, rule);
	if(!s)
		return -1;
	int rc = sqlite3_step(s);
	if(rc == SQLITE_ROW) {
		b->project_id = sqlite3_column_int64(s, 0);
		b->mr_iid = sqlite3_column_int64(s, 1);
		const unsigned char *t = sqlite3_column_text(s, 2);
		snprintf(b->name, sizeof b->name, "%s", t ? (const char *)t : "");
		t = sqlite3_column_text(s, 3);
		snprintf(b->web_url, sizeof b->web_url, "%s", t ? (const char *)t : "");
		b->first_line = sqlite3_column_int64(s, 4);
		sqlite3_finalize(s);
		return 1;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : fail(st, "reading a job");
}

int store_mr_note_get(struct store *st, long long project_id, long long mr_iid,
                      long long *note_id, char **body)
{
	*note_id = 0;
	*body = NULL;
	sqlite3_stmt *s = prep(st,
	                       "SELECT note_id, body FROM mr_notes WHERE project_id = ?1 AND mr_iid = ?2",
	                       "ii", project_id, mr_iid);
	if(!s)
		return -1;
	int rc = sqlite3_step(s);
	if(rc == SQLITE_ROW) {
		*note_id = sqlite3_column_int64(s, 0);
		const unsigned char *t = sqlite3_column_text(s, 1);
		*body = xstrdup(t ? (const char *)t : "");
		sqlite3_finalize(s);
		return 1;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : fail(st, "reading a note");
}

int store_mr_note_put(struct store *st, long long project_id, long long mr_iid, long long note_id,
                      const char *body, long long now)
{
	return run(st,
	           prep(st,
	                "INSERT OR REPLACE INTO mr_notes(project_id, mr_iid, note_id, body, updated_at)"
	                " VALUES (?1, ?2, ?3, ?4, ?5)",
	                "iiisi", project_id, mr_iid, note_id, body, now),
	           "recording a note");
}
