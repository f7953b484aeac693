/* unit.h — the tiny assert harness of the unit tests.
 *
 * Each CHECK prints one TAP line ("ok N - what" / "not ok N - what" with the
 * file and line), so tests/run_all.sh can count passes and failures across
 * every test program. A test program returns unit_done(): 0 if all passed. */
#ifndef FSIG_UNIT_H
#define FSIG_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_n, unit_failed;

#define CHECK(cond, ...) \
	do { \
		unit_n++; \
		if(cond) { \
			printf("ok %d - ", unit_n); \
		} else { \
			unit_failed++; \
			printf("not ok %d - %s:%d: ", unit_n, __FILE__, __LINE__); \
		} \
		printf(__VA_ARGS__); \
		printf("\n"); \
	} while(0)

/* Compare two C strings, showing both when they differ. */
#define CHECK_STR(got, want, ...) \
	do { \
		const char *g_ = (got), *w_ = (want); \
		int same_ = g_ && w_ && strcmp(g_, w_) == 0; \
		CHECK(same_, __VA_ARGS__); \
		if(!same_) \
			printf("#   got:  \"%s\"\n#   want: \"%s\"\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while(0)

static inline int unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed ? 1 : 0;
}

#endif
