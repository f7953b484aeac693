#!/bin/sh
# run_all.sh BUILD — run every test suite against the binaries in BUILD and
# print one summary line: "N passed, M failed". Every suite prints TAP lines
# ("ok ..." / "not ok ..."); a suite that crashes or exits non-zero without a
# "not ok" line counts as one failure of its own.
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pass=0
fail=0

run_suite() {
	name=$1
	shift
	"$@" >"$out/log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$out/log")
	f=$(grep -c '^not ok ' "$out/log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc"
	fi
	grep -E '^not ok |^#' "$out/log" | sed "s|^|$name: |"
	if [ "$rc" -ne 0 ] && [ "$f" -ge 1 ]; then
		tail -n 20 "$out/log" | grep -vE '^(ok|not ok|#)' | sed "s|^|$name: |"
	fi
	echo "$name: $p passed, $f failed"
	pass=$((pass + p))
	fail=$((fail + f))
}

for t in "$build"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	run_suite "unit/$(basename "$t")" "$t"
done
for t in "$top"/tests/*.sh; do
	case $(basename "$t") in run_all.sh|demo.sh) continue ;; esac
	if [ "$(basename "$t")" = valgrind.sh ]; then
		# valgrind needs a build without sanitizers: $VALGRIND_BUILD
		# (`make check` sets it to the release build)
		if [ -n "$VALGRIND_BUILD" ]; then
			run_suite valgrind sh "$t" "$VALGRIND_BUILD"
		else
			echo "valgrind: skipped (VALGRIND_BUILD not set)"
		fi
		continue
	fi
	run_suite "$(basename "$t" .sh)" sh "$t" "$build"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
