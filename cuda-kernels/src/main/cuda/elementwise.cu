// Elementwise kernels: unary functions, broadcasting binary ops and comparisons, where, casts, and
// the Adam step. One thread per output element; any block size that is a multiple of 32.
#include "common.cuh"

#define MAX_RANK 8

// Operation codes; the Java side passes them as ints in this order.
enum UnaryCode { U_NEG, U_EXP, U_LOG, U_SQRT, U_ABS, U_RELU, U_SIGMOID, U_TANH, U_ELU, U_LEAKY_RELU, U_CLAMP };
enum BinaryCode { B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE };

// Output shape and the strides (in elements, 0 on broadcast axes) of up to three operands.
struct Broadcast {
    int rank;
    int shape[MAX_RANK];
    int stride[3][MAX_RANK];
};

// y = f(x); a and b parametrise ELU (alpha), leaky ReLU (slope) and clamp (lo, hi). NaN in, NaN out
// (ReLU and clamp included), as in the reference backend.
extern "C" __global__ void unary_f32(const float* __restrict__ x, float* __restrict__ y, size_t n, int op, float a, float b) {
    size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    float v = x[i];
    float r;
    switch (op) {
        case U_NEG: r = -v; break;
        case U_EXP: r = expf(v); break;
        case U_LOG: r = logf(v); break;
        case U_SQRT: r = sqrtf(v); break;
        case U_ABS: r = fabsf(v); break;
        case U_RELU: r = max_nan(v, 0.0f); break;
        case U_SIGMOID: r = 1.0f / (1.0f + expf(-v)); break;
        case U_TANH: r = tanhf(v); break;
        case U_ELU: r = v > 0.0f ? v : a * expm1f(v); break;
        case U_LEAKY_RELU: r = v > 0.0f ? v : a * v; break;
        default: r = min_nan(max_nan(v, a), b); break;
    }
    y[i] = r;
}

// ReLU's backward pass: y = x > 0 ? g : 0 (NaN x gives 0), one read of each operand.
extern "C" __global__ void relu_backward_f32(const float* __restrict__ g, const float* __restrict__ x, float* __restrict__ y,
                                             size_t n) {
    size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        y[i] = x[i] > 0.0f ? g[i] : 0.0f;
    }
}

// ELU's backward pass for y = elu(x, alpha): out = x > 0 ? g : g * (y + alpha) (NaN x: the second branch).
extern "C" __global__ void elu_backward_f32(const float* __restrict__ g, const float* __restrict__ x, const float* __restrict__ y,
                                            float* __restrict__ out, size_t n, float alpha) {
    size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        out[i] = x[i] > 0.0f ? g[i] : g[i] * (y[i] + alpha);
    }
}

__device__ __forceinline__ void broadcast_offsets(const Broadcast& g, size_t i, size_t* offsets, int operands) {
    for (int o = 0; o < operands; o++) {
        offsets[o] = 0;
    }
    for (int axis = g.rank - 1; axis >= 0; axis--) {
        size_t coordinate = i % g.shape[axis];
        i /= g.shape[axis];
        for (int o = 0; o < operands; o++) {
            offsets[o] += coordinate * g.stride[o][axis];
        }
    }
}

// y = a op b with broadcasting (strides 0 and 1 of g); comparisons give 1 or 0.
extern "C" __global__ void binary_f32(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ y, size_t n,
                                      int op, Broadcast g) {
    size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    size_t offsets[2];
    broadcast_offsets(g, i, offsets, 2);
    float u = a[offsets[0]];
    float v = b[offsets[1]];
    float r;
    switch (op) {
        case B_ADD: r = u + v; break;
        case B_SUB: r = u - v; break;
        case B_MUL: r = u * v; break;
        case B_DIV: r = u / v; break;
        case B_MAX: r = max_nan(u, v); break;
        case B_MIN: r = min_nan(u, v); break;
        case B_EQ: r = u == v; break;
        case B_NE: r = u != v; break;
        case B_LT: r = u < v; break;
        case B_LE: r = u <= v; break;
        case B_GT: r = u > v; break;
        default: r = u >= v; break;
    }
    y[i] = r;
}

// y = mask != 0 ? a : b, all three broadcast (strides 0, 1, 2 of g).
extern "C" __global__ void where_f32(const float* __restrict__ mask, const float* __restrict__ a, const float* __restrict__ b,
                                     float* __restrict__ y, size_t n, Broadcast g) {
    size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        size_t offsets[3];
        broadcast_offsets(g, i, offsets, 3);
        y[i] = mask[offsets[0]] != 0.0f ? a[offsets[1]] : b[offsets[2]];
    }
}

// Java's (int) cast: truncation toward zero, NaN to 0, saturation at the int range.
extern "C" __global__ void cast_f32_to_i32(const float* __restrict__ x, int* __restrict__ y, size_t n) {
    size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        float v = x[i];
        y[i] = v != v ? 0 : (v >= 2147483648.0f ? 2147483647 : (v <= -2147483648.0f ? (-2147483647 - 1) : (int) v));
    }
}

extern "C" __global__ void cast_i32_to_f32(const int* __restrict__ x, float* __restrict__ y, size_t n) {
    size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        y[i] = (float) x[i];
    }
}

// One Adam step in place. correction1 = 1 - beta1^step and correction2 = 1 - beta2^step, computed
// by the caller in double. Decoupled weight decay (AdamW) scales the parameter; coupled adds
// weightDecay * param to the gradient.
extern "C" __global__ void adam_step(float* __restrict__ param, const float* __restrict__ grad, float* __restrict__ m,
                                     float* __restrict__ v, size_t n, float learningRate, float beta1, float beta2,
                                     float epsilon, float weightDecay, int decoupled, float correction1,
                                     float correction2) {
    size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    float p = param[i];
    float g = grad[i];
    if (decoupled) {
        p -= learningRate * weightDecay * p;
    } else {
        g += weightDecay * p;
    }
    float mi = beta1 * m[i] + (1.0f - beta1) * g;
    float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = p - learningRate * (mi / correction1) / (sqrtf(vi / correction2) + epsilon);
}
