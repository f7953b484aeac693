/* test_findloop.c — unit tests of the AVX-512 find loop (runtime/probe.h).
 *
 * With AVX-512 the find loop does two jobs at once: it finds the first
 * probed position whose gram has its bits set, and it does lineskip's work
 * on the bytes it passes (counts their '\n's, stops at a line that starts
 * with "section_" and at an ESC or '\r'). A wrong count shifts every later
 * line number, a missed marker loses a section, a missed ESC shows a rule
 * raw bytes instead of the displayed text, a missed stop loses a hit. The loop is compared
 * with a reference built from the scalar find loop and a byte-at-a-time
 * line count, for every stride 1-8 and every choice of tables, on random
 * text (line starts, 's', markers and set bits on every block boundary)
 * with random bit tables. The text sits in a buffer of its exact size plus
 * the padding the reader guarantees, so ASan catches a read past it. */
#include "probe.h"
#include "ruleset.h"
#include "xalloc.h"
#include "unit.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

enum { BITS = 15, CASES = 400 };

/* The find loop stops only at grams these confirm: here a fixed choice of
 * about three in four, by the gram and its position, so that the loops must
 * also agree on the lanes they pass over. */
static int confirm(size_t i, uint64_t g)
{
	return ((g ^ i) * UINT64_C(0x9E3779B97F4A7C15)) >> 62 != 0;
}
int scan_find_confirm4(const struct fsig_ruleset *rs, const unsigned char *p, size_t n, size_t i,
                       uint32_t g)
{
	(void)rs, (void)p, (void)n;
	return confirm(i, g);
}
int scan_find_confirm8(const struct fsig_ruleset *rs, const unsigned char *p, size_t n, size_t i,
                       uint64_t f)
{
	(void)rs, (void)p, (void)n;
	return confirm(i, f);
}

/* The probe loops of probe.h refer to these; the find loop does not. */
void scan_probe_bucket4(struct scanner *s, const unsigned char *p, size_t len, size_t i,
                        uint32_t g, unsigned kinds)
{
	(void)s, (void)p, (void)len, (void)i, (void)g, (void)kinds;
}
void scan_probe_bucket8(struct scanner *s, const unsigned char *p, size_t len, size_t i,
                        uint64_t g, unsigned kinds)
{
	(void)s, (void)p, (void)len, (void)i, (void)g, (void)kinds;
}

static unsigned next(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* Text of n bytes ending in '\n', from pieces that put line starts, 's'
 * and markers anywhere, and now and then an ESC or '\r'. */
static unsigned char *random_text(unsigned *seed, size_t n)
{
	static const char *const pieces[] = { "\n", "s", "section_start:1:a", "sectio", "x",
	                                      "hello world ", "\n\n", "ss", "error: 42 ", "\ns",
	                                      "abcdefgh", "\nsec", "y", "z ", "0123", "\n" };
	unsigned char *p = xmalloc(n + FSIG_PAD);
	size_t i = 0;
	while(i < n) {
		const char *s = pieces[next(seed) % (sizeof pieces / sizeof pieces[0])];
		if(next(seed) % 256 == 0)  /* in about one text in three */
			s = next(seed) & 1 ? "\x1b[0m" : "\r";
		for(; *s && i < n; s++)
			p[i++] = (unsigned char)*s;
	}
	if(n)
		p[n - 1] = '\n';
	memset(p + n, 0, FSIG_PAD);
	return p;
}

/* Bit tables with about one bit set in `sparse` (both bits of a gram's
 * mask land in one word, so a word of two set bits passes its grams). */
static void random_table(unsigned *seed, uint64_t *bits, unsigned sparse)
{
	for(size_t w = 0; w < ((size_t)1 << BITS) / 64; w++) {
		bits[w] = 0;
		for(int b = 0; b < 64; b++)
			if(next(seed) % sparse == 0)
				bits[w] |= UINT64_C(1) << b;
	}
}

static size_t reference(const unsigned char *p, size_t n, size_t step, const uint64_t *b4,
                        unsigned bits4, const uint64_t *b8, unsigned bits8, uint64_t *lines)
{
	size_t stop = fsig_find_loop(p, n, NULL, step, b4, bits4, b8, bits8);
	for(size_t i = 0; i < stop; i++) {
		if((i == 0 || p[i - 1] == '\n') && n - i >= 8 && memcmp(p + i, "section_", 8) == 0)
			return i;
		if(p[i] == 0x1b || p[i] == '\r')
			return i;
		if(p[i] == '\n')
			(*lines)++;
	}
	return stop;
}

#ifdef FSIG_HAVE_AVX512
static FSIG_AVX512 size_t vector(const unsigned char *p, size_t n, size_t step,
                                 const uint64_t *b4, unsigned bits4, const uint64_t *b8,
                                 unsigned bits8, uint64_t *lines)
{
	unsigned char idx4[64], idx8[64];
	for(int j = 0; j < 64; j++) {
		idx4[j] = (unsigned char)(j >= 32 ? 0 : (size_t)(j / 4) * step + (size_t)(j % 4));
		idx8[j] = (unsigned char)((size_t)(j / 8) * step + (size_t)(j % 8));
	}
	return fsig_find_loop_avx512(p, n, NULL, step, b4, bits4, b8, bits8, idx4, idx8, lines);
}

static bool have_avx512(void)
{
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	       __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
	       __builtin_cpu_supports("avx512vbmi");
}
#endif

int main(void)
{
#ifdef FSIG_HAVE_AVX512
	if(!have_avx512()) {
		CHECK(1, "# SKIP no AVX-512 on this CPU");
		return unit_done();
	}
	uint64_t *b4 = xmalloc(((size_t)1 << BITS) / 8), *b8 = xmalloc(((size_t)1 << BITS) / 8);
	static const char *const names[] = { "", "4-byte table", "8-byte table", "both tables" };
	unsigned seed = 7;
	for(size_t step = 1; step <= 8; step++) {
		for(int tabs = 1; tabs <= 3; tabs++) {
			unsigned bits4 = tabs & 1 ? BITS : 0, bits8 = tabs & 2 ? BITS : 0;
			size_t bad = 0, stops = 0, markers = 0, specials = 0, first_bad = 0;
			for(int c = 0; c < CASES; c++) {
				random_table(&seed, b4, 2 + next(&seed) % 12);
				random_table(&seed, b8, 2 + next(&seed) % 12);
				size_t n = next(&seed) % 700;
				unsigned char *p = random_text(&seed, n);
				uint64_t want_lines = 0, got_lines = 0;
				size_t want = reference(p, n, step, b4, bits4, b8, bits8, &want_lines);
				size_t got = vector(p, n, step, b4, bits4, b8, bits8, &got_lines);
				if(got != want || got_lines != want_lines) {
					if(!bad++)
						first_bad = (size_t)c;
				}
				stops += want < n;
				markers += want < n && n - want >= 8 && memcmp(p + want, "section_", 8) == 0;
				specials += want < n && (p[want] == 0x1b || p[want] == '\r');
				free(p);
			}
			CHECK(bad == 0 && stops - markers - specials > CASES / 10 &&
			          markers > CASES / 10 && specials > CASES / 50,
			      "stride %zu, %s: stop and line count as the reference in %d texts "
			      "(%zu stops, %zu at a marker, %zu at ESC or CR; %zu differ, the first "
			      "case %zu)",
			      step, names[tabs], CASES, stops, markers, specials, bad, first_bad);
		}
	}
	/* By hand: no stop, a count to the end; a marker first; a stop inside
	 * the first line. */
	memset(b4, 0, ((size_t)1 << BITS) / 8);
	unsigned char text[3 * 64 + FSIG_PAD] = {0};
	const char *t = "one\ntwo\nthree\nsection_start:9:x\nfour\n";
	memcpy(text, t, strlen(t));
	uint64_t lines = 0;
	size_t at = vector(text, strlen(t), 5, b4, BITS, NULL, 0, &lines);
	CHECK(at == 14 && lines == 3, "empty table: stops at the marker line (offset %zu, %llu lines)",
	      at, (unsigned long long)lines);
	lines = 0;
	at = vector(text, 14, 5, b4, BITS, NULL, 0, &lines);
	CHECK(at == 14 && lines == 3, "no stop: the whole text counted (offset %zu, %llu lines)", at,
	      (unsigned long long)lines);
	memset(b4, 0xff, ((size_t)1 << BITS) / 8);
	lines = 0;
	at = vector(text, strlen(t), 5, b4, BITS, NULL, 0, &lines);
	CHECK(at == 0 && lines == 0, "full table: stops at offset 0 (%zu, %llu lines)", at,
	      (unsigned long long)lines);
	free(b4);
	free(b8);
#else
	CHECK(1, "# SKIP built without AVX-512 support");
#endif
	return unit_done();
}
