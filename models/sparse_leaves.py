"""Rewrites committed models without their zero class weights (tree_ensemble_onnx.drop_zero_class_weights), without
retraining: the trees stay as they are. Each rewritten model must score its golden inputs bit for bit as before,
under the independent float32 evaluator, or the file is left alone and the script fails.

Usage: python3 models/sparse_leaves.py models/NAME.onnx ...   (NAME.golden.json beside each)
"""
import json
import os
import sys

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tree_ensemble_onnx  # noqa: E402


def main(paths):
    for path in paths:
        with open(path[: -len(".onnx")] + ".golden.json") as f:
            inputs = np.asarray(json.load(f)["inputs"], dtype=np.float32)
        model = onnx.load(path)
        before = tree_ensemble_onnx.evaluate(model, inputs)
        entries = class_entries(model)
        sparse = tree_ensemble_onnx.drop_zero_class_weights(model)
        after = tree_ensemble_onnx.evaluate(sparse, inputs)
        if not np.array_equal(before.view(np.uint32), after.view(np.uint32)):
            sys.exit(f"{path}: scores changed; left as it was")
        onnx.save(sparse, path)
        print(json.dumps({"model": path, "classEntries": entries, "kept": class_entries(sparse), "bytes": os.path.getsize(path)}))


def class_entries(model):
    return next(len(a.ints) for a in model.graph.node[0].attribute if a.name == "class_ids")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
