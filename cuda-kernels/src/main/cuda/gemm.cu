// Tiled SGEMM and the three convolutions as implicit GEMMs over the same tile routine.
// A block of GEMM_THREADS computes a GEMM_BM x GEMM_BN tile of C = A B, staging GEMM_BK-deep
// slices of A and B in shared memory; thread (tx, ty) owns rows ty + 16 i and columns tx + 16 j,
// i, j < 4, so shared reads are conflict-free and stores coalesce. The convolutions never build an
// im2col matrix: their loaders compute the input element of each (row, column) on the fly.
#include "common.cuh"

#define GEMM_BM 64
#define GEMM_BN 64
#define GEMM_BK 16
#define GEMM_THREADS 256

// Runs the tile loop; a(m, k), b(k, n) give operands (0 outside), store(m, n, value) the result.
template <typename LoadA, typename LoadB, typename Store>
__device__ __forceinline__ void gemm_tile(int m, int n, int k, LoadA a, LoadB b, Store store) {
    __shared__ float as[GEMM_BK][GEMM_BM];
    __shared__ float bs[GEMM_BK][GEMM_BN];
    int tid = threadIdx.x;
    int tx = tid % 16;
    int ty = tid / 16;
    int m0 = blockIdx.y * GEMM_BM;
    int n0 = blockIdx.x * GEMM_BN;
    float acc[4][4] = {};
    for (int k0 = 0; k0 < k; k0 += GEMM_BK) {
#pragma unroll
        for (int r = 0; r < GEMM_BM * GEMM_BK / GEMM_THREADS; r++) {
            int e = tid + r * GEMM_THREADS;
            int kk = e % GEMM_BK;
            int mm = e / GEMM_BK;
            as[kk][mm] = (m0 + mm < m && k0 + kk < k) ? a(m0 + mm, k0 + kk) : 0.0f;
        }
#pragma unroll
        for (int r = 0; r < GEMM_BN * GEMM_BK / GEMM_THREADS; r++) {
            int e = tid + r * GEMM_THREADS;
            int nn = e % GEMM_BN;
            int kk = e / GEMM_BN;
            bs[kk][nn] = (n0 + nn < n && k0 + kk < k) ? b(k0 + kk, n0 + nn) : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < GEMM_BK; kk++) {
            float av[4];
            float bv[4];
#pragma unroll
            for (int i = 0; i < 4; i++) {
                av[i] = as[kk][ty + 16 * i];
                bv[i] = bs[kk][tx + 16 * i];
            }
#pragma unroll
            for (int i = 0; i < 4; i++) {
#pragma unroll
                for (int j = 0; j < 4; j++) {
                    acc[i][j] += av[i] * bv[j];
                }
            }
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; i++) {
#pragma unroll
        for (int j = 0; j < 4; j++) {
            int row = m0 + ty + 16 * i;
            int col = n0 + tx + 16 * j;
            if (row < m && col < n) {
                store(row, col, acc[i][j]);
            }
        }
    }
}

// c[batch] = op(a[batch]) op(b[batch]) for [m, k] x [k, n] (stored transposed when the flag is
// set); batch strides in elements, 0 to broadcast an operand. Launch: block GEMM_THREADS, grid
// (ceil(n / GEMM_BN), ceil(m / GEMM_BM), batches).
extern "C" __global__ void __launch_bounds__(GEMM_THREADS) sgemm_batched(
        const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, int m, int n, int k, int transposeA,
        int transposeB, long long strideA, long long strideB, long long strideC) {
    const float* ab = a + blockIdx.z * strideA;
    const float* bb = b + blockIdx.z * strideB;
    float* cb = c + blockIdx.z * strideC;
    gemm_tile(
            m, n, k,
            [=](int row, int col) { return transposeA ? ab[(size_t) col * m + row] : ab[(size_t) row * k + col]; },
            [=](int row, int col) { return transposeB ? bb[(size_t) col * k + row] : bb[(size_t) row * n + col]; },
            [=](int row, int col, float value) { cb[(size_t) row * n + col] = value; });
}

// Geometry of a convolution, passed by value: x [n, c, h, w], weight [o, c, kh, kw], y [n, o, oh, ow].
struct ConvGeometry {
    int n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padH, padW, dilationH, dilationW;
};

// y = conv(x, weight) + bias (bias may be null): GEMM with rows o, columns (n, oy, ox), depth
// (c, ky, kx). Launch: block GEMM_THREADS, grid (ceil(n oh ow / GEMM_BN), ceil(o / GEMM_BM)).
extern "C" __global__ void __launch_bounds__(GEMM_THREADS) conv2d_forward(
        const float* __restrict__ x, const float* __restrict__ weight, const float* __restrict__ bias, ConvGeometry g,
        float* __restrict__ y) {
    int taps = g.kh * g.kw;
    int pixels = g.oh * g.ow;
    gemm_tile(
            g.o, g.n * pixels, g.c * taps,
            [=](int row, int col) { return weight[(size_t) row * g.c * taps + col]; },
            [=](int depth, int col) {
                int channel = depth / taps;
                int ky = depth % taps / g.kw;
                int kx = depth % g.kw;
                int image = col / pixels;
                int iy = col % pixels / g.ow * g.strideH - g.padH + ky * g.dilationH;
                int ix = col % g.ow * g.strideW - g.padW + kx * g.dilationW;
                bool inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
                return inside ? x[(((size_t) image * g.c + channel) * g.h + iy) * g.w + ix] : 0.0f;
            },
            [=](int row, int col, float value) {
                int image = col / pixels;
                y[((size_t) image * g.o + row) * pixels + col % pixels] = value + (bias ? bias[row] : 0.0f);
            });
}

// gradX = the input-gradient of conv2d (also the transposed convolution): GEMM with rows c,
// columns (n, iy, ix), depth (o, ky, kx); gradY is read where (iy + pad - ky dil) / stride is an
// exact output position. Launch: grid (ceil(n h w / GEMM_BN), ceil(c / GEMM_BM)).
extern "C" __global__ void __launch_bounds__(GEMM_THREADS) conv2d_backward_input(
        const float* __restrict__ gradY, const float* __restrict__ weight, ConvGeometry g, float* __restrict__ gradX) {
    int taps = g.kh * g.kw;
    int pixels = g.h * g.w;
    gemm_tile(
            g.c, g.n * pixels, g.o * taps,
            [=](int row, int depth) {
                return weight[((size_t) (depth / taps) * g.c + row) * taps + depth % taps];
            },
            [=](int depth, int col) {
                int out = depth / taps;
                int ky = depth % taps / g.kw;
                int kx = depth % g.kw;
                int image = col / pixels;
                int ty = col % pixels / g.w + g.padH - ky * g.dilationH;
                int tx = col % g.w + g.padW - kx * g.dilationW;
                if (ty < 0 || tx < 0 || ty % g.strideH != 0 || tx % g.strideW != 0) {
                    return 0.0f;
                }
                int oy = ty / g.strideH;
                int ox = tx / g.strideW;
                bool inside = oy < g.oh && ox < g.ow;
                return inside ? gradY[(((size_t) image * g.o + out) * g.oh + oy) * g.ow + ox] : 0.0f;
            },
            [=](int row, int col, float value) {
                int image = col / pixels;
                gradX[((size_t) image * g.c + row) * pixels + col % pixels] = value;
            });
}

// gradW = the weight-gradient of conv2d: GEMM with rows o, columns (c, ky, kx), depth (n, oy, ox).
// Launch: grid (ceil(c kh kw / GEMM_BN), ceil(o / GEMM_BM)).
extern "C" __global__ void __launch_bounds__(GEMM_THREADS) conv2d_backward_weight(
        const float* __restrict__ x, const float* __restrict__ gradY, ConvGeometry g, float* __restrict__ gradW) {
    int taps = g.kh * g.kw;
    int pixels = g.oh * g.ow;
    gemm_tile(
            g.o, g.c * taps, g.n * pixels,
            [=](int row, int depth) {
                return gradY[((size_t) (depth / pixels) * g.o + row) * pixels + depth % pixels];
            },
            [=](int depth, int col) {
                int channel = col / taps;
                int ky = col % taps / g.kw;
                int kx = col % g.kw;
                int image = depth / pixels;
                int iy = depth % pixels / g.ow * g.strideH - g.padH + ky * g.dilationH;
                int ix = depth % g.ow * g.strideW - g.padW + kx * g.dilationW;
                bool inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
                return inside ? x[(((size_t) image * g.c + channel) * g.h + iy) * g.w + ix] : 0.0f;
            },
            [=](int row, int col, float value) { gradW[(size_t) row * g.c * taps + col] = value; });
}
