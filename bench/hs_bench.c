/* hs_bench.c — Hyperscan in streaming mode over a log (bench/).
 *
 *   hs_bench PATTERNS.tsv LOG PAIRS [DB]
 *
 * Compiles the patterns of PATTERNS.tsv (rules2pat: "RULE<TAB>FLAGS<TAB>RE")
 * with HS_FLAG_MULTILINE (| HS_FLAG_CASELESS for FLAGS "i") into one
 * streaming database, reads LOG with read() in 256 KiB blocks into
 * hs_scan_stream, and reports each match as the pair (line, pattern index):
 * the line is found by counting newlines up to the match's end (no pattern
 * spans a '\n', so the line of `to` is the line of the match). Writes the
 * distinct pairs "LINE<TAB>INDEX" to PAIRS, sorted.
 *
 * No HS_FLAG_SOM_LEFTMOST: the pairs need only the end of a match, and
 * start-of-match tracking made Hyperscan 7 % slower on the 1000 synthetic
 * rules and 12 % on the 200 (2026-12-08, same pairs): the yardstick is the
 * fastest Hyperscan that gives the answer.
 *
 * With DB, the compiled database is kept in that file: written (after
 * hs_serialize_database) when it does not exist, read back otherwise, as a
 * tool shipping a prebuilt database would; bench/run.sh times the runs that
 * read it, since compiling 1000 patterns in streaming mode takes seconds in
 * every process.
 *
 * Prints "SCAN_SECONDS COMPILE_SECONDS" on stdout: the scan is open to
 * close of the log, newline counting included; the compile is
 * hs_compile_multi (or reading and deserialising DB) plus scratch
 * allocation. */
#include <hs/hs.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { BLOCK = 1 << 18 };

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if(!p) {
		perror("hs_bench");
		exit(2);
	}
	return p;
}

/* ---- patterns ---------------------------------------------------------- */

struct patterns {
	char **re;
	unsigned *flags;
	unsigned *ids;
	size_t n, cap;
};

static void load(const char *path, struct patterns *p)
{
	FILE *f = fopen(path, "r");
	if(!f) {
		perror(path);
		exit(2);
	}
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	while((len = getline(&line, &lcap, f)) > 0) {
		if(line[len - 1] == '\n')
			line[--len] = '\0';
		char *t1 = strchr(line, '\t');
		char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if(!t2) {
			fprintf(stderr, "hs_bench: %s: bad line %zu\n", path, p->n + 1);
			exit(2);
		}
		if(p->n == p->cap) {
			p->cap = p->cap ? 2 * p->cap : 256;
			p->re = xrealloc(p->re, p->cap * sizeof *p->re);
			p->flags = xrealloc(p->flags, p->cap * sizeof *p->flags);
			p->ids = xrealloc(p->ids, p->cap * sizeof *p->ids);
		}
		p->re[p->n] = strdup(t2 + 1);
		p->flags[p->n] = HS_FLAG_MULTILINE |
		                 (strchr(t1 + 1, 'i') && strchr(t1 + 1, 'i') < t2 ? HS_FLAG_CASELESS : 0);
		p->ids[p->n] = (unsigned)p->n;
		p->n++;
	}
	free(line);
	fclose(f);
}

/* ---- matches -------------------------------------------------------------- */

struct pair {
	uint64_t line;
	unsigned id;
};

struct state {
	const unsigned char *block;  /* the block being scanned */
	uint64_t block_off;          /* its offset in the log */
	size_t block_len;
	uint64_t counted;            /* newlines before this offset are counted... */
	uint64_t lines;              /* ...and this is how many */
	struct pair *pairs;
	size_t n, cap;
	uint64_t lost;               /* matches ending before the block: not expected */
};

static uint64_t count_nl(const unsigned char *p, size_t n)
{
	uint64_t c = 0;
	for(size_t i = 0; i < n; i++)
		c += p[i] == '\n';
	return c;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *ctx)
{
	struct state *s = ctx;
	(void)from;
	(void)flags;
	uint64_t line;
	if(to >= s->counted) {
		s->lines += count_nl(s->block + (s->counted - s->block_off), (size_t)(to - s->counted));
		s->counted = to;
		line = s->lines + 1;
	} else if(to >= s->block_off) {
		line = s->lines + 1 - count_nl(s->block + (to - s->block_off), (size_t)(s->counted - to));
	} else {
		s->lost++;
		return 0;
	}
	if(s->n && s->pairs[s->n - 1].line == line && s->pairs[s->n - 1].id == id)
		return 0;
	if(s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->pairs = xrealloc(s->pairs, s->cap * sizeof *s->pairs);
	}
	s->pairs[s->n].line = line;
	s->pairs[s->n].id = id;
	s->n++;
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if(x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int main(int argc, char **argv)
{
	if(argc != 4 && argc != 5) {
		fprintf(stderr, "usage: hs_bench PATTERNS.tsv LOG PAIRS [DB]\n");
		return 2;
	}
	struct patterns p = {0};
	load(argv[1], &p);

	double t0 = now();
	hs_database_t *db = NULL;
	FILE *dbf = argc == 5 ? fopen(argv[4], "rb") : NULL;
	if(dbf) {
		fseek(dbf, 0, SEEK_END);
		long n = ftell(dbf);
		rewind(dbf);
		char *bytes = malloc(n > 0 ? (size_t)n : 1);
		if(!bytes || n <= 0 || fread(bytes, 1, (size_t)n, dbf) != (size_t)n ||
		   hs_deserialize_database(bytes, (size_t)n, &db) != HS_SUCCESS) {
			fprintf(stderr, "hs_bench: %s: cannot load the database\n", argv[4]);
			return 2;
		}
		free(bytes);
		fclose(dbf);
	} else {
		hs_compile_error_t *cerr;
		if(hs_compile_multi((const char *const *)p.re, p.flags, p.ids, (unsigned)p.n,
		                    HS_MODE_STREAM, NULL, &db, &cerr) != HS_SUCCESS) {
			fprintf(stderr, "hs_bench: pattern %d (%s): %s\n", cerr->expression,
			        cerr->expression >= 0 ? p.re[cerr->expression] : "", cerr->message);
			return 2;
		}
		if(argc == 5) {
			char *bytes;
			size_t n;
			FILE *w = fopen(argv[4], "wb");
			if(hs_serialize_database(db, &bytes, &n) != HS_SUCCESS || !w ||
			   fwrite(bytes, 1, n, w) != n || fclose(w) != 0) {
				fprintf(stderr, "hs_bench: %s: cannot write the database\n", argv[4]);
				return 2;
			}
			free(bytes);
		}
	}
	hs_scratch_t *scratch = NULL;
	if(hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
		fprintf(stderr, "hs_bench: hs_alloc_scratch failed\n");
		return 2;
	}
	double t1 = now();

	int fd = open(argv[2], O_RDONLY);
	if(fd < 0) {
		perror(argv[2]);
		return 2;
	}
	unsigned char *buf = malloc(BLOCK);
	hs_stream_t *stream;
	if(!buf || hs_open_stream(db, 0, &stream) != HS_SUCCESS) {
		fprintf(stderr, "hs_bench: cannot open a stream\n");
		return 2;
	}
	struct state s = {0};
	for(;;) {
		ssize_t r = read(fd, buf, BLOCK);
		if(r < 0) {
			perror("read");
			return 2;
		}
		if(r == 0)
			break;
		s.block = buf;
		s.block_len = (size_t)r;
		if(hs_scan_stream(stream, (const char *)buf, (unsigned)r, 0, scratch, on_match, &s) !=
		   HS_SUCCESS) {
			fprintf(stderr, "hs_bench: hs_scan_stream failed\n");
			return 2;
		}
		/* Count the rest of the block before it is overwritten. */
		s.lines += count_nl(buf + (s.counted - s.block_off), (size_t)(s.block_off + s.block_len - s.counted));
		s.block_off += s.block_len;
		s.counted = s.block_off;
	}
	/* End-of-data matches ($ at the end of a last line without '\n'). */
	s.block_len = 0;
	hs_close_stream(stream, scratch, on_match, &s);
	close(fd);
	double t2 = now();

	qsort(s.pairs, s.n, sizeof *s.pairs, cmp_pair);
	FILE *out = fopen(argv[3], "w");
	if(!out) {
		perror(argv[3]);
		return 2;
	}
	for(size_t i = 0; i < s.n; i++) {
		if(i && s.pairs[i].line == s.pairs[i - 1].line && s.pairs[i].id == s.pairs[i - 1].id)
			continue;
		fprintf(out, "%llu\t%u\n", (unsigned long long)s.pairs[i].line, s.pairs[i].id);
	}
	if(fclose(out)) {
		perror(argv[3]);
		return 2;
	}
	if(s.lost)
		fprintf(stderr, "hs_bench: %llu matches ended before their block (not counted)\n",
		        (unsigned long long)s.lost);
	printf("%.6f %.6f\n", t2 - t1, t1 - t0);
	hs_free_scratch(scratch);
	hs_free_database(db);
	return 0;
}
