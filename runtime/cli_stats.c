/* cli_stats.c — `failsig stats`: per rule, how often it fired, where, and
 * what its retries achieved, from the database of `failsig serve`.
 *
 * Every rule of the compiled set is listed, with zeros when it never fired
 * (a dead rule is worth knowing about), and so is every rule the database
 * has matches of that this binary does not know (removed or renamed). */
#include <fnmatch.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "history.h"
#include "table.h"
#include "xalloc.h"

static const char stats_help[] =
	"usage: failsig stats [RULE...] [--db PATH] [--since DATE]\n"
	"                    [--by " HIST_DIM_NAMES "] [--format text|json|csv]\n"
	"\n"
	"Per rule (all rules of the compiled set, or the RULEs named; globs such as\n"
	"'submodule_*' work), from the jobs the service recorded:\n"
	"  JOBS          failed jobs the rule explained (its match made it act)\n"
	"  LINES         hit lines in those jobs\n"
	"  ON-SUCCESS    jobs that passed although the rule fired: false-positive evidence\n"
	"  FIRST-SEEN    when the first and last such job finished\n"
	"  LAST-SEEN\n"
	"  RETRIED       retries GitLab made for the rule\n"
	"  RETRY-PASSED  of those, how many new jobs passed\n"
	"  DRY-RUN       retries a --dry-run service would have made\n"
	"  REFUSED       retries the policy refused (retry cap, circuit breaker)\n"
	"Rules with no hits are listed too, at the end: dead rules. A rule marked '*'\n"
	"has matches in the database but is not in this binary's rule set.\n"
	"\n"
	"  --db PATH       the database of `failsig serve` (default failsig.db)\n"
	"  --since DATE    only jobs finished since DATE (2026-11-15, 2026-11-15T08:00,\n"
	"                  or a time ago: 7d, 12h)\n"
	"  --by DIM        also break the jobs of each rule down by day, job name,\n"
	"                  runner, runner tag or project\n"
	"  --format json   {\"since\", \"jobs\", \"failed_jobs\", \"by\", \"rules\": [{\"rule\",\n"
	"                  \"action\", \"jobs\", \"lines\", \"on_success\", \"first_seen\",\n"
	"                  \"last_seen\", \"retried\", \"retry_passed\", \"dry_run\",\n"
	"                  \"refused\", \"title\", \"in_ruleset\", \"by\": [{DIM, \"jobs\",\n"
	"                  \"lines\"}]}]}\n"
	"  --format csv    the per-rule table; with --by, the breakdown (rule,DIM,jobs,lines)\n"
	"exit status: 0 on success, 2 on error (an unknown RULE is an error)\n";

enum format { FMT_TEXT, FMT_JSON, FMT_CSV };   /* ORDER formats */
static const char *const formats[] = { "text", "json", "csv", NULL };

struct args {
	struct hist_args hist;        /* --db, --since, --format (an enum format) */
	const struct hist_dim *by;
	const char **rules;           /* names or globs */
	int nrules;
};

struct rule_stat {
	char *id;
	const struct fsig_rule *rule; /* NULL: not in this binary's rule set */
	struct hist_counts c;         /* c.action: the action recorded with its matches */
	bool selected;
};

struct stats {
	struct rule_stat *v;
	size_t n, cap;
};

static int parse(int argc, char **argv, struct args *a)
{
	memset(a, 0, sizeof *a);
	hist_args_init(&a->hist, formats, "text, json or csv");
	a->rules = xcalloc((size_t)argc + 1, sizeof *a->rules);
	for(int i = 1; i < argc; i++) {
		int ok;
		const char *v;
		if(strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(stats_help, stdout);
			return 0;
		}
		int taken = hist_arg("stats", argv, argc, &i, &a->hist);
		if(taken < 0)
			return EXIT_ERROR;
		if(taken)
			continue;
		if((v = cli_opt("stats", argv, argc, &i, "--by", &ok)) || !ok) {
			if(!ok)
				return EXIT_ERROR;
			a->by = hist_dim_find(v);
			if(!a->by)
				return cli_usage_error("stats", "--by '%s': use one of %s", v, HIST_DIM_NAMES);
		} else if(argv[i][0] == '-' && argv[i][1] != '\0') {
			return cli_usage_error("stats", "unknown option '%s'", argv[i]);
		} else {
			a->rules[a->nrules++] = argv[i];
		}
	}
	return -1;
}

static struct rule_stat *find(struct stats *s, const char *id, bool add)
{
	for(size_t i = 0; i < s->n; i++) {
		if(strcmp(s->v[i].id, id) == 0)
			return &s->v[i];
	}
	if(!add)
		return NULL;
	if(s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	struct rule_stat *r = &s->v[s->n++];
	memset(r, 0, sizeof *r);
	r->id = xstrdup(id);
	return r;
}

static void stats_free(struct stats *s)
{
	for(size_t i = 0; i < s->n; i++) {
		free(s->v[i].id);
		hist_counts_free(&s->v[i].c);
	}
	free(s->v);
}

/* hist_counts_fn: a rule's entry, added when it is new. */
static struct hist_counts *counts_of(void *ctx, const char *rule)
{
	return &find(ctx, rule, true)->c;
}

static int by_jobs(const void *pa, const void *pb)
{
	const struct rule_stat *a = pa, *b = pb;
	if(a->c.jobs != b->c.jobs)
		return a->c.jobs > b->c.jobs ? -1 : 1;
	if(a->c.on_success != b->c.on_success)
		return a->c.on_success > b->c.on_success ? -1 : 1;
	if(a->c.lines != b->c.lines)
		return a->c.lines > b->c.lines ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Mark the rules named on the command line; an argument naming no rule is
 * an error. */
static int select_rules(const struct args *a, struct stats *s)
{
	for(size_t i = 0; i < s->n; i++)
		s->v[i].selected = a->nrules == 0;
	for(int k = 0; k < a->nrules; k++) {
		bool any = false;
		for(size_t i = 0; i < s->n; i++) {
			if(fnmatch(a->rules[k], s->v[i].id, 0) == 0) {
				s->v[i].selected = true;
				any = true;
			}
		}
		if(!any) {
			fprintf(stderr, "failsig stats: unknown rule '%s': not in the compiled rule set"
			                " and no match recorded (`failsig rules` lists them)\n",
			        a->rules[k]);
			return EXIT_ERROR;
		}
	}
	return 0;
}

static const char *action_of(const struct rule_stat *r)
{
	if(!r->rule)
		return r->c.action ? r->c.action : "-";
	if(r->rule->disabled)
		return "disabled";
	return fsig_action_name(r->rule->action);
}

static struct table *rule_table(const struct stats *s, enum format f)
{
	struct table *t = table_new();
	table_column(t, "rule", 0);
	table_column(t, "action", 0);
	table_column(t, "jobs", TABLE_NUM);
	table_column(t, "lines", TABLE_NUM);
	table_column(t, "on_success", TABLE_NUM);
	table_column(t, "first_seen", 0);
	table_column(t, "last_seen", 0);
	table_column(t, "retried", TABLE_NUM);
	table_column(t, "retry_passed", TABLE_NUM);
	table_column(t, "dry_run", TABLE_NUM);
	table_column(t, "refused", TABLE_NUM);
	if(f != FMT_TEXT) {
		table_column(t, "title", 0);
		table_column(t, "in_ruleset", TABLE_NUM);
	}
	for(size_t i = 0; i < s->n; i++) {
		const struct rule_stat *r = &s->v[i];
		if(!r->selected)
			continue;
		char id[512], d1[64], d2[64];
		snprintf(id, sizeof id, "%s%s", r->id, r->rule || f != FMT_TEXT ? "" : "*");
		table_row(t);
		table_cell(t, id);
		table_cell(t, action_of(r));
		table_num(t, r->c.jobs);
		table_num(t, r->c.lines);
		table_num(t, r->c.on_success);
		table_cell(t, f == FMT_TEXT ? (r->c.first ? hist_day(r->c.first, d1) : NULL) : r->c.first);
		table_cell(t, f == FMT_TEXT ? (r->c.last ? hist_day(r->c.last, d2) : NULL) : r->c.last);
		table_num(t, r->c.retried);
		table_num(t, r->c.retry_passed);
		table_num(t, r->c.dry_run);
		table_num(t, r->c.refused);
		if(f != FMT_TEXT) {
			table_cell(t, r->rule ? r->rule->title : NULL);
			table_num(t, r->rule != NULL);
		}
	}
	return t;
}

struct overview {
	long long jobs, failed;
	char *first, *last;
};

static int overview(struct store *st, const struct args *a, struct overview *o)
{
	memset(o, 0, sizeof *o);
	sqlite3_stmt *s = hist_prepare(st, "stats",
	                               "SELECT count(*), sum(status = 'failed'), min(finished_at),"
	                               " max(finished_at) FROM jobs j"
	                               " WHERE ?1 IS NULL OR j.finished_at >= ?1");
	if(!s)
		return EXIT_ERROR;
	sqlite3_bind_text(s, 1, a->hist.since, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if(rc == SQLITE_ROW) {
		o->jobs = sqlite3_column_int64(s, 0);
		o->failed = sqlite3_column_int64(s, 1);
		o->first = hist_dup_text(s, 2);
		o->last = hist_dup_text(s, 3);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : hist_db_error(st, "stats");
}

static int print_text(struct store *st, const struct args *a, const struct stats *s,
                      const struct overview *o)
{
	size_t nsel = 0, fired = 0;
	bool gone = false;
	for(size_t i = 0; i < s->n; i++) {
		if(!s->v[i].selected)
			continue;
		nsel++;
		fired += s->v[i].c.jobs + s->v[i].c.on_success > 0;
		gone |= !s->v[i].rule;
	}
	char d1[64], d2[64];
	printf("%lld job%s (%lld failed)", o->jobs, o->jobs == 1 ? "" : "s", o->failed);
	if(o->jobs)
		printf(" finished %s to %s", hist_day(o->first, d1), hist_day(o->last, d2));
	if(a->hist.since)
		printf(", since %s", a->hist.since);
	printf("; %zu of %zu rule%s fired\n\n", fired, nsel, nsel == 1 ? "" : "s");
	struct table *t = rule_table(s, FMT_TEXT);
	table_print_text(t, stdout, "");
	table_free(t);
	if(gone)
		printf("* not in this binary's rule set (removed or renamed)\n");
	if(!a->by)
		return 0;
	t = hist_dim_table(a->by, true);
	int rc = 0;
	for(size_t i = 0; i < s->n && !rc; i++) {
		if(s->v[i].selected && s->v[i].c.jobs)
			rc = hist_rule_dim(st, "stats", s->v[i].id, a->hist.since, a->by, t, true);
	}
	if(!rc) {
		printf("\nfailed jobs by %s:\n", a->by->name);
		table_print_text(t, stdout, "");
	}
	table_free(t);
	return rc;
}

static int print_json(struct store *st, const struct args *a, const struct stats *s,
                      const struct overview *o)
{
	struct table *t = rule_table(s, FMT_JSON);
	json_t *rules = table_json(t);
	table_free(t);
	int rc = 0;
	size_t k = 0;
	for(size_t i = 0; i < s->n && !rc; i++) {
		if(!s->v[i].selected)
			continue;
		json_t *r = json_array_get(rules, k++);
		json_object_set_new(r, "in_ruleset", json_boolean(s->v[i].rule != NULL));
		if(!a->by)
			continue;
		struct table *b = hist_dim_table(a->by, false);
		rc = hist_rule_dim(st, "stats", s->v[i].id, a->hist.since, a->by, b, false);
		json_object_set_new(r, "by", table_json(b));
		table_free(b);
	}
	if(rc) {
		json_decref(rules);
		return rc;
	}
	json_t *root = json_object();
	json_object_set_new(root, "since", a->hist.since ? json_string(a->hist.since) : json_null());
	json_object_set_new(root, "jobs", json_integer(o->jobs));
	json_object_set_new(root, "failed_jobs", json_integer(o->failed));
	json_object_set_new(root, "by", a->by ? json_string(a->by->name) : json_null());
	json_object_set_new(root, "rules", rules);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(text);
	free(text);
	json_decref(root);
	return 0;
}

static int print_csv(struct store *st, const struct args *a, const struct stats *s)
{
	struct table *t;
	int rc = 0;
	if(a->by) {
		t = hist_dim_table(a->by, true);
		for(size_t i = 0; i < s->n && !rc; i++) {
			if(s->v[i].selected && s->v[i].c.jobs)
				rc = hist_rule_dim(st, "stats", s->v[i].id, a->hist.since, a->by, t, true);
		}
	} else {
		t = rule_table(s, FMT_CSV);
	}
	if(!rc)
		table_print_csv(t, stdout);
	table_free(t);
	return rc;
}

int cli_stats(const struct fsig_ruleset *rs, int argc, char **argv)
{
	struct args a;
	int rc = parse(argc, argv, &a);
	if(rc >= 0) {
		free(a.rules);
		return rc;
	}
	struct store *st = hist_open("stats", a.hist.db);
	if(!st) {
		free(a.rules);
		return EXIT_ERROR;
	}
	struct stats s = {0};
	struct overview o = {0};
	for(uint32_t i = 0; i < rs->nrules; i++)
		find(&s, rs->rules[i].id, true)->rule = &rs->rules[i];
	if((rc = hist_counts_load(st, "stats", NULL, a.hist.since, counts_of, &s)) != 0 ||
	   (rc = select_rules(&a, &s)) != 0 || (rc = overview(st, &a, &o)) != 0)
		goto out;
	qsort(s.v, s.n, sizeof *s.v, by_jobs);
	if(a.hist.format == FMT_JSON)
		rc = print_json(st, &a, &s, &o);
	else if(a.hist.format == FMT_CSV)
		rc = print_csv(st, &a, &s);
	else
		rc = print_text(st, &a, &s, &o);
out:
	free(o.first);
	free(o.last);
	stats_free(&s);
	store_close(st);
	free(a.rules);
	return rc;
}
