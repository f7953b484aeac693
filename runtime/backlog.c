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

void backlog_chunk_end(struct backlog *b)
{
	if(!b->v)
		return;
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
