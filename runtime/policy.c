/* policy.c — the retry decision (see policy.h). */
#include "policy.h"

#include <stdio.h>

enum policy_verdict policy_decide(const struct policy_config *c, const struct fsig_rule *rule,
                                  const struct policy_facts *f, char *why, size_t whylen)
{
	*why = '\0';
	/* Caps first: a job at its limit is not retried even in dry-run, so a
	 * dry run shows what the live service would do. */
	if(f->lineage_total >= (int)c->lineage_cap) {
		snprintf(why, whylen, "lineage cap reached (%d of %u retries)", f->lineage_total,
		         c->lineage_cap);
		return POLICY_LINEAGE_CAP;
	}
	if(f->lineage_by_rule >= (int)rule->retry_max) {
		snprintf(why, whylen, "rule %s used up its retry max %u in this lineage", rule->id,
		         rule->retry_max);
		return POLICY_RULE_CAP;
	}
	if(c->breaker_max > 0 && f->rule_recent >= (int)c->breaker_max) {
		snprintf(why, whylen,
		         "circuit breaker open: rule %s asked for %d retries in the last %u s (limit %u)",
		         rule->id, f->rule_recent, c->breaker_window, c->breaker_max);
		return POLICY_BREAKER;
	}
	return c->dry_run ? POLICY_DRY_RUN : POLICY_RETRY;
}
