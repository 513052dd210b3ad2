#!/usr/bin/env bash
# Builds DPDK 22.11 LTS from Debian bookworm's source package as static libraries with
# the drivers Gatun uses, plus dpdk-testpmd (the benchmark baseline).
# Result: $GATUN_CACHE/dpdk-<version>-<options hash>/ with lib/pkgconfig/libdpdk.pc and
# bin/dpdk-testpmd. Reused when present; prints the prefix on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DPDK_DEB_VERSION=22.11.11-0+deb12u1
DPDK_ORIG=dpdk_22.11.11.orig.tar.xz
DPDK_ORIG_SHA256=27a3bb1f57e02eb68c7c0a6f8bbf9fb74ec198c5aab74ed602da5b71c492a476

drivers=(
  bus/pci bus/vdev bus/auxiliary mempool/ring common/iavf common/mlx5
  net/af_packet net/af_xdp net/ring net/null net/pcap net/tap
  net/iavf net/ice net/i40e net/ixgbe net/mlx5
)
# Every optional library but gro/gso (net/tap needs gso, testpmd uses both).
disabled_libs=bitratestats,cfgfile,flow_classify,gpudev,jobstats,kni,latencystats,metrics,node,pdump,pipeline,port,power,table,vhost
# "generic" keeps the cached build runnable on any x86-64 CI host (SSE4.2 baseline).
meson_opts=(
  --buildtype=release -Ddefault_library=static -Dplatform=generic
  -Dtests=false -Denable_docs=false -Dexamples= -Denable_apps=test-pmd
  -Ddisable_libs=$disabled_libs "-Denable_drivers=$(IFS=,; echo "${drivers[*]}")"
  -Dmax_lcores=128
)

key=$(echo "$DPDK_DEB_VERSION ${meson_opts[*]}" | sha256sum | cut -c1-12)
prefix=$GATUN_CACHE/dpdk-22.11.11-$key
if [ -f "$prefix/.complete" ]; then
  echo "$prefix"; exit 0
fi

# One build at a time: a second caller (another checkout's make, a helper's meson setup) waits and
# then finds it installed; without the lock it deleted the first one's work tree under its ninja.
mkdir -p "$GATUN_CACHE/tmp"
exec 8>"$GATUN_CACHE/tmp/dpdk-$key.lock"
flock 8
if [ -f "$prefix/.complete" ]; then
  echo "$prefix"; exit 0
fi

work=$GATUN_CACHE/tmp/dpdk-$key
rm -rf "$work"; mkdir -p "$work"
fetch_debian_source dpdk "$DPDK_DEB_VERSION" "$DPDK_ORIG" "$DPDK_ORIG_SHA256" "$GATUN_CACHE/src"
(cd "$work" && dpkg-source --no-check -x "$GATUN_CACHE/src/dpdk_$DPDK_DEB_VERSION.dsc" src >/dev/null)
log "configuring DPDK ($key)"
meson setup "$work/build" "$work/src" --prefix="$prefix" --libdir=lib "${meson_opts[@]}" >"$work/meson.log" 2>&1 \
  || { tail -40 "$work/meson.log" >&2; exit 1; }
log "building DPDK (a few minutes on 2 cores)"
ninja -C "$work/build" >"$work/ninja.log" 2>&1 || { tail -40 "$work/ninja.log" >&2; exit 1; }
rm -rf "$prefix"
ninja -C "$work/build" install >/dev/null
# Every requested driver must have been built: meson silently skips one whose dependency is missing.
for d in "${drivers[@]}"; do
  lib=$prefix/lib/librte_${d%%/*}_${d#*/}.a
  [ -f "$lib" ] || { log "driver $d was not built (see $work/meson.log)"; exit 1; }
done
touch "$prefix/.complete"
rm -rf "$work"
log "DPDK installed in $prefix"
echo "$prefix"
