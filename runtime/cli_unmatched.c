/* cli_unmatched.c — `failsig unmatched`: failed jobs no rule explains,
 * grouped by what they last complained about, and `--draft JOB`: a first
 * .rules stanza for one of them.
 *
 * For each failed job without a match that made a rule act, the last
 * stored lines of its log are read from the end, skipping what GitLab and
 * the build tool print after every failure ("ERROR: Job failed: exit code
 * 1", cleanup sections), and the error line is the nearest one with an
 * error word in it (error, fatal, failed, killed, ...), else the nearest
 * line left. Lines are grouped by their normalised form: numbers, hex,
 * paths, URLs and times become placeholders, so the same failure on two
 * jobs lands in one group. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "dynbuf.h"
#include "history.h"
#include "text.h"
#include "xalloc.h"

enum {
	LAST_LINES = 25,              /* the lines of a log's end that are looked at */
	MIN_LITERAL = 8,              /* a draft's match literal: at least this long */
	LINE_CAP = 1 << 20,
};

static const char unmatched_help[] =
	"usage: failsig unmatched [--db PATH] [--since DATE] [--limit N] [--examples N]\n"
	"                        [--format text|json]\n"
	"       failsig unmatched --draft JOB [--db PATH]\n"
	"\n"
	"List the failed jobs that no rule explains (no match that made a rule act),\n"
	"grouped by their error line, largest group first: the place to look for the\n"
	"next rule. A job's error line is found in the last 25 stored lines of its\n"
	"log, from the end: lines printed after every failure are skipped (\"ERROR: Job\n"
	"failed: exit code N\", \"Build failed.\", the cleanup and artifact upload\n"
	"sections), and the nearest line with an error word (error, fatal, fail,\n"
	"killed, panic, abort, exception, cannot, unable, denied, refused, timeout,\n"
	"timed out, ...) that is not a summary counter (\"failed   0\") is taken, else\n"
	"the nearest line left. Jobs whose lines are\n"
	"the same once numbers, hex, paths, URLs and times are replaced by <n>, <hex>,\n"
	"<path>, <url>, <time> form one group.\n"
	"\n"
	"  --db PATH        the database of `failsig serve` (default failsig.db)\n"
	"  --since DATE     only jobs finished since DATE (2026-11-15, 2026-11-15T08:00,\n"
	"                   or a time ago: 7d, 12h)\n"
	"  --limit N        show the N largest groups (default 20; 0: all)\n"
	"  --examples N     example jobs per group (default 3)\n"
	"  --format json    {\"since\", \"total_jobs\", \"total_groups\", \"groups\": [{\"jobs\",\n"
	"                   \"pattern\", \"line\", \"examples\": [{\"id\", \"name\", \"project\",\n"
	"                   \"runner\", \"finished_at\", \"web_url\", \"line\", \"text\"}]}]}\n"
	"  --draft JOB      print a starting .rules stanza for job JOB (an id): a rule id\n"
	"                   made from its error line, a title and ticket to fill in,\n"
	"                   `match` with the longest fixed part of that line, `observe`\n"
	"                   (record only) with `retry` commented out, and the line as\n"
	"                   an `example`. It passes `failsigc check` as it is; make it\n"
	"                   specific before sending it (docs/guide.md)\n"
	"exit status: 0 if some failed job is unexplained (--draft: printed), 1 if none,\n"
	"2 on error\n";

enum { FMT_TEXT, FMT_JSON };   /* ORDER formats */
static const char *const formats[] = { "text", "json", NULL };

struct args {
	struct hist_args hist;        /* --db, --since, --format */
	bool json;
	long long limit, examples, draft;
	bool has_draft;
};

static int parse(int argc, char **argv, struct args *a)
{
	memset(a, 0, sizeof *a);
	hist_args_init(&a->hist, formats, "text or json");
	a->limit = 20;
	a->examples = 3;
	for(int i = 1; i < argc; i++) {
		int ok;
		const char *v;
		if(strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(unmatched_help, stdout);
			return 0;
		}
		int taken = hist_arg("unmatched", argv, argc, &i, &a->hist);
		if(taken < 0)
			return EXIT_ERROR;
		if(taken)
			continue;
		if((v = cli_opt("unmatched", argv, argc, &i, "--limit", &ok)) || !ok) {
			if(!ok || hist_number("unmatched", "--limit", v, 1000000000, &a->limit) < 0)
				return EXIT_ERROR;
		} else if((v = cli_opt("unmatched", argv, argc, &i, "--examples", &ok)) || !ok) {
			if(!ok || hist_number("unmatched", "--examples", v, 1000, &a->examples) < 0)
				return EXIT_ERROR;
		} else if((v = cli_opt("unmatched", argv, argc, &i, "--draft", &ok)) || !ok) {
			if(!ok || hist_number("unmatched", "--draft", v, (1LL << 62), &a->draft) < 0)
				return EXIT_ERROR;
			a->has_draft = true;
		} else if(argv[i][0] == '-' && argv[i][1] != '\0') {
			return cli_usage_error("unmatched", "unknown option '%s'", argv[i]);
		} else {
			return cli_usage_error("unmatched", "unexpected argument '%s'", argv[i]);
		}
	}
	a->json = a->hist.format == FMT_JSON;
	return -1;
}

/* ---- the error line of a log ---- */

/* Words that make a line the error line (ASCII, any case). */
static const char *const error_words[] = {
	"error", "fatal", "fail", "killed", "panic", "abort", "exception", "cannot", "can't",
	"couldn't", "could not", "unable", "denied", "refused", "timeout", "timed out",
	"segmentation", "no such", "not found", "terminated", "took longer", "out of memory",
	"no space",
};

/* Normalised lines printed after every failure: never the error line. */
static const char *const generic_lines[] = {
	"ERROR: Job failed: exit code <n>",
	"ERROR: Job failed: exit status <n>",
	"Job succeeded",
	"Build failed.",
	"Command failed",
	"Cleaning up project directory and file based variables",
	"Uploading artifacts for failed job",
	"Uploading artifacts...",
};

/* Sections (prefixes) GitLab runs after the script: housekeeping. */
static const char *const after_sections[] = {
	"cleanup_file_variables", "upload_artifacts", "archive_cache",
};

static bool has_error_word(const char *s, size_t n)
{
	for(size_t w = 0; w < sizeof error_words / sizeof error_words[0]; w++) {
		size_t k = strlen(error_words[w]);
		for(size_t i = 0; i + k <= n; i++) {
			if(strncasecmp(s + i, error_words[w], k) == 0)
				return true;
		}
	}
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Bytes a path or URL token may hold (it ends at space, quotes, brackets). */
static bool is_path_byte(char c)
{
	return c && !is_space(c) && !strchr("'\"`()[]{}<>,;|", c);
}

/* Length of digits at s[0..n), at most max. */
static size_t ndigits(const char *s, size_t n, size_t max)
{
	size_t i = 0;
	while(i < n && i < max && is_digit(s[i]))
		i++;
	return i;
}

/* A date/time at s: 2026-11-16, 2026-11-16T12:00:00.000Z, 12:00:01. Its
 * length, or 0. */
static size_t time_len(const char *s, size_t n)
{
	size_t i = 0;
	if(ndigits(s, n, 4) == 4 && n > 9 && s[4] == '-' && ndigits(s + 5, n - 5, 2) == 2 &&
	   s[7] == '-' && ndigits(s + 8, n - 8, 2) == 2) {
		i = 10;
		if(i + 6 <= n && (s[i] == 'T' || s[i] == ' ') && ndigits(s + i + 1, n - i - 1, 2) == 2 &&
		   s[i + 3] == ':' && ndigits(s + i + 4, n - i - 4, 2) == 2)
			i += 6;
		else
			return i;
	} else {
		size_t h = ndigits(s, n, 2);
		if(h == 0 || h + 3 > n || s[h] != ':' || ndigits(s + h + 1, n - h - 1, 2) != 2)
			return 0;
		i = h + 3;
		if(i + 3 > n || s[i] != ':' || ndigits(s + i + 1, n - i - 1, 2) != 2)
			return 0;
	}
	if(i + 3 <= n && s[i] == ':' && ndigits(s + i + 1, n - i - 1, 2) == 2)
		i += 3;
	if(i < n && (s[i] == '.' || s[i] == ',') && i + 1 < n && is_digit(s[i + 1])) {
		i++;
		i += ndigits(s + i, n - i, 9);
	}
	if(i < n && s[i] == 'Z')
		i++;
	else if(i + 5 <= n && (s[i] == '+' || s[i] == '-') && ndigits(s + i + 1, n - i - 1, 2) == 2 &&
	        (ndigits(s + i + 3, n - i - 3, 2) == 2 || (s[i + 3] == ':' && i + 6 <= n)))
		i += s[i + 3] == ':' ? 6 : 5;
	return i;
}

/* A token holding '/' or '\' (a path, a URL, an image name): its length
 * without trailing punctuation, or 0. */
static size_t path_len(const char *s, size_t n)
{
	size_t i = 0;
	bool slash = false;
	while(i < n && is_path_byte(s[i])) {
		slash |= s[i] == '/' || s[i] == '\\';
		i++;
	}
	while(i > 0 && strchr(":.!?", s[i - 1]))
		i--;
	return slash && i >= 2 ? i : 0;
}

static bool is_url(const char *s, size_t n)
{
	size_t i = 0;
	while(i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		i++;
	return i >= 2 && i + 3 <= n && memcmp(s + i, "://", 3) == 0;
}

/* A hex word (a commit, a container id): 7+ hex digits with a letter and a
 * digit, as a whole word. Its length, or 0. */
static size_t hexword_len(const char *s, size_t n)
{
	size_t i = 0;
	bool digit = false, letter = false;
	while(i < n && is_hex(s[i])) {
		digit |= is_digit(s[i]);
		letter |= !is_digit(s[i]);
		i++;
	}
	if(i < 7 || !digit || !letter || (i < n && is_alnum(s[i])))
		return 0;
	return i;
}

/* Normalising a line, and finding its longest fixed part on the way. */
struct norm {
	struct dynbuf *out;           /* the normalised line */
	const char *line;
	size_t span;                  /* start of the run copied verbatim */
	size_t best, best_len;        /* the best such run so far (trimmed) */
	bool best_word;               /* it has an error word */
};

/* End the verbatim run at `end`: keep it if it beats the best one. */
static void close_span(struct norm *nm, size_t end)
{
	size_t b = nm->span, e = end;
	/* Without the punctuation cut at its ends: ") failed: ENOSPC (". */
	while(b < e && (is_space(nm->line[b]) || strchr("'\"`)]}>,;:.", nm->line[b])))
		b++;
	while(e > b && (is_space(nm->line[e - 1]) || strchr("'\"`([{<,;:", nm->line[e - 1])))
		e--;
	bool word = has_error_word(nm->line + b, e - b);
	if((word && !nm->best_word) || (word == nm->best_word && e - b > nm->best_len)) {
		nm->best = b;
		nm->best_len = e - b;
		nm->best_word = word;
	}
}

static void replace(struct norm *nm, size_t *i, size_t len, const char *with)
{
	close_span(nm, *i);
	dynbuf_adds(nm->out, with);
	*i += len;
	nm->span = *i;
}

/* Append the normalised form of line[0..n) to out; best and best_len: the
 * longest part kept verbatim (preferring one with an error word). */
static void normalise(struct dynbuf *out, const char *line, size_t n, size_t *best,
                      size_t *best_len)
{
	struct norm nm = {out, line, 0, 0, 0, false};
	size_t i = 0;
	while(i < n && is_space(line[i]))
		i++;
	nm.span = i;
	while(i < n) {
		char c = line[i];
		bool word_start = i == 0 || !is_alnum(line[i - 1]);
		size_t k;
		if(is_space(c)) {
			size_t j = i;
			while(j < n && is_space(line[j]))
				j++;
			if(j == n)
				break;
			if(j - i > 1 || c != ' ') {
				replace(&nm, &i, j - i, " ");
			} else {
				dynbuf_add(out, " ", 1);
				i++;
			}
		} else if(word_start && is_url(line + i, n - i)) {
			k = 0;
			while(i + k < n && is_path_byte(line[i + k]))
				k++;
			replace(&nm, &i, k, "<url>");
		} else if(word_start && (k = time_len(line + i, n - i)) > 0) {
			replace(&nm, &i, k, "<time>");
		} else if(word_start && c == '0' && i + 2 < n &&
		          (line[i + 1] == 'x' || line[i + 1] == 'X') && is_hex(line[i + 2])) {
			k = 2;
			while(i + k < n && is_hex(line[i + k]))
				k++;
			replace(&nm, &i, k, "<hex>");
		} else if((i == 0 || !is_path_byte(line[i - 1])) && (k = path_len(line + i, n - i)) > 0) {
			replace(&nm, &i, k, "<path>");
		} else if(word_start && (k = hexword_len(line + i, n - i)) > 0) {
			replace(&nm, &i, k, "<hex>");
		} else if(is_digit(c)) {
			k = ndigits(line + i, n - i, n);
			while(i + k + 1 < n && line[i + k] == '.' && is_digit(line[i + k + 1]))
				k += 1 + ndigits(line + i + k + 1, n - i - k - 1, n);
			replace(&nm, &i, k, "<n>");
		} else {
			dynbuf_add(out, &c, 1);
			i++;
		}
	}
	close_span(&nm, i);
	*best = nm.best;
	*best_len = nm.best_len;
}

static bool generic(const char *norm)
{
	for(size_t i = 0; i < sizeof generic_lines / sizeof generic_lines[0]; i++) {
		if(strcmp(norm, generic_lines[i]) == 0)
			return true;
	}
	return false;
}

/* "failed   0", "Errors: 2": a counter of a summary, not an error. */
static bool counter(const char *norm)
{
	size_t n = strlen(norm);
	if(n < 4 || strcmp(norm + n - 3, "<n>") != 0)
		return false;
	for(size_t i = 0; i + 3 < n; i++) {
		char c = norm[i];
		if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || strchr(" :=-", c)))
			return false;
	}
	return true;
}

static bool after_script(const char *section)
{
	for(size_t i = 0; section && i < sizeof after_sections / sizeof after_sections[0]; i++) {
		if(strncmp(section, after_sections[i], strlen(after_sections[i])) == 0)
			return true;
	}
	return false;
}

/* A job's chosen error line. */
struct errline {
	long long line;               /* 0: none (empty or unstored log) */
	char *text, *section;         /* owned */
	char *norm;                   /* the group key (owned) */
	size_t lit, lit_len;          /* the longest fixed part of text */
};

static void errline_free(struct errline *e)
{
	free(e->text);
	free(e->section);
	free(e->norm);
}

/* Read the end of job_id's stored log and choose its error line. 0, or
 * EXIT_ERROR (printed). */
static int choose(struct store *st, sqlite3_stmt *s, const struct hist_job *j, struct errline *e)
{
	memset(e, 0, sizeof *e);
	sqlite3_bind_int64(s, 1, j->id);
	sqlite3_bind_int(s, 2, LAST_LINES);
	struct dynbuf nb;
	dynbuf_init(&nb, LINE_CAP);
	int rank = 0;                 /* of e: 1 any line, 2 not generic, 3 with an error word */
	int rc;
	while(rank < 3 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *text = hist_text(s, 2);
		const char *section = hist_text(s, 1);
		size_t n = text ? (size_t)sqlite3_column_bytes(s, 2) : 0;
		size_t lit, lit_len;
		dynbuf_reset(&nb);
		normalise(&nb, text ? text : "", n, &lit, &lit_len);
		int r = 1;
		const char *norm = nb.ptr ? nb.ptr : "";
		if(!after_script(section) && !generic(norm))
			r = has_error_word(text ? text : "", n) && !counter(norm) ? 3 : 2;
		if(r <= rank)
			continue;
		errline_free(e);
		e->line = sqlite3_column_int64(s, 0);
		e->text = xstrdup(text ? text : "");
		e->section = section ? xstrdup(section) : NULL;
		e->norm = xstrdup(nb.ptr ? nb.ptr : "");
		e->lit = lit;
		e->lit_len = lit_len;
		rank = r;
	}
	if(rank < 3 && rc != SQLITE_DONE) {
		sqlite3_reset(s);
		dynbuf_free(&nb);
		return hist_db_error(st, "unmatched");
	}
	sqlite3_reset(s);
	dynbuf_free(&nb);
	if(!e->line)
		e->norm = xstrdup(j->log_stored ? "(empty log)" : "(log not stored)");
	return 0;
}

static sqlite3_stmt *tail_query(struct store *st)
{
	return hist_prepare(st, "unmatched",
	                    "SELECT line, section, text FROM log_lines WHERE job_id = ?1"
	                    " ORDER BY line DESC LIMIT ?2");
}

/* ---- the groups ---- */

struct entry {
	struct hist_job job;
	struct errline err;
	size_t order;                 /* newest first */
};

struct group {
	struct entry **v;             /* newest first */
	size_t n;
};

static int by_key(const void *pa, const void *pb)
{
	const struct entry *a = *(struct entry *const *)pa, *b = *(struct entry *const *)pb;
	int c = strcmp(a->err.norm, b->err.norm);
	if(c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

static int by_size(const void *pa, const void *pb)
{
	const struct group *a = pa, *b = pb;
	if(a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->v[0]->order < b->v[0]->order ? -1 : a->v[0]->order > b->v[0]->order;
}

static void print_groups(const struct args *a, const struct group *g, size_t ng, size_t njobs)
{
	struct dynbuf b;
	dynbuf_init(&b, LINE_CAP);
	size_t show = a->limit && (size_t)a->limit < ng ? (size_t)a->limit : ng;
	size_t nex = (size_t)a->examples;
	json_t *root = NULL, *groups = NULL;
	if(a->json) {
		root = json_object();
		json_object_set_new(root, "since", hist_json_text(&b, a->hist.since));
		json_object_set_new(root, "total_jobs", json_integer((json_int_t)njobs));
		json_object_set_new(root, "total_groups", json_integer((json_int_t)ng));
		groups = json_array();
		json_object_set_new(root, "groups", groups);
	} else {
		printf("%zu failed job%s no rule explains", njobs, njobs == 1 ? "" : "s");
		if(a->hist.since)
			printf(" (finished since %s)", a->hist.since);
		printf(", in %zu group%s", ng, ng == 1 ? "" : "s");
		if(show < ng)
			printf(" (the %zu largest shown: --limit)", show);
		printf("\n");
	}
	for(size_t i = 0; i < show; i++) {
		const struct entry *rep = g[i].v[0];
		if(groups) {
			json_t *o = json_object(), *ex = json_array();
			json_object_set_new(o, "jobs", json_integer((json_int_t)g[i].n));
			json_object_set_new(o, "pattern", hist_json_text(&b, rep->err.norm));
			json_object_set_new(o, "line",
			                    rep->err.line ? hist_json_text(&b, rep->err.text) : json_null());
			for(size_t k = 0; k < g[i].n && k < nex; k++) {
				const struct entry *e = g[i].v[k];
				json_t *jo = hist_job_json(&e->job, false, &b);
				json_object_set_new(jo, "line",
				                    e->err.line ? json_integer(e->err.line) : json_null());
				json_object_set_new(jo, "text",
				                    e->err.line ? hist_json_text(&b, e->err.text) : json_null());
				json_array_append_new(ex, jo);
			}
			json_object_set_new(o, "examples", ex);
			json_array_append_new(groups, o);
			continue;
		}
		dynbuf_reset(&b);
		const char *shown = rep->err.line ? rep->err.text : rep->err.norm;
		printf("\n%zu job%s: %s\n", g[i].n, g[i].n == 1 ? "" : "s",
		       text_printable(&b, shown, strlen(shown)));
		if(rep->err.line && strcmp(rep->err.norm, rep->err.text) != 0) {
			dynbuf_reset(&b);
			printf("  pattern: %s\n",
			       text_printable(&b, rep->err.norm, strlen(rep->err.norm)));
		}
		for(size_t k = 0; k < g[i].n && k < nex; k++) {
			const struct entry *e = g[i].v[k];
			char day[64];
			dynbuf_reset(&b);
			dynbuf_printf(&b, "  %lld %s (%s, %s, %s)", e->job.id,
			              e->job.name ? e->job.name : "?", e->job.project ? e->job.project : "?",
			              e->job.runner ? e->job.runner : "?", hist_day(e->job.finished_at, day));
			if(e->err.line)
				dynbuf_printf(&b, " line %lld", e->err.line);
			printf("%s\n", b.ptr);
			if(e->job.web_url)
				printf("    %s\n", e->job.web_url);
		}
		if(g[i].n > nex)
			printf("  (%zu more job%s)\n", g[i].n - nex, g[i].n - nex == 1 ? "" : "s");
		if(rep->err.line)
			printf("  draft a rule: failsig unmatched --draft %lld\n", rep->job.id);
	}
	if(root) {
		char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(text);
		free(text);
		json_decref(root);
	}
	dynbuf_free(&b);
}

static int list(struct store *st, const struct args *a)
{
	sqlite3_stmt *s = hist_prepare(st, "unmatched",
	                               "SELECT " HIST_JOB_COLS " FROM jobs j"
	                               " WHERE j.status = 'failed' AND NOT EXISTS (SELECT 1 FROM"
	                               " matches m WHERE m.job_id = j.id AND m.status_ok != 0)"
	                               " AND (?1 IS NULL OR j.finished_at >= ?1)"
	                               " ORDER BY j.finished_at DESC, j.id DESC");
	sqlite3_stmt *tail = tail_query(st);
	struct entry *ev = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	if(!s || !tail) {
		rc = EXIT_ERROR;
		goto out;
	}
	sqlite3_bind_text(s, 1, a->hist.since, -1, SQLITE_STATIC);
	int step;
	while((step = sqlite3_step(s)) == SQLITE_ROW) {
		if(n == cap) {
			cap = cap ? 2 * cap : 64;
			ev = xrealloc(ev, cap * sizeof *ev);
		}
		struct entry *e = &ev[n];
		memset(e, 0, sizeof *e);
		hist_job_read(s, 0, &e->job);
		e->order = n++;
		if((rc = choose(st, tail, &e->job, &e->err)) != 0)
			goto out;
	}
	if(step != SQLITE_DONE) {
		rc = hist_db_error(st, "unmatched");
		goto out;
	}
	struct entry **idx = xcalloc(n ? n : 1, sizeof *idx);
	for(size_t i = 0; i < n; i++)
		idx[i] = &ev[i];
	qsort(idx, n, sizeof *idx, by_key);
	struct group *g = xcalloc(n ? n : 1, sizeof *g);
	size_t ng = 0;
	for(size_t i = 0; i < n; i++) {
		if(i == 0 || strcmp(idx[i]->err.norm, idx[i - 1]->err.norm) != 0)
			g[ng++].v = &idx[i];
		g[ng - 1].n++;
	}
	qsort(g, ng, sizeof *g, by_size);
	print_groups(a, g, ng, n);
	free(g);
	free(idx);
	rc = n ? EXIT_MATCH : EXIT_NO_MATCH;
out:
	for(size_t i = 0; i < n; i++) {
		hist_job_free(&ev[i].job);
		errline_free(&ev[i].err);
	}
	free(ev);
	sqlite3_finalize(s);
	sqlite3_finalize(tail);
	return rc;
}

/* ---- --draft ---- */

/* Append to out up to three words of s[0..n) of three letters or more,
 * lower-cased, joined by '_': not filler words, nor (skip_vague) the words every
 * failure has. Returns how many. */
static size_t id_words(const char *s, size_t n, bool skip_vague, struct dynbuf *out)
{
	static const char *const skip[] = {"the", "and", "for", "with", "from", "into", "this",
	                                   "that", "are", "was", "were", "error", "fatal", "failed",
	                                   "fail", "failure", "warning", "job"};
	size_t nskip = sizeof skip / sizeof skip[0] - (skip_vague ? 0 : 7);
	size_t words = 0;
	for(size_t i = 0; i < n && words < 3;) {
		if(!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) {
			i++;
			continue;
		}
		size_t b = i;
		while(i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			i++;
		if(i - b < 3 || i - b > 16)
			continue;
		bool stop = false;
		for(size_t k = 0; k < nskip; k++)
			stop |= strlen(skip[k]) == i - b && strncasecmp(s + b, skip[k], i - b) == 0;
		if(stop)
			continue;
		if(words++)
			dynbuf_adds(out, "_");
		for(size_t k = b; k < i; k++) {
			char c = s[k] >= 'A' && s[k] <= 'Z' ? (char)(s[k] - 'A' + 'a') : s[k];
			dynbuf_add(out, &c, 1);
		}
	}
	return words;
}

/* A rule id made of the literal's words ("execution_took_longer"), unique
 * in the rule set. */
static void rule_id(const struct fsig_ruleset *rs, const char *s, size_t n, long long job,
                    struct dynbuf *out)
{
	if(id_words(s, n, true, out) == 0 && id_words(s, n, false, out) == 0)
		dynbuf_printf(out, "job_%lld", job);
	size_t base = out->len;
	for(int k = 2; hist_rule(rs, out->ptr); k++) {
		out->len = base;
		out->ptr[base] = '\0';
		dynbuf_printf(out, "_%d", k);
	}
}

/* Rules that already act on the job, as "a, b", or NULL. */
static char *explained_by(struct store *st, long long job)
{
	sqlite3_stmt *s = hist_prepare(st, "unmatched",
	                               "SELECT group_concat(rule, ', ') FROM (SELECT rule FROM matches"
	                               " WHERE job_id = ?1 AND status_ok != 0 ORDER BY rule)");
	if(!s)
		return NULL;
	sqlite3_bind_int64(s, 1, job);
	char *r = NULL;
	if(sqlite3_step(s) == SQLITE_ROW && hist_text(s, 0))
		r = xstrdup(hist_text(s, 0));
	sqlite3_finalize(s);
	return r;
}

static int draft(struct store *st, const struct fsig_ruleset *rs, const struct args *a)
{
	struct hist_job j;
	int found = hist_job_load(st, "unmatched", a->draft, &j);
	if(found <= 0) {
		if(found == 0)
			fprintf(stderr, "failsig unmatched: no job %lld in the database\n", a->draft);
		return EXIT_ERROR;
	}
	sqlite3_stmt *tail = tail_query(st);
	struct errline e = {0};
	int rc = tail ? choose(st, tail, &j, &e) : EXIT_ERROR;
	sqlite3_finalize(tail);
	if(!rc && !e.line) {
		fprintf(stderr, "failsig unmatched: job %lld has no stored log lines %s\n", j.id,
		        j.log_stored ? "(its log is empty)" : "(its log was not stored)");
		rc = EXIT_ERROR;
	}
	if(rc) {
		errline_free(&e);
		hist_job_free(&j);
		return rc;
	}
	const char *lit = e.text + e.lit;
	size_t lit_len = e.lit_len;
	if(lit_len < MIN_LITERAL) {
		lit = e.text;
		lit_len = strlen(e.text);
	}
	struct dynbuf id, b, tmp;
	dynbuf_init(&id, LINE_CAP);
	dynbuf_init(&b, LINE_CAP);
	dynbuf_init(&tmp, LINE_CAP);
	rule_id(rs, lit, lit_len, j.id, &id);
	char day[64];
	printf("# Draft rule from job %lld (%s, %s, %s, %s)\n", j.id, j.name ? j.name : "?",
	       j.project ? j.project : "?", j.runner ? j.runner : "?", hist_day(j.finished_at, day));
	if(j.web_url)
		printf("#   %s\n", j.web_url);
	printf("# Its error line, line %lld of the log%s%s%s:\n", e.line, e.section ? " (section " : "",
	       e.section ? e.section : "", e.section ? ")" : "");
	printf("#   %s\n", text_printable(&tmp, e.text, strlen(e.text)));
	char *by = explained_by(st, j.id);
	if(by)
		printf("# Note: rule%s %s already explain%s this job.\n", strchr(by, ',') ? "s" : "", by,
		       strchr(by, ',') ? "" : "s");
	free(by);
	printf("# Before sending it: make `match` specific to this failure (try it with\n"
	       "# `failsig search --regex`), write the title and ticket, and choose the\n"
	       "# action: `observe` records only; a retry is for failures a rerun fixes.\n");
	printf("rule %s \"TODO: describe this failure\" {\n", id.ptr);
	printf("    ticket  \"TODO\"\n");
	hist_rule_string(&b, lit, lit_len);
	printf("    match   %s\n", b.ptr);
	if(e.section)
		printf("    # section %s\n", e.section);
	printf("    observe\n");
	printf("    # retry max 1\n");
	dynbuf_reset(&b);
	hist_rule_string(&b, e.text, strlen(e.text));
	printf("    example %s\n", b.ptr);
	printf("}\n");
	dynbuf_free(&id);
	dynbuf_free(&b);
	dynbuf_free(&tmp);
	errline_free(&e);
	hist_job_free(&j);
	return EXIT_MATCH;
}

int cli_unmatched(const struct fsig_ruleset *rs, int argc, char **argv)
{
	struct args a;
	int rc = parse(argc, argv, &a);
	if(rc >= 0)
		return rc;
	struct store *st = hist_open("unmatched", a.hist.db);
	if(!st)
		return EXIT_ERROR;
	rc = a.has_draft ? draft(st, rs, &a) : list(st, &a);
	store_close(st);
	return rc;
}
