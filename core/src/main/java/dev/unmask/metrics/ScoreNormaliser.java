package dev.unmask.metrics;

/**
 * Maps raw scores to [0, 1] with the decision threshold at exactly 0.5, for reporting. The map is
 * piecewise linear through {@code (low, 0)}, {@code (threshold, 0.5)} and {@code (high, 1)}, clamped
 * outside {@code [low, high]}:
 * <pre>
 *   s &lt; threshold:   0.5 (s - low) / (threshold - low), at least 0
 *   s &gt;= threshold:  0.5 + 0.5 (s - threshold) / (high - threshold), at most 1
 * </pre>
 * where {@link #fit} takes {@code low} and {@code high} as the minimum and maximum of the calibration scores
 * and of the threshold. A zero-width side maps everything beyond the threshold to 0 (below) or 1 (above).
 * The map is non-decreasing and keeps every decision: {@code normalise(s) >= 0.5} iff
 * {@code s >= threshold}, also under rounding.
 *
 * @param low       score mapped to 0, at most {@code threshold}
 * @param threshold score mapped to 0.5
 * @param high      score mapped to 1, at least {@code threshold}
 */
public record ScoreNormaliser(double low, double threshold, double high) {

    public ScoreNormaliser {
        MetricChecks.requireFinite("low", low);
        MetricChecks.requireFinite("threshold", threshold);
        MetricChecks.requireFinite("high", high);
        if (!(low <= threshold && threshold <= high)) {
            throw new IllegalArgumentException("need low <= threshold <= high, got " + low + ", " + threshold + ", " + high);
        }
    }

    /**
     * Fits the map to calibration scores (non-empty, finite; typically the held-out scores the threshold was
     * chosen on): {@code low = min(min(scores), threshold)}, {@code high = max(max(scores), threshold)}.
     */
    public static ScoreNormaliser fit(double[] calibrationScores, double threshold) {
        MetricChecks.requireNonEmpty("calibrationScores", calibrationScores);
        MetricChecks.requireFinite("calibrationScores", calibrationScores);
        MetricChecks.requireFinite("threshold", threshold);
        double low = threshold;
        double high = threshold;
        for (double s : calibrationScores) {
            low = Math.min(low, s);
            high = Math.max(high, s);
        }
        return new ScoreNormaliser(low, threshold, high);
    }

    /** The normalised score in [0, 1] of a finite or infinite {@code score} (not NaN). */
    public double normalise(double score) {
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("score is NaN");
        }
        if (score >= threshold) {
            if (high == threshold) {
                return score == threshold ? 0.5 : 1;
            }
            return Math.min(1, 0.5 + 0.5 * ((score - threshold) / (high - threshold)));
        }
        if (low == threshold) {
            return 0;
        }
        double v = Math.max(0, 0.5 * ((score - low) / (threshold - low)));
        // score - low can round up to threshold - low for a score just below the threshold
        return v < 0.5 ? v : Math.nextDown(0.5);
    }

    /** {@link #normalise(double)} of each score into a new array of the same length. */
    public double[] normalise(double[] scores) {
        if (scores == null) {
            throw new IllegalArgumentException("scores is null");
        }
        double[] out = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = normalise(scores[i]);
        }
        return out;
    }
}
