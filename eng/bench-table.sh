#!/usr/bin/env bash
# Every row of docs/benchmarks.md's summary table, re-measured in one run on this machine, each beside its reference:
# ingest (flat out, half rate, ceiling: -- ingest), the agent on the Native AOT bundle and, as the reference, on the
# JIT build (eng/measure-agent.sh; the bundle in 3 trials), inference (-- inference), the replay against python3-pandas (eng/bench-replay.sh),
# the HTTP API over a week of 1,000 agents (-- api), and the 1,000-stream soak (SoakTests, with its output).
# Usage: eng/bench-table.sh [AGENT_SECONDS]   Output: .edgefed/bench-table/*.txt
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-180}
out=$root/.edgefed/bench-table
rm -rf "$out" && mkdir -p "$out"
bench() { dotnet run -c Release --no-build --project "$root/tests/EdgeFed.Benchmarks" -- "$@"; }
# The replay row needs Debian's pandas; say so now rather than after the first 17 minutes.
/usr/bin/python3 -c "import pandas" 2>/dev/null || { echo "eng/bench-table.sh: the replay row needs Debian's python3-pandas (apt-get install python3-pandas)" >&2; exit 1; }

dotnet build "$root/EdgeFed.sln" -c Release --nologo -v quiet -clp:ErrorsOnly
echo "== ingest, 1000 agents, 3 trials =="; bench ingest 1000 20 3 | tee "$out/ingest.txt"
echo "== agent bundle (Native AOT) =="
"$root/eng/package-agent.sh" --rid linux-x64 --out "$out/packages" >/dev/null
mkdir -p "$out/bundle" && tar -C "$out/bundle" -xzf "$out"/packages/*linux-x64.tar.gz
# Three trials, as for ingest: one run's RSS maximum moved by 6 MiB between runs of the same bundle (thirteenth and
# fourteenth sessions). Each trial's figures are kept; the table takes the medians.
for trial in 1 2 3; do
  echo "-- trial $trial"
  EDGEFED_AGENT_BIN=$out/bundle/edgefed-agent/edgefed-agent "$root/eng/measure-agent.sh" 1000 "$seconds" | tee "$out/agent-bundle-$trial.txt"
done
"$root/eng/agent-medians.sh" "$out"/agent-bundle-[123].txt | tee "$out/agent-bundle.txt"
echo "== agent, JIT build (reference) =="; "$root/eng/measure-agent.sh" 1000 "$seconds" | tee "$out/agent-build.txt"
echo "== inference ==";                    bench inference | tee "$out/inference.txt"
echo "== replay vs pandas ==";             "$root/eng/bench-replay.sh" | tee "$out/replay.txt"
echo "== HTTP API ==";                     bench api 1000 7 50 | tee "$out/api.txt"
echo "== soak =="
dotnet test "$root/tests/EdgeFed.Aggregator.Tests" -c Release --no-build --filter "FullyQualifiedName~SoakTests" \
  --logger "console;verbosity=detailed" | tee "$out/soak.txt"
