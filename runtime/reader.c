/* reader.c — streaming reader of a job log in chunks of complete lines.
 *
 * One buffer, reused for the whole log. buf[start, len) is input not yet
 * handed out; between calls it never holds a '\n' (everything up to the last
 * '\n' was handed out), so after a read only the new bytes are searched, from
 * the end, for the last '\n'. The tail after it (an incomplete line) is moved
 * to the front before the next read.
 *
 * The buffer holds cap bytes of input plus FSIG_PAD zero bytes, so every
 * chunk end has FSIG_PAD readable bytes after it. cap starts at the read size and doubles only when one line does not fit; it
 * never exceeds max_line + 1, so every complete line in the buffer is at most
 * max_line bytes long. A line that fills all of it is handed out as a piece of
 * max_line bytes followed by an artificial '\n' written over the next input
 * byte; that byte is saved and put back at the start of the next call, so no
 * input is lost even if the caller rewrote the chunk. */
#include "reader.h"
#include "ruleset.h"
#include "xalloc.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct reader {
	int fd;                        /* input, unless from_mem */
	bool from_mem;
	reader_read_fn read_fn;        /* callback input, when set */
	void *read_ctx;
	const unsigned char *mem;      /* memory input (borrowed) */
	size_t mem_len;
	size_t mem_off;                /* next byte of mem to copy */
	unsigned char *buf;            /* cap + FSIG_PAD bytes */
	size_t cap;                    /* input bytes the buffer holds; <= max_line + 1 */
	size_t max_line;               /* longest line handed out whole */
	size_t start;                  /* first byte not handed out yet */
	size_t len;                    /* end of the input in buf */
	size_t saved_at;               /* where an artificial '\n' overwrote input */
	unsigned char saved;           /* the input byte it overwrote */
	bool have_saved;
	bool cont;                     /* the next chunk continues a split line */
	bool eof;
	uint64_t bytes;                /* input bytes read so far */
};

/* Guard the size arithmetic (cap + FSIG_PAD, cap * 2) against overflow:
 * nobody needs lines of more than a quarter of the address space. */
#define READER_LIMIT (SIZE_MAX / 4)

/* The last freed buffer of the default size, one per thread, for the next
 * reader of that thread: a process that scans many logs (scan LOG..., the
 * service's workers, backtest) would otherwise get fresh pages from the
 * kernel for every log, and on this VM the page faults of 256 KiB cost
 * 0.6 ms, more than scanning a 1 MB log (docs/performance.md). Kept buffers
 * are fully initialised (zeroed once, then overwritten by input). Freed at
 * thread exit; the main thread's is still reachable at exit. */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_make_key(void)
{
	if(pthread_key_create(&spare_key, free) != 0)
		abort();
}

static unsigned char *spare_take(size_t cap)
{
	if(cap != READER_BUFSIZE)
		return NULL;
	pthread_once(&spare_once, spare_make_key);
	unsigned char *b = pthread_getspecific(spare_key);
	if(b)
		pthread_setspecific(spare_key, NULL);
	return b;
}

/* Keep buf for the next reader of this thread, or free it. */
static void spare_give(unsigned char *buf, size_t cap)
{
	if(cap == READER_BUFSIZE) {
		pthread_once(&spare_once, spare_make_key);
		if(!pthread_getspecific(spare_key) && pthread_setspecific(spare_key, buf) == 0)
			return;
	}
	free(buf);
}

/* Fault in the pages of a fresh buffer that the input will fill anyway, in
 * one call: 64 separate page faults for 256 KiB cost 0.6 ms on this VM, one
 * MADV_POPULATE_WRITE 0.26 ms. Best effort (Linux 5.14 and later); a small
 * input is left to fault in only the pages it touches. */
static void prefault(unsigned char *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1), e = ((uintptr_t)p + n) & ~(page - 1);
	if(e > a)
		(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}

/* input: how many bytes the input has, when known (0: unknown). */
static struct reader *reader_new(size_t bufsize, size_t max_line, uint64_t input)
{
	struct reader *r = xcalloc(1, sizeof *r);

	if(!bufsize)
		bufsize = READER_BUFSIZE;
	if(!max_line)
		max_line = READER_MAX_LINE;
	if(max_line > READER_LIMIT)
		max_line = READER_LIMIT;
	r->max_line = max_line;
	/* A buffer larger than max_line + 1 could hold a complete line longer
	 * than max_line, which would then escape the split. */
	r->cap = bufsize < max_line + 1 ? bufsize : max_line + 1;
	/* Zeroed once, so the bytes after any chunk are always initialised. */
	r->buf = spare_take(r->cap);
	if(!r->buf) {
		r->buf = xcalloc(r->cap + FSIG_PAD, 1);
		if(input >= r->cap)
			prefault(r->buf, r->cap);
	}
	return r;
}

struct reader *reader_new_fd(int fd, size_t bufsize, size_t max_line)
{
	struct stat st;
	bool file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
	struct reader *r = reader_new(bufsize, max_line, file ? (uint64_t)st.st_size : 0);

	r->fd = fd;
	return r;
}

struct reader *reader_new_mem(const void *p, size_t len, size_t bufsize, size_t max_line)
{
	struct reader *r = reader_new(bufsize, max_line, len);

	r->from_mem = true;
	r->mem = p;
	r->mem_len = len;
	return r;
}

struct reader *reader_new_fn(reader_read_fn fn, void *ctx, size_t bufsize, size_t max_line)
{
	struct reader *r = reader_new(bufsize, max_line, 0);

	r->read_fn = fn;
	r->read_ctx = ctx;
	return r;
}

void reader_free(struct reader *r)
{
	if(!r)
		return;
	spare_give(r->buf, r->cap);
	free(r);
}

uint64_t reader_bytes(const struct reader *r)
{
	return r->bytes;
}

/* Read into buf[len, cap). Returns the number of bytes read (0 at end of
 * input) or -1 on error. A short read is fine: the caller loops until it has
 * a complete line. */
static ssize_t fill(struct reader *r)
{
	size_t room = r->cap - r->len;
	ssize_t got;

	assert(room > 0);
	if(r->from_mem) {
		size_t n = r->mem_len - r->mem_off;

		if(n > room)
			n = room;
		if(n == 0)
			return 0;  /* p may be NULL for an empty input */
		memcpy(r->buf + r->len, r->mem + r->mem_off, n);
		r->mem_off += n;
		return (ssize_t)n;
	}
	if(r->read_fn)
		return r->read_fn(r->read_ctx, r->buf + r->len, room);
	for(;;) {
		got = read(r->fd, r->buf + r->len, room);
		if(got >= 0)
			return got;
		if(errno != EINTR)
			return -1;
	}
}

/* The last '\n' in p[0, n), or NULL. Searched from the end, a word at a
 * time: the last line of a read is usually short, but a long line makes this
 * walk the whole read (once per byte of input overall). */
static const unsigned char *last_nl(const unsigned char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101u;
	const uint64_t highs = 0x8080808080808080u;
	const uint64_t nls = ones * '\n';

	while(n >= 8) {
		uint64_t w;

		memcpy(&w, p + n - 8, 8);  /* compiles to one unaligned load */
		w ^= nls;
		if((w - ones) & ~w & highs)
			break;  /* a '\n' among these 8 bytes; find it below */
		n -= 8;
	}
	while(n > 0) {
		n--;
		if(p[n] == '\n')
			return p + n;
	}
	return NULL;
}

/* Make room for more input: move the incomplete tail to the front, and when
 * it fills the whole buffer, double the buffer (up to max_line + 1). */
static void make_room(struct reader *r)
{
	size_t n = r->len - r->start;
	size_t cap;

	if(r->start > 0) {
		memmove(r->buf, r->buf + r->start, n);
		r->start = 0;
		r->len = n;
	}
	if(r->len < r->cap)
		return;
	/* A full buffer without '\n' longer than max_line is split instead. */
	assert(r->cap <= r->max_line);
	cap = r->cap * 2;
	if(cap > r->max_line + 1)
		cap = r->max_line + 1;
	r->buf = xrealloc(r->buf, cap + FSIG_PAD);
	memset(r->buf + r->cap, 0, cap - r->cap + FSIG_PAD);
	r->cap = cap;
}

static void hand_out(struct reader *r, struct reader_chunk *c, size_t end, bool partial)
{
	c->begin = r->buf + r->start;
	c->end = r->buf + end;
	c->continues = r->cont;
	c->partial = partial;
	r->cont = partial;
	assert(end > r->start && r->buf[end - 1] == '\n');
}

int reader_next(struct reader *r, struct reader_chunk *c)
{
	if(r->have_saved) {
		r->buf[r->saved_at] = r->saved;
		r->have_saved = false;
	}
	for(;;) {
		size_t n = r->len - r->start;  /* pending bytes; no '\n' among them */
		size_t old_len;
		ssize_t got;
		const unsigned char *nl;

		if(n > r->max_line) {
			/* The buffer is full of one line: hand out max_line bytes and
			 * a '\n' that borrows the place of the next input byte. */
			size_t at = r->start + r->max_line;

			r->saved_at = at;
			r->saved = r->buf[at];
			r->have_saved = true;
			r->buf[at] = '\n';
			hand_out(r, c, at + 1, true);
			r->start = at;
			return 1;
		}
		if(r->eof) {
			if(n == 0)
				return 0;
			/* A final line without '\n': add one. There is room, since
			 * end of input is only seen by a read into a buffer that
			 * was not full. */
			assert(r->len < r->cap);
			r->buf[r->len] = '\n';
			hand_out(r, c, r->len + 1, false);
			r->start = r->len;
			return 1;
		}
		make_room(r);
		old_len = r->len;
		got = fill(r);
		if(got < 0)
			return -1;
		if(got == 0) {
			r->eof = true;
			continue;
		}
		r->len += (size_t)got;
		r->bytes += (uint64_t)got;
		nl = last_nl(r->buf + old_len, (size_t)got);
		if(nl) {
			size_t end = (size_t)(nl - r->buf) + 1;

			hand_out(r, c, end, false);
			r->start = end;
			return 1;
		}
	}
}
