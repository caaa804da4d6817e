// cuda_emu.h: runs CUDA kernel sources on the CPU, compiled by g++ (C++17), for tests.
//
// Include this header, then the .cu file, then launch with
//     emu_launch(kernel, dim3(grid), dim3(block), dynamicSharedBytes, args...);
//
// What a kernel gets, and how it behaves here:
//   - threadIdx/blockIdx/blockDim/gridDim: thread-local variables set per emulated thread.
//   - Blocks run one at a time; every thread of the block is a real OS thread (a persistent pool,
//     grown to the largest block seen), so threads really interleave and races can show.
//   - __shared__ is `static`: one copy shared by every thread of the block (launches are serialised).
//     Dynamic shared memory is declared only through DYNAMIC_SHARED(type, name). Both are filled
//     with 0xFF bytes (NaN floats, -1 ints) before every block so reads before writes stand out.
//   - __syncthreads is a real barrier over the block's live threads: threads that returned drop out.
//     Threads waiting at different __syncthreads call sites, warp intrinsics whose lanes are at
//     different call sites or name an exited lane, and any state where every live thread waits and
//     none can go on, abort the process with a message naming the threads and source lines.
//   - Warp intrinsics (__shfl*_sync, __ballot_sync, __any_sync, __all_sync, __syncwarp) follow CUDA's
//     lane rules (width sub-sections, out-of-range sources return the caller's own value).
//   - Atomics are real CPU atomics.
//   - Launches check the project's kernel contract: blocks of a multiple of 32 threads, at most
//     1024, and at most 48 KiB of dynamic shared memory.
//   - Schedule: emu::set_schedule(emu::Schedule::Parallel) (default) lets the OS interleave threads;
//     Forward/Reverse run one thread at a time, in thread order (or reverse), each until it blocks
//     at a barrier or warp intrinsic. A missing __syncthreads between a write and a read of shared
//     memory by different threads makes the reader run before the writer under one of the two
//     orders, deterministically; that is how the tests catch missing barriers.
#pragma once

#ifdef __CUDACC__
#error "cuda_emu.h is for host compilers only; nvcc compiles the kernels as CUDA"
#endif

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <math.h>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>
#include <utility>
#include <type_traits>
#include <vector>

// ---------------------------------------------------------------- qualifiers and built-in types

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__
// Static shared arrays live in their own linker section, so the launcher can poison all of them
// before every block (the linker defines __start_/__stop_ symbols for such a section).
#define __shared__ static __attribute__((section("emu_shared")))
#define __constant__ static
#define __launch_bounds__(...)

struct uint3 {
    unsigned int x, y, z;
};

struct dim3 {
    unsigned int x, y, z;
    constexpr dim3(unsigned int x_ = 1, unsigned int y_ = 1, unsigned int z_ = 1) : x(x_), y(y_), z(z_) {}
};

struct alignas(8) float2 {
    float x, y;
};
struct alignas(16) float4 {
    float x, y, z, w;
};
inline float2 make_float2(float x, float y) { return {x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }

inline thread_local uint3 threadIdx;
inline thread_local uint3 blockIdx;
inline thread_local dim3 blockDim;
inline thread_local dim3 gridDim;
constexpr int warpSize = 32;

#define DYNAMIC_SHARED(type, name) type* name = reinterpret_cast<type*>(::emu::dynamic_shared_memory())

// ---------------------------------------------------------------- math and bit helpers

inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline float __saturatef(float x) { return fminf(fmaxf(x, 0.0f), 1.0f); }
inline int __float_as_int(float f) { int i; std::memcpy(&i, &f, 4); return i; }
inline unsigned int __float_as_uint(float f) { unsigned int i; std::memcpy(&i, &f, 4); return i; }
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline float __uint_as_float(unsigned int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline int __popc(unsigned int x) { return __builtin_popcount(x); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz(static_cast<unsigned int>(x)); }
template <typename T> inline T __ldg(const T* p) { return *p; }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned int min(unsigned int a, unsigned int b) { return a < b ? a : b; }
inline unsigned int max(unsigned int a, unsigned int b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline float min(float a, float b) { return fminf(a, b); }
inline float max(float a, float b) { return fmaxf(a, b); }

// ---------------------------------------------------------------- atomics

inline float atomicAdd(float* p, float v) {
    unsigned int* u = reinterpret_cast<unsigned int*>(p);
    unsigned int old = __atomic_load_n(u, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(u, &old, __float_as_uint(__uint_as_float(old) + v), true,
                                        __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
    }
    return __uint_as_float(old);
}
inline int atomicAdd(int* p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_ACQ_REL); }
inline unsigned int atomicAdd(unsigned int* p, unsigned int v) { return __atomic_fetch_add(p, v, __ATOMIC_ACQ_REL); }
inline int atomicSub(int* p, int v) { return __atomic_fetch_sub(p, v, __ATOMIC_ACQ_REL); }
inline int atomicExch(int* p, int v) { return __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL); }
inline float atomicExch(float* p, float v) {
    return __uint_as_float(__atomic_exchange_n(reinterpret_cast<unsigned int*>(p), __float_as_uint(v), __ATOMIC_ACQ_REL));
}
inline int atomicCAS(int* p, int expected, int desired) {
    __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    return expected;
}
inline unsigned int atomicCAS(unsigned int* p, unsigned int expected, unsigned int desired) {
    __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    return expected;
}
inline int atomicMax(int* p, int v) {
    int old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (old < v && !__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
    }
    return old;
}
inline int atomicMin(int* p, int v) {
    int old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (old > v && !__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
    }
    return old;
}

// ---------------------------------------------------------------- the emulated block

namespace emu {

enum class Schedule { Parallel, Forward, Reverse };

[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stderr, "cuda_emu: %s\n", what);
    std::fflush(stderr);
    std::abort();
}

struct Site {
    const char* file = nullptr;
    int line = 0;
    bool operator==(const Site& o) const { return line == o.line && file != nullptr && o.file != nullptr && std::strcmp(file, o.file) == 0; }
};

struct ThreadState {
    std::condition_variable wake;
    bool waiting = false;
    bool atBarrier = false;
    bool exited = false;
    Site site;
};

struct WarpState {
    unsigned int arrived = 0;
    unsigned int expected = 0;
    unsigned int generation = 0;
    Site site;
    unsigned long long slots[2][32] = {};
};

// Synchronisation state of the one block that runs; everything is guarded by `lock`.
struct Block {
    std::mutex lock;
    int threads = 0;
    int live = 0;
    int blocked = 0;
    Schedule schedule = Schedule::Parallel;
    int running = -1;
    std::vector<std::unique_ptr<ThreadState>> thread;
    std::vector<WarpState> warps;
    int barrierArrived = 0;
    unsigned int barrierGeneration = 0;
    Site barrierSite;

    void reset(int n, Schedule s) {
        threads = n;
        live = n;
        blocked = 0;
        schedule = s;
        while (static_cast<int>(thread.size()) < n) {
            thread.push_back(std::make_unique<ThreadState>());
        }
        for (int t = 0; t < n; t++) {
            thread[t]->waiting = false;
            thread[t]->atBarrier = false;
            thread[t]->exited = false;
        }
        warps.assign(n / 32, WarpState());
        barrierArrived = 0;
        barrierSite = Site();
        running = s == Schedule::Parallel ? -1 : (s == Schedule::Forward ? 0 : n - 1);
    }

    [[noreturn]] void deadlock() {
        char msg[2048];
        int len = std::snprintf(msg, sizeof msg, "deadlock in block (%u,%u,%u): all %d live threads wait and none can go on;",
                                blockIdx.x, blockIdx.y, blockIdx.z, live);
        for (int t = 0, shown = 0; t < threads && shown < 8 && len < 1800; t++) {
            if (thread[t]->waiting) {
                len += std::snprintf(msg + len, sizeof msg - len, " thread %d at %s:%d;", t, thread[t]->site.file, thread[t]->site.line);
                shown++;
            }
        }
        fail(msg);
    }

    // Gives the turn to the first thread (in schedule order) that is not waiting; serial schedules only.
    void passTurn() {
        if (schedule == Schedule::Parallel) {
            return;
        }
        int next = -1;
        for (int i = 0; i < threads; i++) {
            int t = schedule == Schedule::Forward ? i : threads - 1 - i;
            if (!thread[t]->exited && !thread[t]->waiting) {
                next = t;
                break;
            }
        }
        running = next;
        if (next >= 0) {
            thread[next]->wake.notify_one();
        }
    }

    void awaitTurn(std::unique_lock<std::mutex>& held, int me) {
        if (schedule != Schedule::Parallel) {
            thread[me]->wake.wait(held, [&] { return running == me; });
        }
    }

    // Blocks the caller until release() clears its waiting flag (and, when serial, until its turn).
    void wait(std::unique_lock<std::mutex>& held, int me, Site site) {
        ThreadState& self = *thread[me];
        self.waiting = true;
        self.site = site;
        blocked++;
        if (blocked == live) {
            deadlock();
        }
        passTurn();
        self.wake.wait(held, [&] { return !self.waiting && (schedule == Schedule::Parallel || running == me); });
    }

    void release(int t) {
        thread[t]->waiting = false;
        blocked--;
        if (schedule == Schedule::Parallel) {
            thread[t]->wake.notify_one();
        }
    }

    // The caller completed a barrier or warp operation: in serial schedules it yields to the order.
    void yieldTurn(std::unique_lock<std::mutex>& held, int me) {
        if (schedule != Schedule::Parallel) {
            passTurn();
            awaitTurn(held, me);
        }
    }

    void releaseBarrier() {
        barrierArrived = 0;
        barrierGeneration++;
        for (int t = 0; t < threads; t++) {
            if (thread[t]->atBarrier) {
                thread[t]->atBarrier = false;
                release(t);
            }
        }
    }

    void syncthreads(int me, Site site) {
        std::unique_lock<std::mutex> held(lock);
        if (barrierArrived > 0 && !(site == barrierSite)) {
            char msg[512];
            std::snprintf(msg, sizeof msg,
                          "divergent __syncthreads in block (%u,%u,%u): thread %d at %s:%d while other threads wait at %s:%d",
                          blockIdx.x, blockIdx.y, blockIdx.z, me, site.file, site.line, barrierSite.file, barrierSite.line);
            fail(msg);
        }
        barrierSite = site;
        barrierArrived++;
        if (barrierArrived == live) {
            releaseBarrier();
            yieldTurn(held, me);
        } else {
            thread[me]->atBarrier = true;
            wait(held, me, site);
        }
    }

    // Deposits `value`, waits for every lane of `mask`, and returns the slots all lanes deposited.
    const unsigned long long* warpExchange(int me, unsigned int mask, unsigned long long value, Site site, const char* name) {
        std::unique_lock<std::mutex> held(lock);
        int warp = me / 32;
        int lane = me % 32;
        WarpState& w = warps[warp];
        char msg[512];
        if (!(mask >> lane & 1u)) {
            std::snprintf(msg, sizeof msg, "%s at %s:%d: calling lane %d is not in mask 0x%08x", name, site.file, site.line, lane, mask);
            fail(msg);
        }
        for (int l = 0; l < 32; l++) {
            if ((mask >> l & 1u) && thread[32 * warp + l]->exited) {
                std::snprintf(msg, sizeof msg, "%s at %s:%d: mask 0x%08x names lane %d of warp %d, which has exited", name, site.file,
                              site.line, mask, l, warp);
                fail(msg);
            }
        }
        if (w.arrived != 0 && (w.expected != mask || !(w.site == site))) {
            std::snprintf(msg, sizeof msg, "divergent warp: lane %d at %s (%s:%d, mask 0x%08x) while other lanes wait at %s:%d (mask 0x%08x)",
                          lane, name, site.file, site.line, mask, w.site.file, w.site.line, w.expected);
            fail(msg);
        }
        unsigned int generation = w.generation;
        w.expected = mask;
        w.site = site;
        w.slots[generation & 1][lane] = value;
        w.arrived |= 1u << lane;
        if (w.arrived == mask) {
            w.arrived = 0;
            w.generation++;
            for (int l = 0; l < 32; l++) {
                if ((mask >> l & 1u) && l != lane) {
                    release(32 * warp + l);
                }
            }
            yieldTurn(held, me);
        } else {
            wait(held, me, site);
        }
        // The other parity is written only after every lane of this generation passed the next exchange.
        return w.slots[generation & 1];
    }

    void exit(int me) {
        std::unique_lock<std::mutex> held(lock);
        thread[me]->exited = true;
        live--;
        int warp = me / 32;
        if (warps[warp].arrived != 0 && (warps[warp].expected >> (me % 32) & 1u)) {
            char msg[256];
            std::snprintf(msg, sizeof msg, "thread %d exited while lanes of its warp wait for it at %s:%d", me,
                          warps[warp].site.file, warps[warp].site.line);
            fail(msg);
        }
        if (barrierArrived > 0 && barrierArrived == live) {
            releaseBarrier();
        } else if (live > 0 && blocked == live) {
            deadlock();
        }
        passTurn();
    }
};

inline Block& block() {
    static Block b;
    return b;
}

inline thread_local int tid = 0;

inline unsigned char*& dynamic_shared_base() {
    static unsigned char* base = nullptr;
    return base;
}

inline void* dynamic_shared_memory() { return dynamic_shared_base(); }

extern "C" __attribute__((weak)) char __start_emu_shared[];
extern "C" __attribute__((weak)) char __stop_emu_shared[];

// Fills every static __shared__ array with 0xFF bytes (NaN floats), as for dynamic shared memory,
// so a block never sees what the previous block left there.
inline void poison_static_shared() {
    if (__start_emu_shared != nullptr && __stop_emu_shared != nullptr) {
        std::memset(__start_emu_shared, 0xFF, static_cast<size_t>(__stop_emu_shared - __start_emu_shared));
    }
}

inline Schedule& schedule() {
    static Schedule s = Schedule::Parallel;
    return s;
}

inline void set_schedule(Schedule s) { schedule() = s; }

// Persistent worker threads; worker i plays thread i of every block. Each worker sleeps on its own
// condition variable so a small block wakes only the workers it uses.
class Pool {
public:
    ~Pool() {
        std::unique_lock<std::mutex> held(lock_);
        for (auto& w : workers_) {
            w->stop = true;
            w->go.notify_one();
        }
        held.unlock();
        for (auto& w : workers_) {
            w->thread.join();
        }
    }

    void run(int n, const std::function<void(int)>& body) {
        std::unique_lock<std::mutex> held(lock_);
        while (static_cast<int>(workers_.size()) < n) {
            workers_.push_back(std::make_unique<Worker>());
            Worker* w = workers_.back().get();
            int index = static_cast<int>(workers_.size()) - 1;
            w->thread = std::thread([this, w, index] { loop(*w, index); });
        }
        body_ = &body;
        remaining_ = n;
        for (int i = 0; i < n; i++) {
            workers_[i]->pending = true;
            workers_[i]->go.notify_one();
        }
        done_.wait(held, [&] { return remaining_ == 0; });
    }

private:
    struct Worker {
        std::condition_variable go;
        std::thread thread;
        bool pending = false;
        bool stop = false;
    };

    void loop(Worker& self, int index) {
        std::unique_lock<std::mutex> held(lock_);
        for (;;) {
            self.go.wait(held, [&] { return self.stop || self.pending; });
            if (self.stop) {
                return;
            }
            self.pending = false;
            const std::function<void(int)>* body = body_;
            held.unlock();
            (*body)(index);
            held.lock();
            if (--remaining_ == 0) {
                done_.notify_one();
            }
        }
    }

    std::mutex lock_;
    std::condition_variable done_;
    std::vector<std::unique_ptr<Worker>> workers_;
    const std::function<void(int)>* body_ = nullptr;
    int remaining_ = 0;
};

inline Pool& pool() {
    static Pool p;
    return p;
}

constexpr size_t kMaxDynamicShared = 48 * 1024;  // the default limit without an opt-in attribute

inline void run_grid(dim3 grid, dim3 blockShape, size_t dynamicSharedBytes, const std::function<void()>& kernel) {
    static std::mutex launches;
    std::lock_guard<std::mutex> serial(launches);
    long long n = static_cast<long long>(blockShape.x) * blockShape.y * blockShape.z;
    if (n < 1 || n > 1024 || blockShape.z > 64 || grid.x < 1 || grid.y < 1 || grid.z < 1 || grid.y > 65535 || grid.z > 65535) {
        char msg[256];
        std::snprintf(msg, sizeof msg, "invalid launch configuration grid (%u,%u,%u) block (%u,%u,%u)", grid.x, grid.y, grid.z,
                      blockShape.x, blockShape.y, blockShape.z);
        fail(msg);
    }
    if (n % 32 != 0) {
        char msg[160];
        std::snprintf(msg, sizeof msg, "block (%u,%u,%u) has %lld threads, not a multiple of 32 as the kernel contract requires",
                      blockShape.x, blockShape.y, blockShape.z, n);
        fail(msg);
    }
    if (dynamicSharedBytes > kMaxDynamicShared) {
        char msg[128];
        std::snprintf(msg, sizeof msg, "dynamic shared memory of %zu bytes exceeds the default limit of %zu", dynamicSharedBytes,
                      kMaxDynamicShared);
        fail(msg);
    }
    std::vector<std::max_align_t> shared((dynamicSharedBytes + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t) + 1);
    dynamic_shared_base() = reinterpret_cast<unsigned char*>(shared.data());
    Block& b = block();
    for (unsigned int bz = 0; bz < grid.z; bz++) {
        for (unsigned int by = 0; by < grid.y; by++) {
            for (unsigned int bx = 0; bx < grid.x; bx++) {
                std::memset(shared.data(), 0xFF, shared.size() * sizeof(std::max_align_t));
                poison_static_shared();
                b.reset(static_cast<int>(n), schedule());
                uint3 blockIndex{bx, by, bz};
                std::function<void(int)> body = [&](int t) {
                    threadIdx = uint3{t % blockShape.x, t / blockShape.x % blockShape.y, t / (blockShape.x * blockShape.y)};
                    blockIdx = blockIndex;
                    blockDim = blockShape;
                    gridDim = grid;
                    tid = t;
                    {
                        std::unique_lock<std::mutex> held(b.lock);
                        b.awaitTurn(held, t);
                    }
                    kernel();
                    b.exit(t);
                };
                pool().run(static_cast<int>(n), body);
            }
        }
    }
    dynamic_shared_base() = nullptr;
}

template <typename T> inline unsigned long long to_bits(T v) {
    static_assert(sizeof(T) <= 8 && std::is_trivially_copyable<T>::value, "warp intrinsics move at most 8 bytes");
    unsigned long long bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    return bits;
}

template <typename T> inline T from_bits(unsigned long long bits) {
    T v;
    std::memcpy(&v, &bits, sizeof(T));
    return v;
}

inline void check_width(int width, Site site) {
    if (width < 1 || width > 32 || (width & (width - 1)) != 0) {
        char msg[160];
        std::snprintf(msg, sizeof msg, "shuffle width %d at %s:%d is not a power of two in [1, 32]", width, site.file, site.line);
        fail(msg);
    }
}

// Reads the value of lane `src` (or the caller's own when src < 0) after an exchange over `mask`.
template <typename T> inline T shuffle_from(unsigned int mask, T var, int src, Site site, const char* name) {
    const unsigned long long* slots = block().warpExchange(tid, mask, to_bits(var), site, name);
    if (src < 0) {
        return var;
    }
    if (!(mask >> src & 1u)) {
        char msg[160];
        std::snprintf(msg, sizeof msg, "%s at %s:%d reads lane %d outside mask 0x%08x", name, site.file, site.line, src, mask);
        fail(msg);
    }
    return from_bits<T>(slots[src]);
}

template <typename T> inline T shfl(unsigned int mask, T var, int srcLane, int width, Site site) {
    check_width(width, site);
    int lane = tid % 32;
    return shuffle_from(mask, var, (lane & ~(width - 1)) + (srcLane & (width - 1)), site, "__shfl_sync");
}

template <typename T> inline T shfl_up(unsigned int mask, T var, unsigned int delta, int width, Site site) {
    check_width(width, site);
    int lane = tid % 32;
    int src = (lane & (width - 1)) < static_cast<int>(delta) ? -1 : lane - static_cast<int>(delta);
    return shuffle_from(mask, var, src, site, "__shfl_up_sync");
}

template <typename T> inline T shfl_down(unsigned int mask, T var, unsigned int delta, int width, Site site) {
    check_width(width, site);
    int lane = tid % 32;
    int src = (lane & (width - 1)) + static_cast<int>(delta) >= width ? -1 : lane + static_cast<int>(delta);
    return shuffle_from(mask, var, src, site, "__shfl_down_sync");
}

template <typename T> inline T shfl_xor(unsigned int mask, T var, int laneMask, int width, Site site) {
    check_width(width, site);
    int lane = tid % 32;
    int src = lane ^ laneMask;
    // CUDA: a lane may read earlier sub-sections but reading a later one returns its own value.
    int groupEnd = (lane & ~(width - 1)) + width;
    return shuffle_from(mask, var, src >= groupEnd || src < 0 ? -1 : src, site, "__shfl_xor_sync");
}

inline unsigned int ballot(unsigned int mask, int predicate, Site site, const char* name) {
    const unsigned long long* slots = block().warpExchange(tid, mask, predicate != 0, site, name);
    unsigned int bits = 0;
    for (int l = 0; l < 32; l++) {
        if ((mask >> l & 1u) && slots[l] != 0) {
            bits |= 1u << l;
        }
    }
    return bits;
}

}  // namespace emu

#define EMU_SITE (::emu::Site{__FILE__, __LINE__})
#define __syncthreads() ::emu::block().syncthreads(::emu::tid, EMU_SITE)
#define __syncwarp(...) ((void) ::emu::ballot(::emu::syncwarp_mask(__VA_ARGS__), 1, EMU_SITE, "__syncwarp"))
#define __shfl_sync(mask, var, src, ...) ::emu::shfl((mask), (var), (src), ::emu::width_or_32(__VA_ARGS__), EMU_SITE)
#define __shfl_up_sync(mask, var, delta, ...) ::emu::shfl_up((mask), (var), (delta), ::emu::width_or_32(__VA_ARGS__), EMU_SITE)
#define __shfl_down_sync(mask, var, delta, ...) ::emu::shfl_down((mask), (var), (delta), ::emu::width_or_32(__VA_ARGS__), EMU_SITE)
#define __shfl_xor_sync(mask, var, laneMask, ...) ::emu::shfl_xor((mask), (var), (laneMask), ::emu::width_or_32(__VA_ARGS__), EMU_SITE)
#define __ballot_sync(mask, predicate) ::emu::ballot((mask), (predicate), EMU_SITE, "__ballot_sync")
#define __any_sync(mask, predicate) (::emu::ballot((mask), (predicate), EMU_SITE, "__any_sync") != 0u)
#define __all_sync(mask, predicate) (::emu::ballot((mask), (predicate), EMU_SITE, "__all_sync") == (mask))

namespace emu {
inline int width_or_32() { return 32; }
inline int width_or_32(int width) { return width; }
inline unsigned int syncwarp_mask() { return 0xffffffffu; }
inline unsigned int syncwarp_mask(unsigned int mask) { return mask; }
}  // namespace emu

// Launches `kernel` over `grid` x `block` with the given dynamic shared memory, as kernel<<<...>>> does.
template <typename... Params, typename... Args>
inline void emu_launch(void (*kernel)(Params...), dim3 grid, dim3 block, size_t dynamicSharedBytes, Args... args) {
    static_assert(sizeof...(Params) == sizeof...(Args), "emu_launch: argument count does not match the kernel");
    std::tuple<Params...> bound(static_cast<Params>(args)...);
    ::emu::run_grid(grid, block, dynamicSharedBytes, [&] { std::apply(kernel, bound); });
}

namespace emu {
template <typename... Params, size_t... Index>
inline void launch_with_params(void (*kernel)(Params...), dim3 grid, dim3 block, size_t dynamicSharedBytes, void** params,
                               std::index_sequence<Index...>) {
    emu_launch(kernel, grid, block, dynamicSharedBytes, *static_cast<std::remove_reference_t<Params>*>(params[Index])...);
}
}  // namespace emu

// Launches with arguments passed as cuLaunchKernel's kernelParams: params[i] points to argument i
// (a pointer, a scalar or a struct passed by value), so one marshalling serves both runtimes.
template <typename... Params>
inline void emu_launch_params(void (*kernel)(Params...), dim3 grid, dim3 block, size_t dynamicSharedBytes, void** params) {
    ::emu::launch_with_params(kernel, grid, block, dynamicSharedBytes, params, std::index_sequence_for<Params...>{});
}
