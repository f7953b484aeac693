# tap.sh — sourced by the test scripts: TAP lines numbered by $n, and
# polling. A script may define its own check after sourcing this (a later
# definition wins).
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
# nok DESCRIPTION [LINE...]: a failure, each LINE a "# " diagnostic.
nok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	shift
	for l in "$@"; do echo "# $l"; done
}
# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else nok "$d" "failed: $*"; fi
}
# same DESCRIPTION GOT WANT: ok when the two strings are equal.
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "want: $3" "got:  $2"; fi
}
# same_files DESCRIPTION GOT-FILE WANT-FILE
same_files() {
	if cmp -s "$2" "$3"; then ok "$1"; else nok "$1" "$(diff "$3" "$2" | head -n 8 | tr '\n' ' ')"; fi
}
# wait_for SECONDS COMMAND...: poll until the command succeeds.
wait_for() {
	t=$(($1 * 10))
	shift
	while [ "$t" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}
