package dev.unmask.examples.cli;

import dev.unmask.backend.Backend;
import dev.unmask.detectors.latent.LatentRestorationModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Trains only the VQ-VAE of a preset and writes it as a {@value VqVaeBundle#MODEL_TYPE} bundle for {@code train-prior}. */
@Command(name = "train-vqvae", mixinStandardHelpOptions = true,
        description = "Train the VQ-VAE alone on real images and write a vqvae bundle (then run train-prior).")
final class TrainVqVaeCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options;

    @Option(names = "--preset", description = "model shape: demo-32, faces-128, fmnist-32 (default: ${DEFAULT-VALUE})")
    String preset = "demo-32";

    @Option(names = "--vqvae-steps", description = "VQ-VAE training steps (default: ${DEFAULT-VALUE})")
    long steps = 800;

    @Option(names = "--vqvae-lr", description = "VQ-VAE learning rate (Adam; default: ${DEFAULT-VALUE})")
    double rate = 2e-3;

    @Option(names = {"-o", "--output"}, required = true, description = "vqvae bundle to write (.safetensors)")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Presets shapes = Presets.of(preset);
        try (Backend backend = options.backendOption.create()) {
            LatentRestorationModel model = LatentRestorationModel.create(shapes.vqvae(), shapes.prior(), options.seed,
                    backend);
            TrainingOptions.Split split = options.load(model.channels(), model.imageSize(), out);
            options.trainVqVae(model, split, steps, rate, out);
            VqVaeBundle.save(output, preset, model.vqvae());
        }
        out.println("wrote " + output + " (then run `unmask train-prior --vqvae " + output + "` with the same data options)");
        return 0;
    }
}
