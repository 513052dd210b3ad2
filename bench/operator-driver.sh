#!/usr/bin/env bash
# Runs a benchmark driver from the operator's test sources, in the operator's JVM flags
# (operator/jvm.options): bench/operator-driver.sh NAME CLASS [ARGS...]. NAME only labels an error.
# GATUN_BENCH_ROOT=/path/to/other/checkout runs it on another build (copy the driver into that
# checkout's operator test sources first).
set -euo pipefail
name=$1 class=$2
shift 2
root=$(cd "${GATUN_BENCH_ROOT:-$(dirname "$0")/..}" && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-$(tools/find-jdk.sh)}
work=$(mktemp -d "/tmp/gatun-bench-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
mvn -q -B -ntp -pl operator -am test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath" ||
  { echo "$name: could not build the operator's test classes (Maven's error above)" >&2; exit 1; }
# shellcheck disable=SC2046
"$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow $(grep -v '^#' operator/jvm.options) -Xmx1g \
  -cp "operator/target/test-classes:operator/target/classes:$(cat "$work/classpath")" \
  "$class" "$@"
