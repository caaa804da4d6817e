package dev.unmask.backend.cpu.kernels;

import dev.unmask.ops.AdamParams;
import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.CompareOp;
import dev.unmask.ops.UnaryOp;

import java.util.Arrays;

/**
 * Memory-bound elementwise kernels, threaded over contiguous chunks: binary ops, comparisons and where with
 * broadcasting (read through strides, no index arrays), strided copies for the movement ops, unary
 * activations and the Adam step. Each computes
 * exactly what the reference backend computes per element, so results are identical, only faster.
 */
public final class Elementwise {
    /** Below this many elements one thread is faster than a hand-off to the pool. */
    private static final int PARALLEL_ELEMENTS = 1 << 15;

    private Elementwise() {
    }

    /**
     * {@code out = a op b} with broadcasting: output element {@code (i_0, ..., i_r-1)} of shape {@code dims}
     * reads {@code a[sum_k i_k * aStrides[k]]} and likewise b, where a stride is 0 along an axis the
     * operand broadcasts over. MAX and MIN follow {@link Math#max}/{@link Math#min} (NaN wins). Work is split
     * by element ranges, and each range walks whole or partial rows of the last axis.
     */
    public static void binary(BinaryOp op, float[] a, int[] aStrides, float[] b, int[] bStrides, int[] dims, float[] out) {
        walk(dims, out.length, new int[][] {aStrides, bStrides},
                (offsets, steps, o, len) -> row(op, a, offsets[0], steps[0], b, offsets[1], steps[1], out, o, len));
    }

    /**
     * {@code out = (a op b) ? 1 : 0} with broadcasting through strides as in
     * {@link #binary(BinaryOp, float[], int[], float[], int[], int[], float[])}; comparisons are Java's float
     * comparisons, so any comparison with NaN is false except NE.
     */
    public static void compare(CompareOp op, float[] a, int[] aStrides, float[] b, int[] bStrides, int[] dims, float[] out) {
        walk(dims, out.length, new int[][] {aStrides, bStrides}, (offsets, steps, o, len) -> {
            if (steps[0] == 1 && steps[1] == 0) {
                compareWithScalar(op, a, offsets[0], b[offsets[1]], out, o, len);
                return;
            }
            int ai = offsets[0];
            int bi = offsets[1];
            for (int j = 0; j < len; j++, ai += steps[0], bi += steps[1]) {
                float u = a[ai];
                float v = b[bi];
                boolean holds = switch (op) {
                    case EQ -> u == v;
                    case NE -> u != v;
                    case LT -> u < v;
                    case LE -> u <= v;
                    case GT -> u > v;
                    case GE -> u >= v;
                };
                out[o + j] = holds ? 1f : 0f;
            }
        });
    }

    /** A contiguous run compared with one value (ReLU and ELU masks), one loop per op for the JIT. */
    private static void compareWithScalar(CompareOp op, float[] a, int aOff, float v, float[] out, int o, int n) {
        switch (op) {
            case EQ -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] == v ? 1f : 0f;
                }
            }
            case NE -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] != v ? 1f : 0f;
                }
            }
            case LT -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] < v ? 1f : 0f;
                }
            }
            case LE -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] <= v ? 1f : 0f;
                }
            }
            case GT -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] > v ? 1f : 0f;
                }
            }
            case GE -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] >= v ? 1f : 0f;
                }
            }
        }
    }

    /** {@code out = mask != 0 ? a : b} with broadcasting through strides (a NaN mask element counts as true). */
    public static void where(float[] mask, int[] maskStrides, float[] a, int[] aStrides, float[] b, int[] bStrides,
                             int[] dims, float[] out) {
        walk(dims, out.length, new int[][] {maskStrides, aStrides, bStrides}, (offsets, steps, o, len) -> {
            int mi = offsets[0];
            int ai = offsets[1];
            int bi = offsets[2];
            if (steps[0] == 1 && steps[1] == 1 && steps[2] == 1) {
                for (int j = 0; j < len; j++) {
                    out[o + j] = mask[mi + j] != 0 ? a[ai + j] : b[bi + j];
                }
                return;
            }
            for (int j = 0; j < len; j++, mi += steps[0], ai += steps[1], bi += steps[2]) {
                out[o + j] = mask[mi] != 0 ? a[ai] : b[bi];
            }
        });
    }

    /**
     * {@code out[i] = f(in[i])}, each in double and rounded once, exactly as the reference backend: NEG, EXP, LOG,
     * SQRT, ABS, RELU ({@code max(v, 0)}, NaN stays NaN), TANH; except SIGMOID, {@link FloatExp#sigmoid} in float
     * (within a few ulp of the reference: the double {@link Math#exp} made it PixelSNAIL's costliest elementwise op).
     */
    public static void unary(FloatKernels k, UnaryOp op, float[] in, float[] out) {
        run(in.length, (start, end) -> {
            switch (op) {
                case NEG -> {
                    for (int i = start; i < end; i++) {
                        out[i] = (float) -(double) in[i];
                    }
                }
                case EXP -> {
                    for (int i = start; i < end; i++) {
                        out[i] = (float) Math.exp(in[i]);
                    }
                }
                case LOG -> {
                    for (int i = start; i < end; i++) {
                        out[i] = (float) Math.log(in[i]);
                    }
                }
                case SQRT -> {
                    for (int i = start; i < end; i++) {
                        out[i] = (float) Math.sqrt(in[i]);
                    }
                }
                case ABS -> {
                    for (int i = start; i < end; i++) {
                        out[i] = (float) Math.abs((double) in[i]);
                    }
                }
                case RELU -> {
                    for (int i = start; i < end; i++) {
                        // float max is exact and branch-free (NaN stays NaN, -0 becomes 0), as the reference's double max
                        out[i] = Math.max(in[i], 0f);
                    }
                }
                case SIGMOID -> k.sigmoid(in, out, start, end);
                case TANH -> {
                    for (int i = start; i < end; i++) {
                        out[i] = (float) Math.tanh(in[i]);
                    }
                }
            }
        });
    }

    /**
     * {@code out[i] = in[i] > 0 ? in[i] : alpha * expm1(in[i])} with {@link FloatExp#expm1} in float, within a few
     * ulp of the reference backend's double {@link Math#expm1}, which cost 15-30 ns per element.
     */
    public static void elu(FloatKernels k, float[] in, float alpha, float[] out) {
        run(in.length, (start, end) -> k.elu(in, alpha, out, start, end));
    }

    /** {@code out[i] = in[i] > 0 ? in[i] : slope * in[i]} in float, as the reference backend. */
    public static void leakyRelu(float[] in, float slope, float[] out) {
        run(in.length, (start, end) -> {
            for (int i = start; i < end; i++) {
                out[i] = in[i] > 0 ? in[i] : slope * in[i];
            }
        });
    }

    /** {@code out[i] = x[i] > 0 ? grad[i] : 0}: ReLU's backward pass in one read of each operand. */
    public static void reluBackward(FloatKernels k, float[] grad, float[] x, float[] out) {
        run(x.length, (start, end) -> k.reluBackward(grad, x, out, start, end));
    }

    /** {@code out[i] = x[i] > 0 ? grad[i] : grad[i] * (y[i] + alpha)}: ELU's backward pass for y = elu(x). */
    public static void eluBackward(FloatKernels k, float[] grad, float[] x, float[] y, float alpha, float[] out) {
        run(x.length, (start, end) -> k.eluBackward(grad, x, y, alpha, out, start, end));
    }

    /** {@code out[i] = min(max(in[i], lo), hi)} with {@link Math#max}/{@link Math#min} (NaN stays NaN). */
    public static void clamp(float[] in, float lo, float hi, float[] out) {
        run(in.length, (start, end) -> {
            for (int i = start; i < end; i++) {
                out[i] = Math.min(Math.max(in[i], lo), hi);
            }
        });
    }

    /**
     * Gathers a strided view into a new contiguous array: {@code out[i] = in[base + sum_k i_k * strides[k]]}
     * for every element {@code (i_0, ..., i_r-1)} of shape {@code dims} in row-major order (permute, slice,
     * expand; a stride is 0 along a broadcast axis).
     */
    public static void gatherStrided(float[] in, int base, int[] strides, int[] dims, float[] out) {
        walk(dims, out.length, new int[][] {strides}, (offsets, steps, o, len) -> {
            int from = base + offsets[0];
            if (steps[0] == 1) {
                System.arraycopy(in, from, out, o, len);
            } else {
                for (int j = 0, i = from; j < len; j++, i += steps[0]) {
                    out[o + j] = in[i];
                }
            }
        });
    }

    /**
     * Scatters a contiguous array into a strided view of {@code out}:
     * {@code out[base + sum_k i_k * strides[k]] = in[i]} for every element of shape {@code dims} (pad,
     * concat). The view must not overlap itself.
     */
    public static void scatterStrided(float[] in, int[] dims, float[] out, int base, int[] strides) {
        walk(dims, in.length, new int[][] {strides}, (offsets, steps, o, len) -> {
            int to = base + offsets[0];
            if (steps[0] == 1) {
                System.arraycopy(in, o, out, to, len);
            } else {
                for (int j = 0, i = to; j < len; j++, i += steps[0]) {
                    out[i] = in[o + j];
                }
            }
        });
    }

    /** One run of {@code len} outputs from {@code o} on: operand k starts at {@code offsets[k]} and steps {@code steps[k]}. */
    @FunctionalInterface
    private interface Segment {
        void run(int[] offsets, int[] steps, int o, int len);
    }

    /**
     * Walks the {@code n} outputs of shape {@code dims} in threaded element ranges, each range in runs along the
     * last axis, and hands every run with each operand's offset (from its per-axis strides) to {@code body}.
     */
    private static void walk(int[] shape, int n, int[][] operandStrides, Segment body) {
        int[][] strides = new int[operandStrides.length][];
        int[] dims = coalesce(shape, operandStrides, strides);
        int rank = dims.length;
        int inner = rank == 0 ? 1 : dims[rank - 1];
        int[] steps = new int[strides.length];
        for (int k = 0; k < strides.length; k++) {
            steps[k] = rank == 0 ? 0 : strides[k][rank - 1];
        }
        run(n, (start, end) -> {
            int[] offsets = new int[strides.length];
            int e = start;
            while (e < end) {
                int row = e / inner;
                int j = e - row * inner;
                int len = Math.min(inner - j, end - e);
                for (int k = 0; k < strides.length; k++) {
                    offsets[k] = j * steps[k];
                }
                for (int axis = rank - 2, rest = row; axis >= 0; axis--) {
                    int coord = rest % dims[axis];
                    rest /= dims[axis];
                    for (int k = 0; k < strides.length; k++) {
                        offsets[k] += coord * strides[k][axis];
                    }
                }
                body.run(offsets, steps, e, len);
                e += len;
            }
        });
    }

    /**
     * The same walk over fewer, longer axes: drops axes of size 1 and merges an axis into the next one when
     * every operand steps over it as one run ({@code stride[i] == stride[i + 1] * dims[i + 1]}; the output is
     * contiguous, so it always does). Fills {@code merged[k]} with operand k's strides over the returned
     * dims. A bias [1, C, 1, 1] over [N, C, H, W] becomes [N, C, H W] with runs of H W, a weight-norm scale
     * [O, 1, 1, 1] over [O, C, kh, kw] becomes [O, C kh kw].
     */
    private static int[] coalesce(int[] dims, int[][] strides, int[][] merged) {
        int[] outDims = new int[dims.length];
        int[][] out = new int[strides.length][dims.length];
        int rank = 0;
        for (int axis = 0; axis < dims.length; axis++) {
            if (dims[axis] == 1) {
                continue;
            }
            boolean joins = rank > 0;
            for (int k = 0; k < strides.length && joins; k++) {
                joins = out[k][rank - 1] == strides[k][axis] * dims[axis];
            }
            if (joins) {
                outDims[rank - 1] *= dims[axis];
                for (int k = 0; k < strides.length; k++) {
                    out[k][rank - 1] = strides[k][axis];
                }
            } else {
                outDims[rank] = dims[axis];
                for (int k = 0; k < strides.length; k++) {
                    out[k][rank] = strides[k][axis];
                }
                rank++;
            }
        }
        for (int k = 0; k < strides.length; k++) {
            merged[k] = Arrays.copyOf(out[k], rank);
        }
        return Arrays.copyOf(outDims, rank);
    }

    /** One run of a binary op; contiguous and scalar-broadcast operands get loops the JIT vectorises. */
    private static void row(BinaryOp op, float[] a, int aOff, int as, float[] b, int bOff, int bs, float[] out, int o, int n) {
        if (as == 1 && bs == 1) {
            contiguousRow(op, a, aOff, b, bOff, out, o, n);
        } else if (as == 1 && bs == 0) {
            scalarRow(op, a, aOff, b[bOff], out, o, n);
        } else {
            stridedRow(op, a, aOff, as, b, bOff, bs, out, o, n);
        }
    }

    private static void contiguousRow(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int o, int n) {
        switch (op) {
            case ADD -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] + b[bOff + j];
                }
            }
            case SUB -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] - b[bOff + j];
                }
            }
            case MUL -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] * b[bOff + j];
                }
            }
            case DIV -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] / b[bOff + j];
                }
            }
            case MAX -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = Math.max(a[aOff + j], b[bOff + j]);
                }
            }
            case MIN -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = Math.min(a[aOff + j], b[bOff + j]);
                }
            }
        }
    }

    private static void scalarRow(BinaryOp op, float[] a, int aOff, float v, float[] out, int o, int n) {
        switch (op) {
            case ADD -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] + v;
                }
            }
            case SUB -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] - v;
                }
            }
            case MUL -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] * v;
                }
            }
            case DIV -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j] / v;
                }
            }
            case MAX -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = Math.max(a[aOff + j], v);
                }
            }
            case MIN -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = Math.min(a[aOff + j], v);
                }
            }
        }
    }

    private static void stridedRow(BinaryOp op, float[] a, int aOff, int as, float[] b, int bOff, int bs, float[] out, int o, int n) {
        switch (op) {
            case ADD -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j * as] + b[bOff + j * bs];
                }
            }
            case SUB -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j * as] - b[bOff + j * bs];
                }
            }
            case MUL -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j * as] * b[bOff + j * bs];
                }
            }
            case DIV -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = a[aOff + j * as] / b[bOff + j * bs];
                }
            }
            case MAX -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = Math.max(a[aOff + j * as], b[bOff + j * bs]);
                }
            }
            case MIN -> {
                for (int j = 0; j < n; j++) {
                    out[o + j] = Math.min(a[aOff + j * as], b[bOff + j * bs]);
                }
            }
        }
    }

    /**
     * One Adam step in place on {@code param}, {@code m}, {@code v}, per element in double:
     * {@code g = grad (+ weightDecay * param unless decoupled)}; {@code m = beta1 m + (1 - beta1) g};
     * {@code v = beta2 v + (1 - beta2) g^2};
     * {@code param = param (- lr * weightDecay * param when decoupled) - lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)}.
     */
    public static void adam(float[] param, float[] grad, float[] m, float[] v, AdamParams p) {
        double lr = p.learningRate();
        double beta1 = p.beta1();
        double beta2 = p.beta2();
        double decay = p.weightDecay();
        double eps = p.epsilon();
        boolean decoupled = p.decoupled();
        double correction1 = 1 - Math.pow(beta1, p.step());
        double correction2 = 1 - Math.pow(beta2, p.step());
        run(param.length, (start, end) -> {
            for (int i = start; i < end; i++) {
                double gi = decoupled ? grad[i] : grad[i] + decay * param[i];
                double mi = beta1 * m[i] + (1 - beta1) * gi;
                double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
                double update = lr * (mi / correction1) / (Math.sqrt(vi / correction2) + eps);
                double decayed = decoupled ? param[i] - lr * decay * param[i] : param[i];
                param[i] = (float) (decayed - update);
                m[i] = (float) mi;
                v[i] = (float) vi;
            }
        });
    }

    private static void run(int n, ParallelFor.RangeBody body) {
        if (n < PARALLEL_ELEMENTS) {
            body.run(0, n);
        } else {
            int chunks = (n + PARALLEL_ELEMENTS - 1) / PARALLEL_ELEMENTS;
            ParallelFor.range(chunks, (c0, c1) -> body.run(c0 * PARALLEL_ELEMENTS, Math.min(n, c1 * PARALLEL_ELEMENTS)));
        }
    }
}
