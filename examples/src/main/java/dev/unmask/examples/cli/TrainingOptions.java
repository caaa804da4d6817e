package dev.unmask.examples.cli;

import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.detectors.latent.LatentRestorationTraining;
import dev.unmask.detectors.latent.Calibration;
import dev.unmask.data.SynthFaces;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The options and steps shared by {@code train}, {@code train-vqvae} and {@code train-prior}: the training
 * images (a folder or synthetic faces) split into a training part and a held-out calibration share, batch
 * size, checkpoints and seed. The split is the same in all three commands, so a VQ-VAE from
 * {@code train-vqvae} never saw the images {@code train-prior} calibrates on.
 */
final class TrainingOptions {
    @Option(names = "--data", description = "folder of real images (default: synthetic faces)")
    Path data;

    @Option(names = "--synthetic", description = "synthetic faces to generate when no --data (default: ${DEFAULT-VALUE})")
    int synthetic = 1024;

    @Option(names = "--batch", description = "images per training step (default: ${DEFAULT-VALUE})")
    int batch = 32;

    @Option(names = "--calibration-share", description = "share of the images held out for calibration (default: ${DEFAULT-VALUE})")
    double calibrationShare = 0.1;

    @Mixin
    CodebookRestartOption codebookRestart = new CodebookRestartOption();

    @Option(names = "--checkpoints", description = "checkpoint folder; training resumes from it")
    Path checkpoints;

    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    long checkpointEvery = 100;

    @Option(names = "--seed", description = "seed of the data split, initialisation and sampling (default: ${DEFAULT-VALUE})")
    long seed = 7;

    @Mixin
    BackendOption backendOption = new BackendOption();

    /** Training images and held-out calibration images, each n * C * S * S values in [-1, 1]. */
    record Split(float[] train, float[] calibration, int trainCount, int heldCount) {
    }

    /**
     * Reads {@code --data} (or generates {@code --synthetic} faces) at {@code channels} x {@code size} x
     * {@code size} and holds out the last {@code --calibration-share} of them (at least one image).
     *
     * @throws IllegalArgumentException when synthetic faces are asked for a non-RGB model, or nothing is
     *     left to train on
     */
    Split load(int channels, int size, PrintStream out) throws IOException {
        int per = channels * size * size;
        float[] all;
        if (data != null) {
            List<Path> files = ImageInputs.collect(List.of(data));
            out.println("reading " + files.size() + " images from " + data);
            all = ImageInputs.readAll(files, channels, size);
        } else {
            if (channels != 3) {
                throw new IllegalArgumentException("synthetic faces are RGB; the model takes " + channels + " channel(s)");
            }
            if (synthetic < 1) {
                throw new IllegalArgumentException("--synthetic must be at least 1, got " + synthetic);
            }
            SynthFaces faces = new SynthFaces(seed, size, 0);
            all = new float[synthetic * per];
            for (int i = 0; i < synthetic; i++) {
                System.arraycopy(faces.face(i).data(), 0, all, i * per, per);
            }
        }
        if (!(calibrationShare > 0 && calibrationShare < 1)) {
            throw new IllegalArgumentException("--calibration-share must lie in (0, 1), got " + calibrationShare);
        }
        int n = all.length / per;
        int held = Math.max(1, (int) Math.round(n * calibrationShare));
        if (held >= n) {
            throw new IllegalArgumentException("need more images than the " + held + " held out for calibration, got " + n);
        }
        return new Split(Arrays.copyOf(all, (n - held) * per), Arrays.copyOfRange(all, (n - held) * per, all.length),
                n - held, held);
    }

    /** Trains the VQ-VAE of {@code model} on the training part; checkpoints go to {@code --checkpoints}/vqvae. */
    void trainVqVae(LatentRestorationModel model, Split split, long steps, double rate, PrintStream out) throws IOException {
        out.printf(Locale.ROOT, "training the VQ-VAE on %d images (%d steps)%n", split.trainCount(), steps);
        codebookRestart.applyTo(model.vqvae());
        LatentRestorationTraining.trainVqVae(model.vqvae(), split.train(), model.imageSize(),
                settings(steps, rate, "vqvae", out));
    }

    /**
     * Extracts the codes of the training part, trains the prior of {@code model} on them (checkpoints in
     * {@code --checkpoints}/prior), calibrates on the held-out share and writes the bundle to {@code output}.
     */
    void trainPriorAndCalibrate(LatentRestorationModel model, Split split, long steps, double rate, Path output,
                                PrintStream out) throws IOException {
        out.printf(Locale.ROOT, "training the prior on the codes of %d images (%d steps)%n", split.trainCount(), steps);
        int[] codes = LatentRestorationTraining.extractCodes(model.vqvae(), split.train(), model.imageSize(), 64);
        LatentRestorationTraining.trainPrior(model.priorModel(), codes, settings(steps, rate, "prior", out));
        Calibration c = LatentRestorationTraining.calibrate(model, split.calibration(), 32);
        model.save(output);
        out.printf(Locale.ROOT, "calibrated on %d held-out images: lambda_s %.4f, lambda_p %.4f, threshold %.4f; wrote %s%n",
                split.heldCount(), c.lambdaS(), c.lambdaP(), c.threshold().value(), output);
    }

    private LatentRestorationTraining.Settings settings(long steps, double rate, String part, PrintStream out) {
        Path folder = checkpoints == null ? null : checkpoints.resolve(part);
        return new LatentRestorationTraining.Settings(steps, batch, rate, seed, folder, checkpointEvery,
                Progress.training(out, steps));
    }
}
