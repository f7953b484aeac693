/* main.c — failsigc, the rule compiler: `check` lints rule files, `build`
 * turns them into the matcher binary (generate re2c source, run re2c, compile
 * and link with the runtime library). */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "ast.h"
#include "atoms.h"
#include "check.h"
#include "diag.h"
#include "dynbuf.h"
#include "gen.h"
#include "stdout_check.h"
#include "xalloc.h"

extern char **environ;

/* Exit codes (STYLE 9.2 rule 19). */
enum { EXIT_CLEAN = 0, EXIT_DIAGNOSTICS = 1, EXIT_USAGE = 2 };

enum { MAX_GENERATED = 512 << 20 };  /* refuse to write more C than this */

#ifndef FSIG_CC
#define FSIG_CC "cc"
#endif
#ifndef FSIG_CFLAGS
#define FSIG_CFLAGS "-O2"
#endif
#ifndef FSIG_INCLUDE
#define FSIG_INCLUDE "runtime"
#endif
#ifndef FSIG_LIBDIR
#define FSIG_LIBDIR "build"
#endif
#ifndef FSIG_LIBS
#define FSIG_LIBS ""
#endif
#ifndef FSIG_RE2C
#define FSIG_RE2C "re2c"
#endif

static const char usage_text[] =
	"usage: failsigc check [options] FILE|DIR...\n"
	"       failsigc build [options] FILE|DIR... -o OUT\n"
	"\n"
	"check   lint rule files: every diagnostic of the whole rule set\n"
	"build   compile rule files into the matcher binary OUT (see failsig --help)\n"
	"\n"
	"A DIR means every *.rules file below it, sorted by path.\n"
	"\n"
	"options:\n"
	"  --format=text|json|codequality  diagnostics as GCC-style text (default, on\n"
	"                                  stderr), JSON lines, or a GitLab Code Quality\n"
	"                                  report (both on stdout)\n"
	"  -Wno-NAME, -WNAME               silence or enable warning NAME\n"
	"  -Werror, -Werror=NAME           treat warnings (or warning NAME) as errors\n"
	"  -o OUT                          build: the binary to write\n"
	"  --emit=re|c                     build: write the generated re2c source or C\n"
	"                                  to OUT instead of a binary\n"
	"  --keep                          build: keep the generated files in OUT.d/\n"
	"  -h, --help                      this text\n"
	"\n"
	"exit status: 0 clean (warnings allowed), 1 errors, 2 usage or system error\n"
	"\n"
	"build uses $FAILSIG_CC (default " FSIG_CC "), $FAILSIG_CFLAGS, $RE2C and the\n"
	"runtime library in $FAILSIG_RUNTIME (default " FSIG_LIBDIR ").\n"
	"Diagnostics are listed in docs/diagnostics.md; the language in docs/language.md.\n";

struct options {
	const char *command;
	enum diag_format format;
	const char *out;
	const char *emit;        /* NULL, "re" or "c" */
	bool keep;
	const char **inputs;
	size_t ninputs;
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "failsigc: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'failsigc --help'.\n");
	return EXIT_USAGE;
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Seconds one re2c or C compiler run may take (FAILSIG_BUILD_TIMEOUT). */
static int build_timeout(void)
{
	const char *s = getenv("FAILSIG_BUILD_TIMEOUT");
	int v = s ? atoi(s) : 0;
	return v > 0 ? v : 300;
}

/* Start argv (argv[0] looked up in PATH); 0 on failure after a message. */
static pid_t start(char *const argv[])
{
	pid_t pid;
	int err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if(err) {
		fprintf(stderr, "failsigc: cannot run %s: %s\n", argv[0], strerror(err));
		return 0;
	}
	return pid;
}

/* Wait for pid (running argv0) until `deadline` (CLOCK_MONOTONIC seconds);
 * past it the process is killed: a rule set must never hang the build.
 * True if it exited with status 0. */
static bool finish(pid_t pid, const char *argv0, double deadline, const char *what)
{
	int status;
	for(;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if(r == pid)
			break;
		if(r < 0 && errno != EINTR) {
			fprintf(stderr, "failsigc: waiting for %s: %s\n", argv0, strerror(errno));
			return false;
		}
		if(now() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fprintf(stderr,
			        "failsigc: error: %s did not finish within %d s on %s: the patterns are too "
			        "complex to compile (see the dfa-size diagnostic in docs/diagnostics.md); "
			        "FAILSIG_BUILD_TIMEOUT raises the limit\n",
			        argv0, build_timeout(), what);
			return false;
		}
		struct timespec nap = {0, 20 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
	if(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if(WIFEXITED(status))
		fprintf(stderr, "failsigc: %s failed with exit status %d\n", argv0, WEXITSTATUS(status));
	else
		fprintf(stderr, "failsigc: %s was killed by signal %d\n", argv0, WTERMSIG(status));
	return false;
}

/* argv builder: words of a space-separated flag string are split. */
struct argv {
	char **v;
	size_t n, cap;
};

static void arg(struct argv *a, const char *s)
{
	if(a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 32;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

static void args_split(struct argv *a, const char *s)
{
	while(*s) {
		while(*s == ' ')
			s++;
		const char *e = s;
		while(*e && *e != ' ')
			e++;
		if(e > s) {
			char *w = xstrndup(s, (size_t)(e - s));
			arg(a, w);
			free(w);
		}
		s = e;
	}
}

static void args_free(struct argv *a)
{
	for(size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

/* Run the commands, at most `jobs` at a time, each within the build
 * timeout; true if all succeeded. what[i] names what command i works on. */
static bool run_all(struct argv *cmds, size_t n, size_t jobs, char **what)
{
	pid_t *pids = xcalloc(n ? n : 1, sizeof *pids);
	double *deadline = xcalloc(n ? n : 1, sizeof *deadline);
	bool ok = true;
	size_t next = 0, done = 0;
	while(done < n) {
		while(ok && next < n && next - done < jobs) {
			pids[next] = start(cmds[next].v);
			deadline[next] = now() + build_timeout();
			if(!pids[next])
				ok = false;
			next++;
		}
		if(done == next)
			break;
		if(pids[done] && !finish(pids[done], cmds[done].v[0], deadline[done],
		                         what ? what[done] : "the generated scanner"))
			ok = false;
		done++;
	}
	free(pids);
	free(deadline);
	return ok;
}

static bool write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if(!f) {
		fprintf(stderr, "failsigc: cannot write '%s': %s\n", path, strerror(errno));
		return false;
	}
	bool ok = fwrite(data, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	if(!ok)
		fprintf(stderr, "failsigc: cannot write '%s': %s\n", path, strerror(errno));
	return ok;
}

/* The whole file at path into b (reset first); false after a message. */
static bool read_file(const char *path, struct dynbuf *b)
{
	FILE *f = fopen(path, "rb");
	if(!f) {
		fprintf(stderr, "failsigc: cannot read '%s': %s\n", path, strerror(errno));
		return false;
	}
	dynbuf_reset(b);
	char chunk[65536];
	size_t n;
	bool ok = true;
	while(ok && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ok = dynbuf_add(b, chunk, n);
	ok = ok && !ferror(f);
	fclose(f);
	if(!ok)
		fprintf(stderr, "failsigc: cannot read '%s' (or it exceeds %d MiB)\n", path,
		        MAX_GENERATED >> 20);
	return ok;
}

static void re2c_args(struct argv *a, const char *out, const char *in)
{
	arg(a, env_or("RE2C", FSIG_RE2C));
	arg(a, "-W");
	arg(a, "--no-generation-date");
	arg(a, "--no-version");
	arg(a, "-o");
	arg(a, out);
	arg(a, in);
}

/* cc with the runtime's flags; extra (may be NULL) is appended. */
static void cc_args(struct argv *a, const char *extra)
{
	args_split(a, env_or("FAILSIG_CC", FSIG_CC));
	args_split(a, env_or("FAILSIG_CFLAGS", FSIG_CFLAGS));
	if(extra)
		args_split(a, extra);
	arg(a, "-std=c11");
	arg(a, "-I");
	arg(a, env_or("FAILSIG_INCLUDE", FSIG_INCLUDE));
}

static char *path_in(const char *dir, const char *fmt, size_t k)
{
	char name[64];
	snprintf(name, sizeof name, fmt, k);
	char *p = xmalloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

enum {
	STATES_PER_PART = 4000,   /* DFA states per compilation unit */
	MAX_PARTS = 16,
	/* C bytes re2c may emit for one pattern's matcher. The DFA guard of
	 * check.c counts the states of the pattern's containment DFA, but
	 * re2c's longest-match DFA can be far larger (its accepting states do
	 * not collapse): one such pattern of diffscan gave 2.3 MB of C, a
	 * single function gcc needed 150 s for. Matchers of real rules are
	 * under 100 kB (the GHC pack's largest; 13 kB on average for 1000
	 * synthetic rules). */
	MAX_MATCHER_C = 512 * 1024,
};

/* Split the atoms into parts of about equal DFA size: bounds[k]..bounds[k+1]. */
static size_t split_parts(const struct atomset *atoms, size_t *bounds)
{
	size_t total = 0;
	for(size_t i = 0; i < atoms->n; i++)
		total += atoms->v[i].pat->dfa_states;
	size_t parts = total / STATES_PER_PART + 1;
	if(parts > MAX_PARTS)
		parts = MAX_PARTS;
	if(parts > atoms->n)
		parts = atoms->n ? atoms->n : 1;
	size_t k = 0, acc = 0;
	bounds[0] = 0;
	for(size_t i = 0; i < atoms->n && k + 1 < parts; i++) {
		acc += atoms->v[i].pat->dfa_states;
		if(acc >= total * (k + 1) / parts)
			bounds[++k] = i + 1;
	}
	bounds[++k] = atoms->n;
	return k;
}

/* After re2c: the largest matcher function of a part's C file, found by
 * the definitions gen.c writes ("int fsig_atom_N(" at a line start). A
 * matcher over MAX_MATCHER_C is refused before the C compiler spends
 * minutes on it; says which pattern and returns false. */
static bool check_matcher_sizes(const char *cfile, const struct atomset *atoms)
{
	FILE *f = fopen(cfile, "rb");
	if(!f)
		return true;  /* the C compiler will say what is wrong */
	static const char mark[] = "int fsig_atom_";
	char line[256];
	long start = 0, biggest = 0;
	size_t cur = (size_t)-1, worst = (size_t)-1;
	bool at_line_start = true;
	for(;;) {
		long pos = ftell(f);
		if(!fgets(line, sizeof line, f))
			break;
		size_t idx;
		int used = 0;
		if(at_line_start && strncmp(line, mark, sizeof mark - 1) == 0 &&
		   sscanf(line + sizeof mark - 1, "%zu(%n", &idx, &used) == 1 && used > 0 && idx != cur) {
			if(cur != (size_t)-1 && pos - start > biggest) {
				biggest = pos - start;
				worst = cur;
			}
			cur = idx;
			start = pos;
		}
		at_line_start = strchr(line, '\n') != NULL;
	}
	long end = ftell(f);
	fclose(f);
	if(cur != (size_t)-1 && end - start > biggest) {
		biggest = end - start;
		worst = cur;
	}
	if(biggest <= MAX_MATCHER_C || worst >= atoms->n)
		return true;
	const struct atom *a = &atoms->v[worst];
	uint32_t line_no = 0, col = 0;
	const char *path = "<rules>";
	if(a->pat && a->pat->loc.file) {
		srcfile_linecol(a->pat->loc.file, a->pat->loc.begin, &line_no, &col);
		path = a->pat->loc.file->path;
	}
	fprintf(stderr,
	        "%s:%u:%u: error: re2c made %.1f MB of C for the matcher of %s (the limit is %d kB): "
	        "its longest-match DFA is far larger than its %zu-state estimate, and the C compiler "
	        "would take minutes; simplify the pattern (fewer alternatives that end early, "
	        "shorter counted repetitions) or split it with 'then' or 'all'\n",
	        path, line_no, col, (double)biggest / 1e6, a->source, MAX_MATCHER_C / 1024,
	        a->pat ? a->pat->dfa_states : 0);
	return false;
}

/* Generated sources → binary. The matchers are split into parts compiled
 * in parallel (one per core), at -O1: they run only on candidate lines, and
 * -O2 doubles the C compiler's time on DFA code for no measurable gain.
 * Intermediate files go to OUT.d with --keep, else to a temporary
 * directory that is removed. */
static int build_binary(const struct options *o, const struct compilation *c,
                        const struct atomset *atoms, const char *origin)
{
	char tmpl[] = "/tmp/failsigc.XXXXXX";
	char *dir;
	if(o->keep) {
		dir = xmalloc(strlen(o->out) + 4);
		sprintf(dir, "%s.d", o->out);
		if(mkdir(dir, 0777) != 0 && errno != EEXIST) {
			fprintf(stderr, "failsigc: cannot create '%s': %s\n", dir, strerror(errno));
			free(dir);
			return EXIT_USAGE;
		}
	} else {
		if(!mkdtemp(tmpl)) {
			fprintf(stderr, "failsigc: cannot create a temporary directory: %s\n",
			        strerror(errno));
			return EXIT_USAGE;
		}
		dir = xstrdup(tmpl);
	}
	size_t bounds[MAX_PARTS + 1];
	size_t parts = split_parts(atoms, bounds);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t jobs = ncpu > 0 ? (size_t)ncpu : 1;

	struct argv re2c[MAX_PARTS], cc[MAX_PARTS + 1], link = {0};
	memset(re2c, 0, sizeof re2c);
	memset(cc, 0, sizeof cc);
	char *files[3 * MAX_PARTS + 3];
	size_t nfiles = 0;
	int rc = EXIT_USAGE;
	bool ok = true;
	struct dynbuf src;
	dynbuf_init(&src, MAX_GENERATED);
	for(size_t k = 0; k < parts && ok; k++) {
		char *re = path_in(dir, "part%zu.re", k);
		char *cfile = path_in(dir, "part%zu.c", k);
		char *obj = path_in(dir, "part%zu.o", k);
		files[nfiles++] = re;
		files[nfiles++] = cfile;
		files[nfiles++] = obj;
		dynbuf_reset(&src);
		ok = gen_matchers(atoms, origin, bounds[k], bounds[k + 1], &src) &&
		     write_file(re, src.ptr, src.len);
		re2c_args(&re2c[k], cfile, re);
		cc_args(&cc[k], "-O1");
		arg(&cc[k], "-c");
		arg(&cc[k], "-o");
		arg(&cc[k], obj);
		arg(&cc[k], cfile);
	}
	char *tables = path_in(dir, "tables.c", 0);
	char *tables_obj = path_in(dir, "tables.o", 0);
	files[nfiles++] = tables;
	files[nfiles++] = tables_obj;
	dynbuf_reset(&src);
	ok = ok && gen_tables(c, atoms, origin, &src) && write_file(tables, src.ptr, src.len);
	cc_args(&cc[parts], NULL);
	arg(&cc[parts], "-c");
	arg(&cc[parts], "-o");
	arg(&cc[parts], tables_obj);
	arg(&cc[parts], tables);

	char *what[MAX_PARTS + 1];
	for(size_t k = 0; k <= parts; k++) {
		what[k] = xmalloc(160);
		if(k == parts)
			snprintf(what[k], 160, "the rule table");
		else if(bounds[k] == bounds[k + 1])
			snprintf(what[k], 160, "an empty set of matchers");
		else
			snprintf(what[k], 160, "the matchers of patterns %zu-%zu (%s ...)", bounds[k],
			         bounds[k + 1] - 1, atoms->v[bounds[k]].source);
	}
	ok = ok && run_all(re2c, parts, jobs, what);
	bool refused = false;  /* a matcher too large: the rules' fault, exit 1 */
	for(size_t k = 0; k < parts && ok; k++)
		refused = !(ok = check_matcher_sizes(files[3 * k + 1], atoms));
	ok = ok && run_all(cc, parts + 1, jobs, what);
	for(size_t k = 0; k <= parts; k++)
		free(what[k]);
	if(ok) {
		cc_args(&link, NULL);
		arg(&link, "-o");
		arg(&link, o->out);
		for(size_t k = 0; k < parts; k++)
			arg(&link, files[3 * k + 2]);
		arg(&link, tables_obj);
		char *lib = path_in(env_or("FAILSIG_RUNTIME", FSIG_LIBDIR), "libfailsig.a", 0);
		arg(&link, lib);
		free(lib);
		args_split(&link, FSIG_LIBS);
		ok = run_all(&link, 1, 1, NULL);
	}
	rc = ok ? EXIT_CLEAN : refused ? EXIT_DIAGNOSTICS : EXIT_USAGE;

	for(size_t k = 0; k < parts; k++)
		args_free(&re2c[k]);
	for(size_t k = 0; k <= parts; k++)
		args_free(&cc[k]);
	args_free(&link);
	dynbuf_free(&src);
	for(size_t i = 0; i < nfiles; i++) {
		if(!o->keep)
			unlink(files[i]);
		free(files[i]);
	}
	if(!o->keep)
		rmdir(dir);
	free(dir);
	return rc;
}

/* --emit=re or --emit=c: the whole scanner as one file. */
static int emit_source(const struct options *o, const struct compilation *c,
                       const struct atomset *atoms, const char *origin)
{
	struct dynbuf src;
	dynbuf_init(&src, MAX_GENERATED);
	int rc = EXIT_USAGE;
	if(!gen_scanner(c, atoms, origin, &src)) {
		fprintf(stderr, "failsigc: generated scanner exceeds %d MiB\n", MAX_GENERATED >> 20);
	} else if(strcmp(o->emit, "re") == 0) {
		rc = write_file(o->out, src.ptr, src.len) ? EXIT_CLEAN : EXIT_USAGE;
	} else {
		/* re2c writes a temporary file and renames it over its output:
		 * given OUT itself, it would replace a device or a symlink
		 * (-o /dev/stdout) with a file. It works in a directory of its
		 * own, and OUT is written like any other output. */
		char dir[] = "/tmp/failsigc.XXXXXX";
		if(!mkdtemp(dir)) {
			fprintf(stderr, "failsigc: cannot create a temporary directory: %s\n",
			        strerror(errno));
		} else {
			char re[sizeof dir + 16], cfile[sizeof dir + 16];
			snprintf(re, sizeof re, "%s/scanner.re", dir);
			snprintf(cfile, sizeof cfile, "%s/scanner.c", dir);
			struct argv a = {0};
			re2c_args(&a, cfile, re);
			arg(&a, "-i");  /* no #line: it would name the temporary directory */
			struct dynbuf gen;
			dynbuf_init(&gen, MAX_GENERATED);
			if(write_file(re, src.ptr, src.len) && run_all(&a, 1, 1, NULL) &&
			   read_file(cfile, &gen) && write_file(o->out, gen.ptr, gen.len))
				rc = EXIT_CLEAN;
			dynbuf_free(&gen);
			unlink(re);
			unlink(cfile);
			rmdir(dir);
			args_free(&a);
		}
	}
	dynbuf_free(&src);
	return rc;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	memset(o, 0, sizeof *o);
	o->inputs = xcalloc((size_t)argc, sizeof *o->inputs);
	for(int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if(strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
			fputs(usage_text, stdout);
			exit(EXIT_CLEAN);
		} else if(strncmp(s, "--format=", 9) == 0) {
			if(strcmp(s + 9, "text") == 0)
				o->format = DIAG_TEXT;
			else if(strcmp(s + 9, "json") == 0)
				o->format = DIAG_JSON;
			else if(strcmp(s + 9, "codequality") == 0)
				o->format = DIAG_CODEQUALITY;
			else
				return usage_error("unknown format '%s': use text, json or codequality", s + 9);
		} else if(strcmp(s, "-o") == 0) {
			if(++i >= argc)
				return usage_error("%s needs a file name", s);
			o->out = argv[i];
		} else if(strncmp(s, "--emit=", 7) == 0) {
			if(strcmp(s + 7, "re") != 0 && strcmp(s + 7, "c") != 0)
				return usage_error("unknown --emit '%s': use re or c", s + 7);
			o->emit = s + 7;
		} else if(strcmp(s, "--keep") == 0) {
			o->keep = true;
		} else if(strncmp(s, "-W", 2) == 0) {
			/* applied after the sink exists; validated there */
			o->inputs[o->ninputs++] = s;
		} else if(s[0] == '-' && s[1]) {
			return usage_error("unknown option '%s'", s);
		} else if(!o->command) {
			o->command = s;
		} else {
			o->inputs[o->ninputs++] = s;
		}
	}
	if(!o->command)
		return usage_error("%s", "missing command: check or build");
	if(strcmp(o->command, "check") != 0 && strcmp(o->command, "build") != 0)
		return usage_error("unknown command '%s': use check or build", o->command);
	if(strcmp(o->command, "build") == 0 && !o->out)
		return usage_error("%s", "build needs -o OUT");
	return -1;
}

int main(int argc, char **argv)
{
	struct options o;
	int rc = parse_args(argc, argv, &o);
	if(rc >= 0) {
		free(o.inputs);
		return rc;
	}
	struct compilation *c = compilation_new();
	size_t nfiles = 0;
	for(size_t i = 0; i < o.ninputs; i++) {
		const char *s = o.inputs[i];
		if(strncmp(s, "-W", 2) == 0) {
			if(!diag_option(c->diag, s + 2)) {
				rc = usage_error("unknown warning option '%s' (see docs/diagnostics.md)", s);
				goto out;
			}
		}
	}
	for(size_t i = 0; i < o.ninputs; i++) {
		const char *s = o.inputs[i];
		if(strncmp(s, "-W", 2) == 0)
			continue;
		struct loc none = {NULL, 0, 0};
		ast_load(c, s, none);
		nfiles++;
	}
	if(nfiles == 0) {
		rc = usage_error("%s", "no rule files given");
		goto out;
	}
	check_ruleset(c);
	bool is_build = strcmp(o.command, "build") == 0;
	/* The prefilter is built for check too: its lints need it. */
	struct atomset atoms;
	if(!diag_errors(c->diag)) {
		atoms_build(c, &atoms);
		check_prefilter(c, &atoms);
	}
	diag_render(c->diag, o.format, o.format == DIAG_TEXT ? stderr : stdout);
	if(diag_errors(c->diag)) {
		rc = EXIT_DIAGNOSTICS;
		goto out;
	}
	rc = EXIT_CLEAN;
	if(is_build) {
		struct dynbuf origin;
		dynbuf_init(&origin, 4096);
		for(size_t i = 0; i < o.ninputs; i++) {
			if(strncmp(o.inputs[i], "-W", 2) != 0)
				dynbuf_printf(&origin, "%s%s", origin.len ? " " : "", o.inputs[i]);
		}
		if(o.emit)
			rc = emit_source(&o, c, &atoms, origin.ptr);
		else
			rc = build_binary(&o, c, &atoms, origin.ptr);
		dynbuf_free(&origin);
	}
out:
	compilation_free(c);
	free(o.inputs);
	/* Diagnostics that did not reach stdout (--format=json to a full disk)
	 * are a system error, not a clean check. */
	return stdout_written("failsigc") ? rc : EXIT_USAGE;
}
