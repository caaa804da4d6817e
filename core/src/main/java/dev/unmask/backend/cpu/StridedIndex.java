package dev.unmask.backend.cpu;

import dev.unmask.tensor.Shape;

/**
 * Flat offsets of strided walks over a row-major array: the one index computation behind the
 * reference backend's broadcasting, movement ops and reductions.
 */
final class StridedIndex {
    private StridedIndex() {
    }

    /**
     * For every element of {@code shape} in row-major order, {@code base + sum_i coord[i] * strides[i]}.
     * With the strides of another array this maps each element to where it lives (or goes) there.
     */
    static int[] offsets(Shape shape, int[] strides, int base) {
        int rank = shape.rank();
        int[] dims = shape.dims();
        int[] offsets = new int[shape.numel()];
        int[] coord = new int[rank];
        int offset = base;
        for (int n = 0; n < offsets.length; n++) {
            offsets[n] = offset;
            for (int i = rank - 1; i >= 0; i--) {
                coord[i]++;
                offset += strides[i];
                if (coord[i] < dims[i]) {
                    break;
                }
                offset -= strides[i] * coord[i];
                coord[i] = 0;
            }
        }
        return offsets;
    }

    /**
     * Strides that read an array of shape {@code from} as if it had the shape {@code to} it broadcasts
     * to: one stride per axis of {@code to}, zero on the axes that {@code from} lacks or has of size 1.
     */
    static int[] broadcastStrides(Shape from, Shape to) {
        int shift = to.rank() - from.rank();
        int[] fromStrides = from.strides();
        int[] strides = new int[to.rank()];
        for (int i = 0; i < from.rank(); i++) {
            strides[i + shift] = from.dim(i) == 1 ? 0 : fromStrides[i];
        }
        return strides;
    }

    /** For every element of {@code to}, the offset of the element of {@code from} broadcast onto it. */
    static int[] broadcastOffsets(Shape from, Shape to) {
        return offsets(to, broadcastStrides(from, to), 0);
    }
}
