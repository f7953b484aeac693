/* scanlog.h — one log through reader, scanner and evaluator: the verdicts.
 *
 * What every subcommand that looks at a log does (scan, explain, test; later
 * the service and backtest), in one place. */
#ifndef FSIG_SCANLOG_H
#define FSIG_SCANLOG_H

#include <stddef.h>

#include "eval.h"
#include "ruleset.h"
#include "scan.h"

struct reader;

/* Scan the log readable from fd (not closed) with rule set rs. On success
 * returns 0 and *out is an evaluator holding the results (caller frees with
 * eval_free); on a read error returns -1 with errno set and *out NULL. */
int scanlog_fd(const struct fsig_ruleset *rs, int fd, const struct fsig_job *job, unsigned opts,
               int only_rule, struct eval **out, struct scan_stats *stats);
/* The same for any reader (not freed here; a stored trace: logstore.h). */
int scanlog_reader(const struct fsig_ruleset *rs, struct reader *r, const struct fsig_job *job,
                   unsigned opts, int only_rule, struct eval **out, struct scan_stats *stats);
/* The same for a log in memory. */
int scanlog_mem(const struct fsig_ruleset *rs, const void *p, size_t len, const struct fsig_job *job,
                unsigned opts, int only_rule, struct eval **out, struct scan_stats *stats);

#endif
