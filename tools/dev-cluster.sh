#!/usr/bin/env bash
# A real, local Kubernetes API: etcd + kube-apiserver v1.20.2 (from build-kube-apiserver.sh),
# certificates made with openssl, an admin kubeconfig. No kubelet, no controllers: enough
# for an operator and kubectl.
#
#   dev-cluster.sh start DIR    starts both in the background; writes DIR/kubeconfig
#   dev-cluster.sh stop DIR
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
source "$(dirname "$0")/lib.sh"

cmd=${1:?usage: dev-cluster.sh start|stop DIR}
dir=${2:?missing DIR}
bin=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/1.20.2-linux-amd64

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

case $cmd in
start)
  [ -x "$bin/kube-apiserver" ] || { log "no kube-apiserver in $bin: run tools/build-kube-apiserver.sh"; exit 1; }
  mkdir -p "$dir/pki" "$dir/etcd"
  cd "$dir/pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=gatun-dev-ca 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=kube-apiserver 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=gatun-admin" 2>/dev/null
  openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 2 2>/dev/null
  openssl genrsa -out sa.key 2048 2>/dev/null
  cd - >/dev/null

  etcd_port=$(free_port); peer_port=$(free_port); api_port=$(free_port)
  "$bin/etcd" --data-dir "$dir/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" --initial-cluster "default=http://127.0.0.1:$peer_port" \
    >"$dir/etcd.log" 2>&1 &
  echo $! > "$dir/etcd.pid"
  "$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --secure-port "$api_port" \
    --tls-cert-file "$dir/pki/server.crt" --tls-private-key-file "$dir/pki/server.key" \
    --client-ca-file "$dir/pki/ca.crt" --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$dir/pki/sa.key" --service-account-signing-key-file "$dir/pki/sa.key" \
    --service-cluster-ip-range 10.0.0.0/24 --disable-admission-plugins ServiceAccount --allow-privileged \
    >"$dir/kube-apiserver.log" 2>&1 &
  echo $! > "$dir/kube-apiserver.pid"

  kubectl config --kubeconfig "$dir/kubeconfig" set-cluster gatun-dev --server "https://127.0.0.1:$api_port" \
    --certificate-authority "$dir/pki/ca.crt" --embed-certs >/dev/null
  kubectl config --kubeconfig "$dir/kubeconfig" set-credentials admin \
    --client-certificate "$dir/pki/admin.crt" --client-key "$dir/pki/admin.key" --embed-certs >/dev/null
  kubectl config --kubeconfig "$dir/kubeconfig" set-context gatun-dev --cluster gatun-dev --user admin >/dev/null
  kubectl config --kubeconfig "$dir/kubeconfig" use-context gatun-dev >/dev/null
  for _ in $(seq 120); do
    if kubectl --kubeconfig "$dir/kubeconfig" get --raw /readyz >/dev/null 2>&1 &&
       kubectl --kubeconfig "$dir/kubeconfig" get namespace default >/dev/null 2>&1; then
      log "kube-apiserver v1.20.2 ready on https://127.0.0.1:$api_port (kubeconfig: $dir/kubeconfig)"
      exit 0
    fi
    sleep 0.5
  done
  log "kube-apiserver did not become ready; last lines of its log:"
  tail -20 "$dir/kube-apiserver.log" >&2
  exit 1
  ;;
stop)
  for p in kube-apiserver etcd; do
    [ -f "$dir/$p.pid" ] && kill "$(cat "$dir/$p.pid")" 2>/dev/null || true
  done
  for p in kube-apiserver etcd; do
    [ -f "$dir/$p.pid" ] && while kill -0 "$(cat "$dir/$p.pid")" 2>/dev/null; do sleep 0.1; done
    rm -f "$dir/$p.pid"
  done
  ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
