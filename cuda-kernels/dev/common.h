// Shared by the workbench programs: the same code builds with nvcc (a GPU) or with g++ against the
// emulator (no GPU: correct, but timings say nothing about a GPU). Memory, launches and timing.
#pragma once

#ifdef __CUDACC__
#include <cuda_runtime.h>
#define CHECK_CUDA(call)                                                                                   \
    do {                                                                                                   \
        cudaError_t status_ = (call);                                                                      \
        if (status_ != cudaSuccess) {                                                                      \
            std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(status_)); \
            std::exit(1);                                                                                  \
        }                                                                                                  \
    } while (0)
#define LAUNCH(kernel, grid, block, shared, ...)               \
    do {                                                       \
        kernel<<<(grid), (block), (shared)>>>(__VA_ARGS__);    \
        CHECK_CUDA(cudaGetLastError());                        \
    } while (0)
#define BACKEND "nvcc (GPU)"
#else
#include "cuda_emu.h"
#define LAUNCH(kernel, grid, block, shared, ...) emu_launch(kernel, (grid), (block), (shared), __VA_ARGS__)
#define BACKEND "g++ + cuda_emu.h (CPU emulator: timings are NOT GPU timings)"
#endif

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

// Device copy of a host vector (a plain copy under the emulator, where device memory is host memory).
template <typename T> T* to_device(const std::vector<T>& host) {
#ifdef __CUDACC__
    T* device = nullptr;
    CHECK_CUDA(cudaMalloc(&device, host.size() * sizeof(T)));
    CHECK_CUDA(cudaMemcpy(device, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
    return device;
#else
    T* device = new T[host.size()];
    std::memcpy(device, host.data(), host.size() * sizeof(T));
    return device;
#endif
}

template <typename T> std::vector<T> to_host(const T* device, size_t n) {
    std::vector<T> host(n);
#ifdef __CUDACC__
    CHECK_CUDA(cudaMemcpy(host.data(), device, n * sizeof(T), cudaMemcpyDeviceToHost));
#else
    std::memcpy(host.data(), device, n * sizeof(T));
#endif
    return host;
}

template <typename T> void free_device(T* device) {
#ifdef __CUDACC__
    CHECK_CUDA(cudaFree(device));
#else
    delete[] device;
#endif
}

inline void synchronize() {
#ifdef __CUDACC__
    CHECK_CUDA(cudaDeviceSynchronize());
#endif
}

// Mean milliseconds per call of `body` over `repeats` calls after one warm-up call.
template <typename Body> double benchmark_ms(int repeats, Body body) {
    body();
    synchronize();
    auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < repeats; r++) {
        body();
    }
    synchronize();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / repeats;
}

inline std::vector<float> random_floats(size_t n, unsigned int seed, float lo, float hi) {
    std::vector<float> v(n);
    unsigned long long state = seed * 0x9E3779B97F4A7C15ull + 1;
    for (float& x : v) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        x = lo + (hi - lo) * (float) (state >> 40) / 16777216.0f;
    }
    return v;
}

inline unsigned int ceil_div(size_t n, unsigned int d) { return (unsigned int) ((n + d - 1) / d); }
