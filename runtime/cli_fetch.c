/* cli_fetch.c — `failsig fetch`: backfill the finished jobs of past days
 * from the GitLab API into the database.
 *
 * The main thread pages through each project's job list (newest first) and
 * queues the jobs finished in [since, until); N workers take them, each
 * with its own database connection and GitLab client, and do with a job
 * exactly what the service does (jobscan.h): fetch the trace, scan it,
 * record the job, its matches and the trace in one transaction. Retry
 * decisions are never made: a backfill must not retry old jobs.
 *
 * A job already in the database with its trace stored is skipped, so a run
 * that was interrupted (each job is committed on its own) is resumed by
 * running the same command again. A monitor thread takes SIGINT/SIGTERM
 * (blocked everywhere else) and redraws the progress line. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dynbuf.h"
#include "gitlab.h"
#include "job.h"
#include "joblist.h"
#include "jobscan.h"
#include "store.h"
#include "webhook.h"
#include "xalloc.h"

static const char fetch_help[] =
	"usage: failsig fetch --project ID [--project ID ...] [options]\n"
	"\n"
	"Backfills the database with past jobs: lists the finished jobs of each project\n"
	"through the GitLab API, and for every job that finished in [--since, --until)\n"
	"fetches its trace, scans it with the compiled rule set and records the job, its\n"
	"matches and the trace, exactly as `failsig serve` records a job it is sent.\n"
	"Nothing is ever retried: the backfill only reads from GitLab.\n"
	"\n"
	"environment:\n"
	"  GITLAB_URL              GitLab base URL (or --gitlab-url)\n"
	"  GITLAB_TOKEN            API token with the `read_api` or `api` scope (Reporter\n"
	"                          role: traces); without it only public projects answer\n"
	"\n"
	"options:\n"
	"  --project ID           numeric project id (Settings > General); repeat it or\n"
	"                         give a comma-separated list\n"
	"  --since DATE           oldest finish time fetched (default: 7 days ago)\n"
	"  --until DATE           jobs finished at or after this are left out (default: none)\n"
	"  --scope STATUS         failed, success or canceled; repeat it or give a list\n"
	"                         (default: all three)\n"
	"  --db PATH              sqlite database (default failsig.db)\n"
	"  --gitlab-url URL       GitLab base URL, e.g. https://gitlab.example.com\n"
	"  --concurrency N        jobs fetched at a time (default 4, at most 64)\n"
	"  --max-trace SIZE       bytes of a trace scanned and stored, e.g. 100M (default 200M)\n"
	"  --max-attempts N       tries of a GitLab call that fails transiently (default 6)\n"
	"  --backoff MIN/MAX      wait between tries, doubling from MIN up to MAX, with\n"
	"                         jitter; Retry-After wins (default 2s/1m)\n"
	"  --timeout DURATION     GitLab request timeout (default 60s; traces 10 times that)\n"
	"  --spool DIR            where traces are downloaded while scanned (default $TMPDIR)\n"
	"  --quiet                no progress line\n"
	"\n"
	"DATE is 2026-11-01 (midnight UTC), an ISO 8601 time (2026-11-01T12:00:00Z,\n"
	"2026-11-01T13:00+01:00; UTC when no zone is given) or a duration ago (7d, 12h,\n"
	"30m). A job's time is its finished_at, or its created_at when GitLab has no\n"
	"finish time. Jobs not finished (running, pending, manual...) are left out.\n"
	"\n"
	"Which jobs are fetched: GitLab lists jobs newest first; paging stops at the\n"
	"first page whose jobs are all older than --since. A job already in the database\n"
	"with its trace stored, or recorded without a trace (GitLab answered 404), is\n"
	"skipped; every other job in range is fetched and recorded again. Each job is\n"
	"committed on its own, so an interrupted run is resumed by running the same\n"
	"command again: it fetches only what is missing.\n"
	"\n"
	"GitLab failures: a connection failure, timeout, 5xx, 408 or 429 is tried again\n"
	"up to --max-attempts times; then the job counts as failed and the run goes on.\n"
	"A trace GitLab no longer has (404) is not a failure: the job is recorded\n"
	"without a trace. An error listing a project's jobs (bad token, no such\n"
	"project, GitLab down for good) stops the run.\n"
	"\n"
	"Output: on a terminal a progress line on stderr (pages read, jobs fetched,\n"
	"skipped and failed, megabytes downloaded, rate); then, always, one line:\n"
	"  fetched N jobs (M MB), skipped K already stored, F failed; P projects\n"
	"\n"
	"SIGINT or SIGTERM: stop listing, finish the jobs being downloaded, print the\n"
	"summary and exit 130 (SIGINT) or 143 (SIGTERM); a second signal exits at once.\n"
	"\n"
	"exit status: 0 every job in range is in the database, 1 some jobs failed,\n"
	"             2 usage, configuration, database or job-list error\n";

enum {
	PER_PAGE = 100,          /* the most GitLab gives per page */
	QUEUE_CAP = 256,         /* jobs listed ahead of the workers */
	MAX_PROJECTS = 256,
	MAX_WORKERS = 64,
	LIST_BODY_CAP = 64 << 20,  /* a page of 100 jobs is a few hundred KB */
	TICK_MS = 200,           /* progress redraw interval */
};

enum { EXIT_SOME_FAILED = 1, EXIT_SIGINT = 128 + SIGINT, EXIT_SIGTERM = 128 + SIGTERM };

static const char *const all_scopes[] = { "failed", "success", "canceled" };
enum { NSCOPES = sizeof all_scopes / sizeof all_scopes[0] };

struct fetch_args {
	long long projects[MAX_PROJECTS];
	size_t nprojects;
	long long since_ms, until_ms;    /* [since, until), unix milliseconds */
	const char *db, *spool;
	struct gitlab_options gl;
	unsigned workers, max_attempts;
	double backoff_base, backoff_max;
	const char *scopes[NSCOPES + 1]; /* NULL-terminated */
	uint64_t max_trace;
	bool quiet;
};

/* A job listed by the pager, waiting for a worker. */
struct item {
	long long project, id;
	char *json;                      /* the job object as listed */
};

/* What the threads share; lock guards every field from queue on. */
struct fetch {
	const struct fetch_args *a;
	struct jobscan_config scan;
	bool progress;                   /* draw the progress line (stderr is a terminal) */
	struct timespec t0;
	pthread_mutex_t lock;
	pthread_cond_t cond;             /* the queue changed, or stopping */
	struct item *queue[QUEUE_CAP];   /* a ring */
	size_t head, len;
	bool closed;                     /* the pager queues nothing more */
	bool stop;                       /* a signal or a fatal error: start nothing new */
	int signal;                      /* the first SIGINT/SIGTERM, 0 if none */
	bool drawn;                      /* a progress line is on the screen */
	unsigned long long pages, fetched, skipped, failed, bytes;
};

struct worker {
	struct fetch *f;
	pthread_t thread;
	struct store *st;
	struct gitlab *gl;
	unsigned seed;                   /* backoff jitter */
};

/* ---- arguments ---- */

/* A DATE of the command line: an ISO date or time, or a duration ago. */
static int parse_when(const char *s, long long now_ms, long long *ms)
{
	if(iso_time_ms(s, ms) == 0)
		return 0;
	long long ago = cli_duration(s);
	if(ago < 0)
		return -1;
	*ms = now_ms - ago * 1000;
	return 0;
}

/* "ID[,ID...]" appended to a->projects (duplicates dropped). */
static int add_projects(struct fetch_args *a, const char *v)
{
	const char *cmd = "fetch";
	char buf[32];
	for(const char *p = v;;) {
		size_t n = strcspn(p, ",");
		if(n == 0 || n >= sizeof buf)
			return cli_usage_error(cmd, "--project takes numeric project ids, not '%s'", v);
		memcpy(buf, p, n);
		buf[n] = '\0';
		char *end;
		errno = 0;
		long long id = strtoll(buf, &end, 10);
		if(*end || errno || id <= 0 || !isdigit((unsigned char)buf[0]))
			return cli_usage_error(cmd, "--project takes numeric project ids (the id on the "
			                       "project's Settings > General page), not '%s'", buf);
		bool dup = false;
		for(size_t i = 0; i < a->nprojects; i++)
			dup = dup || a->projects[i] == id;
		if(!dup) {
			if(a->nprojects == MAX_PROJECTS)
				return cli_usage_error(cmd, "at most %d projects per run", MAX_PROJECTS);
			a->projects[a->nprojects++] = id;
		}
		p += n;
		if(!*p)
			return 0;
		p++;
	}
}

/* "STATUS[,STATUS...]" added to a->scopes (in the order of all_scopes). */
static int add_scopes(struct fetch_args *a, const char *v, bool chosen[NSCOPES])
{
	for(const char *p = v;;) {
		size_t n = strcspn(p, ",");
		size_t k = 0;
		while(k < NSCOPES && (strlen(all_scopes[k]) != n || strncmp(all_scopes[k], p, n) != 0))
			k++;
		if(k == NSCOPES)
			return cli_usage_error("fetch", "--scope takes failed, success or canceled "
			                       "(finished jobs), not '%.*s'", (int)n, p);
		chosen[k] = true;
		p += n;
		if(!*p)
			break;
		p++;
	}
	size_t m = 0;
	for(size_t k = 0; k < NSCOPES; k++) {
		if(chosen[k])
			a->scopes[m++] = all_scopes[k];
	}
	a->scopes[m] = NULL;
	return 0;
}

static int parse_args(int argc, char **argv, struct fetch_args *a, long long now_ms)
{
	const char *cmd = "fetch";
	bool chosen[NSCOPES] = { false };
	const char *since = NULL, *until = NULL;
	for(int i = 1; i < argc; i++) {
		const char *v;
		int ok;
		if(strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(fetch_help, stdout);
			exit(0);
		} else if(strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
			a->quiet = true;
		} else if((v = cli_opt(cmd, argv, argc, &i, "--project", &ok))) {
			if(add_projects(a, v))
				return EXIT_ERROR;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--since", &ok))) {
			since = v;
			if(parse_when(v, now_ms, &a->since_ms) < 0)
				return cli_usage_error(cmd, "--since takes a date (2026-11-01), an ISO time "
				                       "(2026-11-01T12:00:00Z) or a duration ago (7d), not '%s'", v);
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--until", &ok))) {
			until = v;
			if(parse_when(v, now_ms, &a->until_ms) < 0)
				return cli_usage_error(cmd, "--until takes a date (2026-11-01), an ISO time "
				                       "(2026-11-01T12:00:00Z) or a duration ago (7d), not '%s'", v);
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--scope", &ok))) {
			if(add_scopes(a, v, chosen))
				return EXIT_ERROR;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--db", &ok))) {
			a->db = v;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--gitlab-url", &ok))) {
			a->gl.url = v;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--spool", &ok))) {
			a->spool = v;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--concurrency", &ok))) {
			long n = cli_count(v, 1, MAX_WORKERS);
			if(n < 0)
				return cli_usage_error(cmd, "--concurrency takes 1 to %d, not '%s'", MAX_WORKERS, v);
			a->workers = (unsigned)n;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--max-attempts", &ok))) {
			long n = cli_count(v, 1, 1000);
			if(n < 0)
				return cli_usage_error(cmd, "--max-attempts takes 1 to 1000, not '%s'", v);
			a->max_attempts = (unsigned)n;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--backoff", &ok))) {
			long long min, max;
			if(cli_pair(v, &min, &max, false) < 0 || min == 0 || max < min)
				return cli_usage_error(cmd, "--backoff takes MIN/MAX durations (e.g. 2s/1m), "
				                       "not '%s'", v);
			a->backoff_base = (double)min;
			a->backoff_max = (double)max;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--timeout", &ok))) {
			long long t = cli_duration(v);
			if(t <= 0 || t > 86400)
				return cli_usage_error(cmd, "--timeout takes a duration (e.g. 60s), not '%s'", v);
			a->gl.timeout_ms = (long)t * 1000;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--max-trace", &ok))) {
			if(!(a->max_trace = cli_size(v)))
				return cli_usage_error(cmd, "--max-trace takes a size (e.g. 100M), not '%s'", v);
		} else if(!ok) {
			return EXIT_ERROR;
		} else {
			return cli_usage_error(cmd, "unknown argument '%s'", argv[i]);
		}
	}
	if(!a->nprojects)
		return cli_usage_error(cmd, "name the projects to fetch with --project ID");
	if(a->since_ms >= a->until_ms)
		return cli_usage_error(cmd, "--since (%s) must be before --until (%s)",
		                       since ? since : "7 days ago", until ? until : "none");
	return 0;
}

/* ---- shared state ---- */

static double elapsed(const struct fetch *f)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)(ts.tv_sec - f->t0.tv_sec) + (double)(ts.tv_nsec - f->t0.tv_nsec) / 1e9;
}

static const char *plural(unsigned long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Draw the progress line (f->lock held). */
static void draw_progress(struct fetch *f)
{
	double t = elapsed(f);
	double mb = (double)f->bytes / (1 << 20);
	char line[256];
	int n = snprintf(line, sizeof line,
	                 "fetch: %llu %s read, %llu fetched, %llu skipped, %llu failed, %.1f MB, "
	                 "%.1f jobs/s",
	                 f->pages, plural(f->pages, "page", "pages"), f->fetched, f->skipped,
	                 f->failed, mb, t > 0 ? (double)f->fetched / t : 0.0);
	/* A line longer than the terminal wraps, and \r then redraws only its
	 * last row: cut it to the width. */
	struct winsize ws;
	if(ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && n >= ws.ws_col)
		line[ws.ws_col - 1] = '\0';
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	f->drawn = true;
}

/* Take the progress line off the screen (f->lock held). */
static void clear_progress(struct fetch *f)
{
	if(f->drawn) {
		fputs("\r\033[K", stderr);
		f->drawn = false;
	}
}

/* One line on stderr, "failsig fetch: ...", above the progress line. */
static void report(struct fetch *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(struct fetch *f, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&f->lock);
	clear_progress(f);
	fprintf(stderr, "failsig fetch: %s\n", msg);
	if(f->progress)
		draw_progress(f);
	pthread_mutex_unlock(&f->lock);
}

static void count(struct fetch *f, unsigned long long *counter, unsigned long long n)
{
	pthread_mutex_lock(&f->lock);
	*counter += n;
	pthread_mutex_unlock(&f->lock);
}

static void request_stop(struct fetch *f)
{
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

/* Sleep for a backoff; false (at once) when the run is stopping. */
static bool nap(struct fetch *f, double seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	long long ns = until.tv_nsec + (long long)(seconds * 1e9);
	until.tv_sec += (time_t)(ns / 1000000000);
	until.tv_nsec = (long)(ns % 1000000000);
	pthread_mutex_lock(&f->lock);
	int rc = 0;
	while(!f->stop && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&f->cond, &f->lock, &until);
	bool go_on = !f->stop;
	pthread_mutex_unlock(&f->lock);
	return go_on;
}

static void item_free(struct item *it)
{
	if(it) {
		free(it->json);
		free(it);
	}
}

/* Queue a job for the workers, waiting for room. False (it not taken) when
 * the run is stopping. */
static bool queue_push(struct fetch *f, struct item *it)
{
	pthread_mutex_lock(&f->lock);
	while(!f->stop && f->len == QUEUE_CAP)
		pthread_cond_wait(&f->cond, &f->lock);
	bool taken = !f->stop;
	if(taken) {
		f->queue[(f->head + f->len) % QUEUE_CAP] = it;
		f->len++;
		pthread_cond_broadcast(&f->cond);
	}
	pthread_mutex_unlock(&f->lock);
	return taken;
}

/* The next job for a worker; NULL when the queue is closed and empty, or
 * the run is stopping (the jobs still queued are left for the next run). */
static struct item *queue_pop(struct fetch *f)
{
	struct item *it = NULL;
	pthread_mutex_lock(&f->lock);
	while(!f->stop && !f->closed && f->len == 0)
		pthread_cond_wait(&f->cond, &f->lock);
	if(!f->stop && f->len) {
		it = f->queue[f->head];
		f->head = (f->head + 1) % QUEUE_CAP;
		f->len--;
		pthread_cond_broadcast(&f->cond);
	}
	pthread_mutex_unlock(&f->lock);
	return it;
}

static void queue_close(struct fetch *f)
{
	pthread_mutex_lock(&f->lock);
	f->closed = true;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

/* ---- workers ---- */

/* 1 if the job needs no fetching: it is in the database with its trace
 * stored, or recorded without one (GitLab had no trace: asking again will
 * not bring it back). 0 if it must be fetched, -1 on a database error. */
static int already_stored(struct store *st, long long job)
{
	sqlite3_stmt *s;
	if(sqlite3_prepare_v2(store_sqlite(st),
	                      "SELECT 1 FROM jobs WHERE id = ?1"
	                      " AND (log_stored_at IS NOT NULL OR trace_bytes IS NULL)",
	                      -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "looking the job up");
	sqlite3_bind_int64(s, 1, job);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if(rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(st, "looking the job up");
}

static void fetch_job(struct worker *w, const struct item *it)
{
	struct fetch *f = w->f;
	const struct fetch_args *a = f->a;
	struct job_info ji = { 0 };
	struct jobscan js = { .fd = -1 };
	struct gitlab_result r;
	struct store_job job;
	void *doc = NULL;
	char err[256];
	int have = already_stored(w->st, it->id);
	if(have != 0) {
		if(have < 0) {
			report(f, "job %lld: %s", it->id, store_error(w->st));
			count(f, &f->failed, 1);
		} else {
			count(f, &f->skipped, 1);
		}
		return;
	}
	size_t len = strlen(it->json);
	if(store_job_parse(it->json, len, it->project, &job, &doc, err, sizeof err) < 0 ||
	   job_info_parse(it->json, len, &ji, err, sizeof err) < 0) {
		report(f, "job %lld: %s", it->id, err);
		count(f, &f->failed, 1);
		goto out;
	}
	for(unsigned attempt = 1;; attempt++) {
		enum gitlab_outcome o = jobscan_fetch(w->gl, &f->scan, it->project, it->id, &ji, &js, &r);
		if(o == GITLAB_OK)
			break;
		jobscan_free(&js);
		if(o != GITLAB_TRANSIENT || attempt >= a->max_attempts) {
			report(f, "job %lld: %s%s", it->id, r.err,
			       o == GITLAB_TRANSIENT ? " (gave up after all attempts)" : "");
			count(f, &f->failed, 1);
			goto out;
		}
		/* Interrupted while waiting: the next run fetches the job. */
		if(!nap(f, gitlab_backoff(attempt, r.retry_after, a->backoff_base, a->backoff_max,
		                          &w->seed)))
			goto out;
	}
	if(store_begin(w->st) < 0 || jobscan_record(w->st, &f->scan, &job, &js) < 0 ||
	   store_commit(w->st) < 0 || jobscan_store_log(w->st, &f->scan, &job, &js) < 0) {
		store_rollback(w->st);
		report(f, "job %lld: cannot record it: %s", it->id, store_error(w->st));
		count(f, &f->failed, 1);
		goto out;
	}
	pthread_mutex_lock(&f->lock);
	f->fetched++;
	f->bytes += js.trace_bytes > 0 ? (unsigned long long)js.trace_bytes : 0;
	pthread_mutex_unlock(&f->lock);
out:
	jobscan_free(&js);
	json_decref(doc);
	job_info_free(&ji);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for(;;) {
		struct item *it = queue_pop(w->f);
		if(!it)
			break;
		fetch_job(w, it);
		item_free(it);
	}
	return NULL;
}

/* ---- the pager ---- */

/* The ids of the jobs queued in this run (open addressing, 0 is empty):
 * offset pagination shows a job twice when jobs are added while we page,
 * and a job must not be fetched by two workers at once. */
struct idset {
	long long *v;
	size_t cap, n;                   /* cap: a power of two */
};

static size_t idset_slot(const struct idset *s, long long id)
{
	size_t h = (size_t)((unsigned long long)id * 0x9E3779B97F4A7C15ULL >> 17);
	for(;; h++) {
		size_t k = h & (s->cap - 1);
		if(s->v[k] == 0 || s->v[k] == id)
			return k;
	}
}

/* Add id (> 0); false when it was there already. */
static bool idset_add(struct idset *s, long long id)
{
	assert(id > 0);
	if(2 * (s->n + 1) > s->cap) {
		struct idset bigger = { .cap = s->cap ? 2 * s->cap : 1024 };
		bigger.v = xcalloc(bigger.cap, sizeof *bigger.v);
		for(size_t i = 0; i < s->cap; i++) {
			if(s->v[i])
				bigger.v[idset_slot(&bigger, s->v[i])] = s->v[i];
		}
		bigger.n = s->n;
		free(s->v);
		*s = bigger;
	}
	size_t k = idset_slot(s, id);
	if(s->v[k])
		return false;
	s->v[k] = id;
	s->n++;
	return true;
}

/* List one project's jobs page by page and queue those in range. Returns
 * 0 (done, or stopping), or -1 with why in err. */
static int page_project(struct fetch *f, struct gitlab *gl, long long project, struct idset *seen,
                        unsigned *seed, char *err, size_t errlen)
{
	const struct fetch_args *a = f->a;
	struct dynbuf body;
	dynbuf_init(&body, LIST_BODY_CAP);
	int rc = 0;
	for(int page = 1; page > 0;) {
		struct gitlab_result r;
		struct joblist_page jp;
		for(unsigned attempt = 1;; attempt++) {
			if(gitlab_list_jobs(gl, project, a->scopes, page, PER_PAGE, &body, &r) == GITLAB_OK) {
				if(joblist_parse(body.ptr, body.len, a->since_ms, a->until_ms, &jp) == 0)
					break;
				/* A 200 that is not a page of jobs (cut short, a
				 * proxy's page) is asked again like a 5xx. */
				joblist_free(&jp);
				r.outcome = GITLAB_TRANSIENT;
				snprintf(r.err, sizeof r.err, "page %d is not a JSON array of jobs", page);
			}
			if(r.outcome != GITLAB_TRANSIENT || attempt >= a->max_attempts) {
				const char *hint = r.status == 401 ? " (check GITLAB_TOKEN)"
				                 : r.status == 403 ? " (the token cannot read this project's jobs)"
				                 : r.status == 404 ? " (no such project, or GITLAB_TOKEN cannot see it)"
				                 : r.outcome == GITLAB_TRANSIENT ? " (gave up after all attempts)"
				                                                 : "";
				snprintf(err, errlen, "project %lld: listing jobs: %s%s", project, r.err, hint);
				rc = -1;
				goto out;
			}
			if(!nap(f, gitlab_backoff(attempt, r.retry_after, a->backoff_base, a->backoff_max,
			                          seed)))
				goto out;
		}
		for(size_t i = 0; i < jp.n; i++) {
			if(!idset_add(seen, jp.v[i].id))
				continue;
			struct item *it = xcalloc(1, sizeof *it);
			it->project = project;
			it->id = jp.v[i].id;
			it->json = jp.v[i].json;  /* the item owns it now */
			jp.v[i].json = NULL;
			if(!queue_push(f, it)) {
				item_free(it);
				break;
			}
		}
		count(f, &f->pages, 1);
		page = joblist_next(&jp, page, r.next_page);
		joblist_free(&jp);
		pthread_mutex_lock(&f->lock);
		if(f->stop)
			page = 0;
		pthread_mutex_unlock(&f->lock);
	}
out:
	dynbuf_free(&body);
	return rc;
}

/* ---- signals and progress ---- */

struct monitor {
	struct fetch *f;
	sigset_t sigs;     /* SIGINT, SIGTERM; SIGUSR1 ends the monitor */
};

static void *monitor_main(void *arg)
{
	struct monitor *m = arg;
	struct fetch *f = m->f;
	for(;;) {
		struct timespec tick = { 0, TICK_MS * 1000000L };
		int sig = sigtimedwait(&m->sigs, NULL, &tick);
		if(sig == SIGUSR1)
			break;
		pthread_mutex_lock(&f->lock);
		if(sig == SIGINT || sig == SIGTERM) {
			if(f->signal) {
				/* A second signal: the user does not want to wait. What is
				 * committed stays; the next run fetches the rest. */
				clear_progress(f);
				fputs("failsig fetch: interrupted again: stopping now\n", stderr);
				_exit(128 + sig);
			}
			f->signal = sig;
			f->stop = true;
			pthread_cond_broadcast(&f->cond);
			clear_progress(f);
			fprintf(stderr, "failsig fetch: %s: finishing the jobs in flight (again to stop at once)\n",
			        sig == SIGINT ? "SIGINT" : "SIGTERM");
		}
		if(f->progress)
			draw_progress(f);
		pthread_mutex_unlock(&f->lock);
	}
	return NULL;
}

/* ---- the command ---- */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cli_fetch(const struct fsig_ruleset *rs, int argc, char **argv)
{
	const char *tmpdir = getenv("TMPDIR");
	long long now = now_ms();
	struct fetch_args a = {
		.since_ms = now - 7 * 86400 * 1000LL,
		.until_ms = LLONG_MAX,
		.db = "failsig.db",
		.spool = tmpdir && *tmpdir ? tmpdir : "/tmp",
		.gl = { .url = getenv("GITLAB_URL"), .token = getenv("GITLAB_TOKEN") },
		.workers = 4,
		.max_attempts = 6,
		.backoff_base = 2,
		.backoff_max = 60,
		.scopes = { "failed", "success", "canceled", NULL },
		.max_trace = 200ULL << 20,
	};
	int rc = parse_args(argc, argv, &a, now);
	if(rc)
		return rc;
	if(!a.gl.url || !*a.gl.url)
		return cli_usage_error("fetch", "set GITLAB_URL or --gitlab-url to the GitLab base URL");
	if(a.gl.token && !*a.gl.token)
		a.gl.token = NULL;

	/* SIGINT and SIGTERM go to the monitor thread only (sigtimedwait):
	 * block them before any thread starts so every thread inherits the
	 * mask. SIGUSR1 is how the main thread ends the monitor. */
	struct monitor mon;
	cli_block_signals(&mon.sigs, SIGUSR1);

	char why[256];
	if(gitlab_global_init(why, sizeof why) < 0) {
		fprintf(stderr, "failsig fetch: %s\n", why);
		return EXIT_ERROR;
	}
	struct fetch f = {
		.a = &a,
		.scan = { .rs = rs, .spool_dir = a.spool, .max_trace = a.max_trace, .store_logs = true },
		.progress = !a.quiet && isatty(STDERR_FILENO),
	};
	pthread_mutex_init(&f.lock, NULL);
	pthread_cond_init(&f.cond, NULL);
	clock_gettime(CLOCK_MONOTONIC, &f.t0);
	mon.f = &f;

	char err[512] = "";
	struct worker *workers = xcalloc(a.workers, sizeof *workers);
	unsigned started = 0;
	struct gitlab *pager = gitlab_new(&a.gl);
	bool ok = pager != NULL;
	for(unsigned i = 0; ok && i < a.workers; i++) {
		struct worker *w = &workers[i];
		w->f = &f;
		w->seed = (unsigned)time(NULL) ^ (i * 2654435761u);
		w->st = store_open(a.db, err, sizeof err);
		w->gl = w->st ? gitlab_new(&a.gl) : NULL;
		if(w->st && !w->gl)
			snprintf(err, sizeof err, "cannot set up a GitLab client");
		ok = w->gl != NULL;
	}
	if(!pager)
		snprintf(err, sizeof err, "cannot set up a GitLab client");
	for(unsigned i = 0; ok && i < a.workers; i++) {
		if(pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) {
			snprintf(err, sizeof err, "cannot start a worker thread");
			ok = false;
		} else {
			started++;
		}
	}
	pthread_t monitor;
	bool monitoring = ok && pthread_create(&monitor, NULL, monitor_main, &mon) == 0;
	if(ok && !monitoring) {
		snprintf(err, sizeof err, "cannot start the monitor thread");
		ok = false;
	}
	if(ok && f.progress) {
		pthread_mutex_lock(&f.lock);
		draw_progress(&f);
		pthread_mutex_unlock(&f.lock);
	}

	bool list_failed = false;
	unsigned seed = (unsigned)time(NULL);
	struct idset seen = { 0 };
	for(size_t i = 0; ok && i < a.nprojects; i++) {
		if(page_project(&f, pager, a.projects[i], &seen, &seed, err, sizeof err) < 0) {
			list_failed = true;
			break;
		}
		pthread_mutex_lock(&f.lock);
		bool stop = f.stop;
		pthread_mutex_unlock(&f.lock);
		if(stop)
			break;
	}
	/* A job list that cannot be read ends the run: the jobs in flight are
	 * finished, those queued are left for the next run. */
	if(list_failed || !ok)
		request_stop(&f);
	queue_close(&f);
	for(unsigned i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	if(monitoring) {
		pthread_kill(monitor, SIGUSR1);
		pthread_join(monitor, NULL);
	}
	for(; f.len; f.len--, f.head = (f.head + 1) % QUEUE_CAP)
		item_free(f.queue[f.head]);
	free(seen.v);

	clear_progress(&f);
	if(err[0])
		fprintf(stderr, "failsig fetch: %s\n", err);
	if(started || ok) {
		double mb = (double)f.bytes / (1 << 20);
		printf("fetched %llu %s (%.1f MB), skipped %llu already stored, %llu failed; %zu %s\n",
		       f.fetched, plural(f.fetched, "job", "jobs"), mb, f.skipped, f.failed,
		       a.nprojects, plural(a.nprojects, "project", "projects"));
		fflush(stdout);
	}
	rc = !ok || list_failed         ? EXIT_ERROR
	   : f.signal == SIGINT          ? EXIT_SIGINT
	   : f.signal == SIGTERM         ? EXIT_SIGTERM
	   : f.failed                    ? EXIT_SOME_FAILED
	                                 : 0;

	for(unsigned i = 0; i < a.workers; i++) {
		gitlab_free(workers[i].gl);
		store_close(workers[i].st);
	}
	free(workers);
	gitlab_free(pager);
	pthread_cond_destroy(&f.cond);
	pthread_mutex_destroy(&f.lock);
	gitlab_global_cleanup();
	return rc;
}
