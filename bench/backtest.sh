#!/bin/sh
# bench/backtest.sh — `failsig backtest` speed over a stored history next to
# single-core `failsig scan` of the same bytes (issue: backtest at >= 80 %
# of 2x single-core scan speed on two cores). A measurement, not a test.
#
#   BT_JOBS=64 sh bench/backtest.sh [BUILD]
#
# Stores BT_JOBS copies of bench/out/logs/job.log (16 MB, made by
# `make bench`, or generated here with bench/genlog) through the fake GitLab
# and `failsig fetch`, then times backtest with 1 and 2 threads next to
# `failsig scan` of the log (as a whole process, and start-up excluded:
# four copies in one process less an empty log) and two such scans at once
# (what the two cores of this machine give), and prints MB/s and the ratios.
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
	"$tmp/genlog" 16 1 "$log"
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
# Backtest and scan read() the same kind of page cache: both as from disk.
sh "$top/bench/settle.sh" "$tmp"/h.db* "$log"
mb=$(awk -v b="$(wc -c <"$log")" -v n="$n" 'BEGIN { printf "%.0f", b * n / 1048576 }')
: >"$tmp/empty.log"
best() { # best of 3: seconds of a command, to the microsecond
	b=
	for _ in 1 2 3; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s%N)
		b=$(awk -v b="$b" -v t="$(((e - s) / 1000))" 'BEGIN { print (b == "" || t < b) ? t : b }')
	done
	awk -v b="$b" 'BEGIN { printf "%.6f", b / 1e6 }'
}
pair() { # two processes, four copies each
	"$build/failsig" scan "$log" "$log" "$log" "$log" &
	"$build/failsig" scan "$log" "$log" "$log" "$log"
	wait
}
empty=$(best "$build/failsig" scan "$tmp/empty.log")
scan=$(best "$build/failsig" scan "$log")
scan4=$(best "$build/failsig" scan "$log" "$log" "$log" "$log")
conc=$(best pair)
one=$(best "$build/failsig" backtest --db "$tmp/h.db" --jobs 1)
two=$(best "$build/failsig" backtest --db "$tmp/h.db" --jobs 2)
awk -v mb="$mb" -v n="$n" -v lmb="$(wc -c <"$log")" -v empty="$empty" -v scan="$scan" -v scan4="$scan4" \
	-v conc="$conc" -v one="$one" -v two="$two" 'BEGIN {
	lmb /= 1048576
	whole = lmb / scan
	excl = 4 * lmb / (scan4 - empty)
	printf "stored history: %d jobs, %d MB; best of 3 runs each\n", n, mb
	printf "failsig scan, one log, whole process:        %6.0f MB/s\n", whole
	printf "failsig scan, start-up excluded (4 logs):    %6.0f MB/s\n", excl
	pairmb = 8 * lmb / (conc - empty)
	printf "two such scans at once (both cores):         %6.0f MB/s  (%.2fx one: what two cores give here)\n", pairmb, pairmb / excl
	printf "backtest --jobs 1:                           %6.0f MB/s  (%.2fx start-up excluded scan)\n", mb / one, mb / one / excl
	printf "backtest --jobs 2:                           %6.0f MB/s  (%.0f%% of 2x start-up excluded scan, %.0f%% of two at once)\n", mb / two, 100 * mb / two / (2 * excl), 100 * mb / two / pairmb
}'
