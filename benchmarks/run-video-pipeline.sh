#!/usr/bin/env bash
# Frames per second of the whole video pipeline of `unmask detect`: JCodec decoding of a 640x480 H.264 video,
# Haar face finding on every frame, the reflect-padded crop and Meso-4 (meso4-df), rows written as CSV.
# The video is 10 s at 25 fps of scikit-image's astronaut.png (public domain, Debian's python3-skimage) padded to
# 640x480 and drifting 2 px a frame, encoded by Debian's ffmpeg (libx264, High profile, CRF 23).
# The JVM's start, the model's load and the first frames are timed apart (a run on a 10-frame video) and subtracted.
#   benchmarks/run-video-pipeline.sh [THREADS]        (needs examples/target/unmask.jar: mvn -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
jar=examples/target/unmask.jar
image=/usr/lib/python3/dist-packages/skimage/data/astronaut.png
[ -f "$jar" ] || { echo "build first: mvn -B -q -ntp -DskipTests package" >&2; exit 1; }
[ -f "$image" ] || { echo "needs $image: apt-get install -y python3-skimage" >&2; exit 1; }
command -v ffmpeg > /dev/null || { echo "needs ffmpeg: apt-get install -y ffmpeg" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
encode() {  # FRAMES OUTPUT
  ffmpeg -loglevel error -y -loop 1 -framerate 25 -i "$image" -frames:v "$1" \
    -vf "scale=400:400,pad=800:480:200:40:gray,crop=640:480:'mod(n*2,160)':0" \
    -c:v libx264 -profile:v high -pix_fmt yuv420p -crf 23 "$2"
}
encode 250 "$work/video.mp4"
encode 10 "$work/short.mp4"
run() {  # VIDEO -> seconds of wall time
  local start end
  start=$(date +%s.%N)
  java --add-modules jdk.incubator.vector -Dunmask.threads="$threads" -jar "$jar" detect -m meso4-df \
    -o "$work/rows.csv" "$1" 2> /dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
run "$work/short.mp4" > /dev/null   # warm the file cache
base=$(run "$work/short.mp4")
full=$(run "$work/video.mp4")
frames=$(grep -c '^[^,]*,[0-9]' "$work/rows.csv" || true)
faces=$(awk -F, 'NR > 1 && $2 != "" && $3 != ""' "$work/rows.csv" | wc -l)
printf 'threads %s: 250 frames of 640x480 in %.2f s; start-up, load and 10 frames %.2f s\n' "$threads" "$full" "$base"
printf 'frame rows %s (face rows %s); pipeline %.1f frames/s without start-up (240 frames over the time difference), %.1f with it\n' \
  "$frames" "$faces" "$(echo "240 / ($full - $base)" | bc -l)" "$(echo "250 / $full" | bc -l)"
