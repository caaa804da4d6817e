package dev.unmask.examples.cli;

import dev.unmask.LatentRestorationModel;
import dev.unmask.LatentRestorationTraining;
import dev.unmask.anomaly.Calibration;
import dev.unmask.anomaly.LatentThresholds;
import dev.unmask.anomaly.RestorationSettings;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

/**
 * Calibrates a bundle on held-out real images and writes the calibrated bundle: the same percentiles as
 * {@link LatentRestorationTraining#calibrate}, with the images read one batch at a time and a progress bar
 * over the prior passes.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Calibrate lambda_s, lambda_p and the decision threshold on held-out real images.")
final class CalibrateCommand implements Callable<Integer> {
    private static final int BATCH = 32;

    @Option(names = {"-m", "--model"}, required = true, description = "model bundle to calibrate")
    Path model;

    @Option(names = {"-o", "--output"}, description = "calibrated bundle (default: overwrite --model)")
    Path output;

    @Parameters(arity = "1..*", paramLabel = "REAL-FILES-OR-FOLDERS", description = "held-out real images")
    List<Path> inputs;

    @Override
    public Integer call() throws Exception {
        LatentRestorationModel m = LatentRestorationModel.load(model);
        List<Path> files = ImageInputs.collect(inputs);
        System.err.println("calibrating on " + files.size() + " real images");
        ProgressBar.Counter progress = ProgressBar.Counter.forOutput(System.err, "images", files.size());
        Calibration c = m.scorer(RestorationSettings.DEFAULTS).calibrate(() -> batches(m, files, progress),
                LatentThresholds.SAMPLE_PERCENT, LatentThresholds.RESTORATION_PERCENT,
                LatentRestorationTraining.THRESHOLD_PERCENT);
        m.setCalibration(c);
        Path target = output != null ? output : model;
        m.save(target);
        System.out.printf(Locale.ROOT, "lambda_s %.4f, lambda_p %.4f, threshold %.4f (%s); wrote %s%n",
                c.lambdaS(), c.lambdaP(), c.threshold().value(), c.threshold().method(), target);
        return 0;
    }

    /**
     * The files as batches of model inputs, read when asked for; a batch counts as done on the progress bar
     * when the next one is asked for (or the end is reached), that is once the caller has run it through the prior.
     */
    private static Iterator<Tensor> batches(LatentRestorationModel m, List<Path> files, ProgressBar.Counter progress) {
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
