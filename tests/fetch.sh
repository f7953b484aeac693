#!/bin/sh
# fetch.sh BUILD — end-to-end tests of `failsig fetch`, the backfill: the
# matcher BUILD/failsig (GHC rule pack) against the fake GitLab
# (tests/tools/fakegitlab.c) serving 250 jobs of two projects with the
# corpus logs (tests/corpus/) as traces. Assertions read the sqlite
# databases, the command's output and the fake's record of every request.
#
# Jobs 7001..7250 finished every 6 hours from 2026-10-05T00:00Z on (job i at
# T(i) = base + (i - 7001) * 6 h); every third job is project 2
# (ghc/head.hackage), the others project 1 (ghc/ghc). The main range is
# [T(7160), T(7230)) = [2026-11-13T18:00Z, 2026-12-01T06:00Z), with
# exceptions that the range is by time, not by id:
#   7155  finished late (2026-11-20): in range
#   7220  finished early (2026-10-10): out of range
#   7200  canceled before it ran, no finished_at: its created_at
#         (2026-11-20T11:37Z, from the template) puts it in range
#   7210  still running: never fetched
#   7170  its trace expired (404): recorded without a trace
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/fixtures.sh"
. "$top/tests/lib/scratch.sh"
. "$top/tests/lib/tap.sh"
sq() { sqlite3 -cmd '.timeout 5000' "$1" "$2"; }

bin=$build/failsig
[ -x "$bin" ] || { echo "not ok 1 - no matcher binary $bin"; exit 1; }

# ---- the jobs ----
gl=$tmp/gl
mkdir -p "$gl/jobs" "$gl/traces"
base=$(date -u -d 2026-10-05T00:00:00Z +%s)
at() { echo $((base + ($1 - 7001) * 21600)); }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.000Z; }
since=$(at 7160)
until=$(at 7230)
set -- $(ls "$top"/tests/corpus/*.log)
nlogs=$#
i=7001
while [ $i -le 7250 ]; do
	k=$((i % nlogs + 1))
	eval "log=\${$k}"
	name=$(basename "$log" .log)
	status=failed
	case $name in clean*) status=success ;; esac
	[ $((i % 11)) -eq 0 ] && status=canceled
	reason=script_failure
	[ $((i % 13)) -eq 0 ] && reason=runner_system_failure
	t=$(at $i)
	case $i in
	7155) t=$(date -u -d 2026-11-20T00:00:00Z +%s) ;;
	7220) t=$(date -u -d 2026-10-10T00:00:00Z +%s) ;;
	7200) status=canceled ;;
	7210) status=running ;;
	esac
	project=ghc/ghc pid=1
	[ $((i % 3)) -eq 0 ] && project=ghc/head.hackage pid=2
	job_json $i $status "$name" $reason main ci-runner-x86-1 '"x86_64-linux","docker"' \
		"$(iso "$t")" $project |
		sed -e "s/\"project_id\":1,/\"project_id\":$pid,/" \
			-e "$(case $i in 7200|7210) echo 's/"finished_at":"[^"]*"/"finished_at":null/' ;; *) echo 's/^//' ;; esac)" \
			>"$gl/jobs/$i.json"
	[ $i -eq 7170 ] || cp "$log" "$gl/traces/$i.log"
	in=0
	[ "$t" -ge "$since" ] && [ "$t" -lt "$until" ] && in=1
	[ $i -eq 7200 ] && in=1
	[ $i -eq 7210 ] && in=0
	[ $in -eq 1 ] && echo "$i $pid $project" >>"$tmp/expected"
	i=$((i + 1))
done
cut -d' ' -f1 "$tmp/expected" >"$tmp/expected.ids"
nexp=$(wc -l <"$tmp/expected.ids")
nexp1=$(grep -c ' ghc/ghc$' "$tmp/expected")
nexp2=$(grep -c ' ghc/head.hackage$' "$tmp/expected")

# ---- the fake GitLab ----
"$build/tests/fakegitlab" --dir "$gl" --token glpat-SECRET --port-file "$tmp/gl.port" \
	--log "$tmp/gl.log" 2>"$tmp/fake.err" &
pids="$pids $!"
wait_for 20 test -s "$tmp/gl.port" || { echo "not ok 1 - the fake GitLab did not start"; cat "$tmp/fake.err"; exit 1; }
glurl=http://127.0.0.1:$(cat "$tmp/gl.port")
fake() { curl -s -o /dev/null -X "$1" -H 'Content-Type: application/json' --data "$3" "$glurl/_fake/$2"; }
fault() { fake POST faults "$1"; }
: >"$tmp/gl.log"
# mark: where the request log is now; since MARK: what came after it
mark() { wc -l <"$tmp/gl.log"; }
since_mark() { tail -n +$(($1 + 1)) "$tmp/gl.log"; }
# traces LOGTEXT: "ID COUNT" per trace requested, by id
traces() { grep -o '/jobs/[0-9]*/trace"' | tr -dc '0-9\n' | sort | uniq -c | awk '{print $2, $1}'; }

# fetch DB [ARGS...]: run the backfill; stdout in $tmp/out, stderr in $tmp/err, status in $rc
fetch() {
	db=$1
	shift
	GITLAB_URL=$glurl GITLAB_TOKEN=glpat-SECRET "$bin" fetch --db "$db" --project 1 --project 2 \
		--backoff 1s/1s "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
range="--since $(iso "$since" | sed 's/\.000Z$/Z/') --until $(iso "$until")"
# dump DB: what a fetch records, without the times of the run (runner_tags
# only when it is a JSON array: store.c once bound the pointer as an integer)
dump() {
	sq "$1" "select id, project_id, project, name, stage, status, failure_reason, runner,
	    case when runner_tags like '[%' then runner_tags end, ref, created_at, finished_at,
	    web_url, trace_bytes, trace_truncated, ruleset, log_stored_at is not null
	    from jobs order by id;
	  select job_id, rule, ruleset, action, job_status, status_ok, first_line, hits, excerpt
	    from matches order by job_id, rule;
	  select job_id, count(*), sum(length(data)) from traces group by job_id order by job_id;
	  select job_id, count(*), group_concat(line) from log_lines group by job_id order by job_id;"
}

# ---- 1. a backfill, one job at a time, pages with X-Next-Page ----
db1=$tmp/one.db
m=$(mark)
fetch "$db1" $range --concurrency 1
since_mark "$m" >"$tmp/run1.log"
same "exit status 0" "$rc" 0
mb=$(for id in $(cat "$tmp/expected.ids"); do [ -f "$gl/traces/$id.log" ] && wc -c <"$gl/traces/$id.log"; done |
	awk '{ s += $1 } END { printf "%.1f", s / 1048576 }')
same "stdout: the summary line" "$(cat "$tmp/out")" \
	"fetched $nexp jobs ($mb MB), skipped 0 already stored, 0 failed; 2 projects"
same "stderr: nothing when it is not a terminal" "$(cat "$tmp/err")" ""
sq "$db1" "select id from jobs order by id" >"$tmp/got.ids"
same_files "every job finished in [since, until) is recorded, and no other ($nexp jobs)" \
	"$tmp/got.ids" "$tmp/expected.ids"
same "jobs of both projects (from web_url)" \
	"$(sq "$db1" "select project, count(*) from jobs group by project order by project" | tr '\n' ' ')" \
	"ghc/ghc|$nexp1 ghc/head.hackage|$nexp2 "
same "range by finish time: the late 7155 and the undated canceled 7200 in, the early 7220, running 7210 and 7230 (= until) out" \
	"$(sq "$db1" "select group_concat(id) from jobs where id in (7155, 7159, 7160, 7200, 7210, 7220, 7229, 7230)")" \
	"7155,7160,7200,7229"

# the matches are those of `failsig scan --job` on the same logs
for id in $(cat "$tmp/expected.ids"); do
	log=$gl/traces/$id.log
	[ -f "$log" ] || log=/dev/null
	"$bin" scan --format json --job "$gl/jobs/$id.json" "$log" >"$tmp/scan.json"
	sqlite3 :memory: "select $id, json_extract(value, '\$.id'), json_extract(value, '\$.actionable'),
	    ifnull(json_extract(value, '\$.hits[0].line'), 0), json_extract(value, '\$.nhits')
	  from json_each(readfile('$tmp/scan.json'), '\$.fired') order by 2"
done >"$tmp/scan.want"
sq "$db1" "select job_id, rule, status_ok, first_line, hits from matches order by job_id, rule" >"$tmp/scan.got"
same_files "matches recorded = the rules failsig scan fires, with status, first line and hit count ($(wc -l <"$tmp/scan.want") matches)" \
	"$tmp/scan.got" "$tmp/scan.want"
check "matches were recorded at all" [ -s "$tmp/scan.want" ]
same "matches carry the rule set hash" \
	"$(sq "$db1" "select distinct ruleset from matches")" "$("$bin" rules --format json | sed -n 's/.*"ruleset": *"\([0-9a-f]*\)".*/\1/p' | head -n 1)"

for id in $(cat "$tmp/expected.ids"); do
	[ -f "$gl/traces/$id.log" ] && echo "$id|$(wc -c <"$gl/traces/$id.log")|1"
done >"$tmp/sizes.want"
sq "$db1" "select id, trace_bytes, (select ifnull(sum(length(data)), 0) from traces t where t.job_id = jobs.id) = trace_bytes
           from jobs where trace_bytes is not null order by id" >"$tmp/sizes.got"
same_files "traces stored whole: trace_bytes = the file's size = the stored chunks" "$tmp/sizes.got" "$tmp/sizes.want"
same "every job with a trace has its log stored (log_stored_at) and its lines indexed" \
	"$(sq "$db1" "select count(*) from jobs where trace_bytes > 0 and (log_stored_at is null
	                or not exists (select 1 from log_lines l where l.job_id = jobs.id))")" 0
same "stored lines are searchable (FTS)" \
	"$(sq "$db1" "select count(distinct l.job_id) > 0 from log_fts join log_lines l on l.id = log_fts.rowid where log_fts match 'docker'")" 1
same "404 trace: job 7170 recorded without a trace" \
	"$(sq "$db1" "select trace_bytes is null, log_stored_at is null, status from jobs where id = 7170")" "1|1|failed"

grep -q '"query":"page=1&per_page=100&scope\[\]=failed&scope\[\]=success&scope\[\]=canceled"' "$tmp/run1.log"
check "job list: 100 per page, finished jobs only (scope[])" [ $? -eq 0 ]
check "pagination: page 2 followed (X-Next-Page)" grep -q '"path":"/api/v4/projects/1/jobs","query":"page=2&' "$tmp/run1.log"
check "pagination stops at a page older than --since: page 3 never asked" \
	sh -c "! grep -q '\"query\":\"page=3&' '$tmp/run1.log'"
traces <"$tmp/run1.log" >"$tmp/t1"
same "each in-range trace asked once, no other trace asked" \
	"$(awk '$2 != 1 { print "twice:", $1 }' "$tmp/t1"; cut -d' ' -f1 "$tmp/t1" | cmp -s - "$tmp/expected.ids" || echo "set differs")" ""
same "no request without the token" "$(grep -c '"token_ok":false' "$tmp/run1.log")" 0

# ---- 2. the same again: everything is there ----
m=$(mark)
fetch "$db1" $range
same "second run: exit 0, nothing fetched, everything skipped" "$rc $(cat "$tmp/out")" \
	"0 fetched 0 jobs (0.0 MB), skipped $nexp already stored, 0 failed; 2 projects"
same "second run: no trace asked (not even the 404 one)" "$(since_mark "$m" | grep -c '/trace"')" 0
fetch "$db1" --since 2026-11-13T19:00+01:00 --until 2026-12-01
same "dates with a zone offset, and a date alone: the same range, one day shorter" "$rc $(cat "$tmp/out")" \
	"0 fetched 0 jobs (0.0 MB), skipped $(sq "$db1" "select count(*) from jobs where ifnull(finished_at, created_at) < '2026-12-01'") already stored, 0 failed; 2 projects"

# ---- 3. Link-only pagination, 8 at a time: the same database ----
fake PUT config '{"link_only": true}'
db2=$tmp/eight.db
m=$(mark)
fetch "$db2" $range --concurrency 8
fake PUT config '{"link_only": false}'
same "Link only, --concurrency 8: exit 0, all fetched" "$rc $(cut -d, -f1 "$tmp/out")" "0 fetched $nexp jobs ($mb MB)"
check "Link only: page 2 followed (Link rel=next)" \
	sh -c "tail -n +$((m + 1)) '$tmp/gl.log' | grep -q '\"path\":\"/api/v4/projects/1/jobs\",\"query\":\"page=2&'"
dump "$db1" >"$tmp/dump1"
dump "$db2" >"$tmp/dump2"
same_files "--concurrency 1 and 8 give the same database (jobs, matches, traces, lines)" "$tmp/dump2" "$tmp/dump1"

# ---- 4. interrupted, then resumed ----
db3=$tmp/resume.db
m=$(mark)
fault '{"path":"/api/v4/projects/1/jobs/71","delay_ms":400,"count":200}'
fault '{"path":"/api/v4/projects/2/jobs/71","delay_ms":400,"count":200}'
GITLAB_URL=$glurl GITLAB_TOKEN=glpat-SECRET "$bin" fetch --db "$db3" --project 1,2 $range \
	--concurrency 2 >"$tmp/out" 2>"$tmp/err" &
fpid=$!
pids="$pids $fpid"
wait_for 30 sh -c "[ \$(sqlite3 -cmd '.timeout 5000' '$db3' 'select count(*) from jobs' 2>/dev/null || echo 0) -ge 32 ]"
kill -INT $fpid
wait $fpid
rc=$?
fake DELETE faults ''
got=$(sq "$db3" "select count(*) from jobs")
same "SIGINT: exit 130" "$rc" 130
check "SIGINT: stopped early ($got of $nexp jobs)" [ "$got" -lt "$nexp" ]
same "SIGINT: the summary counts what was recorded" "$(cut -d' ' -f1-3 "$tmp/out")" "fetched $got jobs"
check "SIGINT: says it finishes the jobs in flight" grep -q "SIGINT: finishing the jobs in flight" "$tmp/err"
fetch "$db3" $range --concurrency 2
same "resumed: exit 0, fetches only what is missing" "$rc $(cut -d, -f1-2 "$tmp/out")" \
	"0 fetched $((nexp - got)) jobs ($(sed -n 's/.*(\(.*\)).*/\1/p' "$tmp/out")), skipped $got already stored"
since_mark "$m" | traces >"$tmp/t3"
same "over both runs each trace asked once (at most 2 asked twice: in flight)" \
	"$(awk '$2 > 2 { print "more than twice:", $1 } $2 == 2 { t++ } END { if(t > 2) print t, "twice" }' "$tmp/t3"; cut -d' ' -f1 "$tmp/t3" | cmp -s - "$tmp/expected.ids" || echo "set differs")" ""
dump "$db3" >"$tmp/dump3"
same_files "interrupted + resumed = one uninterrupted run" "$tmp/dump3" "$tmp/dump1"

# ---- 5. GitLab failing ----
db4=$tmp/retry.db
m=$(mark)
short="--since 2026-11-30 --until $(iso "$until")"   # jobs 7225..7229
fault '{"path":"/api/v4/projects/1/jobs","method":"GET","status":500,"count":1}'
fault '{"path":"/api/v4/projects/1/jobs/7229/trace","status":502,"retry_after":"1","count":2}'
fault '{"path":"/api/v4/projects/1/jobs/7228/trace","status":503,"count":20}'
fetch "$db4" $short --max-attempts 3
fake DELETE faults ''
since_mark "$m" >"$tmp/run5.log"
same "a trace failing every time: exit 1, counted as failed" "$rc $(cut -d, -f3 "$tmp/out")" "1  1 failed; 2 projects"
check "the failure is reported" grep -q "job 7228: GET /api/v4/projects/1/jobs/7228/trace: HTTP 503" "$tmp/err"
same "list: 500 then OK, retried" "$(grep -c '"path":"/api/v4/projects/1/jobs","query":"page=1&' "$tmp/run5.log")" 2
same "trace: 502 twice then OK, retried: 3 requests" "$(grep -c '/jobs/7229/trace"' "$tmp/run5.log")" 3
same "trace failing: given up after --max-attempts 3" "$(grep -c '/jobs/7228/trace"' "$tmp/run5.log")" 3
same "the retried trace is recorded, the failed job is not" \
	"$(sq "$db4" "select group_concat(id) from (select id from jobs order by id)")" "7225,7226,7227,7229"
fetch "$db4" $short
same "next run fetches the failed job only" "$rc $(cut -d, -f1-2 "$tmp/out" | sed 's/([^)]*)//')" \
	"0 fetched 1 job , skipped 4 already stored"

# A list page answered 200 with a body that is not JSON, and a trace cut
# off mid-stream: both asked again, the run completes.
db4b=$tmp/broken.db
m=$(mark)
fault '{"path":"/api/v4/projects/2/jobs","method":"GET","body":"[{\"id\": 71","count":1}'
fault '{"path":"/api/v4/projects/1/jobs/7227/trace","truncate":10,"count":1}'
fetch "$db4b" $short
since_mark "$m" >"$tmp/run5b.log"
same "broken answers asked again: exit 0, nothing failed" "$rc $(cut -d, -f3 "$tmp/out")" "0  0 failed; 2 projects"
same "list page not JSON: asked twice" "$(grep -c '"path":"/api/v4/projects/2/jobs","query":"page=1&' "$tmp/run5b.log")" 2
same "trace cut off: asked twice" "$(grep -c '/jobs/7227/trace"' "$tmp/run5b.log")" 2
same "the cut-off trace is stored whole" "$(sq "$db4b" "select trace_bytes from jobs where id = 7227")" \
	"$(sq "$db1" "select trace_bytes from jobs where id = 7227")"

db5=$tmp/scope.db
m=$(mark)
fetch "$db5" $short --scope failed
same "--scope failed: only failed jobs" \
	"$(sq "$db5" "select group_concat(id) from (select id from jobs order by id)")" \
	"$(sq "$db1" "select group_concat(id) from (select id from jobs where id >= 7225 and status = 'failed' order by id)")"
check "--scope failed: asked of GitLab" sh -c "tail -n +$((m + 1)) '$tmp/gl.log' | grep -q '\"query\":\"page=1&per_page=100&scope\[\]=failed\"'"

# ---- 6. errors ----
GITLAB_URL=$glurl GITLAB_TOKEN=wrong "$bin" fetch --db "$tmp/bad.db" --project 1 >"$tmp/out" 2>"$tmp/err"
same "a bad token: exit 2" "$?" 2
check "a bad token: says so" grep -q "project 1: listing jobs: GET /api/v4/projects/1/jobs: HTTP 401 (check GITLAB_TOKEN)" "$tmp/err"
env -u GITLAB_URL "$bin" fetch --project 1 --db "$tmp/bad.db" 2>"$tmp/err"
same "no GITLAB_URL: exit 2" "$?" 2
check "no GITLAB_URL: says so" grep -q "set GITLAB_URL" "$tmp/err"
GITLAB_URL=$glurl "$bin" fetch --db "$tmp/bad.db" 2>"$tmp/err"
same "no --project: exit 2" "$?" 2
GITLAB_URL=$glurl "$bin" fetch --project 1 --since yesterday 2>"$tmp/err"
same "a bad date: exit 2" "$?" 2
GITLAB_URL=$glurl "$bin" fetch --project 1 --since 2026-11-02 --until 2026-11-01 2>"$tmp/err"
same "--since after --until: exit 2" "$?" 2
GITLAB_URL=$glurl "$bin" fetch --project 1 --scope running 2>"$tmp/err"
same "--scope running (unfinished): exit 2" "$?" 2
"$bin" fetch --help >"$tmp/help"
same "--help: exit 0" "$?" 0
check "--help answers: which jobs, resume, 404, exit statuses" \
	sh -c "grep -q 'already in the database' '$tmp/help' && grep -q 'resumed' '$tmp/help' &&
	       grep -q '404' '$tmp/help' && grep -q '^exit status' '$tmp/help'"
check "failsig --help lists fetch" sh -c "'$bin' --help | grep -q '^  fetch '"

# ---- 7. progress on a terminal ----
if command -v script >/dev/null 2>&1; then
	cmd="GITLAB_URL=$glurl GITLAB_TOKEN=glpat-SECRET $bin fetch --db $db1 --project 1,2 $range"
	script -qec "$cmd" /dev/null </dev/null >"$tmp/tty.out" 2>&1
	same "on a terminal: exit 0" "$?" 0
	check "on a terminal: a progress line, redrawn in place (CR)" \
		sh -c "tr '\r' '\n' <'$tmp/tty.out' | grep -q 'pages\? read, .* fetched, .* skipped, .* failed, .* MB, .* jobs/s'"
	check "on a terminal: the summary at the end" grep -q "skipped $nexp already stored" "$tmp/tty.out"
	script -qec "$cmd --quiet" /dev/null </dev/null >"$tmp/tty.out" 2>&1
	check "--quiet: no progress line, only the summary" \
		sh -c "! grep -q 'jobs/s' '$tmp/tty.out' && grep -q 'skipped $nexp already stored' '$tmp/tty.out'"
else
	for d in "on a terminal: exit 0" "on a terminal: a progress line" "on a terminal: the summary" "--quiet"; do
		ok "$d # SKIP no script(1)"
	done
fi

# ---- 8. retention: serve prunes old stored traces; fetch brings them back ----
db3=$tmp/retention.db
cp "$db1" "$db3"
old=$(sq "$db3" "select count(*) from jobs where log_stored_at is not null and id < 7190")
sq "$db3" "update jobs set log_stored_at = log_stored_at - 2 * 86400 where log_stored_at is not null and id < 7190"
keep=$(sq "$db3" "select count(*) from jobs where log_stored_at is not null and id >= 7190;
                  select count(distinct job_id) from traces where job_id >= 7190;
                  select count(distinct job_id) from log_lines where job_id >= 7190")
nmatch=$(sq "$db3" "select count(*) from matches")
FAILSIG_WEBHOOK_SECRET=s GITLAB_URL=$glurl GITLAB_TOKEN=glpat-SECRET "$bin" serve --db "$db3" \
	--listen 127.0.0.1:0 --port-file "$tmp/rport" --retention 1d >"$tmp/rserve.log" 2>&1 &
rpid=$!
wait_for 20 grep -q "pruned the stored logs of" "$tmp/rserve.log"
kill -TERM "$rpid"
wait "$rpid"
check "there were old traces to prune ($old) and recent ones to keep" [ "$old" -gt 0 ] && [ "$(echo "$keep" | head -n 1)" -gt 0 ]
check "serve --retention 1d: says what it pruned" \
	grep -q "pruned the stored logs of $old jobs older than 1 days" "$tmp/rserve.log"
same "retention: traces and lines of the old jobs gone, the recent ones kept" \
	"$(sq "$db3" "select count(*) from jobs where log_stored_at is not null;
	              select count(distinct job_id) from traces; select count(distinct job_id) from log_lines")" "$keep"
same "retention: jobs and matches stay" \
	"$(sq "$db3" "select count(*) from jobs; select count(*) from matches")" "$(printf '%s\n%s' "$(sq "$db1" "select count(*) from jobs")" "$nmatch")"
same "retention: the FTS index holds exactly the remaining lines (fts5 integrity-check)" \
	"$(sq "$db3" "insert into log_fts(log_fts, rank) values('integrity-check', 1)" 2>&1; echo $?)" 0
m=$(mark)
fetch "$db3" $range
same "fetch after pruning: the pruned traces fetched again" "$rc $(cut -d, -f1 "$tmp/out" | sed 's/ (.*//')" "0 fetched $old jobs"
same "fetch after pruning: only the pruned traces asked" "$(since_mark "$m" | grep -c '/trace"')" "$old"
dump "$db3" >"$tmp/dump3"
same_files "fetch after pruning: the database is as before pruning" "$tmp/dump3" "$tmp/dump1"
"$bin" serve --retention soon --db "$tmp/bad.db" >/dev/null 2>"$tmp/err"
same "serve --retention soon: a usage error (exit 2)" "$?" 2
GITLAB_URL=$glurl "$bin" fetch --project 1 --db "$tmp/bad.db" --concurrency 0 2>"$tmp/err"
same "fetch --concurrency 0: exit 2" "$?" 2
GITLAB_URL=$glurl "$bin" fetch --project 1 --db "$tmp/bad.db" --concurrency 65 2>"$tmp/err"
same "fetch --concurrency 65: exit 2, with the range" "$? $(grep -c '64' "$tmp/err")" "2 1"

same "no retry was ever asked of GitLab (no POST)" "$(grep -c '"method":"POST"' "$tmp/gl.log")" 0
same "no job other than the listed ones asked (no GET .../jobs/ID)" \
	"$(grep -c '"path":"/api/v4/projects/[0-9]*/jobs/[0-9]*"' "$tmp/gl.log")" 0

echo "1..$n"
