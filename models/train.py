"""Trains EdgeFed's three on-device models from the C# featuriser's CSV files and exports each by hand to ONNX.

Usage: python3 models/train.py --data TRAINING_DIR [--out models/]
TRAINING_DIR holds what `edgefed-sim features --out TRAINING_DIR` writes. For each model this writes NAME.onnx,
NAME.golden.json (inputs with scikit-learn's probabilities), NAME.card.md (the model card) and NAME.card.json (the
machine-readable part of the card the agent checks at start). Fixed seeds: the same CSVs give the same files.
"""
import argparse
import csv
import json
import os
import sys
import time

import numpy as np
import onnx
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import GroupShuffleSplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tree_ensemble_onnx  # noqa: E402

UNITS = {
    "hashrate_ratio_mean": "ratio", "hashrate_ratio_min": "ratio", "hashrate_ratio_trend": "ratio",
    "chip_temp_max_c": "°C", "chip_temp_trend_c": "°C", "board_temp_max_c": "°C", "dead_chip_fraction": "ratio",
    "worst_board_ratio": "ratio", "fans_reporting_fraction": "ratio", "fan_rpm_min_ratio": "ratio", "family_code": "MinerFamily enum", "watts_per_th": "W/(TH/s)",
    "unreachable_fraction": "ratio", "curtailed_fraction": "ratio", "zero_hashrate_fraction": "ratio",
    "errors_per_poll": "errors", "nominal_ths": "TH/s", "hashrate_ths": "TH/s", "power_w": "W", "boards": "count",
    "chips_max_board": "chips", "chips_total": "chips", "fans": "count", "fan_rpm_mean": "rpm", "ghs_per_chip": "GH/s",
    "scriptsig_bytes": "bytes", "scriptsig_longest_printable_run": "bytes",
}

MODELS = [
    {
        "name": "miner-health", "train": "health.csv", "real": "real-health.csv", "depth": 12,
        "floors": "on an unseen emulated farm (120 miners, seed 11): accuracy ≥ 0.93 and recall ≥ 0.7 for every class with "
                  "≥ 15 windows; on the real replies: every label right (rules plus model).",
        "what": "One miner's health from its last 6 polls (agent/EdgeFed.Agent/Features/MinerFeatures.cs).",
        "data": "windows of 6 polls from `edgefed-sim features` (an emulated farm of the twelve firmware families polled over "
                "loopback with their real protocols, 10 s apart on a manual clock; labels are the emulator's ground truth at the "
                "last poll). Faults develop over two minutes as the firmware's own do: an overheating unit's chips climb to the "
                "limit and it then stops hashing with its fans flat out (thermal protection); a sleeping unit shows zero hashrate "
                "with cool boards and slow fans; a dying hashboard loses its chips until it hashes nothing; a failed fan slows to "
                "0 rpm while the chips warm. Faults are labelled from their onset, so early windows of a fault look healthy: that is "
                "where the errors are. Offline, firmware-reported curtailment and thermal protection (zero hashrate, chips ≥ 85 °C) "
                "are decided by rules in the agent, but stay in the model so that it is complete on its own.",
        "real_data": "every real reply in `data/miner-api` whose state can be read from the reply itself, labelled in "
                     "`agent/EdgeFed.Emulator/Training/RealReplyLabels.cs` (each with its reason; the ePIC and Auradine captures "
                     "cannot be labelled and are listed, not scored). One reply stands for a steady window of six identical polls. "
                     "The column `rule` is what the agent's rules decide before the model is asked; `final` is what the agent "
                     "reports. Not a blind test: the first model trained here called four of the healthy replies fan_fault or "
                     "overheating, which showed that the emulator's fans and temperatures were too uniform (real intake and "
                     "exhaust fans differ by up to 16 %, MicroBT chips run at ~90 °C); the emulator was widened accordingly. "
                     "Likewise the Braiins OS 21.09 capture (an S9 with 2 fans in 4 slots) was first called fan_fault: the expected "
                     "fan count now comes from the hardware signature (boards x chips) when the firmware names no model. No "
                     "real capture shows a fault other than curtailment, so the fault classes are measured on the emulator only; "
                     "seventeen replies are far too few to state an accuracy on real fleets.",
    },
    {
        "name": "miner-model", "train": "hardware.csv", "real": "real-hardware.csv", "depth": 14,
        "floors": "on an unseen emulated farm: accuracy ≥ 0.9; on the real replies with the model name hidden: at least 10 of "
                  "the 12 known models, and the vendor of all but three of the mining units.",
        "what": "The hardware model behind a miner from its performance signature only (agent/EdgeFed.Agent/Features/"
                "HardwareFeatures.cs): for firmware that hides or fakes the model. The agent derives the vendor by summing "
                "the probabilities of each vendor's models.",
        "data": "single polls of mining units of the emulated farm (the catalogue models in twelve firmware families; Braiins "
                "OS, LuxOS and ePIC units run autotuned profiles at 55-110 % of nominal, so nominal hashrate alone does not decide).",
        "real_data": "the real replies whose model is known from the reply itself (Antminer S19 Pro, LuxOS S19k Pro, Avalon 1246, "
                     "Bitaxe Supra by its BM1368 ASIC, SEALMINER A2, Whatsminer M60S, the Braiins OS API's S19 XP and S21 Pro, "
                     "ePIC's S19 XP, Auradine AT1500, Proto Rig); the Whatsminer v1/v2 and Avalon Q replies count for the vendor only.",
    },
    {
        "name": "pool-fallback", "train": "pools.csv", "real": "real-pools.csv", "depth": 12,
        "floors": "on unseen synthetic layouts (seed 99): accuracy ≥ 0.8; on the real coinbases: at least 7 of the 12 whose "
                  "pool is a class.",
        "what": "The likely pool behind a coinbase that matches no catalogue address or tag, from its layout only "
                "(agent/EdgeFed.Agent/Features/CoinbaseFeatures.cs). It never overrides an address or tag match.",
        "data": "synthetic coinbases from `agent/EdgeFed.Agent/Emulator/CoinbaseLayouts.cs`, tag text scrambled and payout keys "
                "fresh (the case the fallback exists for). The layouts of GBMiners, BTC.TOP, ViaBTC, AntPool and DPOOL are read "
                "off the real coinbases; those of Foundry USA, F2Pool, Braiins Pool, Luxor, Ocean.xyz and Binance Pool are "
                "assumptions (payout script types from their catalogue addresses, commitment rates assumed). Held-out scores "
                "therefore measure how separable these layouts are, not accuracy on today's blocks.",
        "real_data": "the 13 real coinbases of `data/blocks/coinbase-sample.jsonl`, labelled by the catalogue rules; rows whose "
                     "pool is not a class of the model are listed but not scored. The five real-sample layouts were read off "
                     "these same rows, so agreement there shows consistency, not generalisation.",
    },
]


def load(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    n = next(i for i, h in enumerate(header) if h.startswith("meta_") or h in ("group", "label"))
    meta = {h: [r[i] for r in body] for i, h in enumerate(header) if h.startswith("meta_")}
    x = np.array([[float(v) for v in r[:n]] for r in body], dtype=np.float32).reshape(len(body), n)
    return header[:n], x, meta, [r[header.index("group")] for r in body], [r[header.index("label")] for r in body]


def table(classes, y_true, y_pred):
    precision, recall, _, support = precision_recall_fscore_support(y_true, y_pred, labels=range(len(classes)), zero_division=0)
    lines = ["| class | precision | recall | support |", "|---|---:|---:|---:|"]
    lines += [f"| `{c}` | {precision[i]:.3f} | {recall[i]:.3f} | {support[i]} |" for i, c in enumerate(classes) if support[i] > 0 or precision[i] > 0]
    matrix = confusion_matrix(y_true, y_pred, labels=range(len(classes)))
    lines += ["", "Confusion matrix (rows: truth, columns: predicted, in class order):", "", "```"]
    lines += [" ".join(f"{v:5d}" for v in row) for row in matrix] + ["```"]
    return "\n".join(lines), {c: round(float(recall[i]), 3) for i, c in enumerate(classes) if support[i] > 0}


def train(spec, data_dir, out_dir):
    features, x, meta, groups, labels = load(os.path.join(data_dir, spec["train"]))
    classes = sorted(set(labels))
    y = np.array([classes.index(label) for label in labels])
    # Split by group (a miner, or a run of 25 coinbases): near-duplicate rows must not sit on both sides.
    train_idx, test_idx = next(GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=7).split(x, y, groups))
    forest = RandomForestClassifier(n_estimators=40, max_depth=spec["depth"], min_samples_leaf=2, class_weight="balanced",
                                    random_state=7).fit(x[train_idx], y[train_idx])
    name = spec["name"]
    path = os.path.join(out_dir, f"{name}.onnx")
    onnx.save(tree_ensemble_onnx.random_forest_to_onnx(forest, len(features), name.replace("-", "_"), features), path)

    held_table, held_recall = table(classes, y[test_idx], forest.predict(x[test_idx]))
    started = time.perf_counter()
    forest.predict_proba(x[test_idx])
    per_row_us = (time.perf_counter() - started) / len(test_idx) * 1e6

    real_features, real_x, real_meta, real_groups, real_labels = load(os.path.join(data_dir, spec["real"]))
    assert real_features == features, f"{spec['real']} has other features than {spec['train']}"
    real_proba = forest.predict_proba(real_x)
    rules = real_meta.get("meta_rule")
    real_rows, scored, correct = [], 0, 0
    per_class = {}
    vendor_of = dict(zip(labels, meta.get("meta_vendor", [""] * len(labels))))
    for i, group in enumerate(real_groups):
        best = int(np.argmax(real_proba[i]))
        truth = real_labels[i]
        in_classes = truth in classes
        scored += in_classes
        correct += in_classes and classes[best] == truth
        row = {"reply": group, "truth": truth or "(not labelled)", "predicted": classes[best], "probability": round(float(real_proba[i][best]), 3),
               "scored": in_classes}
        if rules is not None:
            final = rules[i] or classes[best]
            row["rule"] = rules[i] or "-"
            row["final"] = final
        if truth:
            c = per_class.setdefault(truth, {"replies": 0, "model": 0} | ({"final": 0, "rule": 0} if rules is not None else {}))
            c["replies"] += 1
            c["model"] += classes[best] == truth
            if rules is not None:
                c["final"] += row["final"] == truth
                c["rule"] += bool(rules[i])
        if "meta_vendor" in real_meta:
            vendors = {}
            for c, p in zip(classes, real_proba[i]):
                vendors[vendor_of[c]] = vendors.get(vendor_of[c], 0) + p
            row["vendor_truth"] = real_meta["meta_vendor"][i]
            row["vendor_predicted"] = max(vendors, key=vendors.get)
        real_rows.append(row)

    golden = np.concatenate([x[test_idx][:64], real_x])
    with open(os.path.join(out_dir, f"{name}.golden.json"), "w") as f:
        json.dump({"features": features, "classes": classes, "inputs": golden.tolist(),
                   "sklearn_probabilities": forest.predict_proba(golden).tolist()}, f)
    card = {"name": name, "input": "features", "output": "probabilities", "features": features, "classes": classes,
            "vendors": {c: vendor_of[c] for c in classes} if "meta_vendor" in meta else None,
            "heldOutRecall": held_recall, "realAccuracy": {"correct": int(correct), "scored": int(scored)},
            "realPerClass": {k: {kk: int(vv) for kk, vv in v.items()} for k, v in sorted(per_class.items())}}
    with open(os.path.join(out_dir, f"{name}.card.json"), "w") as f:
        json.dump(card, f, indent=1)

    with open(os.path.join(out_dir, f"{name}.card.md"), "w") as f:
        f.write(f"# Model card: {name}\n\n{spec['what']}\n\n")
        f.write(f"Random forest (scikit-learn {sklearn.__version__}, 40 trees, depth ≤ {spec['depth']}, balanced class weights, "
                f"seed 7), exported by hand to ONNX `ai.onnx.ml` TreeEnsembleClassifier (opset 3): input `features` float "
                f"[N, {len(features)}], output `probabilities` float [N, {len(classes)}]. Regenerate with `models/regenerate.sh`.\n\n")
        f.write("## Classes (output column order)\n\n" + "\n".join(f"{i}. `{c}`" + (f" ({vendor_of[c]})" if "meta_vendor" in meta else "")
                                                              for i, c in enumerate(classes)) + "\n\n")
        f.write("## Features (-1 = missing)\n\n| # | feature | unit |\n|---:|---|---|\n")
        f.write("\n".join(f"| {i} | `{n}` | {UNITS.get(n, 'count' if n.startswith('outputs') else 'flag/ratio')} |" for i, n in enumerate(features)) + "\n\n")
        f.write(f"## Data\n\nTraining: {len(x)} rows, {spec['data']} Split by group: {len(train_idx)} train, {len(test_idx)} held out "
                "(25 % of the groups, seed 7).\n\n")
        f.write(f"## Held-out results (emulated/synthetic)\n\n{held_table}\n\n")
        f.write(f"## Real data (reported apart from the emulator hold-out)\n\n{spec['real_data']} Scored: {correct} of {scored} correct "
                "(the model alone).\n\n")
        if per_class:
            f.write("Per class" + (" (model alone; with the agent's rules first; decided by a rule)" if rules is not None else " (the model alone)") + ":\n\n")
            f.write("| class | replies | model right | " + ("with rules right | by rule |\n|---|---:|---:|---:|---:|\n" if rules is not None else "\n|---|---:|---:|\n"))
            for k, v in sorted(per_class.items()):
                f.write(f"| `{k}` | {v['replies']} | {v['model']} | " + (f"{v['final']} | {v['rule']} |\n" if rules is not None else "\n"))
            f.write("\n")
        keys = list(real_rows[0].keys())
        f.write("| " + " | ".join(keys) + " |\n|" + "---|" * len(keys) + "\n")
        f.write("\n".join("| " + " | ".join(str(r[k]) for k in keys) + " |" for r in real_rows) + "\n\n")
        f.write(f"## Floors asserted by the tests\n\n`tests/EdgeFed.Agent.Tests/Inference/ModelAccuracyTests.cs`, {spec['floors']}\n\n")
        f.write(f"## Size and cost\n\n{os.path.getsize(path)} bytes. scikit-learn predict_proba: {per_row_us:.1f} µs per row over the "
                "held-out batch; ONNX Runtime in the agent: see docs/benchmarks.md.\n")
    return {"model": name, "rows": len(x), "heldOutRecall": held_recall, "real": f"{correct}/{scored}"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for spec in MODELS:
        print(json.dumps(train(spec, args.data, args.out)))


if __name__ == "__main__":
    main()
