/* test_lineskip.c — unit tests of runtime/lineskip.c.
 *
 * lineskip counts the lines the scanner skips and stops at a "section_"
 * line; a wrong count shifts every later line number, a missed marker
 * loses a section. Each implementation (SSE2 or plain C, and AVX2 and AVX-512
 * where the CPU has it) is compared with a byte-at-a-time reference on
 * random text built to put line starts, 's' and markers on every block
 * boundary, and on a few cases written out by hand. The text sits in a
 * buffer of its exact size plus the padding the reader guarantees, so
 * ASan catches a read past it. */
#include "lineskip.h"
#include "ruleset.h"
#include "xalloc.h"
#include "unit.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

typedef size_t skip_fn(const unsigned char *, size_t, uint64_t *);

static size_t reference(const unsigned char *p, size_t n, uint64_t *lines)
{
	for(size_t i = 0; i < n; i++) {
		bool start = i == 0 || p[i - 1] == '\n';
		if(start && n - i >= 8 && memcmp(p + i, "section_", 8) == 0)
			return i;
		if(p[i] == '\n')
			(*lines)++;
	}
	return n;
}

/* Text of n bytes ending in '\n', from pieces that make boundaries
 * interesting: newlines, 's', "section_", "sectio", filler. */
static unsigned char *random_text(unsigned seed, size_t n)
{
	static const char *const pieces[] = { "\n", "s", "section_start:1:a\r", "sectio", "section_",
	                                      "x", "hello world ", "\n\n", "ss" };
	unsigned char *p = xmalloc(n + FSIG_PAD);
	memset(p + n, 0, FSIG_PAD);
	size_t i = 0;
	while(i < n) {
		seed = seed * 1103515245u + 12345u;
		const char *s = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
		size_t k = strlen(s);
		for(size_t j = 0; j < k && i < n; j++)
			p[i++] = (unsigned char)s[j];
	}
	p[n - 1] = '\n';
	return p;
}

static int compare(skip_fn *fn, const char *name, int rounds)
{
	int bad = 0;
	for(int r = 0; r < rounds && !bad; r++) {
		size_t n = 1 + (size_t)(r * 37 % 700);
		unsigned char *p = random_text((unsigned)r, n);
		/* Start at a line start, as the scanner does. */
		size_t from = 0;
		for(size_t i = 0; i + 1 < n && i < (size_t)(r % 23); i++)
			if(p[i] == '\n')
				from = i + 1;
		uint64_t want_lines = 5, got_lines = 5;
		size_t want = reference(p + from, n - from, &want_lines);
		size_t got = fn(p + from, n - from, &got_lines);
		if(want != got || want_lines != got_lines) {
			printf("# %s round %d: n %zu from %zu: got (%zu, %llu), want (%zu, %llu)\n", name, r,
			       n, from, got, (unsigned long long)got_lines, want,
			       (unsigned long long)want_lines);
			bad = 1;
		}
		free(p);
	}
	return !bad;
}

enum { END = -1 };  /* no marker: lineskip returns n */

static void by_hand(skip_fn *fn, const char *name)
{
	struct {
		const char *text;
		size_t at;
		uint64_t lines;
	} cases[] = {
		{ "a\nb\nc\n", END, 3 },
		{ "section_end:1:x\n", 0, 0 },
		{ "a\nsection_start:1:x\nb\n", 2, 1 },
		{ "a\n  section_start:1:x\n", END, 2 },         /* not at a line start */
		{ "section\nsection_\n", 8, 1 },
		/* a marker right after a 16- and a 64-byte boundary */
		{ "0123456789abcde\nsection_start:1:x\n", 16, 1 },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\nsection_x\n", 64, 1 },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0\nsection_x\n",
		  66, 1 },
	};
	for(size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = strlen(cases[i].text);
		unsigned char *p = xmalloc(n + FSIG_PAD);
		memcpy(p, cases[i].text, n);
		memset(p + n, 0, FSIG_PAD);
		uint64_t lines = 0;
		size_t at = fn(p, n, &lines);
		size_t want = cases[i].at == (size_t)END ? n : cases[i].at;
		CHECK(at == want && lines == cases[i].lines,
		      "%s: case %zu stops at %zu after %llu lines (want %zu, %llu)", name, i, at,
		      (unsigned long long)lines, want, (unsigned long long)cases[i].lines);
		free(p);
	}
}

int main(void)
{
	by_hand(lineskip, "lineskip");
	CHECK(compare(lineskip, "lineskip", 3000), "lineskip agrees with the reference on 3000 texts");
#if defined(__GNUC__) && defined(__x86_64__)
	if(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") &&
	   __builtin_cpu_supports("bmi")) {
		by_hand(lineskip_avx2, "lineskip_avx2");
		CHECK(compare(lineskip_avx2, "lineskip_avx2", 3000),
		      "lineskip_avx2 agrees with the reference on 3000 texts");
	} else {
		printf("# no AVX2 here: lineskip_avx2 not run\n");
	}
	if(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) {
		by_hand(lineskip_avx512, "lineskip_avx512");
		CHECK(compare(lineskip_avx512, "lineskip_avx512", 3000),
		      "lineskip_avx512 agrees with the reference on 3000 texts");
	} else {
		printf("# no AVX-512 here: lineskip_avx512 not run\n");
	}
#endif
	return unit_done();
}
