/*
Workbench for vq_nearest: index of the nearest codebook entry for each of N vectors.
    out[n] = argmin_k ||e_k||^2 - 2 z_n . e_k   (ties to the lowest k), z [N, D], codebook [K, D]

Versions:
  1  naive: one thread per vector, codebook read straight from global memory, distances recomputed
     with the code norm every time. Any block size.
  2  production (src/main/cuda/vq.cu): one thread per vector, the codebook streamed through shared
     memory in 32 x 32 tiles, 32 running dot products in registers, code norms summed once per tile.
     Block size fixed at VQ_ROWS.

Build and run (from cuda-kernels/dev):
  make vq_nearest_gpu && ./vq_nearest_gpu [version] [N K D]     # nvcc, on a machine with a GPU
  make vq_nearest_emu && ./vq_nearest_emu [version] [N K D]     # g++ against the CPU emulator
Default size: the DESIGN section 8 vq_nn workload, N = 16384, D = 64, K = 512 (smaller under the
emulator). Every block size of the chosen version is validated against the CPU reference first,
then each is timed.
*/
#include "common.h"
#include "../src/main/cuda/vq.cu"

#include <cmath>

// ---------------------------------------------------------------- CPU reference

void vq_nearest_cpu(const float* z, const float* codebook, int n, int k, int d, int* out) {
    for (int row = 0; row < n; row++) {
        double best = INFINITY;
        int bestIndex = 0;
        for (int code = 0; code < k; code++) {
            double s = 0.0;
            for (int j = 0; j < d; j++) {
                double diff = (double) z[(size_t) row * d + j] - codebook[(size_t) code * d + j];
                s += diff * diff;
            }
            if (s < best) {
                best = s;
                bestIndex = code;
            }
        }
        out[row] = bestIndex;
    }
}

// ---------------------------------------------------------------- kernels

__global__ void vq_nearest_naive(const float* z, const float* codebook, int n, int k, int d, int* out) {
    int row = blockIdx.x * blockDim.x + threadIdx.x;
    if (row >= n) {
        return;
    }
    float best = INFINITY;
    int bestIndex = 0;
    for (int code = 0; code < k; code++) {
        float norm = 0.0f;
        float dot = 0.0f;
        for (int j = 0; j < d; j++) {
            float e = codebook[(size_t) code * d + j];
            norm += e * e;
            dot += z[(size_t) row * d + j] * e;
        }
        float distance = norm - 2.0f * dot;
        if (distance < best) {
            best = distance;
            bestIndex = code;
        }
    }
    out[row] = bestIndex;
}

// ---------------------------------------------------------------- launchers

void launch(int version, int blockSize, const float* z, const float* codebook, int n, int k, int d, int* out) {
    switch (version) {
        case 1: LAUNCH(vq_nearest_naive, dim3(ceil_div(n, blockSize)), dim3(blockSize), 0, z, codebook, n, k, d, out); break;
        case 2: LAUNCH(vq_nearest, dim3(ceil_div(n, VQ_ROWS)), dim3(VQ_ROWS), 0, z, codebook, n, k, d, out); break;
        default: std::fprintf(stderr, "unknown version %d\n", version); std::exit(1);
    }
}

// Exact squared distance, to accept float near-ties that the double reference orders otherwise.
static double distance(const std::vector<float>& z, const std::vector<float>& e, int row, int code, int d) {
    double s = 0.0;
    for (int j = 0; j < d; j++) {
        double diff = (double) z[(size_t) row * d + j] - e[(size_t) code * d + j];
        s += diff * diff;
    }
    return s;
}

int main(int argc, char** argv) {
    int version = argc > 1 ? std::atoi(argv[1]) : 2;
#ifdef __CUDACC__
    int n = 16384, k = 512, d = 64, repeats = 100;
#else
    int n = 2048, k = 128, d = 64, repeats = 1;
#endif
    if (argc > 4) {
        n = std::atoi(argv[2]);
        k = std::atoi(argv[3]);
        d = std::atoi(argv[4]);
    }
    std::printf("vq_nearest version %d, N=%d K=%d D=%d, %s\n", version, n, k, d, BACKEND);
    std::vector<float> z = random_floats((size_t) n * d, 1, -1.0f, 1.0f);
    std::vector<float> codebook = random_floats((size_t) k * d, 2, -1.0f, 1.0f);
    std::vector<int> reference(n);
    vq_nearest_cpu(z.data(), codebook.data(), n, k, d, reference.data());
    float* dz = to_device(z);
    float* de = to_device(codebook);
    int* dout = to_device(std::vector<int>(n, -1));
    std::vector<int> blockSizes = version == 1 ? std::vector<int>{32, 64, 128, 256, 512, 1024} : std::vector<int>{VQ_ROWS};
    // float distances of D terms may order codes whose exact distances differ by rounding only
    const double nearTie = 1e-4;
    for (int blockSize : blockSizes) {
        launch(version, blockSize, dz, de, n, k, d, dout);
        std::vector<int> got = to_host(dout, n);
        int mismatches = 0;
        for (int row = 0; row < n; row++) {
            if (got[row] != reference[row]) {
                double best = distance(z, codebook, row, reference[row], d);
                bool nearTieOk = got[row] >= 0 && got[row] < k && distance(z, codebook, row, got[row], d) <= best + nearTie * (1 + best);
                if (!nearTieOk && mismatches++ < 5) {
                    std::printf("  MISMATCH block %d row %d: got %d, expected %d\n", blockSize, row, got[row], reference[row]);
                }
            }
        }
        if (mismatches > 0) {
            std::printf("block size %d: %d mismatches\n", blockSize, mismatches);
            return 1;
        }
    }
    std::printf("all block sizes match the CPU reference\n");
    for (int blockSize : blockSizes) {
        double ms = benchmark_ms(repeats, [&] { launch(version, blockSize, dz, de, n, k, d, dout); });
        double flops = 2.0 * n * k * d;
        double bytes = 4.0 * ((double) n * d + (double) k * d + n);
        std::printf("block %4d: %9.4f ms, %7.1f GFLOP/s, %7.1f GB/s (compulsory traffic)\n", blockSize, ms, flops / ms / 1e6,
                    bytes / ms / 1e6);
    }
    free_device(dz);
    free_device(de);
    free_device(dout);
    return 0;
}
