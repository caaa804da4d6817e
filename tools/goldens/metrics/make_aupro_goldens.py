#!/usr/bin/python3
"""Golden values for dev.unmask.metrics.PerRegionOverlap (AUPRO) from numpy and scikit-image.

Run from the repository root with Debian's Python (numpy, scikit-image, scikit-learn, OpenCV):
    /usr/bin/python3 tools/goldens/metrics/make_aupro_goldens.py
Writes core/src/test/resources/goldens/metrics/aupro.json, read by AuproGoldenTest.

The oracle, written from the definition (Bergmann et al., MVTec AD; the metric anomalib's AUPRO estimates):
- regions: the 8-connected components of every image's ground-truth mask (skimage.measure.label with
  connectivity=2), numbered across all images; anomalib labels with cv2.connectedComponents, whose default
  connectivity is 8 (its GPU path, kornia's connected_components, grows labels by 3x3 max-pooling: 8 too),
  and the script checks that OpenCV gives the same partition;
- for every distinct score t (prediction: score >= t) counted by brute force: FPR(t) = normal pixels >= t /
  normal pixels, over all images; PRO(t) = mean over regions of (region pixels >= t) / region pixels;
- the curve (0, 0), then (FPR, PRO) at each t in descending order; its trapezoidal area from FPR 0 up to the
  limit, the point at the limit interpolated linearly on the segment that crosses it; divided by the limit.
Beside it, for information only (the Java test does not compare with it), "anomalib_resampled": anomalib's
own procedure re-expressed in numpy, float64 (anomalib runs it in float32): a ROC curve per region on the
normal pixels and that region, resampled onto a common index grid and averaged. On one region with the
limit at 1 it is the exact area, which the script checks; elsewhere it cuts corners of the curve.
"""
import json
import os

import cv2
import numpy as np
import skimage
from skimage.measure import label
from sklearn.metrics import roc_curve

OUT = "core/src/test/resources/goldens/metrics/aupro.json"
LIMITS = [0.3, 0.1, 0.02, 1.0]


def regions(masks):
    """Global region id per pixel (0 = normal), 8-connectivity, and the number of regions."""
    ids = []
    count = 0
    for mask in masks:
        labelled = label(mask.astype(np.uint8), connectivity=2)
        _, opencv = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
        assert same_partition(labelled, opencv), "scikit-image and OpenCV disagree"
        ids.append(np.where(labelled > 0, labelled + count, 0))
        count += int(labelled.max())
    return ids, count


def same_partition(a, b):
    pairs = set(zip(a.ravel().tolist(), b.ravel().tolist()))
    return len(pairs) == len(set(a.ravel().tolist())) == len(set(b.ravel().tolist()))


def exact_aupro(maps, masks, limit):
    ids, count = regions(masks)
    scores = np.concatenate([m.ravel() for m in maps]).astype(np.float64)
    region = np.concatenate([r.ravel() for r in ids])
    normal = region == 0
    fpr = [0.0]
    pro = [0.0]
    for t in np.unique(scores)[::-1]:
        above = scores >= t
        fpr.append(np.sum(above & normal) / np.sum(normal))
        pro.append(np.mean([np.mean(above[region == k]) for k in range(1, count + 1)]))
    fpr = np.array(fpr)
    pro = np.array(pro)
    last = np.nonzero(fpr <= limit)[0][-1]
    x = list(fpr[:last + 1])
    y = list(pro[:last + 1])
    if fpr[last] < limit:
        share = (limit - fpr[last]) / (fpr[last + 1] - fpr[last])
        x.append(limit)
        y.append(pro[last] + share * (pro[last + 1] - pro[last]))
    return float(np.trapz(y, x) / limit)


def roc(scores, labels):
    """torchmetrics' binary_roc without thresholds: every distinct score, (0, 0) first."""
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    return fpr, tpr


def anomalib_interp1d(old_x, old_y, new_x):
    eps = np.finfo(np.float32).eps  # the eps of anomalib's float32 tensors
    slope = (old_y[1:] - old_y[:-1]) / (eps + (old_x[1:] - old_x[:-1]))
    idx = np.clip(np.searchsorted(old_x, new_x) - 1, 0, old_x.size - 2)
    return old_y[idx] + slope[idx] * (new_x - old_x[idx])


def anomalib_resampled_aupro(maps, masks, limit):
    ids, count = regions(masks)
    preds = np.concatenate([m.ravel() for m in maps]).astype(np.float64)
    target = np.concatenate([k.ravel() for k in masks]).astype(np.int64)
    cca = np.concatenate([r.ravel() for r in ids])
    output_size = int(np.sum(roc(preds, target)[0] <= limit))
    tpr_sum = np.zeros(output_size)
    fpr_sum = np.zeros(output_size)
    new_idx = np.arange(output_size, dtype=np.float64)
    background = cca == 0
    for k in range(1, count + 1):
        new_idx[-1] = output_size - 1
        mask = cca == k
        chosen = background | mask
        f, t = roc(preds[chosen], mask[chosen].astype(np.int64))
        f_limit = f[f > limit].min() if f[f <= limit].max() == 0 else limit
        idx = np.nonzero(f <= f_limit)[0]
        interpolate = not np.isclose(f[idx].max(), limit, rtol=1e-5, atol=1e-8)
        if interpolate:
            crossing = np.searchsorted(f, limit)
            idx = np.append(idx, crossing)
            share = 1 - (f[crossing] - limit) / (f[crossing] - f[crossing - 1])
        f = f[idx]
        t = t[idx]
        position = idx.astype(np.float64) / idx.max() * new_idx.max()
        if interpolate:
            new_idx[-1] = position[-2] + (position[-1] - position[-2]) * share
        tpr_sum += anomalib_interp1d(position, t, new_idx)
        fpr_sum += anomalib_interp1d(position, f, new_idx)
    tpr = tpr_sum / count
    fpr = fpr_sum / count
    order = np.argsort(fpr, kind="stable")
    return float(np.trapz(tpr[order], fpr[order]) / fpr[-1])


def case(name, maps, masks, note):
    maps = [np.asarray(m, dtype=np.float32) for m in maps]
    masks = [np.asarray(k, dtype=bool) for k in masks]
    height, width = masks[0].shape
    _, count = regions(masks)
    four = sum(int(label(k.astype(np.uint8), connectivity=1).max()) for k in masks)
    return {
        "name": name,
        "note": note,
        "height": height,
        "width": width,
        "maps": [m.ravel().astype(np.float64).tolist() for m in maps],
        "masks": [k.ravel().astype(int).tolist() for k in masks],
        "regions_8_connected": count,
        "regions_4_connected": four,
        "limits": LIMITS,
        "aupro": [exact_aupro(maps, masks, limit) for limit in LIMITS],
        "anomalib_resampled": [anomalib_resampled_aupro(maps, masks, limit) for limit in LIMITS],
    }


def blob_masks(rng, count, height, width, share):
    """Masks of smoothed noise above a quantile: a few irregular regions of varied size per image."""
    masks = []
    for _ in range(count):
        noise = rng.normal(size=(height, width))
        smooth = noise.copy()
        for _ in range(3):
            smooth = (smooth + np.roll(smooth, 1, 0) + np.roll(smooth, -1, 0)
                      + np.roll(smooth, 1, 1) + np.roll(smooth, -1, 1)) / 5
        masks.append(smooth > np.quantile(smooth, 1 - share))
    return masks


def main():
    rng = np.random.default_rng(20261204)
    cases = []

    # two pixels touching only at a corner: one region under 8-connectivity, two under 4
    mask = np.zeros((6, 7), bool)
    mask[1, 1] = mask[2, 2] = True
    mask[4, 4:7] = True
    score = np.full((6, 7), 0.1)
    score[1, 1], score[2, 2] = 0.9, 0.2
    score[4, 4:7] = [0.8, 0.5, 0.5]
    score[0, :] = [0.5, 0.3, 0.3, 0.7, 0.1, 0.2, 0.9]
    empty = np.zeros((6, 7), bool)
    cases.append(case("hand_diagonal_and_empty_image", [score, np.round(score[::-1] * 0.5, 1)],
                      [mask, empty], "a diagonal pair, a bar, an image without anomalies; ties across classes"))

    masks = blob_masks(rng, 4, 12, 16, 0.2)
    masks[2][:] = False
    maps = [0.7 * k + rng.normal(0.0, 0.4, size=k.shape) for k in masks]
    cases.append(case("random_blobs_continuous", maps, masks, "several regions per image, one image normal"))

    maps = [np.round((0.6 * k + rng.normal(0.0, 0.35, size=k.shape)) * 4) / 4 for k in masks]
    cases.append(case("random_blobs_ties", maps, masks, "scores on a grid of 0.25: heavy ties"))

    masks = blob_masks(rng, 3, 10, 10, 0.3)
    maps = [rng.integers(0, 5, size=k.shape) + 1.0 * k for k in masks]
    cases.append(case("integer_scores", maps, masks, "five levels plus one for anomalies: ties everywhere"))

    small = np.zeros((5, 5), bool)
    small[1:3, 1:3] = True
    big = np.zeros((5, 5), bool)
    big[:, 3:] = True
    cases.append(case("one_region_per_image_unequal_sizes",
                      [small * 0.6 + rng.random((5, 5)) * 0.5, big * 0.2 + rng.random((5, 5)) * 0.5], [small, big],
                      "a 4-pixel and a 10-pixel region weigh the same"))

    one = np.zeros((8, 8), bool)
    one[2:6, 3:7] = True
    cases.append(case("single_region", [one * 0.5 + rng.random((8, 8))], [one],
                      "one region: with the limit at 1 the area is the pixel AUROC"))

    cases.append(case("perfect", [k * 1.0 for k in masks], masks, "every anomalous pixel above every normal one"))

    for c in cases:
        if c["regions_8_connected"] == 1:
            assert abs(c["aupro"][LIMITS.index(1.0)] - c["anomalib_resampled"][LIMITS.index(1.0)]) < 1e-6, c["name"]

    golden = {
        "generator": "tools/goldens/metrics/make_aupro_goldens.py",
        "numpy_version": np.__version__,
        "skimage_version": skimage.__version__,
        "opencv_version": cv2.__version__,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    for c in cases:
        print(c["name"], c["regions_8_connected"], c["regions_4_connected"],
              ["%.6f/%.6f" % (a, b) for a, b in zip(c["aupro"], c["anomalib_resampled"])])


if __name__ == "__main__":
    main()
