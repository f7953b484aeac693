#!/bin/sh
# bench/backtest.sh — `failsig backtest` speed over a stored history next to
# single-core `failsig scan` of the same bytes (issue: backtest at >= 80 %
# of 2x single-core scan speed on two cores). A measurement, not a test.
#
#   BT_JOBS=64 sh bench/backtest.sh [BUILD]
#
# Stores BT_JOBS copies of bench/out/logs/job.log (16 MB, made by
# `make bench`, or generated here with bench/genlog) through the fake GitLab
# and `failsig fetch`, then times backtest with 1 and 2 threads and one
# `failsig scan` of the log, and prints MB/s and the ratio.
set -e
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
n=${BT_JOBS:-64}
tmp=$(mktemp -d)
trap 'kill $fpid 2>/dev/null || true; rm -rf "$tmp"' EXIT
. "$top/tests/lib/fixtures.sh"
make -s -C "$top" BUILD="$build" all "$build/tests/fakegitlab" >/dev/null
log=$top/bench/out/logs/job.log
if [ ! -s "$log" ]; then
	log=$tmp/job.log
	cc -O2 -o "$tmp/genlog" "$top/bench/genlog.c"
	"$tmp/genlog" -s 16000000 >"$log"
fi
mkdir -p "$tmp/gl/jobs"
i=1
while [ $i -le "$n" ]; do
	job_json $((200000 + i)) failed bt main main r1 '"x86_64-linux"' 2026-11-20T10:00:00.000Z ghc/ghc \
		>"$tmp/gl/jobs/$((200000 + i)).json"
	i=$((i + 1))
done
"$build/tests/fakegitlab" --dir "$tmp/gl" --port-file "$tmp/gl.port" --default-trace "$log" 2>/dev/null &
fpid=$!
while [ ! -s "$tmp/gl.port" ]; do sleep 0.1; done
GITLAB_URL=http://127.0.0.1:$(cat "$tmp/gl.port") "$build/failsig" fetch --project 1 \
	--since 2026-01-01 --db "$tmp/h.db" --quiet >/dev/null
mb=$(awk -v b="$(wc -c <"$log")" -v n="$n" 'BEGIN { printf "%.0f", b * n / 1048576 }')
t() { # seconds of a command, to the millisecond
	s=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'
}
scan=$(t "$build/failsig" scan "$log")
one=$(t "$build/failsig" backtest --db "$tmp/h.db" --jobs 1)
two=$(t "$build/failsig" backtest --db "$tmp/h.db" --jobs 2)
awk -v mb="$mb" -v n="$n" -v lmb="$(wc -c <"$log")" -v scan="$scan" -v one="$one" -v two="$two" 'BEGIN {
	single = lmb / 1048576 / scan
	printf "stored history: %d jobs, %d MB\n", n, mb
	printf "failsig scan (one log, one core):  %7.0f MB/s\n", single
	printf "backtest --jobs 1:                 %7.0f MB/s  (%.2fx single-core scan)\n", mb / one, mb / one / single
	printf "backtest --jobs 2:                 %7.0f MB/s  (%.0f%% of 2x single-core scan)\n", mb / two, 100 * mb / two / (2 * single)
}'
