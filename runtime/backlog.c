/* backlog.c — the last N lines of a log (see backlog.h). */
#include "backlog.h"

#include <stdlib.h>
#include <string.h>

#include "ruleset.h"
#include "xalloc.h"

void backlog_init(struct backlog *b, uint64_t keep)
{
	uint64_t slots = 2;
	while(slots <= keep)
		slots *= 2;
	memset(b, 0, sizeof *b);
	b->v = xcalloc((size_t)slots, sizeof *b->v);
	b->runs = xcalloc((size_t)slots, sizeof *b->runs);
	b->mask = slots - 1;
	b->keep = keep;
	b->maxlen = BACKLOG_TOTAL_MAX / slots;
	if(b->maxlen > BACKLOG_TEXT_MAX)
		b->maxlen = BACKLOG_TEXT_MAX;
	if(b->maxlen < BACKLOG_TEXT_MIN)
		b->maxlen = BACKLOG_TEXT_MIN;
}

void backlog_free(struct backlog *b)
{
	if(b->v) {
		for(uint64_t i = 0; i <= b->mask; i++)
			free(b->v[i].own);
	}
	free(b->v);
	free(b->runs);
	memset(b, 0, sizeof *b);
}

void backlog_own(struct backlog_line *l, const unsigned char *text, size_t len)
{
	if(l->alloc < len + 1 + FSIG_PAD) {
		free(l->own);
		l->alloc = len + 1 + FSIG_PAD;
		l->own = xmalloc(l->alloc);
	}
	memmove(l->own, text, len);  /* text may be l->own itself */
	l->own[len] = '\n';
	memset(l->own + len + 1, 0, FSIG_PAD);
	l->text = l->own;
	l->len = len;
}

void backlog_run(struct backlog *b, uint64_t last, uint64_t count, const unsigned char *begin,
                 size_t len)
{
	struct backlog_run *r = &b->runs[b->nruns++ & b->mask];
	r->first = last - count + 1;
	r->last = last;
	r->begin = begin;
	r->end = begin + len;
	b->last = last;
}

/* Give the lines of run r from `from` on their slots, walking back from the
 * run's end; a line longer than maxlen is copied, cut, as backlog_push does. */
static void run_fill(struct backlog *b, const struct backlog_run *r, uint64_t from)
{
	const unsigned char *end = r->end;
	for(uint64_t n = r->last; n >= from && n >= r->first; n--) {
		const unsigned char *nl = end - 1;  /* the '\n' of line n */
		const unsigned char *start = nl;
		while(start > r->begin && start[-1] != '\n')
			start--;
		struct backlog_line *l = &b->v[n & b->mask];
		l->lineno = n;
		size_t len = (size_t)(nl - start);
		if(len <= b->maxlen) {
			l->text = start;
			l->len = len;
		} else {
			backlog_own(l, start, b->maxlen);
		}
		end = start;
	}
}

const struct backlog_line *backlog_find(struct backlog *b, uint64_t lineno)
{
	if(lineno + b->keep < b->last)
		return NULL;  /* out of the window */
	uint64_t oldest = b->nruns > b->mask + 1 ? b->nruns - (b->mask + 1) : 0;
	for(uint64_t i = b->nruns; i-- > oldest;) {
		const struct backlog_run *r = &b->runs[i & b->mask];
		if(r->last < lineno)
			return NULL;  /* runs come in line order */
		if(r->first <= lineno) {
			run_fill(b, r, lineno);
			return &b->v[lineno & b->mask];
		}
	}
	return NULL;
}

void backlog_chunk_end(struct backlog *b)
{
	if(!b->v)
		return;
	/* The runs' lines in the window get their slots, to be copied below. */
	uint64_t window = b->last > b->keep ? b->last - b->keep : 1;
	uint64_t oldest = b->nruns > b->mask + 1 ? b->nruns - (b->mask + 1) : 0;
	for(uint64_t i = oldest; i < b->nruns; i++) {
		const struct backlog_run *r = &b->runs[i & b->mask];
		if(r->last >= window)
			run_fill(b, r, window);
	}
	b->nruns = 0;
	for(uint64_t i = 0; i <= b->mask; i++) {
		struct backlog_line *l = &b->v[i];
		if(!l->lineno || l->text == l->own)
			continue;
		if(l->lineno + b->keep >= b->last)
			backlog_own(l, l->text, l->len);
		else
			l->lineno = 0;  /* out of the window, and its text is about to go */
	}
}
