/* eval.h — rule logic over atom hits: any-of, then/within, all-of, unless,
 * sections and job filters, in constant memory per rule.
 *
 * The scanner reports which atoms occur on which line (scan.h); eval turns
 * that stream into verdicts per rule. Feed it every line the scanner hands
 * out (eval_line is a scan_line_fn), then call eval_finish. */
#ifndef FSIG_EVAL_H
#define FSIG_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ruleset.h"
#include "scan.h"

/* Job data for filters. A NULL field is unknown. */
struct fsig_job {
	bool known;                  /* false: no job data at all (filters unchecked) */
	const char *name;
	const char *stage;
	const char *project;         /* path_with_namespace */
	const char *runner;          /* runner description */
	const char *failure_reason;
	const char *status;
	const char *const *tags;
	size_t ntags;
};

enum eval_opts {
	EVAL_EXPLAIN = 1,            /* keep suppressed hits and context lines */
	EVAL_ASSUME_SECTIONS = 2,    /* a log without any section marker is inside every section (examples) */
};

enum { EVAL_MAX_HITS = 100,      /* hits kept per rule (all are counted) */
       EVAL_CONTEXT = 3,         /* context lines before/after a hit in explain mode */
       EVAL_TEXT_MAX = 1024 };   /* bytes of a line kept in a hit */

struct eval_line_copy {
	uint64_t lineno;
	char *text;                  /* displayed text, at most EVAL_TEXT_MAX bytes, NUL-terminated */
};

struct eval_hit {
	uint64_t line;               /* the hit line (first line for `then`) */
	uint64_t line2;              /* `then`: the line of the second pattern; else 0 */
	char *text;                  /* the hit line's displayed text (capped, NUL-terminated) */
	uint32_t trigger;            /* index into rule->triggers */
	int unless;                  /* suppressed: index into rule->unless; else -1 */
	uint64_t unless_line;        /* suppressed: the line that matched the unless pattern */
	struct eval_line_copy *context;  /* explain mode: lines around the hit, in order */
	size_t ncontext;
};

struct eval_result {
	const struct fsig_rule *rule;
	bool fired;                  /* at least one unsuppressed hit, filters hold, not disabled */
	bool filters_unchecked;      /* fired without job data to check its job filters */
	bool status_ok;              /* the job status passes the rule's status filter (default failed);
	                                false: hits are false-positive evidence only */
	uint64_t nhits;              /* unsuppressed hits, all counted */
	struct eval_hit *hits;       /* the first EVAL_MAX_HITS of them */
	size_t nkept;
	uint64_t nsuppressed;        /* explain mode: suppressed hits, all counted */
	struct eval_hit *suppressed; /* explain mode: the first EVAL_MAX_HITS */
	size_t nsuppressed_kept;
};

struct eval;

/* An evaluator of rule set rs (borrowed) for a job (copied; NULL = unknown).
 * only_rule >= 0 evaluates that rule alone (failsig test); -1 all rules. */
struct eval *eval_new(const struct fsig_ruleset *rs, const struct fsig_job *job,
                      unsigned opts, int only_rule);
void eval_free(struct eval *e);

/* A scan_line_fn: ctx is the struct eval. */
void eval_line(void *ctx, const struct scan_line *ln, const uint32_t *atoms, size_t natoms);
/* Pass to scanner_run as want_all_lines: nonzero while eval needs every line
 * (a `then` is armed, a hit awaits context, explain mode). */
const int *eval_want_all_lines(const struct eval *e);
/* End of log: resolve pending hits and whole-log clauses. */
void eval_finish(struct eval *e);

/* Results, one per rule of the rule set, in rule order; valid until eval_free. */
const struct eval_result *eval_results(const struct eval *e, size_t *n);

/* Glob match with '*' and '?' (no classes), whole string. */
bool eval_glob(const char *glob, const char *s);

#endif
