package dev.unmask.examples.cli;

import dev.unmask.backend.Backend;
import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.io.MessageText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Trains a detector and writes its bundle; {@code --detector} picks which. {@code latent-restoration} (the default)
 * trains on real images (a folder, or synthetic faces), with checkpoints and progress, calibrates on a held-out share
 * of them: {@code train-vqvae} followed by {@code train-prior} without the VQ-VAE file in between. {@code meso4} and
 * {@code mesoinception4} train a MesoNet on {@code DIR/real} and {@code DIR/fake} ({@link MesoNetTrainingCommand});
 * the one-class VAEs and {@code ae-logistic} are trained by {@link ReconstructionTrainingCommand}. Options that do
 * not apply to the chosen detector are refused.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a detector and write its bundle: latent-restoration (the VQ-VAE, then the PixelSNAIL prior "
                + "on its codes, calibrated on held-out reals), meso4 / mesoinception4 (supervised on DIR/real and "
                + "DIR/fake), the one-class VAEs oc-fakedect-1, oc-fakedect-2, resnet18-vae, resnet18-vae-asym (on "
                + "reals), or ae-logistic (autoencoder, then a logistic head on DIR/real and DIR/fake).")
final class TrainCommand implements Callable<Integer> {
    /** The detectors {@code --detector} accepts. */
    static final List<String> DETECTORS = List.of("latent-restoration", "meso4", "mesoinception4", "oc-fakedect-1",
            "oc-fakedect-2", "resnet18-vae", "resnet18-vae-asym", "ae-logistic");
    /** Options only latent restoration takes. */
    private static final List<String> LATENT_ONLY = List.of("--preset", "--vqvae-steps", "--prior-steps", "--vqvae-lr",
            "--prior-lr", "--calibration-share", "--codebook-restart-threshold");
    /** Options of single-stage detectors, which latent restoration does not take. */
    private static final List<String> SINGLE_STAGE = List.of("--steps", "--lr");

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingOptions options;

    @Option(names = "--detector", description = "what to train: latent-restoration, meso4, mesoinception4, "
            + "oc-fakedect-1, oc-fakedect-2, resnet18-vae, resnet18-vae-asym or ae-logistic (default: ${DEFAULT-VALUE})")
    String detector = "latent-restoration";

    @Option(names = "--steps", description = "training steps of a single-stage detector, each stage of ae-logistic "
            + "(default 1000)")
    Long steps;

    @Option(names = "--lr", description = "learning rate of the detectors other than latent-restoration (Adam; "
            + "default 1e-3)")
    Double learningRate;

    @Mixin
    MesoNetTrainingCommand.Options mesonet;

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
            case "latent-restoration" -> {
                refuse(SINGLE_STAGE);
                refuse(MesoNetTrainingCommand.Options.NAMES);
                refuse(ReconstructionTrainingCommand.Options.NAMES);
                Presets shapes = Presets.of(preset);
                try (Backend chosen = options.backendOption.create()) {
                    LatentRestorationModel model = LatentRestorationModel.create(shapes.vqvae(), shapes.prior(),
                            options.seed, chosen);
                    TrainingOptions.Split split = options.load(model.channels(), model.imageSize(), out);
                    options.trainVqVae(model, split, vqvaeSteps, vqvaeRate, out);
                    options.trainPriorAndCalibrate(model, split, priorSteps, priorRate, output, out);
                }
                return 0;
            }
            case "meso4", "mesoinception4" -> {
                refuse(LATENT_ONLY);
                refuse(ReconstructionTrainingCommand.Options.NAMES);
                try (Backend chosen = options.backendOption.create()) {
                    return new MesoNetTrainingCommand(detector, mesonet, options).run(steps, learningRate, chosen, output, out);
                }
            }
            case "oc-fakedect-1", "oc-fakedect-2", "resnet18-vae", "resnet18-vae-asym", "ae-logistic" -> {
                refuse(LATENT_ONLY);
                refuse(MesoNetTrainingCommand.Options.NAMES);
                try (Backend chosen = options.backendOption.create()) {
                    new ReconstructionTrainingCommand(options, reconstruction, steps, learningRate, chosen, out)
                            .run(detector, output);
                }
                return 0;
            }
            default -> throw new IllegalArgumentException("--detector must be one of " + String.join(", ", DETECTORS)
                    + ", got " + MessageText.quote(detector));
        }
    }

    /** Refuses the options of {@code names} the command line gave, as not applying to {@code --detector}. */
    private void refuse(List<String> names) {
        ParseResult parsed = spec.commandLine().getParseResult();
        for (String name : names) {
            if (parsed.hasMatchedOption(name)) {
                throw new IllegalArgumentException(name + " does not apply to --detector " + detector);
            }
        }
    }
}
