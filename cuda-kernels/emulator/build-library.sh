#!/usr/bin/env bash
# Builds the emulated kernels as a shared library (kernel_registry.cpp): target/emulator/libunmask_emu.so
# under the cuda-kernels module, exporting unmask_emu_launch, unmask_emu_kernel_count,
# unmask_emu_kernel_name and unmask_emu_set_schedule.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/emulator
g++ -std=c++17 -O2 -fPIC -shared -pthread -Wall -Wextra -Wno-unknown-pragmas -Wno-unused-parameter \
    -Iemulator -Isrc/main/cuda emulator/kernel_registry.cpp -o target/emulator/libunmask_emu.so
echo "built target/emulator/libunmask_emu.so"
