#!/bin/sh
# serve_hostile.sh BUILD — `failsig serve` under hostile traffic and crashes:
# a thousand slow-loris connections while GitLab delivers; out-of-range
# numbers and NUL bytes in events; URLs in events never followed; a burst
# of events with the service killed (SIGKILL) three times at random moments
# and restarted: every accepted event processed, every spurious job retried
# exactly once.
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/service.sh"
service_setup
start_serve --workers 4 --breaker 0

# -- a thousand slow senders do not keep GitLab out
"$build/tests/slowclients" "$(cat "$tmp/port")" 1000 6 >"$tmp/slow.out" 2>&1 &
slow=$!
pids="$pids $slow"
wait_for 20 grep -q connections "$tmp/slow.out" 2>/dev/null
opened=$(sed -n 's/ connections//p' "$tmp/slow.out")
check "1000 slow-loris connections held open ($opened)" [ "${opened:-0}" -ge 1000 ]
add_job 201 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
for j in 201 202 203 204 205; do
	send $j failed
	[ "$code" = 200 ] || break
done
answered "deliveries during the slow-loris attack are answered" 200 '"status":"queued"'
check "healthz answers during the attack" sh -c "curl -s -f -m 5 '$url/healthz' | grep -q ok"
eq "the spurious job is retried meanwhile" "select state from retries where job_id = 201" 2
wait "$slow"
check "the slow clients were not all served a body (they never finished)" grep -q done "$tmp/slow.out"

# -- odd values
printf '{"object_kind":"build","build_id":99999999999999999999999,"project_id":1,"build_status":"failed"}' >"$tmp/big.json"
code=$(hook "$tmp/big.json")
answered "a build_id beyond 64 bits: 400" 400 'invalid JSON\|build_id'
printf '{"object_kind":"build","build_id":1e3,"project_id":1,"build_status":"failed"}' >"$tmp/real.json"
code=$(hook "$tmp/real.json")
answered "a build_id that is not an integer: 400" 400 'build_id'
printf '{"object_kind":"build","build_id":7,"project_id":1,"build_status":"fail\\u0000ed"}' >"$tmp/nul.json"
code=$(hook "$tmp/nul.json")
answered "a NUL inside a string: 400" 400 'invalid JSON\|build_status'
printf '{"object_kind":"build","build_id":7,"project_id":1,"build_status":"failed"}\0garbage' >"$tmp/trail.json"
code=$(hook "$tmp/trail.json")
answered "bytes after the JSON document: 400" 400 'invalid JSON'

# -- an event cannot send failsig anywhere but GITLAB_URL
mkdir -p "$tmp/evil/jobs"
"$build/tests/fakegitlab" --dir "$tmp/evil" --port-file "$tmp/evil.port" --log "$tmp/evil.log" 2>/dev/null &
pids="$pids $!"
wait_for 20 test -s "$tmp/evil.port"
evil=http://127.0.0.1:$(cat "$tmp/evil.port")
add_job 210 failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
event_json 210 failed | sed -e "s|https://gitlab.example.org|$evil|g" -e "s|git@gitlab.example.org:|$evil/|g" >"$tmp/evil.json"
code=$(hook "$tmp/evil.json")
eq "an event full of other URLs: processed against GITLAB_URL" "select state from retries where job_id = 210" 2
check "... and the other server got no request" sh -c "! test -s '$tmp/evil.log'"

# -- SIGKILL three times during a burst of 40 events
i=301
while [ $i -le 340 ]; do
	if [ $((i % 2)) -eq 0 ]; then
		add_job $i failed 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'
	else
		add_job $i failed 'make: *** [all] Error 1\n'
	fi
	i=$((i + 1))
done
fault '{"path":"/api/v4/projects/1/jobs/3","delay_ms":150,"count":60}'
i=301
# The kill points are random (HOSTILE_SEED replays a run; the seed is printed).
seed=${HOSTILE_SEED:-$(date +%s)}
echo "# SIGKILL points from HOSTILE_SEED=$seed"
for round in 1 2 3; do
	end=$((i + 12))
	while [ $i -le $end ] && [ $i -le 340 ]; do
		send $i failed
		i=$((i + 1))
	done
	sleep "$(awk -v s="$seed" -v r="$round" 'BEGIN { srand(s * 3 + r); printf "%.2f", 0.05 + rand() * 0.9 }')"
	kill -9 "$spid"
	wait "$spid" 2>/dev/null
	start_serve --workers 4 --breaker 0
done
while [ $i -le 340 ]; do
	send $i failed
	i=$((i + 1))
done
eq "after three SIGKILLs: every accepted event processed" \
	"select count(*) from events where job_id between 301 and 340 and state = 2" 40 60
eq "every spurious job of the burst retried, exactly once each" \
	"select count(*), count(distinct job_id) from retries where job_id between 301 and 340 and state in (2, 4)" "20|20"
dups=0
i=302
while [ $i -le 340 ]; do
	c=$(requests POST "/api/v4/projects/1/jobs/$i/retry")
	[ "$c" -le 1 ] || dups=$((dups + 1))
	i=$((i + 2))
done
check "no job got two retry POSTs" [ "$dups" -eq 0 ]
nreq "no genuine failure of the burst was retried" POST /api/v4/projects/1/jobs/301/retry 0
stop_serve
check "the database holds neither token nor secret" sh -c "! grep -q -a -e 'glpat-SECRET-TOKEN' -e 'hook-secret' '$db' '$db-wal' 2>/dev/null"
service_done
