/* test_reader.c — unit tests of the streaming reader (runtime/reader.c).
 *
 * Every input is read back through the reader (from memory, a file and a
 * pipe, with buffers small enough that lines straddle reads) and the chunks
 * are joined again, dropping only the artificial '\n' of split lines: the
 * result must be the input byte for byte (plus the '\n' added to a final line
 * without one). Each chunk's end and its FSIG_PAD bytes of padding are read,
 * so a run under -fsanitize=address catches any chunk that overruns the
 * buffer. */
#include "reader.h"
#include "ruleset.h"
#include "xalloc.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

struct bytes {
	unsigned char *p;
	size_t len;
	size_t alloc;
};

static void bytes_add(struct bytes *b, const void *p, size_t n)
{
	if(b->len + n > b->alloc) {
		size_t want = b->alloc ? b->alloc : 256;

		while(want < b->len + n)
			want *= 2;
		b->p = xrealloc(b->p, want);
		b->alloc = want;
	}
	if(n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* What reading a whole input produced. */
struct result {
	struct bytes text;       /* chunks joined, artificial '\n' dropped */
	size_t chunks;
	size_t lines;            /* real '\n' handed out: GitLab's line count */
	size_t pieces;           /* chunks with partial set */
	size_t longest;          /* longest line or piece handed out, '\n' excluded */
	size_t span;             /* bytes between the lowest begin and highest end */
	size_t first_len;        /* bytes of the first chunk */
	bool first_partial;
	bool ends_ok;            /* every chunk nonempty and ends in '\n' */
	bool flags_ok;           /* continues == previous partial; last not partial */
	bool copied;             /* no chunk points into the memory input */
	unsigned pad;            /* sum of the padding bytes (read for ASan) */
	int rc;                  /* the last reader_next result */
	int err;                 /* errno after rc == -1 */
	uint64_t bytes;          /* reader_bytes at the end */
};

/* Drain r into res. With scribble, overwrite each chunk after recording it,
 * as a caller rewriting lines in place would. src: the memory input, if any. */
static void drain(struct reader *r, struct result *res, bool scribble,
                  const unsigned char *src, size_t srclen)
{
	struct reader_chunk c;
	bool prev_partial = false;
	const unsigned char *lo = NULL;
	const unsigned char *hi = NULL;
	int rc;

	memset(res, 0, sizeof *res);
	res->ends_ok = true;
	res->flags_ok = true;
	res->copied = true;
	for(;;) {
		const unsigned char *l;
		size_t n;

		errno = 0;
		rc = reader_next(r, &c);
		if(rc != 1)
			break;
		n = (size_t)(c.end - c.begin);
		if(res->chunks == 0) {
			res->first_len = n;
			res->first_partial = c.partial;
		}
		res->chunks++;
		if(n == 0 || c.end[-1] != '\n') {
			res->ends_ok = false;
			break;
		}
		if(c.continues != prev_partial)
			res->flags_ok = false;
		if(src && c.begin < src + srclen && c.end > src)
			res->copied = false;
		for(int i = 0; i < FSIG_PAD; i++)
			res->pad += c.end[i];
		if(!lo || c.begin < lo)
			lo = c.begin;
		if(!hi || c.end > hi)
			hi = c.end;
		for(l = c.begin; l < c.end;) {
			const unsigned char *nl = memchr(l, '\n', (size_t)(c.end - l));
			size_t len = (size_t)(nl - l);

			if(len > res->longest)
				res->longest = len;
			if(nl + 1 < c.end || !c.partial)
				res->lines++;
			l = nl + 1;
		}
		bytes_add(&res->text, c.begin, n - (c.partial ? 1 : 0));
		if(c.partial)
			res->pieces++;
		prev_partial = c.partial;
		if(scribble)
			memset((unsigned char *)c.begin, 'X', n);
	}
	if(prev_partial)
		res->flags_ok = false;
	res->span = lo ? (size_t)(hi - lo) : 0;
	res->rc = rc;
	res->err = errno;
	res->bytes = reader_bytes(r);
}

static void result_free(struct result *res)
{
	free(res->text.p);
	res->text.p = NULL;
}

/* The input as handed out: a final line without '\n' gets one. */
static bool same_text(const struct result *res, const void *in, size_t len)
{
	const unsigned char *p = in;
	size_t want = len + (len > 0 && p[len - 1] != '\n');

	if(res->text.len != want)
		return false;
	if(len && memcmp(res->text.p, p, len) != 0)
		return false;
	return want == len || res->text.p[len] == '\n';
}

static size_t count_lines(const void *in, size_t len)
{
	const unsigned char *p = in;
	size_t n = 0;

	for(size_t i = 0; i < len; i++)
		n += p[i] == '\n';
	return n + (len > 0 && p[len - 1] != '\n');
}

static void read_mem(const void *in, size_t len, size_t bufsize, size_t max_line,
                     bool scribble, struct result *res)
{
	struct reader *r = reader_new_mem(in, len, bufsize, max_line);

	drain(r, res, scribble, in, len);
	reader_free(r);
}

/* Through an unlinked temporary file. */
static void read_file(const void *in, size_t len, size_t bufsize, size_t max_line,
                      struct result *res)
{
	FILE *f = tmpfile();
	struct reader *r;

	if(!f) {
		perror("tmpfile");
		exit(2);
	}
	if(len && fwrite(in, 1, len, f) != len) {
		perror("fwrite");
		exit(2);
	}
	fflush(f);
	lseek(fileno(f), 0, SEEK_SET);
	r = reader_new_fd(fileno(f), bufsize, max_line);
	drain(r, res, false, NULL, 0);
	reader_free(r);
	fclose(f);
}

/* Through a pipe fed by a child writing step bytes at a time, so that reads
 * come back short and lines straddle them. */
static void read_pipe(const void *in, size_t len, size_t step, size_t bufsize,
                      size_t max_line, struct result *res)
{
	int fds[2];
	pid_t pid;
	struct reader *r;

	if(pipe(fds) != 0) {
		perror("pipe");
		exit(2);
	}
	fflush(stdout);
	pid = fork();
	if(pid < 0) {
		perror("fork");
		exit(2);
	}
	if(pid == 0) {
		const unsigned char *p = in;
		size_t off = 0;

		close(fds[0]);
		while(off < len) {
			size_t n = len - off < step ? len - off : step;
			ssize_t w = write(fds[1], p + off, n);

			if(w < 0 && errno == EINTR)
				continue;
			if(w < 0)
				_exit(1);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	r = reader_new_fd(fds[0], bufsize, max_line);
	drain(r, res, false, NULL, 0);
	reader_free(r);
	close(fds[0]);
	waitpid(pid, NULL, 0);
}

static unsigned char *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct bytes b = {0};
	unsigned char tmp[4096];
	size_t n;

	if(!f)
		return NULL;
	for(;;) {
		n = fread(tmp, 1, sizeof tmp, f);
		if(n == 0)
			break;
		bytes_add(&b, tmp, n);
	}
	fclose(f);
	*len = b.len;
	if(!b.p)
		b.p = xmalloc(1);
	return b.p;
}

/* tests/logs/NAME, found from this file's path so that the test runs from
 * the top of the tree or from anywhere when compiled with an absolute path. */
static const char *fixture(const char *name)
{
	static char path[4096];
	const char *f = __FILE__;
	const char *end = strrchr(f, '/');
	size_t dir;

	if(!end) {
		snprintf(path, sizeof path, "../logs/%s", name);
		return path;
	}
	/* Drop "/test_reader.c", then "unit". */
	dir = (size_t)(end - f);
	while(dir > 0 && f[dir - 1] != '/')
		dir--;
	snprintf(path, sizeof path, "%.*slogs/%s", (int)dir, f, name);
	return path;
}

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(rng >> 33) % n;
}

static void test_small(void)
{
	static const char in[] = "a\nbb\nccc\n";
	struct result res;
	bool all = true;

	for(size_t bs = 1; bs <= 20; bs++) {
		read_mem(in, sizeof in - 1, bs, 0, false, &res);
		all = all && same_text(&res, in, sizeof in - 1) && res.ends_ok && res.flags_ok
			&& res.lines == 3 && res.pieces == 0 && res.rc == 0 && res.copied;
		result_free(&res);
	}
	CHECK(all, "three short lines come back whole with bufsize 1..20");

	read_mem(in, sizeof in - 1, 0, 0, false, &res);
	CHECK(res.chunks == 1 && res.first_len == 9, "default bufsize: one chunk of all lines");
	CHECK(res.bytes == 9, "reader_bytes counts the input");
	result_free(&res);
}

static void test_edges(void)
{
	struct result res;
	struct reader *r;
	struct reader_chunk c;

	read_mem("", 0, 0, 0, false, &res);
	CHECK(res.chunks == 0 && res.rc == 0 && res.bytes == 0, "empty input: no chunk");
	result_free(&res);
	read_mem(NULL, 0, 16, 0, false, &res);
	CHECK(res.chunks == 0 && res.rc == 0, "empty input from NULL: no chunk");
	result_free(&res);
	read_file("", 0, 16, 0, &res);
	CHECK(res.chunks == 0 && res.rc == 0 && res.bytes == 0, "empty file: no chunk");
	result_free(&res);

	r = reader_new_mem("", 0, 0, 0);
	CHECK(reader_next(r, &c) == 0 && reader_next(r, &c) == 0, "end of input is sticky");
	reader_free(r);

	read_mem("\n", 1, 0, 0, false, &res);
	CHECK(res.chunks == 1 && res.first_len == 1 && res.lines == 1 && res.bytes == 1,
	      "only \"\\n\": one empty line");
	result_free(&res);

	read_mem("abc", 3, 0, 0, false, &res);
	CHECK(same_text(&res, "abc", 3) && res.lines == 1, "no final newline: one is added");
	CHECK(res.bytes == 3, "reader_bytes does not count the added '\\n'");
	result_free(&res);

	read_file("x\nlast", 6, 0, 0, &res);
	CHECK(same_text(&res, "x\nlast", 6) && res.lines == 2 && res.bytes == 6,
	      "no final newline through a file");
	result_free(&res);

	/* The final line fills the buffer exactly: the '\n' goes in the spare byte. */
	read_mem("abcd", 4, 4, 0, false, &res);
	CHECK(same_text(&res, "abcd", 4) && res.ends_ok, "unterminated line filling the buffer");
	result_free(&res);
	read_mem("abcdefgh", 8, 8, 8, false, &res);
	CHECK(same_text(&res, "abcdefgh", 8) && res.pieces == 0,
	      "unterminated line of exactly max_line is not split");
	result_free(&res);
	read_mem("abcdefgh", 8, 9, 8, false, &res);
	CHECK(same_text(&res, "abcdefgh", 8) && res.pieces == 0,
	      "unterminated line of max_line in a buffer of max_line + 1");
	result_free(&res);

	read_mem("a\r\nb\r\n\r\n", 8, 3, 0, false, &res);
	CHECK(same_text(&res, "a\r\nb\r\n\r\n", 8) && res.lines == 3, "CRLF passes through");
	result_free(&res);
	read_mem("\r", 1, 0, 0, false, &res);
	CHECK(same_text(&res, "\r", 1), "a lone '\\r' is kept");
	result_free(&res);

	{
		static const unsigned char odd[] = "\0\0\n\xff\xfe\xc3(\n\x1b[0m\0";

		read_mem(odd, sizeof odd - 1, 2, 0, false, &res);
		CHECK(same_text(&res, odd, sizeof odd - 1) && res.lines == 3,
		      "NUL and invalid UTF-8 bytes pass through");
		result_free(&res);
	}
}

/* A line longer than max_line comes in pieces of max_line bytes. */
static void test_split(void)
{
	char in[64];
	struct result res;
	size_t len;

	memset(in, 0, sizeof in);
	for(int i = 0; i < 35; i++)
		in[i] = (char)('a' + i % 26);
	memcpy(in + 35, "\nshort\n", 7);
	len = 42;

	for(int scribble = 0; scribble < 2; scribble++) {
		read_mem(in, len, 4, 10, scribble, &res);
		CHECK(same_text(&res, in, len), "35-byte line, max_line 10: no byte lost%s",
		      scribble ? " (caller rewrites chunks)" : "");
		CHECK(res.pieces == 3 && res.longest == 10, "three pieces of 10 then the rest");
		CHECK(res.first_partial && res.first_len == 11, "first piece: 10 bytes + '\\n', partial");
		CHECK(res.flags_ok && res.ends_ok, "continues follows partial");
		CHECK(res.lines == 2 && res.bytes == len, "the pieces count as one line");
		result_free(&res);
	}

	read_file(in, len, 4, 10, &res);
	CHECK(same_text(&res, in, len) && res.pieces == 3 && res.flags_ok,
	      "long line split the same way from a file");
	result_free(&res);
	read_pipe(in, len, 3, 4, 10, &res);
	CHECK(same_text(&res, in, len) && res.pieces == 3 && res.flags_ok,
	      "long line split the same way from a pipe");
	result_free(&res);

	read_mem("0123456789\n", 11, 4, 10, false, &res);
	CHECK(res.pieces == 0 && res.chunks == 1, "a line of exactly max_line is whole");
	result_free(&res);
	read_mem("0123456789A\nb\n", 14, 4, 10, false, &res);
	CHECK(same_text(&res, "0123456789A\nb\n", 14) && res.pieces == 1 && res.flags_ok,
	      "max_line + 1: a piece of max_line and a piece of 1");
	result_free(&res);
	read_mem("0123456789AB", 12, 64, 10, false, &res);
	CHECK(same_text(&res, "0123456789AB", 12) && res.pieces == 1 && res.longest == 10,
	      "bufsize above max_line is capped; unterminated long line split");
	result_free(&res);
	read_mem("0123456789ABCDEFGHIJ", 20, 3, 10, false, &res);
	CHECK(same_text(&res, "0123456789ABCDEFGHIJ", 20) && res.pieces == 1 && res.flags_ok,
	      "unterminated line of twice max_line: the last piece gets a real end");
	result_free(&res);
	read_mem("abc\ndefghijklmnopq\n", 19, 0, 1, false, &res);
	CHECK(same_text(&res, "abc\ndefghijklmnopq\n", 19) && res.longest == 1 && res.flags_ok,
	      "max_line 1: every byte its own piece");
	result_free(&res);
}

/* A 5 MB line with the default 256 KiB buffer and 4 MiB limit. */
static void test_huge(void)
{
	size_t big = 5000000;
	size_t len = big + 11;
	unsigned char *in = xmalloc(len);
	struct result res;

	for(size_t i = 0; i < big; i++) {
		in[i] = (unsigned char)rnd(256);
		if(in[i] == '\n')
			in[i] = 'n';
	}
	memcpy(in + big, "\ntail line\n", 11);

	read_mem(in, len, 0, 0, false, &res);
	CHECK(same_text(&res, in, len), "5 MB line from memory: no byte lost");
	CHECK(res.pieces == 1 && res.first_partial && res.first_len == READER_MAX_LINE + 1,
	      "5 MB line: a piece of exactly 4 MiB first");
	CHECK(res.longest == READER_MAX_LINE && res.lines == 2 && res.flags_ok && res.ends_ok,
	      "5 MB line: then the rest, continued, and the next line");
	CHECK(res.bytes == len, "5 MB line: reader_bytes");
	result_free(&res);

	read_file(in, len, 0, 0, &res);
	CHECK(same_text(&res, in, len) && res.pieces == 1 && res.flags_ok,
	      "5 MB line from a file");
	result_free(&res);

	read_file(in, big, 0, 0, &res);
	CHECK(same_text(&res, in, big) && res.pieces == 1 && res.lines == 1 && res.flags_ok,
	      "5 MB line without final newline from a file");
	result_free(&res);

	read_pipe(in, len, 65536, 0, 0, &res);
	CHECK(same_text(&res, in, len) && res.pieces == 1 && res.flags_ok,
	      "5 MB line from a pipe");
	result_free(&res);
	free(in);

	/* Twice the limit and more: two pieces of 4 MiB. */
	big = 2 * READER_MAX_LINE + 5;
	in = xmalloc(big + 1);
	memset(in, 'z', big);
	in[big] = '\n';
	read_mem(in, big + 1, 0, 0, true, &res);
	CHECK(same_text(&res, in, big + 1) && res.pieces == 2 && res.flags_ok,
	      "8 MiB + 5 line: two pieces and the rest");
	result_free(&res);
	free(in);
}

/* The buffer stays the same size however long the log is. */
static void test_bounded(void)
{
	struct bytes b = {0};
	struct result res;
	char line[64];

	for(int i = 0; b.len < 1000000; i++) {
		int n = snprintf(line, sizeof line, "line %d of a long log\n", i);

		bytes_add(&b, line, (size_t)n);
	}
	read_mem(b.p, b.len, 64, 0, false, &res);
	CHECK(same_text(&res, b.p, b.len), "1 MB of short lines through a 64-byte buffer");
	CHECK(res.span <= 65, "every chunk lies in the one 64-byte buffer (span %zu)", res.span);
	CHECK(res.copied, "memory input is copied into the buffer");
	result_free(&res);
	read_file(b.p, b.len, 0, 0, &res);
	CHECK(same_text(&res, b.p, b.len) && res.span <= READER_BUFSIZE + 1,
	      "1 MB of short lines through the default buffer");
	result_free(&res);
	free(b.p);
}

static void test_random(void)
{
	static const unsigned char alphabet[] = "ab \n\r\x1b\0\xff";
	bool ok = true;
	int bad = -1;

	for(int iter = 0; iter < 300 && ok; iter++) {
		size_t len = rnd(iter < 50 ? 40 : 3000);
		unsigned nl_every = 1 + rnd(iter % 3 == 0 ? 400 : 20);
		size_t bufsize = rnd(100);
		size_t max_line = rnd(4) == 0 ? 0 : 1 + rnd(200);
		unsigned char *in = xmalloc(len + 1);
		struct result res;
		size_t want_max;

		for(size_t i = 0; i < len; i++)
			in[i] = rnd(nl_every) == 0 ? '\n' : alphabet[rnd(sizeof alphabet - 1)];
		want_max = max_line ? max_line : READER_MAX_LINE;
		if(iter % 5 == 0)
			read_pipe(in, len, 1 + rnd(50), bufsize, max_line, &res);
		else if(iter % 5 == 1)
			read_file(in, len, bufsize, max_line, &res);
		else
			read_mem(in, len, bufsize, max_line, iter % 2, &res);
		if(!same_text(&res, in, len) || !res.ends_ok || !res.flags_ok || res.rc != 0
		   || res.longest > want_max || res.lines != count_lines(in, len)
		   || res.bytes != len) {
			ok = false;
			bad = iter;
		}
		result_free(&res);
		free(in);
	}
	CHECK(ok, "300 random inputs, buffers and limits round-trip (first failure: %d)", bad);
}

static void test_fixtures(void)
{
	static const char *const names[] = {
		"ansi.log", "cr-progress.log", "sections-chained.log", "sections-lf.log",
		"nul-bytes.log", "bad-utf8.log", "crlf.log", "no-final-newline.log",
	};

	for(size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t len = 0;
		unsigned char *in = load(fixture(names[i]), &len);
		struct result res;
		bool ok = true;

		CHECK(in && len > 0, "fixture %s loads", names[i]);
		if(!in)
			continue;
		read_file(in, len, 16, 0, &res);
		ok = ok && same_text(&res, in, len) && res.flags_ok && res.bytes == len;
		result_free(&res);
		read_file(in, len, 64, 0, &res);
		ok = ok && same_text(&res, in, len) && res.flags_ok && res.bytes == len;
		result_free(&res);
		read_pipe(in, len, 7, 16, 0, &res);
		ok = ok && same_text(&res, in, len) && res.flags_ok && res.bytes == len;
		result_free(&res);
		read_mem(in, len, 0, 0, false, &res);
		ok = ok && same_text(&res, in, len) && res.lines == count_lines(in, len);
		result_free(&res);
		CHECK(ok, "fixture %s round-trips through file, pipe and memory", names[i]);
		free(in);
	}
}

static void test_errors(void)
{
	struct result res;
	struct reader *r;
	int fd;

	r = reader_new_fd(-1, 0, 0);
	drain(r, &res, false, NULL, 0);
	CHECK(res.rc == -1 && res.err == EBADF, "a bad fd is a read error with errno");
	reader_free(r);
	result_free(&res);

	fd = open(".", O_RDONLY);
	r = reader_new_fd(fd, 0, 0);
	drain(r, &res, false, NULL, 0);
	CHECK(res.rc == -1 && res.err == EISDIR, "reading a directory fails with EISDIR");
	reader_free(r);
	result_free(&res);
	close(fd);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* read() interrupted by a signal (no SA_RESTART) is retried. */
static void test_eintr(void)
{
	struct sigaction sa;
	struct itimerval tv;
	struct result res;
	int fds[2];
	pid_t pid;
	struct reader *r;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	if(pipe(fds) != 0)
		return;
	fflush(stdout);
	pid = fork();
	if(pid == 0) {
		close(fds[0]);
		usleep(200000);
		if(write(fds[1], "late line\n", 10) != 10)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	memset(&tv, 0, sizeof tv);
	tv.it_value.tv_usec = 20000;
	tv.it_interval.tv_usec = 20000;
	setitimer(ITIMER_REAL, &tv, NULL);
	r = reader_new_fd(fds[0], 0, 0);
	drain(r, &res, false, NULL, 0);
	memset(&tv, 0, sizeof tv);
	setitimer(ITIMER_REAL, &tv, NULL);
	CHECK(alarms > 0, "the read was interrupted (%d signals)", (int)alarms);
	CHECK(res.rc == 0 && same_text(&res, "late line\n", 10), "and retried after EINTR");
	reader_free(r);
	result_free(&res);
	close(fds[0]);
	waitpid(pid, NULL, 0);
}

static long minor_faults(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* The buffer of a freed default-size reader serves the next one of the same
 * thread: its input comes back exactly, whatever the buffer held before,
 * and reading 1 MB through it touches no fresh page (a fresh 256 KiB buffer
 * costs about 64 page faults; on a VM that is more than scanning 1 MB). */
static void test_reuse(void)
{
	size_t big = 1 << 20;
	unsigned char *in = xmalloc(big);
	for(size_t i = 0; i < big; i++)
		in[i] = i % 61 == 60 ? '\n' : (unsigned char)('a' + i % 26);
	in[big - 1] = '\n';
	struct result res;
	read_mem(in, big, 0, 0, true, &res);  /* leaves a used, scribbled buffer */
	CHECK(same_text(&res, in, big), "a first default-size reader");
	result_free(&res);
	malloc_trim(0);  /* as a busy process's heap gets trimmed between logs */
	long before = minor_faults();
	struct reader *r = reader_new_mem(in, big, 0, 0);
	struct reader_chunk c;
	size_t n = 0;
	while(reader_next(r, &c) == 1)
		n += (size_t)(c.end - c.begin);
	reader_free(r);
	long faults = minor_faults() - before;
	CHECK(n == big, "the next one reads all of its input");
	CHECK(faults < 16, "and touches no fresh buffer (%ld minor faults)", faults);
	read_mem(in, big, 0, 0, false, &res);
	CHECK(same_text(&res, in, big), "and the one after reads it exactly");
	result_free(&res);
	read_mem("b", 1, 0, 0, false, &res);
	CHECK(same_text(&res, "b", 1) && res.lines == 1 && res.bytes == 1,
	      "a short input after a long one: nothing of the old buffer shows");
	result_free(&res);
	/* A buffer that grew for a long line is not kept; the next reader
	 * still works. */
	unsigned char *line = xmalloc(3 * READER_BUFSIZE);
	memset(line, 'x', 3 * READER_BUFSIZE);
	read_mem(line, 3 * READER_BUFSIZE, 0, 0, false, &res);
	CHECK(same_text(&res, line, 3 * READER_BUFSIZE) && res.lines == 1, "a grown buffer");
	result_free(&res);
	read_mem("c\nd\n", 4, 0, 0, false, &res);
	CHECK(same_text(&res, "c\nd\n", 4) && res.lines == 2, "a reader after a grown buffer");
	result_free(&res);
	free(line);
	free(in);
}

int main(void)
{
	test_small();
	test_edges();
	test_split();
	test_huge();
	test_bounded();
	test_random();
	test_fixtures();
	test_errors();
	test_eintr();
	test_reuse();
	return unit_done();
}
