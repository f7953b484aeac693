/* stdout_check.c — see stdout_check.h. */
#include "stdout_check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool stdout_written(const char *who)
{
	if(fflush(stdout) != 0) {
		fprintf(stderr, "%s: cannot write the output: %s\n", who, strerror(errno));
		return false;
	}
	if(ferror(stdout)) {  /* an earlier write failed; its errno is gone */
		fprintf(stderr, "%s: cannot write the output\n", who);
		return false;
	}
	return true;
}
