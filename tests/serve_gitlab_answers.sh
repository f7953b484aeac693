#!/bin/sh
# serve_gitlab_answers.sh BUILD — `failsig serve` when GitLab's answers are
# broken rather than missing: a trace cut off mid-stream (the headers
# announce the whole length, the connection closes early) and a job answered
# 200 with a body that is not JSON. A broken answer is asked again with
# backoff, never scanned or acted on as if it were whole; after the last
# attempt the event fails with the reason, and no job is retried on a guess.
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/service.sh"
service_setup
start_serve --max-attempts 3

docker='Cannot connect to the Docker daemon at unix:///var/run/docker.sock'
# A trace of 20,001 lines whose only spurious line is the last one: a scan
# of the first kilobytes would find nothing.
long_trace() {
	seq 1 20000 | sed 's/^/building module /'
	echo "$docker"
}

# -- the trace is cut off once after 1,000 bytes
add_job 501 failed -
long_trace >"$gl/traces/501.log"
size=$(wc -c <"$gl/traces/501.log")
fault '{"path":"/api/v4/projects/1/jobs/501/trace","truncate":1000,"count":1}'
send 501 failed
eq "a trace cut off mid-stream is fetched again, then the job retried" \
	"select state from retries where job_id = 501" 2
check "the log names the cut-off transfer" \
	grep -q "job 501: GitLab unavailable (GET /api/v4/projects/1/jobs/501/trace: transfer closed" \
	"$tmp/serve.log"
nreq "the trace was asked twice" GET /api/v4/projects/1/jobs/501/trace 2
eq "the whole trace was scanned: its size is recorded" \
	"select trace_bytes, trace_truncated from jobs where id = 501" "$size|0"
eq "the match is on the last line" "select rule, first_line from matches where job_id = 501" \
	"docker|20001"
nreq "one POST retry for job 501" POST /api/v4/projects/1/jobs/501/retry 1

# -- the trace is cut off every time: the event fails, nothing is retried
add_job 502 failed -
long_trace >"$gl/traces/502.log"
fault '{"path":"/api/v4/projects/1/jobs/502/trace","truncate":500,"count":100}'
send 502 failed
eq "a trace that never arrives whole: the event fails after 3 attempts" \
	"select state, result like 'fetching the trace: gave up after 3 attempts: %transfer closed%' from events where job_id = 502" \
	"3|1" 30
eq "... no verdict recorded from a partial trace" "select count(*) from matches where job_id = 502" 0
nreq "... and no retry asked" POST /api/v4/projects/1/jobs/502/retry 0

# -- the job is answered once with a body that is not JSON
add_job 503 failed "$docker\n"
fault '{"path":"/api/v4/projects/1/jobs/503","method":"GET","body":"{\"id\": 503, \"status\": \"fa","count":1}'
send 503 failed
eq "a job answer that is not JSON is asked again, then the job retried" \
	"select state from retries where job_id = 503" 2
check "the log says what was wrong with it" \
	grep -q "job 503: GitLab unavailable (not a job: invalid JSON" "$tmp/serve.log"
nreq "one POST retry for job 503" POST /api/v4/projects/1/jobs/503/retry 1

# -- a job answer that is JSON but not a job, every time
add_job 504 failed "$docker\n"
fault '{"path":"/api/v4/projects/1/jobs/504","method":"GET","body":"[1, 2, 3]","count":100}'
send 504 failed
eq "a JSON answer that is never a job: the event fails with the reason" \
	"select state, result like 'fetching the job: gave up after 3 attempts: not a job: %' from events where job_id = 504" \
	"3|1" 30
nreq "... the trace is never asked" GET /api/v4/projects/1/jobs/504/trace 0
nreq "... nor a retry" POST /api/v4/projects/1/jobs/504/retry 0

check "the token never appears in the log" sh -c "! grep -q 'glpat-SECRET-TOKEN' '$tmp/serve.log'"
stop_serve
check "SIGTERM after the faults: exit 0" [ $? -eq 0 ]
service_done
