/* dashpage.h — the dashboard's HTML pages, rendered on the server from the
 * answers of dashapi.h: inline CSS, charts as inline SVG (svg.h), no
 * JavaScript and no external resource. Every value is escaped (webesc.h).
 *
 *   /            overview: matches per day and rule, top jobs, runners, tags
 *                and projects, retry outcomes, recent decisions, unmatched
 *                failures, a search box
 *   /rule/ID     one rule: hits per day, runners, example lines, jobs
 *   /job/ID      one job: details, matches with the log lines around each
 *                hit, its retry lineage
 *   /search?q=   full-text search of the stored log lines
 *
 * Each function writes a whole page to out (the page of the error when
 * something failed) and returns the HTTP status to answer with. */
#ifndef FSIG_DASHPAGE_H
#define FSIG_DASHPAGE_H

#include "dashapi.h"
#include "dynbuf.h"

unsigned dashpage_overview(struct dashapi *a, const struct dashapi_params *p, struct dynbuf *out);
unsigned dashpage_rule(struct dashapi *a, const struct dashapi_params *p, struct dynbuf *out);
unsigned dashpage_job(struct dashapi *a, long long id, struct dynbuf *out);
unsigned dashpage_search(struct dashapi *a, const struct dashapi_params *p, struct dynbuf *out);

/* The page of a failure: status, a title and the one-line message. */
void dashpage_error(struct dynbuf *out, const struct fsig_ruleset *rs, unsigned status,
                    const char *message);

#endif
