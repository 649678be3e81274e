#!/usr/bin/env bash
# Where PostgreSQL's share of a durable deposit goes (issue 13, "PostgreSQL likewise toward its ceiling"): runs the
# Release server on a throwaway PostgreSQL with pg_stat_statements, drives durable deposits with the load generator
# (4 connections x 16 in flight, 1,000 volunteers) and prints, for the measured seconds only,
#   - each statement the storage sends: calls, rows, and its execution time per deposit,
#   - what the backends were doing, sampled from pg_stat_activity every 10 ms (running, or the event they waited on),
#   - the CPU per deposit of the server, the load generator and the PostgreSQL processes.
# Usage: benchmarks/pg-statements.sh [seconds=15]. pg_stat_statements is a contrib module PostgreSQL 15's package
# carries; its bookkeeping costs the backends a little, so take rates from compare.sh, not from here.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
work=$(mktemp -d)
server_pid=""
sampler_pid=""
cleanup() {
  [[ -n "$sampler_pid" ]] && kill "$sampler_pid" 2>/dev/null || true
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
  declare -F stop_throwaway_postgres >/dev/null && stop_throwaway_postgres
}
export THROWAWAY_POSTGRES_OPTIONS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
source scripts/throwaway-postgres.sh
start_throwaway_postgres
trap cleanup EXIT # after the start, which sets a trap of its own (cleanup calls it)
source benchmarks/release-builds.sh
build_release server loadgen
ticks=$(getconf CLK_TCK)
psql_q() { psql -X -q -At -d postgres -c "$1"; }
cpu_of() { # pids... -> CPU seconds (user + system) so far
  local total=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] && total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  python3 -c "print($total / $ticks)"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg) at start; $(date -u +%Y-%m-%dT%H:%MZ)"
psql_q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data="$work/server"
mkdir -p "$data"
dotnet "$server" --urls http://127.0.0.1:$port --TimeBank:DataDirectory "$data" \
  --TimeBank:Storage:Provider postgres --TimeBank:Storage:ConnectionString "$TIMEBANK_TEST_POSTGRES" > "$data.log" 2>&1 &
server_pid=$!
await_server "$data" "$data.log"

# The load generator registers its volunteers and warms up for 6 s (its first progress line comes 5 s into the
# warm-up); statistics are reset as the warm-up ends.
dotnet "$loadgen" --address http://127.0.0.1:$port --admin-key-file "$data/admin.key" --connections 4 --in-flight 16 \
  --volunteers 1000 --seconds "$seconds" --warmup 6 --mix deposit --community pgstat --json "$data.json" > "$data.loadgen.log" 2>&1 &
loadgen_pid=$!
until grep -q "warm-up " "$data.loadgen.log" 2>/dev/null; do sleep 0.1; done
sleep 1
psql_q "SELECT pg_stat_statements_reset()" > /dev/null
wal0=$(psql_q "SELECT wal_records || ' ' || wal_fpi || ' ' || wal_bytes FROM pg_stat_wal")
server_cpu0=$(cpu_of "$server_pid"); pg_cpu0=$(cpu_of $(pgrep -x postgres))
python3 - "$work/waits.txt" <<'PY' &
import subprocess, sys, time
# One psql session, queried every 10 ms: what every client backend but this one is doing.
query = ("SELECT coalesce(wait_event_type || ':' || wait_event, 'running') FROM pg_stat_activity "
         "WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid();\n")
p = subprocess.Popen(["psql", "-X", "-q", "-At", "-d", "postgres"], stdin=subprocess.PIPE, stdout=open(sys.argv[1], "w"), text=True)
while True:
    p.stdin.write(query); p.stdin.flush(); time.sleep(0.01)
PY
sampler_pid=$!
wait "$loadgen_pid" || true
server_cpu1=$(cpu_of "$server_pid"); pg_cpu1=$(cpu_of $(pgrep -x postgres))
kill "$sampler_pid" 2>/dev/null || true; sampler_pid=""
wal1=$(psql_q "SELECT wal_records || ' ' || wal_fpi || ' ' || wal_bytes FROM pg_stat_wal")
psql_q "SELECT calls, rows, round(total_exec_time::numeric, 1), regexp_replace(left(query, 70), '\s+', ' ', 'g') FROM pg_stat_statements
        WHERE query NOT ILIKE '%pg_stat%' ORDER BY total_exec_time DESC LIMIT 12" > "$work/statements.txt"

python3 - "$data.json" "$work/statements.txt" "$work/waits.txt" "$server_cpu0" "$server_cpu1" "$pg_cpu0" "$pg_cpu1" "$wal0" "$wal1" <<'PY'
import collections, json, sys
report, statements, waits = sys.argv[1:4]
server_cpu = float(sys.argv[5]) - float(sys.argv[4]); pg_cpu = float(sys.argv[7]) - float(sys.argv[6])
r = json.load(open(report)); total = r["total"]; deposits = total["count"]
print(f"\n{total['ops_per_second']:.0f} deposits/s over {r['measured_seconds']:.0f} s, p50 {total['p50_ms']:.1f} ms, p99 {total['p99_ms']:.1f} ms, statuses {total['status_codes']}")
print(f"CPU per deposit: server {server_cpu / deposits * 1e6:.0f} us, load generator {r.get('generator_cpu_seconds', 0) / deposits * 1e6:.0f} us (its whole run), PostgreSQL {pg_cpu / deposits * 1e6:.0f} us")
records, fpi, wal_bytes = (b - a for a, b in zip(map(int, sys.argv[8].split()), map(int, sys.argv[9].split())))
print(f"WAL per deposit (the measured seconds, all of the server's writes): {records / deposits:.1f} records, {fpi / deposits:.2f} full-page images, {wal_bytes / deposits:,.0f} bytes")
print("\nstatements (execution time inside PostgreSQL, per deposit):")
print(f"{'calls':>8} {'rows':>9} {'us/deposit':>10}  statement")
for line in open(statements):
    calls, rows, ms, text = line.rstrip("\n").split("|", 3)
    print(f"{int(calls):>8} {int(rows):>9} {float(ms) * 1000 / deposits:>10.1f}  {text}")
samples = collections.Counter(l.strip() for l in open(waits) if l.strip())
n = sum(samples.values())
print(f"\nactive backends, sampled every 10 ms ({n} backend-samples):")
for what, count in samples.most_common(10):
    print(f"  {count / n * 100:5.1f}%  {what}")
PY
