package dev.unmask.backend.cpu.kernels;

import dev.unmask.ops.AdamParams;
import dev.unmask.ops.BinaryOp;

/**
 * Memory-bound elementwise kernels, threaded over contiguous chunks: binary ops on same-shape operands
 * (plain counted loops that C2 vectorises) and the Adam step. Each computes exactly what the reference
 * backend computes per element, so results are identical, only faster.
 */
public final class Elementwise {
    /** Below this many elements one thread is faster than a hand-off to the pool. */
    private static final int PARALLEL_ELEMENTS = 1 << 15;

    private Elementwise() {
    }

    /** {@code out[i] = a[i] op b[i]}; MAX and MIN follow {@link Math#max}/{@link Math#min} (NaN wins). */
    public static void binary(BinaryOp op, float[] a, float[] b, float[] out) {
        run(out.length, (start, end) -> {
            switch (op) {
                case ADD -> {
                    for (int i = start; i < end; i++) {
                        out[i] = a[i] + b[i];
                    }
                }
                case SUB -> {
                    for (int i = start; i < end; i++) {
                        out[i] = a[i] - b[i];
                    }
                }
                case MUL -> {
                    for (int i = start; i < end; i++) {
                        out[i] = a[i] * b[i];
                    }
                }
                case DIV -> {
                    for (int i = start; i < end; i++) {
                        out[i] = a[i] / b[i];
                    }
                }
                case MAX -> {
                    for (int i = start; i < end; i++) {
                        out[i] = Math.max(a[i], b[i]);
                    }
                }
                case MIN -> {
                    for (int i = start; i < end; i++) {
                        out[i] = Math.min(a[i], b[i]);
                    }
                }
            }
        });
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
