// Fused causal attention (PixelSNAIL's mask: query i sees keys j < i; row 0 sees none and is zero).
// Layout: q, k [bh, L, dk], v [bh, L, dv], out [bh, L, dv], lse [bh, L].
// One thread per query (forward, dq) or per key (dk, dv); the other side streams through shared
// memory in tiles of ATT_TILE rows, and tiles that are wholly masked are never loaded. No L x L.
// Each kernel comes in three widths, suffix _d8, _d16, _d32: the per-row vectors live in registers
// of that many columns, so the caller picks the smallest width >= max(dk, dv) (32 at most).
#include "common.cuh"

#define ATT_TILE 64
// Asks ptxas for at least this many resident blocks per SM; without the hint it spills a few bytes
// in causal_attention_backward_query_d8 on sm_80 (nvcc 13.0), which the ptxas report check rejects.
#define ATT_MIN_BLOCKS 4

// Copies rows [start, start + ATT_TILE) of a [L, dim] matrix into a shared tile, zeros past L and
// past dim (the register loops run over all WIDTH columns).
template <int WIDTH>
__device__ __forceinline__ void att_load_tile(float (*tile)[WIDTH], const float* src, int start, int len, int dim) {
    for (int e = threadIdx.x; e < ATT_TILE * WIDTH; e += blockDim.x) {
        int r = e / WIDTH;
        int c = e % WIDTH;
        tile[r][c] = (start + r < len && c < dim) ? src[(size_t) (start + r) * dim + c] : 0.0f;
    }
}

// Launch: block ATT_TILE threads, grid (ceil(L / ATT_TILE), bh).
template <int WIDTH>
__device__ __forceinline__ void attention_forward(
        const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v, int len, int dk, int dv,
        float scale, float* __restrict__ out, float* __restrict__ lse) {
    __shared__ float kTile[ATT_TILE][WIDTH];
    __shared__ float vTile[ATT_TILE][WIDTH];
    size_t head = blockIdx.y;
    int first = blockIdx.x * ATT_TILE;
    int i = first + threadIdx.x;
    const float* kh = k + head * len * dk;
    const float* vh = v + head * len * dv;
    float qi[WIDTH];
    float acc[WIDTH];
#pragma unroll
    for (int c = 0; c < WIDTH; c++) {
        qi[c] = (i < len && c < dk) ? q[(head * len + i) * dk + c] * scale : 0.0f;
        acc[c] = 0.0f;
    }
    float runningMax = -INFINITY;
    float denominator = 0.0f;
    int lastQuery = min(first + ATT_TILE, len) - 1;
    for (int t0 = 0; t0 < lastQuery; t0 += ATT_TILE) {
        att_load_tile(kTile, kh, t0, len, dk);
        att_load_tile(vTile, vh, t0, len, dv);
        __syncthreads();
        int keys = min(ATT_TILE, i - t0);
        for (int j = 0; j < keys; j++) {
            float s = 0.0f;
#pragma unroll
            for (int c = 0; c < WIDTH; c++) {
                s += qi[c] * kTile[j][c];
            }
            float newMax = fmaxf(runningMax, s);
            float correction = expf(runningMax - newMax);
            float p = expf(s - newMax);
            denominator = denominator * correction + p;
#pragma unroll
            for (int c = 0; c < WIDTH; c++) {
                acc[c] = acc[c] * correction + p * vTile[j][c];
            }
            runningMax = newMax;
        }
        __syncthreads();
    }
    if (i < len) {
        float inverse = denominator > 0.0f ? 1.0f / denominator : 0.0f;
#pragma unroll
        for (int c = 0; c < WIDTH; c++) {  // a runtime bound would put the array in local memory
            if (c < dv) {
                out[(head * len + i) * dv + c] = acc[c] * inverse;
            }
        }
        lse[head * len + i] = denominator > 0.0f ? runningMax + logf(denominator) : 0.0f;
    }
}

// delta[i] = dOut_i . out_i, the row term of the softmax gradient. One thread per row of bh * L.
extern "C" __global__ void causal_attention_backward_delta(const float* __restrict__ out,
                                                           const float* __restrict__ gradOut, int rows, int dv,
                                                           float* __restrict__ delta) {
    size_t r = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= (size_t) rows) {
        return;
    }
    float s = 0.0f;
    for (int c = 0; c < dv; c++) {
        s += gradOut[r * dv + c] * out[r * dv + c];
    }
    delta[r] = s;
}

// dq_i = scale * sum_{j<i} P_ij (dOut_i . v_j - delta_i) k_j with P_ij = exp(scale q_i.k_j - lse_i).
// Launch as causal_attention_forward.
template <int WIDTH>
__device__ __forceinline__ void attention_backward_query(
        const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
        const float* __restrict__ gradOut, const float* __restrict__ lse, const float* __restrict__ delta, int len, int dk,
        int dv, float scale, float* __restrict__ gradQ) {
    __shared__ float kTile[ATT_TILE][WIDTH];
    __shared__ float vTile[ATT_TILE][WIDTH];
    size_t head = blockIdx.y;
    int first = blockIdx.x * ATT_TILE;
    int i = first + threadIdx.x;
    bool active = i < len;
    const float* kh = k + head * len * dk;
    const float* vh = v + head * len * dv;
    float qi[WIDTH];
    float gi[WIDTH];
    float dq[WIDTH];
#pragma unroll
    for (int c = 0; c < WIDTH; c++) {
        qi[c] = (active && c < dk) ? q[(head * len + i) * dk + c] * scale : 0.0f;
        gi[c] = (active && c < dv) ? gradOut[(head * len + i) * dv + c] : 0.0f;
        dq[c] = 0.0f;
    }
    float lseI = active ? lse[head * len + i] : 0.0f;
    float deltaI = active ? delta[head * len + i] : 0.0f;
    int lastQuery = min(first + ATT_TILE, len) - 1;
    for (int t0 = 0; t0 < lastQuery; t0 += ATT_TILE) {
        att_load_tile(kTile, kh, t0, len, dk);
        att_load_tile(vTile, vh, t0, len, dv);
        __syncthreads();
        int keys = min(ATT_TILE, i - t0);
        for (int j = 0; j < keys; j++) {
            float s = 0.0f;
            float dp = 0.0f;
#pragma unroll
            for (int c = 0; c < WIDTH; c++) {
                s += qi[c] * kTile[j][c];
                dp += gi[c] * vTile[j][c];
            }
            float ds = expf(s - lseI) * (dp - deltaI);
#pragma unroll
            for (int c = 0; c < WIDTH; c++) {
                dq[c] += ds * kTile[j][c];
            }
        }
        __syncthreads();
    }
    if (active) {
#pragma unroll
        for (int c = 0; c < WIDTH; c++) {  // a runtime bound would put the array in local memory
            if (c < dk) {
                gradQ[(head * len + i) * dk + c] = dq[c] * scale;
            }
        }
    }
}

// dk_j = scale * sum_{i>j} dS_ij q_i and dv_j = sum_{i>j} P_ij dOut_i, one thread per key j; the
// query side streams through shared memory from the tile holding j + 1 on. Launch as the forward.
template <int WIDTH>
__device__ __forceinline__ void attention_backward_key_value(
        const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
        const float* __restrict__ gradOut, const float* __restrict__ lse, const float* __restrict__ delta, int len, int dk,
        int dv, float scale, float* __restrict__ gradK, float* __restrict__ gradV) {
    __shared__ float qTile[ATT_TILE][WIDTH];
    __shared__ float gTile[ATT_TILE][WIDTH];
    __shared__ float lseTile[ATT_TILE];
    __shared__ float deltaTile[ATT_TILE];
    size_t head = blockIdx.y;
    int first = blockIdx.x * ATT_TILE;
    int j = first + threadIdx.x;
    bool active = j < len;
    const float* qh = q + head * len * dk;
    const float* gh = gradOut + head * len * dv;
    float kj[WIDTH];
    float vj[WIDTH];
    float dkj[WIDTH];
    float dvj[WIDTH];
#pragma unroll
    for (int c = 0; c < WIDTH; c++) {
        kj[c] = (active && c < dk) ? k[(head * len + j) * dk + c] * scale : 0.0f;
        vj[c] = (active && c < dv) ? v[(head * len + j) * dv + c] : 0.0f;
        dkj[c] = 0.0f;
        dvj[c] = 0.0f;
    }
    for (int t0 = first; t0 < len; t0 += ATT_TILE) {
        att_load_tile(qTile, qh, t0, len, dk);
        att_load_tile(gTile, gh, t0, len, dv);
        for (int r = threadIdx.x; r < ATT_TILE; r += blockDim.x) {
            lseTile[r] = t0 + r < len ? lse[head * len + t0 + r] : 0.0f;
            deltaTile[r] = t0 + r < len ? delta[head * len + t0 + r] : 0.0f;
        }
        __syncthreads();
        int begin = max(0, j + 1 - t0);
        int end = min(ATT_TILE, len - t0);
        for (int r = begin; r < end; r++) {
            float s = 0.0f;
            float dp = 0.0f;
#pragma unroll
            for (int c = 0; c < WIDTH; c++) {
                s += kj[c] * qTile[r][c];
                dp += vj[c] * gTile[r][c];
            }
            float p = expf(s - lseTile[r]);
            float ds = p * (dp - deltaTile[r]);
#pragma unroll
            for (int c = 0; c < WIDTH; c++) {
                dvj[c] += p * gTile[r][c];
                dkj[c] += ds * qTile[r][c];
            }
        }
        __syncthreads();
    }
    if (active) {
#pragma unroll
        for (int c = 0; c < WIDTH; c++) {  // a runtime bound would put the array in local memory
            if (c < dk) {
                gradK[(head * len + j) * dk + c] = dkj[c] * scale;
            }
        }
#pragma unroll
        for (int c = 0; c < WIDTH; c++) {  // a runtime bound would put the array in local memory
            if (c < dv) {
                gradV[(head * len + j) * dv + c] = dvj[c];
            }
        }
    }
}

// The entry points, one per register width.
#define ATTENTION_KERNELS(WIDTH)                                                                                          \
    extern "C" __global__ void __launch_bounds__(ATT_TILE, ATT_MIN_BLOCKS) causal_attention_forward_d##WIDTH(                             \
            const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v, int len, int dk, int dv, \
            float scale, float* __restrict__ out, float* __restrict__ lse) {                                                \
        attention_forward<WIDTH>(q, k, v, len, dk, dv, scale, out, lse);                                                    \
    }                                                                                                                       \
    extern "C" __global__ void __launch_bounds__(ATT_TILE, ATT_MIN_BLOCKS) causal_attention_backward_query_d##WIDTH(                      \
            const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,                          \
            const float* __restrict__ gradOut, const float* __restrict__ lse, const float* __restrict__ delta, int len,     \
            int dk, int dv, float scale, float* __restrict__ gradQ) {                                                       \
        attention_backward_query<WIDTH>(q, k, v, gradOut, lse, delta, len, dk, dv, scale, gradQ);                           \
    }                                                                                                                       \
    extern "C" __global__ void __launch_bounds__(ATT_TILE, ATT_MIN_BLOCKS) causal_attention_backward_key_value_d##WIDTH(                  \
            const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,                          \
            const float* __restrict__ gradOut, const float* __restrict__ lse, const float* __restrict__ delta, int len,     \
            int dk, int dv, float scale, float* __restrict__ gradK, float* __restrict__ gradV) {                            \
        attention_backward_key_value<WIDTH>(q, k, v, gradOut, lse, delta, len, dk, dv, scale, gradK, gradV);                \
    }

ATTENTION_KERNELS(8)
ATTENTION_KERNELS(16)
ATTENTION_KERNELS(32)
