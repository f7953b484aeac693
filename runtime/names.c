/* names.c — how the rule language spells the enum values of ruleset.h.
 *
 * One table per enum, indexed by value with designated initializers, so the
 * compiler's diagnostics, the runtime's output and the docs agree on the
 * words ("failure_reason", "observe") and reordering an enum cannot
 * silently shift a name. */
#include "ruleset.h"

static const char *const field_names[FSIG_FIELD__COUNT] = {
	[FSIG_FIELD_JOB] = "job",
	[FSIG_FIELD_STAGE] = "stage",
	[FSIG_FIELD_PROJECT] = "project",
	[FSIG_FIELD_RUNNER] = "runner",
	[FSIG_FIELD_TAG] = "tag",
	[FSIG_FIELD_FAILURE_REASON] = "failure_reason",
	[FSIG_FIELD_STATUS] = "status",
};

static const char *const action_names[] = {
	[FSIG_ACT_RETRY] = "retry",
	[FSIG_ACT_RECORD] = "record",
	[FSIG_ACT_OBSERVE] = "observe",
};

/* The field's keyword; "?" for a value outside the enum (never NULL, so
 * callers can print it directly). */
const char *fsig_field_name(enum fsig_field f)
{
	if((unsigned)f >= sizeof field_names / sizeof field_names[0] || !field_names[f])
		return "?";
	return field_names[f];
}

/* The action's keyword; "?" for a value outside the enum. */
const char *fsig_action_name(enum fsig_action a)
{
	if((unsigned)a >= sizeof action_names / sizeof action_names[0] || !action_names[a])
		return "?";
	return action_names[a];
}
