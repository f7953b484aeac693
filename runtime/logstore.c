/* logstore.c — stored traces: raw chunks and indexed displayed lines. */
#include "logstore.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dynbuf.h"
#include "reader.h"
#include "scan.h"
#include "text.h"
#include "xalloc.h"

static sqlite3_stmt *prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	if(sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK) {
		store_fail(st, "preparing a query");
		return NULL;
	}
	return s;
}

/* Step a statement that returns no rows and reset it for the next use. */
static int step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, what);
}

static int exec_job(struct store *st, const char *sql, long long job_id, const char *what)
{
	sqlite3_stmt *s = prepare(st, sql);
	if(!s)
		return -1;
	sqlite3_bind_int64(s, 1, job_id);
	int rc = step_done(st, s, what);
	sqlite3_finalize(s);
	return rc;
}

int logstore_delete(struct store *st, long long job_id)
{
	/* log_fts is an external-content index: rows leave it by the 'delete'
	 * command with their old text, before the lines themselves go. */
	if(exec_job(st,
	            "INSERT INTO log_fts(log_fts, rowid, text)"
	            " SELECT 'delete', id, text FROM log_lines WHERE job_id = ?1",
	            job_id, "unindexing a log") < 0 ||
	   exec_job(st, "DELETE FROM log_lines WHERE job_id = ?1", job_id, "deleting a log") < 0 ||
	   exec_job(st, "DELETE FROM traces WHERE job_id = ?1", job_id, "deleting a trace") < 0 ||
	   exec_job(st, "UPDATE jobs SET log_stored_at = NULL WHERE id = ?1", job_id,
	            "deleting a trace") < 0)
		return -1;
	return 0;
}

/* ---- storing ---- */

static int put_chunks(struct store *st, long long job_id, int fd)
{
	sqlite3_stmt *s = prepare(st, "INSERT INTO traces(job_id, seq, data) VALUES (?1, ?2, ?3)");
	if(!s)
		return -1;
	unsigned char *buf = xmalloc(LOGSTORE_CHUNK);
	int rc = 0;
	for(long long seq = 0;; seq++) {
		size_t have = 0;
		while(have < LOGSTORE_CHUNK) {
			ssize_t n = read(fd, buf + have, LOGSTORE_CHUNK - have);
			if(n < 0 && errno == EINTR)
				continue;
			if(n < 0) {
				rc = -1;
				break;
			}
			if(n == 0)
				break;
			have += (size_t)n;
		}
		if(rc < 0 || have == 0)
			break;
		sqlite3_bind_int64(s, 1, job_id);
		sqlite3_bind_int64(s, 2, seq);
		sqlite3_bind_blob(s, 3, buf, (int)have, SQLITE_STATIC);
		if(store_begin(st) < 0 || (rc = step_done(st, s, "storing a trace")) < 0 ||
		   (rc = store_commit(st)) < 0) {
			store_rollback(st);
			rc = -1;
			break;
		}
		if(have < LOGSTORE_CHUNK)
			break;
	}
	free(buf);
	sqlite3_finalize(s);
	return rc;
}

struct line_sink {
	struct store *st;
	long long job_id;
	sqlite3_stmt *line, *fts;
	struct dynbuf text;
	uint64_t last_line;          /* pieces of one long line: the first is kept */
	unsigned batched;            /* lines since the last commit */
	int rc;
};

static void put_line(void *ctx, const struct scan_line *ln, const uint32_t *atoms, size_t natoms)
{
	struct line_sink *k = ctx;
	if(!ln || k->rc < 0 || ln->lineno == k->last_line)
		return;
	k->last_line = ln->lineno;
	size_t len = ln->len < LOGSTORE_LINE_MAX ? ln->len : LOGSTORE_LINE_MAX;
	size_t blank = strspn((const char *)ln->text, " \t");
	if(blank >= len)
		return;  /* empty lines are not worth a row */
	dynbuf_reset(&k->text);
	text_utf8(&k->text, (const char *)ln->text, len);
	sqlite3_bind_int64(k->line, 1, k->job_id);
	sqlite3_bind_int64(k->line, 2, (sqlite3_int64)ln->lineno);
	if(ln->nsections)
		sqlite3_bind_text(k->line, 3, ln->sections[ln->nsections - 1], -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(k->line, 3);
	sqlite3_bind_text(k->line, 4, k->text.ptr, (int)k->text.len, SQLITE_STATIC);
	if(step_done(k->st, k->line, "storing a log line") < 0) {
		k->rc = -1;
		return;
	}
	sqlite3_bind_int64(k->fts, 1, sqlite3_last_insert_rowid(store_sqlite(k->st)));
	sqlite3_bind_text(k->fts, 2, k->text.ptr, (int)k->text.len, SQLITE_STATIC);
	if(step_done(k->st, k->fts, "indexing a log line") < 0) {
		k->rc = -1;
		return;
	}
	/* Short transactions: the webhook's queue insert waits for at most
	 * one batch, not for a whole 100 MB log. */
	if(++k->batched == LOGSTORE_BATCH) {
		k->batched = 0;
		if(store_commit(k->st) < 0 || store_begin(k->st) < 0)
			k->rc = -1;
	}
}

static int put_lines(struct store *st, const struct fsig_ruleset *rs, long long job_id, int fd)
{
	struct line_sink k = { .st = st, .job_id = job_id };
	k.line = prepare(st, "INSERT INTO log_lines(job_id, line, section, text) VALUES (?1, ?2, ?3, ?4)");
	k.fts = prepare(st, "INSERT INTO log_fts(rowid, text) VALUES (?1, ?2)");
	dynbuf_init(&k.text, LOGSTORE_LINE_MAX * 3 + 16);
	if(!k.line || !k.fts)
		k.rc = -1;
	if(k.rc == 0 && store_begin(st) < 0)
		k.rc = -1;
	if(k.rc == 0) {
		/* The scanner does the line splitting, display and sections
		 * exactly as for matching; every line is wanted. */
		static const int all = 1;
		struct reader *r = reader_new_fd(fd, 0, 0);
		struct scanner *sc = scanner_new(rs);
		if(scanner_run(sc, r, put_line, &k, &all, NULL) < 0)
			k.rc = -1;
		scanner_free(sc);
		reader_free(r);
		if(k.rc == 0 && store_commit(st) < 0)
			k.rc = -1;
	}
	if(k.rc < 0)
		store_rollback(st);
	sqlite3_finalize(k.line);
	sqlite3_finalize(k.fts);
	dynbuf_free(&k.text);
	return k.rc;
}

int logstore_put(struct store *st, const struct fsig_ruleset *rs, long long job_id, int fd)
{
	if(store_begin(st) < 0 || logstore_delete(st, job_id) < 0 || store_commit(st) < 0) {
		store_rollback(st);
		return -1;
	}
	if(lseek(fd, 0, SEEK_SET) < 0 || put_chunks(st, job_id, fd) < 0)
		return -1;
	if(lseek(fd, 0, SEEK_SET) < 0 || put_lines(st, rs, job_id, fd) < 0)
		return -1;
	/* Only now is the log complete: log_stored_at says so to readers
	 * (search, backtest) and to `failsig fetch` (nothing left to get). */
	sqlite3_stmt *s = prepare(st, "UPDATE jobs SET log_stored_at = ?2 WHERE id = ?1");
	if(!s)
		return -1;
	sqlite3_bind_int64(s, 1, job_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)time(NULL));
	int rc = step_done(st, s, "storing a trace");
	sqlite3_finalize(s);
	return rc;
}

int logstore_has(struct store *st, long long job_id)
{
	/* The job row says so: an empty trace has no chunks but is stored. */
	sqlite3_stmt *s = prepare(st, "SELECT 1 FROM jobs WHERE id = ?1 AND log_stored_at IS NOT NULL");
	if(!s)
		return -1;
	sqlite3_bind_int64(s, 1, job_id);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : store_fail(st, "looking up a trace");
}

/* ---- reading back ---- */

/* Chunks are read with the incremental blob API straight into the reader's
 * buffer: sqlite3_column_blob would first assemble each 1 MiB chunk from its
 * overflow pages in a buffer of its own, one more copy of every byte. */
struct chunk_source {
	struct store *st;
	sqlite3_stmt *s;              /* the chunks' rowids and sizes, in order */
	sqlite3_blob *blob;           /* the current chunk, NULL before the first */
	size_t len, off;
	bool done;
	bool failed;                  /* a read failed: every later one fails too (stepping
	                                 again would restart the query, or end it early) */
};

static int next_chunk(struct chunk_source *c)
{
	int rc = sqlite3_step(c->s);
	if(rc == SQLITE_DONE) {
		c->done = true;
		return 0;
	}
	if(rc != SQLITE_ROW)
		return -1;
	sqlite3_int64 id = sqlite3_column_int64(c->s, 0);
	c->len = (size_t)sqlite3_column_int64(c->s, 1);
	c->off = 0;
	if(c->blob)
		rc = sqlite3_blob_reopen(c->blob, id);
	else
		rc = sqlite3_blob_open(store_sqlite(c->st), "main", "traces", "data", id, 0, &c->blob);
	return rc == SQLITE_OK ? 0 : -1;
}

static ssize_t read_failed(struct chunk_source *c)
{
	if(!c->failed)
		store_fail(c->st, "reading a trace");
	c->failed = true;
	errno = EIO;
	return -1;
}

static ssize_t read_chunks(void *ctx, unsigned char *dst, size_t room)
{
	struct chunk_source *c = ctx;
	if(c->failed)
		return read_failed(c);
	while(c->off == c->len) {
		if(c->done)
			return 0;
		if(next_chunk(c) < 0)
			return read_failed(c);
	}
	size_t n = c->len - c->off < room ? c->len - c->off : room;
	if(sqlite3_blob_read(c->blob, dst, (int)n, (int)c->off) != SQLITE_OK)
		return read_failed(c);
	c->off += n;
	return (ssize_t)n;
}

struct logstore_trace {
	struct chunk_source src;
	struct reader *r;
};

struct logstore_trace *logstore_open(struct store *st, long long job_id)
{
	if(logstore_has(st, job_id) <= 0)
		return NULL;
	struct logstore_trace *t = xcalloc(1, sizeof *t);
	t->src.st = st;
	/* length() of a blob reads no overflow pages. */
	t->src.s = prepare(st, "SELECT id, length(data) FROM traces WHERE job_id = ?1 ORDER BY seq");
	if(!t->src.s) {
		free(t);
		return NULL;
	}
	sqlite3_bind_int64(t->src.s, 1, job_id);
	t->r = reader_new_fn(read_chunks, &t->src, 0, 0);
	return t;
}

struct reader *logstore_trace_reader(struct logstore_trace *t)
{
	return t->r;
}

void logstore_close(struct logstore_trace *t)
{
	if(!t)
		return;
	reader_free(t->r);
	sqlite3_blob_close(t->src.blob);
	sqlite3_finalize(t->src.s);
	free(t);
}

long long logstore_prune(struct store *st, long long before)
{
	sqlite3_stmt *s = prepare(st, "SELECT id FROM jobs WHERE log_stored_at IS NOT NULL"
	                              " AND log_stored_at < ?1");
	if(!s)
		return -1;
	sqlite3_bind_int64(s, 1, before);
	long long n = 0;
	int rc;
	/* Collect first: deleting while the SELECT is open would disturb it. */
	long long *ids = NULL;
	size_t nids = 0, cap = 0;
	while((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if(nids == cap) {
			cap = cap ? cap * 2 : 64;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[nids++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if(rc != SQLITE_DONE) {
		free(ids);
		return store_fail(st, "pruning logs");
	}
	for(size_t i = 0; i < nids; i++) {
		if(store_begin(st) < 0 || logstore_delete(st, ids[i]) < 0 || store_commit(st) < 0) {
			store_rollback(st);
			free(ids);
			return -1;
		}
		n++;
	}
	free(ids);
	return n;
}
