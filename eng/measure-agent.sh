#!/usr/bin/env bash
# Load generator for the agent: N emulated miners (default 1000) polled every 10 s for S seconds (default 300) with
# all models, 60 s windows, reporting to a local aggregator. Prints the agent's RSS and CPU (after a 60 s warm-up),
# and the bytes of raw miner replies it read against the bytes it sent (the bandwidth reduction factor).
# Usage: eng/measure-agent.sh [MINERS] [SECONDS]. Files in .edgefed/measure-agent/. EDGEFED_AGENT_BIN runs another
# agent binary (e.g. a self-contained bundle's edgefed-agent) instead of the build output.
# EDGEFED_AGENT_ARGS adds arguments to the agent (e.g. --Agent:MetricsUrl=http://127.0.0.1:9464/metrics).
set -euo pipefail
miners=${1:-1000}
seconds=${2:-300}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/.edgefed/measure-agent
rm -rf "$out" && mkdir -p "$out"
dotnet build "$root/EdgeFed.sln" -c Release --nologo -v quiet -clp:ErrorsOnly
aggregator="$root/artifacts/bin/EdgeFed.Aggregator/release/edgefed-aggregator"
agent=${EDGEFED_AGENT_BIN:-$root/artifacts/bin/EdgeFed.Agent/release/edgefed-agent}
sim="$root/artifacts/bin/EdgeFed.Emulator/release/edgefed-sim"
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM

EDGEFED_Aggregator__EnrolmentToken=$token EDGEFED_Aggregator__DatabasePath=$out/aggregator.db EDGEFED_Aggregator__Http__Urls= \
  "$aggregator" serve --urls http://127.0.0.1:0 >"$out/aggregator.log" 2>&1 &
pids+=($!)
"$sim" simulate --miners "$miners" --seed 1 --base-address 127.0.8.1 --port 4028 --http-port 8080 --faulty 0.15 \
  --manifest "$out/farm.json" >/dev/null 2>"$out/simulate.log" &
pids+=($!)
url=""
for _ in $(seq 1 300); do
  url=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$out/aggregator.log" | head -1 | sed 's/listening on //' || true)
  [ -n "$url" ] && [ -s "$out/farm.json" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "measure-agent: the aggregator did not start" >&2; exit 1; }

# The GC settings the systemd unit ships (heap limit, region size), unless EDGEFED_HEAP_LIMIT overrides the limit.
unit_env() { sed -n "s/^Environment=$1=//p" "$root/agent/EdgeFed.Agent/deploy/edgefed-agent.service"; }
DOTNET_GCHeapHardLimit=${EDGEFED_HEAP_LIMIT:-$(unit_env DOTNET_GCHeapHardLimit)} DOTNET_GCRegionSize=${DOTNET_GCRegionSize:-$(unit_env DOTNET_GCRegionSize)} \
  "$agent" run --Agent:AgentId=measure --Agent:Region=CA --Agent:AggregatorUrl="$url" --Agent:EnrolmentToken="$token" \
  --Agent:StateDirectory="$out/agent-state" --Agent:Window=00:01:00 --Agent:Polling:Interval=00:00:10 \
  --Agent:Polling:ManifestFile="$out/farm.json" ${EDGEFED_AGENT_ARGS:-} >"$out/agent.log" 2>&1 &
agent_pid=$!
pids+=($agent_pid)
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$agent_pid/stat"; }
# The machine's CPU steal over the same interval (a VM's noisy neighbours), printed beside the agent's CPU.
steal() { awk '/^cpu / {print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
rss_max=0
warm=60
[ "$seconds" -gt $((warm * 2)) ] || warm=$((seconds / 3))
for ((t = 0; t < seconds; t += 5)); do
  sleep 5
  [ "$t" -eq "$warm" ] && cpu_warm=$(cpu) && t_warm=$(date +%s.%N) && steal_warm=$(steal)
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent_pid/status")
  [ "$rss" -gt "$rss_max" ] && rss_max=$rss
done
cpu_end=$(cpu); t_end=$(date +%s.%N); steal_end=$(steal)
kill -TERM $agent_pid; wait $agent_pid || true
line=$(grep 'Traffic so far' "$out/agent.log" | tail -1)
polls=$(echo "$line" | sed -E 's/.*: ([0-9]+) polls.*/\1/')
raw=$(echo "$line" | sed -E 's/.*polls, ([0-9]+) bytes of miner.*/\1/')
sent=$(echo "$line" | sed -E 's/.*read, ([0-9]+) bytes sent.*/\1/')
awk -v m="$miners" -v s="$seconds" -v rss="$rss_max" -v rsslast="$rss" -v c0="$cpu_warm" -v c1="$cpu_end" -v t0="$t_warm" -v t1="$t_end" \
    -v tk="$ticks" -v polls="$polls" -v raw="$raw" -v sent="$sent" -v s0="$steal_warm" -v s1="$steal_end" 'BEGIN {
  split(s0, a, " "); split(s1, b, " ")
  cpu = (c1 - c0) / tk / (t1 - t0) * 100
  printf "miners %d, %d s, %d polls\n", m, s, polls
  printf "agent RSS: max %.1f MiB, last %.1f MiB\n", rss / 1024, rsslast / 1024
  printf "agent CPU after warm-up: %.2f %% of one core\n", cpu
  printf "machine CPU steal after warm-up: %.1f %%\n", (b[2] > a[2] ? (b[1] - a[1]) / (b[2] - a[2]) * 100 : 0)
  printf "raw replies read: %d bytes (%.0f per miner per hour)\n", raw, raw / m / s * 3600
  printf "sent to the aggregator: %d bytes (%.1f per miner per hour)\n", sent, sent / m / s * 3600
  printf "bandwidth reduction: %.0fx (sent/read = 1/%.0f)\n", raw / sent, raw / sent
}' | tee "$out/result.txt"
