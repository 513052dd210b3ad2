#!/usr/bin/env bash
# Failover figures (make bench): the owner of a VIP killed under 100 requests/s, time until the
# VIP is answered by another MAC (median, max) and requests failed per kill, for Gatun's fleet at
# its defaults (100 ms x 3) and fastest interval (10 ms x 3), beside keepalived (Debian's, VRRPv3)
# on the same bridge at its default (1 s) and fastest (0.01 s) advertisement intervals; the ratio
# is Gatun / keepalived. Writes bench/results/failover.json; needs root (network namespaces), the
# build (make build) and keepalived (tools/install-packages.sh). A keepalived figure it could not
# measure fails the run.
#
#   bench/failover.sh [KILLS]
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
mvn -B -ntp -q -pl e2e verify \
  -Dit.test=FleetFailoverBench -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dgatun.bench.kills="$kills" -Dgatun.bench.out="$out"
python3 - "$out" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1])):
    base = "" if f["baseline"] is None else f"  (keepalived {f['baseline']:g} {f['unit']}, Gatun/keepalived {f['ratio']:.2f})"
    print(f"  {f['name']}: {f['value']:g} {f['unit']}{base}")
PY
echo "wrote $out"
