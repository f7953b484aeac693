/* check.c — the lints of a parsed rule set (`failsigc check`).
 *
 * Runs after every file is parsed, so it sees the whole rule set: duplicate
 * ids across files, regexes parsed and validated with exact columns, empty
 * and broad patterns, nonsense bounds, rules that can never fire, missing
 * metadata, example files. Errors after a rule's syntax error are
 * suppressed (they are usually echoes of it); independent semantic errors
 * are all reported. */
#include "check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "atoms.h"
#include "regex.h"

enum {
	MAX_WITHIN = 10000,          /* longest then/within/unless window, in lines */
	MIN_GRAM = 4,                /* prefilter gram length (ruleset.h) */
	MIN_LITERAL = 4,             /* shorter literals are too broad */
	MAX_EXAMPLE_FILE = 1 << 20,  /* example files are embedded in the binary */
	MAX_ATOM_STATES = 2000,      /* DFA states of one pattern's matcher */
	MAX_TOTAL_STATES = 200000,   /* DFA states of the whole rule set: bounds the C
	                                compiler's time and the binary's size */
};

/* Lines every CI log is full of. A `match` pattern that finds one of them
 * will fire on ordinary jobs: that is the broad-pattern lint. */
static const char *const ordinary_lines[] = {
	"Running with gitlab-runner 15.5.1 (v15.5.1)",
	"  on x86_64-linux-4.example_x86_64-linux-4_db038e4e1623 Bfz8CiQn",
	"Resolving secrets",
	"Preparing the \"docker\" executor",
	"Using Docker executor with image registry.gitlab.haskell.org/ghc/ci-images/x86_64-linux-deb12:latest ...",
	"Pulling docker image registry.gitlab.haskell.org/ghc/ci-images/x86_64-linux-deb12:latest ...",
	"Using docker image sha256:a79898142fb1 for nixos/nix:2.3.12 with digest nixos/nix@sha256:d9bb3b85 ...",
	"Preparing environment",
	"Running on runner-bfz8ciqn-project-1-concurrent-0 via x86_64-linux-4...",
	"Getting source from Git repository",
	"Fetching changes with git depth set to 50...",
	"Initialized empty Git repository in /builds/ghc/ghc/.git/",
	"Created fresh repository.",
	"Checking out a5c4468a as detached HEAD (ref is refs/merge-requests/10761/head)...",
	"Skipping Git submodules setup",
	"Updating/initializing submodules recursively with git depth set to 50...",
	"Submodule 'libraries/containers' (https://gitlab.haskell.org/ghc/packages/containers.git) registered for path 'libraries/containers'",
	"Cloning into '/builds/ghc/ghc/libraries/containers'...",
	"Submodule path 'libraries/containers': checked out '0eb7a6a0c1aa736f46931460270689bf7c831cae'",
	"Entering 'libraries/containers'",
	"Executing \"step_script\" stage of the job script",
	"$ .gitlab/ci.sh setup",
	"checking for gcc... gcc",
	"checking whether the C compiler works... yes",
	"config.status: creating mk/config.mk",
	"make[1]: Entering directory '/builds/ghc/ghc'",
	"| Run Ghc CompileHs Stage1: compiler/GHC/Core.hs => _build/stage1/compiler/build/GHC/Core.o",
	"[ 12 of 843] Compiling GHC.Core.Type    ( compiler/GHC/Core/Type.hs, _build/stage1/compiler/build/GHC/Core/Type.o )",
	"Linking _build/stage1/bin/ghc ...",
	"Build completed in 1h12m",
	"=====> 1234 of 9000 [0, 0, 0]",
	"=====> T12345(normal) 1 of 9000 [0, 0, 0]",
	"cd \"T12345.run\" && $MAKE -s --no-print-directory T12345",
	"Running 'make test' in testsuite",
	"SUMMARY for test run started at Mon Jan 30 12:00:00 2023 UTC",
	"   9000 total tests, which gave rise to",
	"      12 had missing libraries",
	"Unexpected results from:",
	"TEST=\"T12345 T23456\"",
	"Saving cache for successful job",
	"Uploading artifacts for failed job",
	"Uploading artifacts...",
	"WARNING: ghc-x86_64-linux.tar.xz: no matching files. Ensure that the artifact path is relative to the working directory",
	"ERROR: No files to upload",
	"Cleaning up project directory and file based variables",
	"ERROR: Job failed: exit code 1",
	"Job succeeded",
	"Resolving deltas: 100% (12/12), done.",
	"Downloading packages...",
	"Warning: the following files would be used as linker inputs, but linking is not being done: foo.o",
	"compiler/GHC/Tc/Solver.hs:123:5: error: [GHC-88464]",
	"    Variable not in scope: foo :: Int",
	"+ exit 1",
	"real	0m1.234s",
};

static bool given(struct loc l)
{
	return l.file != NULL;
}

/* A point inside a pattern token: the regex body starts one byte after '/'. */
static struct loc inside(const struct pattern *pat, size_t offset, size_t len)
{
	struct loc l = pat->loc;
	l.begin = pat->loc.begin + 1 + (uint32_t)offset;
	l.end = l.begin + (uint32_t)(len ? len : 1);
	if(l.end > pat->loc.end)
		l.end = pat->loc.end;
	if(l.begin > l.end)
		l.begin = l.end;
	return l;
}

static int error(struct compilation *c, struct rule *r, enum diag_id id, struct loc loc,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Report a diagnostic about rule r (errors and warnings alike). */
static int error(struct compilation *c, struct rule *r, enum diag_id id, struct loc loc,
                 const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return diag_report(c->diag, id, loc, r->id, "%s", msg);
}

/* A short printable spelling of a pattern for messages: its source text. */
static const char *spelling(struct compilation *c, const struct pattern *pat)
{
	const struct srcfile *f = pat->loc.file;
	size_t n = pat->loc.end - pat->loc.begin;
	if(n > 60)
		return arena_printf(c->arena, "%.57s...", f->text + pat->loc.begin);
	return arena_strndup(c->arena, f->text + pat->loc.begin, n);
}

/* Parse or build the pattern's regex tree and lint it on its own. */
static void check_pattern(struct compilation *c, struct rule *r, struct pattern *pat,
                          bool primary)
{
	if(!pat->is_regex) {
		if(pat->len == 0) {
			error(c, r, DIAG_EMPTY_PATTERN, pat->loc,
			      "empty string pattern matches every line");
			return;
		}
		pat->rx = rx_literal(c->arena, pat->text, pat->len, pat->flags);
	} else {
		if(pat->len == 0)
			return;  /* the lexer reported the empty or unterminated regex */
		struct rx_error err;
		pat->rx = rx_parse(c->arena, pat->text, pat->len, pat->flags, &err);
		if(!pat->rx) {
			enum diag_id id = err.kind == RX_ERR_UNSUPPORTED ? DIAG_REGEX_UNSUPPORTED
			                                                 : DIAG_BAD_REGEX;
			error(c, r, id, inside(pat, err.offset, err.length), "%s", err.msg);
			return;
		}
	}
	if(rx_matches_empty(pat->rx)) {
		error(c, r, DIAG_EMPTY_PATTERN, pat->loc,
		      "pattern %s matches the empty string, so every line", spelling(c, pat));
		return;
	}
	pat->dfa_states = rx_dfa_states(pat->rx, MAX_ATOM_STATES);
	if(pat->dfa_states > MAX_ATOM_STATES) {
		error(c, r, DIAG_DFA_SIZE, pat->loc,
		      "pattern %s needs a DFA of more than %d states: a counted repetition of a "
		      "broad class (like .{20}) after something that can occur again makes the "
		      "scanner's DFA grow exponentially; make the repetition specific "
		      "([0-9]{20}, [^ ]{20}) or split the pattern with 'then' or 'all'",
		      spelling(c, pat), MAX_ATOM_STATES);
		return;
	}
	struct rx_factors f;
	bool has_gram = rx_required_factors(c->arena, pat->rx, MIN_GRAM, &f);
	if(!primary)
		return;
	if(!pat->is_regex && pat->len < MIN_LITERAL) {
		error(c, r, DIAG_BROAD_PATTERN, pat->loc,
		      "pattern %s is too short to be specific", spelling(c, pat));
		return;
	}
	for(size_t i = 0; i < sizeof ordinary_lines / sizeof ordinary_lines[0]; i++) {
		const char *line = ordinary_lines[i];
		if(rx_search(pat->rx, (const unsigned char *)line, strlen(line))) {
			error(c, r, DIAG_BROAD_PATTERN, pat->loc,
			      "pattern %s matches ordinary log lines such as \"%s\"", spelling(c, pat),
			      line);
			return;
		}
	}
	if(has_gram)
		return;
	struct rx_factors shorts;
	if(rx_required_factors(c->arena, pat->rx, 1, &shorts) && atoms_short_factors_usable(&shorts))
		error(c, r, DIAG_SLOW_PATTERN, pat->loc,
		      "pattern %s has no literal of 4 bytes that every match contains: it is "
		      "checked on every line that holds \"%.*s\"%s",
		      spelling(c, pat), (int)shorts.v[0].len, (const char *)shorts.v[0].bytes,
		      shorts.n > 1 ? " or another of its short literals" : "");
	else
		error(c, r, DIAG_SLOW_PATTERN, pat->loc,
		      "pattern %s has no literal of 4 bytes that every match contains: it is "
		      "checked on every line of every log",
		      spelling(c, pat));
}

static bool same_pattern(const struct pattern *a, const struct pattern *b)
{
	return a->is_regex == b->is_regex && a->raw == b->raw && a->flags == b->flags &&
	       a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

static void check_window(struct compilation *c, struct rule *r, uint32_t within,
                         struct loc loc, const char *what)
{
	char n[32];
	snprintf(n, sizeof n, "%u", within);
	if(within == 0)
		error(c, r, DIAG_BAD_BOUND, loc, "'%s within 0 lines' can never hold: the window "
		      "must be at least 1 line", what);
	else if(within > MAX_WITHIN)
		error(c, r, DIAG_BAD_BOUND, loc, "window of %s lines exceeds the limit of 10000 (%s)",
		      n, what);
}

static void check_patterns(struct compilation *c, struct rule *r)
{
	struct pattern *all[256];
	size_t n = 0;
	for(size_t i = 0; i < r->ntriggers; i++) {
		struct trigger *t = &r->triggers[i];
		for(size_t j = 0; j < t->npats; j++) {
			/* Patterns that fire a rule only together with another one may
			 * be common on their own: the broad lint is for lone patterns. */
			bool primary = t->kind == FSIG_TRIG_MATCH;
			check_pattern(c, r, t->pats[j], primary);
			if(n < 256)
				all[n++] = t->pats[j];
		}
		if(t->kind == FSIG_TRIG_THEN)
			check_window(c, r, t->within, t->within_loc, "then");
		if(t->kind == FSIG_TRIG_ALL && given(t->within_loc) && t->within_loc.end > t->within_loc.begin)
			check_window(c, r, t->within, t->within_loc, "all");
	}
	for(size_t i = 0; i < r->nunless; i++) {
		struct unless_clause *u = &r->unless[i];
		check_pattern(c, r, u->pat, false);
		if(u->scope == FSIG_UNLESS_WITHIN) {
			if(u->within == 0)
				error(c, r, DIAG_BAD_BOUND, u->within_loc,
				      "'unless … within 0 lines' means the same line: write 'same line'");
			else
				check_window(c, r, u->within, u->within_loc, "unless");
		}
		for(size_t j = 0; j < r->ntriggers; j++) {
			struct trigger *t = &r->triggers[j];
			if(t->kind == FSIG_TRIG_MATCH && same_pattern(t->pats[0], u->pat) &&
			   r->ntriggers == 1) {
				error(c, r, DIAG_UNREACHABLE, u->loc,
				      "this 'unless' suppresses every hit of the rule's only pattern %s: the "
				      "rule can never fire", spelling(c, u->pat));
			}
		}
	}
	for(size_t i = 0; i < n; i++) {
		for(size_t j = 0; j < i; j++) {
			if(all[i] != all[j] && same_pattern(all[i], all[j]) &&
			   r->triggers[0].kind == FSIG_TRIG_MATCH) {
				int idx = error(c, r, DIAG_DUP_PATTERN, all[i]->loc,
				                "pattern %s appears twice in rule '%s'", spelling(c, all[i]), r->id);
				diag_note(c->diag, idx, all[j]->loc, "first used here");
				break;
			}
		}
	}
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for(size_t i = 0; i < n; i++) {
		if(strcmp(list[i], s) == 0)
			return true;
	}
	return false;
}

/* failure_reason values GitLab sends (Enums::Ci::CommitStatus.failure_reasons). */
static const char *const failure_reasons[] = {
	"unknown_failure", "script_failure", "api_failure", "stuck_or_timeout_failure",
	"runner_system_failure", "missing_dependency_failure", "runner_unsupported",
	"stale_schedule", "job_execution_timeout", "archived_failure", "unmet_prerequisites",
	"scheduler_failure", "data_integrity_failure", "forward_deployment_failure",
	"user_blocked", "project_deleted", "ci_quota_exceeded", "pipeline_loop_detected",
	"no_matching_runner", "trace_size_exceeded", "builds_disabled", "environment_creation_failure",
	"deployment_rejected", "failed_outdated_deployment_job", "protected_environment_failure",
	"insufficient_bridge_permissions", "downstream_bridge_project_not_found",
	"invalid_bridge_trigger", "upstream_bridge_project_not_found",
	"insufficient_upstream_permissions", "bridge_pipeline_is_child_pipeline",
	"downstream_pipeline_creation_failed", "secrets_provider_not_found",
	"reached_max_descendant_pipelines_depth", "ip_restriction_failure",
	"reached_max_pipeline_hierarchy_size", "reached_downstream_pipeline_trigger_rate_limit",
	"job_token_expired",
};

static const char *const statuses[] = {
	"created", "waiting_for_resource", "preparing", "pending", "running", "success",
	"failed", "canceled", "skipped", "manual", "scheduled",
};

static void check_filters(struct compilation *c, struct rule *r)
{
	for(size_t i = 0; i < r->nfilters; i++) {
		struct filter *f = &r->filters[i];
		for(size_t j = 0; j < f->nvalues; j++) {
			struct value *v = &f->values[j];
			if(f->field == FSIG_FIELD_STATUS &&
			   !in_list(statuses, sizeof statuses / sizeof statuses[0], v->text))
				error(c, r, DIAG_BAD_VALUE, v->loc,
				      "unknown job status '%s': expected one of created, pending, running, "
				      "success, failed, canceled, skipped, manual, scheduled",
				      v->text);
			if(f->field == FSIG_FIELD_FAILURE_REASON &&
			   !in_list(failure_reasons, sizeof failure_reasons / sizeof failure_reasons[0],
			            v->text))
				error(c, r, DIAG_UNKNOWN_REASON, v->loc,
				      "'%s' is not a failure_reason GitLab sends", v->text);
		}
	}
}

static bool has_job_filter(const struct rule *r)
{
	for(size_t i = 0; i < r->nfilters; i++) {
		if(r->filters[i].field != FSIG_FIELD_STATUS)
			return true;
	}
	return false;
}

/* Read an example file (relative to the rules file) into the arena. */
static void load_example(struct compilation *c, struct rule *r, struct example *e)
{
	const char *file = e->value.loc.file->path;
	const char *slash = strrchr(file, '/');
	e->path = e->value.text[0] == '/' || !slash
	                  ? e->value.text
	                  : arena_printf(c->arena, "%.*s/%s", (int)(slash - file), file, e->value.text);
	FILE *fp = fopen(e->path, "rb");
	if(!fp) {
		error(c, r, DIAG_EXAMPLE_FILE, e->value.loc, "cannot read example file '%s': %s",
		      e->path, strerror(errno));
		return;
	}
	char *buf = arena_alloc(c->arena, MAX_EXAMPLE_FILE + 1);
	size_t n = fread(buf, 1, MAX_EXAMPLE_FILE + 1, fp);
	bool bad = ferror(fp);
	fclose(fp);
	if(bad || n > MAX_EXAMPLE_FILE) {
		error(c, r, DIAG_EXAMPLE_FILE, e->value.loc,
		      bad ? "cannot read example file '%s'"
		          : "example file '%s' is larger than 1 MiB: examples are embedded in the binary; cut it to the lines that matter",
		      e->path);
		return;
	}
	e->text = buf;
	e->len = n;
}

static void check_examples(struct compilation *c, struct rule *r)
{
	for(size_t i = 0; i < r->nexamples; i++) {
		struct example *e = &r->examples[i];
		if(e->is_file) {
			load_example(c, r, e);
		} else {
			e->text = e->value.text;
			e->len = e->value_len;
		}
	}
	if(r->nexamples == 0 && !r->error_seen)
		error(c, r, DIAG_MISSING_EXAMPLES, r->id_loc,
		      "rule '%s' has no examples: add lines it must and must not match", r->id);
}

static void check_rule(struct compilation *c, struct rule *r)
{
	check_patterns(c, r);
	check_filters(c, r);
	check_examples(c, r);
	if(r->disabled && r->disabled[0] == '\0')
		error(c, r, DIAG_DISABLED_REASON, r->disabled_loc,
		      "'disabled' needs a reason, so that someone can tell when to turn the rule back on");
	if(r->error_seen)
		return;  /* the clauses below may have been lost to a syntax error */
	if(r->ntriggers == 0 && !has_job_filter(r))
		error(c, r, DIAG_NO_TRIGGER, r->id_loc,
		      "rule '%s' has no pattern and no job filter: it can never fire", r->id);
	if(!r->title)
		error(c, r, DIAG_MISSING_TITLE, r->id_loc,
		      "rule '%s' has no title: add one after the id (rule %s \"What failed\")", r->id,
		      r->id);
	if(r->ntickets == 0)
		error(c, r, DIAG_MISSING_TICKET, r->id_loc,
		      "rule '%s' has no ticket: link the issue that tracks this failure", r->id);
}

/* The DFA states of every distinct pattern, added up: what re2c and the C
 * compiler will have to build. */
static void check_total_size(struct compilation *c)
{
	size_t total = 0;
	const struct rule *biggest_rule = NULL;
	const struct pattern *biggest = NULL;
	for(size_t i = 0; i < c->nrules; i++) {
		const struct rule *r = c->rules[i];
		for(size_t t = 0; t < r->ntriggers; t++) {
			for(size_t k = 0; k < r->triggers[t].npats; k++) {
				const struct pattern *pat = r->triggers[t].pats[k];
				total += pat->dfa_states;
				if(!biggest || pat->dfa_states > biggest->dfa_states) {
					biggest = pat;
					biggest_rule = r;
				}
			}
		}
		for(size_t u = 0; u < r->nunless; u++)
			total += r->unless[u].pat->dfa_states;
	}
	if(total <= MAX_TOTAL_STATES)
		return;
	struct loc none = {NULL, 0, 0};
	int idx = diag_report(c->diag, DIAG_DFA_SIZE, none, NULL,
	                      "the rule set needs %zu DFA states, more than the limit of %d: "
	                      "the generated scanner would take too long to compile; split it "
	                      "into several rule sets or simplify the largest patterns",
	                      total, MAX_TOTAL_STATES);
	if(biggest)
		diag_note(c->diag, idx, biggest->loc, "the largest pattern (%zu states) is in rule '%s'",
		          biggest->dfa_states, biggest_rule->id);
}

void check_ruleset(struct compilation *c)
{
	for(size_t i = 0; i < c->nrules; i++) {
		struct rule *r = c->rules[i];
		for(size_t j = 0; j < i; j++) {
			if(strcmp(c->rules[j]->id, r->id) == 0) {
				int idx = error(c, r, DIAG_DUP_RULE, r->id_loc, "duplicate rule id '%s'", r->id);
				diag_note(c->diag, idx, c->rules[j]->id_loc, "first defined here");
				break;
			}
		}
		check_rule(c, r);
	}
	check_total_size(c);
}

/* The rule a pattern belongs to (patterns are not shared between rules). */
static struct rule *rule_of(struct compilation *c, const struct pattern *pat)
{
	for(size_t i = 0; i < c->nrules; i++) {
		struct rule *r = c->rules[i];
		for(size_t t = 0; t < r->ntriggers; t++)
			for(size_t k = 0; k < r->triggers[t].npats; k++)
				if(r->triggers[t].pats[k] == pat)
					return r;
		for(size_t u = 0; u < r->nunless; u++)
			if(r->unless[u].pat == pat)
				return r;
	}
	return NULL;
}

void check_prefilter(struct compilation *c, const struct atomset *atoms)
{
	const unsigned need = atoms->step + 7;  /* an 8-byte gram's window */
	for(size_t i = 0; i < atoms->nsecond_table; i++) {
		const struct pattern *pat = atoms->v[atoms->second_table[i]].pat;
		struct rule *r = rule_of(c, pat);
		struct rx_factors f;
		if(!r || !rx_required_factors(c->arena, pat->rx, MIN_GRAM, &f) || f.n == 0)
			continue;
		size_t k = 0;
		for(size_t j = 1; j < f.n; j++)
			k = f.v[j].len < f.v[k].len ? j : k;
		char others[64] = "";
		if(atoms->nsecond_table > 1)
			snprintf(others, sizeof others, ", and so are those of %zu other patterns",
			         atoms->nsecond_table - 1);
		error(c, r, DIAG_SECOND_TABLE, pat->loc,
		      "pattern %s makes the scanner probe a second table of grams at every %u "
		      "bytes of every log, which costs it nearly as much as the first: its "
		      "literal \"%.*s\" is shorter than %u bytes%s, while the rest of the rule "
		      "set is found through 8-byte grams alone",
		      spelling(c, pat), atoms->step, (int)f.v[k].len, (const char *)f.v[k].bytes,
		      need, others);
	}
}
