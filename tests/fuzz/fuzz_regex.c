/* fuzz_regex.c — the regex front end (compiler/regex.c) on any pattern body.
 *
 * Input: byte 0 holds flags (bit 0: RX_ICASE; the other bits seed the
 * choices of the line generator below); the rest is the body of /body/.
 *
 * regex.c is #included, not linked, so that its private position-set matcher
 * (fb_search) can be compared with rx_search's NFA simulation: two
 * independent matchers over the same tree must agree on every line.
 *
 * A body that does not parse must come with a sane error (offset inside the
 * body, length >= 1, a message on one line when the body is). A body that parses goes through
 * every pass the compiler runs — rx_matches_empty, rx_size_estimate,
 * rx_dfa_states (the size guard: in [1, cap + 1], and a smaller cap gives
 * the same count or cap + 1), rx_required_factors, rx_emit_re2c (into a
 * roomy and a tiny capped buffer) — and, when its size estimate is under the lint limit check.c uses, is
 * searched over fixed log lines, the input itself (up to its first '\n'), the
 * empty line and lines generated from the tree. Checked on every line L:
 *   - rx_search(r, L) == fb_search(r, L)                  (differential)
 *   - rx_search(r, "") == rx_matches_empty(r)
 *   - rx_search(r, L) implies L contains one of the required factors
 *   - with RX_ICASE, swapping the case of L's letters changes nothing, and
 *     (without a negated class) a match of the case-sensitive parse is a
 *     match of the icase one
 *   - a generated line (a member of the language by construction) matches
 *   - rx_literal(L) matches L, and its DFA has len(L) + 1 states (KMP)
 * and the re2c text has balanced quotes, classes and parentheses. */
#include "../../compiler/regex.c"
#include "fuzz.h"

enum {
	LINT_ESTIMATE = 20000,  /* check.c's MAX_DFA_ESTIMATE: larger patterns are refused */
	SEARCH_PROG = 4000,     /* NFA programs searched at all (keeps the fuzzer fast) */
	DIFF_PROG = 1000,       /* programs compared with the position-set matcher */
	LINE_MAX_LEN = 256,     /* longest line searched */
	GEN_MAX = 512,          /* longest generated line */
	GEN_TRIES = 4,
	FACTOR_MIN = 4,         /* check.c's MIN_GRAM */
	DFA_CAP = 2000,         /* check.c's MAX_ATOM_STATES */
	DFA_SMALL_CAP = 200,    /* a second, smaller cap: the same count or cap + 1 */
};

static const char *const fixed_lines[] = {
	"",
	"Running with gitlab-runner 15.5.1 (v15.5.1)",
	"ERROR: Job failed: exit code 1",
	"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
	"compiler/GHC/Tc/Solver.hs:123:5: error: [GHC-88464]",
	"ghc: out of memory allocating 1048576 bytes",
	"fatal: unable to access 'https://gitlab.haskell.org/ghc/ghc.git/': The requested URL returned error: 503",
	"No space left on device",
	"\tat org.example.Main(Main.java:42)",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	"AbCdEfGhIjKlMnOpQrStUvWxYz 0123456789 _-/.:;,!?()[]{}<>|\\^$*+ \"'",
	"\x1b[31;1mERROR\x1b[0;m \xe2\x80\x98quoted\xe2\x80\x99 \xff\xfe \x01\x7f",
};

/* A deterministic choice stream (xorshift), seeded from the input. */
struct gen {
	uint64_t s;
	unsigned char *out;
	size_t n;
	bool failed;
};

static unsigned gen_next(struct gen *g, unsigned bound)
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return bound ? (unsigned)(g->s % bound) : 0;
}

static void gen_byte(struct gen *g, unsigned c)
{
	if(g->n >= GEN_MAX) {
		g->failed = true;
		return;
	}
	g->out[g->n++] = (unsigned char)c;
}

/* Append a member of the language of r (no '\n': lines never hold one). */
static void gen_rx(struct gen *g, const struct rx *r)
{
	while(!g->failed) {
		switch(r->kind) {
		case RX_EMPTY:
		case RX_BOL:  /* anchors sit at the edges of a top-level branch */
		case RX_EOL:
			return;
		case RX_SET: {
			unsigned cand[256];
			unsigned n = 0;
			for(unsigned c = 0; c < 256; c++) {
				if(c != '\n' && set_has(r->set, c))
					cand[n++] = c;
			}
			if(n == 0) {
				g->failed = true;
				return;
			}
			gen_byte(g, cand[gen_next(g, n)]);
			return;
		}
		case RX_CAT:
			gen_rx(g, r->a);
			r = r->b;
			break;
		case RX_ALT:
			if(gen_next(g, 2) == 0) {
				gen_rx(g, r->a);
				return;
			}
			r = r->b;
			break;
		case RX_REPEAT: {
			unsigned extra = r->max < 0 ? gen_next(g, 3) : gen_next(g, (unsigned)(r->max - r->min) + 1);
			unsigned k = (unsigned)r->min + extra;
			for(unsigned i = 0; i < k && !g->failed; i++)
				gen_rx(g, r->a);
			return;
		}
		}
	}
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool contains(const unsigned char *hay, size_t n, const unsigned char *needle, size_t m,
                     bool icase)
{
	if(m > n)
		return false;
	for(size_t i = 0; i + m <= n; i++) {
		size_t k = 0;
		while(k < m && (icase ? lower(hay[i + k]) : hay[i + k]) == needle[k])
			k++;
		if(k == m)
			return true;
	}
	return false;
}

/* The re2c text: quotes and classes closed, parentheses balanced. */
static void check_re2c(const char *s, size_t n)
{
	int depth = 0;
	FUZZ_CHECK(n > 0, "empty re2c translation");
	for(size_t i = 0; i < n; i++) {
		char c = s[i];
		if(c == '"' || c == '[') {
			char close = c == '"' ? '"' : ']';
			size_t j = i + 1;
			while(j < n && s[j] != close)
				j += s[j] == '\\' ? 2 : 1;
			FUZZ_CHECK(j < n, "unclosed %c in re2c text: %.*s", c, (int)n, s);
			i = j;
		} else if(c == '(') {
			depth++;
		} else if(c == ')') {
			depth--;
			FUZZ_CHECK(depth >= 0, "unbalanced ')' in re2c text: %.*s", (int)n, s);
		} else {
			FUZZ_CHECK((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f,
			           "byte 0x%02x in re2c text", (unsigned char)c);
		}
	}
	FUZZ_CHECK(depth == 0, "unbalanced '(' in re2c text: %.*s", (int)n, s);
}

struct subject {
	struct arena *a;
	const struct rx *r;        /* the parse with the input's flags */
	const struct rx *r_cs;     /* with RX_ICASE: the case-sensitive parse, or NULL */
	bool icase;
	bool empty;                /* rx_matches_empty(r) */
	bool has_factors;
	struct rx_factors f;
	bool diff;                 /* compare with fb_search */
};

static void check_line(const struct subject *t, const unsigned char *line, size_t len,
                       bool member)
{
	if(len > LINE_MAX_LEN)
		len = LINE_MAX_LEN;
	bool m = rx_search(t->r, line, len);
	if(member)
		FUZZ_CHECK(m, "a generated member of the language does not match: \"%.*s\"", (int)len,
		           (const char *)line);
	if(len == 0)
		FUZZ_CHECK(m == t->empty, "rx_search(\"\") = %d but rx_matches_empty = %d", m, t->empty);
	if(t->diff)
		FUZZ_CHECK(m == fb_search(t->r, line, len),
		           "rx_search = %d, fb_search = %d on \"%.*s\"", m, !m, (int)len,
		           (const char *)line);
	if(m && t->has_factors) {
		bool found = false;
		for(size_t i = 0; i < t->f.n && !found; i++)
			found = contains(line, len, t->f.v[i].bytes, t->f.v[i].len, t->f.v[i].icase);
		FUZZ_CHECK(found, "match without any of the %zu required factors (first \"%.*s\") in \"%.*s\"",
		           t->f.n, (int)t->f.v[0].len, (const char *)t->f.v[0].bytes, (int)len,
		           (const char *)line);
	}
	if(t->icase) {
		unsigned char swapped[LINE_MAX_LEN];
		for(size_t i = 0; i < len; i++) {
			unsigned char c = line[i];
			swapped[i] = c >= 'a' && c <= 'z' ? c - 32 : c >= 'A' && c <= 'Z' ? c + 32 : c;
		}
		FUZZ_CHECK(m == rx_search(t->r, swapped, len), "case-insensitive match depends on case");
		if(t->r_cs)
			FUZZ_CHECK(!rx_search(t->r_cs, line, len) || m,
			           "the case-sensitive regex matches where the icase one does not");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if(size < 1)
		return 0;
	unsigned flags = data[0] & 1 ? RX_ICASE : 0;
	size_t len = size - 1;
	/* A copy of exactly the body, so ASan sees reads past its end. */
	char *body = malloc(len ? len : 1);
	FUZZ_CHECK(body, "out of memory");
	if(len)
		memcpy(body, data + 1, len);

	struct subject t = { 0 };
	t.a = arena_new();
	t.icase = flags & RX_ICASE;
	struct rx_error err;
	memset(&err, 0x55, sizeof err);
	t.r = rx_parse(t.a, body, len, flags, &err);
	if(!t.r) {
		FUZZ_CHECK(err.kind == RX_ERR_SYNTAX || err.kind == RX_ERR_UNSUPPORTED, "error kind %d",
		           (int)err.kind);
		FUZZ_CHECK(err.offset <= len, "error offset %zu past the %zu-byte body", err.offset, len);
		FUZZ_CHECK(err.length >= 1, "error length 0");
		size_t ml = strnlen(err.msg, sizeof err.msg);
		FUZZ_CHECK(ml > 0 && ml < sizeof err.msg, "error message empty or not terminated");
		/* Messages quote the body; bodies from the lexer never hold '\n'. */
		if(!memchr(body, '\n', len))
			FUZZ_CHECK(!memchr(err.msg, '\n', ml), "error message spans lines: %s", err.msg);
		FUZZ_CHECK(!rx_parse(t.a, body, len, flags, NULL), "parse succeeds without err");
		goto out;
	}
	/* Folding before negating makes /[^a]/i refuse 'A' too (PCRE), so only
	 * without a negated class is the icase language a superset. */
	if(t.icase && !contains((const unsigned char *)body, len, (const unsigned char *)"[^", 2, false))
		t.r_cs = rx_parse(t.a, body, len, 0, NULL);

	t.empty = rx_matches_empty(t.r);
	uint64_t est = rx_size_estimate(t.r);
	t.has_factors = rx_required_factors(t.a, t.r, FACTOR_MIN, &t.f);
	if(t.has_factors) {
		FUZZ_CHECK(t.f.n > 0, "factors found but none returned");
		for(size_t i = 0; i < t.f.n; i++) {
			FUZZ_CHECK(t.f.v[i].len >= FACTOR_MIN, "factor of %zu bytes", t.f.v[i].len);
			for(size_t k = 0; t.f.v[i].icase && k < t.f.v[i].len; k++)
				FUZZ_CHECK(!(t.f.v[i].bytes[k] >= 'A' && t.f.v[i].bytes[k] <= 'Z'),
				           "upper-case byte in an icase factor");
		}
	} else {
		FUZZ_CHECK(t.f.n == 0, "no factors, but %zu returned", t.f.n);
	}
	if(t.empty)
		FUZZ_CHECK(!t.has_factors, "a pattern matching the empty string has required factors");

	struct dynbuf out;
	dynbuf_init(&out, 1 << 20);
	if(rx_emit_re2c(t.r, &out))
		check_re2c(out.ptr, out.len);
	dynbuf_free(&out);
	dynbuf_init(&out, 16);
	bool fits = rx_emit_re2c(t.r, &out);
	FUZZ_CHECK(out.len <= 16, "re2c text of %zu bytes in a 16-byte dynbuf", out.len);
	if(fits)
		check_re2c(out.ptr, out.len);
	dynbuf_free(&out);

	/* The size guard: a count in [1, cap] or cap + 1. The construction
	 * does not depend on the cap, so a smaller cap gives the same count
	 * when it fits and cap + 1 otherwise. */
	size_t states = rx_dfa_states(t.r, DFA_CAP);
	FUZZ_CHECK(states >= 1 && states <= DFA_CAP + 1, "%zu DFA states with cap %d", states,
	           DFA_CAP);
	size_t small = rx_dfa_states(t.r, DFA_SMALL_CAP);
	FUZZ_CHECK(small == (states <= DFA_SMALL_CAP ? states : DFA_SMALL_CAP + 1),
	           "%zu DFA states with cap %d, %zu with cap %d", states, DFA_CAP, small,
	           DFA_SMALL_CAP);

	uint64_t psize = prog_size(t.r);
	if(est > LINT_ESTIMATE || psize > SEARCH_PROG)
		goto out;
	t.diff = psize <= DIFF_PROG;
	for(size_t i = 0; i < sizeof fixed_lines / sizeof fixed_lines[0]; i++)
		check_line(&t, (const unsigned char *)fixed_lines[i], strlen(fixed_lines[i]), false);
	const char *nl = len ? memchr(body, '\n', len) : NULL;
	size_t first = nl ? (size_t)(nl - body) : len;
	check_line(&t, (const unsigned char *)body, first, false);

	struct gen g = { 0 };
	unsigned char gen_buf[GEN_MAX];
	g.s = 0x9e3779b97f4a7c15u ^ ((uint64_t)data[0] << 32) ^ size;
	for(size_t i = 0; i < len; i++)
		g.s = (g.s ^ (unsigned char)body[i]) * 0x100000001b3u;
	if(!g.s)
		g.s = 1;
	for(int k = 0; k < GEN_TRIES; k++) {
		g.out = gen_buf;
		g.n = 0;
		g.failed = false;
		gen_rx(&g, t.r);
		if(!g.failed && g.n <= LINE_MAX_LEN)
			check_line(&t, gen_buf, g.n, true);
	}

	/* A literal of the first line matches it, and its search DFA is the
	 * Knuth-Morris-Pratt automaton: one state per prefix, len + 1. */
	if(first <= LINE_MAX_LEN) {
		struct rx *lit = rx_literal(t.a, body, first, flags);
		FUZZ_CHECK(rx_search(lit, (const unsigned char *)body, first), "a literal does not match itself");
		FUZZ_CHECK(rx_matches_empty(lit) == (first == 0), "literal of %zu bytes and matches_empty", first);
		size_t ls = rx_dfa_states(lit, DFA_CAP);
		FUZZ_CHECK(ls == first + 1, "%zu DFA states for a %zu-byte literal", ls, first);
	}
out:
	arena_free(t.a);
	free(body);
	return 0;
}
