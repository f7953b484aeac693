/* mrnote.h — tell the contributor: one note per merge request, saying which
 * of its jobs failsig retried, which rule matched on which line, and the
 * rule's ticket. Created on the first retry, updated (one line added) on
 * each later one. Optional (serve --mr-notes); failures are logged and
 * never stop the retry itself. */
#ifndef FSIG_MRNOTE_H
#define FSIG_MRNOTE_H

#include "gitlab.h"
#include "ruleset.h"
#include "store.h"

/* Job job_id (of a merge request pipeline, else nothing happens) was
 * retried as new_job_id because of rule. */
void mrnote_post(struct store *st, struct gitlab *gl, long long job_id, long long new_job_id,
                 const struct fsig_rule *rule);

/* The line added for one retry (markdown), into out. */
void mrnote_line(struct dynbuf *out, const struct store_brief *b, long long job_id,
                 long long new_job_id, const struct fsig_rule *rule);

#endif
