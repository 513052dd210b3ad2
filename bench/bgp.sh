#!/usr/bin/env bash
# BGP withdrawal figures (make bench): a forwarder killed with SIGKILL, time until the router
# (FRR, ECMP) no longer routes the VIP through it, median and max over KILLS kills (default 20),
# with BFD at 100 ms x 3 and without BFD at hold time 9 s (keepalive 3 s). Writes
# bench/results/bgp.json; needs root (network namespaces), the build (make build) and FRR
# (tools/install-packages.sh).
#
#   bench/bgp.sh [KILLS]
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
root=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-$("$root/tools/find-jdk.sh")}
export JAVA_HOME
kills=${1:-20}
out=$root/bench/results/bgp.json
mkdir -p "$(dirname "$out")"
[ -x /usr/lib/frr/bgpd ] || { echo "FRR is not installed (tools/install-packages.sh): no figures" >&2; exit 1; }

cd "$root"
# -am: the forwarder as this tree has it (no jar installed earlier needed); no unit tests.
mvn -B -ntp -q -pl e2e -am verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=BgpWithdrawalBench -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dgatun.bench.kills="$kills" -Dgatun.bench.out="$out"
python3 - "$out" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1])):
    print(f"  {f['name']}: {f['value']:g} {f['unit']}")
PY
