// The launch-by-name interface of kernel_registry.cpp: cuLaunchKernel-style parameters (pointers to
// each argument, structs by value included) give the same results as direct launches.
#include "kernel_registry.cpp"
#include "test_support.h"

#include <set>
#include <string>

static void check_names(Failures& f) {
    std::set<std::string> names;
    for (int i = 0; i < unmask_emu_kernel_count(); i++) {
        f.check(names.insert(unmask_emu_kernel_name(i)).second, "kernel %s registered twice", unmask_emu_kernel_name(i));
    }
    f.check(names.count("vq_nearest") == 1 && names.count("causal_attention_backward_key_value_d32") == 1,
            "registry misses fused kernels");
    f.check(unmask_emu_kernel_name(unmask_emu_kernel_count()) == nullptr, "name past the end is not null");
    f.check(unmask_emu_launch("no_such_kernel", 1, 1, 1, 32, 1, 1, 0, nullptr) == -1, "unknown kernel not reported");
}

static void check_vq(Failures& f, Random& rng) {
    int n = 70, k = 33, d = 13;
    std::vector<float> z = rng.floats((size_t) n * d, -1.0f, 1.0f), e = rng.floats((size_t) k * d, -1.0f, 1.0f);
    std::vector<int> direct(n, -1), byName(n, -2);
    emu_launch(vq_nearest, dim3(1), dim3(VQ_ROWS), 0, z.data(), e.data(), n, k, d, direct.data());
    const float* zp = z.data();
    const float* ep = e.data();
    int* out = byName.data();
    void* params[] = {&zp, &ep, &n, &k, &d, &out};
    f.check(unmask_emu_launch("vq_nearest", 1, 1, 1, VQ_ROWS, 1, 1, 0, params) == 0, "vq_nearest not found");
    f.same("vq_nearest by name", byName, direct);
}

static void check_struct_argument(Failures& f, Random& rng) {
    ConvGeometry g{2, 3, 9, 7, 4, 3, 3, 0, 0, 2, 1, 1, 1, 1, 2};
    g.oh = (g.h + 2 * g.padH - g.dilationH * (g.kh - 1) - 1) / g.strideH + 1;
    g.ow = (g.w + 2 * g.padW - g.dilationW * (g.kw - 1) - 1) / g.strideW + 1;
    std::vector<float> x = rng.floats((size_t) g.n * g.c * g.h * g.w, -1.0f, 1.0f);
    std::vector<float> w = rng.floats((size_t) g.o * g.c * g.kh * g.kw, -1.0f, 1.0f), bias = rng.floats(g.o, -1.0f, 1.0f);
    size_t outs = (size_t) g.n * g.o * g.oh * g.ow;
    std::vector<float> direct(outs, NAN), byName(outs, NAN);
    dim3 grid(blocks_for((size_t) g.n * g.oh * g.ow, GEMM_BN), blocks_for(g.o, GEMM_BM));
    emu_launch(conv2d_forward, grid, dim3(GEMM_THREADS), 0, x.data(), w.data(), bias.data(), g, direct.data());
    const float* xp = x.data();
    const float* wp = w.data();
    const float* bp = bias.data();
    float* yp = byName.data();
    void* params[] = {&xp, &wp, &bp, &g, &yp};
    f.check(unmask_emu_launch("conv2d_forward", grid.x, grid.y, 1, GEMM_THREADS, 1, 1, 0, params) == 0, "conv2d_forward not found");
    f.close("conv2d_forward by name", byName, direct, 0.0f, 0.0f);
}

int main() {
    Failures f("registry");
    Random rng(97);
    check_names(f);
    check_vq(f, rng);
    check_struct_argument(f, rng);
    return f.finish();
}
