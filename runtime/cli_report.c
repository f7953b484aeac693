/* cli_report.c — `failsig report RULE`: a paste-ready issue body about one
 * rule: what it matches (from the compiled rule set), its tickets, how
 * often and since when it fired, on which jobs, runners and projects, and a
 * few example jobs with their hit line in context (from the stored logs).
 *
 * Markdown for GitLab issues by default; --format text is the same content
 * for a terminal. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dynbuf.h"
#include "history.h"
#include "table.h"
#include "text.h"

enum { OUT_CAP = 16 << 20, MAX_EXAMPLES = 20 };

static const char report_help[] =
	"usage: failsig report RULE [--db PATH] [--since DATE] [--examples N]\n"
	"                     [--context N] [--format markdown|text]\n"
	"\n"
	"Write an issue body about one rule, to paste into the tracker: its title,\n"
	"what it matches (its clauses, as compiled into this binary), its tickets,\n"
	"how many failed jobs it explained and since when, a table per day, the\n"
	"runners, projects and job names it fired on, and example jobs (different job\n"
	"names first, newest first) with links and the hit line in context.\n"
	"\n"
	"  --db PATH          the database of `failsig serve` (default failsig.db)\n"
	"  --since DATE       only jobs finished since DATE (2026-11-15, or 7d)\n"
	"  --examples N       example jobs shown (default 5, at most 20)\n"
	"  --context N        stored lines shown before and after a hit (default 2)\n"
	"  --format text      plain text instead of Markdown\n"
	"exit status: 0 if the rule fired on some job, 1 if never (the body is still\n"
	"printed), 2 on error (a RULE neither compiled in nor recorded is an error)\n";

enum { FMT_MARKDOWN, FMT_MD, FMT_TEXT };   /* ORDER formats */
static const char *const formats[] = { "markdown", "md", "text", NULL };

struct args {
	struct hist_args hist;        /* --db, --since, --format */
	const char *rule;
	bool md;
	long long examples, context;
};

static int parse(int argc, char **argv, struct args *a)
{
	memset(a, 0, sizeof *a);
	hist_args_init(&a->hist, formats, "markdown or text");
	a->examples = 5;
	a->context = 2;
	for(int i = 1; i < argc; i++) {
		int ok;
		const char *v;
		if(strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(report_help, stdout);
			return 0;
		}
		int taken = hist_arg("report", argv, argc, &i, &a->hist);
		if(taken < 0)
			return EXIT_ERROR;
		if(taken)
			continue;
		if((v = cli_opt("report", argv, argc, &i, "--examples", &ok)) || !ok) {
			if(!ok || hist_number("report", "--examples", v, MAX_EXAMPLES, &a->examples) < 0)
				return EXIT_ERROR;
		} else if((v = cli_opt("report", argv, argc, &i, "--context", &ok)) || !ok) {
			if(!ok || hist_number("report", "--context", v, 100, &a->context) < 0)
				return EXIT_ERROR;
		} else if(argv[i][0] == '-' && argv[i][1] != '\0') {
			return cli_usage_error("report", "unknown option '%s'", argv[i]);
		} else if(a->rule) {
			return cli_usage_error("report", "one RULE at a time (got '%s' and '%s')", a->rule,
			                       argv[i]);
		} else {
			a->rule = argv[i];
		}
	}
	a->md = a->hist.format != FMT_TEXT;
	if(!a->rule)
		return cli_usage_error("report", "which RULE? (`failsig rules` lists them)");
	return -1;
}

/* ---- what the rule matches ---- */

static void atom(struct dynbuf *b, const struct fsig_ruleset *rs, uint32_t i)
{
	dynbuf_adds(b, rs->atoms[i].source);
}

static bool identifier(const char *s)
{
	if(!*s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
	       strlen(s);
}

/* The rule's clauses, one a line, in the rule language. */
static void clauses(struct dynbuf *b, const struct fsig_ruleset *rs, const struct fsig_rule *r)
{
	for(uint32_t i = 0; i < r->ntriggers; i++) {
		const struct fsig_trigger *t = &r->triggers[i];
		dynbuf_adds(b, "match ");
		if(t->kind == FSIG_TRIG_MATCH) {
			atom(b, rs, t->atoms[0]);
		} else if(t->kind == FSIG_TRIG_THEN) {
			atom(b, rs, t->atoms[0]);
			dynbuf_adds(b, " then ");
			atom(b, rs, t->atoms[1]);
			dynbuf_printf(b, " within %u lines", t->within);
		} else {
			dynbuf_adds(b, "all {");
			for(uint32_t k = 0; k < t->natoms; k++) {
				dynbuf_adds(b, " ");
				atom(b, rs, t->atoms[k]);
			}
			dynbuf_adds(b, " }");
			if(t->within)
				dynbuf_printf(b, " within %u lines", t->within);
		}
		dynbuf_adds(b, "\n");
	}
	for(uint32_t i = 0; i < r->nunless; i++) {
		const struct fsig_unless *u = &r->unless[i];
		dynbuf_adds(b, "unless ");
		atom(b, rs, u->atom);
		if(u->scope == FSIG_UNLESS_SAME_LINE)
			dynbuf_adds(b, " same line");
		else if(u->scope == FSIG_UNLESS_LOG)
			dynbuf_adds(b, " in log");
		else if(u->before == u->after)
			dynbuf_printf(b, " within %u lines", u->after);
		else if(u->after == 0)
			dynbuf_printf(b, " within %u lines before", u->before);
		else
			dynbuf_printf(b, " within %u lines after", u->after);
		dynbuf_adds(b, "\n");
	}
	if(r->nsections) {
		dynbuf_adds(b, "section ");
		for(uint32_t i = 0; i < r->nsections; i++)
			dynbuf_printf(b, "%s%s", i ? ", " : "", r->sections[i]);
		dynbuf_adds(b, "\n");
	}
	for(uint32_t i = 0; i < r->nfilters; i++) {
		const struct fsig_filter *f = &r->filters[i];
		dynbuf_printf(b, "%s %s", fsig_field_name(f->field), f->negate ? "not " : "");
		for(uint32_t k = 0; k < f->nvalues; k++) {
			if(k)
				dynbuf_adds(b, ", ");
			if(identifier(f->values[k]))
				dynbuf_adds(b, f->values[k]);
			else
				hist_rule_string(b, f->values[k], strlen(f->values[k]));
		}
		dynbuf_adds(b, "\n");
	}
}

/* ---- output pieces, Markdown or text ---- */

struct out {
	bool md;
	struct dynbuf tmp;
};

/* Every element ends with an empty line. */
static void heading(struct out *o, const char *text)
{
	if(o->md)
		printf("### %s\n\n", text);
	else
		printf("%s\n\n", text);
}

/* A block of preformatted lines: a code fence longer than any run of
 * backticks inside (CommonMark), or indented text. */
static void block(struct out *o, const char *text)
{
	if(o->md) {
		size_t run = 0, longest = 0;
		for(const char *p = text; *p; p++) {
			run = *p == '`' ? run + 1 : 0;
			if(run > longest)
				longest = run;
		}
		size_t fence = longest >= 3 ? longest + 1 : 3;
		for(size_t i = 0; i < fence; i++)
			putchar('`');
		printf("\n%s", text);
		for(size_t i = 0; i < fence; i++)
			putchar('`');
		printf("\n\n");
		return;
	}
	for(const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		printf("    %.*s\n", (int)n, p);
		p += n + (nl != NULL);
	}
	putchar('\n');
}

static void table_out(struct out *o, const struct table *t)
{
	if(o->md)
		table_print_markdown(t, stdout);
	else
		table_print_text(t, stdout, "    ");
}

/* Inline code in Markdown (`x`), the text itself otherwise. */
static const char *code(struct out *o, const char *s)
{
	dynbuf_reset(&o->tmp);
	if(!o->md)
		return text_printable(&o->tmp, s, strlen(s));
	bool tick = strchr(s, '`') != NULL;
	dynbuf_adds(&o->tmp, tick ? "`` " : "`");
	text_printable(&o->tmp, s, strlen(s));
	dynbuf_adds(&o->tmp, tick ? " ``" : "`");
	return o->tmp.ptr;
}

/* ---- the numbers ---- */

struct totals {
	struct hist_counts c;         /* in jobs finished since --since */
	char *action;                 /* recorded with its matches (any time); NULL: none */
};

/* hist_counts_fn: only the rule asked about is counted. */
static struct hist_counts *counts_of(void *ctx, const char *rule)
{
	return ctx;
}

static int totals(struct store *st, const struct args *a, struct totals *t)
{
	memset(t, 0, sizeof *t);
	int rc = hist_counts_load(st, "report", a->rule, a->hist.since, counts_of, &t->c);
	if(rc)
		return rc;
	sqlite3_stmt *s = hist_prepare(st, "report", "SELECT max(action) FROM matches WHERE rule = ?1");
	if(!s)
		return EXIT_ERROR;
	sqlite3_bind_text(s, 1, a->rule, -1, SQLITE_STATIC);
	if(sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return hist_db_error(st, "report");
	}
	t->action = hist_dup_text(s, 0);
	sqlite3_finalize(s);
	return 0;
}

/* Failed jobs explained by the rule, per value of a dimension. */
static int dim_table(struct store *st, const struct args *a, const char *dim, struct out *o)
{
	const struct hist_dim *d = hist_dim_find(dim);
	struct table *t = hist_dim_table(d, false);
	int rc = hist_rule_dim(st, "report", a->rule, a->hist.since, d, t, false);
	if(!rc && table_nrows(t)) {
		table_out(o, t);
		putchar('\n');
	}
	table_free(t);
	return rc;
}

/* ---- examples ---- */

struct example {
	struct hist_job job;
	long long first_line, hits;
	bool status_ok;
	char *excerpt;
};

/* Up to n example matches: the newest job of each job name first (the
 * variety helps whoever reads the issue), then the newest others; jobs
 * the rule explained before jobs that passed. */
static int examples(struct store *st, const struct args *a, struct example *ex, size_t *n)
{
	sqlite3_stmt *s = hist_prepare(st, "report",
	                               "SELECT m.first_line, m.hits, m.status_ok, m.excerpt, "
	                               HIST_JOB_COLS
	                               " FROM matches m JOIN jobs j ON j.id = m.job_id"
	                               " WHERE m.rule = ?1 AND (?2 IS NULL OR j.finished_at >= ?2)"
	                               " ORDER BY m.status_ok != 0 DESC, j.finished_at DESC,"
	                               " j.id DESC");
	if(!s)
		return EXIT_ERROR;
	sqlite3_bind_text(s, 1, a->rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, a->hist.since, -1, SQLITE_STATIC);
	size_t want = (size_t)a->examples, have = 0;
	/* Pass 1 takes new names, pass 2 fills up; both walk the same order. */
	for(int pass = 0; pass < 2 && have < want; pass++) {
		int rc;
		while(have < want && (rc = sqlite3_step(s)) == SQLITE_ROW) {
			long long id = sqlite3_column_int64(s, 4);
			const char *name = hist_text(s, 5);
			bool taken = false, seen_name = false;
			for(size_t i = 0; i < have; i++) {
				taken |= ex[i].job.id == id;
				seen_name |= name && ex[i].job.name && strcmp(ex[i].job.name, name) == 0;
			}
			if(taken || (pass == 0 && seen_name))
				continue;
			struct example *e = &ex[have++];
			memset(e, 0, sizeof *e);
			e->first_line = sqlite3_column_int64(s, 0);
			e->hits = sqlite3_column_int64(s, 1);
			e->status_ok = sqlite3_column_int(s, 2) != 0;
			e->excerpt = hist_dup_text(s, 3);
			hist_job_read(s, 4, &e->job);
		}
		if(have < want && rc != SQLITE_DONE) {
			sqlite3_finalize(s);
			*n = have;
			return hist_db_error(st, "report");
		}
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	*n = have;
	return 0;
}

struct ctx_buf {
	struct dynbuf *b, *tmp;
};

static void add_line(void *ctx, long long line, const char *text, bool hit, bool gap)
{
	struct ctx_buf *c = ctx;
	dynbuf_reset(c->tmp);
	dynbuf_printf(c->b, "%c %6lld | %s\n", hit ? '>' : ' ', line,
	              text_printable(c->tmp, text, strlen(text)));
}

static int print_example(struct store *st, const struct args *a, struct out *o,
                         const struct example *e)
{
	const struct hist_job *j = &e->job;
	char day[64];
	const char *name = j->name ? j->name : "(unnamed)";
	if(o->md) {
		printf("**");
		if(j->web_url)
			printf("[job %lld](%s)", j->id, j->web_url);
		else
			printf("job %lld", j->id);
		printf("** %s — %s, %s, %s", code(o, name), j->project ? j->project : "?",
		       j->runner ? j->runner : "?", hist_day(j->finished_at, day));
	} else {
		printf("job %lld %s — %s, %s, %s", j->id, name, j->project ? j->project : "?",
		       j->runner ? j->runner : "?", hist_day(j->finished_at, day));
	}
	if(!e->status_ok)
		printf(" (job status %s: no action)", j->status ? j->status : "unknown");
	if(e->first_line)
		printf(", line %lld", e->first_line);
	if(e->hits > 1)
		printf(" (%lld hit lines)", e->hits);
	printf("\n");
	if(!o->md && j->web_url)
		printf("%s\n", j->web_url);
	putchar('\n');
	struct dynbuf b, tmp;
	dynbuf_init(&b, OUT_CAP);
	dynbuf_init(&tmp, OUT_CAP);
	struct ctx_buf c = {&b, &tmp};
	long long shown = 0;
	if(e->first_line) {
		shown = hist_context(st, "report", j->id, &e->first_line, 1, (unsigned)a->context,
		                     add_line, &c);
		if(shown < 0) {
			dynbuf_free(&b);
			dynbuf_free(&tmp);
			return EXIT_ERROR;
		}
	}
	if(shown == 0 && e->excerpt)
		add_line(&c, e->first_line, e->excerpt, true, false);
	if(shown == 0 && !e->excerpt)
		dynbuf_adds(&b, "(no hit line: the rule fired on the job's data)\n");
	block(o, b.ptr);
	dynbuf_free(&b);
	dynbuf_free(&tmp);
	return 0;
}

/* ---- the report ---- */

static const char *plural(long long n)
{
	return n == 1 ? "" : "s";
}

static int report(struct store *st, const struct fsig_ruleset *rs, const struct args *a,
                  const struct fsig_rule *rule, const struct totals *t, struct out *o)
{
	char d1[64], d2[64];
	const char *title = rule ? rule->title : NULL;
	if(o->md)
		printf("## %s: %s\n\n", code(o, a->rule), title ? title : "(no title)");
	else
		printf("%s: %s\n\n", a->rule, title ? title : "(no title)");
	/* The facts, a list in Markdown. */
	const char *bullet = o->md ? "- " : "";
	const char *b1 = o->md ? "**" : "";
	if(rule) {
		char where[1024];
		snprintf(where, sizeof where, "%s:%u", rule->file, rule->line);
		printf("%s%sRule:%s %s", bullet, b1, b1, code(o, rule->id));
		printf(" in %s; action %s", code(o, where),
		       rule->disabled ? "disabled" : fsig_action_name(rule->action));
		if(!rule->disabled && rule->action == FSIG_ACT_RETRY) {
			printf(", at most %u per job lineage", rule->retry_max);
			if(rule->retry_after)
				printf(", after %u s", rule->retry_after);
		}
		if(rule->disabled)
			printf(" (%s)", rule->disabled);
		printf("\n");
	} else {
		printf("%s%sRule:%s %s is not in this binary's rule set (removed or renamed?); its"
		       " matches were recorded with action %s\n",
		       bullet, b1, b1, code(o, a->rule), t->action ? t->action : "?");
	}
	printf("%s%sTickets:%s ", bullet, b1, b1);
	if(!rule || rule->ntickets == 0)
		printf("none yet");
	for(uint32_t i = 0; rule && i < rule->ntickets; i++)
		printf("%s%s", i ? ", " : "", rule->tickets[i]);
	printf("\n");
	printf("%s%sSeen:%s ", bullet, b1, b1);
	if(t->c.jobs + t->c.on_success == 0) {
		printf("no job in the database matched this rule%s%s\n", a->hist.since ? " since " : "",
		       a->hist.since ? a->hist.since : "");
	} else {
		printf("%lld failed job%s explained (%lld hit line%s)", t->c.jobs, plural(t->c.jobs),
		       t->c.lines, plural(t->c.lines));
		printf(", first seen %s, last seen %s", hist_day(t->c.first, d1), hist_day(t->c.last, d2));
		if(a->hist.since)
			printf(" (counting jobs finished since %s)", a->hist.since);
		printf("\n");
	}
	printf("%s%sOn successful jobs:%s %lld (hits on jobs that passed: false-positive evidence)\n",
	       bullet, b1, b1, t->c.on_success);
	printf("%s%sRetries:%s %lld made, %lld of them passed; %lld dry-run; %lld refused by the"
	       " policy\n\n",
	       bullet, b1, b1, t->c.retried, t->c.retry_passed, t->c.dry_run, t->c.refused);
	if(rule) {
		heading(o, "What it matches");
		struct dynbuf b;
		dynbuf_init(&b, OUT_CAP);
		clauses(&b, rs, rule);
		if(b.len == 0)
			dynbuf_adds(&b, "(no clause)\n");
		block(o, b.ptr);
		dynbuf_free(&b);
	}
	if(t->c.jobs) {
		heading(o, "How often");
		if(dim_table(st, a, "day", o))
			return EXIT_ERROR;
		heading(o, "Where");
		if(dim_table(st, a, "runner", o) || dim_table(st, a, "project", o) ||
		   dim_table(st, a, "job", o))
			return EXIT_ERROR;
	}
	if(t->c.jobs + t->c.on_success == 0)
		return 0;
	struct example ex[MAX_EXAMPLES];
	size_t n = 0;
	int rc = examples(st, a, ex, &n);
	if(!rc && n)
		heading(o, "Examples");
	for(size_t i = 0; i < n; i++) {
		if(!rc)
			rc = print_example(st, a, o, &ex[i]);
		hist_job_free(&ex[i].job);
		free(ex[i].excerpt);
	}
	return rc;
}

int cli_report(const struct fsig_ruleset *rs, int argc, char **argv)
{
	struct args a;
	int rc = parse(argc, argv, &a);
	if(rc >= 0)
		return rc;
	struct store *st = hist_open("report", a.hist.db);
	if(!st)
		return EXIT_ERROR;
	struct totals t;
	struct out o = {a.md, {0}};
	dynbuf_init(&o.tmp, OUT_CAP);
	const struct fsig_rule *rule = hist_rule(rs, a.rule);
	if((rc = totals(st, &a, &t)) != 0)
		goto out;
	if(!rule && !t.action) {
		fprintf(stderr, "failsig report: unknown rule '%s': not in the compiled rule set and no"
		                " match recorded (`failsig rules` lists them)\n", a.rule);
		rc = EXIT_ERROR;
		goto out;
	}
	rc = report(st, rs, &a, rule, &t, &o);
	if(!rc)
		rc = t.c.jobs + t.c.on_success ? EXIT_MATCH : EXIT_NO_MATCH;
out:
	hist_counts_free(&t.c);
	free(t.action);
	dynbuf_free(&o.tmp);
	store_close(st);
	return rc;
}
