# Source this file, then call start_throwaway_postgres: it starts a PostgreSQL 15 of its own in a temporary
# folder on a free loopback port, exports TIMEBANK_TEST_POSTGRES (an Npgsql connection string) and
# PGPORT/PGHOST for psql and pgbench, and removes everything when the calling shell exits.
# Installs postgresql-15 with apt-get when it is missing and we are root. THROWAWAY_POSTGRES_OPTIONS adds server
# options (e.g. "-c shared_preload_libraries=pg_stat_statements").

_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

_pg_as_owner() {
  # initdb and postgres refuse to run as root; as root, run them as the postgres user the package creates.
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

stop_throwaway_postgres() {
  if [[ -n ${_PG_DIR:-} && -d $_PG_DIR ]]; then
    _pg_as_owner "$(_pg_bin)/pg_ctl" -D "$_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$_PG_DIR"
  fi
}

start_throwaway_postgres() {
  if [[ -z $(_pg_bin) ]]; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
      echo "throwaway-postgres: installing postgresql-15"
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null; } \
        || { echo "throwaway-postgres: could not install postgresql-15"; return 1; }
    else
      echo "throwaway-postgres: PostgreSQL is not installed and this is not root. Fix: sudo apt-get install -y postgresql-15"
      return 1
    fi
  fi
  local bin port
  bin=$(_pg_bin)
  port=$(_pg_free_port)
  _PG_DIR=$(mktemp -d /tmp/timebank-pg.XXXXXX)
  chmod 755 "$_PG_DIR"
  [[ $(id -u) == 0 ]] && chown postgres:postgres "$_PG_DIR"
  trap stop_throwaway_postgres EXIT
  _pg_as_owner "$bin/initdb" -D "$_PG_DIR/data" -U postgres --auth=trust -E UTF8 >"$_PG_DIR/initdb.log" 2>&1 \
    || { cat "$_PG_DIR/initdb.log"; return 1; }
  # Durable settings, as in production: fsync and synchronous_commit stay on.
  _pg_as_owner "$bin/pg_ctl" -D "$_PG_DIR/data" -l "$_PG_DIR/server.log" -w \
    -o "-p $port -k $_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=128MB ${THROWAWAY_POSTGRES_OPTIONS:-}" start >/dev/null \
    || { cat "$_PG_DIR/server.log"; return 1; }
  export TIMEBANK_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres
  echo "throwaway-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $_PG_DIR, removed on exit)"
}
