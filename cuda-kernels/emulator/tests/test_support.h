// Shared pieces of the emulator test drivers: failure reporting, seeded data, tolerant comparison.
#pragma once

#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <vector>

// Counts failed checks, prints the first few, and gives the process exit code.
class Failures {
public:
    explicit Failures(const char* suite) : suite_(suite) {}

    bool check(bool ok, const char* format, ...) __attribute__((format(printf, 3, 4))) {
        checks_++;
        if (!ok) {
            if (failed_ < kShown) {
                std::va_list args;
                va_start(args, format);
                std::printf("MISMATCH %s: ", suite_);
                std::vprintf(format, args);
                std::printf("\n");
                va_end(args);
            }
            failed_++;
        }
        return ok;
    }

    // Element-wise |got - ref| <= atol + rtol * |ref|; NaN matches only NaN. Returns the mismatches.
    int close(const char* what, const std::vector<float>& got, const std::vector<float>& ref, float atol, float rtol) {
        int bad = 0;
        if (!check(got.size() == ref.size(), "%s: %zu values, expected %zu", what, got.size(), ref.size())) {
            return 1;
        }
        for (size_t i = 0; i < ref.size(); i++) {
            bool ok = std::isnan(ref[i]) ? std::isnan(got[i])
                    : std::isinf(ref[i]) ? got[i] == ref[i]
                    : std::fabs(got[i] - ref[i]) <= atol + rtol * std::fabs(ref[i]);
            if (!check(ok, "%s[%zu]: got %.9g, expected %.9g", what, i, got[i], ref[i])) {
                bad++;
            }
        }
        return bad;
    }

    int same(const char* what, const std::vector<int>& got, const std::vector<int>& ref) {
        int bad = 0;
        if (!check(got.size() == ref.size(), "%s: %zu values, expected %zu", what, got.size(), ref.size())) {
            return 1;
        }
        for (size_t i = 0; i < ref.size(); i++) {
            if (!check(got[i] == ref[i], "%s[%zu]: got %d, expected %d", what, i, got[i], ref[i])) {
                bad++;
            }
        }
        return bad;
    }

    int finish() const {
        std::printf("%s: %d checks, %d failed\n", suite_, checks_, failed_);
        return failed_ == 0 ? 0 : 1;
    }

private:
    static constexpr int kShown = 20;
    const char* suite_;
    int checks_ = 0;
    int failed_ = 0;
};

// Small deterministic generator (splitmix64), so every run sees the same data.
class Random {
public:
    explicit Random(uint64_t seed) : state_(seed) {}

    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    float uniform(float lo, float hi) { return lo + (hi - lo) * static_cast<float>(next() >> 40) / 16777216.0f; }

    int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }

    std::vector<float> floats(size_t n, float lo, float hi) {
        std::vector<float> v(n);
        for (float& x : v) {
            x = uniform(lo, hi);
        }
        return v;
    }

private:
    uint64_t state_;
};

// Runs `body` under the parallel schedule and both serial orders (see cuda_emu.h), so that a
// missing barrier shows as a mismatch under one of them. Needs cuda_emu.h included first.
template <typename Body> void each_schedule(Body body) {
    for (emu::Schedule s : {emu::Schedule::Parallel, emu::Schedule::Forward, emu::Schedule::Reverse}) {
        emu::set_schedule(s);
        body();
    }
    emu::set_schedule(emu::Schedule::Parallel);
}

inline unsigned int blocks_for(size_t n, unsigned int threads) { return static_cast<unsigned int>((n + threads - 1) / threads); }
