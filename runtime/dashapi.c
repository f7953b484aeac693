/* dashapi.c — the dashboard's queries and parameters (dashapi.h).
 *
 * Each endpoint is a few SQL statements whose rows become JSON objects
 * column by column (rows()): integers stay integers, text is repaired to
 * valid UTF-8, and a column whose name ends in "__json" holds JSON text
 * that is embedded as a value. */
#include "dashapi.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dynbuf.h"
#include "store.h"
#include "text.h"
#include "xalloc.h"

enum { TEXT_CAP = 64 << 20 };   /* a column's repaired text (log lines are far shorter) */

/* The window of a query: ?1 is the first day, ?2 the day after the last. */
#define WINDOW "j.finished_at >= ?1 AND j.finished_at < ?2"

/* What a rule's matches add up to, over "FROM matches m JOIN jobs j" (the
 * rule list and a rule's page count alike). */
#define RULE_COUNTS \
	" coalesce(sum(j.status = 'failed'), 0) AS failed_jobs," \
	" coalesce(sum(j.status <> 'failed'), 0) AS other_jobs," \
	" min(j.finished_at) AS first_seen, max(j.finished_at) AS last_seen"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sqlite's progress handler: non-zero interrupts the running statement. */
static int past_deadline(void *cls)
{
	const long long *deadline = cls;
	return now_ms() > *deadline;
}

static void sql_retry_state(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if(sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, retry_state_name(sqlite3_value_int(argv[0])), -1, SQLITE_STATIC);
}

void dashapi_prepare(sqlite3 *db, long long *deadline)
{
	*deadline = now_ms() + DASHAPI_TIMEOUT_MS;
	sqlite3_busy_timeout(db, 2000);   /* readers of a WAL database rarely wait */
	sqlite3_progress_handler(db, 10000, past_deadline, deadline);
	sqlite3_create_function(db, "retry_state", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                        sql_retry_state, NULL, NULL);
}

json_t *dashapi_fail(struct dashapi *a, unsigned status, const char *code, const char *fmt, ...)
{
	a->status = status;
	snprintf(a->error, sizeof a->error, "%s", code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof a->message, fmt, ap);
	va_end(ap);
	text_one_line(a->message);
	return NULL;
}

/* A failed statement: interrupted (the deadline), busy, or anything else. */
static json_t *sql_fail(struct dashapi *a, int rc, const char *what)
{
	if(rc == SQLITE_INTERRUPT)
		return dashapi_fail(a, 503, "timeout", "%s took longer than %d s; ask for less", what,
		                    DASHAPI_TIMEOUT_MS / 1000);
	if(rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return dashapi_fail(a, 503, "busy", "%s: the database is busy; try again", what);
	return dashapi_fail(a, 500, "database", "%s: %s", what, sqlite3_errmsg(a->db));
}

/* ---- statements to JSON ---- */

static sqlite3_stmt *vprepare(struct dashapi *a, const char *sql, const char *fmt, va_list ap)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(a->db, sql, -1, &s, NULL);
	if(rc != SQLITE_OK) {
		sql_fail(a, rc, "preparing a query");
		return NULL;
	}
	for(int i = 1; *fmt && rc == SQLITE_OK; fmt++, i++) {
		if(*fmt == 'i') {
			rc = sqlite3_bind_int64(s, i, va_arg(ap, long long));
		} else {
			const char *v = va_arg(ap, const char *);
			rc = v ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
		}
	}
	if(rc != SQLITE_OK) {
		sql_fail(a, rc, "binding a query");
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

static json_t *column_json(sqlite3_stmt *s, int i, bool embed, struct dynbuf *scratch)
{
	switch(sqlite3_column_type(s, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(s, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(s, i));
	case SQLITE_NULL:
		return json_null();
	default:
		break;
	}
	const char *t = (const char *)sqlite3_column_text(s, i);
	size_t n = (size_t)sqlite3_column_bytes(s, i);
	if(embed) {
		json_t *v = json_loadb(t ? t : "", n, JSON_DECODE_ANY, NULL);
		if(v)
			return v;
	}
	dynbuf_reset(scratch);
	text_utf8(scratch, t ? t : "", n);
	return json_stringn(scratch->ptr, scratch->len);
}

static json_t *row_object(sqlite3_stmt *s, struct dynbuf *scratch)
{
	json_t *o = json_object();
	int n = sqlite3_column_count(s);
	for(int i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(s, i);
		size_t len = strlen(name);
		bool embed = len > 6 && strcmp(name + len - 6, "__json") == 0;
		json_t *v = column_json(s, i, embed, scratch);
		if(embed) {
			char key[64];
			snprintf(key, sizeof key, "%.*s", (int)(len - 6), name);
			json_object_set_new(o, key, v);
		} else {
			json_object_set_new(o, name, v);
		}
	}
	return o;
}

/* The rows of sql (arguments bound by fmt: 'i' long long, 's' string or
 * NULL) as an array of objects keyed by column name; NULL on error. */
static json_t *vrows(struct dashapi *a, const char *what, const char *sql, const char *fmt,
                     va_list ap)
{
	sqlite3_stmt *s = vprepare(a, sql, fmt, ap);
	if(!s)
		return NULL;
	json_t *arr = json_array();
	struct dynbuf scratch;
	dynbuf_init(&scratch, TEXT_CAP);
	int rc;
	while((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(arr, row_object(s, &scratch));
	dynbuf_free(&scratch);
	if(rc != SQLITE_DONE) {
		sql_fail(a, rc, what);
		json_decref(arr);
		arr = NULL;
	}
	sqlite3_finalize(s);
	return arr;
}

static json_t *rows(struct dashapi *a, const char *what, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *r = vrows(a, what, sql, fmt, ap);
	va_end(ap);
	return r;
}

/* The first row as an object; json null when there is none; NULL on error. */
static json_t *row1(struct dashapi *a, const char *what, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *r = vrows(a, what, sql, fmt, ap);
	va_end(ap);
	if(!r)
		return NULL;
	json_t *first = json_array_size(r) ? json_incref(json_array_get(r, 0)) : json_null();
	json_decref(r);
	return first;
}

/* Set key of o to v (stolen); false when v is NULL (an error). */
static bool put(json_t *o, const char *key, json_t *v)
{
	if(!v)
		return false;
	json_object_set_new(o, key, v);
	return true;
}

/* o when ok; else NULL, o freed (a put failed). */
static json_t *all_put(json_t *o, bool ok)
{
	if(ok)
		return o;
	json_decref(o);
	return NULL;
}

/* A new object {key: v} (v stolen), or NULL when v is NULL (an error). */
static json_t *object1(const char *key, json_t *v)
{
	if(!v)
		return NULL;
	json_t *o = json_object();
	json_object_set_new(o, key, v);
	return o;
}

static void put_window(json_t *o, const struct dashapi_params *p)
{
	json_object_set_new(o, "from", json_string(p->from));
	json_object_set_new(o, "to", json_string(p->to));
	json_object_set_new(o, "days", json_integer(p->days));
}

/* ---- parameters ---- */

static const struct param {
	const char *name;
	unsigned bit;
} params[] = {
	{ "days", DP_DAYS },
	{ "limit", DP_LIMIT },
	{ "rule", DP_RULE },
	{ "q", DP_Q },
	{ "status", DP_STATUS },
	{ "runner", DP_RUNNER },
	{ "project", DP_PROJECT },
	{ "state", DP_STATE },
};
enum { NPARAMS = sizeof params / sizeof params[0] };

/* A positive decimal number, capped at max; -1 if malformed or < 1. */
static long parse_positive(const char *v, long max)
{
	if(!v || !*v || strlen(v) > 9)
		return -1;
	long n = 0;
	for(const char *c = v; *c; c++) {
		if(*c < '0' || *c > '9')
			return -1;
		n = n * 10 + (*c - '0');
	}
	if(n < 1)
		return -1;
	return n > max ? max : n;
}

bool dashapi_text_ok(const char *s, size_t max)
{
	if(!s || !*s || strlen(s) > max)
		return false;
	for(const char *c = s; *c; c++) {
		if((unsigned char)*c < 0x20 || *c == 0x7f)
			return false;
	}
	struct dynbuf b;
	dynbuf_init(&b, strlen(s) * 3 + 1);
	text_utf8(&b, s, strlen(s));
	bool same = strcmp(b.ptr, s) == 0;
	dynbuf_free(&b);
	return same;
}

static void list_allowed(char *buf, size_t len, unsigned allowed)
{
	size_t used = 0;
	buf[0] = '\0';
	for(size_t i = 0; i < NPARAMS; i++) {
		if(allowed & params[i].bit) {
			int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", params[i].name);
			if(n < 0 || (size_t)n >= len - used)
				break;
			used += (size_t)n;
		}
	}
	if(!used)
		snprintf(buf, len, "none");
}

/* The window: the newest day a job finished (today when there is none)
 * and the days - 1 before it. */
static int window(struct dashapi *a, struct dashapi_params *p)
{
	char back[32];
	snprintf(back, sizeof back, "-%d days", p->days - 1);
	json_t *r = row1(a, "finding the newest job",
	                 "SELECT d AS t, date(d, ?1) AS f, date(d, '+1 day') AS e FROM"
	                 " (SELECT coalesce((SELECT date(max(finished_at)) FROM jobs), date('now')) AS d)",
	                 "s", back);
	if(!r)
		return -1;
	const char *t = json_string_value(json_object_get(r, "t"));
	const char *f = json_string_value(json_object_get(r, "f"));
	const char *e = json_string_value(json_object_get(r, "e"));
	if(!t || !f || !e || strlen(t) != 10 || strlen(f) != 10 || strlen(e) != 10) {
		json_decref(r);
		dashapi_fail(a, 500, "database", "cannot compute the window of %d days", p->days);
		return -1;
	}
	memcpy(p->to, t, 11);
	memcpy(p->from, f, 11);
	memcpy(p->end, e, 11);
	json_decref(r);
	return 0;
}

int dashapi_parse(struct dashapi *a, const struct dashapi_args *args, unsigned allowed,
                  int default_limit, struct dashapi_params *p)
{
	memset(p, 0, sizeof *p);
	p->days = DASHAPI_DAYS_DEFAULT;
	p->limit = default_limit;
	p->state = -1;
	char names[128];
	list_allowed(names, sizeof names, allowed);
	if(args->overflow) {
		dashapi_fail(a, 400, "bad_parameter", "more than %d query parameters",
		             DASHAPI_MAX_ARGS);
		return -1;
	}
	unsigned seen = 0;
	for(size_t i = 0; i < args->n; i++) {
		const char *k = args->key[i];
		const char *v = args->value[i] ? args->value[i] : "";
		const struct param *pr = NULL;
		for(size_t j = 0; j < NPARAMS; j++) {
			if(strcmp(k, params[j].name) == 0 && (allowed & params[j].bit))
				pr = &params[j];
		}
		if(!pr) {
			dashapi_fail(a, 400, "bad_parameter",
			             "unknown parameter '%.64s' (this endpoint takes: %s)", k, names);
			return -1;
		}
		if(seen & pr->bit) {
			dashapi_fail(a, 400, "bad_parameter", "parameter '%s' given twice", pr->name);
			return -1;
		}
		seen |= pr->bit;
		long n;
		switch(pr->bit) {
		case DP_DAYS:
			if((n = parse_positive(v, DASHAPI_DAYS_MAX)) < 0) {
				dashapi_fail(a, 400, "bad_parameter",
				             "days must be a whole number of days from 1 to %d, not '%.64s'",
				             DASHAPI_DAYS_MAX, v);
				return -1;
			}
			p->days = (int)n;
			break;
		case DP_LIMIT:
			if((n = parse_positive(v, DASHAPI_LIMIT_MAX)) < 0) {
				dashapi_fail(a, 400, "bad_parameter",
				             "limit must be a number from 1 to %d, not '%.64s'",
				             DASHAPI_LIMIT_MAX, v);
				return -1;
			}
			p->limit = (int)n;
			break;
		case DP_STATE:
			for(int s = RETRY_SCHEDULED; s <= RETRY_REFUSED; s++) {
				if(strcmp(v, retry_state_name(s)) == 0)
					p->state = s;
			}
			if(p->state < 0) {
				dashapi_fail(a, 400, "bad_parameter",
				             "state must be one of scheduled, calling, done, failed, unknown, "
				             "dry-run, refused, not '%.64s'", v);
				return -1;
			}
			break;
		default: {
			size_t max = pr->bit == DP_Q ? DASHAPI_Q_MAX : DASHAPI_TEXT_MAX;
			if(!dashapi_text_ok(v, max)) {
				dashapi_fail(a, 400, "bad_parameter",
				             "%s must be 1 to %zu bytes of UTF-8 text without control characters",
				             pr->name, max);
				return -1;
			}
			const char **slot = pr->bit == DP_RULE ? &p->rule : pr->bit == DP_Q ? &p->q :
			                    pr->bit == DP_STATUS ? &p->status :
			                    pr->bit == DP_RUNNER ? &p->runner : &p->project;
			*slot = v;
			break;
		}
		}
	}
	return (allowed & DP_DAYS) ? window(a, p) : 0;
}

const struct fsig_rule *dashapi_find_rule(const struct fsig_ruleset *rs, const char *id)
{
	for(uint32_t i = 0; rs && id && i < rs->nrules; i++) {
		if(strcmp(rs->rules[i].id, id) == 0)
			return &rs->rules[i];
	}
	return NULL;
}

/* title, action (the compiled rule's, else the recorded one) and
 * in_ruleset of a rule object whose "rule" key names it. */
static void add_rule_info(struct dashapi *a, json_t *o)
{
	const char *id = json_string_value(json_object_get(o, "rule"));
	const struct fsig_rule *r = dashapi_find_rule(a->rs, id);
	json_object_set_new(o, "title", r ? json_string(r->title) : json_null());
	if(r)
		json_object_set_new(o, "action", json_string(fsig_action_name(r->action)));
	json_object_set_new(o, "in_ruleset", json_boolean(r != NULL));
}

/* ---- the endpoints ---- */

/* Failed jobs some rule matched, by one property; name is the SQL of it. */
static json_t *top(struct dashapi *a, const struct dashapi_params *p, const char *what,
                   const char *name)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT %s AS name, count(DISTINCT j.id) AS count FROM jobs j"
	         " WHERE " WINDOW " AND j.status = 'failed'"
	         " AND EXISTS (SELECT 1 FROM matches m WHERE m.job_id = j.id)"
	         " GROUP BY 1 ORDER BY count DESC, name LIMIT ?3", name);
	return rows(a, what, sql, "ssi", p->from, p->end, (long long)p->limit);
}

static json_t *retry_counts(struct dashapi *a, const struct dashapi_params *p)
{
	json_t *by = rows(a, "counting retries",
	                  "SELECT r.state AS state, count(*) AS count FROM retries r"
	                  " JOIN jobs j ON j.id = r.job_id WHERE " WINDOW " GROUP BY r.state",
	                  "ss", p->from, p->end);
	if(!by)
		return NULL;
	json_t *states = json_object();
	long long total = 0;
	for(int s = RETRY_SCHEDULED; s <= RETRY_REFUSED; s++)
		json_object_set_new(states, retry_state_name(s), json_integer(0));
	size_t i;
	json_t *row;
	json_array_foreach(by, i, row) {
		long long n = json_integer_value(json_object_get(row, "count"));
		int s = (int)json_integer_value(json_object_get(row, "state"));
		json_object_set_new(states, retry_state_name(s), json_integer(n));
		total += n;
	}
	json_decref(by);
	json_t *o = json_object();
	json_object_set_new(o, "decided", json_integer(total));
	json_object_set_new(o, "by_state", states);
	/* What became of the jobs GitLab retried: the new job's status, when
	 * the service has seen it finish. */
	bool ok = put(o, "after_retry",
	              row1(a, "following retried jobs",
	                   "SELECT count(*) AS retried,"
	                   " coalesce(sum(n.status = 'success'), 0) AS passed,"
	                   " coalesce(sum(n.status = 'failed'), 0) AS failed,"
	                   " coalesce(sum(n.id IS NOT NULL"
	                   "   AND n.status NOT IN ('success', 'failed')), 0) AS other,"
	                   " coalesce(sum(n.id IS NULL), 0) AS not_seen"
	                   " FROM retries r JOIN jobs j ON j.id = r.job_id"
	                   " LEFT JOIN jobs n ON n.id = r.new_job_id"
	                   " WHERE " WINDOW " AND r.state = ?3", "ssi", p->from, p->end,
	                   (long long)RETRY_DONE));
	return all_put(o, ok);
}

json_t *dashapi_summary(struct dashapi *a, const struct dashapi_params *p)
{
	json_t *o = json_object();
	put_window(o, p);
	json_t *t = json_object();
	json_object_set_new(o, "top", t);
	bool ok =
		put(o, "jobs",
		    row1(a, "counting jobs",
		         "SELECT count(*) AS scanned,"
		         " coalesce(sum(j.status = 'failed'), 0) AS failed,"
		         " coalesce(sum(j.status = 'success'), 0) AS passed,"
		         " coalesce(sum(j.status NOT IN ('failed', 'success')), 0) AS other,"
		         " coalesce(sum(j.status = 'failed' AND m.job_id IS NOT NULL), 0) AS failed_matched,"
		         " coalesce(sum(j.status = 'failed' AND m.job_id IS NULL), 0) AS failed_unmatched,"
		         " coalesce(sum(j.status <> 'failed' AND m.job_id IS NOT NULL), 0) AS passed_matched"
		         " FROM jobs j LEFT JOIN (SELECT DISTINCT job_id FROM matches) m ON m.job_id = j.id"
		         " WHERE " WINDOW, "ss", p->from, p->end)) &&
		put(t, "rules",
		    rows(a, "counting rules",
		         "SELECT m.rule AS name, count(*) AS count FROM matches m"
		         " JOIN jobs j ON j.id = m.job_id WHERE " WINDOW " AND j.status = 'failed'"
		         " GROUP BY m.rule ORDER BY count DESC, name LIMIT ?3",
		         "ssi", p->from, p->end, (long long)p->limit)) &&
		put(t, "jobs", top(a, p, "counting job names", "j.name")) &&
		put(t, "runners", top(a, p, "counting runners", "j.runner")) &&
		put(t, "projects", top(a, p, "counting projects", "j.project")) &&
		put(t, "tags",
		    rows(a, "counting runner tags",
		         "SELECT t.value AS name, count(DISTINCT j.id) AS count FROM jobs j,"
		         " json_each(CASE WHEN json_valid(j.runner_tags) THEN j.runner_tags ELSE '[]' END) t"
		         " WHERE " WINDOW " AND j.status = 'failed' AND t.type = 'text'"
		         " AND EXISTS (SELECT 1 FROM matches m WHERE m.job_id = j.id)"
		         " GROUP BY t.value ORDER BY count DESC, name LIMIT ?3",
		         "ssi", p->from, p->end, (long long)p->limit)) &&
		put(o, "retries", retry_counts(a, p));
	return all_put(o, ok);
}

/* "YYYY-MM-DD" days from `from` to `to`, both included. */
static json_t *day_list(const char *from, const char *to)
{
	json_t *days = json_array();
	struct tm tm = { 0 };
	if(sscanf(from, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return days;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 12;
	time_t t = timegm(&tm);
	for(int i = 0; i <= DASHAPI_DAYS_MAX; i++) {
		struct tm d;
		char buf[16];
		time_t ti = t + (time_t)i * 86400;
		gmtime_r(&ti, &d);
		strftime(buf, sizeof buf, "%Y-%m-%d", &d);
		json_array_append_new(days, json_string(buf));
		if(strcmp(buf, to) >= 0)
			break;
	}
	return days;
}

static int by_total(const void *x, const void *y)
{
	json_t *const *a = x;
	json_t *const *b = y;
	long long ta = json_integer_value(json_object_get(*a, "total"));
	long long tb = json_integer_value(json_object_get(*b, "total"));
	if(ta != tb)
		return ta > tb ? -1 : 1;
	return strcmp(json_string_value(json_object_get(*a, "rule")),
	              json_string_value(json_object_get(*b, "rule")));
}

json_t *dashapi_daily(struct dashapi *a, const struct dashapi_params *p)
{
	json_t *r = rows(a, "counting matches per day",
	                 "SELECT substr(j.finished_at, 1, 10) AS day, m.rule AS rule, count(*) AS count"
	                 " FROM matches m JOIN jobs j ON j.id = m.job_id"
	                 " WHERE " WINDOW " AND j.status = 'failed' AND (?3 IS NULL OR m.rule = ?3)"
	                 " GROUP BY day, m.rule",
	                 "sss", p->from, p->end, p->rule);
	if(!r)
		return NULL;
	json_t *days = day_list(p->from, p->to);
	size_t ndays = json_array_size(days);
	/* One series per rule, zero-filled; the days' index by name. */
	json_t *series = json_object();
	json_t *index = json_object();
	for(size_t d = 0; d < ndays; d++)
		json_object_set_new(index, json_string_value(json_array_get(days, d)),
		                    json_integer((json_int_t)d));
	size_t i;
	json_t *row;
	json_array_foreach(r, i, row) {
		const char *rule = json_string_value(json_object_get(row, "rule"));
		json_t *di = json_object_get(index, json_string_value(json_object_get(row, "day")));
		if(!rule || !di)
			continue;
		json_t *s = json_object_get(series, rule);
		if(!s) {
			s = json_object();
			json_t *counts = json_array();
			for(size_t d = 0; d < ndays; d++)
				json_array_append_new(counts, json_integer(0));
			json_object_set_new(s, "rule", json_string(rule));
			json_object_set_new(s, "total", json_integer(0));
			json_object_set_new(s, "counts", counts);
			json_object_set_new(series, rule, s);
		}
		long long n = json_integer_value(json_object_get(row, "count"));
		json_array_set_new(json_object_get(s, "counts"), (size_t)json_integer_value(di),
		                   json_integer(n));
		json_object_set_new(s, "total",
		                    json_integer(json_integer_value(json_object_get(s, "total")) + n));
	}
	json_decref(r);
	json_decref(index);
	/* Biggest first; ties by name, so the order (and the colors) are stable. */
	size_t ns = json_object_size(series);
	json_t **v = xcalloc(ns ? ns : 1, sizeof *v);
	size_t k = 0;
	const char *key;
	json_t *s;
	json_object_foreach(series, key, s)
		v[k++] = s;
	qsort(v, ns, sizeof *v, by_total);
	json_t *list = json_array();
	for(k = 0; k < ns; k++)
		json_array_append(list, v[k]);
	free(v);
	json_decref(series);
	json_t *o = json_object();
	put_window(o, p);
	json_object_set_new(o, "dates", days);
	json_object_set_new(o, "rules", list);
	return o;
}

json_t *dashapi_rules(struct dashapi *a, const struct dashapi_params *p)
{
	json_t *r = rows(a, "counting rules",
	                 "SELECT m.rule AS rule, max(m.action) AS action," RULE_COUNTS
	                 " FROM matches m JOIN jobs j ON j.id = m.job_id WHERE " WINDOW
	                 " GROUP BY m.rule ORDER BY failed_jobs DESC, other_jobs DESC, rule",
	                 "ss", p->from, p->end);
	if(!r)
		return NULL;
	size_t i;
	json_t *row;
	json_array_foreach(r, i, row)
		add_rule_info(a, row);
	json_t *o = json_object();
	put_window(o, p);
	json_object_set_new(o, "rules", r);
	return o;
}

json_t *dashapi_rule(struct dashapi *a, const struct dashapi_params *p)
{
	json_t *o = row1(a, "reading a rule",
	                 "SELECT ?1 AS rule, max(m.action) AS action, count(*) AS matched_jobs,"
	                 RULE_COUNTS
	                 " FROM matches m JOIN jobs j ON j.id = m.job_id WHERE m.rule = ?1",
	                 "s", p->rule);
	if(!o)
		return NULL;
	const struct fsig_rule *r = dashapi_find_rule(a->rs, p->rule);
	if(!r && json_integer_value(json_object_get(o, "matched_jobs")) == 0) {
		json_decref(o);
		return dashapi_fail(a, 404, "not_found",
		                    "no rule '%.128s': not in the rule set, never matched", p->rule);
	}
	add_rule_info(a, o);
	json_t *tickets = json_array();
	for(uint32_t i = 0; r && i < r->ntickets; i++)
		json_array_append_new(tickets, json_string(r->tickets[i]));
	json_object_set_new(o, "tickets", tickets);
	json_object_set_new(o, "category", r && r->category ? json_string(r->category) : json_null());
	json_object_set_new(o, "disabled", r && r->disabled ? json_string(r->disabled) : json_null());
	put_window(o, p);
	bool ok =
		put(o, "runners",
		    rows(a, "counting a rule's runners",
		         "SELECT j.runner AS name, count(*) AS matched_jobs,"
		         " coalesce(sum(j.status = 'failed'), 0) AS failed_jobs"
		         " FROM matches m JOIN jobs j ON j.id = m.job_id"
		         " WHERE " WINDOW " AND m.rule = ?3"
		         " GROUP BY j.runner ORDER BY matched_jobs DESC, name LIMIT ?4",
		         "sssi", p->from, p->end, p->rule, (long long)p->limit)) &&
		put(o, "examples",
		    rows(a, "reading a rule's lines",
		         "SELECT m.excerpt AS line, count(*) AS jobs, max(m.job_id) AS job_id"
		         " FROM matches m WHERE m.rule = ?1 AND m.excerpt IS NOT NULL AND m.excerpt <> ''"
		         " GROUP BY m.excerpt ORDER BY jobs DESC, job_id DESC LIMIT 10",
		         "s", p->rule));
	return all_put(o, ok);
}

json_t *dashapi_jobs(struct dashapi *a, const struct dashapi_params *p)
{
	json_t *r = rows(a, "listing jobs",
	                 "SELECT j.id AS id, j.name AS name, j.status AS status, j.project AS project,"
	                 " j.runner AS runner, j.failure_reason AS failure_reason,"
	                 " j.finished_at AS finished_at, j.web_url AS web_url,"
	                 " (SELECT json_group_array(rule) FROM (SELECT rule FROM matches"
	                 "   WHERE job_id = j.id ORDER BY rule)) AS rules__json"
	                 " FROM jobs j"
	                 " WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM matches m"
	                 "   WHERE m.job_id = j.id AND m.rule = ?1))"
	                 " AND (?2 IS NULL OR j.status = ?2) AND (?3 IS NULL OR j.runner = ?3)"
	                 " AND (?4 IS NULL OR j.project = ?4)"
	                 " ORDER BY j.finished_at DESC, j.id DESC LIMIT ?5",
	                 "ssssi", p->rule, p->status, p->runner, p->project, (long long)p->limit);
	return object1("jobs", r);
}

json_t *dashapi_job(struct dashapi *a, long long id)
{
	json_t *job = row1(a, "reading a job",
	                   "SELECT id, project_id, project, name, stage, status, failure_reason,"
	                   " runner_id, runner, runner_tags AS runner_tags__json, pipeline_id, ref,"
	                   " mr_iid, created_at, started_at, finished_at, duration, web_url,"
	                   " trace_bytes, trace_truncated, ruleset,"
	                   " strftime('%Y-%m-%dT%H:%M:%SZ', scanned_at, 'unixepoch') AS scanned_at,"
	                   " (SELECT count(*) FROM log_lines WHERE job_id = ?1) AS log_lines"
	                   " FROM jobs WHERE id = ?1", "i", id);
	if(!job)
		return NULL;
	if(json_is_null(job)) {
		json_decref(job);
		return dashapi_fail(a, 404, "not_found", "no job %lld in the database", id);
	}
	json_t *o = json_object();
	json_object_set_new(o, "job", job);
	json_t *m = rows(a, "reading a job's matches",
	                 "SELECT rule, action, job_status, status_ok, first_line, hits, excerpt, ruleset,"
	                 " strftime('%Y-%m-%dT%H:%M:%SZ', matched_at, 'unixepoch') AS matched_at"
	                 " FROM matches WHERE job_id = ?1 ORDER BY first_line, rule", "i", id);
	if(!put(o, "matches", m))
		goto bad;
	size_t i;
	json_t *row;
	json_array_foreach(m, i, row) {
		add_rule_info(a, row);
		long long line = json_integer_value(json_object_get(row, "first_line"));
		json_t *ctx = line > 0 ? rows(a, "reading log lines",
		                              "SELECT line, section, text FROM log_lines"
		                              " WHERE job_id = ?1 AND line BETWEEN ?2 AND ?3 ORDER BY line",
		                              "iii", id, line - DASHAPI_CONTEXT, line + DASHAPI_CONTEXT)
		                       : json_array();
		if(!put(row, "context", ctx))
			goto bad;
	}
	/* The lineage: the job a chain of failsig retries started from, and
	 * every decision along it. */
	json_t *lin = row1(a, "reading a job's lineage",
	                   "SELECT coalesce((SELECT root_job_id FROM retries WHERE job_id = ?1),"
	                   " (SELECT root_job_id FROM retries WHERE new_job_id = ?1), ?1) AS root_job_id,"
	                   " (SELECT job_id FROM retries WHERE new_job_id = ?1) AS retry_of", "i", id);
	if(!put(o, "lineage", lin))
		goto bad;
	if(!put(lin, "retries",
	        rows(a, "reading a job's lineage",
	             "SELECT r.job_id AS job_id, j.name AS job_name, j.web_url AS web_url,"
	             " r.attempt AS attempt, r.rule AS rule, retry_state(r.state) AS state,"
	             " r.reason AS reason, r.new_job_id AS new_job_id, n.status AS new_job_status,"
	             " strftime('%Y-%m-%dT%H:%M:%SZ', r.created_at, 'unixepoch') AS decided_at"
	             " FROM retries r LEFT JOIN jobs j ON j.id = r.job_id"
	             " LEFT JOIN jobs n ON n.id = r.new_job_id"
	             " WHERE r.root_job_id = ?1 ORDER BY r.attempt, r.id",
	             "i", json_integer_value(json_object_get(lin, "root_job_id")))))
		goto bad;
	return o;
bad:
	json_decref(o);
	return NULL;
}

json_t *dashapi_retries(struct dashapi *a, const struct dashapi_params *p)
{
	json_t *r = rows(a, "listing retries",
	                 "SELECT r.id AS id, r.job_id AS job_id, j.name AS job_name,"
	                 " j.project AS project, j.runner AS runner, j.web_url AS web_url,"
	                 " r.rule AS rule, retry_state(r.state) AS state, r.reason AS reason,"
	                 " r.attempt AS attempt, r.root_job_id AS root_job_id,"
	                 " r.new_job_id AS new_job_id, n.status AS new_job_status,"
	                 " n.web_url AS new_job_web_url,"
	                 " strftime('%Y-%m-%dT%H:%M:%SZ', r.created_at, 'unixepoch') AS decided_at,"
	                 " strftime('%Y-%m-%dT%H:%M:%SZ', r.done_at, 'unixepoch') AS done_at"
	                 " FROM retries r LEFT JOIN jobs j ON j.id = r.job_id"
	                 " LEFT JOIN jobs n ON n.id = r.new_job_id"
	                 " WHERE (?1 < 0 OR r.state = ?1)"
	                 " ORDER BY r.created_at DESC, r.id DESC LIMIT ?2",
	                 "ii", (long long)p->state, (long long)p->limit);
	return object1("retries", r);
}

/* What GitLab's runner prints after the job's script: the last line
 * before these says why the job failed ("ERROR: Job failed: exit code 1"
 * never does). */
#define CLOSING_SECTIONS \
	"'after_script', 'cleanup_file_variables', 'upload_artifacts_on_failure'," \
	" 'upload_artifacts_on_success', 'archive_cache', 'archive_cache_on_failure'"

json_t *dashapi_unmatched(struct dashapi *a, const struct dashapi_params *p)
{
	json_t *r = rows(a, "listing unmatched failures",
	                 "SELECT j.id AS id, j.name AS name, j.project AS project, j.runner AS runner,"
	                 " j.failure_reason AS failure_reason, j.finished_at AS finished_at,"
	                 " j.web_url AS web_url, l.line AS last_line_no, l.text AS last_line"
	                 " FROM jobs j LEFT JOIN log_lines l ON l.id = coalesce("
	                 "  (SELECT id FROM log_lines WHERE job_id = j.id AND trim(text) <> ''"
	                 "   AND coalesce(section, '') NOT IN (" CLOSING_SECTIONS ")"
	                 "   AND text NOT LIKE 'ERROR: Job failed%'"
	                 "   ORDER BY line DESC LIMIT 1),"
	                 "  (SELECT id FROM log_lines WHERE job_id = j.id AND trim(text) <> ''"
	                 "   ORDER BY line DESC LIMIT 1))"
	                 " WHERE j.status = 'failed'"
	                 " AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.job_id = j.id)"
	                 " ORDER BY j.finished_at DESC, j.id DESC LIMIT ?1",
	                 "i", (long long)p->limit);
	return object1("jobs", r);
}

/* Byte ranges of text that highlight() wrapped in \1 ... \2 in marked:
 * [[start, end], ...]. Walks both strings together; a marker byte that the
 * text itself holds is taken as text first, so the worst a hostile line
 * gets is a wrong highlight. */
static json_t *marks(const char *text, const char *marked)
{
	json_t *m = json_array();
	size_t i = 0;
	long long start = -1;
	for(const char *k = marked; k && *k; k++) {
		if(text[i] && *k == text[i]) {
			i++;
		} else if(*k == '\1') {
			start = (long long)i;
		} else if(*k == '\2' && start >= 0) {
			json_array_append_new(m, json_pack("[II]", (json_int_t)start, (json_int_t)i));
			start = -1;
		}
	}
	return m;
}

json_t *dashapi_search(struct dashapi *a, const struct dashapi_params *p)
{
	if(!p->q)
		return dashapi_fail(a, 400, "bad_parameter", "q (the search query) is required");
	json_t *total = row1(a, "searching the logs",
	                     "SELECT count(*) AS n FROM log_fts WHERE log_fts MATCH ?1", "s", p->q);
	json_t *r = total ? rows(a, "searching the logs",
	                         "SELECT l.job_id AS job_id, l.line AS line, l.text AS text,"
	                         " highlight(log_fts, 0, char(1), char(2)) AS marked,"
	                         " j.name AS name, j.status AS status, j.project AS project,"
	                         " j.runner AS runner, j.finished_at AS finished_at, j.web_url AS web_url"
	                         " FROM log_fts JOIN log_lines l ON l.id = log_fts.rowid"
	                         " LEFT JOIN jobs j ON j.id = l.job_id"
	                         " WHERE log_fts MATCH ?1"
	                         " ORDER BY j.finished_at DESC, l.job_id DESC, l.line LIMIT ?2",
	                         "si", p->q, (long long)p->limit)
	                      : NULL;
	if(!r) {
		json_decref(total);
		/* The statements are fixed; an error that is not a timeout or a
		 * busy database comes from the query text: fts5's own message. */
		if(a->status == 500) {
			char why[sizeof a->message];
			memcpy(why, a->message, sizeof why);
			const char *colon = strstr(why, ": ");
			dashapi_fail(a, 400, "bad_query",
			             "the search query is not valid FTS5 syntax (%.300s); quote words "
			             "with punctuation, as in \"exit code\" or \"ld.gold\"",
			             colon ? colon + 2 : why);
		}
		return NULL;
	}
	json_t *jobs = json_array();
	json_t *cur = NULL;
	size_t i;
	json_t *row;
	json_array_foreach(r, i, row) {
		json_t *id = json_object_get(row, "job_id");
		if(!cur || !json_equal(json_object_get(cur, "id"), id)) {
			cur = json_object();
			json_object_set(cur, "id", id);
			static const char *const keys[] = { "name", "status", "project", "runner",
			                                    "finished_at", "web_url" };
			for(size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
				json_object_set(cur, keys[k], json_object_get(row, keys[k]));
			json_object_set_new(cur, "lines", json_array());
			json_array_append_new(jobs, cur);
		}
		json_t *line = json_object();
		json_object_set(line, "line", json_object_get(row, "line"));
		json_object_set(line, "text", json_object_get(row, "text"));
		json_object_set_new(line, "marks",
		                    marks(json_string_value(json_object_get(row, "text")),
		                          json_string_value(json_object_get(row, "marked"))));
		json_array_append_new(json_object_get(cur, "lines"), line);
	}
	json_t *o = json_object();
	json_object_set_new(o, "q", json_string(p->q));
	json_object_set(o, "total_lines", json_object_get(total, "n"));
	json_object_set_new(o, "shown_lines", json_integer((json_int_t)json_array_size(r)));
	json_object_set_new(o, "jobs", jobs);
	json_decref(r);
	json_decref(total);
	return o;
}
