/* webhook.h — validation of a GitLab Job Hook request, before it is queued.
 *
 * Pure functions over the request's headers and body, so that the HTTP
 * layer (httpd.c) only moves bytes and every rejection is unit-tested and
 * fuzzed: an event is queued whole or not at all. */
#ifndef FSIG_WEBHOOK_H
#define FSIG_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>

struct webhook_event {
	long long job_id;
	long long project_id;
	char status[32];          /* build_status: created, pending, running, success, failed, ... */
};

/* Constant-time comparison of the X-Gitlab-Token header (NULL when absent)
 * with the configured secret (non-empty): the time taken does not depend on
 * where they differ. */
bool webhook_token_ok(const char *header, const char *secret);

/* Check a Job Hook body. Returns 0 with *ev filled, or the HTTP status to
 * answer (400 malformed, 422 well-formed but not a job event) with a
 * one-line reason in err. */
int webhook_parse(const char *body, size_t len, struct webhook_event *ev, char *err,
                  size_t errlen);

/* Is a build_status one of a finished job (success, failed, canceled)? */
bool webhook_status_finished(const char *status);

#endif
