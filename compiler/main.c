/* main.c — failsigc, the rule compiler: `check` lints rule files, `build`
 * turns them into the matcher binary (generate re2c source, run re2c, compile
 * and link with the runtime library). */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "ast.h"
#include "atoms.h"
#include "check.h"
#include "diag.h"
#include "dynbuf.h"
#include "gen.h"
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
	"  --keep                          build: keep OUT.re and OUT.c next to OUT\n"
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

/* Run argv (argv[0] looked up in PATH); true if it exited with status 0. */
static bool run(char *const argv[])
{
	pid_t pid;
	int err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if(err) {
		fprintf(stderr, "failsigc: cannot run %s: %s\n", argv[0], strerror(err));
		return false;
	}
	int status;
	while(waitpid(pid, &status, 0) < 0) {
		if(errno != EINTR) {
			fprintf(stderr, "failsigc: waiting for %s: %s\n", argv[0], strerror(errno));
			return false;
		}
	}
	if(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if(WIFEXITED(status))
		fprintf(stderr, "failsigc: %s failed with exit status %d\n", argv[0], WEXITSTATUS(status));
	else
		fprintf(stderr, "failsigc: %s was killed by signal %d\n", argv[0], WTERMSIG(status));
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

/* re2c source → C → binary. Intermediate files go next to OUT with --keep,
 * else into a private temporary directory. */
static int build_binary(const struct options *o, const char *re_src, size_t re_len)
{
	char tmpdir[] = "/tmp/failsigc.XXXXXX";
	char *re_path, *c_path;
	bool use_tmp = !o->keep && !(o->emit && strcmp(o->emit, "c") == 0);
	if(use_tmp) {
		if(!mkdtemp(tmpdir)) {
			fprintf(stderr, "failsigc: cannot create a temporary directory: %s\n",
			        strerror(errno));
			return EXIT_USAGE;
		}
		re_path = xmalloc(strlen(tmpdir) + 16);
		c_path = xmalloc(strlen(tmpdir) + 16);
		sprintf(re_path, "%s/failsig.re", tmpdir);
		sprintf(c_path, "%s/failsig.c", tmpdir);
	} else {
		re_path = xmalloc(strlen(o->out) + 4);
		c_path = xmalloc(strlen(o->out) + 4);
		sprintf(re_path, "%s.re", o->out);
		if(o->emit)
			strcpy(c_path, o->out);
		else
			sprintf(c_path, "%s.c", o->out);
	}
	int rc = EXIT_USAGE;
	if(!write_file(re_path, re_src, re_len))
		goto out;

	struct argv a = {0};
	arg(&a, env_or("RE2C", FSIG_RE2C));
	arg(&a, "-W");
	arg(&a, "--no-generation-date");
	arg(&a, "--no-version");
	arg(&a, "-o");
	arg(&a, c_path);
	arg(&a, re_path);
	bool ok = run(a.v);
	args_free(&a);
	if(!ok)
		goto out;
	if(o->emit) {
		rc = EXIT_CLEAN;
		goto out;
	}

	struct argv cc = {0};
	args_split(&cc, env_or("FAILSIG_CC", FSIG_CC));
	args_split(&cc, env_or("FAILSIG_CFLAGS", FSIG_CFLAGS));
	arg(&cc, "-std=c11");
	arg(&cc, "-I");
	arg(&cc, env_or("FAILSIG_INCLUDE", FSIG_INCLUDE));
	arg(&cc, "-o");
	arg(&cc, o->out);
	arg(&cc, c_path);
	char *lib = xmalloc(strlen(env_or("FAILSIG_RUNTIME", FSIG_LIBDIR)) + 32);
	sprintf(lib, "%s/libfailsig.a", env_or("FAILSIG_RUNTIME", FSIG_LIBDIR));
	arg(&cc, lib);
	free(lib);
	args_split(&cc, FSIG_LIBS);
	ok = run(cc.v);
	args_free(&cc);
	rc = ok ? EXIT_CLEAN : EXIT_USAGE;
out:
	if(use_tmp) {
		unlink(c_path);
		unlink(re_path);
		rmdir(tmpdir);
	}
	free(re_path);
	free(c_path);
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
	diag_render(c->diag, o.format, o.format == DIAG_TEXT ? stderr : stdout);
	if(diag_errors(c->diag)) {
		rc = EXIT_DIAGNOSTICS;
		goto out;
	}
	rc = EXIT_CLEAN;
	if(is_build) {
		struct atomset atoms;
		atoms_build(c, &atoms);
		struct dynbuf src;
		dynbuf_init(&src, MAX_GENERATED);
		struct dynbuf origin;
		dynbuf_init(&origin, 4096);
		for(size_t i = 0; i < o.ninputs; i++) {
			if(strncmp(o.inputs[i], "-W", 2) != 0)
				dynbuf_printf(&origin, "%s%s", origin.len ? " " : "", o.inputs[i]);
		}
		if(!gen_scanner(c, &atoms, origin.ptr, &src)) {
			fprintf(stderr, "failsigc: generated scanner exceeds %d MiB\n", MAX_GENERATED >> 20);
			rc = EXIT_USAGE;
		} else if(o.emit && strcmp(o.emit, "re") == 0) {
			rc = write_file(o.out, src.ptr, src.len) ? EXIT_CLEAN : EXIT_USAGE;
		} else {
			rc = build_binary(&o, src.ptr, src.len);
		}
		dynbuf_free(&origin);
		dynbuf_free(&src);
	}
out:
	compilation_free(c);
	free(o.inputs);
	return rc;
}
