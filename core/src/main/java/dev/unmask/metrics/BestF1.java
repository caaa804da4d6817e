package dev.unmask.metrics;

/**
 * The best F1 (or Dice, the same formula) over all thresholds and the highest threshold attaining it;
 * predictions are {@code score >= threshold}. See {@link ThresholdSweep#f1Max()}.
 */
public record BestF1(double f1, double threshold) {
}
