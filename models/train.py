"""Trains EdgeFed's miner-health model from the C# featuriser's training set and exports it by hand to ONNX.

Usage: python3 models/train.py --health TRAINING.csv [--out models/]
Writes miner-health.onnx, miner-health.golden.json (held-out inputs with scikit-learn's probabilities) and
miner-health.card.md (classes, features with units, data, split, per-class precision/recall, confusion matrix,
size). Fixed seeds: the same CSV gives the same model.
"""
import argparse
import csv
import json
import os
import sys
import time

import numpy as np
import onnx
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import GroupShuffleSplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tree_ensemble_onnx  # noqa: E402

FEATURE_UNITS = {
    "hashrate_ratio_mean": "ratio", "hashrate_ratio_min": "ratio", "hashrate_ratio_trend": "ratio",
    "chip_temp_max_c": "°C", "chip_temp_trend_c": "°C", "board_temp_max_c": "°C", "dead_chip_fraction": "ratio",
    "worst_board_ratio": "ratio", "fans_reporting_fraction": "ratio", "fan_rpm_min": "rpm", "watts_per_th": "W/(TH/s)",
    "unreachable_fraction": "ratio", "curtailed_fraction": "ratio", "zero_hashrate_fraction": "ratio",
    "errors_per_poll": "errors",
}


def load(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    features = header[:-3]
    x = np.array([[float(v) for v in r[:-3]] for r in body], dtype=np.float32)
    miners = np.array([int(r[-2]) for r in body])
    labels = [r[-1] for r in body]
    return features, x, miners, labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--health", required=True)
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    features, x, miners, labels = load(args.health)
    classes = sorted(set(labels))
    y = np.array([classes.index(label) for label in labels])
    # Split by miner: consecutive windows of one miner are near-duplicates and must not sit on both sides.
    train_idx, test_idx = next(GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=7).split(x, y, miners))
    x_train, x_test, y_train, y_test = x[train_idx], x[test_idx], y[train_idx], y[test_idx]
    forest = RandomForestClassifier(n_estimators=40, max_depth=10, min_samples_leaf=2, class_weight="balanced",
                                    random_state=7).fit(x_train, y_train)

    model = tree_ensemble_onnx.random_forest_to_onnx(forest, len(features), "miner_health", features)
    path = os.path.join(args.out, "miner-health.onnx")
    onnx.save(model, path)

    predicted = forest.predict(x_test)
    precision, recall, _, support = precision_recall_fscore_support(y_test, predicted, labels=range(len(classes)), zero_division=0)
    matrix = confusion_matrix(y_test, predicted, labels=range(len(classes)))
    started = time.perf_counter()
    forest.predict_proba(x_test)
    per_row_us = (time.perf_counter() - started) / len(x_test) * 1e6

    golden_rows = x_test[:64]
    with open(os.path.join(args.out, "miner-health.golden.json"), "w") as f:
        json.dump({"features": features, "classes": classes, "inputs": golden_rows.tolist(),
                   "sklearn_probabilities": forest.predict_proba(golden_rows).tolist()}, f)

    with open(os.path.join(args.out, "miner-health.card.md"), "w") as f:
        f.write("# Model card: miner-health\n\n")
        f.write("Classifies one miner's health from its last 6 polls. Random forest (scikit-learn "
                f"{__import__('sklearn').__version__}, 40 trees, depth ≤ 10, balanced class weights, seed 7), exported by hand "
                "to ONNX `ai.onnx.ml` TreeEnsembleClassifier (opset 3); input `features` float [N, "
                f"{len(features)}], output `probabilities` float [N, {len(classes)}].\n\n")
        f.write("## Classes (output column order)\n\n" + "\n".join(f"{i}. `{c}`" for i, c in enumerate(classes)) + "\n\n")
        f.write("## Features (agent/EdgeFed.Agent/Features/MinerFeatures.cs; -1 = missing)\n\n")
        f.write("| # | feature | unit |\n|---:|---|---|\n")
        f.write("\n".join(f"| {i} | `{n}` | {FEATURE_UNITS.get(n, '')} |" for i, n in enumerate(features)) + "\n\n")
        f.write(f"## Data\n\n{len(x)} windows from `edgefed-agent features health` (an emulated farm of six firmware families, "
                "polled over loopback with the real protocols; labels are the emulator's ground truth at the last poll). "
                "The emulator's injected faults have crisp signatures (a stopped fan stops reporting, a failed board loses its chips, "
                "a curtailed unit reads 0 TH/s), so held-out scores on this data measure the pipeline, not skill on real fleets. "
                f"Split by miner (no miner on both sides): {len(x_train)} train, {len(x_test)} held out (25 % of miners, seed 7). Emulated data only: "
                "accuracy on real fleets is not measured by this card.\n\n")
        f.write("## Held-out results\n\n| class | precision | recall | support |\n|---|---:|---:|---:|\n")
        f.write("\n".join(f"| `{c}` | {precision[i]:.3f} | {recall[i]:.3f} | {support[i]} |" for i, c in enumerate(classes)) + "\n\n")
        f.write("Confusion matrix (rows: truth, columns: predicted, in class order):\n\n```\n")
        f.write("\n".join(" ".join(f"{v:5d}" for v in row) for row in matrix) + "\n```\n\n")
        f.write(f"## Size and cost\n\n{os.path.getsize(path)} bytes; scikit-learn predict_proba {per_row_us:.1f} µs per row "
                "(batch of the held-out set, this machine). ONNX Runtime cost in the agent: see docs/benchmarks.md.\n")
    print(json.dumps({"rows": len(x), "classes": classes, "recall": dict(zip(classes, [round(float(r), 3) for r in recall]))}))


if __name__ == "__main__":
    main()
