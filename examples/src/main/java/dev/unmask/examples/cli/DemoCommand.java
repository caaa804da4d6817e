package dev.unmask.examples.cli;

import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.detectors.latent.LatentRestorationTraining;
import dev.unmask.detectors.latent.Calibration;
import dev.unmask.detectors.latent.LatentAnomalyScorer;
import dev.unmask.detectors.latent.Restoration;
import dev.unmask.detectors.latent.RestorationSchedule;
import dev.unmask.detectors.latent.RestorationScorer;
import dev.unmask.detectors.latent.RestorationSettings;
import dev.unmask.backend.Backends;
import dev.unmask.data.AnomalyKind;
import dev.unmask.data.AnomalySample;
import dev.unmask.data.FaceRegion;
import dev.unmask.data.FloatImage;
import dev.unmask.data.Manipulation;
import dev.unmask.data.SynthAnomalies;
import dev.unmask.data.SynthFaces;
import dev.unmask.data.SynthSample;
import dev.unmask.metrics.MetricsReport;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVaeConfig;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import dev.unmask.train.ConsoleProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The README's main job: trains a small VQ-VAE and PixelSNAIL on synthetic real faces, calibrates on held-out
 * real faces, scores held-out real and manipulated faces, prints image and pixel metrics and writes a report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train small models on synthetic faces, score held-out real and manipulated faces, "
                + "print image and pixel AUROC and write a report with heat-maps.")
final class DemoCommand implements Callable<Integer> {
    /** Image side of the demo: small enough to train on two cores in minutes. */
    static final int SIZE = 32;
    private static final int BATCH = 32;
    private static final int SCORE_BATCH = 16;
    private static final int EXAMPLES = 6;
    private static final int ZOOM = 4;

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, description = "report folder (default: ${DEFAULT-VALUE})")
    Path output = Path.of("unmask-demo");

    @Option(names = "--seed", description = "seed of the data, the models and the restoration (default: ${DEFAULT-VALUE})")
    long seed = 7;

    @Option(names = "--train-images", description = "real faces to train on (default: ${DEFAULT-VALUE})")
    int trainImages = 1024;

    @Option(names = "--calibration-images", description = "held-out real faces to calibrate on (default: ${DEFAULT-VALUE})")
    int calibrationImages = 128;

    @Option(names = "--test-images", description = "held-out real faces and as many manipulated ones to score (default: ${DEFAULT-VALUE})")
    int testImages = 256;

    @Option(names = "--anomaly-images", description = "faces with MOOD-style anomalies to score (default: ${DEFAULT-VALUE})")
    int anomalyImages = 256;

    @Option(names = "--vqvae-steps", description = "VQ-VAE training steps (default: ${DEFAULT-VALUE})")
    int vqvaeSteps = 800;

    @Mixin
    CodebookRestartOption codebookRestart = new CodebookRestartOption();

    @Option(names = "--prior-steps", description = "PixelSNAIL training steps (default: ${DEFAULT-VALUE})")
    int priorSteps = 400;

    /** The demo's VQ-VAE: 32x32 RGB, stride 4 (8x8 codes), 64 codes of 32 dimensions, width 64. */
    static VqVaeConfig vqvaeConfig() {
        return VqVaeConfig.of(3, 64, 1, 32, 32, 64, 4);
    }

    /** The demo's prior over 8x8 grids of 64 codes: width 64, kernel 5, 2 blocks, attention with 4 heads. */
    static PixelSnailConfig priorConfig() {
        return new PixelSnailConfig(8, 8, 64, 64, 5, 2, 1, 64, true, 0.1, 4);
    }

    @Override
    public Integer call() throws IOException {
        if (trainImages < 1 || calibrationImages < 1 || testImages < 1 || anomalyImages < 1) {
            throw new IllegalArgumentException("--train-images, --calibration-images, --test-images and --anomaly-images"
                    + " must be at least 1, got " + trainImages + ", " + calibrationImages + ", " + testImages + " and "
                    + anomalyImages);
        }
        PrintStream out = System.out;
        long start = System.nanoTime();
        Files.createDirectories(output);
        out.println("pretrained MesoNet models on the four official MesoNet sample faces (df = DeepFake, F2F models "
                + "were trained on Face2Face)");
        List<List<Object>> pretrained = PretrainedSamples.run(out);
        SynthFaces faces = new SynthFaces(seed, SIZE, 1.0);
        out.printf(Locale.ROOT, "unmask demo: %dx%d synthetic faces, %d to train, %d to calibrate, %d real + %d manipulated to test%n",
                SIZE, SIZE, trainImages, calibrationImages, testImages, testImages);
        float[] train = realFaces(faces, 0, trainImages);
        float[] calibration = realFaces(faces, trainImages, calibrationImages);
        int testStart = trainImages + calibrationImages;

        LatentRestorationModel model = LatentRestorationModel.create(vqvaeConfig(), priorConfig(), seed);
        out.printf(Locale.ROOT, "[1/5] training the VQ-VAE (%d steps, batch %d)%n", vqvaeSteps, BATCH);
        codebookRestart.applyTo(model.vqvae());
        LatentRestorationTraining.trainVqVae(model.vqvae(), train, SIZE, LatentRestorationTraining.Settings.of(
                vqvaeSteps, BATCH, 2e-3, seed, new ConsoleProgress(out, 100)));
        out.println("[2/5] extracting codes and training the PixelSNAIL prior (" + priorSteps + " steps, batch " + BATCH + ")");
        int[] codes = LatentRestorationTraining.extractCodes(model.vqvae(), train, SIZE, 64);
        LatentRestorationTraining.trainPrior(model.priorModel(), codes, LatentRestorationTraining.Settings.of(
                priorSteps, BATCH, 1e-3, seed, new ConsoleProgress(out, 100)));
        out.println("[3/5] calibrating on " + calibrationImages + " held-out real faces");
        Calibration cal = LatentRestorationTraining.calibrate(model, calibration, 64);
        out.printf(Locale.ROOT, "      lambda_s %.3f, lambda_p %.3f, threshold %.3f%n", cal.lambdaS(), cal.lambdaP(),
                cal.threshold().value());
        Path modelFile = output.resolve("model.safetensors");
        model.save(modelFile);

        out.println("[4/5] scoring " + 2 * testImages + " held-out faces (sample score and restoration heat-maps)");
        List<FloatImage> images = new ArrayList<>();
        List<FloatImage> masks = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < testImages; i++) {
            SynthSample real = faces.manipulate(testStart + i, Manipulation.NONE, FaceRegion.NONE);
            SynthSample fake = faces.sample(testStart + testImages + i);
            for (SynthSample s : List.of(real, fake)) {
                images.add(s.image());
                masks.add(s.mask());
                kinds.add(s.fake() ? s.manipulation() + " " + s.region() : "real");
            }
        }
        RestorationSettings restoration = RestorationSettings.DEFAULTS.withSeed(seed);
        LatentAnomalyScorer scorer = model.scorer(restoration);
        RestorationScorer restorer = new RestorationScorer(model.prior(), model.decoder(), restoration);
        RestorationSchedule schedule = RestorationSchedule.fastest(model.prior());
        int n = images.size();
        ScoredImages scored = score(scorer, restorer, schedule, cal, images, Progress.counter(out, "faces scored", n));
        double[] scores = scored.scores();
        List<float[]> maps = scored.maps();
        DemoReport.Cost cost = new DemoReport.Cost(n, (n + SCORE_BATCH - 1) / SCORE_BATCH,
                scored.last().height() * scored.last().width(), scored.last().copies(), schedule, scored.gridForwards(),
                scored.priorCalls(), scored.sampleNanos() / 1e9, scored.pixelNanos() / 1e9);
        boolean[] labels = new boolean[n];
        String[] manipulations = new String[n];
        String[] regions = new String[n];
        List<boolean[]> pixelMasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels[i] = !kinds.get(i).equals("real");
            if (labels[i]) {
                String[] kind = kinds.get(i).split(" ");
                manipulations[i] = kind[0];
                regions[i] = kind[1];
            }
            float[] m = masks.get(i).data();
            boolean[] b = new boolean[m.length];
            for (int p = 0; p < m.length; p++) {
                b[p] = m[p] > 0.5f;
            }
            pixelMasks.add(b);
        }
        Map<String, String[]> groupings = new LinkedHashMap<>();
        groupings.put("manipulation", manipulations);
        groupings.put("region", regions);
        Evaluation evaluation = Evaluation.of(scores, labels, cal.threshold().value(), groupings, null);
        MetricsReport image = evaluation.overall();
        Evaluation.Pixels pixels = Evaluation.Pixels.of(maps, pixelMasks, SIZE, SIZE);

        out.println("[5/5] scoring " + anomalyImages + " faces with MOOD-style anomalies (bright, dark and noise patches,"
                + " deformations, foreign textures) against the " + testImages + " real test faces");
        Anomalies anomalies = scoreAnomalies(scorer, restorer, schedule, cal, out);
        double[] withReal = new double[testImages + anomalyImages];
        boolean[] anomalous = new boolean[withReal.length];
        String[] anomalyKinds = new String[withReal.length];
        List<float[]> anomalyMaps = new ArrayList<>();
        List<boolean[]> anomalyMasks = new ArrayList<>();
        for (int i = 0; i < testImages; i++) {
            withReal[i] = scores[2 * i];  // the real test faces sit at the even positions
            anomalyMaps.add(maps.get(2 * i));
            anomalyMasks.add(pixelMasks.get(2 * i));
        }
        for (int i = 0; i < anomalyImages; i++) {
            withReal[testImages + i] = anomalies.scored().scores()[i];
            anomalous[testImages + i] = true;
            anomalyKinds[testImages + i] = anomalies.kinds().get(i);
            anomalyMaps.add(anomalies.scored().maps().get(i));
            anomalyMasks.add(anomalies.masks().get(i));
        }
        Evaluation anomalyEvaluation = Evaluation.of(withReal, anomalous, cal.threshold().value(),
                Map.of("anomaly kind", anomalyKinds), null);
        MetricsReport anomalyImage = anomalyEvaluation.overall();
        Evaluation.Pixels anomalyPixels = Evaluation.Pixels.of(anomalyMaps, anomalyMasks, SIZE, SIZE);
        double seconds = (System.nanoTime() - start) / 1e9;

        HtmlReport report = new HtmlReport("Unmask demo");
        report.paragraph(String.format(Locale.ROOT, "Latent restoration (VQ-VAE + PixelSNAIL) trained on real synthetic "
                + "faces only; %d held-out faces scored (%d manipulated). Run time %.1f s.", n, image.positives(), seconds));
        report.table("pretrained MesoNet on the official sample faces",
                List.of("model", "face", "label", "verdict", "fake probability"), pretrained);
        report.keyValues("settings", settings(modelFile, cal));
        evaluation.addTo(report, evaluation.writePlots(output));
        report.keyValues("pixel level (restoration heat-maps)", pixels.values());
        report.keyValues("cost", cost.values());
        DemoReport.addExamples(report, output, ZOOM, images, masks, maps, scores, kinds, cal, EXAMPLES);
        report.heading(2, "MOOD-style anomalies: " + anomalyImages + " anomalous faces against the " + testImages
                + " real test faces");
        anomalyEvaluation.tables().forEach(report::metrics);
        report.keyValues("pixel level, anomalies (restoration heat-maps against the exact masks)", anomalyPixels.values());
        List<FloatImage> anomalyShown = new ArrayList<>();
        List<FloatImage> anomalyMaskShown = new ArrayList<>();
        for (int i = 0; i < anomalyImages; i++) {
            anomalyShown.add(anomalies.images().get(i));
            anomalyMaskShown.add(anomalies.maskImages().get(i));
        }
        DemoReport.addExamples(report, output.resolve("anomalies"), ZOOM, anomalyShown, anomalyMaskShown,
                anomalies.scored().maps(), anomalies.scored().scores(), anomalies.kinds(), cal, EXAMPLES);
        Path page = report.write(output.resolve("report.html"));
        evaluation.print(out);
        out.printf(Locale.ROOT, "image: AUROC %.4f  AP %.4f  accuracy %.4f at the calibrated threshold%n",
                image.auroc(), image.averagePrecision(), image.accuracy());
        out.println(pixels.line());
        out.println(cost.line());
        out.println("MOOD-style anomalies against the real test faces");
        anomalyEvaluation.print(out);
        out.printf(Locale.ROOT, "anomalies, image: AUROC %.4f  AP %.4f%n", anomalyImage.auroc(),
                anomalyImage.averagePrecision());
        out.println("anomalies, " + anomalyPixels.line());
        out.printf(Locale.ROOT, "unmask demo done in %s: manipulations image AUROC %.4f, pixel AUROC %.4f; anomalies image"
                        + " AUROC %.4f, pixel AUROC %.4f, best Dice %.4f, AUPRO %.4f; report %s%n",
                clock(System.nanoTime() - start), image.auroc(), pixels.auroc(), anomalyImage.auroc(),
                anomalyPixels.auroc(), anomalyPixels.bestDice(), anomalyPixels.aupro(), page.toAbsolutePath());
        return 0;
    }

    /** Sample scores and pixel-score maps of images, with what the restoration cost. */
    private record ScoredImages(double[] scores, List<float[]> maps, long sampleNanos, long pixelNanos,
                                double gridForwards, long priorCalls, Restoration last) {
    }

    /** The anomalous faces, their masks (as images and as pixels), kinds and scores. */
    private record Anomalies(List<FloatImage> images, List<FloatImage> maskImages, List<boolean[]> masks,
                             List<String> kinds, ScoredImages scored) {
    }

    private static ScoredImages score(LatentAnomalyScorer scorer, RestorationScorer restorer, RestorationSchedule schedule,
                                      Calibration cal, List<FloatImage> images, Progress.Counter progress) {
        int n = images.size();
        double[] scores = new double[n];
        List<float[]> maps = new ArrayList<>();
        long sampleNanos = 0;
        long pixelNanos = 0;
        double gridForwards = 0;
        long priorCalls = 0;
        Restoration last = null;
        for (int from = 0; from < n; from += SCORE_BATCH) {
            int count = Math.min(SCORE_BATCH, n - from);
            Tensor batch = stack(images.subList(from, from + count));
            long t0 = System.nanoTime();
            System.arraycopy(scorer.sampleScores(batch, cal.lambdaS()), 0, scores, from, count);
            long t1 = System.nanoTime();
            // the steps of LatentAnomalyScorer.pixelScores, kept apart to count the restoration's prior work
            last = restorer.restore(scorer.encode(batch), null, cal.lambdaP(), schedule);
            float[] flat = restorer.pixelScores(batch, last).toFloatArray();
            pixelNanos += System.nanoTime() - t1;
            sampleNanos += t1 - t0;
            gridForwards += last.gridForwardEquivalents();
            priorCalls += last.priorCalls();
            int plane = SIZE * SIZE;
            for (int k = 0; k < count; k++) {
                float[] map = new float[plane];
                System.arraycopy(flat, k * plane, map, 0, plane);
                maps.add(map);
            }
            progress.advance(count);
        }
        return new ScoredImages(scores, maps, sampleNanos, pixelNanos, gridForwards, priorCalls, last);
    }

    /**
     * {@code --anomaly-images} faces of {@link SynthAnomalies} (faces drawn apart from the training ones, kinds
     * in turn), scored as the test faces are.
     */
    private Anomalies scoreAnomalies(LatentAnomalyScorer scorer, RestorationScorer restorer, RestorationSchedule schedule,
                                     Calibration cal, PrintStream out) {
        SynthAnomalies source = new SynthAnomalies(seed, SIZE);
        AnomalyKind[] kinds = AnomalyKind.values();
        List<FloatImage> images = new ArrayList<>();
        List<FloatImage> maskImages = new ArrayList<>();
        List<boolean[]> masks = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < anomalyImages; i++) {
            AnomalySample sample = source.sample(i, kinds[i % kinds.length]);
            images.add(sample.image());
            maskImages.add(sample.mask());
            masks.add(sample.maskPixels());
            names.add(sample.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        ScoredImages scored = score(scorer, restorer, schedule, cal, images,
                Progress.counter(out, "anomalous faces scored", anomalyImages));
        return new Anomalies(images, maskImages, masks, names, scored);
    }

    private Map<String, Object> settings(Path modelFile, Calibration cal) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", "unmask " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs()));
        out.put("model", modelFile.toAbsolutePath().normalize().toString());
        out.put("faces", String.format(Locale.ROOT, "%dx%d, seed %d: %d to train, %d to calibrate, %d real + %d manipulated to test",
                SIZE, SIZE, seed, trainImages, calibrationImages, testImages, testImages));
        out.put("training", String.format(Locale.ROOT, "VQ-VAE %d steps (codebook restart threshold %s),"
                + " PixelSNAIL %d steps, batch %d", vqvaeSteps, codebookRestart.threshold, priorSteps, BATCH));
        out.put("lambda_s (98th percentile of real per-latent NLL)", cal.lambdaS());
        out.put("lambda_p (90th percentile of real per-latent NLL)", cal.lambdaP());
        out.put("decision threshold", cal.threshold().value());
        out.put("threshold method", cal.threshold().method() + " " + cal.threshold().parameter());
        return out;
    }

    private static float[] realFaces(SynthFaces faces, int first, int count) {
        int per = 3 * SIZE * SIZE;
        float[] out = new float[count * per];
        for (int i = 0; i < count; i++) {
            System.arraycopy(faces.face(first + i).data(), 0, out, i * per, per);
        }
        return out;
    }

    private static Tensor stack(List<FloatImage> images) {
        FloatImage first = images.get(0);
        int per = first.data().length;
        float[] data = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).data(), 0, data, i * per, per);
        }
        return Backends.defaultBackend().fromFloats(data, Shape.of(images.size(), first.channels(), first.height(), first.width()));
    }

    static String clock(long nanos) {
        long s = nanos / 1_000_000_000L;
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
