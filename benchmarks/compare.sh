#!/usr/bin/env bash
# One table, one machine, one run: TimeBank over gRPC next to what this machine can do without it.
#   1. pgbench: a deposit as one SQL transaction (UPDATE a balance row + INSERT a journal row) at 1, 8, 64 clients;
#   2. h2load against a bare Kestrel h2c endpoint answering one fixed gRPC frame (the gateway's ceiling);
#   3. h2load against TimeBank's GetBalance (gateway + grain host, no write);
#   4. the load generator's durable deposits over gRPC, on SQLite and on PostgreSQL;
#   5. each database's raw batched-insert ceiling for a deposit's rows (state, two journal rows, request record),
#      256 deposits a transaction, and SQLite's also at 32 (about the largest batch 64 calls in flight can form).
# Then the ratios TimeBank / pgbench, TimeBank / bare endpoint and TimeBank / raw ceiling.
#   benchmarks/compare.sh [seconds per run, default 10]
# Needs the .NET SDK, PostgreSQL 15 (started here, thrown away after) and h2load (Debian: nghttp2-client).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=4
in_flight=16
command -v h2load >/dev/null || { echo "compare.sh needs h2load: apt-get install -y nghttp2-client" >&2; exit 2; }

source scripts/throwaway-postgres.sh
start_throwaway_postgres
work=$(mktemp -d)
server_pid=""
bare_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  [[ -n "$bare_pid" ]] && kill "$bare_pid" 2>/dev/null || true
  rm -rf "$work"
  stop_throwaway_postgres
}
trap cleanup EXIT

source benchmarks/release-builds.sh
build_release server bench loadgen

declare -A result
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. pgbench
source benchmarks/pgbench-deposit.sh
pgbench_deposit_setup "$work"
for clients in 1 8 64; do
  result[pgbench_$clients]=$(pgbench_deposit "$seconds" "$clients")
  echo "pgbench $clients clients: ${result[pgbench_$clients]}/s" >&2
done

# 2. the bare endpoint
h2() { # url, extra args...: requests/s over $seconds seconds
  local url=$1; shift
  h2load -D "$seconds" -c "$connections" -m "$in_flight" -H 'content-type: application/grpc' -H 'te: trailers' "$@" "$url" 2>/dev/null \
    | awk '/^finished in/ { for (i = 1; i <= NF; i++) if ($i == "req/s,") { print int($(i - 1)); exit } }'
}
printf '\x00\x00\x00\x00\x07\x0a\x05cmp.0' > "$work/balance.bin" # GetBalanceRequest{volunteer_id: a volunteer the load generator registers below}
dotnet "$bench" --bare-endpoint --port 5099 > "$work/bare.log" 2>&1 &
bare_pid=$!
sleep 3
result[bare]=$(h2 http://127.0.0.1:5099/timebank.v1.VolunteerService/GetBalance -d "$work/balance.bin")
kill "$bare_pid"; wait "$bare_pid" 2>/dev/null || true; bare_pid=""
echo "bare endpoint: ${result[bare]}/s" >&2

# 3.-4. the server, on SQLite then on PostgreSQL
run_server() { # data dir, extra args...
  local data=$1; shift
  dotnet "$server" --urls http://127.0.0.1:5098 --TimeBank:DataDirectory "$data" "$@" > "$data.log" 2>&1 &
  server_pid=$!
  await_server "$data" "$data.log"
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }
deposits_over_grpc() { # data dir, community -> deposits/s
  dotnet "$loadgen" --address http://127.0.0.1:5098 --admin-key-file "$1/admin.key" --connections "$connections" --in-flight "$in_flight" \
    --volunteers 1000 --seconds "$seconds" --warmup 2 --mix deposit --community "$2" --json "$1.json" > "$1.loadgen.log" 2>&1 || true
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(int(r['total']['ops_per_second']), r['total']['p50_ms'], r['total']['p99_ms'], r['passed'])" "$1.json"
}

mkdir -p "$work/sqlite"
run_server "$work/sqlite"
read -r result[grpc_sqlite] result[grpc_sqlite_p50] result[grpc_sqlite_p99] result[grpc_sqlite_ok] < <(deposits_over_grpc "$work/sqlite" cmp)
result[getbalance]=$(h2 http://127.0.0.1:5098/timebank.v1.VolunteerService/GetBalance -d "$work/balance.bin" -H "authorization: Bearer $(cat "$work/sqlite/admin.key")")
stop_server
echo "gRPC deposits on SQLite: ${result[grpc_sqlite]}/s; GetBalance: ${result[getbalance]}/s" >&2

mkdir -p "$work/postgres"
run_server "$work/postgres" --TimeBank:Storage:Provider postgres --TimeBank:Storage:ConnectionString "$TIMEBANK_TEST_POSTGRES"
read -r result[grpc_pg] result[grpc_pg_p50] result[grpc_pg_p99] result[grpc_pg_ok] < <(deposits_over_grpc "$work/postgres" cmpg)
stop_server
echo "gRPC deposits on PostgreSQL: ${result[grpc_pg]}/s" >&2

# 5. raw ceilings
# Large batches (256 deposits a transaction) are the ceiling; SQLite also at 32, about the largest batch 64 calls in
# flight can form (while one batch commits the next fills from the calls not in it), to show how much of the gap is
# the batch size alone. A ratio between two runs minutes apart moves with the machine; benchmarks/ceiling-rounds.sh
# alternates the two sides in the same minute.
ceilings=$(dotnet "$bench" --raw-ceiling --seconds "$seconds" --postgres "$TIMEBANK_TEST_POSTGRES")
ceiling32=$(dotnet "$bench" --raw-ceiling --providers sqlite --batch 32 --seconds "$seconds")
echo "$ceilings" >&2; echo "$ceiling32" >&2
rate_of() { awk -v what="$1" '$0 ~ "raw ceiling, " what ":" { for (i = 1; i <= NF; i++) if ($i == "deposits/s,") print int($(i - 1)) }'; }
result[raw_sqlite]=$(rate_of sqlite <<<"$ceilings")
result[raw_sqlite_32]=$(rate_of sqlite <<<"$ceiling32")
result[raw_pg]=$(rate_of postgres <<<"$ceilings")

ratio() { python3 -c "import sys; a, b = float(sys.argv[1] or 0), float(sys.argv[2] or 0); print(f'{a / b:.2f}x' if b else 'n/a')" "$1" "$2"; }
pg_best=$(printf '%s\n' "${result[pgbench_1]}" "${result[pgbench_8]}" "${result[pgbench_64]}" | sort -n | tail -1)
echo
echo "machine: $machine (at start); $(date -u +%Y-%m-%dT%H:%MZ); $seconds s a run; gRPC load: $connections connections x $in_flight in flight"
printf '%-62s %12s  %s\n' "what" "per second" "note"
printf '%-62s %12s  %s\n' "pgbench, a deposit as one SQL transaction, 1 client" "${result[pgbench_1]}" ""
printf '%-62s %12s  %s\n' "pgbench, 8 clients" "${result[pgbench_8]}" ""
printf '%-62s %12s  %s\n' "pgbench, 64 clients" "${result[pgbench_64]}" ""
printf '%-62s %12s  %s\n' "bare Kestrel h2c endpoint, one fixed gRPC frame (h2load)" "${result[bare]}" "the gateway's ceiling"
printf '%-62s %12s  %s\n' "TimeBank GetBalance over gRPC (h2load), SQLite" "${result[getbalance]}" "$(ratio "${result[getbalance]}" "${result[bare]}") of bare"
printf '%-62s %12s  %s\n' "TimeBank durable deposits over gRPC, SQLite (load generator)" "${result[grpc_sqlite]}" "p50 ${result[grpc_sqlite_p50]} ms, p99 ${result[grpc_sqlite_p99]} ms, checked: ${result[grpc_sqlite_ok]}"
printf '%-62s %12s  %s\n' "TimeBank durable deposits over gRPC, PostgreSQL" "${result[grpc_pg]}" "p50 ${result[grpc_pg_p50]} ms, p99 ${result[grpc_pg_p99]} ms, checked: ${result[grpc_pg_ok]}"
printf '%-62s %12s  %s\n' "raw batched-insert ceiling, SQLite (a deposit's rows, 256 a tx)" "${result[raw_sqlite]}" ""
printf '%-62s %12s  %s\n' "the same, 32 deposits a transaction" "${result[raw_sqlite_32]}" "TimeBank SQLite at $(ratio "${result[grpc_sqlite]}" "${result[raw_sqlite_32]}") of it"
printf '%-62s %12s  %s\n' "raw batched-insert ceiling, PostgreSQL" "${result[raw_pg]}" ""
echo
echo "ratios: TimeBank PostgreSQL / pgbench best: $(ratio "${result[grpc_pg]}" "$pg_best"); SQLite / pgbench best: $(ratio "${result[grpc_sqlite]}" "$pg_best")"
echo "        deposits / bare endpoint: SQLite $(ratio "${result[grpc_sqlite]}" "${result[bare]}"), PostgreSQL $(ratio "${result[grpc_pg]}" "${result[bare]}")"
echo "        deposits / raw ceiling: SQLite $(ratio "${result[grpc_sqlite]}" "${result[raw_sqlite]}"), PostgreSQL $(ratio "${result[grpc_pg]}" "${result[raw_pg]}")"
