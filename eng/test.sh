#!/usr/bin/env bash
# README command 2: all tests. Installs what they need on a fresh Debian machine (python3-grpcio and
# python3-grpc-tools for the interop peers, python3-onnx/sklearn/numpy for models/, qemu-user and Debian's arm64
# libraries for the arm64 smoke test, gcc and Debian's aarch64 cross gcc to link the Native AOT bundles, Debian's chromium for the dashboard's browser tests, Debian's postgresql for the
# PostgreSQL store's tests and drills), builds the board packages once (eng/package-agent.sh), starts a throwaway
# PostgreSQL server on a loopback port in a temporary folder (eng/postgres.sh, as the postgres user), runs every test
# project with TRX results, stops the server, and ends with one line "tests: N passed, M failed" computed from the TRX files.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
results=${EDGEFED_TEST_RESULTS:-$root/artifacts/test-results}
packages="python3 python3-grpcio python3-grpc-tools python3-onnx python3-sklearn python3-numpy chromium postgresql qemu-user
  gcc gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu libc6:arm64 libssl3:arm64 libstdc++6:arm64 libgcc-s1:arm64 zlib1g:arm64"
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "== installing Debian packages:$missing =="
  # The arm64 smoke test runs the arm64 bundle under qemu-user with Debian's own arm64 libraries beside the host's.
  dpkg --print-foreign-architectures | grep -qx arm64 || $sudo dpkg --add-architecture arm64
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

echo "== board packages (self-contained linux-x64 and linux-arm64 bundles, .deb) =="
export EDGEFED_PACKAGES=${EDGEFED_PACKAGES:-$root/artifacts/packages}
"$root/eng/package-agent.sh" --out "$EDGEFED_PACKAGES"

echo "== PostgreSQL for the store's tests and drills =="
# Debian's package may start its own cluster on 5432; the tests use a server of their own on a free port.
pgdir=$(mktemp -d /tmp/edgefed-postgres-XXXXXX) && chmod 755 "$pgdir"
EDGEFED_TEST_POSTGRES=$("$root/eng/postgres.sh" start "$pgdir/server")
export EDGEFED_TEST_POSTGRES
trap '"$root/eng/postgres.sh" stop "$pgdir/server" >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
echo "PostgreSQL at $EDGEFED_TEST_POSTGRES"

rm -rf "$results" && mkdir -p "$results"
status=0
dotnet test "$root/EdgeFed.sln" -c Release --nologo --logger "trx" --results-directory "$results" \
  -- RunConfiguration.TestSessionTimeout=1500000 || status=$?

passed=0; failed=0; total=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p'); f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  t=$(echo "$counters" | sed -n 's/.* total="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); total=$((total + ${t:-0}))
done
echo "tests: $passed passed, $failed failed"
[ "$total" -gt 0 ] || { echo "test: no test ran" >&2; exit 1; }
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
