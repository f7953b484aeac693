/* eval.h — rule logic over atom hits: any-of, then/within, all-of, unless,
 * sections and job filters, in constant memory per rule.
 *
 * The scanner reports which atoms occur on which line (scan.h); eval turns
 * that stream into verdicts per rule. Feed it every line the scanner hands
 * out (eval_line is a scan_line_fn), then call eval_finish.
 *
 * Semantics, where the language reference leaves room:
 *  - match P: a hit on every line where P occurs.
 *  - P then Q within N: a line L with P arms the trigger until L+N; the first
 *    later line L2 in (L, L+N] with Q completes every arming line still open
 *    at once, each a hit at L with line2 = L2. An arming line is reported at
 *    most once (at its first completion) and Q on L itself does not count.
 *  - match all {…} [within N]: the hit is the line that completes the set
 *    (with N: the last occurrence of every pattern is in the last N lines);
 *    after a hit the set starts empty, so hitting again needs a new
 *    occurrence of every pattern.
 *  - Triggers are any-of; two triggers hitting one line make one hit, of the
 *    lower trigger index.
 *  - A suppressed hit names the first unless clause, in rule order, that
 *    matches. `unless … within N` looks at lines [L-N, L+N] around the hit
 *    line L (for `then`: the first line); `same line` at L; `in log`
 *    anywhere, settled by eval_finish (until then hits count provisionally).
 *  - Sections: the hit line (for `then`: the first line) must have an open
 *    section matching a glob. With EVAL_ASSUME_SECTIONS, when no line of the
 *    log has an open section, the filter counts as satisfied (eval asks for
 *    every line until it has seen an open section, so it cannot miss one).
 *  - Job filters (all but `status`) must all hold; with a known job a rule
 *    whose filters fail is not evaluated at all (fired false, no hits). With
 *    no job data, rules with patterns are evaluated as if their filters held
 *    and rules without patterns do not fire. A rule without patterns fires on
 *    a known job whose filters hold, with nhits == 0. A NULL job field fails
 *    a filter on it (and passes its negation).
 *  - `status` never stops a rule; it only sets status_ok. Without job data,
 *    or with a known job whose status is NULL, status_ok is true.
 *  - Line numbers must not decrease; pieces of one long line sharing a line
 *    number count as one line (the first piece's text is kept).
 *
 * Memory is bounded per rule by its `within` numbers (pending hits, open
 * `then` arming lines, at most one per line each) plus the kept hits; it
 * never grows with the length of the log. */
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
	uint64_t unless_line;        /* suppressed: a line that matched the unless pattern
	                                (`in log`: its first occurrence); else 0 */
	struct eval_line_copy *context;  /* explain mode: up to EVAL_CONTEXT lines before and after
	                                    the hit, in order, not the hit line itself (that is `text`);
	                                    fewer when the scanner skipped lines or the log ends */
	size_t ncontext;
};

struct eval_result {
	const struct fsig_rule *rule;
	bool fired;                  /* at least one unsuppressed hit, filters hold, not disabled;
	                                or: no patterns, job known and its filters hold (nhits 0) */
	bool filters_unchecked;      /* fired without job data to check its job filters (status aside) */
	bool status_ok;              /* the job status passes the rule's status filter (default failed);
	                                false: hits are false-positive evidence only */
	uint64_t nhits;              /* unsuppressed hits, all counted */
	struct eval_hit *hits;       /* the first EVAL_MAX_HITS of them */
	size_t nkept;
	uint64_t nsuppressed;        /* suppressed hits, all counted (in every mode) */
	struct eval_hit *suppressed; /* explain mode: the first EVAL_MAX_HITS */
	size_t nsuppressed_kept;
};

struct eval;

/* An evaluator of rule set rs (borrowed) for a job (NULL = unknown; only read
 * here: filters and status are decided once, so job need not outlive the call).
 * only_rule >= 0 evaluates that rule alone (failsig test); -1 all rules.
 * Caller frees with eval_free. */
struct eval *eval_new(const struct fsig_ruleset *rs, const struct fsig_job *job,
                      unsigned opts, int only_rule);
void eval_free(struct eval *e);

/* A scan_line_fn: ctx is the struct eval. */
void eval_line(void *ctx, const struct scan_line *ln, const uint32_t *atoms, size_t natoms);
/* Pass to scanner_run as want_all_lines: nonzero while eval needs every line
 * (explain mode; a `then` with a lazy second pattern is armed; a lazy atom is
 * used by `match`, `all`, `unless … within` or `unless … in log`; under
 * EVAL_ASSUME_SECTIONS until an open section was seen). The pointer stays
 * valid until eval_free. */
const int *eval_want_all_lines(const struct eval *e);
/* End of log: resolve pending hits and whole-log clauses. */
void eval_finish(struct eval *e);

/* Results, one per rule of the rule set, in rule order; valid until eval_free. */
const struct eval_result *eval_results(const struct eval *e, size_t *n);

/* Glob match with '*' and '?' (no classes), whole string. */
bool eval_glob(const char *glob, const char *s);

#endif
