#!/usr/bin/env bash
# Runs the DESIGN section 8 workloads in Unmask (JMH) and in PyTorch on this machine, one after the other in
# one run, with the same thread count, and prints ours / PyTorch / ratio in one table. The faces set times face
# detection per 640x480 frame against OpenCV's Python binding (benchmarks/peer/opencv_faces.py) instead.
# Model workloads (vqvae_*, pixelsnail_*) count one op as one batch of 16 images on both sides, the MesoNet ones
# (meso4_*, mesoinception4_*) one batch of 32 256x256 images, shown in images/s, the VAE workloads
# (ocfakedect_*, resnet_vae_*) one batch of 32; sample_score
# is shown in images/s, pixel_score in s/image (Unmask: the incremental restoration, which the library uses; the efficient one
# is measured too and shown by JMH; PyTorch: the naive loop).
# Needs Debian's PyTorch with an optimised BLAS: apt-get install -y python3-torch libopenblas0-openmp.
# (python3-torch alone pulls in the reference BLAS, libblas3, which makes PyTorch's matrix products and its
# transposed convolutions about 9x slower: a comparison against it flatters us, so the script refuses it.)
# Usage: benchmarks/run-peer-comparison.sh [threads] [all|kernels|models|mesonet|scoring|vae|faces]
# PIXEL_REPS (default 1): timed repetitions of PyTorch's pixel_score, minutes each.
# On a shared, oversubscribed machine set OMP_WAIT_POLICY=PASSIVE: PyTorch's spinning OpenMP threads lose
# several times their speed there (benchmarks/README.md, scoring workloads).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
which=${2:-all}
case "$which" in
  all) jmh='kernels models mesonet vae faces'; scoring=yes; peers='kernels models mesonet scoring vae faces' ;;
  kernels) jmh='kernels'; scoring=no; peers='kernels' ;;
  models) jmh='models'; scoring=no; peers='models' ;;
  mesonet) jmh='mesonet'; scoring=no; peers='mesonet' ;;
  scoring) jmh=''; scoring=yes; peers='scoring' ;;
  vae) jmh='vae'; scoring=no; peers='vae' ;;
  faces) jmh='faces'; scoring=no; peers='faces' ;;
  *) echo "unknown workload set '$which' (all, kernels, models, mesonet, scoring, vae or faces)" >&2; exit 2 ;;
esac
peer_name=PyTorch
if [[ "$which" == faces ]]; then
  peer_name=OpenCV
elif [[ "$which" == all ]]; then
  peer_name='PyTorch (OpenCV for faces_*)'
fi
blas=$(realpath -e /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo none)
if [[ "$which" != faces && "$blas" != *openblas* && "$blas" != *blis* && "$blas" != *mkl* && -z "${PEER_ANY_BLAS:-}" ]]; then
  echo "PyTorch would run on the BLAS at '$blas', not an optimised one: apt-get install -y libopenblas0-openmp" >&2
  echo "(or set PEER_ANY_BLAS=1 to compare anyway)" >&2
  exit 2
fi
echo "PyTorch's BLAS: $blas"
out=benchmarks/target/peer
mkdir -p "$out"
mvn -B -q -ntp -pl benchmarks -am -DskipTests package
jvm_args="--add-modules jdk.incubator.vector -Dunmask.threads=$threads"
java_jmh=(java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar -t 1 -rf json)
java_run=("${java_jmh[@]}" -jvmArgsAppend "$jvm_args")
jmh_files=()
for set in $jmh; do
  uptime
  if [[ "$set" == kernels ]]; then
    "${java_run[@]}" -f 1 -wi 3 -i 5 -w 2s -r 2s -rff "$out/jmh-kernels.json" 'KernelBenchmarks'
  elif [[ "$set" == faces ]]; then
    # the detector's own scan threads (it does not use the unmask.threads pool)
    "${java_run[@]}" -f 1 -wi 3 -i 5 -w 2s -r 2s -p threads="$threads" -rff "$out/jmh-faces.json" 'FaceBenchmarks'
  elif [[ "$set" == mesonet ]]; then
    # a forward of 32 images takes about 0.3 s, a training step about 1 s: 10 s warm-up iterations
    "${java_run[@]}" -f 1 -wi 3 -i 5 -w 10s -r 5s -rff "$out/jmh-mesonet.json" 'MesoNetBenchmarks'
  elif [[ "$set" == vae ]]; then
    # a ResNet-18 VAE training step (batch 32, 224 x 224) takes seconds and a few GB: every iteration is one or
    # two calls, and the heap is set here because this -jvmArgsAppend replaces the benchmark's own
    "${java_jmh[@]}" -jvmArgsAppend "$jvm_args -Xmx12g" \
      -f 1 -wi 2 -i 3 -w 1s -r 1s -rff "$out/jmh-vae.json" 'VaeBenchmarks'
  else
    # a training step takes 1-2 s and the JIT needs about 8 of them (6 s down to 1.8 s per step, one
    # thread): 2 s warm-up iterations would time the JIT
    "${java_run[@]}" -f 1 -wi 3 -i 5 -w 15s -r 5s -rff "$out/jmh-models.json" 'ModelBenchmarks'
  fi
  jmh_files+=("$out/jmh-$set.json")
done
if [[ "$scoring" == yes ]]; then
  # iterations come from ScoringBenchmarks' annotations (pixelScore scores each of its images once)
  uptime
  "${java_run[@]}" -f 1 -rff "$out/jmh-scoring.json" 'ScoringBenchmarks'
  jmh_files+=("$out/jmh-scoring.json")
fi
/usr/bin/python3 -c 'import json, sys; json.dump([r for p in sys.argv[1:] for r in json.load(open(p))], sys.stdout)' \
  "${jmh_files[@]}" > "$out/jmh.json"
peer_files=()
for p in $peers; do
  uptime
  extra=()
  if [[ "$p" == scoring ]]; then
    extra=(--pixel-reps "${PIXEL_REPS:-1}")
  fi
  if [[ "$p" == faces ]]; then
    /usr/bin/python3 benchmarks/peer/opencv_faces.py --threads "$threads" --out "$out/opencv_faces.json"
    peer_files+=("$out/opencv_faces.json")
    continue
  fi
  # OpenBLAS tuning variables set for other jobs would change PyTorch's GEMM kernels: run it on its defaults
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
    /usr/bin/python3 "benchmarks/peer/pytorch_$p.py" --threads "$threads" "${extra[@]}" --out "$out/pytorch_$p.json"
  peer_files+=("$out/pytorch_$p.json")
done
uptime
/usr/bin/python3 -c 'import json, sys; json.dump({k: v for p in sys.argv[1:] for k, v in json.load(open(p)).items()}, sys.stdout)' \
  "${peer_files[@]}" > "$out/pytorch.json"
/usr/bin/python3 benchmarks/peer/compare.py "$out/jmh.json" "$out/pytorch.json" --markdown --peer "$peer_name"
if [[ "$peers" == *models* ]]; then
  echo "(vqvae_* and pixelsnail_*: one op = one batch of 16 images; images/s = ops/s x 16)"
fi
if [[ "$peers" == *mesonet* ]]; then
  echo "(meso4_* and mesoinception4_*: one op = one batch of 32 images of 256x256; shown in images/s)"
fi
if [[ "$peers" == *vae* ]]; then
  echo "(ocfakedect_* and resnet_vae_*: one op = one batch of 32 images; images/s = ops/s x 32)"
fi
if [[ "$peers" == *scoring* ]]; then
  echo "(pixel_score: Unmask runs the incremental restoration, PyTorch the naive one; ratio = PyTorch s / Unmask s)"
fi
