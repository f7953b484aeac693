# bench/report.awk — the tables and ratios of bench/run.sh.
#
#   awk -f bench/report.awk -v runs=N results.tsv builds.tsv
#
# results.tsv: LOG SET ENGINE RUN WALL USER SYS MAXRSS_KB STATUS SCAN COMPILE BYTES
# builds.tsv:  SET TOOL SECONDS BYTES TEXT_BYTES
# MB/s are 10^6 bytes per second of wall time of the whole process; "scan
# only" rows use the time the driver measured around its scan loop.
BEGIN { FS = "\t" }

FNR == NR {
	l = $1; s = $2; e = $3
	if(!(l in seenlog)) { seenlog[l] = 1; logs[++nlogs] = l }
	if(s != "-" && s != "ghcflat" && !(s in seenset)) { seenset[s] = 1; sets[++nsets] = s }
	bytes[l] = $12
	k = l SUBSEP s SUBSEP e
	n[k]++; v[k, n[k]] = $12 / 1e6 / $5
	if($10 != "-" && $10 > 0) { ks = k SUBSEP "scan"; n[ks]++; v[ks, n[ks]] = $12 / 1e6 / $10 }
	if($8 > rss[l, s, e]) rss[l, s, e] = $8
	next
}
{ bt[$1, $2] = $3; bb[$1, $2] = $4; btext[$1, $2] = $5; if(!($1 in bseen)) { bseen[$1] = 1; bsets[++nb] = $1 } }

# Median, min and max of the values of key k, in med/lo/hi.
function stats(k,    i, j, m, t, a) {
	m = n[k]
	if(!m) { med = lo = hi = ""; return 0 }
	for(i = 1; i <= m; i++) a[i] = v[k, i]
	for(i = 2; i <= m; i++) { t = a[i]; for(j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	med = m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	lo = a[1]; hi = a[m]
	return m
}

function cell(k,    c) {
	c = stats(k)
	if(!c) return "-"
	if(c == 1) return sprintf("%.0f (1 run)", med)
	return sprintf("%.0f (%.0f..%.0f)", med, lo, hi)
}

function m(l, s, e) { return stats(l SUBSEP s SUBSEP e) ? med : 0 }

function ratio(a, b) { return b > 0 ? a / b : 0 }

function target(name, got, want, cmp,    ok) {
	if(want == "-") { if(got) printf "  %-58s %8.2f\n", name, got; return }
	if(got == 0) { printf "  %-58s %8s   target %s %-5s  not measured\n", name, "-", cmp, want; return }
	ok = cmp == ">=" ? got >= want + 0 : got < want + 0
	printf "  %-58s %8.2f   target %s %-5s  %s\n", name, got, cmp, want, ok ? "met" : "MISSED"
}

END {
	split("failsig grep rg hs re2 pcre2 memchr", engines, " ")
	names["failsig"] = "failsig scan"
	names["grep"] = "GNU grep -E -f"
	names["rg"] = "ripgrep -j1 -f"
	names["hs"] = "Hyperscan stream"
	names["re2"] = "RE2::Set per line"
	names["pcre2"] = "PCRE2-JIT per rule"
	names["memchr"] = "memchr line split"
	printf "Throughput, MB/s (10^6 bytes/s, whole process, median (min..max) of %d runs)\n", runs
	for(li = 1; li <= nlogs; li++) {
		l = logs[li]
		printf "\n%s.log, %.1f MB\n", l, bytes[l] / 1e6
		printf "  %-26s", "engine \\ rule set"
		for(si = 1; si <= nsets; si++) printf " %18s", sets[si]
		printf "\n"
		for(ei = 1; ei <= 7; ei++) {
			e = engines[ei]
			line = sprintf("  %-26s", names[e])
			any = 0
			for(si = 1; si <= nsets; si++) {
				k = l SUBSEP (e == "memchr" ? "-" : sets[si]) SUBSEP e
				c = cell(k); if(c != "-") any = 1
				line = line sprintf(" %18s", c)
			}
			if(any) print line
			if(e == "failsig" || e == "hs" || e == "re2" || e == "pcre2") {
				line = sprintf("  %-26s", "  " e (e == "failsig" ? ", start-up excluded" : ", scan loop only"))
				any = 0
				for(si = 1; si <= nsets; si++) {
					c = cell(l SUBSEP sets[si] SUBSEP e SUBSEP "scan"); if(c != "-") any = 1
					line = line sprintf(" %18s", c)
				}
				if(any) print line
			}
		}
	}

	big = ("big" in seenlog) ? "big" : logs[nlogs]
	printf "\nRatios (medians) and targets\n"
	for(li = 1; li <= nlogs; li++) {
		l = logs[li]
		if(l != "big" && l != "job") continue
		printf " %s.log\n", l
		fs = m(l, "ghc", "failsig")
		target("GHC pack: failsig / Hyperscan stream", ratio(fs, m(l, "ghc", "hs")), "1.0", ">=")
		target("GHC pack: failsig / ripgrep -j1", ratio(fs, m(l, "ghc", "rg")), "2.5", ">=")
		target("GHC pack: failsig / GNU grep", ratio(fs, m(l, "ghc", "grep")), "-", ">=")
		target("GHC pack: failsig / memchr line-split limit", ratio(fs, m(l, "-", "memchr")), "0.40", ">=")
		target("200 rules: failsig / Hyperscan stream", ratio(m(l, "s200", "failsig"), m(l, "s200", "hs")), "1.5", ">=")
		target("1000 rules: failsig / Hyperscan stream", ratio(m(l, "s1000", "failsig"), m(l, "s1000", "hs")), "3", ">=")
		target("1000 rules: failsig / RE2::Set", ratio(m(l, "s1000", "failsig"), m(l, "s1000", "re2")), "2", ">=")
		target("200 rules + 5 without a literal: failsig / Hyperscan", ratio(m(l, "s200slow", "failsig"), m(l, "s200slow", "hs")), "-", ">=")
	}
	printf " size independence: failsig MB/s per log (smallest / largest)\n"
	for(si = 1; si <= nsets; si++) {
		s = sets[si]; mn = 0; mx = 0; mn2 = 0; mx2 = 0; txt = ""
		for(li = 1; li <= nlogs; li++) {
			x = m(logs[li], s, "failsig")
			if(!x) continue
			txt = txt sprintf(" %s %.0f", logs[li], x)
			if(!mn || x < mn) mn = x
			if(x > mx) mx = x
			if(logs[li] != "1m" && (!mn2 || x < mn2)) mn2 = x
			if(logs[li] != "1m" && x > mx2) mx2 = x
		}
		if(!mx) continue
		printf "  %-10s%s\n", s ":", txt
		target(sprintf("%s: flatness, 16 MB and up", s), ratio(mn2, mx2), "0.8", ">=")
		target(sprintf("%s: flatness, 1 MB and up", s), ratio(mn, mx), "0.8", ">=")
		mn = 0; mx = 0; mn2 = 0; mx2 = 0
		for(li = 1; li <= nlogs; li++) {
			k = logs[li] SUBSEP s SUBSEP "failsig" SUBSEP "scan"
			if(!stats(k)) continue
			if(!mn || med < mn) mn = med
			if(med > mx) mx = med
			if(logs[li] != "1m" && (!mn2 || med < mn2)) mn2 = med
			if(logs[li] != "1m" && med > mx2) mx2 = med
		}
		target(sprintf("%s: flatness, 16 MB and up, start-up excluded", s), ratio(mn2, mx2), "0.8", ">=")
		target(sprintf("%s: flatness, 1 MB and up, start-up excluded", s), ratio(mn, mx), "0.8", ">=")
	}
	largest = logs[nlogs]
	printf " memory: failsig peak RSS on %s.log\n", largest
	for(si = 1; si <= nsets; si++) {
		s = sets[si]
		if(!((largest, s, "failsig") in rss)) continue
		target(sprintf("%s: peak RSS, MB%s", s, largest == "huge" ? "" : " (not the 1 GB log)"), rss[largest, s, "failsig"] / 1024, "32", "<")
	}

	printf "\nBuilds\n"
	printf "  %-10s %16s %14s %12s   %16s %14s\n", "rule set", "failsigc build s", "binary bytes", ".text bytes", "Hyperscan comp. s", "database bytes"
	for(i = 1; i <= nb; i++) {
		s = bsets[i]
		printf "  %-10s %16.2f %14d %12d   %16s %14s\n", s, bt[s, "failsig"], bb[s, "failsig"], btext[s, "failsig"],
		       (s, "hs") in bt ? sprintf("%.2f", bt[s, "hs"]) : "-", (s, "hs") in bb ? bb[s, "hs"] : "-"
	}
	target("GHC pack: failsigc build, s", bt["ghc", "failsig"], "5", "<")
	target("1000 rules: failsigc build, s", bt["s1000", "failsig"], "60", "<")
	target("1000 rules: failsig binary, MB", bb["s1000", "failsig"] / 1e6, "20", "<")
}
