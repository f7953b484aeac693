#!/bin/sh
# dashboard.sh BUILD — the dashboard, end to end: a database of 60 past jobs
# (tests/lib/history.sh) plus hostile rows (tests/dashboard/hostile.sql),
# served by `failsig dashboard` and by `failsig serve`, checked with curl
# (pages, the JSON API, parameter errors, escaping) and, when installed, with
# headless Chromium (what the browser shows, and a screenshot written to
# BUILD/artifacts/dashboard.png). JSON is checked with sqlite3's JSON
# functions. Expected numbers come from the fixture's design and from SQL
# over the database, never from the dashboard's own code.
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/failsig
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	[ -n "$KEEP" ] || rm -rf "$tmp"
}
trap cleanup EXIT
. "$top/tests/lib/tap.sh"
sq() { sqlite3 -cmd '.timeout 5000' "$db" "$1"; }

# get PATH [curl args]: fetch from $url; $code is the status, $tmp/body the
# body, $tmp/headers the headers.
get() {
	p=$1
	shift
	code=$(curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' "$@" "$url$p")
}
has() { grep -qF -- "$1" "$tmp/body"; }
# page DESCRIPTION PATH STATUS TEXT...: the page answers STATUS and holds
# every TEXT (fixed strings).
page() {
	d=$1
	p=$2
	want=$3
	shift 3
	get "$p"
	missing=""
	for t in "$@"; do has "$t" || missing="$missing [$t]"; done
	if [ "$code" = "$want" ] && [ -z "$missing" ]; then
		ok "$d"
	else
		nok "$d" "GET $p: HTTP $code, want $want" "missing:$missing" "body: $(head -c 300 "$tmp/body")"
	fi
}
# jq_ EXPR: a JSON path of the last body, by sqlite3's json_extract.
jx() {
	sqlite3 :memory: "SELECT json_extract(CAST(readfile('$tmp/body') AS TEXT), '$1')"
}
# api DESCRIPTION PATH STATUS [JSONPATH VALUE]...: the answer has STATUS, is
# valid JSON, and each JSONPATH holds VALUE.
api() {
	d=$1
	p=$2
	want=$3
	shift 3
	get "$p"
	bad=""
	[ "$code" = "$want" ] || bad="HTTP $code, want $want"
	grep -qi '^content-type: application/json' "$tmp/headers" || bad="$bad; not application/json"
	valid=$(sqlite3 :memory: "SELECT json_valid(CAST(readfile('$tmp/body') AS TEXT))")
	[ "$valid" = 1 ] || bad="$bad; not valid JSON"
	while [ $# -ge 2 ]; do
		got=$(jx "$1")
		[ "$got" = "$2" ] || bad="$bad; $1 is '$got', want '$2'"
		shift 2
	done
	if [ -z "$bad" ]; then ok "$d"; else nok "$d" "GET $p: $bad" "body: $(head -c 300 "$tmp/body")"; fi
}

# ---- the database ----
db=$tmp/history.db
if ! sh "$top/tests/lib/history.sh" "$build" "$bin" "$db" >"$tmp/history.log" 2>&1; then
	echo "not ok 1 - building the history database"
	sed 's/^/# /' "$tmp/history.log"
	exit 1
fi
sq ".read $top/tests/dashboard/hostile.sql" || { echo "not ok 1 - adding the hostile rows"; exit 1; }
ok "a database of 60 past jobs and hostile rows"

# ---- failsig dashboard ----
check "no database: failsig dashboard exits 2 with the reason" \
	sh -c "'$bin' dashboard --db '$tmp/none.db' --listen 127.0.0.1:0 2>'$tmp/err'; [ \$? = 2 ] && grep -q 'cannot open' '$tmp/err'"
sqlite3 "$tmp/other.db" 'CREATE TABLE t(x)'
check "not a failsig database: exits 2" \
	sh -c "'$bin' dashboard --db '$tmp/other.db' --listen 127.0.0.1:0 2>'$tmp/err'; [ \$? = 2 ] && grep -q 'not a failsig database' '$tmp/err'"

"$bin" dashboard --db "$db" --listen 127.0.0.1:0 --port-file "$tmp/port" 2>"$tmp/dash.log" &
dpid=$!
pids="$pids $dpid"
if ! wait_for 30 test -s "$tmp/port"; then
	echo "not ok - failsig dashboard did not start"
	cat "$tmp/dash.log"
	exit 1
fi
url=http://127.0.0.1:$(cat "$tmp/port")

# The overview: 62 jobs, 51 failed; no_space is the top rule with 6 failed
# jobs; ci-runner-windows-1 ran 10 of the matched failures, the x86 runners
# (tag x86_64-linux) 15, and 9002 one more; job 5039 is the
# latest unmatched failure of the fixture (9001, hostile, is newer); its
# last line before the runner's closing lines says why it failed.
page "overview: counts, top rule, runner, tag, project, unmatched job, search box" / 200 \
	'<div class="card scanned"><b>62</b>' '<div class="card failed"><b>51</b>' \
	'href="/rule/no_space">no_space</a></td><td class="n">6</td>' \
	'ci-runner-windows-1</td><td class="n">10</td>' 'x86_64-linux</td><td class="n">16</td>' \
	'ghc/head.hackage</td><td class="n">8</td>' 'cabal-hadrian-segfault</td><td class="n">2</td>' \
	'<a href="/job/5039">5039</a>' 'submodule-auth-failure' \
	'Failed to clone &#39;libraries/internal-fork&#39; a second time, aborting</code>' \
	'<form action="/search" method="get"'
page "overview: retry outcomes, the retried job that passed, recent decisions" / 200 \
	'dry-run</span></td><td class="n">32</td>' 'done</span></td><td class="n">1</td>' \
	'passed <b class="passed">1</b>' \
	'<a class="ext" rel="noopener noreferrer" href="https://gitlab.example.org/ghc/head.hackage/-/jobs/5060">GitLab</a>'
grep -q '^Content-Security-Policy: default-src .none.' "$tmp/headers" &&
	grep -qi '^content-type: text/html; charset=utf-8' "$tmp/headers"
check "overview: HTML with a Content-Security-Policy that allows no script" [ $? = 0 ]
# Nothing is loaded from elsewhere: every src/href/action and CSS url() is a
# path on this server, or a link to a GitLab job that the user follows.
grep -o '\(src\|href\|action\)="[^"]*"\|url([^)]*)\|@import[^;]*' "$tmp/body" |
	grep -v '^\(src\|href\|action\)="/' | grep -v '^href="https://gitlab.example.org/[^"]*/-/jobs/[0-9]*"' |
	grep -v '^href="#' >"$tmp/ext"
same "overview: no external resource (src, href, action, url(), @import) but links to GitLab jobs" \
	"$(head -n 3 "$tmp/ext")" ""
hits=$(grep -oiE '<script|<link[^>]*stylesheet|<[a-z]+[^>]* on[a-z]+=' "$tmp/body" | head -n 3)
same "overview: no <script>, no <link rel=stylesheet>, no inline on* handler" "$hits" ""

# The chart: one <rect class="seg"> per (day, series) with a match, one
# legend key per series, axis titles.
set -- $(sq ".read $top/tests/dashboard/segments.sql" | tr '|' ' ')
want_segs=$1
want_keys=$2
get /
segs=$(grep -o '<rect class="seg"' "$tmp/body" | wc -l)
keys=$(grep -o '<rect class="key"' "$tmp/body" | wc -l)
if [ "$segs" -eq "$want_segs" ] && [ "$keys" -eq "$want_keys" ] && has 'other rules (' &&
	has 'day (UTC) the job finished' && has 'failed jobs matched</text>'; then
	ok "chart: $segs bar segments and $keys legend entries, as the database says"
else
	nok "chart" "segments $segs, want $want_segs; legend $keys, want $want_keys"
fi
# Stacked: in each day's bar the segments sit on one another from one
# baseline up, and every segment's height is its count times one scale.
grep -o '<rect class="seg" x="[^"]*" y="[^"]*" width="[^"]*" height="[^"]*"[^>]*><title>[^<]*: [0-9]*</title>' "$tmp/body" |
	sed 's/.* x="\([^"]*\)" y="\([^"]*\)" width="[^"]*" height="\([^"]*\)".*: \([0-9]*\)<\/title>/\1 \2 \3 \4/' |
	awk 'function off(a, b) { return a - b > 0.25 || b - a > 0.25 }
	{ x = $1; y = $2; h = $3; v = $4; n++
	  if(x != px) { if(base == "") base = y + h; else if(off(y + h, base)) bad = bad " base@" x }
	  else if(off(y + h, py)) bad = bad " gap@" x
	  if(scale == "") scale = h / v; else if(off(h, scale * v)) bad = bad " scale@" x
	  px = x; py = y }
	END { print (n ? n : 0) (bad == "" ? " stacked" : bad) }' >"$tmp/stack"
same "chart: segments stacked on one baseline, heights proportional to counts" \
	"$(cat "$tmp/stack")" "$want_segs stacked"
page "overview ?days=3: the window ends on the newest job" "/?days=3" 200 \
	'2026-11-17 to 2026-11-19' '<b>3 days</b>'

page "rule page: hits, first and last seen, runners, example lines, jobs" /rule/no_space 200 \
	'Runner disk full' 'first seen</dt><dd>2026-11-11 12:00' 'last seen</dt><dd>2026-11-19 12:00' \
	'<td>ci-runner-windows-1</td><td class="n">3</td>' 'No space left on device</pre>' \
	'<a href="/job/5059">5059</a>' 'no_space (6)</text>'
page "rule page: unknown rule is 404" /rule/no_such_rule 404 'no rule'
page "job page: details, the hit line in its context, the lineage" /job/5003 200 \
	'cabal-hadrian-segfault' '<span class="hit"><span class="ln">21</span>' \
	'runner tags</dt><dd>new-x86_64-windows</dd>' \
	'Segmentation fault' '<span class="ln">16</span>' \
	'<span class="s-done">done</span>' '<a href="/job/5008">5008</a> <span class="s-success">'
page "job page of a retry names the job it retried" /job/5008 200 \
	"failsig's retry of job <a href=\"/job/5003\">5003</a>"
page "job page: unknown job is 404" /job/424242 404 'no job 424242'
page "job page: a malformed id is 400" /job/12ab 400 'positive number'
page "search: matching lines, newest job first, highlighted" "/search?q=memory" 200 \
	'<b>9</b> matching lines' '<mark>memory</mark>' '<a href="/job/5049">5049</a>'
get "/search?q=memory"
first=$(grep -o '<a href="/job/[0-9]*">' "$tmp/body" | head -n 1)
check "search: the newest job comes first" [ "$first" = '<a href="/job/5049">' ]
page "search: a malformed query is a readable 400, not a 500" "/search?q=%22no+end" 400 \
	'not valid FTS5 syntax' 'unterminated string' 'value="&quot;no end"'
page "search: no query shows the form" /search 200 '<input type="search" name="q" size="60"'
page "unknown page is 404" /nowhere 404 'no such page'
get / -I
check "HEAD / is 200" [ "$code" = 200 ]

# ---- the JSON API ----
api "api: index" /api 200 '$.endpoints[0]' '/api/summary?days=&limit='
api "api: summary" /api/summary 200 '$.from' 2026-10-21 '$.to' 2026-11-19 '$.days' 30 \
	'$.jobs.scanned' 62 '$.jobs.failed_unmatched' 17 '$.top.rules[0].name' no_space \
	'$.top.rules[0].count' 6 '$.top.runners[0].name' ci-runner-windows-1 \
	'$.top.tags[0].name' x86_64-linux '$.top.tags[0].count' 16 \
	'$.top.jobs[0].name' cabal-hadrian-segfault '$.top.jobs[0].count' 2 \
	'$.retries.by_state.dry-run' 32 '$.retries.after_retry.passed' 1
api "api: daily per rule" "/api/daily?days=10" 200 '$.dates[0]' 2026-11-10 \
	'$.rules[0].rule' no_space '$.rules[0].total' 6 '$.dates[9]' 2026-11-19 '$.dates[10]' ''
api "api: rules" /api/rules 200 '$.rules[0].rule' no_space '$.rules[0].failed_jobs' 6 \
	'$.rules[0].title' 'Runner disk full (No space left on device)'
api "api: one rule" /api/rules/no_space 200 '$.matched_jobs' 6 \
	'$.first_seen' 2026-11-11T12:00:00.000Z '$.runners[0].name' ci-runner-windows-1
api "api: one rule per day, zero-filled" "/api/rules/no_space/daily?days=12" 200 \
	'$.total' 6 '$.counts[0]' 0 '$.counts[3]' 1 '$.dates[11]' 2026-11-19
api "api: jobs of a rule" "/api/jobs?rule=no_space&limit=2" 200 '$.jobs[0].id' 5059 \
	'$.jobs[1].id' 5007 '$.jobs[2]' '' '$.jobs[0].rules[0]' no_space
api "api: one job" /api/jobs/5003 200 '$.job.name' cabal-hadrian-segfault \
	'$.matches[0].rule' cabal_hadrian_segfault '$.matches[0].context[5].line' 21 \
	'$.lineage.retries[0].new_job_id' 5008 '$.lineage.retries[0].new_job_status' success
api "api: retries by state" "/api/retries?state=done" 200 '$.retries[0].job_id' 5003 \
	'$.retries[1]' ''
api "api: unmatched failures" "/api/unmatched?limit=2" 200 '$.jobs[0].id' 9001 \
	'$.jobs[1].id' 5039 '$.jobs[1].last_line_no' 31 \
	'$.jobs[1].last_line' "Failed to clone 'libraries/internal-fork' a second time, aborting"
api "api: search" "/api/search?q=memory&limit=3" 200 '$.total_lines' 9 '$.shown_lines' 3 \
	'$.jobs[0].id' 5049 '$.jobs[0].lines[0].marks[0][0]' 16
api "api: a limit past the cap is capped" "/api/jobs?limit=100000" 200 '$.jobs[61].id' 5010
api "api: unknown job is 404" /api/jobs/424242 404 '$.error' not_found
api "api: unknown rule is 404" /api/rules/no_such_rule 404 '$.error' not_found
api "api: unknown path is 404" /api/nothing 404 '$.error' not_found
for bad in "/api/summary?days=0" "/api/summary?days=abc" "/api/summary?days=-3" \
	"/api/jobs?limit=0" "/api/jobs?limit=1e3" "/api/summary?dayz=3" \
	"/api/summary?days=1&days=2" "/api/retries?state=bogus" "/api/search" \
	"/api/jobs?rule=%01" "/api/jobs/abc" "/api/rules?limit=5"; do
	get "$bad"
	if [ "$code" = 400 ] && [ "$(jx '$.error')" = bad_parameter ] && [ -n "$(jx '$.message')" ]; then
		ok "api: $bad is 400 bad_parameter"
	else
		nok "api: $bad is 400 bad_parameter" "HTTP $code: $(head -c 200 "$tmp/body")"
	fi
done
api "api: a malformed search query is 400 bad_query" "/api/search?q=%22x" 400 '$.error' bad_query
api "api: an FTS column filter is 400 too" "/api/search?q=nope:x" 400 '$.error' bad_query
page "pages take the same parameters: bad days is a 400 page" "/?days=0" 400 'days must be'

# ---- escaping: hostile job, runner, URL, rule id, log lines ----
xss_ok=1
xss_fail=""
for p in / /job/9001 /job/9002 "/search?q=xsscanary" "/search?q=boom" \
	"/rule/x%22%3E%3Cscript%3Ealert(4)%3C%2Fscript%3E" "/search?q=%3Cscript%3E"; do
	get "$p"
	if [ "$code" -ge 500 ] || grep -qiE '<script|<img|<svg onload|onmouseover="|href="javascript' "$tmp/body"; then
		xss_ok=0
		xss_fail="$xss_fail $p($code)"
	fi
done
check "escaping: no markup from the database reaches a page as markup" [ "$xss_ok" = 1 ]
[ -z "$xss_fail" ] || echo "# unescaped on:$xss_fail"
page "escaping: the hostile job page shows the text, escaped" /job/9001 200 \
	'&lt;script&gt;alert(1)&lt;/script&gt;' '&lt;img src=x onerror=alert(2)&gt;' \
	'&lt;svg onload=alert(5)&gt;'
page "escaping: a javascript: URL is not linked" /job/9001 200 'GitLab</dt><dd><span class="muted">'
page "escaping: unmatched list shows the hostile last line escaped" / 200 \
	'&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; xsscanary'
page "escaping: a rule id with markup, in its page, link and legend" \
	"/rule/x%22%3E%3Cscript%3Ealert(4)%3C%2Fscript%3E" 200 \
	'x&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;' \
	'href="/rule/x%22%3E%3Cscript%3Ealert%284%29%3C%2Fscript%3E"'
page "escaping: search highlights inside escaped text" "/search?q=xsscanary" 200 \
	'&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; <mark>xsscanary</mark>'
api "escaping: JSON carries the text as is" /api/jobs/9001 200 \
	'$.job.name' '<script>alert(1)</script>'

# ---- standalone: no webhook ----
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{}' "$url/hooks/gitlab")
check "standalone: POST /hooks/gitlab is 404" [ "$code" = 404 ]
api "standalone: /healthz answers from the database" /healthz 200 '$.status' ok '$.jobs' 62
get /metrics
check "standalone: no /metrics" [ "$code" = 404 ]

# ---- headless Chromium ----
chrome=$(command -v chromium || command -v chromium-browser)
if [ -z "$chrome" ]; then
	echo "ok $((n + 1)) - # SKIP chromium not installed"
	echo "ok $((n + 2)) - # SKIP chromium not installed"
	n=$((n + 2))
else
	mkdir -p "$build/artifacts" "$tmp/chrome"
	copts="--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --user-data-dir=$tmp/chrome"
	# shellcheck disable=SC2086
	HOME=$tmp/chrome timeout 60 "$chrome" $copts --dump-dom "$url/" >"$tmp/dom.html" 2>"$tmp/chrome.log"
	segs=$(grep -o '<rect class="seg"' "$tmp/dom.html" | wc -l)
	keys=$(grep -o '<rect class="key"' "$tmp/dom.html" | wc -l)
	tables=0
	for t in top decisions unmatched outcomes; do
		grep -q "<table class=\"$t\"" "$tmp/dom.html" && tables=$((tables + 1))
	done
	if [ "$segs" -eq "$want_segs" ] && [ "$keys" -eq "$want_keys" ] && [ "$tables" -eq 4 ] &&
		grep -q 'no_space (6)' "$tmp/dom.html" && grep -q '<svg class="chart"' "$tmp/dom.html"; then
		ok "chromium: the page shows the chart ($segs segments, $keys legend entries) and the tables"
	else
		nok "chromium: the page shows the chart and the tables" \
			"segments $segs (want $want_segs), legend $keys (want $want_keys), tables $tables of 4" \
			"$(tail -n 3 "$tmp/chrome.log")"
	fi
	png=$build/artifacts/dashboard.png
	rm -f "$png"
	# shellcheck disable=SC2086
	HOME=$tmp/chrome timeout 60 "$chrome" $copts --hide-scrollbars --window-size=1280,1600 \
		--screenshot="$png" "$url/" >/dev/null 2>>"$tmp/chrome.log"
	magic=$(head -c 8 "$png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
	size=$(wc -c <"$png" 2>/dev/null || echo 0)
	if [ "$magic" = 89504e470d0a1a0a ] && [ "$size" -gt 30000 ] && [ "$size" -lt 10000000 ]; then
		ok "chromium: screenshot $png ($size bytes)"
	else
		nok "chromium: screenshot" "magic '$magic', $size bytes" "$(tail -n 3 "$tmp/chrome.log")"
	fi
fi

kill -TERM "$dpid"
wait "$dpid"
check "failsig dashboard stops on SIGTERM with status 0" [ $? = 0 ]
# Under sanitizers, a report goes to stderr (leaks make the status non-zero).
check "failsig dashboard: no sanitizer report" \
	sh -c "! grep -E 'AddressSanitizer|runtime error|LeakSanitizer' '$tmp/dash.log'"

# ---- the dashboard served by failsig serve ----
sqlite3 "$db" ".backup '$tmp/serve.db'"
GITLAB_URL=http://127.0.0.1:9 "$bin" serve --no-secret --listen 127.0.0.1:0 \
	--port-file "$tmp/sport" --db "$tmp/serve.db" --workers 1 2>"$tmp/serve.log" &
spid=$!
pids="$pids $spid"
if wait_for 30 test -s "$tmp/sport"; then
	url=http://127.0.0.1:$(cat "$tmp/sport")
	page "serve: the overview" / 200 'href="/rule/no_space">no_space</a></td><td class="n">6</td>'
	api "serve: the API" /api/summary 200 '$.jobs.scanned' 62
	get /healthz
	check "serve: its own /healthz still answers" [ "$code" = 200 ]
	get /hooks/gitlab
	check "serve: the webhook is still there (GET is 405)" [ "$code" = 405 ]
	kill -TERM "$spid"
	wait "$spid"
	check "serve stops with status 0, no sanitizer report" \
		sh -c "[ $? = 0 ] && ! grep -E 'AddressSanitizer|runtime error|LeakSanitizer' '$tmp/serve.log'"
else
	nok "serve: started" "$(tail -n 5 "$tmp/serve.log")"
fi

echo "1..$n"
