#!/usr/bin/env bash
# Data-plane benchmark (not a test): Mpps per worker lcore for full NAT, NAT and DSR,
# established and new flows, at 1k, 100k and 1M flows, each beside dpdk-testpmd
# --forward-mode=io on the same vdev (net_pcap replaying the same capture) and EAL flags,
# measured one after the other in one run; cycles per packet (rte_rdtsc around bursts);
# bytes of state per flow; the idle back-off's cost under load (on beside off). Writes bench/results/fastpath.json and BENCHMARKS.md's table.
#
#   bench/dataplane.sh          everything (about 15 minutes)
#   bench/dataplane.sh idle     the idle back-off's cost alone (a minute): replaces that one figure in
#                               bench/results/fastpath.json, keeping the others
#   bench/dataplane.sh compare OTHER_BENCH_FASTPATH
#                               full NAT, established and new, at 1M and 100k flows: another build's
#                               driver (main's, say) and this one's alternating, beside testpmd io,
#                               BENCH_COMPARE_ROUNDS times (2); prints, writes nothing
set -euo pipefail
what=${1:-all}
case $what in
  all|idle) ;;
  compare) other=${2:-}; [ -x "$other" ] || { echo "usage: $0 compare OTHER_BENCH_FASTPATH" >&2; exit 2; } ;;
  *) echo "usage: $0 [all|idle|compare OTHER_BENCH_FASTPATH]" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/lib.sh"
cd "$root"
dpdk=$(tools/build-dpdk.sh)
driver=forwarder-native/build/bench_fastpath
[ -x "$driver" ] || { log "build it first: make native"; exit 1; }
mkdir -p bench/results
work=$(mktemp -d /tmp/gatun-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Hugepages when the machine gives them (a forwarder runs on them); both runs use the same.
memory="--no-huge -m 2560"
if [ "$(id -u)" = 0 ]; then
  grep -q ' hugetlbfs ' /proc/mounts || { mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true; }
  [ "$(cat /proc/sys/vm/nr_hugepages)" -ge 1400 ] || echo 1400 > /proc/sys/vm/nr_hugepages 2>/dev/null || true
  rm -f /dev/hugepages/gatun-bench-*   # maps an interrupted run may have left
  if grep -q ' hugetlbfs ' /proc/mounts && [ "$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)" -ge 1300 ]; then
    memory="-m 2560 --in-memory"   # in-memory: no map files to leave behind
  fi
fi
export BENCH_MEMORY=$memory GATUN_MBUFS=300000 GATUN_FLOWS=2097152
log "memory: $memory; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

# How long testpmd forwards per measurement (stats every second); shorter only to try the script.
testpmd_seconds=${BENCH_TESTPMD_SECONDS:-8}

testpmd_once() { # capture -> median Rx-pps of testpmd io, in Mpps; nothing if it measured none
  local rc=0
  timeout -s INT "$testpmd_seconds" "$dpdk/bin/dpdk-testpmd" -l 0-1 $memory --no-pci --no-shconf --no-telemetry \
    --file-prefix "gatun-bench-testpmd-$$" --vdev "net_pcap0,rx_pcap=$1,infinite_rx=1" --log-level '*:error' \
    -- --forward-mode=io --port-topology=loop --total-num-mbufs=300000 --stats-period=1 \
    >"$work/testpmd.log" 2>&1 || rc=$?
  [ $rc = 0 ] || [ $rc = 124 ] || { log "testpmd failed ($rc):"; tail -5 "$work/testpmd.log" >&2; exit 1; }
  awk '/Rx-pps:/ && $2 > 0 {print $2}' "$work/testpmd.log" | sort -n \
    | awk '{a[NR]=$1} END {if (NR) printf "%.3f", a[int((NR+1)/2)]/1e6}'
}

# The baseline every ratio is divided by: a run that measured nothing (it happened at 1k
# flows on a busy machine) is tried again, and after three the benchmark stops without
# writing a figure: a ratio over an unmeasured baseline is no figure.
testpmd_mpps() {
  local attempt rate
  for attempt in 1 2 3; do
    rate=$(testpmd_once "$1")
    if awk -v r="${rate:-0}" 'BEGIN {exit !(r > 0)}'; then
      echo "$rate"
      return 0
    fi
    log "testpmd io measured no packets (attempt $attempt of 3): $(grep -E 'Rx-pps' "$work/testpmd.log" | tail -1 | tr -s ' ' || echo 'no statistics printed')"
  done
  return 1
}

# One run of a driver (MODE KIND FLOWS): a new-flow run that did not measure exactly its
# capture's frames (exit 3; a build from before 7 December replayed the capture, and its
# measuring thread could come too late and count the second pass) is run again, up to three
# times; then it fails, and no figure is written from it.
measure() {
  local d=$1 attempt rc line
  shift
  for attempt in 1 2 3; do
    rc=0
    line=$("$d" "$@" "$work/run.pcap" 4 2> "$work/driver.err") || rc=$?
    # Checked here too, for a build from before the driver checked it itself (compare).
    if [ "$rc" -eq 0 ] && [ "$2" = new ] && [ "$(sed -n 's/.* packets=\([0-9]*\).*/\1/p' <<< "$line")" -gt $((262144 + 2048)) ]; then
      echo "the first pass overran: $line" > "$work/driver.err"
      rc=3
    fi
    if [ "$rc" -eq 0 ]; then
      echo "$line"
      return 0
    fi
    log "$d $*: $(tail -1 "$work/driver.err") (attempt $attempt of 3)"
    [ "$rc" -eq 3 ] || break
  done
  return 1
}

# Two builds side by side: on a busy machine one run of each says little, so they alternate and
# every line carries the load average.
if [ "$what" = compare ]; then
  for round in $(seq 1 "${BENCH_COMPARE_ROUNDS:-2}"); do
    for flows in 1000000 100000; do
      "$driver" fullnat established "$flows" "$work/capture.pcap" 0
      base=$(testpmd_once "$work/capture.pcap")
      log "round $round, $flows flows: testpmd io ${base:-(measured nothing)} Mpps; load $(cut -d' ' -f1 /proc/loadavg)"
      for kind in established new; do
        for d in "$other" "$driver"; do
          log "  $d $kind: $(measure "$d" fullnat "$kind" "$flows" || echo FAILED); load $(cut -d' ' -f1 /proc/loadavg)"
        done
      done
    done
  done
  exit 0
fi

results=$work/results.txt
: > "$results"
flow_counts="1000 100000 1000000"
[ "$what" = all ] || flow_counts=""
for flows in $flow_counts; do
  "$driver" fullnat established "$flows" "$work/capture.pcap" 0
  base=$(testpmd_mpps "$work/capture.pcap") || {
    log "FAILED: the testpmd baseline at $flows flows could not be measured in 3 runs; no figures written"
    exit 1
  }
  log "$flows flows: testpmd io $base Mpps"
  echo "testpmd io $flows $base" >> "$results"
  for mode in fullnat nat dsr; do
    for kind in established new; do
      line=$(measure "$driver" "$mode" "$kind" "$flows") || {
        log "FAILED: $mode $kind at $flows flows could not be measured in 3 runs; no figures written"
        exit 1
      }
      log "$flows flows, $mode, $kind: $line"
      echo "$mode $kind $flows $base $line" >> "$results"
    done
  done
done

# The idle back-off's cost (issue 12 item 9): full NAT, established, 1k flows, with the back-off at
# 1 ms (what the fleet's tests and demo use: --idle-sleep-us 1000) beside off, alternating, twice
# each (three times each when it is all that runs). Under load a worker never polls empty, so this is the price of the check itself; what an
# idle worker pays is its wake-up (up to the cap), which tests/test_fleet_live.c measures.
# BENCH_IDLE_ROUNDS: more pairs on a busy machine (each pair is measured back to back, and the
# figure is the median of the pairs' ratios, so load that comes and goes hits both sides alike).
n_rounds=${BENCH_IDLE_ROUNDS:-2}
[ "$what" = all ] || n_rounds=${BENCH_IDLE_ROUNDS:-5}
rounds=$(seq 1 "$n_rounds")
for round in $rounds; do
  for idle in 0 1000; do
    line=$(GATUN_IDLE_SLEEP_US=$idle "$driver" fullnat established 1000 "$work/run.pcap" 4)
    log "idle back-off ${idle} us, full NAT, 1k flows: $line"
    echo "idle $idle $line" >> "$results"
  done
done

python3 - "$results" "$memory" "$what" <<'PY'
import json, sys
rows, memory, what = open(sys.argv[1]).read().split("\n"), sys.argv[2], sys.argv[3]
out, table = [], []
if what == "idle":  # the other figures as they were
    out = [f for f in json.load(open("bench/results/fastpath.json")) if "idle-backoff" not in f["name"]]
def flows_name(n): return {"1000": "1k", "100000": "100k", "1000000": "1M"}[n]
idle = {}
for row in filter(None, rows):
    f = row.split()
    if f[0] == "idle":
        idle.setdefault(int(f[1]), []).append(float(dict(x.split("=") for x in f[2:])["mpps"]))
        continue
    if f[0] == "testpmd":
        out.append({"name": f"testpmd-io.{flows_name(f[2])}-flows.mpps", "value": float(f[3]), "unit": "Mpps",
                    "baseline": None, "ratio": None})
        continue
    mode, kind, flows, base = f[0], f[1], f[2], float(f[3])
    kv = dict(x.split("=") for x in f[4:])
    mpps, cycles = float(kv["mpps"]), float(kv["cycles_per_packet"])
    name = f"{mode}.{kind}.{flows_name(flows)}-flows"
    if base <= 0 or mpps <= 0:  # never a ratio over (or of) something that was not measured
        sys.exit(f"FAILED: {name}: {mpps} Mpps against a baseline of {base}: not measured; no figures written")
    out.append({"name": name + ".mpps", "value": mpps, "unit": "Mpps", "baseline": base,
                "ratio": round(mpps / base, 3)})
    out.append({"name": name + ".cycles_per_packet", "value": cycles, "unit": "cycles/packet",
                "baseline": None, "ratio": None})
    state = float(kv["state_bytes_per_flow"])
    table.append((mode, kind, flows_name(flows), mpps, base, mpps / base, cycles, int(kv["drops"])))
if table:
    out.append({"name": "state_per_flow", "value": state, "unit": "bytes/flow", "baseline": None, "ratio": None})
if idle:
    on, off = sum(idle[1000]) / len(idle[1000]), sum(idle[0]) / len(idle[0])
    if on <= 0 or off <= 0 or min(idle[1000] + idle[0]) <= 0:
        sys.exit(f"FAILED: idle back-off {on} Mpps against {off} without: not measured; no figures written")
    pairs = sorted(a / b for a, b in zip(idle[1000], idle[0]))
    paired = pairs[len(pairs) // 2] if len(pairs) % 2 else (pairs[len(pairs) // 2 - 1] + pairs[len(pairs) // 2]) / 2
    out.append({"name": "fullnat.established.1k-flows.idle-backoff-1000us.mpps", "value": round(on, 3),
                "unit": "Mpps", "baseline": round(off, 3), "ratio": round(on / off, 3)})
    out.append({"name": "fullnat.established.1k-flows.idle-backoff-1000us.paired-ratio-median",
                "value": round(paired, 3), "unit": "on / off, median of back-to-back pairs",
                "baseline": None, "ratio": None})
json.dump(out, open("bench/results/fastpath.json", "w"), indent=1)
print(f"\nfast path, one worker lcore, memory {memory} (bench/results/fastpath.json):")
print(f"{'mode':8} {'flows':12} {'table':>5} {'Mpps':>7} {'testpmd':>8} {'ratio':>6} {'cycles/pkt':>10} {'drops':>6}")
for m, k, n, mpps, base, ratio, cyc, drops in table:
    print(f"{m:8} {k:12} {n:>5} {mpps:7.2f} {base:8.2f} {ratio:6.3f} {cyc:10.1f} {drops:6d}")
if table:
    print(f"state per flow: {state:.0f} bytes (a 48-byte flow, its share of the two-choice index and of the backend-address table)")
if idle:
    print(f"idle back-off 1 ms, full NAT established 1k flows: {on:.2f} Mpps beside {off:.2f} without "
          f"({on / off:.3f}; median of pairs {paired:.3f}; runs {idle[1000]} and {idle[0]})")
PY
