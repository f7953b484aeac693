/* scan.h — run the generated scanner over a log: which atoms occur on which line.
 *
 * The scan loop takes chunks from the reader, computes the displayed form of
 * lines that need it (display.h), tracks GitLab sections, runs the gram
 * prefilter over each line and the generated matchers of the candidate
 * atoms, and hands every line with at least one atom hit (or every line, when
 * the consumer asks for it) to a callback. */
#ifndef FSIG_SCAN_H
#define FSIG_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ruleset.h"

struct reader;

enum { SCAN_MAX_SECTIONS = 32 };  /* deeper nesting is tracked by count only */

struct scan_line {
	uint64_t lineno;                 /* 1-based, as GitLab numbers lines */
	const unsigned char *text;       /* displayed text; text[len] == '\n', padded */
	size_t len;
	const unsigned char *raw;        /* raw bytes; raw[raw_len] == '\n', padded */
	size_t raw_len;
	const char *const *sections;     /* open sections, outermost first */
	size_t nsections;
	bool in_chunk;                   /* text lies in the reader's chunk: it stays
	                                    valid until the end-of-chunk call below */
	uint64_t run_lines;              /* 0: one line. Else a run of skipped lines:
	                                    see scan_line_fn */
};

/* Called for a line. atoms[0..natoms) are the non-lazy atoms that occur in
 * it, each once, in increasing order. Called with ln == NULL (and no atoms)
 * at the end of each chunk, before the reader's buffer is reused: text of
 * in_chunk lines that the callback kept pointers to must be copied then.
 *
 * While *want_all_lines is zero the scanner skips runs of lines that hold
 * no atom without splitting them, and says so with one call (no atoms):
 * ln->run_lines lines, the last numbered ln->lineno, all plain (displayed
 * text = raw bytes, no section marker), lie in text[0..len), each ending in
 * '\n', in the chunk. A consumer that keeps recent lines (eval's backlog)
 * finds them there. */
typedef void (*scan_line_fn)(void *ctx, const struct scan_line *ln,
                             const uint32_t *atoms, size_t natoms);

struct scan_stats {
	uint64_t bytes;              /* raw bytes read */
	uint64_t lines;
	uint64_t candidate_lines;    /* lines where the prefilter ran a matcher */
};

struct scanner;

/* A scanner for rule set rs (borrowed; must outlive the scanner). */
struct scanner *scanner_new(const struct fsig_ruleset *rs);
void scanner_free(struct scanner *s);

/* Scan everything r yields. fn is called for each line with atom hits; when
 * *want_all_lines is nonzero (the consumer may change it from inside fn),
 * for every line. Returns 0, or -1 on a read error (errno set). */
int scanner_run(struct scanner *s, struct reader *r, scan_line_fn fn, void *ctx,
                const int *want_all_lines, struct scan_stats *stats);

#endif
