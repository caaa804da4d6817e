// Reductions, softmax and cross-entropy. A tensor is seen as [outer, extent, inner] with the
// reduced axis in the middle (the caller permutes several reduced axes together first).
#include "common.cuh"

enum ReduceCode { R_SUM, R_MEAN, R_MAX, R_MIN };

#define ROW_THREADS 256

// out[o] = reduce_r x[o, r] for contiguous rows (inner == 1): one block of ROW_THREADS per row.
extern "C" __global__ void __launch_bounds__(ROW_THREADS) reduce_rows_f32(const float* __restrict__ x, int extent, int op,
                                                                         float* __restrict__ out) {
    __shared__ float scratch[32];
    const float* row = x + (size_t) blockIdx.x * extent;
    int kind = op == R_MAX ? 1 : (op == R_MIN ? 2 : 0);
    float v = kind == 0 ? 0.0f : (kind == 1 ? -INFINITY : INFINITY);
    for (int r = threadIdx.x; r < extent; r += ROW_THREADS) {
        float e = row[r];
        v = kind == 0 ? v + e : (kind == 1 ? max_nan(v, e) : min_nan(v, e));
    }
    v = block_reduce(v, kind, scratch);
    if (threadIdx.x == 0) {
        out[blockIdx.x] = op == R_MEAN ? v / (float) extent : v;
    }
}

// The same over a strided axis: one thread per (outer, inner) output, walking the extent.
extern "C" __global__ void reduce_strided_f32(const float* __restrict__ x, int outer, int extent, int inner, int op,
                                              float* __restrict__ out) {
    size_t o = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (o >= (size_t) outer * inner) {
        return;
    }
    const float* base = x + o / inner * (size_t) extent * inner + o % inner;
    float v = op == R_MAX ? -INFINITY : (op == R_MIN ? INFINITY : 0.0f);
    for (int r = 0; r < extent; r++) {
        float e = base[(size_t) r * inner];
        v = op == R_MAX ? max_nan(v, e) : (op == R_MIN ? min_nan(v, e) : v + e);
    }
    out[o] = op == R_MEAN ? v / (float) extent : v;
}

// out[o] = index of the largest (or smallest, when takeMin) x[o, r], ties to the lowest r; a NaN
// counts as the extreme and its first occurrence wins.
extern "C" __global__ void arg_reduce_f32(const float* __restrict__ x, int outer, int extent, int inner, int takeMin,
                                          int* __restrict__ out) {
    size_t o = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (o >= (size_t) outer * inner) {
        return;
    }
    const float* base = x + o / inner * (size_t) extent * inner + o % inner;
    float best = base[0];
    int bestIndex = 0;
    for (int r = 1; r < extent && best == best; r++) {
        float e = base[(size_t) r * inner];
        if (e != e || (takeMin ? e < best : e > best)) {
            best = e;
            bestIndex = r;
        }
    }
    out[o] = bestIndex;
}

// y = softmax (or log-softmax when logarithm) of each contiguous row of `cols`, max subtracted.
// One block of ROW_THREADS per row.
extern "C" __global__ void __launch_bounds__(ROW_THREADS) softmax_rows_f32(const float* __restrict__ x, int cols, int logarithm,
                                                                          float* __restrict__ y) {
    __shared__ float scratch[32];
    const float* row = x + (size_t) blockIdx.x * cols;
    float* outRow = y + (size_t) blockIdx.x * cols;
    float m = -INFINITY;
    for (int c = threadIdx.x; c < cols; c += ROW_THREADS) {
        m = max_nan(m, row[c]);
    }
    m = block_reduce(m, 1, scratch);
    float s = 0.0f;
    for (int c = threadIdx.x; c < cols; c += ROW_THREADS) {
        s += expf(row[c] - m);
    }
    s = block_reduce(s, 0, scratch);
    float logSum = logf(s);
    for (int c = threadIdx.x; c < cols; c += ROW_THREADS) {
        float shifted = row[c] - m;
        outRow[c] = logarithm ? shifted - logSum : expf(shifted) / s;
    }
}

// loss[r] = logsumexp(logits[r, :]) - logits[r, target[r]]; one block of ROW_THREADS per row.
extern "C" __global__ void __launch_bounds__(ROW_THREADS) cross_entropy_rows_f32(const float* __restrict__ logits,
                                                                                const int* __restrict__ targets, int cols,
                                                                                float* __restrict__ loss) {
    __shared__ float scratch[32];
    const float* row = logits + (size_t) blockIdx.x * cols;
    float m = -INFINITY;
    for (int c = threadIdx.x; c < cols; c += ROW_THREADS) {
        m = max_nan(m, row[c]);
    }
    m = block_reduce(m, 1, scratch);
    float s = 0.0f;
    for (int c = threadIdx.x; c < cols; c += ROW_THREADS) {
        s += expf(row[c] - m);
    }
    s = block_reduce(s, 0, scratch);
    if (threadIdx.x == 0) {
        loss[blockIdx.x] = m + logf(s) - row[targets[blockIdx.x]];
    }
}
