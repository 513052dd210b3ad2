#!/usr/bin/env bash
# Regenerates the CRDs from the Java model (operator/src/main/java/io/gatun/operator/api) and
# copies them to crds/, where they are checked in. The build's CrdsUpToDateTest fails when the
# two differ; run this (or `make crds`) after changing the model.
#
#   operator/update-crds.sh            build the operator module, then copy
#   operator/update-crds.sh --no-build copy what the last build generated
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
generated=$root/operator/target/classes/META-INF/fabric8

if [ "${1:-}" != "--no-build" ]; then
  # crd-generator loads the model classes inside Maven's JVM: Maven itself must run on JDK 25.
  export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
  (cd "$root" && mvn -q ${MAVEN_ARGS:-} -pl operator -am process-classes)
fi

shopt -s nullglob
files=("$generated"/*.lb.gatun.io-v1.yml)
if [ ${#files[@]} -eq 0 ]; then
  echo "update-crds: nothing generated in $generated; build the operator module first" >&2
  exit 1
fi
mkdir -p "$root/crds"
rm -f "$root"/crds/*.lb.gatun.io.yaml
for f in "${files[@]}"; do
  name=$(basename "$f" -v1.yml)
  cp "$f" "$root/crds/$name.yaml"
  echo "crds/$name.yaml"
done
