/* parser.y — the grammar of .rules files (docs/language.md).
 *
 * Thin grammar (STYLE 9.2 rule 2): every action is one ast_* call; all
 * knowledge about rules lives in compiler/. Error recovery: a bad clause is
 * skipped up to the next clause keyword or '}', so one run reports every
 * independent error; a bad rule header skips to the end of the rule. */

%code requires {
#include "ast.h"
#include "parse.h"

/* Locations are byte ranges in one file (struct loc), not line/column pairs:
 * a nonterminal spans from its first to its last symbol. */
#define YYLLOC_DEFAULT(cur, rhs, n) \
	do { \
		if(n) { \
			(cur).file = YYRHSLOC(rhs, 1).file; \
			(cur).begin = YYRHSLOC(rhs, 1).begin; \
			(cur).end = YYRHSLOC(rhs, n).end; \
		} else { \
			(cur).file = YYRHSLOC(rhs, 0).file; \
			(cur).begin = (cur).end = YYRHSLOC(rhs, 0).end; \
		} \
	} while(0)
#define YYLOCATION_PRINT(file, loc) ((void)0)
}

%code provides {
int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parse *p);
}

%code {
#include <string.h>

#include "dynbuf.h"

static void yyerror(YYLTYPE *loc, struct parse *p, const char *msg);
}

%define api.pure full
%define api.location.type {struct loc}
%define parse.error custom
%locations
%param {struct parse *p}
%expect 0

%initial-action {
	@$.file = p->file;
	@$.begin = 0;
	@$.end = 0;
}

%union {
	struct strval str;
	uint32_t num;
	struct pattern *pat;
	int scope;
	int field;
	int flag;
}

%token END 0 "end of file"
%token <str> STRING "string"
%token <str> REGEX "regex"
%token <str> IDENT "identifier"
%token <num> NUMBER "number"
%token <num> DURATION "duration"
%token RULE "'rule'" INCLUDE "'include'"
%token TITLE "'title'" TICKET "'ticket'" OWNER "'owner'" CATEGORY "'category'" DISABLED "'disabled'"
%token MATCH "'match'" THEN "'then'" WITHIN "'within'" LINES "'lines'" ALL "'all'"
%token UNLESS "'unless'" SAME "'same'" IN "'in'" LOG "'log'"
%token SECTION "'section'" JOB "'job'" STAGE "'stage'" PROJECT "'project'" RUNNER "'runner'"
%token TAG "'tag'" FAILURE_REASON "'failure_reason'" STATUS "'status'"
%token ACTION "'action'" RETRY "'retry'" MAX "'max'" AFTER "'after'" BEFORE "'before'"
%token RECORD "'record'" OBSERVE "'observe'"
%token EXAMPLE "'example'" NOT "'not'" FILE_ "'file'" WHERE "'where'" RAW "'raw'"
%token LBRACE "'{'" RBRACE "'}'" COMMA "','"

%type <str> word name
%type <pat> pattern
%type <scope> unless_scope direction
%type <field> field
%type <flag> opt_not
%type <num> within_lines

%%

file
	: %empty
	| file item
	;

item
	: INCLUDE STRING                 { ast_include(p, $2.s, @2); }
	| rule
	| error RBRACE                   { yyerrok; }
	;

rule
	: RULE rule_head LBRACE clauses RBRACE   { ast_rule_end(p, @$); }
	;

rule_head
	: name                           { ast_rule_begin(p, $1.s, @1); }
	| name STRING                    { ast_rule_begin(p, $1.s, @1); ast_title(p, $2.s, @2); }
	;

/* Where only a name can stand (a rule id, a value), keywords are names too:
 * `rule stage …`, `section log`. */
name
	: IDENT
	| keyword                        { $$ = lexer_keyword_text(p, @1); }
	;

keyword
	: RULE | INCLUDE | TITLE | TICKET | OWNER | CATEGORY | DISABLED | MATCH | THEN
	| WITHIN | LINES | ALL | UNLESS | SAME | IN | LOG | SECTION | JOB | STAGE | PROJECT
	| RUNNER | TAG | FAILURE_REASON | STATUS | ACTION | RETRY | MAX | AFTER | BEFORE | RECORD
	| OBSERVE | EXAMPLE | FILE_ | WHERE | RAW
	;

clauses
	: %empty
	| clauses clause
	;

clause
	: TITLE STRING                   { ast_title(p, $2.s, @2); }
	| TICKET STRING                  { ast_meta(p, TICKET, $2.s, @1, @2); }
	| OWNER STRING                   { ast_meta(p, OWNER, $2.s, @1, @2); }
	| CATEGORY word                  { ast_meta(p, CATEGORY, $2.s, @1, @2); }
	| DISABLED STRING                { ast_disabled(p, $2.s, @1, @2); }
	| MATCH pattern                  { ast_match(p, $2, @1); }
	| MATCH pattern THEN pattern within_lines
	                                 { ast_then(p, $2, $4, $5, @5, @1); }
	| MATCH ALL LBRACE               { ast_all_begin(p, @1); }
	  all_patterns RBRACE opt_all_within
	| UNLESS pattern unless_scope    { ast_unless(p, $2, $3, 0, @3, @1); }
	| UNLESS pattern within_lines direction
	                                 { ast_unless(p, $2, FSIG_UNLESS_WITHIN, $3, @3, @1); ast_unless_direction(p, $4); }
	| SECTION section_names
	| field opt_not                  { ast_filter_begin(p, $1, $2, @1); }
	  values
	| action
	| example
	| IDENT                          { ast_unknown_key(p, $1.s, @1); }
	  any_values
	| error                          { /* skipped up to the next clause */ }
	;

all_patterns
	: pattern                        { ast_all_add(p, $1); }
	| all_patterns pattern           { ast_all_add(p, $2); }
	;

opt_all_within
	: %empty                         { ast_all_end(p, 0, @$); }
	| within_lines                   { ast_all_end(p, $1, @1); }
	;

within_lines
	: WITHIN NUMBER LINES            { $$ = $2; @$ = @2; }
	;

pattern
	: STRING                         { $$ = ast_pattern(p, STRING, $1.s, $1.len, 0, @1); }
	| REGEX                          { $$ = ast_pattern(p, REGEX, $1.s, $1.len, $1.flags, @1); }
	| RAW pattern                    { $$ = ast_raw(p, $2); }
	;

direction
	: %empty                         { $$ = 0; }
	| BEFORE                         { $$ = -1; }
	| AFTER                          { $$ = 1; }
	;

unless_scope
	: %empty                         { $$ = FSIG_UNLESS_LOG; }
	| SAME LINES                     { $$ = FSIG_UNLESS_SAME_LINE; }
	| IN LOG                         { $$ = FSIG_UNLESS_LOG; }
	;

section_names
	: word                           { ast_section(p, $1.s, @1); }
	| section_names COMMA word       { ast_section(p, $3.s, @3); }
	;

field
	: JOB                            { $$ = FSIG_FIELD_JOB; }
	| STAGE                          { $$ = FSIG_FIELD_STAGE; }
	| PROJECT                        { $$ = FSIG_FIELD_PROJECT; }
	| RUNNER                         { $$ = FSIG_FIELD_RUNNER; }
	| TAG                            { $$ = FSIG_FIELD_TAG; }
	| FAILURE_REASON                 { $$ = FSIG_FIELD_FAILURE_REASON; }
	| STATUS                         { $$ = FSIG_FIELD_STATUS; }
	;

opt_not
	: %empty                         { $$ = 0; }
	| NOT                            { $$ = 1; }
	;

values
	: word                           { ast_filter_value(p, $1.s, @1); }
	| values COMMA word              { ast_filter_value(p, $3.s, @3); }
	;

word
	: STRING
	| name
	;

action
	: action_retry retry_options
	| RECORD                         { ast_action(p, FSIG_ACT_RECORD, @1); }
	| ACTION RECORD                  { ast_action(p, FSIG_ACT_RECORD, @1); }
	| OBSERVE                        { ast_action(p, FSIG_ACT_OBSERVE, @1); }
	| ACTION OBSERVE                 { ast_action(p, FSIG_ACT_OBSERVE, @1); }
	;

action_retry
	: RETRY                          { ast_action(p, FSIG_ACT_RETRY, @1); }
	| ACTION RETRY                   { ast_action(p, FSIG_ACT_RETRY, @1); }
	;

retry_options
	: %empty
	| retry_options MAX NUMBER       { ast_retry_max(p, $3, @3); }
	| retry_options AFTER DURATION   { ast_retry_after(p, $3, @3); }
	;

example
	: EXAMPLE STRING                 { ast_example_begin(p, true, false, $2.s, $2.len, @1, @2); }
	  opt_where
	| EXAMPLE NOT STRING             { ast_example_begin(p, false, false, $3.s, $3.len, @1, @3); }
	  opt_where
	| EXAMPLE FILE_ STRING           { ast_example_begin(p, true, true, $3.s, $3.len, @1, @3); }
	  opt_where
	| EXAMPLE NOT FILE_ STRING       { ast_example_begin(p, false, true, $4.s, $4.len, @1, @4); }
	  opt_where
	;

opt_where
	: %empty
	| WHERE where_pairs
	;

where_pairs
	: where_pair
	| where_pairs COMMA where_pair
	;

where_pair
	: field word                     { ast_example_where(p, $1, $2.s, @1, @2); }
	;

any_values
	: %empty
	| any_values STRING
	| any_values REGEX
	| any_values NUMBER
	| any_values DURATION
	;

%%

static void yyerror(YYLTYPE *loc, struct parse *p, const char *msg)
{
	diag_report(p->c->diag, DIAG_SYNTAX, *loc, p->rule ? p->rule->id : NULL, "%s", msg);
	if(p->rule)
		p->rule->error_seen = true;
}

/* "expected X, Y or Z, got W" (STYLE 9.2 rule 8); at the end of the file
 * inside a rule, "expected '}' to close rule 'x'" with a note at the rule. */
static int yyreport_syntax_error(const yypcontext_t *ctx, struct parse *p)
{
	enum { MAX_EXPECTED = 6 };
	yysymbol_kind_t expected[MAX_EXPECTED];
	int n = yypcontext_expected_tokens(ctx, expected, MAX_EXPECTED);
	yysymbol_kind_t got = yypcontext_token(ctx);
	const YYLTYPE *loc = yypcontext_location(ctx);
	if(p->rule && p->rule->error_seen)
		return 0;  /* one syntax error per rule: the rest are usually its echoes */
	if(got == YYSYMBOL_YYEOF && p->rule) {
		int idx = diag_report(p->c->diag, DIAG_SYNTAX, *loc, p->rule->id,
		                      "expected '}' to close rule '%s', got end of file", p->rule->id);
		diag_note(p->c->diag, idx, p->rule->id_loc, "rule '%s' opened here", p->rule->id);
		p->rule->error_seen = true;
		return 0;
	}
	struct dynbuf msg;
	dynbuf_init(&msg, 4096);
	if(n > 0 && n < MAX_EXPECTED) {
		dynbuf_adds(&msg, "expected ");
		for(int i = 0; i < n; i++) {
			if(i > 0)
				dynbuf_adds(&msg, i == n - 1 ? " or " : ", ");
			dynbuf_adds(&msg, yysymbol_name(expected[i]));
		}
		dynbuf_adds(&msg, ", got ");
	} else {
		dynbuf_adds(&msg, "unexpected ");
	}
	dynbuf_adds(&msg, yysymbol_name(got));
	diag_report(p->c->diag, DIAG_SYNTAX, *loc, p->rule ? p->rule->id : NULL, "%s", msg.ptr);
	if(p->rule)
		p->rule->error_seen = true;
	dynbuf_free(&msg);
	return 0;
}

const char *lexer_token_name(int tok)
{
	return yysymbol_name(YYTRANSLATE(tok));
}

int parse_file(struct compilation *c, const struct srcfile *f)
{
	struct parse p;
	memset(&p, 0, sizeof p);
	p.c = c;
	p.file = f;
	p.cursor = f->text;
	return yyparse(&p) == 0;
}
