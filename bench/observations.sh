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
exec "$(dirname "$0")/operator-driver.sh" observations io.gatun.operator.control.ObservationBench \
  "${1:-1000,10000}" "${2:-complete,changes}"
