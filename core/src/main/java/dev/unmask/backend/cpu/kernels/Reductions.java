package dev.unmask.backend.cpu.kernels;

import dev.unmask.ops.ReduceOp;

import java.util.Arrays;

/**
 * Reductions of a contiguous float array over any set of axes, threaded over the kept (output) elements.
 * Each output accumulates in double over its reduced elements in row-major order, the order in which the
 * reference backend visits them, so sums, means, maxima and minima are bit-identical to it.
 *
 * <p>The input is read as [kept outer, reduced..., inner]: a trailing run of kept axes ({@code inner}
 * elements) is reduced a row at a time, and a trailing run of reduced axes is read as one contiguous
 * run, so the common layouts (last axes, first axes, axes 0, 2, 3 of NCHW) stream through memory.
 */
public final class Reductions {
    /** Below this many input elements one thread is faster than a hand-off to the pool. */
    private static final int PARALLEL_ELEMENTS = 1 << 15;
    /** Outputs of one inner row handled by one task: bounds the double accumulator row. */
    private static final int ROW_CHUNK = 1024;

    private Reductions() {
    }

    /**
     * {@code out[k] = op over the elements of in (shape dims) whose kept coordinates give flat kept index k}.
     * SUM and MEAN (sum / count) accumulate in double; MAX and MIN use {@link Math#max}/{@link Math#min}
     * in double, so NaN propagates. The caller guarantees a non-empty input.
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
        int split = rank;
        while (split > 0 && reduced[split - 1] == reduced[rank - 1]) {
            split--;
        }
        // axes [split, rank) are the trailing run: kept (inner rows) or reduced (one contiguous run)
        boolean rowsKept = rank > 0 && !reduced[rank - 1];
        int tail = 1;
        for (int i = split; i < rank; i++) {
            tail *= dims[i];
        }
        int inner = rowsKept ? tail : 1;
        int run = rowsKept ? 1 : tail;
        int[] offsets = offsets(dims, strides, reduced, split, true);
        int[] bases = offsets(dims, strides, reduced, split, false);
        int count = offsets.length * run;
        int chunks = (inner + ROW_CHUNK - 1) / ROW_CHUNK;
        ParallelFor.RangeBody body;
        if (!rowsKept && (op == ReduceOp.SUM || op == ReduceOp.MEAN)) {
            // sums of contiguous runs (inner == 1: one task per output) take the four-chain loop
            body = (startTask, endTask) -> sumRuns(in, bases, offsets, run, op == ReduceOp.MEAN ? count : 1, out,
                    startTask, endTask);
        } else {
            body = (startTask, endTask) -> {
                double[] acc = new double[Math.min(inner, ROW_CHUNK)];
                for (int task = startTask; task < endTask; task++) {
                    int k = task / chunks;
                    int j0 = (task % chunks) * ROW_CHUNK;
                    int width = Math.min(ROW_CHUNK, inner - j0);
                    int base = bases[k] + j0;
                    Arrays.fill(acc, 0, width, switch (op) {
                        case SUM, MEAN -> 0.0;
                        case MAX -> Double.NEGATIVE_INFINITY;
                        case MIN -> Double.POSITIVE_INFINITY;
                    });
                    for (int offset : offsets) {
                        if (rowsKept) {
                            accumulate(op, in, base + offset, acc, width);
                        } else {
                            acc[0] = fold(op, in, base + offset, run, acc[0]);
                        }
                    }
                    int o = k * inner + j0;
                    for (int j = 0; j < width; j++) {
                        out[o + j] = (float) (op == ReduceOp.MEAN ? acc[j] / count : acc[j]);
                    }
                }
            };
        }
        int tasks = bases.length * chunks;
        if (in.length < PARALLEL_ELEMENTS) {
            body.run(0, tasks);
        } else {
            ParallelFor.range(tasks, body);
        }
    }

    /** {@code acc[j] = acc[j] op in[from + j]} for j < width. */
    private static void accumulate(ReduceOp op, float[] in, int from, double[] acc, int width) {
        switch (op) {
            case SUM, MEAN -> {
                for (int j = 0; j < width; j++) {
                    acc[j] += in[from + j];
                }
            }
            case MAX -> {
                for (int j = 0; j < width; j++) {
                    acc[j] = Math.max(acc[j], in[from + j]);
                }
            }
            case MIN -> {
                for (int j = 0; j < width; j++) {
                    acc[j] = Math.min(acc[j], in[from + j]);
                }
            }
        }
    }

    /**
     * Sums (divided by {@code divisor}) of outputs [k0, k1) whose elements are contiguous runs: output k adds
     * {@code in[bases[k] + offset + i]} for each offset in order and i from 0 to run - 1, in double, the same
     * order as {@link #fold}. Four outputs at a time, as four independent chains: a single chain waits for
     * each addition's latency (the bias gradients of a VQ-VAE training step, 2% of it at 2 threads).
     */
    private static void sumRuns(float[] in, int[] bases, int[] offsets, int run, int divisor, float[] out,
                                int k0, int k1) {
        int k = k0;
        for (; k + 4 <= k1; k += 4) {
            double a0 = 0;
            double a1 = 0;
            double a2 = 0;
            double a3 = 0;
            for (int offset : offsets) {
                int b0 = bases[k] + offset;
                int b1 = bases[k + 1] + offset;
                int b2 = bases[k + 2] + offset;
                int b3 = bases[k + 3] + offset;
                for (int i = 0; i < run; i++) {
                    a0 += in[b0 + i];
                    a1 += in[b1 + i];
                    a2 += in[b2 + i];
                    a3 += in[b3 + i];
                }
            }
            out[k] = (float) (a0 / divisor);
            out[k + 1] = (float) (a1 / divisor);
            out[k + 2] = (float) (a2 / divisor);
            out[k + 3] = (float) (a3 / divisor);
        }
        for (; k < k1; k++) {
            double a = 0;
            for (int offset : offsets) {
                a = fold(ReduceOp.SUM, in, bases[k] + offset, run, a);
            }
            out[k] = (float) (a / divisor);
        }
    }

    /** {@code acc op in[from] op ... op in[from + n - 1]}, left to right. */
    private static double fold(ReduceOp op, float[] in, int from, int n, double acc) {
        double a = acc;
        switch (op) {
            case SUM, MEAN -> {
                for (int i = from; i < from + n; i++) {
                    a += in[i];
                }
            }
            case MAX -> {
                for (int i = from; i < from + n; i++) {
                    a = Math.max(a, in[i]);
                }
            }
            case MIN -> {
                for (int i = from; i < from + n; i++) {
                    a = Math.min(a, in[i]);
                }
            }
        }
        return a;
    }

    /**
     * Row-major offsets over the axes before {@code split} that are reduced ({@code ofReduced}) or kept:
     * for reduced axes, the positions of one output's reduced elements relative to its base (without the
     * trailing run); for kept axes, the base of each output row.
     */
    private static int[] offsets(int[] dims, int[] strides, boolean[] reduced, int split, boolean ofReduced) {
        int count = 1;
        for (int i = 0; i < split; i++) {
            if (reduced[i] == ofReduced) {
                count *= dims[i];
            }
        }
        int[] offsets = new int[count];
        for (int r = 0; r < count; r++) {
            int offset = 0;
            for (int axis = split - 1, rest = r; axis >= 0; axis--) {
                if (reduced[axis] == ofReduced) {
                    offset += (rest % dims[axis]) * strides[axis];
                    rest /= dims[axis];
                }
            }
            offsets[r] = offset;
        }
        return offsets;
    }
}
