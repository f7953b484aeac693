/* regex.c — the /.../ regex dialect: a recursive-descent parser into struct rx
 * trees, and the passes every pattern goes through: the empty-match check,
 * the reference matcher (rx_search), the required literal factors of the
 * prefilter, the translation to re2c and the DFA size estimate.
 *
 * Trees are built right-leaning (CAT(x1, CAT(x2, x3)), ALT likewise), and
 * every pass walks the right spine with a loop and recurses only into left
 * operands and repetitions. Recursion depth is therefore bounded by group
 * nesting (RX_MAX_NEST), not by pattern length: a 10 kB "..." literal is a
 * long spine, not a deep stack. */
#include "regex.h"
#include "arena.h"
#include "dynbuf.h"
#include "xalloc.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Groups nested deeper than this are refused, so that a hostile pattern
 * cannot exhaust the stack of the parser or of a later pass. */
enum { RX_MAX_NEST = 100 };

/* ---- byte sets ---------------------------------------------------------- */

static bool set_has(const uint8_t *s, unsigned c)
{
	return (s[c >> 3] >> (c & 7)) & 1;
}

static void set_add(uint8_t *s, unsigned c)
{
	s[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static void set_del(uint8_t *s, unsigned c)
{
	s[c >> 3] &= (uint8_t)~(1u << (c & 7));
}

static void set_range(uint8_t *s, unsigned lo, unsigned hi)
{
	for(unsigned c = lo; c <= hi; c++)
		set_add(s, c);
}

static unsigned set_count(const uint8_t *s)
{
	unsigned n = 0;
	for(unsigned c = 0; c < 256; c++)
		n += set_has(s, c);
	return n;
}

/* The only byte of s; s must hold exactly one. */
static unsigned set_first(const uint8_t *s)
{
	unsigned c = 0;
	while(c < 255 && !set_has(s, c))
		c++;
	return c;
}

/* Complement within a line: negated classes never match '\n' (language.md). */
static void set_negate(uint8_t *s)
{
	for(int i = 0; i < 32; i++)
		s[i] = (uint8_t)~s[i];
	set_del(s, '\n');
}

/* ICASE: each ASCII letter present in either case is added in both. */
static void set_fold(uint8_t *s)
{
	for(unsigned c = 'a'; c <= 'z'; c++) {
		if(set_has(s, c) || set_has(s, c - 32)) {
			set_add(s, c);
			set_add(s, c - 32);
		}
	}
}

static bool is_digit(unsigned c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(unsigned c)
{
	return is_digit(c) || is_alpha(c);
}

static int hex_value(unsigned c)
{
	if(is_digit(c))
		return (int)(c - '0');
	if(c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if(c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/* The set of a class escape letter: d w s, or D W S for the negations. */
static void class_escape_set(uint8_t *set, unsigned letter)
{
	memset(set, 0, 32);
	switch(letter | 0x20) {
	case 'd':
		set_range(set, '0', '9');
		break;
	case 'w':
		set_range(set, '0', '9');
		set_range(set, 'A', 'Z');
		set_range(set, 'a', 'z');
		set_add(set, '_');
		break;
	default: /* 's': deliberately no '\n', which a line never holds */
		set_add(set, ' ');
		set_add(set, '\t');
		set_add(set, '\r');
		set_add(set, '\f');
		set_add(set, '\v');
		break;
	}
	if(letter >= 'A' && letter <= 'Z')
		set_negate(set);
}

/* ---- tree construction --------------------------------------------------- */

static struct rx *mk_node(struct arena *a, enum rx_kind kind)
{
	struct rx *r = arena_alloc(a, sizeof *r);
	r->kind = kind;
	return r;
}

static struct rx *mk_set(struct arena *a, const uint8_t *set)
{
	struct rx *r = mk_node(a, RX_SET);
	memcpy(r->set, set, sizeof r->set);
	return r;
}

static struct rx *mk_byte(struct arena *a, unsigned c, bool icase)
{
	struct rx *r = mk_node(a, RX_SET);
	set_add(r->set, c);
	if(icase)
		set_fold(r->set);
	return r;
}

/* Chain v[0..n) right-leaning with kind (RX_CAT or RX_ALT); n == 0 is EMPTY. */
static struct rx *mk_chain(struct arena *a, enum rx_kind kind, struct rx **v, size_t n)
{
	if(n == 0)
		return mk_node(a, RX_EMPTY);
	struct rx *r = v[n - 1];
	for(size_t i = n - 1; i > 0; i--) {
		struct rx *c = mk_node(a, kind);
		c->a = v[i - 1];
		c->b = r;
		r = c;
	}
	return r;
}

/* ---- parser --------------------------------------------------------------- */

struct parser {
	struct arena *a;
	const unsigned char *s;  /* the body */
	size_t len;              /* bytes in s */
	size_t pos;              /* next byte to read */
	bool icase;              /* RX_ICASE */
	int nest;                /* groups open around pos */
	struct rx_error *err;    /* where the first error goes (may be NULL) */
	bool failed;             /* an error was reported: unwind */
};

/* Record an error unless one was recorded already: the first error wins. */
static void fail(struct parser *p, enum rx_errkind kind, size_t off, size_t len,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void fail(struct parser *p, enum rx_errkind kind, size_t off, size_t len,
                 const char *fmt, ...)
{
	if(p->failed)
		return;
	p->failed = true;
	if(!p->err)
		return;
	p->err->kind = kind;
	p->err->offset = off;
	p->err->length = len ? len : 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
	va_end(ap);
}

/* Escapes PCRE knows and a DFA over bytes cannot do, each with its reason. */
static const struct {
	char c;
	const char *msg;
} unsupported_escapes[] = {
	{ 'b', "word boundary \\b is not supported: a DFA cannot look at the byte before — match the delimiter itself, e.g. \\W or a space" },
	{ 'B', "non-boundary \\B is not supported: a DFA cannot look at the byte before — match the neighbouring bytes explicitly" },
	{ 'A', "anchor \\A is not supported: use ^ at the start of the pattern" },
	{ 'z', "anchor \\z is not supported: use $ at the end of the pattern" },
	{ 'Z', "anchor \\Z is not supported: use $ at the end of the pattern" },
	{ 'G', "anchor \\G is not supported: every line is matched from its start, use ^" },
	{ 'p', "unicode property \\p is not supported: patterns match bytes, use a byte class such as [\\x80-\\xff]" },
	{ 'P', "unicode property \\P is not supported: patterns match bytes, use a byte class such as [^\\x80-\\xff]" },
	{ 'X', "\\X is not supported: patterns match bytes, not unicode characters" },
	{ 'k', "named backreference \\k needs backtracking; a DFA cannot match it — match the text literally or split into two patterns" },
	{ 'g', "backreference \\g needs backtracking; a DFA cannot match it — match the text literally or split into two patterns" },
	{ 'K', "\\K (reset the match start) is not supported: drop it, a line either matches or not" },
	{ 'Q', "quoting with \\Q...\\E is not supported: escape each special character with a backslash" },
	{ 'E', "quoting with \\Q...\\E is not supported: escape each special character with a backslash" },
	{ 'c', "control escape \\c is not supported: write the byte as \\xHH" },
	{ 'o', "octal escape \\o is not supported: write the byte as \\xHH" },
	{ '0', "octal escape \\0 is not supported: write the byte as \\xHH, e.g. \\x00" },
	{ 'a', "escape \\a is not supported: write the bell byte as \\x07" },
	{ 'h', "escape \\h is not supported: write the class, e.g. [ \\t]" },
	{ 'H', "escape \\H is not supported: write the class, e.g. [^ \\t]" },
	{ 'R', "escape \\R is not supported: a line never contains a line break" },
	{ 'N', "escape \\N is not supported: use . (it never matches a newline)" },
	{ 'C', "escape \\C is not supported: use . to match one byte" },
	{ 'u', "escape \\u is not supported: patterns match bytes, write UTF-8 as \\xHH bytes" },
	{ 'U', "escape \\U is not supported: patterns match bytes, write UTF-8 as \\xHH bytes" },
	{ 'L', "case-changing escape \\L is not supported: write the text in the case to match, or use /.../i" },
	{ 'l', "case-changing escape \\l is not supported: write the text in the case to match, or use /.../i" },
};

/* Escapes that stand for one byte. */
static const struct {
	char c;
	unsigned char byte;
} byte_escapes[] = {
	{ 't', '\t' }, { 'n', '\n' }, { 'r', '\r' }, { 'e', 0x1b }, { 'f', '\f' }, { 'v', '\v' },
};

enum esc { ESC_FAIL, ESC_BYTE, ESC_CLASS };

/* Read the escape whose backslash is at p->pos and move past it. A byte
 * escape stores *byte; a class escape (\d \w \s \D \W \S) fills set. */
static enum esc parse_escape(struct parser *p, bool in_class, unsigned *byte, uint8_t *set)
{
	size_t at = p->pos;
	if(at + 1 >= p->len) {
		fail(p, RX_ERR_SYNTAX, at, 1, "trailing '\\' escapes nothing");
		return ESC_FAIL;
	}
	unsigned c = p->s[at + 1];
	p->pos = at + 2;
	for(size_t i = 0; i < sizeof byte_escapes / sizeof byte_escapes[0]; i++) {
		if((unsigned char)byte_escapes[i].c == c) {
			*byte = byte_escapes[i].byte;
			return ESC_BYTE;
		}
	}
	if(c != 0 && strchr("dwsDWS", (int)c)) {
		class_escape_set(set, c);
		return ESC_CLASS;
	}
	if(c == 'x') {
		int hi = at + 2 < p->len ? hex_value(p->s[at + 2]) : -1;
		int lo = at + 3 < p->len ? hex_value(p->s[at + 3]) : -1;
		if(hi < 0 || lo < 0) {
			fail(p, RX_ERR_SYNTAX, at, hi < 0 ? 2 : 3,
			     "invalid \\x escape: expected two hex digits");
			return ESC_FAIL;
		}
		*byte = (unsigned)(hi * 16 + lo);
		p->pos = at + 4;
		return ESC_BYTE;
	}
	if(c >= '1' && c <= '9') {
		if(in_class)
			fail(p, RX_ERR_UNSUPPORTED, at, 2,
			     "octal escape \\%c is not supported: write the byte as \\xHH", c);
		else
			fail(p, RX_ERR_UNSUPPORTED, at, 2,
			     "backreference \\%c needs backtracking; a DFA cannot match it — match the text literally or split into two patterns", c);
		return ESC_FAIL;
	}
	if(c == 'b' && in_class) {
		fail(p, RX_ERR_UNSUPPORTED, at, 2,
		     "\\b inside a class is not supported: write a backspace as \\x08");
		return ESC_FAIL;
	}
	for(size_t i = 0; i < sizeof unsupported_escapes / sizeof unsupported_escapes[0]; i++) {
		if((unsigned char)unsupported_escapes[i].c == c) {
			fail(p, RX_ERR_UNSUPPORTED, at, 2, "%s", unsupported_escapes[i].msg);
			return ESC_FAIL;
		}
	}
	if(is_alnum(c)) {
		fail(p, RX_ERR_SYNTAX, at, 2, "unknown escape '\\%c'", c);
		return ESC_FAIL;
	}
	/* Any other escaped byte (punctuation, space, ...) stands for itself. */
	*byte = c;
	return ESC_BYTE;
}

/* The text of [from, to) of the body for a "%.*s" in a message; cut at 32
 * bytes so that a message about a long run still fits struct rx_error. */
#define SPAN(p, from, to) \
	(int)((to) - (from) > 32 ? 32 : (to) - (from)), (const char *)(p)->s + (from)

/* Parse a bracket class; p->pos is at '['. */
static struct rx *parse_class(struct parser *p)
{
	size_t open = p->pos;
	const unsigned char *s = p->s;
	uint8_t set[32] = { 0 };
	bool neg = false;
	p->pos++;
	if(p->pos < p->len && s[p->pos] == '^') {
		neg = true;
		p->pos++;
	}
	bool first = true;
	for(;;) {
		if(p->pos >= p->len) {
			fail(p, RX_ERR_SYNTAX, open, p->len - open, "unterminated character class");
			return NULL;
		}
		unsigned c = s[p->pos];
		if(c == ']' && !first) {
			p->pos++;
			break;
		}
		first = false;
		size_t item = p->pos;
		unsigned lo = c;
		uint8_t cls[32];
		enum esc kind = ESC_BYTE;
		if(c == '[' && p->pos + 1 < p->len &&
		   (s[p->pos + 1] == ':' || s[p->pos + 1] == '.' || s[p->pos + 1] == '=')) {
			/* [:alpha:], [.x.], [=x=]: only when the closing ":]" exists,
			 * otherwise the '[' is an ordinary byte as in PCRE. */
			unsigned kindc = s[p->pos + 1];
			for(size_t j = p->pos + 2; j + 1 < p->len && s[j] != ']'; j++) {
				if(s[j] == kindc && s[j + 1] == ']') {
					fail(p, RX_ERR_UNSUPPORTED, item, j + 2 - item,
					     "POSIX class '%.*s' is not supported: write the bytes, e.g. [A-Za-z] or \\d",
					     SPAN(p, item, j + 2));
					return NULL;
				}
			}
		}
		if(c == '\\') {
			kind = parse_escape(p, true, &lo, cls);
			if(kind == ESC_FAIL)
				return NULL;
		} else {
			p->pos++;
		}
		bool range = p->pos + 1 < p->len && s[p->pos] == '-' && s[p->pos + 1] != ']';
		if(kind == ESC_CLASS) {
			if(range) {
				fail(p, RX_ERR_SYNTAX, item, p->pos + 1 - item,
				     "invalid range: '%.*s' is a class, not a byte", SPAN(p, item, p->pos));
				return NULL;
			}
			for(int i = 0; i < 32; i++)
				set[i] |= cls[i];
			continue;
		}
		if(!range) {
			set_add(set, lo);
			continue;
		}
		p->pos++;
		size_t hi_at = p->pos;
		unsigned hi = s[p->pos];
		if(hi == '\\') {
			kind = parse_escape(p, true, &hi, cls);
			if(kind == ESC_FAIL)
				return NULL;
			if(kind == ESC_CLASS) {
				fail(p, RX_ERR_SYNTAX, item, p->pos - item,
				     "invalid range: '%.*s' is a class, not a byte", SPAN(p, hi_at, p->pos));
				return NULL;
			}
		} else {
			p->pos++;
		}
		if(hi < lo) {
			fail(p, RX_ERR_SYNTAX, item, p->pos - item, "invalid range '%.*s'",
			     SPAN(p, item, p->pos));
			return NULL;
		}
		set_range(set, lo, hi);
	}
	/* Fold before negating, so that /[^a]/i excludes 'A' too (PCRE). */
	if(p->icase)
		set_fold(set);
	if(neg)
		set_negate(set);
	return mk_set(p->a, set);
}

/* Bounds of {n}, {n,}, {n,m} at p->s[at] == '{'. Returns 1 with the bounds
 * and *end just past '}', 0 if this '{' is a literal byte (PCRE), -1 after
 * reporting a bound over RX_MAX_REPEAT or out of order. */
static int parse_bound(struct parser *p, size_t at, int *min, int *max, size_t *end)
{
	const unsigned char *s = p->s;
	size_t i = at + 1;
	size_t d[2][2] = { { i, i }, { 0, 0 } };
	while(i < p->len && is_digit(s[i]))
		i++;
	d[0][1] = i;
	if(d[0][1] == d[0][0])
		return 0;
	bool comma = i < p->len && s[i] == ',';
	if(comma) {
		i++;
		d[1][0] = i;
		while(i < p->len && is_digit(s[i]))
			i++;
		d[1][1] = i;
	}
	if(i >= p->len || s[i] != '}')
		return 0;
	*end = i + 1;
	int v[2] = { 0, -1 };
	for(int k = 0; k < 2; k++) {
		if(k == 1 && !comma) {
			v[1] = v[0];
			break;
		}
		if(d[k][1] == d[k][0])
			break;
		long n = 0;
		for(size_t j = d[k][0]; j < d[k][1] && n <= RX_MAX_REPEAT; j++)
			n = n * 10 + (s[j] - '0');
		if(n > RX_MAX_REPEAT) {
			/* Print at most 20 digits: the message has a fixed size. */
			size_t nd = d[k][1] - d[k][0];
			fail(p, RX_ERR_SYNTAX, d[k][0], nd, "repetition bound %.*s%s exceeds the limit of %d",
			     (int)(nd > 20 ? 20 : nd), (const char *)s + d[k][0], nd > 20 ? "..." : "",
			     RX_MAX_REPEAT);
			return -1;
		}
		v[k] = (int)n;
	}
	if(v[1] >= 0 && v[0] > v[1]) {
		fail(p, RX_ERR_SYNTAX, at, *end - at,
		     "invalid repetition '%.*s': the minimum exceeds the maximum", SPAN(p, at, *end));
		return -1;
	}
	*min = v[0];
	*max = v[1];
	return 1;
}

/* Is there a quantifier at p->pos? Returns its kind like parse_bound (1 yes,
 * 0 no, -1 error) and its bounds and end. */
static int quantifier_at(struct parser *p, int *min, int *max, size_t *end)
{
	if(p->pos >= p->len)
		return 0;
	unsigned c = p->s[p->pos];
	if(c == '{')
		return parse_bound(p, p->pos, min, max, end);
	if(c != '*' && c != '+' && c != '?')
		return 0;
	*end = p->pos + 1;
	*min = c == '+' ? 1 : 0;
	*max = c == '?' ? 1 : -1;
	return 1;
}

/* Apply the quantifiers after an atom (at most one, plus a lazy '?'). */
static struct rx *parse_quantifier(struct parser *p, struct rx *atom)
{
	int min, max;
	size_t end;
	int q = quantifier_at(p, &min, &max, &end);
	if(q <= 0)
		return q < 0 ? NULL : atom;
	size_t qat = p->pos;
	p->pos = end;
	if(p->pos < p->len && p->s[p->pos] == '?') {
		p->pos++; /* lazy: the same language, and a DFA only answers yes or no */
	} else if(p->pos < p->len && p->s[p->pos] == '+') {
		fail(p, RX_ERR_UNSUPPORTED, qat, p->pos + 1 - qat,
		     "possessive quantifier '%.*s' needs backtracking control; a DFA cannot honour it — write '%.*s'",
		     SPAN(p, qat, p->pos + 1), SPAN(p, qat, p->pos));
		return NULL;
	}
	int min2, max2;
	q = quantifier_at(p, &min2, &max2, &end);
	if(q < 0)
		return NULL;
	if(q > 0) {
		fail(p, RX_ERR_SYNTAX, p->pos, end - p->pos, "nothing to repeat before '%.*s'",
		     SPAN(p, p->pos, end));
		return NULL;
	}
	if(min == 1 && max == 1)
		return atom;
	struct rx *r = mk_node(p->a, RX_REPEAT);
	r->a = atom;
	r->min = min;
	r->max = max;
	return r;
}

/* Group openers "(?..." a DFA cannot do, most specific first. */
static const struct {
	const char *after;  /* the text after "(?" */
	const char *msg;
} unsupported_groups[] = {
	{ "=", "lookahead '(?=' is not supported: a DFA cannot look around — make the context part of the match" },
	{ "!", "negative lookahead '(?!' is not supported: a DFA cannot look around — exclude lines with an 'unless P same line' clause" },
	{ "<=", "lookbehind '(?<=' is not supported: a DFA cannot look around — make the context part of the match" },
	{ "<!", "negative lookbehind '(?<!' is not supported: a DFA cannot look around — exclude lines with an 'unless P same line' clause" },
	{ "P<", "named group '(?P<' is not supported: use a plain group (...) or (?:...)" },
	{ "P=", "named backreference '(?P=' needs backtracking; a DFA cannot match it — match the text literally or split into two patterns" },
	{ "P>", "recursion '(?P>' is not supported: a DFA cannot match nested structure" },
	{ "<", "named group '(?<' is not supported: use a plain group (...) or (?:...)" },
	{ "'", "named group \"(?'\" is not supported: use a plain group (...) or (?:...)" },
	{ ">", "atomic group '(?>' needs backtracking control; a DFA cannot honour it — use (?:...)" },
	{ "|", "branch reset group '(?|' is not supported: use (?:...)" },
	{ "#", "comment group '(?#' is not supported: put comments in the rule file after #" },
	{ "(", "conditional group '(?(' is not supported: split the pattern into several patterns" },
	{ "R", "recursion '(?R' is not supported: a DFA cannot match nested structure" },
	{ "&", "recursion '(?&' is not supported: a DFA cannot match nested structure" },
	{ "+", "recursion '(?+' is not supported: a DFA cannot match nested structure" },
};

/* "(?" at p->pos: accept "(?:", explain everything else. Returns true and
 * moves past "(?:" when the group is a plain non-capturing one. */
static bool parse_group_kind(struct parser *p, size_t open)
{
	const unsigned char *s = p->s;
	size_t at = open + 2; /* after "(?" */
	if(at < p->len && s[at] == ':') {
		p->pos = at + 1;
		return true;
	}
	for(size_t i = 0; i < sizeof unsupported_groups / sizeof unsupported_groups[0]; i++) {
		size_t n = strlen(unsupported_groups[i].after);
		if(at + n <= p->len && memcmp(s + at, unsupported_groups[i].after, n) == 0) {
			fail(p, RX_ERR_UNSUPPORTED, open, 2 + n, "%s", unsupported_groups[i].msg);
			return false;
		}
	}
	if(at < p->len && (is_digit(s[at]) ||
	                   (s[at] == '-' && at + 1 < p->len && is_digit(s[at + 1])))) {
		size_t j = at + 1;
		while(j < p->len && is_digit(s[j]))
			j++;
		fail(p, RX_ERR_UNSUPPORTED, open, j - open,
		     "recursion '%.*s' is not supported: a DFA cannot match nested structure",
		     SPAN(p, open, j));
		return false;
	}
	/* Inline flags: (?i) (?-i) (?i:...) (?sm) ... */
	size_t j = at;
	bool has_i = false;
	while(j < p->len && (is_alpha(s[j]) || s[j] == '-')) {
		has_i |= s[j] == 'i';
		j++;
	}
	if(j > at && j < p->len && (s[j] == ')' || s[j] == ':')) {
		if(has_i)
			fail(p, RX_ERR_UNSUPPORTED, open, j + 1 - open,
			     "inline flags '%.*s' are not supported: use /.../i to match the whole pattern without case",
			     SPAN(p, open, j + 1));
		else
			fail(p, RX_ERR_UNSUPPORTED, open, j + 1 - open,
			     "inline flags '%.*s' are not supported: the only flag is /.../i, for the whole pattern",
			     SPAN(p, open, j + 1));
		return false;
	}
	if(at >= p->len)
		fail(p, RX_ERR_SYNTAX, open, 2, "incomplete group '(?' at the end of the regex");
	else
		fail(p, RX_ERR_SYNTAX, open, 3, "unknown group syntax '%.*s'", SPAN(p, open, at + 1));
	return false;
}

static struct rx *parse_alt(struct parser *p);

/* Parse one atom at p->pos: a group, a class, '.', an escape or a byte. */
static struct rx *parse_atom(struct parser *p)
{
	const unsigned char *s = p->s;
	unsigned c = s[p->pos];
	if(c == '(') {
		size_t open = p->pos;
		p->pos++;
		if(p->pos < p->len && s[p->pos] == '?' && !parse_group_kind(p, open))
			return NULL;
		if(p->nest >= RX_MAX_NEST) {
			fail(p, RX_ERR_SYNTAX, open, 1, "groups nested more than %d deep", RX_MAX_NEST);
			return NULL;
		}
		p->nest++;
		struct rx *r = parse_alt(p);
		p->nest--;
		if(!r)
			return NULL;
		/* parse_alt stops only at ')' or at the end. */
		if(p->pos >= p->len) {
			fail(p, RX_ERR_SYNTAX, p->len, 1, "missing ')' to close '(' at column %zu", open + 1);
			return NULL;
		}
		p->pos++;
		return r;
	}
	if(c == '[')
		return parse_class(p);
	if(c == '.') {
		uint8_t set[32] = { 0 };
		set_negate(set);
		p->pos++;
		return mk_set(p->a, set);
	}
	if(c == '\\') {
		unsigned byte = 0;
		uint8_t set[32];
		enum esc kind = parse_escape(p, false, &byte, set);
		if(kind == ESC_FAIL)
			return NULL;
		if(kind == ESC_CLASS)
			return mk_set(p->a, set); /* case-closed already */
		return mk_byte(p->a, byte, p->icase);
	}
	/* Any other byte is itself, including ']', '}' and a '{' that starts no
	 * bound (PCRE). */
	p->pos++;
	return mk_byte(p->a, c, p->icase);
}

/* Parse a concatenation up to '|', ')' or the end. Anchors are accepted only
 * at the edges of a top-level alternative (nest == 0). */
static struct rx *parse_cat(struct parser *p)
{
	struct rx **v = NULL;
	size_t n = 0, cap = 0;
	while(p->pos < p->len) {
		unsigned c = p->s[p->pos];
		if(c == '|' || c == ')')
			break;
		struct rx *item;
		if(c == '^') {
			if(p->nest > 0 || n > 0) {
				fail(p, RX_ERR_UNSUPPORTED, p->pos, 1,
				     "'^' is only supported at the start of the regex or of a top-level alternative (a|^b)");
				return NULL;
			}
			item = mk_node(p->a, RX_BOL);
			p->pos++;
		} else if(c == '$') {
			bool last = p->pos + 1 == p->len || p->s[p->pos + 1] == '|';
			if(p->nest > 0 || !last) {
				fail(p, RX_ERR_UNSUPPORTED, p->pos, 1,
				     "'$' is only supported at the end of the regex or of a top-level alternative (a$|b)");
				return NULL;
			}
			item = mk_node(p->a, RX_EOL);
			p->pos++;
		} else {
			int min, max;
			size_t end;
			int q = quantifier_at(p, &min, &max, &end);
			if(q < 0)
				return NULL;
			if(q > 0) {
				fail(p, RX_ERR_SYNTAX, p->pos, end - p->pos, "nothing to repeat before '%.*s'",
				     SPAN(p, p->pos, end));
				return NULL;
			}
			item = parse_atom(p);
			if(item)
				item = parse_quantifier(p, item);
			if(!item)
				return NULL;
		}
		v = arena_grow(p->a, v, sizeof *v, &cap, n + 1);
		v[n++] = item;
	}
	return mk_chain(p->a, RX_CAT, v, n);
}

/* Parse alternatives separated by '|' up to ')' or the end. */
static struct rx *parse_alt(struct parser *p)
{
	struct rx **v = NULL;
	size_t n = 0, cap = 0;
	for(;;) {
		struct rx *r = parse_cat(p);
		if(!r)
			return NULL;
		v = arena_grow(p->a, v, sizeof *v, &cap, n + 1);
		v[n++] = r;
		if(p->pos >= p->len || p->s[p->pos] != '|')
			break;
		p->pos++;
	}
	return mk_chain(p->a, RX_ALT, v, n);
}

/* Contract in regex.h. err may be NULL; on failure it holds the first error
 * only, with offset/length relative to body (a missing ')' points at len). */
struct rx *rx_parse(struct arena *a, const char *body, size_t len, unsigned flags,
                    struct rx_error *err)
{
	struct parser p = {
		.a = a,
		.s = (const unsigned char *)body,
		.len = len,
		.icase = (flags & RX_ICASE) != 0,
		.err = err,
	};
	struct rx *r = parse_alt(&p);
	if(r && p.pos < len) /* the top level stops early only at ')' */
		fail(&p, RX_ERR_SYNTAX, p.pos, 1, "unmatched ')'");
	return p.failed ? NULL : r;
}

/* Contract in regex.h: a CAT chain of one-byte sets (both cases if RX_ICASE),
 * RX_EMPTY for len 0; never fails. */
struct rx *rx_literal(struct arena *a, const char *s, size_t len, unsigned flags)
{
	struct rx **v = arena_alloc(a, (len ? len : 1) * sizeof *v);
	for(size_t i = 0; i < len; i++)
		v[i] = mk_byte(a, (unsigned char)s[i], (flags & RX_ICASE) != 0);
	return mk_chain(a, RX_CAT, v, len);
}

/* ---- simple analyses ------------------------------------------------------ */

/* Contract in regex.h: r is nullable, counting anchors as zero-width. */
bool rx_matches_empty(const struct rx *r)
{
	/* Anchors are zero-width: '^$' matches (the empty line) with length 0. */
	for(;;) {
		switch(r->kind) {
		case RX_EMPTY:
		case RX_BOL:
		case RX_EOL:
			return true;
		case RX_SET:
			return false;
		case RX_CAT:
			if(!rx_matches_empty(r->a))
				return false;
			r = r->b;
			break;
		case RX_ALT:
			if(rx_matches_empty(r->a))
				return true;
			r = r->b;
			break;
		case RX_REPEAT:
			if(r->min == 0)
				return true;
			r = r->a;
			break;
		}
	}
}

static uint64_t sat_add(uint64_t x, uint64_t y)
{
	return x > UINT64_MAX - y ? UINT64_MAX : x + y;
}

static uint64_t sat_mul(uint64_t x, uint64_t y)
{
	return y && x > UINT64_MAX / y ? UINT64_MAX : x * y;
}

/* The estimate: a byte set or an anchor counts 1, a concatenation or an
 * alternation the sum of its parts, and a{min,max} the size of a times max
 * (times min + 1 when unbounded, at least 1): the copies a DFA must tell
 * apart. It ignores the blow-up an unanchored search adds to a bounded
 * repetition of a wide set ("x.{20}y" needs ~2^20 states), so the size guard
 * should use it together with a cap on re2c's output. Saturates. */
uint64_t rx_size_estimate(const struct rx *r)
{
	uint64_t sum = 0;
	for(;;) {
		switch(r->kind) {
		case RX_EMPTY:
			return sum;
		case RX_SET:
		case RX_BOL:
		case RX_EOL:
			return sat_add(sum, 1);
		case RX_CAT:
		case RX_ALT:
			sum = sat_add(sum, rx_size_estimate(r->a));
			r = r->b;
			break;
		case RX_REPEAT: {
			uint64_t k = r->max < 0 ? (uint64_t)r->min + 1 : (uint64_t)r->max;
			return sat_add(sum, sat_mul(rx_size_estimate(r->a), k ? k : 1));
		}
		}
	}
}

/* ---- rx_search: Thompson NFA simulation ------------------------------------ */

enum op { OP_SET, OP_SPLIT, OP_JMP, OP_BOL, OP_EOL, OP_MATCH };

struct inst {
	enum op op;
	uint32_t x, y;          /* OP_SPLIT: both targets; OP_JMP: x */
	const uint8_t *set;     /* OP_SET */
};

struct prog {
	struct inst *v;
	size_t n, cap;
};

/* Programs above this many instructions (nested counted repetitions such
 * as (a{1000}){1000}) are matched by the position-set fallback instead. */
#ifndef RX_SEARCH_MAX_PROG
#define RX_SEARCH_MAX_PROG (1u << 18)
#endif

/* Instructions compile() emits for r (saturating). */
static uint64_t prog_size(const struct rx *r)
{
	uint64_t sum = 0;
	for(;;) {
		switch(r->kind) {
		case RX_EMPTY:
			return sum;
		case RX_SET:
		case RX_BOL:
		case RX_EOL:
			return sat_add(sum, 1);
		case RX_CAT:
			sum = sat_add(sum, prog_size(r->a));
			r = r->b;
			break;
		case RX_ALT:
			sum = sat_add(sum, sat_add(prog_size(r->a), 2));
			r = r->b;
			break;
		case RX_REPEAT: {
			uint64_t s = prog_size(r->a);
			uint64_t n = sat_mul(s, (uint64_t)r->min);
			if(r->max < 0)
				n = sat_add(n, r->min > 0 ? 1 : sat_add(s, 2));
			else
				n = sat_add(n, sat_mul(sat_add(s, 1), (uint64_t)(r->max - r->min)));
			return sat_add(sum, n);
		}
		}
	}
}

static uint32_t emit(struct prog *p, enum op op, const uint8_t *set)
{
	assert(p->n < p->cap);
	struct inst *in = &p->v[p->n];
	in->op = op;
	in->x = (uint32_t)p->n + 1;
	in->y = (uint32_t)p->n + 1;
	in->set = set;
	return (uint32_t)p->n++;
}

/* Compile r so that control falls through to the next instruction. */
static void compile(struct prog *p, const struct rx *r)
{
	while(r->kind == RX_CAT) {
		compile(p, r->a);
		r = r->b;
	}
	switch(r->kind) {
	case RX_EMPTY:
	case RX_CAT:
		break;
	case RX_SET:
		emit(p, OP_SET, r->set);
		break;
	case RX_BOL:
		emit(p, OP_BOL, NULL);
		break;
	case RX_EOL:
		emit(p, OP_EOL, NULL);
		break;
	case RX_ALT: {
		/* split L1 L2; L1: a; jmp end; L2: ... The jumps to the end are
		 * chained through their x until the end is known. */
		uint32_t jumps = UINT32_MAX;
		while(r->kind == RX_ALT) {
			uint32_t split = emit(p, OP_SPLIT, NULL);
			compile(p, r->a);
			uint32_t j = emit(p, OP_JMP, NULL);
			p->v[j].x = jumps;
			jumps = j;
			p->v[split].y = (uint32_t)p->n;
			r = r->b;
		}
		compile(p, r);
		while(jumps != UINT32_MAX) {
			uint32_t next = p->v[jumps].x;
			p->v[jumps].x = (uint32_t)p->n;
			jumps = next;
		}
		break;
	}
	case RX_REPEAT:
		/* a{n,} loops on its last copy (L: a; split L end), so that nested
		 * a+ or a* do not double the program at each level. */
		for(int i = 0; i < r->min - (r->max < 0); i++)
			compile(p, r->a);
		if(r->max < 0 && r->min > 0) {
			uint32_t loop = (uint32_t)p->n;
			compile(p, r->a);
			uint32_t split = emit(p, OP_SPLIT, NULL);
			p->v[split].x = loop;
		} else if(r->max < 0) {
			/* L: split body end; body; jmp L; end: */
			uint32_t split = emit(p, OP_SPLIT, NULL);
			compile(p, r->a);
			uint32_t j = emit(p, OP_JMP, NULL);
			p->v[j].x = split;
			p->v[split].y = (uint32_t)p->n;
		} else {
			for(int i = r->min; i < r->max; i++) {
				uint32_t split = emit(p, OP_SPLIT, NULL);
				compile(p, r->a);
				p->v[split].y = (uint32_t)p->n;
			}
		}
		break;
	}
}

/* A sparse set of instruction indices (Briggs & Torczon), for O(1) clear. */
struct sset {
	uint32_t *dense, *sparse;
	size_t n;
};

static bool sset_has(const struct sset *s, uint32_t pc)
{
	return s->sparse[pc] < s->n && s->dense[s->sparse[pc]] == pc;
}

/* Add pc and its epsilon closure at position pos; true if MATCH is reached. */
static bool add_thread(const struct prog *p, struct sset *s, uint32_t *stack, uint32_t pc,
                       size_t pos, size_t len)
{
	size_t top = 0;
	stack[top++] = pc;
	while(top > 0) {
		pc = stack[--top];
		if(sset_has(s, pc))
			continue;
		s->sparse[pc] = (uint32_t)s->n;
		s->dense[s->n++] = pc;
		const struct inst *in = &p->v[pc];
		switch(in->op) {
		case OP_MATCH:
			return true;
		case OP_SET:
			break;
		case OP_JMP:
			stack[top++] = in->x;
			break;
		case OP_SPLIT:
			stack[top++] = in->y;
			stack[top++] = in->x;
			break;
		case OP_BOL:
			if(pos == 0)
				stack[top++] = in->x;
			break;
		case OP_EOL:
			if(pos == len)
				stack[top++] = in->x;
			break;
		}
	}
	return false;
}

static bool nfa_search(const struct prog *p, const unsigned char *line, size_t len)
{
	struct sset a, b;
	struct sset *cur = &a, *next = &b;
	a.dense = xcalloc(p->n, sizeof(uint32_t));
	a.sparse = xcalloc(p->n, sizeof(uint32_t));
	b.dense = xcalloc(p->n, sizeof(uint32_t));
	b.sparse = xcalloc(p->n, sizeof(uint32_t));
	a.n = b.n = 0;
	/* Every instruction is pushed at most once per predecessor edge. */
	uint32_t *stack = xcalloc(2 * p->n + 1, sizeof(uint32_t));
	bool found = false;
	for(size_t pos = 0;; pos++) {
		/* Unanchored: a new thread starts at every position. */
		if(add_thread(p, cur, stack, 0, pos, len)) {
			found = true;
			goto out;
		}
		if(pos == len)
			break;
		next->n = 0;
		for(size_t i = 0; i < cur->n; i++) {
			const struct inst *in = &p->v[cur->dense[i]];
			if(in->op != OP_SET || !set_has(in->set, line[pos]))
				continue;
			if(add_thread(p, next, stack, cur->dense[i] + 1, pos + 1, len)) {
				found = true;
				goto out;
			}
		}
		struct sset *t = cur;
		cur = next;
		next = t;
	}
out:
	free(a.dense);
	free(a.sparse);
	free(b.dense);
	free(b.sparse);
	free(stack);
	return found;
}

/* ---- rx_dfa_states: the size guard ---------------------------------------
 *
 * Subset construction over the Thompson program: a DFA state is the set of
 * OP_SET/OP_MATCH instructions reachable after some input. Bytes are grouped
 * into classes that no OP_SET tells apart, so each state has at most one
 * transition per class. Work is bounded by DFA_WORK instruction visits. */

enum { DFA_MAX_PROG = 1 << 14, DFA_WORK = 20 * 1000 * 1000 };

struct dfa_state {
	uint32_t *pcs;          /* sorted instruction indices */
	size_t n;
	uint64_t hash;
};

struct dfa_build {
	const struct prog *p;
	struct dfa_state *v;    /* states found so far */
	size_t n, cap;
	size_t *table;          /* open addressing: index + 1 into v, 0 = empty */
	size_t table_size;
	uint64_t work;
	struct sset set;
	uint32_t *stack;
	uint32_t *start;        /* closure of the start, not at line start */
	size_t nstart;
};

/* Epsilon closure of pc into b->set (BOL holds only at the line start; EOL
 * leads to the line's "\n", which ends the search and adds no state). */
static void dfa_close(struct dfa_build *b, uint32_t pc, bool at_start)
{
	size_t top = 0;
	b->stack[top++] = pc;
	while(top > 0) {
		pc = b->stack[--top];
		b->work++;
		if(sset_has(&b->set, pc))
			continue;
		b->set.sparse[pc] = (uint32_t)b->set.n;
		b->set.dense[b->set.n++] = pc;
		const struct inst *in = &b->p->v[pc];
		switch(in->op) {
		case OP_JMP:
			b->stack[top++] = in->x;
			break;
		case OP_SPLIT:
			b->stack[top++] = in->y;
			b->stack[top++] = in->x;
			break;
		case OP_BOL:
			if(at_start)
				b->stack[top++] = in->x;
			break;
		case OP_SET:
		case OP_EOL:
		case OP_MATCH:
			break;
		}
	}
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, c = *(const uint32_t *)y;
	return a < c ? -1 : a > c;
}

/* Intern the state in b->set (keeping only instructions that matter for
 * the future: OP_SET and OP_MATCH). Returns its index, or SIZE_MAX when the
 * cap is reached. */
static size_t dfa_intern(struct dfa_build *b, size_t cap)
{
	uint32_t *pcs = xmalloc((b->set.n + 1) * sizeof *pcs);
	size_t n = 0;
	for(size_t i = 0; i < b->set.n; i++) {
		enum op op = b->p->v[b->set.dense[i]].op;
		if(op == OP_SET || op == OP_MATCH)
			pcs[n++] = b->set.dense[i];
	}
	qsort(pcs, n, sizeof *pcs, cmp_u32);
	uint64_t h = 0xcbf29ce484222325u;
	for(size_t i = 0; i < n; i++)
		h = (h ^ pcs[i]) * 0x100000001b3u;
	b->work += n;
	for(size_t k = h % b->table_size;; k = (k + 1) % b->table_size) {
		size_t e = b->table[k];
		if(e == 0) {
			if(b->n >= cap) {
				free(pcs);
				return SIZE_MAX;
			}
			if(b->n == b->cap) {
				b->cap = b->cap ? b->cap * 2 : 64;
				b->v = xrealloc(b->v, b->cap * sizeof *b->v);
			}
			b->v[b->n].pcs = pcs;
			b->v[b->n].n = n;
			b->v[b->n].hash = h;
			b->table[k] = ++b->n;
			return b->n - 1;
		}
		struct dfa_state *s = &b->v[e - 1];
		if(s->hash == h && s->n == n && memcmp(s->pcs, pcs, n * sizeof *pcs) == 0) {
			free(pcs);
			return e - 1;
		}
	}
}

/* Byte classes: class[c] for every byte but '\n'; returns one representative
 * byte per class in reps. */
static size_t dfa_classes(const struct prog *p, unsigned char *reps)
{
	uint16_t cls[256];
	size_t ncls = 1;
	memset(cls, 0, sizeof cls);
	for(size_t i = 0; i < p->n; i++) {
		if(p->v[i].op != OP_SET)
			continue;
		/* Split every class by membership in this set. */
		uint16_t remap[2][512];
		memset(remap, 0xff, sizeof remap);
		size_t next = 0;
		for(unsigned c = 0; c < 256; c++) {
			unsigned in = set_has(p->v[i].set, c);
			if(remap[in][cls[c]] == 0xffff)
				remap[in][cls[c]] = (uint16_t)next++;
			cls[c] = remap[in][cls[c]];
		}
		ncls = next;
	}
	size_t n = 0;
	bool seen[512] = {false};
	for(unsigned c = 0; c < 256; c++) {
		if(c == '\n' || seen[cls[c]])
			continue;
		seen[cls[c]] = true;
		reps[n++] = (unsigned char)c;
	}
	(void)ncls;
	return n;
}

size_t rx_dfa_states(const struct rx *r, size_t cap)
{
	uint64_t size = prog_size(r) + 1;
	if(size > DFA_MAX_PROG)
		return cap + 1;
	struct prog p;
	p.cap = (size_t)size;
	p.n = 0;
	p.v = xcalloc(p.cap, sizeof *p.v);
	compile(&p, r);
	emit(&p, OP_MATCH, NULL);

	struct dfa_build b;
	memset(&b, 0, sizeof b);
	b.p = &p;
	b.table_size = 4 * cap + 7;
	b.table = xcalloc(b.table_size, sizeof *b.table);
	b.set.dense = xcalloc(p.n, sizeof(uint32_t));
	b.set.sparse = xcalloc(p.n, sizeof(uint32_t));
	b.stack = xcalloc(2 * p.n + 1, sizeof(uint32_t));
	unsigned char reps[256];
	size_t nreps = dfa_classes(&p, reps);

	/* The closure of the start away from the line start: the [^\n]* loop
	 * adds it after every byte. */
	b.set.n = 0;
	dfa_close(&b, 0, false);
	b.start = xmalloc((b.set.n + 1) * sizeof *b.start);
	b.nstart = b.set.n;
	memcpy(b.start, b.set.dense, b.set.n * sizeof *b.start);

	b.set.n = 0;
	dfa_close(&b, 0, true);
	size_t result = dfa_intern(&b, cap) == SIZE_MAX ? cap + 1 : 0;
	for(size_t s = 0; result == 0 && s < b.n; s++) {
		for(size_t k = 0; k < nreps; k++) {
			b.set.n = 0;
			for(size_t i = 0; i < b.nstart; i++)
				dfa_close(&b, b.start[i], false);
			const struct dfa_state *st = &b.v[s];
			for(size_t i = 0; i < st->n; i++) {
				const struct inst *in = &p.v[st->pcs[i]];
				if(in->op == OP_SET && set_has(in->set, reps[k]))
					dfa_close(&b, st->pcs[i] + 1, false);
			}
			if(dfa_intern(&b, cap) == SIZE_MAX || b.work > DFA_WORK) {
				result = cap + 1;
				break;
			}
			st = NULL;
		}
	}
	if(result == 0)
		result = b.n;
	for(size_t i = 0; i < b.n; i++)
		free(b.v[i].pcs);
	free(b.v);
	free(b.table);
	free(b.set.dense);
	free(b.set.sparse);
	free(b.stack);
	free(b.start);
	free(p.v);
	return result;
}

/* ---- rx_search fallback: sets of line positions ----------------------------
 *
 * For programs too big to expand, each node maps the set of positions where
 * it may start to the set where it may end (bitsets over 0..len). A
 * repetition iterates its operand: at most len + 2 times, because inside a
 * repetition there are no anchors, so a nullable operand only grows the set
 * and any other one moves its least position right. Exact, but quadratic in
 * the worst case; only used for patterns the size guard refuses anyway. */

struct fb {
	const unsigned char *line;
	size_t len;
	size_t words;  /* uint64_t words in a position set */
};

static uint64_t *fb_new(const struct fb *f)
{
	return xcalloc(f->words, sizeof(uint64_t));
}

static bool fb_any(const struct fb *f, const uint64_t *s)
{
	for(size_t i = 0; i < f->words; i++)
		if(s[i])
			return true;
	return false;
}

static void fb_apply(const struct fb *f, const struct rx *r, const uint64_t *in, uint64_t *out);

static void fb_repeat(const struct fb *f, const struct rx *r, const uint64_t *in, uint64_t *out)
{
	size_t bytes = f->words * sizeof(uint64_t);
	uint64_t *cur = fb_new(f), *nxt = fb_new(f);
	memcpy(cur, in, bytes);
	for(int k = 0; k < r->min; k++) {
		fb_apply(f, r->a, cur, nxt);
		bool same = memcmp(cur, nxt, bytes) == 0;
		uint64_t *t = cur;
		cur = nxt;
		nxt = t;
		if(same || !fb_any(f, cur))
			break; /* a fixed point: further copies change nothing */
	}
	/* Breadth-first over further copies: only new positions need a step. */
	memcpy(out, cur, bytes);
	for(int k = r->min; r->max < 0 || k < r->max; k++) {
		fb_apply(f, r->a, cur, nxt);
		bool grew = false;
		for(size_t i = 0; i < f->words; i++) {
			nxt[i] &= ~out[i];
			out[i] |= nxt[i];
			grew |= nxt[i] != 0;
		}
		if(!grew)
			break;
		uint64_t *t = cur;
		cur = nxt;
		nxt = t;
	}
	free(cur);
	free(nxt);
}

static void fb_apply(const struct fb *f, const struct rx *r, const uint64_t *in, uint64_t *out)
{
	size_t bytes = f->words * sizeof(uint64_t);
	switch(r->kind) {
	case RX_EMPTY:
		memcpy(out, in, bytes);
		break;
	case RX_BOL:
		memset(out, 0, bytes);
		out[0] = in[0] & 1;
		break;
	case RX_EOL:
		memset(out, 0, bytes);
		out[f->len / 64] = in[f->len / 64] & ((uint64_t)1 << (f->len % 64));
		break;
	case RX_SET:
		memset(out, 0, bytes);
		for(size_t i = 0; i < f->len; i++)
			if(((in[i / 64] >> (i % 64)) & 1) && set_has(r->set, f->line[i]))
				out[(i + 1) / 64] |= (uint64_t)1 << ((i + 1) % 64);
		break;
	case RX_CAT: {
		uint64_t *cur = fb_new(f), *tmp = fb_new(f);
		memcpy(cur, in, bytes);
		while(r->kind == RX_CAT) {
			fb_apply(f, r->a, cur, tmp);
			uint64_t *t = cur;
			cur = tmp;
			tmp = t;
			r = r->b;
		}
		fb_apply(f, r, cur, out);
		free(cur);
		free(tmp);
		break;
	}
	case RX_ALT: {
		uint64_t *tmp = fb_new(f);
		memset(out, 0, bytes);
		for(;;) {
			const struct rx *x = r->kind == RX_ALT ? r->a : r;
			fb_apply(f, x, in, tmp);
			for(size_t i = 0; i < f->words; i++)
				out[i] |= tmp[i];
			if(r->kind != RX_ALT)
				break;
			r = r->b;
		}
		free(tmp);
		break;
	}
	case RX_REPEAT:
		fb_repeat(f, r, in, out);
		break;
	}
}

static bool fb_search(const struct rx *r, const unsigned char *line, size_t len)
{
	struct fb f = { line, len, len / 64 + 1 };
	uint64_t *in = fb_new(&f), *out = fb_new(&f);
	for(size_t i = 0; i <= len; i++)
		in[i / 64] |= (uint64_t)1 << (i % 64);
	fb_apply(&f, r, in, out);
	bool found = fb_any(&f, out);
	free(in);
	free(out);
	return found;
}

/* Contract in regex.h. Compiles r to a Thompson NFA (counted repetitions
 * expanded) and simulates it over line in O(len * program size); programs
 * of RX_SEARCH_MAX_PROG instructions or more use the position-set fallback.
 * Allocates and frees its own scratch memory; r is not modified. */
bool rx_search(const struct rx *r, const unsigned char *line, size_t len)
{
	uint64_t size = prog_size(r);
	if(size >= RX_SEARCH_MAX_PROG)
		return fb_search(r, line, len);
	struct prog p = { .cap = (size_t)size + 1 };
	p.v = xcalloc(p.cap, sizeof *p.v);
	compile(&p, r);
	emit(&p, OP_MATCH, NULL);
	bool found = nfa_search(&p, line, len);
	free(p.v);
	return found;
}

/* ---- node lists for the passes that flatten chains -------------------------- */

struct nodevec {
	const struct rx **v;
	size_t n, cap;
};

static void nv_push(struct nodevec *nv, const struct rx *r)
{
	if(nv->n == nv->cap) {
		nv->cap = nv->cap ? 2 * nv->cap : 16;
		nv->v = xrealloc(nv->v, nv->cap * sizeof *nv->v);
	}
	nv->v[nv->n++] = r;
}

/* Append the operands of the kind-chain r (RX_CAT or RX_ALT), through nested
 * chains of the same kind (groups), in order. */
static void nv_flatten(struct nodevec *nv, const struct rx *r, enum rx_kind kind)
{
	while(r->kind == kind) {
		nv_flatten(nv, r->a, kind);
		r = r->b;
	}
	nv_push(nv, r);
}

/* ---- required literal factors --------------------------------------------- */

/* A literal run: bytes, each maybe marked case-insensitive (stored lower-case). */
enum { LIT_MAX = 256, LIT_ICASE = 0x100 };

struct lit {
	size_t n;
	uint16_t c[LIT_MAX];
};

/* What every match of a subtree must look like. */
struct litinfo {
	bool exact;       /* the subtree matches exactly one string: pre (= suf = best) */
	struct lit pre;   /* every match starts with this */
	struct lit suf;   /* every match ends with this */
	struct lit best;  /* every match contains this; the best such run found */
};

/* Rarity heuristic: how unusual a byte is in CI log text, by a rough
 * frequency order of English and of log output. It only breaks ties between
 * runs of the same length, so a rough order is all it needs. Bytes not
 * listed (other punctuation, control and high bytes) weigh 6; the
 * punctuation of paths, times and key=value pairs is on most log lines. */
static const uint8_t rarity[256] = {
	[' '] = 1, ['e'] = 1, ['a'] = 1, ['o'] = 1, ['i'] = 1,
	['t'] = 2, ['n'] = 2, ['s'] = 2, ['r'] = 2, ['h'] = 2, ['l'] = 2, ['d'] = 2, ['c'] = 2,
	['u'] = 2,
	['m'] = 3, ['f'] = 3, ['p'] = 3, ['g'] = 3, ['w'] = 3, ['y'] = 3, ['b'] = 3, ['v'] = 3,
	['k'] = 3,
	['j'] = 4, ['x'] = 4, ['q'] = 4, ['z'] = 4,
	['0'] = 5, ['1'] = 5, ['2'] = 5, ['3'] = 5, ['4'] = 5, ['5'] = 5, ['6'] = 5, ['7'] = 5,
	['8'] = 5, ['9'] = 5,
	['A'] = 5, ['B'] = 5, ['C'] = 5, ['D'] = 5, ['E'] = 5, ['F'] = 5, ['G'] = 5, ['H'] = 5,
	['I'] = 5, ['J'] = 5, ['K'] = 5, ['L'] = 5, ['M'] = 5, ['N'] = 5, ['O'] = 5, ['P'] = 5,
	['Q'] = 5, ['R'] = 5, ['S'] = 5, ['T'] = 5, ['U'] = 5, ['V'] = 5, ['W'] = 5, ['X'] = 5,
	['Y'] = 5, ['Z'] = 5,
	[':'] = 4, ['.'] = 4, ['/'] = 4, ['-'] = 4, ['_'] = 4, ['='] = 4, [','] = 4,
};

static unsigned byte_weight(unsigned c)
{
	return rarity[c & 0xff] ? rarity[c & 0xff] : 6;
}

static unsigned lit_weight(const struct lit *l)
{
	unsigned w = 0;
	for(size_t i = 0; i < l->n; i++)
		w += byte_weight(l->c[i] & 0xff);
	return w;
}

/* Replace *best by cand if cand is longer, or as long and rarer. */
static void lit_consider(struct lit *best, const struct lit *cand)
{
	if(cand->n > best->n || (cand->n == best->n && lit_weight(cand) > lit_weight(best)))
		*best = *cand;
}

/* d = a then b, keeping the first LIT_MAX (keep_tail false) or the last
 * LIT_MAX elements. Returns false if something was cut. d may alias a or b. */
static bool lit_cat(struct lit *d, const struct lit *a, const struct lit *b, bool keep_tail)
{
	size_t total = a->n + b->n;
	struct lit r;
	r.n = 0;
	size_t skip = keep_tail && total > LIT_MAX ? total - LIT_MAX : 0;
	for(size_t i = 0; i < total && r.n < LIT_MAX; i++) {
		if(i < skip)
			continue;
		r.c[r.n++] = i < a->n ? a->c[i] : b->c[i - a->n];
	}
	*d = r;
	return total <= LIT_MAX;
}

static void info_none(struct litinfo *o)
{
	o->exact = false;
	o->pre.n = o->suf.n = o->best.n = 0;
}

/* e may be &o->pre. */
static void info_exact(struct litinfo *o, const struct lit *e)
{
	o->exact = true;
	if(e != &o->pre)
		o->pre = *e;
	o->suf = o->pre;
	o->best = o->pre;
}

/* x = x then y. */
static void info_cat(struct litinfo *x, const struct litinfo *y)
{
	struct lit junction;
	lit_cat(&junction, &x->suf, &y->pre, false);
	if(x->exact && y->exact) {
		if(lit_cat(&x->pre, &x->pre, &y->pre, false)) {
			info_exact(x, &x->pre);
			return;
		}
		/* Too long to keep whole: keep both ends. */
		x->exact = false;
		lit_cat(&x->suf, &x->suf, &y->suf, true);
	} else {
		if(x->exact)
			lit_cat(&x->pre, &x->pre, &y->pre, false);
		if(y->exact)
			lit_cat(&x->suf, &x->suf, &y->suf, true);
		else
			x->suf = y->suf;
		x->exact = false;
	}
	lit_consider(&x->best, &y->best);
	lit_consider(&x->best, &junction);
	lit_consider(&x->best, &x->pre);
	lit_consider(&x->best, &x->suf);
}

/* x = x or y: only a common prefix and suffix survive. */
static void info_alt(struct litinfo *x, const struct litinfo *y)
{
	if(x->exact && y->exact && x->pre.n == y->pre.n &&
	   memcmp(x->pre.c, y->pre.c, x->pre.n * sizeof x->pre.c[0]) == 0)
		return;
	size_t i = 0;
	while(i < x->pre.n && i < y->pre.n && x->pre.c[i] == y->pre.c[i])
		i++;
	x->pre.n = i;
	size_t j = 0;
	while(j < x->suf.n && j < y->suf.n &&
	      x->suf.c[x->suf.n - 1 - j] == y->suf.c[y->suf.n - 1 - j])
		j++;
	memmove(x->suf.c, x->suf.c + x->suf.n - j, j * sizeof x->suf.c[0]);
	x->suf.n = j;
	x->exact = false;
	x->best.n = 0;
	lit_consider(&x->best, &x->pre);
	lit_consider(&x->best, &x->suf);
}

static void lit_analyse(const struct rx *r, struct litinfo *out);

static void info_repeat(const struct rx *r, struct litinfo *out)
{
	struct lit empty = { 0 };
	if(r->max == 0) {
		info_exact(out, &empty);
		return;
	}
	struct litinfo in;
	lit_analyse(r->a, &in);
	if(in.exact && in.pre.n == 0) {
		info_exact(out, &empty);
		return;
	}
	if(r->min == 0) {
		info_none(out);
		return;
	}
	if(!in.exact) {
		/* Each match starts like the first copy and ends like the last;
		 * with two copies or more, the seam between copies is required. */
		*out = in;
		if(r->min >= 2) {
			struct lit seam;
			lit_cat(&seam, &in.suf, &in.pre, false);
			lit_consider(&out->best, &seam);
		}
		return;
	}
	/* An exact operand e: every match is e^k with k >= min, so it starts and
	 * ends with e^min. */
	const struct lit *e = &in.pre;
	size_t total = (size_t)r->min * e->n;
	size_t n = total < LIT_MAX ? total : LIT_MAX;
	out->pre.n = out->suf.n = n;
	for(size_t i = 0; i < n; i++) {
		out->pre.c[i] = e->c[i % e->n];
		out->suf.c[i] = e->c[(total - n + i) % e->n];
	}
	out->best = out->pre;
	out->exact = r->min == r->max && total <= LIT_MAX;
	lit_consider(&out->best, &out->suf);
}

/* The literal a set stands for, if it is a single byte or the two cases of
 * one letter. */
static bool set_literal(const uint8_t *set, uint16_t *c)
{
	unsigned n = set_count(set);
	unsigned b = set_first(set);
	if(n == 1) {
		*c = (uint16_t)b;
		return true;
	}
	if(n == 2 && b >= 'A' && b <= 'Z' && set_has(set, b + 32)) {
		*c = (uint16_t)((b + 32) | LIT_ICASE);
		return true;
	}
	return false;
}

static void lit_analyse(const struct rx *r, struct litinfo *out)
{
	struct lit one = { 0 };
	switch(r->kind) {
	case RX_EMPTY:
	case RX_BOL:
	case RX_EOL:
		info_exact(out, &one);
		return;
	case RX_SET:
		if(set_literal(r->set, &one.c[0])) {
			one.n = 1;
			info_exact(out, &one);
		} else {
			info_none(out);
		}
		return;
	case RX_REPEAT:
		info_repeat(r, out);
		return;
	case RX_CAT:
	case RX_ALT: {
		enum rx_kind kind = r->kind;
		struct litinfo item;
		lit_analyse(r->a, out);
		r = r->b;
		for(;;) {
			lit_analyse(r->kind == kind ? r->a : r, &item);
			if(kind == RX_CAT)
				info_cat(out, &item);
			else
				info_alt(out, &item);
			if(r->kind != kind)
				break;
			r = r->b;
		}
		return;
	}
	}
}

/* Collect the branches factors are chosen for: the top-level alternatives,
 * and the alternatives of a branch that is only an alternation group
 * (anchors aside: ^(a|b)$ splits into a and b). */
static void factor_branches(struct nodevec *out, const struct rx *r)
{
	struct nodevec alts = { 0 };
	nv_flatten(&alts, r, RX_ALT);
	for(size_t i = 0; i < alts.n; i++) {
		struct nodevec items = { 0 };
		nv_flatten(&items, alts.v[i], RX_CAT);
		const struct rx *only = NULL;
		size_t n = 0;
		for(size_t j = 0; j < items.n; j++) {
			enum rx_kind k = items.v[j]->kind;
			if(k != RX_BOL && k != RX_EOL && k != RX_EMPTY) {
				only = items.v[j];
				n++;
			}
		}
		if(n == 1 && only->kind == RX_ALT)
			factor_branches(out, only);
		else
			nv_push(out, alts.v[i]);
		free(items.v);
	}
	free(alts.v);
}

/* The branches of r to take a factor from, into out: r itself if its best
 * run is long enough; else, when every match of r passes through an
 * alternation (an item of its concatenation, or repeated at least once),
 * the branches of that alternation, each of which must have a long enough
 * run in turn: every match of /\d+ (errors|warnings)/ holds "errors" or
 * "warnings". False if there is no such set. info is scratch. */
static bool leaf_branches(struct nodevec *out, const struct rx *r, size_t min_len,
                          struct litinfo *info, int depth)
{
	lit_analyse(r, info);
	if(info->best.n >= min_len) {
		nv_push(out, r);
		return true;
	}
	if(depth >= 4)
		return false;
	struct nodevec items = { 0 };
	nv_flatten(&items, r, RX_CAT);
	bool ok = false;
	for(size_t j = 0; j < items.n && !ok; j++) {
		const struct rx *it = items.v[j];
		while(it->kind == RX_REPEAT && it->min >= 1)
			it = it->a;
		if(it->kind != RX_ALT)
			continue;
		struct nodevec alts = { 0 }, sub = { 0 };
		factor_branches(&alts, it);
		ok = true;
		for(size_t k = 0; k < alts.n && ok; k++)
			ok = leaf_branches(&sub, alts.v[k], min_len, info, depth + 1);
		for(size_t k = 0; ok && k < sub.n; k++)
			nv_push(out, sub.v[k]);
		free(alts.v);
		free(sub.v);
	}
	free(items.v);
	return ok;
}

/* Contract in regex.h. Each branch gets its best run: the longest, then the
 * rarest by byte_weight; a run holding any two-case letter is returned
 * lower-cased with icase set. Factors are at most LIT_MAX bytes (of a longer
 * literal, its first or last LIT_MAX), deduplicated, in branch order, and live
 * in arena a. min_len 0 counts as 1: an empty factor would filter nothing. */
bool rx_required_factors(struct arena *a, const struct rx *r, size_t min_len,
                         struct rx_factors *out)
{
	out->v = NULL;
	out->n = 0;
	if(min_len == 0)
		min_len = 1;
	struct nodevec tops = { 0 }, branches = { 0 };
	factor_branches(&tops, r);
	struct litinfo *info = xmalloc(sizeof *info);
	bool ok = true;
	for(size_t i = 0; i < tops.n && ok; i++)
		ok = leaf_branches(&branches, tops.v[i], min_len, info, 0);
	free(tops.v);
	struct rx_factor *v = arena_alloc(a, (branches.n + 1) * sizeof *v);
	size_t n = 0;
	/* Deduplicate through a hash table of indices into v (+1; 0 = free):
	 * rule packs OR together hundreds of alternatives. */
	size_t hcap = 16;
	while(hcap < 2 * branches.n)
		hcap *= 2;
	size_t *hash = xcalloc(hcap, sizeof *hash);
	for(size_t i = 0; i < branches.n && ok; i++) {
		lit_analyse(branches.v[i], info);
		const struct lit *l = &info->best;
		if(l->n < min_len) {
			ok = false;
			break;
		}
		unsigned char *bytes = arena_alloc(a, l->n + 1);
		bool icase = false;
		for(size_t j = 0; j < l->n; j++)
			icase |= (l->c[j] & LIT_ICASE) != 0;
		for(size_t j = 0; j < l->n; j++) {
			unsigned c = l->c[j] & 0xff;
			/* A mixed run is searched without case: a superset, still safe. */
			bytes[j] = (unsigned char)(icase && c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		uint64_t h = 1469598103934665603ull ^ icase; /* FNV-1a */
		for(size_t j = 0; j < l->n; j++)
			h = (h ^ bytes[j]) * 1099511628211ull;
		size_t slot = (size_t)h & (hcap - 1);
		bool dup = false;
		while(hash[slot] && !dup) {
			const struct rx_factor *o = &v[hash[slot] - 1];
			dup = o->len == l->n && o->icase == icase && memcmp(o->bytes, bytes, l->n) == 0;
			slot = (slot + 1) & (hcap - 1);
		}
		if(dup)
			continue;
		hash[slot] = n + 1;
		v[n].bytes = bytes;
		v[n].len = l->n;
		v[n].icase = icase;
		n++;
	}
	free(hash);
	free(info);
	free(branches.v);
	if(!ok)
		return false;
	out->v = v;
	out->n = n;
	return true;
}

/* ---- re2c translation ------------------------------------------------------ */

struct emitter {
	struct dynbuf *b;
	bool ok;  /* false once the cap was hit; later output is dropped */
};

static void put(struct emitter *e, const char *s)
{
	if(e->ok && !dynbuf_adds(e->b, s))
		e->ok = false;
}

static void putf(struct emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct emitter *e, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	put(e, tmp);
}

/* Can r match anything inside a line? Sets lose '\n' in the output (nothing
 * may match past the line's end), so a set of only '\n' matches nothing. */
static bool possible(const struct rx *r)
{
	for(;;) {
		switch(r->kind) {
		case RX_EMPTY:
		case RX_BOL:
		case RX_EOL:
			return true;
		case RX_SET: {
			uint8_t s[32];
			memcpy(s, r->set, sizeof s);
			set_del(s, '\n');
			return set_count(s) > 0;
		}
		case RX_CAT:
			if(!possible(r->a))
				return false;
			r = r->b;
			break;
		case RX_ALT:
			if(possible(r->a))
				return true;
			r = r->b;
			break;
		case RX_REPEAT:
			if(r->min == 0 || r->max == 0)
				return true;
			r = r->a;
			break;
		}
	}
}

/* Does r match only the empty string (given that it is possible)? */
static bool only_empty(const struct rx *r)
{
	for(;;) {
		switch(r->kind) {
		case RX_EMPTY:
		case RX_BOL:
		case RX_EOL:
			return true;
		case RX_SET:
			return false;
		case RX_CAT:
			if(!only_empty(r->a))
				return false;
			r = r->b;
			break;
		case RX_ALT:
			/* Alternatives that cannot match are left out of the output. */
			if(possible(r->a) && !only_empty(r->a))
				return false;
			r = r->b;
			if(!possible(r))
				return true;
			break;
		case RX_REPEAT:
			if(r->max == 0 || !possible(r->a))
				return true;
			r = r->a;
			break;
		}
	}
}

/* The set without '\n', and whether it is a single byte. */
static bool line_set(const struct rx *r, uint8_t *s)
{
	memcpy(s, r->set, 32);
	set_del(s, '\n');
	return set_count(s) == 1;
}

/* One byte inside "..." or [...]: alphanumerics as themselves, anything else
 * as \xHH, which re2c reads the same in both. */
static void put_byte(struct emitter *e, unsigned c)
{
	if(is_alnum(c))
		putf(e, "%c", (char)c);
	else
		putf(e, "\\x%02X", c);
}

static void put_class(struct emitter *e, const uint8_t *set)
{
	uint8_t inv[32];
	memcpy(inv, set, sizeof inv);
	for(int i = 0; i < 32; i++)
		inv[i] = (uint8_t)~inv[i];
	if(set_count(inv) == 1 && set_has(inv, '\n')) {
		put(e, "[^\\n]");
		return;
	}
	/* Write whichever of the set and its complement has fewer ranges. */
	unsigned runs[2] = { 0, 0 };
	for(int k = 0; k < 2; k++) {
		const uint8_t *s = k ? inv : set;
		for(unsigned c = 0; c < 256; c++)
			if(set_has(s, c) && (c == 0 || !set_has(s, c - 1)))
				runs[k]++;
	}
	bool neg = runs[1] < runs[0];
	const uint8_t *s = neg ? inv : set;
	put(e, neg ? "[^" : "[");
	for(unsigned c = 0; c < 256; c++) {
		if(!set_has(s, c))
			continue;
		unsigned hi = c;
		while(hi < 255 && set_has(s, hi + 1))
			hi++;
		put_byte(e, c);
		if(hi > c) {
			if(hi > c + 1)
				put(e, "-");
			put_byte(e, hi);
		}
		c = hi;
	}
	put(e, "]");
}

enum ctx { CTX_ALT, CTX_CAT, CTX_ATOM };  /* what surrounds an emitted expression */

static void emit_re2c(struct emitter *e, const struct rx *r, enum ctx ctx);

/* Emit the concatenation items[0..n), merging single bytes into "..." strings. */
static void emit_seq(struct emitter *e, const struct rx **items, size_t n, enum ctx ctx)
{
	/* Count the pieces first: one piece needs no parentheses. */
	size_t pieces = 0;
	bool in_string = false;
	uint8_t s[32];
	for(size_t i = 0; i < n; i++) {
		if(only_empty(items[i]))
			continue;
		bool byte = items[i]->kind == RX_SET && line_set(items[i], s);
		if(!byte || !in_string)
			pieces++;
		in_string = byte;
	}
	if(pieces == 0) {
		put(e, "\"\"");
		return;
	}
	bool paren = pieces > 1 && ctx == CTX_ATOM;
	if(paren)
		put(e, "(");
	bool first = true;
	in_string = false;
	for(size_t i = 0; i < n; i++) {
		if(only_empty(items[i]))
			continue;
		bool byte = items[i]->kind == RX_SET && line_set(items[i], s);
		if(in_string && !byte)
			put(e, "\"");
		if(!(in_string && byte) && !first)
			put(e, " ");
		first = false;
		if(byte) {
			if(!in_string)
				put(e, "\"");
			put_byte(e, set_first(s));
		} else {
			emit_re2c(e, items[i], pieces > 1 ? CTX_CAT : ctx);
		}
		in_string = byte;
	}
	if(in_string)
		put(e, "\"");
	if(paren)
		put(e, ")");
}

static void emit_re2c(struct emitter *e, const struct rx *r, enum ctx ctx)
{
	switch(r->kind) {
	case RX_EMPTY:
	case RX_BOL:  /* anchors only reach here from hand-built trees */
	case RX_EOL:
		put(e, "\"\"");
		return;
	case RX_SET: {
		uint8_t s[32];
		if(line_set(r, s)) {
			put(e, "\"");
			put_byte(e, set_first(s));
			put(e, "\"");
		} else {
			put_class(e, s);
		}
		return;
	}
	case RX_CAT: {
		struct nodevec items = { 0 };
		nv_flatten(&items, r, RX_CAT);
		emit_seq(e, items.v, items.n, ctx);
		free(items.v);
		return;
	}
	case RX_ALT: {
		struct nodevec alts = { 0 };
		nv_flatten(&alts, r, RX_ALT);
		size_t k = 0;
		for(size_t i = 0; i < alts.n; i++)
			if(possible(alts.v[i]))
				alts.v[k++] = alts.v[i];
		if(k == 1) {
			emit_re2c(e, alts.v[0], ctx);
		} else {
			if(ctx != CTX_ALT)
				put(e, "(");
			for(size_t i = 0; i < k; i++) {
				if(i)
					put(e, " | ");
				emit_re2c(e, alts.v[i], CTX_ALT);
			}
			if(ctx != CTX_ALT)
				put(e, ")");
		}
		free(alts.v);
		return;
	}
	case RX_REPEAT:
		if(only_empty(r)) {
			put(e, "\"\"");
			return;
		}
		if(r->min == 1 && r->max == 1) {  /* what trimming leaves of X+ */
			emit_re2c(e, r->a, ctx);
			return;
		}
		/* A repetition of a repetition needs parentheses in re2c. */
		if(ctx == CTX_ATOM)
			put(e, "(");
		emit_re2c(e, r->a, CTX_ATOM);
		if(r->min == 0 && r->max < 0)
			put(e, "*");
		else if(r->min == 1 && r->max < 0)
			put(e, "+");
		else if(r->min == 0 && r->max == 1)
			put(e, "?");
		else if(r->max < 0)
			putf(e, "{%d,}", r->min);
		else if(r->min == r->max)
			putf(e, "{%d}", r->min);
		else
			putf(e, "{%d,%d}", r->min, r->max);
		if(ctx == CTX_ATOM)
			put(e, ")");
		return;
	}
}

/* Contract in regex.h; writes only to out (appending). The output, per
 * top-level branch: "[^\n]*" unless the branch starts with ^,
 * the branch, and "\n" (the line's own newline) if it ends with $. Branches
 * that cannot match in a line are left out; if none is left the result is
 * the empty class "[]", which needs re2c's empty-class = match-none. */
bool rx_emit_re2c(const struct rx *r, struct dynbuf *out)
{
	struct emitter e = { out, true };
	struct nodevec branches = { 0 };
	nv_flatten(&branches, r, RX_ALT);
	size_t k = 0;
	for(size_t i = 0; i < branches.n; i++)
		if(possible(branches.v[i]))
			branches.v[k++] = branches.v[i];
	if(k == 0)
		put(&e, "[]");
	if(k > 1)
		put(&e, "(");
	for(size_t i = 0; i < k; i++) {
		struct nodevec items = { 0 };
		nv_flatten(&items, branches.v[i], RX_CAT);
		const struct rx **v = items.v;
		size_t n = items.n;
		bool bol = n > 0 && v[0]->kind == RX_BOL;
		if(bol) {
			v++;
			n--;
		}
		bool eol = n > 0 && v[n - 1]->kind == RX_EOL;
		if(eol)
			n--;
		/* The matcher only answers "does the line contain a match", so a
		 * counted repetition at an unanchored end of the branch needs only
		 * its minimum: X{n,m} occurs where X{n} does. This keeps re2c's DFA
		 * small for patterns like /a\w{4,20}/, whose exact DFA must count
		 * up to 20 in every state. */
		struct rx head, tail;
		if(!eol && n > 0 && v[n - 1]->kind == RX_REPEAT && v[n - 1]->max != v[n - 1]->min) {
			tail = *v[n - 1];
			tail.max = tail.min;
			v[n - 1] = &tail;
		}
		if(!bol && n > 0 && v[0]->kind == RX_REPEAT && v[0]->max != v[0]->min) {
			head = *v[0];
			head.max = head.min;
			v[0] = &head;
		}
		if(i > 0)
			put(&e, " | ");
		bool body = false;
		for(size_t j = 0; j < n && !body; j++)
			body = !only_empty(v[j]);
		if(!bol)
			put(&e, "[^\\n]*");
		if(body) {
			if(!bol)
				put(&e, " ");
			emit_seq(&e, v, n, CTX_CAT);
		}
		if(eol)
			put(&e, bol && !body ? "\"\\n\"" : " \"\\n\"");
		if(bol && !body && !eol)
			put(&e, "\"\"");
		free(items.v);
	}
	if(k > 1)
		put(&e, ")");
	free(branches.v);
	return e.ok;
}
