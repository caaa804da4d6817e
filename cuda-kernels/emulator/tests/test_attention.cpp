// Causal attention forward and backward under the emulator. Oracles: a direct double-precision
// forward (full softmax over keys j < i), and central finite differences of that forward for the
// gradients, so the backward kernels are checked against calculus, not against the same formulas.
#include "cuda_emu.h"
#include "test_support.h"
#include "attention.cu"

struct Problem {
    int heads, len, dk, dv;
    float scale;
    std::vector<float> q, k, v, gradOut;
};

// out and lse of one head's causal attention in double.
static void reference_forward(const Problem& p, const std::vector<double>& q, const std::vector<double>& k,
                              const std::vector<double>& v, std::vector<double>& out, std::vector<double>& lse) {
    out.assign((size_t) p.heads * p.len * p.dv, 0.0);
    lse.assign((size_t) p.heads * p.len, 0.0);
    std::vector<double> s(p.len);
    for (int h = 0; h < p.heads; h++) {
        for (int i = 1; i < p.len; i++) {
            double m = -INFINITY;
            for (int j = 0; j < i; j++) {
                double dot = 0.0;
                for (int c = 0; c < p.dk; c++) {
                    dot += q[((size_t) h * p.len + i) * p.dk + c] * k[((size_t) h * p.len + j) * p.dk + c];
                }
                s[j] = p.scale * dot;
                m = std::max(m, s[j]);
            }
            double z = 0.0;
            for (int j = 0; j < i; j++) {
                z += std::exp(s[j] - m);
            }
            for (int j = 0; j < i; j++) {
                double w = std::exp(s[j] - m) / z;
                for (int c = 0; c < p.dv; c++) {
                    out[((size_t) h * p.len + i) * p.dv + c] += w * v[((size_t) h * p.len + j) * p.dv + c];
                }
            }
            lse[(size_t) h * p.len + i] = m + std::log(z);
        }
    }
}

static std::vector<double> widen(const std::vector<float>& x) { return std::vector<double>(x.begin(), x.end()); }

static std::vector<float> narrow(const std::vector<double>& x) { return std::vector<float>(x.begin(), x.end()); }

// d(sum out * gradOut)/d(input) by central differences, for input 0 (q), 1 (k) or 2 (v), at the
// elements whose index is a multiple of `every` (large cases sample to keep the test fast).
static std::vector<float> numeric_gradient(const Problem& p, int which, size_t every) {
    std::vector<double> in[3] = {widen(p.q), widen(p.k), widen(p.v)};
    std::vector<double> gradient;
    const double step = 1e-4;
    std::vector<double> out, lse;
    for (size_t e = 0; e < in[which].size(); e += every) {
        double saved = in[which][e];
        double f[2];
        for (int side = 0; side < 2; side++) {
            in[which][e] = saved + (side == 0 ? step : -step);
            reference_forward(p, in[0], in[1], in[2], out, lse);
            f[side] = 0.0;
            for (size_t o = 0; o < out.size(); o++) {
                f[side] += out[o] * p.gradOut[o];
            }
        }
        in[which][e] = saved;
        gradient.push_back((f[0] - f[1]) / (2 * step));
    }
    return narrow(gradient);
}

static Problem make_problem(Random& rng, int heads, int len, int dk, int dv) {
    Problem p{heads, len, dk, dv, 1.0f / std::sqrt((float) dk), {}, {}, {}, {}};
    p.q = rng.floats((size_t) heads * len * dk, -1.5f, 1.5f);
    p.k = rng.floats((size_t) heads * len * dk, -1.5f, 1.5f);
    p.v = rng.floats((size_t) heads * len * dv, -1.0f, 1.0f);
    p.gradOut = rng.floats((size_t) heads * len * dv, -1.0f, 1.0f);
    if (len > 20) {
        for (int c = 0; c < dk; c++) {
            p.k[(size_t) 7 * dk + c] = 6.0f * p.q[(size_t) 19 * dk + c];  // one dominant score: a peaked row
        }
    }
    return p;
}

// Float accumulation over at most a few hundred keys of O(1) terms.
constexpr float kForwardAtol = 2e-5f;
constexpr float kForwardRtol = 1e-4f;
// Finite differences with step 1e-4 in double are exact to ~1e-7; the rest is float accumulation.
constexpr float kGradientAtol = 2e-4f;
constexpr float kGradientRtol = 2e-3f;

static std::vector<float> sampled(const std::vector<float>& x, size_t every) {
    std::vector<float> out;
    for (size_t e = 0; e < x.size(); e += every) {
        out.push_back(x[e]);
    }
    return out;
}

typedef void (*Forward)(const float*, const float*, const float*, int, int, int, float, float*, float*);
typedef void (*BackwardQuery)(const float*, const float*, const float*, const float*, const float*, const float*, int, int, int,
                              float, float*);
typedef void (*BackwardKeyValue)(const float*, const float*, const float*, const float*, const float*, const float*, int, int, int,
                                 float, float*, float*);

// The entry points of one register width.
struct Kernels {
    int width;
    Forward forward;
    BackwardQuery query;
    BackwardKeyValue keyValue;
};

const Kernels kWidths[] = {
        {8, causal_attention_forward_d8, causal_attention_backward_query_d8, causal_attention_backward_key_value_d8},
        {16, causal_attention_forward_d16, causal_attention_backward_query_d16, causal_attention_backward_key_value_d16},
        {32, causal_attention_forward_d32, causal_attention_backward_query_d32, causal_attention_backward_key_value_d32},
};

static void check(Failures& f, Random& rng, int widthIndex, int heads, int len, int dk, int dv, bool gradients, size_t every = 1) {
    const Kernels& kernels = kWidths[widthIndex];
    if (std::max(dk, dv) > kernels.width) {
        f.check(false, "test error: dk %d, dv %d do not fit width %d", dk, dv, kernels.width);
        return;
    }
    Problem p = make_problem(rng, heads, len, dk, dv);
    size_t rows = (size_t) heads * len;
    std::vector<float> out(rows * dv, NAN), lse(rows, NAN);
    dim3 grid(blocks_for(len, ATT_TILE), heads);
    emu_launch(kernels.forward, grid, dim3(ATT_TILE), 0, p.q.data(), p.k.data(), p.v.data(), len, dk, dv, p.scale,
               out.data(), lse.data());
    std::vector<double> refOut, refLse;
    reference_forward(p, widen(p.q), widen(p.k), widen(p.v), refOut, refLse);
    char what[96];
    std::snprintf(what, sizeof what, "attention width %d out heads=%d L=%d dk=%d dv=%d", kernels.width, heads, len, dk, dv);
    f.close(what, out, narrow(refOut), kForwardAtol, kForwardRtol);
    std::snprintf(what, sizeof what, "attention lse heads=%d L=%d dk=%d dv=%d", heads, len, dk, dv);
    f.close(what, lse, narrow(refLse), kForwardAtol, kForwardRtol);
    if (!gradients) {
        return;
    }
    std::vector<float> delta(rows, NAN), gq(rows * dk, NAN), gk(rows * dk, NAN), gv(rows * dv, NAN);
    emu_launch(causal_attention_backward_delta, dim3(blocks_for(rows, 64)), dim3(64), 0, out.data(), p.gradOut.data(),
               (int) rows, dv, delta.data());
    emu_launch(kernels.query, grid, dim3(ATT_TILE), 0, p.q.data(), p.k.data(), p.v.data(), p.gradOut.data(),
               lse.data(), delta.data(), len, dk, dv, p.scale, gq.data());
    emu_launch(kernels.keyValue, grid, dim3(ATT_TILE), 0, p.q.data(), p.k.data(), p.v.data(),
               p.gradOut.data(), lse.data(), delta.data(), len, dk, dv, p.scale, gk.data(), gv.data());
    const char* names[3] = {"dq", "dk", "dv"};
    std::vector<float>* got[3] = {&gq, &gk, &gv};
    for (int which = 0; which < 3; which++) {
        std::snprintf(what, sizeof what, "attention %s heads=%d L=%d dk=%d dv=%d", names[which], heads, len, dk, dv);
        f.close(what, sampled(*got[which], every), numeric_gradient(p, which, every), kGradientAtol, kGradientRtol);
    }
}

int main() {
    Failures f("attention");
    Random rng(29);
    check(f, rng, 0, 1, 1, 1, 1, true);
    each_schedule([&] { check(f, rng, 0, 2, 13, 5, 7, true); });
    check(f, rng, 1, 2, 13, 5, 7, true);
    check(f, rng, 0, 3, 65, 8, 8, true, 7);
    check(f, rng, 1, 1, 70, 16, 9, true, 11);
    check(f, rng, 2, 1, 130, 32, 3, true, 61);
    check(f, rng, 2, 1, 33, 17, 31, true, 5);
    check(f, rng, 0, 2, 200, 8, 8, false);
    check(f, rng, 0, 1, 1025, 8, 8, false);
    return f.finish();
}
