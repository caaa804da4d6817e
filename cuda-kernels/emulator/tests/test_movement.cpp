// strided_copy_32 and fill_32 under the emulator, used as permute, slice, expand, concat and pad,
// against index loops written for each op.
#include "cuda_emu.h"
#include "test_support.h"
#include "movement.cu"

#include <cstring>

static std::vector<int> iota(size_t n) {
    std::vector<int> v(n);
    for (size_t i = 0; i < n; i++) {
        v[i] = (int) (i * 7 + 3);
    }
    return v;
}

static void copy(const std::vector<int>& src, std::vector<int>& dst, size_t n, const StridedLayout& layout) {
    emu_launch(strided_copy_32, dim3(blocks_for(n, 64)), dim3(64), 0, reinterpret_cast<const unsigned int*>(src.data()),
               reinterpret_cast<unsigned int*>(dst.data()), n, layout);
}

// Row-major strides of a contiguous tensor.
static void contiguous(const std::vector<int>& shape, long long* strides) {
    long long s = 1;
    for (int a = (int) shape.size() - 1; a >= 0; a--) {
        strides[a] = s;
        s *= shape[a];
    }
}

static void check_permute(Failures& f) {
    const int d0 = 2, d1 = 3, d2 = 5;  // x [2, 3, 5] -> permute (2, 0, 1) -> [5, 2, 3]
    std::vector<int> x = iota(d0 * d1 * d2), y(x.size(), -1), ref(x.size());
    for (int a = 0; a < d2; a++) {
        for (int b = 0; b < d0; b++) {
            for (int c = 0; c < d1; c++) {
                ref[(a * d0 + b) * d1 + c] = x[(b * d1 + c) * d2 + a];
            }
        }
    }
    StridedLayout l{};
    l.rank = 3;
    l.shape[0] = d2, l.shape[1] = d0, l.shape[2] = d1;
    l.sourceStride[0] = 1, l.sourceStride[1] = d1 * d2, l.sourceStride[2] = d2;
    contiguous({d2, d0, d1}, l.destinationStride);
    copy(x, y, x.size(), l);
    f.same("permute", y, ref);
}

static void check_slice_and_expand(Failures& f) {
    std::vector<int> x = iota(4 * 13);  // [4, 13], slice axis 1 [3, 11) -> [4, 8]
    std::vector<int> y(4 * 8, -1), ref(y.size());
    for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 8; c++) {
            ref[r * 8 + c] = x[r * 13 + 3 + c];
        }
    }
    StridedLayout l{};
    l.rank = 2;
    l.shape[0] = 4, l.shape[1] = 8;
    l.sourceStride[0] = 13, l.sourceStride[1] = 1;
    l.sourceOffset = 3;
    contiguous({4, 8}, l.destinationStride);
    copy(x, y, y.size(), l);
    f.same("slice", y, ref);

    std::vector<int> v = iota(3);  // [3, 1] expanded to [3, 31]
    std::vector<int> e(3 * 31, -1), refE(e.size());
    for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 31; c++) {
            refE[r * 31 + c] = v[r];
        }
    }
    StridedLayout x2{};
    x2.rank = 2;
    x2.shape[0] = 3, x2.shape[1] = 31;
    x2.sourceStride[0] = 1, x2.sourceStride[1] = 0;
    contiguous({3, 31}, x2.destinationStride);
    copy(v, e, e.size(), x2);
    f.same("expand", e, refE);
}

// concat of [2, 3] and [2, 5] along axis 1, then pad [2, 8] by (1, 0) rows and (2, 1) columns with -9.
static void check_concat_and_pad(Failures& f) {
    std::vector<int> a = iota(6), b = iota(10), cat(16, -1), ref(16);
    for (int r = 0; r < 2; r++) {
        for (int c = 0; c < 8; c++) {
            ref[r * 8 + c] = c < 3 ? a[r * 3 + c] : b[r * 5 + c - 3];
        }
    }
    for (int piece = 0; piece < 2; piece++) {
        int width = piece == 0 ? 3 : 5;
        StridedLayout l{};
        l.rank = 2;
        l.shape[0] = 2, l.shape[1] = width;
        l.sourceStride[0] = width, l.sourceStride[1] = 1;
        l.destinationStride[0] = 8, l.destinationStride[1] = 1;
        l.destinationOffset = piece == 0 ? 0 : 3;
        copy(piece == 0 ? a : b, cat, 2 * width, l);
    }
    f.same("concat", cat, ref);

    const int value = -9;
    std::vector<int> padded(3 * 11, 0), refPad(padded.size(), value);
    for (int r = 0; r < 2; r++) {
        for (int c = 0; c < 8; c++) {
            refPad[(r + 1) * 11 + c + 2] = ref[r * 8 + c];
        }
    }
    emu_launch(fill_32, dim3(1), dim3(64), 0, reinterpret_cast<unsigned int*>(padded.data()), padded.size(), (unsigned int) value);
    StridedLayout l{};
    l.rank = 2;
    l.shape[0] = 2, l.shape[1] = 8;
    l.sourceStride[0] = 8, l.sourceStride[1] = 1;
    l.destinationStride[0] = 11, l.destinationStride[1] = 1;
    l.destinationOffset = 1 * 11 + 2;
    copy(cat, padded, 16, l);
    f.same("pad", padded, refPad);
}

int main() {
    Failures f("movement");
    check_permute(f);
    check_slice_and_expand(f);
    check_concat_and_pad(f);
    return f.finish();
}
