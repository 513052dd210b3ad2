#!/usr/bin/env bash
# Availability figures (make bench): a backend killed under TCP traffic through a forwarder on
# af_packet, with TCP health probes at tight settings (200 ms x 3) and at the HealthProbe
# defaults (5 s x 3), each without and with passive health (the data plane's verdict, issue 16),
# 20 kills each: time until it is out of rotation (median, max), requests failed per kill (with
# passive health against the same probe settings without it: the goal is a tenth), and requests
# that failed on a healthy backend (the goal is 0).
# Writes bench/results/availability.json; needs root (network namespaces) and the build
# (make build). Takes about fifteen minutes, most of it waiting for 5 s probes.
#
# Also at 200 ms x 3 with a single failed connection ejecting (consecutiveFailures: 1): the
# default's three failures are a floor on failed requests per kill, and 1 is what reaches a tenth.
#
#   bench/availability.sh [KILLS [ONLY]]   ONLY: the settings whose name contains it (e.g. tight),
#                                          replacing their figures in the file, keeping the others
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
root=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-$("$root/tools/find-jdk.sh")}
export JAVA_HOME
kills=${1:-20}
only=${2:-}
out=$root/bench/results/availability.json
mkdir -p "$(dirname "$out")"

cd "$root"
# -am: the forwarder as this tree has it (not a jar installed earlier); no unit tests.
mvn -B -ntp -q -pl e2e -am verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=AvailabilityBench -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dgatun.bench.kills="$kills" -Dgatun.bench.out="$out" -Dgatun.bench.only="$only"
python3 - "$out" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1])):
    base = "" if f["baseline"] is None else f"  (baseline {f['baseline']:g} {f['unit']}, ratio {f['ratio']:.2f})"
    print(f"  {f['name']}: {f['value']:g} {f['unit']}{base}")
PY
echo "wrote $out"
