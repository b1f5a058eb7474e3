#!/usr/bin/env bash
# Replay of the 282,174 real block labels, ours and python3-pandas side by side: monthly metrics plus the daily
# top-2..top-6 index with 30-day moving averages. Prints wall-clock seconds of each and the ratio.
# Needs Debian's python3-pandas (apt-get install python3-pandas).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
blocks=${1:-$root/../shared/data/blocks/blocks-2021-2026.csv.gz}
# Published as a server would be deployed: Release, linux-x64, ReadyToRun (precompiled, so the run is not mostly JIT).
out="$root/.edgefed/bench-replay"
dotnet publish "$root/aggregator/EdgeFed.Aggregator/EdgeFed.Aggregator.csproj" -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -o "$out" --nologo -v quiet -clp:ErrorsOnly
aggregator="$out/edgefed-aggregator"
"$aggregator" replay --blocks "$blocks" --window month >/dev/null 2>&1 # warm the file cache
now() { date +%s.%N; }
best_ours=999; best_pandas=999
mci=$(mktemp); trap 'rm -f "$mci"' EXIT
for run in 1 2 3; do
  t0=$(now)
  "$aggregator" replay --blocks "$blocks" --window month --mci-out "$mci" >/dev/null 2>&1
  t1=$(now)
  /usr/bin/python3 "$root/eng/replay_pandas.py" "$blocks" >/dev/null
  t2=$(now)
  best_ours=$(echo "$t0 $t1 $best_ours" | awk '{d = $2 - $1; print (d < $3 ? d : $3)}')
  best_pandas=$(echo "$t1 $t2 $best_pandas" | awk '{d = $2 - $1; print (d < $3 ? d : $3)}')
  echo "run $run: ours $(echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}') s, pandas $(echo "$t1 $t2" | awk '{printf "%.2f", $2 - $1}') s"
done
echo "best of 3: ours $best_ours s (one process: monthly to stdout, daily MCI to a file, one read), pandas $best_pandas s, ratio $(echo "$best_pandas $best_ours" | awk '{printf "%.1f", $1 / $2}')x"
