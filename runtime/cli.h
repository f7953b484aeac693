/* cli.h — the failsig subcommands, one file each (cli_*.c), dispatched by
 * main.c, and the helpers they share (cli.c).
 *
 * Each takes the arguments after its name (argv[0] is the subcommand) and
 * returns the process exit status. */
#ifndef FSIG_CLI_H
#define FSIG_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "ruleset.h"

/* Exit statuses of scanning commands follow grep (STYLE 9.2 rule 19). */
enum { EXIT_MATCH = 0, EXIT_NO_MATCH = 1, EXIT_ERROR = 2 };

int cli_scan(const struct fsig_ruleset *rs, int argc, char **argv);
int cli_explain(const struct fsig_ruleset *rs, int argc, char **argv);
int cli_test(const struct fsig_ruleset *rs, int argc, char **argv);
int cli_rules(const struct fsig_ruleset *rs, int argc, char **argv);
int cli_serve(const struct fsig_ruleset *rs, int argc, char **argv);
int cli_dashboard(const struct fsig_ruleset *rs, int argc, char **argv);
int cli_fetch(const struct fsig_ruleset *rs, int argc, char **argv);
int cli_backtest(const struct fsig_ruleset *rs, int argc, char **argv);
int cli_search(const struct fsig_ruleset *rs, int argc, char **argv);
int cli_stats(const struct fsig_ruleset *rs, int argc, char **argv);
int cli_report(const struct fsig_ruleset *rs, int argc, char **argv);
int cli_unmatched(const struct fsig_ruleset *rs, int argc, char **argv);

/* Print "failsig CMD: message" and a hint to stderr; returns EXIT_ERROR. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* If argv[*i] is option `name` ("--job FILE" or "--job=FILE"), return its
 * value (advancing *i past it) and set *ok; a missing value prints an error
 * and clears *ok. Returns NULL when argv[*i] is another argument. */
const char *cli_opt(const char *cmd, char **argv, int argc, int *i, const char *name, int *ok);

/* Open a log named on the command line ("-" is stdin). Returns an fd or -1
 * after printing why. */
int cli_open_log(const char *cmd, const char *path);

/* Option values (serve, fetch). A duration: "30", "30s", "10m", "2h",
 * "7d" -> seconds; -1 if malformed. */
long long cli_duration(const char *s);
/* A size: "1048576", "512K", "100M", "2G" -> bytes; 0 if malformed. */
unsigned long long cli_size(const char *s);
/* A whole number in [lo, hi]; -1 if malformed or out of range. */
long cli_count(const char *s, long lo, long hi);
/* "A/B": two durations, or (first_is_count) a count in [0, 1000000] and a
 * duration, where "0" alone is 0/0. Writes *a and *b; 0, or -1 if malformed. */
int cli_pair(const char *s, long long *a, long long *b, bool first_is_count);

/* Write port (and a newline) to path, atomically: 0, or -1 after printing
 * "failsig CMD: cannot write ...". */
int cli_write_port_file(const char *cmd, const char *path, unsigned port);

/* Block SIGINT, SIGTERM and `also` (unless 0) in the calling thread, and
 * ignore SIGPIPE. Call it before starting any thread: threads inherit the
 * mask, so the signals are taken only where sigwait or sigtimedwait waits
 * on *sigs (which this fills). */
void cli_block_signals(sigset_t *sigs, int also);

#endif
