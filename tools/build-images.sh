#!/usr/bin/env bash
# Builds Gatun's container images offline and reproducibly, as OCI archives:
#
#   build-images.sh [OUTDIR]      (default: target/images)
#
#   OUTDIR/gatun-operator-VERSION.oci.tar    docker.io/gatun/operator:VERSION
#   OUTDIR/gatun-forwarder-VERSION.oci.tar   docker.io/gatun/forwarder:VERSION
#   OUTDIR/gatun-frr-VERSION.oci.tar         docker.io/gatun/frr:VERSION (the forwarder pod's
#                                            BGP speaker: tools/frr/gatun-frr over Debian's frr)
#   OUTDIR/images.json                       name, digest, sizes of each (one JSON line each)
#
# Layers, bottom first (the first two are the same in both images, so a node stores them once):
#   base      Debian bookworm's libc6, base-files and netbase (mmdebstrap --variant=extract from
#             the machine's own apt sources): no shell, no package manager; /etc/passwd with
#             root and nonroot (65532)
#   runtime   /opt/java: JDK 25 jlinked to the modules both jars need (jdeps tells)
#   libs      (forwarder) the shared libraries libgatunfwd.so links, from the Debian packages
#             that ship them (ldd tells)
#   app       /opt/gatun: the jar (and libgatunfwd.so)
# The FRR image shares the base layer; above it Debian's frr, frr-reload.py, bash, coreutils,
# grep, sed and python3 with the libraries they link, then the entrypoint tools/frr/gatun-frr.
#
# Every timestamp is SOURCE_DATE_EPOCH (default: the last commit's time), tar entries are
# sorted and owned by 0:0: two builds of the same inputs give the same digests.
# Needs the jars and the native library built (make build) and root (mmdebstrap --mode=root).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/lib.sh"
JAVA_HOME=${JAVA_HOME:-$("$root/tools/find-jdk.sh")}

out=$(realpath -m "${1:-$root/target/images}")
operator_jar=$root/operator/target/gatun-operator.jar
forwarder_jar=$root/forwarder/target/gatun-forwarder.jar
native_lib=$root/forwarder-native/build/libgatunfwd.so
for f in "$operator_jar" "$forwarder_jar" "$native_lib"; do
  [ -f "$f" ] || { log "missing $f: run make build first"; exit 1; }
done
version=$(python3 - "$root/pom.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
print(ET.parse(sys.argv[1]).getroot().find("m:version", ns).text)
PY
)
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}

work=$(mktemp -d /tmp/gatun-images.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The machine's Debian archives, as apt knows them (mirror, security, updates), never a name
# written here: one sources.list line per suite that has binary packages.
debian_sources() {
  apt-get indextargets --format '$(ORIGIN) $(REPO_URI) $(RELEASE) $(COMPONENT)' 'Created-By: Packages' \
    | awk '$1 == "Debian" && $3 ~ /^bookworm/ {
        print "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] " $2, $3, $4 }' \
    | sort -u
}
debian_sources > "$work/sources.list"
[ -s "$work/sources.list" ] || { log "apt knows no Debian bookworm archive (apt-get update?)"; exit 1; }

log "base: mmdebstrap --variant=extract libc6 base-files netbase"
mmdebstrap --quiet --variant=extract --mode=root --include=libc6,base-files,netbase \
  --format=directory bookworm "$work/base" "$work/sources.list" >/dev/null
# What an image must not carry: the host's resolver and name (the runtime mounts its own), apt
# state, device nodes (the runtime provides /dev), and awk, base-files' one interpreter.
(cd "$work/base" && rm -rf etc/apt var/lib/apt var/cache/apt var/lib/dpkg etc/resolv.conf \
  etc/hostname etc/fstab usr/bin/mawk dev/* var/log/*)
cat > "$work/base/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/usr/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin
EOF
cat > "$work/base/etc/group" <<'EOF'
root:x:0:
nonroot:x:65532:
EOF
mkdir -p "$work/base/home/nonroot"
chmod 1777 "$work/base/tmp"

log "runtime: jdeps + jlink (JDK $("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p'))"
modules=$(for jar in "$operator_jar" "$forwarder_jar"; do
  "$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$jar"
done | tr ',' '\n' | sort -u | paste -sd,)
mkdir -p "$work/runtime/opt"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$work/runtime/opt/java"

log "libs: the Debian packages of what libgatunfwd.so links (ldd)"
packages=$(ldd "$native_lib" | awk '/=> \//{print $3}' | while read -r lib; do
  dpkg -S "$(realpath "$lib")" 2>/dev/null || dpkg -S "$lib"
done | cut -d: -f1 | sort -u | grep -vx libc6 || true)
mkdir -p "$work/debs" "$work/libs"
# shellcheck disable=SC2086 # one word per package
(cd "$work/debs" && apt-get download -qq $packages 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
for p in $packages; do
  deb=$(ls "$work/debs/${p}_"*.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || { log "apt-get download $p gave nothing"; exit 1; }
  dpkg-deb -x "$deb" "$work/libs"
done
# Libraries and their licences only: no documentation, manuals or bug-report scripts.
find "$work/libs/usr/share" -mindepth 1 -maxdepth 1 ! -name doc -exec rm -rf {} +
find "$work/libs/usr/share/doc" -type f ! -name copyright -delete
# The FRR image's own layer: Debian's frr (zebra, bfdd, bgpd, vtysh), frr-reload.py and what its
# entrypoint runs on (bash, coreutils, grep, sed, python3), plus every library their programs link
# (ldd, repeated until nothing new), as Debian ships them; nothing else of frr's dependencies
# (adduser, logrotate, iproute2, lsof: a container uses none of them).
log "frr: Debian's frr, frr-pythontools, bash, coreutils, grep, sed, python3 and the libraries they link (ldd)"
frr_packages="frr frr-pythontools bash coreutils grep sed python3-minimal python3.11-minimal libpython3.11-minimal libpython3.11-stdlib"
mkdir -p "$work/frr-debs" "$work/frr-full"
extracted=" "
while :; do
  new=""
  for p in $frr_packages; do [[ $extracted == *" $p "* ]] || new="$new $p"; done
  [ -n "$new" ] || break
  # shellcheck disable=SC2086 # one word per package
  (cd "$work/frr-debs" && apt-get download -qq $new 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
  for p in $new; do
    deb=$(ls "$work/frr-debs/${p}_"*.deb 2>/dev/null | head -1)
    [ -n "$deb" ] || { log "apt-get download $p gave nothing"; exit 1; }
    dpkg-deb -x "$deb" "$work/frr-full"
    extracted="$extracted$p "
  done
  # Only what the image runs: three daemons, vtysh, the shell tools, python (its optional
  # extension modules' libraries stay out: frr-reload.py imports none of them).
  (cd "$work/frr-full" && { find usr/lib/frr -mindepth 1 -maxdepth 1 ! -name zebra ! -name bfdd \
    ! -name bgpd ! -name frr-reload.py -exec rm -rf {} +
    rm -rf usr/lib/x86_64-linux-gnu/frr/modules usr/share/man usr/share/info usr/share/locale \
      usr/share/lintian usr/share/bash-completion usr/share/zsh etc/init.d etc/logrotate.d \
      etc/rsyslog.d lib/systemd usr/lib/systemd etc/frr usr/share/doc-base usr/share/yang
    find usr/share/doc -type f ! -name copyright -delete; } 2>/dev/null || true)
  frr_packages="$frr_packages $(find "$work/frr-full" -type f ! -path '*/lib-dynload/*' -print0 \
    | xargs -0 file --no-pad -F '|' | awk -F'|' '/ELF/ {print $1}' \
    | while read -r f; do ldd "$f" 2>/dev/null | awk '/=> \//{print $3}'; done | sort -u \
    | while read -r lib; do
        # merged /usr: a library's package may name it with or without /usr
        dpkg -S "$(realpath "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || dpkg -S "${lib#/usr}" \
          || log "no package ships $lib"
      done | cut -d: -f1 | sort -u | grep -vx libc6 | tr '\n' ' ')"
done
# The users FRR's daemons drop to (frr) and whose group may open their vty sockets (frrvty, which
# the forwarder pod gives the agent as a supplemental group): fixed ids, named in the pod spec.
mkdir -p "$work/frr-full/etc"
{ cat "$work/base/etc/passwd"; echo 'frr:x:101:101:FRR routing suite:/nonexistent:/usr/sbin/nologin'; } \
  > "$work/frr-full/etc/passwd"
{ cat "$work/base/etc/group"; printf 'frr:x:101:\nfrrvty:x:102:frr\n'; } > "$work/frr-full/etc/group"
# The layer holds what the base layer does not hold already (the same Debian files).
rsync -a --compare-dest="$work/base/" "$work/frr-full/" "$work/frr/"
find "$work/frr" -depth -type d -empty -delete
mkdir -p "$work/frr-app/usr/local/bin"
install -m 0755 "$root/tools/frr/gatun-frr" "$work/frr-app/usr/local/bin/gatun-frr"
mkdir -p "$work/operator-app/opt/gatun" "$work/forwarder-app/opt/gatun/lib"
install -m 0644 "$operator_jar" "$work/operator-app/opt/gatun/gatun-operator.jar"
install -m 0644 "$forwarder_jar" "$work/forwarder-app/opt/gatun/gatun-forwarder.jar"
install -m 0755 "$native_lib" "$work/forwarder-app/opt/gatun/lib/libgatunfwd.so"

mkdir -p "$out"
java=/opt/java/bin/java
common=(--epoch "$epoch" --env JAVA_HOME=/opt/java --env PATH=/opt/java/bin:/usr/bin
  --workdir / --label "org.opencontainers.image.version=$version"
  --label "org.opencontainers.image.vendor=Gatun")
jvm_options=$(grep -v '^#' "$root/operator/jvm.options" | xargs)
forwarder_jvm_options=$(grep -v '^#' "$root/forwarder/jvm.options" | xargs)
entry() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@"; }

# shellcheck disable=SC2086 # the JVM options are words
python3 "$root/tools/oci_image.py" pack --name "docker.io/gatun/operator:$version" "${common[@]}" \
  --label org.opencontainers.image.title=gatun-operator \
  --layer "base=$work/base" --layer "runtime=$work/runtime" --layer "app=$work/operator-app" \
  --user 65532:65532 \
  --entrypoint "$(entry $java --sun-misc-unsafe-memory-access=allow $jvm_options -jar /opt/gatun/gatun-operator.jar)" \
  --out "$out/gatun-operator-$version.oci.tar" > "$work/operator.json"

# The forwarder runs as UID 0 with only the capabilities its pod adds (IPC_LOCK, NET_ADMIN,
# NET_RAW): Kubernetes 1.20 gives added capabilities to root processes only (no ambient
# capabilities), and DPDK needs them to lock hugepage memory and open raw packet sockets.
# shellcheck disable=SC2086 # the JVM options are words
python3 "$root/tools/oci_image.py" pack --name "docker.io/gatun/forwarder:$version" "${common[@]}" \
  --label org.opencontainers.image.title=gatun-forwarder \
  --layer "base=$work/base" --layer "runtime=$work/runtime" --layer "libs=$work/libs" \
  --layer "app=$work/forwarder-app" \
  --user 0:0 --env GATUN_NATIVE_LIB=/opt/gatun/lib/libgatunfwd.so \
  --entrypoint "$(entry $java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow $forwarder_jvm_options -jar /opt/gatun/gatun-forwarder.jar)" \
  --out "$out/gatun-forwarder-$version.oci.tar" > "$work/forwarder.json"

# FRR runs as root only until each daemon drops to frr (root sets its capabilities first); the
# pod adds NET_BIND_SERVICE, NET_ADMIN, NET_RAW, SYS_ADMIN, SETUID and SETGID for that.
python3 "$root/tools/oci_image.py" pack --name "docker.io/gatun/frr:$version" --epoch "$epoch" \
  --env PATH=/usr/local/bin:/usr/bin:/bin --env PYTHONDONTWRITEBYTECODE=1 --workdir / \
  --label "org.opencontainers.image.version=$version" --label "org.opencontainers.image.vendor=Gatun" \
  --label org.opencontainers.image.title=gatun-frr \
  --layer "base=$work/base" --layer "frr=$work/frr" --layer "app=$work/frr-app" \
  --user 0:0 --entrypoint '["/usr/local/bin/gatun-frr"]' \
  --out "$out/gatun-frr-$version.oci.tar" > "$work/frr.json"

cat "$work/operator.json" "$work/forwarder.json" "$work/frr.json" > "$out/images.json"
python3 - "$out/images.json" <<'PY' >&2
import json, sys
for line in open(sys.argv[1]):
    i = json.loads(line)
    print(f"  {i['name']}  {i['digest'][:19]}  {i['compressed'] / 2**20:.1f} MiB compressed,"
          f" {i['uncompressed'] / 2**20:.1f} MiB uncompressed")
PY
echo "$out"
