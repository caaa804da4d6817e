#!/usr/bin/python3
"""Golden values for dev.unmask.metrics from scikit-learn, numpy and scipy.

Run from the repository root with Debian's Python (it has sklearn; the pyenv python3 does not):
    /usr/bin/python3 tools/goldens/metrics/make_sklearn_goldens.py
Writes core/src/test/resources/goldens/metrics/sklearn_metrics.json, read by SklearnGoldenTest.

Oracles:
- roc_auc_score, average_precision_score, roc_curve(drop_intermediate=False), precision_recall_curve;
- EER as DeepfakeBench computes it: brentq(lambda x: 1 - x - interp1d(fpr, tpr)(x), 0, 1) on sklearn's ROC;
- F1-max and best Dice by brute force over every distinct score (prediction: score >= t), ties to the
  highest threshold;
- np.percentile (default method "linear").
roc_curve's first threshold (max + 1 in sklearn 1.2, +inf from 1.3) is left out; JSON cannot hold inf.
"""
import json
import os

import numpy as np
import scipy
import sklearn
from scipy.interpolate import interp1d
from scipy.optimize import brentq
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve

OUT = "core/src/test/resources/goldens/metrics/sklearn_metrics.json"


def eer_deepfakebench(labels, scores):
    fpr, tpr, _ = roc_curve(labels, scores)
    return brentq(lambda x: 1.0 - x - interp1d(fpr, tpr)(x), 0.0, 1.0)


def best_f1(labels, scores):
    labels = labels.astype(bool)
    best, best_t = -1.0, None
    for t in np.unique(scores)[::-1]:
        pred = scores >= t
        tp = np.sum(pred & labels)
        fp = np.sum(pred & ~labels)
        fn = np.sum(~pred & labels)
        f1 = 2.0 * tp / (2.0 * tp + fp + fn)
        if f1 > best:
            best, best_t = f1, t
    return float(best), float(best_t)


def case(name, labels, scores):
    labels = np.asarray(labels, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    fpr, tpr, roc_t = roc_curve(labels, scores, drop_intermediate=False)
    precision, recall, pr_t = precision_recall_curve(labels, scores)
    f1, f1_t = best_f1(labels, scores)
    return {
        "name": name,
        "labels": labels.tolist(),
        "scores": scores.tolist(),
        "roc_auc": float(roc_auc_score(labels, scores)),
        "average_precision": float(average_precision_score(labels, scores)),
        "roc_fpr": fpr.tolist(),
        "roc_tpr": tpr.tolist(),
        "roc_thresholds_after_first": roc_t[1:].tolist(),
        "pr_precision": precision.tolist(),
        "pr_recall": recall.tolist(),
        "pr_thresholds": pr_t.tolist(),
        "eer": float(eer_deepfakebench(labels, scores)),
        "f1_max": f1,
        "f1_max_threshold": f1_t,
    }


def pixel_case(rng):
    """Three 12x10 float32 maps: a bright blob on the mask plus noise, values rounded to create ties."""
    maps, masks = [], []
    for m in range(3):
        yy, xx = np.mgrid[0:12, 0:10]
        mask = ((yy - 4 - m) ** 2 + (xx - 5) ** 2) <= (2 + m) ** 2 if m < 2 else np.zeros((12, 10), bool)
        score = 0.6 * mask + rng.normal(0.0, 0.35, size=mask.shape)
        score = np.round(score * 8) / 8
        maps.append(score.astype(np.float32))
        masks.append(mask)
    flat_scores = np.concatenate([s.ravel() for s in maps]).astype(np.float64)
    flat_labels = np.concatenate([k.ravel() for k in masks]).astype(np.int64)
    dice, dice_t = best_f1(flat_labels, flat_scores)
    return {
        "maps": [s.ravel().astype(np.float64).tolist() for s in maps],
        "masks": [k.ravel().astype(int).tolist() for k in masks],
        "roc_auc": float(roc_auc_score(flat_labels, flat_scores)),
        "average_precision": float(average_precision_score(flat_labels, flat_scores)),
        "best_dice": dice,
        "best_dice_threshold": dice_t,
    }


def main():
    rng = np.random.default_rng(20261121)
    cases = []

    labels = rng.random(60) < 0.4
    scores = np.round(rng.normal(0.0, 1.0, 60) + 0.8 * labels, 1)  # one decimal: many ties
    cases.append(case("ties", labels, scores))

    labels = rng.random(400) < 0.05
    scores = rng.normal(0.0, 1.0, 400) + 1.5 * labels
    cases.append(case("imbalanced", labels, scores))

    labels = rng.random(80) < 0.5
    scores = rng.integers(0, 5, 80).astype(np.float64) + 1.0 * labels  # integer scores: heavy ties
    cases.append(case("coarse_integers", labels, scores))

    labels = np.array([0, 0, 1, 1])
    cases.append(case("sklearn_docs", labels, [0.1, 0.4, 0.35, 0.8]))

    percent_list = [0.0, 2.5, 10.0, 50.0, 90.0, 95.0, 98.0, 99.9, 100.0]
    percentiles = []
    for name, values in [("normal_101", rng.normal(5.0, 2.0, 101)),
                         ("uniform_7", rng.random(7)),
                         ("ties_12", np.round(rng.normal(0.0, 1.0, 12), 0))]:
        percentiles.append({"name": name, "values": values.tolist(), "percents": percent_list,
                            "results": [float(np.percentile(values, q)) for q in percent_list]})

    golden = {
        "generator": "tools/goldens/metrics/make_sklearn_goldens.py",
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "cases": cases,
        "pixel": pixel_case(rng),
        "percentiles": percentiles,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
