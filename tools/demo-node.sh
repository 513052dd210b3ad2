#!/usr/bin/env bash
# The demo on a real Kubernetes node (`make demo`): a single-node Kubernetes 1.20.2 on this machine
# (tools/node.sh; its binaries built once into the cache by `make kube`), Gatun's images imported,
# Gatun installed from olm-bundle/ the way OLM installs it (tools/olm_install.py), a ForwarderSet
# whose DaemonSet pod drives a veth with DPDK, three echo pods behind a Service of type
# LoadBalancer, real HTTP requests from a client network namespace through the VIP, which pod
# answered each, and what kubectl shows. Then it uninstalls Gatun and takes the node down;
# Ctrl-C or a failure takes everything down too.
#
#   demo-node.sh IMAGES_DIR     (the archives of `make images` and tools/build-echo-image.sh)
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/lib.sh"
images=$(realpath "${1:-$root/target/images}")

id=$(printf '%04x' $((RANDOM * 2 % 65536)))n
work=$(mktemp -d /tmp/gatun-node-demo.XXXXXX)
export KUBECONFIG=$work/node/kubeconfig
started=$(date +%s)

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  echo
  if [ $rc -ne 0 ]; then
    log "demo failed or stopped (exit $rc)"
    if [ -f "$KUBECONFIG" ]; then
      k get pods -A -o wide || true
      k -n gatun-system logs deploy/gatun-operator --tail 20 || true
    fi
  fi
  log "taking the node down (node.sh down: processes, mounts, iptables chains, sysctls restored)"
  "$root/tools/node.sh" down "$work/node" >/dev/null || rc=1
  "$root/tools/testnet.sh" down "$id" || true
  rm -rf "$work"
  echo "demo on the node: $(( $(date +%s) - started )) s in all"
  exit $rc
}
trap cleanup EXIT INT TERM

step() { echo; echo "==> $*"; }
# kubectl 1.32 against a 1.20 server warns about the skew on every call; keep the output plain.
k() { kubectl "$@" 2>&1 | { grep -v 'WARNING: version difference' || true; }; }
# until CMD... succeeds, at most SECONDS
until_ok() {
  local seconds=$1; shift
  for _ in $(seq $((seconds * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  log "not within $seconds s: $*"; return 1
}

step "a Kubernetes 1.20.2 node: etcd, kube-apiserver, controller-manager, scheduler, kubelet, kube-proxy, containerd"
"$root/tools/node.sh" up "$work/node" "$images"/gatun-operator-*.oci.tar \
  "$images"/gatun-forwarder-*.oci.tar "$images"/gatun-frr-*.oci.tar \
  "$images"/gatun-echo-backend.oci.tar >/dev/null
k get nodes -o wide

step "a client network namespace and the forwarder's data port (veth gt${id}f; the node is 198.18.0.3 on it)"
"$root/tools/testnet.sh" up "$id" 0 >/dev/null

step "Gatun from olm-bundle/, as OLM installs it: CRDs, then the CSV's accounts, RBAC and Deployment"
python3 "$root/tools/olm_install.py" "$root/olm-bundle" crds | k create --validate=false -f - >/dev/null
k wait --for condition=established --timeout=60s crd --all >/dev/null
# The node's 1.20 API server drops spec.loadBalancerClass: serve Services that name no class, as a
# Subscription's spec.config.env would say.
python3 "$root/tools/olm_install.py" "$root/olm-bundle" rest GATUN_DEFAULT_CLASS=true | k create -f -
k -n gatun-system rollout status deployment/gatun-operator --timeout=300s
k -n gatun-system get secrets -l lb.gatun.io/made-by=gatun-operator

step "a ForwarderSet: the operator renders its DaemonSet, whose pod runs DPDK on gt${id}f"
k apply -f - <<YAML
apiVersion: lb.gatun.io/v1alpha1
kind: ForwarderSet
metadata: {name: forwarders, namespace: gatun-system}
spec:
  dataPort:
    interfaceName: gt${id}f
    addresses: {gatun-node: [198.18.0.2/24@198.18.0.3]}
  hugepages: {pageSize: 2Mi, amount: 512Mi}
  eal: {lcores: "0-1", memoryMegabytes: 512, extraArgs: ["--log-level=*:warning"]}
  resources: {cpu: 1500m, memory: 768Mi}
YAML
until_ok 300 kubectl get forwarder gatun-node
k wait --for condition=Connected --timeout=300s forwarder/gatun-node
# Both containers running (the forwarder and its FRR): the ForwarderSet is Ready (Available).
k -n gatun-system wait --for condition=Ready --timeout=300s forwarderset/forwarders
k -n gatun-system get forwardersets,daemonsets,pods -o wide

step "three echo pods behind a Service of type LoadBalancer"
k apply -f "$root/samples/pool.yaml"
k create namespace gatun-demo >/dev/null
until_ok 60 kubectl -n gatun-demo get serviceaccount default
k apply -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo, namespace: gatun-demo}
spec:
  replicas: 3
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      automountServiceAccountToken: false
      containers:
        - name: echo
          image: docker.io/gatun/echo-backend:1
          imagePullPolicy: Never
          env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
          ports: [{containerPort: 8080}]
          readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 2}
          resources: {requests: {cpu: 10m, memory: 8Mi}, limits: {memory: 16Mi}}
          securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
---
apiVersion: v1
kind: Service
metadata:
  name: echo
  namespace: gatun-demo
  annotations: {lb.gatun.io/pool: demo}
spec:
  type: LoadBalancer
  selector: {app: echo}
  ports: [{name: http, protocol: TCP, port: 80, targetPort: 8080}]
YAML
k -n gatun-demo rollout status deployment/echo --timeout=180s
until_ok 120 kubectl -n gatun-demo get loadbalancer echo
k -n gatun-demo wait --for condition=Ready --timeout=120s loadbalancer/echo
vip=$(kubectl -n gatun-demo get service echo -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
echo "VIP of gatun-demo/echo: $vip"

# traffic N: N HTTP requests from the client to the VIP; prints which pod answered how often and
# fails unless every pod answered and nothing failed.
pods=$(kubectl -n gatun-demo get pods -l app=echo -o jsonpath='{.items[*].metadata.name}' 2>/dev/null)
traffic() {
  local result
  result=$(ip netns exec "gt$id-client" python3 "$root/tools/traffic.py" --vip "$vip" \
    --tcp-port 80 --no-udp --requests "$1")
  python3 - "$result" "$pods" "${2:-}" <<'PY'
import json, sys
r, pods, quiet = json.loads(sys.argv[1]), sorted(sys.argv[2].split()), sys.argv[3] == "quiet"
ok = r["tcp_failed"] == 0 and sorted(r["tcp"]) == pods
if not quiet:
    for pod in pods:
        print(f"  {pod} answered {r['tcp'].get(pod, 0)}")
    print(f"  failed {r['tcp_failed']}: " + ("every pod answered, no request failed" if ok
          else "NOT every pod answered without failures"))
sys.exit(0 if ok else 1)
PY
}
# The first packets to each pod wait for the gateway's address to resolve.
until_ok 60 traffic 12 quiet

step "traffic: 30 HTTP requests from the client namespace (198.18.0.100) to $vip"
traffic 30

step "kubectl get"
k get pools
k -n gatun-demo get services,loadbalancers,pods -o wide
k get forwarders

step "kubectl describe loadbalancer echo"
k -n gatun-demo describe loadbalancer echo

step "uninstall: the workload, Gatun's objects (their VIPs withdrawn by the operator), the operator, the CRDs"
k delete namespace gatun-demo --timeout=180s
k delete pools --all --timeout=120s
k -n gatun-system delete forwardersets --all --timeout=120s
python3 "$root/tools/olm_install.py" "$root/olm-bundle" rest | k delete --timeout=180s -f - >/dev/null
python3 "$root/tools/olm_install.py" "$root/olm-bundle" crds | k delete --timeout=120s -f - >/dev/null
left=$(kubectl get pods -A --no-headers 2>/dev/null | grep -c gatun || true)
echo "Gatun pods left: $left"
[ "$left" -eq 0 ]
