/* test_backlog.c — the last N lines of a log (runtime/backlog.c): lines of
 * the reader's chunk are pointed to until the chunk ends, then copied if
 * still in the window; every kept line ends in '\n' and padding. Runs of
 * skipped lines are found in their chunk when asked for. */
#include "backlog.h"
#include "ruleset.h"
#include "unit.h"

#include <stdlib.h>

/* The kept text of line n, as a string ("" when not kept). */
static const char *text_of(struct backlog *b, uint64_t n, char *buf, size_t cap)
{
	const struct backlog_line *l = backlog_get(b, n);
	if(!l)
		return "";
	size_t len = l->len < cap - 1 ? l->len : cap - 1;
	memcpy(buf, l->text, len);
	buf[len] = '\0';
	return buf;
}

static int padded(const struct backlog_line *l)
{
	if(l->text[l->len] != '\n')
		return 0;
	for(size_t i = 1; i <= FSIG_PAD; i++)
		if(l->text[l->len + i] != 0)
			return 0;
	return 1;
}

int main(void)
{
	struct backlog b;
	char buf[128];
	backlog_init(&b, 3);
	CHECK(b.mask + 1 == 4, "a window of 3 lines takes 4 slots");
	CHECK(backlog_get(&b, 1) == NULL && backlog_get(&b, 0) == NULL, "empty at first");

	/* A chunk of three lines, pointed to. */
	char chunk[] = "one\ntwo\nthree\n";
	backlog_push(&b, 1, (unsigned char *)chunk, 3, true);
	backlog_push(&b, 2, (unsigned char *)chunk + 4, 3, true);
	backlog_push(&b, 3, (unsigned char *)chunk + 8, 5, true);
	CHECK(backlog_get(&b, 2)->text == (unsigned char *)chunk + 4, "a chunk line is pointed to, not copied");
	backlog_push(&b, 3, (unsigned char *)"other piece", 11, false);
	CHECK_STR(text_of(&b, 3, buf, sizeof buf), "three", "a second piece of a line is not kept");

	/* The chunk ends and is overwritten: the kept lines were copied. */
	backlog_chunk_end(&b);
	memset(chunk, 'X', sizeof chunk - 1);
	CHECK_STR(text_of(&b, 1, buf, sizeof buf), "one", "line 1 copied at the chunk's end");
	CHECK_STR(text_of(&b, 3, buf, sizeof buf), "three", "line 3 copied at the chunk's end");
	CHECK(backlog_get(&b, 3)->text != (unsigned char *)chunk + 8 && padded(backlog_get(&b, 3)),
	      "a copy ends in '\\n' and zero padding");

	/* Display text (not in the chunk) is copied at once. */
	char disp[] = "shown text";
	backlog_push(&b, 4, (unsigned char *)disp, 10, false);
	disp[0] = 'Y';
	CHECK_STR(text_of(&b, 4, buf, sizeof buf), "shown text", "display text copied at once");
	CHECK(padded(backlog_get(&b, 4)), "... with '\\n' and padding");

	/* Line 5 reuses line 1's slot: line 1 is gone. */
	char chunk2[] = "five\nsix\n";
	backlog_push(&b, 5, (unsigned char *)chunk2, 4, true);
	CHECK(backlog_get(&b, 1) == NULL, "a line past the window is forgotten");
	CHECK_STR(text_of(&b, 5, buf, sizeof buf), "five", "the new line in its slot");
	/* A chunk line that left the window before its chunk ended is
	 * forgotten then, not copied (its text is about to go). */
	backlog_push(&b, 6, (unsigned char *)chunk2 + 5, 3, true);
	b.last = 20;  /* as if lines 7..20 had been pushed elsewhere */
	backlog_chunk_end(&b);
	CHECK(backlog_get(&b, 5) == NULL && backlog_get(&b, 6) == NULL,
	      "chunk lines out of the window are dropped at the chunk's end");
	backlog_free(&b);

	/* Long lines: at most maxlen bytes, copied even from the chunk. */
	backlog_init(&b, 10000);  /* the longest window failsigc check allows */
	CHECK(b.maxlen == BACKLOG_TEXT_MIN, "a 10000-line window keeps BACKLOG_TEXT_MIN bytes a line");
	CHECK((b.mask + 1) * b.maxlen <= (uint64_t)BACKLOG_TOTAL_MAX, "... at most BACKLOG_TOTAL_MAX in all");
	size_t n = 5000;
	unsigned char *big = malloc(n + 1 + FSIG_PAD);
	memset(big, 'a', n);
	big[n] = '\n';
	backlog_push(&b, 7, big, n, true);
	const struct backlog_line *l = backlog_get(&b, 7);
	CHECK(l && l->len == b.maxlen && l->text != big && padded(l), "a long chunk line is copied, cut to maxlen");
	free(big);
	backlog_free(&b);
	backlog_init(&b, 2);
	CHECK(b.maxlen == BACKLOG_TEXT_MAX, "a short window keeps up to BACKLOG_TEXT_MAX bytes a line");
	backlog_free(&b);

	/* Runs of skipped lines, between lines pushed one by one. */
	backlog_init(&b, 4);
	char c3[] = "a1\nb2\nc3\nhit\n\ne6\nf7\n";
	backlog_run(&b, 3, 3, (unsigned char *)c3, 9);           /* lines 1..3 */
	backlog_push(&b, 4, (unsigned char *)c3 + 9, 3, true);     /* line 4 */
	CHECK_STR(text_of(&b, 2, buf, sizeof buf), "b2", "a line of a run, found when asked for");
	CHECK(backlog_get(&b, 2)->text == (unsigned char *)c3 + 3, "... pointing into the chunk");
	CHECK_STR(text_of(&b, 1, buf, sizeof buf), "a1", "the run's first line");
	CHECK_STR(text_of(&b, 3, buf, sizeof buf), "c3", "the run's last line");
	CHECK_STR(text_of(&b, 4, buf, sizeof buf), "hit", "the pushed line after it");
	backlog_run(&b, 6, 2, (unsigned char *)c3 + 13, 4);      /* lines 5 (""), 6 */
	CHECK(backlog_get(&b, 5) && backlog_get(&b, 5)->len == 0, "an empty line of a run");
	CHECK_STR(text_of(&b, 6, buf, sizeof buf), "e6", "the second run's last line");
	CHECK(backlog_get(&b, 7) == NULL, "a line not seen yet is not there");
	backlog_run(&b, 7, 1, (unsigned char *)c3 + 17, 3);      /* line 7 */
	backlog_chunk_end(&b);
	memset(c3, 'X', sizeof c3 - 1);
	CHECK_STR(text_of(&b, 7, buf, sizeof buf), "f7", "a run line never asked for, copied at the chunk's end");
	CHECK_STR(text_of(&b, 4, buf, sizeof buf), "hit", "the pushed line, copied too");
	CHECK(padded(backlog_get(&b, 7)), "... with '\n' and padding");
	CHECK(backlog_get(&b, 2) == NULL, "lines out of the window are not copied");
	backlog_free(&b);

	/* More runs than slots: the oldest are out of the window anyway. */
	backlog_init(&b, 3);
	char c4[] = "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\n";
	for(uint64_t k = 1; k <= 9; k++)
		backlog_run(&b, k, 1, (unsigned char *)c4 + 3 * (k - 1), 3);
	CHECK_STR(text_of(&b, 6, buf, sizeof buf), "l6", "the oldest line in the window, from a run of one");
	CHECK(backlog_get(&b, 5) == NULL, "one line before the window");
	CHECK_STR(text_of(&b, 9, buf, sizeof buf), "l9", "the newest");
	backlog_free(&b);

	/* A long line in a run is cut as a pushed one is. */
	backlog_init(&b, 10000);
	unsigned char *longrun = malloc(3 + n + 1 + FSIG_PAD);
	memcpy(longrun, "ab\n", 3);
	memset(longrun + 3, 'z', n);
	longrun[3 + n] = '\n';
	backlog_run(&b, 2, 2, longrun, 3 + n + 1);
	l = backlog_get(&b, 2);
	CHECK(l && l->len == b.maxlen && l->text != longrun + 3 && padded(l), "a long run line is copied, cut to maxlen");
	CHECK_STR(text_of(&b, 1, buf, sizeof buf), "ab", "the short line before it");
	free(longrun);
	backlog_free(&b);
	return unit_done();
}
