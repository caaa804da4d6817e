package dev.unmask.detectors.latent;

import dev.unmask.detectors.FamilyOptions;

/**
 * Latent restoration's per-call overrides of the calibrated NLL thresholds.
 *
 * @param lambdaS sample-score NLL threshold, or null for the calibrated one; the normalised score and verdict
 *                still use the calibrated decision threshold, which was fitted to scores at the calibrated lambdaS
 * @param lambdaP restoration NLL threshold, or null for the calibrated one
 */
public record LatentOptions(Double lambdaS, Double lambdaP) implements FamilyOptions {
    public static final LatentOptions CALIBRATED = new LatentOptions(null, null);

    public LatentOptions {
        if ((lambdaS != null && lambdaS.isNaN()) || (lambdaP != null && lambdaP.isNaN())) {
            throw new IllegalArgumentException("lambdaS and lambdaP must not be NaN");
        }
    }
}
