/* srcfile.c — load a .rules file into the arena and map byte offsets to
 * line:column.
 *
 * The compiler carries byte offsets everywhere (STYLE 9.2 rule 4); this file
 * is the only place that knows about lines. The line-start table is built
 * once per file, so turning an offset into line:col is a binary search. */
#include "srcfile.h"
#include "arena.h"
#include "dynbuf.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Rule files are hand-written text; anything this big is a mistake (a log
 * passed by accident), and the cap keeps every offset well inside uint32_t. */
enum { SRCFILE_MAX = 16 * 1024 * 1024 };

struct srcfile *srcfile_from_mem(struct arena *a, const char *path, const char *text,
                                 size_t len, int id)
{
	/* Offsets are uint32_t; the two sentinel NULs must stay addressable too. */
	assert(len <= UINT32_MAX - 2);
	struct srcfile *f = arena_alloc(a, sizeof *f);
	char *copy = arena_alloc(a, len + 2);  /* zeroed: the two NULs come free */
	if(len)
		memcpy(copy, text, len);
	f->path = arena_strdup(a, path);
	f->text = copy;
	f->len = len;
	f->id = id;

	/* Count first so the table is allocated once, at its exact size. A file
	 * that ends in '\n' gets a last, empty line starting at len: the
	 * end-of-file offset then has a line of its own to point at. */
	uint32_t n = 1;
	const char *p = copy;
	const char *end = copy + len;
	while(p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if(!nl)
			break;
		n++;
		p = nl + 1;
	}
	f->lines = arena_alloc(a, n * sizeof f->lines[0]);
	f->nlines = n;
	f->lines[0] = 0;
	uint32_t i = 1;
	p = copy;
	while(i < n) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		assert(nl);
		f->lines[i++] = (uint32_t)(nl + 1 - copy);
		p = nl + 1;
	}
	return f;
}

struct srcfile *srcfile_load(struct arena *a, const char *path, int id)
{
	struct srcfile *f = NULL;
	struct dynbuf buf;
	dynbuf_init(&buf, SRCFILE_MAX);
	int err = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if(fd < 0)
		return NULL;
	struct stat st;
	if(fstat(fd, &st) != 0) {
		err = errno;
		goto out;
	}
	if(S_ISDIR(st.st_mode)) {
		err = EISDIR;
		goto out;
	}
	/* Refuse big regular files before reading a byte of them; pipes and
	 * files that grow while we read are caught by the dynbuf cap below. */
	if(S_ISREG(st.st_mode) && st.st_size > SRCFILE_MAX) {
		err = EFBIG;
		goto out;
	}
	for(;;) {
		char chunk[65536];
		ssize_t got = read(fd, chunk, sizeof chunk);
		if(got < 0) {
			if(errno == EINTR)
				continue;
			err = errno;
			goto out;
		}
		if(got == 0)
			break;
		if(!dynbuf_add(&buf, chunk, (size_t)got)) {
			err = EFBIG;
			goto out;
		}
	}
	f = srcfile_from_mem(a, path, buf.ptr ? buf.ptr : "", buf.len, id);
out:
	close(fd);
	dynbuf_free(&buf);
	if(err)
		errno = err;
	return f;
}

void srcfile_linecol(const struct srcfile *f, uint32_t offset, uint32_t *line, uint32_t *col)
{
	if(offset > f->len)
		offset = (uint32_t)f->len;
	/* The last line whose start is <= offset: lines[lo] <= offset always
	 * holds, lines[hi] > offset holds for hi == nlines by convention. */
	uint32_t lo = 0;
	uint32_t hi = f->nlines;
	while(hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if(f->lines[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	*line = lo + 1;
	*col = offset - f->lines[lo] + 1;
}

const char *srcfile_line(const struct srcfile *f, uint32_t line, size_t *len)
{
	if(line < 1 || line > f->nlines) {
		*len = 0;
		return f->text + f->len;  /* an empty, NUL-terminated string */
	}
	uint32_t start = f->lines[line - 1];
	size_t stop = f->len;
	if(line < f->nlines) {
		stop = f->lines[line] - 1;  /* at the '\n' */
		/* CRLF: the '\r' would send the terminal cursor back over the
		 * gutter when the line is shown in a diagnostic. */
		if(stop > start && f->text[stop - 1] == '\r')
			stop--;
	}
	*len = stop - start;
	return f->text + start;
}
