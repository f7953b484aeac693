#!/bin/sh
# guide.sh BUILD — the outputs that docs/guide.md shows are real: every
# `$ failsig search|stats|report|unmatched …` (and a `$ head …` of a file one
# of them wrote) in a fenced block of the guide is run against the database
# of tests/lib/history.sh, as the guide says, and its stdout must be the
# lines shown under it. A line "..." or "…" in the guide stands for any
# number of lines (the guide shortens long outputs). Commands of the guide
# that need other inputs (building a changed rule set, a GitLab) are not
# run here; their features have their own tests.
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/scratch.sh"
. "$top/tests/lib/tap.sh"
bin=$build/failsig
guide=$top/docs/guide.md

sh "$top/tests/lib/history.sh" "$build" "$bin" "$tmp/history.db" ||
	{ echo "not ok 1 - history.sh could not build the database"; echo "1..1"; exit 1; }
# `failsig` in the commands: the built matcher, on that database.
mkdir -p "$tmp/bin" "$tmp/work"
printf '#!/bin/sh\nexec "%s" "$@" --db "%s"\n' "$bin" "$tmp/history.db" >"$tmp/bin/failsig"
chmod +x "$tmp/bin/failsig"

# Split the guide's fenced blocks into cmd.N (the command) and want.N (the
# lines under it, up to the next command or the end of the block).
awk -v dir="$tmp" '
/^```/ { infence = !infence; cur = ""; next }
!infence { next }
/^\$ / {
	cmd = substr($0, 3); cur = ""
	if(cmd ~ /^failsig (search|stats|report|unmatched)( |$)/ || (cmd ~ /^head / && n)) {
		n++; cur = dir "/want." n
		printf "%s\n", cmd >(dir "/cmd." n); close(dir "/cmd." n)
		printf "" >cur
		lineno[n] = NR
	}
	next
}
cur != "" { print >>cur; close(cur) }
END { for(i = 1; i <= n; i++) print i, lineno[i] >(dir "/index") }
' "$guide"

# like WANT GOT: GOT's lines are WANT's, where a WANT line "..." or "…"
# matches any run of lines (the first way that works, in order).
like() {
	awk '
	NR == FNR { w[++nw] = $0; next }
	{ g[++ng] = $0 }
	function m(i, j,   k, t) {
		if(i > nw) return j > ng
		t = w[i]; gsub(/^[ \t]+|[ \t]+$/, "", t)
		if(t == "..." || t == "\342\200\246") {
			for(k = j; k <= ng + 1; k++) if(m(i + 1, k)) return 1
			return 0
		}
		return j <= ng && w[i] == g[j] && m(i + 1, j + 1)
	}
	END { exit m(1, 1) ? 0 : 1 }
	' "$1" "$2"
}

count=0
while read -r i at; do
	count=$((count + 1))
	cmd=$(cat "$tmp/cmd.$i")
	(cd "$tmp/work" && PATH=$tmp/bin:$PATH sh -c "$cmd") >"$tmp/got.$i" 2>/dev/null
	if like "$tmp/want.$i" "$tmp/got.$i"; then
		ok "docs/guide.md:$at: \$ $cmd"
	else
		nok "docs/guide.md:$at: \$ $cmd: the output differs from the guide" \
			"$(diff "$tmp/want.$i" "$tmp/got.$i" | head -n 12 | tr '\n' '|')"
	fi
done <"$tmp/index"
check "the guide shows at least 6 outputs of the investigation commands ($count)" [ "$count" -ge 6 ]

echo "1..$n"
