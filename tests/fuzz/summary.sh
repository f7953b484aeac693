#!/bin/sh
# summary.sh NAME LOG — one line of figures from a libFuzzer run's log:
# executions, coverage (cov: edges, ft: features), corpus size, exec/s.
name=$1
log=$2
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
echo "  $name: ${runs:-?} executions (${rate:-?}/s), cov: ${cov:-?} ft: ${ft:-?} corpus: ${corp:-?}"
