// Batch normalisation over NCHW viewed as [n, channels, plane]: the per-channel statistics and the
// backward pass's two per-channel sums take one block per channel (float partial sums per thread, then a
// block reduction); the elementwise passes take one thread per element.
#include "common.cuh"

#define BN_THREADS 256

// Flat index of element e (0 <= e < n * plane) of channel c.
__device__ __forceinline__ size_t bn_index(size_t e, int channels, int plane, int c) {
    size_t image = e / plane;
    return (image * channels + c) * plane + e % plane;
}

// mean[c] = sum x / M, then variance[c] = sum (x - mean[c])^2 / M over the M = n * plane elements of channel c.
// Launch: grid (channels), block (BN_THREADS).
extern "C" __global__ void __launch_bounds__(BN_THREADS) batch_norm_statistics(
        const float* __restrict__ x, int n, int channels, int plane, float* __restrict__ mean, float* __restrict__ variance) {
    __shared__ float scratch[32];
    int c = blockIdx.x;
    size_t count = (size_t) n * plane;
    float s = 0.0f;
    for (size_t e = threadIdx.x; e < count; e += BN_THREADS) {
        s += x[bn_index(e, channels, plane, c)];
    }
    float m = block_reduce(s, 0, scratch) / (float) count;
    float q = 0.0f;
    for (size_t e = threadIdx.x; e < count; e += BN_THREADS) {
        float d = x[bn_index(e, channels, plane, c)] - m;
        q += d * d;
    }
    q = block_reduce(q, 0, scratch);
    if (threadIdx.x == 0) {
        mean[c] = m;
        variance[c] = q / (float) count;
    }
}

// out = (x - mean[c]) / sqrt(variance[c] + eps) * weight[c] + bias[c]. Launch: one thread per element.
extern "C" __global__ void batch_norm_forward(const float* __restrict__ x, size_t total, int channels, int plane,
                                              const float* __restrict__ mean, const float* __restrict__ variance,
                                              const float* __restrict__ weight, const float* __restrict__ bias, float eps,
                                              float* __restrict__ out) {
    size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= total) {
        return;
    }
    int c = (int) (i / plane % channels);
    out[i] = (x[i] - mean[c]) * (weight[c] / sqrtf(variance[c] + eps)) + bias[c];
}

// gradBias[c] = sum g, gradWeight[c] = sum g (x - mean[c]) / sqrt(variance[c] + eps) over channel c.
// Launch: grid (channels), block (BN_THREADS).
extern "C" __global__ void __launch_bounds__(BN_THREADS) batch_norm_backward_reduce(
        const float* __restrict__ gradOut, const float* __restrict__ x, int n, int channels, int plane,
        const float* __restrict__ mean, const float* __restrict__ variance, float eps, float* __restrict__ gradWeight,
        float* __restrict__ gradBias) {
    __shared__ float scratch[32];
    int c = blockIdx.x;
    size_t count = (size_t) n * plane;
    float m = mean[c];
    float s = 0.0f;
    float centred = 0.0f;
    for (size_t e = threadIdx.x; e < count; e += BN_THREADS) {
        size_t i = bn_index(e, channels, plane, c);
        s += gradOut[i];
        centred += gradOut[i] * (x[i] - m);
    }
    s = block_reduce(s, 0, scratch);
    centred = block_reduce(centred, 0, scratch);
    if (threadIdx.x == 0) {
        gradBias[c] = s;
        gradWeight[c] = centred / sqrtf(variance[c] + eps);
    }
}

// gradX = weight[c] / std * (g - gradBias[c] / M - x^ gradWeight[c] / M) with batch statistics, else
// weight[c] / std * g, where std = sqrt(variance[c] + eps), x^ = (x - mean[c]) / std and M = n * plane.
// Launch: one thread per element, after batch_norm_backward_reduce.
extern "C" __global__ void batch_norm_backward_input(const float* __restrict__ gradOut, const float* __restrict__ x,
                                                     size_t total, int channels, int plane, const float* __restrict__ mean,
                                                     const float* __restrict__ variance, const float* __restrict__ weight,
                                                     const float* __restrict__ gradWeight, const float* __restrict__ gradBias,
                                                     float eps, int batchStatistics, float* __restrict__ gradX) {
    size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= total) {
        return;
    }
    int c = (int) (i / plane % channels);
    float inverseStd = 1.0f / sqrtf(variance[c] + eps);
    float scale = weight[c] * inverseStd;
    if (batchStatistics) {
        float count = (float) (total / channels);
        float centred = (x[i] - mean[c]) * inverseStd;
        gradX[i] = scale * (gradOut[i] - gradBias[c] / count - centred * gradWeight[c] / count);
    } else {
        gradX[i] = scale * gradOut[i];
    }
}
