#!/bin/sh
# diffscan.sh BUILD — differential test of the generated scanner against the
# reference matcher (tests/tools/diffscan.c): random rule sets and logs,
# failsig's hits compared with rx_search on each displayed line.
#
# Builds the tool into BUILD/tests/diffscan against BUILD's libraries (with
# ASan+UBSan when BUILD ends in "asan", as `make check` builds them) and runs
# DIFFSCAN_CASES cases (default 30, under a minute) from DIFFSCAN_SEED
# (default: a fixed seed, so `make check` is reproducible). Long runs:
#   DIFFSCAN_CASES=2000 DIFFSCAN_SEED=$(date +%s) sh tests/diffscan.sh build
# DIFFSCAN_STATES caps each pattern's DFA (default 150 for 50 cases or fewer,
# else 2000, failsigc's limit); DIFFSCAN_ARGS passes more options to the tool
# (see BUILD/tests/diffscan -h); DIFFSCAN_JOBS tools run side by side
# (default: one per core, at most 4, and at least 2: every other one scans
# with the scalar probe loop).
# Failing cases are kept under DIFFSCAN_WORKDIR (default a new /tmp
# directory, printed); `BUILD/tests/diffscan -s SEED -n 1` replays one.
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cases=${DIFFSCAN_CASES:-30}
seed=${DIFFSCAN_SEED:-1}
cc=${CC:-cc}

case $build in
/*) ;;
*) build=$top/$build ;;
esac
for f in "$build/failsigc" "$build/libfailsig.a" "$build/libfailsigc.a"; do
	if [ ! -e "$f" ]; then
		echo "not ok 1 - diffscan: $f is missing (make BUILD=$build first)"
		exit 1
	fi
done

san=
case $build in
*asan) san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" ;;
esac

mkdir -p "$build/tests"
tool=$build/tests/diffscan
# shellcheck disable=SC2086 # $san is a list of flags
if ! "$cc" -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wundef -Wno-unused-parameter -O1 -g $san \
	-D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	-I"$top/runtime" -I"$top/compiler" \
	-o "$tool" "$top/tests/tools/diffscan.c" \
	"$build/libfailsigc.a" "$build/libfailsig.a" -ljansson; then
	echo "not ok 1 - diffscan: cannot build $tool"
	exit 1
fi

# Per-pattern DFA size: small for the quick run (builds under ASan are slow),
# failsigc's own limit for long runs.
if [ -z "$DIFFSCAN_STATES" ]; then
	if [ "$cases" -le 50 ]; then DIFFSCAN_STATES=150; else DIFFSCAN_STATES=2000; fi
fi

set -- -c "$build/failsigc" -S "$DIFFSCAN_STATES"
if [ -n "$DIFFSCAN_WORKDIR" ]; then
	set -- "$@" -w "$DIFFSCAN_WORKDIR"
fi

# Builds dominate: run DIFFSCAN_JOBS tools side by side (default: one per
# core, at most 4) on consecutive seed ranges, then number their TAP lines
# in seed order.
jobs=${DIFFSCAN_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
[ "$jobs" -gt 4 ] && jobs=4
[ "$jobs" -lt 2 ] && jobs=2
[ "$jobs" -gt "$cases" ] && jobs=$cases
[ "$jobs" -lt 1 ] && jobs=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
i=0
first=$seed
while [ "$i" -lt "$jobs" ]; do
	n=$(( (cases - i + jobs - 1) / jobs ))
	# Odd-numbered tools scan with the scalar probe loop, the others with
	# AVX-512 where the CPU has it (runtime/probe.h): both are compared
	# with the reference.
	no_avx512=$((i % 2))
	# shellcheck disable=SC2086 # DIFFSCAN_ARGS is a list of options
	FAILSIG_NO_AVX512=$no_avx512 "$tool" "$@" -s "$first" -n "$n" $DIFFSCAN_ARGS >"$out/$i" 2>&1 &
	echo $! >"$out/$i.pid"
	first=$((first + n))
	i=$((i + 1))
done
status=0
i=0
while [ "$i" -lt "$jobs" ]; do
	wait "$(cat "$out/$i.pid")" || status=1
	i=$((i + 1))
done
echo "1..$cases"
i=0
while [ "$i" -lt "$jobs" ]; do
	cat "$out/$i"
	i=$((i + 1))
done | awk '
	/^1\.\.[0-9]+$/ { next }
	/^ok [0-9]+ / { sub(/^ok [0-9]+ /, "ok " ++n " "); print; next }
	/^not ok [0-9]+ / { sub(/^not ok [0-9]+ /, "not ok " ++n " "); print; next }
	{ print }'
exit $status
