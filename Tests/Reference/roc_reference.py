#!/usr/bin/env python3
"""Golden values for Lethe's per-sample membership ROC (`MembershipROC`; a dev check, not a project dependency).

Usage (from the repository root):
    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install numpy scikit-learn
    /tmp/ref/bin/python Tests/Reference/roc_reference.py

Writes, next to this script:
  roc_data.csv      fixture,set,score — set is member or nonmember; float32 scores written with 9 significant digits
                    so Swift parses the identical float32. Three fixtures:
                      separated  400 confident members (0.6 + 0.4 u^0.3) against 500 wider non-members (u^0.7)
                      identical  600 members and 600 non-members from the same distribution (Beta(4, 1))
                      ties       300/300 scores rounded to 2 decimals, so most scores are shared by several samples
  roc_golden.json   {fixture: {auc, tpr_at_1pct_fpr}}: sklearn roc_auc_score, and the largest TPR among the points of
                    roc_curve(drop_intermediate=False) whose FPR is at most 0.01 (members are the positive class)
Tests/LetheUnlearningTests/MembershipROCTests.swift reads both files.
"""
import json
import os

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

HERE = os.path.dirname(os.path.abspath(__file__))
FPR = 0.01


def f32_text(values):
    return ["%.9g" % v for v in np.asarray(values, dtype=np.float32)]


def fixtures(rng):
    u = rng.uniform
    return {
        "separated": (0.6 + 0.4 * u(size=400) ** 0.3, u(size=500) ** 0.7),
        "identical": (rng.beta(4.0, 1.0, 600), rng.beta(4.0, 1.0, 600)),
        "ties": (np.round(rng.beta(5.0, 1.5, 300), 2), np.round(rng.beta(3.0, 1.5, 300), 2)),
    }


def tpr_at(labels, scores, fpr):
    # The full curve: with ties, drop_intermediate=True may drop a collinear point that lies at FPR <= fpr.
    fprs, tprs, _ = roc_curve(labels, scores, drop_intermediate=False)
    default_fprs, default_tprs, _ = roc_curve(labels, scores)
    full, default = tprs[fprs <= fpr].max(), default_tprs[default_fprs <= fpr].max()
    if full != default:
        print(f"  note: drop_intermediate=True would give TPR {default} instead of {full}")
    return float(full)


def golden_of(members, non_members):
    labels = np.concatenate([np.ones(len(members)), np.zeros(len(non_members))])
    scores = np.concatenate([members, non_members])
    return {"auc": float(roc_auc_score(labels, scores)), "tpr_at_1pct_fpr": tpr_at(labels, scores, FPR)}


if __name__ == "__main__":
    rng = np.random.default_rng(20261206)
    golden = {}
    with open(os.path.join(HERE, "roc_data.csv"), "w") as out:
        out.write("fixture,set,score\n")
        for name, (members, non_members) in fixtures(rng).items():
            sets = {"member": f32_text(members), "nonmember": f32_text(non_members)}
            for set_name, texts in sets.items():
                out.writelines(f"{name},{set_name},{text}\n" for text in texts)
            # Read back through the text, so the reference sees exactly what Swift parses.
            parse = lambda texts: np.array([float(t) for t in texts], dtype=np.float32)
            golden[name] = golden_of(parse(sets["member"]), parse(sets["nonmember"]))
            distinct = len(np.unique(np.concatenate([parse(t) for t in sets.values()])))
            print(f"{name}: {len(members)}/{len(non_members)} samples, {distinct} distinct scores, {golden[name]}")
    with open(os.path.join(HERE, "roc_golden.json"), "w") as out:
        json.dump(golden, out, indent=1)
