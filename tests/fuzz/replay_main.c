/* replay_main.c — run a fuzz target over files without libFuzzer.
 *
 *   replay_NAME [-n FIRST] [-t NAME] FILE...
 *
 * Calls LLVMFuzzerTestOneInput once per file, in a buffer of exactly the
 * file's size, and prints one TAP line per file, numbered from FIRST
 * (default 1): "ok N - NAME: FILE". A sanitizer report, a failed FUZZ_CHECK
 * (abort) or a crash prints "not ok N - NAME: FILE" for the file being run
 * before the process dies, so tests/run_all.sh counts it as a failure; a
 * leak found after a file (LeakSanitizer) is "not ok" too. Used
 * by `make fuzz-replay` (tests/fuzz/replay.sh) to replay the seed corpora
 * and the regression inputs under ASan+UBSan with any compiler (SQLite's
 * fuzzcheck). */
#include "fuzz.h"

#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

/* From the sanitizer runtimes (gcc's and clang's alike); weak so that the
 * driver also links without them. */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static const char *target = "fuzz";
static const char *current;     /* the file being run, or NULL */
static long current_n;

/* "not ok N - NAME: FILE\n" with write(2) only: called from a signal
 * handler or from the sanitizer runtime as the process dies. */
static void report_death(void)
{
	char buf[4096];
	size_t o = 0;
	const char *parts[] = { "not ok ", NULL, " - ", target, ": ", current, " (crashed)\n" };
	char num[24];
	size_t k = sizeof num;
	long n = current_n;
	num[--k] = '\0';
	do {
		num[--k] = (char)('0' + n % 10);
		n /= 10;
	} while(n > 0 && k > 0);
	parts[1] = num + k;
	if(!current)
		return;
	for(size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		size_t len = strlen(parts[i]);
		if(o + len > sizeof buf)
			len = sizeof buf - o;
		memcpy(buf + o, parts[i], len);
		o += len;
	}
	fflush(stdout);
	ssize_t w = write(STDOUT_FILENO, buf, o);
	(void)w;
	current = NULL;
}

static void on_signal(int sig)
{
	report_death();
	signal(sig, SIG_DFL);
	raise(sig);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if(!f)
		return NULL;
	size_t cap = 4096, n = 0;
	unsigned char *p = malloc(cap);
	for(;;) {
		if(n == cap) {
			cap *= 2;
			p = realloc(p, cap);
		}
		if(!p)
			break;
		size_t got = fread(p + n, 1, cap - n, f);
		n += got;
		if(got == 0)
			break;
	}
	fclose(f);
	if(!p)
		return NULL;
	/* Exactly n bytes, so reads past the end are caught. */
	unsigned char *exact = malloc(n ? n : 1);
	if(exact && n)
		memcpy(exact, p, n);
	free(p);
	*len = n;
	return exact;
}

int main(int argc, char **argv)
{
	long n = 1;
	int i = 1;
	for(; i < argc; i++) {
		if(strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			n = strtol(argv[++i], NULL, 10);
		else if(strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			target = argv[++i];
		else
			break;
	}
	if(__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(report_death);
	signal(SIGABRT, on_signal);
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
	signal(SIGFPE, on_signal);
	signal(SIGILL, on_signal);
	int failed = 0;
	for(; i < argc; i++, n++) {
		size_t len = 0;
		unsigned char *data = slurp(argv[i], &len);
		if(!data) {
			printf("not ok %ld - %s: %s (cannot read)\n", n, target, argv[i]);
			failed = 1;
			continue;
		}
		current = argv[i];
		current_n = n;
		fflush(stdout);
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		/* Leaks are charged to the file that made them, not to the exit;
		 * leaked blocks stay leaked, so only the first such file is told. */
		if(!failed && __lsan_do_recoverable_leak_check &&
		   __lsan_do_recoverable_leak_check()) {
			current = NULL;
			printf("not ok %ld - %s: %s (leak)\n", n, target, argv[i]);
			failed = 1;
			continue;
		}
		current = NULL;
		printf("ok %ld - %s: %s\n", n, target, argv[i]);
	}
	return failed;
}
