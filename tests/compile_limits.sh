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
# Patterns each under the per-pattern limit, 220 of them (1,031 DFA states
# each) over the rule set's total of 200,000: refused as a whole, naming the
# largest pattern, before any code is generated.
i=1
while [ $i -le 220 ]; do
	printf 'rule r%d "t" { ticket "t" match /qq%d[ab]*a[ab]{9}zz/ observe example "qq%dabbbbbbbbbzz" }\n' $i $i $i
	i=$((i + 1))
done >"$tmp/total.rules"
t "rule set over the total DFA budget refused by check" 1 "needs 226712 DFA states, more than the limit of 200000" \
	"$build/failsigc" check "$tmp/total.rules"
t "rule set over the total DFA budget: the note names the largest pattern" 1 "note: the largest pattern (1031 states)" \
	"$build/failsigc" check "$tmp/total.rules"
t "rule set over the total DFA budget refused by build, no binary" 1 "more than the limit of 200000" \
	sh -c "'$build/failsigc' build '$tmp/total.rules' -o '$tmp/total' 2>&1; rc=\$?; [ ! -e '$tmp/total' ] || echo binary written; exit \$rc"
# A pattern under the DFA estimate whose re2c output is huge all the same
# (longest match keeps early-accepting states apart; found by diffscan: 2.3
# MB of C, 150 s of gcc): refused after re2c, before the C compiler runs.
cat >"$tmp/bigc.rules" <<'RULES'
rule r1 "t" { ticket "t" match /[^\s\x01-\x1fx-z]b$|\+(\+[\x80-\xff](\|y+|=[A-F\x80\/\D]{0,}[a-c\d]{22,140}fail)|abcdef([:\Da-e]d+xyz|1{25,185}[a-f].\W){2}#)(?:killed){9}Error:$/ example "x" }
RULES
t "a matcher re2c makes too large is refused before cc, naming the pattern" 1 \
	"bigc.rules:1:32: error: re2c made [0-9.]* MB of C for the matcher of" \
	"$build/failsigc" build -Wno-broad-pattern "$tmp/bigc.rules" -o "$tmp/bigc"
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
