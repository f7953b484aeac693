/* logstore.h — job traces kept in the database: the raw bytes (for rescans:
 * `failsig backtest` must see what the scanner saw, escapes and section
 * markers included) and the displayed lines, indexed with FTS5 (for
 * `failsig search`, context lines in reports and the dashboard).
 *
 * Raw bytes are stored in chunks of LOGSTORE_CHUNK bytes and read back as a
 * stream, so neither storing nor rescanning holds a whole trace in memory.
 * Displayed lines are stored one row per non-empty line, cut at
 * LOGSTORE_LINE_MAX bytes, as valid UTF-8. docs/operations.md gives the disk
 * cost. */
#ifndef FSIG_LOGSTORE_H
#define FSIG_LOGSTORE_H

#include <stdint.h>

#include "ruleset.h"
#include "store.h"

enum {
	LOGSTORE_CHUNK = 1 << 20,
	LOGSTORE_LINE_MAX = 2048,
	LOGSTORE_BATCH = 2000,       /* lines per transaction */
};

struct reader;

/* Store the trace readable from fd (from offset 0; fd is left at an
 * unspecified offset) for job_id, replacing anything stored for it before.
 * rs only drives the line splitting and display (any rule set will do).
 * Runs its own short transactions (a chunk, or LOGSTORE_BATCH lines, each),
 * so call it outside a transaction: other writers (the webhook) get in
 * between. The job's log_stored_at is set last: a log is complete when it
 * is set. Returns 0, or -1 (store_error, or errno for a read error). */
int logstore_put(struct store *st, const struct fsig_ruleset *rs, long long job_id, int fd);

/* Forget a job's stored trace and lines (inside the caller's transaction). */
int logstore_delete(struct store *st, long long job_id);

/* 1 if a trace is stored for the job, 0 if not, -1 on error. */
int logstore_has(struct store *st, long long job_id);

/* A stored trace opened for reading: NULL when none is stored (or on
 * error). It borrows st; close it before st is closed. */
struct logstore_trace;
struct logstore_trace *logstore_open(struct store *st, long long job_id);
/* The trace as a stream of chunks for the scanner (owned by t). */
struct reader *logstore_trace_reader(struct logstore_trace *t);
void logstore_close(struct logstore_trace *t);

/* Delete stored traces of jobs scanned before `before` (unix seconds);
 * matches and job rows stay. Returns how many jobs were pruned, or -1. */
long long logstore_prune(struct store *st, long long before);

#endif
