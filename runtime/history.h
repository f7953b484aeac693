/* history.h — what the investigation commands (search, stats, report,
 * unmatched) share: their common options (--db, --since, --format) and
 * --by dimensions, opening the service's database for reading, a rule's
 * counts and their breakdown by a dimension, job rows, and stored log lines
 * with context.
 *
 * Functions taking a `cmd` print their errors as "failsig CMD: ..." on
 * stderr themselves (these are CLI helpers, not library code). */
#ifndef FSIG_HISTORY_H
#define FSIG_HISTORY_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "dynbuf.h"
#include "ruleset.h"
#include "store.h"
#include "table.h"

/* The options every investigation command takes. */
struct hist_args {
	const char *db;               /* --db PATH (default failsig.db) */
	const char *since;            /* --since DATE as a lower bound: NULL or since_buf */
	char since_buf[64];
	const char *const *formats;   /* the values of --format (NULL-terminated); the
	                                 first is the default */
	const char *use;              /* how an error lists them: "text or json" */
	int format;                   /* --format: its index in formats */
};

/* Defaults; formats and use are borrowed (static tables). */
void hist_args_init(struct hist_args *h, const char *const *formats, const char *use);

/* If argv[*i] is --db, --since or --format, take its value into h (advancing
 * *i past it) and return 1. 0 when argv[*i] is another argument; -1 after
 * printing an error. */
int hist_arg(const char *cmd, char **argv, int argc, int *i, struct hist_args *h);

/* Open the database at path. A path that does not exist is an error (the
 * store would create an empty database). NULL after printing why. */
struct store *hist_open(const char *cmd, const char *path);

/* Parse a --since value: "YYYY-MM-DD", an ISO 8601 time ("2026-11-15T08:00"),
 * or "Nd" / "Nh" (N days or hours before now, UTC). Times compare as text,
 * so give them in UTC as GitLab does ("Z"). Writes the lower bound, comparable with
 * jobs.finished_at as text, to out. 0, or -1 after printing why. */
int hist_since(const char *cmd, const char *arg, char *out, size_t outlen);

/* Parse the value v of option opt as an integer in [0, max]. 0, or -1
 * after printing why. */
int hist_number(const char *cmd, const char *opt, const char *v, long long max, long long *out);

/* A dimension of --by / --count-by: how a job is grouped. */
struct hist_dim {
	const char *name;     /* "runner": the option value and JSON/CSV key */
	const char *join;     /* added after "FROM ... jobs j" (the tag dimension
	                         joins the runner's tags), or "" */
	const char *key;      /* SQL expression of the group key */
	bool chrono;          /* listed by key (days in order), not by count */
};
#define HIST_DIM_NAMES "day|job|runner|tag|project"
/* The dimension named name, or NULL. */
const struct hist_dim *hist_dim_find(const char *name);

/* Prepare sql on the store's connection. NULL after printing
 * "failsig CMD: database: <sqlite's message>". */
sqlite3_stmt *hist_prepare(struct store *st, const char *cmd, const char *sql);
/* Print "failsig CMD: database: <sqlite's message>"; returns EXIT_ERROR. */
int hist_db_error(struct store *st, const char *cmd);

/* Column i of the current row as text, or NULL when it is NULL. */
const char *hist_text(sqlite3_stmt *s, int i);
/* The same as a new string (caller frees), or NULL. */
char *hist_dup_text(sqlite3_stmt *s, int i);

/* s as a JSON string repaired to valid UTF-8 (b is scratch space), or JSON
 * null when s is NULL. */
json_t *hist_json_text(struct dynbuf *b, const char *s);

/* The day of an ISO time ("2026-11-16T12:00:00Z" -> "2026-11-16") in out
 * (at least 11 bytes); "-" for NULL. Returns out. */
const char *hist_day(const char *iso, char *out);

/* What a rule's matches and retries add up to. */
struct hist_counts {
	long long jobs;               /* failed jobs the rule explained (its match made it act) */
	long long lines;              /* hit lines in those jobs */
	long long on_success;         /* jobs that passed although it fired */
	char *first, *last;           /* when the first and last such job finished (owned) */
	char *action;                 /* the action recorded with those matches (owned) */
	long long retried;            /* retries GitLab made */
	long long retry_passed;       /* of those, new jobs that passed */
	long long dry_run;            /* retries a --dry-run service would have made */
	long long refused;            /* retries the policy refused */
};
/* Where the counts of rule go (a zeroed struct the first time). */
typedef struct hist_counts *hist_counts_fn(void *ctx, const char *rule);
/* Count the matches and retries of rule (NULL: of every rule), in jobs
 * finished since `since` (NULL: all), into the structs fn gives for each
 * rule that has any. 0, or EXIT_ERROR (printed). */
int hist_counts_load(struct store *st, const char *cmd, const char *rule, const char *since,
                     hist_counts_fn *fn, void *ctx);
/* Free c's strings and zero it. */
void hist_counts_free(struct hist_counts *c);

/* A table of counts by dimension d: columns DIM, jobs, lines, after a
 * column "rule" when with_rule. Caller frees with table_free. */
struct table *hist_dim_table(const struct hist_dim *d, bool with_rule);
/* Step s, whose rows are (key, jobs, lines), appending a row each to t
 * (after a cell `rule` unless it is NULL); s is finalized. 0, or
 * EXIT_ERROR (printed). */
int hist_dim_rows(struct store *st, const char *cmd, sqlite3_stmt *s, struct table *t,
                  const char *rule);
/* The failed jobs rule explained (finished since `since`; NULL: all) by
 * dimension d, appended to t as hist_dim_rows does; the rule's name first
 * when with_rule. 0, or EXIT_ERROR (printed). */
int hist_rule_dim(struct store *st, const char *cmd, const char *rule, const char *since,
                  const struct hist_dim *d, struct table *t, bool with_rule);

/* A job row (strings owned, NULL when unknown). */
struct hist_job {
	long long id;
	char *name, *project, *runner, *status, *finished_at, *web_url;
	bool log_stored;      /* its displayed lines are in log_lines */
};
/* Columns selected by HIST_JOB_COLS (from jobs j), in that order. */
#define HIST_JOB_COLS \
	"j.id, j.name, j.project, j.runner, j.status, j.finished_at, j.web_url, j.log_stored_at"
#define HIST_JOB_NCOLS 8
/* Fill *j from columns first .. first + HIST_JOB_NCOLS - 1 of s. */
void hist_job_read(sqlite3_stmt *s, int first, struct hist_job *j);
/* Load job id: 1 found, 0 unknown, -1 database error (printed). */
int hist_job_load(struct store *st, const char *cmd, long long id, struct hist_job *j);
void hist_job_free(struct hist_job *j);
/* A new JSON object of the job: id, name, project, runner, status (when
 * with_status), finished_at, web_url. b is scratch space; caller decrefs. */
json_t *hist_job_json(const struct hist_job *j, bool with_status, struct dynbuf *b);

/* Stored lines of job_id around the sorted line numbers hits[0..nhits):
 * every line at most `context` lines from a hit, in order, each window
 * queried once. fn gets each line, whether it is a hit, and whether it
 * starts a window after the first (lines were left out before it). Returns
 * how many lines were passed to fn, or -1 (printed). Only non-empty lines
 * are stored, so line numbers may skip. */
typedef void hist_line_fn(void *ctx, long long line, const char *text, bool hit, bool gap);
long long hist_context(struct store *st, const char *cmd, long long job_id,
                       const long long *hits, size_t nhits, unsigned context, hist_line_fn *fn,
                       void *ctx);

/* Append s[0..n) to b as a string of the rule language ("...", with \\, \",
 * \t, \e and \xHH escapes: docs/language.md), so a line copied from a log
 * can be pasted into a .rules file. */
void hist_rule_string(struct dynbuf *b, const char *s, size_t n);

/* The rule of the compiled set with this id, or NULL. */
const struct fsig_rule *hist_rule(const struct fsig_ruleset *rs, const char *id);

#endif
