/* test_gitlab_backoff.c — unit tests of gitlab_backoff (runtime/gitlab.c):
 * the exponential ceiling and its cap, full jitter, Retry-After winning but
 * capped too, and determinism from the seed. */
#include "gitlab.h"
#include "unit.h"

#include <limits.h>
#include <math.h>

enum { DRAWS = 2000 };

/* Smallest and largest of DRAWS waits before attempt `attempt`. */
static void spread(unsigned attempt, double retry_after, double base, double max, double *lo,
                   double *hi)
{
	unsigned seed = 12345;
	*lo = INFINITY;
	*hi = -INFINITY;
	for(int i = 0; i < DRAWS; i++) {
		double w = gitlab_backoff(attempt, retry_after, base, max, &seed);
		*lo = w < *lo ? w : *lo;
		*hi = w > *hi ? w : *hi;
	}
}

static void test_ceiling(void)
{
	double lo, hi;
	/* base 1 s, cap 300 s: ceilings 1, 2, 4, ... 256, then 300 */
	for(unsigned a = 1; a <= 9; a++) {
		double ceiling = (double)(1u << (a - 1));
		spread(a, -1, 1, 300, &lo, &hi);
		CHECK(lo >= 0 && hi <= ceiling, "attempt %u: waits within [0, %g]", a, ceiling);
		CHECK(hi > 0.9 * ceiling && lo < 0.1 * ceiling,
		      "attempt %u: full jitter covers the range (%g..%g)", a, lo, hi);
	}
	spread(10, -1, 1, 300, &lo, &hi);
	CHECK(hi <= 300 && hi > 270, "attempt 10: capped at 300 (max %g)", hi);
	spread(0, -1, 2, 300, &lo, &hi);
	CHECK(hi <= 2, "attempt 0 counts as the first retry");
	spread(3, -1, 500, 60, &lo, &hi);
	CHECK(hi <= 60, "a base above the cap is capped");
}

static void test_cap_never_overflows(void)
{
	unsigned seed = 1;
	bool fine = true;
	const unsigned attempts[] = {64, 1000, 100000, UINT_MAX};
	for(size_t i = 0; i < sizeof attempts / sizeof attempts[0]; i++) {
		double w = gitlab_backoff(attempts[i], -1, 1, 600, &seed);
		fine = fine && isfinite(w) && w >= 0 && w <= 600;
	}
	CHECK(fine, "huge attempt numbers stay finite and within the cap");
	seed = 1;
	CHECK(gitlab_backoff(5, -1, 0, 600, &seed) == 0, "base 0: no wait");
	CHECK(gitlab_backoff(5, -1, 1, 0, &seed) == 0, "cap 0: no wait");
	CHECK(gitlab_backoff(5, -1, NAN, NAN, &seed) == 0, "NaN base and cap: no wait");
}

static void test_retry_after(void)
{
	double lo, hi;
	spread(1, 7, 1, 300, &lo, &hi);
	CHECK(lo == 7 && hi == 7, "Retry-After 7 beats a jitter below 1 s (%g..%g)", lo, hi);
	spread(9, 7, 1, 300, &lo, &hi);
	CHECK(lo >= 7 && hi <= 256 && hi > 200, "Retry-After is a floor, not a ceiling");
	spread(1, 1000, 1, 60, &lo, &hi);
	CHECK(lo == 60 && hi == 60, "Retry-After above the cap is capped (%g..%g)", lo, hi);
	spread(1, 0, 1, 60, &lo, &hi);
	CHECK(lo >= 0 && hi <= 1, "Retry-After 0 changes nothing");
	spread(1, -1, 1, 60, &lo, &hi);
	CHECK(hi <= 1, "retry_after -1 means none");
	spread(1, NAN, 1, 60, &lo, &hi);
	CHECK(hi <= 1, "a NaN retry_after is ignored");
}

static void test_seed(void)
{
	unsigned s1 = 99, s2 = 99;
	double a = gitlab_backoff(6, -1, 1, 300, &s1);
	double b = gitlab_backoff(6, -1, 1, 300, &s2);
	CHECK(a == b, "same seed, same wait");
	CHECK(s1 == s2 && s1 != 99, "the seed advances");
	double c = gitlab_backoff(6, -1, 1, 300, &s1);
	CHECK(c != a, "the next draw differs");
}

int main(void)
{
	test_ceiling();
	test_cap_never_overflows();
	test_retry_after();
	test_seed();
	return unit_done();
}
