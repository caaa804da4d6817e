// Embedding gather, its adjoint scatter-add, and one-hot. Indices are I32; an index outside its
// range sets *status to 1 and the element is left untouched (zero for gather), so the caller can
// report the error after the launch. One thread per output (or source) element.
#include "common.cuh"

// out[i, :] = table[indices[i], :] for rows of rowSize 32-bit words (F32 or I32 alike).
extern "C" __global__ void gather_rows_32(const unsigned int* __restrict__ table, const int* __restrict__ indices, int count,
                                          int rowSize, int rows, unsigned int* __restrict__ out, int* __restrict__ status) {
    size_t e = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= (size_t) count * rowSize) {
        return;
    }
    int index = indices[e / rowSize];
    if (index < 0 || index >= rows) {
        out[e] = 0u;
        atomicExch(status, 1);
        return;
    }
    out[e] = table[(size_t) index * rowSize + e % rowSize];
}

// out[indices[i], :] += src[i, :]; out [rows, rowSize] must be zero on entry.
extern "C" __global__ void scatter_add_rows_f32(const int* __restrict__ indices, const float* __restrict__ src, int count,
                                                int rowSize, int rows, float* __restrict__ out, int* __restrict__ status) {
    size_t e = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= (size_t) count * rowSize) {
        return;
    }
    int index = indices[e / rowSize];
    if (index < 0 || index >= rows) {
        atomicExch(status, 1);
        return;
    }
    atomicAdd(&out[(size_t) index * rowSize + e % rowSize], src[e]);
}

// out[i, c] = indices[i] == c ? 1 : 0 for c < depth.
extern "C" __global__ void one_hot_f32(const int* __restrict__ indices, int count, int depth, float* __restrict__ out,
                                       int* __restrict__ status) {
    size_t e = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= (size_t) count * depth) {
        return;
    }
    int index = indices[e / depth];
    if ((index < 0 || index >= depth) && e % depth == 0) {
        atomicExch(status, 1);
    }
    out[e] = index == (int) (e % depth) ? 1.0f : 0.0f;
}
