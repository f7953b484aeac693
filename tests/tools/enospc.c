/* enospc.c — an LD_PRELOAD shim that fills the disk on demand, for
 * tests/serve_faults.sh.
 *
 * While the file named by $ENOSPC_FLAG exists, every write to a file whose
 * path contains $ENOSPC_MATCH fails with ENOSPC (write, pwrite, pwrite64,
 * writev). Other files, sockets and pipes are untouched, so the service
 * keeps answering HTTP while its database cannot grow. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static int full(int fd)
{
	const char *flag = getenv("ENOSPC_FLAG"), *match = getenv("ENOSPC_MATCH");
	if(!flag || !match || access(flag, F_OK) != 0)
		return 0;
	char link[64], path[4096];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof path - 1);
	if(n <= 0)
		return 0;
	path[n] = '\0';
	if(!strstr(path, match))
		return 0;
	errno = ENOSPC;
	return 1;
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void *p, size_t n)
{
	return full(fd) ? -1 : NEXT(write)(fd, p, n);
}

ssize_t pwrite(int fd, const void *p, size_t n, off_t off)
{
	return full(fd) ? -1 : NEXT(pwrite)(fd, p, n, off);
}

ssize_t pwrite64(int fd, const void *p, size_t n, off64_t off)
{
	return full(fd) ? -1 : NEXT(pwrite64)(fd, p, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	return full(fd) ? -1 : NEXT(writev)(fd, iov, cnt);
}
