/* pcre2_bench.c — the reference matcher (bench/): PCRE2-JIT, one rule at a
 * time over the whole log, as GHC's Haskell spuriobot loops over its checks.
 *
 *   pcre2_bench PATTERNS.tsv LOG PAIRS
 *
 * Reads LOG whole, compiles each pattern of PATTERNS.tsv (rules2pat:
 * "RULE<TAB>FLAGS<TAB>RE") with PCRE2_MULTILINE (| PCRE2_CASELESS for FLAGS
 * "i") and JIT, and finds every line where it matches: after a match the
 * search goes on at the start of the next line. Writes the pairs
 * "LINE<TAB>INDEX" (line of the match start) to PAIRS, sorted.
 *
 * Prints "SCAN_SECONDS COMPILE_SECONDS" on stdout; the scan excludes reading
 * the file and includes the line index (one memchr pass). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct pair {
	uint64_t line;
	unsigned id;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if(x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int main(int argc, char **argv)
{
	if(argc != 4) {
		fprintf(stderr, "usage: pcre2_bench PATTERNS.tsv LOG PAIRS\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if(!f) {
		perror(argv[1]);
		return 2;
	}
	char **re = NULL;
	uint32_t *opts = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	while((len = getline(&line, &lcap, f)) > 0) {
		if(line[len - 1] == '\n')
			line[--len] = '\0';
		char *t1 = strchr(line, '\t');
		char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if(!t2) {
			fprintf(stderr, "pcre2_bench: %s: bad line\n", argv[1]);
			return 2;
		}
		if(n == cap) {
			cap = cap ? 2 * cap : 256;
			re = realloc(re, cap * sizeof *re);
			opts = realloc(opts, cap * sizeof *opts);
			if(!re || !opts) {
				perror("realloc");
				return 2;
			}
		}
		re[n] = strdup(t2 + 1);
		opts[n] = PCRE2_MULTILINE | (memchr(t1 + 1, 'i', (size_t)(t2 - t1 - 1)) ? PCRE2_CASELESS : 0);
		n++;
	}
	free(line);
	fclose(f);

	int fd = open(argv[2], O_RDONLY);
	struct stat st;
	if(fd < 0 || fstat(fd, &st) < 0) {
		perror(argv[2]);
		return 2;
	}
	size_t size = (size_t)st.st_size;
	unsigned char *text = malloc(size + 1);
	size_t got = 0;
	while(text && got < size) {
		ssize_t r = read(fd, text + got, size - got);
		if(r <= 0) {
			perror("read");
			return 2;
		}
		got += (size_t)r;
	}
	close(fd);

	double compile = 0, t0 = now();
	/* Offsets of every '\n', to turn a match offset into a line number. */
	size_t nnl = 0, capnl = 1024;
	size_t *nl = malloc(capnl * sizeof *nl);
	for(const unsigned char *p = text, *e = text + size; p < e;) {
		const unsigned char *q = memchr(p, '\n', (size_t)(e - p));
		if(!q)
			break;
		if(nnl == capnl) {
			capnl *= 2;
			nl = realloc(nl, capnl * sizeof *nl);
		}
		nl[nnl++] = (size_t)(q - text);
		p = q + 1;
	}
	pcre2_match_context *mctx = pcre2_match_context_create(NULL);
	pcre2_jit_stack *jstack = pcre2_jit_stack_create(32 << 10, 8 << 20, NULL);
	pcre2_jit_stack_assign(mctx, NULL, jstack);
	struct pair *pairs = NULL;
	size_t np = 0, capp = 0;
	for(size_t k = 0; k < n; k++) {
		double c0 = now();
		int ec;
		PCRE2_SIZE eo;
		pcre2_code *code = pcre2_compile((PCRE2_SPTR)re[k], PCRE2_ZERO_TERMINATED, opts[k], &ec, &eo, NULL);
		if(!code) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(ec, msg, sizeof msg);
			fprintf(stderr, "pcre2_bench: pattern %zu (%s) at %zu: %s\n", k, re[k], (size_t)eo, msg);
			return 2;
		}
		int jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
		compile += now() - c0;
		size_t off = 0, li = 0;
		while(off <= size) {
			int rc = jit == 0 ? pcre2_jit_match(code, text, size, off, 0, md, mctx)
			                  : pcre2_match(code, text, size, off, 0, md, mctx);
			if(rc < 0) {
				if(rc != PCRE2_ERROR_NOMATCH) {
					fprintf(stderr, "pcre2_bench: pattern %zu: match error %d\n", k, rc);
					return 2;
				}
				break;
			}
			size_t start = pcre2_get_ovector_pointer(md)[0];
			/* Line index: the first '\n' at or after start (li only grows). */
			while(li < nnl && nl[li] < start)
				li++;
			if(np == capp) {
				capp = capp ? 2 * capp : 1024;
				pairs = realloc(pairs, capp * sizeof *pairs);
				if(!pairs) {
					perror("realloc");
					return 2;
				}
			}
			pairs[np].line = li + 1;
			pairs[np].id = (unsigned)k;
			np++;
			if(li >= nnl)
				break;
			off = nl[li] + 1;
		}
		pcre2_match_data_free(md);
		pcre2_code_free(code);
	}
	double t1 = now();
	qsort(pairs, np, sizeof *pairs, cmp_pair);
	FILE *out = fopen(argv[3], "w");
	if(!out) {
		perror(argv[3]);
		return 2;
	}
	for(size_t i = 0; i < np; i++)
		fprintf(out, "%llu\t%u\n", (unsigned long long)pairs[i].line, pairs[i].id);
	if(fclose(out)) {
		perror(argv[3]);
		return 2;
	}
	printf("%.6f %.6f\n", t1 - t0 - compile, compile);
	return 0;
}
