/* reader.h — streaming reader of a job log in chunks of complete lines.
 *
 * Reads a file descriptor (or memory) through one fixed buffer and hands out
 * chunks that end on a line boundary, with FSIG_PAD readable bytes after each
 * chunk so that generated matchers need no bounds checks. Memory does not
 * grow with the size of the log: the buffer grows only for a line longer than
 * it, and never beyond max_line + 1 bytes; a longer line is handed out in
 * pieces that share one line number (see struct reader_chunk). Any byte is
 * accepted. */
#ifndef FSIG_READER_H
#define FSIG_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum {
	READER_BUFSIZE = 1 << 18,          /* default read size: 256 KiB (see docs/performance.md) */
	READER_MAX_LINE = 4 << 20,         /* default longest line handed out whole */
};

struct reader_chunk {
	const unsigned char *begin;  /* first byte of the first line */
	const unsigned char *end;    /* one past the last '\n'; end[-1] == '\n'; end[0..FSIG_PAD)
	                                readable (their values are unspecified) */
	bool continues;              /* the first line continues the previous chunk's last line */
	bool partial;                /* the last '\n' is artificial: the line goes on in the next chunk */
};

struct reader;

/* Read from fd (not closed by the reader). bufsize 0 means READER_BUFSIZE,
 * max_line 0 means READER_MAX_LINE; a bufsize above max_line + 1 is reduced
 * to max_line + 1. The buffer is bufsize + FSIG_PAD bytes and grows (doubling)
 * only while one line does not fit, up to max_line + 1 + FSIG_PAD. Caller
 * frees with reader_free. */
struct reader *reader_new_fd(int fd, size_t bufsize, size_t max_line);
/* Read from memory (copied chunk by chunk into the same kind of buffer, so
 * chunks are padded and writable; p must outlive the reader; p may be NULL
 * when len is 0). */
struct reader *reader_new_mem(const void *p, size_t len, size_t bufsize, size_t max_line);
/* Read from a callback: fn(ctx, dst, room) fills up to room bytes and
 * returns how many (0 at end of input, -1 with errno set on error). For
 * inputs that are neither a file nor in memory (a trace stored in chunks in
 * the database). */
typedef ssize_t (*reader_read_fn)(void *ctx, unsigned char *dst, size_t room);
struct reader *reader_new_fn(reader_read_fn fn, void *ctx, size_t bufsize, size_t max_line);
void reader_free(struct reader *r);

/* The next chunk. Returns 1 with *c filled, 0 at end of input (and on every
 * call after), -1 on a read error (errno set; EINTR is retried inside; a
 * later call reads again). A final line without '\n' is handed out with one
 * added. The chunk stays valid until the next call. The bytes of a chunk may
 * be modified by the caller, the artificial '\n' of a partial chunk
 * included: the input byte it replaced is kept aside and restored. */
int reader_next(struct reader *r, struct reader_chunk *c);

uint64_t reader_bytes(const struct reader *r);  /* bytes read from the input so far (added '\n' not counted) */

#endif
