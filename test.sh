#!/usr/bin/env bash
# Runs every TimeBank test: `./test.sh` (extra arguments go to `dotnet test`, e.g. --filter Name~Deposit).
#
# First it gets the real parts the tests talk to, installing them when it can (root and apt-get):
#   python3-grpcio python3-grpc-tools   Google's gRPC client, for the interop tests
#   postgresql-15                       a throwaway PostgreSQL in a temporary folder on a free port, removed
#                                       afterwards; its connection string goes to the tests in
#                                       TIMEBANK_TEST_POSTGRES (set it yourself to use another database)
# Without them those tests skip with the reason printed, except under CI=true, where they fail.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

packages=(python3-grpcio python3-grpc-tools)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "test.sh: installing ${missing[*]}"
    # A failed install is reported, not fatal: the tests that need it then say what is missing.
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } \
      || echo "test.sh: could not install ${missing[*]}; interop tests will skip (or fail under CI=true)"
  else
    echo "test.sh: ${missing[*]} missing and this is not root; interop tests will skip. Fix: sudo apt-get install -y ${missing[*]}"
  fi
fi

if [[ -z ${TIMEBANK_TEST_POSTGRES:-} ]]; then
  # shellcheck source=scripts/throwaway-postgres.sh
  source scripts/throwaway-postgres.sh
  start_throwaway_postgres || echo "test.sh: no PostgreSQL; its tests will skip (or fail under CI=true)"
fi

log=$(mktemp)
trap 'rm -f "$log"; declare -F stop_throwaway_postgres >/dev/null && stop_throwaway_postgres' EXIT
set +e
dotnet test TimeBank.sln --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line over all test assemblies: "tests: N passed, N failed, N skipped".
awk '/^Total tests: [0-9]+/ { runs++ }
     /^ +Passed: [0-9]+$/ { p += $2 } /^ +Failed: [0-9]+$/ { f += $2 } /^ +Skipped: [0-9]+$/ { s += $2 }
     END { if (runs) printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
grep -E "^ +Skipped [A-Za-z]" "$log" | sed 's/^ */skipped: /' || true
# Each failed test again at the very end, with the first lines of its message: a CI log is often read from its tail.
awk '/^ +Failed [A-Za-z]/ { sub(/^ +Failed /, ""); print "failed: " $0; shown = 0; inmsg = 0; next }
     /^ +Error Message:/ { inmsg = 1; next }
     /^ +Stack Trace:/ { inmsg = 0; next }
     inmsg && shown < 12 { print "   " $0; shown++ }' "$log"
exit "$status"
