/* fuzz_reader.c — the streaming reader (runtime/reader.c) with tiny buffers.
 *
 * Input: byte 0 picks the read size (bufsize), byte 1 the longest line
 * (max_line), byte 2 options; the rest is the log. Small sizes make every
 * line straddle reads, fill the buffer, grow it and be split. The log is
 * read from memory and, when it fits in a pipe, from a file descriptor,
 * and both readings must agree. Checked (reader.h is the contract):
 *   - every chunk is non-empty and ends in '\n'; its FSIG_PAD bytes of
 *     padding are readable (ASan);
 *   - no line of a chunk is longer than max_line ('\n' excluded);
 *   - `continues` equals the previous chunk's `partial`; the last chunk is
 *     not partial;
 *   - the chunks joined, without the artificial '\n' of partial chunks, are
 *     the input plus one '\n' if the input does not end in one;
 *   - reader_bytes() is the input length; after the end, 0 again;
 *   - at most one chunk per input byte (plus one): the reader terminates.
 * Option bit 0 scribbles over every chunk after it was recorded, as the
 * scanner may (reader_next promises to restore the byte it borrowed). */
#include "reader.h"
#include "ruleset.h"
#include "fuzz.h"

#include <stdbool.h>
#include <string.h>
#include <unistd.h>

enum { OPT_SCRIBBLE = 1, OPT_DEFAULT_SIZES = 2, PIPE_MAX = 60000 };

struct joined {
	unsigned char *p;
	size_t len;
	size_t cap;
};

static void join(struct joined *j, const unsigned char *p, size_t n)
{
	if(j->len + n > j->cap) {
		j->cap = (j->len + n) * 2 + 64;
		j->p = realloc(j->p, j->cap);
		FUZZ_CHECK(j->p, "out of memory");
	}
	memcpy(j->p + j->len, p, n);
	j->len += n;
}

/* Drain r; the joined text goes to *out, the chunk lengths (with the partial
 * flag in bit 0, length << 1) to lens (for comparing two readings). */
static void drain(struct reader *r, const unsigned char *in, size_t len, size_t max_line,
                  bool scribble, struct joined *out, struct joined *lens)
{
	struct reader_chunk c;
	bool prev_partial = false;
	bool last_partial = false;
	size_t nchunks = 0;
	int rc;

	for(;;) {
		rc = reader_next(r, &c);
		if(rc != 1)
			break;
		nchunks++;
		FUZZ_CHECK(nchunks <= len + 1, "%zu chunks from %zu bytes", nchunks, len);
		FUZZ_CHECK(c.end > c.begin, "empty chunk");
		FUZZ_CHECK(c.end[-1] == '\n', "chunk does not end in a newline");
		FUZZ_CHECK(c.continues == prev_partial, "continues=%d after partial=%d", c.continues,
		           prev_partial);
		unsigned pad = 0;
		for(size_t i = 0; i < FSIG_PAD; i++)
			pad += c.end[i];
		(void)pad;
		/* Line lengths. */
		const unsigned char *line = c.begin;
		while(line < c.end) {
			const unsigned char *nl = memchr(line, '\n', (size_t)(c.end - line));
			FUZZ_CHECK(nl, "chunk without final newline");
			FUZZ_CHECK((size_t)(nl - line) <= max_line, "a %zu-byte line, max_line %zu",
			           (size_t)(nl - line), max_line);
			line = nl + 1;
		}
		size_t n = (size_t)(c.end - c.begin);
		join(out, c.begin, c.partial ? n - 1 : n);
		size_t rec = n << 1 | (c.partial ? 1 : 0);
		join(lens, (const unsigned char *)&rec, sizeof rec);
		if(scribble)
			memset((unsigned char *)c.begin, 'Z', n);
		prev_partial = c.partial;
		last_partial = c.partial;
	}
	FUZZ_CHECK(rc == 0, "reader_next returned %d", rc);
	FUZZ_CHECK(!last_partial, "the last chunk is partial");
	FUZZ_CHECK(reader_next(r, &c) == 0, "a second end of input was not 0");
	FUZZ_CHECK(reader_bytes(r) == len, "reader_bytes %llu, input %zu",
	           (unsigned long long)reader_bytes(r), len);
	/* The joined text is the input plus a final newline if it lacked one. */
	bool add_nl = len > 0 && in[len - 1] != '\n';
	FUZZ_CHECK(out->len == len + add_nl, "joined %zu bytes, input %zu", out->len, len);
	FUZZ_CHECK(len == 0 || memcmp(out->p, in, len) == 0, "joined chunks differ from the input");
	if(add_nl)
		FUZZ_CHECK(out->p[len] == '\n', "no newline added to the final line");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if(size < 3)
		return 0;
	unsigned opts = data[2];
	size_t bufsize = (size_t)data[0] % 64 + 1;
	size_t max_line = (size_t)data[1] % 64 + 1;
	if(opts & OPT_DEFAULT_SIZES) {
		/* 0 = the defaults (256 KiB, 4 MiB), or only one of them small. */
		bufsize = data[0] & 0x80 ? 0 : bufsize;
		max_line = data[1] & 0x80 ? 0 : max_line;
	}
	size_t len = size - 3;
	/* A copy of exactly the log, so ASan sees reads past its end. */
	unsigned char *in = malloc(len ? len : 1);
	FUZZ_CHECK(in, "out of memory");
	if(len)
		memcpy(in, data + 3, len);
	size_t eff_max = max_line ? max_line : READER_MAX_LINE;

	struct joined text = { 0 }, lens = { 0 };
	struct reader *r = reader_new_mem(len ? in : NULL, len, bufsize, max_line);
	drain(r, in, len, eff_max, opts & OPT_SCRIBBLE, &text, &lens);
	reader_free(r);

	if(len <= PIPE_MAX) {
		/* The same from a pipe: short reads, same chunks. */
		int fds[2];
		FUZZ_CHECK(pipe(fds) == 0, "pipe");
		size_t off = 0;
		while(off < len) {
			ssize_t w = write(fds[1], in + off, len - off);
			FUZZ_CHECK(w > 0, "write to pipe");
			off += (size_t)w;
		}
		close(fds[1]);
		struct joined text2 = { 0 }, lens2 = { 0 };
		r = reader_new_fd(fds[0], bufsize, max_line);
		drain(r, in, len, eff_max, opts & OPT_SCRIBBLE, &text2, &lens2);
		reader_free(r);
		close(fds[0]);
		FUZZ_CHECK(lens.len == lens2.len && (lens.len == 0 || memcmp(lens.p, lens2.p, lens.len) == 0),
		           "memory and fd readings chunk differently");
		free(text2.p);
		free(lens2.p);
	}
	free(text.p);
	free(lens.p);
	free(in);
	return 0;
}
