package dev.unmask.examples.cli;

/**
 * Counts of real and fake scores in equal-width bins over {@code [low, high]}, the range of all scores and
 * the decision threshold (so that the threshold always lies on the plot); {@code high = low + 1} when they
 * are all equal. Bin i covers {@code [low + i w, low + (i + 1) w)} with {@code w = (high - low) / bins}; the
 * last bin also holds {@code high}.
 *
 * @param low        left edge of bin 0
 * @param high       right edge of the last bin
 * @param threshold  the decision threshold, inside [low, high]
 * @param realCounts scores labelled real in each bin
 * @param fakeCounts scores labelled fake in each bin
 */
record ScoreHistogram(double low, double high, double threshold, int[] realCounts, int[] fakeCounts) {

    /** The histogram of {@code scores} (finite, labels {@code true} = fake, equal length n >= 1) in {@code bins} bins. */
    static ScoreHistogram of(double[] scores, boolean[] labels, double threshold, int bins) {
        if (scores.length == 0 || scores.length != labels.length || bins < 1 || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("a histogram needs n >= 1 scores with as many labels, bins >= 1 and a "
                    + "finite threshold, got " + scores.length + " scores, " + labels.length + " labels, " + bins
                    + " bins, threshold " + threshold);
        }
        double low = threshold;
        double high = threshold;
        for (double s : scores) {
            if (!Double.isFinite(s)) {
                throw new IllegalArgumentException("score " + s + " is not finite");
            }
            low = Math.min(low, s);
            high = Math.max(high, s);
        }
        if (high == low) {
            high = low + 1;
        }
        int[] real = new int[bins];
        int[] fake = new int[bins];
        for (int i = 0; i < scores.length; i++) {
            int bin = (int) Math.min(bins - 1, Math.floor((scores[i] - low) / (high - low) * bins));
            (labels[i] ? fake : real)[bin]++;
        }
        return new ScoreHistogram(low, high, threshold, real, fake);
    }

    int bins() {
        return realCounts.length;
    }
}
