/* fs_stats.c — where failsig's scan time goes, for docs/performance.md
 * (bench/; not part of failsig).
 *
 *   failsigc build --emit=c RULES -o X.c
 *   cc -Iruntime X.c bench/fs_stats.c build/libfailsig.a -ljansson -o fs_stats
 *   fs_stats LOG [TOP]
 *
 * Runs the runtime's scanner (scanner_run, no rule evaluation) over LOG and
 * prints its time, lines and candidate lines; then replays the prefilter of
 * the compiled rule set over the raw lines (as scan.c does for plain lines)
 * and prints how often each gram sends the scanner to a matcher: lines per
 * atom, matcher calls per line, and the TOP (default 10) atoms by candidate
 * lines with the gram that selects them. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reader.h"
#include "ruleset.h"
#include "scan.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t hit_lines;

static void on_line(void *ctx, const struct scan_line *ln, const uint32_t *atoms, size_t n)
{
	(void)ctx;
	(void)ln;
	(void)atoms;
	if(ln && n)
		hit_lines++;
}

int main(int argc, char **argv)
{
	if(argc < 2) {
		fprintf(stderr, "usage: fs_stats LOG [TOP]\n");
		return 2;
	}
	int top = argc > 2 ? atoi(argv[2]) : 10;
	const struct fsig_ruleset *rs = &failsig_ruleset;
	const struct fsig_prefilter *pf = &rs->prefilter;

	int fd = open(argv[1], O_RDONLY);
	if(fd < 0) {
		perror(argv[1]);
		return 2;
	}
	struct reader *r = reader_new_fd(fd, 0, 0);
	struct scanner *s = scanner_new(rs);
	struct scan_stats st;
	int all = 0;
	double t0 = now();
	scanner_run(s, r, on_line, NULL, &all, &st);
	double t1 = now();
	scanner_free(s);
	reader_free(r);
	printf("scanner_run: %.3f s, %.0f MB/s; %llu lines, %llu candidate lines (%.2f%%), %llu lines with hits\n",
	       t1 - t0, (double)st.bytes / 1e6 / (t1 - t0), (unsigned long long)st.lines,
	       (unsigned long long)st.candidate_lines,
	       st.lines ? 100.0 * (double)st.candidate_lines / (double)st.lines : 0.0,
	       (unsigned long long)hit_lines);
	printf("rule set: %u atoms, %u grams in %u buckets, bit table 2^%u bits, %u atoms without a gram\n",
	       rs->natoms, pf->bucket_start[1u << pf->buckets_log2], 1u << pf->buckets_log2,
	       pf->bits_log2, pf->nalways);

	/* Replay the prefilter on raw lines, counting per atom. */
	lseek(fd, 0, SEEK_SET);
	r = reader_new_fd(fd, 0, 0);
	uint64_t *lines_of = calloc(rs->natoms + 1, sizeof *lines_of);
	uint32_t *stamp = calloc(rs->natoms + 1, sizeof *stamp);
	uint32_t *gram_of = calloc(rs->natoms + 1, sizeof *gram_of);
	uint64_t bit_hits = 0, bucket_hits = 0, calls = 0, lines = 0;
	uint32_t gen = 0;
	struct reader_chunk c;
	const unsigned bshift = 32 - pf->bits_log2;
	while(reader_next(r, &c) == 1) {
		for(const unsigned char *p = c.begin; p < c.end;) {
			const unsigned char *nl = memchr(p, '\n', (size_t)(c.end - p));
			size_t len = (size_t)(nl - p);
			gen++;
			lines++;
			for(size_t i = 0; i + 4 <= len; i++) {
				uint32_t g;
				memcpy(&g, p + i, 4);
				uint32_t h = fsig_gram_hash(g), b = h >> bshift;
				if(!(pf->bits[b >> 6] & ((uint64_t)1 << (b & 63))))
					continue;
				bit_hits++;
				uint32_t k = fsig_gram_bucket(h, pf->buckets_log2);
				for(uint32_t j = pf->bucket_start[k]; j < pf->bucket_start[k + 1]; j++) {
					if(pf->grams[j].gram != g)
						continue;
					bucket_hits++;
					uint32_t a = pf->grams[j].atom;
					gram_of[a] = g;
					if(stamp[a] != gen) {
						stamp[a] = gen;
						lines_of[a]++;
						calls++;
					}
				}
			}
			calls += pf->nalways;
			p = nl + 1;
		}
	}
	reader_free(r);
	close(fd);
	printf("prefilter replay (raw lines): %llu set bits hit (%.3f per line), %llu exact grams, %llu matcher calls (%.3f per line; %u of them per line for gram-less atoms)\n",
	       (unsigned long long)bit_hits, (double)bit_hits / (double)lines,
	       (unsigned long long)bucket_hits, (unsigned long long)calls,
	       (double)calls / (double)lines, pf->nalways);
	printf("atoms by candidate lines:\n");
	for(int t = 0; t < top; t++) {
		uint32_t best = rs->natoms;
		for(uint32_t a = 0; a < rs->natoms; a++)
			if(lines_of[a] && (best == rs->natoms || lines_of[a] > lines_of[best]))
				best = a;
		if(best == rs->natoms)
			break;
		unsigned char g[5];
		memcpy(g, &gram_of[best], 4);
		g[4] = 0;
		printf("  %9llu lines (%5.2f%%)  gram \"%s\"  %s\n", (unsigned long long)lines_of[best],
		       100.0 * (double)lines_of[best] / (double)lines, g, rs->atoms[best].source);
		lines_of[best] = 0;
	}
	return 0;
}
