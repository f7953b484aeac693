/* cli_backtest.c — `failsig backtest`: rescan every stored log with this
 * binary's rule set and compare with what was recorded.
 *
 * The question a rule change must answer before it is merged: which past
 * jobs would it newly match, which would it stop matching, and does it hit
 * jobs that *passed* (the false-positive signal)? Stored traces (logstore.h)
 * are rescanned as the service scanned them, with the job's own data for the
 * filters; the recorded matches are whatever the database holds, from
 * whichever rule set recorded them. Read-only. */
#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dynbuf.h"
#include "logstore.h"
#include "scanlog.h"
#include "store.h"
#include "xalloc.h"

static const char backtest_help[] =
	"usage: failsig backtest [--db PATH] [--format text|markdown|json] [--examples N] [--jobs N]\n"
	"                        [--max-new-success-hits N] [--max-success-hits N] [RULE...]\n"
	"\n"
	"Rescans every log stored in the database (by `failsig serve` or `failsig fetch`)\n"
	"with this binary's rule set, and compares with the matches recorded there. Per\n"
	"rule: jobs it matches now, jobs recorded as matched, jobs newly matched, jobs no\n"
	"longer matched, and jobs that *succeeded* although the rule hits them (false\n"
	"positives), with example job URLs. RULE... limits the report to those rules.\n"
	"\n"
	"  --db PATH                  the database (default failsig.db)\n"
	"  --format F                 text (default), markdown (a merge request comment),\n"
	"                             or json\n"
	"  --examples N               example jobs per list (default 3)\n"
	"  --jobs N                   rescan with N threads (default: one per CPU)\n"
	"  --max-new-success-hits N   fail when a rule hits more than N successful jobs it\n"
	"                             did not hit before (default 0)\n"
	"  --max-success-hits N       fail when a rule hits more than N successful jobs in\n"
	"                             all (default: no limit)\n"
	"\n"
	"exit status: 0 within the limits, 1 a limit exceeded, 2 error.\n";

enum { LIST_NEW, LIST_GONE, LIST_SUCCESS, NLISTS };

struct rule_row {
	char *id;
	bool in_ruleset;           /* false: recorded by an older rule set, gone now */
	bool wanted;               /* in the report (RULE... or all) */
	long long now, recorded, success, new_success;
	long long n[NLISTS];
	long long *ex[NLISTS];     /* example job ids, up to --examples */
};

struct backtest {
	const struct fsig_ruleset *rs;
	struct store *st;
	struct rule_row *rows;
	size_t nrows;
	int examples;
	long long jobs, scanned_bytes, missing;
	char first[32], last[32];  /* finished_at range */
	char err[256];             /* why run() failed */
};

static struct rule_row *row_of(struct backtest *b, const char *id)
{
	for(size_t i = 0; i < b->nrows; i++) {
		if(strcmp(b->rows[i].id, id) == 0)
			return &b->rows[i];
	}
	b->rows = xrealloc(b->rows, (b->nrows + 1) * sizeof *b->rows);
	struct rule_row *r = &b->rows[b->nrows++];
	memset(r, 0, sizeof *r);
	r->id = xstrdup(id);
	r->wanted = true;
	for(int l = 0; l < NLISTS; l++)
		r->ex[l] = xcalloc((size_t)b->examples + 1, sizeof *r->ex[l]);
	return r;
}

static void note(struct backtest *b, struct rule_row *r, int list, long long job)
{
	if(r->n[list] < b->examples)
		r->ex[list][r->n[list]] = job;
	r->n[list]++;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* The job's filter data from its row (columns 1..8 of the job query). */
struct job_data {
	struct fsig_job job;
	char *strs[6];
	char **tags;
	size_t ntags;
};

static void job_data_load(struct job_data *d, sqlite3_stmt *s)
{
	memset(d, 0, sizeof *d);
	for(int i = 0; i < 6; i++) {
		const char *v = col_text(s, i + 1);
		d->strs[i] = v ? xstrdup(v) : NULL;
	}
	json_t *tags = json_loads(col_text(s, 7) ? col_text(s, 7) : "[]", 0, NULL);
	size_t n = json_array_size(tags);
	d->tags = xcalloc(n + 1, sizeof *d->tags);
	for(size_t i = 0; i < n; i++) {
		const char *t = json_string_value(json_array_get(tags, i));
		if(t)
			d->tags[d->ntags++] = xstrdup(t);
	}
	json_decref(tags);
	d->job = (struct fsig_job){
		.known = true, .name = d->strs[0], .stage = d->strs[1], .project = d->strs[2],
		.runner = d->strs[3], .failure_reason = d->strs[4], .status = d->strs[5],
		.tags = (const char *const *)d->tags, .ntags = d->ntags,
	};
}

static void job_data_free(struct job_data *d)
{
	for(int i = 0; i < 6; i++)
		free(d->strs[i]);
	for(size_t i = 0; i < d->ntags; i++)
		free(d->tags[i]);
	free(d->tags);
}

/* One rescanned job, handed from a worker to the merge: which rules fire
 * now and which were recorded. */
struct verdict {
	long long job;
	bool success;
	bool *fired;               /* [nrules] */
	char **recorded;           /* rule ids recorded for the job */
	size_t nrecorded;
};

/* Fold one job into the per-rule counts (called under b->lock). */
static void merge(struct backtest *b, const struct verdict *v)
{
	size_t nrules = b->rs->nrules;
	/* Rows are appended for recorded ids of other rule sets, so the
	 * "was recorded" marks are kept by row index after the lookups. */
	size_t *was = xcalloc(v->nrecorded + 1, sizeof *was);
	for(size_t k = 0; k < v->nrecorded; k++) {
		struct rule_row *r = row_of(b, v->recorded[k]);
		r->recorded++;
		was[k] = (size_t)(r - b->rows);
	}
	for(size_t i = 0; i < nrules; i++) {
		bool recorded = false;
		for(size_t k = 0; k < v->nrecorded; k++)
			recorded |= was[k] == i;
		struct rule_row *r = &b->rows[i];  /* rows[0..nrules) are the rule set's */
		if(v->fired[i]) {
			r->now++;
			if(!recorded)
				note(b, r, LIST_NEW, v->job);
			if(v->success) {
				r->success++;
				note(b, r, LIST_SUCCESS, v->job);
				if(!recorded)
					r->new_success++;
			}
		} else if(recorded) {
			note(b, r, LIST_GONE, v->job);
		}
	}
	for(size_t k = 0; k < v->nrecorded; k++) {
		if(was[k] >= nrules)
			note(b, &b->rows[was[k]], LIST_GONE, v->job);
	}
	free(was);
}

/* The jobs to rescan, read in batches so that memory does not grow with
 * the history; workers take them one by one. */
enum { BATCH = 512 };

struct job_row {
	long long id;
	struct job_data d;
	char finished[32];
	struct verdict v;          /* filled by a worker, merged in job order */
	bool done;                 /* v is filled (false: no trace or an error) */
};

struct pool {
	struct backtest *b;
	pthread_mutex_t lock;      /* next, the counts, b->rows */
	struct job_row *rows;
	size_t nrows, next;
	int failed;                /* a worker hit a database error */
	char err[256];
	bool progress;
	long long total;
};

static void verdict_free(struct verdict *v)
{
	free(v->fired);
	for(size_t k = 0; k < v->nrecorded; k++)
		free(v->recorded[k]);
	free(v->recorded);
}

/* Rescan one job on this worker's own connection. 0, or -1 on error. */
static int rescan(struct pool *p, struct store *st, sqlite3_stmt *rec, struct job_row *row)
{
	struct backtest *b = p->b;
	struct verdict v = { .job = row->id };
	v.success = row->d.job.status && strcmp(row->d.job.status, "success") == 0;
	struct logstore_trace *t = logstore_open(st, row->id);
	if(!t) {
		pthread_mutex_lock(&p->lock);
		b->missing++;
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	struct eval *e = NULL;
	struct scan_stats stats = { 0 };
	int rc = scanlog_reader(b->rs, logstore_trace_reader(t), &row->d.job, 0, -1, &e, &stats);
	logstore_close(t);
	if(rc < 0)
		return -1;
	size_t nres;
	const struct eval_result *res = eval_results(e, &nres);
	v.fired = xcalloc(nres + 1, sizeof *v.fired);
	for(size_t i = 0; i < nres; i++)
		v.fired[i] = res[i].fired;
	eval_free(e);
	sqlite3_reset(rec);
	sqlite3_bind_int64(rec, 1, row->id);
	size_t cap = 0;
	while((rc = sqlite3_step(rec)) == SQLITE_ROW) {
		if(v.nrecorded == cap) {
			cap = cap ? cap * 2 : 8;
			v.recorded = xrealloc(v.recorded, cap * sizeof *v.recorded);
		}
		v.recorded[v.nrecorded++] = xstrdup(col_text(rec, 0));
	}
	if(rc != SQLITE_DONE) {
		verdict_free(&v);
		return store_fail(st, "reading recorded matches");
	}
	/* Merged later in job order: the example lists do not depend on
	 * which thread finished first. */
	row->v = v;
	row->done = true;
	pthread_mutex_lock(&p->lock);
	b->jobs++;
	b->scanned_bytes += (long long)stats.bytes;
	if(p->progress)
		fprintf(stderr, "\rbacktest: %lld/%lld jobs rescanned", b->jobs, p->total);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

struct worker_arg {
	struct pool *p;
	const char *path;
};

static void *worker(void *arg)
{
	struct worker_arg *w = arg;
	struct pool *p = w->p;
	char err[256];
	struct store *st = store_open(w->path, err, sizeof err);
	/* A page cache of 8 pages (512 KiB) instead of sqlite's 2 MB: a trace's
	 * pages are read once, and a small cache keeps the buffers sqlite reads
	 * them into, and copies them out of, in L2 (--jobs 2 on 32 x 16 MB:
	 * 102 -> 93 ms). Only a speed setting: failing it changes nothing. */
	if(st)
		sqlite3_exec(store_sqlite(st), "PRAGMA cache_size = 8", NULL, NULL, NULL);
	sqlite3_stmt *rec = NULL;
	if(st && sqlite3_prepare_v2(store_sqlite(st), "SELECT rule FROM matches WHERE job_id = ?1",
	                            -1, &rec, NULL) != SQLITE_OK) {
		snprintf(err, sizeof err, "%s", sqlite3_errmsg(store_sqlite(st)));
		rec = NULL;
	}
	for(;;) {
		pthread_mutex_lock(&p->lock);
		bool stop = p->failed || !st || !rec || p->next == p->nrows;
		struct job_row *row = stop ? NULL : &p->rows[p->next++];
		if((!st || !rec) && !p->failed) {
			p->failed = 1;
			snprintf(p->err, sizeof p->err, "%s", err);
		}
		pthread_mutex_unlock(&p->lock);
		if(stop)
			break;
		if(rescan(p, st, rec, row) < 0) {
			pthread_mutex_lock(&p->lock);
			if(!p->failed)
				snprintf(p->err, sizeof p->err, "%s", store_error(st));
			p->failed = 1;
			pthread_mutex_unlock(&p->lock);
		}
	}
	sqlite3_finalize(rec);
	store_close(st);
	return NULL;
}

/* Rescan one batch with nthreads workers. */
static int run_batch(struct pool *p, const char *path, int nthreads)
{
	pthread_t *t = xcalloc((size_t)nthreads, sizeof *t);
	struct worker_arg w = { p, path };
	int started = 0;
	p->next = 0;
	for(int i = 0; i < nthreads; i++) {
		if(pthread_create(&t[i], NULL, worker, &w) == 0)
			started++;
	}
	if(!started)
		worker(&w);
	for(int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
	return p->failed ? -1 : 0;
}

static int run(struct backtest *b, bool progress, int nthreads)
{
	sqlite3 *db = store_sqlite(b->st);
	const char *path = sqlite3_db_filename(db, "main");
	struct pool p = { .b = b, .progress = progress };
	pthread_mutex_init(&p.lock, NULL);
	sqlite3_stmt *s;
	if(sqlite3_prepare_v2(db, "SELECT count(*) FROM jobs WHERE log_stored_at IS NOT NULL", -1, &s,
	                      NULL) == SQLITE_OK) {
		if(sqlite3_step(s) == SQLITE_ROW)
			p.total = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	if(sqlite3_prepare_v2(db,
	                      "SELECT id, name, stage, project, runner, failure_reason, status,"
	                      " runner_tags, coalesce(finished_at, '') FROM jobs"
	                      " WHERE log_stored_at IS NOT NULL ORDER BY finished_at, id",
	                      -1, &s, NULL) != SQLITE_OK) {
		pthread_mutex_destroy(&p.lock);
		return store_fail(b->st, "querying jobs");
	}
	p.rows = xcalloc(BATCH, sizeof *p.rows);
	int rc = SQLITE_ROW, status = 0;
	while(status == 0 && rc == SQLITE_ROW) {
		p.nrows = 0;
		while(p.nrows < BATCH && (rc = sqlite3_step(s)) == SQLITE_ROW) {
			struct job_row *row = &p.rows[p.nrows++];
			row->id = sqlite3_column_int64(s, 0);
			job_data_load(&row->d, s);
			snprintf(row->finished, sizeof row->finished, "%.10s", col_text(s, 8));
			if(!b->first[0])
				snprintf(b->first, sizeof b->first, "%s", row->finished);
			snprintf(b->last, sizeof b->last, "%s", row->finished);
		}
		if(rc != SQLITE_ROW && rc != SQLITE_DONE)
			status = store_fail(b->st, "reading jobs");
		else if(p.nrows && run_batch(&p, path, nthreads) < 0)
			status = -1;
		for(size_t i = 0; i < p.nrows; i++) {
			if(p.rows[i].done)
				merge(b, &p.rows[i].v);
			verdict_free(&p.rows[i].v);
			job_data_free(&p.rows[i].d);
			memset(&p.rows[i], 0, sizeof p.rows[i]);
		}
	}
	if(progress)
		fputc('\n', stderr);
	if(p.failed)
		snprintf(b->err, sizeof b->err, "%s", p.err);
	else if(status < 0)
		snprintf(b->err, sizeof b->err, "%s", store_error(b->st));
	free(p.rows);
	sqlite3_finalize(s);
	pthread_mutex_destroy(&p.lock);
	return status;
}

/* ---- output ---- */

static bool changed(const struct rule_row *r)
{
	return r->n[LIST_NEW] || r->n[LIST_GONE] || r->success;
}

/* A job's web URL, or "job N" when unknown. */
static void job_link(struct backtest *b, long long job, bool markdown, struct dynbuf *out)
{
	sqlite3_stmt *s;
	const char *url = NULL;
	if(sqlite3_prepare_v2(store_sqlite(b->st), "SELECT web_url, name FROM jobs WHERE id = ?1", -1,
	                      &s, NULL) != SQLITE_OK)
		s = NULL;
	if(s) {
		sqlite3_bind_int64(s, 1, job);
		if(sqlite3_step(s) == SQLITE_ROW)
			url = col_text(s, 0);
	}
	if(markdown && url)
		dynbuf_printf(out, "[#%lld](%s)", job, url);
	else if(url)
		dynbuf_printf(out, "%s", url);
	else
		dynbuf_printf(out, "job %lld", job);
	sqlite3_finalize(s);
}

static void examples(struct backtest *b, const struct rule_row *r, int list, bool markdown,
                     struct dynbuf *out)
{
	long long n = r->n[list] < b->examples ? r->n[list] : b->examples;
	for(long long i = 0; i < n; i++) {
		dynbuf_adds(out, i ? ", " : "");
		job_link(b, r->ex[list][i], markdown, out);
	}
	if(r->n[list] > n)
		dynbuf_printf(out, "%s and %lld more", n ? "," : "", r->n[list] - n);
}

static const char *const list_names[NLISTS] = { "newly matched", "no longer matched",
                                                "succeeded but hit" };

static void print_text(struct backtest *b, struct dynbuf *out)
{
	dynbuf_printf(out, "backtest: rule set %s (%u rules) over %lld stored jobs", b->rs->hash,
	              b->rs->nrules, b->jobs);
	if(b->jobs)
		dynbuf_printf(out, " finished %s to %s", b->first, b->last);
	dynbuf_adds(out, "\n\n");
	dynbuf_printf(out, "%-28s %6s %9s %6s %6s %9s %12s\n", "rule", "now", "recorded", "new",
	              "gone", "success", "new-success");
	for(size_t i = 0; i < b->nrows; i++) {
		const struct rule_row *r = &b->rows[i];
		if(!r->wanted)
			continue;
		dynbuf_printf(out, "%-28s %6lld %9lld %6lld %6lld %9lld %12lld%s\n", r->id, r->now,
		              r->recorded, r->n[LIST_NEW], r->n[LIST_GONE], r->success, r->new_success,
		              r->in_ruleset ? "" : "  (not in this rule set)");
	}
	for(size_t i = 0; i < b->nrows; i++) {
		const struct rule_row *r = &b->rows[i];
		if(!r->wanted || !changed(r))
			continue;
		dynbuf_printf(out, "\n%s:\n", r->id);
		for(int l = 0; l < NLISTS; l++) {
			if(!r->n[l])
				continue;
			dynbuf_printf(out, "  %s (%lld): ", list_names[l], r->n[l]);
			examples(b, r, l, false, out);
			dynbuf_adds(out, "\n");
		}
	}
}

static void print_markdown(struct backtest *b, struct dynbuf *out)
{
	dynbuf_printf(out, "### failsig backtest\n\nRule set `%s` (%u rules) rescanned over **%lld** "
	              "stored jobs", b->rs->hash, b->rs->nrules, b->jobs);
	if(b->jobs)
		dynbuf_printf(out, " (finished %s to %s)", b->first, b->last);
	dynbuf_adds(out, ".\n\n");
	size_t shown = 0, same = 0;
	for(size_t i = 0; i < b->nrows; i++) {
		const struct rule_row *r = &b->rows[i];
		if(!r->wanted)
			continue;
		if(!changed(r)) {
			same++;
			continue;
		}
		if(!shown++)
			dynbuf_adds(out, "| rule | jobs now | recorded | newly matched | no longer matched "
			                 "| hits in successful jobs |\n|---|---:|---:|---:|---:|---:|\n");
		dynbuf_printf(out, "| `%s`%s | %lld | %lld | %lld | %lld | %lld%s |\n", r->id,
		              r->in_ruleset ? "" : " (removed)", r->now, r->recorded, r->n[LIST_NEW],
		              r->n[LIST_GONE], r->success,
		              r->new_success ? " (**new**)" : "");
	}
	if(!shown)
		dynbuf_adds(out, "No rule matches differently from what was recorded, and no rule hits "
		                 "a successful job.\n");
	else
		dynbuf_printf(out, "\n%zu rules match exactly what was recorded.\n", same);
	for(size_t i = 0; i < b->nrows; i++) {
		const struct rule_row *r = &b->rows[i];
		if(!r->wanted || !changed(r))
			continue;
		dynbuf_printf(out, "\n**`%s`**\n", r->id);
		for(int l = 0; l < NLISTS; l++) {
			if(!r->n[l])
				continue;
			dynbuf_printf(out, "- %s (%lld): ", list_names[l], r->n[l]);
			examples(b, r, l, true, out);
			dynbuf_adds(out, "\n");
		}
	}
}

static void print_json(struct backtest *b, struct dynbuf *out)
{
	json_t *root = json_object();
	json_object_set_new(root, "ruleset", json_string(b->rs->hash));
	json_object_set_new(root, "jobs", json_integer(b->jobs));
	json_object_set_new(root, "first_finished", json_string(b->first));
	json_object_set_new(root, "last_finished", json_string(b->last));
	json_t *rules = json_array();
	static const char *const keys[NLISTS] = { "newly_matched", "no_longer_matched",
	                                          "success_hits" };
	for(size_t i = 0; i < b->nrows; i++) {
		const struct rule_row *r = &b->rows[i];
		if(!r->wanted)
			continue;
		json_t *o = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I}", "rule", r->id, "in_ruleset",
		                      r->in_ruleset, "now", (json_int_t)r->now, "recorded",
		                      (json_int_t)r->recorded, "success", (json_int_t)r->success,
		                      "new_success", (json_int_t)r->new_success);
		for(int l = 0; l < NLISTS; l++) {
			json_t *ex = json_array();
			for(long long k = 0; k < r->n[l] && k < b->examples; k++)
				json_array_append_new(ex, json_integer(r->ex[l][k]));
			json_object_set_new(o, keys[l], json_pack("{s:I, s:o}", "count", (json_int_t)r->n[l],
			                                          "examples", ex));
		}
		json_array_append_new(rules, o);
	}
	json_object_set_new(root, "rules", rules);
	char *text = json_dumps(root, JSON_INDENT(2));
	dynbuf_adds(out, text);
	dynbuf_adds(out, "\n");
	free(text);
	json_decref(root);
}

static long long parse_limit(const char *v)
{
	char *end;
	long long n = strtoll(v, &end, 10);
	return *v && !*end && n >= 0 ? n : -1;
}

int cli_backtest(const struct fsig_ruleset *rs, int argc, char **argv)
{
	const char *cmd = "backtest", *dbpath = "failsig.db", *format = "text";
	long long max_new = 0, max_all = -1, nex = 3;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long long nthreads = cpus > 0 ? cpus : 1;
	char **only = xcalloc((size_t)argc + 1, sizeof *only);
	size_t nonly = 0;
	int rc = EXIT_ERROR;
	for(int i = 1; i < argc; i++) {
		const char *v;
		int ok;
		if(strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(backtest_help, stdout);
			free(only);
			return 0;
		} else if((v = cli_opt(cmd, argv, argc, &i, "--db", &ok))) {
			dbpath = v;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--format", &ok))) {
			format = v;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--examples", &ok))) {
			if((nex = parse_limit(v)) < 0 || nex > 1000)
				goto usage_number;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--max-new-success-hits", &ok))) {
			if((max_new = parse_limit(v)) < 0)
				goto usage_number;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--jobs", &ok))) {
			if((nthreads = parse_limit(v)) < 1 || nthreads > 64)
				goto usage_number;
		} else if(ok && (v = cli_opt(cmd, argv, argc, &i, "--max-success-hits", &ok))) {
			if((max_all = parse_limit(v)) < 0)
				goto usage_number;
		} else if(!ok) {
			goto out;
		} else if(argv[i][0] == '-') {
			cli_usage_error(cmd, "unknown option '%s'", argv[i]);
			goto out;
		} else {
			only[nonly++] = argv[i];
		}
		continue;
	usage_number:
		cli_usage_error(cmd, "'%s' is not a count", v);
		goto out;
	}
	if(strcmp(format, "text") && strcmp(format, "markdown") && strcmp(format, "json")) {
		cli_usage_error(cmd, "--format takes text, markdown or json, not '%s'", format);
		goto out;
	}
	if(access(dbpath, R_OK) != 0) {
		fprintf(stderr, "failsig backtest: no database '%s' (fill one with `failsig serve` or "
		                "`failsig fetch`)\n", dbpath);
		goto out;
	}
	char err[512];
	struct backtest b = { .rs = rs, .examples = (int)nex };
	if(!(b.st = store_open(dbpath, err, sizeof err))) {
		fprintf(stderr, "failsig backtest: %s\n", err);
		goto out;
	}
	/* rows[i] is rule i of the rule set; recorded ids of other rule sets
	 * are appended as they show up. */
	for(uint32_t i = 0; i < rs->nrules; i++)
		row_of(&b, rs->rules[i].id)->in_ruleset = true;
	for(size_t k = 0; k < nonly; k++) {
		bool known = false;
		for(uint32_t i = 0; i < rs->nrules; i++)
			known |= strcmp(rs->rules[i].id, only[k]) == 0;
		if(!known) {
			cli_usage_error(cmd, "no rule '%s' in this rule set (failsig rules lists them)",
			                only[k]);
			goto close;
		}
	}
	if(run(&b, isatty(STDERR_FILENO), (int)nthreads) < 0) {
		fprintf(stderr, "failsig backtest: %s\n", b.err);
		goto close;
	}
	rc = 0;
	for(size_t i = 0; i < b.nrows; i++) {
		struct rule_row *r = &b.rows[i];
		if(nonly) {
			r->wanted = false;
			for(size_t k = 0; k < nonly; k++)
				r->wanted |= strcmp(r->id, only[k]) == 0;
		}
		if(r->wanted && (r->new_success > max_new || (max_all >= 0 && r->success > max_all)))
			rc = 1;
	}
	struct dynbuf out;
	dynbuf_init(&out, (size_t)1 << 30);
	if(strcmp(format, "markdown") == 0)
		print_markdown(&b, &out);
	else if(strcmp(format, "json") == 0)
		print_json(&b, &out);
	else
		print_text(&b, &out);
	fwrite(out.ptr ? out.ptr : "", 1, out.len, stdout);
	dynbuf_free(&out);
	if(rc == 1)
		fprintf(stderr, "failsig backtest: a rule hits more successful jobs than allowed "
		                "(--max-new-success-hits %lld%s)\n", max_new,
		        max_all >= 0 ? ", --max-success-hits" : "");
close:
	for(size_t i = 0; i < b.nrows; i++) {
		free(b.rows[i].id);
		for(int l = 0; l < NLISTS; l++)
			free(b.rows[i].ex[l]);
	}
	free(b.rows);
	store_close(b.st);
out:
	free(only);
	return rc;
}
