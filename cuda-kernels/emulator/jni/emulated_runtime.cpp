// JNI side of dev.unmask.backend.cuda.EmulatedRuntime (tests only): device memory is host memory and
// kernels are the production .cu sources compiled against cuda_emu.h, launched by name.
//
// Arguments arrive packed back to back (little-endian, no padding) with a signature of one letter per
// parameter: p pointer (8 bytes), i 32-bit integer, l 64-bit integer, f float, s struct by value. The registry
// derives each kernel's signature from its C++ parameter types, so a launch whose arguments do not
// match the kernel is a Java exception, not a corrupted run.
//
// Build (EmulatedRuntime does this at test time, from cuda-kernels/):
//   g++ -O2 -std=c++17 -fPIC -shared -pthread -I$JAVA_HOME/include -I$JAVA_HOME/include/linux \
//       -Iemulator -Isrc/main/cuda emulator/jni/emulated_runtime.cpp -o target/emulator/libunmask_emulated.so
#include <jni.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <type_traits>

#include "cuda_emu.h"

#include "attention.cu"
#include "batchnorm.cu"
#include "elementwise.cu"
#include "gather.cu"
#include "gemm.cu"
#include "movement.cu"
#include "pool.cu"
#include "reduce.cu"
#include "vq.cu"

namespace {

template <typename T> struct always_false : std::false_type {};

template <typename T> constexpr char code_of() {
    if constexpr (std::is_pointer_v<T>) {
        return 'p';
    } else if constexpr (std::is_integral_v<T> && sizeof(T) == 4) {
        return 'i';
    } else if constexpr (std::is_same_v<T, float>) {
        return 'f';
    } else if constexpr (std::is_integral_v<T> && sizeof(T) == 8) {
        return 'l';
    } else if constexpr (std::is_class_v<T> && std::is_trivially_copyable_v<T>) {
        return 's';
    } else {
        static_assert(always_false<T>::value, "kernel parameter type the Java side cannot pass");
    }
}

template <typename T> constexpr size_t packed_size() { return std::is_pointer_v<T> ? 8 : sizeof(T); }

template <typename T> T read_arg(const unsigned char*& cursor) {
    if constexpr (std::is_pointer_v<T>) {
        std::uint64_t bits;
        std::memcpy(&bits, cursor, 8);
        cursor += 8;
        return reinterpret_cast<T>(static_cast<std::uintptr_t>(bits));
    } else {
        T value;
        std::memcpy(&value, cursor, sizeof(T));
        cursor += sizeof(T);
        return value;
    }
}

struct Kernel {
    std::string signature;
    size_t bytes;
    std::function<void(dim3, dim3, size_t, const unsigned char*)> launch;
};

template <typename... Params> Kernel make_kernel(void (*kernel)(Params...)) {
    Kernel k;
    k.signature = std::string{code_of<std::remove_cv_t<Params>>()...};
    k.bytes = (packed_size<Params>() + ... + 0);
    k.launch = [kernel](dim3 grid, dim3 block, size_t shared, const unsigned char* args) {
        const unsigned char* cursor = args;
        std::tuple<Params...> bound{read_arg<std::remove_cv_t<Params>>(cursor)...};  // braces: left to right
        ::emu::run_grid(grid, block, shared, [&] { std::apply(kernel, bound); });
    };
    return k;
}

#define KERNEL(name) {#name, make_kernel(name)}

const std::map<std::string, Kernel>& registry() {
    static const std::map<std::string, Kernel> kernels = {
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
            KERNEL(strided_copy_32),
            KERNEL(fill_32),
            KERNEL(min_avg_pool),
            KERNEL(extreme_pool2d),
            KERNEL(max_pool2d_backward),
            KERNEL(avg_pool2d),
            KERNEL(avg_pool2d_backward),
            KERNEL(upsample_nearest2d),
            KERNEL(upsample_nearest2d_backward),
            KERNEL(batch_norm_statistics),
            KERNEL(batch_norm_forward),
            KERNEL(batch_norm_backward_reduce),
            KERNEL(batch_norm_backward_input),
            KERNEL(unary_f32),
            KERNEL(binary_f32),
            KERNEL(where_f32),
            KERNEL(relu_backward_f32),
            KERNEL(elu_backward_f32),
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
    };
    return kernels;
}

void throw_java(JNIEnv* env, const char* type, const std::string& message) {
    jclass c = env->FindClass(type);
    if (c != nullptr) {
        env->ThrowNew(c, message.c_str());
    }
}

std::string java_string(JNIEnv* env, jstring s) {
    const char* chars = env->GetStringUTFChars(s, nullptr);
    std::string out(chars);
    env->ReleaseStringUTFChars(s, chars);
    return out;
}

void* address(jlong handle) { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(handle)); }

}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_dev_unmask_backend_cuda_EmulatedRuntime_allocate0(JNIEnv* env, jclass, jlong bytes) {
    void* p = std::malloc(static_cast<size_t>(bytes));
    if (p == nullptr) {
        throw_java(env, "java/lang/OutOfMemoryError", "emulated device allocation of " + std::to_string(bytes) + " bytes");
        return 0;
    }
    std::memset(p, 0xFF, static_cast<size_t>(bytes));  // like real device memory, never zero by accident (NaN floats)
    return static_cast<jlong>(reinterpret_cast<std::uintptr_t>(p));
}

JNIEXPORT void JNICALL Java_dev_unmask_backend_cuda_EmulatedRuntime_free0(JNIEnv*, jclass, jlong handle) {
    std::free(address(handle));
}

JNIEXPORT void JNICALL Java_dev_unmask_backend_cuda_EmulatedRuntime_copyFloatsIn(JNIEnv* env, jclass, jlong destination,
                                                                                jfloatArray source) {
    env->GetFloatArrayRegion(source, 0, env->GetArrayLength(source), static_cast<jfloat*>(address(destination)));
}

JNIEXPORT void JNICALL Java_dev_unmask_backend_cuda_EmulatedRuntime_copyIntsIn(JNIEnv* env, jclass, jlong destination,
                                                                              jintArray source) {
    env->GetIntArrayRegion(source, 0, env->GetArrayLength(source), static_cast<jint*>(address(destination)));
}

JNIEXPORT void JNICALL Java_dev_unmask_backend_cuda_EmulatedRuntime_copyFloatsOut(JNIEnv* env, jclass, jlong source,
                                                                                 jfloatArray destination) {
    env->SetFloatArrayRegion(destination, 0, env->GetArrayLength(destination), static_cast<const jfloat*>(address(source)));
}

JNIEXPORT void JNICALL Java_dev_unmask_backend_cuda_EmulatedRuntime_copyIntsOut(JNIEnv* env, jclass, jlong source,
                                                                               jintArray destination) {
    env->SetIntArrayRegion(destination, 0, env->GetArrayLength(destination), static_cast<const jint*>(address(source)));
}

JNIEXPORT void JNICALL Java_dev_unmask_backend_cuda_EmulatedRuntime_copyBytes(JNIEnv*, jclass, jlong destination, jlong source,
                                                                             jlong bytes) {
    std::memmove(address(destination), address(source), static_cast<size_t>(bytes));
}

JNIEXPORT void JNICALL Java_dev_unmask_backend_cuda_EmulatedRuntime_zero0(JNIEnv*, jclass, jlong handle, jlong bytes) {
    std::memset(address(handle), 0, static_cast<size_t>(bytes));
}

// 0 parallel (the OS interleaves threads), 1 forward, 2 reverse (one thread at a time, in that order).
JNIEXPORT void JNICALL Java_dev_unmask_backend_cuda_EmulatedRuntime_setSchedule0(JNIEnv*, jclass, jint schedule) {
    emu::set_schedule(schedule == 1 ? emu::Schedule::Forward : schedule == 2 ? emu::Schedule::Reverse : emu::Schedule::Parallel);
}

JNIEXPORT void JNICALL Java_dev_unmask_backend_cuda_EmulatedRuntime_launch0(JNIEnv* env, jclass, jstring kernelName, jint gx,
                                                                           jint gy, jint gz, jint bx, jint by, jint bz,
                                                                           jint sharedBytes, jstring signature,
                                                                           jbyteArray packed) {
    std::string name = java_string(env, kernelName);
    auto found = registry().find(name);
    if (found == registry().end()) {
        throw_java(env, "java/lang/IllegalArgumentException", "no kernel named '" + name + "' in the emulated registry");
        return;
    }
    const Kernel& kernel = found->second;
    std::string given = java_string(env, signature);
    jsize length = env->GetArrayLength(packed);
    if (given != kernel.signature || static_cast<size_t>(length) != kernel.bytes) {
        throw_java(env, "java/lang/IllegalArgumentException",
                   "kernel " + name + " takes (" + kernel.signature + ", " + std::to_string(kernel.bytes) +
                           " bytes), launched with (" + given + ", " + std::to_string(length) + " bytes)");
        return;
    }
    std::string args(static_cast<size_t>(length), '\0');
    env->GetByteArrayRegion(packed, 0, length, reinterpret_cast<jbyte*>(args.data()));
    kernel.launch(dim3(gx, gy, gz), dim3(bx, by, bz), static_cast<size_t>(sharedBytes),
                  reinterpret_cast<const unsigned char*>(args.data()));
}

}  // extern "C"
