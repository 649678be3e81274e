#!/usr/bin/env bash
# Where the server's CPU goes under durable deposits over gRPC (issue 13, item 3): runs the Release server on SQLite
# (or on the PostgreSQL in TIMEBANK_TEST_POSTGRES with `postgres`), drives it with the load generator (4 connections
# x 16 in flight, fresh request ids), samples the server with perf (DWARF call stacks, .NET's perf map for JIT
# frames) once it is warm, and prints the share of its CPU samples by what they were doing: SQLite (split into
# B-tree work, WAL writes, fsync, reads, the commit's cache walk), Kestrel, the gRPC layer, the grain turn, JSON,
# SHA-256, GC, JIT, network system calls, thread-pool workers idling and waking.
# Usage: benchmarks/cpu-profile.sh [sqlite|postgres] [seconds sampled, default 6]; IN_FLIGHT (16 per connection) changes
# the load, PROFILE_KEEP=file keeps the decoded samples. Needs perf (apt-get install linux-perf).
set -euo pipefail
cd "$(dirname "$0")/.."
provider=${1:-sqlite}
sample=${2:-6}
command -v perf >/dev/null || { echo "cpu-profile.sh needs perf: apt-get install -y linux-perf" >&2; exit 2; }
work=$(mktemp -d)
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

source benchmarks/release-builds.sh
build_release server loadgen
extra=()
[[ $provider == postgres ]] && extra=(--TimeBank:Storage:Provider postgres --TimeBank:Storage:ConnectionString "${TIMEBANK_TEST_POSTGRES:?set TIMEBANK_TEST_POSTGRES}")
# The perf map names JIT-compiled methods; without W^X double mapping perf can attribute samples to them.
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 dotnet "$server" \
  --urls http://127.0.0.1:5095 --TimeBank:DataDirectory "$work/data" "${extra[@]}" > "$work/server.log" 2>&1 &
server_pid=$!
await_server "$work/data" "$work/server.log"
warm=20
dotnet "$loadgen" --address http://127.0.0.1:5095 --admin-key-file "$work/data/admin.key" \
  --connections 4 --in-flight "${IN_FLIGHT:-16}" --volunteers 1000 --seconds $((warm + sample + 4)) --warmup 2 --mix deposit --community "cpu$provider" \
  --json "$work/loadgen.json" > "$work/loadgen.log" 2>&1 &
loadgen_pid=$!
sleep "$warm" # past tiered compilation and the first checkpoints
perf record -F 499 --call-graph dwarf,16384 -p "$server_pid" -o "$work/perf.data" -- sleep "$sample" > /dev/null 2>&1
wait "$loadgen_pid" || { echo "the load generator failed:" >&2; tail -5 "$work/loadgen.log" >&2; exit 1; }
perf script -i "$work/perf.data" 2>/dev/null > "$work/perf.txt"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ); $provider; 4 connections x ${IN_FLIGHT:-16} in flight"
python3 -c "import json, sys; t = json.load(open(sys.argv[1]))['total']; print(f\"deposits/s over the run: {t['ops_per_second']:.0f} (p50 {t['p50_ms']:.1f} ms, p99 {t['p99_ms']:.1f} ms)\")" "$work/loadgen.json"
python3 benchmarks/cpu-profile.py "$work/perf.txt"
if [[ -n ${PROFILE_KEEP:-} ]]; then cp "$work/perf.txt" "$PROFILE_KEEP"; fi
