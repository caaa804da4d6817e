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
 * Trains a latent-restoration model on real images (a folder, or synthetic faces), with checkpoints and
 * progress, calibrates it on a held-out share of them and writes the bundle: {@code train-vqvae} followed by
 * {@code train-prior} without the VQ-VAE file in between.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the VQ-VAE, then the PixelSNAIL prior on its codes, calibrate on held-out reals, write a bundle.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options;

    @Option(names = "--preset", description = "model shape: demo-32, faces-128, fmnist-32 (default: ${DEFAULT-VALUE})")
    String preset = "demo-32";

    @Option(names = "--vqvae-steps", description = "VQ-VAE training steps (default: ${DEFAULT-VALUE})")
    long vqvaeSteps = 800;

    @Option(names = "--prior-steps", description = "PixelSNAIL prior training steps (default: ${DEFAULT-VALUE})")
    long priorSteps = 400;

    @Option(names = "--vqvae-lr", description = "VQ-VAE learning rate (Adam; default: ${DEFAULT-VALUE})")
    double vqvaeRate = 2e-3;

    @Option(names = "--prior-lr", description = "PixelSNAIL prior learning rate (Adam; default: ${DEFAULT-VALUE})")
    double priorRate = 1e-3;

    @Option(names = {"-o", "--output"}, required = true, description = "bundle to write (.safetensors)")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Presets shapes = Presets.of(preset);
        try (Backend backend = options.backendOption.create()) {
            LatentRestorationModel model = LatentRestorationModel.create(shapes.vqvae(), shapes.prior(), options.seed,
                    backend);
            TrainingOptions.Split split = options.load(model.channels(), model.imageSize(), out);
            options.trainVqVae(model, split, vqvaeSteps, vqvaeRate, out);
            options.trainPriorAndCalibrate(model, split, priorSteps, priorRate, output, out);
        }
        return 0;
    }
}
