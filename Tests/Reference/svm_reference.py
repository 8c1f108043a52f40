#!/usr/bin/env python3
"""Golden values for Lethe's RBF SVM, MIA-efficacy and feature statistics (a dev check; not a project dependency).

Usage (from the repository root):
    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install numpy scikit-learn
    /tmp/ref/bin/python Tests/Reference/svm_reference.py

Writes, next to this script:
  svm_data.csv       set,feature — 300 members, 300 non-members, 200 forget samples (float32 values, written with
                     9 significant digits so Swift parses the identical float32)
  svm_golden.json    sklearn SVC(C=3, kernel='rbf', gamma='auto') fitted on members (1) vs non-members (0), exactly as
                     OPTML-Group/Unlearn-Saliency evaluation/SVC_MIA.py does: decision_function and predict on a
                     50-point grid over [0, 1], n_support, intercept, the forget set's decision values and MIA-efficacy
                     (percent of forget samples predicted non-member)
  stats_data.csv     label,f0,f1,f2 — 14 rows of 3-D features over 3 classes
  stats_golden.json  numpy per-class count, mean and population variance (ddof=0)
Tests/LetheUnlearningTests/ReferenceTests.swift reads all four files.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.svm import SVC

HERE = os.path.dirname(os.path.abspath(__file__))


def f32_text(values):
    return ["%.9g" % v for v in np.asarray(values, dtype=np.float32)]


def svm_reference(rng):
    # Members are confident (skewed towards 1), non-members less so; the forget set mixes both.
    members = rng.beta(6.0, 1.0, 300).astype(np.float32)
    non_members = rng.beta(2.5, 1.2, 300).astype(np.float32)
    forget = np.concatenate([rng.beta(6.0, 1.0, 120), rng.beta(2.5, 1.2, 80)]).astype(np.float32)
    with open(os.path.join(HERE, "svm_data.csv"), "w") as out:
        out.write("set,feature\n")
        for name, values in (("member", members), ("nonmember", non_members), ("forget", forget)):
            for text in f32_text(values):
                out.write(f"{name},{text}\n")
    # Read back through the text, so the reference sees exactly what Swift parses.
    parse = lambda v: np.array([float(t) for t in f32_text(v)], dtype=np.float32)
    members, non_members, forget = parse(members), parse(non_members), parse(forget)

    x = np.concatenate([members, non_members]).reshape(-1, 1).astype(np.float64)
    y = np.concatenate([np.ones(len(members)), np.zeros(len(non_members))])
    clf = SVC(C=3, gamma="auto", kernel="rbf").fit(x, y)
    grid = np.linspace(0, 1, 50).astype(np.float32)
    grid_x = grid.reshape(-1, 1).astype(np.float64)
    forget_x = forget.reshape(-1, 1).astype(np.float64)
    golden = {
        "sklearn": sklearn.__version__,
        "grid": [float(v) for v in grid],
        "decision": clf.decision_function(grid_x).tolist(),
        "prediction": [bool(v) for v in clf.predict(grid_x) == 1],
        "n_support": int(clf.n_support_.sum()),
        "intercept": float(clf.intercept_[0]),
        "forget_decision": clf.decision_function(forget_x).tolist(),
        "mia_efficacy": float(100 * (1 - clf.predict(forget_x).mean())),
    }
    with open(os.path.join(HERE, "svm_golden.json"), "w") as out:
        json.dump(golden, out, indent=1)
    print("SVM: n_support", golden["n_support"], "intercept", golden["intercept"],
          "MIA-efficacy", golden["mia_efficacy"])


def stats_reference(rng):
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 0, 1, 2, 2, 0, 1, 2])
    features = (rng.normal(size=(len(labels), 3)) * [1.0, 3.0, 0.2] + labels[:, None]).astype(np.float32)
    with open(os.path.join(HERE, "stats_data.csv"), "w") as out:
        out.write("label,f0,f1,f2\n")
        for label, row in zip(labels, features):
            out.write(f"{label}," + ",".join(f32_text(row)) + "\n")
    features = np.array([[float(t) for t in f32_text(row)] for row in features], dtype=np.float32).astype(np.float64)
    golden = {"classes": []}
    for c in range(3):
        rows = features[labels == c]
        golden["classes"].append({"count": int(len(rows)), "mean": rows.mean(axis=0).tolist(),
                                  "variance": rows.var(axis=0, ddof=0).tolist()})
    with open(os.path.join(HERE, "stats_golden.json"), "w") as out:
        json.dump(golden, out, indent=1)
    print("statistics: counts", [c["count"] for c in golden["classes"]])


if __name__ == "__main__":
    rng = np.random.default_rng(20240607)
    svm_reference(rng)
    stats_reference(rng)
