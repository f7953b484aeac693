#!/bin/sh
# history.sh BUILD FAILSIG DB — a database of past jobs for the tests of the
# investigation commands (search, stats, backtest, report, unmatched, the
# dashboard): the service FAILSIG (a matcher binary) is run in dry-run mode
# against the fake GitLab, which serves the corpus logs (tests/corpus/) as
# 60 jobs of two projects, spread over ten days, four runners and both
# outcomes, and is sent one Job Hook event per job. Prints nothing on
# success; exits non-zero with the reason otherwise.
#
# Job ids are 5001..5060; job i uses corpus log number (i - 5001) % 47 in
# `ls` order, fails unless the log's name starts with "clean" or i is a
# multiple of 7, finished on 2026-11-(10 + i % 10), runner
# ci-runner-{x86-1,x86-2,aarch64-1,windows-1} by i % 4, project ghc/ghc
# (project id 1) except every fifth job, ghc/head.hackage (project id 2).
set -e
build=$(cd "$1" && pwd)
bin=$2
db=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/fixtures.sh"
tmp=$(mktemp -d)
trap 'rc=$?; kill $fpid $spid 2>/dev/null || true; rm -rf "$tmp"; exit $rc' EXIT
mkdir -p "$tmp/gl/jobs" "$tmp/gl/traces"
set -- $(ls "$top"/tests/corpus/*.log)
nlogs=$#
runners="ci-runner-x86-1 ci-runner-x86-2 ci-runner-aarch64-1 ci-runner-windows-1"
i=5001
while [ $i -le 5060 ]; do
	k=$(((i - 5001) % nlogs + 1))
	eval "log=\${$k}"
	name=$(basename "$log" .log)
	status=failed
	case $name in clean*) status=success ;; esac
	[ $((i % 7)) -eq 0 ] && status=success
	r=$((i % 4 + 1))
	runner=$(echo $runners | cut -d' ' -f$r)
	case $runner in
	*aarch64*) tags='"aarch64-linux"' ;;
	*windows*) tags='"new-x86_64-windows"' ;;
	*) tags='"x86_64-linux","docker"' ;;
	esac
	project=ghc/ghc
	[ $((i % 5)) -eq 0 ] && project=ghc/head.hackage
	day=$((10 + i % 10))
	job_json $i $status "$name" script_failure main "$runner" "$tags" \
		"2026-11-${day}T12:00:00.000Z" "$project" >"$tmp/gl/jobs/$i.json"
	cp "$log" "$tmp/gl/traces/$i.log"
	i=$((i + 1))
done
"$build/tests/fakegitlab" --dir "$tmp/gl" --port-file "$tmp/gl.port" 2>/dev/null &
fpid=$!
n=0
while [ ! -s "$tmp/gl.port" ]; do sleep 0.1; n=$((n + 1)); [ $n -lt 200 ]; done
GITLAB_URL=http://127.0.0.1:$(cat "$tmp/gl.port") "$bin" serve --no-secret --dry-run \
	--listen 127.0.0.1:0 --port-file "$tmp/port" --db "$db" --workers 2 2>"$tmp/serve.log" &
spid=$!
n=0
while [ ! -s "$tmp/port" ]; do sleep 0.1; n=$((n + 1)); [ $n -lt 300 ] || { cat "$tmp/serve.log"; exit 1; }; done
url=http://127.0.0.1:$(cat "$tmp/port")/hooks/gitlab
i=5001
while [ $i -le 5060 ]; do
	project=1
	[ $((i % 5)) -eq 0 ] && project=2
	event_json $i failed | sed "s/\"project_id\": 1,/\"project_id\": $project,/" |
		curl -s -f -o /dev/null -H 'Content-Type: application/json' --data-binary @- "$url"
	i=$((i + 1))
done
n=0
until [ "$(sqlite3 -cmd '.timeout 5000' "$db" 'select count(*) from events where state >= 2')" -ge 60 ]; do
	sleep 0.1
	n=$((n + 1))
	[ $n -lt 600 ] || { echo "history.sh: events not processed"; tail "$tmp/serve.log"; exit 1; }
done
kill -TERM $spid
wait $spid
