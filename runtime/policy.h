/* policy.h — whether a failed job that a retry rule matched is retried.
 *
 * A pure decision over counts the caller reads from the store, so that every
 * branch is unit-tested without a database or a GitLab: the lineage cap (all
 * rules together), the rule's own `retry max N` within the lineage, the
 * circuit breaker (a rule that asked for too many retries lately is stopped:
 * a broken runner fleet must not become a retry storm) and dry-run. */
#ifndef FSIG_POLICY_H
#define FSIG_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "ruleset.h"

struct policy_config {
	unsigned lineage_cap;     /* retries per job lineage, all rules together */
	unsigned breaker_max;     /* a rule with this many retries within breaker_window
	                             seconds gets no more (0: no breaker) */
	unsigned breaker_window;
	bool dry_run;             /* record the decision, never call GitLab */
};

/* What the store says about the job's lineage and the rule. */
struct policy_facts {
	int lineage_total;        /* retries so far in the lineage, any rule */
	int lineage_by_rule;      /* ... of them for this rule */
	int rule_recent;          /* retries of this rule within the breaker window */
};

enum policy_verdict {
	POLICY_RETRY,             /* retry (at once, or after rule->retry_after) */
	POLICY_DRY_RUN,           /* would retry; dry-run mode */
	POLICY_LINEAGE_CAP,       /* the lineage had lineage_cap retries */
	POLICY_RULE_CAP,          /* the rule's `retry max N` is used up in this lineage */
	POLICY_BREAKER,           /* the rule's circuit breaker is open */
};

/* Decide for one retry rule; why gets a one-line explanation of a refusal
 * (or "" for a retry). */
enum policy_verdict policy_decide(const struct policy_config *c, const struct fsig_rule *rule,
                                  const struct policy_facts *f, char *why, size_t whylen);

#endif
