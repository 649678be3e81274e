# Sourced by the benchmark scripts (from the repository's root): the Release builds they run, where those land,
# and the wait for a server process to listen.
server=src/TimeBank.Server/bin/Release/net10.0/TimeBank.Server.dll
loadgen=benchmarks/TimeBank.LoadGen/bin/Release/net10.0/TimeBank.LoadGen.dll
bench=benchmarks/TimeBank.Benchmarks/bin/Release/net10.0/TimeBank.Benchmarks.dll

# build_release server|loadgen|bench...: builds those projects in Release, printing only failures.
build_release() {
  echo "building (Release)..." >&2
  local what
  for what in "$@"; do
    case $what in
      server) dotnet build -c Release src/TimeBank.Server >/dev/null ;;
      loadgen) dotnet build -c Release benchmarks/TimeBank.LoadGen >/dev/null ;;
      bench) dotnet build -c Release benchmarks/TimeBank.Benchmarks >/dev/null ;;
      *) echo "build_release: no project called '$what'" >&2; return 2 ;;
    esac
  done
}

# await_server DATA_DIR LOG: returns once the server started on DATA_DIR has written its admin key and logged that it
# listens; fails, with the log's last lines, after 30 s.
await_server() {
  local _
  for _ in $(seq 1 60); do
    [[ -s "$1/admin.key" ]] && grep -q listening "$2" && return 0
    sleep 0.5
  done
  echo "the server did not start: $(tail -5 "$2")" >&2
  return 1
}
