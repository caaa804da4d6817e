"""Writes the WebP seeds of the image-decoding fuzz corpus (ImageIO has no WebP writer).

Run from the repository root: /usr/bin/python3 core/src/test/python/make_webp_seeds.py
It writes a 24 x 24 lossy and a lossless WebP of a smooth gradient, a lossy one cut in half, and the first
400 bytes of a 1000 x 1000 lossless WebP of noise (a decoder that reads on past the end of the data spends
seconds on it), into core/src/test/resources/dev/unmask/data/ImageDecodingFuzzTestInputs/decode/seeds.
"""
import os

import cv2
import numpy as np

OUT = "core/src/test/resources/dev/unmask/data/ImageDecodingFuzzTestInputs/decode/seeds"


def main():
    os.makedirs(OUT, exist_ok=True)
    y, x = np.mgrid[0:24, 0:24]
    image = np.stack([x * 10, y * 10, (x + y) * 5], axis=-1).astype(np.uint8)
    ok, lossy = cv2.imencode(".webp", image, [cv2.IMWRITE_WEBP_QUALITY, 80])
    assert ok
    ok, lossless = cv2.imencode(".webp", image, [cv2.IMWRITE_WEBP_QUALITY, 101])
    assert ok
    noise = np.random.default_rng(1).integers(0, 256, (1000, 1000, 3), dtype=np.uint8)
    ok, noisy = cv2.imencode(".webp", noise, [cv2.IMWRITE_WEBP_QUALITY, 101])
    assert ok
    for name, data in [("lossy.webp", lossy.tobytes()), ("lossless.webp", lossless.tobytes()),
                       ("truncated.webp", lossy.tobytes()[: len(lossy) // 2]),
                       ("truncated-lossless-1000x1000.webp", noisy.tobytes()[:400])]:
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("4 WebP seeds in", OUT)


if __name__ == "__main__":
    main()
