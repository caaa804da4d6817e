package dev.unmask.examples.cli;

import dev.unmask.detectors.latent.Calibration;
import dev.unmask.detectors.latent.RestorationSchedule;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The demo's own part of its {@link HtmlReport}: example panels (image, mask, heat-map, overlay) of the
 * highest-scoring manipulated and real faces, also written as PNG files.
 */
final class DemoReport {
    private DemoReport() {
    }

    /**
     * Adds the panels of the {@code examples / 2} highest-scoring manipulated faces and as many real faces, all
     * maps on one colour scale, to {@code report} and writes each as {@code example-NNN.png} into {@code folder}.
     */
    static void addExamples(HtmlReport report, Path folder, int zoom, List<FloatImage> images, List<FloatImage> masks,
                            List<float[]> maps, double[] scores, List<String> kinds, Calibration calibration, int examples) {
        float[] range = HeatMaps.range(maps);
        List<Integer> chosen = new ArrayList<>(pick(scores, kinds, true, examples / 2));
        chosen.addAll(pick(scores, kinds, false, examples / 2));
        List<List<Object>> rows = new ArrayList<>();
        for (int i : chosen) {
            FloatImage img = images.get(i);
            BufferedImage panel = HeatMaps.panel(List.of(
                            ImageOps.toBufferedImage(img),
                            HeatMaps.mask(masks.get(i)),
                            HeatMaps.colourMap(maps.get(i), img.height(), img.width(), range[0], range[1]),
                            HeatMaps.overlay(img, maps.get(i), range[0], range[1])),
                    List.of("image", "mask", "pixel score", "overlay"), zoom);
            HeatMaps.writePng(panel, folder.resolve(String.format(Locale.ROOT, "example-%03d.png", i)));
            rows.add(List.of(i, kinds.get(i), scores[i], calibration.normalise(scores[i]),
                    calibration.isFake(scores[i]) ? "fake" : "real", panel));
        }
        report.heading(2, "examples");
        report.paragraph("Highest-scoring manipulated and real faces; the heat-maps share one colour scale.");
        report.table(null, List.of("#", "kind", "score", "normalised", "verdict", ""), rows);
    }

    /**
     * What restoring the test faces cost: the prior's work in grid-forward equivalents (positions computed
     * / h w, {@link dev.unmask.detectors.latent.Restoration#gridForwardEquivalents}) and its calls, under the schedule
     * the restoration ran, against the naive loop, which runs every copy through the prior at each of the
     * {@code h * w} positions (so {@code h * w * copies} grid forwards per image and {@code h * w} calls per
     * batch), and wall-clock seconds per image of the sample score and the pixel score.
     *
     * @param images       images restored
     * @param batches      batches they were restored in
     * @param positions    h * w latent positions
     * @param copies       restored copies per image
     * @param schedule     the restoration's schedule
     * @param gridForwards grid-forward equivalents of that schedule, summed over batches
     * @param priorCalls   prior calls of that schedule, summed over batches
     * @param sampleSeconds seconds spent on sample scores (encoding and one prior pass)
     * @param pixelSeconds  seconds spent on pixel scores (encoding, restoration, decoding, score map)
     */
    record Cost(int images, int batches, int positions, int copies, RestorationSchedule schedule, double gridForwards,
                long priorCalls, double sampleSeconds, double pixelSeconds) {
        double forwardsPerImage() {
            return gridForwards / images;
        }

        long naiveForwardsPerImage() {
            return (long) positions * copies;
        }

        double callsPerBatch() {
            return (double) priorCalls / batches;
        }

        /** The values by name, for {@link HtmlReport#keyValues}. */
        Map<String, Object> values() {
            Map<String, Object> out = new LinkedHashMap<>();
            String name = schedule.name().toLowerCase(Locale.ROOT);
            out.put("prior grid-forward equivalents per image, " + name + " schedule", forwardsPerImage());
            out.put("prior grid forwards per image, naive (h*w*copies)", naiveForwardsPerImage());
            out.put("prior calls per batch, " + name + " schedule", callsPerBatch());
            out.put("prior calls per batch, naive (h*w)", positions);
            out.put("seconds per image, sample score", sampleSeconds / images);
            out.put("seconds per image, pixel score", pixelSeconds / images);
            return out;
        }

        String line() {
            return String.format(Locale.ROOT, "cost (%s restoration): %.1f prior grid-forward equivalents per image (naive "
                            + "h*w*copies %d, %.1fx fewer), %.1f prior calls per batch (naive %d); %.4f s per image sample "
                            + "score, %.3f s per image pixel score", schedule.name().toLowerCase(Locale.ROOT),
                    forwardsPerImage(), naiveForwardsPerImage(), naiveForwardsPerImage() / forwardsPerImage(),
                    callsPerBatch(), positions, sampleSeconds / images, pixelSeconds / images);
        }
    }

    private static List<Integer> pick(double[] scores, List<String> kinds, boolean fake, int count) {
        return IntStream.range(0, scores.length).boxed()
                .filter(i -> kinds.get(i).equals("real") != fake)
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparing(i -> i))
                .limit(count).toList();
    }
}
