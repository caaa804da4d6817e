package dev.unmask.examples.cli;

import dev.unmask.backend.Backend;
import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.detectors.latent.LatentRestorationTraining;
import dev.unmask.detectors.latent.Calibration;
import dev.unmask.detectors.latent.LatentAnomalyScorer;
import dev.unmask.detectors.latent.LatentThresholds;
import dev.unmask.detectors.latent.RestorationSettings;
import dev.unmask.detectors.reconstruction.ReconstructionTraining;
import dev.unmask.io.ModelBundle;
import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

/**
 * Calibrates a bundle on held-out real images and writes the calibrated bundle: the same percentiles as
 * {@link LatentRestorationTraining#calibrate}, with the images read one batch at a time and a progress bar
 * over the prior passes. The decision threshold is a percentile of the real scores (default), a value set
 * by hand, or the F1-max threshold on a labelled validation folder. Bundles of the other families, whose calibration
 * is the decision alone, are calibrated by {@link DecisionCalibration}.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Calibrate the decision threshold (and latent restoration's lambda_s, lambda_p) on held-out real images.")
final class CalibrateCommand implements Callable<Integer> {
    private static final int BATCH = 32;
    /**
     * The fewest real images calibrated on without {@code --force}: below 20 the default threshold, the 95th
     * percentile of their scores, is an interpolation between the two highest scores, not an estimate.
     */
    static final int MINIMUM_IMAGES = 20;

    @Option(names = {"-m", "--model"}, required = true, description = "model bundle to calibrate")
    Path model;

    @Option(names = {"-o", "--output"}, description = "calibrated bundle (default: overwrite --model)")
    Path output;

    @Parameters(arity = "1..*", paramLabel = "REAL-FILES-OR-FOLDERS", description = "held-out real images")
    List<Path> inputs;

    @ArgGroup(exclusive = true)
    ThresholdChoice threshold = new ThresholdChoice();

    @Option(names = "--force", description = "calibrate on fewer than " + MINIMUM_IMAGES + " images (with a warning)")
    boolean force;

    @Mixin
    BackendOption backendOption = new BackendOption();

    /** How the decision threshold is chosen: at most one of the three. */
    static final class ThresholdChoice {
        @Option(names = "--threshold-percent", description = "percentile of the real sample scores (default: "
                + LatentRestorationTraining.THRESHOLD_PERCENT + " for latent restoration, "
                + ReconstructionTraining.ONE_CLASS_PERCENT + " for the other families)")
        Double percent;

        @Option(names = "--threshold-value", description = "a sample-score threshold set by hand")
        Double value;

        @Option(names = "--f1-max", paramLabel = "DIR",
                description = "the F1-maximising threshold on a labelled folder with real/ and fake/ sub-folders")
        Path validation;
    }

    @Override
    public Integer call() throws Exception {
        List<Path> files = ImageInputs.collect(inputs);
        if (files.size() < MINIMUM_IMAGES) {
            String problem = "calibrating on " + files.size() + " real images, fewer than " + MINIMUM_IMAGES
                    + ": the thresholds would be noise";
            if (!force) {
                throw new IllegalArgumentException(problem + " (give more images, or --force)");
            }
            System.err.println("warning: " + problem);
        }
        Path target = output != null ? output : model;
        ModelBundle bundle = ModelBundle.read(model);
        try (Backend backend = backendOption.create()) {
            if (DecisionCalibration.handles(bundle)) {
                DecisionCalibration.calibrate(bundle, model, target, files, threshold, backend);
            } else {
                calibrateLatent(files, target, backend);
            }
        }
        return 0;
    }

    private void calibrateLatent(List<Path> files, Path target, Backend backend) throws IOException {
        LatentRestorationModel m = LatentRestorationModel.load(model, backend);
        System.err.println("calibrating on " + files.size() + " real images");
        Progress.Counter progress = Progress.counter(System.err, "images", files.size());
        LatentAnomalyScorer scorer = m.scorer(RestorationSettings.DEFAULTS);
        LatentAnomalyScorer.RealStatistics real = scorer.realStatistics(() -> batches(m, files, progress),
                LatentThresholds.SAMPLE_PERCENT, LatentThresholds.RESTORATION_PERCENT);
        Calibration c = choose(m, scorer, real);
        m.setCalibration(c);
        m.save(target);
        System.out.printf(Locale.ROOT, "lambda_s %.4f, lambda_p %.4f, threshold %.4f (%s); wrote %s%n",
                c.lambdaS(), c.lambdaP(), c.threshold().value(), c.threshold().method(), target);
    }

    /** The calibration with the threshold asked for; the normaliser is fitted to the scores it was chosen on. */
    private Calibration choose(LatentRestorationModel m, LatentAnomalyScorer scorer, LatentAnomalyScorer.RealStatistics real) {
        if (threshold.value != null) {
            return Calibration.fit(real.latent(), DecisionThreshold.manual(threshold.value), real.sampleScores());
        }
        if (threshold.validation != null) {
            List<Path> reals = ImageInputs.collect(List.of(labelled(threshold.validation, "real")));
            List<Path> fakes = ImageInputs.collect(List.of(labelled(threshold.validation, "fake")));
            List<Path> files = new ArrayList<>(reals);
            files.addAll(fakes);
            boolean[] labels = new boolean[files.size()];
            Arrays.fill(labels, reals.size(), labels.length, true);
            System.err.println("choosing the F1-max threshold on " + reals.size() + " real and " + fakes.size() + " fake images");
            Progress.Counter progress = Progress.counter(System.err, "images", files.size());
            double[] scores = new double[files.size()];
            int at = 0;
            for (Iterator<Tensor> it = batches(m, files, progress); it.hasNext(); ) {
                double[] batch = scorer.sampleScores(it.next(), real.latent().lambdaS());
                System.arraycopy(batch, 0, scores, at, batch.length);
                at += batch.length;
            }
            return Calibration.fit(real.latent(), DecisionThreshold.f1Max(scores, labels), scores);
        }
        double percent = threshold.percent != null ? threshold.percent : LatentRestorationTraining.THRESHOLD_PERCENT;
        double[] scores = real.sampleScores();
        return Calibration.fit(real.latent(), DecisionThreshold.percentileOfReal(scores, new boolean[scores.length], percent),
                scores);
    }

    static Path labelled(Path root, String label) {
        Path folder = root.resolve(label);
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--f1-max " + root + ": no " + label + "/ sub-folder");
        }
        return folder;
    }

    /**
     * The files as batches of model inputs, read when asked for; a batch counts as done on the progress bar
     * when the next one is asked for (or the end is reached), that is once the caller has run it through the prior.
     */
    private static Iterator<Tensor> batches(LatentRestorationModel m, List<Path> files, Progress.Counter progress) {
        return new Iterator<>() {
            private int next;
            private int pending;

            @Override
            public boolean hasNext() {
                if (next < files.size()) {
                    return true;
                }
                progress.advance(pending);
                pending = 0;
                return false;
            }

            @Override
            public Tensor next() {
                if (next >= files.size()) {
                    throw new NoSuchElementException();
                }
                progress.advance(pending);
                int count = Math.min(BATCH, files.size() - next);
                float[] data = ImageInputs.readAll(files.subList(next, next + count), m.channels(), m.imageSize());
                next += count;
                pending = count;
                return m.backend().fromFloats(data, Shape.of(count, m.channels(), m.imageSize(), m.imageSize()));
            }
        };
    }
}
