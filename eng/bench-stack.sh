#!/usr/bin/env bash
# Before/after figures for a change of stack, in one run on this machine: the transport benchmark (1 message per
# write and batched), aggregator ingest with durable acks (1000 agents) and its p99, the agent's RSS and CPU polling
# 1000 emulated miners every 10 s, and the agent bundle sizes. BEFORE is a worktree of the commit before the change
# (git worktree add ../baseline <commit>), built and measured with its own tools; AFTER is this tree.
# Usage: eng/bench-stack.sh BEFORE_WORKTREE [AGENT_SECONDS]   Output: .edgefed/bench-stack/ and a table on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
before=$(cd "${1:?usage: eng/bench-stack.sh BEFORE_WORKTREE [AGENT_SECONDS]}" && pwd)
seconds=${2:-180}
out=$root/.edgefed/bench-stack
rm -rf "$out" && mkdir -p "$out"

measure() { # measure NAME TREE
  local name=$1 tree=$2
  echo "== $name: build ($tree) =="
  dotnet build "$tree/EdgeFed.sln" -c Release --nologo -v quiet -clp:ErrorsOnly
  echo "== $name: transport =="
  dotnet run -c Release --no-build --project "$tree/tests/EdgeFed.Benchmarks" -- 300000 | tee "$out/$name-transport.txt"
  echo "== $name: ingest, 1000 agents =="
  dotnet run -c Release --no-build --project "$tree/tests/EdgeFed.Benchmarks" -- ingest 1000 20 | tee "$out/$name-ingest.txt"
  echo "== $name: agent, 1000 miners, $seconds s =="
  "$tree/eng/measure-agent.sh" 1000 "$seconds" | tee "$out/$name-agent.txt"
}

measure before "$before"
measure after "$root"

echo "== bundles =="
portable=$(mktemp -d); trap 'rm -rf "$portable"' EXIT
dotnet publish "$before/agent/EdgeFed.Agent/EdgeFed.Agent.csproj" -c Release -o "$portable/edgefed-agent" --nologo -v quiet -clp:ErrorsOnly
tar -C "$portable" -czf "$out/before-portable.tar.gz" edgefed-agent
"$root/eng/package-agent.sh" --out "$out/packages" >/dev/null
{
  echo "before, portable (framework-dependent; the board needs .NET): $(du -sk "$portable/edgefed-agent" | cut -f1) KiB unpacked, $(($(stat -c %s "$out/before-portable.tar.gz") / 1024)) KiB tar.gz"
  for f in "$out"/packages/*; do echo "after, $(basename "$f"): $(($(stat -c %s "$f") / 1024)) KiB"; done
} | tee "$out/bundles.txt"

row() { grep -m1 "$2" "$out/$1" | sed 's/^ *//'; }
echo
echo "| figure | before | after |"
echo "|---|---|---|"
for batch in 1 100; do
  echo "| transport msg/s, $batch per write (gRPC / bare) | $(row before-transport.txt "^| $batch |") | $(row after-transport.txt "^| $batch |") |"
done
echo "| ingest, durable, flat out | $(row before-ingest.txt 'flat out |' ) | $(row after-ingest.txt 'flat out |') |"
echo "| ingest, durable, half rate | $(row before-ingest.txt 'half that rate') | $(row after-ingest.txt 'half that rate') |"
echo "| ingest ceiling | $(row before-ingest.txt 'ceiling') | $(row after-ingest.txt 'ceiling') |"
echo "| agent RSS | $(row before-agent.txt 'agent RSS') | $(row after-agent.txt 'agent RSS') |"
echo "| agent CPU | $(row before-agent.txt 'agent CPU') | $(row after-agent.txt 'agent CPU') |"
