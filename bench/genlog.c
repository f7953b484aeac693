/* genlog.c — deterministic generator of GHC-like GitLab job logs (bench/).
 *
 *   genlog SIZE_MB SEED OUT [TRIGGERS]
 *
 * Writes about SIZE_MB * 10^6 bytes to OUT: one GitLab job (SIZE_MB <= 24) or
 * several jobs of 8-24 MB back to back. Each job has the runner preamble
 * (section markers joined on one physical line as the runner writes them,
 * ANSI colour, git clone output with carriage-return progress bars), the
 * job script (ci.sh setup with curl/cabal output, configure, a hadrian build
 * with GHC warnings and errors, a testsuite run) and the runner's epilogue.
 *
 * Trigger lines are planted inside the step_script section at deterministic
 * offsets: one of the built-in GHC failure lines (one per rule of the GHC
 * pack, the repo_clone/perf_note_fetch pairs included) every 1.5-2.5 MB, and
 * one line of TRIGGERS (lines "INDEX<TAB>TEXT", written by genrules) every
 * 96-160 KB. Triggers carry no escape codes and sit on lines of their own,
 * so raw-byte engines and failsig's displayed text see the same text.
 * The same (SIZE_MB, SEED, TRIGGERS) always gives the same bytes; counts go
 * to stderr.
 *
 * No dependencies: a splitmix64 PRNG and stdio. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ESC "\033"
#define LQ "\xe2\x80\x98"  /* GHC's quotes, UTF-8 */
#define RQ "\xe2\x80\x99"
#define BULLET "\xe2\x80\xa2"
#define CR "\r"
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- PRNG ---------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static unsigned rn(unsigned n)
{
	return (unsigned)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

/* True with probability per_mille / 1000. */
static int pm(unsigned per_mille)
{
	return rn(1000) < per_mille;
}

#define PICK(a) ((a)[rn(ARRAY_LEN(a))])

/* ---- output ----------------------------------------------------------------- */

static FILE *out;
static char obuf[1 << 16];
static uint64_t written, nlines, nonplain;

/* One physical line (the '\n' is added). */
static void line(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(obuf, sizeof obuf - 1, fmt, ap);
	va_end(ap);
	if(n < 0)
		n = 0;
	if((size_t)n > sizeof obuf - 2)
		n = (int)sizeof obuf - 2;
	obuf[n++] = '\n';
	if(memchr(obuf, 0x1b, (size_t)n) || memchr(obuf, '\r', (size_t)n))
		nonplain++;
	fwrite(obuf, 1, (size_t)n, out);
	written += (uint64_t)n;
	nlines++;
}

/* ---- vocabulary ------------------------------------------------------------------ */

static const char *const mod_a[] = {
	"Core", "Tc", "Hs", "Cmm", "StgToCmm", "Driver", "Iface", "Types", "Utils", "Data",
	"Rename", "Parser", "CmmToAsm", "Runtime", "Unit", "Linker", "HsToCore", "Stg",
	"Builtin", "Platform", "CmmToLlvm", "ByteCode", "Settings", "SysTools", "Tc.Solver",
	"Tc.Gen", "Core.Opt", "Types.Name", "CmmToAsm.X86", "Driver.Pipeline", "Tc.Utils",
	"Core.Opt.Simplify", "Iface.Tidy", "Unit.Module", "Hs.Syn", "Data.Graph",
};
static const char *const mod_b[] = {
	"Type", "Utils", "Solver", "Monad", "Env", "Expr", "Bind", "Pat", "Lint", "Simplify",
	"Make", "Errors", "Ppr", "Subst", "Unify", "Class", "TyCon", "Coercion", "Name", "Var",
	"Id", "FVs", "Map", "Graph", "Instance", "Rules", "Occurrence", "Arity", "Specialise",
	"Session", "Config", "Flags", "Main", "Info", "Desugar", "Foreign", "Match", "Binds",
	"Canonical", "Interact", "Rewrite", "Zonk", "TcType", "Deriv", "Splice", "Export",
	"Iface", "Load", "Binary", "Lexer", "Annotation", "Literal", "CallArity", "WorkWrap",
};
static const char *const libs[] = {
	"base", "ghc-prim", "ghc-bignum", "containers", "text", "bytestring", "Cabal",
	"Cabal-syntax", "process", "directory", "filepath", "unix", "time", "transformers",
	"mtl", "parsec", "haskeline", "terminfo", "array", "deepseq", "exceptions", "stm",
	"binary", "pretty", "template-haskell", "xhtml", "hpc", "ghc-boot", "ghc-heap",
	"ghci", "ghc-compact", "semaphore-compat", "os-string", "ghc-internal",
};
static const char *const lib_mods[] = {
	"Data/Map/Internal", "Data/IntMap/Strict", "Data/Text/Encoding", "Data/ByteString/Lazy",
	"Control/Monad/State/Strict", "GHC/Internal/IO/FD", "GHC/Internal/Base", "Data/Sequence",
	"Distribution/Simple/Setup", "Distribution/PackageDescription", "System/Process/Posix",
	"System/Directory/Internal", "Text/Parsec/Prim", "Data/Time/Clock/POSIX", "Data/Binary/Get",
	"GHC/Num/Integer", "GHC/Num/Backend/Native", "Language/Haskell/TH/Syntax", "Data/Array/Base",
	"Control/Concurrent/STM/TVar", "System/Console/Haskeline/Backend", "Data/Set/Internal",
};
static const char *const rts_files[] = {
	"sm/GC", "sm/Scav", "sm/Evac", "sm/Storage", "sm/NonMoving", "sm/BlockAlloc", "Schedule",
	"Capability", "Linker", "linker/Elf", "linker/PEi386", "Interpreter", "RtsStartup",
	"Threads", "Task", "STM", "Stats", "Hpc", "ProfHeap", "Printer", "posix/Signals",
	"posix/OSMem", "eventlog/EventLog", "Sparks", "Weak", "StablePtr", "Hash", "RtsFlags",
};
static const char *const rts_ways[] = {
	"o", "thr_o", "debug_o", "thr_debug_o", "dyn_o", "thr_dyn_o", "p_o", "thr_p_o", "l_o",
};
static const char *const test_ways[] = {
	"normal", "normal", "normal", "optasm", "ghci", "hpc", "profasm", "threaded1",
	"threaded2", "dyn", "ext-interp", "nonmoving", "ghci-opt", "llvm",
};
static const char *const test_dirs[] = {
	"typecheck/should_compile", "typecheck/should_fail", "simplCore/should_compile",
	"deSugar/should_run", "driver", "rename/should_fail", "codeGen/should_run",
	"perf/compiler", "ghci/scripts", "rts", "concurrent/should_run", "parser/should_fail",
	"indexed-types/should_compile", "polykinds", "dependent/should_compile", "th",
	"patsyn/should_compile", "linear/should_fail", "numeric/should_run", "profiling/should_run",
};
static const char *const headers[] = {
	"stdlib.h", "string.h", "unistd.h", "sys/types.h", "sys/stat.h", "sys/time.h",
	"pthread.h", "dlfcn.h", "signal.h", "termios.h", "utime.h", "sys/mman.h", "locale.h",
	"ffi.h", "gmp.h", "numa.h", "elfutils/libdw.h", "sys/timerfd.h", "sys/eventfd.h",
	"ctype.h", "errno.h", "fcntl.h", "limits.h", "sys/param.h", "sys/resource.h",
};
static const char *const funcs[] = {
	"clock_gettime", "timer_create", "sched_setaffinity", "posix_memalign", "mmap",
	"getrusage", "eventfd", "pthread_setname_np", "pthread_condattr_setclock", "dlinfo",
	"setitimer", "ctime_r", "getclock", "sysconf", "uselocale", "statx", "__atomic_load_8",
	"mkstemp", "posix_fallocate", "fork", "vfork", "strerror_r", "nanosleep",
};
static const char *const warn_flags[][2] = {
	{"GHC-62161", "-Wincomplete-patterns"}, {"GHC-40910", "-Wunused-top-binds"},
	{"GHC-38417", "-Wmissing-signatures"}, {"GHC-66111", "-Wunused-imports"},
	{"GHC-63397", "-Wname-shadowing"}, {"GHC-68441", "-Wderiving-typeable"},
	{"GHC-30606", "-Wredundant-constraints"}, {"GHC-18042", "-Wtype-defaults"},
};
static const char *const warn_text[] = {
	"Pattern match(es) are non-exhaustive",
	"Defined but not used: " LQ "go" RQ "",
	"Top-level binding with no type signature:",
	"The import of " LQ "GHC.Utils.Misc" RQ " is redundant",
	"This binding for " LQ "env" RQ " shadows the existing binding",
	"Redundant constraint: Outputable a",
	"Defaulting the type variable " LQ "a0" RQ " to type " LQ "Integer" RQ "",
};
static const char *const cabal_pkgs[] = {
	"clock-0.8.4", "hashable-1.4.3.0", "unordered-containers-0.2.19.1", "shake-0.19.8",
	"QuickCheck-2.14.3", "happy-1.20.1.1", "alex-3.4.0.1", "extra-1.7.14",
	"primitive-0.8.0.0", "random-1.2.1.1", "splitmix-0.1.0.5", "heaps-0.4", "js-jquery-3.3.1",
	"filepattern-0.1.3", "utf8-string-1.0.2", "base16-bytestring-1.0.2.0", "cryptohash-sha256-0.11.102.1",
};
static const char *const hadrian_mods[] = {
	"Rules.Generate", "Rules.Compile", "Rules.Library", "Rules.Program", "Rules.Test",
	"Settings.Builders.Ghc", "Settings.Builders.Cabal", "Settings.Default", "Oracles.Setting",
	"Hadrian.Haskell.Cabal.Parse", "Builder", "Context", "Expression", "Flavour", "Packages",
	"Utilities", "CommandLine", "Main", "Hadrian.Utilities", "Hadrian.Oracles.TextFile",
};
static const char *const runners[] = {
	"x86_64-linux-ci-2", "x86_64-linux-ci-7", "aarch64-linux-ci-1", "x86_64-darwin-ci-3",
	"windows-ci-4", "x86_64-linux-ci-11",
};
static const char *const submodules[] = {
	"libraries/Cabal", "libraries/containers", "libraries/text", "libraries/bytestring",
	"libraries/process", "libraries/directory", "libraries/filepath", "libraries/haskeline",
	"libraries/unix", "libraries/time", "libraries/parsec", "libraries/stm", "utils/haddock",
	"utils/hsc2hs", "libraries/semaphore-compat", "libraries/os-string", "libraries/array",
};

static const char hexd[] = "0123456789abcdef";

static const char *hex(char *buf, int n)
{
	for(int i = 0; i < n; i++)
		buf[i] = hexd[rn(16)];
	buf[n] = '\0';
	return buf;
}

/* GHC.X.Y module name and compiler/GHC/X/Y path. */
static void ghc_module(char *mod, size_t mn, char *path, size_t pn)
{
	const char *a = PICK(mod_a), *b = PICK(mod_b);
	snprintf(mod, mn, "GHC.%s.%s", a, b);
	char pa[64];
	snprintf(pa, sizeof pa, "%s", a);
	for(char *p = pa; *p; p++)
		if(*p == '.')
			*p = '/';
	snprintf(path, pn, "GHC/%s/%s", pa, b);
}

/* Test names T1..T25999, never T21336 (the no_space rule's anti-pattern). */
static unsigned test_number(void)
{
	unsigned t;
	do
		t = 1000 + rn(25000);
	while(t == 21336);
	return t;
}

/* ---- triggers ------------------------------------------------------------------ */

/* One per rule of the GHC pack (rules/ghc and bench/rules/ghc.rules), in a
 * form that fires the full rule (then/unless/section included); '\n'
 * separates physical lines. */
static const char *const ghc_triggers[] = {
	"ERROR: Preparation failed: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running? (executor_docker.go:1150:0s)",
	"fatal: unable to access 'https://gitlab.haskell.org/ghc/ghc.git/': Failed to connect to gitlab.haskell.org port 443 after 129861 ms: Connection timed out",
	"error: builder for '/nix/store/0c5p1i4k6x6q4qgq3k3m3lr1vq2c8a6r-ghc-9.8.1.drv' failed due to signal 9 (Killed)",
	"haddock: out of memory allocating 4194304 bytes",
	"_build/stage1/bin/ghc.exe: osCommitMemory: VirtualAlloc MEM_COMMIT failed to commit 1048576 bytes of memory  (error code: 1455): The paging file is too small for this operation to complete.",
	"_build/stage1/bin/ghc-pkg.exe: renameFile:renamePath:MoveFileEx \"_build\\\\stage1\\\\lib\\\\package.conf.d\\\\package.cache.tmp\" \"_build\\\\stage1\\\\lib\\\\package.conf.d\\\\package.cache\": permission denied (Access is denied.)",
	"Failed to clone 'libraries/containers' a second time, aborting",
	"ghc-pkg dump failed: dieVerbatim: user error (Error: cabal: '/builds/ghc/ghc/_build/stageBoot/bin/ghc-pkg' exited with an error:",
	"error: cannot link '/nix/store/.tmp-link-1849-1714262950' to '/nix/store/.links/0dw8hy7q8x3yz5zqsvqzq2lkmrk3b8xldxq7d3w9mvl2xd4qn8bd': File exists",
	"error: clearing flags of path '/nix/store/9c3wa0z8f1a7nh8y1xn6p3xq5f7pm8cw-ghc-9.4.7': No such file or directory",
	"./hadrian/build-cabal: line 62: 18433 Segmentation fault      (core dumped) \"$CABAL\" --project-file=\"$PROJ\" new-exec \"${CABFLAGS[@]}\" hadrian -- --directory \"$PWD\" \"$@\"",
	"ERROR: Job failed (system failure): aborted: terminated",
	"Exception: _build/test/bin/ghc-config: posix_spawnp: resource busy (Text file busy)",
	"===> Command failed with error code: -11",
	"===> Command failed with error code: -4",
	"===> Command failed with error code: -6",
	"/builds/ghc/ghc/.gitlab/ci.sh: line 651: ulimit: virtual memory: cannot modify limit: Invalid argument",
	"SIGQUIT: quit\nPC=0x7ff80d6c1d62 m=0 sigcode=0",
	"Error: [S-922]\n       No cryptographic hash found for Hackage package hashable-1.4.3.0.",
	"_build/stage1/lib/package.conf.d/ghc-bignum-1.3.conf: withFile: resource busy (file is locked)",
	"_build/stage1/lib/x86_64-windows-ghc-9.9.20240201/base-4.19.0.0/Prelude.hi: copyFileToHandle:openFile: resource busy (file is locked)",
	"wasm32-wasi-ghc-pkg: createProcess: exec: invalid argument (Bad file descriptor)",
	"/usr/bin/ld.gold: fatal error: _build/stage1/bin/ghc: write: No space left on device",
	"ERROR: Preparation failed: failed to register layer: write /var/lib/docker/overlay2/7a9c1e0b/diff/usr/lib/libLLVM-15.so.1: no space left on device (manager.go:250:0s)",
	"ERROR: Job failed: failed to pull image \"registry.gitlab.haskell.org/ghc/ci-images/x86_64-linux-deb12:4b2d8a1c9f0e\" with specified policies [always]: Error response from daemon: received unexpected HTTP status: 502 Bad Gateway (manager.go:250:0s)",
	"Created fresh repository.\nerror: RPC failed; curl 56 GnuTLS recv error (-9): Error decoding the received TLS packet.\nerror: 5672 bytes of body are still expected",
	"git fetch -f https://gitlab.haskell.org/ghc/ghc-performance-notes.git refs/notes/perf:refs/notes/perf\nerror: RPC failed; HTTP 503 curl 22 The requested URL returned error: 503\nfatal: expected flush after ref listing",
};

struct trig {
	char **text;
	size_t n, cap;
};

static struct trig synth;
static uint64_t ghc_planted[ARRAY_LEN(ghc_triggers)];
static uint64_t synth_planted;
static uint64_t next_ghc, next_synth;

static void load_triggers(const char *path)
{
	FILE *f = fopen(path, "r");
	if(!f) {
		perror(path);
		exit(2);
	}
	char buf[8192];
	while(fgets(buf, sizeof buf, f)) {
		size_t n = strlen(buf);
		while(n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		char *tab = strchr(buf, '\t');
		if(!tab)
			continue;
		if(synth.n == synth.cap) {
			synth.cap = synth.cap ? 2 * synth.cap : 256;
			synth.text = realloc(synth.text, synth.cap * sizeof *synth.text);
			if(!synth.text) {
				perror("realloc");
				exit(2);
			}
		}
		size_t len = strlen(tab + 1);
		char *copy = malloc(len + 1);
		if(!copy) {
			perror("malloc");
			exit(2);
		}
		memcpy(copy, tab + 1, len + 1);
		synth.text[synth.n++] = copy;
	}
	fclose(f);
}

static void emit_multi(const char *s)
{
	const char *p = s;
	for(;;) {
		const char *nl = strchr(p, '\n');
		if(!nl) {
			line("%s", p);
			return;
		}
		line("%.*s", (int)(nl - p), p);
		p = nl + 1;
	}
}

/* Plant due triggers at this line boundary (called only inside step_script). */
static void maybe_plant(void)
{
	if(written >= next_ghc) {
		size_t k = rn(ARRAY_LEN(ghc_triggers));
		emit_multi(ghc_triggers[k]);
		ghc_planted[k]++;
		next_ghc = written + 1500000 + rn(1000000);
	}
	if(synth.n && written >= next_synth) {
		line("%s", synth.text[rn((unsigned)synth.n)]);
		synth_planted++;
		next_synth = written + 96000 + rn(64000);
	}
}

/* ---- job pieces ------------------------------------------------------------------ */

static uint64_t ts;

static void tick(void)
{
	ts += rn(3);
}

static void section_first(const char *name, const char *header)
{
	line("section_start:%llu:%s" CR ESC "[0K" ESC "[0K" ESC "[36;1m%s" ESC "[0;m",
	     (unsigned long long)ts, name, header);
}

/* The runner writes the end of one section and the start of the next on one
 * physical line. */
static void section_switch(const char *prev, const char *name, const char *header)
{
	tick();
	line("section_end:%llu:%s" CR ESC "[0Ksection_start:%llu:%s" CR ESC "[0K" ESC "[0K" ESC
	     "[36;1m%s" ESC "[0;m",
	     (unsigned long long)ts, prev, (unsigned long long)ts, name, header);
}

static void progress(const char *what, unsigned total, const char *tail)
{
	char buf[4096];
	size_t n = 0;
	unsigned steps = 3 + rn(12);
	for(unsigned i = 0; i <= steps && n < sizeof buf - 200; i++) {
		unsigned pct = i * 100 / steps;
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s: %3u%% (%u/%u)%s", i ? CR : "", what,
		                      pct, total * pct / 100, total, i == steps ? tail : "");
	}
	line("%s", buf);
}

static void preamble(unsigned job)
{
	char h[41], h2[41];
	const char *runner = PICK(runners);
	line(ESC "[0KRunning with gitlab-runner 16.11.1 (535ced5f)" ESC "[0;m");
	line(ESC "[0K  on %s %s, system ID: s_%s" ESC "[0;m", runner, hex(h, 8), hex(h2, 12));
	section_first("prepare_executor", "Preparing the \"docker\" executor");
	line(ESC "[0;m" ESC "[0KUsing Docker executor with image registry.gitlab.haskell.org/ghc/ci-images/x86_64-linux-deb12:%s ..." ESC "[0;m",
	     hex(h, 40));
	line(ESC "[0KAuthenticating with credentials from job payload (GitLab Registry)" ESC "[0;m");
	line(ESC "[0KPulling docker image registry.gitlab.haskell.org/ghc/ci-images/x86_64-linux-deb12:%s ..." ESC "[0;m",
	     hex(h, 40));
	line(ESC "[0KUsing docker image sha256:%s for registry.gitlab.haskell.org/ghc/ci-images/x86_64-linux-deb12:%s with digest registry.gitlab.haskell.org/ghc/ci-images/x86_64-linux-deb12@sha256:%s ..." ESC "[0;m",
	     hex(h, 40), hex(h2, 40), hex(h2, 40));
	section_switch("prepare_executor", "prepare_script", "Preparing environment");
	line("Running on runner-%s-project-1-concurrent-%u via %s...", hex(h, 8), rn(4), runner);
	section_switch("prepare_script", "get_sources", "Getting source from Git repository");
	line(ESC "[32;1mFetching changes with git depth set to 50..." ESC "[0;m");
	line("Initialized empty Git repository in /builds/ghc/ghc/.git/");
	line(ESC "[32;1mCreated fresh repository." ESC "[0;m");
	unsigned objs = 100000 + rn(200000);
	progress("remote: Enumerating objects", objs, ", done.");
	progress("remote: Counting objects", objs / 3, ", done.");
	progress("remote: Compressing objects", objs / 4, ", done.");
	progress("Receiving objects", objs, ", 212.35 MiB | 41.20 MiB/s, done.");
	progress("Resolving deltas", objs / 2, ", done.");
	line("From https://gitlab.haskell.org/ghc/ghc");
	line(" * [new ref]                 %s -> refs/pipelines/%u", hex(h, 40), 900000 + job);
	line(ESC "[32;1mChecking out %s as detached HEAD (ref is refs/merge-requests/%u/merge)..." ESC "[0;m",
	     hex(h, 8), 10000 + rn(3000));
	line("");
	line(ESC "[32;1mUpdating/initializing submodules recursively with git depth set to 50..." ESC "[0;m");
	for(size_t i = 0; i < ARRAY_LEN(submodules); i++)
		line("Submodule '%s' (https://gitlab.haskell.org/ghc/packages/%s.git) registered for path '%s'",
		     submodules[i], strrchr(submodules[i], '/') + 1, submodules[i]);
	for(size_t i = 0; i < ARRAY_LEN(submodules); i++) {
		line("Cloning into '/builds/ghc/ghc/%s'...", submodules[i]);
		if(pm(300))
			progress("Receiving objects", 2000 + rn(40000), ", done.");
	}
	for(size_t i = 0; i < ARRAY_LEN(submodules); i++)
		line("Submodule path '%s': checked out '%s'", submodules[i], hex(h, 40));
	line(ESC "[32;1mUpdated submodules" ESC "[0;m");
	section_switch("get_sources", "restore_cache", "Restoring cache");
	line(ESC "[32;1mChecking cache for x86_64-linux-deb12-%s-1-non_protected..." ESC "[0;m", hex(h, 6));
	line("Downloading cache from https://storage.googleapis.com/ghc-ci-cache/project/1/x86_64-linux-deb12-%s-1-non_protected" ESC "[0;m ",
	     hex(h, 6));
	line(ESC "[32;1mSuccessfully extracted cache" ESC "[0;m");
	section_switch("restore_cache", "step_script", "Executing \"step_script\" stage of the job script");
	line(ESC "[0KUsing docker image sha256:%s for registry.gitlab.haskell.org/ghc/ci-images/x86_64-linux-deb12:%s ..." ESC "[0;m",
	     hex(h, 40), hex(h2, 40));
}

static void cmd(const char *c)
{
	line(ESC "[32;1m$ %s" ESC "[0;m", c);
}

static void info(const char *msg)
{
	line(ESC "[1;34m%s" ESC "[0m", msg);
}

static void setup_phase(void)
{
	cmd(".gitlab/ci.sh setup");
	info("Setting up toolchain...");
	line("  %% Total    %% Received %% Xferd  Average Speed   Time    Time     Time  Current");
	line("                                 Dload  Upload   Total   Spent    Left  Speed");
	char buf[2048];
	size_t n = 0;
	for(unsigned i = 0, p = 0; p <= 100 && n < sizeof buf - 120; i++, p += 7 + rn(30)) {
		unsigned pc = p > 100 ? 100 : p;
		n += (size_t)snprintf(buf + n, sizeof buf - n,
		                      CR "%3u  210M  %3u %4uM    0     0  %2u.%uM      0  0:00:07  0:00:%02u  0:00:%02u %2u.%uM",
		                      pc, pc, 210 * pc / 100, 20 + rn(20), rn(10), i, 7 - (i < 7 ? i : 7),
		                      20 + rn(20), rn(10));
		if(pc == 100)
			break;
	}
	line("%s", buf);
	cmd("cabal update");
	line("Downloading the latest package list from hackage.haskell.org");
	line("Package list of hackage.haskell.org has been updated.");
	line("The index-state is set to 2024-05-01T12:34:56Z.");
	info("Building hadrian...");
	line("Resolving dependencies...");
	line("Build profile: -w ghc-9.6.4 -O1");
	line("In order, the following will be built (use -v for more details):");
	for(size_t i = 0; i < ARRAY_LEN(cabal_pkgs); i++)
		line(" - %s (lib) (requires download & build)", cabal_pkgs[i]);
	for(size_t i = 0; i < ARRAY_LEN(cabal_pkgs); i++) {
		line("Downloading  %s", cabal_pkgs[i]);
		line("Downloaded   %s", cabal_pkgs[i]);
		line("Starting     %s (lib)", cabal_pkgs[i]);
		line("Building     %s (lib)", cabal_pkgs[i]);
		line("Installing   %s (lib)", cabal_pkgs[i]);
		line("Completed    %s (lib)", cabal_pkgs[i]);
	}
	unsigned nmods = 120;
	for(unsigned i = 1; i <= nmods; i++) {
		const char *m = hadrian_mods[i % ARRAY_LEN(hadrian_mods)];
		char path[128];
		snprintf(path, sizeof path, "%s", m);
		for(char *p = path; *p; p++)
			if(*p == '.')
				*p = '/';
		line("[%3u of %u] Compiling %-28s ( src/%s.hs, /builds/ghc/ghc/hadrian/dist-newstyle/build/x86_64-linux/ghc-9.6.4/hadrian-0.1.0.0/x/hadrian/build/hadrian/hadrian-tmp/%s.o )",
		     i, nmods, m, path, path);
	}
	line("[%u of %u] Linking /builds/ghc/ghc/hadrian/dist-newstyle/build/x86_64-linux/ghc-9.6.4/hadrian-0.1.0.0/x/hadrian/build/hadrian/hadrian",
	     nmods + 1, nmods + 1);
}

static void configure_phase(void)
{
	cmd(".gitlab/ci.sh configure");
	line("+ ./boot");
	line("Booting .");
	line("Booting libraries/base");
	line("+ ./configure --enable-tarballs-autodownload --with-intree-gmp");
	line("checking for gfind... no");
	line("checking for find... /usr/bin/find");
	line("checking for sort... /usr/bin/sort");
	line("checking for GHC version date... inferred 9.11.20240501");
	line("checking build system type... x86_64-pc-linux-gnu");
	unsigned n = 250 + rn(100);
	for(unsigned i = 0; i < n; i++) {
		switch(rn(6)) {
		case 0:
			line("checking for %s... yes", PICK(headers));
			break;
		case 1:
			line("checking for %s... %s", PICK(funcs), pm(800) ? "yes" : "no");
			break;
		case 2:
			line("checking for library containing %s... none required", PICK(funcs));
			break;
		case 3:
			line("checking size of %s... %u", pm(500) ? "long" : "void *", 8);
			break;
		case 4:
			line("checking whether %s is declared... yes", PICK(funcs));
			break;
		default:
			line("checking for %s in -l%s... %s", PICK(funcs), pm(500) ? "rt" : "pthread",
			     pm(700) ? "yes" : "no");
		}
	}
	line("configure: creating ./config.status");
	line("config.status: creating mk/system-cxx-std-lib-1.0.conf");
	line("config.status: creating mk/project.mk");
	line("config.status: creating hadrian/cfg/system.config");
	line("config.status: creating distrib/configure.ac");
	line("config.status: creating mk/config.h");
	line("");
	line("----------------------------------------------------------------------");
	line("Configure completed successfully.");
	line("");
	line("   Building GHC version  : 9.11.20240501");
	line("          Git commit id  : %s", "3f9a2c1e0b4d5a6978e1f2a3b4c5d6e7f8091a2b");
	line("   Build platform        : x86_64-unknown-linux");
	line("   Using (for bootstrapping) : /opt/ghc/9.6.4/bin/ghc");
	line("   Using gcc                 : gcc");
	line("----------------------------------------------------------------------");
}

static void warning_block(int error)
{
	char mod[96], path[96];
	ghc_module(mod, sizeof mod, path, sizeof path);
	unsigned l = 10 + rn(2000), c = 1 + rn(40);
	const char *const *wf = warn_flags[rn(ARRAY_LEN(warn_flags))];
	if(error) {
		line("compiler/%s.hs:%u:%u: error: [GHC-88464]", path, l, c);
		line("    Variable not in scope: mkTyConAppCo :: Role -> TyCon -> [Coercion] -> Coercion");
		line("    Suggested fix: Perhaps use " LQ "mkTyConApp" RQ " (imported from GHC.Core.Type)");
	} else if(pm(300)) {
		/* -fdiagnostics-color=always: the escape-heavy form. */
		line(ESC "[;1mcompiler/%s.hs:%u:%u: " ESC "[;1m" ESC "[35mwarning:" ESC "[0m" ESC "[0m" ESC
		     "[;1m [" ESC "[;1m" ESC "[35m%s" ESC "[0m" ESC "[0m" ESC "[;1m] [" ESC "[;1m" ESC
		     "[35m%s" ESC "[0m" ESC "[0m" ESC "[;1m]" ESC "[0m" ESC "[0m" ESC "[;1m",
		     path, l, c, wf[0], wf[1]);
		line("    %s" ESC "[0m" ESC "[0m", PICK(warn_text));
	} else {
		line("compiler/%s.hs:%u:%u: warning: [%s] [%s]", path, l, c, wf[0], wf[1]);
		line("    %s", PICK(warn_text));
	}
	line("    |");
	line("%4u |     go acc (x:xs) = go (acc + x) xs", l);
	line("    |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^");
	line("");
}

static void build_line(unsigned stage)
{
	char mod[96], path[96], h[9];
	unsigned r = rn(1000);
	if(r < 430) {
		ghc_module(mod, sizeof mod, path, sizeof path);
		line("| Run Ghc CompileHs Stage%u: compiler/%s.hs => _build/stage%u/compiler/build/%s.%s",
		     stage, path, stage, path, pm(300) ? "dyn_o" : "o");
	} else if(r < 580) {
		const char *lib = PICK(libs), *m = PICK(lib_mods);
		line("| Run Ghc CompileHs Stage%u: libraries/%s/src/%s.hs => _build/stage%u/libraries/%s/build/%s.%s",
		     stage, lib, m, stage, lib, m, pm(500) ? "o" : "p_o");
	} else if(r < 680) {
		const char *f = PICK(rts_files);
		line("| Run Cc CompileC Stage%u: rts/%s.c => _build/stage%u/rts/build/c/%s.%s", stage, f,
		     stage, f, PICK(rts_ways));
	} else if(r < 760) {
		const char *lib = PICK(libs);
		line("| Copy file: _build/stage%u/libraries/%s/build/%s.conf => _build/stage%u/lib/package.conf.d/%s-%u.%u.conf",
		     stage - 1, lib, lib, stage, lib, 1 + rn(4), rn(20));
	} else if(r < 800) {
		line("| Run GhcPkg Recache Stage%u: none => none", stage - 1);
	} else if(r < 830) {
		const char *tools[] = {"Hsc2Hs", "Alex", "Happy", "Unlit", "HsCpp"};
		ghc_module(mod, sizeof mod, path, sizeof path);
		line("| Run %s Stage%u: compiler/%s.hsc => _build/stage%u/compiler/build/%s.hs",
		     tools[rn(5)], stage, path, stage, path);
	} else if(r < 930) {
		unsigned total = 600 + rn(300);
		ghc_module(mod, sizeof mod, path, sizeof path);
		line("[%4u of %u] Compiling %-32s ( compiler/%s.hs, _build/stage0/compiler/build/%s.o )",
		     1 + rn(total), total, mod, path, path);
	} else if(r < 955) {
		ghc_module(mod, sizeof mod, path, sizeof path);
		line("Command line: _build/stage%u/bin/ghc -Wall -Wcompat -hisuf dyn_hi -osuf dyn_o -hcsuf dyn_hc -fPIC -dynamic -O2 -H32m -this-unit-id ghc-9.11 -i -icompiler -i_build/stage%u/compiler/build -Icompiler -I_build/stage%u/compiler/build -optc-Wno-error=inline -c compiler/%s.hs -o _build/stage%u/compiler/build/%s.dyn_o -XGHC2021 -XNoImplicitPrelude -fno-ignore-interface-pragmas -fdiagnostics-color=never",
		     stage - 1, stage, stage, path, stage, path);
	} else if(r < 975) {
		const char *lib = PICK(libs);
		line("| Building library '%s' (Stage%u, way %s)...", lib, stage, pm(500) ? "v" : "dyn");
		line("| Successfully built library '%s' (Stage%u, way %s).", lib, stage, pm(500) ? "v" : "dyn");
		line("| Library: _build/stage%u/libraries/%s/build/libHS%s-%s.a", stage, lib, lib, hex(h, 4));
		line("| Library synopsis: Basic libraries");
	} else if(r < 990) {
		warning_block(0);
	} else if(r < 992) {
		warning_block(1);
		line("Error, rule failed: _build/stage1/compiler/build/GHC/Tc/Solver.o");
	} else {
		line("| Run Ld Stage%u: _build/stage%u/rts/build/c/*.o => _build/stage%u/lib/libHSrts.a",
		     stage, stage, stage);
	}
}

static void build_phase(uint64_t until)
{
	cmd(".gitlab/ci.sh build_hadrian");
	line("+ hadrian/build-cabal -j --flavour=validate --docs=no-sphinx binary-dist-dir");
	line("Up to date");
	line("| Building: ...");
	uint64_t begin = written;
	while(written < until) {
		unsigned stage = written - begin < (until - begin) * 2 / 3 ? 1 : 2;
		build_line(stage);
		maybe_plant();
	}
	line("| Copy directory: _build/stage1/lib => _build/bindist/ghc-9.11.20240501-x86_64-unknown-linux/lib");
	line("Build completed in 1h12m");
}

static void test_phase(uint64_t until)
{
	cmd(".gitlab/ci.sh test_hadrian");
	line("+ hadrian/build-cabal -j test --summary-junit=./junit.xml --test-compiler=$PWD/_build/bindist/bin/ghc");
	line("Timeout is 300");
	line("Known ways: normal, optasm, ghci, hpc, profasm, threaded1, threaded2, dyn, ext-interp, nonmoving");
	unsigned total = 9000 + rn(800), i = 0, fails = 0;
	while(written < until) {
		unsigned t = test_number();
		const char *way = PICK(test_ways);
		i = i % total + 1;
		line("=====> T%u(%s) %u of %u [0, %u, 0]", t, way, i, total, fails);
		unsigned r = rn(1000);
		if(r < 300) {
			line("cd \"%s/T%u.run\" && \"/builds/ghc/ghc/_build/bindist/bin/ghc\" -c T%u.hs -dcore-lint -dstg-lint -dcmm-lint -no-user-package-db -fno-dump-with-ways -fprint-error-index-links=never -rtsopts  -fno-warn-missed-specialisations -fshow-warning-groups -fdiagnostics-color=never -fno-diagnostics-show-caret -Werror=compat -dno-debug-output ",
			     PICK(test_dirs), t, t);
		} else if(r < 330) {
			line("cd \"%s/T%u.run\" && ./T%u  </dev/null > T%u.run.stdout 2> T%u.run.stderr",
			     PICK(test_dirs), t, t, t, t);
		} else if(r < 340) {
			fails++;
			line("Actual stderr output differs from expected:");
			line("--- %s/T%u.run/T%u.stderr.normalised\t2024-05-01 12:%02u:%02u.000000000 +0000",
			     PICK(test_dirs), t, t, rn(60), rn(60));
			line("+++ %s/T%u.run/T%u.comp.stderr.normalised\t2024-05-01 12:%02u:%02u.000000000 +0000",
			     PICK(test_dirs), t, t, rn(60), rn(60));
			line("@@ -1,4 +1,4 @@");
			line(" T%u.hs:%u:%u: error: [GHC-83865]", t, 1 + rn(40), 1 + rn(20));
			line("-    " BULLET " Couldn't match expected type " LQ "Int" RQ " with actual type " LQ "Bool" RQ "");
			line("+    " BULLET " Couldn't match expected type " LQ "Int" RQ " with actual type " LQ "Char" RQ "");
			line("     " BULLET " In the expression: go x");
			line("*** unexpected failure for T%u(%s)", t, way);
		} else if(r < 345) {
			line("    Deviation   T%u(%s) ghc/alloc:   %u.%u %%", t, way, rn(5), rn(10));
			line("Metric Decrease 'ghc/alloc' for T%u(%s)", t, way);
		} else if(r < 350) {
			line("Skipping T%u(%s): requires a profiling compiler", t, way);
		} else if(r < 352) {
			/* The driver's own \r-refreshed status line. */
			line("[%u/%u] %u tests running" CR "[%u/%u] %u tests running" CR "[%u/%u] %u tests running",
			     i, total, 1 + rn(8), i + 1, total, 1 + rn(8), i + 2, total, 1 + rn(8));
		}
		maybe_plant();
	}
	line("");
	line("SUMMARY for test run started at Wed May  1 12:00:00 2024 UTC");
	line("1:12:33 spent to go through");
	line("    %u total tests, which gave rise to", total);
	line("   %u test cases, of which", total * 3);
	line("      %u were skipped", total / 10);
	line("      %u unexpected failures", fails);
	line("Unexpected failures:");
	line("   typecheck/should_compile/T%u.run  T%u [stderr mismatch] (normal)", test_number(),
	     test_number());
}

static void epilogue(void)
{
	char h[9];
	section_switch("step_script", "after_script", "Running after_script");
	line(ESC "[32;1mRunning after script..." ESC "[0;m");
	cmd(".gitlab/ci.sh save_cache");
	if(pm(500)) {
		line("git fetch -f https://gitlab.haskell.org/ghc/ghc-performance-notes.git refs/notes/perf:refs/notes/perf");
		line("From https://gitlab.haskell.org/ghc/ghc-performance-notes");
		line(" + %s...%s refs/notes/perf -> refs/notes/perf  (forced update)", hex(h, 7), hex(h, 7));
	}
	section_switch("after_script", "upload_artifacts_on_failure", "Uploading artifacts for failed job");
	line(ESC "[32;1mUploading artifacts..." ESC "[0;m");
	line("junit.xml: found 1 matching artifact files and directories" ESC "[0;m ");
	line("ghc-x86_64-linux-deb12-validate.tar.xz: found 1 matching artifact files and directories" ESC "[0;m ");
	line("Uploading artifacts as \"archive\" to coordinator... 201 Created" ESC "[0;m  id" ESC
	     "[0;m=%u responseStatus" ESC "[0;m=201 Created token" ESC "[0;m=%s",
	     1800000 + rn(100000), hex(h, 8));
	section_switch("upload_artifacts_on_failure", "cleanup_file_variables",
	               "Cleaning up project directory and file based variables");
	tick();
	line("section_end:%llu:cleanup_file_variables" CR ESC "[0K", (unsigned long long)ts);
	line(ESC "[31;1mERROR: Job failed: exit code 1");
	line(ESC "[0;m");
}

static void job(unsigned k, uint64_t size)
{
	uint64_t start = written;
	ts = 1714262950ull + (uint64_t)k * 7200;
	preamble(k);
	setup_phase();
	configure_phase();
	uint64_t body = size > written - start + 40000 ? size - (written - start) - 20000 : 20000;
	build_phase(written + body * 55 / 100);
	test_phase(start + size - 2000 > written ? start + size - 2000 : written + 1);
	epilogue();
}

int main(int argc, char **argv)
{
	if(argc < 4 || argc > 5) {
		fprintf(stderr, "usage: genlog SIZE_MB SEED OUT [TRIGGERS]\n");
		return 2;
	}
	double mb = strtod(argv[1], NULL);
	uint64_t target = (uint64_t)(mb * 1e6);
	rng_state = strtoull(argv[2], NULL, 10) * 0x2545F4914F6CDD1Dull + 1;
	if(argc == 5)
		load_triggers(argv[4]);
	out = fopen(argv[3], "wb");
	if(!out) {
		perror(argv[3]);
		return 2;
	}
	static char iobuf[1 << 20];
	setvbuf(out, iobuf, _IOFBF, sizeof iobuf);
	next_ghc = 400000 + rn(600000);
	next_synth = 60000 + rn(60000);

	const uint64_t max_job = 24000000, min_job = 8000000;
	unsigned k = 0;
	for(;;) {
		uint64_t left = target > written ? target - written : 0, size;
		if(left <= max_job)
			size = left;
		else {
			size = min_job + rn((unsigned)(max_job - min_job));
			if(left - size < min_job)
				size = left;
		}
		job(k++, size);
		if(size == left)
			break;
	}
	if(fclose(out) != 0) {
		perror(argv[3]);
		return 2;
	}
	fprintf(stderr, "genlog: %s: %llu bytes, %llu lines (%.1f%% with ESC or CR), %u jobs, %llu synthetic triggers; GHC triggers:",
	        argv[3], (unsigned long long)written, (unsigned long long)nlines,
	        nlines ? 100.0 * (double)nonplain / (double)nlines : 0.0, k,
	        (unsigned long long)synth_planted);
	for(size_t i = 0; i < ARRAY_LEN(ghc_triggers); i++)
		fprintf(stderr, " %llu", (unsigned long long)ghc_planted[i]);
	fprintf(stderr, "\n");
	return 0;
}
