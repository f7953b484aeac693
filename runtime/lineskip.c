/* lineskip.c — count skipped lines, stopping at a section marker.
 *
 * The scanner calls this on the runs of lines that the prefilter rules
 * out, a few hundred bytes to a whole chunk at a time: sixteen bytes per
 * step where SSE2 is there (every x86-64), where a memchr per line cost
 * more than the probing itself. A marker is looked for only where a line
 * starts with 's'. */
#include "lineskip.h"

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

static int is_marker(const unsigned char *line)
{
	return memcmp(line, "section_", 8) == 0;
}

#ifdef __SSE2__
/* The sum of the 16 byte counters of acc. */
static uint64_t sum_counts(__m128i acc)
{
	__m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
	return (uint64_t)_mm_cvtsi128_si64(sums) + (uint64_t)_mm_extract_epi16(sums, 4);
}
#endif

size_t lineskip(const unsigned char *p, size_t n, uint64_t *lines)
{
	if(n == 0 || is_marker(p))
		return 0;
	uint64_t count = 0;
	size_t i = 0;
#ifdef __SSE2__
	/* '\n's are counted in 16 byte counters (cmpeq gives -1 per match),
	 * summed before they can overflow: no popcount per block, which
	 * plain x86-64 has only as a libgcc call. */
	const __m128i nl = _mm_set1_epi8('\n'), s = _mm_set1_epi8('s'), zero = _mm_setzero_si128();
	__m128i acc = zero;
	unsigned rounds = 0;
	unsigned carry = 0;  /* the previous block ended in '\n': its byte 0 starts a line */
	for(; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i eq = _mm_cmpeq_epi8(v, nl);
		unsigned m = (unsigned)_mm_movemask_epi8(eq);
		unsigned starts = ((m << 1) | carry) & 0xffff &
		                  (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, s));
		for(; starts; starts &= starts - 1) {
			unsigned k = (unsigned)__builtin_ctz(starts);
			if(is_marker(p + i + k)) {
				*lines += count + sum_counts(acc) +
				          (uint64_t)__builtin_popcount(m & ((1u << k) - 1));
				return i + k;
			}
		}
		acc = _mm_sub_epi8(acc, eq);
		if(++rounds == 255) {
			count += sum_counts(acc);
			acc = zero;
			rounds = 0;
		}
		carry = m >> 15;
	}
	count += sum_counts(acc);
	/* The scalar tail starts at a block boundary: a line may start there. */
	if(i > 0 && i < n && p[i - 1] == '\n' && is_marker(p + i)) {
		*lines += count;
		return i;
	}
#endif
	for(; i < n; i++) {
		if(p[i] != '\n')
			continue;
		count++;
		if(i + 1 < n && is_marker(p + i + 1)) {
			*lines += count;
			return i + 1;
		}
	}
	*lines += count;
	return n;
}

#if defined(__GNUC__) && defined(__x86_64__)
/* After the vector blocks of lineskip_avx2/avx512: count (the '\n's of
 * p[0..i)) is added, and the rest from the block boundary i, which may be
 * mid-line, goes to the SSE2 loop from its next line start. */
static size_t finish(const unsigned char *p, size_t n, size_t i, uint64_t count, uint64_t *lines)
{
	if(i == 0)
		return lineskip(p, n, lines);
	*lines += count;
	if(i == n)
		return n;
	if(p[i - 1] == '\n')
		return i + lineskip(p + i, n - i, lines);
	/* Mid-line: finish it by hand, then the rest is whole lines. */
	while(p[i] != '\n')
		i++;
	(*lines)++;
	i++;
	return i == n ? n : i + lineskip(p + i, n - i, lines);
}

/* The same with AVX2, 32 bytes per step and the native popcount: for the
 * CPUs without AVX-512, where the SSE2 loop cost as much as probing. */
__attribute__((target("avx2,popcnt,bmi"))) size_t
lineskip_avx2(const unsigned char *p, size_t n, uint64_t *lines)
{
	if(n == 0 || is_marker(p))
		return 0;
	const __m256i nl = _mm256_set1_epi8('\n'), s = _mm256_set1_epi8('s');
	uint64_t count = 0;
	uint32_t carry = 0;
	size_t i = 0;
	for(; i + 32 <= n; i += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
		uint32_t m = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl));
		uint32_t starts = ((m << 1) | carry) & (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, s));
		for(; starts; starts &= starts - 1) {
			unsigned k = (unsigned)__builtin_ctz(starts);
			if(is_marker(p + i + k)) {
				*lines += count + (uint64_t)__builtin_popcount(m & ((UINT32_C(1) << k) - 1));
				return i + k;
			}
		}
		count += (uint64_t)__builtin_popcount(m);
		carry = m >> 31;
	}
	return finish(p, n, i, count, lines);
}

/* The same with AVX-512BW, 64 bytes per step and the native popcount. */
__attribute__((target("avx512f,avx512bw,popcnt,bmi"))) size_t
lineskip_avx512(const unsigned char *p, size_t n, uint64_t *lines)
{
	if(n == 0 || is_marker(p))
		return 0;
	const __m512i nl = _mm512_set1_epi8('\n'), s = _mm512_set1_epi8('s');
	uint64_t count = 0, carry = 0;
	size_t i = 0;
	for(; i + 64 <= n; i += 64) {
		__m512i v = _mm512_loadu_si512(p + i);
		uint64_t m = _mm512_cmpeq_epi8_mask(v, nl);
		uint64_t starts = ((m << 1) | carry) & _mm512_cmpeq_epi8_mask(v, s);
		for(; starts; starts &= starts - 1) {
			unsigned k = (unsigned)__builtin_ctzll(starts);
			if(is_marker(p + i + k)) {
				*lines += count + (uint64_t)__builtin_popcountll(m & ((UINT64_C(1) << k) - 1));
				return i + k;
			}
		}
		count += (uint64_t)__builtin_popcountll(m);
		carry = m >> 63;
	}
	return finish(p, n, i, count, lines);
}
#endif
