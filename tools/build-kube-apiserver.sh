#!/usr/bin/env bash
# Provisions a real API server for the operator's *IT tests and the demo, offline:
# kube-apiserver v1.20.2 built from Debian bookworm's `kubernetes` source package
# (build-kube.sh, cached in $GATUN_CACHE keyed by the source version), etcd from Debian's
# etcd-server, kubectl from the machine, laid out where io.fabric8:kube-api-test looks for them:
#   $KUBE_API_TEST_DIR/k8s/1.20.2-linux-amd64/{kube-apiserver,etcd,kubectl}
set -euo pipefail
here=$(dirname "$0")
source "$here/lib.sh"

bin_dir=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/1.20.2-linux-amd64
cached=$("$here/build-kube.sh" kube-apiserver)

mkdir -p "$bin_dir"
install -m 0755 "$cached" "$bin_dir/kube-apiserver"
install -m 0755 "$(command -v etcd)" "$bin_dir/etcd"
install -m 0755 "$(command -v kubectl)" "$bin_dir/kubectl"
log "API server binaries in $bin_dir"
echo "$bin_dir"
