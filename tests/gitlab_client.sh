#!/bin/sh
# gitlab_client.sh BUILD — runtime/gitlab.c (through tests/tools/glclient.c)
# against the fake GitLab (tests/tools/fakegitlab.c): jobs, traces of any
# bytes and size, the trace cap, retries, how every failure is classified
# (401, 403, 404, 429 with Retry-After, 500, dropped connections, timeouts,
# answers over the cap), pagination by X-Next-Page and by Link, merge request
# notes; and the fake itself: concurrent requests, its control API, a clean
# exit, retried job ids that survive a restart.
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
fake=$build/tests/fakegitlab
gl=$build/tests/glclient
tmp=$(mktemp -d)
fpid=
frc=
stop_fake() {
	[ -n "$fpid" ] || return 0
	kill "$fpid" 2>/dev/null
	wait "$fpid"
	frc=$?
	fpid=
}
: >"$tmp/gl.err"
trap 'stop_fake; rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; }
check() {  # name command...: ok when the command succeeds
	name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; sed 's/^/# /' "$tmp/out" | cut -c1-200; fi
}

TOKEN=glpat-Xq3fake-s3cret-T0ken
D=$tmp/d
mkdir -p "$D/jobs" "$D/traces"

start_fake() {
	rm -f "$tmp/port"
	"$fake" --dir "$D" --token "$TOKEN" --port-file "$tmp/port" --log "$tmp/requests.log" \
		2>"$tmp/fake.err" &
	fpid=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ $i -lt 200 ] && kill -0 "$fpid" 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	url=http://127.0.0.1:$(cat "$tmp/port" 2>/dev/null)
}

# A job from the real REST payload with its own id and status.
mkjob() {  # id status
	sed "1s/^{\"id\":1593505,\"status\":\"failed\"/{\"id\":$1,\"status\":\"$2\"/" \
		"$top/tests/fixtures/gitlab/job.json" >"$D/jobs/$1.json"
}

glc() { "$gl" "$@" >"$tmp/out" 2>>"$tmp/gl.err"; }  # glclient; its output in $tmp/out
field() { sed -n "s/^$1 //p" "$tmp/out" | tail -n 1; }  # of the last command
is() { [ "$(field "$1")" = "$2" ]; }     # is NAME VALUE: glclient printed "NAME VALUE"
has() { grep -qF -- "$1" "$tmp/out"; }
lacks() { ! grep -qF -- "$1" "$tmp/out"; }
fault() { curl -s -o /dev/null -w '%{http_code}' -X POST --data "$1" "$url/_fake/faults"; }
control() {  # method path [body]: prints the HTTP status
	curl -s -o "$tmp/ctl" -w '%{http_code}' -X "$1" ${3:+--data "$3"} "$url$2"
}

for i in 101 102 103 104 105 106 107; do
	case $i in 102|105) st=success ;; 107) st=running ;; *) st=failed ;; esac
	mkjob $i $st
done
start_fake
check "fake: writes its port file and listens" test -s "$tmp/port"

# --- jobs ---
glc "$url" "$TOKEN" job 1 101
{ cat "$D/jobs/101.json"; echo; } >"$tmp/want"
check "job: fetched" is outcome OK
check "job: status 200, no err" eval 'is status 200 && is err ""'
sed -n 's/^body //p' "$tmp/out" | cmp -s - "$tmp/want"
check "job: body is the file" test $? -eq 0
glc "$url/" "$TOKEN" job 1 101
check "job: a trailing / on the base URL is fine" is outcome OK
glc "$url" "$TOKEN" job 1 999
check "missing job: NOT_FOUND 404" eval 'is outcome NOT_FOUND && is status 404'
check "missing job: err names method and path" is err "GET /api/v4/projects/1/jobs/999: HTTP 404"

# --- traces ---
printf 'a\000b\r\nline\r\n\033[31;1mred\033[0m\r\000\377\376 no final newline' >"$D/traces/101.log"
glc "$url" "$TOKEN" trace 1 101 0 "$tmp/t101"
check "trace: NUL, CRLF, ESC, high bytes: OK" is outcome OK
check "trace: identical bytes" cmp -s "$tmp/t101" "$D/traces/101.log"
head -c 5000000 /dev/urandom >"$D/traces/102.log"
glc "$url" "$TOKEN" trace 1 102 0 "$tmp/t102"
check "trace: 5 MB, identical" eval 'is outcome OK && is bytes 5000000 && cmp -s "$tmp/t102" "$D/traces/102.log"'
check "trace: 5 MB not truncated without a cap" is truncated 0
glc "$url" "$TOKEN" trace 1 102 1000 "$tmp/t102c"
check "trace over the cap: OK, truncated" eval 'is outcome OK && is truncated 1'
head -c 1000 "$D/traces/102.log" >"$tmp/want"
check "trace over the cap: exactly CAP bytes, the first ones" \
	eval 'is bytes 1000 && cmp -s "$tmp/t102c" "$tmp/want"'
glc "$url" "$TOKEN" trace 1 102 5000000 "$tmp/t102e"
check "trace exactly at the cap: whole, not truncated" \
	eval 'is truncated 0 && cmp -s "$tmp/t102e" "$D/traces/102.log"'
glc "$url" "$TOKEN" trace 1 103 0 "$tmp/t103"
check "missing trace: NOT_FOUND, the error page is not written" \
	eval 'is outcome NOT_FOUND && is bytes 0 && test ! -s "$tmp/t103"'

glc "$url" "$TOKEN" trace 1 102 0 /dev/full
check "trace to a full disk: TRANSIENT, says why" \
	eval 'is outcome TRANSIENT && has "err GET /api/v4/projects/1/jobs/102/trace: writing the trace: No space left on device"'

# --- retry ---
: >"$tmp/requests.log"
glc "$url" "$TOKEN" retry 1 101
check "retry: 201 with job 900001, pending" \
	eval 'is outcome OK && is status 201 && has "{\"id\":900001,\"status\":\"pending\""'
check "retry: started_at and finished_at are null" \
	eval 'has "\"started_at\":null" && has "\"finished_at\":null"'
check "retry: exactly one POST reached GitLab" \
	test "$(grep -c '"method":"POST"' "$tmp/requests.log")" -eq 1
glc "$url" "$TOKEN" job 1 900001
check "retry: the new job can be fetched" eval 'is outcome OK && has "\"id\":900001"'
glc "$url" "$TOKEN" retry 1 999
check "retry of a missing job: NOT_FOUND" is outcome NOT_FOUND

# --- failures ---
glc "$url" wrong-token-value job 1 101
check "wrong token: PERMANENT 401" eval 'is outcome PERMANENT && is status 401'
check "wrong token: the output never shows the token" lacks wrong-token-value
check "the fake records token_ok false" grep -q '"token_ok":false' "$tmp/requests.log"
glc "$url" - job 1 101
check "no token: PERMANENT 401" is status 401
fault '{"path": "/api/v4/projects/1/jobs/101", "status": 500}' >/dev/null
glc "$url" "$TOKEN" job 1 101
check "500: TRANSIENT" eval 'is outcome TRANSIENT && is status 500'
check "500: err is method, path, status" is err "GET /api/v4/projects/1/jobs/101: HTTP 500"
check "500: err and output never show the token" lacks "$TOKEN"
glc "$url" "$TOKEN" job 1 101
check "a fault with count 1 applies once" is outcome OK
fault '{"path": "/api/v4/projects/1/jobs/101", "status": 429, "retry_after": "7"}' >/dev/null
glc "$url" "$TOKEN" job 1 101
check "429 Retry-After: 7: TRANSIENT, retry_after 7" \
	eval 'is outcome TRANSIENT && is status 429 && is retry_after 7'
when=$(date -u -d "@$(($(date +%s) + 100))" '+%a, %d %b %Y %H:%M:%S GMT')
fault "{\"status\": 503, \"retry_after\": \"$when\"}" >/dev/null
glc "$url" "$TOKEN" job 1 101
ra=$(field retry_after)
check "503 Retry-After as an HTTP date: TRANSIENT, about 100 s" \
	eval 'is outcome TRANSIENT && [ "${ra%.*}" -ge 90 ] && [ "${ra%.*}" -le 100 ]'
fault '{"path": "/api/v4/projects/1/jobs/101", "status": 408}' >/dev/null
glc "$url" "$TOKEN" job 1 101
check "408: TRANSIENT" is outcome TRANSIENT
fault '{"path": "/api/v4/projects/1/jobs/101", "status": 403}' >/dev/null
glc "$url" "$TOKEN" job 1 101
check "403: PERMANENT" eval 'is outcome PERMANENT && is status 403'
fault '{"path": "/api/v4/projects/1/jobs/101", "status": 302}' >/dev/null
glc "$url" "$TOKEN" job 1 101
check "302: not followed (the token would go along), PERMANENT" \
	eval 'is outcome PERMANENT && is status 302'
fault '{"path": "/api/v4/projects/1/jobs/", "drop": true}' >/dev/null
glc "$url" "$TOKEN" job 1 101
check "dropped connection: TRANSIENT, status 0" eval 'is outcome TRANSIENT && is status 0'
check "dropped connection: err names the request" has "err GET /api/v4/projects/1/jobs/101: "
fault '{"path": "/api/v4/projects/1/jobs/101", "delay_ms": 3000}' >/dev/null
glc -t 300 "$url" "$TOKEN" job 1 101
check "answer slower than the timeout: TRANSIENT, status 0" \
	eval 'is outcome TRANSIENT && is status 0 && has "timed out"'
glc -b 100 "$url" "$TOKEN" job 1 101
check "answer over the body cap: PERMANENT, says the cap" \
	eval 'is outcome PERMANENT && is err "GET /api/v4/projects/1/jobs/101: answer larger than 100 bytes"'
glc -t 1000 "http://127.0.0.1:1" "$TOKEN" job 1 101
check "connection refused: TRANSIENT, status 0" eval 'is outcome TRANSIENT && is status 0'
glc "ftp://127.0.0.1:1" "$TOKEN" job 1 101
check "a base URL that is not http(s): PERMANENT" is outcome PERMANENT
fault '{"method": "POST", "count": 2}' >/dev/null
glc "$url" "$TOKEN" job 1 101
check "a POST fault leaves GET alone" is outcome OK
glc "$url" "$TOKEN" retry 1 999
glc "$url" "$TOKEN" retry 1 999
check "a fault with count 2 applies twice" is status 500
glc "$url" "$TOKEN" retry 1 999
check "then no more" is status 404

# On a reused connection: curl sends a GET again by itself when the server
# closes without answering (a stale keep-alive connection looks the same),
# but a POST goes on a new connection and is never sent twice.
fault '{"path": "/api/v4/projects/1/jobs/101", "drop": true}' >/dev/null
: >"$tmp/requests.log"
glc "$url" "$TOKEN" job 1 104 -- job 1 101
check "dropped GET on a reused connection: curl asks again, OK" \
	eval 'is outcome OK && test "$(grep -c "jobs/101\"" "$tmp/requests.log")" -eq 2'
fault '{"path": "/api/v4/projects/1/jobs/101/retry", "drop": true}' >/dev/null
: >"$tmp/requests.log"
glc "$url" "$TOKEN" job 1 104 -- retry 1 101
check "dropped retry after another call: TRANSIENT, status 0" \
	eval 'is outcome TRANSIENT && is status 0'
check "dropped retry: the POST was sent once" \
	test "$(grep -c '"method":"POST"' "$tmp/requests.log")" -eq 1

# The fake answers while another request waits.
fault '{"path": "/api/v4/projects/1/jobs/103", "delay_ms": 1500}' >/dev/null
"$gl" "$url" "$TOKEN" job 1 103 >"$tmp/slow" 2>&1 &
slow=$!
sleep 0.2
glc "$url" "$TOKEN" job 1 104
kill -0 $slow 2>/dev/null
check "fake: serves a request while another one is delayed" eval 'test $? -eq 0 && is outcome OK'
wait $slow
check "fake: the delayed request is answered after its delay" grep -q '^outcome OK' "$tmp/slow"

# --- pagination ---
# 101..107 and 900001: eight jobs, id descending.
control DELETE /_fake/requests >/dev/null
glc "$url" "$TOKEN" list-all 1 3
check "list: every job once, id descending" is ids "900001 107 106 105 104 103 102 101"
check "list: three pages of 3, 3, 2" eval 'is pages 3 && has "page 3 OK next= ids=102,101"'
control GET /_fake/requests >/dev/null
# Only the list's requests: a request that an earlier test gave up on
# (answer slower than the timeout) is recorded when the fake's delay ends,
# which under ASan can fall after the DELETE above.
check "list: one connection for every page" \
	test "$(sed 's/},{/}\n{/g' "$tmp/ctl" | grep '"path":"/api/v4/projects/1/jobs"' |
	        grep -o '"client_port":[0-9]*' | sort -u | wc -l)" -eq 1
glc "$url" "$TOKEN" list-all 1 2 failed
check "list scope[]=failed: only failed jobs" is ids "106 104 103 101"
glc "$url" "$TOKEN" list 1 2 2 failed success
check "list with two scopes: X-Next-Page" eval 'is outcome OK && is next_page 3'
check "fake: sends the scopes" grep -q '"query":"page=2&per_page=2&scope\[\]=failed&scope\[\]=success"' \
	"$tmp/requests.log"
glc "$url" "$TOKEN" list 1 9 3
check "list past the end: empty, no next page" eval 'is outcome OK && is next_page "" && is body "[]"'
control PUT /_fake/config '{"link_only": true}' >/dev/null
glc "$url" "$TOKEN" list 1 1 3
check "Link only (keyset style): next page from rel=\"next\"" is next_page 2
glc "$url" "$TOKEN" list-all 1 3 failed success
check "Link only: every page followed" eval 'is ids "106 105 104 103 102 101" && is pages 2'
control PUT /_fake/config '{"link_only": false}' >/dev/null

# --- merge request notes ---
text='failsig: **docker** daemon down — "retried" <3'
glc "$url" "$TOKEN" note-create 1 42 "$text"
nid=$(sed -n 's/^body {"id":\([0-9]*\),.*/\1/p' "$tmp/out")
check "note create: 201, the text, the bot as author" \
	eval 'is status 201 && has "failsig: **docker** daemon down — \\\"retried\\\" <3" && has "\"username\":\"failsig-bot\""'
glc "$url" "$TOKEN" note-update 1 42 "$nid" "edited
second line"
check "note update: 200, the new text" eval 'is status 200 && has "\"body\":\"edited\\nsecond line\""'
glc "$url" "$TOKEN" notes 1 42 1
check "notes: the note once, updated" \
	eval 'is outcome OK && has "edited\\nsecond line" && lacks "daemon down" && test "$(grep -o "\"noteable_iid\"" "$tmp/out" | wc -l)" -eq 1'
glc "$url" "$TOKEN" note-update 1 43 "$nid" x
check "note update on another MR: NOT_FOUND" is outcome NOT_FOUND
glc "$url" "$TOKEN" note-create 1 42 ""
check "empty note: PERMANENT 400" eval 'is outcome PERMANENT && is status 400'

# --- the control API ---
check "control: invalid JSON is 400" test "$(control POST /_fake/faults '{"status":')" = 400
check "control: a bad status is 400" test "$(control POST /_fake/faults '{"status": 42}')" = 400
head -c 100000 /dev/zero | tr '\0' ' ' >"$tmp/big"
st=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @"$tmp/big" "$url/_fake/faults")
check "control: a body over the cap is 413" test "$st" = 413
check "control: unknown endpoint is 404" test "$(control GET /_fake/nope)" = 404
check "control: DELETE /_fake/faults" test "$(control DELETE /_fake/faults)" = 200
st=$(curl -s -o /dev/null -w '%{http_code}' -H "PRIVATE-TOKEN: $TOKEN" "$url/api/v4/projects/1/pipelines")
check "api: unknown route is 404" test "$st" = 404

check "glclient: no sanitizer report in any run" \
	eval '! grep -qE "AddressSanitizer|LeakSanitizer|runtime error" "$tmp/gl.err"'

# --- shutdown, restart ---
stop_fake
check "fake: exits 0 on SIGTERM" test "$frc" = 0
check "fake: no sanitizer report" eval '! grep -qE "AddressSanitizer|LeakSanitizer|runtime error" "$tmp/fake.err"'
start_fake
glc "$url" "$TOKEN" retry 1 101
check "restarted fake: retried job ids do not repeat (900002)" has '{"id":900002,'
stop_fake
check "restarted fake: exits 0" test "$frc" = 0
echo "1..$n"
