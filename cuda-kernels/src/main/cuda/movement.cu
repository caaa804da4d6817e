// Data movement for permute, slice, expand, concat and pad: one strided copy of 32-bit words
// (F32 and I32 alike) and a fill. One thread per copied element; any block size, multiple of 32.
#include "common.cuh"

#define MOVE_MAX_RANK 8

// The copied region: its shape, and where element (i0, ..., ir) is in the source and destination:
// offset + sum_a i_a * stride[a]. A permute permutes the source strides, a slice offsets them, an
// expand zeroes them; concat and pad copy each piece into an offset window of the destination.
struct StridedLayout {
    int rank;
    int shape[MOVE_MAX_RANK];
    long long sourceStride[MOVE_MAX_RANK];
    long long destinationStride[MOVE_MAX_RANK];
    long long sourceOffset;
    long long destinationOffset;
};

extern "C" __global__ void strided_copy_32(const unsigned int* __restrict__ source, unsigned int* __restrict__ destination,
                                           size_t n, StridedLayout layout) {
    size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    long long from = layout.sourceOffset;
    long long to = layout.destinationOffset;
    size_t rest = i;
    for (int axis = layout.rank - 1; axis >= 0; axis--) {
        long long coordinate = (long long) (rest % layout.shape[axis]);
        rest /= layout.shape[axis];
        from += coordinate * layout.sourceStride[axis];
        to += coordinate * layout.destinationStride[axis];
    }
    destination[to] = source[from];
}

// destination[i] = value (the bits of an F32 or an I32) for i < n.
extern "C" __global__ void fill_32(unsigned int* __restrict__ destination, size_t n, unsigned int value) {
    size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        destination[i] = value;
    }
}
