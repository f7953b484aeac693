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
	uint32_t begin;              /* offset of the first byte */
	uint32_t end;                /* offset one past the last byte; == begin for a point */
};

/* Load path into the arena (contents, path copy and line table all live there).
 * Returns NULL and sets errno when it cannot be read (EISDIR for a directory).
 * Files larger than 16 MiB are refused (errno = EFBIG); exactly 16 MiB loads.
 * A file ending in '\n' has one more, empty line that starts at len, so the
 * end-of-file offset has a line to point at. */
struct srcfile *srcfile_load(struct arena *a, const char *path, int id);
/* Make a srcfile from memory (tests, fuzzers); text and path are copied into
 * a, text may hold any bytes (NULs included). len must be < 4 GiB. Never NULL. */
struct srcfile *srcfile_from_mem(struct arena *a, const char *path, const char *text,
                                 size_t len, int id);
/* 1-based line and 1-based byte column of offset (a tab counts as one byte).
 * Offsets past the end are taken as f->len. O(log lines). */
void srcfile_linecol(const struct srcfile *f, uint32_t offset, uint32_t *line, uint32_t *col);
/* The text of 1-based line without its "\n" or "\r\n"; *len gets its length.
 * The text is not NUL-terminated at *len (it points into f->text). A line
 * number out of range gives an empty line. */
const char *srcfile_line(const struct srcfile *f, uint32_t line, size_t *len);

#endif
