/* timeit.c — run a command and report its wall time, CPU time and peak RSS
 * (bench/).
 *
 *   timeit OUT CMD ARGS...
 *
 * CMD's stdout goes to the file OUT ("-": inherited), its stderr is kept.
 * Prints one line: "WALL USER SYS MAXRSS_KB STATUS" (seconds; STATUS is the
 * exit status, or 128 + the signal). The wall time covers fork to wait4,
 * i.e. the whole process: start-up, reading the input, output. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if(argc < 3) {
		fprintf(stderr, "usage: timeit OUT CMD ARGS...\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if(pid < 0) {
		perror("fork");
		return 2;
	}
	if(pid == 0) {
		if(strcmp(argv[1], "-") != 0) {
			int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if(fd < 0 || dup2(fd, 1) < 0) {
				perror(argv[1]);
				_exit(127);
			}
			close(fd);
		}
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if(wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("%.6f %.6f %.6f %ld %d\n", wall,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss, code);
	return 0;
}
