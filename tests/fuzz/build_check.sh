#!/bin/sh
# build_check.sh BUILD FILE|DIR... — the part of the compiler fuzz_parse
# cannot run in-process, end to end: for every rule file that `failsigc
# check` accepts without errors, `failsigc build` must produce a matcher
# (generated .re -> re2c -> cc), and that matcher must run: `rules` exits
# 0, `test` runs the file's examples to a TAP plan (exit 0 or 1: a fuzzed
# example may well not match), and `scan --format json` of a small log with
# ANSI colour, sections, CR progress, NUL and invalid UTF-8 exits 0 or 1
# with one JSON object naming the rule-set hash. Prints TAP ("ok N - build:
# FILE"; files with errors are skipped with "# SKIP"). Meant for a
# fuzz_parse corpus: libFuzzer's build/fuzz/corpus/parse holds thousands of
# odd but valid rule files (`make fuzz-build-check` runs it on them).
#   sh tests/fuzz/build_check.sh build build/fuzz/corpus/parse
build=$1
shift
failsigc="$build/failsigc"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'section_start:1700000000:step_script\r\033[0K\033[32;1mRunning\033[0m\nerror: x\r\033[0K50%%\rdone\n\000\377\376 No space left on device\nFailed to connect\nsection_end:1700000001:step_script\r\033[0K\nlast line without newline' >"$tmp/small.log"
find "$@" -type f ! -name 'README*' | LC_ALL=C sort >"$tmp/list"
echo "1..$(wc -l <"$tmp/list")"
n=0
status=0
while IFS= read -r f; do
	n=$((n + 1))
	# A copy under a .rules name in an empty directory: includes and
	# example files resolve to nothing, as in fuzz_parse.
	cp "$f" "$tmp/in.rules"
	if ! "$failsigc" check "$tmp/in.rules" >/dev/null 2>&1; then
		echo "ok $n - build: $f # SKIP has errors"
		continue
	fi
	why=""
	if ! "$failsigc" build "$tmp/in.rules" -o "$tmp/bin" >"$tmp/out" 2>&1; then
		why="failsigc build failed"
	elif ! "$tmp/bin" rules >"$tmp/out" 2>&1; then
		why="the matcher's 'rules' failed"
	else
		"$tmp/bin" test >"$tmp/out" 2>&1
		rc=$?
		if [ "$rc" -gt 1 ] || ! grep -q '^1\.\.[0-9]' "$tmp/out"; then
			why="the matcher's 'test' exited $rc"
		else
			"$tmp/bin" scan --format json "$tmp/small.log" >"$tmp/out" 2>&1
			rc=$?
			if [ "$rc" -gt 1 ] || [ "$(wc -l <"$tmp/out")" -ne 1 ] ||
			   ! grep -q '^{"log":.*"ruleset":"[0-9a-f]*"' "$tmp/out"; then
				why="the matcher's 'scan' exited $rc"
			fi
		fi
	fi
	if [ -z "$why" ]; then
		echo "ok $n - build: $f"
	else
		echo "not ok $n - build: $f: $why"
		sed 's/^/# /' "$tmp/out" | head -n 5
		status=1
	fi
	rm -f "$tmp/bin"
done <"$tmp/list"
exit $status
