#!/usr/bin/env bash
# Meta-test of the emulator and the drivers: deletes each __syncthreads of the production kernels in
# turn and expects the driver of that kernel family to fail. Not part of the Maven build (it compiles
# one driver per barrier); run it by hand after touching a kernel's barriers:
#     cuda-kernels/emulator/tests/check_barriers.sh
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sources="$here/../../src/main/cuda"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
declare -A driver=([attention.cu]=test_attention [gemm.cu]=test_gemm [pool.cu]=test_pool [vq.cu]=test_vq [common.cuh]=test_reduce)
caught=0
missed=0
for file in "${!driver[@]}"; do
    for line in $(grep -n '^ *__syncthreads();' "$sources/$file" | cut -d: -f1); do
        cp "$sources"/*.cu "$sources"/*.cuh "$work/"
        sed -i "${line}s/__syncthreads();/;/" "$work/$file"
        g++ -std=c++17 -O1 -w -pthread -I"$here/.." -I"$here" -I"$work" "$here/${driver[$file]}.cpp" -o "$work/driver"
        if "$work/driver" > "$work/log" 2>&1; then
            echo "MISSED: $file:$line deleted, ${driver[$file]} still passes"
            missed=$((missed + 1))
        else
            echo "caught: $file:$line deleted, ${driver[$file]}: $(tail -1 "$work/log")"
            caught=$((caught + 1))
        fi
    done
done
echo "$caught barrier deletions caught, $missed missed"
[ "$missed" -eq 0 ]
