#!/bin/sh
# backtest.sh BUILD — `failsig backtest` over a database of 60 past jobs
# (tests/lib/history.sh, recorded by the GHC pack): unchanged rules report
# no change; a changed rule set (a broad new rule, a rule removed) reports
# newly matched jobs, no longer matched jobs and hits in successful jobs,
# and fails the threshold. Golden outputs in tests/golden/backtest/
# (UPDATE=1 rewrites them).
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
golden=$top/tests/golden/backtest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top/tests/lib/tap.sh"
# run NAME EXPECTED-EXIT GOLDEN-FILE|- COMMAND...: stdout against the golden file
run() {
	name=$1 want=$2 gold=$3
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$gold" != - ] && [ -n "$UPDATE" ]; then
		cp "$tmp/out" "$golden/$gold"
	fi
	if [ "$rc" -ne "$want" ]; then
		nok "$name" "exit $rc, want $want" "$(head -n 3 "$tmp/err")"
	elif [ "$gold" != - ] && ! cmp -s "$tmp/out" "$golden/$gold"; then
		nok "$name" "output differs from tests/golden/backtest/$gold:" \
			"$(diff "$golden/$gold" "$tmp/out" | head -n 10)"
	else
		ok "$name"
	fi
}

if ! sh "$top/tests/lib/history.sh" "$build" "$build/failsig" "$tmp/h.db" >"$tmp/history.log" 2>&1; then
	echo "not ok 1 - building the history database"
	sed 's/^/# /' "$tmp/history.log"
	exit 1
fi

run "same rule set: nothing changed (text)" 0 same.txt "$build/failsig" backtest --db "$tmp/h.db"
run "same rule set: markdown comment" 0 same.md "$build/failsig" backtest --db "$tmp/h.db" --format markdown
run "hits in successful jobs over --max-success-hits 0" 1 - "$build/failsig" backtest --db "$tmp/h.db" --max-success-hits 0
if grep -q "a rule hits more successful jobs than allowed" "$tmp/err"; then ok "the failure says why"; else nok "the failure says why" "$(cat "$tmp/err")"; fi

# A changed rule set: docker removed, a broad rule added, no_space untouched.
mkdir "$tmp/rules"
cp "$top"/rules/ghc/*.rules "$tmp/rules/"
cp -r "$top/rules/ghc/examples" "$tmp/rules/" 2>/dev/null
awk '/^rule docker /{skip=1} skip&&/^}/{skip=0; next} !skip' "$top/rules/ghc/infrastructure.rules" >"$tmp/rules/infrastructure.rules"
cat >>"$tmp/rules/infrastructure.rules" <<'RULES'

rule any_error "Any line that says error (too broad on purpose)" {
    ticket "https://example.org/issues/1"
    match /[Ee]rror:/
    retry
    example "make: *** Error: 2"
}
RULES
if ! "$build/failsigc" build -Wno-missing-ticket -Wno-broad-pattern "$tmp/rules" -o "$tmp/changed" >"$tmp/build.log" 2>&1; then
	nok "building the changed rule set" "$(head -n 5 "$tmp/build.log")"
else
	run "changed rule set: new, gone and success hits (text)" 1 changed.txt "$tmp/changed" backtest --db "$tmp/h.db"
	run "changed rule set: markdown comment" 1 changed.md "$tmp/changed" backtest --db "$tmp/h.db" --format markdown --examples 2
	run "changed rule set: within a generous threshold" 0 - "$tmp/changed" backtest --db "$tmp/h.db" --max-new-success-hits 100
	run "changed rule set: only the named rule" 0 only-no-space.txt "$tmp/changed" backtest --db "$tmp/h.db" no_space
	run "changed rule set: json" 1 changed.json "$tmp/changed" backtest --db "$tmp/h.db" --format json
	if grep -q '"rule": "docker"' "$tmp/out" && grep -q '"in_ruleset": false' "$tmp/out"; then
		ok "json: the removed rule is reported as not in the rule set"
	else
		nok "json: the removed rule is reported as not in the rule set"
	fi
fi
"$build/failsig" backtest --db "$tmp/h.db" --jobs 1 --format json >"$tmp/j1" 2>/dev/null
"$build/failsig" backtest --db "$tmp/h.db" --jobs 4 --format json >"$tmp/j4" 2>/dev/null
if [ -s "$tmp/j1" ] && cmp -s "$tmp/j1" "$tmp/j4"; then ok "--jobs 1 and --jobs 4 report the same"; else nok "--jobs 1 and --jobs 4 report the same"; fi
run "unknown rule: usage error" 2 - "$build/failsig" backtest --db "$tmp/h.db" no_such_rule
run "no database: error" 2 - "$build/failsig" backtest --db "$tmp/none.db"
if grep -q "no database '$tmp/none.db'" "$tmp/err" && [ ! -e "$tmp/none.db" ]; then ok "no database: named, not created"; else nok "no database: named, not created" "$(cat "$tmp/err")"; fi
run "bad --format" 2 - "$build/failsig" backtest --db "$tmp/h.db" --format yaml
"$build/failsig" backtest --help | grep -q "max-new-success-hits" && ok "--help" || nok "--help"

# A trace of several 1 MiB chunks is read back whole: the hits on a line
# that straddles the first chunk boundary and on the unterminated last line
# are found again, so the rescan reports no change. New databases use
# 64 KiB pages (backtest reads traces as blobs; docs/performance.md).
. "$top/tests/lib/fixtures.sh"
mkdir -p "$tmp/big/jobs"
awk 'BEGIN {
	n = 0
	while(n < 1048500) { l = sprintf("[%5d of 9999] Compiling GHC.Module%d ( compiler/GHC/M%d.hs, m.o )", n % 9999, n, n); print l; n += length(l) + 1 }
	print "curl: (7) Failed to connect to gitlab.haskell.org port 443: Connection refused"
	while(n < 2600000) { l = sprintf("    T%d(normal) passed", n); print l; n += length(l) + 1 }
	printf "haddock: out of memory allocating 4194304 bytes"
}' >"$tmp/big.log"
job_json 9001 failed big script_failure main r1 '"x86_64-linux"' 2026-11-20T10:00:00.000Z ghc/ghc \
	>"$tmp/big/jobs/9001.json"
"$build/tests/fakegitlab" --dir "$tmp/big" --port-file "$tmp/big.port" --default-trace "$tmp/big.log" 2>/dev/null &
fpid=$!
while [ ! -s "$tmp/big.port" ]; do sleep 0.1; done
GITLAB_URL=http://127.0.0.1:$(cat "$tmp/big.port") "$build/failsig" fetch --project 1 \
	--since 2026-01-01 --db "$tmp/big.db" --quiet >/dev/null 2>"$tmp/err"
kill $fpid 2>/dev/null
same "fetch: the big trace is stored in 3 chunks" \
	"$(sqlite3 "$tmp/big.db" "select count(*), sum(length(data)) from traces where job_id = 9001")" \
	"3|$(wc -c <"$tmp/big.log" | tr -d ' ')"
same "fetch: the hits recorded (across the chunk boundary, on the last line)" \
	"$(sqlite3 "$tmp/big.db" "select group_concat(rule || ':' || first_line) from (select * from matches where job_id = 9001 order by rule)")" \
	"cannot_allocate:$(($(wc -l <"$tmp/big.log") + 1)),connect_gitlab:$(grep -n 'curl: (7)' "$tmp/big.log" | cut -d: -f1)"
run "multi-chunk trace: the rescan finds the same" 0 - "$build/failsig" backtest --db "$tmp/big.db" --format json
same "multi-chunk trace: both rules match again, nothing new, nothing gone" \
	"$(sqlite3 :memory: "select group_concat(json_extract(value, '\$.rule') || ':' || json_extract(value, '\$.now'))
	     || ' ' || sum(json_extract(value, '\$.newly_matched.count') + json_extract(value, '\$.no_longer_matched.count'))
	   from json_each(readfile('$tmp/out'), '\$.rules') where json_extract(value, '\$.now') > 0
	     or json_extract(value, '\$.recorded') > 0")" \
	"connect_gitlab:1,cannot_allocate:1 0"
same "a new database has 64 KiB pages" "$(sqlite3 "$tmp/big.db" "pragma page_size")" 65536
# A database of 4 KiB pages (created before 2026-12-08) keeps them and
# rescans the same; the conversion is the command of docs/operations.md.
cp "$tmp/big.db" "$tmp/old.db"
sqlite3 "$tmp/old.db" 'PRAGMA journal_mode = DELETE; PRAGMA page_size = 4096; VACUUM; PRAGMA journal_mode = WAL' >/dev/null
"$build/failsig" backtest --db "$tmp/big.db" --format json >"$tmp/new.json" 2>&1
run "a 4 KiB-page database: the same rescan" 0 - "$build/failsig" backtest --db "$tmp/old.db" --format json
same "a 4 KiB-page database: same report, pages kept" \
	"$(cmp -s "$tmp/out" "$tmp/new.json" && echo same) $(sqlite3 "$tmp/old.db" "pragma page_size")" "same 4096"
echo "1..$n"
