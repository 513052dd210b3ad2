#!/usr/bin/env bash
# Installs the Debian packages Gatun's build, tests and demo need.
# Idempotent: packages already present are skipped, apt is only touched when something is missing.
set -euo pipefail

packages=(
  # C toolchain and DPDK build dependencies (DPDK itself is built from source by build-dpdk.sh)
  build-essential meson ninja-build pkg-config dpkg-dev python3-pyelftools
  libnuma-dev libpcap-dev libbpf-dev libxdp-dev libelf-dev zlib1g-dev libibverbs-dev
  # fuzzing (libFuzzer + sanitizers)
  clang libclang-rt-14-dev
  # kube-apiserver from Debian's source package, etcd from Debian's binary package
  golang-go rsync etcd-server golang-github-modern-go-reflect2-dev
  # test hosts and traffic
  iproute2 ethtool iputils-ping socat curl tcpdump
  # bench/failover.sh's baseline (VRRPv3)
  keepalived
  # BGP mode (issue 14): FRR is each forwarder's BGP/BFD speaker and the E2E's router;
  # frr-pythontools brings frr-reload.py
  frr frr-pythontools
  # the iptables benchmark's load generator (bench/iptables.sh)
  wrk
  # images (build-images.sh: a Debian root file system without a package manager; file finds the
  # FRR image's programs, whose libraries ldd lists)
  mmdebstrap file
  # the single-node Kubernetes (node.sh): container runtime, pod networking, kube-proxy
  containerd runc containernetworking-plugins iptables conntrack
)

# Debian's frr package enables and starts a system-wide FRR (watchfrr, zebra, staticd) on
# /etc/frr. Gatun starts its own FRR per forwarder with its own paths; the system one would
# only hold routes and sockets nobody asked for, so it is stopped and disabled.
quiet_system_frr() {
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now frr.service >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/frr ]; then
    /etc/init.d/frr stop >/dev/null 2>&1 || true
    update-rc.d frr disable >/dev/null 2>&1 || true
  fi
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-packages: all ${#packages[@]} packages present"
  quiet_system_frr
  exit 0
fi

# deb-src for bookworm is needed by build-dpdk.sh and build-kube-apiserver.sh (apt-get source).
src=/etc/apt/sources.list.d/gatun-deb-src.sources
if [ ! -f "$src" ]; then
  cat > "$src" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
echo "install-packages: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
quiet_system_frr
