#!/bin/sh
# bench/run.sh — `make bench`: failsig's scan throughput next to GNU grep,
# ripgrep, Hyperscan, RE2 and PCRE2 on the same rules and logs, and a
# cross-check that the engines find the same (line, rule) pairs.
#
# Everything it makes goes to bench/out/ (gitignored):
#   bin/       the generator, drivers and failsig matchers
#   rules/     the rule sets, as .rules and as pattern lists (bench/rules2pat)
#   logs/      generated GHC-like job logs (bench/genlog)
#   results.tsv  one line per timed process; report.txt  what is printed
#
# Environment:
#   BENCH_RUNS=5        timed repetitions (interleaved: run 1 of everything,
#                       then run 2, ...); medians and min..max are reported
#   BENCH_HUGE=1        also a 1 GB log (failsig, Hyperscan and memchr only):
#                       the size-independence and peak-RSS check
#   BENCH_SEED=1        seed of logs and synthetic rules
#   BENCH_GHC_RULES=DIR_OR_FILE   the GHC pack (default: rules/ghc if it
#                       compiles, else bench/rules/ghc.rules)
#   BENCH_REUSE=1       keep failsig matchers, Hyperscan databases and logs
#                       that are newer than their inputs (build times are then
#                       those recorded when they were built)
#   BENCH_NO_INSTALL=1  never apt-get install missing tools
#
# Engines (all single-threaded, one process per log):
#   failsig    `failsig scan --format json LOG`, the whole process: reading,
#              display pass, prefilter, matchers, rule evaluation, JSON
#   grep       LC_ALL=C grep -a -n -E -f PATTERNS LOG          (lines only)
#   rg         rg --no-config -j1 -a -n -f PATTERNS LOG         (lines only)
#   hs         bench/hs_bench: Hyperscan streaming, 256 KiB read()s, no SOM
#              (only match ends are needed), prebuilt database (see hs_bench.c)
#   re2        bench/re2_bench: RE2::Set, one Match per line
#   pcre2      bench/pcre2_bench: PCRE2-JIT, each rule over the whole text —
#              the reference of the cross-check, timed once (it is slow)
#   memchr     bench/memchr_split: 256 KiB read()s + memchr line split, the
#              limit any line-oriented scanner pays
set -eu

cd "$(dirname "$0")/.."
OUT=bench/out
BIN=$OUT/bin
RS=$OUT/rules
LOGS=$OUT/logs
RUNDIR=$OUT/run
RES=$OUT/results.tsv
REPORT=$OUT/report.txt
RUNS=${BENCH_RUNS:-5}
HUGE=${BENCH_HUGE:-0}
SEED=${BENCH_SEED:-1}
REUSE=${BENCH_REUSE:-0}
CC=${CC:-cc}
CXX=${CXX:-g++}
LC_ALL=C
export LC_ALL

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

mkdir -p "$BIN" "$RS" "$LOGS" "$RUNDIR"

# ---- tools ------------------------------------------------------------------

have_hdr() { printf '#include <%s>\n' "$1" | $CC -E -x c - >/dev/null 2>&1; }
have_hdrxx() { printf '#include <%s>\n' "$1" | $CXX -E -x c++ - >/dev/null 2>&1; }

missing=""
command -v rg >/dev/null 2>&1 || missing="$missing ripgrep"
command -v $CXX >/dev/null 2>&1 || missing="$missing g++"
command -v re2c >/dev/null 2>&1 || missing="$missing re2c"
command -v bison >/dev/null 2>&1 || missing="$missing bison"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
have_hdr jansson.h || missing="$missing libjansson-dev"
have_hdr hs/hs.h || missing="$missing libhyperscan-dev"
printf "#define PCRE2_CODE_UNIT_WIDTH 8\n#include <pcre2.h>\n" | $CC -E -x c - >/dev/null 2>&1 || missing="$missing libpcre2-dev"
command -v $CXX >/dev/null 2>&1 && { have_hdrxx re2/set.h || missing="$missing libre2-dev"; }
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && [ "${BENCH_NO_INSTALL:-0}" != 1 ]; then
	say "bench: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	apt-get install -y $missing >/dev/null 2>&1 ||
		{ apt-get update >/dev/null 2>&1 && apt-get install -y $missing >/dev/null 2>&1; } ||
		say "bench: could not install$missing; the engines that need them are skipped"
fi

say "bench: building failsig (release: make -s all)"
if ! make -s all >"$OUT/make.log" 2>&1; then
	say "bench: 'make all' failed (see $OUT/make.log); building failsigc and the runtime only"
	make -s build/failsigc build/libfailsig.a >>"$OUT/make.log" 2>&1 || die "cannot build failsigc (see $OUT/make.log)"
fi
FAILSIGC=build/failsigc

cflags="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra"
build_tool() { # NAME SRC EXTRA...
	name=$1 src=$2
	shift 2
	if [ "$REUSE" = 1 ] && [ "$BIN/$name" -nt "$src" ]; then return 0; fi
	# shellcheck disable=SC2086
	$CC $cflags -o "$BIN/$name" "$src" "$@" 2>"$BIN/$name.err"
}
for t in genlog genrules rules2pat timeit memchr_split; do
	build_tool $t bench/$t.c || die "cannot build bench/$t.c (see $BIN/$t.err)"
done
build_tool fsjson2pairs bench/fsjson2pairs.c -ljansson || die "cannot build bench/fsjson2pairs.c"
ENGINES="failsig grep rg"
# The drivers are the other engines: a missing library skips one engine.
# (-O3 for hs_bench: its newline count is a loop gcc vectorises at -O3.)
if $CC $cflags -O3 -o "$BIN/hs_bench" bench/hs_bench.c $(pkg-config --cflags --libs libhs 2>/dev/null || echo -lhs) 2>"$BIN/hs_bench.err"; then
	ENGINES="$ENGINES hs"
else
	say "bench: Hyperscan driver not built (see $BIN/hs_bench.err): skipped"
fi
if $CXX -std=c++17 -O2 -Wall -o "$BIN/re2_bench" bench/re2_bench.cc $(pkg-config --cflags --libs re2 2>/dev/null || echo -lre2) 2>"$BIN/re2_bench.err"; then
	ENGINES="$ENGINES re2"
else
	say "bench: RE2 driver not built (see $BIN/re2_bench.err): skipped"
fi
HAVE_PCRE2=0
if $CC $cflags -o "$BIN/pcre2_bench" bench/pcre2_bench.c $(pkg-config --cflags --libs libpcre2-8 2>/dev/null || echo -lpcre2-8) 2>"$BIN/pcre2_bench.err"; then
	HAVE_PCRE2=1
else
	say "bench: PCRE2 driver not built (see $BIN/pcre2_bench.err): no reference, no cross-check"
fi
command -v rg >/dev/null 2>&1 || { ENGINES=$(echo "$ENGINES" | sed 's/ rg//'); say "bench: no ripgrep: skipped"; }

# ---- rule sets --------------------------------------------------------------

if [ -n "${BENCH_GHC_RULES:-}" ]; then
	GHC=$BENCH_GHC_RULES
elif ls rules/ghc/*.rules >/dev/null 2>&1 && $FAILSIGC check rules/ghc >"$OUT/ghc-check.log" 2>&1; then
	GHC=rules/ghc
else
	GHC=bench/rules/ghc.rules
	say "bench: rules/ghc does not compile (see $OUT/ghc-check.log): using $GHC"
fi
if [ -d "$GHC" ]; then
	GHC_FILES=$(find "$GHC" -name '*.rules' | sort | tr '\n' ' ')
else
	GHC_FILES=$GHC
fi

"$BIN/genrules" 1000 "$SEED" "$RS/s1000.rules" "$RS/triggers.txt" "$RS/slow.rules" 2>"$RS/genrules.log"
"$BIN/genrules" 200 "$SEED" "$RS/s200.rules" /dev/null 2>>"$RS/genrules.log"

# set name -> rule files
set_files() {
	case $1 in
	ghc) echo "$GHC_FILES" ;;
	ghcflat) echo "$RS/ghc.flat.rules" ;;
	s200) echo "$RS/s200.rules" ;;
	s1000) echo "$RS/s1000.rules" ;;
	s200slow) echo "$RS/s200.rules $RS/slow.rules" ;;
	esac
}
for s in ghc ghcflat s200 s1000 s200slow; do
	# shellcheck disable=SC2046
	"$BIN/rules2pat" "$RS/$s" $(set_files $s) 2>"$RS/$s.rules2pat.log" ||
		die "rules2pat failed on $s (see $RS/$s.rules2pat.log)"
done

SETS="ghc s200 s1000 s200slow"
: >"$OUT/builds.tsv"
for s in $SETS ghcflat; do
	fs=$BIN/fs_$s
	files=$(set_files $s)
	stale=1
	if [ "$REUSE" = 1 ] && [ -x "$fs" ] && [ -f "$fs.build" ]; then
		stale=0
		# shellcheck disable=SC2086
		for f in $files $FAILSIGC build/libfailsig.a; do [ "$f" -nt "$fs" ] && stale=1; done
	fi
	if [ $stale = 1 ]; then
		say "bench: failsigc build $s"
		# shellcheck disable=SC2086
		"$BIN/timeit" "$OUT/fs_$s.build.log" $FAILSIGC build $files -o "$fs" >"$fs.build" 2>"$OUT/fs_$s.build.err" || true
		[ "$(cut -d' ' -f5 "$fs.build")" = 0 ] || die "failsigc build $s failed (see $OUT/fs_$s.build.err)"
	fi
	text=$(size "$fs" 2>/dev/null | awk 'NR == 2 { print $1 }')
	printf '%s\tfailsig\t%s\t%s\t%s\n' "$s" "$(cut -d' ' -f1 "$fs.build")" "$(wc -c <"$fs" | tr -d ' ')" "${text:-0}" >>"$OUT/builds.tsv"
	case " $ENGINES " in *" hs "*)
		if [ $s != ghcflat ]; then
			db=$BIN/hs_$s.db
			if [ "$REUSE" != 1 ] || [ ! -f "$db" ] || [ "$RS/$s.tsv" -nt "$db" ] || [ "$BIN/hs_bench" -nt "$db" ]; then
				rm -f "$db"
				"$BIN/timeit" "$OUT/hs_$s.build.log" "$BIN/hs_bench" "$RS/$s.tsv" /dev/null /dev/null "$db" >"$db.build" 2>"$OUT/hs_$s.build.err" || true
				[ "$(cut -d' ' -f5 "$db.build")" = 0 ] || die "Hyperscan cannot compile $s (see $OUT/hs_$s.build.err)"
			fi
			printf '%s\ths\t%s\t%s\t0\n' "$s" "$(cut -d' ' -f1 "$db.build")" "$(wc -c <"$db" | tr -d ' ')" >>"$OUT/builds.tsv"
		fi
	esac
done

# ---- logs -------------------------------------------------------------------

LOGNAMES="1m job big"
[ "$HUGE" = 1 ] && LOGNAMES="$LOGNAMES huge"
cat "$RS/triggers.txt" >"$RS/plant.txt"
for l in $LOGNAMES; do
	case $l in 1m) mb=1 ;; job) mb=16 ;; big) mb=134 ;; huge) mb=1000 ;; esac
	f=$LOGS/$l.log
	if [ "$REUSE" = 1 ] && [ -f "$f" ] && [ "$f" -nt "$BIN/genlog" ] && [ "$f" -nt "$RS/plant.txt" ]; then continue; fi
	"$BIN/genlog" $mb "$SEED" "$f" "$RS/plant.txt" 2>"$LOGS/$l.genlog.log"
done
# Every engine reads the logs as logs read from disk (bench/settle.sh: a
# file just written is about 40 % costlier to read() here).
for l in $LOGNAMES; do
	sh bench/settle.sh "$LOGS/$l.log"
done

# ---- timed runs -------------------------------------------------------------

# What the machine is, and how busy: numbers from a loaded machine are noise.
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo "?")
load0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
started=$(date -u '+%Y-%m-%d %H:%M UTC')

: >"$RES"
# run RUN LOG SET ENGINE
# copies N: seconds of one process of failsig ($BIN/fs_$s) scanning $log N
# times, best of 3 (run_one's "start-up excluded" figure).
copies() {
	n=$1
	set --
	i=0
	while [ $i -lt "$n" ]; do set -- "$@" "$log"; i=$((i + 1)); done
	for _ in 1 2 3; do
		"$BIN/timeit" /dev/null "$BIN/fs_$s" scan --format json "$@" | cut -d' ' -f1
	done | sort -n | head -n 1
}

run_one() {
	r=$1 l=$2 s=$3 e=$4
	log=$LOGS/$l.log
	o=$RUNDIR/$l.$s.$e
	case $e in
	failsig) m=$("$BIN/timeit" "$o.json" "$BIN/fs_$s" scan --format json "$log") ;;
	grep) m=$("$BIN/timeit" "$o.lines" grep -a -n -E -f "$RS/$s.ere" "$log") ;;
	rg) m=$("$BIN/timeit" "$o.lines" rg --no-config -j1 -a -n -f "$RS/$s.rg" "$log") ;;
	hs) m=$("$BIN/timeit" "$o.time" "$BIN/hs_bench" "$RS/$s.tsv" "$log" "$o.pairs" "$BIN/hs_$s.db") ;;
	re2) m=$("$BIN/timeit" "$o.time" "$BIN/re2_bench" "$RS/$s.tsv" "$log" "$o.pairs") ;;
	pcre2) m=$("$BIN/timeit" "$o.time" "$BIN/pcre2_bench" "$RS/$s.tsv" "$log" "$o.pairs") ;;
	memchr) m=$("$BIN/timeit" "$o.time" "$BIN/memchr_split" "$log") ;;
	esac
	set -- $m
	st=$5
	ok=1
	case $e in
	failsig | grep | rg) [ "$st" -le 1 ] || ok=0 ;;
	*) [ "$st" = 0 ] || ok=0 ;;
	esac
	[ $ok = 1 ] || say "bench: $e on $l/$s exited with status $st"
	scan=- compile=-
	if [ -f "$o.time" ] && [ "$e" != failsig ] && [ "$e" != grep ] && [ "$e" != rg ]; then
		read -r scan compile _ <"$o.time" || true
	fi
	bytes=$(wc -c <"$log" | tr -d ' ')
	# failsig's "start-up excluded" time: what one more log of this size
	# costs a process that is running (the service's workers, backtest,
	# `scan LOG...`). Exec, dynamic loading and exit cost every engine
	# several milliseconds on this VM (memchr_split too), and so do the
	# first touches of the rule set's tables, code and the read buffer
	# (a page fault costs ~9 us here), which an empty log does not make.
	# So the log is scanned K and 2K times in one process, K logs of at
	# least 16 MB in all, and the row is the difference / K, each the best
	# of 3 runs right after the timed run (a difference of two noisy times
	# is noisier than either).
	if [ "$e" = failsig ]; then
		k=$((16000000 / (bytes > 0 ? bytes : 1)))
		[ $k -ge 1 ] || k=1
		mk=$(copies $k)
		m2k=$(copies $((2 * k)))
		scan=$(awk -v a="$mk" -v b="$m2k" -v k="$k" 'BEGIN { d = (b - a) / k; print (d > 0 ? d : "-") }')
		set -- $m
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$l" "$s" "$e" "$r" "$1" "$2" "$3" "$4" "$st" "$scan" "${compile:--}" "$bytes" >>"$RES"
}

say "bench: $RUNS runs over logs [$LOGNAMES], sets [$SETS], engines [$ENGINES memchr]"
r=1
while [ $r -le "$RUNS" ]; do
	say "bench: run $r of $RUNS"
	for l in $LOGNAMES; do
		run_one $r $l - memchr
		for s in $SETS; do
			for e in $ENGINES; do
				if [ $l = huge ]; then
					# The 1 GB log: failsig's size independence and RSS;
					# Hyperscan for the GHC pack as the yardstick.
					case $e in failsig) ;; hs) [ $s = ghc ] || continue ;; *) continue ;; esac
					[ $s = s200slow ] && continue
				fi
				run_one $r $l $s $e
			done
		done
	done
	r=$((r + 1))
done

if [ $HAVE_PCRE2 = 1 ]; then
	say "bench: PCRE2 reference (one run each)"
	for l in $LOGNAMES; do
		[ $l = huge ] && continue
		for s in $SETS ghcflat; do
			run_one 1 $l $s pcre2
		done
	done
fi
load1=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# ---- cross-check -------------------------------------------------------------

XC=$OUT/crosscheck.txt
: >"$XC"
if [ $HAVE_PCRE2 = 1 ]; then
	say "bench: cross-check"
	# pairs INDEXED_PAIRS SET -> "LINE<TAB>RULE", sorted, distinct
	map_pairs() { awk -F'\t' 'NR == FNR { id[NR - 1] = $1; next } { print $1 "\t" id[$2] }' "$RS/$2.tsv" "$1" | sort -u; }
	diffs() { # NAME A B: pairs in A only / B only
		a_only=$(comm -23 "$2" "$3" | wc -l | tr -d ' ')
		b_only=$(comm -13 "$2" "$3" | wc -l | tr -d ' ')
		if [ "$a_only" = 0 ] && [ "$b_only" = 0 ]; then
			printf '  %-9s agrees (%s)\n' "$1" "$(wc -l <"$2" | tr -d ' ')" >>"$XC"
		else
			printf '  %-9s DISAGREES: %s only in %s, %s only in the reference\n' "$1" "$a_only" "$1" "$b_only" >>"$XC"
			{ comm -23 "$2" "$3" | head -n 5 | sed "s/^/      $1 only: /"; comm -13 "$2" "$3" | head -n 5 | sed 's/^/      reference only: /'; } >>"$XC"
		fi
	}
	for l in $LOGNAMES; do
		[ $l = huge ] && continue
		for s in $SETS ghcflat; do
			d=$RUNDIR/$l.$s
			[ -f "$d.pcre2.pairs" ] || continue
			map_pairs "$d.pcre2.pairs" $s >"$d.ref"
			cut -f1 "$d.ref" | sort -u >"$d.ref.lines"
			printf '%s / %s: reference (PCRE2) %s pairs on %s lines\n' "$l" "$s" "$(wc -l <"$d.ref" | tr -d ' ')" "$(wc -l <"$d.ref.lines" | tr -d ' ')" >>"$XC"
			# failsig; ghcflat is only built for this check
			[ -f "$d.failsig.json" ] || "$BIN/fs_$s" scan --format json "$LOGS/$l.log" >"$d.failsig.json" || true
			"$BIN/fsjson2pairs" "$d.failsig.json" "$d.fs.raw" "$d.fs.caps"
			sort -u "$d.fs.raw" >"$d.fs"
			# Rules failsig capped (more than 100 hits): compare counts only.
			cut -f1 "$d.fs.caps" | sort -u >"$d.capped"
			# Rules whose meaning is more than their patterns (then, unless,
			# section...): failsig must find a subset of the reference.
			sort -u "$RS/$s.exact" >"$d.exactids"
			awk -F'\t' 'NR == FNR { ex[$1] = 1; next } FILENAME == ARGV[2] { cap[$1] = 1; next } ($2 in ex) && !($2 in cap)' "$d.exactids" "$d.capped" "$d.ref" | sort -u >"$d.ref.exact"
			awk -F'\t' 'NR == FNR { ex[$1] = 1; next } FILENAME == ARGV[2] { cap[$1] = 1; next } ($2 in ex) && !($2 in cap)' "$d.exactids" "$d.capped" "$d.fs" | sort -u >"$d.fs.exact"
			diffs failsig "$d.fs.exact" "$d.ref.exact"
			extra=$(awk -F'\t' 'NR == FNR { ex[$1] = 1; next } !($2 in ex)' "$d.exactids" "$d.fs" | sort -u | comm -23 - "$d.ref" | wc -l | tr -d ' ')
			approx=$(awk -F'\t' 'NR == FNR { ex[$1] = 1; next } !($2 in ex)' "$d.exactids" "$d.ref" | wc -l | tr -d ' ')
			approx_fs=$(awk -F'\t' 'NR == FNR { ex[$1] = 1; next } !($2 in ex)' "$d.exactids" "$d.fs" | wc -l | tr -d ' ')
			if [ "$approx" != 0 ] || [ "$approx_fs" != 0 ]; then
				if [ "$extra" = 0 ]; then
					printf '  %-9s rules with then/unless/section: %s of the %s pattern pairs fired (a subset, as it must be)\n' "" "$approx_fs" "$approx" >>"$XC"
				else
					printf '  %-9s rules with then/unless/section: DISAGREE: %s failsig pairs the patterns do not give\n' "" "$extra" >>"$XC"
				fi
			fi
			while IFS="$(printf '\t')" read -r rule nhits kept; do
				want=$(awk -F'\t' -v r="$rule" '$2 == r' "$d.ref" | wc -l | tr -d ' ')
				printf '  %-9s rule %s: %s hits, %s kept (cap); reference %s\n' "" "$rule" "$nhits" "$kept" "$want" >>"$XC"
			done <"$d.fs.caps"
			[ $s = ghcflat ] && continue
			for e in hs re2; do
				[ -f "$d.$e.pairs" ] || continue
				map_pairs "$d.$e.pairs" $s >"$d.$e.mapped"
				diffs $e "$d.$e.mapped" "$d.ref"
			done
			for e in grep rg; do
				[ -f "$d.$e.lines" ] || continue
				cut -d: -f1 "$d.$e.lines" | sort -u >"$d.$e.sorted"
				diffs "$e" "$d.$e.sorted" "$d.ref.lines"
			done
		done
	done
fi

# ---- report -------------------------------------------------------------------

{
	echo "failsig benchmark — $started"
	echo "machine: $(nproc) CPUs, $cpu; load average $load0 (start) / $load1 (end)"
	echo "GHC pack: $GHC ($(wc -l <"$RS/ghc.tsv" | tr -d ' ') patterns of $(cut -f1 "$RS/ghc.tsv" | sort -u | wc -l | tr -d ' ') rules for the other engines)"
	sed -n 's/^  /  for the other engines: /p' "$RS/ghc.rules2pat.log"
	for l in $LOGNAMES; do
		printf 'log %s: %s\n' "$l" "$(sed 's/^genlog: //' "$LOGS/$l.genlog.log")"
	done
	echo
	awk -f bench/report.awk -v runs="$RUNS" "$RES" "$OUT/builds.tsv"
	if [ -s "$XC" ]; then
		echo
		echo "Cross-check: (line, rule) pairs against PCRE2 (the reference; grep and rg: lines)"
		cat "$XC"
	fi
} >"$REPORT"
cat "$REPORT"
if grep -q 'DISAGREE' "$XC" 2>/dev/null; then
	say "bench: the engines disagree (see above)"
fi
