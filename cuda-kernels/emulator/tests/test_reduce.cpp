// Reductions, arg-reductions, softmax, log-softmax and cross-entropy under the emulator.
#include "cuda_emu.h"
#include "test_support.h"
#include "reduce.cu"

// Float sums of up to ~1000 terms of magnitude <= 3, in tree order against the double reference.
constexpr float kReduceAtol = 1e-4f;
constexpr float kReduceRtol = 1e-5f;

static void check_reduce(Failures& f, Random& rng, int outer, int extent, int inner) {
    std::vector<float> x = rng.floats((size_t) outer * extent * inner, -3.0f, 3.0f);
    if (x.size() > 20) {
        x[11] = NAN;  // MAX and MIN propagate NaN; SUM too
    }
    const char* names[] = {"sum", "mean", "max", "min"};
    for (int op = R_SUM; op <= R_MIN; op++) {
        std::vector<float> ref((size_t) outer * inner);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double s = 0.0, mx = -INFINITY, mn = INFINITY;
                bool nan = false;
                for (int r = 0; r < extent; r++) {
                    float e = x[((size_t) o * extent + r) * inner + i];
                    nan |= std::isnan(e);
                    s += e;
                    mx = std::max(mx, (double) e);
                    mn = std::min(mn, (double) e);
                }
                double v = op == R_SUM ? s : op == R_MEAN ? s / extent : op == R_MAX ? mx : mn;
                ref[(size_t) o * inner + i] = nan ? NAN : (float) v;
            }
        }
        std::vector<float> got(ref.size(), -7.0f);
        if (inner == 1) {
            emu_launch(reduce_rows_f32, dim3(outer), dim3(ROW_THREADS), 0, x.data(), extent, op, got.data());
        } else {
            emu_launch(reduce_strided_f32, dim3(blocks_for(ref.size(), 64)), dim3(64), 0, x.data(), outer, extent, inner, op,
                       got.data());
        }
        char what[96];
        std::snprintf(what, sizeof what, "%s %dx%dx%d", names[op], outer, extent, inner);
        f.close(what, got, ref, kReduceAtol, kReduceRtol);
    }
    for (int takeMin = 0; takeMin < 2; takeMin++) {
        std::vector<float> t = rng.floats(x.size(), -3.0f, 3.0f);
        for (size_t e = 0; e < t.size(); e++) {
            t[e] = std::round(t[e]);  // many ties
        }
        std::vector<int> ref((size_t) outer * inner), got(ref.size(), -1);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                for (int r = 1; r < extent; r++) {
                    float e = t[((size_t) o * extent + r) * inner + i], b = t[((size_t) o * extent + best) * inner + i];
                    if (takeMin ? e < b : e > b) {
                        best = r;
                    }
                }
                ref[(size_t) o * inner + i] = best;
            }
        }
        emu_launch(arg_reduce_f32, dim3(blocks_for(ref.size(), 32)), dim3(32), 0, t.data(), outer, extent, inner, takeMin, got.data());
        f.same(takeMin ? "argmin" : "argmax", got, ref);
    }
}

static void check_softmax(Failures& f, Random& rng, int rows, int cols) {
    std::vector<float> x = rng.floats((size_t) rows * cols, -5.0f, 5.0f);
    x[0] = 80.0f;  // an outlier: overflows exp without the max subtracted
    if (rows > 1) {
        for (int c = 0; c < cols; c++) {
            x[(size_t) cols + c] = 2.0f;  // a constant row
        }
    }
    std::vector<int> targets(rows);
    for (int& t : targets) {
        t = rng.below(cols);
    }
    std::vector<float> ref((size_t) rows * cols), refLog(ref.size()), refLoss(rows);
    for (int r = 0; r < rows; r++) {
        double m = -INFINITY, z = 0.0;
        for (int c = 0; c < cols; c++) {
            m = std::max(m, (double) x[(size_t) r * cols + c]);
        }
        for (int c = 0; c < cols; c++) {
            z += std::exp(x[(size_t) r * cols + c] - m);
        }
        for (int c = 0; c < cols; c++) {
            double shifted = x[(size_t) r * cols + c] - m;
            ref[(size_t) r * cols + c] = (float) (std::exp(shifted) / z);
            refLog[(size_t) r * cols + c] = (float) (shifted - std::log(z));
        }
        refLoss[r] = (float) (m + std::log(z) - x[(size_t) r * cols + targets[r]]);
    }
    std::vector<float> y(ref.size()), logY(ref.size()), loss(rows);
    emu_launch(softmax_rows_f32, dim3(rows), dim3(ROW_THREADS), 0, x.data(), cols, 0, y.data());
    emu_launch(softmax_rows_f32, dim3(rows), dim3(ROW_THREADS), 0, x.data(), cols, 1, logY.data());
    emu_launch(cross_entropy_rows_f32, dim3(rows), dim3(ROW_THREADS), 0, x.data(), targets.data(), cols, loss.data());
    // exp/log of arguments up to ~90 in float: a few ulp relative
    const float softmaxAtol = 1e-6f, softmaxRtol = 1e-5f;
    f.close("softmax", y, ref, softmaxAtol, softmaxRtol);
    f.close("log_softmax", logY, refLog, 1e-5f, softmaxRtol);
    f.close("cross_entropy", loss, refLoss, 1e-5f, softmaxRtol);
}

int main() {
    Failures f("reduce");
    Random rng(61);
    each_schedule([&] { check_reduce(f, rng, 1, 33, 1); });
    check_reduce(f, rng, 1, 1, 1);
    check_reduce(f, rng, 2, 1025, 1);
    check_reduce(f, rng, 5, 13, 31);
    check_reduce(f, rng, 2, 31, 300);
    each_schedule([&] { check_softmax(f, rng, 2, 13); });
    check_softmax(f, rng, 1, 1);
    check_softmax(f, rng, 2, 1025);
    check_softmax(f, rng, 1, 512);
    return f.finish();
}
