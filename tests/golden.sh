#!/bin/sh
# golden.sh BUILD — golden-file tests: exact output of a command, compared
# with NAME.expected next to the input. UPDATE=1 rewrites the .expected
# files (review them in the diff); a missing .expected is written as
# NAME.actual and reported as a failure (re2c's run_tests.py does the same).
#
#   tests/golden/compile/NAME.rules   first line "# failsigc ARGS" (run in that
#                                     directory; default ARGS: check NAME.rules)
#   tests/golden/codegen/NAME.rules   `failsigc build --emit=re`: the generated
#                                     re2c source
#   tests/scan/NAME.rules             built into a matcher; first line
#                                     "# failsig ARGS" (run in tests/scan)
# Each .expected holds stdout, then stderr, then "exit N".
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

check() {  # name expected-file actual-file
	n=$((n + 1))
	if [ ! -f "$2" ]; then
		if [ -n "$UPDATE" ]; then
			cp "$3" "$2"
			echo "ok $n - $1 # written"
		else
			cp "$3" "${2%.expected}.actual"
			echo "not ok $n - $1: no $(basename "$2") (wrote .actual; UPDATE=1 accepts it)"
		fi
	elif cmp -s "$2" "$3"; then
		echo "ok $n - $1"
	elif [ -n "$UPDATE" ]; then
		cp "$3" "$2"
		echo "ok $n - $1 # updated"
	else
		echo "not ok $n - $1: output differs from $(basename "$2")"
		diff -u "$2" "$3" | head -n 40 | sed 's/^/# /'
	fi
}

# Run "$@" capturing stdout, stderr and status into one file.
capture() {
	out=$1
	shift
	"$@" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	{
		cat "$tmp/stdout"
		[ -s "$tmp/stderr" ] && { echo "--- stderr"; cat "$tmp/stderr"; }
		echo "exit $rc"
	} >"$out"
}

for f in "$top"/tests/golden/compile/*.rules; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .rules)
	args=$(sed -n '1s/^# failsigc //p' "$f")
	[ -n "$args" ] || args="check $name.rules"
	# shellcheck disable=SC2086
	(cd "$(dirname "$f")" && capture "$tmp/out" "$build/failsigc" $args)
	check "compile/$name" "${f%.rules}.expected" "$tmp/out"
done

for f in "$top"/tests/golden/codegen/*.rules; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .rules)
	(cd "$(dirname "$f")" && capture "$tmp/out" "$build/failsigc" build --emit=re "$name.rules" -o "$tmp/gen.re")
	cat "$tmp/gen.re" >>"$tmp/out" 2>/dev/null
	check "codegen/$name" "${f%.rules}.expected" "$tmp/out"
done

for f in "$top"/tests/scan/*.rules; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .rules)
	args=$(sed -n '1s/^# failsig //p' "$f")
	if ! (cd "$(dirname "$f")" && "$build/failsigc" build "$name.rules" -o "$tmp/$name" 2>"$tmp/build.err"); then
		n=$((n + 1))
		echo "not ok $n - scan/$name: failsigc build failed"
		sed 's/^/# /' "$tmp/build.err"
		continue
	fi
	# shellcheck disable=SC2086
	(cd "$(dirname "$f")" && capture "$tmp/out" "$tmp/$name" $args)
	check "scan/$name" "${f%.rules}.expected" "$tmp/out"
done
echo "1..$n"
