#!/usr/bin/env bash
# Load on one VIP of a test network (tools/testnet.sh), from its client namespace, for
# bench/iptables.sh: first tools/traffic.py's check that every backend answers through it, then wrk
# (HTTP/1.0-style: one connection per request, as the backends close after each answer):
#   fixed   concurrency 16 for SECONDS: requests per second and p99 latency
#   conns   concurrency 64 for SECONDS: new connections per second at saturation (one request each)
# Writes OUT (JSON: {"check": traffic.py's result, "fixed": {...}, "conns": {...}}).
#
#   iptables-load.sh ID VIP PORT SECONDS OUT
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
here=$(cd "$(dirname "$0")" && pwd)
id=${1:?ID} vip=${2:?VIP} port=${3:?PORT} seconds=${4:?SECONDS} out=${5:?OUT}
client=(ip netns exec "gt$id-client")
command -v wrk >/dev/null || { echo "wrk is missing: tools/install-packages.sh installs it" >&2; exit 1; }

check=$("${client[@]}" python3 "$here/../tools/traffic.py" --vip "$vip" --tcp-port "$port" \
  --no-udp --requests 30 --timeout 2)
run_wrk() { # run_wrk CONCURRENCY: wrk's JSON line
  "${client[@]}" wrk -t 1 -c "$1" -d "${seconds}s" --timeout 2s -s "$here/wrk-report.lua" \
    "http://$vip:$port/" | grep '^{'
}
fixed=$(run_wrk 16)
conns=$(run_wrk 64)
printf '{"check": %s, "fixed": %s, "conns": %s}\n' "$check" "$fixed" "$conns" > "$out"
cat "$out"
