/*
Workbench for causal_attention_forward: multi-head attention where query i sees keys j < i only
(row 0 sees none and outputs zeros), with the per-row logsumexp the backward pass needs.
    out_i = sum_{j<i} softmax_j(scale q_i . k_j) v_j,  lse_i = log sum_{j<i} exp(scale q_i . k_j)
    q, k [BH, L, Dk], v, out [BH, L, Dv], lse [BH, L]

Versions:
  1  naive: one thread per query, three passes over its keys in global memory (max, sum, output).
     Any block size.
  2  production (src/main/cuda/attention.cu): one thread per query, keys and values streamed
     through shared memory in tiles of ATT_TILE, online softmax in one pass, masked tiles skipped,
     the register width picked as the smallest of 8, 16, 32 that holds D. Block size ATT_TILE.

Build and run (from cuda-kernels/dev):
  make causal_attention_gpu && ./causal_attention_gpu [version] [BH L D]
  make causal_attention_emu && ./causal_attention_emu [version] [BH L D]
Default size: the DESIGN section 8 attention workload, B=16 x 8 heads, L=1024, head dim 8
(smaller under the emulator).
*/
#include "common.h"
#include "../src/main/cuda/attention.cu"

#include <cmath>

// ---------------------------------------------------------------- CPU reference

void attention_cpu(const float* q, const float* k, const float* v, int bh, int len, int dk, int dv, float scale, float* out,
                   float* lse) {
    std::vector<double> s(len);
    for (int h = 0; h < bh; h++) {
        for (int i = 0; i < len; i++) {
            double m = -INFINITY;
            for (int j = 0; j < i; j++) {
                double dot = 0.0;
                for (int c = 0; c < dk; c++) {
                    dot += (double) q[((size_t) h * len + i) * dk + c] * k[((size_t) h * len + j) * dk + c];
                }
                s[j] = scale * dot;
                m = std::max(m, s[j]);
            }
            double z = 0.0;
            for (int j = 0; j < i; j++) {
                z += std::exp(s[j] - m);
            }
            for (int c = 0; c < dv; c++) {
                double acc = 0.0;
                for (int j = 0; j < i; j++) {
                    acc += std::exp(s[j] - m) / z * v[((size_t) h * len + j) * dv + c];
                }
                out[((size_t) h * len + i) * dv + c] = (float) acc;
            }
            lse[(size_t) h * len + i] = i == 0 ? 0.0f : (float) (m + std::log(z));
        }
    }
}

// ---------------------------------------------------------------- kernels

__global__ void attention_naive(const float* q, const float* k, const float* v, int bh, int len, int dk, int dv, float scale,
                                float* out, float* lse) {
    size_t row = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (row >= (size_t) bh * len) {
        return;
    }
    int i = (int) (row % len);
    const float* kh = k + (row - i) * dk;
    const float* vh = v + (row - i) * dv;
    float m = -INFINITY;
    for (int j = 0; j < i; j++) {
        float s = 0.0f;
        for (int c = 0; c < dk; c++) {
            s += q[row * dk + c] * kh[(size_t) j * dk + c];
        }
        m = fmaxf(m, scale * s);
    }
    float z = 0.0f;
    for (int c = 0; c < dv; c++) {
        out[row * dv + c] = 0.0f;
    }
    for (int j = 0; j < i; j++) {
        float s = 0.0f;
        for (int c = 0; c < dk; c++) {
            s += q[row * dk + c] * kh[(size_t) j * dk + c];
        }
        float p = expf(scale * s - m);
        z += p;
        for (int c = 0; c < dv; c++) {
            out[row * dv + c] += p * vh[(size_t) j * dv + c];
        }
    }
    for (int c = 0; c < dv; c++) {
        out[row * dv + c] = i == 0 ? 0.0f : out[row * dv + c] / z;
    }
    lse[row] = i == 0 ? 0.0f : m + logf(z);
}

// ---------------------------------------------------------------- launchers

void launch(int version, int blockSize, const float* q, const float* k, const float* v, int bh, int len, int d, float scale,
            float* out, float* lse) {
    switch (version) {
        case 1:
            LAUNCH(attention_naive, dim3(ceil_div((size_t) bh * len, blockSize)), dim3(blockSize), 0, q, k, v, bh, len, d, d, scale,
                   out, lse);
            break;
        case 2: {
            auto kernel = d <= 8 ? causal_attention_forward_d8 : d <= 16 ? causal_attention_forward_d16 : causal_attention_forward_d32;
            LAUNCH(kernel, dim3(ceil_div(len, ATT_TILE), bh), dim3(ATT_TILE), 0, q, k, v, len, d, d, scale, out, lse);
            break;
        }
        default: std::fprintf(stderr, "unknown version %d\n", version); std::exit(1);
    }
}

int main(int argc, char** argv) {
    int version = argc > 1 ? std::atoi(argv[1]) : 2;
#ifdef __CUDACC__
    int bh = 128, len = 1024, d = 8, repeats = 50;
#else
    int bh = 4, len = 200, d = 8, repeats = 1;
#endif
    if (argc > 4) {
        bh = std::atoi(argv[2]);
        len = std::atoi(argv[3]);
        d = std::atoi(argv[4]);
    }
    std::printf("causal_attention_forward version %d, BH=%d L=%d D=%d, %s\n", version, bh, len, d, BACKEND);
    if (d < 1 || d > 32) {
        std::fprintf(stderr, "head dim %d outside [1, 32]\n", d);
        return 1;
    }
    float scale = 1.0f / std::sqrt((float) d);
    size_t elements = (size_t) bh * len * d;
    std::vector<float> q = random_floats(elements, 1, -2.0f, 2.0f), k = random_floats(elements, 2, -2.0f, 2.0f),
                       v = random_floats(elements, 3, -1.0f, 1.0f);
    std::vector<float> refOut(elements), refLse((size_t) bh * len);
    attention_cpu(q.data(), k.data(), v.data(), bh, len, d, d, scale, refOut.data(), refLse.data());
    float* dq = to_device(q);
    float* dk = to_device(k);
    float* dv = to_device(v);
    float* dout = to_device(std::vector<float>(elements));
    float* dlse = to_device(std::vector<float>((size_t) bh * len));
    std::vector<int> blockSizes = version == 1 ? std::vector<int>{32, 64, 128, 256, 512, 1024} : std::vector<int>{ATT_TILE};
    // float accumulation over up to L keys against double, tolerance + |ref| * eps as in llm.c
    const float tolerance = 1e-4f, relative = 1e-4f;
    for (int blockSize : blockSizes) {
        launch(version, blockSize, dq, dk, dv, bh, len, d, scale, dout, dlse);
        std::vector<float> out = to_host(dout, elements), lse = to_host(dlse, (size_t) bh * len);
        int bad = 0;
        for (size_t e = 0; e < elements; e++) {
            if (!(std::fabs(out[e] - refOut[e]) <= tolerance + relative * std::fabs(refOut[e])) && bad++ < 5) {
                std::printf("  MISMATCH block %d out[%zu]: got %g, expected %g\n", blockSize, e, out[e], refOut[e]);
            }
        }
        for (size_t r = 0; r < lse.size(); r++) {
            if (!(std::fabs(lse[r] - refLse[r]) <= tolerance + relative * std::fabs(refLse[r])) && bad++ < 5) {
                std::printf("  MISMATCH block %d lse[%zu]: got %g, expected %g\n", blockSize, r, lse[r], refLse[r]);
            }
        }
        if (bad > 0) {
            std::printf("block size %d: %d mismatches\n", blockSize, bad);
            return 1;
        }
    }
    std::printf("all block sizes match the CPU reference\n");
    for (int blockSize : blockSizes) {
        double ms = benchmark_ms(repeats, [&] { launch(version, blockSize, dq, dk, dv, bh, len, d, scale, dout, dlse); });
        double flops = 2.0 * bh * ((double) len * (len - 1) / 2) * (2.0 * d);
        std::printf("block %4d: %9.4f ms, %7.1f GFLOP/s (causal half of QK^T and PV)\n", blockSize, ms, flops / ms / 1e6);
    }
    free_device(dq);
    free_device(dk);
    free_device(dv);
    free_device(dout);
    free_device(dlse);
    return 0;
}
