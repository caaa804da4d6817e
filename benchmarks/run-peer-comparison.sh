#!/usr/bin/env bash
# Runs the kernel workloads of DESIGN section 8 in Unmask (JMH) and in PyTorch on this machine, one
# after the other in one run, with the same thread count, and prints ours / PyTorch / ratio.
# Needs Debian's PyTorch: apt-get install -y python3-torch. Usage: benchmarks/run-peer-comparison.sh [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
out=benchmarks/target/peer
mkdir -p "$out"
mvn -B -q -ntp -DskipTests package
java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar -t 1 -jvmArgsAppend "--add-modules jdk.incubator.vector -Dunmask.threads=$threads" \
  -f 1 -wi 3 -i 5 -w 2s -r 2s -rf json -rff "$out/jmh.json" 'KernelBenchmarks'
/usr/bin/python3 benchmarks/peer/pytorch_kernels.py --threads "$threads" --out "$out/pytorch.json"
/usr/bin/python3 benchmarks/peer/compare.py "$out/jmh.json" "$out/pytorch.json" --markdown
