#!/usr/bin/env bash
# Replay of the 282,174 real block labels, ours and python3-pandas side by side: monthly metrics plus the daily
# top-2..top-6 index with 30-day moving averages. Prints wall-clock seconds of each and the ratio.
# Ours is edgefed-replay compiled ahead of time (Native AOT, aggregator/EdgeFed.Replay); `edgefed-aggregator replay`
# (ReadyToRun, as a server is deployed) is timed beside it, and the two outputs must be byte-identical.
# Needs Debian's python3-pandas (apt-get install python3-pandas).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
blocks=${1:-$root/../shared/data/blocks/blocks-2021-2026.csv.gz}
out="$root/.edgefed/bench-replay"
rm -rf "$out" && mkdir -p "$out"
dotnet publish "$root/aggregator/EdgeFed.Replay/EdgeFed.Replay.csproj" -c Release -r linux-x64 -p:PublishAot=true \
  -p:DebugType=none -o "$out/aot" --nologo -v quiet -clp:ErrorsOnly
dotnet publish "$root/aggregator/EdgeFed.Aggregator/EdgeFed.Aggregator.csproj" -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -o "$out/r2r" --nologo -v quiet -clp:ErrorsOnly
replay="$out/aot/edgefed-replay"
aggregator="$out/r2r/edgefed-aggregator"

"$replay" --blocks "$blocks" --window month --mci-out "$out/mci.aot.json" >"$out/month.aot.json" 2>/dev/null # also warms the file cache
"$aggregator" replay --blocks "$blocks" --window month --mci-out "$out/mci.r2r.json" >"$out/month.r2r.json" 2>/dev/null
cmp "$out/month.aot.json" "$out/month.r2r.json" && cmp "$out/mci.aot.json" "$out/mci.r2r.json" ||
  { echo "bench-replay: edgefed-replay and edgefed-aggregator replay disagree" >&2; exit 1; }

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN {print (a < b ? a : b)}'; }
best_ours=999; best_aggregator=999; best_pandas=999
for run in 1 2 3; do
  t0=$(now)
  "$replay" --blocks "$blocks" --window month --mci-out "$out/mci.json" >/dev/null 2>&1
  t1=$(now)
  "$aggregator" replay --blocks "$blocks" --window month --mci-out "$out/mci.json" >/dev/null 2>&1
  t2=$(now)
  /usr/bin/python3 "$root/eng/replay_pandas.py" "$blocks" >/dev/null
  t3=$(now)
  best_ours=$(min "$(seconds "$t0" "$t1")" "$best_ours")
  best_aggregator=$(min "$(seconds "$t1" "$t2")" "$best_aggregator")
  best_pandas=$(min "$(seconds "$t2" "$t3")" "$best_pandas")
  echo "run $run: ours $(seconds "$t0" "$t1") s, edgefed-aggregator replay $(seconds "$t1" "$t2") s, pandas $(seconds "$t2" "$t3") s"
done
echo "best of 3: ours $best_ours s (edgefed-replay, Native AOT; one process: monthly to stdout, daily MCI to a file, one read)," \
  "edgefed-aggregator replay $best_aggregator s (ReadyToRun), pandas $best_pandas s, ratio $(awk -v p="$best_pandas" -v o="$best_ours" 'BEGIN {printf "%.1f", p / o}')x"
