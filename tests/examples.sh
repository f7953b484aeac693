#!/bin/sh
# examples.sh BUILD — every example of the bundled rule pack (failsig test),
# and the JUnit report it writes.
build=$(cd "${1:-build}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/failsig" test --junit "$tmp/junit.xml" | grep -E '^(ok|not ok|#)'
if grep -q '<testsuite name="failsig examples"' "$tmp/junit.xml" &&
	! grep -q '<failure' "$tmp/junit.xml"; then
	echo "ok - junit report written, no failures"
else
	echo "not ok - junit report missing or has failures"
fi
