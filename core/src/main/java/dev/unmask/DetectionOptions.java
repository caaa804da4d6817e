package dev.unmask;

/**
 * Per-call choices of a {@link Detector}. {@link #DEFAULTS}: no heat-map, the bundle's calibrated lambdas,
 * restoration seed 0.
 *
 * @param heatMap whether to run restoration and return the pixel score map (about {@code h * w} prior passes
 *                over 15 copies per image: far more expensive than the score alone)
 * @param lambdaS sample-score NLL threshold, or null for the calibrated one; the normalised score and verdict
 *                still use the calibrated decision threshold, which was fitted to scores at the calibrated lambdaS
 * @param lambdaP restoration NLL threshold, or null for the calibrated one
 * @param seed    base of the restoration's random stream
 */
public record DetectionOptions(boolean heatMap, Double lambdaS, Double lambdaP, long seed) {
    public static final DetectionOptions DEFAULTS = new DetectionOptions(false, null, null, 0);

    public DetectionOptions {
        if ((lambdaS != null && lambdaS.isNaN()) || (lambdaP != null && lambdaP.isNaN())) {
            throw new IllegalArgumentException("lambdaS and lambdaP must not be NaN");
        }
    }

    public DetectionOptions withHeatMap(boolean value) {
        return new DetectionOptions(value, lambdaS, lambdaP, seed);
    }

    public DetectionOptions withLambdaS(Double value) {
        return new DetectionOptions(heatMap, value, lambdaP, seed);
    }

    public DetectionOptions withLambdaP(Double value) {
        return new DetectionOptions(heatMap, lambdaS, value, seed);
    }

    public DetectionOptions withSeed(long value) {
        return new DetectionOptions(heatMap, lambdaS, lambdaP, value);
    }
}
