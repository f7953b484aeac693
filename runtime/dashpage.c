/* dashpage.c — the dashboard's HTML pages (dashpage.h). */
#include "dashpage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "svg.h"
#include "webesc.h"
#include "xalloc.h"

enum {
	CHART_SERIES = 10,   /* rules drawn in the overview chart; more: top 9 + "other rules" */
	OVERVIEW_LIST = 15,  /* rows of the overview's decision and unmatched tables */
	TOP_N = 10,          /* rows of its top tables */
};

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;"
	"color:#1f2328;background:#f6f7f9}"
	"header{background:#24292f;color:#fff;padding:8px 20px;display:flex;gap:18px;"
	"align-items:center;flex-wrap:wrap}"
	"header a{color:#fff;text-decoration:none;font-weight:600}"
	"header form{margin-left:auto;display:flex;gap:6px}"
	"header input{width:22em;padding:3px 6px}"
	"header .rs{color:#aab;font-size:12px}"
	"main{padding:12px 20px;max-width:1400px}"
	"h1{font-size:20px;margin:6px 0 10px}h2{font-size:15px;margin:0 0 8px}"
	"h3{font-size:14px;margin:10px 0 4px}"
	"section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;"
	"margin:0 0 14px;overflow-x:auto}"
	".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(250px,1fr));gap:14px;"
	"margin-bottom:14px}.grid section{margin:0}"
	"table{border-collapse:collapse;width:100%}"
	"th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}"
	"td.nw{white-space:nowrap}"
	"th{font-weight:600;color:#57606a;background:#f6f8fa}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	".cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:14px}"
	".card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:6px 14px;"
	"min-width:120px}.card b{display:block;font-size:22px}"
	".chart{width:100%;max-width:960px;height:auto}"
	"code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}"
	"pre{background:#f6f8fa;padding:6px 8px;margin:4px 0;white-space:pre-wrap;"
	"overflow-wrap:anywhere}"
	"pre .hit{background:#fff1b8;display:block}mark{background:#ffd33d}"
	".ln{color:#8c959f;display:inline-block;min-width:4.5em}"
	".muted{color:#6e7781}.range a{margin-right:8px}.range b{margin-right:8px}"
	".s-done,.s-success{color:#1a7f37}.s-failed,.s-refused{color:#cf222e}"
	".s-dry-run,.s-unknown{color:#9a6700}"
	".error{border-color:#cf222e;background:#fff8f8}"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}"
	"dt{color:#57606a}dd{margin:0}";

/* ---- values ---- */

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static long long jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static bool jhas(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return v && !json_is_null(v);
}

static void esc(struct dynbuf *b, const char *s)
{
	webesc_html(b, s);
}

/* s, or a muted dash when it is NULL. */
static void text_or_dash(struct dynbuf *b, const char *s)
{
	if(s && *s)
		esc(b, s);
	else
		dynbuf_adds(b, "<span class=\"muted\">\xe2\x80\x94</span>");
}

/* A JSON value as cell text: strings escaped, numbers as numbers. */
static void value(struct dynbuf *b, const json_t *v)
{
	if(json_is_string(v))
		text_or_dash(b, json_string_value(v));
	else if(json_is_integer(v))
		dynbuf_printf(b, "%lld", (long long)json_integer_value(v));
	else if(json_is_real(v))
		dynbuf_printf(b, "%.1f", json_real_value(v));
	else if(json_is_true(v))
		dynbuf_adds(b, "yes");
	else if(json_is_false(v))
		dynbuf_adds(b, "no");
	else
		text_or_dash(b, NULL);
}

/* "2026-11-19T12:00:00.000Z" shown as "2026-11-19 12:00". */
static void when(struct dynbuf *b, const char *iso)
{
	if(iso && strlen(iso) >= 16 && iso[10] == 'T') {
		webesc_htmln(b, iso, 10);
		dynbuf_adds(b, " ");
		webesc_htmln(b, iso + 11, 5);
	} else {
		text_or_dash(b, iso);
	}
}

/* Only http(s) URLs become links: a job's web_url comes from the API, a
 * ticket from a rule file; "javascript:" must never reach an href. */
static bool web_url(const char *u)
{
	return u && (strncasecmp(u, "https://", 8) == 0 || strncasecmp(u, "http://", 7) == 0);
}

static void ext_link(struct dynbuf *b, const char *url, const char *text)
{
	if(!web_url(url)) {
		text_or_dash(b, NULL);
		return;
	}
	dynbuf_adds(b, "<a class=\"ext\" rel=\"noopener noreferrer\" href=\"");
	esc(b, url);
	dynbuf_adds(b, "\">");
	esc(b, text);
	dynbuf_adds(b, "</a>");
}

static void job_link(struct dynbuf *b, const json_t *id)
{
	if(!json_is_integer(id)) {
		text_or_dash(b, NULL);
		return;
	}
	long long n = (long long)json_integer_value(id);
	dynbuf_printf(b, "<a href=\"/job/%lld\">%lld</a>", n, n);
}

static void rule_href(struct dynbuf *b, const char *rule)
{
	dynbuf_adds(b, "/rule/");
	webesc_url(b, rule);
}

static void rule_link(struct dynbuf *b, const char *rule)
{
	if(!rule) {
		text_or_dash(b, NULL);
		return;
	}
	dynbuf_adds(b, "<a class=\"rule\" href=\"");
	rule_href(b, rule);
	dynbuf_adds(b, "\">");
	esc(b, rule);
	dynbuf_adds(b, "</a>");
}

static void state(struct dynbuf *b, const char *s)
{
	dynbuf_adds(b, "<span class=\"s-");
	esc(b, s ? s : "none");
	dynbuf_adds(b, "\">");
	text_or_dash(b, s);
	dynbuf_adds(b, "</span>");
}

/* A job's id, linked to its page, and a link to it on GitLab. */
static void job_links(struct dynbuf *b, const json_t *id, const char *web_url)
{
	job_link(b, id);
	dynbuf_adds(b, " ");
	ext_link(b, web_url, "GitLab");
}

/* The job a retry created, with its status; a dash before there is one. */
static void new_job(struct dynbuf *b, const json_t *retry)
{
	job_link(b, json_object_get(retry, "new_job_id"));
	if(jhas(retry, "new_job_id")) {
		dynbuf_adds(b, " ");
		state(b, jstr(retry, "new_job_status") ? jstr(retry, "new_job_status") : "not seen");
	}
}

/* A job's row up to its name cell, and the next cell opened. */
static void job_row(struct dynbuf *b, const json_t *job)
{
	dynbuf_adds(b, "<tr><td class=\"nw\">");
	job_links(b, json_object_get(job, "id"), jstr(job, "web_url"));
	dynbuf_adds(b, "</td><td>");
	text_or_dash(b, jstr(job, "name"));
	dynbuf_adds(b, "</td><td>");
}

/* The cells "project | runner | finished" of a job's row, without the
 * outer <td> and </td>. */
static void where_cells(struct dynbuf *b, const json_t *job)
{
	text_or_dash(b, jstr(job, "project"));
	dynbuf_adds(b, "</td><td>");
	text_or_dash(b, jstr(job, "runner"));
	dynbuf_adds(b, "</td><td class=\"nw\">");
	when(b, jstr(job, "finished_at"));
}

/* ---- page frame ---- */

static void head(struct dynbuf *b, const struct fsig_ruleset *rs, const char *title,
                 const char *q)
{
	dynbuf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	               "<title>");
	esc(b, title);
	dynbuf_adds(b, " \xe2\x80\x94 failsig</title><style>");
	dynbuf_adds(b, css);
	dynbuf_adds(b, "</style></head>\n<body><header><a href=\"/\">failsig</a>"
	               "<a href=\"/\">overview</a>");
	if(rs)
		dynbuf_printf(b, "<span class=\"rs\">rule set %s, %u rules</span>", rs->hash, rs->nrules);
	dynbuf_adds(b, "<form action=\"/search\" method=\"get\" role=\"search\">"
	               "<input type=\"search\" name=\"q\" placeholder=\"search the logs\" value=\"");
	esc(b, q);
	dynbuf_adds(b, "\" aria-label=\"search the logs\"><button type=\"submit\">Search</button>"
	               "</form></header>\n<main>\n");
}

static void foot(struct dynbuf *b)
{
	dynbuf_adds(b, "</main></body></html>\n");
}

static const char *reason(unsigned status)
{
	switch(status) {
	case 400: return "Bad request";
	case 404: return "Not found";
	case 503: return "Unavailable";
	default: return "Error";
	}
}

void dashpage_error(struct dynbuf *out, const struct fsig_ruleset *rs, unsigned status,
                    const char *message)
{
	dynbuf_reset(out);
	head(out, rs, reason(status), NULL);
	dynbuf_printf(out, "<section class=\"error\"><h1>%u %s</h1><p>", status, reason(status));
	esc(out, message);
	dynbuf_adds(out, "</p><p><a href=\"/\">Back to the overview</a></p></section>\n");
	foot(out);
}

static unsigned failed(struct dashapi *a, struct dynbuf *out)
{
	dashpage_error(out, a->rs, a->status ? a->status : 500, a->message);
	return a->status ? a->status : 500;
}

/* Links to the same page over other windows; the period shown is in bold,
 * in order among them (?days= takes any number). path is already escaped. */
static void range_links(struct dynbuf *b, const char *path, int days)
{
	static const int choices[] = { 7, 14, 30, 90, 365 };
	enum { NCHOICES = sizeof choices / sizeof choices[0] };
	bool shown = false;
	dynbuf_adds(b, "<p class=\"range\">Period: ");
	for(size_t i = 0; i <= NCHOICES; i++) {
		if(!shown && (i == NCHOICES || choices[i] >= days)) {
			dynbuf_printf(b, "<b>%d day%s</b>", days, days == 1 ? "" : "s");
			shown = true;
		}
		if(i < NCHOICES && choices[i] != days)
			dynbuf_printf(b, "<a href=\"%s?days=%d\">%d days</a>", path, choices[i], choices[i]);
	}
	dynbuf_adds(b, "</p>\n");
}

/* ---- tables ---- */

/* A two-column table "name | count" of a top list; link: rule links. */
static void top_table(struct dynbuf *b, const char *title, const char *what, const json_t *rows,
                      bool link)
{
	dynbuf_adds(b, "<section><h2>");
	esc(b, title);
	dynbuf_adds(b, "</h2><table class=\"top\"><tr><th>");
	esc(b, what);
	dynbuf_adds(b, "</th><th class=\"n\">failed jobs</th></tr>\n");
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		dynbuf_adds(b, "<tr><td>");
		if(link)
			rule_link(b, jstr(r, "name"));
		else
			value(b, json_object_get(r, "name"));
		dynbuf_printf(b, "</td><td class=\"n\">%lld</td></tr>\n", jint(r, "count"));
	}
	if(!json_array_size(rows))
		dynbuf_adds(b, "<tr><td colspan=\"2\" class=\"muted\">none in this period</td></tr>\n");
	dynbuf_adds(b, "</table></section>\n");
}

static void card(struct dynbuf *b, const char *label, long long n, const char *cls)
{
	dynbuf_printf(b, "<div class=\"card %s\"><b>%lld</b>", cls, n);
	esc(b, label);
	dynbuf_adds(b, "</div>");
}

/* The stacked chart of a dashapi_daily answer: the first max_series - 1
 * rules, the rest summed as "other rules" (when there are more than
 * max_series). */
static void daily_chart(struct dynbuf *b, const json_t *daily, size_t max_series,
                        const char *title)
{
	const json_t *dates = json_object_get(daily, "dates");
	const json_t *rules = json_object_get(daily, "rules");
	size_t nx = json_array_size(dates);
	size_t nr = json_array_size(rules);
	size_t ns = nr <= max_series ? nr : max_series;
	const char **labels = xcalloc(nx ? nx : 1, sizeof *labels);
	const char **names = xcalloc(ns ? ns : 1, sizeof *names);
	const char **colors = xcalloc(ns ? ns : 1, sizeof *colors);
	char **hrefs = xcalloc(ns ? ns : 1, sizeof *hrefs);
	long long *values = xcalloc(nx * ns + 1, sizeof *values);
	for(size_t x = 0; x < nx; x++)
		labels[x] = json_string_value(json_array_get(dates, x));
	for(size_t r = 0; r < nr; r++) {
		const json_t *s = json_array_get(rules, r);
		size_t si = r < ns ? r : ns - 1;   /* past the last series: "other rules" */
		bool other = nr > ns && si == ns - 1;
		if(r == si) {
			names[si] = other ? "other rules" : jstr(s, "rule");
			colors[si] = other ? "#bab0ac" : svg_color(si);
			if(!other) {
				struct dynbuf h;
				dynbuf_init(&h, 4096);
				rule_href(&h, jstr(s, "rule"));
				hrefs[si] = dynbuf_take(&h, NULL);
			}
		}
		const json_t *counts = json_object_get(s, "counts");
		for(size_t x = 0; x < nx; x++)
			values[x * ns + si] += (long long)json_integer_value(json_array_get(counts, x));
	}
	struct svg_bars c = {
		.title = title,
		.x_title = "day (UTC) the job finished",
		.y_title = "failed jobs matched",
		.nx = nx,
		.x_labels = labels,
		.nseries = ns,
		.series = names,
		.series_href = (const char *const *)hrefs,
		.colors = colors,
		.values = values,
		.empty_text = "no failed job matched a rule in this period",
	};
	svg_stacked_bars(b, &c);
	for(size_t s = 0; s < ns; s++)
		free(hrefs[s]);
	free(hrefs);
	free(colors);
	free(names);
	free(labels);
	free(values);
}

static void decisions_table(struct dynbuf *b, const json_t *retries)
{
	dynbuf_adds(b, "<table class=\"decisions\"><tr><th>decided</th><th>job</th><th>name</th>"
	               "<th>rule</th><th>decision</th><th class=\"n\">attempt</th><th>reason</th>"
	               "<th>new job</th></tr>\n");
	size_t i;
	json_t *r;
	json_array_foreach(retries, i, r) {
		dynbuf_adds(b, "<tr><td class=\"nw\">");
		when(b, jstr(r, "decided_at"));
		dynbuf_adds(b, "</td><td class=\"nw\">");
		job_links(b, json_object_get(r, "job_id"), jstr(r, "web_url"));
		dynbuf_adds(b, "</td><td>");
		text_or_dash(b, jstr(r, "job_name"));
		dynbuf_adds(b, "</td><td>");
		rule_link(b, jstr(r, "rule"));
		dynbuf_adds(b, "</td><td>");
		state(b, jstr(r, "state"));
		dynbuf_printf(b, "</td><td class=\"n\">%lld</td><td>", jint(r, "attempt"));
		text_or_dash(b, jstr(r, "reason"));
		dynbuf_adds(b, "</td><td>");
		new_job(b, r);
		dynbuf_adds(b, "</td></tr>\n");
	}
	if(!json_array_size(retries))
		dynbuf_adds(b, "<tr><td colspan=\"8\" class=\"muted\">no retry decisions</td></tr>\n");
	dynbuf_adds(b, "</table>\n");
}

static void unmatched_table(struct dynbuf *b, const json_t *jobs)
{
	dynbuf_adds(b, "<table class=\"unmatched\"><tr><th>job</th><th>name</th><th>project</th>"
	               "<th>runner</th><th>finished</th><th>last log line</th></tr>\n");
	size_t i;
	json_t *j;
	json_array_foreach(jobs, i, j) {
		job_row(b, j);
		where_cells(b, j);
		dynbuf_adds(b, "</td><td>");
		if(jhas(j, "last_line")) {
			dynbuf_printf(b, "<code title=\"line %lld\">", jint(j, "last_line_no"));
			esc(b, jstr(j, "last_line"));
			dynbuf_adds(b, "</code>");
		} else {
			dynbuf_adds(b, "<span class=\"muted\">no stored log</span>");
		}
		dynbuf_adds(b, "</td></tr>\n");
	}
	if(!json_array_size(jobs))
		dynbuf_adds(b, "<tr><td colspan=\"6\" class=\"muted\">every failed job matched a rule"
		               "</td></tr>\n");
	dynbuf_adds(b, "</table>\n");
}

static void retry_outcomes(struct dynbuf *b, const json_t *retries)
{
	const json_t *by = json_object_get(retries, "by_state");
	const json_t *after = json_object_get(retries, "after_retry");
	dynbuf_adds(b, "<section><h2>Retry decisions</h2><table class=\"outcomes\">"
	               "<tr><th>decision</th><th class=\"n\">jobs</th></tr>\n");
	static const char *const order[] = { "done", "failed", "refused", "dry-run", "unknown",
	                                     "scheduled", "calling" };
	for(size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		dynbuf_adds(b, "<tr><td>");
		state(b, order[i]);
		dynbuf_printf(b, "</td><td class=\"n\">%lld</td></tr>\n", jint(by, order[i]));
	}
	dynbuf_printf(b, "<tr><th>all</th><th class=\"n\">%lld</th></tr></table>\n",
	              jint(retries, "decided"));
	dynbuf_printf(b, "<p class=\"after\">Of <b>%lld</b> jobs retried, the new job "
	              "<span class=\"s-success\">passed <b class=\"passed\">%lld</b></span>, "
	              "<span class=\"s-failed\">failed <b>%lld</b></span>, ended otherwise "
	              "<b>%lld</b>, not seen finished yet <b>%lld</b>.</p></section>\n",
	              jint(after, "retried"), jint(after, "passed"), jint(after, "failed"),
	              jint(after, "other"), jint(after, "not_seen"));
}

/* ---- pages ---- */

unsigned dashpage_overview(struct dashapi *a, const struct dashapi_params *p, struct dynbuf *out)
{
	struct dashapi_params lp = *p;
	lp.limit = TOP_N;
	json_t *sum = dashapi_summary(a, &lp);
	json_t *daily = sum ? dashapi_daily(a, p) : NULL;
	lp.limit = OVERVIEW_LIST;
	json_t *ret = daily ? dashapi_retries(a, &lp) : NULL;
	json_t *unm = ret ? dashapi_unmatched(a, &lp) : NULL;
	unsigned status = 200;
	if(!unm) {
		status = failed(a, out);
		goto out;
	}
	head(out, a->rs, "Overview", NULL);
	dynbuf_printf(out, "<h1>Spurious failures, %s to %s</h1>\n", p->from, p->to);
	range_links(out, "/", p->days);
	const json_t *jobs = json_object_get(sum, "jobs");
	dynbuf_adds(out, "<div class=\"cards\">");
	card(out, "jobs scanned", jint(jobs, "scanned"), "scanned");
	card(out, "failed", jint(jobs, "failed"), "failed");
	card(out, "failed, matched by a rule", jint(jobs, "failed_matched"), "matched");
	card(out, "failed, unmatched", jint(jobs, "failed_unmatched"), "unmatched");
	card(out, "passed, matched by a rule", jint(jobs, "passed_matched"), "passed-matched");
	card(out, "retry decisions", jint(json_object_get(sum, "retries"), "decided"), "decided");
	dynbuf_adds(out, "</div>\n<section><h2>Failed jobs matched per day, by rule</h2>\n");
	daily_chart(out, daily, CHART_SERIES, "Failed jobs matched per day, by rule");
	dynbuf_adds(out, "</section>\n<div class=\"grid\">\n");
	const json_t *t = json_object_get(sum, "top");
	top_table(out, "Rules", "rule", json_object_get(t, "rules"), true);
	top_table(out, "Jobs", "job name", json_object_get(t, "jobs"), false);
	top_table(out, "Runners", "runner", json_object_get(t, "runners"), false);
	top_table(out, "Runner tags", "tag", json_object_get(t, "tags"), false);
	top_table(out, "Projects", "project", json_object_get(t, "projects"), false);
	retry_outcomes(out, json_object_get(sum, "retries"));
	dynbuf_adds(out, "</div>\n<section><h2>Recent decisions</h2>\n");
	decisions_table(out, json_object_get(ret, "retries"));
	dynbuf_adds(out, "</section>\n<section><h2>Unmatched failures</h2>"
	                 "<p class=\"muted\">The latest failed jobs no rule matched, with the last "
	                 "line of their log: candidates for a new rule.</p>\n");
	unmatched_table(out, json_object_get(unm, "jobs"));
	dynbuf_adds(out, "</section>\n");
	foot(out);
out:
	json_decref(sum);
	json_decref(daily);
	json_decref(ret);
	json_decref(unm);
	return status;
}

/* A fact's name; its value and "</dd>" follow. */
static void fact_name(struct dynbuf *b, const char *name)
{
	dynbuf_adds(b, "<dt>");
	esc(b, name);
	dynbuf_adds(b, "</dt><dd>");
}

static void fact(struct dynbuf *b, const char *name, const json_t *v)
{
	fact_name(b, name);
	value(b, v);
	dynbuf_adds(b, "</dd>");
}

static void fact_when(struct dynbuf *b, const char *name, const char *iso)
{
	fact_name(b, name);
	when(b, iso);
	dynbuf_adds(b, "</dd>");
}

static void rule_jobs_table(struct dynbuf *b, const json_t *jobs)
{
	dynbuf_adds(b, "<table class=\"jobs\"><tr><th>job</th><th>name</th><th>status</th>"
	               "<th>project</th><th>runner</th><th>finished</th></tr>\n");
	size_t i;
	json_t *j;
	json_array_foreach(jobs, i, j) {
		job_row(b, j);
		state(b, jstr(j, "status"));
		dynbuf_adds(b, "</td><td>");
		where_cells(b, j);
		dynbuf_adds(b, "</td></tr>\n");
	}
	dynbuf_adds(b, "</table>\n");
}

unsigned dashpage_rule(struct dashapi *a, const struct dashapi_params *p, struct dynbuf *out)
{
	struct dashapi_params lp = *p;
	lp.limit = TOP_N;
	json_t *rule = dashapi_rule(a, &lp);
	json_t *daily = rule ? dashapi_daily(a, p) : NULL;
	json_t *jobs = daily ? dashapi_jobs(a, p) : NULL;
	unsigned status = 200;
	if(!jobs) {
		status = failed(a, out);
		goto out;
	}
	head(out, a->rs, p->rule, NULL);
	dynbuf_adds(out, "<h1>Rule <code>");
	esc(out, p->rule);
	dynbuf_adds(out, "</code>");
	if(jstr(rule, "title")) {
		dynbuf_adds(out, ": ");
		esc(out, jstr(rule, "title"));
	}
	dynbuf_adds(out, "</h1>\n");
	struct dynbuf path;
	dynbuf_init(&path, 4096);
	rule_href(&path, p->rule);
	range_links(out, path.ptr, p->days);
	dynbuf_free(&path);
	dynbuf_adds(out, "<section><dl class=\"facts\">");
	fact(out, "action", json_object_get(rule, "action"));
	fact(out, "in this rule set", json_object_get(rule, "in_ruleset"));
	if(jhas(rule, "disabled"))
		fact(out, "disabled", json_object_get(rule, "disabled"));
	fact(out, "jobs matched (all time)", json_object_get(rule, "matched_jobs"));
	fact(out, "of them failed", json_object_get(rule, "failed_jobs"));
	fact(out, "of them not failed", json_object_get(rule, "other_jobs"));
	fact_when(out, "first seen", jstr(rule, "first_seen"));
	fact_when(out, "last seen", jstr(rule, "last_seen"));
	const json_t *tickets = json_object_get(rule, "tickets");
	if(json_array_size(tickets)) {
		dynbuf_adds(out, "<dt>tickets</dt><dd>");
		size_t i;
		json_t *tk;
		json_array_foreach(tickets, i, tk) {
			if(i)
				dynbuf_adds(out, ", ");
			if(web_url(json_string_value(tk)))
				ext_link(out, json_string_value(tk), json_string_value(tk));
			else
				esc(out, json_string_value(tk));
		}
		dynbuf_adds(out, "</dd>");
	}
	dynbuf_adds(out, "</dl></section>\n<section><h2>Failed jobs matched per day</h2>\n");
	daily_chart(out, daily, 1, "Failed jobs matched per day");
	dynbuf_adds(out, "</section>\n<div class=\"grid\"><section><h2>Runners</h2>"
	                 "<table class=\"runners\"><tr><th>runner</th><th class=\"n\">jobs matched</th>"
	                 "<th class=\"n\">failed</th></tr>\n");
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(rule, "runners"), i, r) {
		dynbuf_adds(out, "<tr><td>");
		text_or_dash(out, jstr(r, "name"));
		dynbuf_printf(out, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td></tr>\n",
		              jint(r, "matched_jobs"), jint(r, "failed_jobs"));
	}
	dynbuf_adds(out, "</table></section>\n<section><h2>Matching lines</h2>\n");
	json_array_foreach(json_object_get(rule, "examples"), i, r) {
		dynbuf_printf(out, "<pre class=\"example\" title=\"%lld jobs, latest %lld\">",
		              jint(r, "jobs"), jint(r, "job_id"));
		esc(out, jstr(r, "line"));
		dynbuf_adds(out, "</pre>\n");
	}
	if(!json_array_size(json_object_get(rule, "examples")))
		dynbuf_adds(out, "<p class=\"muted\">no matching line recorded</p>\n");
	dynbuf_adds(out, "</section></div>\n<section><h2>Latest jobs matched</h2>\n");
	rule_jobs_table(out, json_object_get(jobs, "jobs"));
	dynbuf_adds(out, "</section>\n");
	foot(out);
out:
	json_decref(rule);
	json_decref(daily);
	json_decref(jobs);
	return status;
}

/* The lines around a hit; the hit line stands out. */
static void context(struct dynbuf *b, const json_t *lines, long long hit)
{
	dynbuf_adds(b, "<pre class=\"context\">");
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l) {
		long long n = jint(l, "line");
		dynbuf_printf(b, "<span%s><span class=\"ln\">%lld</span>",
		              n == hit ? " class=\"hit\"" : "", n);
		esc(b, jstr(l, "text"));
		dynbuf_adds(b, n == hit ? "</span>" : "</span>\n");
	}
	if(!json_array_size(lines))
		dynbuf_adds(b, "<span class=\"muted\">the log is not stored</span>");
	dynbuf_adds(b, "</pre>\n");
}

unsigned dashpage_job(struct dashapi *a, long long id, struct dynbuf *out)
{
	json_t *o = dashapi_job(a, id);
	if(!o)
		return failed(a, out);
	const json_t *j = json_object_get(o, "job");
	char title[64];
	snprintf(title, sizeof title, "Job %lld", id);
	head(out, a->rs, title, NULL);
	dynbuf_printf(out, "<h1>Job %lld: ", id);
	text_or_dash(out, jstr(j, "name"));
	dynbuf_adds(out, "</h1>\n<section><dl class=\"facts\">");
	dynbuf_adds(out, "<dt>GitLab</dt><dd>");
	ext_link(out, jstr(j, "web_url"), jstr(j, "web_url") ? jstr(j, "web_url") : "");
	dynbuf_adds(out, "</dd><dt>status</dt><dd>");
	state(out, jstr(j, "status"));
	dynbuf_adds(out, "</dd>");
	static const char *const keys[] = { "project", "stage", "failure_reason", "runner", "ref",
	                                    "pipeline_id", "mr_iid" };
	for(size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if(jhas(j, keys[i]))
			fact(out, keys[i], json_object_get(j, keys[i]));
	}
	const json_t *tags = json_object_get(j, "runner_tags");
	dynbuf_adds(out, "<dt>runner tags</dt><dd>");
	if(json_is_array(tags) && json_array_size(tags)) {
		size_t i;
		json_t *tg;
		json_array_foreach(tags, i, tg) {
			if(i)
				dynbuf_adds(out, ", ");
			value(out, tg);
		}
	} else {
		text_or_dash(out, NULL);
	}
	dynbuf_adds(out, "</dd>");
	fact_when(out, "created", jstr(j, "created_at"));
	fact_when(out, "started", jstr(j, "started_at"));
	fact_when(out, "finished", jstr(j, "finished_at"));
	fact(out, "duration (s)", json_object_get(j, "duration"));
	fact(out, "trace bytes", json_object_get(j, "trace_bytes"));
	if(jint(j, "trace_truncated"))
		fact(out, "trace truncated", json_true());
	fact(out, "stored log lines", json_object_get(j, "log_lines"));
	fact_when(out, "scanned", jstr(j, "scanned_at"));
	fact(out, "rule set", json_object_get(j, "ruleset"));
	dynbuf_adds(out, "</dl></section>\n<section><h2>Matches</h2>\n");
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(o, "matches"), i, m) {
		dynbuf_adds(out, "<h3 class=\"match\">");
		rule_link(out, jstr(m, "rule"));
		dynbuf_adds(out, " <span class=\"muted\">(");
		esc(out, jstr(m, "action"));
		dynbuf_printf(out, ", %lld hit%s, first on line %lld%s)</span></h3>\n", jint(m, "hits"),
		              jint(m, "hits") == 1 ? "" : "s", jint(m, "first_line"),
		              jint(m, "status_ok") ? "" : "; the rule's status filter did not hold");
		context(out, json_object_get(m, "context"), jint(m, "first_line"));
	}
	if(!json_array_size(json_object_get(o, "matches")))
		dynbuf_adds(out, "<p class=\"muted\">no rule matched this job</p>\n");
	const json_t *lin = json_object_get(o, "lineage");
	dynbuf_adds(out, "</section>\n<section><h2>Retries</h2>\n");
	if(jhas(lin, "retry_of")) {
		dynbuf_adds(out, "<p>This job is failsig's retry of job ");
		job_link(out, json_object_get(lin, "retry_of"));
		dynbuf_adds(out, ".</p>\n");
	}
	const json_t *rs = json_object_get(lin, "retries");
	if(json_array_size(rs)) {
		dynbuf_adds(out, "<p>Its lineage starts at job ");
		job_link(out, json_object_get(lin, "root_job_id"));
		dynbuf_adds(out, ":</p>\n<table class=\"lineage\"><tr><th class=\"n\">attempt</th>"
		                 "<th>job</th><th>rule</th><th>decision</th><th>reason</th>"
		                 "<th>new job</th><th>decided</th></tr>\n");
		json_t *r;
		json_array_foreach(rs, i, r) {
			dynbuf_printf(out, "<tr><td class=\"n\">%lld</td><td>", jint(r, "attempt"));
			job_link(out, json_object_get(r, "job_id"));
			dynbuf_adds(out, "</td><td>");
			rule_link(out, jstr(r, "rule"));
			dynbuf_adds(out, "</td><td>");
			state(out, jstr(r, "state"));
			dynbuf_adds(out, "</td><td>");
			text_or_dash(out, jstr(r, "reason"));
			dynbuf_adds(out, "</td><td>");
			new_job(out, r);
			dynbuf_adds(out, "</td><td>");
			when(out, jstr(r, "decided_at"));
			dynbuf_adds(out, "</td></tr>\n");
		}
		dynbuf_adds(out, "</table>\n");
	} else {
		dynbuf_adds(out, "<p class=\"muted\">no retry decision</p>\n");
	}
	dynbuf_adds(out, "</section>\n");
	foot(out);
	json_decref(o);
	return 200;
}

/* A line with its highlighted byte ranges in <mark>. */
static void marked(struct dynbuf *b, const char *text, const json_t *marks)
{
	size_t at = 0;
	size_t len = text ? strlen(text) : 0;
	size_t i;
	json_t *m;
	json_array_foreach(marks, i, m) {
		size_t s = (size_t)json_integer_value(json_array_get(m, 0));
		size_t e = (size_t)json_integer_value(json_array_get(m, 1));
		if(s < at || e < s || e > len)
			continue;
		webesc_htmln(b, text + at, s - at);
		dynbuf_adds(b, "<mark>");
		webesc_htmln(b, text + s, e - s);
		dynbuf_adds(b, "</mark>");
		at = e;
	}
	webesc_htmln(b, text + at, len - at);
}

static const char search_help[] =
	"<p class=\"muted\">Words match whole words of a log line, in any order: "
	"<code>out of memory</code>. Quote a phrase: <code>\"no space left\"</code>; "
	"a prefix: <code>segfault*</code>; combine with <code>AND</code>, <code>OR</code>, "
	"<code>NOT</code>. Newest jobs first.</p>\n";

unsigned dashpage_search(struct dashapi *a, const struct dashapi_params *p, struct dynbuf *out)
{
	json_t *o = p->q ? dashapi_search(a, p) : NULL;
	unsigned status = p->q && !o ? a->status : 200;
	if(status >= 500 || status == 0)
		return failed(a, out);
	head(out, a->rs, p->q ? p->q : "Search", p->q);
	dynbuf_adds(out, "<h1>Search the logs</h1>\n<section><form action=\"/search\" method=\"get\">"
	                 "<input type=\"search\" name=\"q\" size=\"60\" value=\"");
	esc(out, p->q);
	dynbuf_adds(out, "\" aria-label=\"query\"> <button type=\"submit\">Search</button></form>\n");
	dynbuf_adds(out, search_help);
	if(status != 200) {
		dynbuf_adds(out, "</section>\n<section class=\"error\"><h2>The query is not valid</h2><p>");
		esc(out, a->message);
		dynbuf_adds(out, "</p></section>\n");
	} else if(o) {
		long long total = jint(o, "total_lines");
		long long shown = jint(o, "shown_lines");
		dynbuf_printf(out, "<p class=\"count\"><b>%lld</b> matching line%s", total,
		              total == 1 ? "" : "s");
		if(shown < total)
			dynbuf_printf(out, " (the newest %lld shown)", shown);
		dynbuf_adds(out, ".</p></section>\n");
		size_t i;
		json_t *j;
		json_array_foreach(json_object_get(o, "jobs"), i, j) {
			dynbuf_adds(out, "<section class=\"result\"><h3>Job ");
			job_link(out, json_object_get(j, "id"));
			dynbuf_adds(out, ": ");
			text_or_dash(out, jstr(j, "name"));
			dynbuf_adds(out, " <span class=\"muted\">");
			state(out, jstr(j, "status"));
			dynbuf_adds(out, " \xc2\xb7 ");
			text_or_dash(out, jstr(j, "runner"));
			dynbuf_adds(out, " \xc2\xb7 ");
			when(out, jstr(j, "finished_at"));
			dynbuf_adds(out, "</span> ");
			ext_link(out, jstr(j, "web_url"), "GitLab");
			dynbuf_adds(out, "</h3><pre>");
			size_t k;
			json_t *l;
			json_array_foreach(json_object_get(j, "lines"), k, l) {
				dynbuf_printf(out, "<span class=\"ln\">%lld</span>", jint(l, "line"));
				marked(out, jstr(l, "text"), json_object_get(l, "marks"));
				dynbuf_adds(out, "\n");
			}
			dynbuf_adds(out, "</pre></section>\n");
		}
	} else {
		dynbuf_adds(out, "</section>\n");
	}
	foot(out);
	json_decref(o);
	return status;
}
