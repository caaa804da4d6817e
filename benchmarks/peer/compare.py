#!/usr/bin/env python3
"""Joins JMH results (-rf json) and the PyTorch peer results into one table: ours, PyTorch, ratio.

    compare.py JMH_JSON PEER_JSON [--markdown]

A JMH benchmark matches a workload when its method name, lower-cased and without underscores,
contains the workload id without underscores (vq_nn matches vqNn, vq_nn, vqnn...).
"""
import json
import sys

TO_SECONDS = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}
PER_SECOND = {"ops/s": 1.0, "ops/ms": 1e3, "ops/us": 1e6, "ops/ns": 1e9}


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
    with open(jmh_path) as f:
        jmh = json.load(f)
    with open(peer_path) as f:
        peer = json.load(f)
    rows = []
    for workload, theirs in peer.items():
        matches = [r for r in jmh if key(workload) in key(r["benchmark"].rsplit(".", 1)[-1])]
        ours = ops_per_second(matches[0]) if matches else None
        rows.append((workload, ours, theirs, ours / theirs if ours else None))
    if markdown:
        print("| workload | Unmask ops/s | PyTorch ops/s | ratio |")
        print("|---|---:|---:|---:|")
        for w, o, t, r in rows:
            print(f"| {w} | {o:.2f} | {t:.2f} | {r:.2f}x |" if o else f"| {w} | - | {t:.2f} | - |")
    else:
        print(f"{'workload':14s} {'Unmask ops/s':>14s} {'PyTorch ops/s':>14s} {'ratio':>8s}")
        for w, o, t, r in rows:
            print(f"{w:14s} {o:14.2f} {t:14.2f} {r:7.2f}x" if o else f"{w:14s} {'-':>14s} {t:14.2f} {'-':>8s}")


if __name__ == "__main__":
    main()
