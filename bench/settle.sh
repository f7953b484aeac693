#!/bin/sh
# bench/settle.sh FILE... — put each FILE in the page cache as a file read
# from disk would be: write back, drop it from the cache, read it back
# (readahead). A file just written is about 40 % costlier to read() on this
# machine: its page cache is in small folios, readahead makes large ones
# (memchr_split over the 134 MB big.log: 37 ms just written, 26 ms read
# back, 2026-12-08). bench/run.sh and bench/backtest.sh settle what they
# time, so that figures do not depend on whether a log was just generated
# or reused, or on what the kernel reclaimed in between.
for f in "$@"; do
	sync "$f" 2>/dev/null || sync
	dd if="$f" iflag=nocache count=0 status=none 2>/dev/null || true
	cat "$f" >/dev/null
done
