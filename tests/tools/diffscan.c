/* diffscan.c — differential test of the generated scanner against the
 * reference matcher.
 *
 * For each case (seed S = first seed + case index, so `-s S -n 1` replays
 * one case) it generates, deterministically from S:
 *
 *   - a rule set of K rules (K in 1..40), each `rule rN "t" { ticket "t"
 *     match P [match Q] example "x" }`, with patterns drawn from a small
 *     alphabet of words and bytes so that hits are frequent: literals,
 *     regexes with classes, class escapes, '.', groups, alternation, anchors,
 *     counted and lazy repetition, /i, `raw` patterns, duplicated patterns,
 *     patterns that extend or truncate others (atoms sharing a start), and
 *     patterns without a 4-byte literal (the scanner's "always" path);
 *   - a log of L lines (L < 100, so that failsig's 100 kept hits per rule
 *     are all of them) mixing those words with ANSI colour and other escape
 *     sequences, GitLab section markers, '\r' progress overwrites, CRLF, NUL
 *     and high bytes, now and then a long line, and maybe no final '\n'.
 *
 * The matcher is built with `FAILSIGC build` and run as `BIN scan --format
 * json LOG` (for part of the cases with FAILSIG_BUFSIZE set to a small read
 * size, so lines straddle the reader's buffer boundaries). The reference is
 * rx_search (compiler/regex.c) of each pattern on each line as displayed
 * (display_line, runtime/display.c) or on the raw line for `raw` patterns;
 * lines are numbered from 1 by '\n' as GitLab does. The two sets of (rule,
 * line) hits must be equal, as must the hit texts (where they are plain
 * ASCII) and the line count.
 *
 * Two more oracles check the reference itself: the generator knows the
 * displayed text each line should have (a model of docs/language.md, "Logs
 * as displayed") and compares it with display_line; and it matches every
 * pattern with its own position-set matcher over the tree it generated
 * (independent of rx_parse) and compares that with rx_search.
 *
 * On a mismatch the case's files stay in WORKDIR/case-S (rules, log,
 * binary, output, repro.sh), the differing (rule, line) pairs are printed
 * with the pattern and the escaped line, and the first few are re-run alone
 * (one rule, one line) to show whether they reproduce in isolation.
 *
 * Output is TAP: "ok N - case S: K rules, L lines, H hits" per case. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "display.h"
#include "regex.h"

enum {
	MAX_RULES = 40,
	MAX_PATS = 2,              /* match clauses per rule */
	MAX_LINES = 99,            /* < EVAL_MAX_HITS: every hit is kept */
	MAX_KEPT = 100,            /* EVAL_MAX_HITS */
	TEXT_MAX = 1024,           /* EVAL_TEXT_MAX */
	MAX_ATOM_STATES = 2000,    /* check.c's limit of one pattern's DFA */
	OWN_MATCH_MAX = 8192,      /* lines longer than this skip the own-matcher check */
	MAX_REPORT = 12,           /* mismatching pairs printed per case */
	MAX_MINIMISE = 3,          /* of which re-run alone */
	HUGE = 4 << 20,            /* READER_MAX_LINE: longer lines are matched in pieces */
};

/* ---- options and small utilities --------------------------------------- */

static struct {
	const char *failsigc;
	const char *workdir;
	uint64_t seed;
	long cases;
	bool keep_all;
	bool minimise;
	int bufsize_pct;           /* % of cases run with a small FAILSIG_BUFSIZE */
	int long_pct;              /* per mille of lines that are long */
	int huge_permille;         /* per mille of cases with a line of ~4 MiB */
	int build_timeout;         /* seconds */
	bool reference_only;       /* -R: no failsig, only the checks of the reference */
	int max_states;            /* DFA states of one generated pattern, at most */
	int grams_pct;             /* % of cases whose every pattern has a prefilter gram */
} opt = {
	.failsigc = "build/failsigc",
	.seed = 1,
	.cases = 30,
	.minimise = true,
	.bufsize_pct = 40,
	.long_pct = 15,
	.huge_permille = 20,
	.build_timeout = 120,
	.max_states = MAX_ATOM_STATES,
	.grams_pct = 40,
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("diffscan: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xmem(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if(!p)
		die("out of memory");
	return p;
}

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void buf_reserve(struct buf *b, size_t extra)
{
	if(b->n + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while(cap < b->n + extra + 1)
		cap *= 2;
	b->p = realloc(b->p, cap);
	if(!b->p)
		die("out of memory");
	b->cap = cap;
}

static void buf_add(struct buf *b, const void *s, size_t n)
{
	buf_reserve(b, n);
	if(n)
		memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_addc(struct buf *b, unsigned char c)
{
	buf_add(b, &c, 1);
}

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

static void buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Escaped, bounded spelling of bytes for messages: C escapes, "..." when long. */
static const char *esc(struct buf *b, const unsigned char *s, size_t n, size_t max)
{
	b->n = 0;
	buf_add(b, "\"", 1);
	for(size_t i = 0; i < n; i++) {
		if(i == max) {
			buf_printf(b, "\"...(%zu bytes)", n);
			return (const char *)b->p;
		}
		unsigned char c = s[i];
		switch(c) {
		case '\\': buf_adds(b, "\\\\"); break;
		case '"': buf_adds(b, "\\\""); break;
		case '\t': buf_adds(b, "\\t"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case 0x1b: buf_adds(b, "\\e"); break;
		default:
			if(c >= 0x20 && c < 0x7f)
				buf_addc(b, c);
			else
				buf_printf(b, "\\x%02x", c);
		}
	}
	buf_add(b, "\"", 1);
	return (const char *)b->p;
}

/* snprintf for paths: dies instead of truncating. */
static void pathf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	if(r < 0 || (size_t)r >= n)
		die("path too long");
}

static bool write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if(!f)
		return false;
	bool ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

/* ---- random numbers: splitmix64, one stream per case ------------------- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static unsigned rn(unsigned n)
{
	return n ? (unsigned)(rnd() % n) : 0;
}

static bool chance(unsigned pct)
{
	return rn(100) < pct;
}

static int range(int lo, int hi)
{
	return lo + (int)rn((unsigned)(hi - lo + 1));
}

/* ---- byte sets ----------------------------------------------------------- */

typedef struct {
	uint8_t b[32];
} bset;

static bool bs_has(const bset *s, unsigned c)
{
	return (s->b[c >> 3] >> (c & 7)) & 1;
}

static void bs_add(bset *s, unsigned c)
{
	s->b[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static void bs_range(bset *s, unsigned lo, unsigned hi)
{
	for(unsigned c = lo; c <= hi; c++)
		bs_add(s, c);
}

static void bs_or(bset *d, const bset *s)
{
	for(int i = 0; i < 32; i++)
		d->b[i] |= s->b[i];
}

static void bs_not(bset *s)
{
	for(int i = 0; i < 32; i++)
		s->b[i] = (uint8_t)~s->b[i];
}

/* ASCII case closure. */
static void bs_fold(bset *s)
{
	for(unsigned c = 'a'; c <= 'z'; c++) {
		if(bs_has(s, c) || bs_has(s, c - 32)) {
			bs_add(s, c);
			bs_add(s, c - 32);
		}
	}
}

/* The sets of \d \w \s as documented (\s: space, tab, \r, \f, \v). */
static bset class_set(char letter)
{
	bset s = { { 0 } };
	switch(letter | 0x20) {
	case 'd':
		bs_range(&s, '0', '9');
		break;
	case 'w':
		bs_range(&s, '0', '9');
		bs_range(&s, 'a', 'z');
		bs_range(&s, 'A', 'Z');
		bs_add(&s, '_');
		break;
	default:
		bs_add(&s, ' ');
		bs_add(&s, '\t');
		bs_add(&s, '\r');
		bs_add(&s, '\f');
		bs_add(&s, '\v');
	}
	if(letter >= 'A' && letter <= 'Z')
		bs_not(&s);
	return s;
}

/* ---- the word alphabet --------------------------------------------------- */

/* Words of patterns and log lines: overlapping ones ("abcd" in "abcdef",
 * "bcde" inside), case variants, and bytes that need escaping. */
static const char *const words[] = {
	"abcd", "abcdef", "bcde", "abc", "ab", "cd", "ERROR", "error", "Error:", "fail",
	"FAILED", "failed", "timeout", "Timeout", "xyz", "x", "y", "z", "0", "1", "42",
	"2024", "_", "-", "/", ".", ":", " ", "  ", "\t", "=", "(", ")", "[", "]", "{",
	"}", "*", "+", "?", "|", "^", "$", "\\", "\"", "#", ",", "s", "sec", "eta",
	"no space left", "No Space Left", "killed", "KILLED", "aaaa", "aaa", "a", "b",
	"c", "A", "B", "C", "d", "e", "f", "zzzz", "z9z9",
};
/* Bytes a generated line may carry besides the words. */
static const unsigned char odd_bytes[] = {
	0x00, 0x01, 0x07, 0x08, '\t', 0x0b, 0x0c, 0x7f, 0x80, 0xa0, 0xc3, 0xa9, 0xe2, 0x82,
	0xac, 0xff, 0xfe, 0x1f,
};

static const char *word(void)
{
	return words[rn(sizeof words / sizeof words[0])];
}

/* A word of 4 bytes or more. */
static const char *long_word(void)
{
	for(;;) {
		const char *w = word();
		if(strlen(w) >= 4)
			return w;
	}
}

static unsigned odd_byte(void)
{
	return odd_bytes[rn(sizeof odd_bytes)];
}

/* A byte for a pattern: mostly letters and digits of the words. */
static unsigned pat_byte(void)
{
	unsigned k = rn(10);
	if(k < 6) {
		const char *w = word();
		return (unsigned char)w[rn((unsigned)strlen(w))];
	}
	if(k < 8)
		return "abcdefxyzABCDEF019 _-:./"[rn(24)];
	if(rn(30) == 0)
		return '\n';  /* never in a line: branches and sets that cannot match */
	return odd_byte();
}

/* ---- regex trees: generate, render as rule text, match independently ---- */

enum nkind { K_SET, K_CAT, K_ALT, K_REP, K_BOL, K_EOL, K_EMPTY };

struct node {
	enum nkind kind;
	const char *text;          /* K_SET: its spelling; K_REP: the quantifier */
	bset set;                  /* K_SET: the class before folding and negation */
	bool neg;                  /* K_SET: negated bracket class */
	bool nofold;               /* K_SET: a class escape or '.', already case-closed */
	bset eff;                  /* K_SET: the bytes it matches (computed once) */
	struct node **kid;         /* K_CAT, K_ALT */
	int nkid;
	bool noncap;               /* K_ALT: spelt (?:...) */
	struct node *sub;          /* K_REP */
	int min, max;              /* K_REP; max -1: unbounded */
};

struct gen {
	struct arena *A;
	struct buf tmp;
	int nodes;                 /* budget */
	bool rich;                 /* long words: most branches get a 4-byte factor */
};

static struct node *mk(struct gen *g, enum nkind k)
{
	struct node *n = arena_alloc(g->A, sizeof *n);
	n->kind = k;
	g->nodes++;
	return n;
}

static const char *adup(struct gen *g, const char *s)
{
	return arena_strdup(g->A, s);
}

/* Spell byte c outside a class. */
static void spell_byte(struct buf *b, unsigned c)
{
	static const char meta[] = ".[]{}()*+?|^$\\/";
	if(c && strchr(meta, (int)c)) {
		buf_addc(b, '\\');
		buf_addc(b, (unsigned char)c);
		return;
	}
	if(c >= 0x20 && c < 0x7f) {
		/* Punctuation may be escaped needlessly: it stands for itself. */
		if(!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) && c != ' ' &&
		   chance(10))
			buf_addc(b, '\\');
		buf_addc(b, (unsigned char)c);
		return;
	}
	const char *name = NULL;
	switch(c) {
	case '\t': name = "\\t"; break;
	case '\n': name = "\\n"; break;
	case '\r': name = "\\r"; break;
	case 0x1b: name = "\\e"; break;
	case '\f': name = "\\f"; break;
	case '\v': name = "\\v"; break;
	}
	if(name && chance(70))
		buf_adds(b, name);
	else
		buf_printf(b, chance(50) ? "\\x%02x" : "\\x%02X", c);
}

/* Spell byte c inside a bracket class. */
static void spell_class_byte(struct buf *b, unsigned c)
{
	static const char meta[] = "]\\^-/[";
	if(c && strchr(meta, (int)c)) {
		buf_addc(b, '\\');
		buf_addc(b, (unsigned char)c);
	} else if(c >= 0x20 && c < 0x7f) {
		buf_addc(b, (unsigned char)c);
	} else if(c == '\t' && chance(50)) {
		buf_adds(b, "\\t");
	} else {
		buf_printf(b, "\\x%02x", c);
	}
}

static struct node *g_byte(struct gen *g, unsigned c)
{
	struct node *n = mk(g, K_SET);
	bs_add(&n->set, c);
	g->tmp.n = 0;
	spell_byte(&g->tmp, c);
	n->text = adup(g, (char *)g->tmp.p);
	return n;
}

static struct node *g_cat(struct gen *g, struct node **v, int n)
{
	struct node *c = mk(g, K_CAT);
	c->kid = arena_alloc(g->A, (size_t)(n ? n : 1) * sizeof *c->kid);
	memcpy(c->kid, v, (size_t)n * sizeof *v);
	c->nkid = n;
	return c;
}

static struct node *g_word(struct gen *g, const char *w)
{
	struct node *v[64];
	int n = 0;
	for(; *w && n < 64; w++)
		v[n++] = g_byte(g, (unsigned char)*w);
	return n == 1 ? v[0] : g_cat(g, v, n);
}

static struct node *g_escape(struct gen *g)
{
	static const char letters[] = "dwsDWS";
	char l = letters[rn(6)];
	struct node *n = mk(g, K_SET);
	n->set = class_set(l);
	n->nofold = true;
	char t[3] = { '\\', l, 0 };
	n->text = adup(g, t);
	return n;
}

static struct node *g_dot(struct gen *g)
{
	struct node *n = mk(g, K_SET);
	bs_not(&n->set);
	n->nofold = true;
	n->text = ".";
	return n;
}

static struct node *g_class(struct gen *g)
{
	static const char *const ranges[] = {
		"ac", "az", "AZ", "09", "xz", "AF", "af", "\x01\x1f", "\x80\xff", " /", "ae", "Za",
	};
	struct node *n = mk(g, K_SET);
	struct buf *b = &g->tmp;
	b->n = 0;
	buf_addc(b, '[');
	n->neg = chance(25);
	if(n->neg)
		buf_addc(b, '^');
	int items = range(1, 4);
	for(int i = 0; i < items; i++) {
		unsigned k = rn(10);
		if(k < 4) {
			unsigned c = pat_byte();
			bs_add(&n->set, c);
			spell_class_byte(b, c);
		} else if(k < 8) {
			const char *r = ranges[rn(sizeof ranges / sizeof ranges[0])];
			unsigned lo = (unsigned char)r[0], hi = (unsigned char)r[1];
			bs_range(&n->set, lo, hi);
			spell_class_byte(b, lo);
			buf_addc(b, '-');
			spell_class_byte(b, hi);
		} else {
			static const char letters[] = "dwsDWS";
			char l = letters[rn(6)];
			bset s = class_set(l);
			bs_or(&n->set, &s);
			buf_addc(b, '\\');
			buf_addc(b, (unsigned char)l);
		}
	}
	buf_addc(b, ']');
	n->text = adup(g, (char *)b->p);
	return n;
}

static struct node *g_alt(struct gen *g, int depth, bool top);

/* A quantifier over sub: mostly small bounds; wide sets stay small so that
 * the unanchored DFA stays small. */
static struct node *g_rep(struct gen *g, struct node *sub)
{
	struct node *r = mk(g, K_REP);
	r->sub = sub;
	struct buf *b = &g->tmp;
	b->n = 0;
	unsigned k = rn(20);
	if(k < 4) {
		r->min = 0, r->max = -1;
		buf_adds(b, "*");
	} else if(k < 8) {
		r->min = 1, r->max = -1;
		buf_adds(b, "+");
	} else if(k < 11) {
		r->min = 0, r->max = 1;
		buf_adds(b, "?");
	} else if(k < 13) {
		r->min = r->max = range(0, 4);
		buf_printf(b, "{%d}", r->min);
	} else if(k < 15) {
		r->min = range(0, 3), r->max = -1;
		buf_printf(b, "{%d,}", r->min);
	} else if(k < 19) {
		r->min = range(0, 3), r->max = r->min + range(0, 3);
		buf_printf(b, "{%d,%d}", r->min, r->max);
	} else if(sub->kind == K_SET && !sub->neg && !sub->nofold) {
		/* A long count of a narrow set. */
		r->min = range(0, 40), r->max = r->min + range(0, 200);
		buf_printf(b, "{%d,%d}", r->min, r->max);
	} else {
		r->min = r->max = range(5, 12);
		buf_printf(b, "{%d}", r->min);
	}
	if((k < 11) && chance(15))
		buf_addc(b, '?');  /* lazy: same language */
	r->text = adup(g, (char *)b->p);
	return r;
}

static struct node *g_item(struct gen *g, int depth)
{
	struct node *n;
	unsigned k = rn(100);
	if(k < 35 || (g->rich && k < 55))
		n = g_word(g, g->rich ? long_word() : word());
	else if(k < 50)
		n = g_byte(g, pat_byte());
	else if(k < 65)
		n = g_class(g);
	else if(k < 73)
		n = g_escape(g);
	else if(k < 81)
		n = g_dot(g);
	else if(k < 83)
		n = mk(g, K_EMPTY);
	else if(depth > 0 && g->nodes < 60)
		n = g_alt(g, depth - 1, false);
	else
		n = g_word(g, word());
	if(n->kind != K_EMPTY && chance(n->kind == K_CAT ? (g->rich ? 5 : 15) : 30))
		n = g_rep(g, n);
	return n;
}

static struct node *g_seq(struct gen *g, int depth)
{
	struct node *v[6];
	int n = range(1, 4);
	for(int i = 0; i < n; i++)
		v[i] = g_item(g, depth);
	return n == 1 ? v[0] : g_cat(g, v, n);
}

/* An alternation; at the top level each branch may carry ^ and $. */
static struct node *g_alt(struct gen *g, int depth, bool top)
{
	struct node *a = mk(g, K_ALT);
	a->noncap = chance(40);
	int n = top ? (chance(60) ? 1 : range(2, 3)) : range(1, 3);
	a->kid = arena_alloc(g->A, (size_t)n * sizeof *a->kid);
	a->nkid = n;
	for(int i = 0; i < n; i++) {
		if(!top && chance(5)) {
			a->kid[i] = mk(g, K_EMPTY);  /* (a|) */
			continue;
		}
		struct node *s = g_seq(g, depth);
		if(top && (chance(20) || chance(20))) {
			struct node *v[3];
			int m = 0;
			bool bol = chance(50), eol = !bol || chance(40);
			if(bol)
				v[m++] = mk(g, K_BOL);
			v[m++] = s;
			if(eol)
				v[m++] = mk(g, K_EOL);
			s = g_cat(g, v, m);
		}
		a->kid[i] = s;
	}
	return a;
}

/* Render n; parenthesise what a quantifier or concatenation needs. */
static void render(struct buf *b, const struct node *n, bool top)
{
	switch(n->kind) {
	case K_SET:
		buf_adds(b, n->text);
		return;
	case K_BOL:
		buf_addc(b, '^');
		return;
	case K_EOL:
		buf_addc(b, '$');
		return;
	case K_EMPTY:
		buf_adds(b, "()");
		return;
	case K_CAT:
		for(int i = 0; i < n->nkid; i++)
			render(b, n->kid[i], false);
		return;
	case K_ALT:
		if(!top)
			buf_adds(b, n->noncap ? "(?:" : "(");
		for(int i = 0; i < n->nkid; i++) {
			if(i)
				buf_addc(b, '|');
			if(n->kid[i]->kind == K_EMPTY)
				continue;  /* an empty branch is spelt as nothing */
			render(b, n->kid[i], false);
		}
		if(!top)
			buf_addc(b, ')');
		return;
	case K_REP: {
		const struct node *s = n->sub;
		bool wrap = s->kind == K_CAT || s->kind == K_REP;
		if(wrap)
			buf_adds(b, "(?:");
		render(b, s, false);
		if(wrap)
			buf_addc(b, ')');
		buf_adds(b, n->text);
		return;
	}
	}
}

/* Effective sets, once per pattern. */
static void prepare(struct node *n, bool icase)
{
	switch(n->kind) {
	case K_SET:
		n->eff = n->set;
		if(icase && !n->nofold)
			bs_fold(&n->eff);
		if(n->neg)
			bs_not(&n->eff);
		n->eff.b['\n' >> 3] &= (uint8_t)~(1u << ('\n' & 7));
		return;
	case K_CAT:
	case K_ALT:
		for(int i = 0; i < n->nkid; i++)
			prepare(n->kid[i], icase);
		return;
	case K_REP:
		prepare(n->sub, icase);
		return;
	default:
		return;
	}
}

/* The own matcher: position sets over 0..len (bit i: a match may be at i). */
struct pm {
	const unsigned char *s;
	size_t len, words;
};

static uint64_t *ps_new(const struct pm *m)
{
	return xmem(m->words * sizeof(uint64_t));
}

static bool ps_any(const struct pm *m, const uint64_t *p)
{
	for(size_t i = 0; i < m->words; i++)
		if(p[i])
			return true;
	return false;
}

/* Work left for the current own_search: nested repetitions can make the
 * position-set method polynomial of high degree on long lines. */
static long pm_budget;

static void apply(const struct pm *m, const struct node *n, const uint64_t *in, uint64_t *out)
{
	size_t bytes = m->words * sizeof(uint64_t);
	pm_budget -= (long)m->words + 1;
	if(pm_budget < 0) {
		memset(out, 0, bytes);
		return;
	}
	switch(n->kind) {
	case K_EMPTY:
		memcpy(out, in, bytes);
		return;
	case K_BOL:
		memset(out, 0, bytes);
		out[0] = in[0] & 1;
		return;
	case K_EOL:
		memset(out, 0, bytes);
		out[m->len / 64] = in[m->len / 64] & ((uint64_t)1 << (m->len % 64));
		return;
	case K_SET:
		memset(out, 0, bytes);
		pm_budget -= (long)m->len;
		for(size_t i = 0; i < m->len; i++)
			if(((in[i / 64] >> (i % 64)) & 1) && bs_has(&n->eff, m->s[i]))
				out[(i + 1) / 64] |= (uint64_t)1 << ((i + 1) % 64);
		return;
	case K_CAT: {
		uint64_t *a = ps_new(m), *t = ps_new(m);
		memcpy(a, in, bytes);
		for(int i = 0; i < n->nkid; i++) {
			apply(m, n->kid[i], a, t);
			uint64_t *x = a;
			a = t;
			t = x;
		}
		memcpy(out, a, bytes);
		free(a);
		free(t);
		return;
	}
	case K_ALT: {
		uint64_t *t = ps_new(m);
		memset(out, 0, bytes);
		for(int i = 0; i < n->nkid; i++) {
			apply(m, n->kid[i], in, t);
			for(size_t w = 0; w < m->words; w++)
				out[w] |= t[w];
		}
		free(t);
		return;
	}
	case K_REP: {
		/* S_0 = in, S_k = sub(S_{k-1}); out = union of S_k, min <= k <= max.
		 * The sequence is monotone (nullable sub) or moves right, so it
		 * settles within len + 2 steps. */
		uint64_t *cur = ps_new(m), *nxt = ps_new(m);
		memcpy(cur, in, bytes);
		memset(out, 0, bytes);
		for(long k = 0;; k++) {
			if(k >= n->min)
				for(size_t w = 0; w < m->words; w++)
					out[w] |= cur[w];
			if(n->max >= 0 && k >= n->max)
				break;
			if(!ps_any(m, cur))
				break;
			apply(m, n->sub, cur, nxt);
			bool same = memcmp(cur, nxt, bytes) == 0;
			uint64_t *x = cur;
			cur = nxt;
			nxt = x;
			if(same && k >= n->min)
				break;
			if(k > (long)m->len + 4 && k >= n->min && same)
				break;
		}
		free(cur);
		free(nxt);
		return;
	}
	}
}

/* 1 match, 0 no match, -1 too much work (no verdict). */
static int own_search(const struct node *n, const unsigned char *s, size_t len)
{
	struct pm m = { s, len, len / 64 + 1 };
	pm_budget = 20 * 1000 * 1000;
	uint64_t *in = ps_new(&m), *out = ps_new(&m);
	for(size_t i = 0; i <= len; i++)
		in[i / 64] |= (uint64_t)1 << (i % 64);
	apply(&m, n, in, out);
	int r = pm_budget < 0 ? -1 : ps_any(&m, out);
	free(in);
	free(out);
	return r;
}

/* ---- patterns and rules -------------------------------------------------- */

/* Patterns generated, by [is regex]: with a prefilter gram, or always run. */
static long stat_gram[2], stat_always[2];

struct pat {
	bool regex, raw;
	unsigned flags;            /* RX_ICASE */
	char *src;                 /* as written in the rule file, raw prefix included */
	struct node *ast;          /* regexes and literals alike */
	struct rx *rx;             /* rx_parse / rx_literal */
	unsigned char *lit;        /* literal bytes (literals only) */
	size_t litlen;
};

struct rule {
	int npat;
	struct pat *pat[MAX_PATS];
};

struct kase {
	uint64_t seed;
	struct arena *A;
	int nrules;
	struct rule rules[MAX_RULES];
	struct pat *pats[MAX_RULES * MAX_PATS];
	int npats;
	/* the log */
	struct buf log;
	int nlines;
	size_t *line_off, *line_len;   /* raw lines, without '\n' */
	struct buf *disp;              /* display_line of each */
	struct buf *model;             /* the generator's expectation of each display */
	bool *model_known;
	int nmodel;
	int refused;                   /* patterns failsigc refused (replaced) */
	size_t bufsize;                /* 0: FAILSIG_BUFSIZE unset */
	bool grams_only;               /* every pattern has a prefilter gram: no atom runs on every
	                                  line, so the scanner skips lines (runtime/scan.c) */
	/* hot strings for the log */
	const unsigned char *hot[MAX_RULES * MAX_PATS];
	size_t hotlen[MAX_RULES * MAX_PATS];
	int nhot;
};

/* Spell literal bytes as a rule-file string. */
static void spell_string(struct buf *b, const unsigned char *s, size_t n)
{
	buf_addc(b, '"');
	for(size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		if(c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (unsigned char)c);
		} else if(c >= 0x20 && c < 0x7f) {
			buf_addc(b, (unsigned char)c);
		} else if(c == '\t' && chance(50)) {
			buf_adds(b, "\\t");
		} else if(c == '\n') {
			buf_adds(b, "\\n");
		} else if(c == '\r' && chance(50)) {
			buf_adds(b, "\\r");
		} else if(c == 0x1b && chance(50)) {
			buf_adds(b, "\\e");
		} else {
			buf_printf(b, "\\x%02x", c);
		}
	}
	buf_addc(b, '"');
}

static bool pattern_ok(struct pat *p)
{
	size_t cap = (size_t)opt.max_states;
	return p->rx && !rx_matches_empty(p->rx) && rx_dfa_states(p->rx, cap) <= cap;
}

static struct pat *make_literal(struct kase *k, struct gen *g, const unsigned char *bytes, size_t n,
                                bool raw)
{
	struct pat *p = arena_alloc(k->A, sizeof *p);
	p->raw = raw;
	p->lit = arena_alloc(k->A, n + 1);
	memcpy(p->lit, bytes, n);
	p->litlen = n;
	struct buf b = { 0 };
	if(raw)
		buf_adds(&b, "raw ");
	spell_string(&b, bytes, n);
	p->src = arena_strdup(k->A, (char *)b.p);
	buf_free(&b);
	struct node *v[256];
	size_t m = n < 256 ? n : 256;
	for(size_t i = 0; i < m; i++) {
		v[i] = mk(g, K_SET);
		bs_add(&v[i]->set, bytes[i]);
		v[i]->text = "";
	}
	p->ast = g_cat(g, v, (int)m);
	prepare(p->ast, false);
	p->rx = rx_literal(k->A, (const char *)bytes, n, 0);
	return p;
}

/* A literal: words (sometimes an odd byte), or an extension / truncation of
 * an earlier literal, so that atoms nest and share their start. */
static struct pat *gen_literal(struct kase *k, struct gen *g, bool raw)
{
	unsigned char s[96];
	size_t n = 0;
	struct pat *base = NULL;
	if(k->npats > 0 && chance(25)) {
		struct pat *q = k->pats[rn((unsigned)k->npats)];
		if(!q->regex)
			base = q;
	}
	if(base && base->litlen > 1 && chance(50)) {
		n = (size_t)range(1, (int)base->litlen - 1);  /* a prefix */
		memcpy(s, base->lit, n);
	} else {
		if(base && base->litlen < 60) {
			memcpy(s, base->lit, base->litlen);
			n = base->litlen;
		}
		int parts = range(1, 3);
		for(int i = 0; i < parts && n < 80; i++) {
			if(chance(10)) {
				s[n++] = (unsigned char)odd_byte();
			} else {
				const char *w = word();
				size_t l = strlen(w);
				memcpy(s + n, w, l);
				n += l;
			}
		}
		if(chance(2))
			s[n++] = chance(50) ? '\n' : 0x1b;  /* can never match a displayed line */
	}
	return make_literal(k, g, s, n, raw);
}

static struct pat *gen_regex(struct kase *k, struct gen *g, bool raw)
{
	for(int attempt = 0; attempt < 100; attempt++) {
		struct pat *p = arena_alloc(k->A, sizeof *p);
		p->regex = true;
		p->raw = raw;
		p->flags = chance(25) ? RX_ICASE : 0;
		g->nodes = 0;
		g->rich = chance(50);
		struct node *root;
		if(chance(8)) {
			/* ^(a|b)$ and friends: one group between anchors. */
			struct node *v[3];
			int m = 0;
			if(chance(70))
				v[m++] = mk(g, K_BOL);
			struct node *alt = g_alt(g, 1, false);
			if(alt->nkid < 2)
				continue;
			v[m++] = alt;
			if(m == 1 || chance(60))
				v[m++] = mk(g, K_EOL);
			root = g_cat(g, v, m);
		} else {
			root = g_alt(g, 2, true);
		}
		struct buf b = { 0 };
		render(&b, root, true);
		if(b.n == 0 || b.n > 400) {
			buf_free(&b);
			continue;
		}
		struct rx_error err;
		p->rx = rx_parse(k->A, (char *)b.p, b.n, p->flags, &err);
		if(!p->rx) {
			/* A generator bug (the tree spells an invalid regex): say so. */
			printf("# generator: rx_parse refused /%s/: %s\n", (char *)b.p, err.msg);
			buf_free(&b);
			continue;
		}
		if(!pattern_ok(p)) {
			buf_free(&b);
			continue;
		}
		prepare(root, p->flags & RX_ICASE);
		p->ast = root;
		struct buf s = { 0 };
		buf_printf(&s, "%s/%s/%s", raw ? "raw " : "", (char *)b.p,
		           p->flags & RX_ICASE ? "i" : "");
		p->src = arena_strdup(k->A, (char *)s.p);
		buf_free(&s);
		buf_free(&b);
		return p;
	}
	return NULL;
}

static struct pat *gen_pattern_literal(struct kase *k, struct gen *g)
{
	struct pat *p = gen_literal(k, g, chance(10));
	k->pats[k->npats++] = p;
	k->hot[k->nhot] = p->lit;
	k->hotlen[k->nhot++] = p->litlen;
	return p;
}

static struct pat *gen_pattern(struct kase *k, struct gen *g)
{
	if(k->npats > 0 && chance(8))
		return k->pats[rn((unsigned)k->npats)];  /* the same atom in two rules */
	bool raw = chance(7);
	struct pat *p = NULL;
	struct rx_factors f;
	for(int attempt = 0; !p && attempt < 20; attempt++) {
		p = chance(35) ? gen_literal(k, g, raw) : gen_regex(k, g, raw);
		if(p && !pattern_ok(p))
			p = NULL;
		if(p && k->grams_only && !rx_required_factors(k->A, p->rx, 4, &f))
			p = NULL;
	}
	if(!p)
		p = make_literal(k, g, (const unsigned char *)"abcd", 4, raw);
	k->pats[k->npats++] = p;
	if(rx_required_factors(k->A, p->rx, 4, &f))
		stat_gram[p->regex]++;
	else
		stat_always[p->regex]++;
	if(!p->regex && k->nhot < MAX_RULES * MAX_PATS) {
		k->hot[k->nhot] = p->lit;
		k->hotlen[k->nhot++] = p->litlen;
	}
	return p;
}

/* ---- log lines and the display model ------------------------------------ */

struct linegen {
	struct buf raw, disp;
	struct buf saved;          /* disp before a '\r' that may turn out final */
	bool cr_last;              /* the last byte is a progress '\r' */
	bool known;
};

static void lg_text(struct linegen *l, const void *s, size_t n)
{
	buf_add(&l->raw, s, n);
	buf_add(&l->disp, s, n);
	if(n)
		l->cr_last = false;
}

static void lg_hidden(struct linegen *l, const char *s)
{
	buf_adds(&l->raw, s);
	if(*s)
		l->cr_last = false;
}

static void lg_cr(struct linegen *l)
{
	buf_addc(&l->raw, '\r');
	l->saved.n = 0;
	buf_add(&l->saved, l->disp.p, l->disp.n);
	l->disp.n = 0;
	l->cr_last = true;
}

static void gen_text(struct kase *k, struct linegen *l)
{
	unsigned c = rn(100);
	if(c < 30 && k->nhot > 0) {
		/* A pattern's literal, maybe altered. */
		int h = (int)rn((unsigned)k->nhot);
		unsigned char t[128];
		size_t n = k->hotlen[h] < sizeof t ? k->hotlen[h] : sizeof t;
		memcpy(t, k->hot[h], n);
		for(size_t i = 0; i < n; i++) {
			if(t[i] == '\n' || t[i] == '\r' || t[i] == 0x1b)
				t[i] = 'x';
			else if(((t[i] | 0x20) >= 'a' && (t[i] | 0x20) <= 'z') && chance(10))
				t[i] ^= 0x20;
		}
		if(n > 1 && chance(15))
			n--;
		lg_text(l, t, n);
	} else if(c < 88) {
		const char *w = word();
		lg_text(l, w, strlen(w));
	} else {
		unsigned char b = (unsigned char)odd_byte();
		lg_text(l, &b, 1);
	}
}

static void gen_ansi(struct linegen *l)
{
	static const char *const seqs[] = {
		"\x1b[31m", "\x1b[0m", "\x1b[1;32m", "\x1b[0;33;1m", "\x1b[K", "\x1b[0K",
		"\x1b[2J", "\x1b[38;5;208m", "\x1b]0;title\x07", "\x1b]8;;http://x/y\x1b\\",
		"\x1b(B", "\x1b" "7", "\x1b=", "\x1b[?25l", "\x1b[m",
	};
	lg_hidden(l, seqs[rn(sizeof seqs / sizeof seqs[0])]);
}

static void marker_name(struct buf *b)
{
	static const char *const names[] = { "build", "step_script", "a.b-c", "prepare_executor",
	                                     "x", "get_sources", "upload-artifacts" };
	buf_adds(b, names[rn(sizeof names / sizeof names[0])]);
}

static void gen_marker(struct linegen *l)
{
	struct buf m = { 0 };
	bool start = chance(60);
	buf_printf(&m, "section_%s:%u:", start ? "start" : "end", 1700000000u + rn(1000));
	marker_name(&m);
	if(start && chance(30))
		buf_adds(&m, chance(50) ? "[collapsed=true]" : "[collapsed=true,hide_duration=false]");
	buf_adds(&m, "\r\x1b[0K");
	lg_hidden(l, (char *)m.p);
	buf_free(&m);
}

/* Text that quotes a marker: shown, unless it stands alone at the end of the
 * line with nothing displayed before it (a marker whose '\r' became '\n'). */
static void gen_quoted_marker(struct linegen *l, bool last)
{
	struct buf m = { 0 };
	buf_printf(&m, "section_%s:%u:", chance(50) ? "start" : "end", rn(100000));
	marker_name(&m);
	if(last && l->disp.n == 0)
		lg_hidden(l, (char *)m.p);
	else
		lg_text(l, m.p, m.n);
	if(!last)
		lg_text(l, " ", 1);  /* so the name ends here */
	buf_free(&m);
}

/* Broken escapes with a known display. */
static void gen_broken_escape(struct linegen *l)
{
	switch(rn(3)) {
	case 0: /* CSI broken by a control byte, which stays */
		lg_hidden(l, "\x1b[3");
		lg_text(l, "\x01", 1);
		break;
	case 1: /* ESC before a non-ASCII byte is dropped alone */
		lg_hidden(l, "\x1b");
		lg_text(l, "\x80", 1);
		break;
	default: /* OSC ended by ESC \ */
		lg_hidden(l, "\x1b]2;x y\x1b\\");
		break;
	}
}

/* An escape cut off by the end of the line: dropped whole. */
static void gen_cut_escape(struct linegen *l)
{
	static const char *const cut[] = { "\x1b", "\x1b[", "\x1b[31", "\x1b]0;ti", "\x1b(" };
	lg_hidden(l, cut[rn(sizeof cut / sizeof cut[0])]);
}

static void gen_line(struct kase *k, struct linegen *l)
{
	l->raw.n = l->disp.n = 0;
	l->cr_last = false;
	l->known = true;
	unsigned kind = rn(100);
	if(kind < 6)
		return;  /* empty */
	if(kind < 6 + (unsigned)opt.long_pct / 10 + (rn(10) < (unsigned)opt.long_pct % 10)) {
		/* A long line: thousands of bytes of words. */
		size_t target = (size_t)range(1500, 40000);
		bool escapes = chance(50);  /* then the display buffer must grow too */
		while(l->raw.n < target) {
			unsigned c = rn(100);
			if(!escapes || c < 80)
				gen_text(k, l);
			else if(c < 90)
				gen_ansi(l);
			else if(c < 95)
				gen_marker(l);
			else if(c < 97)
				lg_cr(l);
			else
				gen_broken_escape(l);
		}
		if(chance(50))
			gen_text(k, l);
		return;
	}
	int segs = range(1, 12);
	bool fancy = kind >= 50;   /* half the lines carry escapes, markers, '\r' */
	for(int i = 0; i < segs; i++) {
		unsigned c = rn(100);
		if(!fancy || c < 55)
			gen_text(k, l);
		else if(c < 70)
			gen_ansi(l);
		else if(c < 78)
			gen_marker(l);
		else if(c < 86)
			lg_cr(l);
		else if(c < 90)
			gen_quoted_marker(l, false);
		else if(c < 94)
			gen_broken_escape(l);
		else
			gen_text(k, l);
	}
	if(fancy) {
		unsigned c = rn(100);
		if(c < 10)
			gen_quoted_marker(l, true);
		else if(c < 16)
			gen_cut_escape(l);
		else if(c < 22)
			lg_cr(l);  /* a final '\r': dropped, no overwrite */
	}
}

/* A '\r' that ended up the line's last byte is not an overwrite. */
static void lg_finish(struct linegen *l)
{
	if(l->cr_last) {
		l->disp.n = 0;
		buf_add(&l->disp, l->saved.p, l->saved.n);
	}
}

static void gen_log(struct kase *k)
{
	int n = chance(10) ? range(1, 3) : range(1, MAX_LINES);
	struct linegen l = { 0 };
	k->log.n = 0;
	k->model = xmem((size_t)n * sizeof *k->model);
	k->model_known = xmem((size_t)n * sizeof *k->model_known);
	k->nmodel = 0;
	for(int i = 0; i < n; i++) {
		gen_line(k, &l);
		bool last = i == n - 1;
		bool crlf = chance(12);
		bool no_nl = last && chance(25);
		if(crlf) {
			buf_addc(&l.raw, '\r');
			l.cr_last = false;  /* "\r\r\n": the earlier '\r' overwrites */
		}
		lg_finish(&l);
		if(no_nl && l.raw.n == 0)
			break;  /* nothing after the last '\n': no line */
		buf_add(&k->log, l.raw.p, l.raw.n);
		if(!no_nl)
			buf_addc(&k->log, '\n');
		buf_add(&k->model[k->nmodel], l.disp.p, l.disp.n);
		k->model_known[k->nmodel++] = l.known;
	}
	buf_free(&l.raw);
	buf_free(&l.disp);
	buf_free(&l.saved);
}

/* A log around one line of about 4 MiB or more, for the reader's split of
 * long lines into pieces: pattern literals are planted across the piece
 * boundaries. */
static void gen_huge_log(struct kase *k)
{
	int before = range(0, 3), after = range(0, 3);
	int n = before + 1 + after;
	struct linegen l = { 0 };
	k->log.n = 0;
	k->model = xmem((size_t)n * sizeof *k->model);
	k->model_known = xmem((size_t)n * sizeof *k->model_known);
	k->nmodel = 0;
	for(int i = 0; i < n; i++) {
		if(i != before) {
			gen_line(k, &l);
			lg_finish(&l);
		} else {
			static const long delta[] = { -1, 0, 1, 2, 7, 100, 4096, HUGE, HUGE + 3 };
			size_t target = (size_t)(HUGE + delta[rn(sizeof delta / sizeof delta[0])]);
			l.raw.n = l.disp.n = 0;
			bool escapes = chance(50);
			while(l.raw.n < target) {
				unsigned c = rn(100);
				if(c < 97) {
					/* Filler the literals hardly contain: the planted
					 * ones decide. */
					char f = " -=~%0123456789"[rn(15)];
					lg_text(&l, &f, 1);
				} else if(!escapes || c < 98)
					gen_text(k, &l);
				else if(c < 99)
					gen_ansi(&l);
				else if(rn(4) == 0)
					lg_cr(&l);
				else
					gen_marker(&l);
			}
			l.raw.n = target;
			/* Plant literals across every piece boundary and elsewhere. */
			for(size_t b = HUGE; b < target + HUGE && k->nhot > 0; b += HUGE) {
				for(int t = 0; t < 4; t++) {
					int h = (int)rn((unsigned)k->nhot);
					size_t len = k->hotlen[h];
					if(len < 2 || len > 64)
						continue;
					size_t at = b - (size_t)range(0, (int)len);
					if(t == 3)
						at = rn((unsigned)(target - len));
					if(at + len > target)
						continue;
					for(size_t j = 0; j < len; j++) {
						unsigned char c = k->hot[h][j];
						l.raw.p[at + j] = c == '\n' || c == '\r' || c == 0x1b ? 'x' : c;
					}
				}
			}
		}
		bool last = i == n - 1;
		bool no_nl = last && chance(25);
		if(no_nl && l.raw.n == 0)
			break;
		buf_add(&k->log, l.raw.p, l.raw.n);
		if(!no_nl)
			buf_addc(&k->log, '\n');
		buf_add(&k->model[k->nmodel], l.disp.p, l.disp.n);
		k->model_known[k->nmodel++] = i != before;
	}
	buf_free(&l.raw);
	buf_free(&l.disp);
	buf_free(&l.saved);
}

/* Split the log as failsig numbers lines; compute display_line of each. */
static void split_log(struct kase *k)
{
	size_t cap = 16;
	k->line_off = xmem(cap * sizeof *k->line_off);
	k->line_len = xmem(cap * sizeof *k->line_len);
	k->nlines = 0;
	size_t i = 0;
	while(i < k->log.n) {
		const unsigned char *nl = memchr(k->log.p + i, '\n', k->log.n - i);
		size_t end = nl ? (size_t)(nl - k->log.p) : k->log.n;
		if((size_t)k->nlines == cap) {
			cap *= 2;
			k->line_off = realloc(k->line_off, cap * sizeof *k->line_off);
			k->line_len = realloc(k->line_len, cap * sizeof *k->line_len);
		}
		k->line_off[k->nlines] = i;
		k->line_len[k->nlines] = end - i;
		k->nlines++;
		i = end + 1;
	}
	k->disp = xmem((size_t)(k->nlines ? k->nlines : 1) * sizeof *k->disp);
	for(int n = 0; n < k->nlines; n++) {
		const unsigned char *raw = k->log.p + k->line_off[n];
		size_t len = k->line_len[n];
		struct buf *d = &k->disp[n];
		if(len > HUGE)
			len = HUGE;  /* the first piece; pat_matches does the others */
		buf_reserve(d, len + 1);
		struct display_event ev[64];
		size_t nev = 0;
		d->n = display_line(raw, len, d->p, ev, 64, &nev);
		d->p[d->n] = 0;
	}
}

/* ---- running failsigc and the matcher ----------------------------------- */

/* Run argv with stdout and stderr to files; FAILSIG_BUFSIZE set to bufsize
 * (or unset). Returns the exit status, 128 + signal, or -1 on a timeout. */
static int run(const char *const argv[], const char *out, const char *err, size_t bufsize,
               int timeout)
{
	pid_t pid = fork();
	if(pid < 0)
		die("fork: %s", strerror(errno));
	if(pid == 0) {
		int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if(fo < 0 || fe < 0)
			_exit(126);
		dup2(fo, 1);
		dup2(fe, 2);
		close(fo);
		close(fe);
		if(bufsize) {
			char v[32];
			snprintf(v, sizeof v, "%zu", bufsize);
			setenv("FAILSIG_BUFSIZE", v, 1);
		} else {
			unsetenv("FAILSIG_BUFSIZE");
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for(;;) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if(r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if(r < 0 && errno != EINTR)
			die("waitpid: %s", strerror(errno));
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if(t.tv_sec - t0.tv_sec > timeout) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		struct timespec d = { 0, 2000000 };
		nanosleep(&d, NULL);
	}
}

static void rule_text(struct buf *b, int id, const struct rule *r)
{
	buf_printf(b, "rule r%d \"t\" { ticket \"t\"", id);
	for(int p = 0; p < r->npat; p++)
		buf_printf(b, " match %s", r->pat[p]->src);
	buf_adds(b, " example \"x\" }\n");
}

/* failsig's hits: per rule, the kept lines, their texts and nhits. */
struct actual {
	int nlines;
	long nhits[MAX_RULES];
	int nkept[MAX_RULES];
	long kept[MAX_RULES][MAX_KEPT];
	char *text[MAX_RULES][MAX_KEPT];
};

static void actual_free(struct actual *a)
{
	for(int r = 0; r < MAX_RULES; r++)
		for(int i = 0; i < a->nkept[r]; i++)
			free(a->text[r][i]);
}

/* Parse the JSON output; false with a message on anything unexpected. */
static bool parse_output(const char *path, int nrules, struct actual *a, char *why, size_t whylen)
{
	memset(a, 0, sizeof *a);
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	if(!root) {
		snprintf(why, whylen, "output is not JSON: %s (line %d)", je.text, je.line);
		return false;
	}
	bool ok = false;
	json_t *fired = json_object_get(root, "fired");
	json_t *lines = json_object_get(root, "lines");
	if(!json_is_array(fired) || !json_is_integer(lines)) {
		snprintf(why, whylen, "output lacks \"fired\" or \"lines\"");
		goto out;
	}
	a->nlines = (int)json_integer_value(lines);
	size_t i;
	json_t *f;
	json_array_foreach(fired, i, f) {
		const char *id = json_string_value(json_object_get(f, "id"));
		json_t *hits = json_object_get(f, "hits");
		json_t *nh = json_object_get(f, "nhits");
		int r;
		if(!id || sscanf(id, "r%d", &r) != 1 || r < 0 || r >= nrules || !json_is_array(hits) ||
		   !json_is_integer(nh)) {
			snprintf(why, whylen, "unexpected fired entry %zu", i);
			goto out;
		}
		if(a->nhits[r] || a->nkept[r]) {
			snprintf(why, whylen, "rule %s fired twice", id);
			goto out;
		}
		a->nhits[r] = (long)json_integer_value(nh);
		size_t j;
		json_t *h;
		json_array_foreach(hits, j, h) {
			json_t *ln = json_object_get(h, "line");
			const char *text = json_string_value(json_object_get(h, "text"));
			if(!json_is_integer(ln) || !text || a->nkept[r] >= MAX_KEPT) {
				snprintf(why, whylen, "rule %s: bad hit %zu", id, j);
				goto out;
			}
			a->kept[r][a->nkept[r]] = (long)json_integer_value(ln);
			a->text[r][a->nkept[r]] = strdup(text);
			a->nkept[r]++;
		}
	}
	ok = true;
out:
	json_decref(root);
	return ok;
}

/* ---- the reference -------------------------------------------------------- */

static bool contains(const unsigned char *s, size_t n, const unsigned char *w, size_t m)
{
	if(m == 0)
		return true;
	for(const unsigned char *q = s; n >= m && (q = memchr(q, w[0], n - m + 1 - (size_t)(q - s)));
	    q++)
		if(memcmp(q, w, m) == 0)
			return true;
	return false;
}

static bool search(const struct pat *p, const unsigned char *s, size_t n)
{
	if(n > OWN_MATCH_MAX && !p->regex)  /* huge lines: a literal is a substring */
		return contains(s, n, p->lit, p->litlen);
	return rx_search(p->rx, s, n);
}

/* A line longer than HUGE is matched in pieces of HUGE bytes (the reader's
 * max_line), each displayed on its own, all with the line's number. */
static bool pat_matches(const struct pat *p, const struct kase *k, int line)
{
	const unsigned char *raw = k->log.p + k->line_off[line];
	size_t len = k->line_len[line];
	if(len <= HUGE) {
		if(p->raw)
			return search(p, raw, len);
		return search(p, k->disp[line].p, k->disp[line].n);
	}
	bool found = false;
	unsigned char *d = xmem(HUGE);
	for(size_t off = 0; off < len && !found; off += HUGE) {
		size_t n = len - off < HUGE ? len - off : HUGE;
		if(p->raw) {
			found = search(p, raw + off, n);
		} else {
			size_t dn = display_line(raw + off, n, d, NULL, 0, NULL);
			found = search(p, d, dn);
		}
	}
	free(d);
	return found;
}

static bool rule_matches(const struct rule *r, const struct kase *k, int line)
{
	for(int p = 0; p < r->npat; p++)
		if(pat_matches(r->pat[p], k, line))
			return true;
	return false;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Does s hold one of the factors (lower-cased ones without case)? */
static bool holds_factor(const struct rx_factors *f, const unsigned char *s, size_t n)
{
	for(size_t j = 0; j < f->n; j++) {
		const struct rx_factor *x = &f->v[j];
		for(size_t i = 0; i + x->len <= n; i++) {
			size_t m = 0;
			while(m < x->len && (x->icase ? lower(s[i + m]) == x->bytes[m] : s[i + m] == x->bytes[m]))
				m++;
			if(m == x->len)
				return true;
		}
	}
	return false;
}

static bool printable(const unsigned char *s, size_t n)
{
	if(n > TEXT_MAX)
		return false;
	for(size_t i = 0; i < n; i++)
		if(s[i] < 0x20 || s[i] >= 0x7f)
			return false;
	return true;
}

/* ---- one case ---------------------------------------------------------- */

static long test_no;
static long failures;
static long total_refused, total_factor_bad, total_own_skipped, total_build_fail;
static long total_hits, total_lines, total_rules, total_mismatch_pairs, total_ref_disagree,
	total_display_disagree;

static void case_free(struct kase *k)
{
	buf_free(&k->log);
	for(int i = 0; i < k->nlines; i++)
		buf_free(&k->disp[i]);
	free(k->disp);
	free(k->line_off);
	free(k->line_len);
	if(k->model) {
		for(int i = 0; i < k->nmodel; i++)
			buf_free(&k->model[i]);
		free(k->model);
	}
	free(k->model_known);
	arena_free(k->A);
}

static void rm_rf(const char *dir)
{
	const char *const argv[] = { "/bin/rm", "-rf", dir, NULL };
	pid_t pid = fork();
	if(pid == 0) {
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
}

/* Build rules, scan log; 0 ok with *a filled, else a message in why. */
static int build_and_scan(const char *dir, const char *rules_text, size_t rules_len,
                          const unsigned char *log, size_t loglen, size_t bufsize, int nrules,
                          struct actual *a, char *why, size_t whylen)
{
	char rules[4096], logp[4096], bin[4096], out[4096], err[4096], berr[4096], bout[4096];
	pathf(rules, sizeof rules, "%s/case.rules", dir);
	pathf(logp, sizeof logp, "%s/case.log", dir);
	pathf(bin, sizeof bin, "%s/case.bin", dir);
	pathf(out, sizeof out, "%s/scan.json", dir);
	pathf(err, sizeof err, "%s/scan.err", dir);
	pathf(berr, sizeof berr, "%s/build.err", dir);
	pathf(bout, sizeof bout, "%s/build.out", dir);
	if(!write_file(rules, rules_text, rules_len) || !write_file(logp, log, loglen))
		die("cannot write into %s", dir);
	const char *const bargv[] = { opt.failsigc, "build", rules, "-o", bin, NULL };
	int rc = run(bargv, bout, berr, 0, opt.build_timeout);
	if(rc != 0) {
		snprintf(why, whylen, "failsigc build failed (status %d%s); see %.300s", rc,
		         rc < 0 ? ", timeout" : "", berr);
		return rc == 1 ? -2 : -1;
	}
	const char *const sargv[] = { bin, "scan", "--format", "json", logp, NULL };
	rc = run(sargv, out, err, bufsize, 60);
	if(rc != 0 && rc != 1) {
		snprintf(why, whylen, "scan exited with status %d%s; see %.300s", rc,
		         rc < 0 ? " (timeout)" : "", err);
		return -1;
	}
	if(!parse_output(out, nrules, a, why, whylen))
		return -1;
	return 0;
}

/* Re-run one (rule, line) pair alone; 1 if it still differs, 0 if not, -1
 * if the run failed. */
static int minimise(const struct kase *k, const char *dir, int rule, int line, bool expect)
{
	char sub[4096];
	pathf(sub, sizeof sub, "%s/min-r%d-l%d", dir, rule, line + 1);
	mkdir(sub, 0755);
	struct buf rt = { 0 };
	rule_text(&rt, 0, &k->rules[rule]);
	struct buf lg = { 0 };
	buf_add(&lg, k->log.p + k->line_off[line], k->line_len[line]);
	buf_addc(&lg, '\n');
	struct actual *a = xmem(sizeof *a);
	char why[512];
	int res;
	if(build_and_scan(sub, (char *)rt.p, rt.n, lg.p, lg.n, k->bufsize, 1, a, why, sizeof why)) {
		printf("#   alone: %s\n", why);
		res = -1;
	} else {
		bool got = a->nhits[0] > 0;
		res = got != expect;
		printf("#   alone (1 rule, 1 line%s%s): %s  [%s]\n", k->bufsize ? ", FAILSIG_BUFSIZE=" : "",
		       k->bufsize ? (snprintf(why, sizeof why, "%zu", k->bufsize), why) : "",
		       res ? "still differs" : "agrees", sub);
	}
	actual_free(a);
	free(a);
	buf_free(&rt);
	buf_free(&lg);
	return res;
}

/* The byte column (0-based) where pattern p of rule id starts in rule_text. */
static size_t pattern_column(int id, const struct rule *r, int p)
{
	struct buf b = { 0 };
	buf_printf(&b, "rule r%d \"t\" { ticket \"t\"", id);
	for(int i = 0; i < p; i++)
		buf_printf(&b, " match %s", r->pat[i]->src);
	buf_adds(&b, " match ");
	size_t n = b.n;
	buf_free(&b);
	return n;
}

/* failsigc refused some patterns (diagnostics "case.rules:L:C: error:"): put
 * fresh ones in their place. False if an error names no pattern. */
static bool replace_refused(struct kase *k, struct gen *g, const char *dir, struct buf *msg)
{
	char path[4200];
	pathf(path, sizeof path, "%s/build.err", dir);
	FILE *f = fopen(path, "r");
	if(!f)
		return false;
	char line[4096];
	int replaced = 0;
	bool unknown = false;
	while(fgets(line, sizeof line, f)) {
		char *at = strstr(line, "case.rules:");
		if(!at || !strstr(line, ": error: "))
			continue;
		int ln, col;
		if(sscanf(at, "case.rules:%d:%d:", &ln, &col) != 2 || ln < 2 || ln - 2 >= k->nrules) {
			unknown = true;
			continue;
		}
		struct rule *r = &k->rules[ln - 2];
		int which = -1;
		for(int p = 0; p < r->npat; p++) {
			size_t c0 = pattern_column(ln - 2, r, p);
			if((size_t)col - 1 >= c0 && (size_t)col - 1 < c0 + strlen(r->pat[p]->src))
				which = p;
		}
		if(which < 0) {
			unknown = true;
			continue;
		}
		line[strcspn(line, "\n")] = 0;
		const char *m = strstr(line, ": error: ") + 9;
		buf_printf(msg, "# note: failsigc refused %s (%.160s)\n", r->pat[which]->src, m);
		k->refused++;
		r->pat[which] = gen_pattern(k, g);
		replaced++;
	}
	fclose(f);
	return replaced > 0 && !unknown;
}

/* Append the error lines of failsigc's stderr (not its warnings) to b. */
static void append_errors(struct buf *b, const char *path, const char *prefix, int maxlines)
{
	FILE *f = fopen(path, "r");
	if(!f)
		return;
	char line[512];
	int n = 0, ctx = 0;
	while(n < maxlines && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		bool warn = strstr(line, ": warning: ") != NULL || strstr(line, "warnings generated");
		if(warn) {
			ctx = 0;
			continue;
		}
		if(strstr(line, ": error: ") || strstr(line, ": note: "))
			ctx = 2;
		else if(ctx > 0)
			ctx--;
		else if(line[0] == ' ')
			continue;  /* the source excerpt of a warning */
		buf_printf(b, "%s%s\n", prefix, line);
		n++;
	}
	fclose(f);
}

struct pair {
	int rule, line;
	bool expect;
};

static void run_case(uint64_t seed)
{
	struct kase *k = xmem(sizeof *k);
	k->seed = seed;
	k->A = arena_new();
	rng = seed * 0x2545f4914f6cdd1du + 0x1234567u;
	struct gen g = { .A = k->A };

	/* A huge case (from its own draw, so that the other cases stay the
	 * same whatever -H says): literal rules only, one line of ~4 MiB. */
	uint64_t hs = seed ^ 0x68756765u;
	hs = (hs ^ (hs >> 31)) * 0x7fb5d329728ea185u;
	hs ^= hs >> 27;
	bool huge = (int)(hs % 1000) < opt.huge_permille;
	k->grams_only = (int)((hs >> 10) % 100) < opt.grams_pct;

	/* Rules. */
	k->nrules = huge ? range(1, 8) : chance(10) ? range(1, 3) : range(1, MAX_RULES);
	for(int r = 0; r < k->nrules; r++) {
		k->rules[r].npat = chance(15) ? 2 : 1;
		for(int p = 0; p < k->rules[r].npat; p++)
			k->rules[r].pat[p] = huge ? gen_pattern_literal(k, &g) : gen_pattern(k, &g);
	}
	/* The log, with the model of each line's display. */
	k->bufsize = chance((unsigned)opt.bufsize_pct) ? (size_t)(chance(50) ? range(16, 80)
	                                                                     : range(81, 4096))
	                                               : 0;
	if(huge)
		gen_huge_log(k);
	else
		gen_log(k);
	split_log(k);

	if(k->nmodel != k->nlines)
		die("case %llu: generated %d lines, the log has %d", (unsigned long long)seed, k->nmodel,
		    k->nlines);

	char dir[4096];
	pathf(dir, sizeof dir, "%s/case-%llu", opt.workdir, (unsigned long long)seed);
	mkdir(dir, 0755);

	struct buf rt = { 0 };
	struct buf msg = { 0 }, e1 = { 0 }, e2 = { 0 };
	bool fail = false;
	long hits = 0;

	/* failsig. */
	struct actual *a = xmem(sizeof *a);
	char why[512];
	int mism = 0;
	struct pair minv[MAX_MINIMISE];
	int nmin = 0;
	int brc;
	for(int attempt = 0;; attempt++) {
		rt.n = 0;
		buf_printf(&rt, "# diffscan case %llu\n", (unsigned long long)seed);
		for(int r = 0; r < k->nrules; r++)
			rule_text(&rt, r, &k->rules[r]);
		if(opt.reference_only) {
			brc = 0;
			break;
		}
		brc = build_and_scan(dir, (char *)rt.p, rt.n, k->log.p, k->log.n, k->bufsize, k->nrules,
		                     a, why, sizeof why);
		if(brc != -2 || attempt == 5 || !replace_refused(k, &g, dir, &msg))
			break;
	}
	/* The reference, and the checks of the reference. */
	bool *ref = xmem((size_t)k->nrules * (size_t)(k->nlines ? k->nlines : 1));
	for(int ln = 0; ln < k->nlines; ln++) {
		const struct buf *d = &k->disp[ln];
		if(k->model_known[ln] && (d->n != k->model[ln].n || memcmp(d->p, k->model[ln].p, d->n))) {
			const unsigned char *raw = k->log.p + k->line_off[ln];
			buf_printf(&msg, "# display: line %d: display_line gives %s", ln + 1,
			           esc(&e1, d->p, d->n, 200));
			buf_printf(&msg, ", the model %s\n", esc(&e1, k->model[ln].p, k->model[ln].n, 200));
			buf_printf(&msg, "#   raw %s\n", esc(&e1, raw, k->line_len[ln], 300));
			total_display_disagree++;
			fail = true;
		}
		for(int r = 0; r < k->nrules; r++) {
			ref[r * k->nlines + ln] = rule_matches(&k->rules[r], k, ln);
			hits += ref[r * k->nlines + ln];
		}
	}
	for(int i = 0; i < k->npats; i++) {
		const struct pat *p = k->pats[i];
		for(int ln = 0; ln < k->nlines; ln++) {
			const unsigned char *s = p->raw ? k->log.p + k->line_off[ln] : k->disp[ln].p;
			size_t n = p->raw ? k->line_len[ln] : k->disp[ln].n;
			if(n > OWN_MATCH_MAX)
				continue;
			int want = own_search(p->ast, s, n);
			bool got = rx_search(p->rx, s, n);
			if(want < 0)
				total_own_skipped++;
			if(want >= 0 && want != got) {
				buf_printf(&msg, "# reference: %s on line %d %s: rx_search says %s, the tree %s\n",
				           p->src, ln + 1, esc(&e1, s, n, 200), got ? "match" : "no match",
				           want ? "match" : "no match");
				total_ref_disagree++;
				fail = true;
				break;
			}
			/* The prefilter's promise: a line that matches holds a factor. */
			struct rx_factors f;
			if(got && rx_required_factors(k->A, p->rx, 4, &f) && !holds_factor(&f, s, n)) {
				buf_printf(&msg, "# factors: %s matches line %d %s, which holds none of its "
				                 "required factors:", p->src, ln + 1, esc(&e1, s, n, 200));
				for(size_t j = 0; j < f.n; j++)
					buf_printf(&msg, " %s%s", esc(&e1, f.v[j].bytes, f.v[j].len, 80),
					           f.v[j].icase ? "/i" : "");
				buf_addc(&msg, '\n');
				total_factor_bad++;
				fail = true;
				break;
			}
		}
	}

	if(brc) {
		buf_printf(&msg, "# %s\n", why);
		char berr[4200];
		pathf(berr, sizeof berr, "%s/build.err", dir);
		append_errors(&msg, berr, "#   ", 30);
		pathf(berr, sizeof berr, "%s/scan.err", dir);
		append_errors(&msg, berr, "#   ", 30);  /* a sanitizer's report, say */
		total_build_fail++;
		fail = true;
	} else if(!opt.reference_only) {
		if(a->nlines != k->nlines) {
			buf_printf(&msg, "# failsig counts %d lines, the reference %d\n", a->nlines,
			           k->nlines);
			fail = true;
		}
		struct pair todo[MAX_MINIMISE];
		int ntodo = 0;
		for(int r = 0; r < k->nrules; r++) {
			/* Expected lines, in order. */
			long exp[MAX_LINES + 1];
			int nexp = 0;
			for(int ln = 0; ln < k->nlines; ln++)
				if(ref[r * k->nlines + ln])
					exp[nexp++] = ln + 1;
			bool rule_bad = a->nhits[r] != nexp;
			/* Merge the two sorted lists. */
			int i = 0, j = 0;
			while(i < nexp || j < a->nkept[r]) {
				long le = i < nexp ? exp[i] : LONG_MAX;
				long la = j < a->nkept[r] ? a->kept[r][j] : LONG_MAX;
				if(j > 0 && j < a->nkept[r] && a->kept[r][j] <= a->kept[r][j - 1]) {
					buf_printf(&msg, "# rule r%d: hit lines out of order or repeated at %ld\n", r,
					           a->kept[r][j]);
					rule_bad = true;
				}
				if(le == la) {
					int ln = (int)le - 1;
					const struct buf *d = &k->disp[ln];
					/* Text: the displayed line (what eval copies). */
					if(k->line_len[ln] <= HUGE && printable(d->p, d->n) &&
					   (strlen(a->text[r][j]) != d->n || memcmp(a->text[r][j], d->p, d->n))) {
						buf_printf(&msg, "# rule r%d line %ld: hit text %s", r, le,
						           esc(&e1, (const unsigned char *)a->text[r][j],
						               strlen(a->text[r][j]), 200));
						buf_printf(&msg, ", displayed line %s\n", esc(&e2, d->p, d->n, 200));
						rule_bad = true;
					}
					i++, j++;
					continue;
				}
				rule_bad = true;
				bool in_ref = le < la;
				long lnum = in_ref ? le : la;
				if(in_ref)
					i++;
				else
					j++;
				mism++;
				total_mismatch_pairs++;
				if(mism > MAX_REPORT)
					continue;
				if(lnum < 1 || lnum > k->nlines) {
					buf_printf(&msg, "# rule r%d: failsig reports line %ld, the log has %d\n", r,
					           lnum, k->nlines);
					continue;
				}
				int ln = (int)lnum - 1;
				const struct rule *ru = &k->rules[r];
				buf_printf(&msg, "# MISMATCH seed %llu rule r%d line %ld: %s\n",
				           (unsigned long long)seed, r, lnum,
				           in_ref ? "reference matches, failsig does not"
				                  : "failsig matches, reference does not");
				for(int p = 0; p < ru->npat; p++)
					buf_printf(&msg, "#   pattern %s (reference: %s)\n", ru->pat[p]->src,
					           pat_matches(ru->pat[p], k, ln) ? "match" : "no match");
				buf_printf(&msg, "#   raw       %s\n",
				           esc(&e1, k->log.p + k->line_off[ln], k->line_len[ln], 300));
				buf_printf(&msg, "#   displayed %s\n", esc(&e1, k->disp[ln].p, k->disp[ln].n, 300));
				if(ntodo < MAX_MINIMISE) {
					todo[ntodo].rule = r;
					todo[ntodo].line = ln;
					todo[ntodo].expect = in_ref;
					ntodo++;
				}
			}
			if(rule_bad && a->nhits[r] != nexp)
				buf_printf(&msg, "# rule r%d: nhits %ld, reference %d\n", r, a->nhits[r], nexp);
			if(rule_bad)
				fail = true;
		}
		if(mism > MAX_REPORT)
			buf_printf(&msg, "# ... %d mismatching (rule, line) pairs in all\n", mism);
		if(fail && opt.minimise)
			nmin = ntodo;
		memcpy(minv, todo, sizeof todo);
	}
	actual_free(a);
	free(a);

	test_no++;
	total_hits += hits;
	total_lines += k->nlines;
	total_rules += k->nrules;
	total_refused += k->refused;
	char bs[48] = "";
	if(k->bufsize)
		snprintf(bs, sizeof bs, ", FAILSIG_BUFSIZE=%zu", k->bufsize);
	printf("%s %ld - case %llu: %d rules, %d lines, %ld hits%s\n", fail ? "not ok" : "ok", test_no,
	       (unsigned long long)seed, k->nrules, k->nlines, hits, bs);
	if(fail) {
		if(msg.n)
			fputs((char *)msg.p, stdout);
		fflush(stdout);
		for(int t = 0; t < nmin; t++)
			minimise(k, dir, minv[t].rule, minv[t].line, minv[t].expect);
		char repro[4200];
		pathf(repro, sizeof repro, "%s/repro.sh", dir);
		FILE *f = fopen(repro, "w");
		if(f) {
			fprintf(f, "#!/bin/sh\n# diffscan case %llu: rerun with diffscan -s %llu -n 1 -S %d "
			           "-b %d -l %d -H %d\ncd \"$(dirname \"$0\")\"\n",
			        (unsigned long long)seed, (unsigned long long)seed, opt.max_states,
			        opt.bufsize_pct, opt.long_pct, opt.huge_permille);
			if(k->bufsize)
				fprintf(f, "export FAILSIG_BUFSIZE=%zu\n", k->bufsize);
			fprintf(f, "%s build case.rules -o case.bin && ./case.bin scan --format json case.log\n",
			        opt.failsigc);
			fclose(f);
		}
		printf("# files kept in %s\n", dir);
		failures++;
	} else if(!opt.keep_all) {
		rm_rf(dir);
	}
	fflush(stdout);
	free(ref);
	buf_free(&rt);
	buf_free(&msg);
	buf_free(&e1);
	buf_free(&e2);
	buf_free(&g.tmp);
	case_free(k);
	free(k);
}

static void usage(void)
{
	fputs("usage: diffscan [-c FAILSIGC] [-s SEED] [-n CASES] [-w WORKDIR] [-k] [-M]\n"
	      "                [-b PCT] [-l PERMILLE] [-H PERMILLE] [-G PCT] [-T SECONDS] [-R]\n"
	      "                [-S STATES]\n"
	      "  -c FAILSIGC  the rule compiler (default build/failsigc)\n"
	      "  -s SEED      seed of the first case (default 1); case i has seed SEED+i,\n"
	      "               so `-s S -n 1` replays case S\n"
	      "  -n CASES     number of cases (default 30)\n"
	      "  -w WORKDIR   where cases are built (default a new /tmp/diffscan.XXXXXX);\n"
	      "               failing cases stay in WORKDIR/case-S\n"
	      "  -k           keep every case's files\n"
	      "  -M           do not re-run mismatches alone\n"
	      "  -b PCT       percent of cases run with a small FAILSIG_BUFSIZE (default 40)\n"
	      "  -l PERMILLE  per mille of long lines (default 15)\n"
	      "  -H PERMILLE  per mille of cases with a line of 4 MiB or more, matched in\n"
	      "               pieces (default 20)\n"
	      "  -G PCT       percent of cases whose every pattern has a prefilter gram, so\n"
	      "               that the scanner skips lines unread (default 40)\n"
	      "  -T SECONDS   a build that takes longer fails the case (default 120)\n"
	      "  -R           reference checks only (display model, own matcher, factors):\n"
	      "               no failsig build, thousands of cases a minute\n"
	      "  -S STATES    DFA states of one pattern, at most (default 2000, failsigc's\n"
	      "               limit); smaller patterns make quicker builds\n"
	      "Replaying a case needs the same -S -b -l -H -G as the run that found it.\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	int c;
	while((c = getopt(argc, argv, "c:s:n:w:kMb:l:H:G:T:RS:h")) != -1) {
		switch(c) {
		case 'c': opt.failsigc = optarg; break;
		case 's': opt.seed = strtoull(optarg, NULL, 10); break;
		case 'n': opt.cases = strtol(optarg, NULL, 10); break;
		case 'w': opt.workdir = optarg; break;
		case 'k': opt.keep_all = true; break;
		case 'M': opt.minimise = false; break;
		case 'b': opt.bufsize_pct = atoi(optarg); break;
		case 'l': opt.long_pct = atoi(optarg); break;
		case 'H': opt.huge_permille = atoi(optarg); break;
		case 'G': opt.grams_pct = atoi(optarg); break;
		case 'T': opt.build_timeout = atoi(optarg); break;
		case 'R': opt.reference_only = true; break;
		case 'S': opt.max_states = atoi(optarg); break;
		default: usage();
		}
	}
	if(optind != argc)
		usage();
	if(access(opt.failsigc, X_OK) != 0)
		die("%s: not executable", opt.failsigc);
	/* failsigc is run from other directories' point of view: make it absolute. */
	static char abs_fc[4096];
	if(opt.failsigc[0] != '/') {
		char cwd[3000];
		if(!getcwd(cwd, sizeof cwd))
			die("getcwd: %s", strerror(errno));
		pathf(abs_fc, sizeof abs_fc, "%s/%s", cwd, opt.failsigc);
		opt.failsigc = abs_fc;
	}
	static char tmpl[] = "/tmp/diffscan.XXXXXX";
	bool own_workdir = false;
	if(!opt.workdir) {
		if(!mkdtemp(tmpl))
			die("mkdtemp: %s", strerror(errno));
		opt.workdir = tmpl;
		own_workdir = true;
	} else {
		mkdir(opt.workdir, 0755);
	}
	printf("1..%ld\n", opt.cases);
	printf("# diffscan: seeds %llu..%llu (replay one: -s SEED -n 1 -S %d -b %d -l %d -H %d -G %d), "
	       "work directory %s\n",
	       (unsigned long long)opt.seed, (unsigned long long)(opt.seed + (uint64_t)opt.cases - 1),
	       opt.max_states, opt.bufsize_pct, opt.long_pct, opt.huge_permille, opt.grams_pct,
	       opt.workdir);
	fflush(stdout);
	for(long i = 0; i < opt.cases; i++)
		run_case(opt.seed + (uint64_t)i);
	printf("# %ld cases, %ld failed; %ld rules, %ld lines, %ld reference hits; %ld mismatching "
	       "(rule, line) pairs, %ld failed builds or scans, %ld reference disagreements, %ld "
	       "display-model disagreements; %ld patterns refused by failsigc and replaced\n",
	       opt.cases, failures, total_rules, total_lines, total_hits, total_mismatch_pairs,
	       total_build_fail, total_ref_disagree, total_display_disagree, total_refused);
	printf("# %ld lines that match a pattern but hold none of its required factors; "
	       "%ld (pattern, line) pairs too costly for the own matcher\n",
	       total_factor_bad, total_own_skipped);
	printf("# patterns: %ld literals, %ld regexes with a 4-byte factor (prefilter); %ld literals, "
	       "%ld regexes without (always run)\n",
	       stat_gram[0], stat_gram[1], stat_always[0], stat_always[1]);
	if(own_workdir && !failures && !opt.keep_all)
		rmdir(opt.workdir);
	else if(failures)
		printf("# failing cases kept under %s\n", opt.workdir);
	return failures ? 1 : 0;
}
