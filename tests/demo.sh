#!/bin/sh
# demo.sh BUILD — what `make demo` shows: the bundled GHC rule pack compiled
# into BUILD/failsig, its examples run, and the sample logs scanned.
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
fs="$build/failsig"
echo "== the compiled rule set (failsig rules)"
"$fs" rules
echo
echo "== every rule's examples (failsig test)"
"$fs" test | tail -n 1
echo
echo "== scanning the sample logs in tests/corpus (failsig scan)"
for log in "$top"/tests/corpus/*.log; do
	"$fs" scan "$log" | head -n 3
done
echo
echo "== why a rule fired (failsig explain)"
log=$(ls "$top"/tests/corpus/*.log | head -n 1)
"$fs" explain "$log" | head -n 20
echo
echo "== the service (failsig serve) against a fake GitLab, with a sqlite database"
# The first eight corpus logs become failed jobs 1001.. of a fake GitLab
# (tests/tools/fakegitlab.c); one Job Hook event each is sent to
# `failsig serve`, which scans, records and retries them.
tmp=$(mktemp -d)
trap 'kill $spid $fpid 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/gl/jobs" "$tmp/gl/traces"
. "$top/tests/lib/fixtures.sh"
i=1000
for log in $(ls "$top"/tests/corpus/*.log | head -n 8); do
	i=$((i + 1))
	job_json $i failed "$(basename "$log" .log)" >"$tmp/gl/jobs/$i.json"
	cp "$log" "$tmp/gl/traces/$i.log"
done
"$build/tests/fakegitlab" --dir "$tmp/gl" --port-file "$tmp/gl.port" 2>/dev/null &
fpid=$!
while [ ! -s "$tmp/gl.port" ]; do sleep 0.1; done
db="$build/demo.db"
rm -f "$db" "$db-wal" "$db-shm"
GITLAB_URL=http://127.0.0.1:$(cat "$tmp/gl.port") GITLAB_TOKEN=demo \
	"$fs" serve --no-secret --listen 127.0.0.1:0 --port-file "$tmp/port" --db "$db" 2>"$tmp/serve.log" &
spid=$!
while [ ! -s "$tmp/port" ]; do sleep 0.1; done
for j in $(seq 1001 $i); do
	event_json $j failed |
		curl -s -H 'Content-Type: application/json' -H 'X-Gitlab-Event: Job Hook' \
			--data-binary @- "http://127.0.0.1:$(cat "$tmp/port")/hooks/gitlab" >/dev/null
done
n=0
while [ "$(sqlite3 "$db" 'select count(*) from events where state >= 2')" -lt $((i - 1000)) ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
sleep 0.5
kill -TERM $spid
wait $spid
echo "-- the service's log"
cat "$tmp/serve.log"
echo "-- $db: matches and retries"
sqlite3 -header -column "$db" \
	"select j.id as job, j.name, group_concat(m.rule) as matched, r.state as retry_state, r.new_job_id as retried_as
	 from jobs j left join matches m on m.job_id = j.id left join retries r on r.job_id = j.id
	 group by j.id order by j.id"
echo "(retry_state: 2 = done; docs/operations.md has the schema)"
