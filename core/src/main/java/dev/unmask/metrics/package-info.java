/**
 * Evaluation metrics and decision thresholds for binary detectors, on plain {@code double[]} and
 * {@code float[]} arrays (no tensors).
 *
 * <h2>Conventions shared by every class here</h2>
 * <ul>
 *   <li>A label {@code true} is the positive class: fake, manipulated, anomalous. {@code false} is real.</li>
 *   <li>A higher score means "more likely fake". At a threshold {@code t} a sample is predicted positive
 *       iff {@code score >= t} (the same rule as scikit-learn's curve thresholds).</li>
 *   <li>Scores and labels are parallel arrays of equal, non-zero length. Scores must be finite
 *       (NaN and infinities are rejected, as scikit-learn's {@code assert_all_finite} does); the
 *       caller's arrays are never modified.</li>
 *   <li>Ranking metrics (ROC curve, AUROC, EER) need at least one positive and one negative; AP, the
 *       precision-recall curve, F1-max and best Dice need at least one positive. Called with fewer, they
 *       throw {@link java.lang.IllegalArgumentException}. {@link dev.unmask.metrics.MetricsReport}, which
 *       summarises subsets that may be single-class, reports such undefined values as NaN instead.</li>
 *   <li>Metrics at a fixed threshold (precision, recall, accuracy, F1, Dice) use scikit-learn's
 *       {@code zero_division=0}: a ratio whose denominator is zero is reported as 0.</li>
 *   <li>Pixel-level metrics pool all pixels of all maps into one set of (score, label) pairs, as
 *       anomaly-detection benchmarks (MOOD, anomalib) do; AUPRO ({@link dev.unmask.metrics.PerRegionOverlap})
 *       pools the normal pixels likewise but weighs every anomalous region the same.</li>
 * </ul>
 *
 * <p>Entry points: {@link dev.unmask.metrics.BinaryMetrics} and {@link dev.unmask.metrics.PixelMetrics}
 * (one-call metrics), {@link dev.unmask.metrics.PerRegionOverlap} (PRO curve, AUPRO),
 * {@link dev.unmask.metrics.ThresholdSweep} (sort once, derive every curve metric),
 * {@link dev.unmask.metrics.ConfusionCounts} (metrics at a threshold),
 * {@link dev.unmask.metrics.MetricsReport} (summary tables, per group), {@link dev.unmask.metrics.VideoScores}
 * (per-video aggregation), {@link dev.unmask.metrics.DecisionThreshold}, {@link dev.unmask.metrics.Percentile}
 * and {@link dev.unmask.metrics.ScoreNormaliser}.
 */
package dev.unmask.metrics;
