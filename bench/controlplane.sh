#!/usr/bin/env bash
# Control-plane benchmark (not a test): 100 / 1,000 / 10,000 LoadBalancers created -> all
# Allocated and -> all Programmed with one forwarder connected, then 1,000 EndpointSlice changes
# spread over them, each timed from the write to the forwarder running it, against a real
# kube-apiserver 1.20.2 — once with a fake forwarder (the operator's share alone) and once with the
# real one (the agent jar on the DPDK data plane, a net_null port, no hugepages) — beside the floor
# (the writes any operator needs, made by the driver alone), and the operator's heap at the largest
# size. The operator runs from its fat jar in its own JVM; the driver
# (operator/src/test/java/io/gatun/operator/bench/ControlPlaneBench.java) runs from the operator's
# test classes. Writes bench/results/controlplane.json.
#
#   bench/controlplane.sh [SIZES]      e.g. bench/controlplane.sh 100,1000
#   GATUN_BENCH_CHANGES=1000 GATUN_BENCH_CHANGE_RATE=20 (changes per second) are the defaults.
#   GATUN_BENCH_FORWARDERS=real runs only the real forwarder (default fake,real).
#   GATUN_OPERATOR_JAVA_OPTS / GATUN_FORWARDER_JAVA_OPTS: flags for their JVMs (e.g. JFR).
#   GATUN_BENCH_PIN=split: kube-apiserver and etcd on CPU 0, the driver, operator and forwarder on
#   CPU 1, for the floor and the run alike (as on a cluster, where the API server has cores of its
#   own); default: not pinned.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-$(tools/find-jdk.sh)}
# GATUN_BENCH_OPERATOR_JAR, GATUN_BENCH_FORWARDER_JAR: other builds of the operator and the agent
# (e.g. main's, for a before-and-after).
jar=${GATUN_BENCH_OPERATOR_JAR:-operator/target/gatun-operator.jar}
forwarder=${GATUN_BENCH_FORWARDER_JAR:-forwarder/target/gatun-forwarder.jar}
native=forwarder-native/build/libgatunfwd.so
if [ ! -f "$jar" ] || [ ! -f "$forwarder" ] || [ ! -f "$native" ] ||
   [ ! -d operator/target/test-classes/io/gatun/operator/bench ]; then
  echo "controlplane: build the jars and the data plane first: make build" >&2
  exit 1
fi
[ -x "${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/1.20.2-linux-amd64/kube-apiserver" ] ||
  { echo "controlplane: no kube-apiserver 1.20.2: run make kube-apiserver" >&2; exit 1; }
case ${GATUN_BENCH_PIN:-} in
  "") ;;
  split)
    command -v taskset >/dev/null ||
      { echo "controlplane: GATUN_BENCH_PIN=split needs taskset (util-linux)" >&2; exit 1; }
    # both CPUs must be ours to use, not only present
    { taskset -c 0 true && taskset -c 1 true; } 2>/dev/null ||
      { echo "controlplane: GATUN_BENCH_PIN=split needs CPUs 0 and 1; this shell may use $(nproc)" \
          "CPU(s): $(taskset -cp $$ | sed 's/.*: //')" >&2; exit 1; } ;;
  *) echo "controlplane: GATUN_BENCH_PIN is split or unset, not '$GATUN_BENCH_PIN'" >&2; exit 1 ;;
esac
work=$(mktemp -d /tmp/gatun-bench-cp.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Online, so a fresh machine fetches the plugin (pinned: the same class path everywhere); Maven's
# -q still prints its errors, and the script stops on them. With -am and compile the sibling
# modules resolve to their target/classes, so nothing needs installing in ~/.m2 first (the operator
# is last in the reactor, so the file ends up holding its class path).
mvn -q -B -ntp -pl operator -am compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath" ||
  { echo "controlplane: could not resolve the operator's test class path (Maven's error above)" >&2; exit 1; }
mkdir -p bench/results
# GATUN_BENCH_OUT: another file, e.g. to run the largest size apart from the others.
out=${GATUN_BENCH_OUT:-bench/results/controlplane.json}
# The operator runs with the flags it is deployed with and in the memory its Deployment gives it
# (deploy/operator.yaml: a 512 MiB limit, which the JVM sizes its heap from), unless told otherwise.
export GATUN_OPERATOR_JAVA_OPTS=${GATUN_OPERATOR_JAVA_OPTS-$(grep -v '^#' operator/jvm.options) -XX:MaxRAM=512m}
# The real forwarder likewise: its image's flags, in the ForwarderSet's default 1Gi (without them
# its heap grew unbounded here, and the default 256 MiB heap of a 1Gi pod ran out at 10,000).
export GATUN_FORWARDER_JAVA_OPTS=${GATUN_FORWARDER_JAVA_OPTS-$(grep -v '^#' forwarder/jvm.options) -XX:MaxRAM=1g}
echo "control plane: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
pin=()
if [ "${GATUN_BENCH_PIN:-}" = split ]; then
  # The driver on CPU 1, and so every process it starts; it moves each API server and its etcd to
  # CPU 0. The JVMs size their pools and compiler threads, and the API server and etcd (Go) their
  # schedulers, for the cores they would see unpinned, so only where they run changes.
  cpus=$(nproc)
  pin=(taskset -c 1)
  export GOMAXPROCS=$cpus
  export GATUN_OPERATOR_JAVA_OPTS="$GATUN_OPERATOR_JAVA_OPTS -XX:ActiveProcessorCount=$cpus"
  export GATUN_FORWARDER_JAVA_OPTS="${GATUN_FORWARDER_JAVA_OPTS:-} -XX:ActiveProcessorCount=$cpus"
  GATUN_BENCH_JAVA_OPTS="${GATUN_BENCH_JAVA_OPTS--XX:+UseZGC} -XX:ActiveProcessorCount=$cpus"
fi
# The driver relays the control channel and reads the change clock: its own GC pauses would land in
# the figures (with G1, 50-240 ms pauses while it held 10,000 LoadBalancers), so it runs ZGC.
${pin[@]+"${pin[@]}"} "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -Xmx2g ${GATUN_BENCH_JAVA_OPTS--XX:+UseZGC} \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "operator/target/test-classes:operator/target/classes:$(cat "$work/classpath")" \
  io.gatun.operator.bench.ControlPlaneBench "$jar" crds "$out" "${1:-100,1000,10000}" \
  "$forwarder" "$root/$native"
echo "wrote $out"
