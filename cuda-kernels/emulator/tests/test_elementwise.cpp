// Unary, broadcasting binary, compare, where, casts and the Adam step under the emulator.
#include "cuda_emu.h"
#include "test_support.h"
#include "elementwise.cu"

#include <climits>

// expf/logf/tanhf of the emulator are the host libm's; 2 ulp-ish slack for the double references.
constexpr float kElementAtol = 1e-6f;
constexpr float kElementRtol = 1e-6f;

static void check_unary(Failures& f, Random& rng) {
    std::vector<float> x = rng.floats(1025, -4.0f, 4.0f);
    x[0] = 0.0f;
    x[1] = -0.0f;
    x[2] = NAN;
    x[3] = INFINITY;
    x[4] = -INFINITY;
    x[5] = -1.0f;
    const char* names[] = {"neg", "exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "elu", "leaky_relu", "clamp"};
    const float a = 0.3f, b = 1.5f;
    for (int op = U_NEG; op <= U_CLAMP; op++) {
        std::vector<float> y(x.size());
        float pa = op == U_CLAMP ? -0.5f : a;
        emu_launch(unary_f32, dim3(blocks_for(x.size(), 128)), dim3(128), 0, x.data(), y.data(), x.size(), op, pa, b);
        std::vector<float> ref(x.size());
        for (size_t i = 0; i < x.size(); i++) {
            double v = x[i];
            double r;
            switch (op) {
                case U_NEG: r = -v; break;
                case U_EXP: r = std::exp(v); break;
                case U_LOG: r = std::log(v); break;
                case U_SQRT: r = std::sqrt(v); break;
                case U_ABS: r = std::fabs(v); break;
                case U_RELU: r = std::isnan(v) ? v : (v > 0 ? v : 0.0); break;
                case U_SIGMOID: r = 1.0 / (1.0 + std::exp(-v)); break;
                case U_TANH: r = std::tanh(v); break;
                case U_ELU: r = v > 0 ? v : a * std::expm1(v); break;
                case U_LEAKY_RELU: r = v > 0 ? v : a * v; break;
                default: r = std::isnan(v) ? v : std::min(std::max(v, -0.5), (double) b); break;
            }
            ref[i] = (float) r;
        }
        f.close(names[op], y, ref, kElementAtol, kElementRtol);
    }
}

// Strides of a row-major tensor of `shape`, zero on axes of size 1 that the output broadcasts.
static void strides_for(const std::vector<int>& shape, const std::vector<int>& out, int* strides) {
    int rank = (int) out.size();
    int offset = rank - (int) shape.size();
    int s = 1;
    for (int axis = rank - 1; axis >= 0; axis--) {
        int dim = axis >= offset ? shape[axis - offset] : 1;
        strides[axis] = dim == 1 ? 0 : s;
        s *= dim;
    }
}

static size_t count(const std::vector<int>& shape) {
    size_t n = 1;
    for (int d : shape) {
        n *= d;
    }
    return n;
}

// Offset of output element i in an operand of `shape` by explicit coordinates.
static size_t reference_offset(size_t i, const std::vector<int>& shape, const std::vector<int>& out) {
    std::vector<int> coord(out.size());
    for (int axis = (int) out.size() - 1; axis >= 0; axis--) {
        coord[axis] = (int) (i % out[axis]);
        i /= out[axis];
    }
    size_t offset = 0;
    int shift = (int) (out.size() - shape.size());
    for (size_t axis = 0; axis < shape.size(); axis++) {
        offset = offset * shape[axis] + (shape[axis] == 1 ? 0 : coord[axis + shift]);
    }
    return offset;
}

static void check_binary(Failures& f, Random& rng, std::vector<int> sa, std::vector<int> sb, std::vector<int> so) {
    std::vector<float> a = rng.floats(count(sa), -2.0f, 2.0f), b = rng.floats(count(sb), -2.0f, 2.0f);
    for (size_t i = 0; i < b.size(); i += 3) {
        b[i] = std::round(b[i]);
    }
    for (size_t i = 0; i < a.size(); i += 2) {
        a[i] = std::round(a[i]);  // equal operands exercise EQ, LE, GE
    }
    if (a.size() > 7) {
        a[7] = NAN;
    }
    Broadcast g{};
    g.rank = (int) so.size();
    for (int axis = 0; axis < g.rank; axis++) {
        g.shape[axis] = so[axis];
    }
    strides_for(sa, so, g.stride[0]);
    strides_for(sb, so, g.stride[1]);
    size_t n = count(so);
    const char* names[] = {"add", "sub", "mul", "div", "max", "min", "eq", "ne", "lt", "le", "gt", "ge"};
    for (int op = B_ADD; op <= B_GE; op++) {
        std::vector<float> y(n, -99.0f), ref(n);
        emu_launch(binary_f32, dim3(blocks_for(n, 64)), dim3(64), 0, a.data(), b.data(), y.data(), n, op, g);
        for (size_t i = 0; i < n; i++) {
            float u = a[reference_offset(i, sa, so)], v = b[reference_offset(i, sb, so)];
            bool nan = std::isnan(u) || std::isnan(v);
            float r;
            switch (op) {
                case B_ADD: r = u + v; break;
                case B_SUB: r = u - v; break;
                case B_MUL: r = u * v; break;
                case B_DIV: r = u / v; break;
                case B_MAX: r = nan ? NAN : std::max(u, v); break;
                case B_MIN: r = nan ? NAN : std::min(u, v); break;
                case B_EQ: r = u == v; break;
                case B_NE: r = u != v; break;
                case B_LT: r = u < v; break;
                case B_LE: r = u <= v; break;
                case B_GT: r = u > v; break;
                default: r = u >= v; break;
            }
            ref[i] = r;
        }
        f.close(names[op], y, ref, 0.0f, 0.0f);
    }
    std::vector<float> mask(count(sa));
    for (size_t i = 0; i < mask.size(); i++) {
        mask[i] = (float) (i % 3 == 0);
    }
    Broadcast w = g;
    strides_for(sa, so, w.stride[0]);
    strides_for(sb, so, w.stride[1]);
    strides_for(sa, so, w.stride[2]);
    std::vector<float> y(n), ref(n);
    emu_launch(where_f32, dim3(blocks_for(n, 64)), dim3(64), 0, mask.data(), b.data(), a.data(), y.data(), n, w);
    for (size_t i = 0; i < n; i++) {
        size_t oa = reference_offset(i, sa, so);
        ref[i] = mask[oa] != 0.0f ? b[reference_offset(i, sb, so)] : a[oa];
    }
    f.close("where", y, ref, 0.0f, 0.0f);
}

// y = x > 0 ? g : 0: zero, NaN and negative x give 0 even where g is infinite or NaN.
static void check_relu_backward(Failures& f, Random& rng) {
    std::vector<float> x = rng.floats(1000, -2.0f, 2.0f);
    std::vector<float> g = rng.floats(1000, -3.0f, 3.0f);
    x[0] = 0.0f;
    x[1] = -0.0f;
    x[2] = NAN;
    x[3] = -1.0f;
    g[3] = INFINITY;
    x[4] = -1.0f;
    g[4] = NAN;
    x[5] = 1.0f;
    g[5] = NAN;
    std::vector<float> y(x.size()), ref(x.size());
    emu_launch(relu_backward_f32, dim3(blocks_for(x.size(), 128)), dim3(128), 0, g.data(), x.data(), y.data(), x.size());
    for (size_t i = 0; i < x.size(); i++) {
        ref[i] = x[i] > 0.0f ? g[i] : 0.0f;
    }
    f.close("relu_backward", y, ref, 0.0f, 0.0f);
}

// out = x > 0 ? g : g * (y + alpha), in float, for y = elu(x); NaN x takes the second branch.
static void check_elu_backward(Failures& f, Random& rng) {
    const float alpha = 0.7f;
    std::vector<float> x = rng.floats(1000, -3.0f, 3.0f);
    std::vector<float> g = rng.floats(1000, -2.0f, 2.0f);
    x[0] = 0.0f;
    x[1] = NAN;
    std::vector<float> y(x.size()), out(x.size()), ref(x.size());
    for (size_t i = 0; i < x.size(); i++) {
        y[i] = x[i] > 0.0f ? x[i] : alpha * std::expm1(x[i]);
        ref[i] = x[i] > 0.0f ? g[i] : g[i] * (y[i] + alpha);
    }
    emu_launch(elu_backward_f32, dim3(blocks_for(x.size(), 128)), dim3(128), 0, g.data(), x.data(), y.data(), out.data(), x.size(),
               alpha);
    f.close("elu_backward", out, ref, 0.0f, 0.0f);
}

// Java's Math.max(0.0f, -0.0f) is +0 and Math.min is -0, whatever the argument order.
static void check_signed_zeros(Failures& f) {
    std::vector<float> a = {0.0f, -0.0f}, b = {-0.0f, 0.0f};
    Broadcast g{};
    g.rank = 1;
    g.shape[0] = 2;
    g.stride[0][0] = 1;
    g.stride[1][0] = 1;
    for (int op : {B_MAX, B_MIN}) {
        std::vector<float> y(2, NAN);
        emu_launch(binary_f32, dim3(1), dim3(32), 0, a.data(), b.data(), y.data(), (size_t) 2, op, g);
        for (int i = 0; i < 2; i++) {
            f.check(y[i] == 0.0f && std::signbit(y[i]) == (op == B_MIN), "%s(%g, %g) gave %g", op == B_MAX ? "max" : "min", a[i],
                    b[i], y[i]);
        }
    }
    std::vector<float> z = {-0.0f}, r(1, NAN);
    emu_launch(unary_f32, dim3(1), dim3(32), 0, z.data(), r.data(), (size_t) 1, (int) U_RELU, 0.0f, 0.0f);
    f.check(r[0] == 0.0f && !std::signbit(r[0]), "relu(-0) gave -0, Java's Math.max(-0.0, 0.0) is +0");
}

static void check_casts(Failures& f) {
    std::vector<float> x = {0.0f, -0.0f, 1.9f, -1.9f, 2.5f, NAN, 3e9f, -3e9f, INFINITY, -INFINITY, 2147483520.0f, 123456.7f};
    std::vector<int> expected = {0, 0, 1, -1, 2, 0, INT_MAX, INT_MIN, INT_MAX, INT_MIN, 2147483520, 123456};
    std::vector<int> y(x.size());
    emu_launch(cast_f32_to_i32, dim3(1), dim3(32), 0, x.data(), y.data(), x.size());
    f.same("cast f32->i32", y, expected);
    std::vector<int> ints = {0, -5, 16777217, INT_MIN};
    std::vector<float> back(ints.size());
    emu_launch(cast_i32_to_f32, dim3(1), dim3(32), 0, ints.data(), back.data(), ints.size());
    f.close("cast i32->f32", back, {0.0f, -5.0f, 16777216.0f, -2147483648.0f}, 0.0f, 0.0f);
}

// Adam in double, written from the paper's formulas (bias-corrected moments).
static void check_adam(Failures& f, Random& rng, bool decoupled) {
    const size_t n = 1000;
    std::vector<float> p = rng.floats(n, -1.0f, 1.0f), m = rng.floats(n, -0.1f, 0.1f), v = rng.floats(n, 0.0f, 0.01f);
    std::vector<float> g = rng.floats(n, -1.0f, 1.0f);
    std::vector<float> rp(n), rm(n), rv(n);
    const double lr = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.05;
    const int step = 3;
    for (size_t i = 0; i < n; i++) {
        double pi = p[i], gi = g[i];
        if (decoupled) {
            pi *= 1.0 - lr * wd;
        } else {
            gi += wd * pi;
        }
        double mi = b1 * m[i] + (1 - b1) * gi, vi = b2 * v[i] + (1 - b2) * gi * gi;
        double mh = mi / (1 - std::pow(b1, step)), vh = vi / (1 - std::pow(b2, step));
        rp[i] = (float) (pi - lr * mh / (std::sqrt(vh) + eps));
        rm[i] = (float) mi;
        rv[i] = (float) vi;
    }
    emu_launch(adam_step, dim3(blocks_for(n, 256)), dim3(256), 0, p.data(), g.data(), m.data(), v.data(), n, (float) lr, (float) b1,
               (float) b2, (float) eps, (float) wd, decoupled ? 1 : 0, (float) (1 - std::pow(b1, step)),
               (float) (1 - std::pow(b2, step)));
    // float arithmetic of a few operations on O(1) values
    const float adamAtol = 1e-6f, adamRtol = 1e-5f;
    f.close(decoupled ? "adamw param" : "adam param", p, rp, adamAtol, adamRtol);
    f.close("adam first moment", m, rm, adamAtol, adamRtol);
    f.close("adam second moment", v, rv, adamAtol, adamRtol);
}

int main() {
    Failures f("elementwise");
    Random rng(53);
    check_unary(f, rng);
    check_binary(f, rng, {13}, {13}, {13});
    check_binary(f, rng, {3, 1, 5}, {4, 1}, {3, 4, 5});
    check_binary(f, rng, {1}, {2, 31, 33}, {2, 31, 33});
    check_binary(f, rng, {2, 1, 3, 1}, {1, 4, 1, 5}, {2, 4, 3, 5});
    check_signed_zeros(f);
    check_relu_backward(f, rng);
    check_elu_backward(f, rng);
    check_casts(f);
    check_adam(f, rng, false);
    check_adam(f, rng, true);
    return f.finish();
}
