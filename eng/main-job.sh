#!/usr/bin/env bash
# README command 1: the main job. Builds, starts the aggregator on SQLite and one agent, and shows them
# exchanging a health check and reports over gRPC; then prints the aggregator's status. Stops by itself.
# Everything it writes (SQLite files, logs, status.json) goes to .edgefed/main-job/ (or $EDGEFED_RUN_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${EDGEFED_RUN_DIR:-$root/.edgefed/main-job}
rm -rf "$out" && mkdir -p "$out"

command -v dotnet >/dev/null || { echo "main-job: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "main-job: npm is required (the build fetches ONNX Runtime from npm)" >&2; exit 1; }

echo "== building (Release) =="
dotnet build "$root/EdgeFed.sln" -c Release --nologo -v quiet -clp:ErrorsOnly
aggregator="$root/artifacts/bin/EdgeFed.Aggregator/release/edgefed-aggregator"
agent="$root/artifacts/bin/EdgeFed.Agent/release/edgefed-agent"
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

echo "== starting the aggregator (SQLite: $out/aggregator.db) =="
EDGEFED_Aggregator__EnrolmentToken=$token \
EDGEFED_Aggregator__DatabasePath=$out/aggregator.db \
EDGEFED_Aggregator__MinAgentsPerCell=1 \
  "$aggregator" serve --urls http://127.0.0.1:0 >"$out/aggregator.log" 2>&1 &
aggregator_pid=$!
trap 'kill $aggregator_pid 2>/dev/null || true; wait $aggregator_pid 2>/dev/null || true' EXIT INT TERM

url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$out/aggregator.log" | head -1 | sed 's/listening on //' || true)
  [ -n "$url" ] && break
  kill -0 $aggregator_pid 2>/dev/null || { cat "$out/aggregator.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "main-job: the aggregator did not start; see $out/aggregator.log" >&2; exit 1; }
echo "aggregator: $url"

echo "== agent demo-farm: health check, enrolment, 3 reports in 2-second windows =="
"$agent" run \
  --Agent:AgentId=demo-farm --Agent:Region=CA --Agent:Kind=Farm \
  --Agent:AggregatorUrl="$url" --Agent:EnrolmentToken="$token" \
  --Agent:StateDirectory="$out/agent-state" --Agent:Window=00:00:02 --Agent:MaxReports=3 \
  2>&1 | tee "$out/agent.log"

echo "== aggregator status =="
"$aggregator" status --aggregator "$url" --dimension region | tee "$out/status.json"
grep -q '"health": "Serving"' "$out/status.json"
grep -q 'acknowledged' "$out/agent.log"
echo "main-job: done; files in $out"
