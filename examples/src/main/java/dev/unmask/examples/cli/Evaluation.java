package dev.unmask.examples.cli;

import dev.unmask.metrics.BinaryMetrics;
import dev.unmask.metrics.MetricsReport;
import dev.unmask.metrics.PerRegionOverlap;
import dev.unmask.metrics.PixelMetrics;
import dev.unmask.metrics.PrecisionRecallCurve;
import dev.unmask.metrics.RocCurve;
import dev.unmask.metrics.VideoScores;

import org.knowm.xchart.XYChart;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The image-level results of {@code evaluate} and {@code demo}: metric tables (all samples, per group, per
 * video), the ROC and PR curves and the score histogram, printed, written as PNG and added to an
 * {@link HtmlReport}.
 *
 * @param scores    sample scores, higher = more likely fake
 * @param labels    {@code true} = fake
 * @param threshold the decision threshold of the accuracy, precision, recall and F1 columns
 * @param tables    heading to rows (group to report), in print order
 */
record Evaluation(double[] scores, boolean[] labels, double threshold, Map<String, Map<String, MetricsReport>> tables) {
    /** Key of the row over every sample (or video). */
    static final String ALL = "all";
    /** Bins of the score histogram. */
    static final int HISTOGRAM_BINS = 30;

    /**
     * The tables: {@code all samples}; {@code per G} for each grouping G (name to one key per sample, null for
     * a sample, such as a real one, that belongs to every group); and when {@code videoIds} (one per sample)
     * is not null, {@code all videos} and {@code per video, per G} on mean frame scores ({@link VideoScores}), a
     * video taking the group key of its first frame.
     */
    static Evaluation of(double[] scores, boolean[] labels, double threshold, Map<String, String[]> groupings,
                         String[] videoIds) {
        Map<String, Map<String, MetricsReport>> tables = new LinkedHashMap<>();
        tables.put("all samples", Map.of(ALL, MetricsReport.of(scores, labels, threshold)));
        groupings.forEach((name, keys) -> tables.put("per " + name, MetricsReport.perGroup(scores, labels, keys, threshold)));
        if (videoIds != null) {
            VideoScores videos = VideoScores.meanOfFrames(scores, labels, videoIds);
            tables.put("all videos", Map.of(ALL, MetricsReport.of(videos.scores(), videos.labels(), threshold)));
            Map<String, Integer> firstFrame = new LinkedHashMap<>();
            for (int i = 0; i < videoIds.length; i++) {
                firstFrame.putIfAbsent(videoIds[i], i);
            }
            groupings.forEach((name, keys) -> {
                String[] videoKeys = new String[videos.videoIds().length];
                for (int v = 0; v < videoKeys.length; v++) {
                    videoKeys[v] = keys[firstFrame.get(videos.videoIds()[v])];
                }
                tables.put("per video, per " + name,
                        MetricsReport.perGroup(videos.scores(), videos.labels(), videoKeys, threshold));
            });
        }
        return new Evaluation(scores, labels, threshold, tables);
    }

    /** The report over every sample. */
    MetricsReport overall() {
        return tables.get("all samples").get(ALL);
    }

    /** Each table as a heading line and {@link MetricsReport#formatTable}, a blank line between tables. */
    void print(PrintStream out) {
        boolean first = true;
        for (Map.Entry<String, Map<String, MetricsReport>> t : tables.entrySet()) {
            out.print((first ? "" : "\n") + t.getKey() + "\n" + MetricsReport.formatTable(t.getValue()));
            first = false;
        }
    }

    /**
     * The plots by name: {@code histogram} always, {@code roc} and {@code pr} when both classes are present (the
     * curves are undefined otherwise).
     */
    Map<String, XYChart> plots() {
        Map<String, XYChart> out = new LinkedHashMap<>();
        MetricsReport all = overall();
        if (all.positives() > 0 && all.negatives() > 0) {
            RocCurve roc = BinaryMetrics.rocCurve(scores, labels);
            PrecisionRecallCurve pr = BinaryMetrics.precisionRecallCurve(scores, labels);
            out.put("roc", Plots.roc(String.format(Locale.ROOT, "ROC (AUROC %.4f)", all.auroc()),
                    roc.falsePositiveRates(), roc.truePositiveRates()));
            out.put("pr", Plots.precisionRecall(String.format(Locale.ROOT, "precision-recall (AP %.4f)",
                    all.averagePrecision()), pr.recall(), pr.precision(),
                    (double) all.positives() / (all.positives() + all.negatives())));
        }
        out.put("histogram", Plots.histogram("scores, real and fake", "score",
                ScoreHistogram.of(scores, labels, threshold, HISTOGRAM_BINS)));
        return out;
    }

    /** Writes {@link #plots()} into {@code folder} as {@code NAME.png} and {@code NAME.svg}; returns the images by PNG name. */
    Map<String, BufferedImage> writePlots(Path folder) {
        Map<String, BufferedImage> images = new LinkedHashMap<>();
        plots().forEach((name, chart) -> {
            Plots.write(chart, folder.resolve(name));
            images.put(name + ".png", Plots.image(chart));
        });
        return images;
    }

    /** Adds the tables and the plots to {@code report}. */
    void addTo(HtmlReport report, Map<String, BufferedImage> plots) {
        tables.forEach(report::metrics);
        report.heading(2, "curves and score histogram");
        plots.forEach(report::image);
    }

    /**
     * Pooled pixel-level metrics ({@link PixelMetrics}) and the per-region overlap (AUPRO up to a false-positive
     * rate of 0.3, {@link PerRegionOverlap}); NaN where undefined (AUROC and AUPRO without both pixel classes, AP
     * and best Dice without manipulated pixels).
     */
    record Pixels(int images, double auroc, double averagePrecision, double bestDice, double aupro) {
        /** Maps and masks of {@code height x width} pixels each. */
        static Pixels of(List<float[]> maps, List<boolean[]> masks, int height, int width) {
            boolean positive = false;
            boolean negative = false;
            for (boolean[] mask : masks) {
                for (boolean b : mask) {
                    positive |= b;
                    negative |= !b;
                }
            }
            boolean both = positive && negative;
            return new Pixels(maps.size(), both ? PixelMetrics.auroc(maps, masks) : Double.NaN,
                    positive ? PixelMetrics.averagePrecision(maps, masks) : Double.NaN,
                    positive ? PixelMetrics.bestDice(maps, masks).f1() : Double.NaN,
                    both ? PerRegionOverlap.aupro(maps, masks, height, width) : Double.NaN);
        }

        /** The values by name, for {@link HtmlReport#keyValues}. */
        Map<String, Object> values() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("images", images);
            out.put("pixel AUROC", auroc);
            out.put("pixel AP", averagePrecision);
            out.put("best Dice", bestDice);
            out.put("AUPRO (FPR <= 0.3)", aupro);
            return out;
        }

        String line() {
            return String.format(Locale.ROOT, "pixel: AUROC %s  AP %s  best Dice %s  AUPRO %s (%d images)",
                    HtmlReport.format(auroc), HtmlReport.format(averagePrecision), HtmlReport.format(bestDice),
                    HtmlReport.format(aupro), images);
        }
    }
}
