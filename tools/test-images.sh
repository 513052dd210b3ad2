#!/usr/bin/env bash
# Checks what build-images.sh promises, on the archives themselves:
#   - reproducible: two builds from the same inputs give byte-identical archives (same digests)
#   - no shell and no package manager in the operator and forwarder images; the FRR image has the
#     shell and python its entrypoint and frr-reload.py need, and no package manager
#   - the operator runs as 65532, the forwarder as 0 (see build-images.sh for why), FRR starts as
#     0 and its daemons drop to frr (101)
#   - each image's own runtime starts its jar on the image's own libc (chroot into the unpacked
#     image), and libgatunfwd.so finds every library it links inside the forwarder's image
#   - the FRR image's programs find their libraries inside it, and its entrypoint runs FRR in a
#     network namespace of its own, applies a configuration as the agent hands it over, and stops
# Needs root (mmdebstrap, chroot) and make build done.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/lib.sh"

work=$(mktemp -d /tmp/gatun-test-images.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct)}
"$root/tools/build-images.sh" "$work/a" >/dev/null
"$root/tools/build-images.sh" "$work/b" >/dev/null

for archive in "$work"/a/*.oci.tar; do
  name=$(basename "$archive")
  if cmp -s "$archive" "$work/b/$name"; then
    pass "$name: two builds are byte-identical"
  else
    fail "$name: two builds differ"
  fi
done
digests() { python3 -c 'import json,sys; [print(json.loads(l)["name"], json.loads(l)["digest"]) for l in open(sys.argv[1])]' "$1"; }
if diff <(digests "$work/a/images.json") <(digests "$work/b/images.json") | sed 's/^/  /' >&2; then
  pass "the same digests: $(python3 -c 'import json,sys; print(", ".join(json.loads(l)["digest"][:19] for l in open(sys.argv[1])))' "$work/a/images.json")"
else
  fail "digests differ between two builds"
fi

# check_image ARCHIVE USER: unpacks it and checks its contents and that its entrypoint starts.
check_image() {
  local archive=$1 user=$2 fs config
  fs=$work/fs-$(basename "$1" .oci.tar)
  config=$(python3 "$root/tools/oci_image.py" unpack "$archive" "$fs")
  local label
  label=$(basename "$archive" .oci.tar)
  local found
  found=$(cd "$fs" && find . \( -name sh -o -name bash -o -name dash -o -name busybox \
    -o -name dpkg -o -name apt -o -name apt-get -o -name perl -o -name python3 -o -name mawk \) \
    ! -type d | sort)
  [ -z "$found" ] && pass "$label: no shell, interpreter or package manager" \
    || fail "$label carries $found"
  local got
  got=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["config"]["User"])' "$config")
  [ "$got" = "$user" ] && pass "$label: runs as $user" || fail "$label runs as $got, not $user"
  grep -q '^nonroot:x:65532:65532:' "$fs/etc/passwd" && pass "$label: nonroot 65532 in /etc/passwd" \
    || fail "$label: no nonroot 65532 in /etc/passwd"
  # The entrypoint with --help (the forwarder prints its usage when arguments are missing).
  local entry
  mapfile -t entry < <(python3 -c 'import json,sys; print("\n".join(json.loads(sys.argv[1])["config"]["Entrypoint"]))' "$config")
  local said
  # A private /proc: the dynamic loader resolves java's $ORIGIN through /proc/self/exe.
  said=$(unshare --mount --pid --fork --mount-proc="$fs/proc" chroot "$fs" "${entry[@]}" --help 2>&1 || true)
  if grep -q 'usage: gatun-' <<<"$said"; then
    pass "$label: its entrypoint starts the jar on the image's own runtime and libc"
  else
    fail "$label: entrypoint did not start: $(head -5 <<<"$said")"
  fi
}

# check_frr_image ARCHIVE: FRR needs a shell and python (frr-reload.py); no package manager, and
# everything it runs finds its libraries inside. Then the entrypoint itself, in a network
# namespace of its own: its daemons come up (bgpd as frr), it applies a configuration the way
# the agent hands it over, and SIGTERM stops it.
check_frr_image() {
  local archive=$1 fs=$work/fs-frr config label
  label=$(basename "$archive" .oci.tar)
  config=$(python3 "$root/tools/oci_image.py" unpack "$archive" "$fs")
  local found
  found=$(cd "$fs" && find . \( -name dpkg -o -name apt -o -name apt-get -o -name perl \) ! -type d | sort)
  [ -z "$found" ] && pass "$label: no package manager" || fail "$label carries $found"
  local got
  got=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["config"]["User"])' "$config")
  [ "$got" = 0:0 ] && pass "$label: starts as 0:0 (the daemons drop to frr)" || fail "$label runs as $got"
  grep -q '^frr:x:101:101:' "$fs/etc/passwd" && grep -q '^frrvty:x:102:frr$' "$fs/etc/group" \
    && pass "$label: frr 101 and frrvty 102 (the pod's supplemental group)" \
    || fail "$label: no frr 101 / frrvty 102 in /etc/passwd, /etc/group"
  local missing=""
  for f in /usr/lib/frr/zebra /usr/lib/frr/bfdd /usr/lib/frr/bgpd /usr/bin/vtysh /usr/bin/python3 \
    /bin/bash /bin/grep /bin/sed; do
    local libs
    libs=$(chroot "$fs" /lib64/ld-linux-x86-64.so.2 --list "$f" 2>&1) || missing="$missing $f"
    grep -q 'not found' <<<"$libs" && missing="$missing $f($(grep 'not found' <<<"$libs" | xargs))"
  done
  [ -z "$missing" ] && pass "$label: FRR's daemons, vtysh, python3, bash, grep and sed find every library" \
    || fail "$label: libraries missing for$missing"

  local dir=$fs/var/run/gatun-frr log=$work/frr-entrypoint.log
  # As in the pod: the directory an emptyDir (0777, root's), the capabilities the frr container
  # adds and no others (no CAP_DAC_OVERRIDE, no CAP_CHOWN; SYS_CHROOT only to get there), the
  # supplemental group frrvty.
  mkdir -m 0777 "$dir" "$fs/var/tmp" 2>/dev/null || chmod 0777 "$dir" "$fs/var/tmp"
  unshare --net --mount --pid --fork --mount-proc="$fs/proc" \
    setpriv --groups 102 --inh-caps=-all \
    --bounding-set=-all,+net_bind_service,+net_admin,+net_raw,+sys_admin,+setuid,+setgid,+kill,+sys_chroot \
    chroot "$fs" /usr/local/bin/gatun-frr > "$log" 2>&1 &
  local runner=$!
  for _ in $(seq 300); do [ -s "$dir/ready" ] && break; sleep 0.1; done
  if [ -s "$dir/ready" ]; then
    pass "$label: its entrypoint runs zebra, bfdd and bgpd (ready: $(cat "$dir/ready"))"
  else
    fail "$label: no ready within 30 s: $(tail -5 "$log")"
  fi
  printf '! gatun-generation 42\nfrr defaults traditional\n!\nrouter bgp 64512\n neighbor 198.18.77.1 remote-as 64500\nexit\n!\n' \
    > "$dir/wanted.next" && mv "$dir/wanted.next" "$dir/wanted.conf"
  for _ in $(seq 600); do [ -s "$dir/applied" ] && break; sleep 0.1; done
  # Applied, and really: bgpd has the neighbour (a vtysh that cannot get in says nothing, exits 0,
  # and frr-reload then reports success having changed nothing).
  local running
  running=$(chroot "$fs" /usr/bin/vtysh --vty_socket /var/run/gatun-frr --config_dir /var/run/gatun-frr \
    -c 'show running-config' 2>&1 || true)
  if [ "$(cat "$dir/applied" 2>/dev/null)" = "42 ok" ] && grep -q 'neighbor 198.18.77.1 remote-as 64500' <<<"$running"; then
    pass "$label: frr-reload applied a wanted.conf (bgpd has its neighbour)"
  else
    fail "$label: wanted.conf not applied: $(cat "$dir/applied" 2>/dev/null); running: $(head -c 300 <<<"$running") $(tail -5 "$log")"
  fi
  local bgpd uid
  # This bgpd is the one whose root is the unpacked image.
  bgpd=$(for p in $(pgrep -x bgpd || true); do
    [ "$(readlink "/proc/$p/root")" = "$fs" ] && echo "$p"; done | head -1)
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$bgpd/status" 2>/dev/null || echo none)
  [ "$uid" = 101 ] && pass "$label: bgpd runs as frr (101)" || fail "$label: bgpd runs as $uid"
  kill -TERM "$(pgrep -P "$runner" | head -1)" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$runner" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$runner" 2>/dev/null; then
    fail "$label: the entrypoint did not stop on SIGTERM"
    kill -9 "$runner" 2>/dev/null || true
  else
    pass "$label: SIGTERM stops it ($(tail -1 "$log"))"
  fi
}

check_image "$(ls "$work"/a/gatun-operator-*.oci.tar)" 65532:65532
check_image "$(ls "$work"/a/gatun-forwarder-*.oci.tar)" 0:0
check_frr_image "$(ls "$work"/a/gatun-frr-*.oci.tar)"

fs=$(ls -d "$work"/fs-gatun-forwarder-*)
libs=$(chroot "$fs" /lib64/ld-linux-x86-64.so.2 --list /opt/gatun/lib/libgatunfwd.so 2>&1 || true)
if grep -q 'not found' <<<"$libs" || ! grep -q 'libnuma' <<<"$libs"; then
  fail "libgatunfwd.so in the forwarder image: $libs"
else
  pass "libgatunfwd.so finds all $(grep -c '=>' <<<"$libs") libraries it links inside the forwarder image"
fi

[ $failures -eq 0 ] || { echo "$failures image check(s) failed" >&2; exit 1; }
echo "image checks passed"
