# service.sh — sourced by the end-to-end tests of `failsig serve`
# (tests/serve*.sh): TAP helpers (tap.sh), the fake GitLab
# (tests/tools/fakegitlab.c), the service built from
# tests/fixtures/service/service.rules, webhook deliveries with curl, and
# assertions on the service's sqlite database and the fake's request log.
#
# The sourcing script sets build and top, then calls service_setup; it works
# in $tmp (scratch.sh).
. "$top/tests/lib/scratch.sh"
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/fixtures.sh"
fx=$top/tests/fixtures/service

# service_setup: start the fake GitLab and build the service binary.
service_setup() {
	gl=$tmp/gl
	mkdir -p "$gl/jobs" "$gl/traces"
	start_fake
	glurl=http://127.0.0.1:$glport
	"$build/failsigc" build "$fx/service.rules" -o "$tmp/failsig" >"$tmp/build.log" 2>&1 ||
		{ echo "not ok 1 - building the test rule set"; cat "$tmp/build.log"; exit 1; }
	bin=$tmp/failsig
	db=$tmp/failsig.db
	spid=""
}

sq() { sqlite3 -cmd '.timeout 5000' "$db" "$1"; }
# is SQL EXPECTED: the query's output equals EXPECTED.
is() { [ "$(sq "$1")" = "$2" ]; }
# eq DESCRIPTION SQL EXPECTED [SECONDS]: wait until the query gives EXPECTED.
eq() {
	if wait_for "${4:-20}" is "$2" "$3"; then
		ok "$1"
	else
		nok "$1" "query: $2" "want: $3" "got:  $(sq "$2" | tr '\n' ' ')"
	fi
}
# requests METHOD PATH: how many requests the fake GitLab received.
requests() {
	grep -F "\"$2\"" "$tmp/gl.log" 2>/dev/null | grep -c "\"$1\""
}
# nreq DESCRIPTION METHOD PATH EXPECTED
nreq() {
	got=$(requests "$2" "$3")
	if [ "$got" = "$4" ]; then ok "$1"; else nok "$1" "$2 $3: $got requests, want $4"; fi
}

# service_done: the last test (no sanitizer report in the service's log),
# then the TAP plan.
service_done() {
	if grep -q "ERROR: AddressSanitizer\|runtime error:" "$tmp/serve.log"; then
		nok "no sanitizer reports" "$(grep -m3 'AddressSanitizer\|runtime error' "$tmp/serve.log")"
	else
		ok "no sanitizer reports"
	fi
	echo "1..$n"
}

# ---- the fake GitLab ----
# start_fake [PORT]: (re)start the fake GitLab, on PORT or any free port.
start_fake() {
	rm -f "$tmp/gl.port"
	"$build/tests/fakegitlab" --dir "$gl" --token glpat-SECRET-TOKEN --port-file "$tmp/gl.port" \
		--log "$tmp/gl.log" ${1:+--port "$1"} 2>>"$tmp/fake.err" &
	fpid=$!
	pids="$pids $fpid"
	wait_for 20 test -s "$tmp/gl.port" || { echo "not ok - the fake GitLab did not start"; cat "$tmp/fake.err"; exit 1; }
	glport=$(cat "$tmp/gl.port")
}

# add_job ID STATUS TRACE-TEXT [NAME [REASON [REF]]]: a job the fake serves;
# TRACE-TEXT "-" means no trace (404).
add_job() {
	job_json "$1" "$2" "$4" "$5" "$6" >"$gl/jobs/$1.json.tmp"
	mv "$gl/jobs/$1.json.tmp" "$gl/jobs/$1.json"
	[ "$3" = "-" ] || printf '%b' "$3" >"$gl/traces/$1.log"
}
# set_status ID STATUS: a retried job (created by the fake) finished.
set_status() {
	sed "s/\"status\":\"[a-z]*\"/\"status\":\"$2\"/" "$gl/jobs/$1.json" >"$gl/jobs/$1.json.tmp"
	mv "$gl/jobs/$1.json.tmp" "$gl/jobs/$1.json"
}
fault() {
	curl -s -o /dev/null -X POST -H 'Content-Type: application/json' --data "$1" "$glurl/_fake/faults"
}

# ---- the service ----
start_serve() {
	rm -f "$tmp/port"
	FAILSIG_WEBHOOK_SECRET=hook-secret GITLAB_URL=$glurl GITLAB_TOKEN=glpat-SECRET-TOKEN \
		"$bin" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --db "$db" --workers 2 \
		--backoff 1s/2s --timeout 3s --lineage-cap 3 --max-trace 1M "$@" \
		>>"$tmp/serve.log" 2>&1 &
	spid=$!
	pids="$pids $spid"
	if ! wait_for 30 test -s "$tmp/port"; then
		echo "not ok - failsig serve did not start"
		tail -n 20 "$tmp/serve.log"
		exit 1
	fi
	url=http://127.0.0.1:$(cat "$tmp/port")
}
stop_serve() {
	kill -TERM "$spid"
	wait "$spid"
}

# event ID STATUS [NAME [REASON [REF]]] > FILE
event() {
	event_json "$@"
}
# hook FILE [curl args...]: POST a body as GitLab does; prints the status code.
# The headers come from $ctype and $token (set them for one call).
ctype=application/json
token=hook-secret
hook() {
	f=$1
	shift
	curl -s -o "$tmp/answer" -w '%{http_code}' -H "Content-Type: $ctype" \
		-H 'X-Gitlab-Event: Job Hook' -H "X-Gitlab-Token: $token" "$@" \
		--data-binary "@$f" "$url/hooks/gitlab"
}
# send ID STATUS [NAME [REASON [REF]]]: deliver a job event; 200 expected.
send() {
	event "$@" >"$tmp/ev.json"
	code=$(hook "$tmp/ev.json")
	[ "$code" = 200 ] || echo "# event for job $1: HTTP $code: $(cat "$tmp/answer")"
}
# answered DESCRIPTION CODE ANSWER-PATTERN: the last hook's answer.
answered() {
	if [ "$code" = "$2" ] && grep -q -- "$3" "$tmp/answer"; then
		ok "$1"
	else
		nok "$1" "HTTP $code, want $2" "answer: $(head -c 300 "$tmp/answer")"
	fi
}

