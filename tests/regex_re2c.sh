#!/bin/sh
# regex_re2c.sh [BUILD] — differential test of the regex translation: every
# regex of tests/tools/rx_re2c_check.c is emitted with rx_emit_re2c, compiled
# by re2c and cc, and run against rx_search on generated lines. Prints TAP;
# exits non-zero on any mismatch or build failure. BUILD is accepted for
# tests/run_all.sh and not used: the driver is built here, in a temp dir.
top=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
RE2C=${RE2C:-re2c}
SANFLAGS=${SANFLAGS--fsanitize=address,undefined -fno-sanitize-recover=undefined}
WARN="-std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
      -Wwrite-strings -Wundef -Wno-unused-parameter"
# re2c output trips these, as in the Makefile's GENWARN; and a matcher for a
# regex that can never match (the empty class "[]") leaves yych unused.
GENWARN="-Wno-missing-prototypes -Wno-unused-function -Wno-unused-label -Wno-sign-compare
         -Wno-unused-variable"
CPPFLAGS="-D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -I$top/runtime -I$top/compiler"
LIBSRC="$top/compiler/regex.c $top/compiler/arena.c $top/runtime/xalloc.c $top/runtime/dynbuf.c"
DRIVER=$top/tests/tools/rx_re2c_check.c

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bail() {
	echo "not ok 1 - $1"
	echo "1..1"
	exit 1
}

if ! command -v "$RE2C" >/dev/null 2>&1; then
	echo "ok 1 - # SKIP $RE2C is not installed"
	echo "1..1"
	exit 0
fi

# shellcheck disable=SC2086 # the flag lists are meant to split
$CC $WARN $CPPFLAGS -g $SANFLAGS -o "$tmp/gen" "$DRIVER" $LIBSRC ||
	bail "build the generator"
"$tmp/gen" gen "$tmp/matchers.re" || bail "emit the matchers"
"$RE2C" -W --no-generation-date --no-version -o "$tmp/matchers.c" "$tmp/matchers.re" ||
	bail "re2c accepts the emitted expressions"
# shellcheck disable=SC2086
$CC $WARN $GENWARN $CPPFLAGS -g $SANFLAGS -c -o "$tmp/matchers.o" "$tmp/matchers.c" ||
	bail "compile the matchers"
# shellcheck disable=SC2086
$CC $WARN $CPPFLAGS -g $SANFLAGS -DRX_CHECK_RUN -o "$tmp/run" "$DRIVER" "$tmp/matchers.o" $LIBSRC ||
	bail "build the checker"
"$tmp/run" run
