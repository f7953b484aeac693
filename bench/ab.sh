#!/bin/sh
# bench/ab.sh — compare matcher binaries side by side on this noisy machine.
#
#   sh bench/ab.sh [-n RUNS] LOG BINARY...
#
# Runs `BINARY scan --format json LOG` for every BINARY in turn, RUNS times
# (default 10), so that each round sees the machine in the same state, and
# prints each binary's whole-process wall time, min and median, and its
# median against the first binary's. This is how docs/performance.md
# measures a change to the scanner: whole-process figures of two `make
# bench` runs an hour apart differ by 20-35 % here whatever the code does.
# Set FAILSIG_NO_AVX512=1 to compare the scalar loops. Needs bench/out/bin/
# timeit (built by `make bench`), or builds it.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
runs=10
if [ "$1" = -n ]; then
	runs=$2
	shift 2
fi
if [ $# -lt 2 ]; then
	echo "usage: sh bench/ab.sh [-n RUNS] LOG BINARY..." >&2
	exit 2
fi
log=$1
shift
[ -r "$log" ] || { echo "ab.sh: cannot read $log" >&2; exit 2; }
timeit=$top/bench/out/bin/timeit
if [ ! -x "$timeit" ]; then
	mkdir -p "$top/bench/out/bin"
	${CC:-cc} -O2 -o "$timeit" "$top/bench/timeit.c"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
r=0
while [ $r -lt "$runs" ]; do
	k=0
	for b in "$@"; do
		"$timeit" /dev/null "$b" scan --format json "$log" | cut -d' ' -f1,5 >>"$tmp/$k"
		k=$((k + 1))
	done
	r=$((r + 1))
done
k=0
for b in "$@"; do
	# Status 0 or 1 (no rule fired / some fired); anything else is an error.
	if awk '$2 > 1 { bad = 1 } END { exit !bad }' "$tmp/$k"; then
		echo "ab.sh: $b failed on $log" >&2
		exit 2
	fi
	cut -d' ' -f1 "$tmp/$k" | sort -n >"$tmp/s$k"
	k=$((k + 1))
done
echo "$(basename "$log"), $runs interleaved runs each, whole process:"
k=0
for b in "$@"; do
	awk -v b="$b" -v base="$(awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }' "$tmp/s0")" '
		{ a[NR] = $1 }
		END {
			med = a[int((NR + 1) / 2)]
			printf "  %-40s min %7.1f ms  median %7.1f ms  %5.3f of the first\n", b, a[1] * 1e3, med * 1e3, med / base
		}' "$tmp/s$k"
	k=$((k + 1))
done
