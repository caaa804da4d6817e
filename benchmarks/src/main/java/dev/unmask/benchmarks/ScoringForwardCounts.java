package dev.unmask.benchmarks;

import dev.unmask.anomaly.Restoration;
import dev.unmask.anomaly.RestorationSchedule;
import dev.unmask.tensor.Tensor;

import java.util.Arrays;

/**
 * Prior forwards per image of restoration scoring, efficient schedule against the naive one, on the images
 * and models of {@link ScoringBenchmarks} pixel_score ({@link ScoringWorkload}, n = 15, content-derived image
 * keys, as {@code LatentAnomalyScorer.pixelScores} runs it). Prints per image: its distinct input codes, prior calls, grid forwards
 * (grids run through the prior, summed over calls), the mean number of codes per copy that restoration
 * changed, and the wall time of the restoration alone. The naive schedule runs one full forward of the 15
 * copies per code position; it is run (and timed) on the first {@code naive} images and its codes are
 * checked against the efficient schedule's.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -Dunmask.threads=2 -cp benchmarks/target/benchmarks.jar
 * dev.unmask.benchmarks.ScoringForwardCounts [images (8)] [naive (1)]}
 */
public final class ScoringForwardCounts {
    private ScoringForwardCounts() {
    }

    public static void main(String[] args) {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : ScoringBenchmarks.PIXEL_IMAGES;
        int naive = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        if (images < 1 || naive < 0 || naive > images) {
            throw new IllegalArgumentException("need images >= 1 and 0 <= naive <= images, got " + images + ", " + naive);
        }
        ScoringWorkload w = new ScoringWorkload("cpu");
        double lambdaP = w.thresholds.lambdaP();
        System.out.printf("faces-128, seeded untrained models, n = %d copies; lambdaS = %.4f, lambdaP = %.4f"
                        + " (98th / 90th percentile of the NLL of %d held-out faces)%n",
                w.restorer.settings().copies(), w.thresholds.lambdaS(), lambdaP, ScoringWorkload.CALIBRATION_IMAGES);
        System.out.println("image distinct_codes schedule  prior_calls grid_forwards changed_codes_per_copy restore_s");
        long[] totals = new long[2];
        for (int i = 0; i < images; i++) {
            Tensor codes = w.scorer.encode(w.scored(i, 1));
            Restoration efficient = run(w, codes, lambdaP, RestorationSchedule.EFFICIENT, i);
            totals[0] += efficient.priorCalls();
            totals[1] += efficient.gridForwards();
            if (i < naive) {
                Restoration slow = run(w, codes, lambdaP, RestorationSchedule.NAIVE, i);
                if (!Arrays.equals(slow.codes(), efficient.codes())) {
                    throw new IllegalStateException("image " + i + ": the naive and efficient schedules restored different codes");
                }
            }
        }
        System.out.printf("mean efficient per image: %.1f prior calls, %.1f grid forwards%n",
                totals[0] / (double) images, totals[1] / (double) images);
        if (naive > 0) {
            System.out.println("naive and efficient codes identical on the images run both ways");
        }
    }

    private static Restoration run(ScoringWorkload w, Tensor codes, double lambdaP, RestorationSchedule schedule, int image) {
        long start = System.nanoTime();
        Restoration r = w.restorer.restore(codes, null, lambdaP, schedule);
        double seconds = (System.nanoTime() - start) * 1e-9;
        int[] input = codes.toIntArray();
        long changed = 0;
        for (int j = 0; j < r.copies(); j++) {
            int[] restored = r.codes(0, j);
            for (int p = 0; p < restored.length; p++) {
                changed += restored[p] != input[p] ? 1 : 0;
            }
        }
        System.out.printf("%5d %14d %-9s %11d %13d %22.1f %9.1f%n", image, Arrays.stream(input).distinct().count(),
                schedule.name().toLowerCase(), r.priorCalls(), r.gridForwards(), changed / (double) r.copies(), seconds);
        return r;
    }
}
