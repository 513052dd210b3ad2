#!/usr/bin/env bash
# The local demo, end to end and for real: a kube-apiserver, the Gatun operator, one DPDK
# forwarder on an af_packet port, a client and three backends in network namespaces, the
# samples applied, real TCP and UDP traffic through the VIP, probe-driven failover (a backend
# killed and restarted under a HealthProbe, counts before and after), and what kubectl shows.
# Everything it creates is removed on exit, Ctrl-C or failure.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/lib.sh"
JAVA_HOME=${JAVA_HOME:-$("$root/tools/find-jdk.sh")}
java=$JAVA_HOME/bin/java

id=$(printf '%04x' $((RANDOM * 2 % 65536)))d
work=$(mktemp -d /tmp/gatun-demo.XXXXXX)
export KUBECONFIG=$work/kubeconfig
pids=()

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  echo
  log "cleaning up"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  "$root/tools/testnet.sh" down "$id" || true
  "$root/tools/dev-cluster.sh" stop "$work" || true
  if [ $rc -ne 0 ]; then
    log "demo failed (exit $rc); logs were in $work:"
    for f in operator.log forwarder.log; do [ -f "$work/$f" ] && { echo "--- $f"; tail -30 "$work/$f"; }; done
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT INT TERM

step() { echo; echo "==> $*"; }
# kubectl 1.32 against a 1.20 server warns about the skew on every call; keep the output plain.
k() { kubectl "$@" 2>&1 | { grep -v 'WARNING: version difference' || true; }; }

step "API server: etcd + kube-apiserver v1.20.2"
"$root/tools/dev-cluster.sh" start "$work"
# kubectl 1.32 validates client-side and does not know 1.20 lacks x-kubernetes-validations.
k create --validate=false -f "$root/crds/"
k wait --for condition=established --timeout=60s crd --all >/dev/null

step "operator (control channel on 127.0.0.1:9100)"
grpc_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# shellcheck disable=SC2046 # the flags are words
"$java" --sun-misc-unsafe-memory-access=allow $(grep -v '^#' "$root/operator/jvm.options") \
  -jar "$root/operator/target/gatun-operator.jar" \
  --grpc-address "127.0.0.1:$grpc_port" --plaintext >"$work/operator.log" 2>&1 &
pids+=($!)

step "test hosts: client 198.18.0.100, backends 198.18.0.11-13 (TCP 8080, UDP 5353)"
"$root/tools/testnet.sh" up "$id" 3

metrics_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
step "forwarder: DPDK on net_af_packet (gt${id}f), 198.18.0.2/24, one worker lcore; metrics on 127.0.0.1:$metrics_port"
GATUN_NATIVE_LIB=$root/forwarder-native/build/libgatunfwd.so \
"$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -jar "$root/forwarder/target/gatun-forwarder.jar" \
  --name "demo-forwarder" --node "$(hostname)" --operator "127.0.0.1:$grpc_port" --plaintext \
  --eal "-l 0-1 --no-huge -m 1024 --no-pci --no-shconf --no-telemetry --file-prefix gatun-demo-$id --log-level *:warning" \
  --port "net_af_packet0,iface=gt${id}f@198.18.0.2/24" \
  --metrics-address "127.0.0.1:$metrics_port" >"$work/forwarder.log" 2>&1 &
pids+=($!)

step "samples: a Pool, a LoadBalancer with static backends, a Service-backed LoadBalancer"
k apply -f "$root/samples/"
k wait --for=condition=Ready loadbalancer/web --timeout=90s
vip=$(kubectl get loadbalancer web -o jsonpath='{.status.addresses[0]}')
echo "VIP of default/web: $vip"

# traffic BACKENDS: 30 TCP (HTTP) and 30 UDP requests to the VIP; prints who answered and
# fails unless exactly BACKENDS (comma-separated) answered and nothing failed.
traffic() {
  local result
  result=$(ip netns exec "gt$id-client" python3 "$root/tools/traffic.py" --vip "$vip" \
    --tcp-port 80 --udp-port 53 --requests 30)
  python3 - "$result" "$1" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
expected = sorted(sys.argv[2].split(","))
for proto in ("tcp", "udp"):
    answered = r[proto]
    print(f"  {proto.upper()}: " + ", ".join(f"{b} answered {n}" for b, n in sorted(answered.items()))
          + f"; failed {r[proto + '_failed']}")
ok = r["tcp_failed"] == 0 and r["udp_failed"] == 0 and sorted(r["tcp"]) == expected == sorted(r["udp"])
print(f"  answered by {', '.join(expected)}, no request failed" if ok
      else f"  NOT what was expected ({', '.join(expected)}, no failures)")
sys.exit(0 if ok else 1)
PY
}

# healthy ADDRESS: the forwarder's verdict on web's HTTP backend ADDRESS:8080 (1, 0 or empty).
healthy() {
  curl -s "http://127.0.0.1:$metrics_port/metrics" \
    | awk -v b="backend=\"$1:8080\"" 'index($0, "gatun_backend_healthy{") == 1 && index($0, b) \
        && index($0, "service=\"default/web/http\"") { print $2 + 0 }'
}

# await_health ADDRESS 0|1: waits until the forwarder judges the backend so; prints how long it took.
await_health() {
  local since=$(date +%s%3N)
  for _ in $(seq 300); do
    [ "$(healthy "$1")" = "$2" ] && { echo "$(( $(date +%s%3N) - since ))"; return 0; }
    sleep 0.05
  done
  echo "backend $1 never became $2" >&2
  return 1
}

step "traffic: 30 TCP (HTTP) and 30 UDP requests from the client to $vip"
traffic backend-1,backend-2,backend-3

step "health probe: TCP to port 8080 every 200 ms, out after 3 failures, back after 2 successes"
k apply -f - <<'YAML'
apiVersion: lb.gatun.io/v1alpha1
kind: HealthProbe
metadata: {name: tcp-fast, namespace: default}
spec: {type: TCP, port: 8080, periodMillis: 200, timeoutMillis: 150, unhealthyThreshold: 3, healthyThreshold: 2}
YAML
k patch loadbalancer web --type merge -p '{"spec":{"healthProbeRef":"tcp-fast"}}'
for n in 1 2 3; do await_health "198.18.0.1$n" 1 >/dev/null; done
echo "the forwarder probes web's backends: every one healthy"

step "probe-driven failover: kill backend-2 (testnet.sh kill $id 2), no operator involved"
"$root/tools/testnet.sh" kill "$id" 2
echo "  backend-2 out of rotation $(await_health 198.18.0.12 0) ms after the kill (as the forwarder saw it)"
traffic backend-1,backend-3

step "recovery: restart backend-2 (testnet.sh start $id 2)"
"$root/tools/testnet.sh" start "$id" 2
echo "  backend-2 back in rotation $(await_health 198.18.0.12 1) ms after its restart"
traffic backend-1,backend-2,backend-3

step "what the forwarder counted (curl 127.0.0.1:$metrics_port/metrics, web's HTTP backends)"
curl -s "http://127.0.0.1:$metrics_port/metrics" \
  | grep -E '^gatun_(backend_packets_total|backend_health_transitions_total)\{.*service="default/web/http"' \
  | sed -E 's/,?(port|protocol|vip|probe|type)="[^"]*"//g; s/^/  /'

step "kubectl get loadbalancers,pools"
k get loadbalancers -A
k get pools

step "kubectl describe loadbalancer web"
k describe loadbalancer web

step "what the forwarder did (its log)"
grep -E "port 0|data plane running|applied snapshot|is now (un)?healthy" "$work/forwarder.log" || true
