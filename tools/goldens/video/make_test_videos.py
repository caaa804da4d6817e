#!/usr/bin/python3
"""Test videos for dev.unmask.video, written to core/src/test/resources/video/.

Run from the repository root with Debian's Python (python3-opencv 4.6) and Debian's ffmpeg 5.1 (libx264):
    /usr/bin/python3 tools/goldens/video/make_test_videos.py

Frames are 160x120 scenes drawn here (a blurred copy of scikit-image's coffee.png, CC0) with the official
MesoNet test faces (core/src/test/resources/mesonet/test_images, Apache-2.0) pasted in, encoded by ffmpeg at
10 frames per second, yuv420p. Unless named otherwise: H.264 Constrained Baseline (libx264 -profile:v baseline),
no B-frames, CRF 18, a key frame every 4 frames.

Videos (the planted content of each frame is in videos.json):
- real.mp4: 8 frames, the real face real00772 (80 px) moving right by 4 px a frame.
- fake.mp4: 8 frames, the Deepfake face df00204 (80 px) moving right by 4 px a frame.
- alternating.mp4: 8 frames, real00772 and df00204 in turn (real, fake, real, fake, ...), 80 px, moving right by
  2 px a frame (so that no two frames are alike).
- two_faces.mp4: 6 frames, real00772 on the left and df00204 on the right (76 px each), both moving down by
  3 px a frame: two face tracks.
- no_face.mp4: 6 frames of the background with a grey square moving across it.
- main_bframes.mp4: alternating.mp4's frames as H.264 Main profile with B-frames (CABAC, frames stored out of
  display order).
- high.mp4: alternating.mp4's frames as H.264 High profile (8x8 transform).
- high10.mp4, interlaced.mp4: alternating.mp4's first 2 frames as H.264 High 10 (10-bit) and as interlaced
  (MBAFF) High profile, which JCodec does not decode.
- Hostile files: truncated_moov.mp4 (the first half of alternating.mp4 as ffmpeg writes it, index at the end:
  the index is missing), truncated_mdat.mp4 (alternating.mp4 with the index first, +faststart, cut in the
  middle of the frame data), mpeg4_part2.mp4 (MPEG-4 Part 2, sample entry mp4v), hevc.mp4 (H.265, hev1),
  audio_only.mp4 (AAC, no video track), zero_frames.mp4 (real.mp4 with its video track's sample table emptied:
  a track that holds no frame), not_a_video.mp4 (text).

Goldens: alternating_frame_{0,1,5}.png, frames 0, 1 and 5 of alternating.mp4 as ffmpeg 5.1 decodes them to
RGB (rgb24, swscale's default BT.601 limited-range conversion).
"""
import json
import os
import shutil
import struct
import subprocess
import tempfile

import cv2
import numpy as np

OUT = "core/src/test/resources/video"
MESONET = "core/src/test/resources/mesonet/test_images"
SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"
WIDTH, HEIGHT, FPS = 160, 120, 10
GOLDEN_FRAMES = [0, 1, 5]
BASELINE = ["-c:v", "libx264", "-profile:v", "baseline", "-bf", "0", "-crf", "18", "-g", "4",
            "-x264-params", "scenecut=0"]


def face(kind, name, size):
    image = cv2.imread(os.path.join(MESONET, kind, name), cv2.IMREAD_COLOR)
    assert image is not None, name
    return cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA)


def background():
    image = cv2.imread(os.path.join(SKIMAGE, "coffee.png"), cv2.IMREAD_COLOR)
    image = cv2.resize(image, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(image, (0, 0), 1.5)


def scene(pastes):
    frame = background()
    for patch, x, y in pastes:
        frame[y:y + patch.shape[0], x:x + patch.shape[1]] = patch
    return frame


def encode(frames, path, codec, extra_output=()):
    with tempfile.TemporaryDirectory() as tmp:
        for i, f in enumerate(frames):
            cv2.imwrite(os.path.join(tmp, f"{i:03d}.png"), f)
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-framerate", str(FPS), "-i", os.path.join(tmp, "%03d.png"),
                        *codec, *(["-pix_fmt", "yuv420p"] if "-pix_fmt" not in extra_output else []), *extra_output,
                        path], check=True)


def decode_frame(path, index, png):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", path, "-vf", f"select=eq(n\\,{index})", "-vsync", "0",
                    "-frames:v", "1", "-pix_fmt", "rgb24", png], check=True)


def empty_sample_table(data):
    """The MP4 `data` with the sample table of its one video track emptied (stts, stsc, stsz, stco, stss, ctts
    hold no entries); box sizes are rewritten so the file stays well formed."""
    containers = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}

    def rewrite(buf):
        out = b""
        pos = 0
        while pos < len(buf):
            size, kind = struct.unpack(">I4s", buf[pos:pos + 8])
            body = buf[pos + 8:pos + size]
            if kind in containers:
                body = rewrite(body)
            elif kind in (b"stts", b"stsc", b"stco", b"stss", b"ctts"):
                body = body[:4] + struct.pack(">I", 0)
            elif kind == b"stsz":
                body = body[:4] + struct.pack(">II", 0, 0)
            out += struct.pack(">I4s", len(body) + 8, kind) + body
            pos += size
        return out

    return rewrite(data)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    real, fake = face("real", "real00772.jpg", 80), face("df", "df00204.jpg", 80)
    planted = {}

    frames = [scene([(real, 30 + 4 * i, 15)]) for i in range(8)]
    encode(frames, os.path.join(OUT, "real.mp4"), BASELINE)
    planted["real.mp4"] = ["real"] * 8

    frames = [scene([(fake, 30 + 4 * i, 15)]) for i in range(8)]
    encode(frames, os.path.join(OUT, "fake.mp4"), BASELINE)
    planted["fake.mp4"] = ["fake"] * 8

    sequence = ["real" if i % 2 == 0 else "fake" for i in range(8)]
    alternating = [scene([(real if s == "real" else fake, 40 + 2 * i, 15)]) for i, s in enumerate(sequence)]
    encode(alternating, os.path.join(OUT, "alternating.mp4"), BASELINE)
    planted["alternating.mp4"] = sequence

    left, right = face("real", "real00772.jpg", 76), face("df", "df00204.jpg", 76)
    frames = [scene([(left, 2, 5 + 3 * i), (right, 82, 5 + 3 * i)]) for i in range(6)]
    encode(frames, os.path.join(OUT, "two_faces.mp4"), BASELINE)
    planted["two_faces.mp4"] = [["real", "fake"]] * 6

    frames = []
    for i in range(6):
        frame = background()
        cv2.rectangle(frame, (10 + 20 * i, 40), (40 + 20 * i, 70), (128, 128, 128), -1)
        frames.append(frame)
    encode(frames, os.path.join(OUT, "no_face.mp4"), BASELINE)
    planted["no_face.mp4"] = ["none"] * 6

    encode(alternating, os.path.join(OUT, "main_bframes.mp4"),
           ["-c:v", "libx264", "-profile:v", "main", "-bf", "2", "-crf", "18", "-g", "8"])
    planted["main_bframes.mp4"] = sequence
    encode(alternating, os.path.join(OUT, "high.mp4"),
           ["-c:v", "libx264", "-profile:v", "high", "-bf", "0", "-crf", "18", "-g", "4", "-x264-params", "8x8dct=1"])
    planted["high.mp4"] = sequence
    encode(alternating[:2], os.path.join(OUT, "high10.mp4"), ["-c:v", "libx264", "-profile:v", "high10"],
           ["-pix_fmt", "yuv420p10le"])
    encode(alternating[:2], os.path.join(OUT, "interlaced.mp4"),
           ["-c:v", "libx264", "-flags", "+ildct+ilme", "-x264-params", "interlaced=1"])

    with open(os.path.join(OUT, "alternating.mp4"), "rb") as f:
        whole = f.read()
    with open(os.path.join(OUT, "truncated_moov.mp4"), "wb") as f:
        f.write(whole[:len(whole) // 2])
    faststart = os.path.join(OUT, "faststart.tmp.mp4")
    encode(alternating, faststart, BASELINE, ["-movflags", "+faststart"])
    with open(faststart, "rb") as f:
        data = f.read()
    os.remove(faststart)
    mdat = data.index(b"mdat")
    with open(os.path.join(OUT, "truncated_mdat.mp4"), "wb") as f:
        f.write(data[:mdat + (len(data) - mdat) // 2])
    encode(alternating[:4], os.path.join(OUT, "mpeg4_part2.mp4"), ["-c:v", "mpeg4", "-q:v", "5"])
    encode(alternating[:2], os.path.join(OUT, "hevc.mp4"), ["-c:v", "libx265", "-x265-params", "log-level=error"])
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.2",
                    "-c:a", "aac", "-b:a", "32k", os.path.join(OUT, "audio_only.mp4")], check=True)
    with open(os.path.join(OUT, "real.mp4"), "rb") as f:
        real_data = f.read()
    with open(os.path.join(OUT, "zero_frames.mp4"), "wb") as f:
        f.write(empty_sample_table(real_data))
    with open(os.path.join(OUT, "not_a_video.mp4"), "w") as f:
        f.write("this is a text file, not a video\n")

    for index in GOLDEN_FRAMES:
        decode_frame(os.path.join(OUT, "alternating.mp4"), index, os.path.join(OUT, f"alternating_frame_{index}.png"))
    with open(os.path.join(OUT, "videos.json"), "w") as f:
        json.dump({"width": WIDTH, "height": HEIGHT, "fps": FPS, "golden_frames": GOLDEN_FRAMES,
                   "planted": planted}, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files to {OUT}: {total} bytes")


if __name__ == "__main__":
    main()
