// gather_rows_32, scatter_add_rows_f32 and one_hot_f32 under the emulator.
#include "cuda_emu.h"
#include "test_support.h"
#include "gather.cu"

#include <cstring>

static void check(Failures& f, Random& rng, int rows, int count, int rowSize) {
    std::vector<float> table = rng.floats((size_t) rows * rowSize, -1.0f, 1.0f);
    std::vector<int> indices(count);
    for (int& i : indices) {
        i = rng.below(rows);
    }
    std::vector<float> out((size_t) count * rowSize, NAN), ref(out.size());
    int status = 0;
    for (int i = 0; i < count; i++) {
        std::memcpy(&ref[(size_t) i * rowSize], &table[(size_t) indices[i] * rowSize], sizeof(float) * rowSize);
    }
    emu_launch(gather_rows_32, dim3(blocks_for(out.size(), 64)), dim3(64), 0, reinterpret_cast<const unsigned int*>(table.data()),
               indices.data(), count, rowSize, rows, reinterpret_cast<unsigned int*>(out.data()), &status);
    f.close("gather", out, ref, 0.0f, 0.0f);
    f.check(status == 0, "gather flagged a valid index");

    std::vector<float> src = rng.floats((size_t) count * rowSize, -1.0f, 1.0f);
    std::vector<float> sums((size_t) rows * rowSize, 0.0f), refSums(sums.size(), 0.0f);
    for (int i = 0; i < count; i++) {
        for (int c = 0; c < rowSize; c++) {
            refSums[(size_t) indices[i] * rowSize + c] += src[(size_t) i * rowSize + c];
        }
    }
    emu_launch(scatter_add_rows_f32, dim3(blocks_for(src.size(), 64)), dim3(64), 0, indices.data(), src.data(), count, rowSize, rows,
               sums.data(), &status);
    // atomic additions in any order: rounding of up to `count` terms in [-1, 1]
    f.close("scatter_add", sums, refSums, 1e-6f * count, 1e-6f);

    std::vector<float> hot((size_t) count * rows, NAN), refHot(hot.size(), 0.0f);
    for (int i = 0; i < count; i++) {
        refHot[(size_t) i * rows + indices[i]] = 1.0f;
    }
    emu_launch(one_hot_f32, dim3(blocks_for(hot.size(), 256)), dim3(256), 0, indices.data(), count, rows, hot.data(), &status);
    f.close("one_hot", hot, refHot, 0.0f, 0.0f);
    f.check(status == 0, "scatter_add or one_hot flagged a valid index");

    indices[count - 1] = rows;  // out of range: must be reported, not read
    emu_launch(gather_rows_32, dim3(blocks_for(out.size(), 64)), dim3(64), 0, reinterpret_cast<const unsigned int*>(table.data()),
               indices.data(), count, rowSize, rows, reinterpret_cast<unsigned int*>(out.data()), &status);
    f.check(status == 1, "gather did not flag index %d of %d rows", rows, rows);
    status = 0;
    indices[0] = -1;
    emu_launch(one_hot_f32, dim3(blocks_for(hot.size(), 256)), dim3(256), 0, indices.data(), count, rows, hot.data(), &status);
    f.check(status == 1, "one_hot did not flag index -1");
}

int main() {
    Failures f("gather");
    Random rng(71);
    check(f, rng, 1, 1, 1);
    check(f, rng, 13, 33, 31);
    check(f, rng, 100, 70, 64);
    return f.finish();
}
