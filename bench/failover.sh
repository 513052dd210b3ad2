#!/usr/bin/env bash
# Failover figures (make bench): the owner of a VIP killed under 100 requests/s, time until the
# VIP is answered by another MAC (median, max), requests failed per kill, and long-lived TCP
# connections (two per mode, opened before each kill: NAT, DSR, full NAT) that survive it, for
# Gatun's fleet at its defaults (100 ms x 3) and fastest interval (20 ms x 3 on two shared cores:
# GATUN_FASTEST_MS to try another; BENCHMARKS.md says why not 10), beside keepalived (Debian's,
# VRRPv3) on the same bridge at its default (1 s), at Gatun's fastest interval, and at its own
# fastest (0.01 s: the least keepalived 2.2.7 accepts for VRRPv3, "number '0.001' outside range
# [0.010000, 255.000000]") advertisement intervals; the ratio is Gatun / keepalived. Records the
# load average before and after each setting. Writes bench/results/failover.json; needs root (network namespaces), the
# build (make build) and keepalived (tools/install-packages.sh). A keepalived figure it could not
# measure fails the run.
#
#   bench/failover.sh [KILLS]     (default 20 kills per setting)
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
root=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-$("$root/tools/find-jdk.sh")}
export JAVA_HOME
kills=${1:-20}
out=$root/bench/results/failover.json
mkdir -p "$(dirname "$out")"
command -v keepalived >/dev/null || { echo "keepalived is not installed: no baseline, no figures" >&2; exit 1; }

cd "$root"
# -am: the forwarder as this tree has it (not a jar installed earlier); no unit tests.
mvn -B -ntp -q -pl e2e -am verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=FleetFailoverBench -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dgatun.bench.kills="$kills" -Dgatun.bench.out="$out" \
  -Dgatun.bench.fastest.ms="${GATUN_FASTEST_MS:-20}"
python3 - "$out" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1])):
    base = "" if f["baseline"] is None else f"  (keepalived {f['baseline']:g} {f['unit']}, Gatun/keepalived {f['ratio']:.2f})"
    print(f"  {f['name']}: {f['value']:g} {f['unit']}{base}")
PY
echo "wrote $out"
