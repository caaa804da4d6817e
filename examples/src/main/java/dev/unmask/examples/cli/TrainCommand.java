package dev.unmask.examples.cli;

import dev.unmask.detectors.latent.LatentRestorationModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Trains a detector and writes its calibrated bundle. {@code --detector latent-restoration} (the default) trains a
 * latent-restoration model on real images (a folder, or synthetic faces), with checkpoints and progress,
 * calibrates it on a held-out share of them: {@code train-vqvae} followed by {@code train-prior} without the
 * VQ-VAE file in between. The one-class VAEs and {@code ae-logistic} are trained by
 * {@link ReconstructionTrainingCommand}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a detector (default: the VQ-VAE, then the PixelSNAIL prior on its codes), calibrate on "
                + "held-out images, write a bundle.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options;

    @Option(names = "--detector", description = "latent-restoration, "
            + "oc-fakedect-1, oc-fakedect-2, resnet18-vae, resnet18-vae-asym, ae-logistic (default: ${DEFAULT-VALUE})")
    String detector = "latent-restoration";

    @Option(names = "--steps", description = "training steps of each stage (one-class VAEs, ae-logistic; default 1000)")
    Long steps;

    @Option(names = "--lr", description = "learning rate (Adam; one-class VAEs, ae-logistic; default 1e-3)")
    Double rate;

    @Mixin
    ReconstructionTrainingCommand.Options reconstruction = new ReconstructionTrainingCommand.Options();

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
        switch (detector) {
            case "latent-restoration" -> trainLatentRestoration(out);
            case "oc-fakedect-1", "oc-fakedect-2", "resnet18-vae", "resnet18-vae-asym", "ae-logistic" ->
                    new ReconstructionTrainingCommand(options, reconstruction, steps, rate, out).run(detector, output);
            default -> throw new IllegalArgumentException("unknown --detector '" + detector + "'; valid: latent-restoration, "
                    + String.join(", ", ReconstructionTrainingCommand.DETECTORS));
        }
        return 0;
    }

    private void trainLatentRestoration(PrintStream out) throws IOException {
        Presets shapes = Presets.of(preset);
        LatentRestorationModel model = LatentRestorationModel.create(shapes.vqvae(), shapes.prior(), options.seed);
        TrainingOptions.Split split = options.load(model.channels(), model.imageSize(), out);
        options.trainVqVae(model, split, vqvaeSteps, vqvaeRate, out);
        options.trainPriorAndCalibrate(model, split, priorSteps, priorRate, output, out);
    }
}
