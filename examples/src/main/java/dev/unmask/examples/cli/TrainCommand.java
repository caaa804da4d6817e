package dev.unmask.examples.cli;

import dev.unmask.LatentRestorationModel;
import dev.unmask.LatentRestorationTraining;
import dev.unmask.anomaly.Calibration;
import dev.unmask.data.SynthFaces;
import dev.unmask.train.ConsoleProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Trains a latent-restoration model on real images (a folder, or synthetic faces), with checkpoints and
 * progress, calibrates it on a held-out share of them and writes the bundle.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the VQ-VAE, then the PixelSNAIL prior on its codes, calibrate on held-out reals, write a bundle.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", description = "folder of real images (default: synthetic faces)")
    Path data;

    @Option(names = "--synthetic", description = "synthetic faces to generate when no --data (default: ${DEFAULT-VALUE})")
    int synthetic = 1024;

    @Option(names = "--preset", description = "model shape: demo-32, faces-128, fmnist-32 (default: ${DEFAULT-VALUE})")
    String preset = "demo-32";

    @Option(names = "--vqvae-steps", description = "(default: ${DEFAULT-VALUE})")
    long vqvaeSteps = 800;

    @Option(names = "--prior-steps", description = "(default: ${DEFAULT-VALUE})")
    long priorSteps = 400;

    @Option(names = "--batch", description = "(default: ${DEFAULT-VALUE})")
    int batch = 32;

    @Option(names = "--vqvae-lr", description = "(default: ${DEFAULT-VALUE})")
    double vqvaeRate = 2e-3;

    @Option(names = "--prior-lr", description = "(default: ${DEFAULT-VALUE})")
    double priorRate = 1e-3;

    @Option(names = "--calibration-share", description = "share of the images held out for calibration (default: ${DEFAULT-VALUE})")
    double calibrationShare = 0.1;

    @Option(names = "--checkpoints", description = "checkpoint folder; training resumes from it")
    Path checkpoints;

    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    long checkpointEvery = 100;

    @Option(names = "--seed", description = "(default: ${DEFAULT-VALUE})")
    long seed = 7;

    @Option(names = {"-o", "--output"}, required = true, description = "bundle to write (.safetensors)")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Presets shapes = Presets.of(preset);
        LatentRestorationModel model = LatentRestorationModel.create(shapes.vqvae(), shapes.prior(), seed);
        int size = model.imageSize();
        int channels = model.channels();
        int per = channels * size * size;
        float[] all;
        if (data != null) {
            List<Path> files = ImageInputs.collect(List.of(data));
            out.println("reading " + files.size() + " images from " + data);
            all = ImageInputs.readAll(files, channels, size);
        } else {
            if (channels != 3) {
                throw new IllegalArgumentException("synthetic faces are RGB; preset " + preset + " takes " + channels + " channel(s)");
            }
            SynthFaces faces = new SynthFaces(seed, size, 0);
            all = new float[synthetic * per];
            for (int i = 0; i < synthetic; i++) {
                System.arraycopy(faces.face(i).data(), 0, all, i * per, per);
            }
        }
        int n = all.length / per;
        int held = Math.max(1, (int) Math.round(n * calibrationShare));
        if (held >= n) {
            throw new IllegalArgumentException("need more images than the " + held + " held out for calibration, got " + n);
        }
        float[] train = java.util.Arrays.copyOf(all, (n - held) * per);
        float[] calibration = java.util.Arrays.copyOfRange(all, (n - held) * per, all.length);
        out.printf(Locale.ROOT, "training the VQ-VAE on %d images (%d steps)%n", n - held, vqvaeSteps);
        LatentRestorationTraining.trainVqVae(model.vqvae(), train, size, settings(vqvaeSteps, vqvaeRate, "vqvae", out));
        out.printf(Locale.ROOT, "training the prior (%d steps)%n", priorSteps);
        int[] codes = LatentRestorationTraining.extractCodes(model.vqvae(), train, size, 64);
        LatentRestorationTraining.trainPrior(model.priorModel(), codes, settings(priorSteps, priorRate, "prior", out));
        Calibration c = LatentRestorationTraining.calibrate(model, calibration, 32);
        model.save(output);
        out.printf(Locale.ROOT, "calibrated on %d held-out images: lambda_s %.4f, lambda_p %.4f, threshold %.4f; wrote %s%n",
                held, c.lambdaS(), c.lambdaP(), c.threshold().value(), output);
        return 0;
    }

    private LatentRestorationTraining.Settings settings(long steps, double rate, String part, PrintStream out) {
        Path folder = checkpoints == null ? null : checkpoints.resolve(part);
        return new LatentRestorationTraining.Settings(steps, batch, rate, seed, folder, checkpointEvery,
                new ConsoleProgress(out, Math.max(1, Math.min(100, steps / 10))));
    }
}
