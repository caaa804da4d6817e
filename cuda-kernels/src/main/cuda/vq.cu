// Vector quantisation: nearest codebook entry (fused distance + argmin) and EMA statistics.
#include "common.cuh"

#define VQ_ROWS 128     // vectors per block, one per thread
#define VQ_CODES 32     // codebook entries per shared tile
#define VQ_DIMS 32      // dimensions per shared tile

// out[n] = argmin_k ||e_k||^2 - 2 z_n . e_k, ties to the lowest k; z [n, d], codebook [k, d].
// Launch: block VQ_ROWS threads, grid ceil(n / VQ_ROWS). Never forms the n x k distance matrix:
// each block streams the codebook through shared memory in VQ_CODES x VQ_DIMS tiles.
extern "C" __global__ void __launch_bounds__(VQ_ROWS) vq_nearest(const float* __restrict__ z,
                                                                  const float* __restrict__ codebook, int n, int k,
                                                                  int d, int* __restrict__ out) {
    __shared__ float tile[VQ_CODES][VQ_DIMS + 1];
    __shared__ float norms[VQ_CODES];
    int row = blockIdx.x * VQ_ROWS + threadIdx.x;
    bool active = row < n;
    const float* zrow = z + (size_t) (active ? row : 0) * d;
    float best = INFINITY;
    int bestIndex = 0;
    for (int k0 = 0; k0 < k; k0 += VQ_CODES) {
        float dot[VQ_CODES];
#pragma unroll
        for (int c = 0; c < VQ_CODES; c++) {
            dot[c] = 0.0f;
        }
        if (threadIdx.x < VQ_CODES) {
            norms[threadIdx.x] = 0.0f;
        }
        for (int d0 = 0; d0 < d; d0 += VQ_DIMS) {
            for (int e = threadIdx.x; e < VQ_CODES * VQ_DIMS; e += VQ_ROWS) {
                int c = e / VQ_DIMS;
                int j = e % VQ_DIMS;
                tile[c][j] = (k0 + c < k && d0 + j < d) ? codebook[(size_t) (k0 + c) * d + d0 + j] : 0.0f;
            }
            __syncthreads();
            if (threadIdx.x < VQ_CODES) {
                float s = 0.0f;
                for (int j = 0; j < VQ_DIMS; j++) {
                    s += tile[threadIdx.x][j] * tile[threadIdx.x][j];
                }
                norms[threadIdx.x] += s;
            }
            for (int j = 0; j < VQ_DIMS; j++) {
                float zj = (active && d0 + j < d) ? zrow[d0 + j] : 0.0f;
#pragma unroll
                for (int c = 0; c < VQ_CODES; c++) {
                    dot[c] += zj * tile[c][j];
                }
            }
            __syncthreads();
        }
        int codes = min(VQ_CODES, k - k0);
#pragma unroll
        for (int c = 0; c < VQ_CODES; c++) {
            float distance = norms[c] - 2.0f * dot[c];
            if (c < codes && distance < best) {
                best = distance;
                bestIndex = k0 + c;
            }
        }
        __syncthreads();  // norms is reset at the top of the next tile
    }
    if (active) {
        out[row] = bestIndex;
    }
}

// counts[a_i] += 1 and sums[a_i, :] += z_i for every row i; counts [k] and sums [k, d] must be zero
// on entry. Launch: one thread per element of z, any block size that is a multiple of 32.
extern "C" __global__ void vq_ema_statistics(const float* __restrict__ z, const int* __restrict__ assignments, int n,
                                             int d, float* __restrict__ counts, float* __restrict__ sums) {
    size_t e = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= (size_t) n * d) {
        return;
    }
    int row = (int) (e / d);
    int j = (int) (e % d);
    int code = assignments[row];
    atomicAdd(&sums[(size_t) code * d + j], z[e]);
    if (j == 0) {
        atomicAdd(&counts[code], 1.0f);
    }
}
