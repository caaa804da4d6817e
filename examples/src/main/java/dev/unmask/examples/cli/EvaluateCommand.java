package dev.unmask.examples.cli;

import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.Detector;
import dev.unmask.backend.Backend;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.data.Example;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFileException;
import dev.unmask.data.ImageFolder;
import dev.unmask.data.ImageOps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Scores a labelled folder and reports the metrics: overall, per group and per video as the
 * {@link SampleLayout} allows, with pixel metrics when masks are given; writes the plots and
 * {@code report.html}.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score labelled folders under ROOT and print AUROC, AP, EER, F1 and accuracy, overall, per "
                + "manipulation method or difficulty and per video; write ROC/PR curves, a score histogram and report.html.")
final class EvaluateCommand implements Callable<Integer> {
    private static final int BATCH = 16;
    // a resized mask pixel counts as manipulated when at least half of it was
    private static final float MASK_LEVEL = 0.5f;

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, description = "calibrated model bundle")
    Path model;

    @Parameters(index = "0", paramLabel = "ROOT", description = "labelled images (see --layout)")
    Path root;

    @Option(names = {"-o", "--output"}, description = "folder for roc.png, pr.png, histogram.png and report.html")
    Path output;

    @Option(names = "--layout", description = "auto, folders (real/ and fake/, fake/METHOD/...), rff "
            + "(Real-and-Fake-Face file names) or ffpp (FaceForensics++ frames) (default: ${DEFAULT-VALUE})")
    String layout = "auto";

    @Option(names = "--masks", description = "masks at the same relative paths: adds pixel AUROC, AP and best Dice "
            + "(runs restoration: slower)")
    Path masks;

    @Mixin
    BackendOption backendOption = new BackendOption();

    @Mixin
    ScoringOverrides overrides = new ScoringOverrides();

    @Override
    public Integer call() throws IOException {
        List<Path> relative = ImageInputs.collect(List.of(root)).stream().map(root::relativize).toList();
        SampleLayout sampleLayout = SampleLayout.parse(layout, relative);
        try (Backend backend = backendOption.create(); Detector detector = Detector.load(model, backend)) {
            ImageFolder.Builder builder = sampleLayout.labels(ImageFolder.builder(root)).channels(detector.inputSpec().channels());
            if (masks != null) {
                builder.masks(masks);
            }
            ImageFolder folder = builder.build();
            Scores scored = score(detector, folder);
            int n = scored.kept().size();
            if (n == 0) {
                throw new IllegalStateException("no image under " + root + " could be scored");
            }
            List<Path> paths = new ArrayList<>(n);
            boolean[] labels = new boolean[n];
            double[] scores = new double[n];
            for (int k = 0; k < n; k++) {
                int i = scored.kept().get(k);
                paths.add(folder.relativePath(i));
                labels[k] = folder.label(i) == 1;
                scores[k] = scored.scores().get(k);
            }
            List<float[]> maps = scored.maps();
            List<boolean[]> pixelMasks = scored.masks();
            ScoreDecision decision = detector.decision();
            Evaluation evaluation = Evaluation.of(scores, labels, decision.threshold().value(),
                    sampleLayout.groupings(paths, labels), sampleLayout.videos(paths));
            evaluation.print(System.out);
            Evaluation.Pixels pixels = masks != null ? Evaluation.Pixels.of(maps, pixelMasks,
                    detector.inputSpec().height(), detector.inputSpec().width()) : null;
            if (pixels != null) {
                System.out.println(pixels.line());
            }
            if (output != null) {
                Files.createDirectories(output);
                Map<String, BufferedImage> plots = evaluation.writePlots(output);
                HtmlReport report = new HtmlReport("Unmask evaluation: " + root.getFileName());
                report.keyValues("settings", settings(sampleLayout, n, detector));
                evaluation.addTo(report, plots);
                if (pixels != null) {
                    report.keyValues("pixel level (restoration heat-maps against " + masks + ")", pixels.values());
                }
                Path page = report.write(output.resolve("report.html"));
                System.err.println("wrote " + String.join(", ", plots.keySet()) + " and " + page + " in " + output);
            }
            if (scored.skipped() > 0) {
                System.err.println(scored.skipped() + " of " + folder.size() + " images skipped (unreadable)");
                return UnmaskCommand.FAILURE;
            }
        }
        return 0;
    }

    /** The scores of the images that could be read (by their indices in the folder), with heat-maps and masks. */
    private record Scores(List<Integer> kept, List<Double> scores, List<float[]> maps, List<boolean[]> masks, int skipped) {
    }

    /**
     * Scores every image that can be read; with masks also its heat-map and its mask at the model's input size. An
     * unreadable image (or mask) is reported and skipped.
     */
    private Scores score(Detector detector, ImageFolder folder) {
        int n = folder.size();
        int s = detector.inputSpec().height();
        DetectionOptions options = overrides.options(masks != null);
        Progress.Counter progress = Progress.counter(System.err, "images", n);
        List<Integer> kept = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<float[]> maps = new ArrayList<>();
        List<boolean[]> pixelMasks = new ArrayList<>();
        int skipped = 0;
        List<FloatImage> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                if (masks != null) {
                    Example example = folder.get(i);
                    batch.add(detector.prepare(example.image()));
                    pixelMasks.add(binary(resize(example.mask(), s)));
                } else {
                    batch.add(detector.read(root.resolve(folder.relativePath(i))));
                }
                kept.add(i);
            } catch (ImageFileException e) {
                System.err.println("skipped: " + ErrorMessages.describe(e));
                skipped++;
                progress.advance(1);
            }
            if (!batch.isEmpty() && (batch.size() == BATCH || i == n - 1)) {
                List<Detection> got = detector.detectAll(batch, options);
                for (Detection d : got) {
                    scores.add(detector.model().polarity().suspicion(d.rawScore()));
                    if (masks != null) {
                        maps.add(d.heatMap().data());
                    }
                }
                batch.clear();
                progress.advance(got.size());
            }
        }
        return new Scores(kept, scores, maps, pixelMasks, skipped);
    }

    private Map<String, Object> settings(SampleLayout sampleLayout, int n, Detector detector) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", "unmask " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs()));
        out.put("model", model.toAbsolutePath().normalize().toString());
        out.put("images", root.toAbsolutePath().normalize() + " (" + n + " files, layout " + sampleLayout.option() + ")");
        out.put("model type", detector.modelType());
        out.putAll(overrides.describe(detector));
        out.put("decision threshold", detector.decision().threshold().value() + " (on the suspicion score)");
        out.put("threshold method", detector.decision().threshold().method().toString());
        return out;
    }

    private static FloatImage resize(FloatImage image, int size) {
        return image.height() == size && image.width() == size ? image : ImageOps.resizeBilinear(image, size, size);
    }

    private static boolean[] binary(FloatImage mask) {
        float[] m = mask.data();
        boolean[] out = new boolean[m.length];
        for (int p = 0; p < m.length; p++) {
            out[p] = m[p] >= MASK_LEVEL;
        }
        return out;
    }
}
