/* rules2pat.c — the patterns of .rules files as plain pattern lists, for the
 * engines failsig is compared with (bench/).
 *
 *   rules2pat PREFIX FILE.rules...
 *
 * Reads the `match` clauses of every rule and writes, one pattern per line,
 * all in the same order (line k of each file is pattern k):
 *
 *   PREFIX.tsv    RULE_ID <TAB> FLAGS <TAB> PATTERN   (PCRE syntax, for
 *                 Hyperscan, PCRE2 and RE2; FLAGS "i" = case-insensitive,
 *                 which the drivers apply as HS_FLAG_CASELESS,
 *                 PCRE2_CASELESS and (?i:...) for RE2; "-" = none)
 *   PREFIX.rg     ripgrep -f: case-insensitive patterns scoped as (?i:...)
 *                 (ripgrep 13 leaks an inline (?i) into the next patterns)
 *   PREFIX.ere    GNU grep -E -f: ERE, \d \w \s as brackets, case folded by
 *                 hand ([aA]), (?: as (
 *   PREFIX.flat.rules  the same patterns as failsig rules of plain `match`
 *                 clauses: what the other engines are asked to find
 *   PREFIX.exact  ids of the rules whose meaning is exactly "a line matches
 *                 one of its patterns" (no then/all/unless/section/filter)
 *
 * A `match P then Q` clause contributes only P and `match all {P Q}` each of
 * its patterns: line-oriented engines cannot say more; such rules, and
 * rules with unless/section/filters, are left out of PREFIX.exact and
 * noted on stderr. Rules with no pattern (job filters only) and disabled
 * rules are skipped.
 *
 * Every dialect keeps failsig's meaning: '.' and negated classes never
 * match '\n' (Hyperscan and PCRE2 scan whole buffers), \s is [ \t\r\f\v]. */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ----------------------------------------------------- */

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "rules2pat: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if(!p)
		die("out of memory");
	return p;
}

struct buf {
	char *s;
	size_t n, cap;
};

static void badd(struct buf *b, const char *s, size_t n)
{
	if(b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void bputs(struct buf *b, const char *s)
{
	badd(b, s, strlen(s));
}

static void bprintf(struct buf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	badd(b, tmp, (size_t)n);
}

static void bbyte(struct buf *b, unsigned c)
{
	char ch = (char)c;
	badd(b, &ch, 1);
}

/* ---- tokens of a .rules file -------------------------------------------- */

enum tok_kind { T_EOF, T_IDENT, T_STRING, T_REGEX, T_NUMBER, T_PUNCT };

struct tok {
	enum tok_kind kind;
	const char *begin, *end;    /* the spelling in the file */
	struct buf text;            /* STRING: decoded bytes; REGEX: body; IDENT: name */
	bool icase;                 /* REGEX /.../i */
};

struct lexer {
	const char *path;
	const char *p, *end;
	int line;
};

static int hexval(int c)
{
	if(c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void next(struct lexer *lx, struct tok *t)
{
	t->text.n = 0;
	if(t->text.s)
		t->text.s[0] = '\0';
	t->icase = false;
	for(;;) {
		while(lx->p < lx->end && isspace((unsigned char)*lx->p)) {
			if(*lx->p == '\n')
				lx->line++;
			lx->p++;
		}
		if(lx->p < lx->end && *lx->p == '#') {
			while(lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		break;
	}
	t->begin = lx->p;
	if(lx->p >= lx->end) {
		t->kind = T_EOF;
		t->end = lx->p;
		return;
	}
	char c = *lx->p;
	if(c == '"') {
		lx->p++;
		while(lx->p < lx->end && *lx->p != '"' && *lx->p != '\n') {
			if(*lx->p == '\\' && lx->p + 1 < lx->end) {
				char e = lx->p[1];
				lx->p += 2;
				switch(e) {
				case 'n': bbyte(&t->text, '\n'); break;
				case 'r': bbyte(&t->text, '\r'); break;
				case 't': bbyte(&t->text, '\t'); break;
				case 'e': bbyte(&t->text, 0x1b); break;
				case 'x':
					if(lx->p + 1 < lx->end && hexval(lx->p[0]) >= 0 && hexval(lx->p[1]) >= 0) {
						bbyte(&t->text, (unsigned)(hexval(lx->p[0]) * 16 + hexval(lx->p[1])));
						lx->p += 2;
					}
					break;
				default: bbyte(&t->text, (unsigned char)e); break;
				}
				continue;
			}
			bbyte(&t->text, (unsigned char)*lx->p++);
		}
		if(lx->p < lx->end && *lx->p == '"')
			lx->p++;
		t->kind = T_STRING;
	} else if(c == '/') {
		lx->p++;
		const char *b = lx->p;
		while(lx->p < lx->end && *lx->p != '/' && *lx->p != '\n') {
			if(*lx->p == '\\' && lx->p + 1 < lx->end)
				lx->p++;
			lx->p++;
		}
		badd(&t->text, b, (size_t)(lx->p - b));
		if(lx->p < lx->end && *lx->p == '/')
			lx->p++;
		while(lx->p < lx->end && isalpha((unsigned char)*lx->p)) {
			if(*lx->p == 'i')
				t->icase = true;
			lx->p++;
		}
		t->kind = T_REGEX;
	} else if(isalpha((unsigned char)c) || c == '_') {
		while(lx->p < lx->end && (isalnum((unsigned char)*lx->p) || *lx->p == '_' || *lx->p == '-'))
			lx->p++;
		badd(&t->text, t->begin, (size_t)(lx->p - t->begin));
		t->kind = T_IDENT;
	} else if(isdigit((unsigned char)c)) {
		while(lx->p < lx->end && isalnum((unsigned char)*lx->p))
			lx->p++;
		t->kind = T_NUMBER;
	} else {
		lx->p++;
		t->kind = T_PUNCT;
	}
	t->end = lx->p;
}

static bool is_ident(const struct tok *t, const char *s)
{
	return t->kind == T_IDENT && strcmp(t->text.s, s) == 0;
}

static bool is_punct(const struct tok *t, char c)
{
	return t->kind == T_PUNCT && *t->begin == c;
}

/* ---- translation ---------------------------------------------------------- */

enum dialect { D_PCRE, D_RG, D_ERE };

static bool in_set(const unsigned char *set, unsigned c)
{
	return (set[c >> 3] >> (c & 7)) & 1;
}

static void set_add(unsigned char *set, unsigned c)
{
	set[c >> 3] |= (unsigned char)(1u << (c & 7));
}

static void class_escape(unsigned char *set, int letter)
{
	switch(letter | 0x20) {
	case 'd':
		for(unsigned c = '0'; c <= '9'; c++)
			set_add(set, c);
		break;
	case 'w':
		for(unsigned c = 0; c < 256; c++)
			if(isalnum((int)c) && c < 128)
				set_add(set, c);
		set_add(set, '_');
		break;
	default:
		set_add(set, ' ');
		set_add(set, '\t');
		set_add(set, '\r');
		set_add(set, '\f');
		set_add(set, '\v');
	}
}

static void fold(unsigned char *set)
{
	for(unsigned c = 'a'; c <= 'z'; c++) {
		if(in_set(set, c) || in_set(set, c - 32)) {
			set_add(set, c);
			set_add(set, c - 32);
		}
	}
}

static bool warned_nonascii;

static void lit(struct buf *o, unsigned c, enum dialect d, bool icase)
{
	if(strchr(".^$|?*+()[]{}\\", (int)c) && c) {
		if(d == D_ERE && (c == ']' || c == '}')) {
			bbyte(o, c);        /* literal outside a bracket; "\]" is a stray escape */
			return;
		}
		bbyte(o, '\\');
		bbyte(o, c);
		return;
	}
	if(d == D_ERE) {
		if(icase && isalpha((int)c) && c < 128)
			bprintf(o, "[%c%c]", toupper((int)c), tolower((int)c));
		else
			bbyte(o, c);
		return;
	}
	if(c >= 0x20 && c < 0x7f) {
		bbyte(o, c);
		return;
	}
	if(c >= 0x80 && d == D_RG) {
		bprintf(o, "(?-u:\\x%02x)", c);
		return;
	}
	bprintf(o, "\\x%02x", c);
}

/* A bracket class of the members of set; neg: [^...] that never matches '\n'. */
static void bracket(struct buf *o, const unsigned char *set, bool neg, enum dialect d)
{
	bputs(o, neg ? "[^" : "[");
	if(d == D_ERE) {
		/* ']' first, '^' and '-' last: the only positions where POSIX
		 * brackets take them literally. '\\' is literal in POSIX brackets. */
		if(in_set(set, ']'))
			bbyte(o, ']');
		for(unsigned c = 1; c < 256; c++) {
			if(!in_set(set, c) || c == ']' || c == '^' || c == '-' || c == '\n')
				continue;
			unsigned e = c;
			while(e + 1 < 256 && in_set(set, e + 1) && isalnum((int)(e + 1)) && isalnum((int)c) &&
			      ((isdigit((int)c) && isdigit((int)(e + 1))) || (islower((int)c) && islower((int)(e + 1))) ||
			       (isupper((int)c) && isupper((int)(e + 1)))))
				e++;
			if(e > c + 1) {
				bprintf(o, "%c-%c", c, e);
				c = e;
			} else {
				bbyte(o, c);
			}
		}
		if(in_set(set, '^'))
			bbyte(o, '^');
		if(in_set(set, '-'))
			bbyte(o, '-');
		bbyte(o, ']');
		return;
	}
	for(unsigned c = 0; c < 256; c++) {
		if(!in_set(set, c))
			continue;
		unsigned e = c;
		while(e + 1 < 256 && in_set(set, e + 1))
			e++;
		if(c >= 0x80 && d == D_RG && !warned_nonascii) {
			fprintf(stderr, "rules2pat: warning: a class with non-ASCII bytes: ripgrep reads it as code points\n");
			warned_nonascii = true;
		}
		for(int k = 0; k < (e > c ? 2 : 1); k++) {
			unsigned b = k ? e : c;
			if(k)
				bbyte(o, '-');
			if(isalnum((int)b) && b < 128)
				bbyte(o, b);
			else
				bprintf(o, "\\x%02x", b);
		}
		c = e;
	}
	if(neg)
		bputs(o, "\\n");
	bbyte(o, ']');
}

/* The failsig regex body s[0, n) in dialect d. */
static void regex(struct buf *o, const char *s, size_t n, bool icase, enum dialect d)
{
	size_t i = 0;
	while(i < n) {
		unsigned c = (unsigned char)s[i];
		if(c == '\\' && i + 1 < n) {
			unsigned e = (unsigned char)s[i + 1];
			i += 2;
			unsigned byte = e;
			switch(e) {
			case 't': byte = '\t'; break;
			case 'n': byte = '\n'; break;
			case 'r': byte = '\r'; break;
			case 'e': byte = 0x1b; break;
			case 'f': byte = '\f'; break;
			case 'v': byte = '\v'; break;
			case 'x':
				byte = (unsigned)(hexval(s[i]) * 16 + hexval(s[i + 1]));
				i += 2;
				break;
			case 'd': case 'w': case 's': case 'D': case 'W': case 'S': {
				unsigned char set[32] = {0};
				class_escape(set, (int)e);
				bracket(o, set, isupper((int)e), d);
				continue;
			}
			default:
				break;
			}
			lit(o, byte, d, icase);
			continue;
		}
		if(c == '[') {
			unsigned char set[32] = {0};
			bool neg = false, first = true;
			i++;
			if(i < n && s[i] == '^') {
				neg = true;
				i++;
			}
			while(i < n && (s[i] != ']' || first)) {
				first = false;
				unsigned lo = (unsigned char)s[i];
				bool cls = false;
				if(lo == '\\' && i + 1 < n) {
					unsigned e = (unsigned char)s[i + 1];
					i += 2;
					switch(e) {
					case 't': lo = '\t'; break;
					case 'n': lo = '\n'; break;
					case 'r': lo = '\r'; break;
					case 'e': lo = 0x1b; break;
					case 'f': lo = '\f'; break;
					case 'v': lo = '\v'; break;
					case 'x': lo = (unsigned)(hexval(s[i]) * 16 + hexval(s[i + 1])); i += 2; break;
					case 'd': case 'w': case 's': case 'D': case 'W': case 'S':
						if(isupper((int)e))
							die("negated class escape \\%c inside [...] is not translated", e);
						class_escape(set, (int)e);
						cls = true;
						break;
					default: lo = e; break;
					}
				} else {
					i++;
				}
				if(cls)
					continue;
				unsigned hi = lo;
				if(i + 1 < n && s[i] == '-' && s[i + 1] != ']') {
					i++;
					hi = (unsigned char)s[i];
					if(hi == '\\' && i + 1 < n) {
						unsigned e = (unsigned char)s[i + 1];
						i += 2;
						if(e == 'x') {
							hi = (unsigned)(hexval(s[i]) * 16 + hexval(s[i + 1]));
							i += 2;
						} else if(e == 't') {
							hi = '\t';
						} else if(e == 'e') {
							hi = 0x1b;
						} else {
							hi = e;
						}
					} else {
						i++;
					}
				}
				for(unsigned b = lo; b <= hi; b++)
					set_add(set, b);
			}
			i++; /* ']' */
			if(icase && d == D_ERE)
				fold(set);
			bracket(o, set, neg, d);
			continue;
		}
		if(c == '(') {
			if(i + 2 < n && s[i + 1] == '?' && s[i + 2] == ':') {
				bputs(o, d == D_ERE ? "(" : "(?:");
				i += 3;
			} else {
				bbyte(o, '(');
				i++;
			}
			continue;
		}
		if(c == '*' || c == '+' || c == '?') {
			bbyte(o, c);
			i++;
			if(i < n && s[i] == '?')
				i++;            /* lazy: the same for "does it match" */
			continue;
		}
		if(c == '{') {
			size_t j = i + 1;
			while(j < n && (isdigit((unsigned char)s[j]) || s[j] == ','))
				j++;
			if(j < n && s[j] == '}' && j > i + 1 && isdigit((unsigned char)s[i + 1])) {
				badd(o, s + i, j + 1 - i);
				i = j + 1;
				if(i < n && s[i] == '?')
					i++;
			} else {
				lit(o, '{', d, icase);
				i++;
			}
			continue;
		}
		if(c == '.' || c == ')' || c == '|' || c == '^' || c == '$') {
			bbyte(o, c);
			i++;
			continue;
		}
		lit(o, c, d, icase);
		i++;
	}
}

static void translate(struct buf *o, const struct tok *t, enum dialect d)
{
	bool icase = t->icase;
	if(d == D_RG && icase)
		bputs(o, "(?i:");
	if(t->kind == T_STRING) {
		for(size_t i = 0; i < t->text.n; i++)
			lit(o, (unsigned char)t->text.s[i], d, false);
	} else {
		regex(o, t->text.s, t->text.n, icase, d);
	}
	if(d == D_RG && icase)
		bbyte(o, ')');
}

/* ---- rules ------------------------------------------------------------------ */

struct pat {
	char *rule;
	char *spelling;             /* as written, "raw " prefix included */
	struct buf pcre, rg, ere;
	bool icase;
};

static struct pat *pats;
static size_t npats, cap_pats;
static struct buf exact, notes;
static size_t nrules_used, nrules_skipped;

static char *dup_range(const char *b, const char *e)
{
	char *s = xrealloc(NULL, (size_t)(e - b) + 1);
	memcpy(s, b, (size_t)(e - b));
	s[e - b] = '\0';
	return s;
}

static void add_pat(const char *rule, const struct tok *t, bool raw)
{
	if(npats == cap_pats) {
		cap_pats = cap_pats ? 2 * cap_pats : 64;
		pats = xrealloc(pats, cap_pats * sizeof *pats);
	}
	struct pat *p = &pats[npats++];
	memset(p, 0, sizeof *p);
	p->rule = dup_range(rule, rule + strlen(rule));
	size_t sl = (size_t)(t->end - t->begin);
	p->spelling = xrealloc(NULL, sl + 5);
	snprintf(p->spelling, sl + 5, "%s%.*s", raw ? "raw " : "", (int)sl, t->begin);
	p->icase = t->icase;
	translate(&p->pcre, t, D_PCRE);
	translate(&p->rg, t, D_RG);
	translate(&p->ere, t, D_ERE);
	if(t->kind == T_STRING && memchr(t->text.s, '\n', t->text.n))
		die("rule %s: a pattern with a newline cannot be a line pattern", rule);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if(!f)
		die("%s: cannot open", path);
	char *s = NULL;
	size_t n = 0, cap = 0;
	for(;;) {
		if(n + 65536 > cap) {
			cap = (n + 65536) * 2;
			s = xrealloc(s, cap);
		}
		size_t r = fread(s + n, 1, cap - n, f);
		n += r;
		if(r == 0)
			break;
	}
	fclose(f);
	*len = n;
	return s;
}

static void read_rules(const char *path)
{
	size_t len;
	char *text = read_file(path, &len);
	struct lexer lx = {path, text, text + len, 1};
	struct tok t = {0};
	next(&lx, &t);
	while(t.kind != T_EOF) {
		if(!is_ident(&t, "rule")) {
			next(&lx, &t);
			continue;
		}
		next(&lx, &t);
		char *id = dup_range(t.text.s, t.text.s + t.text.n);
		while(t.kind != T_EOF && !is_punct(&t, '{'))
			next(&lx, &t);
		next(&lx, &t);
		size_t first = npats;
		bool approx = false, disabled = false;
		const char *why = NULL;
		int depth = 1;
		while(t.kind != T_EOF && depth > 0) {
			if(is_punct(&t, '{')) {
				depth++;
			} else if(is_punct(&t, '}')) {
				depth--;
			} else if(depth == 1 && is_ident(&t, "match")) {
				next(&lx, &t);
				if(is_ident(&t, "all")) {
					approx = true;
					why = "match all: each pattern on its own";
					next(&lx, &t);   /* { */
					next(&lx, &t);
					while(t.kind != T_EOF && !is_punct(&t, '}')) {
						bool raw = false;
						if(is_ident(&t, "raw")) {
							raw = true;
							next(&lx, &t);
						}
						if(t.kind == T_STRING || t.kind == T_REGEX)
							add_pat(id, &t, raw);
						next(&lx, &t);
					}
					next(&lx, &t);
					continue;
				}
				bool raw = false;
				if(is_ident(&t, "raw")) {
					raw = true;
					next(&lx, &t);
				}
				if(t.kind == T_STRING || t.kind == T_REGEX)
					add_pat(id, &t, raw);
				next(&lx, &t);
				if(is_ident(&t, "then")) {
					approx = true;
					why = "match P then Q: only P";
				}
				continue;
			} else if(depth == 1 && (is_ident(&t, "unless") || is_ident(&t, "section") ||
			                         is_ident(&t, "job") || is_ident(&t, "stage") ||
			                         is_ident(&t, "project") || is_ident(&t, "runner") ||
			                         is_ident(&t, "tag") || is_ident(&t, "failure_reason") ||
			                         is_ident(&t, "status"))) {
				/* "runner" etc. can also be a category value: only count it
				 * when it starts a line (a clause). */
				const char *q = t.begin;
				while(q > text && (q[-1] == ' ' || q[-1] == '\t'))
					q--;
				if(q == text || q[-1] == '\n' || q[-1] == '{') {
					approx = true;
					if(!why)
						why = "unless/section/filters not applied";
				}
			} else if(depth == 1 && is_ident(&t, "disabled")) {
				next(&lx, &t);
				if(t.kind == T_STRING)
					disabled = true;
				continue;
			}
			next(&lx, &t);
		}
		if(disabled) {
			for(size_t k = first; k < npats; k++)
				free(pats[k].rule);
			npats = first;
			bprintf(&notes, "%s", "");
			bputs(&notes, "  ");
			bputs(&notes, id);
			bputs(&notes, ": disabled, skipped\n");
			nrules_skipped++;
		} else if(npats == first) {
			bputs(&notes, "  ");
			bputs(&notes, id);
			bputs(&notes, ": no pattern (job filters only), skipped\n");
			nrules_skipped++;
		} else {
			nrules_used++;
			if(approx) {
				bputs(&notes, "  ");
				bputs(&notes, id);
				bputs(&notes, ": ");
				bputs(&notes, why);
				bputs(&notes, "\n");
			} else {
				bputs(&exact, id);
				bputs(&exact, "\n");
			}
		}
		free(id);
	}
	free(t.text.s);
	free(text);
}

static FILE *create(const char *prefix, const char *ext)
{
	char path[4096];
	snprintf(path, sizeof path, "%s%s", prefix, ext);
	FILE *f = fopen(path, "wb");
	if(!f)
		die("%s: cannot create", path);
	return f;
}

int main(int argc, char **argv)
{
	if(argc < 3) {
		fprintf(stderr, "usage: rules2pat PREFIX FILE.rules...\n");
		return 2;
	}
	for(int i = 2; i < argc; i++)
		read_rules(argv[i]);
	FILE *tsv = create(argv[1], ".tsv"), *rg = create(argv[1], ".rg");
	FILE *ere = create(argv[1], ".ere"), *flat = create(argv[1], ".flat.rules");
	FILE *ex = create(argv[1], ".exact");
	fprintf(flat, "# Generated by bench/rules2pat from the match clauses of:");
	for(int i = 2; i < argc; i++)
		fprintf(flat, " %s", argv[i]);
	fprintf(flat, "\n# Each rule fires on a line that matches one of its patterns, nothing more.\n");
	for(size_t k = 0; k < npats; k++) {
		struct pat *p = &pats[k];
		fprintf(tsv, "%s\t%s\t%s\n", p->rule, p->icase ? "i" : "-", p->pcre.s);
		fprintf(rg, "%s\n", p->rg.s);
		fprintf(ere, "%s\n", p->ere.s);
		if(k == 0 || strcmp(pats[k - 1].rule, p->rule) != 0)
			fprintf(flat, "%srule %s \"%s (patterns only)\" {\n", k ? "}\n\n" : "\n", p->rule, p->rule);
		fprintf(flat, "    match %s\n", p->spelling);
	}
	if(npats)
		fprintf(flat, "}\n");
	fputs(exact.s ? exact.s : "", ex);
	if(fclose(tsv) || fclose(rg) || fclose(ere) || fclose(flat) || fclose(ex))
		die("write error");
	fprintf(stderr, "rules2pat: %s: %zu patterns of %zu rules (%zu skipped)\n", argv[1], npats,
	        nrules_used, nrules_skipped);
	if(notes.s && getenv("RULES2PAT_QUIET") == NULL)
		fputs(notes.s, stderr);
	return 0;
}
