package dev.unmask.train;

import dev.unmask.random.Seeds;

import java.util.Arrays;

/**
 * A seeded split of {@code n} samples into training, validation and test parts (the studies' 70 / 15 / 15 by
 * default): the indices of a permutation seeded by {@code seed}, cut in that order, each part sorted.
 *
 * @param train      indices of the training part
 * @param validation indices of the validation part (thresholds are chosen on it)
 * @param test       indices of the test part
 */
public record DataSplit(int[] train, int[] validation, int[] test) {
    public static final double DEFAULT_TRAIN = 0.70;
    public static final double DEFAULT_VALIDATION = 0.15;

    /**
     * Splits {@code n} samples: round(n * trainShare) for training (at least 1), round(n * validationShare) for
     * validation (at least 1), the rest for the test part (possibly empty).
     *
     * @throws IllegalArgumentException when the shares are not in (0, 1) with a sum at most 1, or n is too small
     *     for a training and a validation sample
     */
    public static DataSplit of(int n, double trainShare, double validationShare, long seed) {
        if (!(trainShare > 0 && validationShare > 0 && trainShare + validationShare <= 1)) {
            throw new IllegalArgumentException("shares must be positive with a sum of at most 1, got " + trainShare
                    + " and " + validationShare);
        }
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 samples to split into training and validation, got " + n);
        }
        int trainCount = Math.max(1, (int) Math.round(n * trainShare));
        int validationCount = Math.max(1, (int) Math.round(n * validationShare));
        if (trainCount + validationCount > n) {
            trainCount = n - validationCount;
        }
        int[] order = Seeds.permutation(n, seed);
        int[] train = Arrays.copyOfRange(order, 0, trainCount);
        int[] validation = Arrays.copyOfRange(order, trainCount, trainCount + validationCount);
        int[] test = Arrays.copyOfRange(order, trainCount + validationCount, n);
        Arrays.sort(train);
        Arrays.sort(validation);
        Arrays.sort(test);
        return new DataSplit(train, validation, test);
    }

    /** The default 70 / 15 / 15 split. */
    public static DataSplit of(int n, long seed) {
        return of(n, DEFAULT_TRAIN, DEFAULT_VALIDATION, seed);
    }

    /** The samples at {@code indices} of {@code data} ({@code per} values each), in index order. */
    public static float[] select(float[] data, int per, int[] indices) {
        float[] out = new float[Math.multiplyExact(indices.length, per)];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(data, Math.multiplyExact(indices[i], per), out, i * per, per);
        }
        return out;
    }
}
