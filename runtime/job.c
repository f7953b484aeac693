/* job.c — GitLab job JSON (REST job or Job Hook event) → struct job_info. */
#include "job.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xalloc.h"

static char *str_field(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* First of two spellings that is present (REST vs hook). */
static char *either(json_t *obj, const char *rest, const char *hook)
{
	char *s = str_field(obj, rest);
	return s ? s : str_field(obj, hook);
}

char *job_project_from_url(const char *url)
{
	if(!url)
		return NULL;
	const char *p = strstr(url, "://");
	p = p ? strchr(p + 3, '/') : NULL;
	const char *end = p ? strstr(p, "/-/") : NULL;
	if(!p || !end || end <= p + 1)
		return NULL;
	return xstrndup(p + 1, (size_t)(end - p - 1));
}

static void tags_from(json_t *arr, struct job_info *j)
{
	if(!json_is_array(arr) || j->tags)
		return;
	size_t n = json_array_size(arr);
	j->tags = xcalloc(n ? n : 1, sizeof *j->tags);
	for(size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(arr, i);
		if(json_is_string(t))
			j->tags[j->ntags++] = xstrdup(json_string_value(t));
	}
}

int job_info_parse(const char *text, size_t len, struct job_info *j, char *err, size_t errlen)
{
	memset(j, 0, sizeof *j);
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if(!root) {
		snprintf(err, errlen, "invalid JSON at line %d column %d: %s", je.line, je.column,
		         je.text);
		text_one_line(err); /* jansson quotes the input */
		return -1;
	}
	if(!json_is_object(root)) {
		snprintf(err, errlen, "expected a JSON object (a GitLab job), got %s",
		         json_is_array(root) ? "an array" : "a scalar");
		json_decref(root);
		return -1;
	}
	json_t *id = json_object_get(root, "id");
	if(!json_is_integer(id))
		id = json_object_get(root, "build_id");
	j->id = json_is_integer(id) ? json_integer_value(id) : 0;
	j->name = either(root, "name", "build_name");
	j->stage = either(root, "stage", "build_stage");
	j->status = either(root, "status", "build_status");
	j->failure_reason = either(root, "failure_reason", "build_failure_reason");
	j->web_url = str_field(root, "web_url");
	json_t *runner = json_object_get(root, "runner");
	if(json_is_object(runner)) {
		j->runner = str_field(runner, "description");
		tags_from(json_object_get(runner, "tags"), j);
	}
	tags_from(json_object_get(root, "tag_list"), j);
	json_t *project = json_object_get(root, "project");
	if(json_is_object(project))
		j->project = str_field(project, "path_with_namespace");
	if(!j->project)
		j->project = job_project_from_url(j->web_url);
	json_decref(root);
	if(!j->name && !j->status) {
		snprintf(err, errlen, "not a GitLab job: neither \"name\" nor \"build_name\" nor a status");
		return -1;
	}
	j->job.known = true;
	j->job.name = j->name;
	j->job.stage = j->stage;
	j->job.status = j->status;
	j->job.failure_reason = j->failure_reason;
	j->job.runner = j->runner;
	j->job.project = j->project;
	j->job.tags = (const char *const *)j->tags;
	j->job.ntags = j->ntags;
	return 0;
}

int job_info_load(const char *path, struct job_info *j, char *err, size_t errlen)
{
	memset(j, 0, sizeof *j);
	FILE *f = fopen(path, "rb");
	if(!f) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	char *buf = xmalloc(JOB_MAX_JSON + 1);
	size_t n = fread(buf, 1, JOB_MAX_JSON + 1, f);
	bool bad = ferror(f);
	fclose(f);
	int rc = -1;
	if(bad)
		snprintf(err, errlen, "cannot read '%s'", path);
	else if(n > JOB_MAX_JSON)
		snprintf(err, errlen, "'%s' is larger than %d MiB", path, JOB_MAX_JSON >> 20);
	else
		rc = job_info_parse(buf, n, j, err, errlen);
	free(buf);
	return rc;
}

void job_info_free(struct job_info *j)
{
	free(j->name);
	free(j->stage);
	free(j->status);
	free(j->failure_reason);
	free(j->runner);
	free(j->project);
	free(j->web_url);
	for(size_t i = 0; i < j->ntags; i++)
		free(j->tags[i]);
	free(j->tags);
	memset(j, 0, sizeof *j);
}
