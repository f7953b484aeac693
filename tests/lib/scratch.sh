# scratch.sh — sourced by the test scripts that start processes: $tmp, a
# new temporary directory removed on exit (KEEP=1 keeps it for a look), and
# $pids, the processes killed (SIGKILL) on exit.
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	[ -n "$KEEP" ] || rm -rf "$tmp"
}
trap cleanup EXIT
