package dev.unmask.detectors.latent;

import dev.unmask.metrics.Percentile;

/**
 * The two per-latent NLL thresholds of latent-restoration scoring (Marimont and Tarroni): latents with an
 * NLL above {@code lambdaS} count towards the {@link SampleScore}; latents above {@code lambdaP} are
 * resampled by restoration ({@link RestorationScorer}). {@code +Infinity} switches either off.
 *
 * @param lambdaS sample-score threshold, not NaN
 * @param lambdaP restoration threshold, not NaN
 */
public record LatentThresholds(double lambdaS, double lambdaP) {
    /** Default percentile of held-out real per-latent NLL for {@code lambdaS}. */
    public static final double SAMPLE_PERCENT = 98;
    /** Default percentile of held-out real per-latent NLL for {@code lambdaP}. */
    public static final double RESTORATION_PERCENT = 90;

    public LatentThresholds {
        if (Double.isNaN(lambdaS) || Double.isNaN(lambdaP)) {
            throw new IllegalArgumentException("lambdaS and lambdaP must not be NaN, got " + lambdaS + ", " + lambdaP);
        }
    }

    /** {@link #fromNll(double[], double, double)} with the default 98th and 90th percentiles. */
    public static LatentThresholds fromNll(double[] realNll) {
        return fromNll(realNll, SAMPLE_PERCENT, RESTORATION_PERCENT);
    }

    /**
     * Calibration on held-out real images: {@code lambdaS} and {@code lambdaP} are the given percentiles
     * ({@link Percentile}, numpy's linear method) of all their per-latent NLL values (e.g. from
     * {@link LatentNll#of}, concatenated over batches; not modified).
     */
    public static LatentThresholds fromNll(double[] realNll, double samplePercent, double restorationPercent) {
        return new LatentThresholds(Percentile.of(realNll, samplePercent), Percentile.of(realNll, restorationPercent));
    }
}
