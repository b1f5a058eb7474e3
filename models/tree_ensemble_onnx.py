"""Exports scikit-learn tree ensembles to ONNX by hand (ai.onnx.ml TreeEnsembleClassifier, opset 3), and
evaluates such an ensemble independently in float32 with numpy, the way the operator's spec defines it.

Written from the operator's specification (PROTOCOLS.md, "ONNX tree ensembles"); no converter library used.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper

ML_DOMAIN = "ai.onnx.ml"


def random_forest_to_onnx(forest, n_features, name, feature_names=None):
    """A RandomForestClassifier as TreeEnsembleClassifier: leaves vote class fractions / n_trees, no post-transform."""
    attrs = {k: [] for k in ("nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_modes", "nodes_values",
                             "nodes_truenodeids", "nodes_falsenodeids", "nodes_missing_value_tracks_true",
                             "nodes_hitrates", "class_treeids", "class_nodeids", "class_ids", "class_weights")}
    n_trees = len(forest.estimators_)
    for tree_id, estimator in enumerate(forest.estimators_):
        tree = estimator.tree_
        for node in range(tree.node_count):
            leaf = tree.children_left[node] == -1
            attrs["nodes_treeids"].append(tree_id)
            attrs["nodes_nodeids"].append(node)
            attrs["nodes_featureids"].append(0 if leaf else int(tree.feature[node]))
            attrs["nodes_modes"].append("LEAF" if leaf else "BRANCH_LEQ")
            attrs["nodes_values"].append(0.0 if leaf else _float32_at_or_below(tree.threshold[node]))
            attrs["nodes_truenodeids"].append(0 if leaf else int(tree.children_left[node]))
            attrs["nodes_falsenodeids"].append(0 if leaf else int(tree.children_right[node]))
            attrs["nodes_missing_value_tracks_true"].append(0)
            attrs["nodes_hitrates"].append(1.0)
            if leaf:
                counts = tree.value[node][0]
                fractions = counts / counts.sum()
                for class_id, fraction in enumerate(fractions):
                    if fraction == 0:
                        continue  # adds nothing to the class's sum; ONNX Runtime keeps every entry in memory
                    attrs["class_treeids"].append(tree_id)
                    attrs["class_nodeids"].append(node)
                    attrs["class_ids"].append(class_id)
                    attrs["class_weights"].append(float(fraction) / n_trees)
    classes = [int(c) for c in forest.classes_]
    return _classifier_model(attrs, classes, n_features, name, feature_names)


def drop_zero_class_weights(model):
    """The same TreeEnsembleClassifier without its zero class weights: each leaf then lists only the classes it votes
    for. Scores are unchanged (a sum without its zero terms); models exported before the exporter skipped them shrink
    to about a third of their entries, and ONNX Runtime's copy of them with it."""
    node = model.graph.node[0]
    attr = {a.name: a for a in node.attribute}
    keep = [i for i, w in enumerate(attr["class_weights"].floats) if w != 0]
    for name in ("class_treeids", "class_nodeids", "class_ids"):
        values = [attr[name].ints[i] for i in keep]
        del attr[name].ints[:]
        attr[name].ints.extend(values)
    weights = [attr["class_weights"].floats[i] for i in keep]
    del attr["class_weights"].floats[:]
    attr["class_weights"].floats.extend(weights)
    onnx.checker.check_model(model, full_check=True)
    return model


def _float32_at_or_below(threshold):
    """scikit-learn compares float32 inputs with float64 thresholds; the largest float32 <= the threshold makes the
    same decision for every float32 input, where rounding to nearest can flip inputs equal to the rounded value."""
    t32 = np.float32(threshold)
    if float(t32) > float(threshold):
        t32 = np.nextafter(t32, np.float32(-np.inf))
    return float(t32)


def _classifier_model(attrs, classes, n_features, name, feature_names):
    node = helper.make_node(
        "TreeEnsembleClassifier", ["features"], ["label", "probabilities"], domain=ML_DOMAIN,
        classlabels_int64s=classes, post_transform="NONE", **attrs)
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [None, n_features])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, len(classes)])])
    model = helper.make_model(graph, producer_name="edgefed-models", opset_imports=[
        helper.make_opsetid("", 13), helper.make_opsetid(ML_DOMAIN, 3)])
    model.ir_version = 8
    if feature_names:
        helper.set_model_props(model, {"features": ",".join(feature_names)})
    onnx.checker.check_model(model, full_check=True)
    return model


def evaluate(model, x):
    """Scores of a TreeEnsembleClassifier (post_transform NONE) for rows x, in float32 as ONNX Runtime does."""
    attr = {a.name: helper.get_attribute_value(a) for a in model.graph.node[0].attribute}
    x = np.asarray(x, dtype=np.float32)
    nodes = {}
    for i, (t, n) in enumerate(zip(attr["nodes_treeids"], attr["nodes_nodeids"])):
        nodes[(t, n)] = i
    leaf_weights = {}
    for t, n, c, w in zip(attr["class_treeids"], attr["class_nodeids"], attr["class_ids"], attr["class_weights"]):
        leaf_weights.setdefault((t, n), []).append((c, np.float32(w)))
    n_classes = len(attr["classlabels_int64s"])
    values = np.asarray(attr["nodes_values"], dtype=np.float32)
    scores = np.zeros((x.shape[0], n_classes), dtype=np.float32)
    for row in range(x.shape[0]):
        for tree in sorted(set(attr["nodes_treeids"])):
            i = nodes[(tree, 0)]
            while attr["nodes_modes"][i] != b"LEAF" and attr["nodes_modes"][i] != "LEAF":
                goes_true = x[row, attr["nodes_featureids"][i]] <= values[i]
                nxt = attr["nodes_truenodeids"][i] if goes_true else attr["nodes_falsenodeids"][i]
                i = nodes[(tree, nxt)]
            for c, w in leaf_weights.get((tree, attr["nodes_nodeids"][i]), []):
                scores[row, c] += w
    return scores
