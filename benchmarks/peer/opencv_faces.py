#!/usr/bin/env python3
"""Face detection per 640x480 frame in OpenCV, the peer of dev.unmask.benchmarks.FaceBenchmarks.

Run from the repository root with Debian's python3-opencv (4.6):
    /usr/bin/python3 benchmarks/peer/opencv_faces.py --threads 1 --out peer.json
One op = one cv2.CascadeClassifier.detectMultiScale(frame) on the BGR frame (grey conversion included) with
OpenCV's defaults (scale factor 1.1, minNeighbors 3), for the cascade files Unmask ships (the same bytes as
Debian's opencv-data). Prints one line per workload and writes {workload: ops_per_second} as JSON: the best of
5 rounds of at least --seconds each, after 3 untimed calls.
"""
import argparse
import json
import time

import cv2

FRAME = "core/src/test/resources/faces/scene_coffee_640x480.jpg"
CASCADES = {
    "faces_haar": "core/src/main/resources/dev/unmask/faces/haarcascade_frontalface_default.xml",
    "faces_lbp": "core/src/main/resources/dev/unmask/faces/lbpcascade_frontalface_improved.xml",
}


def measure(fn, min_seconds):
    for _ in range(3):
        fn()
    best = 0.0
    for _ in range(5):
        n, start = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        best = max(best, n / elapsed)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum time per measurement round")
    parser.add_argument("--frame", default=FRAME)
    parser.add_argument("--out", default=None)
    parser.add_argument("workloads", nargs="*", default=list(CASCADES))
    args = parser.parse_args()
    cv2.setNumThreads(args.threads)
    frame = cv2.imread(args.frame, cv2.IMREAD_COLOR)
    if frame is None or frame.shape[:2] != (480, 640):
        raise SystemExit(f"{args.frame}: not a 640x480 image (run from the repository root)")
    results = {}
    for name in args.workloads:
        classifier = cv2.CascadeClassifier(CASCADES[name])
        if classifier.empty():
            raise SystemExit(f"{CASCADES[name]}: OpenCV could not load the cascade")
        results[name] = measure(lambda: classifier.detectMultiScale(frame, 1.1, 3), args.seconds)
        print(f"{name:12s} {results[name]:12.3f} ops/s  (OpenCV {cv2.__version__}, {cv2.getNumThreads()} threads)",
              flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
