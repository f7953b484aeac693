#!/bin/sh
# build_check.sh BUILD FILE|DIR... — the part of the compiler fuzz_parse
# cannot run in-process: for every rule file that `failsigc check` accepts
# without errors, `failsigc build` must produce a matcher (generated .re ->
# re2c -> cc). Prints TAP ("ok N - build: FILE"; files with errors are
# skipped with "# SKIP"). Meant for a fuzz_parse corpus: libFuzzer's
# build/fuzz/corpus/parse holds thousands of odd but valid rule files.
#   sh tests/fuzz/build_check.sh build build/fuzz/corpus/parse
build=$1
shift
failsigc="$build/failsigc"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
	if "$failsigc" build "$tmp/in.rules" -o "$tmp/bin" >"$tmp/out" 2>&1; then
		echo "ok $n - build: $f"
	else
		echo "not ok $n - build: $f"
		sed 's/^/# /' "$tmp/out" | head -n 5
		status=1
	fi
	rm -f "$tmp/bin"
done <"$tmp/list"
exit $status
