#!/usr/bin/env python3
"""Joins JMH results (-rf json) and the PyTorch peer results into one table: ours, PyTorch, ratio.

    compare.py JMH_JSON PEER_JSON [--markdown] [--peer NAME]

A JMH benchmark matches a workload when its method name, lower-cased and without underscores,
contains the workload id without underscores (vq_nn matches vqNn, vq_nn, vqnn...).
NAME heads the peer's column (PyTorch unless given; OpenCV for the faces workloads).
Both inputs count ops/s (JMH times per op are inverted). The ratio is ours / PyTorch in ops/s, so above 1
means Unmask is faster; for a workload shown as time per unit it is PyTorch's time / ours. Workloads shown
in other units than ops/s: sample_score in images/s (one op = 16 images), pixel_score in s/image (one op =
one image), the MesoNet workloads (meso4_*, mesoinception4_*) in images/s (one op = 32 images).
"""
import json
import sys

TO_SECONDS = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}
PER_SECOND = {"ops/s": 1.0, "ops/ms": 1e3, "ops/us": 1e6, "ops/ns": 1e9}
# workload -> (unit shown, ops/s -> that unit)
SHOWN = {"sample_score": ("images/s", lambda ops: ops * 16), "pixel_score": ("s/image", lambda ops: 1.0 / ops),
         **{w: ("images/s", lambda ops: ops * 32)
            for w in ["meso4_fwd", "meso4_train", "mesoinception4_fwd", "mesoinception4_train"]}}


def shown(workload, ops):
    return SHOWN.get(workload, ("ops/s", lambda v: v))[1](ops)


def unit(workload):
    return SHOWN.get(workload, ("ops/s", None))[0]


def ops_per_second(result):
    metric = result["primaryMetric"]
    unit = metric["scoreUnit"]
    if unit in PER_SECOND:
        return metric["score"] * PER_SECOND[unit]
    if unit in TO_SECONDS:
        return 1.0 / (metric["score"] * TO_SECONDS[unit])
    raise ValueError(f"unknown JMH unit {unit}")


def key(name):
    return name.lower().replace("_", "")


def main():
    jmh_path, peer_path = sys.argv[1], sys.argv[2]
    markdown = "--markdown" in sys.argv
    peer_name = sys.argv[sys.argv.index("--peer") + 1] if "--peer" in sys.argv else "PyTorch"
    with open(jmh_path) as f:
        jmh = json.load(f)
    with open(peer_path) as f:
        peer = json.load(f)
    rows = []
    for workload, theirs in peer.items():
        matches = [r for r in jmh if key(workload) in key(r["benchmark"].rsplit(".", 1)[-1])
                   # pixelScore runs per schedule: compare the one the library uses (incremental)
                   and r.get("params", {}).get("schedule", "incremental") == "incremental"]
        ours = ops_per_second(matches[0]) if matches else None
        rows.append((workload, ours, theirs, ours / theirs if ours else None))
    if markdown:
        print(f"| workload | unit | Unmask | {peer_name} | ratio |")
        print("|---|---|---:|---:|---:|")
        for w, o, t, r in rows:
            ours = f"{shown(w, o):.2f}" if o else "-"
            ratio = f"{r:.2f}x" if o else "-"
            print(f"| {w} | {unit(w)} | {ours} | {shown(w, t):.2f} | {ratio} |")
    else:
        print(f"{'workload':16s} {'unit':8s} {'Unmask':>12s} {peer_name:>12s} {'ratio':>8s}")
        for w, o, t, r in rows:
            ours = f"{shown(w, o):12.2f}" if o else f"{'-':>12s}"
            ratio = f"{r:7.2f}x" if o else f"{'-':>8s}"
            print(f"{w:16s} {unit(w):8s} {ours} {shown(w, t):12.2f} {ratio}")


if __name__ == "__main__":
    main()
