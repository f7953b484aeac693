/* history.c — shared helpers of the investigation commands. */
#include "history.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
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

static char *dup_col(sqlite3_stmt *s, int i)
{
	const char *t = hist_text(s, i);
	return t ? xstrdup(t) : NULL;
}

void hist_job_read(sqlite3_stmt *s, int first, struct hist_job *j)
{
	j->id = sqlite3_column_int64(s, first);
	j->name = dup_col(s, first + 1);
	j->project = dup_col(s, first + 2);
	j->runner = dup_col(s, first + 3);
	j->status = dup_col(s, first + 4);
	j->finished_at = dup_col(s, first + 5);
	j->web_url = dup_col(s, first + 6);
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
