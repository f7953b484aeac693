/* fs_stats.c — where failsig's scan time goes, for docs/performance.md
 * (bench/; not part of failsig).
 *
 *   failsigc build --emit=c RULES -o X.c
 *   cc -O2 -Iruntime X.c bench/fs_stats.c build/libfailsig.a -ljansson -lpthread -o fs_stats
 *   fs_stats LOG [TOP]
 *
 * Runs the runtime's scanner (scanner_run, no rule evaluation) over LOG and
 * prints its time, lines and candidate lines; then replays the prefilter of
 * the compiled rule set over the raw lines (as scan.c does for plain lines)
 * and prints how often each gram sends the scanner to a matcher: lines per
 * atom, matcher calls per line, and the TOP (default 10) atoms by candidate
 * lines with the gram that selects them. */
#include <fcntl.h>
#include <stdbool.h>
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

/* The replay's counts: per atom, the lines a gram sent the scanner to it
 * and the last such gram. */
struct replay {
	const struct fsig_ruleset *rs;
	uint64_t *lines_of;
	uint32_t *stamp;
	uint64_t *gram_of;
	unsigned char *gram_len;
	uint32_t gen;
	uint64_t bit_hits, bucket_hits, calls;
};

static void replay(struct replay *rp, const struct fsig_gramtab *t, unsigned char n, uint64_t g,
                   uint32_t h)
{
	uint64_t m = fsig_gram_mask(h, t->bits_log2);
	if((t->bits[fsig_gram_bit(h, t->bits_log2) >> 6] & m) != m)
		return;
	rp->bit_hits++;
	uint32_t k = fsig_gram_bucket(h, t->buckets_log2);
	for(uint32_t j = t->bucket_start[k]; j < t->bucket_start[k + 1]; j++) {
		if(t->grams[j].gram != g)
			continue;
		rp->bucket_hits++;
		uint32_t a = t->grams[j].atom;
		rp->gram_of[a] = g;
		rp->gram_len[a] = n;
		if(rp->stamp[a] != rp->gen) {
			rp->stamp[a] = rp->gen;
			rp->lines_of[a]++;
			rp->calls++;
		}
	}
}

/* Whether the gram(s) at p (a stop of the find loop) are entered in a
 * table. The find loop confirms a gram before it stops (probe.h), so the
 * other stops are the lines it stops at for the display pass: ESC, '\r',
 * section_ (with AVX-512). */
static bool entered_at(const struct fsig_prefilter *pf, const unsigned char *p)
{
	uint64_t g8;
	memcpy(&g8, p, 8);
	const struct fsig_gramtab *t[2] = { &pf->g4, &pf->g8 };
	uint64_t g[2] = { (uint32_t)g8, g8 | FSIG_FOLD8 };
	uint32_t h[2] = { fsig_gram_hash((uint32_t)g8), fsig_gram8_hash(g8 | FSIG_FOLD8) };
	for(int k = 0; k < 2; k++) {
		if(!t[k]->bits_log2)
			continue;
		uint32_t b = fsig_gram_bucket(h[k], t[k]->buckets_log2);
		for(uint32_t j = t[k]->bucket_start[b]; j < t[k]->bucket_start[b + 1]; j++)
			if(t[k]->grams[j].gram == g[k])
				return true;
	}
	return false;
}

/* The find loop over every chunk of fd, as scan.c runs it between stops. */
static void find_replay(const struct fsig_prefilter *pf, int fd)
{
	const char *no = getenv("FAILSIG_NO_AVX512");
	bool avx512 = pf->find_avx512 && !(no && *no && strcmp(no, "0") != 0) &&
	              __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512bw");
	if(!pf->find || pf->nalways) {
		printf("find loop: none (no grams, or atoms tried on every line)\n");
		return;
	}
	for(int pass = 0; pass < 2; pass++) {  /* pass 0 times, pass 1 classifies */
		lseek(fd, 0, SEEK_SET);
		struct reader *r = reader_new_fd(fd, 0, 0);
		struct reader_chunk c;
		uint64_t stops = 0, real = 0, bytes = 0;
		double t0 = now();
		while(reader_next(r, &c) == 1) {
			bytes += (uint64_t)(c.end - c.begin);
			for(const unsigned char *p = c.begin; p < c.end;) {
				uint64_t lines = 0;  /* counted by the AVX-512 loop, not used here */
				const unsigned char *stop =
				    p + (avx512 ? pf->find_avx512(p, (size_t)(c.end - p), &lines)
				                : pf->find(p, (size_t)(c.end - p)));
				if(stop >= c.end)
					break;
				stops++;
				const unsigned char *nl = memchr(stop, '\n', (size_t)(c.end - stop));
				if(pass)
					real += entered_at(pf, stop);
				p = nl + 1;
			}
		}
		double t1 = now();
		reader_free(r);
		if(!pass)
			printf("find loop: %llu stops (one per %.0f bytes), %.3f s with reading, %.0f MB/s\n",
			       (unsigned long long)stops, stops ? (double)bytes / (double)stops : 0.0,
			       t1 - t0, (double)bytes / 1e6 / (t1 - t0));
		else
			printf("  %llu of them at an entered gram, %llu at a line for the display pass\n",
			       (unsigned long long)real, (unsigned long long)(stops - real));
	}
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
	printf("rule set: %u atoms, stride %u, %u atoms without a gram\n", rs->natoms, pf->step,
	       pf->nalways);
	for(int t = 0; t < 2; t++) {
		const struct fsig_gramtab *tab = t ? &pf->g8 : &pf->g4;
		if(tab->bits_log2)
			printf("  %d-byte grams: %u in %u buckets, bit table 2^%u bits\n", t ? 8 : 4,
			       tab->bucket_start[1u << tab->buckets_log2], 1u << tab->buckets_log2,
			       tab->bits_log2);
	}

	/* Replay the prefilter on raw lines, counting per atom. */
	lseek(fd, 0, SEEK_SET);
	r = reader_new_fd(fd, 0, 0);
	uint64_t *lines_of = calloc(rs->natoms + 1, sizeof *lines_of);
	uint32_t *stamp = calloc(rs->natoms + 1, sizeof *stamp);
	struct replay rp = { rs, lines_of, stamp, calloc(rs->natoms + 1, sizeof(uint64_t)),
	                     calloc(rs->natoms + 1, 1), 0, 0, 0, 0 };
	uint64_t lines = 0;
	struct reader_chunk c;
	while(reader_next(r, &c) == 1) {
		for(const unsigned char *p = c.begin; p < c.end;) {
			const unsigned char *nl = memchr(p, '\n', (size_t)(c.end - p));
			size_t len = (size_t)(nl - p);
			rp.gen++;
			lines++;
			for(size_t i = 0; i + 4 <= len; i++) {
				uint64_t g8;
				memcpy(&g8, p + i, 8);
				if(pf->g4.bits_log2)
					replay(&rp, &pf->g4, 4, (uint32_t)g8, fsig_gram_hash((uint32_t)g8));
				if(pf->g8.bits_log2 && i + 8 <= len)
					replay(&rp, &pf->g8, 8, g8 | FSIG_FOLD8,
					       fsig_gram8_hash(g8 | FSIG_FOLD8));
			}
			rp.calls += pf->nalways;
			p = nl + 1;
		}
	}
	uint64_t bit_hits = rp.bit_hits, bucket_hits = rp.bucket_hits, calls = rp.calls;
	uint64_t *gram_of = rp.gram_of;
	reader_free(r);
	find_replay(pf, fd);
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
		unsigned char g[9];
		memcpy(g, &gram_of[best], 8);
		g[rp.gram_len[best]] = 0;
		printf("  %9llu lines (%5.2f%%)  gram \"%s\"  %s\n", (unsigned long long)lines_of[best],
		       100.0 * (double)lines_of[best] / (double)lines, g, rs->atoms[best].source);
		lines_of[best] = 0;
	}
	return 0;
}
