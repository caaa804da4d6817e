// sgemm_batched and the implicit-GEMM convolutions under the emulator, against direct loops in
// double (the convolution gradients by their scatter form, the adjoint of the forward loop).
#include "cuda_emu.h"
#include "test_support.h"
#include "gemm.cu"

// Float dot products of up to ~300 terms of magnitude <= 1 against double.
constexpr float kGemmAtol = 2e-5f;
constexpr float kGemmRtol = 1e-4f;

static void check_sgemm(Failures& f, Random& rng, int batches, int m, int n, int k, bool ta, bool tb, bool broadcastB) {
    std::vector<float> a = rng.floats((size_t) batches * m * k, -1.0f, 1.0f);
    std::vector<float> b = rng.floats((size_t) (broadcastB ? 1 : batches) * k * n, -1.0f, 1.0f);
    std::vector<float> c((size_t) batches * m * n, NAN), ref(c.size());
    for (int z = 0; z < batches; z++) {
        const float* ab = &a[(size_t) z * m * k];
        const float* bb = &b[(size_t) (broadcastB ? 0 : z) * k * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0.0;
                for (int p = 0; p < k; p++) {
                    s += (double) (ta ? ab[(size_t) p * m + i] : ab[(size_t) i * k + p]) * (tb ? bb[(size_t) j * k + p] : bb[(size_t) p * n + j]);
                }
                ref[((size_t) z * m + i) * n + j] = (float) s;
            }
        }
    }
    dim3 grid(blocks_for(n, GEMM_BN), blocks_for(m, GEMM_BM), batches);
    emu_launch(sgemm_batched, grid, dim3(GEMM_THREADS), 0, a.data(), b.data(), c.data(), m, n, k, ta ? 1 : 0, tb ? 1 : 0,
               (long long) m * k, broadcastB ? 0LL : (long long) k * n, (long long) m * n);
    char what[96];
    std::snprintf(what, sizeof what, "sgemm %dx[%d,%d,%d]%s%s%s", batches, m, n, k, ta ? " tA" : "", tb ? " tB" : "",
                  broadcastB ? " bcastB" : "");
    f.close(what, c, ref, kGemmAtol, kGemmRtol);
}

static void check_conv(Failures& f, Random& rng, ConvGeometry g, bool withBias) {
    g.oh = (g.h + 2 * g.padH - g.dilationH * (g.kh - 1) - 1) / g.strideH + 1;
    g.ow = (g.w + 2 * g.padW - g.dilationW * (g.kw - 1) - 1) / g.strideW + 1;
    std::vector<float> x = rng.floats((size_t) g.n * g.c * g.h * g.w, -1.0f, 1.0f);
    std::vector<float> w = rng.floats((size_t) g.o * g.c * g.kh * g.kw, -1.0f, 1.0f);
    std::vector<float> bias = rng.floats(g.o, -1.0f, 1.0f);
    std::vector<float> dy = rng.floats((size_t) g.n * g.o * g.oh * g.ow, -1.0f, 1.0f);
    std::vector<double> y(dy.size(), 0.0), dx(x.size(), 0.0), dw(w.size(), 0.0);
    for (int n = 0; n < g.n; n++) {
        for (int o = 0; o < g.o; o++) {
            for (int oy = 0; oy < g.oh; oy++) {
                for (int ox = 0; ox < g.ow; ox++) {
                    size_t yi = (((size_t) n * g.o + o) * g.oh + oy) * g.ow + ox;
                    y[yi] = withBias ? bias[o] : 0.0;
                    for (int c = 0; c < g.c; c++) {
                        for (int ky = 0; ky < g.kh; ky++) {
                            for (int kx = 0; kx < g.kw; kx++) {
                                int iy = oy * g.strideH - g.padH + ky * g.dilationH, ix = ox * g.strideW - g.padW + kx * g.dilationW;
                                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) {
                                    continue;
                                }
                                size_t xi = (((size_t) n * g.c + c) * g.h + iy) * g.w + ix;
                                size_t wi = (((size_t) o * g.c + c) * g.kh + ky) * g.kw + kx;
                                y[yi] += (double) x[xi] * w[wi];
                                dx[xi] += (double) dy[yi] * w[wi];
                                dw[wi] += (double) dy[yi] * x[xi];
                            }
                        }
                    }
                }
            }
        }
    }
    std::vector<float> gy(y.size(), NAN), gdx(x.size(), NAN), gdw(w.size(), NAN);
    emu_launch(conv2d_forward, dim3(blocks_for((size_t) g.n * g.oh * g.ow, GEMM_BN), blocks_for(g.o, GEMM_BM)), dim3(GEMM_THREADS), 0,
               x.data(), w.data(), withBias ? bias.data() : nullptr, g, gy.data());
    emu_launch(conv2d_backward_input, dim3(blocks_for((size_t) g.n * g.h * g.w, GEMM_BN), blocks_for(g.c, GEMM_BM)),
               dim3(GEMM_THREADS), 0, dy.data(), w.data(), g, gdx.data());
    emu_launch(conv2d_backward_weight, dim3(blocks_for((size_t) g.c * g.kh * g.kw, GEMM_BN), blocks_for(g.o, GEMM_BM)),
               dim3(GEMM_THREADS), 0, x.data(), dy.data(), g, gdw.data());
    char what[160];
    std::snprintf(what, sizeof what, "x[%d,%d,%d,%d] w[%d,%d,%d,%d] s%d,%d p%d,%d d%d,%d", g.n, g.c, g.h, g.w, g.o, g.c, g.kh, g.kw,
                  g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW);
    std::string base(what);
    f.close(("conv2d " + base).c_str(), gy, std::vector<float>(y.begin(), y.end()), kGemmAtol, kGemmRtol);
    f.close(("conv2d backward input " + base).c_str(), gdx, std::vector<float>(dx.begin(), dx.end()), kGemmAtol, kGemmRtol);
    f.close(("conv2d backward weight " + base).c_str(), gdw, std::vector<float>(dw.begin(), dw.end()), kGemmAtol, kGemmRtol);
}

int main() {
    Failures f("gemm");
    Random rng(83);
    each_schedule([&] { check_sgemm(f, rng, 1, 13, 31, 33, false, false, false); });
    check_sgemm(f, rng, 1, 1, 1, 1, false, false, false);
    check_sgemm(f, rng, 2, 65, 70, 17, true, false, false);
    check_sgemm(f, rng, 3, 33, 13, 65, false, true, true);
    check_sgemm(f, rng, 1, 31, 66, 40, true, true, false);
    //            n  c  h   w  o kh kw oh ow sh sw ph pw dh dw
    check_conv(f, rng, {2, 3, 13, 11, 5, 3, 3, 0, 0, 1, 1, 1, 1, 1, 1}, true);
    check_conv(f, rng, {1, 4, 9, 10, 3, 4, 4, 0, 0, 2, 2, 1, 1, 1, 1}, false);
    check_conv(f, rng, {2, 2, 12, 9, 4, 3, 2, 0, 0, 1, 2, 2, 0, 2, 1}, true);
    check_conv(f, rng, {1, 33, 5, 5, 65, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1}, false);
    check_conv(f, rng, {1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1}, true);
    return f.finish();
}
