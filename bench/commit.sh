#!/usr/bin/env bash
# Commit benchmark (not a test): what one changed service costs a data-plane commit at 100, 1,000
# and 10,000 services (two-port LoadBalancers of 3 backends, Maglev tables of 509 entries, the
# operator's default for 3 backends), with unchanged services keeping their tables (gfwd_commit
# as it runs) and as a gfwd_commit_delta of the changed service alone (what the agent sends)
# beside the baseline of every table rebuilt on every commit, measured one after the
# other in this run, each in its own process (so RSS is its own): commit time p50 / p99, tables
# built per commit, bytes allocated per commit, RSS. Writes bench/results/commit.json.
#
#   bench/commit.sh [SIZES]   e.g. bench/commit.sh "100 1000"
#   GATUN_COMMIT_DRIVER=/path/to/bench_commit bench/commit.sh "1000 10000"
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/lib.sh"
cd "$root"
# GATUN_COMMIT_DRIVER: another build's driver (e.g. main's, for a before/after in one session).
driver=${GATUN_COMMIT_DRIVER:-forwarder-native/build/bench_commit}
[ -x "$driver" ] || { log "build it first: make native"; exit 1; }
mkdir -p bench/results
work=$(mktemp -d /tmp/gatun-bench-commit.XXXXXX)
trap 'rm -rf "$work"' EXIT
sizes=${1:-100 1000 10000}
backends=3
table=509
log "$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

# Fewer commits where the baseline rebuilds 10,000 tables each: the figures are per commit.
changes_for() { case $1 in 100) echo 400 ;; 1000) echo 200 ;; *) echo 60 ;; esac; }

results=$work/results.txt
: > "$results"
for n in $sizes; do
  for sharing in 1 2 0; do
    line=$("$driver" "$n" "$sharing" "$(changes_for "$n")" "$backends" "$table") || {
      log "FAILED: $n services, sharing=$sharing: the driver did not finish; no figures written"
      exit 1
    }
    log "$line"
    echo "$line" >> "$results"
  done
done

python3 - "$results" <<'PY'
import json, sys
runs = [dict(x.split("=") for x in line.split()) for line in open(sys.argv[1]).read().splitlines() if line]
by = {(int(r["services"]), int(r["sharing"])): r for r in runs}
out, table = [], []
for (n, sharing), r in sorted(by.items()):
    if sharing != 1:
        continue
    base = by.get((n, 0))
    # A ratio over a baseline that was not measured is no figure.
    if base is None or float(base["p50_us"]) <= 0 or float(r["p50_us"]) <= 0:
        sys.exit(f"FAILED: {n} services: the baseline (every table rebuilt) was not measured; no figures written")
    for key, unit in (("p50_us", "us"), ("p99_us", "us")):
        v, b = float(r[key]), float(base[key])
        out.append({"name": f"commit.{n}-services.{key[:3]}", "value": v, "unit": unit, "baseline": b,
                    "ratio": round(v / b, 4)})
    out.append({"name": f"commit.{n}-services.tables_built_per_commit", "value": float(r["built_per_commit"]),
                "unit": "tables", "baseline": float(base["built_per_commit"]),
                "ratio": round(float(r["built_per_commit"]) / float(base["built_per_commit"]), 4)})
    out.append({"name": f"commit.{n}-services.bytes_per_commit", "value": float(r["bytes_per_commit"]),
                "unit": "bytes", "baseline": float(base["bytes_per_commit"]),
                "ratio": round(float(r["bytes_per_commit"]) / float(base["bytes_per_commit"]), 4)})
    out.append({"name": f"commit.{n}-services.rss", "value": int(r["hwm_kb"]), "unit": "kB",
                "baseline": int(base["hwm_kb"]), "ratio": round(int(r["hwm_kb"]) / int(base["hwm_kb"]), 3)})
    table.append((n, r, base))
    d = by.get((n, 2))
    if d is not None:
        for key, unit in (("p50_us", "us"), ("p99_us", "us")):
            out.append({"name": f"commit.{n}-services.delta.{key[:3]}", "value": float(d[key]), "unit": unit,
                        "baseline": float(base[key]), "ratio": round(float(d[key]) / float(base[key]), 4)})
        out.append({"name": f"commit.{n}-services.delta.bytes_per_commit", "value": float(d["bytes_per_commit"]),
                    "unit": "bytes", "baseline": float(base["bytes_per_commit"]),
                    "ratio": round(float(d["bytes_per_commit"]) / float(base["bytes_per_commit"]), 4)})
        table.append((f"{n} delta", d, base))
json.dump(out, open("bench/results/commit.json", "w"), indent=1)
print("\ncommit of one changed service (bench/results/commit.json); baseline: every table rebuilt")
print(f"{'services':>8} {'p50 us':>9} {'base':>9} {'p99 us':>9} {'base':>9} {'built':>6} {'base':>6} "
      f"{'bytes':>10} {'base':>10} {'RSS MB':>7} {'base':>7}")
for n, r, b in table:
    print(f"{n:>8} {float(r['p50_us']):9.1f} {float(b['p50_us']):9.1f} {float(r['p99_us']):9.1f} "
          f"{float(b['p99_us']):9.1f} {float(r['built_per_commit']):6.1f} {float(b['built_per_commit']):6.1f} "
          f"{float(r['bytes_per_commit']):10.0f} {float(b['bytes_per_commit']):10.0f} "
          f"{int(r['hwm_kb'])/1024:7.1f} {int(b['hwm_kb'])/1024:7.1f}")
PY
