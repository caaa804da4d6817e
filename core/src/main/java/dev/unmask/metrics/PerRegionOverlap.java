package dev.unmask.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * The per-region overlap (PRO) curve of a set of score maps and its normalised area up to a false-positive
 * rate limit, AUPRO: the localisation metric of MVTec AD (Bergmann et al.) that anomalib reports.
 *
 * <p><b>Definition.</b> The regions are the 8-connected components (pixels touching at an edge or a corner,
 * as OpenCV's {@code connectedComponents} and anomalib label them) of every image's mask, counted over all
 * images: K regions R_1..R_K. For a threshold t (a pixel is predicted anomalous iff {@code score >= t}):
 * <pre>
 *   FPR(t) = #{normal pixels with score >= t} / #{normal pixels}        (all images pooled)
 *   PRO(t) = (1 / K) sum_k #{pixels of R_k with score >= t} / |R_k|      (every region weighs the same)
 * </pre>
 * The curve has one point per distinct score, thresholds descending (ties form one step, as in
 * {@link ThresholdSweep}), after the point (0, 0) at {@code +Infinity}; it is piecewise linear between them.
 * {@code AUPRO(L) = (1 / L) * integral_0^L PRO d FPR}: trapezoids up to the last point with FPR {@literal <=} L, then
 * the segment that crosses L cut at L, the PRO there interpolated linearly, as anomalib does. An image whose
 * mask is empty contributes normal pixels only.
 *
 * <p><b>Against anomalib.</b> anomalib computes one ROC curve per region (over the normal pixels and that
 * region), resamples each onto a common grid of curve indices and averages the resampled points. That cuts
 * corners of the curve, and where no point of a region's curve lies in (0, L] it takes the first point beyond
 * L instead, so its value is an estimate of this exact area; {@code tools/goldens/metrics/make_aupro_goldens.py}
 * computes both. They agree for a single region with L = 1, where AUPRO is the pixel AUROC.
 *
 * <p>Conventions (scores finite, higher = more anomalous, inputs never modified) are those of the package
 * {@link dev.unmask.metrics}. Instances are immutable.
 */
public final class PerRegionOverlap {
    /** The false-positive rate limit anomalib and MVTec AD use. */
    public static final double DEFAULT_FPR_LIMIT = 0.3;

    private final double[] thresholds;
    private final double[] falsePositiveRates;
    private final double[] overlaps;
    private final int regions;

    private PerRegionOverlap(double[] thresholds, double[] falsePositiveRates, double[] overlaps, int regions) {
        this.thresholds = thresholds;
        this.falsePositiveRates = falsePositiveRates;
        this.overlaps = overlaps;
        this.regions = regions;
    }

    /**
     * The PRO curve of {@code maps} against {@code masks}: {@code maps.get(m)} is image m's score map and
     * {@code masks.get(m)} its mask ({@code true} = anomalous), both {@code height * width} long, row-major
     * ({@code y * width + x}).
     *
     * @throws IllegalArgumentException for maps and masks that do not pair up or fit {@code height x width},
     *     a non-finite score, or pixels that are all normal or all anomalous
     */
    public static PerRegionOverlap of(List<float[]> maps, List<boolean[]> masks, int height, int width) {
        int total = MetricChecks.requireMapsAndMasks(maps, masks);
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("map height and width must be positive, got " + height + " x " + width);
        }
        long plane = (long) height * width;
        int anomalousCount = 0;
        for (int m = 0; m < maps.size(); m++) {
            if (maps.get(m).length != plane) {
                throw new IllegalArgumentException("map " + m + " has " + maps.get(m).length + " pixels, not "
                        + height + " x " + width + " = " + plane);
            }
            for (boolean anomalous : masks.get(m)) {
                anomalousCount += anomalous ? 1 : 0;
            }
        }
        if (anomalousCount == 0 || anomalousCount == total) {
            throw new IllegalArgumentException("AUPRO needs anomalous and normal pixels, got " + anomalousCount
                    + " anomalous of " + total);
        }
        int[] normalKeys = new int[total - anomalousCount];
        // sortable score in the high half, region number in the low half: one sort orders by score, then region
        long[] anomalousKeys = new long[anomalousCount];
        int[] regionSizes = new int[anomalousCount];
        int[] labels = new int[(int) plane];
        int regionCount = 0;
        int n = 0;
        int a = 0;
        for (int m = 0; m < maps.size(); m++) {
            float[] map = maps.get(m);
            boolean[] mask = masks.get(m);
            regionCount += ConnectedComponents.label(mask, height, width, labels, regionCount);
            for (int i = 0; i < map.length; i++) {
                int key = sortableKey(map[i]);
                if (mask[i]) {
                    regionSizes[labels[i]]++;
                    anomalousKeys[a++] = (long) key << 32 | labels[i];
                } else {
                    normalKeys[n++] = key;
                }
            }
        }
        Arrays.sort(normalKeys);
        Arrays.sort(anomalousKeys);
        Sweep sweep = new Sweep(normalKeys, anomalousKeys, regionSizes, regionCount);
        int steps = sweep.run(null, null, null);
        double[] t = new double[steps + 1];
        double[] fpr = new double[steps + 1];
        double[] pro = new double[steps + 1];
        t[0] = Double.POSITIVE_INFINITY;
        sweep.run(t, fpr, pro);
        return new PerRegionOverlap(t, fpr, pro, regionCount);
    }

    /** {@link #of} then {@link #aupro(double)} at {@link #DEFAULT_FPR_LIMIT}. */
    public static double aupro(List<float[]> maps, List<boolean[]> masks, int height, int width) {
        return of(maps, masks, height, width).aupro(DEFAULT_FPR_LIMIT);
    }

    /** Number of regions K (8-connected components of the masks, over all images). */
    public int regions() {
        return regions;
    }

    /** Thresholds of the curve's points: {@code +Infinity}, then every distinct score descending. */
    public double[] thresholds() {
        return thresholds.clone();
    }

    /** FPR at each point, non-decreasing from 0 to 1. */
    public double[] falsePositiveRates() {
        return falsePositiveRates.clone();
    }

    /** PRO at each point, non-decreasing from 0 to 1 (up to rounding in the sum over regions). */
    public double[] overlaps() {
        return overlaps.clone();
    }

    /** {@link #aupro(double)} at {@link #DEFAULT_FPR_LIMIT}. */
    public double aupro() {
        return aupro(DEFAULT_FPR_LIMIT);
    }

    /**
     * The area under the PRO curve from FPR 0 to {@code fprLimit}, divided by {@code fprLimit} (class comment);
     * in [0, 1], 1 when every anomalous pixel scores above every normal one.
     *
     * @throws IllegalArgumentException unless {@code 0 < fprLimit <= 1}
     */
    public double aupro(double fprLimit) {
        if (!(fprLimit > 0 && fprLimit <= 1)) {
            throw new IllegalArgumentException("the FPR limit must be in (0, 1], got " + fprLimit);
        }
        double area = 0;
        for (int j = 1; j < falsePositiveRates.length; j++) {
            double x0 = falsePositiveRates[j - 1];
            double y0 = overlaps[j - 1];
            double x1 = falsePositiveRates[j];
            double y1 = overlaps[j];
            if (x1 <= fprLimit) {
                area += (x1 - x0) * (y0 + y1) / 2;
                continue;
            }
            double atLimit = y0 + (y1 - y0) * (fprLimit - x0) / (x1 - x0);
            area += (fprLimit - x0) * (y0 + atLimit) / 2;
            break;
        }
        return area / fprLimit;
    }

    /** A float's bits turned so that signed int order is the float order; -0.0 and 0.0 get one key. */
    private static int sortableKey(float score) {
        int bits = Float.floatToIntBits(score + 0.0f);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }

    private static float scoreOf(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7FFFFFFF));
    }

    /** Walks both sorted sets of keys from the top, one step per distinct score. */
    private record Sweep(int[] normalKeys, long[] anomalousKeys, int[] regionSizes, int regionCount) {
        /** Fills points 1..k of the arrays unless they are null; returns k, the number of distinct scores. */
        int run(double[] t, double[] fpr, double[] pro) {
            int ni = normalKeys.length - 1;
            int ai = anomalousKeys.length - 1;
            long falsePositives = 0;
            double overlapSum = 0;
            int step = 0;
            while (ni >= 0 || ai >= 0) {
                int top = ni < 0 ? scoreKey(ai)
                        : ai < 0 ? normalKeys[ni]
                        : Math.max(normalKeys[ni], scoreKey(ai));
                while (ni >= 0 && normalKeys[ni] == top) {
                    falsePositives++;
                    ni--;
                }
                while (ai >= 0 && scoreKey(ai) == top) {
                    long key = anomalousKeys[ai];
                    int run = 0;
                    while (ai >= 0 && anomalousKeys[ai] == key) {
                        run++;
                        ai--;
                    }
                    overlapSum += (double) run / regionSizes[(int) key];
                }
                step++;
                if (t != null) {
                    t[step] = scoreOf(top);
                    fpr[step] = (double) falsePositives / normalKeys.length;
                    pro[step] = overlapSum / regionCount;
                }
            }
            return step;
        }

        private int scoreKey(int ai) {
            return (int) (anomalousKeys[ai] >> 32);
        }
    }
}
