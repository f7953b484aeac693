/* mrnote.c — the merge request note (see mrnote.h). */
#include "mrnote.h"

#include <jansson.h>
#include <stdlib.h>
#include <time.h>

#include "svclog.h"

static const char header[] =
	"<!-- failsig -->\n"
	"**failsig** retried jobs of this merge request that failed for a known reason "
	"outside it (a spurious failure):\n\n";

/* Markdown-safe enough for a job name or rule title: no brackets, no
 * backticks, no line breaks. */
static void add_plain(struct dynbuf *out, const char *s)
{
	for(; *s; s++) {
		char ch = *s;
		if(ch == '[' || ch == ']' || ch == '`' || ch == '\n' || ch == '\r' || ch == '<')
			ch = ' ';
		dynbuf_add(out, &ch, 1);
	}
}

void mrnote_line(struct dynbuf *out, const struct store_brief *b, long long job_id,
                 long long new_job_id, const struct fsig_rule *rule)
{
	dynbuf_adds(out, "- job ");
	if(b->web_url[0]) {
		dynbuf_adds(out, "[");
		add_plain(out, b->name[0] ? b->name : "job");
		dynbuf_printf(out, " #%lld](%s)", job_id, b->web_url);
	} else {
		add_plain(out, b->name);
		dynbuf_printf(out, " #%lld", job_id);
	}
	dynbuf_printf(out, " matched `%s` (", rule->id);
	add_plain(out, rule->title);
	dynbuf_adds(out, ")");
	if(b->first_line)
		dynbuf_printf(out, " on line %lld", b->first_line);
	for(uint32_t i = 0; i < rule->ntickets; i++) {
		dynbuf_adds(out, i ? ", " : "; ticket ");
		add_plain(out, rule->tickets[i]);
	}
	dynbuf_printf(out, "; retried as job #%lld\n", new_job_id);
}

static long long note_id_of(const struct dynbuf *body)
{
	json_t *doc = json_loadb(body->ptr ? body->ptr : "", body->len, 0, NULL);
	json_t *id = json_object_get(doc, "id");
	long long v = json_is_integer(id) ? json_integer_value(id) : 0;
	json_decref(doc);
	return v;
}

void mrnote_post(struct store *st, struct gitlab *gl, long long job_id, long long new_job_id,
                 const struct fsig_rule *rule)
{
	struct store_brief b;
	if(store_job_brief(st, job_id, rule->id, &b) <= 0 || b.mr_iid == 0)
		return;
	long long note_id;
	char *old;
	if(store_mr_note_get(st, b.project_id, b.mr_iid, &note_id, &old) < 0) {
		svc_log("job %lld: merge request note: %s", job_id, store_error(st));
		return;
	}
	struct dynbuf text, answer;
	dynbuf_init(&text, 1 << 20);
	dynbuf_init(&answer, 1 << 20);
	dynbuf_adds(&text, old ? old : header);
	mrnote_line(&text, &b, job_id, new_job_id, rule);
	struct gitlab_result r;
	if(note_id)
		gitlab_update_mr_note(gl, b.project_id, b.mr_iid, note_id, text.ptr, &answer, &r);
	if(note_id && r.outcome == GITLAB_NOT_FOUND) {
		/* Someone deleted the note: start a new one. */
		note_id = 0;
		dynbuf_reset(&text);
		dynbuf_adds(&text, header);
		mrnote_line(&text, &b, job_id, new_job_id, rule);
	}
	if(!note_id)
		gitlab_create_mr_note(gl, b.project_id, b.mr_iid, text.ptr, &answer, &r);
	if(r.outcome == GITLAB_OK) {
		if(!note_id)
			note_id = note_id_of(&answer);
		if(note_id && store_mr_note_put(st, b.project_id, b.mr_iid, note_id, text.ptr,
		                                (long long)time(NULL)) < 0)
			svc_log("job %lld: merge request note: %s", job_id, store_error(st));
		else
			svc_log("job %lld: noted on merge request !%lld", job_id, b.mr_iid);
	} else {
		svc_log("job %lld: merge request note not posted: %s", job_id, r.err);
	}
	free(old);
	dynbuf_free(&text);
	dynbuf_free(&answer);
}
