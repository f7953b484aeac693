#!/bin/sh
# serve.sh BUILD — end-to-end tests of `failsig serve`: the real service,
# built from tests/fixtures/service/service.rules, against the fake GitLab
# (tests/tools/fakegitlab.c) on 127.0.0.1, fed real webhook requests with
# curl. Assertions read the service's sqlite database, its log and the
# fake's record of every request it received.
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/service.sh"
service_setup

# -- refusing to start
usage() {  # DESCRIPTION PATTERN ARGS...: exit 2 with PATTERN on stderr
	d=$1 pat=$2
	shift 2
	GITLAB_URL=$glurl "$bin" serve --port-file "$tmp/never" "$@" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$pat" "$tmp/out" && [ ! -e "$tmp/never" ]; then
		ok "$d"
	else
		nok "$d" "exit $rc" "$(head -n 3 "$tmp/out")"
	fi
}
usage "no webhook secret: refuses to start" "set FAILSIG_WEBHOOK_SECRET" --db "$tmp/x.db"
usage "bad --listen" "is not ADDR:PORT" --no-secret --listen nowhere --db "$tmp/x.db"
usage "unopenable database" "cannot open database '/nonexistent/x.db'" --no-secret --db /nonexistent/x.db
usage "bad --breaker" "--breaker takes N/DURATION" --no-secret --breaker 3/soon
usage "unknown option" "unknown argument '--retry-everything'" --no-secret --retry-everything
check "serve --help answers" sh -c "'$bin' serve --help | grep -q 'GITLAB_TOKEN'"

start_serve

# -- the endpoint
check "GET /healthz answers 200" sh -c "curl -s -f '$url/healthz' | grep -q '\"ok\"'"
event 1 failed >"$tmp/e1.json"
code=$(curl -s -o "$tmp/answer" -w '%{http_code}' -H 'Content-Type: application/json' \
	-H 'X-Gitlab-Event: Job Hook' --data-binary "@$tmp/e1.json" "$url/hooks/gitlab")
answered "missing token: 401 with a JSON error" 401 '"error":"missing or wrong X-Gitlab-Token"'
code=$(token=hook-secreT hook "$tmp/e1.json")
answered "wrong token: 401" 401 'X-Gitlab-Token'
code=$(hook "$tmp/e1.json" -H "X-Gitlab-Token: other")
answered "two X-Gitlab-Token headers: 401" 401 'X-Gitlab-Token'
code=$(ctype=text/plain hook "$tmp/e1.json")
answered "wrong content type: 415" 415 'application/json'
printf 'this is not json' >"$tmp/bad.json"
code=$(hook "$tmp/bad.json")
answered "not JSON: 400 saying where" 400 'invalid JSON at line 1 column 4'
head -c 200 "$tmp/e1.json" >"$tmp/trunc.json"
code=$(hook "$tmp/trunc.json")
answered "truncated body: 400" 400 'invalid JSON'
sed 's/"build_id": 1,/"build_id": "1",/' "$tmp/e1.json" >"$tmp/types.json"
code=$(hook "$tmp/types.json")
answered "wrong type: 400 naming the field" 400 'build_id\\" must be a positive integer, got a string'
awk 'BEGIN { for(i = 0; i < 100000; i++) printf "["; for(i = 0; i < 100000; i++) printf "]" }' >"$tmp/deep.json"
code=$(hook "$tmp/deep.json")
answered "100000 nested arrays: 400" 400 'invalid JSON'
head -c 3000000 /dev/zero | tr '\0' ' ' >"$tmp/huge.json"
code=$(hook "$tmp/huge.json")
answered "3 MB body: 413" 413 'larger than 1048576 bytes'
code=$(hook "$tmp/huge.json" -H 'Transfer-Encoding: chunked')
answered "3 MB chunked body (no length): 413" 413 'larger than'
sed 's/"object_kind": "build"/"object_kind": "pipeline"/' "$tmp/e1.json" >"$tmp/kind.json"
code=$(hook "$tmp/kind.json")
answered "a pipeline event: 422" 422 'not a Job Hook event'
code=$(curl -s -o "$tmp/answer" -w '%{http_code}' "$url/hooks/gitlab")
answered "GET /hooks/gitlab: 405" 405 'method not allowed'
eq "rejected requests queue nothing" "select count(*) from events" 0 1

# -- a spurious failure is retried once, however often it is delivered
add_job 101 failed 'Running with gitlab-runner\nERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n'
send 101 failed
answered "a job event: 200 queued" 200 '"status":"queued"'
eq "spurious job 101: retry done" "select state, rule, attempt from retries where job_id = 101" "2|docker|1"
eq "spurious job 101: match recorded with its line" \
	"select rule, first_line, hits from matches where job_id = 101" "docker|2|1"
nreq "spurious job 101: one POST retry" POST /api/v4/projects/1/jobs/101/retry 1
send 101 failed
send 101 failed
eq "redeliveries are processed" "select count(*) from events where job_id = 101 and state = 2" 3
nreq "redeliveries: still one POST retry" POST /api/v4/projects/1/jobs/101/retry 1
eq "the trace is stored and its lines indexed (FTS5)" \
	"select l.job_id, l.line from log_fts f join log_lines l on l.id = f.rowid where log_fts match '\"docker daemon\"' and l.job_id = 101" "101|2"
eq "stored raw bytes are the trace" "select sum(length(data)) from traces where job_id = 101" "$(wc -c <"$gl/traces/101.log" | tr -d ' ')"
check "the log says what was decided" grep -q "job 101 failed: matched docker (line 2); retrying (1 of 3, rule docker)" "$tmp/serve.log"
check "the log says which job the retry became" grep -Eq "job 101: retried as job [0-9]+ \(1 of 3, rule docker\)" "$tmp/serve.log"

# -- not retried: genuine failure, success, unfinished, record-only
add_job 102 failed 'make: *** [all] Error 1\nERROR: Job failed: exit code 2\n'
send 102 failed
add_job 103 success 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\nJob succeeded\n'
send 103 success
add_job 104 running 'still going\n'
send 104 running
add_job 105 failed 'kernel: test-oom: Killed process 99 (ghc)\n'
send 105 failed
eq "genuine failure 102: scanned, no match" \
	"select count(*) from jobs j where id = 102 and not exists (select 1 from matches where job_id = 102)" 1
eq "success 103: the hit is recorded as false-positive evidence" \
	"select rule, job_status, status_ok from matches where job_id = 103" "docker|success|0"
eq "running job 104: event skipped" "select state, result from events where job_id = 104" "4|job not finished (running)"
eq "record rule on 105: match recorded" "select rule, action from matches where job_id = 105" "oom|record"
eq "no retry for 102, 103, 104, 105" "select count(*) from retries where job_id between 102 and 105" 0
nreq "job 104 (running) was never fetched" GET /api/v4/projects/1/jobs/104 0
for j in 102 103 105; do
	nreq "no POST retry for job $j" POST /api/v4/projects/1/jobs/$j/retry 0
done

# -- lineage: 101 → R1 → R2 → R3; the lineage cap is 3
r1=$(sq "select new_job_id from retries where job_id = 101")
set_status "$r1" failed
cp "$gl/traces/101.log" "$gl/traces/$r1.log"
send "$r1" failed
eq "retry of a retry: attempt 2 of the lineage rooted at 101" \
	"select root_job_id, attempt, state from retries where job_id = $r1" "101|2|2"
r2=$(sq "select new_job_id from retries where job_id = $r1")
set_status "$r2" failed
cp "$gl/traces/101.log" "$gl/traces/$r2.log"
send "$r2" failed
eq "third retry of the lineage" "select attempt, state from retries where job_id = $r2" "3|2"
r3=$(sq "select new_job_id from retries where job_id = $r2")
set_status "$r3" failed
cp "$gl/traces/101.log" "$gl/traces/$r3.log"
send "$r3" failed
eq "fourth failure of the lineage: refused by the lineage cap" \
	"select state, reason from retries where job_id = $r3" "6|lineage cap reached (3 of 3 retries)"
nreq "no POST retry for the capped job" POST "/api/v4/projects/1/jobs/$r3/retry" 0
check "the log says why not" grep -q "job $r3 failed: matched docker (line 2); not retried: lineage cap reached" "$tmp/serve.log"

# -- the rule's own cap: registry allows one retry (after 3 s, tested below)
# -- failure_reason alone, trace expired (404): runner_system still decides
add_job 110 failed - test-x86_64 runner_system_failure
send 110 failed
eq "no trace (404) but failure_reason: recorded and retried" \
	"select j.trace_bytes is null, r.rule, r.state from jobs j join retries r on r.job_id = j.id where j.id = 110" "1|runner_system|2"

# -- the job is gone (404): recorded, not tried again
send 120 failed
eq "404 job: event failed with the reason" "select state, result from events where job_id = 120" \
	"3|fetching the job: not found (404): deleted or expired"
sleep 1.5
nreq "404 job: asked once" GET /api/v4/projects/1/jobs/120 1

# -- GitLab failing: 500 twice, then fine
add_job 130 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
fault '{"path":"/api/v4/projects/1/jobs/130","method":"GET","status":500,"count":2}'
send 130 failed
eq "two 500s then OK: the job is retried" "select state from retries where job_id = 130" 2 30
nreq "two 500s then OK: three GETs of the job" GET /api/v4/projects/1/jobs/130 3
check "the log says GitLab was unavailable" grep -q "job 130: GitLab unavailable (GET /api/v4/projects/1/jobs/130: HTTP 500); trying again" "$tmp/serve.log"

# -- GitLab down (connection refused), then back on the same port
add_job 135 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
kill -TERM "$fpid"
wait "$fpid"
send 135 failed
check "GitLab down: the event waits" wait_for 20 grep -q "job 135: GitLab unavailable (GET /api/v4/projects/1/jobs/135: " "$tmp/serve.log"
start_fake "$glport"
eq "GitLab back: the job is retried" "select state from retries where job_id = 135" 2 30
nreq "GitLab back: one POST retry" POST /api/v4/projects/1/jobs/135/retry 1

# -- 429 with Retry-After on the retry call, dropped connections on the trace
# (eight times: libcurl itself sends a GET again when a reused connection
# closed without an answer, so how many of the drops failsig sees varies)
add_job 131 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
fault '{"path":"/api/v4/projects/1/jobs/131/trace","drop":true,"count":8}'
fault '{"path":"/api/v4/projects/1/jobs/131/retry","status":429,"retry_after":"2","count":1}'
t0=$(date +%s)
send 131 failed
eq "dropped trace and 429: retried in the end" "select state, calls from retries where job_id = 131" "2|1" 30
t1=$(date +%s)
check "Retry-After: 2 was honoured (>= 2 s between the calls)" [ $((t1 - t0)) -ge 2 ]
check "Retry-After: 2 was honoured: the retry was asked again after 2.0 s (without it: under 1 s)" \
	grep -q "job 131: retry not accepted yet (.*429.*); asking again in 2.0 s" "$tmp/serve.log"
nreq "429 then OK: two POSTs, one retry created" POST /api/v4/projects/1/jobs/131/retry 2
check "the log says the trace had no answer" grep -q "job 131: GitLab unavailable (GET /api/v4/projects/1/jobs/131/trace: " "$tmp/serve.log"

# -- GitLab slower than --timeout 3s: the request is abandoned and asked again
add_job 132 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
fault '{"path":"/api/v4/projects/1/jobs/132","method":"GET","delay_ms":5000,"count":1}'
send 132 failed
eq "GitLab timing out: the job is retried in the end" "select state from retries where job_id = 132" 2 30
check "the log says the request timed out" \
	grep -Eq "job 132: GitLab unavailable \(GET /api/v4/projects/1/jobs/132: .*[Tt]ime(d)? ?out" "$tmp/serve.log"

# -- an observe rule: recorded, never retried
add_job 133 failed 'test-observe: the clock jumped\n'
send 133 failed
eq "observe: the match is recorded with its action" "select rule, action from matches where job_id = 133" "clock_jump|observe"
eq "observe: no retry" "select count(*) from retries where job_id = 133" 0
nreq "observe: no POST" POST /api/v4/projects/1/jobs/133/retry 0

# -- metrics
curl -s "$url/metrics" >"$tmp/metrics"
events=$(sq "select count(*) from events")
check "metrics: events received = the events queued ($events)" \
	grep -q "^failsig_events_received_total{result=\"queued\"} $events\$" "$tmp/metrics"
check "metrics: events processed = the events done" \
	grep -q "^failsig_events_processed_total{outcome=\"done\"} $(sq "select count(*) from events where state = 2")\$" "$tmp/metrics"
check "metrics: matches per rule" grep -q '^failsig_rule_matches_total{rule="clock_jump"} 1$' "$tmp/metrics"
check "metrics: scan seconds" grep -Eq '^failsig_scan_seconds_total [0-9.e+-]+$' "$tmp/metrics"
check "metrics: the token appears nowhere" sh -c "! grep -q 'SECRET' '$tmp/metrics'"
check "metrics: retries per rule" grep -q '^failsig_rule_retries_total{rule="docker"} 7$' "$tmp/metrics"
check "metrics: GitLab errors by status" grep -q '^failsig_gitlab_errors_total{status="500"} 2$' "$tmp/metrics"
check "metrics: no-answer errors" grep -Eq '^failsig_gitlab_errors_total\{status="0"\} [1-8]$' "$tmp/metrics"
check "metrics: 429 errors" grep -q '^failsig_gitlab_errors_total{status="429"} 1$' "$tmp/metrics"
check "metrics: webhook answers by status" grep -q '^failsig_webhook_requests_total{code="401"} 3$' "$tmp/metrics"
check "metrics: queue depth" grep -q '^failsig_queue_depth 0$' "$tmp/metrics"
check "metrics: bytes scanned" grep -Eq '^failsig_scan_bytes_total [1-9][0-9]*$' "$tmp/metrics"

# -- truncated trace: the cap is 1 MiB; a hit beyond it is not seen
{
	printf 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
	head -c 2000000 /dev/zero | tr '\0' 'x'
	printf '\ntest-fleet: runner lost\n'
} >"$tmp/big.log"
add_job 150 success -
cp "$tmp/big.log" "$gl/traces/150.log"
send 150 success
eq "trace over --max-trace: scanned up to the cap and marked truncated" \
	"select trace_bytes, trace_truncated, (select group_concat(rule) from matches where job_id = 150) from jobs where id = 150" \
	"1048576|1|docker"

# -- delayed retry survives a restart
add_job 160 failed 'ERROR: test-registry: 502 Bad Gateway\n'
send 160 failed
eq "retry after 3s: scheduled" "select state from retries where job_id = 160" 0
stop_serve
check "SIGTERM: exit status 0" [ $? -eq 0 ]
check "SIGTERM: the log says it stopped" grep -q "stopped$" "$tmp/serve.log"
nreq "retry after 3s: not asked before its time" POST /api/v4/projects/1/jobs/160/retry 0
start_serve
eq "retry after 3s: done after the restart" "select state from retries where job_id = 160" 2 15
nreq "retry after 3s: one POST" POST /api/v4/projects/1/jobs/160/retry 1
r=$(sq "select new_job_id from retries where job_id = 160")
set_status "$r" failed
cp "$gl/traces/160.log" "$gl/traces/$r.log"
send "$r" failed
eq "registry allows one retry per lineage: the second is refused" \
	"select state, reason from retries where job_id = $r" "6|rule registry used up its retry max 1 in this lineage"

# -- kill -9 while the job is being fetched: nothing lost, one retry
add_job 170 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
fault '{"path":"/api/v4/projects/1/jobs/170","method":"GET","status":200,"delay_ms":2500,"count":1}'
send 170 failed
sleep 1
kill -9 "$spid"
wait "$spid" 2>/dev/null
eq "kill -9 mid-work: the event is still in work" "select state from events where job_id = 170" 1 1
start_serve
eq "kill -9 mid-work: resumed and retried after the restart" "select state from retries where job_id = 170" 2 30
nreq "kill -9 mid-work: one POST" POST /api/v4/projects/1/jobs/170/retry 1
check "kill -9 mid-work: the log says it resumed" grep -q "resuming 1 events left in work" "$tmp/serve.log"

# -- SIGTERM while a job is being fetched: the work in flight is finished
# before the exit, nothing is left for the next start
add_job 175 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
fault '{"path":"/api/v4/projects/1/jobs/175","method":"GET","delay_ms":2000,"count":1}'
send 175 failed
wait_for 10 is "select state from events where job_id = 175" 1
sleep 0.5
stop_serve
check "SIGTERM mid-work: exit status 0" [ $? -eq 0 ]
same "SIGTERM mid-work: the event was finished before the exit, its retry decided and queued" \
	"$(sq "select e.state, r.state from events e join retries r on r.job_id = e.job_id where e.job_id = 175")" "2|0"
resumed=$(grep -c "resuming" "$tmp/serve.log")
start_serve
eq "after a drained stop: the queued retry is made" "select state from retries where job_id = 175" 2 15
nreq "after a drained stop: one POST" POST /api/v4/projects/1/jobs/175/retry 1
same "after a drained stop: no event to resume" "$(grep -c "resuming" "$tmp/serve.log")" "$resumed"
stop_serve

# -- the circuit breaker: fleet fires on four jobs; the breaker is 3 per hour
db=$tmp/breaker.db
start_serve --breaker 3/1h
for j in 141 142 143 144; do
	add_job $j failed 'test-fleet: runner lost\n'
done
for j in 141 142 143; do send $j failed; done
eq "breaker: three retries" "select count(*) from retries where rule = 'fleet' and state = 2" 3
send 144 failed
eq "breaker: the fourth is refused" "select state from retries where job_id = 144" 6
check "breaker: the log says so" grep -q "job 144 failed: matched fleet (line 1); not retried: circuit breaker open" "$tmp/serve.log"
curl -s "$url/metrics" >"$tmp/metrics"
check "breaker: metrics show it open" grep -q '^failsig_rule_breaker_open{rule="fleet"} 1$' "$tmp/metrics"
check "breaker: metrics count the trip" grep -q '^failsig_rule_breaker_trips_total{rule="fleet"} 1$' "$tmp/metrics"

# -- merge request notes and dry run are separate deployments
stop_serve
db=$tmp/dry.db
start_serve --dry-run --mr-notes
add_job 180 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
send 180 failed
eq "dry run: the decision is recorded" "select state from retries where job_id = 180" 5
nreq "dry run: no POST retry" POST /api/v4/projects/1/jobs/180/retry 0
stop_serve
db=$tmp/notes.db
start_serve --mr-notes
add_job 190 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n' build-a x refs/merge-requests/7/head
add_job 191 failed 'test-fleet: runner lost\n' build-b x refs/merge-requests/7/head
send 190 failed build-a x refs/merge-requests/7/head
eq "MR note: created for the first retry" "select mr_iid, body like '%matched \`docker\`%on line 1%issues/11%' from mr_notes" "7|1"
send 191 failed build-b x refs/merge-requests/7/head
eq "MR note: the same note names the second retry" "select count(*), body like '%build-b%fleet%' from mr_notes" "1|1"
nreq "MR note: one POST, one PUT" POST /api/v4/projects/1/merge_requests/7/notes 1
nreq "MR note: ... and the update" PUT "/api/v4/projects/1/merge_requests/7/notes/$(sq 'select note_id from mr_notes')" 1
old_note=$(sq 'select note_id from mr_notes')
fault '{"path":"/api/v4/projects/1/merge_requests/7/notes/","method":"PUT","status":404,"count":1}'
add_job 193 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n' build-c x refs/merge-requests/7/head
send 193 failed build-c x refs/merge-requests/7/head
eq "MR note deleted on GitLab (PUT 404): a new note is started" \
	"select note_id != $old_note, body like '%build-c%' and body not like '%build-a%' from mr_notes" "1|1"
stop_serve

check "the GitLab token never appears in the log" sh -c "! grep -q 'glpat-SECRET-TOKEN' '$tmp/serve.log'"
check "the webhook secret never appears in the log" sh -c "! grep -q 'hook-secret' '$tmp/serve.log'"
service_done
