#!/usr/bin/env bash
# Where a durable deposit's time goes over gRPC (issue 13, the wire path): runs the server on SQLite and on a
# throwaway PostgreSQL, drives durable deposits with the load generator, and reads in the same run
#   - the client's view (load generator: deposits/s, p50/p99 from send to acknowledgement),
#   - the server's view (TimeBank.Server meter: a call's time from its arrival at the pipeline to its answer),
#   - storage's view (TimeBank.Storage meter: waiting for the writer, the batch's commit, batch sizes),
#   - the CPU each process spent per deposit (server, load generator, PostgreSQL backends) against the cores there are.
# Usage: benchmarks/wire-profile.sh [seconds=15] [providers=sqlite,postgres]; CONNECTIONS (4) and IN_FLIGHT (16 per
# connection) change the load. Needs dotnet-counters (dotnet tool install -g dotnet-counters).
# The counters are not free: while dotnet-counters listens, the server records every metric it would otherwise skip,
# and the CPU figures here also count the run's setup and warm-up. Side by side at 21:1xZ on 2026-12-07 this script
# read 5,866 deposits/s and 215 us of server CPU per deposit where benchmarks/ceiling-rounds.sh (nothing attached,
# measured window only) read 7,397 and 150: use this one for where the time goes, ceiling-rounds.sh for how fast.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
providers=${2:-sqlite,postgres}
connections=${CONNECTIONS:-4}
in_flight=${IN_FLIGHT:-16}
counters=${DOTNET_COUNTERS:-$HOME/.dotnet/tools/dotnet-counters}
[[ -x $counters ]] || { echo "wire-profile.sh needs dotnet-counters: dotnet tool install -g dotnet-counters" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
  declare -F stop_throwaway_postgres >/dev/null && stop_throwaway_postgres
}
trap cleanup EXIT
if [[ $providers == *postgres* ]]; then
  source scripts/throwaway-postgres.sh
  start_throwaway_postgres
  trap cleanup EXIT # again: the start sets a trap of its own, and cleanup calls it
fi

source benchmarks/release-builds.sh
build_release server loadgen
ticks=$(getconf CLK_TCK)

cpu_of() { # pids... -> CPU seconds (user + system) so far
  local total=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  python3 -c "print($total / $ticks)"
}
postgres_pids() { pgrep -x postgres || true; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg) at start; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "load: $connections connections x $in_flight in flight, $seconds s measured, fresh request id per deposit"
for provider in ${providers//,/ }; do
  data="$work/$provider"
  mkdir -p "$data"
  extra=()
  [[ $provider == postgres ]] && extra=(--TimeBank:Storage:Provider postgres --TimeBank:Storage:ConnectionString "$TIMEBANK_TEST_POSTGRES")
  dotnet "$server" --urls http://127.0.0.1:5097 --TimeBank:DataDirectory "$data" "${extra[@]}" > "$data.log" 2>&1 &
  server_pid=$!
  await_server "$data" "$data.log"

  # Runs for a fixed time (a background job ignores SIGINT, and the CSV is written as it goes).
  "$counters" collect -p "$server_pid" --counters TimeBank.Server,TimeBank.Storage --format csv -o "$data.counters.csv" --refresh-interval 1 \
    --duration "$(python3 -c "import sys; s = int(sys.argv[1]) + 6; print(f'00:00:{s // 60:02d}:{s % 60:02d}')" "$seconds")" > /dev/null 2>&1 &
  counters_pid=$!
  sleep 2
  server_cpu0=$(cpu_of "$server_pid"); pg_cpu0=$(cpu_of $(postgres_pids))
  dotnet "$loadgen" --address http://127.0.0.1:5097 --admin-key-file "$data/admin.key" --connections "$connections" --in-flight "$in_flight" \
    --volunteers 1000 --seconds "$seconds" --warmup 2 --mix deposit --community "prof$provider" --json "$data.json" > "$data.loadgen.log" 2>&1 || true
  server_cpu1=$(cpu_of "$server_pid"); pg_cpu1=$(cpu_of $(postgres_pids))
  wait "$counters_pid" 2>/dev/null || true
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

  python3 - "$provider" "$data.json" "$data.counters.csv" "$server_cpu0" "$server_cpu1" "$pg_cpu0" "$pg_cpu1" "$(nproc)" <<'PY'
import csv, json, sys, statistics
provider, report, counters = sys.argv[1:4]
server_cpu = float(sys.argv[5]) - float(sys.argv[4])
pg_cpu = float(sys.argv[7]) - float(sys.argv[6])
cores = int(sys.argv[8])
r = json.load(open(report))
total = r["total"]
elapsed = r["measured_seconds"] + 2  # the warm-up's deposits are durable writes too
deposits = total["count"] + r.get("warmup_operations", 0)
series = {}
with open(counters) as f:
    for row in csv.reader(f):
        if len(row) < 5 or row[0] == "Timestamp":
            continue
        name, value = row[2], row[4]
        try:
            series.setdefault(name, []).append(float(value))
        except ValueError:
            pass
def med(fragment, percentile, exclude=None):
    values = [v for k, vs in series.items() if fragment in k and not (exclude and exclude in k) and f"Percentile={percentile}" in k for v in vs if v > 0]
    return statistics.median(values) if values else float("nan")
us = lambda seconds: seconds / deposits * 1e6 if deposits else float("nan")
gen = r.get("generator_cpu_seconds", 0)
print(f"\n{provider}: {total['ops_per_second']:.0f} deposits/s, client p50 {total['p50_ms']:.2f} ms, p99 {total['p99_ms']:.2f} ms, statuses {total['status_codes']}")
print(f"  server handling (arrival at the pipeline to answer): p50 {med('timebank.rpc.duration', 50):.2f} ms, p95 {med('timebank.rpc.duration', 95):.2f} ms")
print(f"  server handling p99 {med('timebank.rpc.duration', 99):.2f} ms")
print(f"  storage: waiting for the writer p50 {med('queue_wait', 50):.2f} ms (p99 {med('queue_wait', 99):.2f}), batch commit p50 {med('storage.commit', 50, 'commit_statement'):.2f} ms (p99 {med('storage.commit', 99, 'commit_statement'):.2f}), batch size p50 {med('batch_size', 50):.0f}, p95 {med('batch_size', 95):.0f}")
batch = med('batch_size', 50)
print(f"  the writer, per batch: idle before it p95 {med('writer_idle', 95):.2f} ms; COMMIT alone p50 {med('commit_statement', 50):.2f} ms"
      f" ({med('commit_statement', 50) / batch * 1000:.0f} us a deposit at the median batch), the statements before it the rest of the batch commit")
print(f"  CPU per deposit: server {us(server_cpu):.0f} us, load generator {us(gen):.0f} us, PostgreSQL {us(pg_cpu):.0f} us;"
      f" all three {(server_cpu + gen + pg_cpu) / elapsed / cores * 100:.0f}% of {cores} cores over the run")
PY
done
