// Self-tests of cuda_emu.h. Build and run (the JUnit EmulatorKernelTest does this):
//     g++ -std=c++17 -O1 -pthread -I.. emu_selftest.cpp -o emu_selftest && ./emu_selftest
// Cases that must abort run in a child process (this program re-executed with the case name).
#include "cuda_emu.h"
#include "test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

enum Variant { IDX = 0, UP = 1, DOWN = 2, XOR = 3 };

// Every thread of a 64-thread block (two warps) shuffles its value; out[t] is what it received.
extern "C" __global__ void shuffle_kernel(int* out, int variant, int operand, int width) {
    int t = threadIdx.x;
    int value = 1000 + 7 * t;
    int got = 0;
    switch (variant) {
        case IDX: got = __shfl_sync(0xffffffffu, value, operand, width); break;
        case UP: got = __shfl_up_sync(0xffffffffu, value, operand, width); break;
        case DOWN: got = __shfl_down_sync(0xffffffffu, value, operand, width); break;
        default: got = __shfl_xor_sync(0xffffffffu, value, operand, width); break;
    }
    out[t] = got;
}

// The source lane CUDA's documentation gives for each variant, stated per sub-section of `width`.
static int expected_source(int lane, int variant, int operand, int width) {
    int group = lane / width;
    int pos = lane % width;
    switch (variant) {
        case IDX: return group * width + ((operand % width) + width) % width;
        case UP: return pos - operand >= 0 ? lane - operand : lane;
        case DOWN: return pos + operand < width ? lane + operand : lane;
        default: {
            int src = lane ^ operand;
            return src / width <= group ? src : lane;
        }
    }
}

static void test_shuffle_tables(Failures& f) {
    const char* names[] = {"shfl", "shfl_up", "shfl_down", "shfl_xor"};
    std::vector<int> out(64);
    for (int variant = 0; variant < 4; variant++) {
        for (int width = 1; width <= 32; width *= 2) {
            for (int operand : {0, 1, 2, 3, 5, 8, 16, 17, 31}) {
                emu_launch(shuffle_kernel, dim3(1), dim3(64), 0, out.data(), variant, operand, width);
                for (int t = 0; t < 64; t++) {
                    int src = 32 * (t / 32) + expected_source(t % 32, variant, operand, width);
                    f.check(out[t] == 1000 + 7 * src, "%s width %d operand %d thread %d: got %d, expected lane %d's %d",
                            names[variant], width, operand, t, out[t], src % 32, 1000 + 7 * src);
                }
            }
        }
    }
}

// 200 back-to-back butterfly shuffles; the host replays the same exchanges.
extern "C" __global__ void back_to_back_kernel(unsigned int* out, int rounds) {
    unsigned int v = threadIdx.x * 2654435761u;
    for (int r = 0; r < rounds; r++) {
        unsigned int other = __shfl_xor_sync(0xffffffffu, v, 1 + r % 31);
        v = v * 31u + other;
    }
    out[threadIdx.x] = v;
}

static void test_back_to_back(Failures& f) {
    const int threads = 96;
    const int rounds = 200;
    std::vector<unsigned int> out(threads);
    emu_launch(back_to_back_kernel, dim3(1), dim3(threads), 0, out.data(), rounds);
    std::vector<unsigned int> v(threads);
    for (int t = 0; t < threads; t++) {
        v[t] = t * 2654435761u;
    }
    for (int r = 0; r < rounds; r++) {
        std::vector<unsigned int> next(threads);
        for (int t = 0; t < threads; t++) {
            next[t] = v[t] * 31u + v[32 * (t / 32) + ((t % 32) ^ (1 + r % 31))];
        }
        v = next;
    }
    for (int t = 0; t < threads; t++) {
        f.check(out[t] == v[t], "back-to-back thread %d: got %u, expected %u", t, out[t], v[t]);
    }
}

extern "C" __global__ void ballot_kernel(unsigned int* out) {
    int lane = threadIdx.x % 32;
    unsigned int b = __ballot_sync(0xffffffffu, lane % 3 == 0);
    bool any = __any_sync(0xffffffffu, threadIdx.x == 40);
    bool all = __all_sync(0xffffffffu, lane < 31);
    bool allTrue = __all_sync(0xffffffffu, 1);
    __syncwarp();
    out[threadIdx.x] = b ^ (any ? 0x100000u : 0u) ^ (all ? 0x200000u : 0u) ^ (allTrue ? 0x400000u : 0u);
}

static void test_ballot(Failures& f) {
    std::vector<unsigned int> out(64);
    emu_launch(ballot_kernel, dim3(1), dim3(64), 0, out.data());
    unsigned int thirds = 0;
    for (int l = 0; l < 32; l += 3) {
        thirds |= 1u << l;
    }
    for (int t = 0; t < 64; t++) {
        unsigned int expected = thirds ^ (t >= 32 ? 0x100000u : 0u) ^ 0x400000u;
        f.check(out[t] == expected, "ballot/any/all thread %d: got 0x%x, expected 0x%x", t, out[t], expected);
    }
}

// Every third thread returns at once; the rest exchange values through shared memory across a barrier.
extern "C" __global__ void early_return_kernel(int* out) {
    __shared__ int slots[128];
    int t = threadIdx.x;
    if (t % 3 == 0) {
        return;
    }
    slots[t] = 5 * t + 1;
    __syncthreads();
    int partner = t % 3 == 1 ? t + 1 : t - 1;
    out[t] = slots[partner];
    __syncthreads();
    slots[t] = 0;
}

static void test_early_return(Failures& f) {
    std::vector<int> out(128, -7);
    emu_launch(early_return_kernel, dim3(3), dim3(128), 0, out.data());
    for (int t = 0; t < 128; t++) {
        int partner = t % 3 == 1 ? t + 1 : t - 1;
        if (t % 3 == 0) {
            f.check(out[t] == -7, "early return thread %d wrote %d after returning", t, out[t]);
        } else if (partner < 128) {  // thread 127's partner does not exist; its read is unspecified
            f.check(out[t] == 5 * partner + 1, "early return thread %d: got %d, expected %d", t, out[t], 5 * partner + 1);
        }
    }
}

// Each thread writes its slot, then reads its right neighbour's: correct only with the barrier.
extern "C" __global__ void neighbour_kernel(int* out, int withBarrier) {
    DYNAMIC_SHARED(int, slots);
    int t = threadIdx.x;
    slots[t] = 3 * t + 2;
    if (withBarrier) {
        __syncthreads();
    }
    out[t] = slots[(t + 1) % blockDim.x];
}

static bool neighbour_correct(int withBarrier) {
    const int n = 64;
    std::vector<int> out(n);
    emu_launch(neighbour_kernel, dim3(1), dim3(n), n * sizeof(int), out.data(), withBarrier);
    for (int t = 0; t < n; t++) {
        if (out[t] != 3 * ((t + 1) % n) + 2) {
            return false;
        }
    }
    return true;
}

static void test_missing_barrier(Failures& f) {
    for (emu::Schedule s : {emu::Schedule::Parallel, emu::Schedule::Forward, emu::Schedule::Reverse}) {
        emu::set_schedule(s);
        f.check(neighbour_correct(1), "neighbour exchange with its barrier is wrong under schedule %d", static_cast<int>(s));
    }
    // Under each serial order some reader runs before its writer and sees the 0xFF fill.
    for (emu::Schedule s : {emu::Schedule::Forward, emu::Schedule::Reverse}) {
        emu::set_schedule(s);
        f.check(!neighbour_correct(0), "missing barrier not caught under serial schedule %d", static_cast<int>(s));
    }
    emu::set_schedule(emu::Schedule::Parallel);
}

// Block 0 writes its static shared array; block 1 only reads it and must see the poison fill.
extern "C" __global__ void stale_shared_kernel(int* out) {
    __shared__ int slots[64];
    if (blockIdx.x == 0) {
        slots[threadIdx.x] = 100 + threadIdx.x;
    }
    __syncthreads();
    out[blockIdx.x * 64 + threadIdx.x] = slots[threadIdx.x];
}

static void test_shared_poisoned_between_blocks(Failures& f) {
    std::vector<int> out(128);
    emu_launch(stale_shared_kernel, dim3(2), dim3(64), 0, out.data());
    for (int t = 0; t < 64; t++) {
        f.check(out[t] == 100 + t, "static shared within block 0, thread %d: got %d", t, out[t]);
        f.check(out[64 + t] == -1, "static shared left over from block 0 seen by block 1, thread %d: got %d", t, out[64 + t]);
    }
}

extern "C" __global__ void atomics_kernel(float* fsum, int* isum, int* imax, int* imin, int* casCount) {
    int g = blockIdx.x * blockDim.x + threadIdx.x;
    atomicAdd(fsum, 0.25f);
    atomicAdd(isum, g);
    atomicMax(imax, (g * 37) % 1001);
    atomicMin(imin, 500 - (g * 53) % 997);
    int seen = *casCount;
    for (;;) {
        int prior = atomicCAS(casCount, seen, seen + 1);
        if (prior == seen) {
            break;
        }
        seen = prior;
    }
}

static void test_atomics(Failures& f) {
    const int blocks = 40;
    const int threads = 128;
    float fsum = 0.0f;
    int isum = 0;
    int imax = -1;
    int imin = 1 << 30;
    int cas = 0;
    emu_launch(atomics_kernel, dim3(blocks), dim3(threads), 0, &fsum, &isum, &imax, &imin, &cas);
    int n = blocks * threads;
    int expectedMax = -1;
    int expectedMin = 1 << 30;
    for (int g = 0; g < n; g++) {
        expectedMax = std::max(expectedMax, (g * 37) % 1001);
        expectedMin = std::min(expectedMin, 500 - (g * 53) % 997);
    }
    // 0.25 * n is exact in float for n = 5120, whatever the order of the additions.
    f.check(fsum == 0.25f * n, "float atomicAdd from %d blocks: got %.9g, expected %.9g", blocks, fsum, 0.25 * n);
    f.check(isum == n * (n - 1) / 2, "int atomicAdd: got %d, expected %d", isum, n * (n - 1) / 2);
    f.check(imax == expectedMax, "atomicMax: got %d, expected %d", imax, expectedMax);
    f.check(imin == expectedMin, "atomicMin: got %d, expected %d", imin, expectedMin);
    f.check(cas == n, "atomicCAS counter: got %d, expected %d", cas, n);
}

// ---------------------------------------------------------------- cases that must abort

extern "C" __global__ void divergent_barrier_kernel(int* out) {
    if (threadIdx.x < 16) {
        __syncthreads();
    } else {
        __syncthreads();
    }
    out[threadIdx.x] = 1;
}

extern "C" __global__ void barrier_after_exit_of_lane_kernel(int* out) {
    if (threadIdx.x == 5) {
        return;
    }
    out[threadIdx.x] = __shfl_down_sync(0xffffffffu, static_cast<int>(threadIdx.x), 1);
}

// Half a warp waits at the barrier while the other half waits for it in a shuffle: a deadlock.
extern "C" __global__ void barrier_in_half_warp_kernel(int* out) {
    if (threadIdx.x < 16) {
        __syncthreads();
    } else {
        out[threadIdx.x] = __shfl_xor_sync(0xffffffffu, 2, 1);
    }
}

static int run_case(const std::string& name) {
    std::vector<int> out(64);
    emu::set_schedule(emu::Schedule::Parallel);
    if (name == "divergent-barrier") {
        emu_launch(divergent_barrier_kernel, dim3(1), dim3(64), 0, out.data());
    } else if (name == "exited-lane") {
        emu_launch(barrier_after_exit_of_lane_kernel, dim3(1), dim3(32), 0, out.data());
    } else if (name == "half-warp-at-barrier") {
        emu_launch(barrier_in_half_warp_kernel, dim3(1), dim3(64), 0, out.data());
    } else if (name == "block-of-48") {
        emu_launch(divergent_barrier_kernel, dim3(1), dim3(48), 0, out.data());
    } else if (name == "too-much-shared") {
        emu_launch(neighbour_kernel, dim3(1), dim3(32), 64 * 1024, out.data(), 1);
    } else {
        std::fprintf(stderr, "unknown case %s\n", name.c_str());
        return 2;
    }
    return 0;  // reaching here means the emulator did not abort
}

static void test_must_abort(Failures& f, const char* self) {
    for (const char* name : {"divergent-barrier", "exited-lane", "half-warp-at-barrier", "block-of-48", "too-much-shared"}) {
        std::fflush(stdout);
        pid_t child = fork();
        if (child == 0) {
            execl(self, self, name, static_cast<char*>(nullptr));
            _exit(3);
        }
        int status = 0;
        waitpid(child, &status, 0);
        f.check(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "case %s did not abort (status 0x%x)", name, status);
    }
}

int main(int argc, char** argv) {
    if (argc > 1) {
        return run_case(argv[1]);
    }
    Failures f("emu_selftest");
    test_shuffle_tables(f);
    test_back_to_back(f);
    test_ballot(f);
    for (emu::Schedule s : {emu::Schedule::Parallel, emu::Schedule::Forward, emu::Schedule::Reverse}) {
        emu::set_schedule(s);
        test_early_return(f);
    }
    emu::set_schedule(emu::Schedule::Parallel);
    test_missing_barrier(f);
    test_shared_poisoned_between_blocks(f);
    test_atomics(f);
    std::fprintf(stderr, "(the next lines are the aborts the emulator must produce)\n");
    test_must_abort(f, argv[0]);
    return f.finish();
}
