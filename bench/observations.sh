#!/usr/bin/env bash
# Observations (not a test): what a forwarder's observations cost the agent and the operator while N
# VIPs are added one at a time, one observation after each, complete (every VIP listed, as before
# OBSERVATION_CHANGES) or as changes (only the VIP gained). Bytes of the last observation, CPU time
# per observation on each side (p50 of the last tenth of the run), CPU seconds over the run. No API
# server, no gRPC transport: the driver
# (operator/src/test/java/io/gatun/operator/control/ObservationBench.java) builds, serialises, parses
# and hands each observation to the operator's ForwarderConversation in one thread.
#
#   bench/observations.sh [SIZES] [MODES]   e.g. bench/observations.sh 1000,10000 complete,changes
#   GATUN_BENCH_ROOT=/path/to/other/checkout: run it on another build (e.g. main's, MODES=complete;
#   copy the driver into that checkout's operator test sources first).
set -euo pipefail
root=$(cd "${GATUN_BENCH_ROOT:-$(dirname "$0")/..}" && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-$(tools/find-jdk.sh)}
work=$(mktemp -d /tmp/gatun-bench-observations.XXXXXX)
trap 'rm -rf "$work"' EXIT
mvn -q -B -ntp -o -pl operator -am test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath" ||
  { echo "observations: could not build the operator's test classes (Maven's error above)" >&2; exit 1; }
# shellcheck disable=SC2046
"$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow $(grep -v '^#' operator/jvm.options) -Xmx1g \
  -cp "operator/target/test-classes:operator/target/classes:$(cat "$work/classpath")" \
  io.gatun.operator.control.ObservationBench "${1:-1000,10000}" "${2:-complete,changes}"
