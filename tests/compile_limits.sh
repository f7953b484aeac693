#!/bin/sh
# compile_limits.sh BUILD — failsigc on hostile rule files ends quickly with
# a diagnostic: a rule set must never hang the compiler or the build.
build=$(cd "${1:-build}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() {  # name expected-exit grep-pattern command...
	name=$1 want=$2 pat=$3
	shift 3
	n=$((n + 1))
	"$@" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -q -- "$pat" "$tmp/out"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name: exit $rc, expected $want and /$pat/"
		head -n 5 "$tmp/out" | sed 's/^/# /'
	fi
}
# A whole file system is not a rules directory (found by fuzzing with
# `include "/"`).  The test builds its own huge directory: what / holds
# differs from machine to machine.
mkdir "$tmp/huge" "$tmp/huge/d"
(cd "$tmp/huge/d" && seq 1 20001 | xargs touch)
printf 'include "huge"\n' >"$tmp/root.rules"
t "include of a huge directory stops with an error" 1 "more than 20000 directory entries" \
	"$build/failsigc" check "$tmp/root.rules"
# Include cycles are reported, not followed.
printf 'include "b.rules"\n' >"$tmp/a.rules"
printf 'include "a.rules"\n' >"$tmp/b.rules"
t "include cycle" 1 "include cycle" "$build/failsigc" check "$tmp/a.rules"
# A pattern whose DFA explodes is refused before any code is generated.
printf 'rule x "x" { ticket "t" match /error: .{200}foo/ example "x" }\n' >"$tmp/dfa.rules"
t "exponential DFA refused by build" 1 "needs a DFA of more than" \
	"$build/failsigc" build "$tmp/dfa.rules" -o "$tmp/bin"
# A compile step that runs too long is killed with a clear error.
printf 'rule y "y" { ticket "t" match /^\\w\\w(([\\wa-e]{15,400})+0{30,400}xyz)/ example "x" }\n' >"$tmp/slow.rules"
t "build timeout" 2 "did not finish within 1 s" \
	env FAILSIG_BUILD_TIMEOUT=1 "$build/failsigc" build "$tmp/slow.rules" -o "$tmp/bin"
# Counted repetitions at the ends of a pattern once made re2c fail ("DFA
# has too many states") or run for minutes (found by tests/diffscan.sh);
# only their minimum matters for "does the line contain a match".
printf 'rule a "a" { ticket "t" match /a\\w{4,20}/ example "abcdef" example not "abc" }\n' >"$tmp/rep.rules"
printf 'rule b "b" { ticket "t" match /[A-Za-z_]\\w{3,40}/ example "x_abc" example not "x_a" }\n' >>"$tmp/rep.rules"
printf 'rule c "c" { ticket "t" match /\\d{2,30}:[a-z]{8,60}/ example "12:abcdefgh" example not "1:abcdefgh" }\n' >>"$tmp/rep.rules"
t "counted repetitions at pattern ends: built, examples pass" 0 "6 examples, 6 passed, 0 failed" \
	sh -c "FAILSIG_BUILD_TIMEOUT=120 '$build/failsigc' build -Wno-broad-pattern '$tmp/rep.rules' -o '$tmp/rep' && '$tmp/rep' test"
echo "1..$n"
