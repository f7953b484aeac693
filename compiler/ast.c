/* ast.c — building the rule set AST: loading files and directories,
 * includes, and the ast_* builders the grammar calls.
 *
 * Builders check only what a single clause can know (a duplicate title, a
 * `retry max 0`); everything that needs the whole rule or the whole rule set
 * is in check.c. */
#include "ast.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "parse.h"
#include "parser.h"
#include "xalloc.h"

enum {
	DEFAULT_RETRY_MAX = 3,
	MAX_RETRY_MAX = 100,
	MAX_DIR_DEPTH = 16,          /* a rules directory is not a file system walk: */
	MAX_DIR_ENTRIES = 20000,     /* `include "/"` must end quickly, with an error */
};

struct compilation *compilation_new(void)
{
	struct compilation *c = xcalloc(1, sizeof *c);
	c->arena = arena_new();
	c->diag = diag_new();
	return c;
}

void compilation_free(struct compilation *c)
{
	if(!c)
		return;
	diag_free(c->diag);
	arena_free(c->arena);
	free(c);
}

#define APPEND(a, arr, n, cap) \
	((arr) = arena_grow((a), (arr), sizeof *(arr), &(cap), (n) + 1), &(arr)[(n)++])

static bool contains(const char **v, size_t n, const char *s)
{
	for(size_t i = 0; i < n; i++) {
		if(strcmp(v[i], s) == 0)
			return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool load(struct compilation *c, const char *path, struct loc from, int depth);

/* Every *.rules file below dir, sorted by path, loaded in that order.
 * Symbolic links to directories are not followed (no cycles), and the walk
 * is bounded in depth and in entries visited. */
static bool load_dir(struct compilation *c, const char *dir, struct loc from, int depth)
{
	if(depth > MAX_DIR_DEPTH) {
		diag_report(c->diag, DIAG_INCLUDE, from, NULL,
		            "directory '%s' is nested more than %d levels deep below the included one",
		            dir, MAX_DIR_DEPTH);
		return false;
	}
	if(c->dir_entries > MAX_DIR_ENTRIES)
		return false;  /* the walk was stopped, and said so once */
	DIR *d = opendir(dir);
	if(!d) {
		diag_report(c->diag, DIAG_INCLUDE, from, NULL, "cannot read directory '%s': %s", dir,
		            strerror(errno));
		return false;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	for(e = readdir(d); e; e = readdir(d)) {
		if(e->d_name[0] == '.')
			continue;
		if(++c->dir_entries > MAX_DIR_ENTRIES) {
			closedir(d);
			for(size_t i = 0; i < n; i++)
				free(names[i]);
			free(names);
			diag_report(c->diag, DIAG_INCLUDE, from, NULL,
			            "more than %d directory entries read below '%s': include the "
			            "directory of the rule files, not a whole file system",
			            MAX_DIR_ENTRIES, dir);
			return false;
		}
		if(n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if(n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	bool ok = true;
	for(size_t i = 0; i < n; i++) {
		char *path = arena_printf(c->arena, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/",
		                          names[i]);
		struct stat st;
		if(lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			ok = load(c, path, from, depth + 1) && ok;
		else if(ends_with(path, ".rules") && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			ok = load(c, path, from, depth + 1) && ok;
		free(names[i]);
	}
	free(names);
	return ok;
}

bool ast_load(struct compilation *c, const char *path, struct loc from)
{
	return load(c, path, from, 0);
}

static bool load(struct compilation *c, const char *path, struct loc from, int depth)
{
	struct stat st;
	if(stat(path, &st) != 0) {
		diag_report(c->diag, DIAG_INCLUDE, from, NULL, "cannot read '%s': %s", path,
		            strerror(errno));
		return false;
	}
	if(S_ISDIR(st.st_mode))
		return load_dir(c, path, from, depth);
	if(!S_ISREG(st.st_mode)) {
		diag_report(c->diag, DIAG_INCLUDE, from, NULL, "'%s' is not a regular file", path);
		return false;
	}

	char real[PATH_MAX];
	if(!realpath(path, real)) {
		diag_report(c->diag, DIAG_INCLUDE, from, NULL, "cannot read '%s': %s", path,
		            strerror(errno));
		return false;
	}
	if(contains(c->reading, c->nreading, real)) {
		diag_report(c->diag, DIAG_INCLUDE, from, NULL, "include cycle: '%s' includes itself",
		            path);
		return false;
	}
	if(contains(c->seen, c->nseen, real))
		return true;  /* read once, however often it is included */

	struct srcfile *f = srcfile_load(c->arena, path, (int)c->nfiles);
	if(!f) {
		diag_report(c->diag, DIAG_INCLUDE, from, NULL, "cannot read '%s': %s", path,
		            strerror(errno));
		return false;
	}
	*APPEND(c->arena, c->files, c->nfiles, c->cap_files) = f;
	const char *key = arena_strdup(c->arena, real);
	*APPEND(c->arena, c->seen, c->nseen, c->cap_seen) = key;
	*APPEND(c->arena, c->reading, c->nreading, c->cap_reading) = key;
	bool ok = parse_file(c, f);
	c->nreading--;
	return ok;
}

void ast_include(struct parse *p, const char *path, struct loc loc)
{
	const char *resolved = path;
	if(path[0] != '/') {
		const char *slash = strrchr(p->file->path, '/');
		if(slash)
			resolved = arena_printf(p->c->arena, "%.*s/%s", (int)(slash - p->file->path),
			                        p->file->path, path);
	}
	ast_load(p->c, resolved, loc);
}

static int report(struct parse *p, enum diag_id id, struct loc loc, const char *msg)
{
	int idx = diag_report(p->c->diag, id, loc, p->rule ? p->rule->id : NULL, "%s", msg);
	if(p->rule)
		p->rule->error_seen = true;
	return idx;
}

struct rule *ast_rule_begin(struct parse *p, const char *id, struct loc id_loc)
{
	struct compilation *c = p->c;
	struct rule *r = arena_alloc(c->arena, sizeof *r);
	r->id = id;
	r->id_loc = id_loc;
	r->loc = id_loc;
	r->action = FSIG_ACT_RETRY;
	r->retry_max = DEFAULT_RETRY_MAX;
	*APPEND(c->arena, c->rules, c->nrules, c->cap_rules) = r;
	p->rule = r;
	return r;
}

void ast_rule_end(struct parse *p, struct loc loc)
{
	if(p->rule)
		p->rule->loc = loc;
	p->rule = NULL;
	p->filter = NULL;
	p->example = NULL;
	p->all = NULL;
}

static void once(struct parse *p, bool already, const char *what, struct loc loc)
{
	if(already) {
		char msg[128];
		snprintf(msg, sizeof msg, "'%s' given twice in rule '%s'", what, p->rule->id);
		report(p, DIAG_DUP_CLAUSE, loc, msg);
	}
}

void ast_title(struct parse *p, const char *s, struct loc loc)
{
	once(p, p->rule->title != NULL, "title", loc);
	p->rule->title = s;
	p->rule->title_loc = loc;
}

void ast_meta(struct parse *p, int keyword, const char *s, struct loc kw, struct loc val)
{
	struct rule *r = p->rule;
	struct arena *a = p->c->arena;
	switch(keyword) {
	case TICKET: {
		struct value *v = APPEND(a, r->tickets, r->ntickets, r->cap_tickets);
		v->text = s;
		v->loc = val;
		break;
	}
	case OWNER:
		once(p, r->owner != NULL, "owner", kw);
		r->owner = s;
		break;
	case CATEGORY:
		once(p, r->category != NULL, "category", kw);
		r->category = s;
		break;
	}
}

void ast_disabled(struct parse *p, const char *reason, struct loc kw, struct loc val)
{
	struct rule *r = p->rule;
	once(p, r->disabled != NULL, "disabled", kw);
	r->disabled = reason;
	r->disabled_loc = val;
}

struct pattern *ast_pattern(struct parse *p, int token, const char *text, size_t len,
                            unsigned flags, struct loc loc)
{
	struct pattern *pat = arena_alloc(p->c->arena, sizeof *pat);
	pat->loc = loc;
	pat->is_regex = token == REGEX;
	pat->flags = flags;
	pat->text = text;
	pat->len = len;
	pat->atom = -1;
	return pat;
}

struct pattern *ast_raw(struct parse *p, struct pattern *pat)
{
	pat->raw = true;
	return pat;
}

static struct trigger *new_trigger(struct parse *p, enum fsig_trigger_kind kind, struct loc kw)
{
	struct rule *r = p->rule;
	struct trigger *t = APPEND(p->c->arena, r->triggers, r->ntriggers, r->cap_triggers);
	t->kind = kind;
	t->loc = kw;
	return t;
}

void ast_match(struct parse *p, struct pattern *a, struct loc kw)
{
	struct trigger *t = new_trigger(p, FSIG_TRIG_MATCH, kw);
	t->pats = arena_alloc(p->c->arena, sizeof *t->pats);
	t->pats[0] = a;
	t->npats = 1;
}

void ast_then(struct parse *p, struct pattern *a, struct pattern *b, uint32_t within,
              struct loc within_loc, struct loc kw)
{
	struct trigger *t = new_trigger(p, FSIG_TRIG_THEN, kw);
	t->pats = arena_alloc(p->c->arena, 2 * sizeof *t->pats);
	t->pats[0] = a;
	t->pats[1] = b;
	t->npats = 2;
	t->within = within;
	t->within_loc = within_loc;
	b->lazy_use = true;
}

void ast_all_begin(struct parse *p, struct loc kw)
{
	p->all = new_trigger(p, FSIG_TRIG_ALL, kw);
	p->all_cap = 0;
}

void ast_all_add(struct parse *p, struct pattern *a)
{
	struct trigger *t = p->all;
	t->pats = arena_grow(p->c->arena, t->pats, sizeof *t->pats, &p->all_cap, t->npats + 1);
	t->pats[t->npats++] = a;
}

void ast_all_end(struct parse *p, uint32_t within, struct loc within_loc)
{
	p->all->within = within;
	p->all->within_loc = within_loc;
	p->all = NULL;
}

void ast_unless(struct parse *p, struct pattern *a, enum fsig_unless_scope scope,
                uint32_t within, struct loc within_loc, struct loc kw)
{
	struct rule *r = p->rule;
	struct unless_clause *u = APPEND(p->c->arena, r->unless, r->nunless, r->cap_unless);
	u->pat = a;
	u->scope = scope;
	u->within = within;
	u->within_loc = within_loc;
	u->loc = kw;
	/* Looked for only where eval asks: on the hit line, or (unless the
	 * pattern reads raw bytes) on the lines around a hit. */
	if(scope == FSIG_UNLESS_SAME_LINE || (scope == FSIG_UNLESS_WITHIN && !a->raw))
		a->lazy_use = true;
}

void ast_unless_direction(struct parse *p, int direction)
{
	struct rule *r = p->rule;
	r->unless[r->nunless - 1].direction = direction;
}

void ast_section(struct parse *p, const char *name, struct loc loc)
{
	struct rule *r = p->rule;
	struct value *v = APPEND(p->c->arena, r->sections, r->nsections, r->cap_sections);
	v->text = name;
	v->loc = loc;
}

void ast_filter_begin(struct parse *p, enum fsig_field field, bool negate, struct loc kw)
{
	struct rule *r = p->rule;
	struct filter *f = APPEND(p->c->arena, r->filters, r->nfilters, r->cap_filters);
	f->field = field;
	f->negate = negate;
	f->loc = kw;
	p->filter = f;
	p->filter_cap = 0;
}

void ast_filter_value(struct parse *p, const char *v, struct loc loc)
{
	struct filter *f = p->filter;
	struct value *val = APPEND(p->c->arena, f->values, f->nvalues, p->filter_cap);
	val->text = v;
	val->loc = loc;
}

void ast_action(struct parse *p, enum fsig_action action, struct loc kw)
{
	struct rule *r = p->rule;
	if(r->action_set) {
		int idx = report(p, DIAG_DUP_CLAUSE, kw, "a rule has one action; this one is the second");
		diag_note(p->c->diag, idx, r->action_loc, "first action here");
	}
	r->action = action;
	r->action_set = true;
	r->action_loc = kw;
}

void ast_retry_max(struct parse *p, uint32_t n, struct loc loc)
{
	if(n == 0) {
		report(p, DIAG_BAD_BOUND, loc, "'retry max 0' never retries: use 'record' instead");
		return;
	}
	if(n > MAX_RETRY_MAX) {
		char msg[96];
		snprintf(msg, sizeof msg, "'retry max %u' exceeds the limit of %d retries", n,
		         MAX_RETRY_MAX);
		report(p, DIAG_BAD_BOUND, loc, msg);
		return;
	}
	p->rule->retry_max = n;
}

void ast_retry_after(struct parse *p, uint32_t seconds, struct loc loc)
{
	enum { WEEK = 7 * 86400 };
	if(seconds > WEEK) {
		report(p, DIAG_BAD_BOUND, loc, "'retry after' longer than a week: the job is long gone");
		return;
	}
	p->rule->retry_after = seconds;
}

void ast_example_begin(struct parse *p, bool must_match, bool is_file, const char *s,
                       size_t len, struct loc kw, struct loc val)
{
	struct rule *r = p->rule;
	struct example *e = APPEND(p->c->arena, r->examples, r->nexamples, r->cap_examples);
	e->must_match = must_match;
	e->is_file = is_file;
	e->value.text = s;
	e->value.loc = val;
	e->value_len = len;
	e->loc = kw;
	p->example = e;
}

void ast_example_where(struct parse *p, enum fsig_field field, const char *v,
                       struct loc kloc, struct loc vloc)
{
	struct example *e = p->example;
	if(e->nwhere == 0)
		p->where_cap = 0;
	struct where_kv *kv = APPEND(p->c->arena, e->where, e->nwhere, p->where_cap);
	kv->field = field;
	kv->value.text = v;
	kv->value.loc = vloc;
}

/* Levenshtein distance, for "did you mean" (keywords are short). */
static size_t distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if(n > 31 || m > 31)
		return 99;
	size_t row[32];
	for(size_t j = 0; j <= m; j++)
		row[j] = j;
	for(size_t i = 1; i <= n; i++) {
		size_t prev = row[0];
		row[0] = i;
		for(size_t j = 1; j <= m; j++) {
			size_t cur = row[j];
			size_t best = prev + (a[i - 1] != b[j - 1]);
			if(row[j] + 1 < best)
				best = row[j] + 1;
			if(row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[m];
}

void ast_unknown_key(struct parse *p, const char *key, struct loc loc)
{
	static const char *const clause_keys[] = {
		"title", "ticket", "owner", "category", "disabled", "match", "unless",
		"section", "job", "stage", "project", "runner", "tag", "failure_reason",
		"status", "action", "retry", "record", "observe", "example",
	};
	const char *best = NULL;
	size_t best_d = 3;
	for(size_t i = 0; i < sizeof clause_keys / sizeof clause_keys[0]; i++) {
		size_t d = distance(key, clause_keys[i]);
		if(d < best_d) {
			best_d = d;
			best = clause_keys[i];
		}
	}
	char msg[256];
	if(best)
		snprintf(msg, sizeof msg, "unknown key '%.64s' (did you mean '%s'?)", key, best);
	else
		snprintf(msg, sizeof msg, "unknown key '%.64s'", key);
	report(p, DIAG_UNKNOWN_KEY, loc, msg);
}
