#!/usr/bin/env bash
# A real single-node Kubernetes 1.20.2 on this machine, built from Debian's `kubernetes` source
# (build-kube.sh): etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and
# kube-proxy (iptables mode), with containerd 1.6 and runc from Debian, CNI bridge networking,
# a locally built pause image and certificates per component made with openssl.
#
#   node.sh up DIR [IMAGE.oci.tar...]   start it (configuration, data and logs in DIR), import
#                                      the images; DIR/kubeconfig is the admin's
#   node.sh import DIR IMAGE.oci.tar... import more images into its containerd
#   node.sh tag DIR IMAGE NEW_NAME     give an imported image another name (a release's tag)
#   node.sh down DIR                   stop it and put the host back as it was, then check that
#                                      nothing is left (exit 1 naming what is); safe to repeat
#   node.sh check DIR                  only that check
#
# One node per host at a time (the kubelet and kube-proxy own host-wide state: iptables chains,
# sysctls, cgroups). `up` waits for another node to go, and tears down a node whose processes
# died without `down`. What `up` found on the host (sysctls, network namespaces, host paths the
# kubelet and containerd write to) is recorded in $STATE, so `down` restores it even when DIR
# is gone.
#
# Addresses: pods 198.19.16.0/24 on bridge gtnode0 (the node itself is 198.19.16.1: API server
# and kubelet listen there), services 198.19.32.0/24; all inside 198.18.0.0/15, never routed.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

STATE=/run/gatun-node
NODE_NAME=gatun-node
BRIDGE=gtnode0
NODE_IP=198.19.16.1
POD_CIDR=198.19.16.0/24
SERVICE_CIDR=198.19.32.0/24
KUBERNETES_SERVICE_IP=198.19.32.1
PAUSE_IMAGE=docker.io/gatun/pause:1.20.2
# Host paths the kubelet and containerd use whatever their flags say.
HOST_PATHS=(/var/lib/kubelet /var/log/pods /var/log/containers /var/lib/cni /run/containerd
  /usr/libexec/kubernetes /etc/kubernetes)
# Sysctls that change all the time, whoever runs.
VOLATILE_SYSCTLS='^(fs\.(aio-nr|dentry-state|file-nr|inode-nr|inode-state|quota\.)|kernel\.(random\.|ns_last_pid|pty\.nr|perf_event_max)|net\.netfilter\.nf_conntrack_count|net\.(ipv4|ipv6)\.(conf|neigh)\.[^.]+\.|net\.ipv6\.route\.gc|net\.ipv4\.tcp_fastopen_key|dev\.cdrom|vm\.stat_refresh|kernel\.(tainted|sched_domain))'
COMPONENTS=(etcd kube-apiserver containerd kube-controller-manager kube-scheduler kubelet kube-proxy)

cmd=${1:?usage: node.sh up|import|tag|down|check DIR [IMAGE.oci.tar...]}
dir=$(realpath -m "${2:?missing DIR}")
shift 2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
kubectl_() { kubectl --kubeconfig "$dir/kubeconfig" "$@" 2> >(grep -v 'WARNING: version difference' >&2); }
sock() { echo "$dir/containerd/containerd.sock"; }
ctr_() { ctr --address "$(sock)" --namespace k8s.io "$@"; }

# --- host state: what up found, what down restores and check compares with -----------------

# Per-interface settings come and go with the interfaces (VOLATILE_SYSCTLS), but kube-proxy sets
# route_localnet on `all` as soon as a Service has a node port (a Service of type LoadBalancer).
sysctls() {
  { sysctl -a 2>/dev/null | grep -Ev "$VOLATILE_SYSCTLS"
    sysctl net.ipv4.conf.all.route_localnet 2>/dev/null; } | sort
}

snapshot_host() {
  mkdir -p "$STATE/before"
  sysctls > "$STATE/before/sysctl"
  ip netns list | awk '{print $1}' | sort > "$STATE/before/netns"
  : > "$STATE/before/paths"
  for p in "${HOST_PATHS[@]}"; do
    if [ -e "$p" ]; then
      echo "$p" >> "$STATE/before/paths"
      find "$p" -mindepth 1 -maxdepth 1 >> "$STATE/before/paths" 2>/dev/null || true
    fi
  done
  ls /run/containerd/s 2>/dev/null | sed 's|^|/run/containerd/s/|' >> "$STATE/before/paths" || true
}

# check: lists what the node left on the host (empty output: nothing), compared with the snapshot.
leftovers() {
  local d=${1:-$dir}
  for f in "$STATE"/pids/*.pid; do
    [ -f "$f" ] || continue
    kill -0 "$(cat "$f")" 2>/dev/null && echo "process: $(basename "$f" .pid) (pid $(cat "$f")) still runs"
  done
  for p in $(node_pids "$d"); do echo "process: pid $p ($(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | cut -c1-100)) still runs"; done
  awk -v d="$d/" 'index($5 "/", d) == 1 {print "mount: " $5}' /proc/self/mountinfo
  if [ -f "$STATE/before/netns" ]; then
    { ip netns list | awk '{print $1}' | grep '^cni-' | sort | comm -23 - "$STATE/before/netns" \
      | sed 's/^/network namespace: /'; } || true
  fi
  ip link show "$BRIDGE" >/dev/null 2>&1 && echo "bridge: $BRIDGE"
  for ipt in iptables ip6tables; do
    for t in filter nat mangle raw; do
      { "$ipt" -t "$t" -S 2>/dev/null | grep -E '^-N (KUBE-|CNI-)' | sed "s/^-N /$ipt chain: $t\//"; } || true
    done
  done
  for c in /sys/fs/cgroup/*/kubepods; do [ -d "$c" ] && echo "cgroup: $c"; done
  if [ -f "$STATE/before/sysctl" ]; then
    { diff <(sysctls) "$STATE/before/sysctl" | awk '/^> /{sub(/^> /, ""); print "sysctl changed (was): " $0}'; } || true
  fi
  if [ -f "$STATE/before/paths" ]; then
    for p in "${HOST_PATHS[@]}" /run/containerd/s; do
      [ -e "$p" ] || continue
      { echo "$p"; find "$p" -mindepth 1 -maxdepth 1 2>/dev/null; } | while read -r e; do
        grep -qxF "$e" "$STATE/before/paths" || echo "path: $e"
      done
    done
  fi
  return 0
}

# Processes of this node that were not started by pid file: containers (in the kubelet's
# cgroups) and containerd's shims (which name this node's containerd socket).
node_pids() {
  local d=${1:-$dir}
  [ -d /sys/fs/cgroup/pids/kubepods ] \
    && find /sys/fs/cgroup/pids/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/exe" 2>/dev/null)" = /usr/bin/containerd-shim-runc-v2 ] || continue
    tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -qF -- "-address $d/containerd/containerd.sock " \
      && basename "$p"
  done
  return 0
}

# component_pids NAME...: the PIDs up recorded for these components.
component_pids() {
  for c in "$@"; do [ -f "$STATE/pids/$c.pid" ] && cat "$STATE/pids/$c.pid"; done
  return 0
}

# await_gone TENTHS PID...: until none of PID... runs, at most TENTHS tenths of a second.
await_gone() {
  local tenths=$1; shift
  for _ in $(seq "$tenths"); do
    local alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && return 0
    sleep 0.1
  done
  return 1
}

# stop PID...: SIGTERM, up to 20 s to exit, then SIGKILL and up to 30 s for the kernel to tear
# them down (a large Go process on a busy machine took longer than the 0.2 s once allowed).
stop_pids() {
  [ $# -gt 0 ] || return 0
  kill "$@" 2>/dev/null || true
  await_gone 200 "$@" && return 0
  kill -9 "$@" 2>/dev/null || true
  await_gone 300 "$@" || true
}

# shellcheck disable=SC2046 # PIDs are words
teardown() {
  local d=$1
  # The kubelet first, so that nothing restarts what follows; then the controllers together.
  stop_pids $(component_pids kubelet)
  stop_pids $(component_pids kube-proxy kube-scheduler kube-controller-manager)
  # Containers through containerd while it runs (their shims exit and clean up after themselves),
  # then whatever is left of them by PID.
  if [ -S "$d/containerd/containerd.sock" ] && [ -f "$STATE/pids/containerd.pid" ] \
      && kill -0 "$(cat "$STATE/pids/containerd.pid")" 2>/dev/null; then
    for t in $(ctr --address "$d/containerd/containerd.sock" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$d/containerd/containerd.sock" -n k8s.io tasks delete --force "$t" >/dev/null 2>&1 || true
    done
  fi
  local pids
  pids=$(node_pids "$d" | sort -u | xargs)
  # shellcheck disable=SC2086 # one word per PID
  [ -z "$pids" ] || { kill -9 $pids 2>/dev/null || true; sleep 0.5; }
  stop_pids $(component_pids containerd kube-apiserver etcd)
  # Mounts under DIR (container root file systems, pod volumes, sandbox /dev/shm), deepest first.
  awk -v d="$d/" 'index($5 "/", d) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  # Pod network namespaces containerd made (cni-UUID) since up.
  if [ -f "$STATE/before/netns" ]; then
    { ip netns list | awk '{print $1}' | grep '^cni-' | sort | comm -23 - "$STATE/before/netns" \
      | while read -r n; do ip netns delete "$n" 2>/dev/null || true; done; } || true
  fi
  ip link delete "$BRIDGE" 2>/dev/null || true
  # The kubelet's, kube-proxy's and CNI's iptables chains: first the jumps to them from the
  # built-in chains, then the chains themselves.
  for ipt in iptables ip6tables; do
    for t in filter nat mangle raw; do
      { "$ipt" -t "$t" -S 2>/dev/null | grep -E '^-A [A-Z]+ .*-j (KUBE-|CNI-)' \
        | grep -Ev '^-A (KUBE-|CNI-)' | sed 's/^-A /-D /' | while read -r rule; do
          eval "$ipt -t $t $rule" 2>/dev/null || true
        done; } || true
      local chains
      chains=$("$ipt" -t "$t" -S 2>/dev/null | awk '/^-N (KUBE-|CNI-)/{print $2}')
      for c in $chains; do "$ipt" -t "$t" -F "$c" 2>/dev/null || true; done
      for c in $chains; do "$ipt" -t "$t" -X "$c" 2>/dev/null || true; done
    done
  done
  # The kubelet's cgroups (cgroupfs driver), innermost first.
  for c in /sys/fs/cgroup/*/kubepods; do
    [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  # Host paths: what was not there at up.
  if [ -f "$STATE/before/paths" ]; then
    for p in /run/containerd/s "${HOST_PATHS[@]}"; do
      [ -e "$p" ] || continue
      if ! grep -qxF "$p" "$STATE/before/paths" && [ "$p" != /run/containerd/s ]; then
        rm -rf "$p"
        continue
      fi
      find "$p" -mindepth 1 -maxdepth 1 2>/dev/null | while read -r e; do
        grep -qxF "$e" "$STATE/before/paths" || rm -rf "$e"
      done
    done
  fi
  # Sysctls the kubelet, kube-proxy and the CNI bridge changed (kernel.panic, vm.overcommit_memory,
  # net.ipv4.conf.all.route_localnet, net.ipv4.ip_forward, ...), and vm.nr_hugepages (ours).
  if [ -f "$STATE/before/sysctl" ]; then
    { diff <(sysctls) "$STATE/before/sysctl" | sed -n 's/^> //p' | while IFS= read -r line; do
      sysctl -qw "${line%% = *}=${line#* = }" 2>/dev/null || true
    done; } || true
  fi
}

down() {
  mkdir -p "$STATE"
  exec 9>"$STATE/lock"
  flock 9
  local owner=$dir
  [ -f "$STATE/owner" ] && owner=$(cat "$STATE/owner")
  [ "$owner" = "$dir" ] || log "the node on this host is $owner, not $dir: taking that one down"
  teardown "$owner"
  local left
  left=$(leftovers "$owner")
  if [ -n "$left" ]; then
    echo "$left" | sed 's/^/  left: /' >&2
    log "teardown incomplete: the above is still there (node.sh down $owner again)"
    return 1
  fi
  rm -rf "$STATE/before" "$STATE/pids" "$STATE/owner"
  log "node $owner down; the host is as it was"
}

# --- up ---------------------------------------------------------------------------------------

# A stale node: recorded, but its processes are gone (a crashed run). Another live node: wait.
claim_host() {
  mkdir -p "$STATE"
  exec 9>"$STATE/lock"
  flock 9
  local waited=0
  while [ -f "$STATE/owner" ]; do
    local owner alive=0
    owner=$(cat "$STATE/owner")
    for f in "$STATE"/pids/*.pid; do [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1; done
    if [ $alive -eq 0 ] || [ "$owner" = "$dir" ]; then
      log "a node from an earlier run ($owner) was left behind: taking it down first"
      flock -u 9
      dir=$owner down
      flock 9
      continue
    fi
    [ $waited -eq 0 ] && log "waiting for the node in $owner to go (one node per host)"
    if [ $waited -ge 1200 ]; then
      log "the node in $owner is still up after 20 min; take it down with node.sh down $owner"
      exit 1
    fi
    flock -u 9; sleep 1; waited=$((waited + 1)); flock 9
  done
  local stray
  stray=$(leftovers "$dir" | grep -E '^(iptables|ip6tables) chain|^bridge|^cgroup' || true)
  if [ -n "$stray" ]; then
    echo "$stray" | sed 's/^/  found: /' >&2
    log "the host has Kubernetes state no node.sh run recorded; remove it first"
    exit 1
  fi
  snapshot_host
  mkdir -p "$STATE/pids"
  echo "$dir" > "$STATE/owner"
  flock -u 9
}

# cert NAME SUBJECT [SAN]: a key and a certificate signed by the node's CA. RSA: fabric8's
# client reads PKCS#8 RSA keys, not EC ones, without Bouncy Castle.
cert() {
  local name=$1 subject=$2 san=${3:-}
  openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "$subject" 2>/dev/null
  if [ -n "$san" ]; then printf 'subjectAltName=%s\n' "$san" > "$name.ext"; else : > "$name.ext"; fi
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 7 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

make_pki() {
  mkdir -p "$dir/pki"
  (
    cd "$dir/pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key \
      -out ca.crt -days 7 -subj /CN=gatun-node-ca 2>/dev/null
    cert kube-apiserver /CN=kube-apiserver \
      "IP:$NODE_IP,IP:127.0.0.1,IP:$KUBERNETES_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    cert admin "/O=system:masters/CN=gatun-admin"
    cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
    cert kube-controller-manager /CN=system:kube-controller-manager
    cert kube-scheduler /CN=system:kube-scheduler
    cert kube-proxy /CN=system:kube-proxy
    cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
    cert kubelet-serving "/CN=$NODE_NAME" "IP:$NODE_IP,IP:127.0.0.1,DNS:$NODE_NAME"
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
}

# kubeconfig NAME SERVER: a kubeconfig with the client certificate NAME.crt.
kubeconfig() {
  local name=$1 server=$2
  cat > "$dir/$name.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $NODE_NAME
  cluster: {server: "$server", certificate-authority: "$dir/pki/ca.crt"}
users:
- name: $name
  user: {client-certificate: "$dir/pki/$name.crt", client-key: "$dir/pki/$name.key"}
contexts:
- name: $NODE_NAME
  context: {cluster: $NODE_NAME, user: $name}
current-context: $NODE_NAME
EOF
}

# start NAME COMMAND...: in the background, its own session, output to DIR/logs/NAME.log.
start() {
  local name=$1; shift
  setsid "$@" >"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! > "$STATE/pids/$name.pid"
}

# await WHAT SECONDS COMMAND...: until COMMAND succeeds; on timeout names the logs to read.
await() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    for c in "${COMPONENTS[@]}"; do
      if [ -f "$STATE/pids/$c.pid" ] && ! kill -0 "$(cat "$STATE/pids/$c.pid")" 2>/dev/null; then
        log "$c exited; last lines of $dir/logs/$c.log:"; tail -15 "$dir/logs/$c.log" >&2; return 1
      fi
    done
    if [ $SECONDS -ge $deadline ]; then log "$what not within ${seconds}s (logs in $dir/logs)"; return 1; fi
    sleep 0.5
  done
}

pause_image() {
  local archive=$GATUN_CACHE/pause-image-$(basename "$1").oci.tar
  if [ ! -f "$archive" ]; then
    local fs
    fs=$(mktemp -d)
    install -m 0755 "$1" "$fs/pause"
    python3 "$here/oci_image.py" pack --name "$PAUSE_IMAGE" --epoch 0 --layer "pause=$fs" \
      --user 65535:65535 --entrypoint '["/pause"]' --out "$archive.tmp" >/dev/null
    mv "$archive.tmp" "$archive"
    rm -rf "$fs"
  fi
  echo "$archive"
}

import_images() {
  for archive in "$@"; do
    [ -f "$archive" ] || { log "no image archive $archive"; return 1; }
    ctr_ images import "$archive" >/dev/null
  done
}

up() {
  local bins
  mapfile -t bins < <("$here/build-kube.sh" kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy pause)
  [ ${#bins[@]} -eq 6 ] || { log "build-kube.sh failed"; exit 1; }
  local apiserver=${bins[0]} controller_manager=${bins[1]} scheduler=${bins[2]} kubelet=${bins[3]}
  local proxy=${bins[4]} pause=${bins[5]}
  for b in etcd containerd runc ctr iptables conntrack; do
    command -v "$b" >/dev/null || { log "missing $b: run tools/install-packages.sh"; exit 1; }
  done
  [ -x /usr/lib/cni/bridge ] || { log "missing CNI plugins: run tools/install-packages.sh"; exit 1; }
  local pause_archive
  pause_archive=$(pause_image "$pause")

  # DIR is ours to fill: new, empty, or a node's from before.
  if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] && [ ! -f "$dir/.gatun-node" ]; then
    log "$dir is not empty and not a node's directory: give a new or empty one"; exit 1
  fi
  claim_host
  trap 'rc=$?; if [ $rc -ne 0 ]; then log "up failed: taking the node down"; down || true; fi' EXIT
  rm -rf "$dir"
  mkdir -p "$dir"
  touch "$dir/.gatun-node"
  mkdir -p "$dir/logs" "$dir/etcd" "$dir/cni/net.d" "$dir/containerd" "$dir/kubelet"
  make_pki

  # The node's address lives on the pod bridge (made here, before the CNI plugin would), so the
  # API server is reachable from pods and from the host alike, and nothing listens elsewhere.
  ip link add "$BRIDGE" type bridge
  ip addr add "$NODE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # The forwarder's hugepages: the kubelet advertises what is preallocated when it starts.
  sysctl -qw vm.nr_hugepages="${GATUN_NODE_HUGEPAGES:-512}"
  # A node routes (pods, services). The CNI bridge would turn this on at the first pod; doing it
  # now matters: changing it resets every interface's own forwarding setting, so test networks
  # made after this point keep theirs (testnet.sh's forwarder port must not route).
  sysctl -qw net.ipv4.ip_forward=1

  local etcd_port peer_port api_port kubelet_port
  etcd_port=$(free_port); peer_port=$(free_port); api_port=$(free_port); kubelet_port=$(free_port)
  local server=https://$NODE_IP:$api_port
  start etcd etcd --data-dir "$dir/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "default=http://127.0.0.1:$peer_port"
  local pki=$dir/pki
  start kube-apiserver "$apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$api_port" \
    --tls-cert-file "$pki/kube-apiserver.crt" --tls-private-key-file "$pki/kube-apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$pki/apiserver-kubelet-client.key" --kubelet-certificate-authority "$pki/ca.crt" \
    --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --allow-privileged=true --insecure-port 0 \
    --profiling=false

  for c in admin kube-controller-manager kube-scheduler kube-proxy kubelet; do kubeconfig "$c" "$server"; done
  cp "$dir/admin.kubeconfig" "$dir/kubeconfig"

  cat > "$dir/cni/net.d/10-gatun-node.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "gatun-node",
  "plugins": [
    {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$dir/cni/ipam",
              "ranges": [[{"subnet": "$POD_CIDR", "rangeStart": "198.19.16.10", "gateway": "$NODE_IP"}]],
              "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
  cat > "$dir/containerd/config.toml" <<EOF
version = 2
root = "$dir/containerd/root"
state = "$dir/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$(sock)"
[ttrpc]
  address = "$(sock).ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # This VM refuses a negative oom_score_adj: without this every pod sandbox fails with
  # "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$dir/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/cni/net.d"
EOF
  start containerd containerd --config "$dir/containerd/config.toml"
  await "containerd" 60 ctr_ version
  import_images "$pause_archive" "$@"

  await "the API server" 120 curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" \
    --key "$pki/admin.key" "$server/readyz"

  start kube-controller-manager "$controller_manager" --kubeconfig "$dir/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$dir/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig "$dir/kube-controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$(free_port)" --port 0 --leader-elect=false \
    --use-service-account-credentials --root-ca-file "$pki/ca.crt" \
    --service-account-private-key-file "$pki/sa.key" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --profiling=false
  start kube-scheduler "$scheduler" --kubeconfig "$dir/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig "$dir/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig "$dir/kube-scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$(free_port)" --port 0 --leader-elect=false --profiling=false

  cat > "$dir/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $kubelet_port
readOnlyPort: 0
healthzPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$pki/ca.crt"}
authorization: {mode: Webhook}
tlsCertFile: "$pki/kubelet-serving.crt"
tlsPrivateKeyFile: "$pki/kubelet-serving.key"
cgroupDriver: cgroupfs
failSwapOn: false
resolvConf: /etc/resolv.conf
# Imported images cannot be pulled again: never collect them; and no eviction for disk use.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi}
volumePluginDir: "$dir/kubelet/volume-plugins"
serializeImagePulls: false
EOF
  start kubelet "$kubelet" --config "$dir/kubelet/config.yaml" --kubeconfig "$dir/kubelet.kubeconfig" \
    --root-dir "$dir/kubelet" --cert-dir "$dir/kubelet/pki" --hostname-override "$NODE_NAME" \
    --node-ip "$NODE_IP" --container-runtime remote \
    --container-runtime-endpoint "unix://$(sock)" --image-service-endpoint "unix://$(sock)" \
    --runtime-request-timeout 5m --v 1

  cat > "$dir/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$dir/kube-proxy.kubeconfig"}
mode: iptables
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:$(free_port)
metricsBindAddress: 127.0.0.1:$(free_port)
# 0: leave the host's conntrack table size and timeouts as they are.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  start kube-proxy "$proxy" --config "$dir/kube-proxy.yaml"

  await "node $NODE_NAME Ready" 180 node_ready
  await "the default ServiceAccount" 60 kubectl_ get serviceaccount default -n default
  trap - EXIT
  log "node $NODE_NAME up: KUBECONFIG=$dir/kubeconfig (API server $server)"
}

node_ready() {
  [ "$(kubectl_ get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

case $cmd in
  up) up "$@" ;;
  import) import_images "$@" ;;
  tag) ctr_ images tag --force "${1:?missing IMAGE}" "${2:?missing NEW_NAME}" >/dev/null ;;
  down) down ;;
  check)
    left=$(leftovers "$dir")
    [ -z "$left" ] && { log "nothing of the node is left on the host"; exit 0; }
    echo "$left" | sed 's/^/  left: /' >&2
    exit 1
    ;;
  *) echo "unknown command $cmd (up, import, tag, down, check)" >&2; exit 2 ;;
esac
