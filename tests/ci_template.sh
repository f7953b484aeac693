#!/bin/sh
# ci_template.sh BUILD — docs/ci-template.yml works: the `script:` of each of
# its jobs is run as a GitLab runner would (one shell, stop at the first
# failing command) in a copy of a rules repository (rules/ = the GHC pack),
# with BUILD's failsigc on PATH and the database of tests/lib/history.sh as
# FAILSIG_HISTORY_URL (a file:// URL, which curl fetches like any other).
# Then a merge request that adds a rule hitting successful jobs must fail
# the backtest job, and one with a broken rule the check job.
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/scratch.sh"
. "$top/tests/lib/tap.sh"
tmpl=$top/docs/ci-template.yml

sh "$top/tests/lib/history.sh" "$build" "$build/failsig" "$tmp/history.db" ||
	{ echo "not ok 1 - history.sh could not build the database"; echo "1..1"; exit 1; }

# script JOB: the job's script lines as one shell script (block scalars
# "- |" keep their lines; comments go).
script() {
	awk -v job="$1" '
	/^[A-Za-z][A-Za-z0-9_-]*:/ { injob = ($0 == job ":"); inscript = 0; inblock = 0; next }
	!injob { next }
	/^  [a-z_]+:/ { inscript = ($0 ~ /^  script:/); inblock = 0; next }
	!inscript { next }
	inblock && /^      / { print substr($0, 7); next }
	{ inblock = 0 }
	/^    - \|$/ { inblock = 1; next }
	/^    - / { print substr($0, 7); next }
	' "$tmpl"
}

# run_job JOB REPO: the job's script in REPO; stdout+stderr in $tmp/JOB.log,
# the exit status in $rc.
run_job() {
	script "$1" >"$tmp/$1.sh"
	(cd "$2" && PATH=$build:$PATH CI_MERGE_REQUEST_IID=7 FAILSIG_HISTORY_URL="file://$tmp/history.db" \
		FAILSIG_BOT_TOKEN= sh -e "$tmp/$1.sh") >"$tmp/$1.log" 2>&1
	rc=$?
}

for j in failsig-check failsig-test failsig-backtest; do
	check "$j: the template has a script for it" [ -s "$(script $j >"$tmp/s" && echo "$tmp/s")" ]
done

# ---- a merge request that changes nothing: every job passes ----
repo=$tmp/repo
mkdir -p "$repo"
cp -r "$top/rules/ghc" "$repo/rules"
run_job failsig-check "$repo"
same "check: exit 0 on the GHC pack" "$rc" 0
# cq FILTER: the Code Quality entries of the report matching FILTER (SQL on
# json_each's value), as "path|line|severity|check" lines.
cq() {
	sqlite3 :memory: "select json_extract(value, '\$.location.path'), json_extract(value, '\$.location.lines.begin'),
	    json_extract(value, '\$.severity'), json_extract(value, '\$.check_name')
	  from json_each(cast(readfile('$repo/gl-code-quality-report.json') as text)) where $1"
}
same "check: the Code Quality report is JSON; only the pack's minor warnings (missing tickets)" \
	"$(cq "1" | cut -d'|' -f3,4 | sort -u)" "minor|missing-ticket"
run_job failsig-test "$repo"
same "test: exit 0, every example passes" "$rc" 0
check "test: a JUnit report with the rules' examples and no failure" \
	sh -c "grep -q '<testsuite' '$repo/failsig-examples.xml' && ! grep -q '<failure' '$repo/failsig-examples.xml'"
run_job failsig-backtest "$repo"
same "backtest: exit 0 when the rules are the recorded ones" "$rc" 0
check "backtest: the Markdown comment is written and printed in the job log" \
	sh -c "grep -q '^### failsig backtest' '$repo/backtest.md' && grep -q '^### failsig backtest' '$tmp/failsig-backtest.log'"

# ---- a rule that hits successful jobs: the backtest job fails ----
cat >>"$repo/rules/infrastructure.rules" <<'EOF'

rule any_section_end "Any end of a section (hits every job)" {
    ticket "https://gitlab.example.org/ghc/ghc/-/issues/1"
    match "Cleaning up project directory"
    observe
    example "Cleaning up project directory and file based variables"
}
EOF
run_job failsig-backtest "$repo"
same "backtest: exit 1 when a new rule hits successful jobs" "$rc" 1
check "backtest: the comment names the rule and its hits in successful jobs" \
	sh -c "grep -q 'any_section_end' '$repo/backtest.md' && grep -q 'successful' '$repo/backtest.md'"

# ---- a broken rule: the check job fails, and the report says where ----
printf '\nrule broken "x" {\n    match /a(b/\n}\n' >>"$repo/rules/infrastructure.rules"
run_job failsig-check "$repo"
same "check: exit 1 on a rule with an invalid regex" "$rc" 1
line=$(grep -n 'match /a(b/' "$repo/rules/infrastructure.rules" | cut -d: -f1)
same "check: the Code Quality report has the error, with its file and line" \
	"$(cq "json_extract(value, '\$.severity') <> 'minor'" | cut -d'|' -f1-2)" "rules/infrastructure.rules|$line"
check "check: the diagnostic is in the job log, GCC style" \
	grep -q '^rules/infrastructure.rules:[0-9]*:[0-9]*: error: ' "$tmp/failsig-check.log"

echo "1..$n"
