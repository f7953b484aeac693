/* webhook.c — Job Hook checks (see webhook.h). */
#include "webhook.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

bool webhook_token_ok(const char *header, const char *secret)
{
	size_t m = strlen(secret);
	if(!header || m == 0)
		return false;
	size_t n = strlen(header);
	/* Walk the whole header whatever it holds, comparing with the secret
	 * cyclically; the lengths enter the result, not the loop's exit. */
	unsigned char diff = (unsigned char)(n != m);
	for(size_t i = 0; i < n; i++)
		diff |= (unsigned char)header[i] ^ (unsigned char)secret[i % m];
	return diff == 0;
}

static const char *kind_of(json_t *v)
{
	switch(json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* A positive integer field; 0 and a reason in err otherwise. */
static long long id_field(json_t *root, const char *key, char *err, size_t errlen)
{
	json_t *v = json_object_get(root, key);
	if(!v) {
		snprintf(err, errlen, "missing \"%s\"", key);
		return 0;
	}
	if(!json_is_integer(v) || json_integer_value(v) <= 0) {
		snprintf(err, errlen, "\"%s\" must be a positive integer, got %s", key, kind_of(v));
		return 0;
	}
	return json_integer_value(v);
}

int webhook_parse(const char *body, size_t len, struct webhook_event *ev, char *err,
                  size_t errlen)
{
	memset(ev, 0, sizeof *ev);
	json_error_t je;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if(!root) {
		snprintf(err, errlen, "invalid JSON at line %d column %d: %s", je.line, je.column,
		         je.text);
		text_one_line(err); /* jansson quotes the input */
		return 400;
	}
	int rc = 400;
	if(!json_is_object(root)) {
		snprintf(err, errlen, "expected a JSON object, got %s", kind_of(root));
		goto out;
	}
	json_t *kind = json_object_get(root, "object_kind");
	if(!json_is_string(kind)) {
		snprintf(err, errlen, "missing \"object_kind\" (not a GitLab event)");
		goto out;
	}
	if(strcmp(json_string_value(kind), "build") != 0) {
		snprintf(err, errlen, "not a Job Hook event: object_kind is \"%.40s\", expected \"build\"",
		         json_string_value(kind));
		text_one_line(err);
		rc = 422;
		goto out;
	}
	if(!(ev->job_id = id_field(root, "build_id", err, errlen)) ||
	   !(ev->project_id = id_field(root, "project_id", err, errlen)))
		goto out;
	json_t *status = json_object_get(root, "build_status");
	const char *s = json_string_value(status);
	if(!s) {
		snprintf(err, errlen, "\"build_status\" must be a string, got %s",
		         status ? kind_of(status) : "nothing");
		goto out;
	}
	size_t n = strlen(s);
	if(n == 0 || n >= sizeof ev->status || strspn(s, "abcdefghijklmnopqrstuvwxyz_") != n) {
		snprintf(err, errlen, "\"build_status\" is not a job status");
		goto out;
	}
	memcpy(ev->status, s, n + 1);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

bool webhook_status_finished(const char *status)
{
	return strcmp(status, "success") == 0 || strcmp(status, "failed") == 0 ||
	       strcmp(status, "canceled") == 0;
}
