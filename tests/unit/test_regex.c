/* test_regex.c — unit tests of compiler/regex.c: the parser and its error
 * messages (with offsets), rx_search on (regex, line, expected) triples,
 * the empty-match check, required factors, re2c output and size estimates. */
#include "unit.h"

#include "arena.h"
#include "dynbuf.h"
#include "regex.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static struct arena *A;

static struct rx *parse(const char *body, unsigned flags)
{
	struct rx_error err;
	return rx_parse(A, body, strlen(body), flags, &err);
}

/* ---- parse errors --------------------------------------------------------- */

struct err_case {
	const char *body;
	enum rx_errkind kind;
	size_t offset, length;
	const char *msg;
};

#define SYN RX_ERR_SYNTAX
#define UNS RX_ERR_UNSUPPORTED
#define BACKREF1 "backreference \\1 needs backtracking; a DFA cannot match it — match the text literally or split into two patterns"

static const struct err_case err_cases[] = {
	/* structure */
	{ ")", SYN, 0, 1, "unmatched ')'" },
	{ "ab)", SYN, 2, 1, "unmatched ')'" },
	{ "(a))", SYN, 3, 1, "unmatched ')'" },
	{ "ab(c", SYN, 4, 1, "missing ')' to close '(' at column 3" },
	{ "(a(b)", SYN, 5, 1, "missing ')' to close '(' at column 1" },
	{ "x(?:y", SYN, 5, 1, "missing ')' to close '(' at column 2" },
	{ "[abc", SYN, 0, 4, "unterminated character class" },
	{ "x[]", SYN, 1, 2, "unterminated character class" },
	{ "x[^]", SYN, 1, 3, "unterminated character class" },
	{ "a[\\]", SYN, 1, 3, "unterminated character class" },
	{ "[z-a]", SYN, 1, 3, "invalid range 'z-a'" },
	{ "[a\\x7a-\\x61]", SYN, 2, 9, "invalid range '\\x7a-\\x61'" },
	{ "[a-\\d]", SYN, 1, 4, "invalid range: '\\d' is a class, not a byte" },
	{ "[\\w-.]", SYN, 1, 3, "invalid range: '\\w' is a class, not a byte" },
	/* repetition */
	{ "*a", SYN, 0, 1, "nothing to repeat before '*'" },
	{ "a|*", SYN, 2, 1, "nothing to repeat before '*'" },
	{ "(+)", SYN, 1, 1, "nothing to repeat before '+'" },
	{ "(?:?)", SYN, 3, 1, "nothing to repeat before '?'" },
	{ "a**", SYN, 2, 1, "nothing to repeat before '*'" },
	{ "a*?*", SYN, 3, 1, "nothing to repeat before '*'" },
	{ "a???", SYN, 3, 1, "nothing to repeat before '?'" },
	{ "a{2}{3}", SYN, 4, 3, "nothing to repeat before '{3}'" },
	{ "^*", SYN, 1, 1, "nothing to repeat before '*'" },
	{ "{3}", SYN, 0, 3, "nothing to repeat before '{3}'" },
	{ "x|{2,}", SYN, 2, 4, "nothing to repeat before '{2,}'" },
	{ "a{5000}", SYN, 2, 4, "repetition bound 5000 exceeds the limit of 1000" },
	{ "a{1001}", SYN, 2, 4, "repetition bound 1001 exceeds the limit of 1000" },
	{ "a{1,5000}", SYN, 4, 4, "repetition bound 5000 exceeds the limit of 1000" },
	{ "a{99999999999999999999}", SYN, 2, 20, "repetition bound 99999999999999999999 exceeds the limit of 1000" },
	{ "a{3,2}", SYN, 1, 5, "invalid repetition '{3,2}': the minimum exceeds the maximum" },
	/* escapes */
	{ "\\x4", SYN, 0, 3, "invalid \\x escape: expected two hex digits" },
	{ "ab\\xZZ", SYN, 2, 2, "invalid \\x escape: expected two hex digits" },
	{ "\\x{41}", SYN, 0, 2, "invalid \\x escape: expected two hex digits" },
	{ "[\\x4]", SYN, 1, 3, "invalid \\x escape: expected two hex digits" },
	{ "a\\", SYN, 1, 1, "trailing '\\' escapes nothing" },
	{ "\\q", SYN, 0, 2, "unknown escape '\\q'" },
	{ "[\\y]", SYN, 1, 2, "unknown escape '\\y'" },
	/* what a DFA cannot do */
	{ "(a)\\1", UNS, 3, 2, BACKREF1 },
	{ "(a)(b)\\2", UNS, 6, 2, "backreference \\2 needs backtracking; a DFA cannot match it — match the text literally or split into two patterns" },
	{ "[\\1]", UNS, 1, 2, "octal escape \\1 is not supported: write the byte as \\xHH" },
	{ "\\0", UNS, 0, 2, "octal escape \\0 is not supported: write the byte as \\xHH, e.g. \\x00" },
	{ "\\k<n>", UNS, 0, 2, "named backreference \\k needs backtracking; a DFA cannot match it — match the text literally or split into two patterns" },
	{ "(?=a)", UNS, 0, 3, "lookahead '(?=' is not supported: a DFA cannot look around — make the context part of the match" },
	{ "x(?!a)", UNS, 1, 3, "negative lookahead '(?!' is not supported: a DFA cannot look around — exclude lines with an 'unless P same line' clause" },
	{ "(?<=a)b", UNS, 0, 4, "lookbehind '(?<=' is not supported: a DFA cannot look around — make the context part of the match" },
	{ "(?<!a)b", UNS, 0, 4, "negative lookbehind '(?<!' is not supported: a DFA cannot look around — exclude lines with an 'unless P same line' clause" },
	{ "\\bfoo", UNS, 0, 2, "word boundary \\b is not supported: a DFA cannot look at the byte before — match the delimiter itself, e.g. \\W or a space" },
	{ "foo\\B", UNS, 3, 2, "non-boundary \\B is not supported: a DFA cannot look at the byte before — match the neighbouring bytes explicitly" },
	{ "[\\b]", UNS, 1, 2, "\\b inside a class is not supported: write a backspace as \\x08" },
	{ "(?i)abc", UNS, 0, 4, "inline flags '(?i)' are not supported: use /.../i to match the whole pattern without case" },
	{ "a(?i:b)", UNS, 1, 4, "inline flags '(?i:' are not supported: use /.../i to match the whole pattern without case" },
	{ "(?-i)a", UNS, 0, 5, "inline flags '(?-i)' are not supported: use /.../i to match the whole pattern without case" },
	{ "(?s).", UNS, 0, 4, "inline flags '(?s)' are not supported: the only flag is /.../i, for the whole pattern" },
	{ "(?P<n>a)", UNS, 0, 4, "named group '(?P<' is not supported: use a plain group (...) or (?:...)" },
	{ "(?<name>a)", UNS, 0, 3, "named group '(?<' is not supported: use a plain group (...) or (?:...)" },
	{ "(?'n'a)", UNS, 0, 3, "named group \"(?'\" is not supported: use a plain group (...) or (?:...)" },
	{ "(?P=n)", UNS, 0, 4, "named backreference '(?P=' needs backtracking; a DFA cannot match it — match the text literally or split into two patterns" },
	{ "(?>a+)b", UNS, 0, 3, "atomic group '(?>' needs backtracking control; a DFA cannot honour it — use (?:...)" },
	{ "(?#c)a", UNS, 0, 3, "comment group '(?#' is not supported: put comments in the rule file after #" },
	{ "(?R)", UNS, 0, 3, "recursion '(?R' is not supported: a DFA cannot match nested structure" },
	{ "(a)(?1)", UNS, 3, 3, "recursion '(?1' is not supported: a DFA cannot match nested structure" },
	{ "(?%a)", SYN, 0, 3, "unknown group syntax '(?%'" },
	{ "a(?", SYN, 1, 2, "incomplete group '(?' at the end of the regex" },
	{ "a*+", UNS, 1, 2, "possessive quantifier '*+' needs backtracking control; a DFA cannot honour it — write '*'" },
	{ "a++", UNS, 1, 2, "possessive quantifier '++' needs backtracking control; a DFA cannot honour it — write '+'" },
	{ "a?+", UNS, 1, 2, "possessive quantifier '?+' needs backtracking control; a DFA cannot honour it — write '?'" },
	{ "a{2,3}+", UNS, 1, 6, "possessive quantifier '{2,3}+' needs backtracking control; a DFA cannot honour it — write '{2,3}'" },
	{ "\\Afoo", UNS, 0, 2, "anchor \\A is not supported: use ^ at the start of the pattern" },
	{ "foo\\z", UNS, 3, 2, "anchor \\z is not supported: use $ at the end of the pattern" },
	{ "foo\\Z", UNS, 3, 2, "anchor \\Z is not supported: use $ at the end of the pattern" },
	{ "\\Gfoo", UNS, 0, 2, "anchor \\G is not supported: every line is matched from its start, use ^" },
	{ "\\p{L}", UNS, 0, 2, "unicode property \\p is not supported: patterns match bytes, use a byte class such as [\\x80-\\xff]" },
	{ "\\Qa.b\\E", UNS, 0, 2, "quoting with \\Q...\\E is not supported: escape each special character with a backslash" },
	{ "[[:alpha:]]", UNS, 1, 9, "POSIX class '[:alpha:]' is not supported: write the bytes, e.g. [A-Za-z] or \\d" },
	/* anchors */
	{ "a^b", UNS, 1, 1, "'^' is only supported at the start of the regex or of a top-level alternative (a|^b)" },
	{ "^^a", UNS, 1, 1, "'^' is only supported at the start of the regex or of a top-level alternative (a|^b)" },
	{ "(^a)", UNS, 1, 1, "'^' is only supported at the start of the regex or of a top-level alternative (a|^b)" },
	{ "(?:^a|b)", UNS, 3, 1, "'^' is only supported at the start of the regex or of a top-level alternative (a|^b)" },
	{ "a$b", UNS, 1, 1, "'$' is only supported at the end of the regex or of a top-level alternative (a$|b)" },
	{ "a$$", UNS, 1, 1, "'$' is only supported at the end of the regex or of a top-level alternative (a$|b)" },
	{ "(a$)", UNS, 2, 1, "'$' is only supported at the end of the regex or of a top-level alternative (a$|b)" },
	{ "a$*", UNS, 1, 1, "'$' is only supported at the end of the regex or of a top-level alternative (a$|b)" },
	/* the first error wins */
	{ "a)\\1", SYN, 1, 1, "unmatched ')'" },
	{ "(\\1", UNS, 1, 2, BACKREF1 },
	{ "[z-a]\\1", SYN, 1, 3, "invalid range 'z-a'" },
	{ "\\1[z-a]", UNS, 0, 2, BACKREF1 },
};

static void test_errors(void)
{
	for(size_t i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
		const struct err_case *c = &err_cases[i];
		struct rx_error err;
		memset(&err, 0, sizeof err);
		struct rx *r = rx_parse(A, c->body, strlen(c->body), 0, &err);
		CHECK(!r, "/%s/ is refused", c->body);
		if(r)
			continue;
		CHECK(err.kind == c->kind, "/%s/ error kind %d", c->body, (int)c->kind);
		CHECK(err.offset == c->offset && err.length == c->length,
		      "/%s/ error at %zu+%zu (got %zu+%zu)", c->body, c->offset, c->length,
		      err.offset, err.length);
		CHECK_STR(err.msg, c->msg, "/%s/ message", c->body);
	}

	/* Nesting is limited, with an exact offset at the first group too deep. */
	char deep[256];
	size_t n = 0;
	for(int i = 0; i < 101; i++)
		deep[n++] = '(';
	deep[n++] = 'a';
	for(int i = 0; i < 101; i++)
		deep[n++] = ')';
	struct rx_error err;
	CHECK(!rx_parse(A, deep, n, 0, &err), "101 nested groups are refused");
	CHECK(err.offset == 100 && err.length == 1, "nesting error at the 101st '('");
	CHECK_STR(err.msg, "groups nested more than 100 deep", "nesting message");
	CHECK(rx_parse(A, deep + 1, n - 2, 0, &err) != NULL, "100 nested groups are fine");

	/* A NULL error pointer is allowed. */
	CHECK(!rx_parse(A, "(", 1, 0, NULL), "errors without an error struct");
}

/* ---- accepted syntax --------------------------------------------------------- */

static const char *const ok_bodies[] = {
	"", "a", "abc", "a|b", "|", "a|", "()", "(|)", "(?:)", "(?:a|b)c", "a*?", "a+?", "a??",
	"a{2}", "a{2}?", "a{2,}", "a{2,}?", "a{2,5}", "a{2,5}?", "a{0}", "a{0,0}", "a{1000}",
	"a{0,1000}", "a{", "a{x}", "a{,3}", "a{2", "a{2,", "a{2,3", "}", "]", "a]b", "x{y}",
	"[]]", "[^]]", "[]a-]", "[a-]", "[-a]", "[a-z-0]", "[%--]", "[\\]\\[\\-\\^]", "[[]",
	"[[:x]", "[$^.*+?(){}|]", "\\\\\\/\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\-", "\\t\\n\\r\\e\\f\\v",
	"\\x00\\xff\\xAb", "\\d\\w\\s\\D\\W\\S", "[\\d\\w\\s\\D\\W\\S]", "\\%\\!\\@\\#\\ \\'\\\"", "^", "$",
	"^$", "^a$|^b$", "^|$", "a$|^b", ".", ".*", "(((a)))", "\xc3\xa9", "[\\x80-\\xff]+",
};

static void test_accepts(void)
{
	for(size_t i = 0; i < sizeof ok_bodies / sizeof ok_bodies[0]; i++) {
		struct rx_error err = { .msg = "" };
		struct rx *r = rx_parse(A, ok_bodies[i], strlen(ok_bodies[i]), 0, &err);
		CHECK(r != NULL, "/%s/ parses%s%s", ok_bodies[i], r ? "" : ": ", r ? "" : err.msg);
		r = rx_parse(A, ok_bodies[i], strlen(ok_bodies[i]), RX_ICASE, &err);
		CHECK(r != NULL, "/%s/i parses", ok_bodies[i]);
	}
	/* Tree shapes the later passes rely on. */
	struct rx *r = parse("^ab$", 0);
	CHECK(r && r->kind == RX_CAT && r->a->kind == RX_BOL, "^ is a BOL node at the front");
	r = parse("a{2,5}", 0);
	CHECK(r && r->kind == RX_REPEAT && r->min == 2 && r->max == 5, "a{2,5} is REPEAT 2..5");
	r = parse("a+", 0);
	CHECK(r && r->kind == RX_REPEAT && r->min == 1 && r->max == -1, "a+ is REPEAT 1..-1");
	r = parse("a{3,}", 0);
	CHECK(r && r->kind == RX_REPEAT && r->min == 3 && r->max == -1, "a{3,} is REPEAT 3..-1");
	r = parse("x", RX_ICASE);
	CHECK(r && r->kind == RX_SET && r->set['x' / 8] && r->set['X' / 8], "/x/i holds both cases");
	r = parse("", 0);
	CHECK(r && r->kind == RX_EMPTY, "the empty body is RX_EMPTY");
}

/* ---- rx_search ------------------------------------------------------------- */

struct search_case {
	const char *re;
	unsigned flags;
	const char *line;
	int expect;
	size_t len;  /* 0: strlen(line) */
};

#define I RX_ICASE

static const struct search_case search_cases[] = {
	{ "abc", 0, "xxabcxx", 1, 0 },
	{ "abc", 0, "ab", 0, 0 },
	{ "abc", 0, "abdabc", 1, 0 },
	{ "abc", 0, "ABC", 0, 0 },
	{ "", 0, "", 1, 0 },
	{ "", 0, "x", 1, 0 },
	{ "a.c", 0, "abc", 1, 0 },
	{ "a.c", 0, "ac", 0, 0 },
	{ "a.c", 0, "a\xff" "c", 1, 0 },
	/* anchors */
	{ "^abc", 0, "abcd", 1, 0 },
	{ "^abc", 0, "xabc", 0, 0 },
	{ "abc$", 0, "xabc", 1, 0 },
	{ "abc$", 0, "abcx", 0, 0 },
	{ "^abc$", 0, "abc", 1, 0 },
	{ "^abc$", 0, "abcabc", 0, 0 },
	{ "^$", 0, "", 1, 0 },
	{ "^$", 0, "x", 0, 0 },
	{ "^", 0, "anything", 1, 0 },
	{ "$", 0, "", 1, 0 },
	{ "^a|b$", 0, "xa", 0, 0 },
	{ "^a|b$", 0, "ax", 1, 0 },
	{ "^a|b$", 0, "xb", 1, 0 },
	{ "^a|b$", 0, "bx", 0, 0 },
	{ "^a*$", 0, "aaaa", 1, 0 },
	{ "^a*$", 0, "aaba", 0, 0 },
	{ "^(a|b)+$", 0, "abba", 1, 0 },
	{ "^(a|b)+$", 0, "abca", 0, 0 },
	{ "^|x", 0, "y", 1, 0 },
	/* alternation */
	{ "a|b|c", 0, "zzc", 1, 0 },
	{ "a|b|c", 0, "zzz", 0, 0 },
	{ "cat|dog", 0, "hotdog", 1, 0 },
	{ "x(cat|dog)s", 0, "xdogs", 1, 0 },
	{ "x(cat|dog)s", 0, "xcogs", 0, 0 },
	{ "(a|)b", 0, "b", 1, 0 },
	{ "a(|b)c", 0, "ac", 1, 0 },
	/* repetition */
	{ "colou?r", 0, "color", 1, 0 },
	{ "colou?r", 0, "colour", 1, 0 },
	{ "colou?r", 0, "colouur", 0, 0 },
	{ "ab*c", 0, "ac", 1, 0 },
	{ "ab*c", 0, "abbbc", 1, 0 },
	{ "ab+c", 0, "ac", 0, 0 },
	{ "ab+c", 0, "abbc", 1, 0 },
	{ "a{3}", 0, "aa", 0, 0 },
	{ "a{3}", 0, "baaab", 1, 0 },
	{ "^a{3}$", 0, "aaaa", 0, 0 },
	{ "^a{2,3}$", 0, "a", 0, 0 },
	{ "^a{2,3}$", 0, "aa", 1, 0 },
	{ "^a{2,3}$", 0, "aaa", 1, 0 },
	{ "^a{2,3}$", 0, "aaaa", 0, 0 },
	{ "^a{2,}$", 0, "aaaaaaa", 1, 0 },
	{ "^a{2,}$", 0, "a", 0, 0 },
	{ "^a{0}b$", 0, "b", 1, 0 },
	{ "^a{0}b$", 0, "ab", 0, 0 },
	{ "^a{0,2}b$", 0, "aab", 1, 0 },
	{ "^a{0,2}b$", 0, "aaab", 0, 0 },
	{ "^(ab){2}$", 0, "abab", 1, 0 },
	{ "^(ab){2}$", 0, "ab", 0, 0 },
	{ "^(a|bc){2,3}$", 0, "abc", 1, 0 },
	{ "^(a|bc){2,3}$", 0, "bcbcbc", 1, 0 },
	{ "^(a|bc){2,3}$", 0, "abcabc", 0, 0 },
	{ "^(a|bc){2,3}$", 0, "a", 0, 0 },
	{ "^(a?){3}b$", 0, "b", 1, 0 },
	{ "^(a?){3}b$", 0, "aaab", 1, 0 },
	{ "^(a?){3}b$", 0, "aaaab", 0, 0 },
	{ "^(a*)*$", 0, "aaa", 1, 0 },
	{ "^(a*)*$", 0, "aab", 0, 0 },
	{ "(a*)+b", 0, "aab", 1, 0 },
	{ "(a*)*b", 0, "c", 0, 0 },
	{ "^(()*)*x$", 0, "x", 1, 0 },
	{ "a+?b", 0, "aab", 1, 0 },
	{ "a{2,3}?b", 0, "aab", 1, 0 },
	{ "^x{1,2}y{1,2}$", 0, "xxyy", 1, 0 },
	{ "^x{1,2}y{1,2}$", 0, "xxxyy", 0, 0 },
	/* classes */
	{ "[abc]", 0, "xbx", 1, 0 },
	{ "[^abc]", 0, "abc", 0, 0 },
	{ "[^abc]", 0, "abcd", 1, 0 },
	{ "[a-z]+\\d", 0, "abc1", 1, 0 },
	{ "[a-z]+\\d", 0, "ABC1", 0, 0 },
	{ "\\d{3}", 0, "12a34", 0, 0 },
	{ "\\d{3}", 0, "x123", 1, 0 },
	{ "\\w+", 0, "__", 1, 0 },
	{ "\\w", 0, "-+ ", 0, 0 },
	{ "\\s", 0, "a b", 1, 0 },
	{ "\\s", 0, "a\tb", 1, 0 },
	{ "\\s", 0, "a\vb", 1, 0 },
	{ "\\s", 0, "ab", 0, 0 },
	{ "\\S", 0, " \t", 0, 0 },
	{ "\\D", 0, "123", 0, 0 },
	{ "\\D", 0, "12x", 1, 0 },
	{ "\\W", 0, "abc_9", 0, 0 },
	{ "\\W", 0, "ab-", 1, 0 },
	{ "[]a]", 0, "]", 1, 0 },
	{ "[^]a]", 0, "]", 0, 0 },
	{ "[^]a]", 0, "b", 1, 0 },
	{ "[a-]", 0, "-", 1, 0 },
	{ "[-a]", 0, "-", 1, 0 },
	{ "[a-z-0]", 0, "-", 1, 0 },
	{ "[a-z-0]", 0, "5", 0, 0 },
	{ "[\\]]", 0, "]", 1, 0 },
	{ "[\\d_]", 0, "_", 1, 0 },
	{ "[\\D]", 0, "5", 0, 0 },
	{ "[^\\d]", 0, "5", 0, 0 },
	{ "[^\\d]", 0, "5x", 1, 0 },
	{ "[\\x41-\\x43]", 0, "B", 1, 0 },
	{ "[\\x41-\\x43]", 0, "D", 0, 0 },
	{ "[.]", 0, "x", 0, 0 },
	{ "[.]", 0, ".", 1, 0 },
	{ "[$^]", 0, "$", 1, 0 },
	{ "[[]", 0, "[", 1, 0 },
	{ "[\\s\\S]", 0, "q", 1, 0 },
	{ "[\\x80-\\xff]", 0, "caf\xc3\xa9", 1, 0 },
	{ "[\\x80-\\xff]", 0, "cafe", 0, 0 },
	{ ".", 0, "\xff", 1, 0 },
	{ ".", 0, "", 0, 0 },
	/* escapes and literal specials */
	{ "\\.", 0, "a", 0, 0 },
	{ "\\.", 0, ".", 1, 0 },
	{ "\\t", 0, "\t", 1, 0 },
	{ "\\e\\[0K", 0, "\x1b[0K", 1, 0 },
	{ "\\x1b", 0, "\x1b", 1, 0 },
	{ "\\/", 0, "a/b", 1, 0 },
	{ "\\-", 0, "-", 1, 0 },
	{ "a\\ b", 0, "a b", 1, 0 },
	{ "\\%", 0, "%", 1, 0 },
	{ "\\f\\v\\r", 0, "\f\v\r", 1, 0 },
	{ "a\\x00b", 0, "a\0b", 1, 3 },
	{ "a\\x00b", 0, "ab", 0, 0 },
	{ "a{", 0, "a{", 1, 0 },
	{ "a{,3}", 0, "a{,3}", 1, 0 },
	{ "a{,3}", 0, "aaa", 0, 0 },
	{ "x{2,y}", 0, "x{2,y}", 1, 0 },
	{ "a}", 0, "a}", 1, 0 },
	{ "]", 0, "]", 1, 0 },
	/* a newline never occurs inside a line */
	{ "a\\nb", 0, "ab", 0, 0 },
	{ "a\\n?b", 0, "ab", 1, 0 },
	/* case-insensitive */
	{ "abc", I, "xABCx", 1, 0 },
	{ "ABC", I, "abc", 1, 0 },
	{ "[a-c]+", I, "CAB", 1, 0 },
	{ "[^a]", I, "A", 0, 0 },
	{ "[^a]", I, "Ab", 1, 0 },
	{ "\\x41", I, "a", 1, 0 },
	{ "error", I, "ERROR: x", 1, 0 },
	{ "ERROR", 0, "error", 0, 0 },
	{ "[Z-a]", I, "z", 1, 0 },
	{ "\\W", I, "A", 0, 0 },
	{ "k8s", I, "K8S", 1, 0 },
	{ "1", I, "1", 1, 0 },
	/* realistic */
	{ "osCommitMemory: VirtualAlloc MEM_COMMIT failed|out of memory allocating \\d+ bytes", 0,
	  "ghc: out of memory allocating 1048576 bytes", 1, 0 },
	{ "osCommitMemory: VirtualAlloc MEM_COMMIT failed|out of memory allocating \\d+ bytes", 0,
	  "ghc: out of memory allocating d bytes", 0, 0 },
	{ "osCommitMemory: VirtualAlloc MEM_COMMIT failed|out of memory allocating \\d+ bytes", 0,
	  "osCommitMemory: VirtualAlloc MEM_COMMIT failed.", 1, 0 },
	{ "^\\s+T12345\\(\\w+\\)", 0, "   T12345(foo)", 1, 0 },
	{ "^\\s+T12345\\(\\w+\\)", 0, "T12345(foo)", 0, 0 },
	{ "^\\s+T12345\\(\\w+\\)", 0, "  T12345()", 0, 0 },
	{ "Cannot connect to the Docker daemon at unix:///var/run/docker\\.sock", 0,
	  "ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is it running?", 1, 0 },
	{ "fatal: unable to access '[^']*': (Could not resolve host|Failed to connect)", 0,
	  "fatal: unable to access 'https://gitlab.haskell.org/ghc/ghc.git/': Failed to connect", 1, 0 },
	{ "fatal: unable to access '[^']*': (Could not resolve host|Failed to connect)", 0,
	  "fatal: unable to access 'x': Permission denied", 0, 0 },
	{ "No space left on device$", I, "write error: no space left on device", 1, 0 },
	/* very large programs go through the position-set fallback */
	{ "^((a|bc){0,1000}){0,1000}d$", 0, "abcad", 1, 0 },
	{ "^((a|bc){0,1000}){0,1000}d$", 0, "abcbd", 0, 0 },
	{ "^((a|bc){0,1000}){0,1000}d$", 0, "d", 1, 0 },
	{ "^((a|bc){0,1000}){0,1000}d$", 0, "", 0, 0 },
	{ "((x{2}){1000}){1000}", 0, "xxxx", 0, 0 },
	{ "x((y?){1000}){1000}z", 0, "axyyyyzb", 1, 0 },
	{ "x((y?){1000}){1000}z", 0, "axyyyyb", 0, 0 },
	{ "((a{1,2}){1,1000}){2,1000}b$", 0, "cab", 0, 0 },
	{ "((a{1,2}){1,1000}){2,1000}b$", 0, "caab", 1, 0 },
};

static int search(const char *re, unsigned flags, const char *line, size_t len)
{
	struct rx_error err;
	struct rx *r = rx_parse(A, re, strlen(re), flags, &err);
	if(!r)
		return -1;
	return rx_search(r, (const unsigned char *)line, len);
}

static void test_search(void)
{
	for(size_t i = 0; i < sizeof search_cases / sizeof search_cases[0]; i++) {
		const struct search_case *c = &search_cases[i];
		size_t len = c->len ? c->len : strlen(c->line);
		int got = search(c->re, c->flags, c->line, len);
		CHECK(got == c->expect, "/%s/%s on \"%s\" is %d (got %d)", c->re, c->flags ? "i" : "",
		      c->line, c->expect, got);
	}

	/* Bounds up to the limit, and a long line (linear time). */
	char *x = malloc(200001);
	memset(x, 'x', 1000);
	CHECK(search("^x{1000}$", 0, x, 1000) == 1, "x{1000} on 1000 x");
	CHECK(search("^x{1000}$", 0, x, 999) == 0, "x{1000} on 999 x");
	CHECK(search("^x{0,1000}$", 0, x, 1000) == 1, "x{0,1000} on 1000 x");
	CHECK(search("^x{1,999}$", 0, x, 1000) == 0, "x{1,999} on 1000 x");
	memset(x, 'a', 200000);
	memcpy(x + 199990, "needle", 6);
	CHECK(search("needle", 0, x, 200000) == 1, "needle at the end of 200000 bytes");
	CHECK(search("(a|b)*needle(a|b)*$", 0, x, 200000) == 1, "(a|b)*needle(a|b)*$ on 200000 bytes");
	CHECK(search("needle$", 0, x, 200000) == 0, "needle$ not at the end");
	CHECK(search("^a*$", 0, x, 200000) == 0, "^a*$ with a needle inside");
	free(x);

	/* rx_literal: exact bytes, NUL included, regex syntax not special. */
	struct rx *r = rx_literal(A, "a.b*", 4, 0);
	CHECK(rx_search(r, (const unsigned char *)"xa.b*y", 6), "literal a.b* matches itself");
	CHECK(!rx_search(r, (const unsigned char *)"axbb", 4), "literal a.b* is not a regex");
	r = rx_literal(A, "a\0b", 3, 0);
	CHECK(rx_search(r, (const unsigned char *)"xa\0b", 4), "literal with NUL matches");
	CHECK(!rx_search(r, (const unsigned char *)"ab", 2), "literal with NUL needs the NUL");
	r = rx_literal(A, "Hello, World", 12, RX_ICASE);
	CHECK(rx_search(r, (const unsigned char *)"hELLO, wORLD!", 13), "icase literal");
	CHECK(!rx_search(r, (const unsigned char *)"hELLO; wORLD!", 13), "icase literal keeps punctuation");
	r = rx_literal(A, "", 0, 0);
	CHECK(r->kind == RX_EMPTY && rx_search(r, (const unsigned char *)"", 0), "empty literal");
	r = rx_literal(A, "\xff\x80", 2, RX_ICASE);
	CHECK(rx_search(r, (const unsigned char *)"\xff\x80", 2), "literal high bytes");
}

/* ---- rx_matches_empty ------------------------------------------------------ */

static void test_empty(void)
{
	static const struct {
		const char *re;
		bool empty;
	} cases[] = {
		{ "", true }, { "a*", true }, { "(x|)", true }, { "^", true }, { "$", true },
		{ "^$", true }, { "a?", true }, { "a{0}", true }, { "a{0,3}", true }, { "(a|b*)", true },
		{ "^a?$", true }, { "(a*)+", true }, { "()", true }, { "x|", true }, { "[^\\x00-\\xff]*", true },
		{ "a", false }, { "a+", false }, { "x{1,2}", false }, { "ab*", false }, { "^a", false },
		{ "a$", false }, { "(a|b)", false }, { "[^\\x00-\\xff]", false }, { "(a|b)+", false },
		{ "^a|b$", false },
	};
	for(size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rx *r = parse(cases[i].re, 0);
		CHECK(r && rx_matches_empty(r) == cases[i].empty, "/%s/ %s the empty string", cases[i].re,
		      cases[i].empty ? "matches" : "does not match");
	}
	CHECK(rx_matches_empty(rx_literal(A, "", 0, 0)), "the empty literal matches empty");
	CHECK(!rx_matches_empty(rx_literal(A, "x", 1, 0)), "a literal does not");
}

/* ---- rx_required_factors ----------------------------------------------------- */

/* The factors as "f1|f2", each icase one prefixed "i:", or "-" for none. */
static const char *factors(const struct rx *r, size_t min_len)
{
	struct rx_factors f;
	if(!rx_required_factors(A, r, min_len, &f))
		return f.n == 0 ? "-" : "false with factors";
	char *s = arena_alloc(A, 4096);
	size_t n = 0;
	for(size_t i = 0; i < f.n && n < 3000; i++) {
		if(i)
			s[n++] = '|';
		if(f.v[i].icase) {
			memcpy(s + n, "i:", 2);
			n += 2;
		}
		memcpy(s + n, f.v[i].bytes, f.v[i].len);
		n += f.v[i].len;
	}
	s[n] = '\0';
	return s;
}

static const char *factors_re(const char *re, unsigned flags, size_t min_len)
{
	struct rx *r = parse(re, flags);
	return r ? factors(r, min_len) : "(parse error)";
}

static void test_factors(void)
{
	static const struct {
		const char *re;
		unsigned flags;
		size_t min_len;
		const char *want;
	} cases[] = {
		{ "osCommitMemory: VirtualAlloc MEM_COMMIT failed|out of memory allocating \\d+ bytes", 0, 4,
		  "osCommitMemory: VirtualAlloc MEM_COMMIT failed|out of memory allocating " },
		{ "^\\s+T12345\\(\\w+\\)", 0, 4, "T12345(" },
		{ "^error", 0, 4, "error" },
		{ "^error", 0, 5, "error" },
		{ "^error", 0, 6, "-" },
		{ "a.*b", 0, 4, "-" },
		{ "a.*b", 0, 1, "b" },                   /* as long as "a", rarer */
		{ "x{3}", 0, 3, "xxx" },
		{ "x{3}", 0, 4, "-" },
		{ "a{2,5}bcd", 0, 3, "aabcd" },          /* a{2,5} ends with "aa" */
		{ "x+yz", 0, 3, "xyz" },
		{ "ab(cd)+efg", 0, 3, "cdefg" },
		{ "(?:ab){3}", 0, 3, "ababab" },
		{ "(ab){2,}c", 0, 3, "ababc" },
		{ "(a\\d){2}", 0, 2, "-" },
		{ "(a\\db){2}", 0, 2, "ba" },            /* the seam between copies */
		{ "foo(bar)?baz", 0, 3, "baz" },         /* ties: rarer wins */
		{ "foo(bar)?qux", 0, 3, "qux" },
		{ "(foo|bar)baz", 0, 3, "baz" },
		{ "(abc|abd)e", 0, 2, "ab" },            /* common prefix of an alternation */
		{ "x(abc|zbc)", 0, 2, "bc" },            /* common suffix */
		{ "(ab|ab)", 0, 2, "ab" },
		{ "foo|bar", 0, 3, "foo|bar" },
		{ "foo|foo", 0, 3, "foo" },              /* deduplicated */
		{ "^(foo|barx)$", 0, 3, "foo|barx" },    /* an alternation group as the branch */
		{ "(a|(bcd|efg))|hij", 0, 3, "-" },
		{ "(abc|(bcd|efg))|hij", 0, 3, "abc|bcd|efg|hij" },
		{ "foo|x", 0, 3, "-" },
		{ "abc|", 0, 1, "-" },
		{ "", 0, 1, "-" },
		{ "error", I, 4, "i:error" },
		{ "ERROR: ", I, 4, "i:error: " },
		{ "[Ee]rror", 0, 4, "i:error" },          /* a mixed run is searched without case */
		{ "[aA][bB]", 0, 2, "i:ab" },
		{ "abc123", I, 4, "i:abc123" },
		{ "123-456", I, 4, "123-456" },           /* no letters: no case */
		{ "a\\d+b", 0, 2, "-" },
		{ "[ab]cd[ef]", 0, 2, "cd" },
		{ "out of memory", 0, 4, "out of memory" },
		{ "T12345", 0, 7, "-" },
		{ "x*abcd", 0, 4, "abcd" },
		{ "ab?cd", 0, 2, "cd" },                  /* ties: "ab" a=1 b=3, "cd" c=2 d=2 -> first */
		{ "A\\.B", 0, 3, "A.B" },
		{ "^$", 0, 1, "-" },
		/* an alternation every match passes through gives its branches' runs */
		{ "\\d+ (errors|warnings)", 0, 4, "errors|warnings" },
		{ "(qu|zx)[0-9]{3}(jk|vw)", 0, 2, "qu|zx" },
		{ "(qu|zx)[0-9]{3}(jk|vw)", 0, 3, "-" },
		{ "x(abc|de)+y", 0, 2, "abc|de" },       /* repeated at least once */
		{ "x(abc|de)*y", 0, 2, "-" },            /* maybe never */
		{ "\\d(ab|(cd|ef)\\d)", 0, 2, "ab|cd|ef" },
		{ "[A-Z]{2}[0-9]{3}:[a-z]{2}!", 0, 1, "!" },  /* ':' is on most log lines */
	};
	for(size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_STR(factors_re(cases[i].re, cases[i].flags, cases[i].min_len), cases[i].want,
		          "factors of /%s/%s (min %zu)", cases[i].re, cases[i].flags ? "i" : "",
		          cases[i].min_len);

	/* Literals: any bytes, and long ones are cut to a prefix. */
	CHECK_STR(factors(rx_literal(A, "a.b*", 4, 0), 3), "a.b*", "factor of a literal");
	struct rx_factors f;
	CHECK(rx_required_factors(A, rx_literal(A, "x\0y", 3, 0), 3, &f) && f.n == 1 && f.v[0].len == 3 &&
	      memcmp(f.v[0].bytes, "x\0y", 3) == 0, "factor with a NUL");
	char big[400];
	memset(big, 'q', sizeof big);
	CHECK(rx_required_factors(A, rx_literal(A, big, sizeof big, 0), 4, &f) && f.n == 1 &&
	      f.v[0].len == 256, "a 400-byte literal gives a 256-byte factor");
	CHECK(rx_required_factors(A, parse("a{1000}", 0), 4, &f) && f.n == 1 && f.v[0].len == 256,
	      "a{1000} gives a 256-byte factor");
	CHECK(!rx_required_factors(A, parse("foo|\\d+", 0), 3, &f) && f.n == 0,
	      "a failing branch leaves n = 0");
	CHECK(rx_required_factors(A, parse("ab", 0), 0, &f) && f.n == 1, "min_len 0 acts as 1");
}

/* ---- rx_emit_re2c -------------------------------------------------------------- */

static const char *emit_re(const char *re, unsigned flags)
{
	struct rx *r = parse(re, flags);
	if(!r)
		return "(parse error)";
	struct dynbuf b;
	dynbuf_init(&b, 1 << 16);
	bool ok = rx_emit_re2c(r, &b);
	char *s = arena_strdup(A, ok && b.ptr ? b.ptr : "(failed)");
	dynbuf_free(&b);
	return s;
}

static void test_emit(void)
{
	static const struct {
		const char *re;
		unsigned flags;
		const char *want;
	} cases[] = {
		{ "abc", 0, "[^\\n]* \"abc\"" },
		{ "^abc$", 0, "\"abc\" \"\\n\"" },
		{ "^abc", 0, "\"abc\"" },
		{ "abc$", 0, "[^\\n]* \"abc\" \"\\n\"" },
		{ "^a|b$", 0, "(\"a\" | [^\\n]* \"b\" \"\\n\")" },
		{ "a|b", 0, "([^\\n]* \"a\" | [^\\n]* \"b\")" },
		{ "a.b", 0, "[^\\n]* \"a\" [^\\n] \"b\"" },
		/* Unanchored ends keep only a repetition's minimum: a line
		 * contains X{n,m} where it contains X{n}. */
		{ "x[0-9]+", 0, "[^\\n]* \"x\" [0-9]" },
		{ "a{2,3}", 0, "[^\\n]* \"a\"{2}" },
		{ "a{2}b{2,}c*d+e?", 0, "[^\\n]* \"a\"{2} \"b\"{2,} \"c\"* \"d\"+" },
		{ "(ab)*c", 0, "[^\\n]* \"c\"" },
		{ "^x[0-9]+$", 0, "\"x\" [0-9]+ \"\\n\"" },
		{ "^a{2,3}$", 0, "\"a\"{2,3} \"\\n\"" },
		{ "^a{2}b{2,}c*d+e?$", 0, "\"a\"{2} \"b\"{2,} \"c\"* \"d\"+ \"e\"? \"\\n\"" },
		{ "^(ab)*c", 0, "\"ab\"* \"c\"" },
		{ "(a|b)c", 0, "[^\\n]* (\"a\" | \"b\") \"c\"" },
		{ "(a|bc)", 0, "([^\\n]* \"a\" | [^\\n]* \"bc\")" }, /* the same tree as a|bc */
		{ "x(a|bc)", 0, "[^\\n]* \"x\" (\"a\" | \"bc\")" },
		{ "(a[xy])+", 0, "[^\\n]* \"a\" [xy]" },
		{ "((a|b)+)?", 0, "[^\\n]*" },
		{ "^(a[xy])+$", 0, "(\"a\" [xy])+ \"\\n\"" },
		{ "^((a|b)+)?$", 0, "((\"a\" | \"b\")+)? \"\\n\"" },
		{ "[^a]", 0, "[^\\n]* [^\\x0Aa]" },
		{ "abc", I, "[^\\n]* [Aa] [Bb] [Cc]" },
		{ "a\\.b", 0, "[^\\n]* \"a\\x2Eb\"" },
		{ "\"'\\\\", 0, "[^\\n]* \"\\x22\\x27\\x5C\"" },
		{ "\\d{3}", 0, "[^\\n]* [0-9]{3}" },
		{ "\\w", 0, "[^\\n]* [0-9A-Z\\x5Fa-z]" },
		{ "\\s", 0, "[^\\n]* [\\x09\\x0B-\\x0D\\x20]" },
		{ "[\\x00-\\xff]", 0, "[^\\n]* [^\\n]" },
		{ "[\\x00-\\x09]", 0, "[^\\n]* [\\x00-\\x09]" },
		{ "[ab]", 0, "[^\\n]* [ab]" },
		{ "[abd]", 0, "[^\\n]* [abd]" },
		{ "\\x00", 0, "[^\\n]* \"\\x00\"" },
		{ "^$", 0, "\"\\n\"" },
		{ "$", 0, "[^\\n]* \"\\n\"" },
		{ "^", 0, "\"\"" },
		{ "", 0, "[^\\n]*" },
		{ "a{0}", 0, "[^\\n]*" },
		{ "x(a|b|)y", 0, "[^\\n]* \"x\" (\"a\" | \"b\" | \"\") \"y\"" },
		/* nothing may match across the line's newline */
		{ "a\\nb", 0, "[]" },
		{ "a|\\n", 0, "[^\\n]* \"a\"" },
		{ "a(\\n)?b", 0, "[^\\n]* \"ab\"" },
		{ "a[\\n\\r]b", 0, "[^\\n]* \"a\\x0Db\"" },
		{ "a(\\n|c)b", 0, "[^\\n]* \"a\" \"c\" \"b\"" },
	};
	for(size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_STR(emit_re(cases[i].re, cases[i].flags), cases[i].want, "re2c of /%s/%s", cases[i].re,
		          cases[i].flags ? "i" : "");

	struct dynbuf b;
	dynbuf_init(&b, 8);
	CHECK(!rx_emit_re2c(parse("abcdefghijkl", 0), &b), "a full dynbuf makes rx_emit_re2c fail");
	dynbuf_free(&b);
}

/* ---- rx_size_estimate ----------------------------------------------------------- */

static void test_size(void)
{
	static const struct {
		const char *re;
		uint64_t want;
	} cases[] = {
		{ "abc", 3 }, { "a{10}", 10 }, { "(ab){2,5}", 10 }, { "a*", 1 }, { "a+", 2 },
		{ "a{3,}", 4 }, { "a|b", 2 }, { "^a$", 3 }, { "((a{1000}){1000}){1000}", 1000000000 },
		{ "a{0}", 1 }, { "", 0 },
	};
	for(size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rx *r = parse(cases[i].re, 0);
		uint64_t got = r ? rx_size_estimate(r) : 0;
		CHECK(got == cases[i].want, "size of /%s/ is %llu (got %llu)", cases[i].re,
		      (unsigned long long)cases[i].want, (unsigned long long)got);
	}
	struct rx *r = parse("(((((a{1000}){1000}){1000}){1000}){1000}){1000}{1000}", 0);
	CHECK(!r, "stacked bounds are refused");
	r = parse("((((((a{1000}){1000}){1000}){1000}){1000}){1000}){1000}", 0);
	CHECK(r && rx_size_estimate(r) == UINT64_MAX, "the estimate saturates");
}

/* ---- big inputs: no pass may recurse along a long pattern ------------------ */

static void test_big(void)
{
	/* A 100 kB literal is a long chain: every pass walks it with a loop. */
	size_t n = 100000;
	char *lit = malloc(n);
	for(size_t i = 0; i < n; i++)
		lit[i] = (char)('a' + i % 26);
	/* rx_search is O(line * pattern): search a 10 kB one only. */
	struct rx *r = rx_literal(A, lit, 10000, RX_ICASE);
	CHECK(rx_search(r, (const unsigned char *)lit, 10000), "a 10 kB literal matches itself");
	r = rx_literal(A, lit, n, RX_ICASE);
	CHECK(!rx_matches_empty(r), "a 100 kB literal is not empty");
	CHECK(rx_size_estimate(r) == n, "a 100 kB literal has size %zu", n);
	struct rx_factors f;
	CHECK(rx_required_factors(A, r, 4, &f) && f.n == 1 && f.v[0].len == 256 && f.v[0].icase,
	      "a 100 kB literal gives one 256-byte icase factor");
	struct dynbuf b;
	dynbuf_init(&b, 1 << 22);
	CHECK(rx_emit_re2c(r, &b) && b.len > 4 * n, "a 100 kB literal is emitted");
	dynbuf_free(&b);

	/* 20000 alternatives: a long ALT chain. */
	char *alts = malloc(7 * 20000);
	size_t m = 0;
	for(int i = 0; i < 20000; i++)
		m += (size_t)sprintf(alts + m, "%s%04d", i ? "|x" : "x", i % 10000);
	struct rx_error err;
	r = rx_parse(A, alts, m, 0, &err);
	CHECK(r != NULL, "20000 alternatives parse");
	CHECK(r && rx_search(r, (const unsigned char *)"..x9999..", 9), "20000 alternatives match");
	CHECK(r && rx_required_factors(A, r, 5, &f) && f.n == 10000, "20000 alternatives: 10000 factors");
	dynbuf_init(&b, 1 << 22);
	CHECK(r && rx_emit_re2c(r, &b), "20000 alternatives are emitted");
	dynbuf_free(&b);

	/* 100 nested groups with repetitions, through every pass. */
	char deep[512];
	m = 0;
	for(int i = 0; i < 100; i++)
		deep[m++] = '(';
	deep[m++] = 'a';
	for(int i = 0; i < 100; i++) {
		deep[m++] = ')';
		deep[m++] = i % 2 ? '+' : '?';
	}
	deep[m] = '\0';
	r = rx_parse(A, deep, m, 0, &err);
	CHECK(r && rx_search(r, (const unsigned char *)"a", 1), "100 nested repeated groups match");
	CHECK(r && rx_matches_empty(r), "100 nested repeated groups match empty");
	dynbuf_init(&b, 1 << 16);
	CHECK(r && rx_emit_re2c(r, &b), "100 nested repeated groups are emitted");
	dynbuf_free(&b);
	CHECK(r && !rx_required_factors(A, r, 1, &f), "100 nested optional groups have no factor");
	free(lit);
	free(alts);
}

int main(void)
{
	A = arena_new();
	test_errors();
	test_accepts();
	test_search();
	test_empty();
	test_factors();
	test_emit();
	test_size();
	test_big();
	arena_free(A);
	return unit_done();
}
