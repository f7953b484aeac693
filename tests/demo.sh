#!/bin/sh
# demo.sh BUILD — what `make demo` shows: the bundled GHC rule pack compiled
# into BUILD/failsig, its examples run, and the sample logs scanned.
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
fs="$build/failsig"
echo "== the compiled rule set (failsig rules)"
"$fs" rules
echo
echo "== every rule's examples (failsig test)"
"$fs" test | tail -n 1
echo
echo "== scanning the sample logs in tests/corpus (failsig scan)"
for log in "$top"/tests/corpus/*.log; do
	"$fs" scan "$log" | head -n 3
done
echo
echo "== why a rule fired (failsig explain)"
log=$(ls "$top"/tests/corpus/*.log | head -n 1)
"$fs" explain "$log" | head -n 20
