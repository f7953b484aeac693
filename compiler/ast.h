/* ast.h — the parsed rule set: rules, clauses, patterns.
 *
 * The bison grammar builds the AST only through the ast_* calls below (thin
 * grammar, STYLE 9.2 rule 2); every node lives in the compilation's arena.
 * Later passes (check.c, atoms.c, gen.c) read and annotate it. */
#ifndef FSIG_AST_H
#define FSIG_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "regex.h"
#include "ruleset.h"
#include "srcfile.h"

struct arena;

struct pattern {
	struct loc loc;          /* the whole token, quotes/slashes included */
	bool is_regex;
	bool raw;                /* `raw` prefix: match raw bytes, not the displayed text */
	unsigned flags;          /* RX_ICASE */
	const char *text;        /* literal: unescaped bytes; regex: the body as written */
	size_t len;
	struct rx *rx;           /* set by check.c; NULL when the regex did not parse */
	size_t dfa_states;       /* set by check.c: states of its scanner DFA */
	int atom;                /* index of its atom (atoms.c), -1 before */
	bool lazy_use;           /* used where eval asks on demand (then-second, unless same line) */
};

struct trigger {
	enum fsig_trigger_kind kind;
	struct pattern **pats;   /* MATCH 1, THEN 2, ALL >= 1 */
	size_t npats;
	uint32_t within;         /* THEN, ALL: lines; 0 = none given */
	struct loc within_loc;
	struct loc loc;          /* the `match` keyword */
};

struct unless_clause {
	struct pattern *pat;
	enum fsig_unless_scope scope;
	uint32_t within;
	int direction;           /* WITHIN: -1 lines before only, +1 after only, 0 both */
	struct loc within_loc;
	struct loc loc;
};

struct value {
	const char *text;        /* a string's bytes or an identifier */
	struct loc loc;
};

struct filter {
	enum fsig_field field;
	bool negate;
	struct value *values;
	size_t nvalues;
	struct loc loc;          /* the field keyword */
};

struct where_kv {
	enum fsig_field field;
	struct value value;
};

struct example {
	bool must_match;
	bool is_file;
	struct value value;      /* inline text, or the file path as written */
	size_t value_len;        /* bytes of value.text (an inline example may hold NULs) */
	const char *text;        /* the example log: inline text or the file's contents (check.c) */
	size_t len;
	const char *path;        /* is_file: the path resolved against the .rules file */
	struct where_kv *where;
	size_t nwhere;
	struct loc loc;          /* the `example` keyword */
};

struct rule {
	const char *id;
	struct loc id_loc;
	const char *title;       /* NULL when missing */
	struct loc title_loc;
	struct value *tickets;
	size_t ntickets;
	const char *owner;
	const char *category;
	const char *disabled;    /* reason; NULL when enabled */
	struct loc disabled_loc;
	enum fsig_action action;
	bool action_set;
	struct loc action_loc;
	uint32_t retry_max;      /* default 3 */
	uint32_t retry_after;    /* seconds */
	struct trigger *triggers;    size_t ntriggers;
	struct unless_clause *unless; size_t nunless;
	struct filter *filters;      size_t nfilters;
	struct value *sections;      size_t nsections;
	struct example *examples;    size_t nexamples;
	bool error_seen;         /* an error was reported inside: suppress cascades */
	struct loc loc;          /* `rule` keyword to closing brace */
	/* growth capacities of the arrays above (arena_grow) */
	size_t cap_tickets, cap_triggers, cap_unless, cap_filters, cap_sections, cap_examples;
};

/* One compilation: every file read, every rule parsed, and the sinks. */
struct compilation {
	struct arena *arena;
	struct diag *diag;
	const struct srcfile **files;  /* every file read, in reading order */
	size_t nfiles, cap_files;
	struct rule **rules;           /* in definition order */
	size_t nrules, cap_rules;
	const char **reading;          /* realpaths of files being parsed (include cycles) */
	size_t nreading, cap_reading;
	const char **seen;             /* realpaths of files already read (read once) */
	size_t nseen, cap_seen;
	size_t dir_entries;            /* directory entries read by includes (bounded) */
};

struct compilation *compilation_new(void);   /* caller frees with compilation_free */
void compilation_free(struct compilation *c);

/* Parse a file or a directory (every *.rules below it, sorted) into c.
 * from is the include clause that asked for it (file NULL for the command
 * line). Returns false if it could not be read (a diagnostic was reported). */
bool ast_load(struct compilation *c, const char *path, struct loc from);

/* --- builders called by grammar/parser.y; `p` is the per-file parse state --- */
struct parse;
struct rule *ast_rule_begin(struct parse *p, const char *id, struct loc id_loc);
void ast_rule_end(struct parse *p, struct loc loc);
void ast_title(struct parse *p, const char *s, struct loc loc);
void ast_meta(struct parse *p, int keyword, const char *s, struct loc kw, struct loc val);
void ast_disabled(struct parse *p, const char *reason, struct loc kw, struct loc val);
struct pattern *ast_pattern(struct parse *p, int token, const char *text, size_t len,
                            unsigned flags, struct loc loc);
struct pattern *ast_raw(struct parse *p, struct pattern *pat);
void ast_match(struct parse *p, struct pattern *a, struct loc kw);
void ast_then(struct parse *p, struct pattern *a, struct pattern *b, uint32_t within,
              struct loc within_loc, struct loc kw);
void ast_all_begin(struct parse *p, struct loc kw);
void ast_all_add(struct parse *p, struct pattern *a);
void ast_all_end(struct parse *p, uint32_t within, struct loc within_loc);
void ast_unless(struct parse *p, struct pattern *a, enum fsig_unless_scope scope,
                uint32_t within, struct loc within_loc, struct loc kw);
void ast_unless_direction(struct parse *p, int direction);
void ast_section(struct parse *p, const char *name, struct loc loc);
void ast_filter_begin(struct parse *p, enum fsig_field field, bool negate, struct loc kw);
void ast_filter_value(struct parse *p, const char *v, struct loc loc);
void ast_action(struct parse *p, enum fsig_action action, struct loc kw);
void ast_retry_max(struct parse *p, uint32_t n, struct loc loc);
void ast_retry_after(struct parse *p, uint32_t seconds, struct loc loc);
void ast_example_begin(struct parse *p, bool must_match, bool is_file, const char *s,
                       size_t len, struct loc kw, struct loc val);
void ast_example_where(struct parse *p, enum fsig_field field, const char *v,
                       struct loc kloc, struct loc vloc);
void ast_unknown_key(struct parse *p, const char *key, struct loc loc);
void ast_include(struct parse *p, const char *path, struct loc loc);

#endif
