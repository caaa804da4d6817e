package dev.unmask.backend.cpu.kernels;

import dev.unmask.ops.ReduceOp;

/**
 * Reductions of a contiguous float array over any set of axes, threaded over the kept (output) elements.
 * Each output accumulates in double over its reduced elements in row-major order, the order in which the
 * reference backend visits them, so sums, means, maxima and minima are bit-identical to it.
 */
public final class Reductions {
    /** Below this many input elements one thread is faster than a hand-off to the pool. */
    private static final int PARALLEL_ELEMENTS = 1 << 15;

    private Reductions() {
    }

    /**
     * {@code out[k] = op over the elements of in (shape dims) whose kept coordinates give flat kept index k}.
     * SUM and MEAN (sum / count) accumulate in double; MAX and MIN use {@link Math#max}/{@link Math#min}
     * in double, so NaN propagates. The caller guarantees at least one reduced element per output.
     *
     * @param reduced per axis of {@code dims}, whether it is reduced
     * @param out     one element per combination of kept coordinates, row-major
     */
    public static void reduce(ReduceOp op, float[] in, int[] dims, boolean[] reduced, float[] out) {
        int rank = dims.length;
        int[] strides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; i--) {
            strides[i] = s;
            s *= dims[i];
        }
        int[] offsets = reducedOffsets(dims, strides, reduced);
        int count = offsets.length;
        ParallelFor.RangeBody body = (start, end) -> {
            for (int k = start; k < end; k++) {
                int base = 0;
                for (int axis = rank - 1, rest = k; axis >= 0; axis--) {
                    if (!reduced[axis]) {
                        base += (rest % dims[axis]) * strides[axis];
                        rest /= dims[axis];
                    }
                }
                double acc;
                switch (op) {
                    case SUM, MEAN -> {
                        acc = 0.0;
                        for (int r = 0; r < count; r++) {
                            acc += in[base + offsets[r]];
                        }
                    }
                    case MAX -> {
                        acc = Double.NEGATIVE_INFINITY;
                        for (int r = 0; r < count; r++) {
                            acc = Math.max(acc, in[base + offsets[r]]);
                        }
                    }
                    default -> {
                        acc = Double.POSITIVE_INFINITY;
                        for (int r = 0; r < count; r++) {
                            acc = Math.min(acc, in[base + offsets[r]]);
                        }
                    }
                }
                out[k] = (float) (op == ReduceOp.MEAN ? acc / count : acc);
            }
        };
        if (in.length < PARALLEL_ELEMENTS) {
            body.run(0, out.length);
        } else {
            ParallelFor.range(out.length, body);
        }
    }

    /** Offsets of the reduced elements relative to their kept base, in row-major order of the reduced axes. */
    private static int[] reducedOffsets(int[] dims, int[] strides, boolean[] reduced) {
        int count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (reduced[i]) {
                count *= dims[i];
            }
        }
        int[] offsets = new int[count];
        for (int r = 0; r < count; r++) {
            int offset = 0;
            for (int axis = dims.length - 1, rest = r; axis >= 0; axis--) {
                if (reduced[axis]) {
                    offset += (rest % dims[axis]) * strides[axis];
                    rest /= dims[axis];
                }
            }
            offsets[r] = offset;
        }
        return offsets;
    }
}
