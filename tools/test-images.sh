#!/usr/bin/env bash
# Checks what build-images.sh promises, on the archives themselves:
#   - reproducible: two builds from the same inputs give byte-identical archives (same digests)
#   - no shell and no package manager in either image
#   - the operator runs as 65532, the forwarder as 0 (see build-images.sh for why)
#   - each image's own runtime starts its jar on the image's own libc (chroot into the unpacked
#     image), and libgatunfwd.so finds every library it links inside the forwarder's image
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
  local archive=$1 user=$2 fs=$work/fs-$(basename "$1" .oci.tar) config
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

check_image "$(ls "$work"/a/gatun-operator-*.oci.tar)" 65532:65532
check_image "$(ls "$work"/a/gatun-forwarder-*.oci.tar)" 0:0

fs=$(ls -d "$work"/fs-gatun-forwarder-*)
libs=$(chroot "$fs" /lib64/ld-linux-x86-64.so.2 --list /opt/gatun/lib/libgatunfwd.so 2>&1 || true)
if grep -q 'not found' <<<"$libs" || ! grep -q 'libnuma' <<<"$libs"; then
  fail "libgatunfwd.so in the forwarder image: $libs"
else
  pass "libgatunfwd.so finds all $(grep -c '=>' <<<"$libs") libraries it links inside the forwarder image"
fi

[ $failures -eq 0 ] || { echo "$failures image check(s) failed" >&2; exit 1; }
echo "image checks passed"
