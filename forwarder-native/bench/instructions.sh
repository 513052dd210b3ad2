#!/usr/bin/env bash
# Instructions per packet of the pipeline (pipeline_burst and what it calls), counted by
# callgrind: the same on a busy machine, unlike cycles. Two runs of profile_pipeline that
# differ only in the number of measured bursts; the difference over the extra packets
# leaves out everything both runs share (EAL start, filling the table).
#
#   bench/instructions.sh [FLOWS [new|established [BINARY]]]   (from forwarder-native/)
#
# Prints "FLOWS flows, KIND: N instructions per packet".
set -euo pipefail
flows=${1:-100000}
kind=${2:-new}
bin=${3:-$(dirname "$0")/../build/profile_pipeline}
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 1; }
out=$(mktemp -d /tmp/gatun-instructions.XXXXXX)
trap 'rm -rf "$out"' EXIT
count() { # bursts -> instructions in pipeline_burst
  valgrind --tool=callgrind --toggle-collect=pipeline_burst --callgrind-out-file="$out/cg.$1" \
    "$bin" "$flows" "$1" "$kind" >"$out/out.$1" 2>&1
  callgrind_annotate "$out/cg.$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}'
}
few=$(count 100)
many=$(count 300)
# Packets per burst: what the binary says (a build from before 7 December 2026 says nothing: 32).
burst=$(sed -n 's/.*bursts of \([0-9]*\):.*/\1/p' "$out/out.300")
echo "$flows flows, $kind: $(( (many - few) / (200 * ${burst:-32}) )) instructions per packet (bursts of ${burst:-32})"
