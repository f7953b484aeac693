/* slowclients.c — hostile HTTP clients for tests/serve_hostile.sh.
 *
 *   slowclients PORT N SECONDS
 *
 * Opens N connections to 127.0.0.1:PORT, sends each the start of a request
 * (a request line and one header, never the blank line that ends the
 * headers), then trickles one more header byte per connection every second
 * (slow loris) for SECONDS, and closes them all. Prints how many
 * connections were opened, then "done". Raises its own open-file limit as
 * far as allowed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if(argc != 4) {
		fprintf(stderr, "usage: slowclients PORT N SECONDS\n");
		return 2;
	}
	int port = atoi(argv[1]), n = atoi(argv[2]), seconds = atoi(argv[3]);
	struct rlimit rl;
	if(getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	int *fds = calloc((size_t)n, sizeof *fds);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	static const char start[] = "POST /hooks/gitlab HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
	int open_ = 0;
	for(int i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if(fd < 0)
			break;
		if(connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
		   write(fd, start, sizeof start - 1) < 0) {
			close(fd);
			break;
		}
		fds[open_++] = fd;
	}
	printf("%d connections\n", open_);
	fflush(stdout);
	for(int s = 0; s < seconds; s++) {
		sleep(1);
		for(int i = 0; i < open_; i++) {
			if(fds[i] >= 0 && write(fds[i], "x", 1) < 0) {
				close(fds[i]);
				fds[i] = -1;
			}
		}
	}
	for(int i = 0; i < open_; i++) {
		if(fds[i] >= 0)
			close(fds[i]);
	}
	free(fds);
	printf("done\n");
	return 0;
}
