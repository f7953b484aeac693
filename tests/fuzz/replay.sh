#!/bin/sh
# replay.sh DIR NAME... — replay every seed and regression input of each fuzz
# target NAME through DIR/replay_NAME (tests/fuzz/replay_main.c), as one TAP
# stream: "1..N", then "ok K - NAME: FILE" per file. A file that crashes the
# driver is "not ok" and the driver is restarted on the files after it, so
# one bug does not hide the others. Exit status 0 only if every file passed.
# Run by `make fuzz-replay`.
dir=$1
shift
top=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

total=0
for n in "$@"; do
	for d in "$top/corpus/$n" "$top/regressions/$n"; do
		[ -d "$d" ] && find "$d" -type f ! -name 'README*' ! -name '.*' | LC_ALL=C sort
	done >"$tmp/$n.list"
	total=$((total + $(wc -l <"$tmp/$n.list")))
done
echo "1..$total"

k=1
status=0
for n in "$@"; do
	cp "$tmp/$n.list" "$tmp/todo"
	while [ -s "$tmp/todo" ]; do
		# Paths have no spaces (the corpus is ours).
		# shellcheck disable=SC2046
		"$dir/replay_$n" -n "$k" -t "$n" $(cat "$tmp/todo") >"$tmp/out"
		rc=$?
		cat "$tmp/out"
		done=$(grep -c '^\(not \)\{0,1\}ok ' "$tmp/out")
		[ "$rc" -eq 0 ] || status=1
		if [ "$rc" -ne 0 ] && ! tail -n 1 "$tmp/out" | grep -q '(crashed)$'; then
			# Died without a word (SIGKILL, stack overflow in the
			# handler): the next file is the culprit.
			done=$((done + 1))
			echo "not ok $((k + done - 1)) - $n: $(sed -n "${done}p" "$tmp/todo") (died, status $rc)"
		fi
		k=$((k + done))
		sed "1,${done}d" "$tmp/todo" >"$tmp/rest"
		mv "$tmp/rest" "$tmp/todo"
		[ "$rc" -eq 0 ] && break
	done
done
exit $status
