#!/bin/sh
# skip.sh BUILD — the scanner's line skipping (runtime/scan.c, lineskip.c).
#
# When no rule needs every line, the scanner skips the lines before the
# prefilter's next set bit without reading them one by one. A skipped line
# still counts, and a line that needs the display pass is never skipped:
# a pattern split by an ANSI escape, a line with a '\r', and a
# section marker without its "\r\e[0K" tail (which opens or closes a
# section however plain it looks). The log puts each of these after
# thousands of plain lines, at odd offsets from 16- and 64-byte blocks; the
# hits must be on the right lines, in the right sections, with the AVX-512
# loops and without them, and the same as `failsig explain` (which reads
# every line).
build=$(cd "${1:-build}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; }

cat >"$tmp/skip.rules" <<'EOF'
rule reset "connection reset" { ticket "t" match "Connection reset by peer" example "Connection reset by peer" }
rule quota "disk quota" { ticket "t" match "Disk quota exceeded" example "Disk quota exceeded" }
rule inbuild "only inside section build" { ticket "t" match "Segmentation fault in stage" section build example "Segmentation fault in stage" }
rule folded "case-insensitive" { ticket "t" match /kernel panic - not syncing/i example "Kernel Panic - not syncing" }
rule lease "unless within, looked for in the skipped lines" {
	ticket "t" match "lease expired on shard" unless "lease renewed by broker" within 4 lines
	example "lease expired on shard 7"
}
EOF
if ! "$build/failsigc" build "$tmp/skip.rules" -o "$tmp/skip" 2>"$tmp/err"; then
	bad "build the rules: $(head -1 "$tmp/err")"
	echo "1..$n"
	exit 1
fi

# filler LINES WIDTH: plain lines of 1..WIDTH bytes, none matching.
filler() {
	awk -v n="$1" -v w="$2" 'BEGIN { for(i = 1; i <= n; i++) {
		s = sprintf("[%6d] compiling module Data.Filler%d ok", i, i % 97)
		print substr(s "................................................................................", 1, 1 + (i * 7) % w) } }'
}
{
	filler 3001 120                                        # lines 1..3001
	printf 'Connection re\033[0mset by peer\n'              # 3002: split by an escape
	filler 777 70                                          # 3003..3779
	printf 'Disk quota XXXX\rDisk quota exceeded\n'       # 3780: after a '\r'
	filler 64 200                                          # 3781..3844
	printf 'section_start:1700000000:build\n'              # 3845: marker, no tail
	filler 1500 90                                         # 3846..5345
	printf 'Segmentation fault in stage 2\n'               # 5346: in section build
	filler 33 150                                          # 5347..5379
	printf 'section_end:1700000001:build\n'                # 5380: closes it
	filler 2000 64                                         # 5381..7380
	printf 'Segmentation fault in stage 3\n'               # 7381: outside: no hit
	filler 5 10                                            # 7382..7386
	printf 'KERNEL PANIC - NOT SYNCING: fatal\n'           # 7387
	filler 4000 255                                        # 7388..11387
	printf 'Connection reset by peer\n'                    # 11388: plain
	# `unless … within 4 lines`: the unless pattern is looked for only
	# around a hit, on lines the scanner skipped (the back history) or,
	# after the hit, on lines it must then hand over one by one.
	filler 100 80                                          # 11389..11488
	printf 'lease renewed by broker\n'                     # 11489
	filler 3 40                                            # 11490..11492
	printf 'lease expired on shard 1\n'                    # 11493: 4 after: suppressed
	filler 200 80                                          # 11494..11693
	printf 'lease renewed by broker\n'                     # 11694
	filler 4 40                                            # 11695..11698
	printf 'lease expired on shard 2\n'                    # 11699: 5 after: fires
	filler 300 80                                          # 11700..11999
	printf 'lease expired on shard 3\n'                    # 12000: 3 before: suppressed
	filler 2 40                                            # 12001..12002
	printf 'lease renewed by broker\n'                     # 12003
	filler 500 80                                          # 12004..12503
	printf 'lease expired on shard 4\n'                    # 12504: fires
	filler 10 40                                           # 12505..12514
} >"$tmp/log"

hits() {  # the (rule line) pairs of a JSON scan or explain, sorted
	tr '{' '\n' <"$1" | sed -n 's/.*"id":"\([a-z]*\)".*/\1/p; s/^"line":\([0-9]*\),.*/L\1/p' |
		awk '/^L/ { print rule, substr($0, 2); next } { rule = $0 }' | sort -u
}

want='folded 7387
inbuild 5346
lease 11699
lease 12504
quota 3780
reset 11388
reset 3002'

FAILSIG_NO_AVX512=0 "$tmp/skip" scan --format json "$tmp/log" >"$tmp/avx.json"
FAILSIG_NO_AVX512=1 "$tmp/skip" scan --format json "$tmp/log" >"$tmp/scalar.json"
got=$(hits "$tmp/avx.json")
if [ "$got" = "$want" ]; then ok "scan: every hit on its line and in its section"; else
	bad "scan: hits"; echo "$got" | sed 's/^/#   got:  /'; echo "$want" | sed 's/^/#   want: /'
fi
if cmp -s "$tmp/avx.json" "$tmp/scalar.json"; then ok "scan: the same with the scalar loops"; else
	bad "scan: FAILSIG_NO_AVX512=1 gives other output"
fi
grep -q '"lines":12514' "$tmp/avx.json" && ok "scan: counts every line (12514)" ||
	bad "scan: line count: $(grep -o '"lines":[0-9]*' "$tmp/avx.json")"
"$tmp/skip" explain "$tmp/log" >"$tmp/explain.txt" 2>/dev/null
got=$(awk '/ — FIRED/ { rule = $1 } /^  hit at line / { sub(/,$/, "", $4); print rule, $4 }' \
	"$tmp/explain.txt" | sort -u)
if [ "$got" = "$want" ]; then ok "explain (every line read) agrees"; else
	bad "explain: hits"; echo "$got" | sed 's/^/#   got:  /'
fi

# The same log through stdin with a small read buffer: chunk ends fall
# inside the skipped runs.
FAILSIG_BUFSIZE=100 "$tmp/skip" scan --format json - <"$tmp/log" >"$tmp/small.json"
got=$(hits "$tmp/small.json")
[ "$got" = "$want" ] && ok "scan with 100-byte reads: same hits" || bad "scan with 100-byte reads: $got"

# Short atoms: patterns whose only literals are one to six bytes (a rare
# byte: "!", "#", "qu" or "zx") are looked for with memchr, and the lines
# without them are skipped too. A '!' on lines that do not match, a match
# split by an escape (the display pass), matches after thousands of plain
# lines and across chunk ends.
cat >"$tmp/short.rules" <<'EOF'
rule bang "a short literal" { ticket "t" match /[A-Z]{2}[0-9]{3}:[a-z]{2}!/ example "AB123:cd!" }
rule pair "an alternation every match passes through" { ticket "t" match /(qu|zx)[0-9]{3}(jk|vw)/ example "zx123vw" }
rule mss "a 4-byte literal that would force stride 1" { ticket "t" match /\d+ms!!/ example "took 12ms!!" }
rule reset "connection reset" { ticket "t" match "Connection reset by peer" example "Connection reset by peer" }
EOF
"$build/failsigc" build -Wno-slow-pattern "$tmp/short.rules" -o "$tmp/short" 2>"$tmp/err" ||
	bad "build the short rules: $(head -1 "$tmp/err")"
{
	filler 2000 120                                        # 1..2000
	printf 'hello! no match here!\n'                       # 2001: '!' alone
	filler 1000 70                                         # 2002..3001
	printf 'error XY123:ab! seen\n'                        # 3002: bang
	filler 500 90                                          # 3003..3502
	printf 'code \033[1mZZ999:\033[0mqq!\n'                # 3503: bang, split by escapes
	filler 3000 200                                        # 3504..6503
	printf 'quit zx421jk now\n'                            # 6504: pair
	filler 7 30                                            # 6505..6511
	printf 'qu12jk (too short) and took 99ms!! done\n'     # 6512: mss
	filler 4000 255                                        # 6513..10512
	printf 'Connection reset by peer\n'                    # 10513: reset
	filler 3 40                                            # 10514..10516
} >"$tmp/short.log"
want='bang 3002
bang 3503
mss 6512
pair 6504
reset 10513'
"$tmp/short" scan --format json "$tmp/short.log" >"$tmp/short.json"
FAILSIG_NO_AVX512=1 "$tmp/short" scan --format json "$tmp/short.log" >"$tmp/short.scalar.json"
FAILSIG_BUFSIZE=100 "$tmp/short" scan --format json - <"$tmp/short.log" >"$tmp/short.small.json"
got=$(hits "$tmp/short.json")
if [ "$got" = "$want" ]; then ok "short literals: every hit on its line"; else
	bad "short literals: hits"; echo "$got" | sed 's/^/#   got:  /'
fi
cmp -s "$tmp/short.json" "$tmp/short.scalar.json" && ok "short literals: the same with the scalar loops" ||
	bad "short literals: FAILSIG_NO_AVX512=1 gives other output"
[ "$(hits "$tmp/short.small.json")" = "$want" ] && ok "short literals: the same with 100-byte reads" ||
	bad "short literals with 100-byte reads: $(hits "$tmp/short.small.json")"
grep -q '"lines":10516' "$tmp/short.json" && ok "short literals: counts every line (10516)" ||
	bad "short literals: line count: $(grep -o '"lines":[0-9]*' "$tmp/short.json")"
"$tmp/short" explain "$tmp/short.log" >"$tmp/short.explain" 2>/dev/null
got=$(awk '/ — FIRED/ { rule = $1 } /^  hit at line / { sub(/,$/, "", $4); print rule, $4 }' \
	"$tmp/short.explain" | sort -u)
[ "$got" = "$want" ] && ok "short literals: explain (every line read) agrees" ||
	{ bad "short literals: explain"; echo "$got" | sed 's/^/#   got:  /'; }
"$build/failsigc" build --emit=c -Wno-slow-pattern "$tmp/short.rules" -o "$tmp/short.c" 2>/dev/null
grep -q 'prefilter_always\[1\] = {0}' "$tmp/short.c" && grep -q '{"qu", 2, 0}' "$tmp/short.c" &&
	ok "short literals: no atom is tried on every line" ||
	bad "short literals: some atom is still tried on every line"

echo "1..$n"
