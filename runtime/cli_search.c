/* cli_search.c — `failsig search`: which stored job logs contain this text.
 *
 * The query runs against the full-text index of the stored log lines
 * (log_fts, FTS5 over log_lines.text), or, with --regex, a regex of the rule
 * language is run over the stored lines with the compiler's own engine
 * (compiler/regex.c: a Thompson NFA, linear in the line). Either way the hits
 * (job, line) are collected in a temporary table, from which the jobs (newest
 * first, each with its hit lines and context) or the counts per day, job,
 * runner, tag or project are read. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cli.h"
#include "dynbuf.h"
#include "history.h"
#include "regex.h"
#include "table.h"
#include "text.h"
#include "xalloc.h"

enum { OUT_CAP = 16 << 20 };

static const char search_help[] =
	"usage: failsig search QUERY [--db PATH] [--regex [-i]] [--since DATE]\n"
	"                     [--limit N] [--lines N] [--context N]\n"
	"                     [--count-by " HIST_DIM_NAMES "] [--format text|json]\n"
	"\n"
	"Which jobs' stored logs contain QUERY: the jobs, newest first (by the time\n"
	"they finished), each with its name, project, runner, date, status, web URL\n"
	"and its matching lines (line numbers as GitLab shows them).\n"
	"\n"
	"QUERY is a full-text query over the stored lines (SQLite FTS5 syntax):\n"
	"  word1 word2        lines with both words (whole words, any case, any order)\n"
	"  '\"no space left\"'  the phrase: these words in this order\n"
	"  alloc*             a word starting with 'alloc'\n"
	"  a OR b, a NOT b    boolean operators (upper case); parentheses group\n"
	"  NEAR(a b, 5)       a and b at most 5 words apart\n"
	"Punctuation separates words: '\"exit code 137\"' finds \"exit code: 137\".\n"
	"\n"
	"  --regex          QUERY is a regex of the rule language (docs/language.md;\n"
	"                   /.../i is accepted too), matched on the bytes of each line.\n"
	"                   When the regex has required literal words, the full-text\n"
	"                   index picks the candidate lines first; the summary says\n"
	"                   which lines were scanned\n"
	"  -i, --ignore-case  with --regex: ASCII case-insensitive\n"
	"  --db PATH        the database of `failsig serve` (default failsig.db)\n"
	"  --since DATE     only jobs finished since DATE (2026-11-15, 2026-11-15T08:00,\n"
	"                   or a time ago: 7d, 12h)\n"
	"  --limit N        show the newest N jobs (default 20; 0: all)\n"
	"  --lines N        matching lines shown per job (default 10; 0: all)\n"
	"  --context N      show N stored lines before and after each match\n"
	"  --count-by DIM   how often and where instead of the jobs: jobs and lines\n"
	"                   per day, job name, runner, runner tag or project\n"
	"  --format json    one object: {\"query\", \"mode\", \"prefilter\", \"total_jobs\",\n"
	"                   \"total_lines\", \"jobs\": [{\"id\", \"name\", \"project\",\n"
	"                   \"runner\", \"status\", \"finished_at\", \"web_url\", \"hits\",\n"
	"                   \"lines\": [{\"line\", \"text\", \"match\"}]}]} or, with\n"
	"                   --count-by, \"counts\": [{DIM, \"jobs\", \"lines\"}]\n"
	"\n"
	"Only logs the service stored are searched (`failsig serve` stores them unless\n"
	"--no-store-logs; --retention prunes them).\n"
	"exit status: 0 if some job matched, 1 if none did, 2 on error (like grep)\n";

enum { FMT_TEXT, FMT_JSON };   /* ORDER formats */
static const char *const formats[] = { "text", "json", NULL };

struct args {
	struct hist_args hist;        /* --db, --since, --format */
	const char *query;
	bool regex, icase, json;
	long long limit, lines, context;
	const struct hist_dim *count_by;
};

/* -1: go on; otherwise the exit status. */
static int parse(int argc, char **argv, struct args *a)
{
	memset(a, 0, sizeof *a);
	hist_args_init(&a->hist, formats, "text or json");
	a->limit = 20;
	a->lines = 10;
	for(int i = 1; i < argc; i++) {
		int ok;
		const char *v;
		const char *arg = argv[i];
		if(strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(search_help, stdout);
			return 0;
		}
		int taken = hist_arg("search", argv, argc, &i, &a->hist);
		if(taken < 0)
			return EXIT_ERROR;
		if(taken)
			continue;
		if(strcmp(arg, "--regex") == 0) {
			a->regex = true;
		} else if(strcmp(arg, "-i") == 0 || strcmp(arg, "--ignore-case") == 0) {
			a->icase = true;
		} else if((v = cli_opt("search", argv, argc, &i, "--limit", &ok)) || !ok) {
			if(!ok || hist_number("search", "--limit", v, 1000000000, &a->limit) < 0)
				return EXIT_ERROR;
		} else if((v = cli_opt("search", argv, argc, &i, "--lines", &ok)) || !ok) {
			if(!ok || hist_number("search", "--lines", v, 1000000000, &a->lines) < 0)
				return EXIT_ERROR;
		} else if((v = cli_opt("search", argv, argc, &i, "--context", &ok)) || !ok) {
			if(!ok || hist_number("search", "--context", v, 1000, &a->context) < 0)
				return EXIT_ERROR;
		} else if((v = cli_opt("search", argv, argc, &i, "--count-by", &ok)) || !ok) {
			if(!ok)
				return EXIT_ERROR;
			a->count_by = hist_dim_find(v);
			if(!a->count_by)
				return cli_usage_error("search", "--count-by '%s': use one of %s", v,
				                       HIST_DIM_NAMES);
		} else if(arg[0] == '-' && arg[1] != '\0' && !a->query) {
			return cli_usage_error("search", "unknown option '%s'", arg);
		} else if(!a->query) {
			a->query = arg;
		} else {
			return cli_usage_error("search", "one QUERY only (quote it: '%s %s')", a->query, arg);
		}
	}
	a->json = a->hist.format == FMT_JSON;
	if(!a->query)
		return cli_usage_error("search", "no QUERY given");
	if(a->query[strspn(a->query, " \t")] == '\0')
		return cli_usage_error("search", "the QUERY is empty");
	if(a->icase && !a->regex)
		return cli_usage_error("search", "-i applies to --regex (full-text queries ignore case)");
	return -1;
}

/* ---- collecting the hits ---- */

/* Run sql; 0, or -1 after printing the error. */
static int exec(struct store *st, const char *sql)
{
	if(sqlite3_exec(store_sqlite(st), sql, NULL, NULL, NULL) != SQLITE_OK) {
		hist_db_error(st, "search");
		return -1;
	}
	return 0;
}

/* Is the failed statement's error about the query text (syntax, unknown
 * column filter) rather than the database? */
static bool query_error(struct store *st)
{
	return sqlite3_errcode(store_sqlite(st)) == SQLITE_ERROR;
}

static void fts_hint(void)
{
	fputs("(full-text syntax: words match whole words in any order, \"a phrase\" in double\n"
	      " quotes, prefix*, AND/OR/NOT in upper case, NEAR(a b, 5); quote text with\n"
	      " punctuation: '\"exit code: 137\"'; --regex for a regex; see --help)\n",
	      stderr);
}

static int collect_fts(struct store *st, const struct args *a)
{
	sqlite3_stmt *s = hist_prepare(st, "search",
	                               "INSERT INTO temp.search_hits(job_id, line)"
	                               " SELECT l.job_id, l.line FROM log_fts"
	                               " JOIN log_lines l ON l.id = log_fts.rowid"
	                               " LEFT JOIN jobs j ON j.id = l.job_id"
	                               " WHERE log_fts MATCH ?1"
	                               " AND (?2 IS NULL OR j.finished_at >= ?2)");
	if(!s)
		return EXIT_ERROR;
	sqlite3_bind_text(s, 1, a->query, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, a->hist.since, -1, SQLITE_STATIC);
	int rc = 0;
	if(sqlite3_step(s) != SQLITE_DONE) {
		if(query_error(st)) {
			const char *msg = sqlite3_errmsg(store_sqlite(st));
			static const char end[] = "near \"\"";
			size_t n = strlen(msg);
			bool at_end = n >= sizeof end - 1 && strcmp(msg + n - (sizeof end - 1), end) == 0;
			fprintf(stderr, "failsig search: invalid full-text query '%s': %s%s\n", a->query, msg,
			        at_end ? " (the query ends too early)" : "");
			fts_hint();
			rc = EXIT_ERROR;
		} else {
			rc = hist_db_error(st, "search");
		}
	}
	sqlite3_finalize(s);
	return rc;
}

static bool fts_token_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* An FTS5 phrase that every line containing the factor matches: the words
 * of the factor that are surely whole words (a run of letters and digits
 * cut at the factor's start may be the end of a longer word, so it is left
 * out) and, when the factor ends inside a word, that word as a prefix.
 * The default tokenizer (unicode61) splits ASCII at every byte that is not
 * a letter or digit and ignores case. Returns false when no word is
 * usable, or the factor has non-ASCII bytes (whose word-ness the
 * tokenizer decides by Unicode category). */
static bool factor_phrase(const struct rx_factor *f, struct dynbuf *q)
{
	size_t words = 0;
	for(size_t i = 0; i < f->len; i++) {
		if(f->bytes[i] >= 0x80)
			return false;
	}
	dynbuf_adds(q, "\"");
	bool prefix = false;
	for(size_t i = 0; i < f->len;) {
		if(!fts_token_byte(f->bytes[i])) {
			i++;
			continue;
		}
		size_t start = i;
		while(i < f->len && fts_token_byte(f->bytes[i]))
			i++;
		if(start == 0)
			continue;  /* may be the tail of a longer word */
		if(words++)
			dynbuf_adds(q, " ");
		dynbuf_add(q, f->bytes + start, i - start);
		prefix = i == f->len;
	}
	dynbuf_adds(q, prefix ? "\"*" : "\"");
	return words > 0;
}

/* The FTS5 query selecting every line the regex can match, or NULL. */
static char *prefilter_query(struct arena *ar, const struct rx *r)
{
	struct rx_factors fs;
	if(!rx_required_factors(ar, r, 3, &fs) || fs.n == 0)
		return NULL;
	struct dynbuf q;
	dynbuf_init(&q, 1 << 20);
	for(size_t i = 0; i < fs.n; i++) {
		if(i)
			dynbuf_adds(&q, " OR ");
		if(!factor_phrase(&fs.v[i], &q)) {
			dynbuf_free(&q);
			return NULL;
		}
	}
	return dynbuf_take(&q, NULL);
}

/* The regex body of a QUERY given as /body/flags (flags: 'i'); else the
 * whole QUERY. */
static void regex_body(const char *query, const char **body, size_t *len, bool *icase,
                       size_t *col)
{
	size_t n = strlen(query);
	*body = query;
	*len = n;
	*col = 0;
	if(n < 2 || query[0] != '/')
		return;
	size_t end = n;
	while(end > 1 && query[end - 1] == 'i')
		end--;
	if(end < 2 || query[end - 1] != '/' || (end >= 3 && query[end - 2] == '\\'))
		return;
	if(end < n)
		*icase = true;
	*body = query + 1;
	*len = end - 2;
	*col = 1;
}

struct regex_scan {
	char *prefilter;              /* the FTS5 query used, or NULL: every line */
	long long scanned, stored;    /* lines run through the regex, lines stored */
};

static int collect_regex(struct store *st, const struct args *a, struct regex_scan *rs)
{
	const char *body;
	size_t len, col;
	bool icase = a->icase;
	regex_body(a->query, &body, &len, &icase, &col);
	struct arena *ar = arena_new();
	struct rx_error err;
	int rc = 0;
	sqlite3_stmt *sel = NULL, *ins = NULL;
	struct rx *r = rx_parse(ar, body, len, icase ? RX_ICASE : 0, &err);
	if(!r) {
		fprintf(stderr, "failsig search: invalid regex: %s\n    %s\n    %*s^", err.msg, a->query,
		        (int)(col + err.offset), "");
		for(size_t i = 1; i < err.length; i++)
			fputc('~', stderr);
		fputc('\n', stderr);
		rc = EXIT_ERROR;
		goto out;
	}
	if(rx_matches_empty(r)) {
		fprintf(stderr, "failsig search: the regex '%s' matches the empty string, so every line\n",
		        a->query);
		rc = EXIT_ERROR;
		goto out;
	}
	rs->prefilter = prefilter_query(ar, r);
	sel = hist_prepare(st, "search",
	                   rs->prefilter
	                       ? "SELECT l.job_id, l.line, l.text FROM log_lines l"
	                         " LEFT JOIN jobs j ON j.id = l.job_id"
	                         " WHERE (?1 IS NULL OR j.finished_at >= ?1) AND l.id IN"
	                         " (SELECT rowid FROM log_fts WHERE log_fts MATCH ?2)"
	                       : "SELECT l.job_id, l.line, l.text FROM log_lines l"
	                         " LEFT JOIN jobs j ON j.id = l.job_id"
	                         " WHERE (?1 IS NULL OR j.finished_at >= ?1)");
	ins = hist_prepare(st, "search", "INSERT INTO temp.search_hits(job_id, line) VALUES (?1, ?2)");
	if(!sel || !ins) {
		rc = EXIT_ERROR;
		goto out;
	}
	sqlite3_bind_text(sel, 1, a->hist.since, -1, SQLITE_STATIC);
	if(rs->prefilter)
		sqlite3_bind_text(sel, 2, rs->prefilter, -1, SQLITE_STATIC);
	int step;
	while((step = sqlite3_step(sel)) == SQLITE_ROW) {
		const unsigned char *text = sqlite3_column_text(sel, 2);
		int n = sqlite3_column_bytes(sel, 2);
		rs->scanned++;
		if(!text || !rx_search(r, text, (size_t)n))
			continue;
		sqlite3_bind_int64(ins, 1, sqlite3_column_int64(sel, 0));
		sqlite3_bind_int64(ins, 2, sqlite3_column_int64(sel, 1));
		if(sqlite3_step(ins) != SQLITE_DONE) {
			rc = hist_db_error(st, "search");
			goto out;
		}
		sqlite3_reset(ins);
	}
	if(step != SQLITE_DONE) {
		rc = hist_db_error(st, "search");
		goto out;
	}
	sqlite3_finalize(sel);
	sel = hist_prepare(st, "search", "SELECT count(*) FROM log_lines");
	if(!sel || sqlite3_step(sel) != SQLITE_ROW) {
		rc = sel ? hist_db_error(st, "search") : EXIT_ERROR;
		goto out;
	}
	rs->stored = sqlite3_column_int64(sel, 0);
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	arena_free(ar);
	return rc;
}

/* ---- output ---- */

static char *regex_note(const struct regex_scan *rs)
{
	struct dynbuf b;
	dynbuf_init(&b, 1 << 20);
	if(rs->prefilter)
		dynbuf_printf(&b, "regex: prefiltered by the full-text query %s (words every match"
		              " contains): %lld of %lld stored lines scanned", rs->prefilter,
		              rs->scanned, rs->stored);
	else
		dynbuf_printf(&b, "regex: no word every match contains for the full-text index to look"
		              " up: all %lld stored lines scanned", rs->scanned);
	return dynbuf_take(&b, NULL);
}

static int count_by(struct store *st, const struct args *a, json_t *root, long long jobs,
                    long long lines, const char *note)
{
	const struct hist_dim *d = a->count_by;
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT %s AS k, count(DISTINCT h.job_id) AS n, count(*) FROM temp.search_hits h"
	         " LEFT JOIN jobs j ON j.id = h.job_id%s GROUP BY k ORDER BY %s",
	         d->key, d->join, d->chrono ? "k" : "n DESC, k");
	sqlite3_stmt *s = hist_prepare(st, "search", sql);
	if(!s)
		return EXIT_ERROR;
	struct table *t = hist_dim_table(d, false);
	int rc = hist_dim_rows(st, "search", s, t, NULL);
	if(rc) {
		table_free(t);
		return rc;
	}
	if(root) {
		json_object_set_new(root, "count_by", json_string(d->name));
		json_object_set_new(root, "counts", table_json(t));
	} else {
		table_print_text(t, stdout, "");
		printf("%lld job%s, %lld matching line%s\n", jobs, jobs == 1 ? "" : "s", lines,
		       lines == 1 ? "" : "s");
		if(note)
			printf("(%s)\n", note);
	}
	table_free(t);
	return 0;
}

struct job_out {
	struct dynbuf *b;
	json_t *lines;                /* JSON: the array being filled; NULL: text */
	bool context;                 /* --context: windows are separated by "--" */
};

static void print_line(void *ctx, long long line, const char *text, bool hit, bool gap)
{
	struct job_out *o = ctx;
	if(o->lines) {
		json_t *l = json_object();
		json_object_set_new(l, "line", json_integer(line));
		json_object_set_new(l, "text", hist_json_text(o->b, text));
		json_object_set_new(l, "match", json_boolean(hit));
		json_array_append_new(o->lines, l);
		return;
	}
	if(gap && o->context)
		printf("    --\n");
	dynbuf_reset(o->b);
	printf("%8lld%c %s\n", line, hit ? ':' : '-', text_printable(o->b, text, strlen(text)));
}

static int list_jobs(struct store *st, const struct args *a, json_t *root, long long jobs,
                     long long lines, const char *note)
{
	sqlite3_stmt *s = hist_prepare(st, "search",
	                               "SELECT h.job_id, count(*), " HIST_JOB_COLS
	                               " FROM temp.search_hits h LEFT JOIN jobs j ON j.id = h.job_id"
	                               " GROUP BY h.job_id ORDER BY j.finished_at DESC, h.job_id DESC"
	                               " LIMIT ?1");
	sqlite3_stmt *hs = hist_prepare(st, "search",
	                                "SELECT line FROM temp.search_hits WHERE job_id = ?1"
	                                " ORDER BY line LIMIT ?2");
	if(!s || !hs) {
		sqlite3_finalize(s);
		sqlite3_finalize(hs);
		return EXIT_ERROR;
	}
	sqlite3_bind_int64(s, 1, a->limit ? a->limit : -1);
	struct dynbuf b;
	dynbuf_init(&b, OUT_CAP);
	json_t *arr = root ? json_array() : NULL;
	long long *hits = NULL;
	size_t hitcap = 0;
	long long shown = 0;
	int rc = 0, step;
	while((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct hist_job j;
		long long id = sqlite3_column_int64(s, 0);
		long long nhits = sqlite3_column_int64(s, 1);
		hist_job_read(s, 2, &j);
		j.id = id;
		/* The hit lines shown (one more tells whether some are left out). */
		sqlite3_bind_int64(hs, 1, id);
		sqlite3_bind_int64(hs, 2, a->lines ? a->lines : -1);
		size_t n = 0;
		while(sqlite3_step(hs) == SQLITE_ROW) {
			if(n == hitcap) {
				hitcap = hitcap ? 2 * hitcap : 64;
				hits = xrealloc(hits, hitcap * sizeof *hits);
			}
			hits[n++] = sqlite3_column_int64(hs, 0);
		}
		sqlite3_reset(hs);
		struct job_out o = {&b, NULL, a->context > 0};
		char day[64];
		if(arr) {
			json_t *jo = hist_job_json(&j, true, &b);
			json_object_set_new(jo, "hits", json_integer(nhits));
			o.lines = json_array();
			json_object_set_new(jo, "lines", o.lines);
			json_array_append_new(arr, jo);
		} else {
			if(shown)
				printf("\n");
			dynbuf_reset(&b);
			dynbuf_printf(&b, "%lld %s (%s, %s, %s, %s)", id,
			              j.name ? j.name : "(job not recorded)",
			              j.project ? j.project : "?", j.runner ? j.runner : "?",
			              hist_day(j.finished_at, day), j.status ? j.status : "?");
			printf("%s\n", b.ptr);
			if(j.web_url)
				printf("%s\n", j.web_url);
		}
		if(hist_context(st, "search", id, hits, n, (unsigned)a->context, print_line, &o) < 0) {
			hist_job_free(&j);
			rc = EXIT_ERROR;
			break;
		}
		if(!arr && (long long)n < nhits)
			printf("    (%lld more matching line%s)\n", nhits - (long long)n,
			       nhits - (long long)n == 1 ? "" : "s");
		hist_job_free(&j);
		shown++;
	}
	if(!rc && step != SQLITE_DONE)
		rc = hist_db_error(st, "search");
	sqlite3_finalize(s);
	sqlite3_finalize(hs);
	free(hits);
	dynbuf_free(&b);
	if(arr) {
		json_object_set_new(root, "jobs", arr);
	} else if(!rc) {
		if(shown)
			printf("\n");
		printf("%lld job%s, %lld matching line%s", jobs, jobs == 1 ? "" : "s", lines,
		       lines == 1 ? "" : "s");
		if(shown < jobs)
			printf(" (the newest %lld shown: --limit)", shown);
		printf("\n");
		if(note)
			printf("(%s)\n", note);
	}
	return rc;
}

/* Nothing found: say so when the database has no stored log at all. */
static void no_logs_hint(struct store *st)
{
	sqlite3_stmt *s = hist_prepare(st, "search", "SELECT EXISTS (SELECT 1 FROM log_lines)");
	if(s && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 0)
		fprintf(stderr, "failsig search: the database holds no stored log (`failsig serve`"
		                " stores them unless --no-store-logs)\n");
	sqlite3_finalize(s);
}

int cli_search(const struct fsig_ruleset *rs, int argc, char **argv)
{
	struct args a;
	int rc = parse(argc, argv, &a);
	if(rc >= 0)
		return rc;
	struct store *st = hist_open("search", a.hist.db);
	if(!st)
		return EXIT_ERROR;
	struct regex_scan scan = {0};
	char *note = NULL;
	json_t *root = NULL;
	if(exec(st, "CREATE TEMP TABLE search_hits(job_id INTEGER NOT NULL,"
	            " line INTEGER NOT NULL);") < 0) {
		rc = EXIT_ERROR;
		goto out;
	}
	rc = a.regex ? collect_regex(st, &a, &scan) : collect_fts(st, &a);
	if(rc)
		goto out;
	if(exec(st, "CREATE INDEX temp.search_hits_job ON search_hits(job_id, line);") < 0) {
		rc = EXIT_ERROR;
		goto out;
	}
	sqlite3_stmt *s = hist_prepare(st, "search",
	                               "SELECT count(DISTINCT job_id), count(*) FROM temp.search_hits");
	if(!s || sqlite3_step(s) != SQLITE_ROW) {
		rc = s ? hist_db_error(st, "search") : EXIT_ERROR;
		sqlite3_finalize(s);
		goto out;
	}
	long long jobs = sqlite3_column_int64(s, 0), lines = sqlite3_column_int64(s, 1);
	sqlite3_finalize(s);
	if(a.regex)
		note = regex_note(&scan);
	if(a.json) {
		struct dynbuf b;
		dynbuf_init(&b, OUT_CAP);
		root = json_object();
		json_object_set_new(root, "query", hist_json_text(&b, a.query));
		json_object_set_new(root, "mode", json_string(a.regex ? "regex" : "fts"));
		json_object_set_new(root, "prefilter", hist_json_text(&b, scan.prefilter));
		json_object_set_new(root, "total_jobs", json_integer(jobs));
		json_object_set_new(root, "total_lines", json_integer(lines));
		dynbuf_free(&b);
	}
	if(a.count_by)
		rc = count_by(st, &a, root, jobs, lines, note);
	else
		rc = list_jobs(st, &a, root, jobs, lines, note);
	if(rc)
		goto out;
	if(root) {
		char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(text);
		free(text);
	}
	if(jobs == 0)
		no_logs_hint(st);
	rc = jobs ? EXIT_MATCH : EXIT_NO_MATCH;
out:
	json_decref(root);
	free(note);
	free(scan.prefilter);
	store_close(st);
	return rc;
}
