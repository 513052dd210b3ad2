#!/usr/bin/env bash
# Provisions a real API server for the operator's *IT tests and the demo, offline:
# kube-apiserver v1.20.2 built from Debian bookworm's `kubernetes` source package,
# etcd from Debian's etcd-server, kubectl from the machine, laid out where
# io.fabric8:kube-api-test looks for them:
#   $KUBE_API_TEST_DIR/k8s/1.20.2-linux-amd64/{kube-apiserver,etcd,kubectl}
# The kube-apiserver binary is cached in $GATUN_CACHE keyed by the source version.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

K8S_DEB_VERSION=1.20.5+really1.20.2-1.1+deb12u1
K8S_ORIG=kubernetes_1.20.5+really1.20.2.orig.tar.gz
K8S_ORIG_SHA256=b83c0780efb182d928dc63d46488a847f161f04e40a94b96bf5247dd671ecdfc
REFLECT2_FIXED=/usr/share/gocode/src/github.com/modern-go/reflect2

bin_dir=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/1.20.2-linux-amd64
cached=$GATUN_CACHE/kube-apiserver-$K8S_DEB_VERSION

if [ ! -x "$cached" ]; then
  work=$GATUN_CACHE/tmp/kubernetes
  rm -rf "$work"; mkdir -p "$work"
  fetch_debian_source kubernetes "$K8S_DEB_VERSION" "$K8S_ORIG" "$K8S_ORIG_SHA256" "$GATUN_CACHE/src"
  (cd "$work" && dpkg-source --no-check -x "$GATUN_CACHE/src/kubernetes_$K8S_DEB_VERSION.dsc" src >/dev/null)
  # The vendored reflect2 v1.0.1 reads Go runtime internals that moved in Go 1.18: the
  # server SIGSEGVs on the first custom-resource request. Debian's 1.0.2 is fixed.
  [ -d "$REFLECT2_FIXED" ] || { log "missing $REFLECT2_FIXED (golang-github-modern-go-reflect2-dev)"; exit 1; }
  rm -rf "$work/src/vendor/github.com/modern-go/reflect2"
  mkdir -p "$work/src/vendor/github.com/modern-go/reflect2"
  cp "$REFLECT2_FIXED"/*.go "$REFLECT2_FIXED"/*.s "$work/src/vendor/github.com/modern-go/reflect2/"
  log "building kube-apiserver (about 4 minutes on 2 cores)"
  export GOCACHE=$GATUN_CACHE/go-build GOFLAGS=-mod=vendor GO111MODULE=on
  (cd "$work/src" && make WHAT=cmd/kube-apiserver KUBE_BUILD_PLATFORMS=linux/amd64 >"$work/build.log" 2>&1) \
    || { tail -40 "$work/build.log" >&2; exit 1; }
  built=$(find "$work/src/_output" -type f -name kube-apiserver -perm -u+x | head -1)
  [ -n "$built" ] || { log "kube-apiserver binary not found after build"; exit 1; }
  cp "$built" "$cached.tmp" && mv "$cached.tmp" "$cached"
  rm -rf "$work"
fi

mkdir -p "$bin_dir"
install -m 0755 "$cached" "$bin_dir/kube-apiserver"
install -m 0755 "$(command -v etcd)" "$bin_dir/etcd"
install -m 0755 "$(command -v kubectl)" "$bin_dir/kubectl"
log "API server binaries in $bin_dir"
echo "$bin_dir"
