#!/bin/sh
# fuzz_replay.sh BUILD — every fuzz seed and regression input replayed
# through its target (tests/fuzz/fuzz.mk builds BUILD/fuzz/replay_*).
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/tests/fuzz/replay.sh" "${1:-build}/fuzz" parse regex display reader job webhook gitlab
