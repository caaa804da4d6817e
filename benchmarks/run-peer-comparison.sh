#!/usr/bin/env bash
# Runs the kernel and model workloads of DESIGN section 8 in Unmask (JMH) and in PyTorch on this machine,
# one after the other in one run, with the same thread count, and prints ours / PyTorch / ratio in one table.
# Model workloads (vqvae_*, pixelsnail_*) count one op as one batch of 16 images on both sides.
# Needs Debian's PyTorch: apt-get install -y python3-torch.
# Usage: benchmarks/run-peer-comparison.sh [threads] [all|kernels|models]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
which=${2:-all}
case "$which" in
  all) jmh='KernelBenchmarks|ModelBenchmarks'; peers='kernels models' ;;
  kernels) jmh='KernelBenchmarks'; peers='kernels' ;;
  models) jmh='ModelBenchmarks'; peers='models' ;;
  *) echo "unknown workload set '$which' (all, kernels or models)" >&2; exit 2 ;;
esac
out=benchmarks/target/peer
mkdir -p "$out"
mvn -B -q -ntp -DskipTests package
java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar -t 1 -jvmArgsAppend "--add-modules jdk.incubator.vector -Dunmask.threads=$threads" \
  -f 1 -wi 3 -i 5 -w 2s -r 2s -rf json -rff "$out/jmh.json" "$jmh"
peer_files=()
for p in $peers; do
  /usr/bin/python3 "benchmarks/peer/pytorch_$p.py" --threads "$threads" --out "$out/pytorch_$p.json"
  peer_files+=("$out/pytorch_$p.json")
done
/usr/bin/python3 -c 'import json, sys; json.dump({k: v for p in sys.argv[1:] for k, v in json.load(open(p)).items()}, sys.stdout)' \
  "${peer_files[@]}" > "$out/pytorch.json"
/usr/bin/python3 benchmarks/peer/compare.py "$out/jmh.json" "$out/pytorch.json" --markdown
if [[ "$peers" == *models* ]]; then
  echo "(vqvae_* and pixelsnail_*: one op = one batch of 16 images; images/s = ops/s x 16)"
fi
