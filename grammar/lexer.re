/* lexer.re — the re2c lexer of .rules files.
 *
 * Tokens carry [begin, end) byte offsets into the srcfile (STYLE 9.2 rule 4).
 * The file text ends in two NUL bytes, so re2c needs no bounds checks: a NUL
 * before the end of the file is a stray byte, at the end it is EOF. Lexical
 * errors are reported to the diagnostics sink and the lexer recovers on its
 * own (an unterminated string ends at the end of its line), so the parser
 * sees a plausible token stream and keeps going. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "dynbuf.h"
#include "parse.h"
#include "parser.h"

/* Keywords, one row each (STYLE 9.2 rule 20). "line" and "lines" are one
 * token so that both `same line` and `within 2 lines` read naturally. */
static const struct keyword {
	const char *name;
	int token;
} keywords[] = {
	{"rule", RULE}, {"include", INCLUDE}, {"title", TITLE}, {"ticket", TICKET},
	{"owner", OWNER}, {"category", CATEGORY}, {"disabled", DISABLED},
	{"match", MATCH}, {"then", THEN}, {"within", WITHIN}, {"line", LINES},
	{"lines", LINES}, {"all", ALL}, {"unless", UNLESS}, {"same", SAME},
	{"in", IN}, {"log", LOG}, {"section", SECTION}, {"job", JOB},
	{"stage", STAGE}, {"project", PROJECT}, {"runner", RUNNER}, {"tag", TAG},
	{"failure_reason", FAILURE_REASON}, {"status", STATUS}, {"action", ACTION},
	{"retry", RETRY}, {"max", MAX}, {"after", AFTER}, {"before", BEFORE}, {"record", RECORD},
	{"observe", OBSERVE}, {"example", EXAMPLE}, {"not", NOT}, {"file", FILE_},
	{"where", WHERE}, {"raw", RAW},
};

int lexer_keyword(const char *s, size_t len)
{
	for(size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
		if(strlen(keywords[i].name) == len && memcmp(keywords[i].name, s, len) == 0)
			return keywords[i].token;
	}
	return 0;
}

struct strval lexer_keyword_text(struct parse *p, struct loc loc)
{
	struct strval v = {arena_strndup(p->c->arena, p->file->text + loc.begin, loc.end - loc.begin),
	                   loc.end - loc.begin, 0};
	return v;
}

static struct loc mkloc(const struct parse *p, const char *b, const char *e)
{
	struct loc l = {p->file, (uint32_t)(b - p->file->text), (uint32_t)(e - p->file->text)};
	return l;
}

static void lex_error(struct parse *p, enum diag_id id, const char *b, const char *e,
                      const char *msg)
{
	diag_report(p->c->diag, id, mkloc(p, b, e), p->rule ? p->rule->id : NULL, "%s", msg);
	if(p->rule)
		p->rule->error_seen = true;
}

static int hexval(char c)
{
	if(c >= '0' && c <= '9')
		return c - '0';
	if(c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if(c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Unescape the string body [b, e) (between the quotes) into the arena.
 * Bad escapes are reported with their exact range and kept literally. */
static struct strval unescape(struct parse *p, const char *b, const char *e)
{
	struct dynbuf out;
	dynbuf_init(&out, (size_t)(e - b) + 1);
	for(const char *s = b; s < e; s++) {
		char c = *s;
		if(c != '\\' || s + 1 >= e) {
			dynbuf_add(&out, &c, 1);
			continue;
		}
		char n = s[1];
		char v;
		switch(n) {
		case '\\': v = '\\'; break;
		case '"': v = '"'; break;
		case 'n': v = '\n'; break;
		case 'r': v = '\r'; break;
		case 't': v = '\t'; break;
		case 'e': v = 0x1b; break;
		case 'x':
			if(e - s > 3 && hexval(s[2]) >= 0 && hexval(s[3]) >= 0) {
				v = (char)(hexval(s[2]) * 16 + hexval(s[3]));
				dynbuf_add(&out, &v, 1);
				s += 3;
				continue;
			}
			lex_error(p, DIAG_BAD_STRING, s, s + 2 < e ? s + 2 : e,
			          "invalid \\x escape: expected two hex digits");
			dynbuf_add(&out, s, 1);
			continue;
		default:
			lex_error(p, DIAG_BAD_STRING, s, s + 2,
			          "unknown escape sequence in string: use \\\\, \\\", \\n, \\r, \\t, \\e or \\xHH");
			dynbuf_add(&out, s, 1);
			continue;
		}
		dynbuf_add(&out, &v, 1);
		s++;
	}
	struct strval r;
	r.flags = 0;
	r.len = out.len;
	r.s = arena_strndup(p->c->arena, out.ptr ? out.ptr : "", out.len);
	dynbuf_free(&out);
	return r;
}

static struct strval copy(struct parse *p, const char *b, const char *e)
{
	struct strval r = {arena_strndup(p->c->arena, b, (size_t)(e - b)), (size_t)(e - b), 0};
	return r;
}

/* Decimal value of [b, e); false if it does not fit in uint32_t. */
static bool number(const char *b, const char *e, uint32_t *out)
{
	uint64_t v = 0;
	for(const char *s = b; s < e; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if(v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

/*!re2c
	re2c:api:style = free-form;
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYCURSOR = "cur";
	re2c:define:YYMARKER = "mar";
	re2c:yyfill:enable = 0;

	eol      = "\n" | "\r\n";
	ident    = [A-Za-z_][A-Za-z0-9_-]*;
	digits   = [0-9]+;
	strchar  = [^"\\\n\x00] | "\\" [^\n\x00];
	rechar   = [^/\\\n\x00] | "\\" [^\n\x00];
*/

int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parse *p)
{
	const unsigned char *cur = (const unsigned char *)p->cursor;
	const unsigned char *mar = cur;
	const unsigned char *tok;
	const char *text = p->file->text;
	const char *fend = text + p->file->len;
	int result;

	for(;;) {
		tok = cur;
	/*!re2c
		[ \t\f\v\r]+ | eol      { continue; }
		"#" [^\n\x00]*          { continue; }
		"\x00" {
			if((const char *)tok >= fend) {
				cur = tok;
				result = END;
				goto out;
			}
			lex_error(p, DIAG_BAD_TOKEN, (const char *)tok, (const char *)cur,
			          "stray NUL byte in rule file");
			continue;
		}
		"{"                     { result = LBRACE; goto out; }
		"}"                     { result = RBRACE; goto out; }
		","                     { result = COMMA; goto out; }
		digits [smhd] {
			uint32_t n;
			uint32_t unit = 1;
			switch(cur[-1]) {
			case 'm': unit = 60; break;
			case 'h': unit = 3600; break;
			case 'd': unit = 86400; break;
			}
			if(!number((const char *)tok, (const char *)cur - 1, &n) || n > UINT32_MAX / unit) {
				lex_error(p, DIAG_BAD_NUMBER, (const char *)tok, (const char *)cur,
				          "duration out of range");
				n = 0;
			}
			lval->num = n * unit;
			result = DURATION;
			goto out;
		}
		digits {
			if(!number((const char *)tok, (const char *)cur, &lval->num)) {
				lex_error(p, DIAG_BAD_NUMBER, (const char *)tok, (const char *)cur,
				          "number out of range (the largest is 4294967295)");
				lval->num = UINT32_MAX;
			}
			result = NUMBER;
			goto out;
		}
		digits [A-Za-z_]+ {
			lex_error(p, DIAG_BAD_NUMBER, (const char *)tok, (const char *)cur,
			          "invalid duration unit: use s, m, h or d (as in 30s, 10m, 2h, 1d)");
			lval->num = 0;
			result = DURATION;
			goto out;
		}
		ident {
			int kw = lexer_keyword((const char *)tok, (size_t)(cur - tok));
			if(kw) {
				result = kw;
				goto out;
			}
			lval->str = copy(p, (const char *)tok, (const char *)cur);
			result = IDENT;
			goto out;
		}
		["] strchar* ["] {
			lval->str = unescape(p, (const char *)tok + 1, (const char *)cur - 1);
			result = STRING;
			goto out;
		}
		["] strchar* {
			lex_error(p, DIAG_BAD_STRING, (const char *)tok, (const char *)cur,
			          "unterminated string: a string ends on its line (use \\n for a newline)");
			lval->str = unescape(p, (const char *)tok + 1, (const char *)cur);
			result = STRING;
			goto out;
		}
		"/" rechar+ "/" [A-Za-z]* {
			const unsigned char *close = cur;
			while(close[-1] != '/')
				close--;
			lval->str = copy(p, (const char *)tok + 1, (const char *)close - 1);
			p->cursor = (const char *)cur;
			/* Flags follow the closing slash; only i is known. */
			unsigned flags = 0;
			for(const unsigned char *f = close; f < cur; f++) {
				if(*f == 'i') {
					flags |= RX_ICASE;
				} else {
					lex_error(p, DIAG_BAD_REGEX, (const char *)f, (const char *)f + 1,
					          "unknown regex flag: only i (case-insensitive) is supported");
				}
			}
			lval->str.flags = flags;
			result = REGEX;
			goto out;
		}
		"//" {
			lex_error(p, DIAG_EMPTY_PATTERN, (const char *)tok, (const char *)cur,
			          "empty regex matches every line");
			lval->str = copy(p, (const char *)tok, (const char *)tok);
			result = REGEX;
			goto out;
		}
		"/" rechar* {
			lex_error(p, DIAG_BAD_REGEX, (const char *)tok, (const char *)cur,
			          "unterminated regex literal");
			lval->str = copy(p, (const char *)tok + 1, (const char *)cur);
			result = REGEX;
			goto out;
		}
		* {
			char msg[96];
			if(*tok >= 0x20 && *tok < 0x7f)
				snprintf(msg, sizeof msg, "unexpected character '%c'", *tok);
			else
				snprintf(msg, sizeof msg, "unexpected byte 0x%02x", *tok);
			lex_error(p, DIAG_BAD_TOKEN, (const char *)tok, (const char *)cur, msg);
			continue;
		}
	*/
	}
out:
	p->cursor = (const char *)cur;
	*lloc = mkloc(p, (const char *)tok, (const char *)cur);
	return result;
}
