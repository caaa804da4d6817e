// vq_nearest and vq_ema_statistics under the emulator against plain CPU references.
#include "cuda_emu.h"
#include "test_support.h"
#include "vq.cu"

// Exact squared distance in double: the oracle for which codes are nearest.
static double distance(const std::vector<float>& z, const std::vector<float>& e, int row, int code, int d) {
    double s = 0.0;
    for (int j = 0; j < d; j++) {
        double diff = (double) z[(size_t) row * d + j] - e[(size_t) code * d + j];
        s += diff * diff;
    }
    return s;
}

// The kernel's float distances may reorder codes whose exact distances differ by rounding only;
// 1e-4 relative to the squared norms covers float accumulation over D <= 100 terms.
constexpr double kNearTie = 1e-4;

static std::vector<int> run_nearest(const std::vector<float>& z, const std::vector<float>& e, int n, int k, int d) {
    std::vector<int> out(n, -1);
    emu_launch(vq_nearest, dim3(blocks_for(n, VQ_ROWS)), dim3(VQ_ROWS), 0, z.data(), e.data(), n, k, d, out.data());
    return out;
}

static void check_nearest(Failures& f, Random& rng, int n, int k, int d) {
    std::vector<float> z = rng.floats((size_t) n * d, -1.0f, 1.0f);
    std::vector<float> e = rng.floats((size_t) k * d, -1.0f, 1.0f);
    std::vector<int> got = run_nearest(z, e, n, k, d);
    for (int row = 0; row < n; row++) {
        double best = INFINITY;
        double scale = 0.0;
        for (int c = 0; c < k; c++) {
            best = std::min(best, distance(z, e, row, c, d));
            scale = std::max(scale, distance(z, e, row, c, d));
        }
        int g = got[row];
        bool ok = g >= 0 && g < k && distance(z, e, row, g, d) <= best + kNearTie * (1.0 + scale);
        f.check(ok, "vq_nearest n=%d k=%d d=%d row %d: code %d is not nearest", n, k, d, row, g);
    }
}

// Duplicated codes tie exactly: the lowest index must win, whatever tile the copies fall in.
static void check_ties(Failures& f, Random& rng) {
    const int n = 70, k = 67, d = 13;
    std::vector<float> e = rng.floats((size_t) k * d, -1.0f, 1.0f);
    for (int j = 0; j < d; j++) {
        e[(size_t) 40 * d + j] = e[(size_t) 5 * d + j];   // code 40 copies code 5 (another tile)
        e[(size_t) 66 * d + j] = e[(size_t) 5 * d + j];
        e[(size_t) 12 * d + j] = e[(size_t) 11 * d + j];  // code 12 copies code 11 (same tile)
    }
    std::vector<float> z((size_t) n * d);
    std::vector<int> expected(n);
    for (int row = 0; row < n; row++) {
        int code = row % 2 == 0 ? 40 : 12;
        for (int j = 0; j < d; j++) {
            z[(size_t) row * d + j] = e[(size_t) code * d + j];
        }
        expected[row] = row % 2 == 0 ? 5 : 11;
    }
    f.same("vq_nearest ties", run_nearest(z, e, n, k, d), expected);
}

static void check_statistics(Failures& f, Random& rng, int n, int k, int d) {
    std::vector<float> z = rng.floats((size_t) n * d, -2.0f, 2.0f);
    std::vector<int> assignments(n);
    for (int& a : assignments) {
        a = rng.below(k) / 2 * 2;  // odd codes stay empty
    }
    std::vector<float> counts(k, 0.0f), sums((size_t) k * d, 0.0f);
    emu_launch(vq_ema_statistics, dim3(blocks_for((size_t) n * d, 128)), dim3(128), 0, z.data(), assignments.data(), n, d,
               counts.data(), sums.data());
    std::vector<float> refCounts(k, 0.0f), refSums((size_t) k * d, 0.0f);
    for (int row = 0; row < n; row++) {
        refCounts[assignments[row]] += 1.0f;
        for (int j = 0; j < d; j++) {
            refSums[(size_t) assignments[row] * d + j] += z[(size_t) row * d + j];
        }
    }
    // Atomic additions run in any order: float sums of up to n terms of |z| <= 2 differ by rounding.
    const float sumTolerance = 1e-4f * n;
    f.close("vq_ema counts", counts, refCounts, 0.0f, 0.0f);
    f.close("vq_ema sums", sums, refSums, sumTolerance, 1e-5f);
}

int main() {
    Failures f("vq");
    Random rng(17);
    each_schedule([&] { check_nearest(f, rng, 33, 31, 13); });
    check_nearest(f, rng, 1, 1, 1);
    check_nearest(f, rng, 129, 33, 64);
    check_nearest(f, rng, 200, 70, 33);
    check_nearest(f, rng, 1025, 13, 8);
    check_nearest(f, rng, 1023, 1, 5);
    each_schedule([&] { check_ties(f, rng); });
    check_statistics(f, rng, 1, 1, 1);
    check_statistics(f, rng, 131, 13, 31);
    return f.finish();
}
