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

static inline __attribute__((always_inline)) int fsig_bit_set(const uint64_t *bits, uint32_t b)
{
	return (bits[b >> 6] >> (b & 63)) & 1;
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
		if(fsig_bit_set(b4, fsig_gram_hash(g) >> (32 - bits4)))
			scan_probe_bucket4(s, p, len, i, g, kinds);
		return;
	}
	uint64_t g8;
	memcpy(&g8, p + i, sizeof g8);
	if(bits4 && fsig_bit_set(b4, fsig_gram_hash((uint32_t)g8) >> (32 - bits4)))
		scan_probe_bucket4(s, p, len, i, (uint32_t)g8, kinds);
	uint64_t f = g8 | FSIG_FOLD8;
	if(fsig_bit_set(b8, fsig_gram8_hash(f) >> (32 - bits8)))
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

#endif
