#!/usr/bin/python3
"""Test images for dev.unmask.faces, written to core/src/test/resources/faces/.

Run from the repository root with Debian's Python (python3-opencv 4.6, python3-skimage, python3-pil):
    /usr/bin/python3 tools/goldens/faces/make_face_scenes.py
then make the goldens from them with make_face_goldens.py.

Sources (see core/src/test/resources/faces/README.md for the licences):
- scikit-image's astronaut.png (public domain), coffee, grass, brick and chelsea (CC0);
- the official MesoNet test faces, ../shared/data/mesonet/test_images/{df,real}/*.jpg (Apache-2.0).

Images:
- astronaut.jpg: the astronaut photo, 512x512.
- scene_coffee_640x480.jpg: four MesoNet faces (72 to 190 pixels) pasted onto the coffee photo.
- scene_grass_800x600.jpg: four MesoNet faces (64 to 250 pixels, two at the border) on the grass texture,
  blurred.
- noface_cat_225x150.jpg, noface_brick_256x256.jpg, noface_shapes_320x240.png: no human face.
- exif_rotated_scene.jpg: a 480x360 scene of two faces on brick, stored turned 90 degrees counter-clockwise
  (360x480 pixels) with EXIF orientation 6, so that it is upright once the orientation is applied.
- orientation_{1..8}.jpg: a 64x48 picture of four coloured quadrants, stored so that EXIF orientation n
  (written by PIL, little-endian) brings it upright; orientation_6_motorola.jpg: orientation 6 in a
  big-endian EXIF block written byte by byte.
JPEG quality 90 (95 for the quadrant pictures), 4:2:0 chroma, baseline, as PIL writes by default.
"""
import os
import struct

import cv2
import numpy as np
from PIL import Image

OUT = "core/src/test/resources/faces"
SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"
MESONET = "../shared/data/mesonet/test_images"
QUALITY = 90
QUADRANT_QUALITY = 95
# BGR colours of the quadrants (top-left, top-right, bottom-left, bottom-right) of the upright picture
QUADRANTS = [(40, 40, 220), (40, 200, 40), (220, 60, 30), (230, 230, 230)]


def skimage_bgr(name):
    image = cv2.imread(os.path.join(SKIMAGE, name), cv2.IMREAD_COLOR)
    assert image is not None, name
    return image


def face(kind, name, size):
    image = cv2.imread(os.path.join(MESONET, kind, name), cv2.IMREAD_COLOR)
    assert image is not None, name
    return cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA)


def cover(image, width, height):
    """Scales `image` to cover width x height and crops the centre."""
    h, w = image.shape[:2]
    s = max(width / w, height / h)
    resized = cv2.resize(image, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
    y0 = (resized.shape[0] - height) // 2
    x0 = (resized.shape[1] - width) // 2
    return resized[y0:y0 + height, x0:x0 + width].copy()


def paste(scene, patch, x, y):
    scene[y:y + patch.shape[0], x:x + patch.shape[1]] = patch


def write_jpeg(path, bgr, quality=QUALITY, exif=None):
    image = Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    if exif is None:
        image.save(path, quality=quality)
    else:
        image.save(path, quality=quality, exif=exif)


def exif_orientation(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif


def stored_for(upright, orientation):
    """The pixels to store so that applying EXIF `orientation` shows `upright` (the inverse transform)."""
    if orientation == 1:
        return upright
    if orientation == 2:
        return upright[:, ::-1]
    if orientation == 3:
        return upright[::-1, ::-1]
    if orientation == 4:
        return upright[::-1, :]
    if orientation == 5:
        return upright.transpose(1, 0, 2)
    if orientation == 6:
        return np.rot90(upright, 1)
    if orientation == 7:
        return upright[::-1, ::-1].transpose(1, 0, 2)
    if orientation == 8:
        return np.rot90(upright, -1)
    raise ValueError(orientation)


def big_endian_orientation_app1(orientation):
    """An APP1 segment holding a big-endian ("MM") TIFF header and one IFD0 entry, Orientation."""
    tiff = b"MM" + struct.pack(">HI", 42, 8)
    tiff += struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def main():
    os.makedirs(OUT, exist_ok=True)
    write_jpeg(os.path.join(OUT, "astronaut.jpg"), skimage_bgr("astronaut.png"))

    coffee = cover(skimage_bgr("coffee.png"), 640, 480)
    paste(coffee, face("real", "real00240.jpg", 150), 30, 40)
    paste(coffee, face("real", "real00772.jpg", 100), 470, 40)
    paste(coffee, face("df", "df01254.jpg", 72), 200, 330)
    paste(coffee, face("df", "df00204.jpg", 190), 400, 250)
    write_jpeg(os.path.join(OUT, "scene_coffee_640x480.jpg"), coffee)

    # blurred so that the file stays small; the texture is still busy enough to exercise the early stages
    grass = cv2.GaussianBlur(cover(skimage_bgr("grass.png"), 800, 600), (0, 0), 2.0)
    paste(grass, face("df", "df00204.jpg", 64), 0, 3)
    paste(grass, face("real", "real00240.jpg", 250), 280, 170)
    paste(grass, face("df", "df01254.jpg", 120), 680, 480)
    paste(grass, face("real", "real00772.jpg", 90), 60, 430)
    write_jpeg(os.path.join(OUT, "scene_grass_800x600.jpg"), grass)

    write_jpeg(os.path.join(OUT, "noface_cat_225x150.jpg"), cover(skimage_bgr("chelsea.png"), 225, 150))
    write_jpeg(os.path.join(OUT, "noface_brick_256x256.jpg"), cover(skimage_bgr("brick.png"), 256, 256))
    yy, xx = np.mgrid[0:240, 0:320]
    shapes = np.stack([(xx * 255 // 319), (yy * 255 // 239), (xx + yy) * 255 // 558], -1).astype(np.uint8)
    cv2.rectangle(shapes, (40, 30), (120, 110), (20, 20, 20), -1)
    cv2.circle(shapes, (230, 150), 50, (250, 250, 250), -1)
    cv2.imwrite(os.path.join(OUT, "noface_shapes_320x240.png"), shapes)

    brick = cover(skimage_bgr("brick.png"), 480, 360)
    paste(brick, face("real", "real00240.jpg", 140), 40, 100)
    paste(brick, face("df", "df00204.jpg", 170), 270, 150)
    write_jpeg(os.path.join(OUT, "exif_rotated_scene.jpg"), np.ascontiguousarray(stored_for(brick, 6)),
               exif=exif_orientation(6))

    upright = np.zeros((48, 64, 3), np.uint8)
    upright[:24, :32], upright[:24, 32:], upright[24:, :32], upright[24:, 32:] = QUADRANTS
    for orientation in range(1, 9):
        stored = np.ascontiguousarray(stored_for(upright, orientation))
        write_jpeg(os.path.join(OUT, f"orientation_{orientation}.jpg"), stored, QUADRANT_QUALITY,
                   exif_orientation(orientation))
    plain = os.path.join(OUT, "orientation_6_motorola.jpg")
    write_jpeg(plain, np.ascontiguousarray(stored_for(upright, 6)), QUADRANT_QUALITY)
    with open(plain, "rb") as f:
        data = f.read()
    assert data[:2] == b"\xff\xd8"
    with open(plain, "wb") as f:
        f.write(data[:2] + big_endian_orientation_app1(6) + data[2:])

    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT)
                if n.endswith((".jpg", ".png")))
    print(f"wrote the scenes to {OUT}; images there now take {total} bytes")


if __name__ == "__main__":
    main()
