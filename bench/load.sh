#!/bin/sh
# bench/load.sh — `failsig serve` under a sustained stream of Job Hook
# events on loopback, against the fake GitLab with traces of 1 to 100 MB.
# A measurement (docs/reliability.md), not a test: the machine is shared.
#
#   LOAD_SECONDS=30 LOAD_THREADS=8 LOAD_JOBS=20000 sh bench/load.sh [BUILD]
#
# Each delivery is for a new job (until LOAD_JOBS run out; then ids repeat
# and count as redeliveries). Reports what loadgen measured (events/s
# accepted, p50/p99 time to answer the webhook), the time until every
# accepted event was processed, the end-to-end latency of each event, the service's RSS sampled every second, and
# whether any event was lost: every delivered job must have a processed
# event in the database.
set -e
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${LOAD_SECONDS:-30}
threads=${LOAD_THREADS:-8}
jobs=${LOAD_JOBS:-20000}
tmp=$(mktemp -d)
trap 'kill $fpid $spid $rpid 2>/dev/null || true; rm -rf "$tmp"' EXIT
. "$top/tests/lib/fixtures.sh"
make -s -C "$top" BUILD="$build" all "$build/tests/fakegitlab" >/dev/null
cc -O2 -o "$tmp/loadgen" "$top/bench/loadgen.c" -lcurl -lpthread

# Traces: job 1 has 100 MB, every 50th 10 MB, all others 1 MB (GHC-like
# build lines and one Docker failure at the end, so every job matches).
mkdir -p "$tmp/gl/jobs" "$tmp/gl/traces"
line='[ 42 of 311] Compiling GHC.Data.Graph.Directed ( compiler/GHC/Data/Graph/Directed.hs, _build/stage1/compiler/build/GHC/Data/Graph/Directed.o )'
yes "$line" | head -c 1000000 >"$tmp/1m.log"
printf 'ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n' >>"$tmp/1m.log"
for k in 1 2 3 4 5 6 7 8 9 10; do cat "$tmp/1m.log"; done >"$tmp/10m.log"
for k in 1 2 3 4 5 6 7 8 9 10; do cat "$tmp/10m.log"; done >"$tmp/100m.log"
# One job document per id, written by one awk process.
job_json @JOB@ failed load >"$tmp/job.tpl"
awk -v n="$jobs" -v dir="$tmp/gl/jobs" '
	{ tpl = tpl $0 "\n" }
	END {
		for(i = 1; i <= n; i++) {
			t = tpl
			gsub(/@JOB@/, 100000 + i, t)
			f = dir "/" (100000 + i) ".json"
			printf "%s", t > f
			close(f)
		}
	}' "$tmp/job.tpl"
ln -s "$tmp/100m.log" "$tmp/gl/traces/100001.log"
i=50
while [ $i -le "$jobs" ]; do
	ln -s "$tmp/10m.log" "$tmp/gl/traces/$((100000 + i)).log"
	i=$((i + 50))
done
"$build/tests/fakegitlab" --dir "$tmp/gl" --port-file "$tmp/gl.port" \
	--default-trace "$tmp/1m.log" 2>/dev/null &
fpid=$!
while [ ! -s "$tmp/gl.port" ]; do sleep 0.1; done
db=$tmp/load.db
FAILSIG_WEBHOOK_SECRET=load GITLAB_URL=http://127.0.0.1:$(cat "$tmp/gl.port") \
	"$build/failsig" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --db "$db" \
	--dry-run --workers 4 --no-store-logs 2>"$tmp/serve.log" &
spid=$!
while [ ! -s "$tmp/port" ]; do sleep 0.1; done
( while kill -0 $spid 2>/dev/null; do
	awk '/VmRSS/ { print $2 }' /proc/$spid/status 2>/dev/null
	sleep 1
done ) >"$tmp/rss" &
rpid=$!
echo "load: $threads senders for $seconds s, up to $jobs distinct jobs (1 x 100 MB, every 50th 10 MB, others 1 MB)"
start=$(date +%s)
"$tmp/loadgen" "http://127.0.0.1:$(cat "$tmp/port")/hooks/gitlab" load 100001 "$jobs" "$threads" "$seconds" || true
sent_end=$(date +%s)
q() { sqlite3 -cmd '.timeout 10000' "$db" "$1"; }
while [ "$(q 'select count(*) from events where state < 2')" -gt 0 ]; do sleep 1; done
done_at=$(date +%s)
echo "events queued: $(q 'select count(*) from events'), processed: $(q 'select count(*) from events where state >= 2'), failed: $(q 'select count(*) from events where state = 3')"
echo "distinct jobs delivered: $(q 'select count(distinct job_id) from events'), scanned: $(q 'select count(*) from jobs'), trace MB scanned: $(q 'select sum(trace_bytes) / 1048576 from jobs')"
echo "queue drained $((done_at - sent_end)) s after the last delivery ($((done_at - start)) s in all)"
# End-to-end: from the webhook's arrival to the event's outcome (whole
# seconds, as the database keeps them); under a sustained overload this is
# mostly time spent queued behind earlier events.
q "select 'end-to-end latency (webhook received -> processed), s: p50 ' ||
     (select finished_at - received_at from events where state >= 2 order by finished_at - received_at
        limit 1 offset (select count(*) / 2 from events where state >= 2)) ||
     ', p99 ' ||
     (select finished_at - received_at from events where state >= 2 order by finished_at - received_at
        limit 1 offset (select count(*) * 99 / 100 from events where state >= 2)) ||
     ', max ' || (select max(finished_at - received_at) from events where state >= 2)"
sort -n "$tmp/rss" | awk 'NR == 1 { min = $1 } { max = $1 } END { printf "service RSS: min %.1f MB, max %.1f MB\n", min / 1024, max / 1024 }'
echo "service RSS over time (MB, every 10 s): $(awk 'NR % 10 == 1 { printf "%.0f ", $1 / 1024 }' "$tmp/rss")"
echo "events not processed: $(q "select count(*) from events where state not in (2, 4)")"
