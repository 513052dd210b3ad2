#!/usr/bin/env bash
# The echo backend's image, for pods behind a Service in the node test and `make demo`: one static
# binary (tools/echo-backend.c) and nothing else, built offline and reproducibly.
#
#   build-echo-image.sh [OUTDIR]    (default: target/images)
#
#   OUTDIR/gatun-echo-backend.oci.tar    docker.io/gatun/echo-backend:1 (user 65532)
#
# The pod sets POD_NAME (downward API); the backend answers HTTP on TCP 8080 and echoes UDP 5353
# after that name. Rebuilt only when the source is newer than the archive.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/lib.sh"

out=$(realpath -m "${1:-$root/target/images}")
archive=$out/gatun-echo-backend.oci.tar
src=$root/tools/echo-backend.c
if [ -f "$archive" ] && [ "$archive" -nt "$src" ] && [ "$archive" -nt "$0" ]; then
  echo "$archive"
  exit 0
fi
work=$(mktemp -d /tmp/gatun-echo.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/app" "$out"
gcc -std=c11 -Os -Wall -Wextra -Werror -static -s -o "$work/app/echo-backend" "$src"
chmod 0755 "$work/app/echo-backend"
# The source's own commit time: the same source gives the same digest.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct -- "$src" 2>/dev/null || echo 0)}
python3 "$root/tools/oci_image.py" pack --name docker.io/gatun/echo-backend:1 --epoch "${epoch:-0}" \
  --layer "app=$work/app" --user 65532:65532 --entrypoint '["/echo-backend"]' \
  --label org.opencontainers.image.title=gatun-echo-backend --out "$archive.tmp" >/dev/null
mv "$archive.tmp" "$archive"
log "$(du -h "$archive" | cut -f1) $archive"
echo "$archive"
