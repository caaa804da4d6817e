// Batch normalisation (statistics, forward, both backward kernels) under the emulator against double
// loops written from the op contract.
#include "cuda_emu.h"
#include "test_support.h"
#include "batchnorm.cu"

// Float sums of up to a few thousand values of size ~1 per thread and a block tree, against double: relative
// errors near 1e-6; the variance and the gradients subtract nearly equal terms, so the absolute part is
// judged on the values' scale (1).
constexpr float kBnAtol = 2e-5f;
constexpr float kBnRtol = 2e-5f;

static void check_batch_norm(Failures& f, Random& rng, int n, int channels, int plane, bool batchStatistics) {
    size_t total = (size_t) n * channels * plane;
    std::vector<float> x = rng.floats(total, -1.0f, 2.0f), g = rng.floats(total, -1.0f, 1.0f);
    std::vector<float> weight = rng.floats(channels, 0.5f, 1.5f), bias = rng.floats(channels, -0.5f, 0.5f);
    std::vector<float> refMean(channels), refVar(channels), refY(total), refGradX(total), refGradW(channels), refGradB(channels);
    const float eps = 1e-5f;
    double count = (double) n * plane;
    for (int c = 0; c < channels; c++) {
        double s = 0.0, q = 0.0;
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < plane; p++) {
                s += x[((size_t) i * channels + c) * plane + p];
            }
        }
        double m = s / count;
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < plane; p++) {
                double d = x[((size_t) i * channels + c) * plane + p] - m;
                q += d * d;
            }
        }
        refMean[c] = (float) m;
        refVar[c] = (float) (q / count);
    }
    for (int c = 0; c < channels; c++) {
        double inverseStd = 1.0 / std::sqrt((double) refVar[c] + eps);
        double sumG = 0.0, sumGx = 0.0;
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < plane; p++) {
                size_t k = ((size_t) i * channels + c) * plane + p;
                double xhat = (x[k] - (double) refMean[c]) * inverseStd;
                refY[k] = (float) (xhat * weight[c] + bias[c]);
                sumG += g[k];
                sumGx += g[k] * xhat;
            }
        }
        refGradW[c] = (float) sumGx;
        refGradB[c] = (float) sumG;
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < plane; p++) {
                size_t k = ((size_t) i * channels + c) * plane + p;
                double xhat = (x[k] - (double) refMean[c]) * inverseStd;
                double scale = weight[c] * inverseStd;
                refGradX[k] = (float) (batchStatistics ? scale * (g[k] - sumG / count - xhat * sumGx / count) : scale * g[k]);
            }
        }
    }
    std::vector<float> mean(channels, NAN), var(channels, NAN), y(total, NAN), gradX(total, NAN), gradW(channels, NAN),
            gradB(channels, NAN);
    emu_launch(batch_norm_statistics, dim3(channels), dim3(BN_THREADS), 0, x.data(), n, channels, plane, mean.data(), var.data());
    // the later kernels take the reference statistics, so each is checked on its own
    emu_launch(batch_norm_forward, dim3(blocks_for(total, 64)), dim3(64), 0, x.data(), total, channels, plane, refMean.data(),
               refVar.data(), weight.data(), bias.data(), eps, y.data());
    emu_launch(batch_norm_backward_reduce, dim3(channels), dim3(BN_THREADS), 0, g.data(), x.data(), n, channels, plane,
               refMean.data(), refVar.data(), eps, gradW.data(), gradB.data());
    emu_launch(batch_norm_backward_input, dim3(blocks_for(total, 64)), dim3(64), 0, g.data(), x.data(), total, channels, plane,
               refMean.data(), refVar.data(), weight.data(), refGradW.data(), refGradB.data(), eps, batchStatistics ? 1 : 0,
               gradX.data());
    char what[96];
    const char* names[6] = {"mean", "variance", "forward", "grad weight", "grad bias", "grad input"};
    std::vector<float>* got[6] = {&mean, &var, &y, &gradW, &gradB, &gradX};
    std::vector<float>* ref[6] = {&refMean, &refVar, &refY, &refGradW, &refGradB, &refGradX};
    for (int i = 0; i < 6; i++) {
        // the sums over a channel grow with its element count; their rounding with them
        float scale = i == 3 || i == 4 ? (float) std::sqrt(count) : 1.0f;
        std::snprintf(what, sizeof what, "batch norm %s %dx%dx%d%s", names[i], n, channels, plane,
                      batchStatistics ? "" : " (running statistics)");
        f.close(what, *got[i], *ref[i], kBnAtol * scale, kBnRtol);
    }
}

int main() {
    Failures f("batchnorm");
    Random rng(51);
    each_schedule([&] { check_batch_norm(f, rng, 2, 3, 13, true); });
    check_batch_norm(f, rng, 1, 1, 1, true);
    check_batch_norm(f, rng, 3, 13, 31, true);
    check_batch_norm(f, rng, 32, 33, 1, true);
    check_batch_norm(f, rng, 2, 5, 1025, true);
    check_batch_norm(f, rng, 3, 13, 31, false);
    return f.finish();
}
