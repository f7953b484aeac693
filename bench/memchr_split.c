/* memchr_split.c — the line-splitting limit (bench/): read LOG in 256 KiB
 * blocks, find every '\n' with memchr, carry the incomplete last line over,
 * as failsig's reader and scan loop do, and do nothing else.
 *
 *   memchr_split LOG
 *
 * Prints the seconds spent (open to close) and the line count. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { BLOCK = 1 << 18 };

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if(argc != 2) {
		fprintf(stderr, "usage: memchr_split LOG\n");
		return 2;
	}
	double t0 = now();
	int fd = open(argv[1], O_RDONLY);
	if(fd < 0) {
		perror(argv[1]);
		return 2;
	}
	size_t cap = 2 * BLOCK;
	char *buf = malloc(cap);
	size_t have = 0;
	unsigned long long lines = 0, bytes = 0;
	for(;;) {
		if(cap - have < BLOCK) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		if(!buf) {
			perror("malloc");
			return 2;
		}
		ssize_t r = read(fd, buf + have, BLOCK);
		if(r < 0) {
			perror("read");
			return 2;
		}
		if(r == 0)
			break;
		bytes += (unsigned long long)r;
		have += (size_t)r;
		char *p = buf, *end = buf + have, *nl;
		while((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			lines++;
			p = nl + 1;
		}
		have = (size_t)(end - p);
		memmove(buf, p, have);
	}
	if(have)
		lines++;
	close(fd);
	double t1 = now();
	printf("%.6f %llu %llu\n", t1 - t0, lines, bytes);
	return 0;
}
