#!/usr/bin/env bash
# Packs olm-bundle/ as the OLM bundle image, offline and reproducibly, as bundle.Dockerfile
# describes it (FROM scratch, /manifests, /metadata, /tests/scorecard, the annotations as labels):
#
#   build-bundle-image.sh [OUTDIR]      (default: target/images)
#
#   OUTDIR/gatun-operator-bundle-VERSION.oci.tar   docker.io/gatun/operator-bundle:VERSION
#
# Push it to a registry and `operator-sdk run bundle` it, or list it in a catalog (opm).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/lib.sh"

out=$(realpath -m "${1:-$root/target/images}")
bundle=$root/olm-bundle
[ -f "$bundle/bundle.Dockerfile" ] || { log "no olm-bundle/: run make bundle"; exit 1; }
version=$(python3 - "$root/pom.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
print(ET.parse(sys.argv[1]).getroot().find("m:version", ns).text)
PY
)
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}

work=$(mktemp -d /tmp/gatun-bundle-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/layer/tests"
cp -r "$bundle/manifests" "$bundle/metadata" "$work/layer/"
cp -r "$bundle/tests/scorecard" "$work/layer/tests/"
find "$work/layer" -type d -exec chmod 0755 {} + && find "$work/layer" -type f -exec chmod 0644 {} +

# The labels are bundle.Dockerfile's, which the build checks equal metadata/annotations.yaml.
labels=()
while IFS= read -r label; do labels+=(--label "$label"); done \
  < <(sed -n 's/^LABEL //p' "$bundle/bundle.Dockerfile")

mkdir -p "$out"
python3 "$root/tools/oci_image.py" pack --name "docker.io/gatun/operator-bundle:$version" \
  --epoch "$epoch" --layer "bundle=$work/layer" "${labels[@]}" \
  --out "$out/gatun-operator-bundle-$version.oci.tar" >&2
echo "$out/gatun-operator-bundle-$version.oci.tar"
