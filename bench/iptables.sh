#!/usr/bin/env bash
# Gatun beside iptables DNAT (make bench; issue 15 item 5): what a MetalLB user's node does with a
# LoadBalancer VIP (kube-proxy's iptables rules, conntrack, masquerade: kube-proxy-node.sh) against
# a forwarder process on af_packet (full NAT), same test network, client and backends, one after
# the other. Load from wrk in the client namespace, a connection per request (iptables-load.sh):
# requests per second and p99 latency at concurrency 16, new connections per second at 64; each
# figure is Gatun's with iptables' as its baseline (ratio = Gatun / iptables).
# Writes bench/results/iptables.json; needs root (network namespaces), wrk
# (tools/install-packages.sh) and make native; builds the jars it needs. About five minutes.
#
#   bench/iptables.sh [SECONDS]     SECONDS per measurement (default 20)
#   bench/iptables.sh --smoke       3 s each, figures printed, results file left alone
#
# A measurement with no requests, more than 1 % failed, or a backend that did not answer the
# check is refused: nothing is written and the exit status is 1.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
root=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-$("$root/tools/find-jdk.sh")}
export JAVA_HOME
smoke=0
if [ "${1:-}" = --smoke ]; then smoke=1; seconds=3; else seconds=${1:-20}; fi
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "SECONDS must be a positive integer" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing: run tools/install-packages.sh" >&2; exit 1; }
out=$root/bench/results/iptables.json
raw=$(mktemp -d)

# What the load and the rules printed (bench/iptables-load.sh, kube-proxy-node.sh), also on failure.
show() { [ -f "$raw/commands.log" ] && { echo "--- $raw/commands.log"; cat "$raw/commands.log"; } || true; }
trap 'show; rm -rf "$raw"' EXIT

cd "$root"
# With -am: the forwarder jar and the e2e rig from this tree, not whatever ~/.m2 holds; unit
# tests skipped (make test runs them), only this benchmark among the integration tests.
mvn -B -ntp -q -pl e2e -am verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=IptablesBench -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dgatun.bench.seconds="$seconds" -Dgatun.bench.raw="$raw"
[ "$smoke" = 1 ] && dest=$raw/figures.json || dest=$out
python3 - "$raw" "$dest" <<'PY'
import json, sys
raw, dest = sys.argv[1], sys.argv[2]
MAX_FAILED = 0.01

def measured(side):
    m = json.load(open(f"{raw}/{side}.json"))
    check = m["check"]
    if check["tcp_failed"] or len(check["tcp"]) < 3:
        sys.exit(f"refused: {side}'s check did not get an answer from every backend: {check}")
    for load in ("fixed", "conns"):
        w = m[load]
        failed = sum(w[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts", "bad_status"))
        if w["requests"] == 0 or failed > MAX_FAILED * w["requests"]:
            sys.exit(f"refused: {side} ({load}) answered {w['requests']} requests, {failed} failed: {w}")
    per_s = lambda w: w["requests"] / (w["duration_us"] / 1e6)
    return {"rps": per_s(m["fixed"]), "p99": m["fixed"]["p99_us"] / 1000.0, "conns": per_s(m["conns"])}

gatun, iptables = measured("gatun"), measured("iptables")
figures = []
for key, name, unit in (
    ("rps", "requests per second, concurrency 16 (wrk, a connection per request)", "requests/s"),
    ("p99", "p99 latency, concurrency 16 (wrk, a connection per request)", "ms"),
    ("conns", "new connections per second, concurrency 64 (wrk, one request each)", "connections/s"),
):
    v, b = gatun[key], iptables[key]
    figures.append({"name": f"Gatun / iptables DNAT: {name}", "value": round(v, 3), "unit": unit,
                    "baseline": round(b, 3), "ratio": round(v / b, 3) if b else None})
json.dump(figures, open(dest, "w"), indent=2)
for f in figures:
    print(f"  {f['name']}: {f['value']:g} {f['unit']}  (iptables {f['baseline']:g}, ratio {f['ratio']:.2f})")
PY
if [ "$smoke" = 1 ]; then echo "smoke run: $out left alone"; else echo "wrote $out"; fi
