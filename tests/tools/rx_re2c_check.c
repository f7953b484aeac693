/* rx_re2c_check.c — differential test of rx_emit_re2c against rx_search.
 *
 * Built twice by tests/regex_re2c.sh:
 *
 *   rx_re2c_check gen FILE.re   writes one re2c matcher function per regex of
 *                               the list below (plus generated random ones)
 *   rx_re2c_check run           built with -DRX_CHECK_RUN and the re2c output
 *                               of FILE.re: runs every matcher and rx_search
 *                               on ~40 lines per regex, one TAP line per regex
 *
 * Every line is handed to the matcher as the scanner does: followed by its
 * '\n' and then 64 bytes of padding that could continue a match, so an
 * expression that matched past the newline would be caught (and ASan sees any
 * read beyond the padding). A regex that can match the empty string without
 * a trailing $ is skipped: its re2c rule can match zero bytes, which loses to
 * the default rule on an empty line, and failsigc refuses such patterns before
 * emitting them anyway. */
#include "arena.h"
#include "dynbuf.h"
#include "regex.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PAD = 64, LINES_PER_REGEX = 40, RANDOM_REGEXES = 40, MAX_CRAFTED = 6 };

struct check {
	const char *re;
	unsigned flags;
	const char *lines[MAX_CRAFTED];  /* crafted lines, NULL-terminated if short */
};

#define I RX_ICASE

static const struct check checks[] = {
	{ "abc", 0, { "abc", "xxabcxx", "ab", "abdabc", "ABC" } },
	{ "^abc", 0, { "abc", "abcd", "xabc", "" } },
	{ "abc$", 0, { "abc", "xabc", "abcx", "abcabc" } },
	{ "^abc$", 0, { "abc", "abcabc", "ab", "" } },
	{ "^$", 0, { "", "x", " " } },
	{ "$", 0, { "", "x" } },
	{ "a.c", 0, { "abc", "ac", "a\xff" "c", "a\tc" } },
	{ "colou?r", 0, { "color", "colour", "colouur", "colr" } },
	{ "ab*c", 0, { "ac", "abbbc", "abxc" } },
	{ "ab+c", 0, { "ac", "abc", "abbbbc" } },
	{ "a{3}", 0, { "aa", "aaa", "baaab", "a a a" } },
	{ "^a{2,3}$", 0, { "a", "aa", "aaa", "aaaa", "" } },
	{ "a{2,}b", 0, { "ab", "aab", "aaaaab", "aaa" } },
	{ "(ab){2}", 0, { "abab", "ab", "aabb", "xababx" } },
	{ "(a|bc){2,3}d", 0, { "abcd", "bcbcbcd", "ad", "aad" } },
	{ "^(a|b)+$", 0, { "abba", "abca", "", "b" } },
	{ "x(cat|dog)s", 0, { "xdogs", "xcats", "xcogs", "xdog" } },
	{ "^a|b$", 0, { "ax", "xa", "xb", "bx", "ab" } },
	{ "a|b|c", 0, { "zzc", "zzz", "a", "" } },
	{ "[abc]x", 0, { "bx", "dx", "abcx" } },
	{ "[^abc]", 0, { "abc", "abcd", "", "\xff" } },
	{ "[a-z]+\\d", 0, { "abc1", "ABC1", "1", "a" } },
	{ "\\d{3}", 0, { "12a34", "x123", "9999" } },
	{ "\\w+@\\w+", 0, { "me@example", "@x", "a@", "a_b@c_d" } },
	{ "\\s\\S", 0, { " a", "a ", "\tb", "  " } },
	{ "[]a]", 0, { "]", "a", "b" } },
	{ "[^]a]x", 0, { "]x", "ax", "bx", "x" } },
	{ "[a-]", 0, { "-", "a", "b" } },
	{ "\\D\\W", 0, { "a-", "1-", "ab", "- " } },
	{ "[\\x80-\\xff]+", 0, { "caf\xc3\xa9", "cafe", "\x80" } },
	{ "\\x01x", 0, { "\x01x", "x", "\x01" } },
	{ "\\e\\[0K", 0, { "\x1b[0K", "[0K", "\x1b[0k" } },
	{ "\\.\\*\\+\\?\\(\\)", 0, { ".*+?()", ".*+?(", "a*+?()" } },
	{ "a\\nb", 0, { "ab", "a b", "" } },
	{ "a|\\n", 0, { "a", "b", "" } },
	{ "a(\\n)?b", 0, { "ab", "a b", "b" } },
	{ "[^\\x00-\\xff]|q", 0, { "q", "a", "" } },
	{ "abc", I, { "ABC", "aBc", "ab", "xAbCx" } },
	{ "[^a]b", I, { "Ab", "ab", "bB", "b" } },
	{ "k8s", I, { "K8S", "k8s", "k9s" } },
	{ "error:? (\\d+)", I, { "ERROR 12", "Error: 3", "error:x", "errors 1" } },
	{ "osCommitMemory: VirtualAlloc MEM_COMMIT failed|out of memory allocating \\d+ bytes", 0,
	  { "ghc: out of memory allocating 1048576 bytes", "out of memory allocating d bytes",
	    "osCommitMemory: VirtualAlloc MEM_COMMIT failed." } },
	{ "^\\s+T12345\\(\\w+\\)", 0, { "   T12345(foo)", "T12345(foo)", "  T12345()", "\tT12345(a)b" } },
	{ "fatal: unable to access '[^']*': (Could not resolve host|Failed to connect)", 0,
	  { "fatal: unable to access 'https://x/': Failed to connect",
	    "fatal: unable to access 'x': Permission denied",
	    "fatal: unable to access 'a'b': Could not resolve host" } },
	{ "No space left on device$", I, { "write error: no space left on device", "No space left on device!" } },
	{ "^(\\+|-)?\\d+(\\.\\d+)?$", 0, { "12", "-1.5", "+.5", "1.", "" } },
	{ "a.{3}b", 0, { "axxxb", "axxb", "a   b", "aab ab" } },
	{ "x[^\\n]*y", 0, { "xy", "x  y", "yx" } },
	{ "(a*)*b", 0, { "b", "aab", "aa", "" } },
	{ "(x|y|)z", 0, { "z", "xz", "yz", "q" } },
	{ "^(ab|a)(bc|c)$", 0, { "abc", "abbc", "ac", "abcc" } },
	{ "a{0}b", 0, { "b", "ab", "a" } },
	{ "(a{1,2}){2}c", 0, { "aac", "ac", "aaaac", "aaaaac" } },
	{ "^.{5}$", 0, { "12345", "1234", "123456", "\xff\xff\xff\xff\xff" } },
	{ "^\\t", 0, { "\tx", " \t" } },
	{ "\\r$", 0, { "a\r", "\ra" } },
	{ "\"quoted\"", 0, { "say \"quoted\"", "quoted" } },
	{ "a\\/b", 0, { "a/b", "ab" } },
	{ "\\{\\}|a{,2}", 0, { "{}", "a{,2}", "aa" } },
	{ "x{100}", 0, { "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "xxxx" } },
	{ "([ab]c?){3}$", 0, { "abc", "acbcb", "ab", "abcd" } },
	{ "^[^ ]+ [^ ]+$", 0, { "a b", "a b c", " b", "ab" } },
	{ ".*", 0, { "" } },
	{ "a*", 0, { "" } },
	{ "^", 0, { "" } },
	{ "(a*|b)$", 0, { "", "b", "c" } },
};

#define NCHECKS (sizeof checks / sizeof checks[0])
#define NREGEX (NCHECKS + RANDOM_REGEXES)

/* xorshift64*: deterministic, so both builds see the same random regexes. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static unsigned pick(unsigned n)
{
	return (unsigned)(rng() % n);
}

/* A small random regex over a, b, c into b (no anchors inside groups). */
static void random_alt(struct dynbuf *b, int depth);

static void random_atom(struct dynbuf *b, int depth)
{
	static const char *const atoms[] = { "a", "b", "c", "a", "b", ".", "[ab]", "[^a]", "\\d", "[a-c]" };
	if(depth < 2 && pick(5) == 0) {
		dynbuf_adds(b, pick(2) ? "(" : "(?:");
		random_alt(b, depth + 1);
		dynbuf_adds(b, ")");
	} else {
		dynbuf_adds(b, atoms[pick(sizeof atoms / sizeof atoms[0])]);
	}
	static const char *const quants[] = { "*", "+", "?", "{2}", "{0,2}", "{1,3}", "{2,}", "*?" };
	if(pick(3) == 0)
		dynbuf_adds(b, quants[pick(sizeof quants / sizeof quants[0])]);
}

static void random_alt(struct dynbuf *b, int depth)
{
	unsigned alts = 1 + pick(depth ? 2 : 3);
	for(unsigned i = 0; i < alts; i++) {
		if(i)
			dynbuf_adds(b, "|");
		if(!depth && pick(4) == 0)
			dynbuf_adds(b, "^");
		unsigned n = 1 + pick(4);
		for(unsigned j = 0; j < n; j++)
			random_atom(b, depth);
		if(!depth && pick(4) == 0)
			dynbuf_adds(b, "$");
	}
}

struct regex {
	char *re;           /* the body */
	unsigned flags;
	const char *const *lines;  /* crafted lines (MAX_CRAFTED, NULL-terminated if short) */
	struct rx *rx;
};

static void build_list(struct arena *a, struct regex *v)
{
	rng_state = 0x9e3779b97f4a7c15ull;
	for(size_t i = 0; i < NREGEX; i++) {
		if(i < NCHECKS) {
			v[i].re = arena_strdup(a, checks[i].re);
			v[i].flags = checks[i].flags;
			v[i].lines = checks[i].lines;
		} else {
			struct dynbuf b;
			dynbuf_init(&b, 4096);
			random_alt(&b, 0);
			v[i].re = arena_strdup(a, b.ptr);
			v[i].flags = pick(4) == 0 ? RX_ICASE : 0;
			v[i].lines = NULL;
			dynbuf_free(&b);
		}
		struct rx_error err;
		v[i].rx = rx_parse(a, v[i].re, strlen(v[i].re), v[i].flags, &err);
		if(!v[i].rx) {
			fprintf(stderr, "rx_re2c_check: /%s/: %s\n", v[i].re, err.msg);
			exit(2);
		}
	}
}

/* Can the re2c rule of r match zero bytes? See the comment at the top. */
static bool emitted_may_be_empty(const struct rx *r)
{
	if(r->kind == RX_ALT)
		return emitted_may_be_empty(r->a) || emitted_may_be_empty(r->b);
	if(!rx_matches_empty(r))
		return false;
	while(r->kind == RX_CAT)
		r = r->b;
	return r->kind != RX_EOL;
}

static int generate(const char *path, const struct regex *v)
{
	FILE *f = fopen(path, "w");
	if(!f) {
		perror(path);
		return 2;
	}
	fprintf(f, "/* Generated by rx_re2c_check from its regex list. Do not edit. */\n"
	           "#include <stddef.h>\n\n"
	           "typedef int rx_matcher_fn(const unsigned char *);\n"
	           "extern rx_matcher_fn *const rx_matchers[];\n"
	           "extern const size_t rx_nmatchers;\n\n");
	struct dynbuf b;
	dynbuf_init(&b, 1 << 20);
	for(size_t i = 0; i < NREGEX; i++) {
		if(emitted_may_be_empty(v[i].rx))
			continue;
		dynbuf_reset(&b);
		if(!rx_emit_re2c(v[i].rx, &b)) {
			fprintf(stderr, "rx_re2c_check: /%s/: output too big\n", v[i].re);
			return 2;
		}
		/* The regex as a comment; a "*" + "/" inside would end it early. */
		fprintf(f, "/* regex %zu%s: ", i + 1, v[i].flags ? " (icase)" : "");
		for(const char *p = v[i].re; *p; p++)
			fprintf(f, p[0] == '*' && p[1] == '/' ? "* " : "%c", *p);
		fprintf(f, " */\n");
		fprintf(f, "static int m%zu(const unsigned char *YYCURSOR)\n{\n"
		           "\tconst unsigned char *YYMARKER = YYCURSOR;\n"
		           "\t(void)YYMARKER;\n"
		           "\t/*!re2c\n"
		           "\t\tre2c:yyfill:enable = 0;\n"
		           "\t\tre2c:define:YYCTYPE = \"unsigned char\";\n"
		           "\t\tre2c:flags:empty-class = match-none;\n"
		           "\t\tre2c:sentinel = 10;\n"
		           "\t\t%s { return 1; }\n"
		           "\t\t* { return 0; }\n"
		           "\t*/\n}\n\n", i, b.ptr);
	}
	fprintf(f, "rx_matcher_fn *const rx_matchers[] = {\n");
	for(size_t i = 0; i < NREGEX; i++) {
		if(emitted_may_be_empty(v[i].rx))
			fprintf(f, "\tNULL,\n");
		else
			fprintf(f, "\tm%zu,\n", i);
	}
	fprintf(f, "};\nconst size_t rx_nmatchers = %zu;\n", (size_t)NREGEX);
	dynbuf_free(&b);
	if(fclose(f) != 0) {
		perror(path);
		return 2;
	}
	return 0;
}

#ifdef RX_CHECK_RUN
typedef int rx_matcher_fn(const unsigned char *);
extern rx_matcher_fn *const rx_matchers[];
extern const size_t rx_nmatchers;

/* The bytes random lines are made of: the regex's own bytes, a few letters,
 * digits and blanks, and bytes that are easy to get wrong. */
static size_t alphabet(const struct regex *r, unsigned char *out)
{
	static const char extra[] = "abcxAB019 _-.\t\r";
	size_t n = 0;
	for(const char *p = r->re; *p; p++)
		out[n++] = (unsigned char)*p;
	for(const char *p = extra; *p; p++)
		out[n++] = (unsigned char)*p;
	out[n++] = 0x00;
	out[n++] = 0x80;
	out[n++] = 0xff;
	out[n++] = 0xc3;
	return n;
}

/* The i-th test line of regex r into line (no '\n'); returns its length. */
static size_t make_line(const struct regex *r, size_t i, const unsigned char *alpha, size_t nalpha,
                        unsigned char *line)
{
	size_t ncrafted = 0;
	while(r->lines && ncrafted < MAX_CRAFTED && r->lines[ncrafted])
		ncrafted++;
	if(i < ncrafted) {
		size_t n = strlen(r->lines[i]);
		memcpy(line, r->lines[i], n);
		return n;
	}
	if(ncrafted && pick(2) == 0) {
		/* A mutation of a crafted line: flip case, replace, insert, delete. */
		const char *src = r->lines[pick((unsigned)ncrafted)];
		size_t n = strlen(src);
		memcpy(line, src, n);
		unsigned k = 1 + pick(2);
		for(unsigned m = 0; m < k; m++) {
			size_t at = n ? pick((unsigned)n) : 0;
			switch(pick(4)) {
			case 0:
				if(n && ((line[at] | 0x20) >= 'a' && (line[at] | 0x20) <= 'z'))
					line[at] ^= 0x20;
				break;
			case 1:
				if(n)
					line[at] = alpha[pick((unsigned)nalpha)];
				break;
			case 2:
				memmove(line + at + 1, line + at, n - at);
				line[at] = alpha[pick((unsigned)nalpha)];
				n++;
				break;
			default:
				if(n) {
					memmove(line + at, line + at + 1, n - at - 1);
					n--;
				}
				break;
			}
		}
		return n;
	}
	size_t n = pick(24);
	for(size_t j = 0; j < n; j++)
		line[j] = alpha[pick((unsigned)nalpha)];
	return n;
}

static void print_bytes(const unsigned char *s, size_t n)
{
	for(size_t i = 0; i < n; i++) {
		if(s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			putchar(s[i]);
		else
			printf("\\x%02x", s[i]);
	}
}

static int run(const struct regex *v)
{
	if(rx_nmatchers != NREGEX) {
		printf("not ok 1 - the matchers were generated from another list (%zu, not %zu)\n",
		       rx_nmatchers, (size_t)NREGEX);
		return 1;
	}
	rng_state = 0x2545f4914f6cdd1dull;
	int failed = 0;
	unsigned char alpha[1024];
	unsigned char line[256];
	for(size_t i = 0; i < NREGEX; i++) {
		const struct regex *r = &v[i];
		if(!rx_matchers[i]) {
			printf("ok %zu - /%s/%s # SKIP matches the empty string\n", i + 1, r->re,
			       r->flags ? "i" : "");
			continue;
		}
		size_t nalpha = alphabet(r, alpha);
		bool ok = true;
		for(size_t k = 0; k < LINES_PER_REGEX && ok; k++) {
			size_t n = make_line(r, k, alpha, nalpha, line);
			for(size_t j = 0; j < n; j++)
				if(line[j] == '\n')
					line[j] = 'n';
			/* Exactly line, '\n', padding: ASan catches a read beyond. */
			unsigned char *buf = malloc(n + 1 + PAD);
			memcpy(buf, line, n);
			buf[n] = '\n';
			for(size_t j = 0; j < PAD; j++)
				buf[n + 1 + j] = j % 17 == 16 ? '\n' : (n ? line[j % n] : alpha[pick((unsigned)nalpha)]);
			int want = rx_search(r->rx, line, n);
			int got = rx_matchers[i](buf);
			free(buf);
			if(got != want) {
				printf("not ok %zu - /%s/%s on \"", i + 1, r->re, r->flags ? "i" : "");
				print_bytes(line, n);
				printf("\": re2c %d, rx_search %d\n", got, want);
				ok = false;
				failed++;
			}
		}
		if(ok)
			printf("ok %zu - /%s/%s (%d lines)\n", i + 1, r->re, r->flags ? "i" : "", LINES_PER_REGEX);
	}
	printf("1..%zu\n", (size_t)NREGEX);
	return failed ? 1 : 0;
}
#endif

int main(int argc, char **argv)
{
	struct arena *a = arena_new();
	struct regex *v = calloc(NREGEX, sizeof *v);
	build_list(a, v);
	int rc = 2;
	if(argc == 3 && strcmp(argv[1], "gen") == 0)
		rc = generate(argv[2], v);
#ifdef RX_CHECK_RUN
	else if(argc == 2 && strcmp(argv[1], "run") == 0)
		rc = run(v);
#endif
	else
		fprintf(stderr, "usage: rx_re2c_check gen FILE.re | rx_re2c_check run\n");
	free(v);
	arena_free(a);
	return rc;
}
