# Sourced by durable-deposits.sh and compare.sh: the baseline both print, a deposit as one SQL transaction.
#   pgbench_deposit_setup WORKDIR   creates the tables on $PGHOST/$PGPORT and writes WORKDIR/deposit.sql
#   pgbench_deposit SECONDS CLIENTS prints deposits/s (pgbench's tps) for that many clients
pgbench_deposit_setup() {
  psql -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE IF NOT EXISTS bench_balance (id integer PRIMARY KEY, minutes bigint NOT NULL, version bigint NOT NULL);
INSERT INTO bench_balance SELECT g, 0, 0 FROM generate_series(1, 1000) AS g ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS bench_journal (id bigserial PRIMARY KEY, volunteer integer NOT NULL, minutes bigint NOT NULL, at timestamptz NOT NULL);
SQL
  _pgbench_script="$1/deposit.sql"
  cat > "$_pgbench_script" <<'SQL'
\set v random(1, 1000)
\set m random(1, 120)
BEGIN;
UPDATE bench_balance SET minutes = minutes + :m, version = version + 1 WHERE id = :v;
INSERT INTO bench_journal (volunteer, minutes, at) VALUES (:v, :m, now());
COMMIT;
SQL
}

pgbench_deposit() {
  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  "$pgbin/pgbench" -n -c "$2" -j 2 -T "$1" -f "$_pgbench_script" 2>/dev/null | awk '/^tps/ {print int($3)}'
}
