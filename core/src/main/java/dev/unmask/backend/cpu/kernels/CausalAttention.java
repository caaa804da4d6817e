package dev.unmask.backend.cpu.kernels;

import java.util.Arrays;

/**
 * Fused multi-head causal attention over [B, H, L, D] arrays, threaded over the B * H heads. Query row i
 * sees keys j &lt; i; row 0 sees none and gets a zero output and a zero log-sum-exp. The forward pass walks
 * the keys of a row in tiles with an online softmax (running maximum and denominator, rescaled when the
 * maximum grows), so memory is O(L * D) per head and never O(L^2); tiles at or beyond the row are never
 * visited. Keys and values are held transposed ([D, L]) so that every inner loop runs over keys, which
 * is where the vector lanes are.
 */
public final class CausalAttention {
    /** Keys per tile: 4 KiB of scores, well inside L1 next to the transposed keys being read. */
    private static final int TILE = 1024;

    private CausalAttention() {
    }

    /**
     * Forward pass. Writes {@code out} [B, H, L, dv] and {@code logSumExp} [B, H, L] (both fully
     * overwritten): {@code out_i = sum_{j<i} p_ij v_j}, {@code p_ij = exp(s_ij - logSumExp_i)},
     * {@code s_ij = scale * q_i . k_j}.
     */
    public static void forward(FloatKernels k, int heads, int length, int dk, int dv, float[] q, float[] key,
                               float[] value, float scale, float[] out, float[] logSumExp) {
        ParallelFor.range(heads, (start, end) -> {
            float[] kT = new float[dk * length];
            float[] vT = new float[dv * length];
            float[] s = new float[Math.min(TILE, Math.max(1, length))];
            float[] acc = new float[dv];
            float[] tileSums = new float[dv];
            for (int bh = start; bh < end; bh++) {
                int qBase = bh * length * dk;
                int vBase = bh * length * dv;
                transpose(key, qBase, length, dk, kT);
                transpose(value, vBase, length, dv, vT);
                Arrays.fill(out, vBase, vBase + dv, 0f);
                logSumExp[bh * length] = 0f;
                for (int i = 1; i < length; i++) {
                    float m = Float.NEGATIVE_INFINITY;
                    float l = 0f;
                    Arrays.fill(acc, 0f);
                    for (int j0 = 0; j0 < i; j0 += TILE) {
                        int len = Math.min(TILE, i - j0);
                        float mNew = Math.max(m, k.scores(q, qBase + i * dk, dk, scale, kT, length, j0, len, s));
                        float correction = (float) Math.exp(m - mNew);
                        l = l * correction + k.expShiftSum(s, 0, len, mNew);
                        k.weightedSums(s, len, vT, length, j0, dv, tileSums, 0);
                        for (int d = 0; d < dv; d++) {
                            acc[d] = acc[d] * correction + tileSums[d];
                        }
                        m = mNew;
                    }
                    int o = vBase + i * dv;
                    for (int d = 0; d < dv; d++) {
                        out[o + d] = acc[d] / l;
                    }
                    logSumExp[bh * length + i] = m + (float) Math.log(l);
                }
            }
        });
    }

    /**
     * Backward pass from the forward's output and log-sum-exp. Writes {@code gradQ}, {@code gradK},
     * {@code gradV} (fully overwritten), with {@code ds_ij = p_ij (dO_i . v_j - dO_i . out_i)}:
     * {@code dQ_i = scale sum_j ds_ij k_j}, {@code dK_j = scale sum_i ds_ij q_i}, {@code dV_j = sum_i p_ij dO_i}.
     */
    public static void backward(FloatKernels k, int heads, int length, int dk, int dv, float[] q, float[] key,
                                float[] value, float scale, float[] out, float[] logSumExp, float[] gradOut,
                                float[] gradQ, float[] gradK, float[] gradV) {
        ParallelFor.range(heads, (start, end) -> {
            float[] kT = new float[dk * length];
            float[] vT = new float[dv * length];
            float[] dKT = new float[dk * length];
            float[] dVT = new float[dv * length];
            int tile = Math.min(TILE, Math.max(1, length));
            float[] p = new float[tile];
            float[] ds = new float[tile];
            for (int bh = start; bh < end; bh++) {
                int qBase = bh * length * dk;
                int vBase = bh * length * dv;
                transpose(key, qBase, length, dk, kT);
                transpose(value, vBase, length, dv, vT);
                Arrays.fill(dKT, 0f);
                Arrays.fill(dVT, 0f);
                Arrays.fill(gradQ, qBase, qBase + dk, 0f);
                for (int i = 1; i < length; i++) {
                    int o = vBase + i * dv;
                    float rowDot = k.dot(gradOut, o, out, o, dv);
                    float lse = logSumExp[bh * length + i];
                    int qi = qBase + i * dk;
                    Arrays.fill(gradQ, qi, qi + dk, 0f);
                    for (int j0 = 0; j0 < i; j0 += TILE) {
                        int len = Math.min(TILE, i - j0);
                        k.scores(q, qi, dk, scale, kT, length, j0, len, p);
                        k.expShiftSum(p, 0, len, lse);
                        Arrays.fill(ds, 0, len, 0f);
                        for (int d = 0; d < dv; d++) {
                            float g = gradOut[o + d];
                            k.axpy(g, vT, d * length + j0, ds, 0, len);
                            k.axpy(g, p, 0, dVT, d * length + j0, len);
                        }
                        for (int j = 0; j < len; j++) {
                            ds[j] = p[j] * (ds[j] - rowDot) * scale;
                        }
                        for (int d = 0; d < dk; d++) {
                            gradQ[qi + d] += k.dot(ds, 0, kT, d * length + j0, len);
                            k.axpy(q[qi + d], ds, 0, dKT, d * length + j0, len);
                        }
                    }
                }
                transposeBack(dKT, length, dk, gradK, qBase);
                transposeBack(dVT, length, dv, gradV, vBase);
            }
        });
    }

    /** {@code t[d * length + j] = x[base + j * dim + d]}. */
    private static void transpose(float[] x, int base, int length, int dim, float[] t) {
        for (int j = 0; j < length; j++) {
            for (int d = 0; d < dim; d++) {
                t[d * length + j] = x[base + j * dim + d];
            }
        }
    }

    /** {@code x[base + j * dim + d] = t[d * length + j]}. */
    private static void transposeBack(float[] t, int length, int dim, float[] x, int base) {
        for (int j = 0; j < length; j++) {
            for (int d = 0; d < dim; d++) {
                x[base + j * dim + d] = t[d * length + j];
            }
        }
    }
}
