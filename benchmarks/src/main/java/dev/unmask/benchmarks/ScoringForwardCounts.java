package dev.unmask.benchmarks;

import dev.unmask.detectors.latent.Restoration;
import dev.unmask.detectors.latent.RestorationSchedule;
import dev.unmask.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Prior forwards per image of restoration scoring, the efficient and incremental schedules against the naive
 * one, on the images and models of {@link ScoringBenchmarks} pixel_score ({@link ScoringWorkload}, n = 15,
 * content-derived image keys, as {@code LatentAnomalyScorer.pixelScores} runs it). Prints per image and
 * schedule: its distinct input codes, prior calls, grid forwards (whole grids run through the prior, summed
 * over calls), row forwards (single rows, whole or from a column on, incremental schedule) and both in
 * grid-forward equivalents ({@code grid forwards + positions of the row forwards / (h w)}), the mean
 * number of codes per copy that restoration changed, and the wall time and calling thread's CPU time of the
 * restoration alone (the CPU time is the restoration's whole CPU time with {@code -Dunmask.threads=1}, where
 * every op runs on the calling thread, and then a fairer measure than the wall time on a loaded machine); the efficient and incremental schedules run side by side on each image and their
 * codes are checked to be equal. The naive schedule runs one full forward of the 15 copies per code
 * position; it is run (and timed) on the first {@code naive} images and its codes are checked too.
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
        System.out.println("image distinct_codes schedule    prior_calls grid_forwards row_forwards grid_equivalents"
                + " changed_codes_per_copy restore_s restore_cpu_s");
        RestorationSchedule[] compared = {RestorationSchedule.EFFICIENT, RestorationSchedule.INCREMENTAL};
        double[][] totals = new double[compared.length][4];
        for (int i = 0; i < images; i++) {
            Tensor codes = w.scorer.encode(w.scored(i, 1));
            Restoration first = null;
            for (int s = 0; s < compared.length; s++) {
                Timed timed = run(w, codes, lambdaP, compared[s], i);
                Restoration r = timed.restoration();
                totals[s][0] += r.priorCalls();
                totals[s][1] += r.gridForwardEquivalents();
                totals[s][2] += timed.seconds();
                totals[s][3] += timed.cpuSeconds();
                first = check(first, r, i);
            }
            if (i < naive) {
                check(first, run(w, codes, lambdaP, RestorationSchedule.NAIVE, i).restoration(), i);
            }
        }
        for (int s = 0; s < compared.length; s++) {
            System.out.printf("mean %s per image: %.1f prior calls, %.1f grid-forward equivalents, %.2f s restoration"
                            + " (%.2f s CPU time of the calling thread)%n", compared[s].name().toLowerCase(),
                    totals[s][0] / images, totals[s][1] / images, totals[s][2] / images, totals[s][3] / images);
        }
        System.out.println("codes identical across the schedules on every image" + (naive > 0 ? " (naive on the first "
                + naive + ")" : ""));
    }

    /** A restoration, its wall time and the calling thread's CPU time, in seconds. */
    private record Timed(Restoration restoration, double seconds, double cpuSeconds) {
    }

    private static Restoration check(Restoration reference, Restoration r, int image) {
        if (reference != null && !Arrays.equals(reference.codes(), r.codes())) {
            throw new IllegalStateException("image " + image + ": two schedules restored different codes");
        }
        return reference == null ? r : reference;
    }

    private static Timed run(ScoringWorkload w, Tensor codes, double lambdaP, RestorationSchedule schedule, int image) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        Restoration r = w.restorer.restore(codes, null, lambdaP, schedule);
        double seconds = (System.nanoTime() - start) * 1e-9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) * 1e-9;
        int[] input = codes.toIntArray();
        long changed = 0;
        for (int j = 0; j < r.copies(); j++) {
            int[] restored = r.codes(0, j);
            for (int p = 0; p < restored.length; p++) {
                changed += restored[p] != input[p] ? 1 : 0;
            }
        }
        System.out.printf("%5d %14d %-11s %11d %13d %12d %16.1f %22.1f %9.2f %13.2f%n", image,
                Arrays.stream(input).distinct().count(), schedule.name().toLowerCase(), r.priorCalls(), r.gridForwards(),
                r.rowForwards(), r.gridForwardEquivalents(), changed / (double) r.copies(), seconds, cpuSeconds);
        return new Timed(r, seconds, cpuSeconds);
    }
}
