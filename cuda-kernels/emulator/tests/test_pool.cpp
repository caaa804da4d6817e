// min_avg_pool, plain max/min/avg pooling and nearest upsampling (forward and backward) under the emulator
// against direct CPU loops written from the op contract.
#include "cuda_emu.h"
#include "test_support.h"
#include "pool.cu"

// Sums of at most 49 (or k*k) values in [-1, 1] in another order than the reference.
constexpr float kPoolAtol = 1e-5f;
constexpr float kPoolRtol = 1e-5f;

static std::vector<float> reference_min_avg(const std::vector<float>& x, int planes, int h, int w, int mk, int ak) {
    std::vector<float> mins(x.size()), out(x.size());
    int rm = mk / 2, ra = ak / 2;
    for (int p = 0; p < planes; p++) {
        const float* in = &x[(size_t) p * h * w];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                float m = INFINITY;
                for (int yy = std::max(0, y - rm); yy <= std::min(h - 1, y + rm); yy++) {
                    for (int xc = std::max(0, xx - rm); xc <= std::min(w - 1, xx + rm); xc++) {
                        m = std::min(m, in[yy * w + xc]);
                    }
                }
                mins[(size_t) p * h * w + y * w + xx] = m;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                double s = 0.0;
                for (int yy = y - ra; yy <= y + ra; yy++) {
                    for (int xc = xx - ra; xc <= xx + ra; xc++) {
                        if (yy >= 0 && yy < h && xc >= 0 && xc < w) {
                            s += mins[(size_t) p * h * w + yy * w + xc];
                        }
                    }
                }
                out[(size_t) p * h * w + y * w + xx] = (float) (s / (ak * ak));
            }
        }
    }
    return out;
}

static void check_min_avg(Failures& f, Random& rng, int planes, int h, int w, int mk, int ak, bool constant) {
    std::vector<float> x = rng.floats((size_t) planes * h * w, -1.0f, 1.0f);
    if (constant) {
        std::fill(x.begin(), x.end(), 0.75f);
    }
    std::vector<float> out(x.size(), NAN);
    int side = POOL_TILE + ak - 1;
    int inSide = side + mk - 1;
    size_t shared = sizeof(float) * (inSide * inSide + side * side);
    dim3 grid(blocks_for(w, POOL_TILE), blocks_for(h, POOL_TILE), planes);
    emu_launch(min_avg_pool, grid, dim3(POOL_TILE, POOL_TILE), shared, x.data(), h, w, mk, ak, out.data());
    char what[96];
    std::snprintf(what, sizeof what, "min_avg_pool %dx%dx%d min %d avg %d%s", planes, h, w, mk, ak, constant ? " constant" : "");
    f.close(what, out, reference_min_avg(x, planes, h, w, mk, ak), kPoolAtol, kPoolRtol);
}

static PoolGeometry geometry(int planes, int h, int w, int k, int s, int pad, bool countPadding) {
    return PoolGeometry{planes, h, w, (h + 2 * pad - k) / s + 1, (w + 2 * pad - k) / s + 1, k, k, s, s, pad, pad, countPadding};
}

// Index of the first extreme in raster order over real positions, as the contract states.
static size_t reference_extreme(const std::vector<float>& x, const PoolGeometry& g, int p, int oy, int ox, bool takeMin) {
    size_t best = SIZE_MAX;
    for (int dy = 0; dy < g.kh; dy++) {
        for (int dx = 0; dx < g.kw; dx++) {
            int y = oy * g.strideH - g.padH + dy, xx = ox * g.strideW - g.padW + dx;
            if (y < 0 || y >= g.h || xx < 0 || xx >= g.w) {
                continue;
            }
            size_t i = (size_t) p * g.h * g.w + y * g.w + xx;
            if (best == SIZE_MAX || (takeMin ? x[i] < x[best] : x[i] > x[best])) {
                best = i;
            }
        }
    }
    return best;
}

static void check_pools(Failures& f, Random& rng, int planes, int h, int w, int k, int s, int pad, bool countPadding) {
    PoolGeometry g = geometry(planes, h, w, k, s, pad, countPadding);
    std::vector<float> x = rng.floats((size_t) planes * h * w, -1.0f, 1.0f);
    for (size_t i = 0; i < x.size(); i += 5) {
        x[i] = 0.5f;  // repeated values make ties inside windows
    }
    size_t outs = (size_t) planes * g.oh * g.ow;
    std::vector<float> gradOut = rng.floats(outs, -1.0f, 1.0f);
    std::vector<float> maxOut(outs), minOut(outs), avgOut(outs), refMax(outs), refMin(outs), refAvg(outs);
    std::vector<float> maxGrad(x.size(), 0.0f), avgGrad(x.size(), NAN), refMaxGrad(x.size(), 0.0f), refAvgGrad(x.size(), 0.0f);
    for (int p = 0; p < planes; p++) {
        for (int oy = 0; oy < g.oh; oy++) {
            for (int ox = 0; ox < g.ow; ox++) {
                size_t o = ((size_t) p * g.oh + oy) * g.ow + ox;
                size_t mx = reference_extreme(x, g, p, oy, ox, false);
                refMax[o] = x[mx];
                refMin[o] = x[reference_extreme(x, g, p, oy, ox, true)];
                refMaxGrad[mx] += gradOut[o];
                double sum = 0.0;
                int real = 0;
                for (int dy = 0; dy < k; dy++) {
                    for (int dx = 0; dx < k; dx++) {
                        int y = oy * s - pad + dy, xx = ox * s - pad + dx;
                        if (y >= 0 && y < h && xx >= 0 && xx < w) {
                            sum += x[(size_t) p * h * w + y * w + xx];
                            real++;
                        }
                    }
                }
                int divisor = countPadding ? k * k : real;
                refAvg[o] = (float) (sum / divisor);
                for (int dy = 0; dy < k; dy++) {
                    for (int dx = 0; dx < k; dx++) {
                        int y = oy * s - pad + dy, xx = ox * s - pad + dx;
                        if (y >= 0 && y < h && xx >= 0 && xx < w) {
                            refAvgGrad[(size_t) p * h * w + y * w + xx] += gradOut[o] / divisor;
                        }
                    }
                }
            }
        }
    }
    unsigned int blocks = blocks_for(outs, 64);
    emu_launch(extreme_pool2d, dim3(blocks), dim3(64), 0, x.data(), g, 0, maxOut.data());
    emu_launch(extreme_pool2d, dim3(blocks), dim3(64), 0, x.data(), g, 1, minOut.data());
    emu_launch(avg_pool2d, dim3(blocks), dim3(64), 0, x.data(), g, avgOut.data());
    emu_launch(max_pool2d_backward, dim3(blocks), dim3(64), 0, x.data(), gradOut.data(), g, maxGrad.data());
    emu_launch(avg_pool2d_backward, dim3(blocks_for(x.size(), 64)), dim3(64), 0, gradOut.data(), g, avgGrad.data());
    char what[128];
    const char* names[5] = {"max", "min", "avg", "max backward", "avg backward"};
    std::vector<float>* got[5] = {&maxOut, &minOut, &avgOut, &maxGrad, &avgGrad};
    std::vector<float>* ref[5] = {&refMax, &refMin, &refAvg, &refMaxGrad, &refAvgGrad};
    for (int i = 0; i < 5; i++) {
        std::snprintf(what, sizeof what, "%s pool %dx%dx%d k%d s%d p%d%s", names[i], planes, h, w, k, s, pad,
                      countPadding ? " count-pad" : "");
        f.close(what, *got[i], *ref[i], kPoolAtol, kPoolRtol);
    }
}

// Upsampling copies values, so the forward is exact; the backward sums scaleH * scaleW values in float.
static void check_upsample(Failures& f, Random& rng, int planes, int h, int w, int scaleH, int scaleW) {
    int outH = h * scaleH, outW = w * scaleW;
    std::vector<float> x = rng.floats((size_t) planes * h * w, -1.0f, 1.0f);
    std::vector<float> gradOut = rng.floats((size_t) planes * outH * outW, -1.0f, 1.0f);
    std::vector<float> up(gradOut.size(), NAN), refUp(gradOut.size()), grad(x.size(), NAN), refGrad(x.size(), 0.0f);
    for (int p = 0; p < planes; p++) {
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                size_t o = ((size_t) p * outH + i) * outW + j;
                size_t source = ((size_t) p * h + i / scaleH) * w + j / scaleW;
                refUp[o] = x[source];
                refGrad[source] += gradOut[o];
            }
        }
    }
    emu_launch(upsample_nearest2d, dim3(blocks_for(up.size(), 64)), dim3(64), 0, x.data(), planes, h, w, scaleH, scaleW,
               up.data());
    emu_launch(upsample_nearest2d_backward, dim3(blocks_for(x.size(), 64)), dim3(64), 0, gradOut.data(), planes, h, w,
               scaleH, scaleW, grad.data());
    char what[96];
    std::snprintf(what, sizeof what, "upsample %dx%dx%d by %dx%d", planes, h, w, scaleH, scaleW);
    f.close(what, up, refUp, 0.0f, 0.0f);
    std::snprintf(what, sizeof what, "upsample backward %dx%dx%d by %dx%d", planes, h, w, scaleH, scaleW);
    f.close(what, grad, refGrad, kPoolAtol, kPoolRtol);
}

int main() {
    Failures f("pool");
    Random rng(41);
    each_schedule([&] { check_min_avg(f, rng, 2, 13, 31, 3, 7, false); });
    check_min_avg(f, rng, 1, 1, 1, 3, 7, false);
    check_min_avg(f, rng, 3, 33, 17, 3, 7, false);
    check_min_avg(f, rng, 1, 20, 20, 3, 7, true);
    check_min_avg(f, rng, 1, 19, 21, 5, 3, false);
    check_min_avg(f, rng, 1, 9, 9, 1, 1, false);
    check_pools(f, rng, 2, 13, 13, 3, 2, 1, true);
    check_pools(f, rng, 1, 31, 33, 2, 2, 0, false);
    check_pools(f, rng, 3, 7, 9, 3, 1, 1, false);
    check_pools(f, rng, 1, 1, 1, 1, 1, 0, true);
    check_pools(f, rng, 2, 10, 11, 5, 3, 2, true);
    check_upsample(f, rng, 3, 13, 31, 2, 2);
    check_upsample(f, rng, 1, 1, 1, 7, 7);
    check_upsample(f, rng, 2, 33, 1, 1, 3);
    check_upsample(f, rng, 1, 5, 9, 4, 1);
    return f.finish();
}
