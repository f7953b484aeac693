/* srcfile.h — a loaded .rules file and its line-start map.
 *
 * Locations in the compiler are byte offsets into a srcfile (jq's locfile,
 * Ninja): line and column are computed only when a diagnostic is rendered. */
#ifndef FSIG_SRCFILE_H
#define FSIG_SRCFILE_H

#include <stddef.h>
#include <stdint.h>

struct arena;

struct srcfile {
	const char *path;     /* as given on the command line or resolved include */
	const char *text;     /* contents + 2 NUL bytes (lexer sentinel); arena-owned */
	size_t len;           /* bytes of contents, without the NULs */
	uint32_t *lines;      /* byte offset where each line starts; lines[0] == 0 */
	uint32_t nlines;      /* number of entries in lines */
	int id;               /* index in the compilation's file list */
};

/* A source range: file + [begin, end) byte offsets. end == begin for a point. */
struct loc {
	const struct srcfile *file;  /* NULL for "no location" */
	uint32_t begin;
	uint32_t end;
};

/* Load path into the arena. Returns NULL and sets errno when it cannot be read.
 * Files larger than 16 MiB are refused (errno = EFBIG). */
struct srcfile *srcfile_load(struct arena *a, const char *path, int id);
/* Make a srcfile from memory (tests, fuzzers); text is copied. */
struct srcfile *srcfile_from_mem(struct arena *a, const char *path, const char *text,
                                 size_t len, int id);
/* 1-based line and 1-based byte column of offset. */
void srcfile_linecol(const struct srcfile *f, uint32_t offset, uint32_t *line, uint32_t *col);
/* The text of 1-based line (without its newline); *len gets its length. */
const char *srcfile_line(const struct srcfile *f, uint32_t line, size_t *len);

#endif
