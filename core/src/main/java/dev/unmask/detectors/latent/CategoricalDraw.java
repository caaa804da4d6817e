package dev.unmask.detectors.latent;

import dev.unmask.random.Seeds;

import java.util.Arrays;

/**
 * The per-latent arithmetic shared by every scorer and both restoration schedules, so that they agree to
 * the last bit: the NLL of a code under a row of logits, and counter-based categorical draws.
 *
 * <p>Logits are read from a flat F32 array in the layout [rows, K, h, w]: the K logits of one position
 * start at {@code offset} and lie {@code stride = h * w} apart. All arithmetic is in double.
 */
final class CategoricalDraw {
    /** 2^-53: turns the top 53 bits of a 64-bit word into a double in [0, 1). */
    private static final double UNIT = 0x1.0p-53;

    private CategoricalDraw() {
    }

    /** {@code -log softmax(l)[code] = log sum_k exp(l_k - m) + m - l_code}, with {@code m = max_k l_k}. */
    static double nll(float[] logits, int offset, int classes, int stride, int code) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, logits[offset + k * stride]);
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(logits[offset + k * stride] - max);
        }
        return Math.log(sum) + max - logits[offset + code * stride];
    }

    /**
     * {@link #nll} of every position of one grid, {@code out[outOffset + i]} for the code {@code codes[codeOffset + i]}
     * at position i: the same arithmetic in the same order per position, with the positions in the inner loops
     * (the logits of one class are contiguous; a sample score's pass reads 2M of them).
     *
     * @param grid offset of the grid's [K, h, w] logits
     */
    static void nllOfGrid(float[] logits, int grid, int classes, int positions, int[] codes, int codeOffset,
                          double[] out, int outOffset) {
        double[] max = new double[positions];
        double[] sum = new double[positions];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int k = 0; k < classes; k++) {
            for (int i = 0, at = grid + k * positions; i < positions; i++) {
                max[i] = Math.max(max[i], logits[at + i]);
            }
        }
        for (int k = 0; k < classes; k++) {
            for (int i = 0, at = grid + k * positions; i < positions; i++) {
                sum[i] += Math.exp(logits[at + i] - max[i]);
            }
        }
        for (int i = 0; i < positions; i++) {
            out[outOffset + i] = Math.log(sum[i]) + max[i] - logits[grid + codes[codeOffset + i] * positions + i];
        }
    }

    /**
     * A uniform double in [0, 1) that depends only on its key: the top 53 bits of
     * {@link Seeds#derive}{@code (seed, image, copy, position)}.
     */
    static double uniform(long seed, long image, int copy, int position) {
        return (Seeds.derive(seed, image, copy, position) >>> 11) * UNIT;
    }

    /**
     * Inverse-CDF draw from {@code softmax(l / temperature)}: with {@code e_k = exp((l_k - m) / T)} and
     * {@code S = sum e_k}, the first k whose running sum exceeds {@code u S}. Rounding can leave the running
     * sum short of {@code u S} at the end; then the last code with {@code e_k > 0} is returned.
     *
     * @param u in [0, 1)
     */
    static int sample(float[] logits, int offset, int classes, int stride, double temperature, double u) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, logits[offset + k * stride]);
        }
        double[] weights = new double[classes];
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            weights[k] = Math.exp((logits[offset + k * stride] - max) / temperature);
            sum += weights[k];
        }
        double target = u * sum;
        double running = 0;
        int lastPositive = 0;
        for (int k = 0; k < classes; k++) {
            running += weights[k];
            if (running > target) {
                return k;
            }
            if (weights[k] > 0) {
                lastPositive = k;
            }
        }
        return lastPositive;
    }

    /**
     * A key for an image derived from its code grid, so that an image gets the same random stream wherever
     * it sits in a batch: {@link Seeds#derive} over the length and the codes {@code codes[from, from + length)}.
     */
    static long contentKey(int[] codes, int from, int length) {
        long[] keys = new long[length];
        for (int i = 0; i < length; i++) {
            keys[i] = codes[from + i];
        }
        return Seeds.derive(length, keys);
    }
}
