package dev.unmask.examples.cli;

import dev.unmask.backend.Backend;
import dev.unmask.detectors.latent.LatentRestorationModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Loads a VQ-VAE bundle from {@code train-vqvae}, trains the PixelSNAIL prior of its preset on the codes of
 * the training images, calibrates on the held-out share and writes the latent-restoration bundle.
 */
@Command(name = "train-prior", mixinStandardHelpOptions = true,
        description = "Train the PixelSNAIL prior on the codes of a trained VQ-VAE, calibrate, write a bundle.")
final class TrainPriorCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options;

    @Option(names = "--vqvae", required = true, description = "vqvae bundle written by train-vqvae (.safetensors)")
    Path vqvae;

    @Option(names = "--prior-steps", description = "PixelSNAIL prior training steps (default: ${DEFAULT-VALUE})")
    long steps = 400;

    @Option(names = "--prior-lr", description = "PixelSNAIL prior learning rate (Adam; default: ${DEFAULT-VALUE})")
    double rate = 1e-3;

    @Option(names = {"-o", "--output"}, required = true, description = "bundle to write (.safetensors)")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        try (Backend backend = options.backendOption.create()) {
            LatentRestorationModel model = VqVaeBundle.load(vqvae, options.seed, backend);
            TrainingOptions.Split split = options.load(model.channels(), model.imageSize(), out);
            options.trainPriorAndCalibrate(model, split, steps, rate, output, out);
        }
        return 0;
    }
}
