/* cli.c — what the failsig subcommands share (cli.h): usage errors, option
 * values, opening a log, and the setup of the commands that run until a
 * signal (serve, dashboard, fetch). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "failsig %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'failsig %s --help'.\n", cmd);
	return EXIT_ERROR;
}

const char *cli_opt(const char *cmd, char **argv, int argc, int *i, const char *name, int *ok)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	*ok = 1;
	if(strncmp(a, name, n) != 0)
		return NULL;
	if(a[n] == '=')
		return a + n + 1;
	if(a[n] != '\0')
		return NULL;
	if(*i + 1 >= argc) {
		cli_usage_error(cmd, "option %s needs a value", name);
		*ok = 0;
		return NULL;
	}
	*i += 1;
	return argv[*i];
}

int cli_open_log(const char *cmd, const char *path)
{
	if(strcmp(path, "-") == 0)
		return STDIN_FILENO;
	int fd = open(path, O_RDONLY);
	if(fd < 0)
		fprintf(stderr, "failsig %s: cannot read '%s': %s\n", cmd, path, strerror(errno));
	return fd;
}

long long cli_duration(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if(end == s || errno || v < 0 || !isdigit((unsigned char)*s))
		return -1;
	long long mul = 1;
	if(*end == 'm')
		mul = 60;
	else if(*end == 'h')
		mul = 3600;
	else if(*end == 'd')
		mul = 86400;
	else if(*end != 's' && *end != '\0')
		return -1;
	if(*end && end[1])
		return -1;
	return v > (1LL << 40) ? -1 : v * mul;
}

unsigned long long cli_size(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if(end == s || errno || !isdigit((unsigned char)*s))
		return 0;
	int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
	if((shift && end[1]) || (!shift && *end))
		return 0;
	return v > (1ULL << 40) ? 0 : v << shift;
}

long cli_count(const char *s, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	return end == s || *end || errno || v < lo || v > hi ? -1 : v;
}

int cli_pair(const char *s, long long *a, long long *b, bool first_is_count)
{
	const char *slash = strchr(s, '/');
	char left[32];
	if(!slash) {
		if(first_is_count && strcmp(s, "0") == 0) {
			*a = 0;
			*b = 0;
			return 0;
		}
		return -1;
	}
	if((size_t)(slash - s) >= sizeof left)
		return -1;
	memcpy(left, s, (size_t)(slash - s));
	left[slash - s] = '\0';
	*a = first_is_count ? cli_count(left, 0, 1000000) : cli_duration(left);
	*b = cli_duration(slash + 1);
	return *a < 0 || *b < 0 ? -1 : 0;
}

int cli_write_port_file(const char *cmd, const char *path, unsigned port)
{
	/* Written whole under another name, then renamed: whoever waits for
	 * the file never reads half a number. */
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if(!f || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "failsig %s: cannot write '%s': %s\n", cmd, path, strerror(errno));
		return -1;
	}
	return 0;
}

void cli_block_signals(sigset_t *sigs, int also)
{
	sigemptyset(sigs);
	sigaddset(sigs, SIGINT);
	sigaddset(sigs, SIGTERM);
	if(also)
		sigaddset(sigs, also);
	pthread_sigmask(SIG_BLOCK, sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
}
