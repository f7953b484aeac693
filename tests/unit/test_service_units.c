/* test_service_units.c — the retry policy (runtime/policy.c), the webhook
 * checks (runtime/webhook.c) and the store's queue and retry bookkeeping
 * (runtime/store.c, on a real sqlite file). */
#include "policy.h"
#include "store.h"
#include "unit.h"
#include "webhook.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

static const struct fsig_rule docker = { .id = "docker", .title = "Docker", .action = FSIG_ACT_RETRY,
                                         .retry_max = 2 };

static void test_policy(void)
{
	struct policy_config c = { .lineage_cap = 3, .breaker_max = 5, .breaker_window = 3600 };
	char why[256];
	struct policy_facts f = { 0, 0, 0 };
	CHECK(policy_decide(&c, &docker, &f, why, sizeof why) == POLICY_RETRY && !why[0],
	      "policy: first retry allowed");
	f = (struct policy_facts){ 1, 1, 4 };
	CHECK(policy_decide(&c, &docker, &f, why, sizeof why) == POLICY_RETRY,
	      "policy: below every cap");
	f = (struct policy_facts){ 2, 2, 0 };
	CHECK(policy_decide(&c, &docker, &f, why, sizeof why) == POLICY_RULE_CAP,
	      "policy: retry max 2 used up in the lineage");
	CHECK_STR(why, "rule docker used up its retry max 2 in this lineage", "policy: rule cap says why");
	f = (struct policy_facts){ 3, 0, 0 };
	CHECK(policy_decide(&c, &docker, &f, why, sizeof why) == POLICY_LINEAGE_CAP,
	      "policy: lineage cap counts every rule");
	f = (struct policy_facts){ 0, 0, 5 };
	CHECK(policy_decide(&c, &docker, &f, why, sizeof why) == POLICY_BREAKER,
	      "policy: breaker opens at breaker_max retries in the window");
	CHECK(strstr(why, "circuit breaker open") != NULL, "policy: breaker says why");
	c.breaker_max = 0;
	CHECK(policy_decide(&c, &docker, &f, why, sizeof why) == POLICY_RETRY,
	      "policy: breaker 0 is off");
	c.dry_run = true;
	f = (struct policy_facts){ 0, 0, 0 };
	CHECK(policy_decide(&c, &docker, &f, why, sizeof why) == POLICY_DRY_RUN, "policy: dry run");
	f = (struct policy_facts){ 3, 0, 0 };
	CHECK(policy_decide(&c, &docker, &f, why, sizeof why) == POLICY_LINEAGE_CAP,
	      "policy: dry run still honours caps (shows what live would do)");
}

static int parse(const char *body, struct webhook_event *ev, char *err)
{
	return webhook_parse(body, strlen(body), ev, err, 256);
}

static void test_webhook(void)
{
	CHECK(webhook_token_ok("s3cret", "s3cret"), "token: equal");
	CHECK(!webhook_token_ok("s3cres", "s3cret"), "token: last byte differs");
	CHECK(!webhook_token_ok("s3cret2", "s3cret"), "token: longer");
	CHECK(!webhook_token_ok("s3cre", "s3cret"), "token: prefix");
	CHECK(!webhook_token_ok("", "s3cret"), "token: empty");
	CHECK(!webhook_token_ok(NULL, "s3cret"), "token: missing header");
	CHECK(!webhook_token_ok("x", ""), "token: empty secret never matches");

	struct webhook_event ev;
	char err[256];
	CHECK(parse("{\"object_kind\":\"build\",\"build_id\":42,\"project_id\":7,"
	            "\"build_status\":\"failed\"}", &ev, err) == 0 &&
	      ev.job_id == 42 && ev.project_id == 7 && strcmp(ev.status, "failed") == 0,
	      "webhook: a job event");
	CHECK(parse("{\"object_kind\":\"pipeline\"}", &ev, err) == 422 && strstr(err, "pipeline"),
	      "webhook: another kind is 422 and named");
	CHECK(parse("{\"object_kind\":\"build\",\"build_id\":\"42\",\"project_id\":7,"
	            "\"build_status\":\"failed\"}", &ev, err) == 400 &&
	      strstr(err, "\"build_id\" must be a positive integer, got a string"),
	      "webhook: wrong type of build_id");
	CHECK(parse("{\"object_kind\":\"build\",\"build_id\":1,\"project_id\":-3,"
	            "\"build_status\":\"failed\"}", &ev, err) == 400, "webhook: negative project id");
	CHECK(parse("{\"object_kind\":\"build\",\"build_id\":1,\"project_id\":3,"
	            "\"build_status\":\"fa\\niled\"}", &ev, err) == 400, "webhook: odd status");
	CHECK(parse("{\"object_kind\":\"build\",\"build_id\":1,\"project_id\":3}", &ev, err) == 400 &&
	      strstr(err, "build_status"), "webhook: missing status");
	CHECK(parse("{\"object_kind\":\"build\",\"build_id\":1,\"build_id\":2,\"project_id\":3,"
	            "\"build_status\":\"failed\"}", &ev, err) == 400, "webhook: duplicate keys refused");
	CHECK(parse("{\"object_kind\":\"bu", &ev, err) == 400 && strstr(err, "invalid JSON"),
	      "webhook: truncated body");
	CHECK(parse("[1,2]", &ev, err) == 400 && strstr(err, "got an array"), "webhook: an array");
	char deep[20001];
	memset(deep, '[', 10000);
	memset(deep + 10000, ']', 10000);
	deep[20000] = '\0';
	CHECK(parse(deep, &ev, err) == 400, "webhook: 10000 nested arrays refused");
	CHECK(parse("{\"object_kind\":\"\x1b[31mx\"}", &ev, err) >= 400 && !strchr(err, '\x1b'),
	      "webhook: error messages hold no control bytes");
	CHECK(webhook_status_finished("failed") && webhook_status_finished("success") &&
	      webhook_status_finished("canceled") && !webhook_status_finished("running"),
	      "webhook: finished statuses");
}

static void test_store(void)
{
	char path[] = "/tmp/failsig-unit-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	char err[256];
	struct store *st = store_open(path, err, sizeof err);
	CHECK(st != NULL, "store: open and migrate a new file (%s)", st ? "" : err);
	if(!st)
		return;
	long long id1, id2, id3;
	bool dup;
	CHECK(store_event_add(st, 10, 1, "failed", "{}", 2, 100, &id1, &dup) == 0 && !dup,
	      "store: event queued");
	CHECK(store_event_add(st, 10, 1, "failed", "{}", 2, 101, &id2, &dup) == 0 && dup && id2 == id1,
	      "store: redelivery while queued is a duplicate");
	CHECK(store_event_add(st, 10, 1, "running", "{}", 2, 101, &id3, &dup) == 0 && !dup &&
	      id3 != id1, "store: another status of the job is another event");
	CHECK(store_queue_depth(st) == 2, "store: queue depth 2");
	struct store_event ev;
	CHECK(store_event_claim(st, 200, &ev) == 1 && ev.id == id1 && ev.job_id == 10 &&
	      strcmp(ev.status, "failed") == 0, "store: claim the oldest");
	CHECK(store_event_requeue(st, ev.id, 500, "HTTP 500") == 0, "store: requeue");
	CHECK(store_event_claim(st, 200, &ev) == 1 && ev.id == id3, "store: requeued one not yet due");
	CHECK(store_event_claim(st, 200, &ev) == 0, "store: nothing else due");
	CHECK(store_event_recover(st) == 1, "store: an event left in work is recovered");
	CHECK(store_event_claim(st, 600, &ev) == 1 && ev.id == id3 &&
	      store_event_finish(st, ev.id, EVENT_SKIPPED, "running", 600) == 0,
	      "store: the recovered event is due at once");
	CHECK(store_event_claim(st, 600, &ev) == 1 && ev.id == id1 && ev.attempts == 1,
	      "store: the requeued event comes back with its attempt count");
	CHECK(store_event_finish(st, ev.id, EVENT_DONE, "scanned", 601) == 0, "store: finish");
	CHECK(store_event_add(st, 10, 1, "failed", "{}", 2, 700, &id2, &dup) == 0 && !dup,
	      "store: redelivery after done is queued again (the retry table stops doubles)");

	struct store_retry r = { .job_id = 10, .project_id = 1, .root_job_id = 10, .attempt = 1,
	                         .rule = "docker", .state = RETRY_SCHEDULED, .due_at = 800 };
	long long rid;
	CHECK(store_retry_add(st, &r, NULL, 700, &rid) == 1, "store: retry decided");
	CHECK(store_retry_add(st, &r, NULL, 700, &rid) == 0, "store: a second decision for the job is refused");
	CHECK(store_retry_exists(st, 10) == 1 && store_retry_exists(st, 11) == 0, "store: retry exists");
	struct store_retry got;
	CHECK(store_retry_claim_due(st, 799, &got) == 0, "store: retry not due before due_at");
	CHECK(store_retries_scheduled(st) == 1 && store_retry_next_due(st) == 800,
	      "store: one scheduled, due at 800");
	CHECK(store_retry_claim_due(st, 800, &got) == 1 && got.job_id == 10 &&
	      strcmp(got.rule, "docker") == 0, "store: claim the due retry");
	CHECK(store_retry_recover(st, 900) == 1, "store: a retry in flight at a crash becomes unknown");
	CHECK(store_retry_claim_due(st, 10000, &got) == 0, "store: ... and is never asked again");
	long long root;
	int total, by_rule;
	CHECK(store_lineage(st, 10, "docker", &root, &total, &by_rule) == 0 && root == 10 &&
	      total == 1 && by_rule == 1, "store: unknown counts against the lineage");

	/* Lineage: 20 retried as 21, 21 retried as 22. */
	struct store_retry a = { .job_id = 20, .project_id = 1, .root_job_id = 20, .attempt = 1,
	                         .rule = "docker", .state = RETRY_SCHEDULED, .due_at = 0 };
	store_retry_add(st, &a, NULL, 1000, &rid);
	store_retry_claim_due(st, 1000, &got);
	CHECK(store_retry_done(st, got.id, 21, 1001) == 0, "store: retry done");
	CHECK(store_lineage(st, 21, "oom", &root, &total, &by_rule) == 0 && root == 20 && total == 1 &&
	      by_rule == 0, "store: job 21's lineage starts at 20; no oom retry yet");
	struct store_retry b = { .job_id = 21, .project_id = 1, .root_job_id = 20, .attempt = 2,
	                         .rule = "oom", .state = RETRY_SCHEDULED, .due_at = 0 };
	store_retry_add(st, &b, NULL, 1002, &rid);
	store_retry_claim_due(st, 1002, &got);
	store_retry_done(st, got.id, 22, 1003);
	CHECK(store_lineage(st, 22, "docker", &root, &total, &by_rule) == 0 && root == 20 &&
	      total == 2 && by_rule == 1, "store: a chain of three jobs is one lineage");
	struct store_retry c = { .job_id = 30, .project_id = 1, .root_job_id = 30, .attempt = 1,
	                         .rule = "docker", .state = RETRY_DRY_RUN };
	store_retry_add(st, &c, NULL, 1004, &rid);
	struct store_retry d = { .job_id = 31, .project_id = 1, .root_job_id = 31, .attempt = 1,
	                         .rule = "docker", .state = RETRY_REFUSED };
	store_retry_add(st, &d, "cap", 1004, &rid);
	CHECK(store_rule_retries_since(st, "docker", 1000) == 2,
	      "store: breaker counts done and dry-run retries since, not refusals");
	CHECK(store_rule_retries_since(st, "docker", 0) == 3, "store: ... and the window matters");
	store_retry_add(st, &(struct store_retry){ .job_id = 40, .project_id = 1, .root_job_id = 40,
	                                          .attempt = 1, .rule = "x", .state = RETRY_SCHEDULED },
	                NULL, 1, &rid);
	store_retry_claim_due(st, 5, &got);
	CHECK(store_retry_reschedule(st, got.id, 50, "HTTP 503") == 0 &&
	      store_retry_claim_due(st, 49, &got) == 0 && store_retry_claim_due(st, 50, &got) == 1 &&
	      got.calls == 1, "store: a rescheduled retry waits and counts the failed call");
	/* Every column of a recorded job reads back as written. */
	static const char jobtext[] =
		"{\"id\": 77, \"name\": \"build\", \"stage\": \"test\", \"status\": \"failed\","
		" \"failure_reason\": \"script_failure\", \"ref\": \"refs/merge-requests/5/head\","
		" \"created_at\": \"c\", \"started_at\": \"s\", \"finished_at\": \"f\", \"duration\": 1.5,"
		" \"web_url\": \"https://h/g/p/-/jobs/77\", \"pipeline\": {\"id\": 9},"
		" \"runner\": {\"id\": 4, \"description\": \"r1\"}, \"tag_list\": [\"a\", \"b\"]}";
	struct store_job job;
	void *doc;
	CHECK(store_job_parse(jobtext, sizeof jobtext - 1, 3, &job, &doc, err, sizeof err) == 0,
	      "store: parse a REST job");
	CHECK(store_record_scan(st, &job, 123, true, "hash", NULL, 0, 5000) == 0, "store: record a job");
	sqlite3_stmt *q;
	sqlite3_prepare_v2(store_sqlite(st),
	                   "SELECT id || '|' || project_id || '|' || project || '|' || name || '|' || stage"
	                   " || '|' || status || '|' || failure_reason || '|' || runner_id || '|' || runner"
	                   " || '|' || runner_tags || '|' || pipeline_id || '|' || ref || '|' || mr_iid"
	                   " || '|' || created_at || '|' || started_at || '|' || finished_at || '|' ||"
	                   " duration || '|' || web_url || '|' || trace_bytes || '|' || trace_truncated"
	                   " || '|' || ruleset || '|' || scanned_at FROM jobs WHERE id = 77",
	                   -1, &q, NULL);
	const char *row = sqlite3_step(q) == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
	CHECK_STR(row, "77|3|g/p|build|test|failed|script_failure|4|r1|[\"a\",\"b\"]|9|"
	               "refs/merge-requests/5/head|5|c|s|f|1.5|https://h/g/p/-/jobs/77|123|1|hash|5000",
	          "store: every job column reads back");
	sqlite3_finalize(q);
	json_decref(doc);
	store_close(st);

	st = store_open(path, err, sizeof err);
	CHECK(st && store_retry_exists(st, 20) == 1, "store: reopened, the data is there");
	store_close(st);
	unlink(path);
	char wal[64];
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);

	st = store_open("/nonexistent-dir/x.db", err, sizeof err);
	CHECK(!st && strstr(err, "/nonexistent-dir/x.db"), "store: an unopenable path is named (%s)", err);
}

int main(void)
{
	test_policy();
	test_webhook();
	test_store();
	return unit_done();
}
