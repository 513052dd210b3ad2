#!/usr/bin/env bash
# Builds Kubernetes 1.20.2 components offline from Debian bookworm's `kubernetes` source package
# and caches each in $GATUN_CACHE keyed by the source version: kube-apiserver for the tests, and
# for a real node kubelet, kube-controller-manager, kube-scheduler, kube-proxy and the pause
# binary (build/pause/linux/pause.c, static). Only what is absent is built, in one `make` from
# one extracted source: Kubernetes' build keeps its Go cache under _output (it sets GOCACHE
# itself), so the packages the components share are compiled once only within one make.
#
#   build-kube.sh [COMPONENT...]   (default: every component)
#
# Prints the cached binary of each COMPONENT, one path per line, in the order asked.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

K8S_DEB_VERSION=1.20.5+really1.20.2-1.1+deb12u1
K8S_VERSION=1.20.2
K8S_ORIG=kubernetes_1.20.5+really1.20.2.orig.tar.gz
K8S_ORIG_SHA256=b83c0780efb182d928dc63d46488a847f161f04e40a94b96bf5247dd671ecdfc
REFLECT2_FIXED=/usr/share/gocode/src/github.com/modern-go/reflect2
ALL=(kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet pause)

components=("$@")
[ ${#components[@]} -gt 0 ] || components=("${ALL[@]}")
for c in "${components[@]}"; do
  [[ " ${ALL[*]} " == *" $c "* ]] || { log "unknown component $c (one of: ${ALL[*]})"; exit 2; }
done

cached() { echo "$GATUN_CACHE/$1-$K8S_DEB_VERSION"; }

missing=()
for c in "${components[@]}"; do [ -x "$(cached "$c")" ] || missing+=("$c"); done

if [ ${#missing[@]} -gt 0 ]; then
  mkdir -p "$GATUN_CACHE/tmp"
  # One build at a time: a second caller waits and then finds the binaries cached.
  exec 8>"$GATUN_CACHE/tmp/kubernetes.lock"
  flock 8
  still=()
  for c in "${missing[@]}"; do [ -x "$(cached "$c")" ] || still+=("$c"); done
  missing=("${still[@]}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  work=$GATUN_CACHE/tmp/kubernetes
  rm -rf "$work"; mkdir -p "$work"
  fetch_debian_source kubernetes "$K8S_DEB_VERSION" "$K8S_ORIG" "$K8S_ORIG_SHA256" "$GATUN_CACHE/src"
  (cd "$work" && dpkg-source --no-check -x "$GATUN_CACHE/src/kubernetes_$K8S_DEB_VERSION.dsc" src >/dev/null)
  # The vendored reflect2 v1.0.1 reads Go runtime internals that moved in Go 1.18: the
  # API server SIGSEGVs on the first custom-resource request. Debian's 1.0.2 is fixed.
  [ -d "$REFLECT2_FIXED" ] || { log "missing $REFLECT2_FIXED (golang-github-modern-go-reflect2-dev)"; exit 1; }
  rm -rf "$work/src/vendor/github.com/modern-go/reflect2"
  mkdir -p "$work/src/vendor/github.com/modern-go/reflect2"
  cp "$REFLECT2_FIXED"/*.go "$REFLECT2_FIXED"/*.s "$work/src/vendor/github.com/modern-go/reflect2/"

  what=()
  for c in "${missing[@]}"; do [ "$c" = pause ] || what+=("cmd/$c"); done
  if [ ${#what[@]} -gt 0 ]; then
    log "building ${what[*]} (kube-apiserver and kubelet about 4 minutes each on 2 cores)"
    export GOFLAGS=-mod=vendor GO111MODULE=on
    (cd "$work/src" && make WHAT="${what[*]}" KUBE_BUILD_PLATFORMS=linux/amd64 >"$work/build.log" 2>&1) \
      || { tail -40 "$work/build.log" >&2; exit 1; }
  fi
  for c in "${missing[@]}"; do
    if [ "$c" = pause ]; then
      # What build/pause/Makefile does, without its cross-compiling container.
      gcc -Os -Wall -Werror -static -DVERSION="v$K8S_VERSION" -o "$work/pause" \
        "$work/src/build/pause/linux/pause.c"
      built=$work/pause
    else
      built=$(find "$work/src/_output" -type f -name "$c" -perm -u+x | head -1)
      [ -n "$built" ] || { log "$c binary not found after the build"; exit 1; }
    fi
    cp "$built" "$(cached "$c").tmp" && mv "$(cached "$c").tmp" "$(cached "$c")"
  done
  rm -rf "$work"
fi

for c in "${components[@]}"; do cached "$c"; done
