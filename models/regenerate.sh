#!/usr/bin/env bash
# Regenerates the three models, their golden files and cards: training sets from the C# featuriser (an emulated farm on
# a manual clock, synthetic coinbase layouts, the real replies and coinbases in ../shared/data), then models/train.py.
# Deterministic: fixed seeds throughout. Needs the .NET SDK and Debian's python3-sklearn and python3-onnx.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${EDGEFED_TRAINING_DIR:-$(mktemp -d)}
dotnet build "$root/agent/EdgeFed.Emulator/EdgeFed.Emulator.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly
(cd "$root" && "$root/artifacts/bin/EdgeFed.Emulator/release/edgefed-sim" features --out "$work" --data "$root/../shared/data" --miners 400 --polls 30 --seed 3)
/usr/bin/python3 "$root/models/train.py" --data "$work" --out "$root/models"
