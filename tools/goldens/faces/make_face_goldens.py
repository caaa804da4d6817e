#!/usr/bin/python3
"""Goldens for dev.unmask.faces from OpenCV 4.6 (Debian's python3-opencv), numpy and PyTorch.

Run from the repository root after make_face_scenes.py:
    /usr/bin/python3 tools/goldens/faces/make_face_goldens.py
Reads the scenes in core/src/test/resources/faces/ and the shipped cascades in
core/src/main/resources/dev/unmask/faces/, and writes to core/src/test/resources/faces/:

- face_goldens.json: cv2.CascadeClassifier(xml).detectMultiScale(cv2.imread(image), scaleFactor,
  minNeighbors, minSize=..., maxSize=...) for every scene and both shipped cascades at the defaults
  (1.1, 3, no size limits), at other settings, with minNeighbors=0 (the raw windows, ungrouped), and with
  cat_tilted_10stages.xml, the first 10 stages of haarcascade_frontalcatface_extended.xml (whose features
  include 45-degree tilted ones), also written here with its licence header. cv2.imread applies the EXIF
  orientation, so exif_rotated_scene.jpg is detected upright.
- colours_64x64.png, colours_64x64_gray.png: random colours and cv2.cvtColor(COLOR_BGR2GRAY) of them. The
  script also checks GrayImage's fixed-point formula against cvtColor on all 2^24 colours.
- resize_goldens.json with resize_source_61x47.png: cv2.resize(INTER_LINEAR_EXACT) to several sizes, the
  resize the cascade detector uses for its pyramid.
- crop_goldens.json with crop_source_31x23.png: for each box, the square crop of FaceCrop's geometry
  padded by numpy.pad(mode="reflect") (OpenCV's BORDER_REFLECT_101: the edge pixel is not repeated), as
  8-bit levels, then torch.nn.functional.interpolate(mode="bilinear", align_corners=False) of it in
  [-1, 1] (level / 127.5 - 1, float32) to the model size.
- orientation_goldens.json: for each orientation_*.jpg, the size cv2.imread gives (orientation applied)
  and the BGR colour at the centre of each quadrant.
"""
import json
import os
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import torch
import torch.nn.functional as F

RES = "core/src/test/resources/faces"
CASCADES = {
    "haar": "core/src/main/resources/dev/unmask/faces/haarcascade_frontalface_default.xml",
    "lbp": "core/src/main/resources/dev/unmask/faces/lbpcascade_frontalface_improved.xml",
}
CAT_SOURCE = "/usr/share/opencv4/haarcascades/haarcascade_frontalcatface_extended.xml"
CAT_STAGES = 10
CAT_NAME = "cat_tilted_10stages.xml"
SEED = 20261207

SCENES = ["astronaut.jpg", "scene_coffee_640x480.jpg", "scene_grass_800x600.jpg", "exif_rotated_scene.jpg",
          "noface_cat_225x150.jpg", "noface_brick_256x256.jpg", "noface_shapes_320x240.png"]
# (name, image, cascade, scale factor, min neighbours, min size, max size)
VARIANTS = [
    ("raw_windows_haar_astronaut", "astronaut.jpg", "haar", 1.1, 0, (0, 0), (0, 0)),
    ("raw_windows_lbp_astronaut", "astronaut.jpg", "lbp", 1.1, 0, (0, 0), (0, 0)),
    ("raw_windows_haar_coffee", "scene_coffee_640x480.jpg", "haar", 1.1, 0, (0, 0), (0, 0)),
    ("raw_windows_lbp_coffee", "scene_coffee_640x480.jpg", "lbp", 1.1, 0, (0, 0), (0, 0)),
    ("haar_grass_factor_1.2_neighbours_5", "scene_grass_800x600.jpg", "haar", 1.2, 5, (0, 0), (0, 0)),
    ("lbp_grass_factor_1.05_neighbours_2", "scene_grass_800x600.jpg", "lbp", 1.05, 2, (0, 0), (0, 0)),
    ("haar_grass_size_100_to_300", "scene_grass_800x600.jpg", "haar", 1.1, 3, (100, 100), (300, 300)),
    # 77 is no window size of the 1.1 pyramid: OpenCV then scans the one scale nearest to it
    ("haar_grass_single_size_77", "scene_grass_800x600.jpg", "haar", 1.1, 1, (77, 77), (77, 77)),
    ("haar_coffee_neighbours_1", "scene_coffee_640x480.jpg", "haar", 1.1, 1, (0, 0), (0, 0)),
    # factor 2: levels at exactly 2 and 4 (windows every pixel from scale 2 on; OpenCV halves by area there)
    ("raw_windows_haar_coffee_factor_2", "scene_coffee_640x480.jpg", "haar", 2.0, 0, (0, 0), (0, 0)),
    ("raw_windows_lbp_grass_factor_1.5", "scene_grass_800x600.jpg", "lbp", 1.5, 0, (0, 0), (0, 0)),
    ("raw_windows_cat_tilted", "noface_cat_225x150.jpg", CAT_NAME, 1.1, 0, (0, 0), (0, 0)),
    ("cat_tilted", "noface_cat_225x150.jpg", CAT_NAME, 1.1, 3, (0, 0), (0, 0)),
]
RESIZE_TARGETS = [(30, 23), (55, 43), (61, 47), (20, 15), (31, 24), (80, 60), (1, 1), (61, 10), (7, 47)]
CROP_SIZE = 12
# (x, y, width, height, scale): inside, at each border, a tall box, a 1x1 box, one far outside (the
# reflection runs over the image more than once), one larger than the image
CROP_BOXES = [(10, 6, 8, 8, 1.3), (0, 0, 9, 7, 1.3), (25, 17, 6, 6, 1.5), (2, 12, 5, 11, 1.3),
              (15, 11, 1, 1, 3.0), (-20, 30, 10, 10, 1.0), (3, 2, 30, 25, 1.3)]


def write_cat_cascade():
    """The first CAT_STAGES stages of the cat cascade, features renumbered to those used, header kept."""
    with open(CAT_SOURCE) as f:
        text = f.read()
    header = text[:text.index("<opencv_storage>")]
    root = ET.fromstring(text[text.index("<opencv_storage>"):])
    cascade = root[0]
    stages = cascade.find("stages")
    for stage in list(stages)[CAT_STAGES:]:
        stages.remove(stage)
    cascade.find("stageNum").text = str(CAT_STAGES)
    features = list(cascade.find("features"))
    used = {}
    for stage in stages:
        for weak in stage.find("weakClassifiers"):
            nodes = weak.find("internalNodes").text.split()
            index = used.setdefault(int(nodes[2]), len(used))
            nodes[2] = str(index)
            weak.find("internalNodes").text = " ".join(nodes)
    kept = ET.Element("features")
    for old in sorted(used, key=used.get):
        kept.append(features[old])
    cascade.remove(cascade.find("features"))
    cascade.append(kept)
    tilted = sum(1 for f in kept if f.find("tilted") is not None and f.find("tilted").text.strip() == "1")
    assert tilted > 0, "the kept features have no tilted one"
    path = os.path.join(RES, CAT_NAME)
    with open(path, "w") as f:
        f.write(header + ET.tostring(root, encoding="unicode") + "\n")
    print(f"{CAT_NAME}: {CAT_STAGES} stages, {len(kept)} features, {tilted} tilted")
    return path


def cascade_path(name):
    return CASCADES.get(name, os.path.join(RES, name))


def detect(image, cascade, factor, neighbours, min_size, max_size):
    classifier = cv2.CascadeClassifier(cascade_path(cascade))
    assert not classifier.empty(), cascade
    bgr = cv2.imread(os.path.join(RES, image), cv2.IMREAD_COLOR)
    assert bgr is not None, image
    boxes = classifier.detectMultiScale(bgr, scaleFactor=factor, minNeighbors=neighbours,
                                        minSize=min_size, maxSize=max_size)
    return sorted(np.asarray(boxes, dtype=np.int64).reshape(-1, 4).tolist())


def face_goldens():
    cases = []
    for image in SCENES:
        for cascade in ("haar", "lbp"):
            cases.append((f"{cascade}_{image}", image, cascade, 1.1, 3, (0, 0), (0, 0)))
    cases += VARIANTS
    out = []
    for name, image, cascade, factor, neighbours, min_size, max_size in cases:
        boxes = detect(image, cascade, factor, neighbours, min_size, max_size)
        out.append({"name": name, "image": image, "cascade": cascade, "scale_factor": factor,
                    "min_neighbours": neighbours, "min_size": list(min_size), "max_size": list(max_size),
                    "boxes": boxes})
        print(f"{name}: {len(boxes)} boxes")
    return out


def gray_goldens(rng):
    r, g, b = np.meshgrid(np.arange(256), np.arange(256), np.arange(256), indexing="ij")
    every = np.stack([b, g, r], -1).reshape(4096, 4096, 3).astype(np.uint8)
    b, g, r = (every[..., c].astype(np.int64) for c in range(3))
    ours = (3735 * b + 19235 * g + 9798 * r + (1 << 14)) >> 15
    assert np.array_equal(ours, cv2.cvtColor(every, cv2.COLOR_BGR2GRAY)), "fixed-point BGR2GRAY formula differs"
    colours = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    cv2.imwrite(os.path.join(RES, "colours_64x64.png"), colours)
    cv2.imwrite(os.path.join(RES, "colours_64x64_gray.png"), cv2.cvtColor(colours, cv2.COLOR_BGR2GRAY))


def resize_goldens(rng):
    source = rng.integers(0, 256, (47, 61), dtype=np.uint8)
    cv2.imwrite(os.path.join(RES, "resize_source_61x47.png"), source)
    out = []
    for w, h in RESIZE_TARGETS:
        resized = cv2.resize(source, (w, h), interpolation=cv2.INTER_LINEAR_EXACT)
        out.append({"width": w, "height": h, "pixels": resized.reshape(-1).tolist()})
    return out


def reflect_square(image, x, y, w, h, scale):
    """FaceCrop's square: side round(scale * max(w, h)), left x + floor((w - side) / 2), top likewise."""
    side = max(1, int(np.floor(scale * max(w, h) + 0.5)))
    left = x + (w - side) // 2
    top = y + (h - side) // 2
    height, width = image.shape[:2]
    pad = max(0, -left, -top, left + side - width, top + side - height)
    padded = np.pad(image, ((pad, pad), (pad, pad), (0, 0)), mode="reflect")
    return padded[top + pad:top + pad + side, left + pad:left + pad + side]


def crop_goldens(rng):
    source = rng.integers(0, 256, (23, 31, 3), dtype=np.uint8)
    cv2.imwrite(os.path.join(RES, "crop_source_31x23.png"), source)
    rgb = source[..., ::-1].astype(np.float32) / np.float32(127.5) - np.float32(1)
    out = []
    for x, y, w, h, scale in CROP_BOXES:
        square = reflect_square(rgb, x, y, w, h, scale)
        chw = torch.from_numpy(np.ascontiguousarray(square.transpose(2, 0, 1)))[None]
        resized = F.interpolate(chw, size=(CROP_SIZE, CROP_SIZE), mode="bilinear", align_corners=False)[0]
        levels = np.rint((square + 1) * np.float32(127.5)).astype(np.int64)
        out.append({"box": [x, y, w, h], "scale": scale, "side": square.shape[0],
                    "square_levels": np.ascontiguousarray(levels.transpose(2, 0, 1)).reshape(-1).tolist(),
                    "size": CROP_SIZE, "crop": [round(float(v), 7) for v in resized.numpy().reshape(-1)]})
    return out


def orientation_goldens():
    out = []
    names = [f"orientation_{n}.jpg" for n in range(1, 9)] + ["orientation_6_motorola.jpg"]
    for name in names:
        bgr = cv2.imread(os.path.join(RES, name), cv2.IMREAD_COLOR)
        h, w = bgr.shape[:2]
        centres = [bgr[h // 4, w // 4], bgr[h // 4, 3 * w // 4], bgr[3 * h // 4, w // 4], bgr[3 * h // 4, 3 * w // 4]]
        out.append({"image": name, "width": w, "height": h, "quadrant_bgr": [c.tolist() for c in centres]})
    return out


def main():
    assert cv2.__version__.startswith("4.6"), cv2.__version__
    cv2.setNumThreads(1)
    rng = np.random.default_rng(SEED)
    write_cat_cascade()
    gray_goldens(rng)
    with open(os.path.join(RES, "resize_goldens.json"), "w") as f:
        json.dump({"opencv": cv2.__version__, "source": "resize_source_61x47.png", "cases": resize_goldens(rng)}, f)
    with open(os.path.join(RES, "crop_goldens.json"), "w") as f:
        json.dump({"source": "crop_source_31x23.png", "cases": crop_goldens(rng)}, f)
    with open(os.path.join(RES, "orientation_goldens.json"), "w") as f:
        json.dump({"opencv": cv2.__version__, "cases": orientation_goldens()}, f, indent=1)
    with open(os.path.join(RES, "face_goldens.json"), "w") as f:
        cases = ",\n".join(json.dumps(c) for c in face_goldens())
        f.write('{"opencv": "%s", "cases": [\n%s\n]}\n' % (cv2.__version__, cases))


if __name__ == "__main__":
    main()
