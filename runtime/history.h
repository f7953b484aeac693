/* history.h — what the investigation commands (search, stats, report,
 * unmatched) share: opening the service's database for reading, --since
 * and --by arguments, job rows, and stored log lines with context.
 *
 * Functions taking a `cmd` print their errors as "failsig CMD: ..." on
 * stderr themselves (these are CLI helpers, not library code). */
#ifndef FSIG_HISTORY_H
#define FSIG_HISTORY_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "dynbuf.h"
#include "ruleset.h"
#include "store.h"

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

/* The day of an ISO time ("2026-11-16T12:00:00Z" -> "2026-11-16") in out
 * (at least 11 bytes); "-" for NULL. Returns out. */
const char *hist_day(const char *iso, char *out);

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
