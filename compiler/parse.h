/* parse.h — per-file parse state shared by the re2c lexer and the bison parser.
 *
 * The parser is pure (reentrant): an include parses another file with its
 * own struct parse while the includer's is suspended. */
#ifndef FSIG_PARSE_H
#define FSIG_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"

struct parse {
	struct compilation *c;
	const struct srcfile *file;
	const char *cursor;          /* lexer position in file->text */
	struct rule *rule;           /* the rule being parsed, or NULL */
	struct filter *filter;       /* the filter clause receiving values */
	struct example *example;     /* the example clause receiving `where` pairs */
	struct trigger *all;         /* the `match all` being filled */
	size_t all_cap;              /* capacities of the arrays being filled above */
	size_t filter_cap;
	size_t where_cap;
};

/* A semantic value of a token or nonterminal. */
struct strval {
	char *s;                     /* arena-owned, NUL-terminated */
	size_t len;                  /* may include NUL bytes from \x00 escapes */
	unsigned flags;              /* REGEX: RX_ICASE */
};

/* Parse one loaded file into p->c. Returns false if it had syntax errors. */
int parse_file(struct compilation *c, const struct srcfile *f);

/* Keyword lookup: the token of an identifier spelled s, or 0. */
int lexer_keyword(const char *s, size_t len);
/* The spelling of the keyword token at loc, as a name (arena copy). */
struct strval lexer_keyword_text(struct parse *p, struct loc loc);
/* A printable name of token tok for "expected X" messages ("'match'", "string"). */
const char *lexer_token_name(int tok);

#endif
