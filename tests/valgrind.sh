#!/bin/sh
# valgrind.sh BUILD — the end-to-end paths of failsig and failsigc under
# valgrind's memcheck, on a build without sanitizers (valgrind and ASan do
# not mix): scanning the corpus (text, JSON, a job filter, stdin), explain,
# test, rules; failsigc check on good and bad rules; the service processing
# 60 Job Hook events against the fake GitLab; fetch; and every investigation
# command and the dashboard over the database that made. Each run must end
# without a memcheck error and without a definite leak.
#
# `make check` runs it on BUILD=build (the release build; -O2 -g); run it by
# hand with `sh tests/valgrind.sh build`.
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/scratch.sh"
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/fixtures.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "not ok 1 - valgrind is not installed (.ci/run installs it)"
	exit 1
fi
for b in failsig failsigc tests/fakegitlab; do
	[ -x "$build/$b" ] || { echo "not ok 1 - $build/$b missing: make all units"; exit 1; }
done
if nm "$build/failsig" 2>/dev/null | grep -q __asan_init; then
	echo "not ok 1 - $build is a sanitizer build: valgrind needs the release build"
	exit 1
fi

# vg NAME: a wrapper that runs the program NAME under memcheck; every
# process it starts writes $tmp/vg/NAME.PID.log.
mkdir -p "$tmp/vg" "$tmp/bin"
vg() {
	cat >"$tmp/bin/$1" <<SH
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \\
	--show-leak-kinds=definite --track-fds=no --log-file='$tmp/vg/$1.%p.log' \\
	'$build/$1' "\$@"
SH
	chmod +x "$tmp/bin/$1"
}
vg failsig
vg failsigc
fs=$tmp/bin/failsig

# clean DESCRIPTION STATUS WANT...: the run ended with one of the wanted
# statuses (99 is memcheck's) and every valgrind log is empty; the logs are
# then moved away so the next check sees only its own.
clean() {
	d=$1 st=$2
	shift 2
	want=0
	for w in "$@"; do [ "$st" = "$w" ] && want=1; done
	reports=$(cat "$tmp"/vg/*.log 2>/dev/null | head -c 4000)
	if [ "$want" = 1 ] && [ -z "$reports" ]; then
		ok "$d"
	else
		nok "$d" "exit status $st (want $*)" $(echo "$reports" | head -n 15 | sed 's/ /_/g')
	fi
	mkdir -p "$tmp/vg.done"
	mv "$tmp"/vg/*.log "$tmp/vg.done/" 2>/dev/null
}

# ---- the matcher on files ----
"$fs" scan "$top"/tests/corpus/*.log >/dev/null
clean "scan: every corpus log" $? 0
"$fs" scan --format json --job "$top/tests/corpus/jobs/$(ls "$top/tests/corpus/jobs" | head -n 1)" \
	"$top"/tests/corpus/*.log >/dev/null 2>&1
clean "scan --format json --job" $? 0 1
printf 'a\r\033[0Kb\000\377\nNo space left on device' | "$fs" scan - >/dev/null
clean "scan: stdin with CR, ANSI, NUL, invalid UTF-8, no final newline" $? 0 1
"$fs" explain "$top/tests/corpus/full-disk-testsuite-with-T21336.log" >/dev/null
clean "explain" $? 0 1
"$fs" test --junit "$tmp/junit.xml" >/dev/null
clean "test --junit" $? 0
"$fs" rules >/dev/null
clean "rules" $? 0
"$fs" scan "$tmp/missing.log" 2>/dev/null
clean "scan: a missing log (error path)" $? 2

# ---- the compiler ----
"$tmp/bin/failsigc" check "$top/rules" >/dev/null 2>&1
clean "failsigc check rules/" $? 0 1
printf 'rule x "x" {\n  match /a(b/\n  unknown_key 1\n}\nrule x "dup" { match "y" }\ninclude "nowhere.rules"\n' >"$tmp/bad.rules"
"$tmp/bin/failsigc" check --format=json "$tmp/bad.rules" >/dev/null 2>&1
clean "failsigc check: a file full of errors" $? 1

# ---- the service: 60 events ----
db=$tmp/h.db
sh "$top/tests/lib/history.sh" "$build" "$fs" "$db" >"$tmp/history.log" 2>&1
clean "serve: 60 Job Hook events processed and SIGTERM" $? 0
check "... and recorded" test "$(sqlite3 "$db" 'select count(*) from jobs')" = 60

# ---- fetch from the fake GitLab ----
mkdir -p "$tmp/gl/jobs" "$tmp/gl/traces"
i=7001
for log in $(ls "$top"/tests/corpus/*.log | head -n 6); do
	job_json $i failed "$(basename "$log" .log)" >"$tmp/gl/jobs/$i.json"
	cp "$log" "$tmp/gl/traces/$i.log"
	i=$((i + 1))
done
"$build/tests/fakegitlab" --dir "$tmp/gl" --port-file "$tmp/gl.port" 2>/dev/null &
pids="$pids $!"
wait_for 20 test -s "$tmp/gl.port"
GITLAB_URL=http://127.0.0.1:$(cat "$tmp/gl.port") "$fs" fetch --project 1 --since 2026-11-01 \
	--until 2026-12-01 --db "$tmp/f.db" --quiet >/dev/null 2>&1
clean "fetch: six jobs backfilled" $? 0
check "... and recorded" test "$(sqlite3 "$tmp/f.db" 'select count(*) from jobs')" = 6

# ---- the investigation commands ----
"$fs" search --db "$db" '"No space left"' >/dev/null
clean "search (FTS5)" $? 0 1
"$fs" search --db "$db" --regex '/Killed|killed/' --count-by runner >/dev/null
clean "search --regex --count-by runner" $? 0 1
"$fs" stats --db "$db" --by day >/dev/null
clean "stats --by day" $? 0
"$fs" stats --db "$db" --format csv >/dev/null
clean "stats --format csv" $? 0
"$fs" report --db "$db" no_space >/dev/null
clean "report" $? 0 1
"$fs" unmatched --db "$db" >/dev/null
clean "unmatched" $? 0 1
"$fs" unmatched --db "$db" --draft 5001 >/dev/null 2>&1
clean "unmatched --draft" $? 0 1
"$fs" backtest --db "$db" --format markdown >/dev/null
clean "backtest --format markdown" $? 0 1

# ---- the dashboard ----
"$fs" dashboard --db "$db" --listen 127.0.0.1:0 --port-file "$tmp/dash.port" 2>"$tmp/dash.log" &
dpid=$!
pids="$pids $dpid"
if wait_for 60 test -s "$tmp/dash.port"; then
	d=http://127.0.0.1:$(cat "$tmp/dash.port")
	fails=0
	for p in / "/?days=30" /rule/no_space /job/5001 "/search?q=error" /api/summary /api/daily /api/rules /api/jobs \
		/api/jobs/5001 /api/retries /api/unmatched "/api/search?q=error" /nowhere; do
		curl -s -o /dev/null --max-time 60 "$d$p" || fails=$((fails + 1))
	done
	check "dashboard: every page answered" test "$fails" = 0
	kill -TERM "$dpid"
	wait "$dpid"
	clean "dashboard: pages and SIGTERM" $? 0
else
	nok "dashboard: did not start" "$(tail -n 5 "$tmp/dash.log")"
fi

echo "1..$n"
