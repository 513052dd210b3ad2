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
exec "$(dirname "$0")/operator-driver.sh" bgp-changes io.gatun.operator.bench.BgpChangeBench \
  "${1:-1000,10000}" "${2:-300}" ${3:+"$3"}
