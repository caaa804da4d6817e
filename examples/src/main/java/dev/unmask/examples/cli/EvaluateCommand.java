package dev.unmask.examples.cli;

import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.Detector;
import dev.unmask.FaceFinding;
import dev.unmask.faces.FaceCrop;
import dev.unmask.backend.Backend;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.data.Example;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFileException;
import dev.unmask.data.ImageFolder;
import dev.unmask.data.ImageOps;
import dev.unmask.detectors.OutputKey;
import dev.unmask.io.MessageText;
import org.knowm.xchart.XYChart;
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
                + "manipulation method or difficulty and per video; write ROC/PR curves, a score histogram (and for "
                + "the one-class VAEs a PCA scatter of the latent means) and report.html.")
final class EvaluateCommand implements Callable<Integer> {
    private static final int BATCH = 16;
    // a resized mask pixel counts as manipulated when at least half of it was
    private static final float MASK_LEVEL = 0.5f;
    /** The plot of the families that output latent means ({@link OutputKey#LATENT_MEAN}). */
    static final String LATENT_PCA = "latent-pca";

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, description = "calibrated model bundle")
    Path model;

    @Parameters(index = "0", paramLabel = "ROOT", description = "labelled images (see --layout)")
    Path root;

    @Option(names = {"-o", "--output"}, description = "folder for roc.png, pr.png, histogram.png, latent-pca.png (families with latent means) and report.html")
    Path output;

    @Option(names = "--layout", description = "auto, folders (real/ and fake/, fake/METHOD/...), rff "
            + "(Real-and-Fake-Face file names) or ffpp (FaceForensics++ frames) (default: ${DEFAULT-VALUE})")
    String layout = "auto";

    @Option(names = "--masks", description = "masks at the same relative paths: adds pixel AUROC, AP and best Dice "
            + "(runs restoration: slower)")
    Path masks;

    @Option(names = "--positive", description = "the positive class of precision, recall, F1 and AP: fake or real (the "
            + "one-class studies take real; the scores are then negated) (default: ${DEFAULT-VALUE})")
    String positive = "fake";

    @Option(names = "--faces", description = "find the faces in each image (OpenCV's frontal Haar cascade) and score "
            + "their crops: an image's score is its most suspicious face's; an image without a face is reported and "
            + "left out")
    boolean faces;

    @Option(names = "--crop-scale", description = "with --faces: the square crop's side over the face box's longer "
            + "side (default: ${DEFAULT-VALUE})")
    double cropScale = FaceCrop.DEFAULT_SCALE;

    @Mixin
    BackendOption backendOption = new BackendOption();

    @Mixin
    ScoringOverrides overrides = new ScoringOverrides();

    @Override
    public Integer call() throws IOException {
        if (!positive.equals("fake") && !positive.equals("real")) {
            throw new IllegalArgumentException("--positive must be fake or real, got " + MessageText.quote(positive));
        }
        if (faces && masks != null) {
            throw new IllegalArgumentException("--masks cannot be combined with --faces (masks cover whole images)");
        }
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
                    sampleLayout.groupings(paths, labels), sampleLayout.videos(paths), positive.equals("real"));
            evaluation.print(System.out);
            Evaluation.Pixels pixels = masks != null ? Evaluation.Pixels.of(maps, pixelMasks,
                    detector.inputSpec().height(), detector.inputSpec().width()) : null;
            if (pixels != null) {
                System.out.println(pixels.line());
            }
            if (output != null) {
                Files.createDirectories(output);
                Map<String, BufferedImage> plots = evaluation.writePlots(output);
                if (scored.latents().size() == n && n >= 2) {
                    int step = (n + LatentPca.MAX_POINTS - 1) / LatentPca.MAX_POINTS;
                    List<float[]> shown = new ArrayList<>();
                    boolean[] shownLabels = new boolean[(n + step - 1) / step];
                    for (int k = 0; k < n; k += step) {
                        shownLabels[shown.size()] = labels[k];
                        shown.add(scored.latents().get(k));
                    }
                    XYChart pca = Plots.scatter("latent means, first two principal components"
                            + (step > 1 ? " (every " + step + "th image)" : ""), "PC 1", "PC 2",
                            LatentPca.project(shown), shownLabels);
                    Plots.write(pca, output.resolve(LATENT_PCA));
                    plots.put(LATENT_PCA + ".png", Plots.image(pca));
                }
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
                System.err.println(scored.skipped() + " of " + folder.size() + " images skipped ("
                        + (faces ? "unreadable or no face found" : "unreadable") + ")");
                return UnmaskCommand.FAILURE;
            }
        }
        return 0;
    }

    /** The scores of the images that could be read (by their indices in the folder), with heat-maps and masks. */
    private record Scores(List<Integer> kept, List<Double> scores, List<float[]> maps, List<boolean[]> masks,
                          List<float[]> latents, int skipped) {
    }

    /**
     * Scores every image that can be read; with masks also its heat-map and its mask at the model's input size; with
     * {@code --faces} the crops of the faces found in it, the image taking its most suspicious face's score. An
     * unreadable image (or mask), or one without a face, is reported and skipped.
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
        List<float[]> latents = new ArrayList<>();
        int skipped = 0;
        if (faces) {
            FaceFinding finding = FaceFinding.defaults().withCropScale(cropScale);
            for (int i = 0; i < n; i++) {
                Path file = root.resolve(folder.relativePath(i));
                try {
                    List<Detection> found = detector.detectFaces(file, finding, options);
                    if (found.isEmpty()) {
                        System.err.println("skipped: " + file + ": no face found");
                        skipped++;
                    } else {
                        double most = Double.NEGATIVE_INFINITY;
                        for (Detection d : found) {
                            most = Math.max(most, detector.model().polarity().suspicion(d.rawScore()));
                        }
                        kept.add(i);
                        scores.add(most);
                    }
                } catch (ImageFileException e) {
                    System.err.println("skipped: " + ErrorMessages.describe(e));
                    skipped++;
                }
                progress.advance(1);
            }
            return new Scores(kept, scores, maps, pixelMasks, latents, skipped);
        }
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
                    d.output(OutputKey.LATENT_MEAN).ifPresent(latents::add);
                    if (masks != null) {
                        maps.add(d.heatMap().data());
                    }
                }
                batch.clear();
                progress.advance(got.size());
            }
        }
        return new Scores(kept, scores, maps, pixelMasks, latents, skipped);
    }

    private Map<String, Object> settings(SampleLayout sampleLayout, int n, Detector detector) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", "unmask " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs()));
        out.put("model", model.toAbsolutePath().normalize().toString());
        out.put("images", root.toAbsolutePath().normalize() + " (" + n + " files, layout " + sampleLayout.option() + ")");
        out.put("model type", detector.modelType());
        out.put("faces", faces ? "found by OpenCV's frontal Haar cascade, crops of " + cropScale
                + " x the box's longer side; an image scores as its most suspicious face" : "images scored whole");
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
