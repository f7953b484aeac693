#!/bin/sh
# scan_cli.sh BUILD — the failsig command line: stdin, exit statuses,
# errors, a multi-megabyte line, and failsigc build's determinism.
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
fs=$build/failsig
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; }
expect() {  # name want-status actual-status
	if [ "$3" -eq "$2" ]; then ok "$1"; else bad "$1: exit $3, expected $2"; fi
}

printf 'x\nERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is it running?\n' >"$tmp/docker.log"
printf 'all good\n' >"$tmp/clean.log"

"$fs" scan "$tmp/docker.log" >"$tmp/out"
expect "scan: exit 0 when a rule fired" 0 $?
grep -q '^.*docker.log: docker ' "$tmp/out" && ok "scan: names the rule" || bad "scan: names the rule"
"$fs" scan "$tmp/clean.log" >/dev/null
expect "scan: exit 1 when no rule fired" 1 $?
"$fs" scan "$tmp/missing.log" 2>"$tmp/err"
expect "scan: exit 2 on a missing log" 2 $?
grep -q "cannot read" "$tmp/err" && ok "scan: says why" || bad "scan: says why"
"$fs" scan "$tmp" 2>"$tmp/err"
expect "scan: exit 2 on a directory" 2 $?
grep -q "cannot read '$tmp': Is a directory" "$tmp/err" && ok "scan: names the directory" ||
	bad "scan: names the directory: $(cat "$tmp/err")"
"$fs" scan - <"$tmp/docker.log" | grep -q '(stdin): docker'
[ $? -eq 0 ] && ok "scan: reads stdin" || bad "scan: reads stdin"
"$fs" scan --format json "$tmp/docker.log" >"$tmp/json"
grep -q '"fired":\[{"id":"docker"' "$tmp/json" && grep -q '"hits":\[{"line":2,' "$tmp/json" &&
	ok "scan --format json: rule and hit line" || bad "scan --format json: rule and hit line"
# The JSON is written one fired rule at a time: three rules in one log
# (in rule order, commas between), a log where none fired, odd bytes in a
# hit's text; exactly what a whole jansson tree printed before.
{
	printf 'x\nERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is it running?\n'
	printf 'Command failed with error code: -11\n'
	printf 'MoveFileEx "q\\\t\001\377\n'
} >"$tmp/three.log"
"$fs" scan --format json "$tmp/three.log" "$tmp/clean.log" |
	sed 's/"ruleset":"[0-9a-f]\{16\}"/"ruleset":"H"/' >"$tmp/json"
cat >"$tmp/want" <<'JSON'
{"log":"TMP/three.log","fired":[{"id":"docker","title":"Docker daemon unreachable on the runner","action":"retry","ticket":null,"tickets":[],"hits":[{"line":2,"text":"ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is it running?"}],"nhits":1,"filters_checked":true,"actionable":true},{"id":"MoveFileEx","title":"Windows rename failed (MoveFileEx)","action":"retry","ticket":null,"tickets":[],"hits":[{"line":4,"text":"MoveFileEx \"q\\\t\u0001�"}],"nhits":1,"filters_checked":true,"actionable":true},{"id":"code_-11","title":"Command killed by SIGSEGV (error code -11)","action":"retry","ticket":"https://gitlab.haskell.org/ghc/ghc/-/issues/22990","tickets":["https://gitlab.haskell.org/ghc/ghc/-/issues/22990"],"hits":[{"line":3,"text":"Command failed with error code: -11"}],"nhits":1,"filters_checked":true,"actionable":true}],"ruleset":"H","lines":4,"bytes":146}
{"log":"TMP/clean.log","fired":[],"ruleset":"H","lines":1,"bytes":9}
JSON
sed "s|TMP|$tmp|" "$tmp/want" >"$tmp/want2"
cmp -s "$tmp/json" "$tmp/want2" && ok "scan --format json: three rules, none, odd bytes, two logs" ||
	{ bad "scan --format json: three rules, none, odd bytes, two logs"; diff "$tmp/want2" "$tmp/json" | head -5; }
# Output that cannot be written is an error (exit 2, with the reason), not
# "a rule fired" or "none did".
"$fs" scan --format json "$tmp/docker.log" >/dev/full 2>"$tmp/err"
expect "scan to a full disk: exit 2" 2 $?
grep -q "cannot write the output: No space left on device" "$tmp/err" &&
	ok "scan to a full disk: says why" || bad "scan to a full disk: says why"
"$fs" scan "$tmp/clean.log" >/dev/full 2>/dev/null
expect "scan to a full disk, nothing fired: still exit 2" 2 $?
"$build/failsigc" check --format=json "$top/rules/ghc" >/dev/full 2>"$tmp/err"
expect "failsigc check --format=json to a full disk: exit 2" 2 $?
grep -q "cannot write the output" "$tmp/err" && ok "failsigc: says why" || bad "failsigc: says why"
"$fs" scan --job "$tmp/clean.log" "$tmp/docker.log" 2>"$tmp/err"
expect "scan --job with invalid JSON: exit 2" 2 $?
grep -q "invalid JSON at line 1" "$tmp/err" && ok "scan --job: precise error" || bad "scan --job: precise error"
"$fs" scan --bogus 2>/dev/null
expect "scan: unknown option is a usage error" 2 $?
"$fs" frobnicate 2>/dev/null
expect "unknown command" 2 $?
"$fs" --help | grep -q "scan \[--job" && ok "--help lists scan" || bad "--help lists scan"

# A 6 MB line (longer than the 4 MiB piece size) with the trigger at its
# end, then an ordinary line: the hit is on line 2, the next line is 3.
{
	echo "before"
	head -c 6000000 /dev/zero | tr '\0' 'x'
	echo " Cannot connect to the Docker daemon at unix:///var/run/docker.sock"
	echo "after: Cannot connect to the Docker daemon at unix:///var/run/docker.sock"
} >"$tmp/huge.log"
"$fs" scan --format json "$tmp/huge.log" >"$tmp/json"
grep -q '"hits":\[{"line":2,' "$tmp/json" && grep -q '{"line":3,' "$tmp/json" &&
	ok "6 MB line: hit found, line numbers kept" || bad "6 MB line: hit found, line numbers kept"

# Any bytes: NUL, invalid UTF-8, CRLF, no final newline.
printf 'a\000b\r\n\377\376 Cannot connect to the Docker daemon at unix:///var/run/docker.sock' >"$tmp/bytes.log"
"$fs" scan --format json "$tmp/bytes.log" >"$tmp/json"
expect "binary bytes and no final newline: fired" 0 $?
grep -q '"line":2' "$tmp/json" && ok "binary bytes: line 2" || bad "binary bytes: line 2"

# failsigc build: same rules, same bytes.
"$build/failsigc" build --emit=re "$top/rules/ghc" -o "$tmp/a.re" 2>/dev/null
"$build/failsigc" build --emit=re "$top/rules/ghc" -o "$tmp/b.re" 2>/dev/null
cmp -s "$tmp/a.re" "$tmp/b.re" && ok "failsigc build is deterministic" || bad "failsigc build is deterministic"
grep -q "^/\* Generated by failsigc from" "$tmp/a.re" && ok "generated file says so" ||
	bad "generated file says so"
# --emit=c runs re2c, which renames a file of its own over its output: OUT
# itself must be written like any file (a symlink stays a symlink, a
# device a device), and the C names no temporary path.
: >"$tmp/target.c"
ln -s "$tmp/target.c" "$tmp/link.c"
"$build/failsigc" build --emit=c "$top/rules/ghc" -o "$tmp/link.c" 2>/dev/null
"$build/failsigc" build --emit=c "$top/rules/ghc" -o "$tmp/c2.c" 2>/dev/null
[ -L "$tmp/link.c" ] && [ -s "$tmp/target.c" ] && ok "failsigc --emit=c writes through a symlink" ||
	bad "failsigc --emit=c replaced the symlink"
cmp -s "$tmp/target.c" "$tmp/c2.c" && ! grep -q "failsigc\." "$tmp/c2.c" &&
	ok "failsigc --emit=c is deterministic" || bad "failsigc --emit=c is deterministic"
# The lines `unless … within` patterns are looked for in point into the
# reader's chunk until it ends (runtime/backlog.c): tiny chunks must give
# the verdicts of the default 256 KiB ones, on every corpus log.
diffs=""
for log in "$top"/tests/corpus/*.log; do
	"$fs" scan --format json "$log" >"$tmp/big.json" 2>&1
	for b in 16 40 97; do
		FAILSIG_BUFSIZE=$b "$fs" scan --format json "$log" >"$tmp/small.json" 2>&1
		cmp -s "$tmp/big.json" "$tmp/small.json" || diffs="$diffs $(basename "$log")/$b"
	done
done
[ -z "$diffs" ] && ok "scan: 16-, 40- and 97-byte reads give the default verdicts on the corpus" ||
	bad "scan: 16-, 40- and 97-byte reads give the default verdicts on the corpus:$diffs"
t21336=$top/tests/corpus/full-disk-testsuite-with-T21336.log
"$fs" explain "$t21336" >"$tmp/explain.big"
FAILSIG_BUFSIZE=16 "$fs" explain "$t21336" >"$tmp/explain.small"
grep -q '1 hit suppressed' "$tmp/explain.big" && cmp -s "$tmp/explain.big" "$tmp/explain.small" &&
	ok "the T21336 exception (unless … within 20 lines) suppresses its hit, also with 16-byte reads" ||
	bad "the T21336 exception (unless … within 20 lines) suppresses its hit, also with 16-byte reads"

# A hit only a line 15 lines before excuses: that line is in an earlier
# chunk when reads are small, and must have been kept.
script_log() {  # N: the T21336 line, N numbered lines, a disk-full line, in step_script
	printf 'section_start:1700000000:step_script\r\033[0K\033[0KExecuting "step_script"\n'
	echo "=====> T21336b(normal) 1 of 1"
	seq 1 "$1"
	echo "write: No space left on device"
	printf 'section_end:1700000001:step_script\r\033[0K\n'
}
script_log 14 >"$tmp/t21336.log"
script_log 24 >"$tmp/t21336far.log"
for b in "" 16 40; do
	FAILSIG_BUFSIZE=$b "$fs" scan "$tmp/t21336.log" >/dev/null
	expect "unless … within 20 lines, 15 lines back${b:+, $b-byte reads}: not fired" 1 $?
	FAILSIG_BUFSIZE=$b "$fs" scan "$tmp/t21336far.log" >/dev/null
	expect "... 25 lines back${b:+, $b-byte reads}: fired" 0 $?
done

# libcurl and libmicrohttpd are opened by serve, fetch and dashboard only
# (runtime/dynlib.c): linked, they cost every scan ~4 ms of start-up.
if readelf -d "$fs" | grep NEEDED | grep -q 'curl\|microhttpd'; then
	bad "the matcher does not link libcurl or libmicrohttpd"
else
	ok "the matcher does not link libcurl or libmicrohttpd"
fi
# jansson and sqlite are linked statically (Makefile LDLIBS: ~1 ms of start-up).
if readelf -d "$fs" | grep NEEDED | grep -q 'jansson\|sqlite'; then
	bad "jansson and sqlite are linked statically"
else
	ok "jansson and sqlite are linked statically"
fi
echo "1..$n"
