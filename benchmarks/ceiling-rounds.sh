#!/usr/bin/env bash
# TimeBank's durable deposits over gRPC on SQLite against SQLite's raw batched-insert ceiling, measured in the
# same minute, several times over (issue 13, item 4). On a shared machine whose speed drifts by tens of percent
# within minutes, a ratio is only worth something when both sides run back to back; this alternates them and
# prints each round's ratio and their median.
# Each round:
#   1. a fresh Release server on SQLite; the load generator (4 connections x IN_FLIGHT calls, 1,000 volunteers,
#      a fresh request id per deposit) for SECONDS after a 5 s warm-up; the CPU of the server, of the load
#      generator and of the whole machine is read over the measured window (nothing else attached: no
#      dotnet-counters, no profiler, both of which cost the server CPU of their own);
#   2. the raw ceiling (benchmarks/TimeBank.Benchmarks --raw-ceiling: the same rows, the storage's own settings,
#      one row a statement) at 256 deposits a transaction and at 32, about the largest batch 64 calls in flight
#      can form (while one batch commits, the next fills from the calls not in it).
# Usage: benchmarks/ceiling-rounds.sh [rounds=3] [seconds=20]; IN_FLIGHT=16 per connection by default.
# PIN=1 gives the server and the raw program the same single core (taskset: both on core 0, the load generator on
# core 1): TimeBank's server against the raw program core for core, with the client's CPU out of the server's way.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-20}
in_flight=${IN_FLIGHT:-16}
ceiling_seconds=8
(( seconds >= 10 )) || { echo "ceiling-rounds.sh: at least 10 seconds a run" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

source benchmarks/release-builds.sh
build_release server loadgen bench

process_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
pin_server=(); pin_client=()
if [[ ${PIN:-0} == 1 ]]; then
  (( $(nproc) >= 2 )) || { echo "ceiling-rounds.sh: PIN=1 needs two cores" >&2; exit 2; }
  pin_server=(taskset -c 0); pin_client=(taskset -c 1)
fi
ceiling() { "${pin_server[@]}" dotnet "$bench" --raw-ceiling --providers sqlite --rows-per-statement 1 --batch "$1" --seconds "$ceiling_seconds" | awk '/^raw ceiling/ { print $4 }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg) at start; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "load: 4 connections x $in_flight in flight, $seconds s measured a round; raw ceiling $ceiling_seconds s at each batch size$([[ ${PIN:-0} == 1 ]] && echo "; server and raw program on core 0, load generator on core 1")"
: > "$work/ratios"
for round in $(seq 1 "$rounds"); do
  data="$work/r$round"
  mkdir -p "$data"
  "${pin_server[@]}" dotnet "$server" --urls http://127.0.0.1:5092 --TimeBank:DataDirectory "$data" > "$data.log" 2>&1 &
  server_pid=$!
  await_server "$data" "$data.log"
  "${pin_client[@]}" dotnet "$loadgen" --address http://127.0.0.1:5092 --admin-key-file "$data/admin.key" --connections 4 --in-flight "$in_flight" \
    --volunteers 1000 --seconds "$seconds" --warmup 5 --mix deposit --community "rounds$round" --json "$data.json" > "$data.loadgen.log" 2>&1 &
  loadgen_pid=$!
  # The window: from 9 s in (setup and warm-up behind) for all but the last 5 s of the measured run.
  window=$((seconds - 5))
  sleep 9
  s0=$(process_ticks "$server_pid"); l0=$(process_ticks "$loadgen_pid"); m0=$(machine_ticks)
  sleep "$window"
  s1=$(process_ticks "$server_pid"); l1=$(process_ticks "$loadgen_pid"); m1=$(machine_ticks)
  wait "$loadgen_pid" || { echo "round $round: the load generator failed: $(tail -3 "$data.loadgen.log")" >&2; exit 1; }
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  c256=$(ceiling 256)
  c32=$(ceiling 32)
  python3 - "$round" "$data.json" "$c256" "$c32" "$window" "$(getconf CLK_TCK)" "$(nproc)" "$s0" "$s1" "$l0" "$l1" "$m0" "$m1" >> "$work/ratios" <<'PY'
import json, sys
round_, report = sys.argv[1:3]
c256, c32, window, tck, cores = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
s0, s1, l0, l1, m0, m1 = (float(x) for x in sys.argv[8:14])
r = json.load(open(report))
t = r["total"]
rate = t["ops_per_second"]
deposits = rate * window
us = lambda ticks: ticks / tck / deposits * 1e6
print(f"{rate / c256:.3f} {rate / c32:.3f}")
print(f"round {round_}: TimeBank {rate:.0f}/s (p50 {t['p50_ms']:.1f} ms, p99 {t['p99_ms']:.1f} ms, books checked: {r['passed']}); "
      f"raw ceiling {c256:.0f}/s at 256 a tx, {c32:.0f}/s at 32; TimeBank / ceiling {rate / c256:.2f}x (256), {rate / c32:.2f}x (32); "
      f"CPU per deposit: server {us(s1 - s0):.0f} us, load generator {us(l1 - l0):.0f} us, whole machine {us(m1 - m0):.0f} us; "
      f"machine {(m1 - m0) / tck / window / cores * 100:.0f}% busy", file=sys.stderr)
PY
done 2>&1
python3 - "$work/ratios" <<'PY'
import statistics, sys
rows = [tuple(float(x) for x in line.split()) for line in open(sys.argv[1]) if line.strip()]
print(f"median over {len(rows)} rounds: TimeBank / raw ceiling {statistics.median(r[0] for r in rows):.2f}x at 256 a transaction, "
      f"{statistics.median(r[1] for r in rows):.2f}x at 32")
PY
