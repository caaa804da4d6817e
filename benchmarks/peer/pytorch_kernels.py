#!/usr/bin/env python3
"""The DESIGN section 8 kernel workloads in PyTorch, written the way the Python tools write them.

Run with Debian's python3-torch (apt-get install -y python3-torch):
    /usr/bin/python3 benchmarks/peer/pytorch_kernels.py --threads 2 --out peer.json
Prints one line per workload and writes {workload: ops_per_second} as JSON.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F


def conv3x3():
    x = torch.randn(16, 128, 32, 32)
    w = torch.randn(128, 128, 3, 3)
    return lambda: F.conv2d(x, w, padding=1)


def vq_nn():
    # rosinality's Quantize.forward: ||z||^2 - 2 z.e + ||e||^2 over the full N x K matrix, then argmax(-dist)
    z = torch.randn(16384, 64)
    embed = torch.randn(64, 512)

    def run():
        dist = z.pow(2).sum(1, keepdim=True) - 2 * z @ embed + embed.pow(2).sum(0, keepdim=True)
        return (-dist).max(1)[1]
    return run


def attention():
    # rosinality's CausalAttention core: scores, causal mask, softmax, start mask, weighted sum
    b, heads, length, dim = 16, 8, 1024, 8
    q = torch.randn(b, heads, length, dim)
    k = torch.randn(b, heads, length, dim)
    v = torch.randn(b, heads, length, dim)
    mask = torch.tril(torch.ones(length, length), diagonal=-1).bool()
    start = torch.ones(length, 1)
    start[0] = 0

    def run():
        attn = q @ k.transpose(2, 3) / math.sqrt(dim)
        attn = attn.masked_fill(~mask, -1e4)
        attn = torch.softmax(attn, 3) * start
        return attn @ v
    return run


def minavg_pool():
    # Marimont & Tarroni's smoothing: -maxpool(-x) 3x3, then 7x7 average pool
    x = torch.rand(16, 1, 128, 128)

    def run():
        m = -F.max_pool2d(-x, 3, stride=1, padding=1)
        return F.avg_pool2d(m, 7, stride=1, padding=3)
    return run


WORKLOADS = {"conv3x3": conv3x3, "vq_nn": vq_nn, "attention": attention, "minavg_pool": minavg_pool}


def cpu_time(fn, warmup=2, calls=4):
    """Seconds of process CPU time of the best of `calls` calls after `warmup` untimed ones, under no_grad
    (a training workload enables grad itself). With one thread this matches
    dev.unmask.benchmarks.ModelCpuTime / KernelCpuTime, and it hardly moves when other jobs share the machine."""
    with torch.no_grad():
        for _ in range(warmup):
            fn()
        best = float("inf")
        for _ in range(calls):
            start = time.process_time()
            fn()
            best = min(best, time.process_time() - start)
    return best


def measure(fn, min_seconds, warmup=3, rounds=5):
    """Ops/s of `fn` under no_grad: the best of `rounds` rounds of at least `min_seconds`, after `warmup` calls."""
    with torch.no_grad():
        for _ in range(warmup):
            fn()
        best = 0.0
        for _ in range(rounds):
            n, start = 0, time.perf_counter()
            while True:
                fn()
                n += 1
                elapsed = time.perf_counter() - start
                if elapsed >= min_seconds:
                    break
            best = max(best, n / elapsed)
    return best


def model_main(workloads, batch, warmup=3, rounds=5, cpu_warmup=2, cpu_calls=4):
    """The command line every model peer script shares: each workload (a factory of a no-argument call that runs
    one batch of `batch` images) measured in ops/s with `threads` threads and written as JSON to --out, or with
    --cpu-time the best of `cpu_calls` calls after `cpu_warmup` in ms of CPU time on one thread."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=1.0, help="minimum time per measurement round")
    parser.add_argument("--warmup", type=int, default=warmup, help="untimed calls before the rounds")
    parser.add_argument("--rounds", type=int, default=rounds, help="timed rounds; the best one counts")
    parser.add_argument("--out", default=None)
    parser.add_argument("--cpu-time", action="store_true",
                        help=f"one thread; print the best of {cpu_calls} calls after {cpu_warmup} warm-up in ms of "
                             "CPU time, as the Java *CpuTime programs do")
    parser.add_argument("workloads", nargs="*", default=list(workloads))
    args = parser.parse_args()
    width = max(len(name) for name in workloads)
    if args.cpu_time:
        torch.set_num_threads(1)
        for name in args.workloads:
            ms = cpu_time(workloads[name](), warmup=cpu_warmup, calls=cpu_calls) * 1e3
            print(f"{name:{width}s} {ms:8.0f} ms CPU per batch of {batch}", flush=True)
        return
    torch.set_num_threads(args.threads)
    results = {}
    for name in args.workloads:
        results[name] = measure(workloads[name](), args.seconds, args.warmup, args.rounds)
        print(f"{name:{width}s} {results[name]:10.4f} ops/s = {results[name] * batch:9.2f} images/s  (batch {batch},"
              f" torch {torch.__version__}, {torch.get_num_threads()} threads)", flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=1.0, help="minimum time per measurement round")
    parser.add_argument("--out", default=None)
    parser.add_argument("workloads", nargs="*", default=list(WORKLOADS))
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    results = {}
    for name in args.workloads:
        results[name] = measure(WORKLOADS[name](), args.seconds)
        print(f"{name:12s} {results[name]:12.3f} ops/s  (torch {torch.__version__}, {torch.get_num_threads()} threads)", flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
