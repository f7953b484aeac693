/* test_diag.c — unit tests of compiler/srcfile.c and compiler/diag.c.
 *
 * Every rendering detail is pinned with an exact expected string: what the
 * user sees is the interface (docs/diagnostics.md shows the same shapes).
 * Output is rendered into memory with open_memstream. */
#include "arena.h"
#include "diag.h"
#include "srcfile.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ----------------------------------------------------------- */

static struct arena *A;

/* Code Quality fingerprints computed independently (Python, FNV-1a and FNV-1
 * 64-bit over the NUL-terminated fields) when the test was written. */
#define FP_DUP "eb2d5e1058be1af0547fedcbeb187b42"     /* duplicate-rule, r.rules, no_space, msg */
#define FP_BROAD "5f61090c30e71dc7fe0d0a62ce2776fb"   /* broad-pattern, r.rules, no_space, msg */
#define FP_BROAD_2 "d37aa81f0080ee66736b13eef0c8ef10" /* the same, second occurrence: + "1" */

static const struct srcfile *mem(const char *path, const char *text, int id)
{
	return srcfile_from_mem(A, path, text, strlen(text), id);
}

/* Range of len bytes at 1-based line:col. */
static struct loc span(const struct srcfile *f, uint32_t line, uint32_t col, uint32_t len)
{
	uint32_t b = f->lines[line - 1] + col - 1;
	return (struct loc){ f, b, b + len };
}

static struct loc point(const struct srcfile *f, uint32_t line, uint32_t col)
{
	return span(f, line, col, 0);
}

static const struct loc NOWHERE = { NULL, 0, 0 };

static char *render(const struct diag *d, enum diag_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_render(d, fmt, f);
	fclose(f);
	return buf;
}

#define CHECK_RENDER(d, fmt, want, ...) \
	do { \
		char *got__ = render(d, fmt); \
		CHECK_STR(got__, want, __VA_ARGS__); \
		free(got__); \
	} while(0)

/* The 32 hex digits of the n-th (0-based) fingerprint in a Code Quality report. */
static void nth_fingerprint(const char *report, int n, char out[33])
{
	const char *p = report;
	out[0] = '\0';
	for(int i = 0; i <= n; i++) {
		p = strstr(p, "\"fingerprint\":\"");
		if(!p)
			return;
		p += strlen("\"fingerprint\":\"");
	}
	memcpy(out, p, 32);
	out[32] = '\0';
}

static int count_str(const char *s, const char *needle)
{
	int n = 0;
	for(const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* ---- srcfile ----------------------------------------------------------- */

static void test_srcfile_lines(void)
{
	const struct srcfile *f = mem("a.rules", "a\nbc\n\nd", 3);
	uint32_t line, col;
	size_t len;
	CHECK(f->nlines == 4, "4 lines in a\\nbc\\n\\nd");
	CHECK(f->lines[0] == 0 && f->lines[1] == 2 && f->lines[2] == 5 && f->lines[3] == 6,
	      "line starts 0 2 5 6");
	CHECK(f->id == 3 && f->len == 7, "id and len kept");
	CHECK_STR(f->path, "a.rules", "path copied");
	CHECK(f->text[7] == '\0' && f->text[8] == '\0', "two NULs after the text");

	static const struct {
		uint32_t off, line, col;
	} want[] = {
		{ 0, 1, 1 }, { 1, 1, 2 }, { 2, 2, 1 }, { 3, 2, 2 }, { 4, 2, 3 },
		{ 5, 3, 1 }, { 6, 4, 1 }, { 7, 4, 2 }, { 100, 4, 2 },
	};
	for(size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		srcfile_linecol(f, want[i].off, &line, &col);
		CHECK(line == want[i].line && col == want[i].col, "offset %u -> %u:%u (got %u:%u)",
		      want[i].off, want[i].line, want[i].col, line, col);
	}

	const char *s = srcfile_line(f, 2, &len);
	CHECK(len == 2 && memcmp(s, "bc", 2) == 0, "line 2 is bc");
	s = srcfile_line(f, 3, &len);
	CHECK(len == 0, "line 3 is empty");
	s = srcfile_line(f, 4, &len);
	CHECK(len == 1 && s[0] == 'd', "last line without newline");
	s = srcfile_line(f, 5, &len);
	CHECK(len == 0 && s[0] == '\0', "line past the end is empty");
	s = srcfile_line(f, 0, &len);
	CHECK(len == 0, "line 0 is empty");
}

static void test_srcfile_edges(void)
{
	uint32_t line, col;
	size_t len;
	const struct srcfile *f = mem("e", "", 0);
	CHECK(f->nlines == 1 && f->lines[0] == 0, "empty file has one line");
	CHECK(f->text[0] == '\0' && f->text[1] == '\0', "empty file still has two NULs");
	srcfile_linecol(f, 0, &line, &col);
	CHECK(line == 1 && col == 1, "empty file: offset 0 is 1:1");

	f = mem("n", "a\n", 0);
	CHECK(f->nlines == 2, "trailing newline: a last, empty line");
	srcfile_linecol(f, 2, &line, &col);
	CHECK(line == 2 && col == 1, "end of file after a newline is 2:1");

	f = mem("crlf", "ab\r\ncd\r\nx\r", 0);
	const char *s = srcfile_line(f, 1, &len);
	CHECK(len == 2 && memcmp(s, "ab", 2) == 0, "CRLF: the \\r is not part of the line");
	s = srcfile_line(f, 3, &len);
	CHECK(len == 2 && memcmp(s, "x\r", 2) == 0, "a final \\r without \\n stays");
	srcfile_linecol(f, 5, &line, &col);
	CHECK(line == 2 && col == 2, "CRLF columns count bytes");

	f = srcfile_from_mem(A, "nul", "a\0b\nc", 5, 0);
	CHECK(f->len == 5 && f->text[1] == '\0' && f->text[2] == 'b', "NUL bytes kept");
	srcfile_linecol(f, 4, &line, &col);
	CHECK(line == 2 && col == 1, "line after a NUL byte");

	f = mem("tab", "\tx", 0);
	srcfile_linecol(f, 1, &line, &col);
	CHECK(line == 1 && col == 2, "a tab is one byte column");

	/* Binary search against a linear scan over irregular lines. */
	char big[20000];
	size_t n = 0;
	for(int i = 0; n < sizeof big - 40; i++) {
		int w = (i * 7919) % 23;
		for(int j = 0; j < w; j++)
			big[n++] = 'x';
		big[n++] = '\n';
	}
	big[n] = '\0';
	f = srcfile_from_mem(A, "big", big, n, 0);
	int bad = 0;
	uint32_t l = 1;
	uint32_t c = 1;
	for(uint32_t off = 0; off <= n; off++) {
		srcfile_linecol(f, off, &line, &col);
		if(line != l || col != c)
			bad++;
		if(off < n && big[off] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	CHECK(bad == 0, "binary search agrees with a linear scan at every offset (%d bad)", bad);
}

static void test_srcfile_load(void)
{
	char dir[] = "/tmp/test_diag.XXXXXX";
	char path[64];
	CHECK(mkdtemp(dir) != NULL, "temporary directory");
	snprintf(path, sizeof path, "%s/x.rules", dir);

	FILE *w = fopen(path, "w");
	fputs("rule a {\n}\n", w);
	fclose(w);
	struct srcfile *f = srcfile_load(A, path, 7);
	CHECK(f && f->len == 11 && memcmp(f->text, "rule a {\n}\n", 11) == 0, "file loaded");
	CHECK(f && f->text[11] == '\0' && f->text[12] == '\0', "loaded text ends in two NULs");
	CHECK(f && f->nlines == 3 && f->id == 7, "lines counted, id kept");
	CHECK_STR(f ? f->path : NULL, path, "path kept");

	errno = 0;
	char missing[80];
	snprintf(missing, sizeof missing, "%s/missing.rules", dir);
	CHECK(srcfile_load(A, missing, 0) == NULL && errno == ENOENT, "missing file: ENOENT");
	errno = 0;
	CHECK(srcfile_load(A, dir, 0) == NULL && errno == EISDIR, "directory: EISDIR");

	/* Sparse files: the size check must not need the bytes on disk. */
	int fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && ftruncate(fd, 16 * 1024 * 1024 + 1) == 0, "sparse 16 MiB + 1");
	close(fd);
	errno = 0;
	CHECK(srcfile_load(A, path, 0) == NULL && errno == EFBIG, "16 MiB + 1 byte: EFBIG");
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && ftruncate(fd, 16 * 1024 * 1024) == 0, "sparse 16 MiB");
	close(fd);
	f = srcfile_load(A, path, 0);
	CHECK(f && f->len == 16 * 1024 * 1024 && f->nlines == 1, "exactly 16 MiB loads");

	unlink(path);
	rmdir(dir);
}

/* ---- TEXT -------------------------------------------------------------- */

/* The example of STYLE 9.4, reported out of order. (The STYLE example puts
 * the broad-pattern caret at column 14, inside "error"; the pattern's range
 * starts at column 11, the opening quote.) */
static void test_text_example(void)
{
	char infra[4096] = "";
	for(int i = 1; i <= 40; i++) {
		const char *l = "";
		if(i == 14)
			l = "    match /out of memory allocating \\d+ bytes";
		else if(i == 22)
			l = "    match \"error\"";
		else if(i == 30)
			l = "rule no_space \"Runner out of disk space\" {";
		strcat(infra, l);
		strcat(infra, "\n");
	}
	const struct srcfile *f = mem("rules/ghc/infra.rules", infra, 0);
	const struct srcfile *g = mem("rules/ghc/disk.rules",
	                              "# disk\n\n\nrule no_space \"Disk full\" {\n}\n", 1);
	struct diag *d = diag_new();
	int i = diag_report(d, DIAG_DUP_RULE, span(f, 30, 6, 8), "no_space",
	                    "duplicate rule id '%s'", "no_space");
	diag_note(d, i, span(g, 4, 6, 8), "first defined here");
	diag_report(d, DIAG_BROAD_PATTERN, span(f, 22, 11, 7), "x",
	            "pattern \"%s\" is too short to be specific", "error");
	diag_report(d, DIAG_BAD_REGEX, span(f, 14, 11, 35), NULL, "unterminated regex literal");
	CHECK(diag_errors(d) == 2 && diag_warnings(d) == 1, "2 errors, 1 warning counted");
	CHECK_RENDER(d, DIAG_TEXT,
	             "rules/ghc/infra.rules:14:11: error: unterminated regex literal\n"
	             "   14 |     match /out of memory allocating \\d+ bytes\n"
	             "      |           ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
	             "rules/ghc/infra.rules:22:11: warning: pattern \"error\" is too short to be specific [-Wbroad-pattern]\n"
	             "   22 |     match \"error\"\n"
	             "      |           ^~~~~~~\n"
	             "rules/ghc/infra.rules:30:6: error: duplicate rule id 'no_space'\n"
	             "   30 | rule no_space \"Runner out of disk space\" {\n"
	             "      |      ^~~~~~~~\n"
	             "rules/ghc/disk.rules:4:6: note: first defined here\n"
	             "    4 | rule no_space \"Disk full\" {\n"
	             "      |      ^~~~~~~~\n"
	             "2 errors, 1 warning generated.\n",
	             "STYLE 9.4 example, sorted by file then offset");
	diag_free(d);
}

static void test_text_carets(void)
{
	const struct srcfile *f = mem("c.rules",
	                              "rule r {\n"
	                              "\tmatch\t/a\tb/\n"
	                              "  match \"caf\xc3\xa9\" x\n"
	                              "abc\n",
	                              0);
	struct diag *d = diag_new();
	diag_report(d, DIAG_SYNTAX, point(f, 1, 8), NULL, "point");
	diag_report(d, DIAG_SYNTAX, span(f, 1, 6, 100), NULL, "to the next line");
	diag_report(d, DIAG_SYNTAX, span(f, 2, 8, 5), NULL, "tabs");
	diag_report(d, DIAG_SYNTAX, span(f, 3, 15, 1), NULL, "after utf-8");
	diag_report(d, DIAG_SYNTAX, span(f, 3, 9, 6), NULL, "over utf-8");
	diag_report(d, DIAG_SYNTAX, point(f, 4, 4), NULL, "end of line");
	diag_report(d, DIAG_SYNTAX, span(f, 4, 4, 1), NULL, "the newline");
	diag_report(d, DIAG_SYNTAX, point(f, 5, 1), NULL, "end of file");
	CHECK_RENDER(d, DIAG_TEXT,
	             "c.rules:1:6: error: to the next line\n"
	             "    1 | rule r {\n"
	             "      |      ^~~\n"
	             "c.rules:1:8: error: point\n"
	             "    1 | rule r {\n"
	             "      |        ^\n"
	             "c.rules:2:8: error: tabs\n"
	             "    2 | \tmatch\t/a\tb/\n"
	             "      | \t     \t^~\t~~\n"
	             "c.rules:3:9: error: over utf-8\n"
	             "    3 |   match \"caf\xc3\xa9\" x\n"
	             "      |         ^~~~~\n"
	             "c.rules:3:15: error: after utf-8\n"
	             "    3 |   match \"caf\xc3\xa9\" x\n"
	             "      |              ^\n"
	             "c.rules:4:4: error: end of line\n"
	             "    4 | abc\n"
	             "      |    ^\n"
	             "c.rules:4:4: error: the newline\n"
	             "    4 | abc\n"
	             "      |    ^\n"
	             "c.rules:5:1: error: end of file\n"
	             "    5 | \n"
	             "      | ^\n"
	             "8 errors generated.\n",
	             "points, clipped ranges, tabs, UTF-8, end of line and file");
	diag_free(d);
}

static void test_text_gutter_and_bytes(void)
{
	char text[200000];
	size_t n = 0;
	for(int i = 1; i < 12345; i++)
		text[n++] = '\n';
	memcpy(text + n, "x = 1\n", 7);
	const struct srcfile *f = mem("g.rules", text, 0);
	const struct srcfile *h = mem("h.rules", "a\x01" "b\x7f" "c \"x\"\r\nnext\n", 1);
	struct diag *d = diag_new();
	diag_report(d, DIAG_SYNTAX, span(f, 12345, 3, 1), NULL, "wide gutter");
	diag_report(d, DIAG_BAD_TOKEN, span(h, 1, 2, 1), NULL, "control byte 0x01");
	diag_report(d, DIAG_BAD_TOKEN, span(h, 1, 7, 4), NULL, "range up to a CRLF");
	diag_report(d, DIAG_SYNTAX, NOWHERE, NULL, "message with\nnewline\tand \x1b escape");
	CHECK_RENDER(d, DIAG_TEXT,
	             "failsigc: error: message with\\nnewline\\tand \\x1b escape\n"
	             "g.rules:12345:3: error: wide gutter\n"
	             " 12345 | x = 1\n"
	             "       |   ^\n"
	             "h.rules:1:2: error: control byte 0x01\n"
	             "    1 | a?b?c \"x\"\n"
	             "      |  ^\n"
	             "h.rules:1:7: error: range up to a CRLF\n"
	             "    1 | a?b?c \"x\"\n"
	             "      |       ^~~\n"
	             "4 errors generated.\n",
	             "gutter widens, control bytes shown as ?, messages stay on one line");
	diag_free(d);
}

static void test_text_long_lines(void)
{
	/* 300 bytes: digit i % 10 at index i, so windows are easy to read. */
	char line[301];
	for(int i = 0; i < 300; i++)
		line[i] = (char)('0' + i % 10);
	line[300] = '\0';
	char text[700];
	snprintf(text, sizeof text, "%s\n%.200s\n%.121s\n", line, line, line);
	const struct srcfile *f = mem("long.rules", text, 0);
	struct diag *d = diag_new();
	diag_report(d, DIAG_SYNTAX, span(f, 1, 11, 5), NULL, "near the start");
	diag_report(d, DIAG_SYNTAX, span(f, 1, 151, 5), NULL, "in the middle");
	diag_report(d, DIAG_SYNTAX, span(f, 2, 181, 5), NULL, "near the end");
	diag_report(d, DIAG_SYNTAX, span(f, 3, 121, 1), NULL, "last byte of 121");
	diag_report(d, DIAG_SYNTAX, span(f, 1, 100, 200), NULL, "long range");

	char want[8192];
	char pad[200];
	char tilde[200];
	memset(pad, ' ', sizeof pad);
	memset(tilde, '~', sizeof tilde);
	snprintf(want, sizeof want,
	         "long.rules:1:11: error: near the start\n"
	         "    1 | %.120s...\n"
	         "      | %.10s^~~~~\n"
	         "long.rules:1:100: error: long range\n"
	         "    1 | ...%.120s...\n"
	         "      |    %.40s^%.79s\n"
	         "long.rules:1:151: error: in the middle\n"
	         "    1 | ...%.120s...\n"
	         "      |    %.40s^~~~~\n"
	         "long.rules:2:181: error: near the end\n"
	         "    2 | ...%.120s\n"
	         "      |    %.100s^~~~~\n"
	         "long.rules:3:121: error: last byte of 121\n"
	         "    3 | ...%.120s\n"
	         "      |    %.119s^\n"
	         "5 errors generated.\n",
	         line, pad,
	         line + 59, pad, tilde,
	         line + 110, pad,
	         line + 80, pad,
	         line + 1, pad);
	CHECK_RENDER(d, DIAG_TEXT, want, "lines over 120 bytes cut around the caret with ...");
	diag_free(d);

	/* A cut never splits a UTF-8 character. */
	char u[400] = "";
	for(int i = 0; i < 100; i++)
		strcat(u, "\xc3\xa9");  /* 200 bytes of é */
	strcat(u, "X");
	f = mem("u.rules", u, 0);
	d = diag_new();
	diag_report(d, DIAG_SYNTAX, span(f, 1, 201, 1), NULL, "after 100 e-acute");
	/* The window [81, 201) starts on a continuation byte: it moves to 82,
	 * so 59 whole characters and the X are shown. */
	snprintf(want, sizeof want,
	         "u.rules:1:201: error: after 100 e-acute\n"
	         "    1 | ...%s\n"
	         "      |    %.59s^\n"
	         "1 error generated.\n",
	         u + 82, pad);
	CHECK_RENDER(d, DIAG_TEXT, want, "long UTF-8 line cut on a character boundary");
	diag_free(d);
}

static void test_text_notes_and_nowhere(void)
{
	const struct srcfile *f = mem("n.rules", "rule a {\n  match \"x\"\n", 0);
	struct diag *d = diag_new();
	int i = diag_report(d, DIAG_SYNTAX, point(f, 3, 1), "a", "expected '}', got end of file");
	diag_note(d, i, span(f, 1, 8, 1), "to close rule 'a' at line %d", 1);
	diag_note(d, i, NOWHERE, "a note without a place");
	diag_note(d, i, span(f, 1, 8, 1), "to close rule 'a' at line %d", 1);  /* deduped */
	diag_note(d, -1, span(f, 1, 1, 1), "ignored");
	diag_note(d, 99, span(f, 1, 1, 1), "ignored too");
	diag_report(d, DIAG_INCLUDE, NOWHERE, NULL, "cannot read 'x.rules': %s", "no such file");
	diag_report(d, DIAG_MISSING_EXAMPLES, NOWHERE, NULL, "no file, a warning");
	CHECK_RENDER(d, DIAG_TEXT,
	             "failsigc: error: cannot read 'x.rules': no such file\n"
	             "failsigc: warning: no file, a warning [-Wmissing-examples]\n"
	             "n.rules:3:1: error: expected '}', got end of file\n"
	             "    3 | \n"
	             "      | ^\n"
	             "n.rules:1:8: note: to close rule 'a' at line 1\n"
	             "    1 | rule a {\n"
	             "      |        ^\n"
	             "failsigc: note: a note without a place\n"
	             "2 errors, 1 warning generated.\n",
	             "notes follow their diagnostic; no-file diagnostics first");
	diag_free(d);
}

static void test_text_summary(void)
{
	const struct srcfile *f = mem("s.rules", "x\n", 0);
	struct diag *d = diag_new();
	CHECK_RENDER(d, DIAG_TEXT, "", "nothing to say: no summary");
	diag_report(d, DIAG_MISSING_TITLE, point(f, 1, 1), "r", "rule 'r' has no title");
	CHECK_RENDER(d, DIAG_TEXT,
	             "s.rules:1:1: warning: rule 'r' has no title [-Wmissing-title]\n"
	             "    1 | x\n"
	             "      | ^\n"
	             "1 warning generated.\n",
	             "one warning");
	diag_report(d, DIAG_MISSING_TICKET, point(f, 1, 1), "r", "rule 'r' has no ticket");
	char *out = render(d, DIAG_TEXT);
	CHECK(strstr(out, "\n2 warnings generated.\n") != NULL, "2 warnings generated.");
	free(out);
	diag_report(d, DIAG_SYNTAX, point(f, 1, 1), "r", "e");
	out = render(d, DIAG_TEXT);
	CHECK(strstr(out, "\n1 error, 2 warnings generated.\n") != NULL, "1 error, 2 warnings");
	free(out);
	diag_free(d);

	d = diag_new();
	diag_report(d, DIAG_SYNTAX, NOWHERE, NULL, "only");
	CHECK_RENDER(d, DIAG_TEXT, "failsigc: error: only\n1 error generated.\n", "1 error generated.");
	diag_free(d);
}

static void test_sort_and_dedupe(void)
{
	/* File ids, not paths, order the files. */
	const struct srcfile *z = mem("z.rules", "abc\n", 0);
	const struct srcfile *a = mem("a.rules", "abc\n", 1);
	struct diag *d = diag_new();
	diag_report(d, DIAG_SYNTAX, point(a, 1, 1), NULL, "a1");
	diag_report(d, DIAG_SYNTAX, point(z, 1, 3), NULL, "z3");
	diag_report(d, DIAG_SYNTAX, point(z, 1, 1), NULL, "z1 first");
	diag_report(d, DIAG_SYNTAX, span(z, 1, 1, 2), NULL, "z1 second");
	int i = diag_report(d, DIAG_SYNTAX, point(z, 1, 3), NULL, "z3");
	CHECK(i == 1, "the same diagnostic twice gets the first index (%d)", i);
	CHECK(diag_errors(d) == 4, "a duplicate is not counted again");
	CHECK(diag_report(d, DIAG_SYNTAX, point(z, 1, 3), "r", "z3") == 4,
	      "another rule id is another diagnostic");
	char *out = render(d, DIAG_TEXT);
	const char *p1 = strstr(out, "z.rules:1:1: error: z1 first");
	const char *p2 = strstr(out, "z.rules:1:1: error: z1 second");
	const char *p3 = strstr(out, "z.rules:1:3: error: z3");
	const char *p4 = strstr(out, "a.rules:1:1: error: a1");
	CHECK(p1 && p2 && p3 && p4 && p1 < p2 && p2 < p3 && p3 < p4,
	      "sorted by file id, offset, then report order");
	CHECK(count_str(out, "error: z3") == 2, "z3 twice: once per rule id");
	free(out);
	diag_free(d);

	/* Stable for many equal keys (qsort alone is not). */
	d = diag_new();
	for(int k = 0; k < 20; k++)
		diag_report(d, DIAG_MISSING_TITLE, point(z, 1, 2), NULL, "w%02d", k);
	out = render(d, DIAG_JSON);
	int ordered = 1;
	const char *p = out;
	for(int k = 0; k < 20; k++) {
		char key[16];
		snprintf(key, sizeof key, "\"w%02d\"", k);
		const char *q = strstr(out, key);
		if(!q || q < p)
			ordered = 0;
		else
			p = q;
	}
	CHECK(ordered, "equal (file, offset): report order kept");
	free(out);
	diag_free(d);
}

static void test_error_limit(void)
{
	const struct srcfile *f = mem("l.rules", "x\n", 0);
	struct diag *d = diag_new();
	int last = 0;
	for(int k = 0; k < 20; k++)
		last = diag_report(d, DIAG_SYNTAX, point(f, 1, 1), NULL, "e%d", k);
	CHECK(last == 19 && diag_errors(d) == 20, "20 errors kept");
	int r = diag_report(d, DIAG_SYNTAX, point(f, 1, 1), NULL, "e20");
	CHECK(r == -1, "the 21st error is dropped");
	diag_note(d, r, point(f, 1, 1), "a note on a dropped error");
	r = diag_report(d, DIAG_BAD_REGEX, point(f, 1, 1), NULL, "e21");
	CHECK(r == -1, "and the 22nd");
	CHECK(diag_errors(d) == 21, "the limit error counts, dropped ones do not (%u)",
	      diag_errors(d));
	r = diag_report(d, DIAG_BROAD_PATTERN, point(f, 1, 2), NULL, "still a warning");
	CHECK(r == 20 && diag_warnings(d) == 1, "warnings are still taken after the limit");
	diag_option(d, "error");
	r = diag_report(d, DIAG_SLOW_PATTERN, point(f, 1, 2), NULL, "promoted");
	CHECK(r == -1 && diag_errors(d) == 21, "a promoted warning is an error: dropped");

	char *out = render(d, DIAG_TEXT);
	CHECK(count_str(out, ": error: e") == 20, "20 errors rendered");
	CHECK(strstr(out, "e20") == NULL && strstr(out, "note:") == NULL, "dropped error not shown");
	const char *tail = "l.rules:1:2: warning: still a warning [-Wbroad-pattern]\n"
	                   "    1 | x\n"
	                   "      |  ^\n"
	                   "failsigc: error: too many errors (limit 20), further errors not shown\n"
	                   "21 errors, 1 warning generated.\n";
	size_t n = strlen(out);
	CHECK(n > strlen(tail) && strcmp(out + n - strlen(tail), tail) == 0,
	      "limit error rendered last, then the summary");
	free(out);

	out = render(d, DIAG_JSON);
	tail = "{\"file\":null,\"line\":null,\"column\":null,\"end_line\":null,\"end_column\":null,"
	       "\"severity\":\"error\",\"check\":\"too-many-errors\","
	       "\"message\":\"too many errors (limit 20), further errors not shown\",\"notes\":[]}\n";
	n = strlen(out);
	CHECK(n > strlen(tail) && strcmp(out + n - strlen(tail), tail) == 0,
	      "JSON: limit object last");
	CHECK(count_str(out, "\n") == 22, "JSON: 20 errors + 1 warning + limit = 22 lines");
	free(out);

	out = render(d, DIAG_CODEQUALITY);
	CHECK(count_str(out, "\"check_name\"") == 22, "Code Quality: 22 entries");
	CHECK(strstr(out, "\"check_name\":\"too-many-errors\"") != NULL,
	      "Code Quality: limit entry present");
	free(out);
	diag_free(d);
}

static void test_options(void)
{
	const struct srcfile *f = mem("o.rules", "x\n", 0);
	struct diag *d = diag_new();
	CHECK(!diag_option(d, "bogus"), "unknown name refused");
	CHECK(!diag_option(d, "no-bogus"), "unknown no-NAME refused");
	CHECK(!diag_option(d, "error=bogus"), "unknown error=NAME refused");
	CHECK(!diag_option(d, "no-syntax"), "an error cannot be silenced");
	CHECK(!diag_option(d, "error=syntax"), "error=ERROR-NAME refused");
	CHECK(!diag_option(d, "syntax"), "an error name is not a warning option");
	CHECK(!diag_option(d, ""), "empty option refused");

	CHECK(diag_option(d, "no-broad-pattern"), "no-broad-pattern accepted");
	CHECK(diag_report(d, DIAG_BROAD_PATTERN, point(f, 1, 1), NULL, "x") == -1,
	      "silenced warning dropped at report time");
	CHECK(diag_warnings(d) == 0 && diag_errors(d) == 0, "silenced warning not counted");
	CHECK(diag_option(d, "broad-pattern"), "NAME re-enables");
	CHECK(diag_report(d, DIAG_BROAD_PATTERN, point(f, 1, 1), NULL, "x") == 0,
	      "re-enabled warning kept");

	CHECK(diag_option(d, "no-missing-examples"), "no-missing-examples silences missing-examples");
	CHECK(diag_report(d, DIAG_MISSING_EXAMPLES, point(f, 1, 1), NULL, "y") == -1,
	      "missing-examples silenced");
	CHECK(diag_option(d, "missing-examples"), "missing-examples names the warning: re-enables it");
	CHECK(diag_report(d, DIAG_MISSING_EXAMPLES, point(f, 1, 1), NULL, "y") == 1,
	      "missing-examples back on");

	CHECK(diag_option(d, "error=missing-title"), "error=NAME accepted");
	diag_report(d, DIAG_MISSING_TITLE, point(f, 1, 1), NULL, "no title");
	diag_report(d, DIAG_MISSING_TICKET, point(f, 1, 1), NULL, "no ticket");
	CHECK(diag_errors(d) == 1 && diag_warnings(d) == 3, "error=NAME promotes only NAME");
	CHECK_RENDER(d, DIAG_TEXT,
	             "o.rules:1:1: warning: x [-Wbroad-pattern]\n"
	             "    1 | x\n"
	             "      | ^\n"
	             "o.rules:1:1: warning: y [-Wmissing-examples]\n"
	             "    1 | x\n"
	             "      | ^\n"
	             "o.rules:1:1: error: no title [-Werror=missing-title]\n"
	             "    1 | x\n"
	             "      | ^\n"
	             "o.rules:1:1: warning: no ticket [-Wmissing-ticket]\n"
	             "    1 | x\n"
	             "      | ^\n"
	             "1 error, 3 warnings generated.\n",
	             "promoted warning shown as error with [-Werror=name]");
	diag_free(d);

	d = diag_new();
	CHECK(diag_option(d, "error"), "error accepted");
	CHECK(diag_option(d, "no-error=slow-pattern"), "no-error=NAME accepted");
	diag_report(d, DIAG_DUP_PATTERN, point(f, 1, 1), NULL, "dup");
	diag_report(d, DIAG_SLOW_PATTERN, point(f, 1, 1), NULL, "slow");
	CHECK(diag_errors(d) == 1 && diag_warnings(d) == 1, "-Werror promotes all but no-error=NAME");
	CHECK(diag_option(d, "no-error"), "no-error accepted");
	diag_report(d, DIAG_UNREACHABLE, point(f, 1, 1), NULL, "unreachable");
	CHECK(diag_errors(d) == 1 && diag_warnings(d) == 2, "no-error undoes -Werror");
	CHECK(diag_option(d, "no-unreachable") && diag_option(d, "error=unreachable"),
	      "silenced then error=NAME");
	CHECK(diag_report(d, DIAG_UNREACHABLE, point(f, 2, 1), NULL, "again") >= 0 &&
	      diag_errors(d) == 2, "error=NAME re-enables and promotes");
	CHECK(diag_option(d, "unknown-failure-reason"), "longest name accepted");
	char *out = render(d, DIAG_JSON);
	CHECK(strstr(out, "\"severity\":\"error\",\"check\":\"duplicate-pattern\"") != NULL,
	      "JSON: promoted warning has severity error");
	CHECK(strstr(out, "\"severity\":\"warning\",\"check\":\"slow-pattern\"") != NULL,
	      "JSON: unpromoted warning stays a warning");
	free(out);
	diag_free(d);
}

static void test_names(void)
{
	CHECK_STR(diag_name(DIAG_DUP_RULE), "duplicate-rule", "diag_name(DIAG_DUP_RULE)");
	CHECK_STR(diag_name(DIAG_TOO_MANY_ERRORS), "too-many-errors", "diag_name(too many)");
	CHECK_STR(diag_name(DIAG__COUNT), "unknown", "diag_name out of range");
	int dups = 0;
	for(int i = 0; i < DIAG__COUNT; i++) {
		for(int j = i + 1; j < DIAG__COUNT; j++) {
			if(strcmp(diag_name((enum diag_id)i), diag_name((enum diag_id)j)) == 0)
				dups++;
		}
	}
	CHECK(dups == 0, "every diagnostic name is unique");
}

/* ---- JSON -------------------------------------------------------------- */

static void test_json(void)
{
	const struct srcfile *f = mem("j.rules", "rule a {\n  match /x\n}\n", 0);
	const struct srcfile *g = mem("k.rules", "rule a {\n}\n", 1);
	struct diag *d = diag_new();
	int i = diag_report(d, DIAG_DUP_RULE, span(g, 1, 6, 1), "a", "duplicate rule id 'a'");
	diag_note(d, i, span(f, 1, 6, 1), "first defined here");
	diag_note(d, i, NOWHERE, "somewhere");
	diag_report(d, DIAG_BAD_REGEX, span(f, 2, 9, 4), "a", "unterminated regex literal");
	diag_report(d, DIAG_MISSING_TICKET, point(f, 1, 1), "a", "rule 'a' has no ticket");
	CHECK_RENDER(d, DIAG_JSON,
	             "{\"file\":\"j.rules\",\"line\":1,\"column\":1,\"end_line\":1,\"end_column\":1,"
	             "\"severity\":\"warning\",\"check\":\"missing-ticket\","
	             "\"message\":\"rule 'a' has no ticket\",\"notes\":[]}\n"
	             "{\"file\":\"j.rules\",\"line\":2,\"column\":9,\"end_line\":3,\"end_column\":2,"
	             "\"severity\":\"error\",\"check\":\"bad-regex\","
	             "\"message\":\"unterminated regex literal\",\"notes\":[]}\n"
	             "{\"file\":\"k.rules\",\"line\":1,\"column\":6,\"end_line\":1,\"end_column\":7,"
	             "\"severity\":\"error\",\"check\":\"duplicate-rule\","
	             "\"message\":\"duplicate rule id 'a'\",\"notes\":["
	             "{\"file\":\"j.rules\",\"line\":1,\"column\":6,\"message\":\"first defined here\"},"
	             "{\"file\":null,\"line\":null,\"column\":null,\"message\":\"somewhere\"}]}\n",
	             "JSON lines: ranges with an exclusive end, notes, no summary");
	diag_free(d);

	d = diag_new();
	CHECK_RENDER(d, DIAG_JSON, "", "JSON: nothing to say, no output");
	diag_report(d, DIAG_SYNTAX, NOWHERE, NULL, "q\" b\\ n\n r\r t\t bs\b ff\f c1\x01 c1f\x1f del\x7f /");
	diag_report(d, DIAG_SYNTAX, NOWHERE, NULL,
	            "ok: \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 | bad: \xff \xc3 \xe2\x82 \xc0\xaf "
	            "\xed\xa0\x80 \xf4\x90\x80\x80 \x80 end");
	CHECK_RENDER(d, DIAG_JSON,
	             "{\"file\":null,\"line\":null,\"column\":null,\"end_line\":null,\"end_column\":null,"
	             "\"severity\":\"error\",\"check\":\"syntax\","
	             "\"message\":\"q\\\" b\\\\ n\\n r\\r t\\t bs\\b ff\\f c1\\u0001 c1f\\u001f del\\u007f /\","
	             "\"notes\":[]}\n"
	             "{\"file\":null,\"line\":null,\"column\":null,\"end_line\":null,\"end_column\":null,"
	             "\"severity\":\"error\",\"check\":\"syntax\","
	             "\"message\":\"ok: \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 | bad: "
	             "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
	             "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
	             "\xef\xbf\xbd end\",\"notes\":[]}\n",
	             "JSON escaping: quotes, backslash, controls, invalid UTF-8 -> U+FFFD per byte");
	diag_free(d);

	/* Paths are escaped too. */
	const struct srcfile *q = mem("we\"ird\\\xfe.rules", "x", 0);
	d = diag_new();
	diag_report(d, DIAG_SYNTAX, point(q, 1, 1), NULL, "m");
	CHECK_RENDER(d, DIAG_JSON,
	             "{\"file\":\"we\\\"ird\\\\\xef\xbf\xbd.rules\",\"line\":1,\"column\":1,"
	             "\"end_line\":1,\"end_column\":1,\"severity\":\"error\",\"check\":\"syntax\","
	             "\"message\":\"m\",\"notes\":[]}\n",
	             "JSON: path escaped");
	diag_free(d);
}

/* ---- CODEQUALITY ------------------------------------------------------- */

static void test_codequality(void)
{
	struct diag *d = diag_new();
	CHECK_RENDER(d, DIAG_CODEQUALITY, "[]\n", "empty report is []");
	diag_free(d);

	const struct srcfile *f = mem("r.rules", "rule no_space {\n  match \"error\"\n}\n", 0);
	d = diag_new();
	int i = diag_report(d, DIAG_DUP_RULE, span(f, 1, 6, 8), "no_space", "duplicate rule id 'no_space'");
	diag_note(d, i, span(f, 1, 6, 8), "first defined here");
	diag_report(d, DIAG_BROAD_PATTERN, span(f, 2, 9, 7), "no_space",
	            "pattern \"error\" is too short");
	CHECK_RENDER(d, DIAG_CODEQUALITY,
	             "[\n"
	             "  {\"description\":\"duplicate rule id 'no_space'\",\"check_name\":\"duplicate-rule\","
	             "\"fingerprint\":\"" FP_DUP "\",\"severity\":\"major\","
	             "\"location\":{\"path\":\"r.rules\",\"lines\":{\"begin\":1}}},\n"
	             "  {\"description\":\"pattern \\\"error\\\" is too short\",\"check_name\":\"broad-pattern\","
	             "\"fingerprint\":\"" FP_BROAD "\",\"severity\":\"minor\","
	             "\"location\":{\"path\":\"r.rules\",\"lines\":{\"begin\":2}}}\n"
	             "]\n",
	             "Code Quality array: notes folded in, major/minor, fingerprints");
	char *base = render(d, DIAG_CODEQUALITY);
	diag_free(d);

	/* The same issue three lines lower keeps its fingerprint. */
	const struct srcfile *moved = mem("r.rules", "\n\n\nrule no_space {\n  match \"error\"\n}\n", 0);
	d = diag_new();
	diag_report(d, DIAG_BROAD_PATTERN, span(moved, 5, 9, 7), "no_space",
	            "pattern \"error\" is too short");
	char *out = render(d, DIAG_CODEQUALITY);
	char fa[33], fb[33];
	nth_fingerprint(base, 1, fa);
	nth_fingerprint(out, 0, fb);
	CHECK(strstr(out, "\"begin\":5") != NULL, "moved issue reports its new line");
	CHECK_STR(fb, fa, "fingerprint unchanged when only the line moves");
	free(out);
	diag_free(d);

	/* Each identity field changes it. */
	static const struct {
		const char *path, *rule, *msg;
		enum diag_id id;
		const char *what;
	} other[] = {
		{ "r.rules", "no_space", "pattern \"error\" is too short!", DIAG_BROAD_PATTERN, "message" },
		{ "r.rules", "no_spac", "pattern \"error\" is too short", DIAG_BROAD_PATTERN, "rule id" },
		{ "s.rules", "no_space", "pattern \"error\" is too short", DIAG_BROAD_PATTERN, "path" },
		{ "r.rules", "no_space", "pattern \"error\" is too short", DIAG_SLOW_PATTERN, "check" },
		{ "r.rules", NULL, "pattern \"error\" is too short", DIAG_BROAD_PATTERN, "no rule id" },
	};
	for(size_t k = 0; k < sizeof other / sizeof other[0]; k++) {
		const struct srcfile *o = mem(other[k].path, "rule no_space {\n  match \"error\"\n}\n", 0);
		d = diag_new();
		diag_report(d, other[k].id, span(o, 2, 9, 7), other[k].rule, "%s", other[k].msg);
		out = render(d, DIAG_CODEQUALITY);
		nth_fingerprint(out, 0, fb);
		CHECK(strlen(fb) == 32 && strcmp(fa, fb) != 0, "fingerprint changes with the %s",
		      other[k].what);
		free(out);
		diag_free(d);
	}

	/* The same issue twice in one report: the first keeps the single-issue
	 * fingerprint, the repeat gets its own, and neither depends on lines. */
	d = diag_new();
	diag_report(d, DIAG_BROAD_PATTERN, span(f, 2, 9, 7), "no_space", "pattern \"error\" is too short");
	diag_report(d, DIAG_BROAD_PATTERN, span(f, 3, 1, 1), "no_space", "pattern \"error\" is too short");
	out = render(d, DIAG_CODEQUALITY);
	char f0[33], f1[33];
	nth_fingerprint(out, 0, f0);
	nth_fingerprint(out, 1, f1);
	CHECK_STR(f0, fa, "first occurrence: plain fingerprint");
	CHECK(strlen(f1) == 32 && strcmp(f0, f1) != 0, "repeat in one report: distinct fingerprint");
	CHECK_STR(f1, FP_BROAD_2, "repeat fingerprint hashes the occurrence number");
	free(out);
	diag_free(d);
	free(base);

	/* Promoted warnings are major; a no-file diagnostic has an empty path. */
	d = diag_new();
	diag_option(d, "error=broad-pattern");
	diag_report(d, DIAG_BROAD_PATTERN, span(f, 2, 9, 7), "no_space", "p");
	diag_report(d, DIAG_INCLUDE, NOWHERE, NULL, "include cycle");
	out = render(d, DIAG_CODEQUALITY);
	CHECK(count_str(out, "\"severity\":\"major\"") == 2, "promoted warning is major");
	CHECK(strstr(out, "\"check_name\":\"include\",\"fingerprint\":\"") != NULL &&
	      strstr(out, "\"location\":{\"path\":\"\",\"lines\":{\"begin\":1}}") != NULL,
	      "no-file issue: empty path, line 1");
	free(out);
	diag_free(d);
}

int main(void)
{
	A = arena_new();
	test_srcfile_lines();
	test_srcfile_edges();
	test_srcfile_load();
	test_text_example();
	test_text_carets();
	test_text_gutter_and_bytes();
	test_text_long_lines();
	test_text_notes_and_nowhere();
	test_text_summary();
	test_sort_and_dedupe();
	test_error_limit();
	test_options();
	test_names();
	test_json();
	test_codequality();
	arena_free(A);
	return unit_done();
}
