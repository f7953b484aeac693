/* history.c — shared helpers of the investigation commands. */
#include "history.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "text.h"
#include "xalloc.h"

struct store *hist_open(const char *cmd, const char *path)
{
	struct stat sb;
	if(stat(path, &sb) != 0) {
		fprintf(stderr, "failsig %s: cannot open database '%s': %s\n", cmd, path,
		        strerror(errno));
		if(errno == ENOENT)
			fprintf(stderr, "(`failsig serve --db %s` creates and fills it; --db names another)\n",
			        path);
		return NULL;
	}
	char err[512];
	struct store *st = store_open(path, err, sizeof err);
	if(!st)
		fprintf(stderr, "failsig %s: %s\n", cmd, err);
	return st;
}

void hist_args_init(struct hist_args *h, const char *const *formats, const char *use)
{
	memset(h, 0, sizeof *h);
	h->db = "failsig.db";
	h->formats = formats;
	h->use = use;
}

int hist_arg(const char *cmd, char **argv, int argc, int *i, struct hist_args *h)
{
	int ok;
	const char *v = cli_opt(cmd, argv, argc, i, "--db", &ok);
	if(v) {
		h->db = v;
		return 1;
	}
	if(ok)
		v = cli_opt(cmd, argv, argc, i, "--since", &ok);
	if(v) {
		if(hist_since(cmd, v, h->since_buf, sizeof h->since_buf) < 0)
			return -1;
		h->since = h->since_buf;
		return 1;
	}
	if(ok)
		v = cli_opt(cmd, argv, argc, i, "--format", &ok);
	if(!ok)
		return -1;
	if(!v)
		return 0;
	for(int k = 0; h->formats[k]; k++) {
		if(strcmp(v, h->formats[k]) == 0) {
			h->format = k;
			return 1;
		}
	}
	cli_usage_error(cmd, "unknown format '%s': use %s", v, h->use);
	return -1;
}

static bool digits(const char *s, size_t n)
{
	for(size_t i = 0; i < n; i++) {
		if(s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

int hist_since(const char *cmd, const char *arg, char *out, size_t outlen)
{
	size_t n = strlen(arg);
	if(n >= 2 && (arg[n - 1] == 'd' || arg[n - 1] == 'h') && digits(arg, n - 1) && n - 1 <= 6) {
		time_t t = time(NULL) - (time_t)atol(arg) * (arg[n - 1] == 'd' ? 86400 : 3600);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(out, outlen, "%Y-%m-%dT%H:%M:%S", &tm);
		return 0;
	}
	bool date = n >= 10 && digits(arg, 4) && arg[4] == '-' && digits(arg + 5, 2) &&
	            arg[7] == '-' && digits(arg + 8, 2);
	bool rest = n == 10 || (n < 40 && (arg[10] == 'T' || arg[10] == ' ') &&
	                        strspn(arg + 11, "0123456789:.Z+-") == n - 11);
	if(!date || !rest) {
		cli_usage_error(cmd, "--since '%s': expected a date (2026-11-15), a time "
		                "(2026-11-15T08:00) or a time ago (7d, 12h)", arg);
		return -1;
	}
	snprintf(out, outlen, "%s", arg);
	if(out[10] == ' ')
		out[10] = 'T';  /* GitLab writes ISO times with 'T' */
	return 0;
}

int hist_number(const char *cmd, const char *opt, const char *v, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if(errno || end == v || *end || n < 0 || n > max) {
		cli_usage_error(cmd, "%s '%s': expected a number from 0 to %lld", opt, v, max);
		return -1;
	}
	*out = n;
	return 0;
}

/* One row per dimension (STYLE 9.2 rule 20). A job has several runner tags;
 * the tag dimension counts it under each (jobs.runner_tags is a JSON array;
 * a job without one counts under "(no tag)"). */
static const struct hist_dim dims[] = {
	{"day", "", "coalesce(substr(j.finished_at, 1, 10), '(unknown)')", true},
	{"job", "", "coalesce(j.name, '(unknown)')", false},
	{"runner", "", "coalesce(j.runner, '(unknown)')", false},
	{"tag",
	 " LEFT JOIN json_each(CASE WHEN json_valid(j.runner_tags) THEN"
	 " CASE WHEN json_type(j.runner_tags) = 'array' THEN j.runner_tags END END) AS t",
	 "coalesce(t.value, '(no tag)')", false},
	{"project", "", "coalesce(j.project, '(unknown)')", false},
};

const struct hist_dim *hist_dim_find(const char *name)
{
	for(size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
		if(strcmp(dims[i].name, name) == 0)
			return &dims[i];
	}
	return NULL;
}

int hist_db_error(struct store *st, const char *cmd)
{
	fprintf(stderr, "failsig %s: database: %s\n", cmd, sqlite3_errmsg(store_sqlite(st)));
	return EXIT_ERROR;
}

sqlite3_stmt *hist_prepare(struct store *st, const char *cmd, const char *sql)
{
	sqlite3_stmt *s;
	if(sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK) {
		hist_db_error(st, cmd);
		return NULL;
	}
	return s;
}

const char *hist_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

const char *hist_day(const char *iso, char *out)
{
	if(!iso || strlen(iso) < 10) {
		strcpy(out, iso ? iso : "-");
		return out;
	}
	memcpy(out, iso, 10);
	out[10] = '\0';
	return out;
}

char *hist_dup_text(sqlite3_stmt *s, int i)
{
	const char *t = hist_text(s, i);
	return t ? xstrdup(t) : NULL;
}

json_t *hist_json_text(struct dynbuf *b, const char *s)
{
	if(!s)
		return json_null();
	dynbuf_reset(b);
	return json_string(text_utf8(b, s, strlen(s)));
}

int hist_counts_load(struct store *st, const char *cmd, const char *rule, const char *since,
                     hist_counts_fn *fn, void *ctx)
{
	/* ?2, the rule, only when there is one: its rows are found by index. */
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT m.rule, max(m.action), sum(m.status_ok != 0),"
	         " sum(CASE WHEN m.status_ok != 0 THEN m.hits ELSE 0 END),"
	         " sum(m.status_ok = 0), min(j.finished_at), max(j.finished_at)"
	         " FROM matches m LEFT JOIN jobs j ON j.id = m.job_id"
	         " WHERE (?1 IS NULL OR j.finished_at >= ?1)%s GROUP BY m.rule",
	         rule ? " AND m.rule = ?2" : "");
	sqlite3_stmt *s = hist_prepare(st, cmd, sql);
	if(!s)
		return EXIT_ERROR;
	sqlite3_bind_text(s, 1, since, -1, SQLITE_STATIC);
	if(rule)
		sqlite3_bind_text(s, 2, rule, -1, SQLITE_STATIC);
	int rc;
	while((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct hist_counts *c = fn(ctx, hist_text(s, 0));
		c->action = hist_dup_text(s, 1);
		c->jobs = sqlite3_column_int64(s, 2);
		c->lines = sqlite3_column_int64(s, 3);
		c->on_success = sqlite3_column_int64(s, 4);
		c->first = hist_dup_text(s, 5);
		c->last = hist_dup_text(s, 6);
	}
	sqlite3_finalize(s);
	if(rc != SQLITE_DONE)
		return hist_db_error(st, cmd);
	snprintf(sql, sizeof sql,
	         "SELECT r.rule, sum(r.state = %d), sum(r.state = %d AND n.status = 'success'),"
	         " sum(r.state = %d), sum(r.state = %d)"
	         " FROM retries r LEFT JOIN jobs j ON j.id = r.job_id"
	         " LEFT JOIN jobs n ON n.id = r.new_job_id"
	         " WHERE (?1 IS NULL OR j.finished_at >= ?1)%s GROUP BY r.rule",
	         RETRY_DONE, RETRY_DONE, RETRY_DRY_RUN, RETRY_REFUSED,
	         rule ? " AND r.rule = ?2" : "");
	s = hist_prepare(st, cmd, sql);
	if(!s)
		return EXIT_ERROR;
	sqlite3_bind_text(s, 1, since, -1, SQLITE_STATIC);
	if(rule)
		sqlite3_bind_text(s, 2, rule, -1, SQLITE_STATIC);
	while((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct hist_counts *c = fn(ctx, hist_text(s, 0));
		c->retried = sqlite3_column_int64(s, 1);
		c->retry_passed = sqlite3_column_int64(s, 2);
		c->dry_run = sqlite3_column_int64(s, 3);
		c->refused = sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	if(rc != SQLITE_DONE)
		return hist_db_error(st, cmd);
	return 0;
}

void hist_counts_free(struct hist_counts *c)
{
	free(c->first);
	free(c->last);
	free(c->action);
	memset(c, 0, sizeof *c);
}

struct table *hist_dim_table(const struct hist_dim *d, bool with_rule)
{
	struct table *t = table_new();
	if(with_rule)
		table_column(t, "rule", 0);
	table_column(t, d->name, 0);
	table_column(t, "jobs", TABLE_NUM);
	table_column(t, "lines", TABLE_NUM);
	return t;
}

int hist_dim_rows(struct store *st, const char *cmd, sqlite3_stmt *s, struct table *t,
                  const char *rule)
{
	int rc;
	while((rc = sqlite3_step(s)) == SQLITE_ROW) {
		table_row(t);
		if(rule)
			table_cell(t, rule);
		table_cell(t, hist_text(s, 0));
		table_num(t, sqlite3_column_int64(s, 1));
		table_num(t, sqlite3_column_int64(s, 2));
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : hist_db_error(st, cmd);
}

int hist_rule_dim(struct store *st, const char *cmd, const char *rule, const char *since,
                  const struct hist_dim *d, struct table *t, bool with_rule)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT %s AS k, count(DISTINCT m.job_id) AS n, sum(m.hits)"
	         " FROM matches m JOIN jobs j ON j.id = m.job_id%s"
	         " WHERE m.rule = ?1 AND m.status_ok != 0 AND (?2 IS NULL OR j.finished_at >= ?2)"
	         " GROUP BY k ORDER BY %s",
	         d->key, d->join, d->chrono ? "k" : "n DESC, k");
	sqlite3_stmt *s = hist_prepare(st, cmd, sql);
	if(!s)
		return EXIT_ERROR;
	sqlite3_bind_text(s, 1, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, since, -1, SQLITE_STATIC);
	return hist_dim_rows(st, cmd, s, t, with_rule ? rule : NULL);
}

void hist_job_read(sqlite3_stmt *s, int first, struct hist_job *j)
{
	j->id = sqlite3_column_int64(s, first);
	j->name = hist_dup_text(s, first + 1);
	j->project = hist_dup_text(s, first + 2);
	j->runner = hist_dup_text(s, first + 3);
	j->status = hist_dup_text(s, first + 4);
	j->finished_at = hist_dup_text(s, first + 5);
	j->web_url = hist_dup_text(s, first + 6);
	j->log_stored = sqlite3_column_type(s, first + 7) != SQLITE_NULL;
}

int hist_job_load(struct store *st, const char *cmd, long long id, struct hist_job *j)
{
	memset(j, 0, sizeof *j);
	sqlite3_stmt *s = hist_prepare(st, cmd, "SELECT " HIST_JOB_COLS " FROM jobs j WHERE j.id = ?1");
	if(!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	int found = 0;
	if(rc == SQLITE_ROW) {
		hist_job_read(s, 0, j);
		found = 1;
	} else if(rc != SQLITE_DONE) {
		found = -1;
		hist_db_error(st, cmd);
	}
	sqlite3_finalize(s);
	return found;
}

void hist_job_free(struct hist_job *j)
{
	free(j->name);
	free(j->project);
	free(j->runner);
	free(j->status);
	free(j->finished_at);
	free(j->web_url);
	memset(j, 0, sizeof *j);
}

json_t *hist_job_json(const struct hist_job *j, bool with_status, struct dynbuf *b)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(j->id));
	json_object_set_new(o, "name", hist_json_text(b, j->name));
	json_object_set_new(o, "project", hist_json_text(b, j->project));
	json_object_set_new(o, "runner", hist_json_text(b, j->runner));
	if(with_status)
		json_object_set_new(o, "status", hist_json_text(b, j->status));
	json_object_set_new(o, "finished_at", hist_json_text(b, j->finished_at));
	json_object_set_new(o, "web_url", hist_json_text(b, j->web_url));
	return o;
}

long long hist_context(struct store *st, const char *cmd, long long job_id,
                       const long long *hits, size_t nhits, unsigned context, hist_line_fn *fn,
                       void *ctx)
{
	sqlite3_stmt *s = hist_prepare(st, cmd,
	                               "SELECT line, text FROM log_lines"
	                               " WHERE job_id = ?1 AND line BETWEEN ?2 AND ?3 ORDER BY line");
	if(!s)
		return -1;
	long long shown = 0;
	size_t h = 0;
	while(h < nhits) {
		/* One window: hits whose context overlaps or touches. */
		long long from = hits[h] > (long long)context ? hits[h] - (long long)context : 1;
		long long to = hits[h] + (long long)context;
		size_t first = h;
		while(h + 1 < nhits && hits[h + 1] - (long long)context <= to + 1) {
			h++;
			to = hits[h] + (long long)context;
		}
		h++;
		sqlite3_bind_int64(s, 1, job_id);
		sqlite3_bind_int64(s, 2, from);
		sqlite3_bind_int64(s, 3, to);
		size_t k = first;
		bool gap = shown > 0;        /* a later window: lines were left out */
		int rc;
		while((rc = sqlite3_step(s)) == SQLITE_ROW) {
			long long line = sqlite3_column_int64(s, 0);
			while(k < h && hits[k] < line)
				k++;
			bool hit = k < h && hits[k] == line;
			fn(ctx, line, hist_text(s, 1), hit, gap);
			gap = false;
			shown++;
		}
		sqlite3_reset(s);
		if(rc != SQLITE_DONE) {
			hist_db_error(st, cmd);
			shown = -1;
			break;
		}
	}
	sqlite3_finalize(s);
	return shown;
}

void hist_rule_string(struct dynbuf *b, const char *s, size_t n)
{
	dynbuf_adds(b, "\"");
	for(size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if(c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			dynbuf_add(b, esc, 2);
		} else if(c == '\t') {
			dynbuf_adds(b, "\\t");
		} else if(c == 0x1b) {
			dynbuf_adds(b, "\\e");
		} else if(c < 0x20 || c == 0x7f) {
			dynbuf_printf(b, "\\x%02X", c);
		} else {
			dynbuf_add(b, &s[i], 1);
		}
	}
	dynbuf_adds(b, "\"");
}

const struct fsig_rule *hist_rule(const struct fsig_ruleset *rs, const char *id)
{
	for(uint32_t i = 0; i < rs->nrules; i++) {
		if(strcmp(rs->rules[i].id, id) == 0)
			return &rs->rules[i];
	}
	return NULL;
}
