/* fuzz_parse.c — the rule compiler front end on any .rules text.
 *
 * The bytes are one rule file. It is parsed (re2c lexer + bison grammar +
 * ast.c builders) and linted (check.c, which also parses every regex; after
 * a clean check, atoms_build and the prefilter lints) the way `failsigc
 * check` does, then the diagnostics are rendered in all three formats. A
 * file without errors also goes through `failsigc build`'s code generation
 * (gen_scanner, gen_matchers by parts, gen_tables, the rule-set hash).
 * Checked:
 *   - TEXT output holds no control byte but '\n' and '\t' (messages escape
 *     them, source lines show '?'), so a rule file cannot drive the terminal;
 *   - every JSON line is a valid JSON object, and the Code Quality report is
 *     a valid JSON array with one entry per diagnostic ("always valid JSON
 *     whatever the bytes", diag.c);
 *   - generated code fits its cap, holds no NUL byte, and has exactly one
 *     re2c block per matcher: rule text copied into comments and strings
 *     never starts one (re2c takes slash-star-bang anywhere for a directive);
 *   - nothing leaks (compilation_free frees everything; LeakSanitizer).
 * One input in four also sets -W options (chosen by a hash of the bytes).
 *
 * Sandbox: `include "…"` and `example file "…"` make the compiler read files.
 * The srcfile's path lies in a directory that does not exist, so relative
 * paths fail; absolute ones ("/dev/stdin", "/") would block or walk the
 * disk, so while the input is compiled stat(), open(), opendir(), realpath()
 * and fopen() fail with ENOENT: the binary is linked with
 * -Wl,--wrap=stat,--wrap=open,... (tests/fuzz/fuzz.mk). Those paths are
 * therefore fuzzed only up to the "cannot read" diagnostic.
 *
 * FUZZ_PARSE_PRINT=1 in the environment prints the TEXT diagnostics to
 * stderr (for looking at a corpus file or a crash). */
#include "arena.h"
#include "ast.h"
#include "atoms.h"
#include "check.h"
#include "diag.h"
#include "dynbuf.h"
#include "gen.h"
#include "parse.h"
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

enum {
	FUZZ_MAX_INPUT = 1 << 20,          /* bigger inputs only slow the fuzzer down */
	MAX_GENERATED = 64 << 20,     /* as failsigc's cap on the generated scanner */
};

#define FUZZ_RULES_PATH "/nonexistent-failsig-fuzz/fuzz.rules"

/* ---- the file-system sandbox (see the top comment) ---------------------- */

static bool sandboxed;

int __real_stat(const char *path, struct stat *st);
int __wrap_stat(const char *path, struct stat *st);
int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
DIR *__real_opendir(const char *path);
DIR *__wrap_opendir(const char *path);
char *__real_realpath(const char *path, char *resolved);
char *__wrap_realpath(const char *path, char *resolved);
FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);

int __wrap_stat(const char *path, struct stat *st)
{
	if(sandboxed) {
		errno = ENOENT;
		return -1;
	}
	return __real_stat(path, st);
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if(flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if(sandboxed) {
		errno = ENOENT;
		return -1;
	}
	return __real_open(path, flags, mode);
}

DIR *__wrap_opendir(const char *path)
{
	if(sandboxed) {
		errno = ENOENT;
		return NULL;
	}
	return __real_opendir(path);
}

char *__wrap_realpath(const char *path, char *resolved)
{
	if(sandboxed) {
		errno = ENOENT;
		return NULL;
	}
	return __real_realpath(path, resolved);
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
	if(sandboxed) {
		errno = ENOENT;
		return NULL;
	}
	return __real_fopen(path, mode);
}

/* ---- output checks -------------------------------------------------------- */

static void check_text(const char *s, size_t n)
{
	for(size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		FUZZ_CHECK(c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f),
		           "control byte 0x%02x at offset %zu of the text diagnostics", c, i);
	}
}

/* One JSON object per line; returns the number of lines. */
static size_t check_json_lines(const char *s, size_t n)
{
	size_t lines = 0;
	const char *p = s;
	const char *end = s + n;
	while(p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		FUZZ_CHECK(nl, "JSON output does not end in a newline");
		json_error_t je;
		json_t *v = json_loadb(p, (size_t)(nl - p), 0, &je);
		FUZZ_CHECK(v, "invalid JSON diagnostic (%s): %.*s", je.text, (int)(nl - p), p);
		FUZZ_CHECK(json_is_object(v), "JSON diagnostic is not an object");
		FUZZ_CHECK(json_is_string(json_object_get(v, "message")), "no \"message\"");
		FUZZ_CHECK(json_is_string(json_object_get(v, "check")), "no \"check\"");
		json_decref(v);
		lines++;
		p = nl + 1;
	}
	return lines;
}

static size_t check_codequality(const char *s, size_t n)
{
	json_error_t je;
	json_t *v = json_loadb(s, n, 0, &je);
	FUZZ_CHECK(v, "invalid Code Quality JSON (%s, line %d)", je.text, je.line);
	FUZZ_CHECK(json_is_array(v), "Code Quality report is not an array");
	size_t count = json_array_size(v);
	for(size_t i = 0; i < count; i++) {
		json_t *e = json_array_get(v, i);
		FUZZ_CHECK(json_is_string(json_object_get(e, "description")), "no description");
		FUZZ_CHECK(json_is_string(json_object_get(e, "fingerprint")), "no fingerprint");
		json_t *loc = json_object_get(e, "location");
		FUZZ_CHECK(json_is_object(loc) && json_is_string(json_object_get(loc, "path")),
		           "no location.path");
	}
	json_decref(v);
	return count;
}

/* -W options for one input in four, chosen by a hash of the bytes, so that
 * silenced, promoted and -Werror paths are fuzzed too (the other three run
 * with the defaults, as `failsigc check` does). Names come from diag.def
 * through diag_name(), so renaming a warning does not break the target;
 * error kinds are refused by diag_option and that is fine. */
static void pick_options(struct diag *d, const uint8_t *data, size_t size)
{
	static const char *const forms[] = { "no-%s", "error=%s", "no-error=%s", "%s" };
	uint64_t h = 0xcbf29ce484222325u;
	for(size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3u;
	if(h & 3)
		return;
	h >>= 2;
	if(h & 1)
		FUZZ_CHECK(diag_option(d, "error"), "-Werror refused");
	if(h & 2)
		FUZZ_CHECK(!diag_option(d, "no-such-warning"), "-Wno-such-warning accepted");
	h >>= 2;
	for(int k = 0; k < 3; k++) {
		char opt[96];
		const char *name = diag_name((enum diag_id)(h % DIAG__COUNT));
		h /= DIAG__COUNT;
		snprintf(opt, sizeof opt, forms[h % 4], name);
		h /= 4;
		diag_option(d, opt);
	}
	if(h & 1)
		FUZZ_CHECK(diag_option(d, "no-error"), "-Wno-error refused");
}

/* Render d in fmt into memory. Caller frees *out. */
static size_t render(const struct diag *d, enum diag_format fmt, char **out)
{
	size_t n = 0;
	FILE *f = open_memstream(out, &n);
	FUZZ_CHECK(f, "open_memstream");
	diag_render(d, fmt, f);
	FUZZ_CHECK(fclose(f) == 0, "fclose");
	return n;
}

/* Occurrences of slash-star-bang, the start of any re2c directive, in s[0, n). */
static size_t re2c_blocks(const char *s, size_t n)
{
	size_t k = 0;
	for(size_t i = 0; i + 3 <= n; i++)
		k += s[i] == '/' && s[i + 1] == '*' && s[i + 2] == '!';
	return k;
}

static void check_generated(const struct dynbuf *src, size_t blocks, const char *what)
{
	FUZZ_CHECK(src->len > 0, "%s: nothing generated", what);
	FUZZ_CHECK(!memchr(src->ptr, '\0', src->len), "%s: a NUL byte in generated code", what);
	size_t k = re2c_blocks(src->ptr, src->len);
	FUZZ_CHECK(k == blocks, "%s: %zu re2c blocks for %zu matchers (rule text starts a block?)",
	           what, k, blocks);
}

/* What `failsigc build` does after a clean check, up to running re2c,
 * with the atoms made for the check's prefilter lints: the whole scanner
 * (--emit=re), the parts compiled in parallel (matchers by atom range,
 * tables), the rule-set hash. Rule text copied into the generated file
 * must never start a re2c block: one re2c block per matcher, none in the
 * C tables. */
static void check_codegen(struct compilation *c, const struct atomset *a)
{
	struct dynbuf src;
	dynbuf_init(&src, MAX_GENERATED);
	FUZZ_CHECK(gen_scanner(c, a, FUZZ_RULES_PATH, &src),
	           "generated scanner exceeds %d MiB", MAX_GENERATED >> 20);
	check_generated(&src, a->n, "gen_scanner");
	size_t cuts[] = { 0, a->n / 2, a->n };
	for(size_t k = 0; k < 2; k++) {
		dynbuf_reset(&src);
		FUZZ_CHECK(gen_matchers(a, FUZZ_RULES_PATH, cuts[k], cuts[k + 1], &src),
		           "matchers exceed %d MiB", MAX_GENERATED >> 20);
		if(cuts[k] < cuts[k + 1])
			check_generated(&src, cuts[k + 1] - cuts[k], "gen_matchers");
		else
			FUZZ_CHECK(re2c_blocks(src.ptr ? src.ptr : "", src.len) == 0,
			           "re2c block in an empty part");
	}
	dynbuf_reset(&src);
	FUZZ_CHECK(gen_tables(c, a, FUZZ_RULES_PATH, &src), "tables exceed %d MiB",
	           MAX_GENERATED >> 20);
	check_generated(&src, 0, "gen_tables");
	char hash[17];
	gen_ruleset_hash(c, a, hash);
	FUZZ_CHECK(strlen(hash) == 16, "rule-set hash \"%s\"", hash);
	dynbuf_free(&src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if(size > FUZZ_MAX_INPUT)
		return 0;
	struct compilation *c = compilation_new();
	struct srcfile *f = srcfile_from_mem(c->arena, FUZZ_RULES_PATH, (const char *)data, size,
	                                     (int)c->nfiles);
	/* As ast_load registers a file it reads. */
	c->files = arena_grow(c->arena, c->files, sizeof *c->files, &c->cap_files, c->nfiles + 1);
	c->files[c->nfiles++] = f;

	pick_options(c->diag, data, size);
	sandboxed = true;
	parse_file(c, f);
	check_ruleset(c);
	/* As failsigc: the prefilter is built after a clean check, and its
	 * lints (-Wsecond-table) report before the diagnostics are rendered. */
	struct atomset atoms;
	bool clean = diag_errors(c->diag) == 0;
	if(clean) {
		atoms_build(c, &atoms);
		check_prefilter(c, &atoms);
	}
	sandboxed = false;

	char *text = NULL, *json = NULL, *cq = NULL;
	size_t ntext = render(c->diag, DIAG_TEXT, &text);
	size_t njson = render(c->diag, DIAG_JSON, &json);
	size_t ncq = render(c->diag, DIAG_CODEQUALITY, &cq);
	if(getenv("FUZZ_PARSE_PRINT"))
		fwrite(text, 1, ntext, stderr);
	check_text(text, ntext);
	size_t lines = check_json_lines(json, njson);
	size_t entries = check_codequality(cq, ncq);
	FUZZ_CHECK(lines == entries, "%zu JSON diagnostics but %zu Code Quality entries", lines,
	           entries);
	FUZZ_CHECK((lines == 0) == (ntext == 0), "%zu JSON diagnostics, %zu bytes of text", lines,
	           ntext);
	free(text);
	free(json);
	free(cq);

	if(clean && diag_errors(c->diag) == 0)
		check_codegen(c, &atoms);
	compilation_free(c);
	return 0;
}
