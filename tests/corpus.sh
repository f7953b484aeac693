#!/bin/sh
# corpus.sh BUILD — the GHC pack on the end-to-end corpus: for every row of
# tests/corpus/MANIFEST.tsv, the rules that fire and would be acted on
# (failed job, or no job data) must be exactly the expected ones.
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
fs=$(cd "$build" && pwd)/failsig
cd "$top/tests/corpus" || exit 2
n=0
tab=$(printf '\t')
while IFS="$tab" read -r file job expected why; do
	[ "$file" = file ] && continue
	[ -n "$file" ] || continue
	n=$((n + 1))
	if [ "$job" = "-" ]; then
		out=$("$fs" scan "$file")
	else
		out=$("$fs" scan --job "$job" "$file")
	fi
	# "LOG: ID "title" [...]" lines of rules acted on; none => empty.
	got=$(printf '%s\n' "$out" | grep -v 'false-positive evidence' |
		sed -n "s|^$file: \([^ ]*\) \".*|\1|p" | sort | paste -sd, -)
	[ -n "$got" ] || got=none
	want=$(printf '%s\n' "$expected" | tr ',' '\n' | sort | paste -sd, -)
	if [ "$got" = "$want" ]; then
		echo "ok $n - corpus/$file: $want"
	else
		echo "not ok $n - corpus/$file: expected $want, got $got"
		echo "# $why" | cut -c1-300
	fi
done <MANIFEST.tsv
echo "1..$n"
