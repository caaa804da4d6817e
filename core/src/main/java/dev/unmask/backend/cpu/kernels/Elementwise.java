package dev.unmask.backend.cpu.kernels;

import dev.unmask.ops.AdamParams;
import dev.unmask.ops.BinaryOp;

/**
 * Memory-bound elementwise kernels, threaded over contiguous chunks: binary ops with broadcasting (read
 * through strides, no index arrays) and the Adam step. Each computes exactly what the reference
 * backend computes per element, so results are identical, only faster.
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
        int rank = dims.length;
        int inner = rank == 0 ? 1 : dims[rank - 1];
        int as = rank == 0 ? 0 : aStrides[rank - 1];
        int bs = rank == 0 ? 0 : bStrides[rank - 1];
        run(out.length, (start, end) -> {
            int e = start;
            while (e < end) {
                int row = e / inner;
                int j = e - row * inner;
                int len = Math.min(inner - j, end - e);
                int aOff = j * as;
                int bOff = j * bs;
                for (int axis = rank - 2, rest = row; axis >= 0; axis--) {
                    int coord = rest % dims[axis];
                    rest /= dims[axis];
                    aOff += coord * aStrides[axis];
                    bOff += coord * bStrides[axis];
                }
                row(op, a, aOff, as, b, bOff, bs, out, e, len);
                e += len;
            }
        });
    }

    private static void row(BinaryOp op, float[] a, int aOff, int as, float[] b, int bOff, int bs, float[] out, int o, int n) {
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
