/* svclog.h — the service's log: one line per event or decision on stderr,
 * with a UTC timestamp, written whole even when threads log at once. */
#ifndef FSIG_SVCLOG_H
#define FSIG_SVCLOG_H

void svc_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
