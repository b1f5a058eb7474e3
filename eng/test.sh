#!/usr/bin/env bash
# README command 2: all tests. Installs what they need on a fresh Debian machine (python3-grpcio and
# python3-grpc-tools for the interop peers, python3-onnx/sklearn/numpy for models/), runs every test project
# with TRX results, and ends with one line "tests: N passed, M failed" computed from the TRX files.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
results=${EDGEFED_TEST_RESULTS:-$root/artifacts/test-results}
packages="python3 python3-grpcio python3-grpc-tools python3-onnx python3-sklearn python3-numpy"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "== installing Debian packages:$missing =="
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

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
