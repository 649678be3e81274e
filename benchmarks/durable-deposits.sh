#!/usr/bin/env bash
# Durable deposits per second, all in one run on one machine:
#   1. pgbench: one SQL transaction per deposit (UPDATE a balance row + INSERT a journal row, COMMIT) on a
#      throwaway PostgreSQL 15 - the database alone, no application: the baseline;
#   2. the grain host on that same PostgreSQL and on SQLite, with group commit and with one transaction per
#      write (benchmarks/TimeBank.Benchmarks --durable).
# Prints the figures and the ratios against the baseline.
#   benchmarks/durable-deposits.sh [seconds per run, default 10] [callers, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
callers=${2:-64}
source scripts/throwaway-postgres.sh
start_throwaway_postgres

work=$(mktemp -d)
trap 'rm -rf "$work"; stop_throwaway_postgres' EXIT
source benchmarks/pgbench-deposit.sh
pgbench_deposit_setup "$work"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A pgbench_tps
for clients in 1 8 "$callers"; do
  tps=$(pgbench_deposit "$seconds" "$clients")
  pgbench_tps[$clients]=$tps
  echo "pgbench, one transaction per deposit, $clients clients: $tps deposits/s"
done

dotnet run -c Release --project benchmarks/TimeBank.Benchmarks -- --durable --seconds "$seconds" --callers "$callers" | tee "$work/host.txt"

best=0
for clients in "${!pgbench_tps[@]}"; do (( pgbench_tps[$clients] > best )) && best=${pgbench_tps[$clients]}; done
echo "== ratios against pgbench's best ($best deposits/s, one SQL transaction per deposit):"
awk -v best="$best" '/deposits\/s/ { for (i = 1; i <= NF; i++) if ($i == "deposits/s") { split($0, parts, ":"); printf "  %-45s %6.2fx\n", parts[1], $(i - 1) / best } }' "$work/host.txt"
