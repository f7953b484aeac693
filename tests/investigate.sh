#!/bin/sh
# investigate.sh BUILD — the investigation commands `failsig search`, `stats`,
# `report` and `unmatched` over the database of 60 past jobs that
# tests/lib/history.sh builds (deterministic: dates come from the job JSON,
# no wall-clock time is printed).
#
# Golden outputs live in tests/golden/investigate/NAME.expected: stdout,
# then "--- stderr" and stderr if any, then "exit N" (as tests/golden.sh).
# UPDATE=1 rewrites them; a missing one is written as NAME.actual and fails.
# The commands run inside the temporary directory with `--db h.db`, so no
# temporary path appears in an output.
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
golden=$top/tests/golden/investigate
fs=$build/failsig
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top/tests/lib/tap.sh"

# capture OUT COMMAND...: stdout, stderr and the exit status of COMMAND
# (run in $tmp) into OUT; $rc is the status.
capture() {
	out=$1
	shift
	(cd "$tmp" && "$@") >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	{
		cat "$tmp/stdout"
		[ -s "$tmp/stderr" ] && { echo "--- stderr"; cat "$tmp/stderr"; }
		echo "exit $rc"
	} >"$out"
}

# gold NAME FAILSIG-ARGS...: `failsig ARGS --db h.db` against NAME.expected.
gold() {
	name=$1
	shift
	capture "$tmp/out" "$fs" "$@" --db h.db
	exp=$golden/$name.expected
	if [ ! -f "$exp" ]; then
		if [ -n "$UPDATE" ]; then
			cp "$tmp/out" "$exp"
			ok "$name # written"
		else
			cp "$tmp/out" "$golden/$name.actual"
			nok "$name: no $name.expected (wrote .actual; UPDATE=1 accepts it)"
		fi
	elif cmp -s "$exp" "$tmp/out"; then
		ok "$name"
	elif [ -n "$UPDATE" ]; then
		cp "$tmp/out" "$exp"
		ok "$name # updated"
	else
		nok "$name: output differs from tests/golden/investigate/$name.expected" \
			"$(diff -u "$exp" "$tmp/out" | head -n 30)"
	fi
}

# check NAME WANT-EXIT PATTERN FAILSIG-ARGS...: exit status, and a line of
# stdout+stderr matching the grep -E PATTERN.
check() {
	name=$1 want=$2 pat=$3
	shift 3
	capture "$tmp/out" "$fs" "$@"
	if [ "$rc" -ne "$want" ]; then
		nok "$name" "exit $rc, want $want" "$(head -n 5 "$tmp/out")"
	elif ! grep -Eq -- "$pat" "$tmp/out"; then
		nok "$name" "no line matches /$pat/:" "$(head -n 5 "$tmp/out")"
	else
		ok "$name"
	fi
}

mkdir -p "$golden"
if ! sh "$top/tests/lib/history.sh" "$build" "$fs" "$tmp/h.db" >"$tmp/history.log" 2>&1; then
	echo "not ok 1 - building the history database"
	sed 's/^/# /' "$tmp/history.log"
	echo "1..1"
	exit 1
fi

# ---- search ----
gold search-phrase search '"No space left"'
gold search-prefix search 'alloc*' --lines 1
gold search-count-runner search '"No space left"' --count-by runner
gold search-count-day search 'fatal' --count-by day
gold search-context search 'RPC failed' --context 2
gold search-json search 'RPC failed' --context 1 --format json
gold search-limit search 'Segmentation fault' --limit 1
gold search-since search '"No space left"' --since 2026-11-17
gold search-regex search --regex '/no space left on (device|disk)/i' --limit 3
gold search-regex-scan search --regex 'T2[0-9]+[ab]\.run' --count-by job
gold search-none search 'zzyzx'
gold search-bad-phrase search '"No space'
gold search-bad-syntax search 'space AND'
gold search-bad-column search 'exit:137'
gold search-bad-regex search --regex 'a(b|c'

# Every job --regex finds holds a line the phrase query finds too: the
# prefilter loses nothing (the same jobs, the same count).
(cd "$tmp" && "$fs" search --db h.db --regex 'No space left on device' --limit 0 |
	grep -E '^[0-9]+ ' >"$tmp/rx.jobs")
(cd "$tmp" && "$fs" search --db h.db '"No space left on device"' --limit 0 |
	grep -E '^[0-9]+ ' >"$tmp/fts.jobs")
if [ -s "$tmp/rx.jobs" ] && cmp -s "$tmp/rx.jobs" "$tmp/fts.jobs"; then
	ok "search --regex (prefiltered) and the phrase query find the same jobs"
else
	nok "search --regex (prefiltered) and the phrase query find the same jobs" \
		"$(diff "$tmp/fts.jobs" "$tmp/rx.jobs" | head -n 5)"
fi
check "search --regex says it used the full-text prefilter" 0 \
	'^\(regex: prefiltered by the full-text query "space left on device"' \
	search --db h.db --regex 'No space left on device' --count-by project
check "search --regex without required words scans every line" 0 \
	'^\(regex: no word .* all [0-9]+ stored lines scanned\)' \
	search --db h.db --regex '[0-9]x[0-9]' --count-by project

# A job counts under each of its runner's tags (jobs.runner_tags, JSON).
gold search-count-tag search '"No space left"' --count-by tag

# ---- stats ----
gold stats-text stats no_space cannot_allocate submodule_clone job_timeout
gold stats-by-runner stats no_space 'code_*' --by runner
gold stats-by-tag stats no_space cannot_allocate --by tag
gold stats-by-job stats no_space signal_9 cannot_allocate --by job
gold stats-json stats no_space job_timeout --format json --by day
gold stats-csv stats no_space cannot_allocate signal_9 runner_system --format csv
gold stats-csv-by stats 'code_*' no_space --by project --format csv
gold stats-since stats no_space signal_9 --since 2026-11-14T00:00
gold stats-unknown stats no_such_rule

# Every compiled rule is listed, dead ones (no hit) at the end with "-" dates.
nrules=$("$fs" rules | sed -n 's/^rule set [0-9a-f]*: \([0-9]*\) rules.*/\1/p')
(cd "$tmp" && "$fs" stats --db h.db) >"$tmp/stats.txt"
rows=$(sed -n '/^RULE /,$p' "$tmp/stats.txt" | sed 1d | grep -c .)
if [ -n "$nrules" ] && [ "$rows" -eq "$nrules" ] &&
	tail -n 1 "$tmp/stats.txt" | grep -Eq '^[^ ]+ +[a-z]+ +0 +0 +0 +- +- '; then
	ok "stats lists all $nrules rules of the rule set, dead rules last"
else
	nok "stats lists all rules of the rule set, dead rules last" "$nrules rules, $rows rows" \
		"$(tail -n 2 "$tmp/stats.txt")"
fi

# Retries that GitLab made, and whether the new job passed: a copy of the
# database where three of no_space's dry-run decisions are made real (5005
# passed, 5001 failed) or refused.
cp "$tmp/h.db" "$tmp/r.db"
sqlite3 "$tmp/r.db" "UPDATE retries SET state = 2, new_job_id = 5005 WHERE job_id = 5006;
	UPDATE retries SET state = 2, new_job_id = 5001 WHERE job_id = 5007;
	UPDATE retries SET state = 6, reason = 'circuit breaker' WHERE job_id = 5014;"
check "stats counts retries made, passed, dry-run and refused" 0 \
	'^no_space +retry +6 +16 +0 +2026-11-11 +2026-11-19 +2 +1 +3 +1$' stats --db r.db no_space
check "report counts retries made, passed, dry-run and refused" 0 \
	'Retries:\*\* 2 made, 1 of them passed; 3 dry-run; 1 refused' report --db r.db no_space

# ---- report ----
gold report-markdown report no_space
gold report-text report submodule_clone --format text --examples 2 --context 1
gold report-no-hits report job_timeout
gold report-unknown report no_such_rule

# ---- unmatched ----
gold unmatched-text unmatched
gold unmatched-json unmatched --limit 3 --examples 1 --format json
gold unmatched-since unmatched --since 2026-11-17
gold unmatched-draft unmatched --draft 5022
gold unmatched-draft-empty unmatched --draft 5037

# Every group's suggested draft passes `failsigc check` without a warning.
(cd "$tmp" && "$fs" unmatched --db h.db --limit 0) |
	sed -n 's/^  draft a rule: failsig unmatched --draft \([0-9]*\)$/\1/p' >"$tmp/drafts"
bad=
for id in $(cat "$tmp/drafts"); do
	(cd "$tmp" && "$fs" unmatched --db h.db --draft "$id") >"$tmp/draft-$id.rules"
	if ! "$build/failsigc" check "$tmp/draft-$id.rules" >"$tmp/check.out" 2>&1 ||
		[ -s "$tmp/check.out" ]; then
		bad="$bad $id"
		sed 's/^/  /' "$tmp/check.out" >>"$tmp/check.all"
	fi
done
if [ -s "$tmp/drafts" ] && [ -z "$bad" ]; then
	ok "unmatched --draft: all $(grep -c . "$tmp/drafts") drafts pass failsigc check cleanly"
else
	nok "unmatched --draft: drafts pass failsigc check" "failed:$bad" \
		"$(head -n 10 "$tmp/check.all" 2>/dev/null)"
fi

# A draft compiled into a matcher fires on its own example, and on the log
# of the job it was drafted from.
id=$(head -n 1 "$tmp/drafts")
if "$build/failsigc" build "$tmp/draft-$id.rules" -o "$tmp/draft" >"$tmp/build.out" 2>&1 &&
	"$tmp/draft" test >"$tmp/test.out" 2>&1 &&
	(cd "$tmp" && sqlite3 h.db "select text from log_lines where job_id = $id order by line") |
	"$tmp/draft" scan - >/dev/null; then
	ok "the draft for job $id builds, passes its example and fires on the job's log"
else
	nok "the draft for job $id builds, passes its example and fires on the job's log" \
		"$(cat "$tmp/build.out" "$tmp/test.out" | head -n 10)"
fi

# ---- usage, help, exit codes ----
for cmd in search stats report unmatched; do
	check "$cmd --help" 0 "^usage: failsig $cmd " "$cmd" --help
done
check "failsig --help lists the investigation commands" 0 '^  unmatched ' --help
check "search without a query is a usage error" 2 'no QUERY given' search --db h.db
check "search --count-by takes a dimension" 2 "use one of day\|job\|runner\|tag\|project" \
	search x --db h.db --count-by color
check "stats --since takes a date" 2 "expected a date" stats --db h.db --since yesterday
check "report needs a rule" 2 "which RULE" report --db h.db
check "unmatched --draft of an unknown job" 2 "no job 999 in the database" \
	unmatched --db h.db --draft 999
check "a missing database is an error, not created" 2 "cannot open database 'none.db'" \
	stats --db none.db
if [ -e "$tmp/none.db" ]; then
	nok "the missing database was not created"
else
	ok "the missing database was not created"
fi

# The schema is migrated on open: a version-1 database (before stored logs)
# gains the log tables and keeps its jobs; a newer one is refused untouched.
cp "$tmp/h.db" "$tmp/v1.db"
sqlite3 "$tmp/v1.db" "DROP TABLE log_fts; DROP TABLE log_lines; DROP TABLE traces;
	ALTER TABLE jobs DROP COLUMN log_stored_at; PRAGMA user_version = 1;"
check "a version-1 database: stats read it (migrated on open)" 0 "no_space +retry +6 " stats --db v1.db
if [ "$(sqlite3 "$tmp/v1.db" "PRAGMA user_version; SELECT count(*) FROM jobs; SELECT count(*) FROM log_lines;
	SELECT count(*) FROM jobs WHERE log_stored_at IS NOT NULL" | tr '\n' ' ')" = "2 60 0 0 " ]; then
	ok "a version-1 database: now version 2, its 60 jobs kept, the log tables added (empty)"
else
	nok "a version-1 database: not migrated as expected" "$(sqlite3 "$tmp/v1.db" "PRAGMA user_version; .tables")"
fi
cp "$tmp/h.db" "$tmp/v9.db"
sqlite3 "$tmp/v9.db" "PRAGMA user_version = 9"
check "a database newer than this failsig: refused" 2 "schema version 9, newer than this failsig \(2\)" \
	stats --db v9.db
if [ "$(sqlite3 "$tmp/v9.db" "PRAGMA user_version")" = 9 ]; then
	ok "a newer database is left untouched"
else
	nok "a newer database was changed"
fi

echo "1..$n"
