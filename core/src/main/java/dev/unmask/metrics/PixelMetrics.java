package dev.unmask.metrics;

import java.util.List;

/**
 * Pixel-level (localisation) metrics. {@code maps.get(m)} is the flattened score map of image m (any
 * shape, e.g. H*W row-major; higher = more likely manipulated) and {@code masks.get(m)} its ground-truth
 * mask of the same length ({@code true} = manipulated pixel). All pixels of all images are pooled into
 * one set before any metric is computed, so large images weigh more than small ones and an image without
 * manipulated pixels still contributes its negatives. Conventions are those of the package
 * {@link dev.unmask.metrics}.
 */
public final class PixelMetrics {
    private PixelMetrics() {
    }

    /** Pixel AUROC over the pooled pixels; see {@link ThresholdSweep#auroc()}. */
    public static double auroc(List<float[]> maps, List<boolean[]> masks) {
        return ThresholdSweep.ofMaps(maps, masks).auroc();
    }

    /** Pixel average precision over the pooled pixels; see {@link ThresholdSweep#averagePrecision()}. */
    public static double averagePrecision(List<float[]> maps, List<boolean[]> masks) {
        return ThresholdSweep.ofMaps(maps, masks).averagePrecision();
    }

    /**
     * The best pooled Dice {@code 2 |P ∩ M| / (|P| + |M|)} over all thresholds, P the pixels with
     * {@code score >= t} and M the mask, with the highest threshold attaining it (MOOD's "best possible
     * Dice"). Dice is F1 on pixels, so this is {@link ThresholdSweep#f1Max()} of the pixel sweep.
     *
     * @throws IllegalArgumentException if no mask has a positive pixel
     */
    public static BestF1 bestDice(List<float[]> maps, List<boolean[]> masks) {
        return ThresholdSweep.ofMaps(maps, masks).f1Max();
    }

    /** Pooled Dice at {@code threshold}, 0 when both the prediction and the masks are empty. */
    public static double diceAt(List<float[]> maps, List<boolean[]> masks, double threshold) {
        return ConfusionCounts.atMaps(maps, masks, threshold).f1();
    }
}
