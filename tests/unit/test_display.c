/* test_display.c — unit tests of the display pass (runtime/display.c).
 *
 * Each raw line is copied into a buffer of exactly its length and displayed
 * into an output buffer of exactly its length, so a run under
 * -fsanitize=address catches any read or write past either. Section events
 * are shown as "+name" (start) and "-name" (end). The fixtures of tests/logs
 * are displayed line by line and compared with the text GitLab shows. */
#include "display.h"
#include "unit.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

enum { MAXEV = 8 };

/* The last display: text (NUL-terminated, may hold NULs before len),
 * events, and whether the invariants held. */
static struct {
	char text[8192];
	size_t len;
	char events[1024];
	size_t nev;
	bool sane;       /* len <= raw len, no ESC or '\r' in text, names inside raw */
} shown;

static int insane;   /* displays that broke an invariant */

static void format_events(const struct display_event *ev, size_t nev, char *dst, size_t cap)
{
	size_t o = 0;

	dst[0] = '\0';
	for(size_t i = 0; i < nev && o < cap; i++) {
		int n = snprintf(dst + o, cap - o, "%s%c%.*s", i ? " " : "",
		                 ev[i].kind == DISPLAY_SECTION_START ? '+' : '-',
		                 (int)ev[i].len, (const char *)ev[i].name);

		if(n > 0)
			o += (size_t)n;
	}
}

/* Display raw[0, len) with room for maxev events; the result is in shown. */
static void show_n(const void *raw, size_t len, size_t maxev)
{
	unsigned char *in = malloc(len ? len : 1);
	unsigned char *out = malloc(len ? len : 1);
	struct display_event ev[MAXEV];

	memcpy(in, raw, len);
	shown.len = display_line(in, len, out, ev, maxev, &shown.nev);
	shown.sane = shown.len <= len && shown.nev <= maxev && shown.len < sizeof shown.text;
	if(shown.sane) {
		memcpy(shown.text, out, shown.len);
		shown.text[shown.len] = '\0';
		shown.sane = !memchr(out, 0x1b, shown.len) && !memchr(out, '\r', shown.len);
	}
	for(size_t i = 0; i < shown.nev && shown.sane; i++)
		shown.sane = ev[i].name >= in && ev[i].name + ev[i].len <= in + len && ev[i].len > 0;
	format_events(ev, shown.nev, shown.events, sizeof shown.events);
	if(!shown.sane)
		insane++;
	free(in);
	free(out);
}

/* A string literal, NULs included. */
#define SHOW(lit) show_n((lit), sizeof(lit) - 1, MAXEV)
#define PLAIN(lit) display_is_plain((const unsigned char *)(lit), sizeof(lit) - 1)

/* Display lit and compare text and events. */
#define EXPECT(lit, want_text, want_events, ...) \
	do { \
		SHOW(lit); \
		CHECK_STR(shown.text, (want_text), __VA_ARGS__); \
		CHECK_STR(shown.events, (want_events), "  events"); \
	} while(0)

static void test_plain(void)
{
	CHECK(PLAIN("Cloning into '/builds/group/project'..."), "ordinary text is plain");
	CHECK(PLAIN(""), "an empty line is plain");
	CHECK(PLAIN("echo section_start:1:x"), "\"section_\" not at the start is plain");
	CHECK(PLAIN("sectio"), "a short prefix of \"section_\" is plain");
	CHECK(PLAIN("a\0b\xff\xfe"), "NUL and invalid UTF-8 are plain");
	CHECK(!PLAIN("\x1b[32;1mok\x1b[0;m"), "ESC is not plain");
	CHECK(!PLAIN("10%\r100%"), "'\\r' is not plain");
	CHECK(!PLAIN("done\r"), "a trailing '\\r' is not plain");
	CHECK(!PLAIN("section_end:1540587291:prepare_script"), "a marker line is not plain");
	CHECK(!PLAIN("section_foo"), "anything starting \"section_\" goes the slow way");
	{
		/* The ESC far from the start: memchr must still find it. */
		unsigned char line[4096];

		memset(line, 'x', sizeof line);
		line[sizeof line - 1] = 0x1b;
		CHECK(!display_is_plain(line, sizeof line), "ESC at the end of a long line");
		line[sizeof line - 1] = 'x';
		CHECK(display_is_plain(line, sizeof line), "a long line without ESC is plain");
	}
}

static void test_ansi(void)
{
	EXPECT("\x1b[32;1mFetching changes with git depth set to 50...\x1b[0;m",
	       "Fetching changes with git depth set to 50...", "", "SGR colour and reset");
	EXPECT("\x1b[0KRunning with gitlab-runner 13.12.0-rc1 (b21d5c5b)",
	       "Running with gitlab-runner 13.12.0-rc1 (b21d5c5b)", "", "erase-line");
	EXPECT("\x1b[0;m\x1b[0K  on docker-auto-scale 72989761",
	       "  on docker-auto-scale 72989761", "", "reset then erase-line");
	EXPECT("\x1b[0;33mWARNING: no matching files\x1b[0;m ",
	       "WARNING: no matching files ", "", "trailing space after a reset is text");
	EXPECT("\x1b[01m\x1b[Kmain.c:3:1:\x1b[m\x1b[K \x1b[01;31m\x1b[Kerror: \x1b[m\x1b[Kbad",
	       "main.c:3:1: error: bad", "", "GCC colours with ESC[K and ESC[m");
	EXPECT("\x1b[1A\x1b[2K\x1b[?25lLayer 3: Pull complete\x1b[?25h",
	       "Layer 3: Pull complete", "", "cursor moves and private parameters");
	EXPECT("a\x1b[38;2;255;0;0mred\x1b[39m b", "ared b", "", "24-bit colour");
	EXPECT("a\x1b[2@b\x1b[~c", "abc", "", "final bytes '@' and '~'");
	EXPECT("a\x1b[1 qb", "ab", "", "CSI with an intermediate byte");
}

static void test_osc(void)
{
	EXPECT("see \x1b]8;;https://gcc.gnu.org/onlinedocs/\x07-Wunused\x1b]8;;\x07 here",
	       "see -Wunused here", "", "OSC 8 hyperlink ended by BEL");
	EXPECT("\x1b]8;;file:///builds/x.c\x1b\\x.c\x1b]8;;\x1b\\:3",
	       "x.c:3", "", "OSC ended by ESC \\");
	EXPECT("\x1b]0;job title\x07text", "text", "", "OSC window title");
	EXPECT("a\x1b]0;title\x1b[31mred", "ared", "", "OSC cut short by another escape");
}

static void test_unterminated(void)
{
	EXPECT("abc\x1b", "abc", "", "lone ESC at the end is dropped");
	EXPECT("abc\x1b[", "abc", "", "ESC [ at the end is dropped");
	EXPECT("abc\x1b[31;1", "abc", "", "CSI without final byte at the end is dropped");
	EXPECT("abc\x1b]8;;https://example.org/very/long", "abc", "",
	       "unterminated OSC drops the rest of the line");
	EXPECT("abc\x1b(", "abc", "", "nF escape without final byte is dropped");
	EXPECT("a\x1b" "7b\x1b" "8c", "abc", "", "two-byte ESC 7 / ESC 8");
	EXPECT("\x1b(B\x1b[mdone", "done", "", "tput sgr0: ESC ( B then ESC [ m");
	EXPECT("\x1b=x\x1b>", "x", "", "keypad mode escapes");
	EXPECT("a\x1b\x01z", "a\x01z", "", "ESC before a control byte: only ESC dropped");
	EXPECT("a\x1b\xc3\xa9", "a\xc3\xa9", "", "ESC before UTF-8: only ESC dropped");
	EXPECT("a\x1b[31\xc3\xa9z", "a\xc3\xa9z", "", "CSI broken by a non-ASCII byte");
	EXPECT("\x1b\x1b[0mx", "x", "", "ESC ESC [ 0 m");
}

static void test_cr(void)
{
	EXPECT("MSBuild version 17.8.3\r", "MSBuild version 17.8.3", "", "CRLF: '\\r' at the end dropped");
	EXPECT("\r", "", "", "a lone '\\r' line is empty");
	EXPECT("  0%\r 50%\r100% done", "100% done", "", "progress bar keeps the last state");
	EXPECT("Receiving objects:  37% (15/41)\rReceiving objects: 100% (41/41), done.\r",
	       "Receiving objects: 100% (41/41), done.", "", "progress bar ending in CRLF");
	EXPECT("\r  0     0\r100  80.1M", "100  80.1M", "", "curl meter starting with '\\r'");
	EXPECT("Fetching\r\x1b[K[1/3] core\r\x1b[K[3/3] docs\r", "[3/3] docs", "",
	       "'\\r' then erase-line");
	EXPECT("all done\r\r", "", "", "'\\r' before a trailing '\\r' still resets");
	EXPECT("text\r\x1b[0m", "", "", "'\\r' followed only by an escape resets");
	EXPECT("a\x1b[31\rb", "b", "", "CSI broken by '\\r': the '\\r' still resets");
}

static void test_markers(void)
{
	EXPECT("section_start:1624482342:resolve_secrets\r\x1b[0K\x1b[0K\x1b[36;1mResolving secrets\x1b[0;m",
	       "Resolving secrets", "+resolve_secrets", "'\\r' inside a marker is not a reset");
	EXPECT("section_end:1:a\r\x1b[0Ksection_start:1:b\r\x1b[0K\x1b[0K\x1b[36;1mHeader\x1b[0;m",
	       "Header", "-a +b", "markers chained on one line");
	EXPECT("\x1b[0;msection_end:1624482385:prepare_executor\r\x1b[0Ksection_start:1624482385:prepare_script\r\x1b[0K\x1b[0K\x1b[36;1mPreparing environment\x1b[0;m\x1b[0;m",
	       "Preparing environment", "-prepare_executor +prepare_script",
	       "markers after a colour reset, runner 15.x double reset");
	EXPECT("section_end:1675046375:cleanup_file_variables\r\x1b[0K\x1b[31;1mERROR: Job failed: exit code 100",
	       "ERROR: Job failed: exit code 100", "-cleanup_file_variables",
	       "the last section_end before the job result");
	EXPECT("section_start:1700000000:build[collapsed=true]\r\x1b[0K\x1b[0K\x1b[36;1mBuild\x1b[0;m",
	       "Build", "+build", "[collapsed=true] is not part of the name");
	EXPECT("section_start:1700000000:tests[collapsed=true,hide_duration=false]\r\x1b[0KTests",
	       "Tests", "+tests", "several flags");
	EXPECT("section_start:1:v1.2-rc_3\r\x1b[0K", "", "+v1.2-rc_3", "name with . - _ and digits");
	EXPECT("section_end:1:x\r\x1b[0K", "", "-x", "a marker and nothing else");
	EXPECT("foo section_start:1:x\r\x1b[0Kbar", "foo bar", "+x",
	       "a complete marker after text is removed, as GitLab does");
	EXPECT("section_start:1:a\r\x1b[0Ksection_start:2:b\r\x1b[0Ksection_end:3:b\r\x1b[0Ksection_end:4:a\r\x1b[0Kx",
	       "x", "+a +b -b -a", "four markers in order");
	SHOW("section_start:1:a\r\x1b[0Ksection_start:1:b\r\x1b[0Ksection_start:1:c\r\x1b[0Kz");
	CHECK_STR(shown.text, "z", "all markers removed");
	show_n("section_start:1:a\r\x1b[0Ksection_start:1:b\r\x1b[0Ksection_start:1:c\r\x1b[0Kz",
	       sizeof "section_start:1:a\r\x1b[0Ksection_start:1:b\r\x1b[0Ksection_start:1:c\r\x1b[0Kz" - 1, 2);
	CHECK(shown.nev == 2 && strcmp(shown.text, "z") == 0, "maxev 2: extra markers removed, not reported");
	CHECK_STR(shown.events, "+a +b", "  the first two are reported");
	show_n("section_end:1:a\r\x1b[0Kz", sizeof "section_end:1:a\r\x1b[0Kz" - 1, 0);
	CHECK(shown.nev == 0 && strcmp(shown.text, "z") == 0, "maxev 0");
}

/* Copies in which each marker's '\r' became '\n': the marker ends its line. */
static void test_markers_lf(void)
{
	EXPECT("section_start:1540587289:prepare_script", "", "+prepare_script", "marker alone on a line");
	EXPECT("\x1b[0;msection_start:1540587289:prepare_script", "", "+prepare_script",
	       "marker alone after a colour reset");
	EXPECT("\x1b[0Ksection_end:1540587305:restore_cache", "", "-restore_cache",
	       "marker after the erase-line of the previous one");
	EXPECT("section_end:1540587291:prepare_script\r", "", "-prepare_script", "marker with its '\\r' at the end");
	EXPECT("section_start:1:b[collapsed=true]", "", "+b", "flags on a marker alone");
	EXPECT("\x1b[32;1m$ echo section_end:1:x\x1b[0;m", "$ echo section_end:1:x", "",
	       "a marker-shaped word after text stays");
	EXPECT("\x1b[0Ksection_end:1:x trailing", "section_end:1:x trailing", "",
	       "a marker followed by text without '\\r' ESC[0K stays");
	EXPECT("\x1b[32;1m$ echo section_end:1:x", "$ echo section_end:1:x", "",
	       "a marker-shaped word ending the line after text stays");
	EXPECT("50%\rsection_end:1:x", "", "-x", "after a '\\r' reset the line is empty again");
}

static void test_not_markers(void)
{
	EXPECT("section_start:abc:x", "section_start:abc:x", "", "time not digits");
	EXPECT("section_start::x", "section_start::x", "", "no time");
	EXPECT("section_start:1:", "section_start:1:", "", "no name");
	EXPECT("section_start:1", "section_start:1", "", "no name, no colon");
	EXPECT("section_begin:1:x", "section_begin:1:x", "", "not start or end");
	EXPECT("section_start:1:x[]", "section_start:1:x[]", "", "empty flags");
	EXPECT("section_start:1:x[a=b", "section_start:1:x[a=b", "", "unclosed flags");
	EXPECT("section_start:1:x[bad]\r\x1b[0Kz", "z", "", "bad flags: the '\\r' resets");
	EXPECT("section_start:1:x\rz", "z", "", "'\\r' without ESC[0K resets");
	EXPECT("section_start:1:x\r\x1b[1Kz", "z", "", "other erase than ESC[0K resets");
	EXPECT("section_start is a word\r", "section_start is a word", "", "plain text with CRLF");
	EXPECT("sss\x1b[0msection_", "ssssection_", "", "'s' runs");
}

static void test_bytes(void)
{
	SHOW("a\0b\x1b[0mc\0");
	CHECK(shown.len == 5 && memcmp(shown.text, "a\0bc\0", 5) == 0, "NUL bytes kept");
	SHOW("\0\0\0\r\0x");
	CHECK(shown.len == 2 && memcmp(shown.text, "\0x", 2) == 0, "NUL bytes after a reset");
	EXPECT("\xff\xfe\x1b[31mbad \xc3\x28\x1b[0m", "\xff\xfe" "bad \xc3\x28", "", "invalid UTF-8 kept");
	EXPECT("caf\xc3\x1b[0m", "caf\xc3", "", "UTF-8 cut before an escape kept");
	EXPECT("\x9b" "31m", "\x9b" "31m", "", "8-bit CSI is not an escape (UTF-8 logs)");
	SHOW("");
	CHECK(shown.len == 0 && shown.nev == 0, "empty line");
}

/* Pseudo-random lines from an alphabet rich in escapes and marker pieces:
 * the invariants must hold and ASan must stay quiet. */
static void test_random(void)
{
	static const char *const atoms[] = {
		"\x1b", "[", "]", "\r", "\x07", "\\", "0", "K", "m", ";", "section_start:",
		"section_end:", "12", ":", "name", "[collapsed=true]", "\r\x1b[0K", " ", "\xff", "s",
		"(", "\0",
	};
	uint64_t rng = 42;
	unsigned char line[512];
	int before = insane;

	for(int iter = 0; iter < 20000; iter++) {
		size_t len = 0;
		size_t parts;

		rng = rng * 6364136223846793005u + 1442695040888963407u;
		parts = (size_t)(rng >> 33) % 24;
		for(size_t k = 0; k < parts; k++) {
			const char *a;
			size_t n;

			rng = rng * 6364136223846793005u + 1442695040888963407u;
			a = atoms[(rng >> 33) % (sizeof atoms / sizeof atoms[0])];
			n = *a ? strlen(a) : 1;
			memcpy(line + len, a, n);
			len += n;
		}
		show_n(line, len, (size_t)(rng >> 40) % 4);
		if(display_is_plain(line, len) && (shown.len != len || shown.nev != 0 || memcmp(shown.text, line, len) != 0))
			insane++;
	}
	CHECK(insane == before, "20000 random lines: invariants hold, plain lines unchanged");
}

/* tests/logs/NAME, found from this file's path (see test_reader.c). */
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
	dir = (size_t)(end - f);
	while(dir > 0 && f[dir - 1] != '/')
		dir--;
	snprintf(path, sizeof path, "%.*slogs/%s", (int)dir, f, name);
	return path;
}

/* Display every line of a fixture: the displayed lines joined with '\n'
 * into text, the events as "LINE:+name" into events. */
static bool display_file(const char *name, char *text, size_t *tlen, char *events)
{
	static unsigned char data[16384];
	FILE *f = fopen(fixture(name), "rb");
	size_t len;
	size_t o = 0;
	size_t e = 0;
	size_t lineno = 0;
	bool plain_ok = true;

	if(!f)
		return false;
	len = fread(data, 1, sizeof data, f);
	fclose(f);
	events[0] = '\0';
	for(size_t i = 0; i < len;) {
		const unsigned char *nl = memchr(data + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - data) - i : len - i;
		const char *evs;

		lineno++;
		show_n(data + i, n, MAXEV);
		if(display_is_plain(data + i, n))
			plain_ok = plain_ok && shown.len == n && memcmp(shown.text, data + i, n) == 0;
		memcpy(text + o, shown.text, shown.len);
		o += shown.len;
		text[o++] = '\n';
		/* Prefix each event with the line number. */
		evs = shown.events;
		while(*evs) {
			const char *sp = strchr(evs, ' ');
			size_t k = sp ? (size_t)(sp - evs) : strlen(evs);

			e += (size_t)sprintf(events + e, "%s%zu:%.*s", e ? " " : "", lineno, (int)k, evs);
			evs += k + (sp ? 1 : 0);
		}
		i += n + 1;
	}
	*tlen = o;
	return plain_ok;
}

struct fixture_case {
	const char *name;
	const char *text;      /* displayed lines, each ended by '\n' */
	size_t len;
	const char *events;
};

#define CASE(name, text, events) { name, text, sizeof(text) - 1, events }

static const struct fixture_case cases[] = {
	CASE("ansi.log",
	     "Running with gitlab-runner 16.6.1 (f5da3c5a)\n"
	     "  on ci-shared-3 Xy7kP2qR, system ID: s_4f0c2e9a11b7\n"
	     "Preparing the \"docker\" executor\n"
	     "Using Docker executor with image debian:bookworm-slim ...\n"
	     "Executing \"step_script\" stage of the job script\n"
	     "$ make check\n"
	     "cc -std=c11 -Wall -O2 -c -o build/runtime/scan.o runtime/scan.c\n"
	     "runtime/scan.c:42:9: warning: unused variable \xe2\x80\x98n\xe2\x80\x99 [-Wunused-variable]\n"
	     "runtime/scan.c:57:5: error: \xe2\x80\x98lines\xe2\x80\x99 undeclared (first use in this function)\n"
	     "make: *** [Makefile:61: build/runtime/scan.o] Error 1\n"
	     "ERROR: Job failed: exit code 2\n"
	     "\n",
	     "3:+prepare_executor 5:-prepare_executor 5:+step_script 11:-step_script"),
	CASE("sections-chained.log",
	     "Running with gitlab-runner 13.12.0 (7a6612da)\n"
	     "  on docker-auto-scale 3b1f7a22\n"
	     "Resolving secrets\n"
	     "Preparing the \"docker+machine\" executor\n"
	     "Using Docker executor with image alpine:3.19 ...\n"
	     "Preparing environment\n"
	     "Running on runner-3b1f7a22-project-4242-concurrent-0 via runner-3b1f7a22-srm-1619999990-5d2e8c01...\n"
	     "Executing \"step_script\" stage of the job script\n"
	     "$ ./ci/install-deps.sh\n"
	     "Installing build dependencies\n"
	     "fetch https://dl-cdn.alpinelinux.org/alpine/v3.19/main/x86_64/APKINDEX.tar.gz\n"
	     "OK: 187 MiB in 61 packages\n"
	     "\n"
	     "$ make test\n"
	     "FAIL: test_reader (exit status 1)\n"
	     "Cleaning up project directory and file based variables\n"
	     "ERROR: Job failed: exit code 1\n"
	     "\n",
	     "3:+resolve_secrets 4:-resolve_secrets 4:+prepare_executor 6:-prepare_executor "
	     "6:+prepare_script 8:-prepare_script 8:+step_script 10:+install_deps 13:-install_deps "
	     "16:-step_script 16:+cleanup_file_variables 17:-cleanup_file_variables"),
	CASE("sections-lf.log",
	     "Running with gitlab-runner 11.9.2 (fa86510e)\n"
	     "  on docker-auto-scale 0277ea0f\n"
	     "Using Docker executor with image golang:1.12 ...\n"
	     "\n"
	     "Running on runner-0277ea0f-project-1717-concurrent-0 via runner-0277ea0f-srm-1555999950-3b6c1a4d...\n"
	     "\n"
	     "\n"
	     "Fetching changes...\n"
	     "HEAD is now at 9e1c0a7 Merge branch 'fix-reader' into 'master'\n"
	     "\n"
	     "\n"
	     "\n"
	     "\n"
	     "$ grep -c \"section_start:\" testdata/*.log\n"
	     "testdata/job.log:12\n"
	     "$ go test ./...\n"
	     "ok  \texample.com/tool/reader\t0.012s\n"
	     "--- FAIL: TestScan (0.00s)\n"
	     "\n"
	     "\n"
	     "\n"
	     "ERROR: Job failed: exit code 1\n"
	     "\n",
	     "4:+prepare_script 6:-prepare_script 7:+get_sources 10:-get_sources 11:+restore_cache "
	     "12:-restore_cache 13:+build_script 19:-build_script 20:+after_script 21:-after_script"),
	CASE("cr-progress.log",
	     "$ git submodule update --init vendor/re2c\n"
	     "Cloning into '/builds/tools/failsig/vendor/re2c'...\n"
	     "remote: Enumerating objects: 41234, done.\n"
	     "remote: Counting objects: 100% (512/512), done.\n"
	     "Receiving objects: 100% (41234/41234), 14.03 MiB | 11.87 MiB/s, done.\n"
	     "Resolving deltas: 100% (30211/30211), done.\n"
	     "$ curl -fL -o sdk.tar.xz https://downloads.example.org/sdk/sdk-2.4.tar.xz\n"
	     "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
	     "                                 Dload  Upload   Total   Spent    Left  Speed\n"
	     "100 80.1M  100 80.1M    0     0  45.9M      0  0:00:01  0:00:01 --:--:-- 45.9M\n"
	     "[3/3] sdk-docs\n",
	     ""),
	CASE("nul-bytes.log",
	     "$ cat /proc/1/cmdline\n"
	     "/bin/sh\0-c\0make check\0\n"
	     "$ tail -c 64 build/test-results.log\n"
	     "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0Segmentation fault (core dumped)\n"
	     "FAIL: test_serialize: got 'ab\0\0cd', want 'abcd'\n"
	     "ERROR: Job failed: exit code 139\0\n",
	     ""),
	CASE("bad-utf8.log",
	     "$ make -C legacy\n"
	     "gcc -c -o parser.o parser.c\n"
	     "parser.c:120: Warnung: Zuweisung \xfc" "ber inkompatible Zeigertypen\n"
	     "test_codec: input \xc3" "( rejected (bad continuation byte)\n"
	     "test_codec: overlong \xc0\xaf accepted FAIL\n"
	     "test_codec: lone surrogate \xed\xa0\x80, stray \xff\xfe\n"
	     "truncated at the end: caf\xc3\n",
	     ""),
	CASE("crlf.log",
	     "Running with gitlab-runner 16.6.1 (f5da3c5a)\n"
	     "  on windows-shared-2 Ab3dEf6G, system ID: s_9a8b7c6d5e4f\n"
	     "Executing \"step_script\" stage of the job script\n"
	     "$ msbuild /m /p:Configuration=Release tool.sln\n"
	     "MSBuild version 17.8.3+195e7f5a3 for .NET Framework\n"
	     "Build started 4/5/2024 10:15:02 AM.\n"
	     "\n"
	     "C:\\GitLab-Runner\\builds\\tools\\tool\\src\\main.c(17,5): error C2065: 'lines': undeclared identifier [C:\\GitLab-Runner\\builds\\tools\\tool\\tool.vcxproj]\n"
	     "    1 Error(s)\n"
	     "ERROR: Job failed: exit status 1\n"
	     "\n",
	     "3:+step_script 10:-step_script"),
	CASE("no-final-newline.log",
	     "Running with gitlab-runner 16.6.1 (f5da3c5a)\n"
	     "$ ./run-tests.sh --verbose\n"
	     "test_reader ........ ok\n"
	     "test_display ....... ok\n"
	     "test_scan .......\n",
	     ""),
};

static void test_fixtures(void)
{
	static char text[16384];
	static char events[4096];

	for(size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct fixture_case *c = &cases[i];
		size_t len = 0;
		bool plain_ok;
		int before = insane;

		memset(text, 0, sizeof text);
		plain_ok = display_file(c->name, text, &len, events);
		CHECK(len == c->len && memcmp(text, c->text, len) == 0, "%s displays as GitLab shows it", c->name);
		if(len != c->len || memcmp(text, c->text, len) != 0)
			printf("#   got:\n%s#   want:\n%s", text, c->text);
		CHECK_STR(events, c->events, "%s section events", c->name);
		CHECK(plain_ok && insane == before, "%s: plain lines unchanged, invariants hold", c->name);
	}
}

int main(void)
{
	test_plain();
	test_ansi();
	test_osc();
	test_unterminated();
	test_cr();
	test_markers();
	test_markers_lf();
	test_not_markers();
	test_bytes();
	test_random();
	test_fixtures();
	CHECK(insane == 0, "no display broke an invariant (%d did)", insane);
	return unit_done();
}
