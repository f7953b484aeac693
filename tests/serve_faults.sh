#!/bin/sh
# serve_faults.sh BUILD — `failsig serve` when its own database fails: the
# disk fills up (an LD_PRELOAD shim, tests/tools/enospc.c, makes writes to
# the database fail with ENOSPC on demand) and another process holds the
# database locked. Nothing is lost and nothing is retried twice: a refused
# delivery is answered 503 (GitLab delivers it again), an event whose
# verdict cannot be written waits and is processed once the disk has room.
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/service.sh"
service_setup

# The service runs with the shim: writes to failsig.db* fail while
# $tmp/full exists. (ASan wants to be first among the loaded libraries;
# the shim only wraps libc's write functions, so that check is waived.)
real=$bin
bin=$tmp/failsig-shimmed
cat >"$bin" <<SH
#!/bin/sh
ENOSPC_FLAG='$tmp/full' ENOSPC_MATCH=failsig.db LD_PRELOAD='$build/tests/enospc.so' \\
ASAN_OPTIONS=verify_asan_link_order=0 exec '$real' "\$@"
SH
chmod +x "$bin"
start_serve

add_job 401 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
send 401 failed
eq "sanity: a spurious job is retried with the shim loaded" "select state from retries where job_id = 401" 2

# -- the disk is full when GitLab delivers
add_job 402 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
touch "$tmp/full"
event_json 402 failed >"$tmp/e402.json"
code=$(hook "$tmp/e402.json")
answered "disk full at delivery: 503, deliver again" 503 'could not be queued; deliver it again'
check "the log says why" grep -q "webhook: cannot queue job 402: " "$tmp/serve.log"
check "healthz still answers (reads work)" sh -c "curl -s -f '$url/healthz' | grep -q ok"
rm -f "$tmp/full"
code=$(hook "$tmp/e402.json")
answered "room again: the redelivery is queued" 200 '"status":"queued"'
eq "... and the job retried once" "select state from retries where job_id = 402" 2
nreq "one POST retry for job 402" POST /api/v4/projects/1/jobs/402/retry 1

# -- the disk fills while the worker fetches the job: the verdict cannot be
# written; the event waits, then is processed once, after room comes back
add_job 403 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
fault '{"path":"/api/v4/projects/1/jobs/403","method":"GET","delay_ms":1500,"count":1}'
send 403 failed
answered "queued before the disk fills" 200 '"status":"queued"'
touch "$tmp/full"
check "the verdict cannot be written: the log says so" \
	wait_for 20 grep -q "job 403: .*database unavailable\|job 403: cannot record" "$tmp/serve.log"
sleep 2
nreq "while the disk is full: no retry asked" POST /api/v4/projects/1/jobs/403/retry 0
rm -f "$tmp/full"
eq "room again: job 403 recorded and retried" "select state from retries where job_id = 403" 2 40
eq "the event is done" "select state from events where job_id = 403" 2
nreq "one POST retry for job 403" POST /api/v4/projects/1/jobs/403/retry 1

# -- another process holds the database locked for 2 s
add_job 404 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
( printf 'BEGIN EXCLUSIVE;\nINSERT INTO mr_notes VALUES (0, 0, 0, "", 0);\n'; sleep 2; printf 'ROLLBACK;\n' ) |
	sqlite3 "$db" >/dev/null 2>&1 &
lock=$!
sleep 0.3
send 404 failed
answered "database locked: the delivery waits for the lock, then is queued" 200 '"status":"queued"'
wait "$lock"
eq "... and processed" "select state from retries where job_id = 404" 2

stop_serve
check "SIGTERM after the faults: exit 0" [ $? -eq 0 ]
service_done
