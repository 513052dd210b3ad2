#!/usr/bin/env bash
# BGP changes (not a test): what one change costs the operator with a BGP Pool, at 1,000 and 10,000
# two-port LoadBalancers and three forwarders: an endpoint changed, a LoadBalancer added, one
# removed, each timed from the desired state's publish to the three forwarders' messages built (p50,
# p99) and their bytes per forwarder. No API server: the driver
# (operator/src/test/java/io/gatun/operator/bench/BgpChangeBench.java) drives DesiredState and the
# senders' SentServices directly, with the operator's JVM flags (operator/jvm.options).
#
#   bench/bgp-changes.sh [SIZES] [CHANGES] [old-agents]   e.g. bench/bgp-changes.sh 1000,10000 300
#   old-agents: the forwarders do not offer BGP_DELTAS (they get the whole BGP configuration).
#   GATUN_BENCH_ROOT=/path/to/other/checkout: run it on another build (e.g. main's, for a before and
#   after; copy the driver into that checkout's operator test sources first).
set -euo pipefail
root=$(cd "${GATUN_BENCH_ROOT:-$(dirname "$0")/..}" && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-$(tools/find-jdk.sh)}
work=$(mktemp -d /tmp/gatun-bench-bgp.XXXXXX)
trap 'rm -rf "$work"' EXIT
mvn -q -B -ntp -o -pl operator -am test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath" ||
  { echo "bgp-changes: could not build the operator's test classes (Maven's error above)" >&2; exit 1; }
# shellcheck disable=SC2046
"$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow $(grep -v '^#' operator/jvm.options) -Xmx1g \
  -cp "operator/target/test-classes:operator/target/classes:$(cat "$work/classpath")" \
  io.gatun.operator.bench.BgpChangeBench "${1:-1000,10000}" "${2:-300}" ${3:+"$3"}
