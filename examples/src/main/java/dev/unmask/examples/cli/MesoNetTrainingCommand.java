package dev.unmask.examples.cli;

import dev.unmask.Detector;
import dev.unmask.backend.Backend;
import dev.unmask.data.DecodeSize;
import dev.unmask.data.ImageFiles;
import dev.unmask.data.SynthFaces;
import dev.unmask.detectors.classifier.MesoNetFamily;
import dev.unmask.detectors.classifier.MesoNetScoringModel;
import dev.unmask.detectors.classifier.MesoNetTraining;
import dev.unmask.detectors.classifier.MesoNetTrainingData;
import dev.unmask.io.MessageText;
import dev.unmask.io.ModelBundle;
import dev.unmask.models.mesonet.MesoNet;
import dev.unmask.models.mesonet.MesoNetArchitecture;
import dev.unmask.models.mesonet.MesoNetConfig;
import dev.unmask.models.mesonet.MesoNetWeights;
import dev.unmask.nn.ParameterInit;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code unmask train --detector meso4|mesoinception4}: trains a MesoNet from scratch or fine-tunes one
 * ({@code --from}) on {@code DIR/real} and {@code DIR/fake} (or synthetic real and manipulated faces), validating on
 * a held-out share, and writes a {@code mesonet} bundle with the decision chosen on the validation images
 * ({@link MesoNetTraining}).
 */
final class MesoNetTrainingCommand {
    /** The options only MesoNet training takes (a mixin of {@code train}). */
    static final class Options {
        @Option(names = "--from", paramLabel = "NAME-OR-FILE",
                description = "MesoNet: fine-tune this model (a pretrained name such as meso4-df, a mesonet bundle or "
                        + "an official .h5 file) instead of training from scratch")
        String from;

        @Option(names = "--freeze", paramLabel = "PART",
                description = "MesoNet with --from: none, or features (train only the dense head fc1, fc2; the "
                        + "convolution and batch-norm tensors stay as loaded) (default: none)")
        String freeze;

        @Option(names = "--loss", description = "MesoNet: mse (the official code's) or bce (default: mse)")
        String loss;

        @Option(names = "--validation-share",
                description = "MesoNet: share of each class held out for validation (default: 0.2)")
        Double validationShare;

        @Option(names = "--validate-every", description = "MesoNet: steps between validations (default: one epoch)")
        Long validateEvery;

        @Option(names = "--augment", negatable = true, fallbackValue = "true",
                description = "MesoNet: seeded augmentation (flip, rotation, shift, zoom, shear, blur, JPEG) of the "
                        + "training images; --no-augment turns it off (default: on)")
        Boolean augment;

        @Option(names = "--threshold", description = "MesoNet: the saved decision, f1-max (on the validation images) "
                + "or 0.5 (on the fake probability) (default: f1-max)")
        String threshold;

        /** The option names of this mixin, for refusing them where they do not apply. */
        static final List<String> NAMES = List.of("--from", "--freeze", "--loss", "--validation-share",
                "--validate-every", "--augment", "--threshold");
    }

    /** The default of {@code --steps} for MesoNet. */
    static final long DEFAULT_STEPS = 1000;
    private static final double DEFAULT_VALIDATION_SHARE = 0.2;
    private static final List<String> PARTS = List.of("real", "fake");

    private final MesoNetArchitecture architecture;
    private final Options options;
    private final TrainingOptions data;

    MesoNetTrainingCommand(String detector, Options options, TrainingOptions data) {
        this.architecture = switch (detector) {
            case "meso4" -> MesoNetArchitecture.MESO4;
            case "mesoinception4" -> MesoNetArchitecture.MESO_INCEPTION4;
            default -> throw new IllegalArgumentException("not a MesoNet: " + detector);
        };
        this.options = options;
        this.data = data;
    }

    /**
     * Reads the images, trains and writes the bundle to {@code output}.
     *
     * @param steps {@code --steps}, or null for {@value #DEFAULT_STEPS}
     * @param learningRate {@code --lr}, or null for the official 1e-3
     * @throws IllegalArgumentException on a bad option value or unusable data (exit code 2)
     */
    int run(Long steps, Double learningRate, Backend backend, Path output, PrintStream out) throws IOException {
        MesoNetTraining.Settings settings = settings(steps, learningRate, out);
        double share = options.validationShare != null ? options.validationShare : DEFAULT_VALIDATION_SHARE;
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("--validation-share must lie in (0, 1), got " + share);
        }
        List<Path> inputs = new ArrayList<>();
        if (data.data != null) {
            inputs.add(data.data);
        }
        if (options.from != null && !Detector.PRETRAINED.contains(options.from.toLowerCase(Locale.ROOT))) {
            inputs.add(Path.of(options.from));
        }
        OutputFiles.refuseOverwriting(output, inputs);
        MesoNet model = startingModel(backend);
        MesoNetTrainingData all = data.data != null ? readFolder(data.data, out) : synthetic(out);
        MesoNetTrainingData.Split split = all.split(share, data.seed);
        out.printf(Locale.ROOT, "training %s on %d images (%d fake), validating on %d (%d fake); %d steps of %d%n",
                architecture.title(), split.train().size(), split.train().fakeCount(), split.validation().size(),
                split.validation().fakeCount(), settings.steps(), settings.batchSize());
        MesoNetTraining.Result result = MesoNetTraining.train(model, split.train(), split.validation(), settings);
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("source", "unmask train --detector " + detectorName()
                + (options.from != null ? " --from " + ModelSource.label(options.from) : "")
                + " on " + (data.data != null ? data.data.getFileName() : "synthetic faces"));
        OutputFiles.createParent(output);
        MesoNetFamily.save(result.model(), result.decision(), provenance, output);
        out.printf(Locale.ROOT, "decision: fake at a fake probability >= %.4f (%s); wrote %s%n",
                result.decision().threshold().value(),
                settings.threshold() == MesoNetTraining.ThresholdRule.HALF ? "fixed"
                        : "F1-max on the validation images", output);
        return 0;
    }

    private MesoNetTraining.Settings settings(Long steps, Double learningRate, PrintStream out) {
        MesoNetTraining.Settings s = new MesoNetTraining.Settings()
                .steps(steps != null ? steps : DEFAULT_STEPS)
                .learningRate(learningRate != null ? learningRate : MesoNetTraining.DEFAULT_LEARNING_RATE)
                .batchSize(data.batch)
                .seed(data.seed)
                .loss(parse("--loss", options.loss, MesoNetTraining.Loss.MSE, Map.of("mse", MesoNetTraining.Loss.MSE,
                        "bce", MesoNetTraining.Loss.BCE)))
                .freeze(parse("--freeze", options.freeze, MesoNetTraining.Freeze.NONE,
                        Map.of("none", MesoNetTraining.Freeze.NONE, "features", MesoNetTraining.Freeze.FEATURES)))
                .threshold(parse("--threshold", options.threshold, MesoNetTraining.ThresholdRule.F1_MAX,
                        Map.of("f1-max", MesoNetTraining.ThresholdRule.F1_MAX, "0.5", MesoNetTraining.ThresholdRule.HALF)))
                .augment(options.augment == null || options.augment)
                .validateEvery(options.validateEvery != null ? options.validateEvery : 0)
                .listener(Progress.training(out, steps != null ? steps : DEFAULT_STEPS))
                .onValidation(v -> out.printf(Locale.ROOT,
                        "step %d (epoch %.2f): validation loss %.4f, AUROC %.4f, accuracy %.4f%n",
                        v.step(), v.epoch(), v.loss(), v.auroc(), v.accuracy()));
        if (s.freeze() == MesoNetTraining.Freeze.FEATURES && options.from == null) {
            throw new IllegalArgumentException("--freeze features needs --from: frozen random features learn nothing");
        }
        if (data.checkpoints != null) {
            s.checkpoints(data.checkpoints, data.checkpointEvery);
        }
        return s;
    }

    /** The named {@code value} of an option, its default when the option is absent. */
    private static <T> T parse(String option, String value, T absent, Map<String, T> values) {
        if (value == null) {
            return absent;
        }
        T parsed = values.get(value.toLowerCase(Locale.ROOT));
        if (parsed == null) {
            throw new IllegalArgumentException(option + " must be one of " + String.join(", ", values.keySet().stream()
                    .sorted().toList()) + ", got " + MessageText.quote(value));
        }
        return parsed;
    }

    private String detectorName() {
        return architecture == MesoNetArchitecture.MESO4 ? "meso4" : "mesoinception4";
    }

    /** A fresh model (seeded by {@code --seed}) or the {@code --from} one, which must be of the chosen architecture. */
    private MesoNet startingModel(Backend backend) throws IOException {
        if (options.from == null) {
            return MesoNet.create(MesoNetConfig.of(architecture), new ParameterInit(backend, data.seed));
        }
        MesoNet model = loadMesoNet(options.from, backend);
        if (model.architecture() != architecture) {
            throw new IllegalArgumentException("--from " + MessageText.source(options.from) + " is a "
                    + model.architecture().title() + "; --detector " + detectorName() + " trains a " + architecture.title());
        }
        return model;
    }

    /**
     * The MesoNet {@code nameOrFile} names: a pretrained name, an official Keras {@code .h5} file or a {@code mesonet}
     * bundle (calibrated or not).
     */
    private static MesoNet loadMesoNet(String nameOrFile, Backend backend) throws IOException {
        if (Detector.PRETRAINED.contains(nameOrFile.toLowerCase(Locale.ROOT))) {
            try (Detector detector = Detector.pretrained(nameOrFile, backend)) {
                return ((MesoNetScoringModel) detector.model()).model();
            }
        }
        Path file = Path.of(nameOrFile);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--from " + MessageText.source(nameOrFile) + " is neither a file nor a "
                    + "pretrained model (" + String.join(", ", Detector.PRETRAINED) + ")");
        }
        if (ModelSource.isKeras(file)) {
            return MesoNetWeights.load(file, backend);
        }
        ModelBundle bundle = ModelBundle.read(file);
        if (!MesoNetFamily.MODEL_TYPE.equals(bundle.modelType())) {
            throw new IllegalArgumentException("--from " + MessageText.source(nameOrFile) + " holds a '"
                    + MessageText.excerpt(bundle.modelType()) + "' model, not a " + MesoNetFamily.MODEL_TYPE + " one");
        }
        return new MesoNetFamily().load(bundle, file.toString(), backend).model();
    }

    /** {@code folder/real} and {@code folder/fake}, each holding at least one image (searched recursively). */
    private static MesoNetTrainingData readFolder(Path folder, PrintStream out) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + ": no such folder");
        }
        for (String part : PARTS) {
            if (!Files.isDirectory(folder.resolve(part))) {
                throw new IllegalArgumentException(folder + ": no " + part + "/ folder (MesoNet training reads "
                        + "DIR/real and DIR/fake)");
            }
        }
        MesoNetTrainingData images = new MesoNetTrainingData();
        DecodeSize size = DecodeSize.forResize(MesoNet.INPUT_SIZE, MesoNet.INPUT_SIZE);
        for (String part : PARTS) {
            Path sub = folder.resolve(part);
            List<Path> files = ImageInputs.collect(List.of(sub));
            out.println("reading " + files.size() + " " + part + " images from " + sub);
            for (Path file : files) {
                images.add(ImageFiles.read(file, MesoNet.INPUT_CHANNELS, size), part.equals("fake"));
            }
        }
        return images;
    }

    /** {@code --synthetic} faces at 256 x 256: even indices real, odd ones manipulated ({@link SynthFaces#sample}). */
    private MesoNetTrainingData synthetic(PrintStream out) {
        if (data.synthetic < 4) {
            throw new IllegalArgumentException("--synthetic must be at least 4 (2 real and 2 fake), got " + data.synthetic);
        }
        out.println("generating " + data.synthetic + " synthetic faces, half of them manipulated");
        SynthFaces faces = new SynthFaces(data.seed, MesoNet.INPUT_SIZE, 1);
        MesoNetTrainingData images = new MesoNetTrainingData();
        for (int i = 0; i < data.synthetic; i++) {
            boolean fake = i % 2 == 1;
            images.add(fake ? faces.sample(i).image() : faces.face(i), fake);
        }
        return images;
    }
}
