package dev.unmask.examples.cli;

import dev.unmask.anomaly.Calibration;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;
import dev.unmask.metrics.MetricsReport;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/** The demo's report: {@code report.html} with the metrics and PNG panels (image, mask, heat-map, overlay). */
final class DemoReport {
    private final Path folder;
    private final int zoom;

    DemoReport(Path folder, int zoom) {
        this.folder = folder;
        this.zoom = zoom;
    }

    /**
     * Writes the panels of the {@code examples / 2} highest-scoring manipulated faces and as many real
     * faces, on one colour scale for all maps, and the HTML page; returns the page's path.
     */
    Path write(List<FloatImage> images, List<FloatImage> masks, List<float[]> maps, double[] scores, List<String> kinds,
               Calibration calibration, int examples, MetricsReport image, double pixelAuroc, double pixelAp,
               double bestDice, double seconds, Path modelFile) throws IOException {
        float[] range = HeatMaps.range(maps);
        List<Integer> fakes = pick(scores, kinds, true, examples / 2);
        List<Integer> reals = pick(scores, kinds, false, examples / 2);
        StringBuilder rows = new StringBuilder();
        List<Integer> chosen = new ArrayList<>(fakes);
        chosen.addAll(reals);
        for (int i : chosen) {
            FloatImage img = images.get(i);
            BufferedImage panel = HeatMaps.panel(List.of(
                            ImageOps.toBufferedImage(img),
                            HeatMaps.mask(masks.get(i)),
                            HeatMaps.colourMap(maps.get(i), img.height(), img.width(), range[0], range[1]),
                            HeatMaps.overlay(img, maps.get(i), range[0], range[1])),
                    List.of("image", "mask", "pixel score", "overlay"), zoom);
            String name = String.format(Locale.ROOT, "example-%03d.png", i);
            HeatMaps.writePng(panel, folder.resolve(name));
            rows.append(String.format(Locale.ROOT,
                    "<tr><td>%d</td><td>%s</td><td>%.3f</td><td>%.3f</td><td>%s</td><td><img src=\"%s\"></td></tr>%n",
                    i, kinds.get(i), scores[i], calibration.normalise(scores[i]),
                    calibration.isFake(scores[i]) ? "fake" : "real", name));
        }
        String html = """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Unmask demo report</title>
                <style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 10px;text-align:left}</style></head>
                <body><h1>Unmask demo</h1>
                <p>Latent restoration (VQ-VAE + PixelSNAIL) trained on real synthetic faces only; %d held-out faces
                scored (%d manipulated). Model: <code>%s</code>. Run time %.1f s.</p>
                <h2>Image level (sample score)</h2>
                <table><tr><th>AUROC</th><th>AP</th><th>EER</th><th>F1-max</th><th>accuracy at threshold %.3f</th></tr>
                <tr><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td></tr></table>
                <h2>Pixel level (restoration heat-maps)</h2>
                <table><tr><th>AUROC</th><th>AP</th><th>best Dice</th></tr>
                <tr><td>%.4f</td><td>%.4f</td><td>%.4f</td></tr></table>
                <p>Calibration: lambda_s %.4f, lambda_p %.4f (98th and 90th percentiles of real per-latent NLL).</p>
                <h2>Examples</h2>
                <p>Highest-scoring manipulated and real faces; heat-maps share one colour scale.</p>
                <table><tr><th>#</th><th>kind</th><th>score</th><th>normalised</th><th>verdict</th><th></th></tr>
                %s</table></body></html>
                """.formatted(image.samples(), image.positives(), modelFile.getFileName(), seconds,
                image.threshold(), image.auroc(), image.averagePrecision(), image.equalErrorRate(), image.f1Max(),
                image.accuracy(), pixelAuroc, pixelAp, bestDice, calibration.lambdaS(), calibration.lambdaP(), rows);
        Path page = folder.resolve("report.html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        return page;
    }

    private static List<Integer> pick(double[] scores, List<String> kinds, boolean fake, int count) {
        return IntStream.range(0, scores.length).boxed()
                .filter(i -> kinds.get(i).equals("real") != fake)
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparing(i -> i))
                .limit(count).toList();
    }
}
