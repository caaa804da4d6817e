// Pooling over NCHW planes: the fused min-then-average smoother and plain max/min/avg pooling.
#include "common.cuh"

#define POOL_TILE 16  // output tile side of min_avg_pool; the block is POOL_TILE x POOL_TILE threads

// Min pool (minKernel, stride 1, padded positions ignored) then average pool (avgKernel, stride 1,
// zero padding counted: always / avgKernel^2), both "same" size. x, out [planes, h, w].
// Launch: block (POOL_TILE, POOL_TILE), grid (ceil(w / POOL_TILE), ceil(h / POOL_TILE), planes),
// dynamic shared min_avg_pool_shared_bytes(minKernel, avgKernel) =
// 4 * ((POOL_TILE + avgKernel + minKernel - 2)^2 + (POOL_TILE + avgKernel - 1)^2).
extern "C" __global__ void __launch_bounds__(POOL_TILE * POOL_TILE) min_avg_pool(
        const float* __restrict__ x, int h, int w, int minKernel, int avgKernel, float* __restrict__ out) {
    DYNAMIC_SHARED(float, shared);
    int ra = avgKernel / 2;
    int rm = minKernel / 2;
    int minSide = POOL_TILE + 2 * ra;
    int inSide = minSide + 2 * rm;
    float* input = shared;
    float* minimum = shared + inSide * inSide;
    size_t plane = (size_t) blockIdx.z * h * w;
    int y0 = blockIdx.y * POOL_TILE;
    int x0 = blockIdx.x * POOL_TILE;
    int tid = threadIdx.y * POOL_TILE + threadIdx.x;
    int threads = POOL_TILE * POOL_TILE;
    for (int e = tid; e < inSide * inSide; e += threads) {
        int yy = y0 - ra - rm + e / inSide;
        int xx = x0 - ra - rm + e % inSide;
        input[e] = (yy >= 0 && yy < h && xx >= 0 && xx < w) ? x[plane + (size_t) yy * w + xx] : INFINITY;
    }
    __syncthreads();
    for (int e = tid; e < minSide * minSide; e += threads) {
        int my = e / minSide;
        int mx = e % minSide;
        int yy = y0 - ra + my;
        int xx = x0 - ra + mx;
        float m = 0.0f;  // outside the image the average pool sees zero padding
        if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
            m = INFINITY;
            for (int dy = 0; dy < minKernel; dy++) {
                for (int dx = 0; dx < minKernel; dx++) {
                    m = min_nan(m, input[(my + dy) * inSide + mx + dx]);
                }
            }
        }
        minimum[e] = m;
    }
    __syncthreads();
    int oy = y0 + threadIdx.y;
    int ox = x0 + threadIdx.x;
    if (oy < h && ox < w) {
        float s = 0.0f;
        for (int dy = 0; dy < avgKernel; dy++) {
            for (int dx = 0; dx < avgKernel; dx++) {
                s += minimum[(threadIdx.y + dy) * minSide + threadIdx.x + dx];
            }
        }
        out[plane + (size_t) oy * w + ox] = s / (float) (avgKernel * avgKernel);
    }
}

// Geometry of a pooling window, passed by value.
struct PoolGeometry {
    int planes, h, w, oh, ow, kh, kw, strideH, strideW, padH, padW, countPadding;
};

// Flat input index of the first extreme (max, or min when takeMin) of output o's window; padded
// positions never win; a NaN wins at once, as it does in the reference backend.
__device__ __forceinline__ size_t pool_extreme_index(const float* x, PoolGeometry g, size_t o, bool takeMin) {
    int ox = (int) (o % g.ow);
    int oy = (int) (o / g.ow % g.oh);
    size_t plane = o / ((size_t) g.ow * g.oh);
    size_t base = plane * g.h * g.w;
    size_t bestIndex = base + (size_t) max(oy * g.strideH - g.padH, 0) * g.w + max(ox * g.strideW - g.padW, 0);
    float best = x[bestIndex];
    for (int dy = 0; dy < g.kh && best == best; dy++) {
        int yy = oy * g.strideH - g.padH + dy;
        if (yy < 0 || yy >= g.h) {
            continue;
        }
        for (int dx = 0; dx < g.kw; dx++) {
            int xx = ox * g.strideW - g.padW + dx;
            if (xx < 0 || xx >= g.w) {
                continue;
            }
            size_t index = base + (size_t) yy * g.w + xx;
            float value = x[index];
            if (value != value || (takeMin ? value < best : value > best)) {
                bestIndex = index;
                best = value;
                if (value != value) {
                    break;
                }
            }
        }
    }
    return bestIndex;
}

// out = max (or min when takeMin) over each window; one thread per output element.
extern "C" __global__ void extreme_pool2d(const float* __restrict__ x, PoolGeometry g, int takeMin, float* __restrict__ out) {
    size_t o = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (o < (size_t) g.planes * g.oh * g.ow) {
        out[o] = x[pool_extreme_index(x, g, o, takeMin != 0)];
    }
}

// gradX[first max of window o] += gradOut[o]; gradX must be zero on entry (windows may overlap).
extern "C" __global__ void max_pool2d_backward(const float* __restrict__ x, const float* __restrict__ gradOut, PoolGeometry g,
                                               float* __restrict__ gradX) {
    size_t o = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (o < (size_t) g.planes * g.oh * g.ow) {
        atomicAdd(&gradX[pool_extreme_index(x, g, o, false)], gradOut[o]);
    }
}

// Number of elements output (oy, ox) divides by: the full window, or only its real elements.
__device__ __forceinline__ int pool_divisor(PoolGeometry g, int oy, int ox) {
    if (g.countPadding) {
        return g.kh * g.kw;
    }
    int y0 = oy * g.strideH - g.padH;
    int x0 = ox * g.strideW - g.padW;
    int rows = min(y0 + g.kh, g.h) - max(y0, 0);
    int cols = min(x0 + g.kw, g.w) - max(x0, 0);
    return rows * cols;
}

extern "C" __global__ void avg_pool2d(const float* __restrict__ x, PoolGeometry g, float* __restrict__ out) {
    size_t o = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (o >= (size_t) g.planes * g.oh * g.ow) {
        return;
    }
    int ox = (int) (o % g.ow);
    int oy = (int) (o / g.ow % g.oh);
    size_t base = o / ((size_t) g.ow * g.oh) * g.h * g.w;
    float s = 0.0f;
    for (int dy = 0; dy < g.kh; dy++) {
        int yy = oy * g.strideH - g.padH + dy;
        for (int dx = 0; dx < g.kw; dx++) {
            int xx = ox * g.strideW - g.padW + dx;
            if (yy >= 0 && yy < g.h && xx >= 0 && xx < g.w) {
                s += x[base + (size_t) yy * g.w + xx];
            }
        }
    }
    out[o] = s / (float) pool_divisor(g, oy, ox);
}

// gradX[p] = sum over windows o containing p of gradOut[o] / divisor(o); one thread per input
// element, gathering, so no atomics.
extern "C" __global__ void avg_pool2d_backward(const float* __restrict__ gradOut, PoolGeometry g, float* __restrict__ gradX) {
    size_t p = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (p >= (size_t) g.planes * g.h * g.w) {
        return;
    }
    int px = (int) (p % g.w);
    int py = (int) (p / g.w % g.h);
    size_t base = p / ((size_t) g.w * g.h) * g.oh * g.ow;
    // windows with oy * stride - pad <= py < oy * stride - pad + kh
    int oyLo = max(0, (py + g.padH - g.kh + g.strideH) / g.strideH);
    int oyHi = min(g.oh - 1, (py + g.padH) / g.strideH);
    int oxLo = max(0, (px + g.padW - g.kw + g.strideW) / g.strideW);
    int oxHi = min(g.ow - 1, (px + g.padW) / g.strideW);
    float s = 0.0f;
    for (int oy = oyLo; oy <= oyHi; oy++) {
        for (int ox = oxLo; ox <= oxHi; ox++) {
            s += gradOut[base + (size_t) oy * g.ow + ox] / (float) pool_divisor(g, oy, ox);
        }
    }
    gradX[p] = s;
}

// Nearest-neighbour upsampling by integer factors: out[p, i, j] = x[p, i / scaleH, j / scaleW] for x
// [planes, h, w] and out [planes, h * scaleH, w * scaleW]. Launch: one thread per output element.
extern "C" __global__ void upsample_nearest2d(const float* __restrict__ x, int planes, int h, int w, int scaleH, int scaleW,
                                              float* __restrict__ out) {
    int outH = h * scaleH;
    int outW = w * scaleW;
    size_t o = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (o >= (size_t) planes * outH * outW) {
        return;
    }
    int j = (int) (o % outW);
    size_t row = o / outW;
    int i = (int) (row % outH);
    size_t plane = row / outH;
    out[o] = x[(plane * h + i / scaleH) * w + j / scaleW];
}

// The gradient of upsample_nearest2d: gradX[p, i, j] = sum of gradOut over its scaleH x scaleW block, rows
// then columns. Launch: one thread per input element of [planes, h, w], gathering, so no atomics.
extern "C" __global__ void upsample_nearest2d_backward(const float* __restrict__ gradOut, int planes, int h, int w, int scaleH,
                                                       int scaleW, float* __restrict__ gradX) {
    size_t p = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (p >= (size_t) planes * h * w) {
        return;
    }
    int j = (int) (p % w);
    size_t row = p / w;
    size_t gradW = (size_t) w * scaleW;
    const float* block = gradOut + row * scaleH * gradW + (size_t) j * scaleW;
    float s = 0.0f;
    for (int di = 0; di < scaleH; di++) {
        for (int dj = 0; dj < scaleW; dj++) {
            s += block[di * gradW + dj];
        }
    }
    gradX[p] = s;
}
