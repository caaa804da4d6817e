package dev.unmask.metrics;

/**
 * The equal error rate {@code rate} (where FPR = FNR on the linearly interpolated ROC curve) and the
 * highest threshold at which {@code FPR >= FNR}; see {@link ThresholdSweep#equalErrorRate()}.
 */
public record EqualErrorRate(double rate, double threshold) {
}
