// Shared by every kernel file: the dynamic shared memory macro and warp-level reductions.
// Kernel contract: extern "C" __global__ entry points only, dynamic shared memory only through
// DYNAMIC_SHARED, full-mask *_sync intrinsics, block sizes that are multiples of 32, and
// __syncthreads only in block-uniform control flow. Under g++ the emulator (cuda_emu.h) is included
// first and provides the same names.
#pragma once

#ifdef __CUDACC__
#define DYNAMIC_SHARED(type, name)                                         \
    extern __shared__ __align__(16) unsigned char unmask_dynamic_shared[]; \
    type* name = reinterpret_cast<type*>(unmask_dynamic_shared)
#elif !defined(DYNAMIC_SHARED)
#error "compile kernels with nvcc, or include cuda_emu.h before them"
#endif

#define FULL_MASK 0xffffffffu

__device__ __forceinline__ float warp_sum(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(FULL_MASK, v, offset);
    }
    return v;
}

// Java's Math.max/min, which the reference backend uses: NaN wins, and +0 is larger than -0.
__device__ __forceinline__ float max_nan(float a, float b) {
    return a != a ? a : (b != b ? b : ((a > b || (a == b && __float_as_int(a) >= 0)) ? a : b));
}

__device__ __forceinline__ float min_nan(float a, float b) {
    return a != a ? a : (b != b ? b : ((a < b || (a == b && __float_as_int(a) < 0)) ? a : b));
}

__device__ __forceinline__ float warp_max(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v = max_nan(v, __shfl_xor_sync(FULL_MASK, v, offset));
    }
    return v;
}

__device__ __forceinline__ float warp_min(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v = min_nan(v, __shfl_xor_sync(FULL_MASK, v, offset));
    }
    return v;
}

// Reduces one value per thread over the whole block (blockDim.x a multiple of 32, at most 1024);
// every thread gets the result. `scratch` holds 32 floats of shared memory; op 0 sum, 1 max, 2 min.
__device__ __forceinline__ float block_reduce(float v, int op, float* scratch) {
    int lane = threadIdx.x % 32;
    int warp = threadIdx.x / 32;
    int warps = blockDim.x / 32;
    v = op == 0 ? warp_sum(v) : (op == 1 ? warp_max(v) : warp_min(v));
    __syncthreads();  // scratch may still be read by a previous call
    if (lane == 0) {
        scratch[warp] = v;
    }
    __syncthreads();
    float identity = op == 0 ? 0.0f : (op == 1 ? -INFINITY : INFINITY);
    v = lane < warps ? scratch[lane] : identity;
    return op == 0 ? warp_sum(v) : (op == 1 ? warp_max(v) : warp_min(v));
}
