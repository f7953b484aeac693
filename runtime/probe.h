/* probe.h — the prefilter's probe loop, instantiated by the generated code.
 *
 * The loop is most of a scan's time, and its constants belong to the rule
 * set: the stride, which tables there are, their sizes. The generated code
 * (compiler/gen.c) instantiates fsig_probe_loop once with those constants
 * as literals and with its own static tables, so that the C compiler folds
 * the shifts, drops the unused table and unrolls the loop; a loop reading
 * them from struct fsig_prefilter at run time spilled them to the stack.
 * A set bit hands over to scan_probe_bucket4/8 (runtime/scan.c), which
 * confirm the exact gram and try its atoms. */
#ifndef FSIG_PROBE_H
#define FSIG_PROBE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ruleset.h"

/* The bit of gram g at p[i] is set in the 4-byte table t4 (the 8-byte
 * table t8): try the atoms of the gram's bucket on the line p[0..len).
 * The hash is computed again there, off the loop's critical path. */
void scan_probe_bucket4(struct scanner *s, const unsigned char *p, size_t len, size_t i,
                        uint32_t g, unsigned kinds);
void scan_probe_bucket8(struct scanner *s, const unsigned char *p, size_t len, size_t i,
                        uint64_t g, unsigned kinds);

/* The bit of the 4-byte gram g at p[i] (the folded 8-byte gram f) is set:
 * whether a find loop stops there, because the gram is entered and the
 * literal or factor of one of its atoms is in place in p[0..n) (or the atom
 * has nothing to confirm). p starts a line and nothing before it is read.
 * A gram that only collides, or a common gram such as "ould" of a factor
 * "Could test" that is not there, is passed over: the loop goes on, and
 * covers the rest of the line at its own alignment (see fsig_find_loop),
 * instead of handing the line to the scanner. */
int scan_find_confirm4(const struct fsig_ruleset *rs, const unsigned char *p, size_t n, size_t i,
                       uint32_t g);
int scan_find_confirm8(const struct fsig_ruleset *rs, const unsigned char *p, size_t n, size_t i,
                       uint64_t f);

/* Whether both bits of the gram with hash h are set (fsig_gram_mask). */
static inline __attribute__((always_inline)) int fsig_bits_set(const uint64_t *bits, uint32_t h,
                                                               unsigned bits_log2)
{
	uint64_t m = fsig_gram_mask(h, bits_log2);
	return (bits[fsig_gram_bit(h, bits_log2) >> 6] & m) == m;
}

/* Probe the gram(s) at p[i]: the 4-byte table (bits4 bits in b4; bits4 == 0:
 * no such table) and the 8-byte table likewise. */
static inline __attribute__((always_inline)) void
fsig_probe_at(struct scanner *s, const unsigned char *p, size_t len, size_t i, unsigned kinds,
              const uint64_t *b4, unsigned bits4, const uint64_t *b8, unsigned bits8)
{
	if(!bits8) {
		uint32_t g;
		memcpy(&g, p + i, sizeof g);
		if(fsig_bits_set(b4, fsig_gram_hash(g), bits4))
			scan_probe_bucket4(s, p, len, i, g, kinds);
		return;
	}
	uint64_t g8;
	memcpy(&g8, p + i, sizeof g8);
	if(bits4 && fsig_bits_set(b4, fsig_gram_hash((uint32_t)g8), bits4))
		scan_probe_bucket4(s, p, len, i, (uint32_t)g8, kinds);
	uint64_t f = g8 | FSIG_FOLD8;
	if(fsig_bits_set(b8, fsig_gram8_hash(f), bits8))
		scan_probe_bucket8(s, p, len, i, f, kinds);
}

/* Probe every step-th position of p[0..len), two positions per turn. An
 * 8-byte load near the end of the line reads into the next line or the
 * padding after the chunk (FSIG_PAD); such a gram holds a '\n', which no
 * entered gram does, so it can only cost a bucket visit. */
static inline __attribute__((always_inline)) void
fsig_probe_loop(struct scanner *s, const unsigned char *p, size_t len, unsigned kinds,
                size_t step, const uint64_t *b4, unsigned bits4, const uint64_t *b8,
                unsigned bits8)
{
	const size_t last = bits4 ? 4 : 8;
	if(len < last)
		return;
	size_t end = len - last + 1;  /* probe positions are < end */
	size_t i = 0;
	for(; i + step < end; i += 2 * step) {
		fsig_probe_at(s, p, len, i, kinds, b4, bits4, b8, bits8);
		fsig_probe_at(s, p, len, i + step, kinds, b4, bits4, b8, bits8);
	}
	if(i < end)
		fsig_probe_at(s, p, len, i, kinds, b4, bits4, b8, bits8);
}

/* Which tables have the bits of the gram(s) at p[i] set: 1 the 4-byte
 * table, 2 the 8-byte table. */
static inline __attribute__((always_inline)) unsigned
fsig_probe_bits(const unsigned char *p, size_t i, const uint64_t *b4, unsigned bits4,
                const uint64_t *b8, unsigned bits8)
{
	if(!bits8) {
		uint32_t g;
		memcpy(&g, p + i, sizeof g);
		return (unsigned)fsig_bits_set(b4, fsig_gram_hash(g), bits4);
	}
	uint64_t g8;
	memcpy(&g8, p + i, sizeof g8);
	unsigned hit = fsig_bits_set(b8, fsig_gram8_hash(g8 | FSIG_FOLD8), bits8) ? 2 : 0;
	if(bits4 && fsig_bits_set(b4, fsig_gram_hash((uint32_t)g8), bits4))
		hit |= 1;
	return hit;
}

/* Whether the find loop stops at p[i], whose probe found the bits `hit`
 * (fsig_probe_bits) set: the 4-byte gram first, as the probe loop. */
static inline __attribute__((always_inline)) int
fsig_find_stops(const struct fsig_ruleset *rs, const unsigned char *p, size_t n, size_t i,
                unsigned hit)
{
	if(hit & 1) {
		uint32_t g;
		memcpy(&g, p + i, sizeof g);
		if(scan_find_confirm4(rs, p, n, i, g))
			return 1;
	}
	if(hit & 2) {
		uint64_t g;
		memcpy(&g, p + i, sizeof g);
		if(scan_find_confirm8(rs, p, n, i, g | FSIG_FOLD8))
			return 1;
	}
	return 0;
}

/* The first of the positions 0, step, 2 step, ... of p[0..n) whose grams
 * have a set bit and are confirmed (scan_find_confirm4/8), or n: the
 * scanner skips the lines before it unread, as nothing can match there.
 * p[0..n) is many lines (the rest of a chunk, padded): a window inside one
 * of them still covers step consecutive positions, one of which is probed,
 * whatever the line's offset in p; grams across a '\n' only cost a
 * confirmation. */
static inline __attribute__((always_inline)) size_t
fsig_find_loop(const unsigned char *p, size_t n, const struct fsig_ruleset *rs, size_t step,
               const uint64_t *b4, unsigned bits4, const uint64_t *b8, unsigned bits8)
{
	const size_t last = bits4 ? 4 : 8;
	if(n < last)
		return n;
	size_t end = n - last + 1;
	size_t i = 0;
	for(; i + step < end; i += 2 * step) {
		unsigned a = fsig_probe_bits(p, i, b4, bits4, b8, bits8);
		unsigned b = fsig_probe_bits(p, i + step, b4, bits4, b8, bits8);
		if(a | b) {
			if(a && fsig_find_stops(rs, p, n, i, a))
				return i;
			if(b && fsig_find_stops(rs, p, n, i + step, b))
				return i + step;
		}
	}
	if(i < end) {
		unsigned a = fsig_probe_bits(p, i, b4, bits4, b8, bits8);
		if(a && fsig_find_stops(rs, p, n, i, a))
			return i;
	}
	return n;
}

/* The same probes, eight positions at a time, with AVX-512 (F, BW, DQ, VL
 * and VBMI: Ice Lake, Zen 4 and later). One 64-byte load holds the grams of
 * eight positions step bytes apart (step <= 8: 7 * 8 + 8 bytes); vpermb
 * lines them up as eight 4-byte and eight 8-byte lanes (idx4, idx8 from the
 * generated code: byte b of lane k is k * step + b); the lanes are hashed
 * with vector multiplies, their bit-table words fetched with a gather, and
 * only lanes whose bit is set go to the buckets, as in the scalar loop. The
 * load reads up to 63 bytes past a position, and a position is at most len
 * - 4: within the '\n' and FSIG_PAD bytes every line is followed by. */
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define FSIG_HAVE_AVX512 1
#define FSIG_AVX512 __attribute__((target("avx2,avx512f,avx512bw,avx512dq,avx512vl,avx512vbmi")))

/* The probes of eight positions step bytes apart starting at p, as bit
 * masks of the lanes whose bit is set in each table. */
static inline __attribute__((always_inline)) FSIG_AVX512 void
fsig_probe8_avx512(const unsigned char *p, __mmask8 valid, const uint64_t *b4, unsigned bits4,
                   const uint64_t *b8, unsigned bits8, __m512i perm4, __m512i perm8,
                   __mmask8 *hit4, __mmask8 *hit8)
{
	const __m512i one = _mm512_set1_epi64(1), low6 = _mm512_set1_epi64(63);
	__m512i text = _mm512_loadu_si512(p);
	*hit4 = *hit8 = 0;
	if(bits4) {
		const __m256i k4 = _mm256_set1_epi32((int)0x9E3779B1u);
		__m256i g = _mm512_castsi512_si256(_mm512_permutexvar_epi8(perm4, text));
		__m512i h = _mm512_cvtepu32_epi64(_mm256_mullo_epi32(g, k4));
		__m512i bit = _mm512_srli_epi64(h, 32 - bits4);
		__m512i mask = _mm512_or_si512(
		    _mm512_sllv_epi64(one, _mm512_and_si512(bit, low6)),
		    _mm512_sllv_epi64(one, _mm512_and_si512(_mm512_srli_epi64(h, 26 - bits4), low6)));
		__m512i word = _mm512_mask_i64gather_epi64(_mm512_setzero_si512(), valid,
		                                           _mm512_srli_epi64(bit, 6), b4, 8);
		__m512i missing = _mm512_andnot_si512(word, mask);
		*hit4 = _mm512_mask_testn_epi64_mask(valid, missing, missing);
	}
	if(bits8) {
		/* The top 32 bits of the product are fsig_gram8_hash. */
		const __m512i k8 = _mm512_set1_epi64((long long)UINT64_C(0x9E3779B97F4A7C15));
		const __m512i fold = _mm512_set1_epi64((long long)FSIG_FOLD8);
		__m512i f = _mm512_or_si512(_mm512_permutexvar_epi8(perm8, text), fold);
		__m512i prod = _mm512_mullo_epi64(f, k8);
		__m512i bit = _mm512_srli_epi64(prod, 64 - bits8);
		__m512i mask = _mm512_or_si512(
		    _mm512_sllv_epi64(one, _mm512_and_si512(bit, low6)),
		    _mm512_sllv_epi64(one, _mm512_and_si512(_mm512_srli_epi64(prod, 58 - bits8), low6)));
		__m512i word = _mm512_mask_i64gather_epi64(_mm512_setzero_si512(), valid,
		                                           _mm512_srli_epi64(bit, 6), b8, 8);
		__m512i missing = _mm512_andnot_si512(word, mask);
		*hit8 = _mm512_mask_testn_epi64_mask(valid, missing, missing);
	}
}

/* The lanes of the eight positions from i that are inside end. */
static inline __attribute__((always_inline)) __mmask8
fsig_valid8(size_t i, size_t end, size_t step)
{
	size_t left = (end - i + step - 1) / step;
	return left >= 8 ? 0xff : (__mmask8)((1u << left) - 1);
}

static inline __attribute__((always_inline)) FSIG_AVX512 void
fsig_probe_loop_avx512(struct scanner *s, const unsigned char *p, size_t len, unsigned kinds,
                       size_t step, const uint64_t *b4, unsigned bits4, const uint64_t *b8,
                       unsigned bits8, const unsigned char *idx4, const unsigned char *idx8)
{
	const size_t last = bits4 ? 4 : 8;
	if(len < last)
		return;
	const size_t end = len - last + 1;  /* probe positions are < end */
	const __m512i perm4 = _mm512_loadu_si512(idx4), perm8 = _mm512_loadu_si512(idx8);
	for(size_t i = 0; i < end; i += 8 * step) {
		__mmask8 hit4, hit8;
		fsig_probe8_avx512(p + i, fsig_valid8(i, end, step), b4, bits4, b8, bits8, perm4,
		                   perm8, &hit4, &hit8);
		/* Lanes in order of position, the 4-byte table first, as the
		 * scalar loop visits them. */
		for(unsigned m = (unsigned)hit4 | (unsigned)hit8; m; m &= m - 1) {
			unsigned k = (unsigned)__builtin_ctz(m);
			size_t at = i + k * step;
			if(hit4 >> k & 1) {
				uint32_t g;
				memcpy(&g, p + at, sizeof g);
				scan_probe_bucket4(s, p, len, at, g, kinds);
			}
			if(hit8 >> k & 1) {
				uint64_t g;
				memcpy(&g, p + at, sizeof g);
				scan_probe_bucket8(s, p, len, at, g | FSIG_FOLD8, kinds);
			}
		}
	}
}

/* Whether a line starting at p is a section marker, which the display pass
 * must see however plain it looks (as lineskip.h). */
static inline __attribute__((always_inline)) int fsig_is_marker(const unsigned char *p)
{
	return memcmp(p, "section_", 8) == 0;
}

/* fsig_find_loop with AVX-512, as fsig_probe_loop_avx512 probes, which
 * also does lineskip's work on the bytes it passes (one compare and a
 * popcount on the block it has loaded anyway, instead of a second pass
 * over them): p[0..n) is whole lines, p[0] starts one. Returns the first
 * of: a probed position with a set bit and a confirmed gram, a line
 * starting with "section_", an ESC or '\r' (lines the display pass must
 * rewrite), or n; adds to *lines the '\n's of p before the returned
 * offset. */
static inline __attribute__((always_inline)) FSIG_AVX512 size_t
fsig_find_loop_avx512(const unsigned char *p, size_t n, const struct fsig_ruleset *rs,
                      size_t step, const uint64_t *b4, unsigned bits4, const uint64_t *b8,
                      unsigned bits8, const unsigned char *idx4, const unsigned char *idx8,
                      uint64_t *lines)
{
	const size_t last = bits4 ? 4 : 8;
	const size_t width = 8 * step;  /* bytes per turn, at most 64 */
	uint64_t count = 0, carry = 1;  /* carry: the turn's byte 0 starts a line */
	size_t i = 0;
	if(n >= last) {
		const size_t end = n - last + 1;
		const __m512i perm4 = _mm512_loadu_si512(idx4), perm8 = _mm512_loadu_si512(idx8);
		const __m512i nl = _mm512_set1_epi8('\n'), s = _mm512_set1_epi8('s');
		const __m512i esc = _mm512_set1_epi8(0x1b), cr = _mm512_set1_epi8('\r');
		for(; i < end; i += width) {
			__mmask8 hit4, hit8;
			fsig_probe8_avx512(p + i, fsig_valid8(i, end, step), b4, bits4, b8, bits8, perm4,
			                   perm8, &hit4, &hit8);
			size_t room = n - i < width ? n - i : width;
			uint64_t keep = room >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << room) - 1;
			__m512i text = _mm512_loadu_si512(p + i);
			uint64_t m = _mm512_cmpeq_epi8_mask(text, nl) & keep;
			uint64_t starts = ((m << 1) | carry) & _mm512_cmpeq_epi8_mask(text, s) & keep;
			uint64_t special = (_mm512_cmpeq_epi8_mask(text, esc) |
			                    _mm512_cmpeq_epi8_mask(text, cr)) & keep;
			size_t at = special ? (size_t)__builtin_ctzll(special) : width;
			/* The first lane before it, in order of position, whose gram is
			 * confirmed. */
			for(unsigned hit = (unsigned)hit4 | (unsigned)hit8; hit; hit &= hit - 1) {
				unsigned k = (unsigned)__builtin_ctz(hit);
				if(k * step >= at)
					break;
				if(fsig_find_stops(rs, p, n, i + k * step,
				                   (hit4 >> k & 1) | (unsigned)(hit8 >> k & 1) << 1)) {
					at = k * step;
					break;
				}
			}
			for(; starts; starts &= starts - 1) {
				size_t k = (size_t)__builtin_ctzll(starts);
				if(k >= at)
					break;
				if(fsig_is_marker(p + i + k)) {
					at = k;
					break;
				}
			}
			if(at < width) {
				*lines += count + (uint64_t)__builtin_popcountll(m & ((UINT64_C(1) << at) - 1));
				return i + at;
			}
			count += (uint64_t)__builtin_popcountll(m);
			carry = m >> (width - 1) & 1;
		}
	}
	/* The last few bytes (no gram fits there), or a p too short to probe;
	 * the last turn may have counted up to n already. */
	if(i > n)
		i = n;
	for(; i < n; i++) {
		if(((i == 0 || p[i - 1] == '\n') && fsig_is_marker(p + i)) || p[i] == 0x1b ||
		   p[i] == '\r')
			break;
		count += p[i] == '\n';
	}
	*lines += count;
	return i;
}
#endif

#endif
