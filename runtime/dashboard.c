/* dashboard.c — routes of the dashboard, its database connections and its
 * answers (dashboard.h). */
#include "dashboard.h"

#include <microhttpd.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashapi.h"
#include "dashpage.h"
#include "dynbuf.h"
#include "store.h"
#include "text.h"
#include "dynlib.h"
#include "xalloc.h"

enum { PAGE_CAP = 64 << 20 };   /* pages and answers: limits keep them far below */

struct dashboard {
	char *db_path;
	const struct fsig_ruleset *rs;
};

struct dashboard *dashboard_new(const char *db_path, const struct fsig_ruleset *rs)
{
	struct dashboard *d = xcalloc(1, sizeof *d);
	d->db_path = xstrdup(db_path);
	d->rs = rs;
	return d;
}

void dashboard_free(struct dashboard *d)
{
	if(!d)
		return;
	free(d->db_path);
	free(d);
}

static sqlite3 *open_db(const struct dashboard *d, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	if(sqlite3_open_v2(d->db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	   SQLITE_OK) {
		snprintf(err, errlen, "cannot open database '%s': %s", d->db_path,
		         db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

int dashboard_check(const struct dashboard *d, char *err, size_t errlen)
{
	sqlite3 *db = open_db(d, err, errlen);
	if(!db)
		return -1;
	sqlite3_busy_timeout(db, 5000);
	sqlite3_stmt *s = NULL;
	int v = -1;
	int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
	if(rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	int ret = -1;
	if(v < 0)
		snprintf(err, errlen, "database '%s': %s", d->db_path, sqlite3_errmsg(db));
	else if(v == 0)
		snprintf(err, errlen, "'%s' is not a failsig database (run failsig serve on it first)",
		         d->db_path);
	else if(v < 2)
		snprintf(err, errlen, "database '%s' has schema version %d, older than the "
		         "dashboard needs (2): start failsig serve on it once to migrate it",
		         d->db_path, v);
	else if(v > STORE_SCHEMA_VERSION)
		snprintf(err, errlen, "database '%s' has schema version %d, newer than this "
		         "failsig (%d)", d->db_path, v, STORE_SCHEMA_VERSION);
	else
		ret = 0;
	sqlite3_close(db);
	return ret;
}

/* ---- answers ---- */

static int respond(struct MHD_Connection *conn, unsigned status, bool html, struct dynbuf *body)
{
	size_t len;
	char *text = dynbuf_take(body, &len);
	struct MHD_Response *r = dyn_mhd.create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if(!r) {
		free(text);
		return 0;
	}
	dyn_mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        html ? "text/html; charset=utf-8" : "application/json");
	dyn_mhd.add_response_header(r, "Cache-Control", "no-store");
	dyn_mhd.add_response_header(r, "X-Content-Type-Options", "nosniff");
	dyn_mhd.add_response_header(r, "Referrer-Policy", "no-referrer");
	/* Defence in depth behind the escaping: no script runs, nothing is
	 * loaded from elsewhere, the page is never framed. */
	dyn_mhd.add_response_header(r, "Content-Security-Policy",
	                        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
	                        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
	enum MHD_Result rc = dyn_mhd.queue_response(conn, status, r);
	dyn_mhd.destroy_response(r);
	return rc == MHD_YES;
}

static int respond_json(struct MHD_Connection *conn, unsigned status, json_t *v)
{
	struct dynbuf b;
	dynbuf_init(&b, PAGE_CAP);
	char *text = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(12));
	dynbuf_adds(&b, text ? text : "null");
	dynbuf_adds(&b, "\n");
	free(text);
	int rc = respond(conn, status, false, &b);
	dynbuf_free(&b);
	return rc;
}

/* {"error":"code","message":"..."} (STYLE 9.2 rule 14). */
static int respond_error(struct MHD_Connection *conn, unsigned status, const char *code,
                         const char *message)
{
	struct dynbuf m;
	dynbuf_init(&m, 4096);
	text_utf8(&m, message, strlen(message));   /* it may quote a parameter */
	json_t *o = json_pack("{s:s, s:s}", "error", code, "message", m.ptr);
	dynbuf_free(&m);
	int rc = respond_json(conn, status, o);
	json_decref(o);
	return rc;
}

/* ---- routes ---- */

enum route_kind {
	R_OVERVIEW, R_SEARCH, R_RULE, R_JOB,
	R_API_INDEX, R_API_SUMMARY, R_API_DAILY, R_API_RULES, R_API_RULE, R_API_RULE_DAILY,
	R_API_JOBS, R_API_JOB, R_API_RETRIES, R_API_UNMATCHED, R_API_SEARCH, R_HEALTHZ,
};

/* A path with an optional id part: "/rule/" + ID, "/api/rules/" + ID +
 * "/daily". ID is the rest of the path up to suffix, not empty (the server
 * has decoded it: "%2F" is a '/' of the id, which rule ids cannot hold but
 * the database might). */
static const struct route {
	const char *path;       /* the whole path, or the part before the id */
	const char *suffix;     /* after the id; NULL: the path has no id */
	enum route_kind kind;
	unsigned params;        /* enum dashapi_param */
	int limit;              /* default ?limit= */
	const char *doc;        /* for the /api index */
} routes[] = {
	{ "/", NULL, R_OVERVIEW, DP_DAYS, 0, NULL },
	{ "/search", NULL, R_SEARCH, DP_Q | DP_LIMIT, 100, NULL },
	{ "/rule/", "", R_RULE, DP_DAYS | DP_LIMIT, 50, NULL },
	{ "/job/", "", R_JOB, 0, 0, NULL },
	{ "/healthz", NULL, R_HEALTHZ, 0, 0, NULL },
	{ "/api", NULL, R_API_INDEX, 0, 0, NULL },
	{ "/api/", NULL, R_API_INDEX, 0, 0, NULL },
	{ "/api/summary", NULL, R_API_SUMMARY, DP_DAYS | DP_LIMIT, 10, "/api/summary?days=&limit=" },
	{ "/api/daily", NULL, R_API_DAILY, DP_DAYS | DP_RULE, 0, "/api/daily?days=&rule=" },
	{ "/api/rules", NULL, R_API_RULES, DP_DAYS, 0, "/api/rules?days=" },
	{ "/api/rules/", "/daily", R_API_RULE_DAILY, DP_DAYS, 0, "/api/rules/ID/daily?days=" },
	{ "/api/rules/", "", R_API_RULE, DP_DAYS | DP_LIMIT, 10, "/api/rules/ID?days=&limit=" },
	{ "/api/jobs", NULL, R_API_JOBS, DP_RULE | DP_STATUS | DP_RUNNER | DP_PROJECT | DP_LIMIT, 50,
	  "/api/jobs?rule=&status=&runner=&project=&limit=" },
	{ "/api/jobs/", "", R_API_JOB, 0, 0, "/api/jobs/ID" },
	{ "/api/retries", NULL, R_API_RETRIES, DP_STATE | DP_LIMIT, 50, "/api/retries?state=&limit=" },
	{ "/api/unmatched", NULL, R_API_UNMATCHED, DP_LIMIT, 50, "/api/unmatched?limit=" },
	{ "/api/search", NULL, R_API_SEARCH, DP_Q | DP_LIMIT, 100, "/api/search?q=&limit=" },
};
enum { NROUTES = sizeof routes / sizeof routes[0] };

/* The route of url; *id gets the id part (a copy the caller frees) of a
 * route that has one. */
static const struct route *find_route(const char *url, char **id)
{
	*id = NULL;
	for(size_t i = 0; i < NROUTES; i++) {
		const struct route *r = &routes[i];
		size_t pl = strlen(r->path);
		if(!r->suffix) {
			if(strcmp(url, r->path) == 0)
				return r;
			continue;
		}
		size_t ul = strlen(url);
		size_t sl = strlen(r->suffix);
		if(ul <= pl + sl || strncmp(url, r->path, pl) != 0 ||
		   strcmp(url + ul - sl, r->suffix) != 0)
			continue;
		*id = xstrndup(url + pl, ul - pl - sl);
		return r;
	}
	return NULL;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	struct dashapi_args *args = cls;
	if(args->n == DASHAPI_MAX_ARGS) {
		args->overflow = true;
		return MHD_NO;
	}
	args->key[args->n] = key;
	args->value[args->n] = value;
	args->n++;
	return MHD_YES;
}

/* A job id: a positive decimal number; -1 otherwise. */
static long long parse_id(const char *s)
{
	long long v = 0;
	if(!*s || strlen(s) > 15)
		return -1;
	for(; *s; s++) {
		if(*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > 0 ? v : -1;
}

static json_t *api_index(void)
{
	json_t *list = json_array();
	for(size_t i = 0; i < NROUTES; i++) {
		if(routes[i].doc)
			json_array_append_new(list, json_string(routes[i].doc));
	}
	return json_pack("{s:o, s:s}", "endpoints", list, "documentation", "docs/dashboard.md");
}

static json_t *healthz(struct dashapi *a)
{
	json_t *r = a->db ? json_object() : NULL;
	sqlite3_stmt *s = NULL;
	if(sqlite3_prepare_v2(a->db, "SELECT count(*) FROM jobs", -1, &s, NULL) != SQLITE_OK ||
	   sqlite3_step(s) != SQLITE_ROW) {
		json_decref(r);
		r = dashapi_fail(a, 503, "unavailable", "database not answering: %s",
		                 sqlite3_errmsg(a->db));
	} else {
		json_object_set_new(r, "status", json_string("ok"));
		json_object_set_new(r, "jobs", json_integer(sqlite3_column_int64(s, 0)));
	}
	sqlite3_finalize(s);
	return r;
}

/* The JSON of an API route; NULL with a->status set on failure. */
static json_t *api(struct dashapi *a, const struct route *r, const struct dashapi_params *p,
                   long long id)
{
	switch(r->kind) {
	case R_API_INDEX: return api_index();
	case R_API_SUMMARY: return dashapi_summary(a, p);
	case R_API_DAILY: return dashapi_daily(a, p);
	case R_API_RULES: return dashapi_rules(a, p);
	case R_API_RULE: return dashapi_rule(a, p);
	case R_API_RULE_DAILY: {
		json_t *d = dashapi_daily(a, p);
		if(!d)
			return NULL;
		/* One rule: its series alone, zero-filled when it never matched. */
		json_t *series = json_array_get(json_object_get(d, "rules"), 0);
		json_t *o = json_object();
		json_object_set_new(o, "rule", json_string(p->rule));
		json_object_set(o, "from", json_object_get(d, "from"));
		json_object_set(o, "to", json_object_get(d, "to"));
		json_object_set(o, "days", json_object_get(d, "days"));
		json_object_set(o, "dates", json_object_get(d, "dates"));
		json_t *counts = json_object_get(series, "counts");
		if(!counts) {
			counts = json_array();
			for(size_t i = 0; i < json_array_size(json_object_get(d, "dates")); i++)
				json_array_append_new(counts, json_integer(0));
			json_object_set_new(o, "counts", counts);
		} else {
			json_object_set(o, "counts", counts);
		}
		json_t *total = json_object_get(series, "total");
		json_object_set_new(o, "total", json_integer(total ? json_integer_value(total) : 0));
		json_decref(d);
		return o;
	}
	case R_API_JOBS: return dashapi_jobs(a, p);
	case R_API_JOB: return dashapi_job(a, id);
	case R_API_RETRIES: return dashapi_retries(a, p);
	case R_API_UNMATCHED: return dashapi_unmatched(a, p);
	case R_API_SEARCH: return dashapi_search(a, p);
	case R_HEALTHZ: return healthz(a);
	default: return NULL;
	}
}

static bool is_api(enum route_kind k)
{
	return k >= R_API_INDEX;
}

int dashboard_page(void *cls, struct MHD_Connection *conn, const char *url)
{
	const struct dashboard *d = cls;
	char *id_text = NULL;
	const struct route *r = find_route(url, &id_text);
	struct dynbuf page;
	dynbuf_init(&page, PAGE_CAP);
	sqlite3 *db = NULL;
	long long deadline = 0;
	int rc;
	struct dashapi a = { .rs = d->rs };
	bool json = r ? is_api(r->kind) : strncmp(url, "/api/", 5) == 0;
	unsigned status = 200;
	long long id = 0;

	if(!r) {
		dashapi_fail(&a, 404, "not_found", "no such page");
		goto fail;
	}
	/* The id part: a rule id (any text fit for a filter) or a job number. */
	if(id_text && (r->kind == R_JOB || r->kind == R_API_JOB)) {
		if((id = parse_id(id_text)) < 0) {
			dashapi_fail(&a, 400, "bad_parameter", "a job id is a positive number, not '%.64s'",
			             id_text);
			goto fail;
		}
	} else if(id_text && !dashapi_text_ok(id_text, DASHAPI_TEXT_MAX)) {
		dashapi_fail(&a, 404, "not_found", "no such rule");
		goto fail;
	}
	char err[512];
	if(r->kind != R_API_INDEX) {
		db = open_db(d, err, sizeof err);
		if(!db) {
			dashapi_fail(&a, 503, "unavailable", "%s", err);
			goto fail;
		}
		dashapi_prepare(db, &deadline);
		a.db = db;
	}
	struct dashapi_args args = { 0 };
	dyn_mhd.get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &args);
	struct dashapi_params p;
	if(dashapi_parse(&a, &args, r->params, r->limit, &p) < 0)
		goto fail;
	if(id_text && r->kind != R_JOB && r->kind != R_API_JOB)
		p.rule = id_text;

	if(json) {
		json_t *v = api(&a, r, &p, id);
		if(!v)
			goto fail;
		rc = respond_json(conn, 200, v);
		json_decref(v);
		goto out;
	}
	switch(r->kind) {
	case R_OVERVIEW: status = dashpage_overview(&a, &p, &page); break;
	case R_SEARCH: status = dashpage_search(&a, &p, &page); break;
	case R_RULE: status = dashpage_rule(&a, &p, &page); break;
	case R_JOB: status = dashpage_job(&a, id, &page); break;
	default: status = 404; dashpage_error(&page, d->rs, 404, "no such page"); break;
	}
	rc = respond(conn, status, true, &page);
	goto out;
fail:
	if(json) {
		rc = respond_error(conn, a.status, a.error, a.message);
	} else {
		dashpage_error(&page, d->rs, a.status, a.message);
		rc = respond(conn, a.status, true, &page);
	}
out:
	sqlite3_close(db);
	dynbuf_free(&page);
	free(id_text);
	return rc;
}
