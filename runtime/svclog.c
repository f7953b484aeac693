/* svclog.c — timestamped log lines (see svclog.h). */
#include "svclog.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

void svc_log(const char *fmt, ...)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* One fprintf: stdio locks the stream, so lines never interleave. */
	fprintf(stderr, "%s %s\n", stamp, line);
}
