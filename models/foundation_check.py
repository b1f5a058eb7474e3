"""Builds the foundation check model: a small random forest on synthetic miner-like data, exported with
tree_ensemble_onnx.py, plus a golden file with scikit-learn's probabilities and an independent float32
evaluation (including inputs that sit exactly on float32 split thresholds). Deterministic (fixed seed).

Usage: python3 models/foundation_check.py OUT_DIR   -> OUT_DIR/foundation-check.onnx, OUT_DIR/foundation-check.golden.json
"""
import json
import os
import sys

import numpy as np
import onnx
from sklearn.ensemble import RandomForestClassifier

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tree_ensemble_onnx  # noqa: E402

FEATURES = ["hashrate_ratio", "chip_temp_c", "fan_rpm_k"]


def synthetic(rng, n):
    """Three classes a health model will need: healthy, overheating, underperforming."""
    labels = rng.integers(0, 3, n)
    ratio = np.where(labels == 2, rng.normal(0.6, 0.1, n), rng.normal(0.98, 0.03, n))
    temp = np.where(labels == 1, rng.normal(92, 4, n), rng.normal(68, 6, n))
    fan = rng.normal(5.5, 0.8, n)
    return np.column_stack([ratio, temp, fan]).astype(np.float32), labels


def main(out_dir):
    rng = np.random.default_rng(20261121)
    x, y = synthetic(rng, 600)
    forest = RandomForestClassifier(n_estimators=8, max_depth=5, random_state=7).fit(x, y)
    model = tree_ensemble_onnx.random_forest_to_onnx(forest, len(FEATURES), "foundation_check", FEATURES)

    probe, _ = synthetic(np.random.default_rng(99), 40)
    # Rows whose first split feature equals that split's float32 threshold exactly: the <= boundary.
    first = forest.estimators_[0].tree_
    boundary = probe[:4].copy()
    for k in range(4):
        boundary[k, first.feature[0]] = np.float32(first.threshold[0])
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, "foundation-check.onnx"))
    golden = {
        "features": FEATURES,
        "classes": [int(c) for c in forest.classes_],
        "inputs": probe.tolist(),
        "sklearn_probabilities": forest.predict_proba(probe).tolist(),
        "boundary_inputs": boundary.tolist(),
        "reference_probabilities": tree_ensemble_onnx.evaluate(model, boundary).tolist(),
    }
    with open(os.path.join(out_dir, "foundation-check.golden.json"), "w") as f:
        json.dump(golden, f)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
