#!/usr/bin/env bash
# Regenerates the miner-health model and its golden file and card from an emulated farm.
# Needs the .NET SDK, npm (for the build) and Debian's python3-sklearn and python3-onnx.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build "$root/agent/EdgeFed.Agent/EdgeFed.Agent.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly
"$root/artifacts/bin/EdgeFed.Agent/release/edgefed-agent" features health --out "$work/health.csv" --miners 400 --polls 14 --seed 3
/usr/bin/python3 "$root/models/train.py" --health "$work/health.csv" --out "$root/models"
