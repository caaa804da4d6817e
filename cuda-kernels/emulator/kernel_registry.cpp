// Every production kernel compiled for the emulator, launched by name with cuLaunchKernel-style
// arguments: the native side of an emulated device runtime. Build it as a shared library with
// build-library.sh; the C functions below are its whole interface.
#include "cuda_emu.h"

#include "attention.cu"
#include "elementwise.cu"
#include "gather.cu"
#include "gemm.cu"
#include "movement.cu"
#include "pool.cu"
#include "reduce.cu"
#include "vq.cu"

namespace {

struct Kernel {
    const char* name;
    void (*launch)(dim3 grid, dim3 block, size_t dynamicSharedBytes, void** params);
};

#define KERNEL(name) \
    Kernel { #name, [](dim3 g, dim3 b, size_t s, void** p) { emu_launch_params(name, g, b, s, p); } }

const Kernel kKernels[] = {
        KERNEL(vq_nearest),
        KERNEL(vq_ema_statistics),
        KERNEL(causal_attention_forward_d8),
        KERNEL(causal_attention_forward_d16),
        KERNEL(causal_attention_forward_d32),
        KERNEL(causal_attention_backward_delta),
        KERNEL(causal_attention_backward_query_d8),
        KERNEL(causal_attention_backward_query_d16),
        KERNEL(causal_attention_backward_query_d32),
        KERNEL(causal_attention_backward_key_value_d8),
        KERNEL(causal_attention_backward_key_value_d16),
        KERNEL(causal_attention_backward_key_value_d32),
        KERNEL(min_avg_pool),
        KERNEL(extreme_pool2d),
        KERNEL(max_pool2d_backward),
        KERNEL(avg_pool2d),
        KERNEL(avg_pool2d_backward),
        KERNEL(unary_f32),
        KERNEL(binary_f32),
        KERNEL(where_f32),
        KERNEL(cast_f32_to_i32),
        KERNEL(cast_i32_to_f32),
        KERNEL(adam_step),
        KERNEL(reduce_rows_f32),
        KERNEL(reduce_strided_f32),
        KERNEL(arg_reduce_f32),
        KERNEL(softmax_rows_f32),
        KERNEL(cross_entropy_rows_f32),
        KERNEL(gather_rows_32),
        KERNEL(scatter_add_rows_f32),
        KERNEL(one_hot_f32),
        KERNEL(sgemm_batched),
        KERNEL(conv2d_forward),
        KERNEL(conv2d_backward_input),
        KERNEL(conv2d_backward_weight),
        KERNEL(strided_copy_32),
        KERNEL(fill_32),
};

}  // namespace

extern "C" {

// Runs kernel `name` to completion; 0 on success, -1 for an unknown name. A broken kernel contract
// (divergent barrier, deadlock, bad launch geometry) aborts the process with a message, as cuda_emu.h does.
int unmask_emu_launch(const char* name, unsigned int gridX, unsigned int gridY, unsigned int gridZ, unsigned int blockX,
                      unsigned int blockY, unsigned int blockZ, size_t dynamicSharedBytes, void** params) {
    for (const Kernel& k : kKernels) {
        if (std::strcmp(k.name, name) == 0) {
            k.launch(dim3(gridX, gridY, gridZ), dim3(blockX, blockY, blockZ), dynamicSharedBytes, params);
            return 0;
        }
    }
    return -1;
}

int unmask_emu_kernel_count() { return static_cast<int>(sizeof kKernels / sizeof kKernels[0]); }

const char* unmask_emu_kernel_name(int index) {
    return index >= 0 && index < unmask_emu_kernel_count() ? kKernels[index].name : nullptr;
}

// 0 parallel (default), 1 forward, 2 reverse: see emu::Schedule.
void unmask_emu_set_schedule(int schedule) {
    emu::set_schedule(schedule == 1 ? emu::Schedule::Forward : schedule == 2 ? emu::Schedule::Reverse : emu::Schedule::Parallel);
}

}  // extern "C"
