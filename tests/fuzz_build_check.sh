#!/bin/sh
# fuzz_build_check.sh BUILD — every rule file of the parse fuzz corpus that
# failsigc check accepts must also build (re2c and cc included).
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/tests/fuzz/build_check.sh" "${1:-build}" "$top/tests/fuzz/corpus/parse" \
	"$top/tests/fuzz/regressions/parse"
