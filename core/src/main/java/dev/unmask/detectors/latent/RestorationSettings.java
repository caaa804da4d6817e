package dev.unmask.detectors.latent;

/**
 * Parameters of restoration and of the pixel score (DESIGN section 6); {@link #DEFAULTS} are those of
 * Marimont and Tarroni.
 *
 * @param copies          n, restored copies per image, at least 1
 * @param temperature     T of the resampling distribution {@code softmax(logits / T)}, finite and positive
 * @param weightSharpness k of the copy weights {@code softmax_j(k / mean(r_j))}, finite and positive
 * @param minKernel       odd size of the min pool of the score map
 * @param avgKernel       odd size of the average pool of the score map
 * @param seed            base of the counter-based random stream keyed by (seed, image, copy, position)
 */
public record RestorationSettings(int copies, double temperature, double weightSharpness, int minKernel,
                                  int avgKernel, long seed) {
    /** n = 15, T = 1, k = 3, 3x3 min pool, 7x7 average pool, seed 0. */
    public static final RestorationSettings DEFAULTS = new RestorationSettings(15, 1, 3, 3, 7, 0);

    public RestorationSettings {
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be at least 1, got " + copies);
        }
        if (!(temperature > 0 && Double.isFinite(temperature))) {
            throw new IllegalArgumentException("temperature must be finite and positive, got " + temperature);
        }
        if (!(weightSharpness > 0 && Double.isFinite(weightSharpness))) {
            throw new IllegalArgumentException("weightSharpness must be finite and positive, got " + weightSharpness);
        }
        if (minKernel < 1 || minKernel % 2 == 0 || avgKernel < 1 || avgKernel % 2 == 0) {
            throw new IllegalArgumentException("pool kernels must be odd and positive, got " + minKernel + " and " + avgKernel);
        }
    }

    public RestorationSettings withCopies(int value) {
        return new RestorationSettings(value, temperature, weightSharpness, minKernel, avgKernel, seed);
    }

    public RestorationSettings withTemperature(double value) {
        return new RestorationSettings(copies, value, weightSharpness, minKernel, avgKernel, seed);
    }

    public RestorationSettings withWeightSharpness(double value) {
        return new RestorationSettings(copies, temperature, value, minKernel, avgKernel, seed);
    }

    public RestorationSettings withPoolKernels(int min, int avg) {
        return new RestorationSettings(copies, temperature, weightSharpness, min, avg, seed);
    }

    public RestorationSettings withSeed(long value) {
        return new RestorationSettings(copies, temperature, weightSharpness, minKernel, avgKernel, value);
    }
}
