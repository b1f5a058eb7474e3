#!/usr/bin/env bash
# README command 1: the main job. Builds (Release), then on loopback: the aggregator on SQLite; two emulated farms of
# 150 mixed miners each (six firmware families, several pools, ~15 % faulty units); a Bitcoin Core RPC emulator mining
# the last real blocks of ../shared/data/blocks; three agents (farm-ca, farm-no, node-us) reporting in 5-second
# windows for about 40 s; then the console (concentration by pool, template provider, vendor, model, region and
# health, agents, alerts) and the Mining Centralization Index from a replay of all 282,174 real blocks.
# Then it prints the dashboard's URL (http://127.0.0.1:8080/, or $EDGEFED_DASHBOARD_URL) and keeps the aggregator
# serving it until Ctrl-C; EDGEFED_MAIN_JOB_ONCE=1 stops by itself instead, for scripts.
# EDGEFED_STORE=postgres runs the aggregator on PostgreSQL instead: on $EDGEFED_POSTGRES (an Npgsql connection
# string) when set, else on a throwaway server that eng/postgres.sh starts (Debian's postgresql) and stops afterwards.
# Everything it writes goes to .edgefed/main-job/ (or $EDGEFED_RUN_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${EDGEFED_RUN_DIR:-$root/.edgefed/main-job}
blocks=${EDGEFED_BLOCKS:-$root/../shared/data/blocks/blocks-2021-2026.csv.gz}
catalog=${EDGEFED_CATALOG:-$root/../shared/data/pools/pool-list.json}
reports=${EDGEFED_REPORTS:-8}
dashboard=${EDGEFED_DASHBOARD_URL:-http://127.0.0.1:8080}
rm -rf "$out" && mkdir -p "$out"

command -v dotnet >/dev/null || { echo "main-job: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
[ -f "$blocks" ] || { echo "main-job: $blocks not found (the shared data folder sits beside the repo)" >&2; exit 1; }

echo "== building (Release) =="
dotnet build "$root/EdgeFed.sln" -c Release --nologo -v quiet -clp:ErrorsOnly
aggregator="$root/artifacts/bin/EdgeFed.Aggregator/release/edgefed-aggregator"
agent="$root/artifacts/bin/EdgeFed.Agent/release/edgefed-agent"
sim="$root/artifacts/bin/EdgeFed.Emulator/release/edgefed-sim"
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
pids=()
pgdir=""
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true
  if [ -n "$pgdir" ]; then "$root/eng/postgres.sh" stop "$pgdir/server" || true; rm -rf "$pgdir"; fi
}
trap cleanup EXIT INT TERM

wait_for() { # wait_for FILE PATTERN PID
  for _ in $(seq 1 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { cat "$1" >&2; return 1; }
    sleep 0.1
  done
  echo "main-job: timed out waiting for '$2' in $1" >&2; return 1
}

store=(EDGEFED_Aggregator__DatabasePath="$out/aggregator.db"); store_name="SQLite: $out/aggregator.db"
if [ "${EDGEFED_STORE:-sqlite}" = postgres ]; then
  postgres=${EDGEFED_POSTGRES:-}
  if [ -z "$postgres" ]; then
    pgdir=$(mktemp -d /tmp/edgefed-main-job-pg-XXXXXX) && chmod 755 "$pgdir"
    postgres=$("$root/eng/postgres.sh" start "$pgdir/server")
  fi
  store=(EDGEFED_Aggregator__Store=Postgres "EDGEFED_Aggregator__Postgres__ConnectionString=$postgres")
  store_name="PostgreSQL: ${postgres%%;Password=*}"
elif [ "${EDGEFED_STORE:-sqlite}" != sqlite ]; then
  echo "main-job: EDGEFED_STORE must be sqlite (default) or postgres" >&2; exit 2
fi
echo "== aggregator ($store_name; cells shown when 2 agents back them) =="
env "${store[@]}" EDGEFED_Aggregator__EnrolmentToken=$token EDGEFED_Aggregator__MinAgentsPerCell=2 \
EDGEFED_Aggregator__Alerts__EvaluateEvery=00:00:05 EDGEFED_Aggregator__Http__Urls="$dashboard" EDGEFED_Aggregator__CatalogPath="$catalog" \
  "$aggregator" serve --urls http://127.0.0.1:0 >"$out/aggregator.log" 2>&1 &
aggregator_pid=$!; pids+=($aggregator_pid); wait_for "$out/aggregator.log" 'Dashboard, HTTP API and metrics on' $aggregator_pid
url=$(grep -o 'Aggregator listening on http://127.0.0.1:[0-9]*' "$out/aggregator.log" | head -1 | sed 's/Aggregator listening on //')
dashboard_url=$(grep -o 'metrics on http://[^ ,]*' "$out/aggregator.log" | head -1 | sed 's/metrics on //')
echo "aggregator: $url (gRPC); dashboard: $dashboard_url"

echo "== emulated farms (2 × 150 miners) and a node replaying the last 288 real blocks =="
"$sim" simulate --miners 150 --seed 11 --base-address 127.0.9.1 --faulty 0.15 --ramp-seconds 20 --duration-seconds 900 --manifest "$out/farm-ca.json" >/dev/null 2>"$out/farm-ca.log" &
pids+=($!); wait_for "$out/farm-ca.log" 'listening' $!
"$sim" simulate --miners 150 --seed 12 --base-address 127.0.10.1 --faulty 0.15 --ramp-seconds 20 --duration-seconds 900 --manifest "$out/farm-no.json" >/dev/null 2>"$out/farm-no.log" &
pids+=($!); wait_for "$out/farm-no.log" 'listening' $!
"$sim" simulate-node --blocks "$blocks" --last 288 --interval-ms 100 --duration-seconds 900 --catalog "$catalog" --manifest "$out/node.json" >/dev/null 2>"$out/node.log" &
pids+=($!); for _ in $(seq 1 100); do [ -s "$out/node.json" ] && break; sleep 0.1; done
node_url=$(sed -n 's/.*"url": "\([^"]*\)".*/\1/p' "$out/node.json")

echo "== three agents: farm-ca (CA), farm-no (NO), node-us (US); $reports reports each in 5-second windows =="
common=(--Agent:AggregatorUrl="$url" --Agent:EnrolmentToken="$token" --Agent:Window=00:00:05 --Agent:MaxReports="$reports"
        --Agent:CatalogPath="$catalog" --Agent:Outbox:DrainRatePerSecond=20 --Agent:Polling:Interval=00:00:02 --Agent:Polling:RequestTimeout=00:00:01)
"$agent" run "${common[@]}" --Agent:AgentId=farm-ca --Agent:Region=CA --Agent:StateDirectory="$out/farm-ca-state" \
  --Agent:Polling:ManifestFile="$out/farm-ca.json" >"$out/agent-farm-ca.log" 2>&1 &
farm_ca=$!; pids+=($farm_ca)
"$agent" run "${common[@]}" --Agent:AgentId=farm-no --Agent:Region=NO --Agent:StateDirectory="$out/farm-no-state" \
  --Agent:Polling:ManifestFile="$out/farm-no.json" >"$out/agent-farm-no.log" 2>&1 &
farm_no=$!; pids+=($farm_no)
"$agent" run "${common[@]}" --Agent:AgentId=node-us --Agent:Region=US --Agent:Kind=Node --Agent:StateDirectory="$out/node-us-state" \
  --Agent:Node:Url="$node_url" --Agent:Node:User=edgefed --Agent:Node:Password=edgefed-node --Agent:Node:PollInterval=00:00:00.500 \
  >"$out/agent-node-us.log" 2>&1 &
node_us=$!; pids+=($node_us)
for pid in $farm_ca $farm_no $node_us; do wait "$pid"; done
grep -h 'acknowledged' "$out"/agent-*.log | tail -3
sleep 6 # one more alert evaluation

echo "== console =="
COLUMNS=${COLUMNS:-160} "$aggregator" console --once --aggregator "$url" | tee "$out/console.txt"
"$aggregator" status --aggregator "$url" --dimension pool --basis blocks >"$out/status.json"

echo "== Mining Centralization Index (replay of $(basename "$blocks")): last day, pools and with the proxy group merged =="
"$aggregator" replay --blocks "$blocks" --mci 2>/dev/null | tail -c 400 | sed 's/^.*},{/{/' | tee "$out/mci-pools.json"; echo
"$aggregator" replay --blocks "$blocks" --mci --group proxy 2>/dev/null | tail -c 400 | sed 's/^.*},{/{/' | tee "$out/mci-proxy.json"; echo
"$aggregator" replay --blocks "$blocks" --window month >"$out/replay-monthly.json"
grep -q '"health": "Serving"' "$out/status.json"
grep -q 'pool (blocks)' "$out/console.txt"
curl -fsS "${dashboard_url}api/v1/mining/pools/1w" >"$out/mempool-pools-1w.json"
curl -fsS "${dashboard_url}" | grep -q '<title>EdgeFed' || { echo "main-job: the dashboard did not answer at $dashboard_url" >&2; exit 1; }
echo "main-job: done; files in $out"
if [ "${EDGEFED_MAIN_JOB_ONCE:-0}" != 1 ]; then
  echo "== dashboard: $dashboard_url (the aggregator keeps serving it; Ctrl-C to stop) =="
  wait "$aggregator_pid"
fi
