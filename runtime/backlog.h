/* backlog.h — the last N lines of a log, for the `unless … within N lines`
 * patterns that eval.c matches on demand, around a hit, instead of looking
 * for them on every line.
 *
 * A direct-mapped ring: line L lives in slot L mod a power of two > N, so
 * remembering a line is a few stores and finding one is a compare. A line
 * of the reader's chunk (scan_line.in_chunk) is only pointed to: most
 * lines leave the window before their chunk ends, and copying each one
 * cost more than a tenth of a scan. backlog_chunk_end copies the lines
 * still in the window before the chunk is reused. Every kept line is
 * followed by '\n' and FSIG_PAD bytes, so a matcher runs on it in place.
 * Text is bounded: at most BACKLOG_TEXT_MAX bytes of a line, fewer when N
 * is so large that the whole would pass BACKLOG_TOTAL_MAX.
 *
 * Lines the scanner skipped come as a run (backlog_run), remembered as a
 * whole in a second ring: a line of a run gets its slot only when it is
 * asked for (backlog_get) or when its chunk ends, which is rare next to the
 * lines skipped. */
#ifndef FAILSIG_BACKLOG_H
#define FAILSIG_BACKLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	BACKLOG_TEXT_MAX = 64 * 1024,
	BACKLOG_TEXT_MIN = 1024,
	BACKLOG_TOTAL_MAX = 16 << 20,
};

struct backlog_line {
	uint64_t lineno;             /* 0: empty (lines are numbered from 1) */
	const unsigned char *text;   /* len bytes, '\n', padding: in the chunk or own;
	                                NULL: not found yet, in the run below */
	size_t len;
	unsigned char *own;          /* this slot's buffer, reused */
	size_t alloc;
};

struct backlog_run {
	uint64_t first, last;        /* its lines; last 0: empty */
	const unsigned char *begin, *end;  /* their text, in the reader's chunk */
};

struct backlog {
	struct backlog_line *v;
	uint64_t mask;               /* slots - 1 */
	uint64_t keep;               /* N */
	size_t maxlen;
	uint64_t last;               /* the newest line remembered */
	struct backlog_run *runs;    /* mask + 1 of them: at most N runs meet the window */
	uint64_t nruns;              /* runs since the chunk began; the ring holds the newest */
};

/* Empty; remembers nothing until backlog_init. */
void backlog_init(struct backlog *b, uint64_t keep);
void backlog_free(struct backlog *b);

/* Copy text into l's own buffer (the slow path of backlog_push). */
void backlog_own(struct backlog_line *l, const unsigned char *text, size_t len);

/* Remember line lineno. A second piece of a line (same number) is not
 * kept: the first piece stands for the line. */
static inline void backlog_push(struct backlog *b, uint64_t lineno, const unsigned char *text,
                                size_t len, bool in_chunk)
{
	struct backlog_line *l = &b->v[lineno & b->mask];
	if(l->lineno == lineno)
		return;
	l->lineno = lineno;
	b->last = lineno;
	if(in_chunk && len <= b->maxlen) {
		l->text = text;
		l->len = len;
	} else {
		backlog_own(l, text, len < b->maxlen ? len : b->maxlen);
	}
}

/* Remember lines last - count + 1 .. last, which lie in the reader's chunk
 * at begin[0..len), each ending in '\n' (a run of skipped lines). */
void backlog_run(struct backlog *b, uint64_t last, uint64_t count, const unsigned char *begin,
                 size_t len);

/* The line numbered lineno from the runs, given its slot, or NULL (the
 * slow path of backlog_get). */
const struct backlog_line *backlog_find(struct backlog *b, uint64_t lineno);

/* The line numbered lineno if it is remembered, else NULL. */
static inline const struct backlog_line *backlog_get(struct backlog *b, uint64_t lineno)
{
	const struct backlog_line *l = &b->v[lineno & b->mask];
	if(l->lineno == lineno && lineno)
		return l;
	return b->nruns && lineno ? backlog_find(b, lineno) : NULL;
}

/* The reader's chunk is about to be reused: copy the lines in the window
 * that point into it, forget the others that do. */
void backlog_chunk_end(struct backlog *b);

#endif
