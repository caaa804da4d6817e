package dev.unmask.examples.cli;

import dev.unmask.data.FloatImage;
import dev.unmask.data.SynthFaces;
import dev.unmask.data.SynthSample;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.ScoringModel;
import dev.unmask.detectors.SuspicionScores;
import dev.unmask.detectors.classifier.AutoencoderLogisticConfig;
import dev.unmask.detectors.classifier.AutoencoderLogisticModel;
import dev.unmask.detectors.classifier.AutoencoderLogisticScoringModel;
import dev.unmask.detectors.classifier.AutoencoderLogisticTraining;
import dev.unmask.detectors.reconstruction.ReconstructionModel;
import dev.unmask.detectors.reconstruction.ReconstructionScoringModel;
import dev.unmask.detectors.reconstruction.ReconstructionTraining;
import dev.unmask.detectors.reconstruction.VaeArchitecture;
import dev.unmask.io.SafetensorsReader;
import dev.unmask.metrics.MetricsReport;
import dev.unmask.models.autoencoder.AutoencoderClassifier;
import dev.unmask.models.autoencoder.AutoencoderConfig;
import dev.unmask.models.vae.AsymmetricResNetVaeConfig;
import dev.unmask.models.vae.OcFakeDectConfig;
import dev.unmask.models.vae.OutputActivation;
import dev.unmask.models.vae.ResNetVaeConfig;
import dev.unmask.backend.Backend;
import dev.unmask.train.DataSplit;
import dev.unmask.train.TrainingSettings;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code unmask train --detector} for the one-class VAEs ({@code oc-fakedect-1}, {@code oc-fakedect-2},
 * {@code resnet18-vae}, {@code resnet18-vae-asym}) and the autoencoder with a logistic head ({@code ae-logistic}),
 * and the options only they take (a picocli mixin of {@link TrainCommand}).
 *
 * <p>The images (a folder, or synthetic faces) are split 70 / 15 / 15 by the seed. One-class VAEs train on the
 * real training part, take the {@value ReconstructionTraining#ONE_CLASS_PERCENT}th percentile of the validation
 * part's scores as the threshold and report the share of test reals called fake. {@code ae-logistic} pre-trains
 * the autoencoder on the training part, trains the head with the encoder on its labels, takes the F1-max
 * threshold on the validation part and reports the test part's metrics.
 */
final class ReconstructionTrainingCommand {
    /** The {@code --detector} names this class trains. */
    static final List<String> DETECTORS = List.of("oc-fakedect-1", "oc-fakedect-2", "resnet18-vae",
            "resnet18-vae-asym", AutoencoderLogisticModel.MODEL_TYPE);
    private static final long DEFAULT_STEPS = 1000;
    private static final int SCORING_BATCH = 16;

    /** The options of these families alone. */
    static final class Options {
        @Option(names = "--size", description = "input side in pixels (default: oc-fakedect 100, resnet18-vae 32, "
                + "resnet18-vae-asym 224, ae-logistic 256)")
        Integer size;

        @Option(names = "--width", description = "ResNet-18 VAEs: width of the first stage (default 64, ResNet-18's)")
        Integer width;

        @Option(names = "--encoder-weights", paramLabel = "FILE",
                description = "resnet18-vae-asym: torchvision resnet18 weights (safetensors, torchvision's names) to start the encoder from")
        Path encoderWeights;

        /** The option names above, refused with the other detectors. */
        static final List<String> NAMES = List.of("--size", "--width", "--encoder-weights");
    }

    private final TrainingOptions common;
    private final Options own;
    private final long steps;
    private final double rate;
    private final Backend backend;
    private final PrintStream out;

    /** {@code steps} and {@code rate} null for the families' defaults; the models are built on {@code backend}. */
    ReconstructionTrainingCommand(TrainingOptions common, Options own, Long steps, Double rate, Backend backend,
                                  PrintStream out) {
        this.common = common;
        this.own = own;
        this.steps = steps != null ? steps : DEFAULT_STEPS;
        this.rate = rate != null ? rate : ReconstructionTraining.DEFAULT_LEARNING_RATE;
        this.backend = backend;
        this.out = out;
    }

    /** Trains the {@code detector} and writes its calibrated bundle to {@code output}. */
    void run(String detector, Path output) throws IOException {
        if (detector.equals(AutoencoderLogisticModel.MODEL_TYPE)) {
            trainAutoencoderLogistic(output);
        } else {
            trainVae(VaeArchitecture.ofModelType(detector), output);
        }
    }

    private void trainVae(VaeArchitecture architecture, Path output) throws IOException {
        if (own.encoderWeights != null && architecture != VaeArchitecture.RESNET18_VAE_ASYM) {
            throw new IllegalArgumentException("--encoder-weights is for resnet18-vae-asym, whose encoder has torchvision's layout");
        }
        if (own.width != null && (architecture == VaeArchitecture.OC_FAKEDECT_1 || architecture == VaeArchitecture.OC_FAKEDECT_2)) {
            throw new IllegalArgumentException("--width is for the ResNet-18 VAEs");
        }
        ReconstructionModel model = ReconstructionModel.create(architecture, config(architecture), common.seed,
                backend);
        if (own.encoderWeights != null) {
            Map<String, dev.unmask.tensor.Tensor> state = SafetensorsReader.read(own.encoderWeights).toTensors(model.backend());
            try {
                model.loadEncoderWeights(state);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--encoder-weights " + own.encoderWeights + ": " + e.getMessage(), e);
            }
            out.println("encoder weights from " + own.encoderWeights);
        }
        ReconstructionScoringModel scoring = new ReconstructionScoringModel(model);
        Labelled data = common.data != null ? fromFolder(scoring, false) : synthetic(scoring, 0);
        int per = per(scoring.inputSpec());
        DataSplit split = DataSplit.of(data.count(), common.seed);
        float[] train = DataSplit.select(data.images(), per, split.train());
        out.printf(Locale.ROOT, "training %s on %d real images (%d steps), %d to calibrate, %d to test%n",
                architecture.modelType(), split.train().length, steps, split.validation().length, split.test().length);
        ReconstructionTraining.train(model, train, settings("vae"));
        ScoreDecision decision = ReconstructionTraining.calibrate(model,
                DataSplit.select(data.images(), per, split.validation()), ReconstructionTraining.ONE_CLASS_PERCENT);
        model.save(output);
        out.printf(Locale.ROOT, "threshold %.6g (the %.0fth percentile of the validation reals); wrote %s%n",
                decision.threshold().value(), ReconstructionTraining.ONE_CLASS_PERCENT, output);
        if (split.test().length > 0) {
            double[] test = SuspicionScores.of(scoring, DataSplit.select(data.images(), per, split.test()), SCORING_BATCH);
            int called = 0;
            double sum = 0;
            for (double s : test) {
                called += decision.isFake(s) ? 1 : 0;
                sum += s;
            }
            out.printf(Locale.ROOT, "test reals: mean score %.6g, %d of %d called fake%n", sum / test.length, called,
                    test.length);
        }
    }

    private Record config(VaeArchitecture architecture) {
        switch (architecture) {
            case OC_FAKEDECT_1, OC_FAKEDECT_2 -> {
                OcFakeDectConfig c = architecture == VaeArchitecture.OC_FAKEDECT_1
                        ? OcFakeDectConfig.ocFakeDect1(OutputActivation.SIGMOID)
                        : OcFakeDectConfig.ocFakeDect2(OutputActivation.SIGMOID);
                return own.size == null ? c : c.withSize(own.size, own.size);
            }
            case RESNET18_VAE -> {
                int size = own.size != null ? own.size : 32;
                ResNetVaeConfig c = size == 224 ? ResNetVaeConfig.imagenet224() : ResNetVaeConfig.small(size, OutputActivation.SIGMOID);
                return own.width == null ? c : c.withWidths(own.width, c.latentDim());
            }
            case RESNET18_VAE_ASYM -> {
                AsymmetricResNetVaeConfig c = AsymmetricResNetVaeConfig.imagenet224();
                int size = own.size != null ? own.size : c.height();
                int width = own.width != null ? own.width : c.baseWidth();
                return new AsymmetricResNetVaeConfig(c.inChannels(), size, size, width, c.hidden1(), c.hidden2(),
                        c.latentDim(), c.mapChannels(), c.upChannels1(), c.upChannels2(), c.output());
            }
            default -> throw new IllegalStateException(architecture.toString());
        }
    }

    private void trainAutoencoderLogistic(Path output) throws IOException {
        if (own.encoderWeights != null || own.width != null) {
            throw new IllegalArgumentException("--encoder-weights and --width are for the ResNet-18 VAEs");
        }
        int size = own.size != null ? own.size : AutoencoderConfig.STUDY_SIZE;
        AutoencoderLogisticModel model = AutoencoderLogisticModel.create(
                AutoencoderLogisticConfig.study(AutoencoderConfig.study().withSize(size, size)), common.seed,
                backend);
        AutoencoderLogisticScoringModel scoring = new AutoencoderLogisticScoringModel(model);
        Labelled data = common.data != null ? fromFolder(scoring, true) : synthetic(scoring, 0.5);
        int per = per(scoring.inputSpec());
        DataSplit split = DataSplit.of(data.count(), common.seed);
        float[] train = DataSplit.select(data.images(), per, split.train());
        int[] labels = new int[split.train().length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = data.fake()[split.train()[i]] ? AutoencoderClassifier.FAKE : AutoencoderClassifier.REAL;
        }
        out.printf(Locale.ROOT, "pre-training the autoencoder on %d images (%d steps)%n", labels.length, steps);
        AutoencoderLogisticTraining.pretrain(model, train, settings("autoencoder"));
        out.printf(Locale.ROOT, "training the logistic head and the encoder on %d labelled images (%d steps)%n",
                labels.length, steps);
        AutoencoderLogisticTraining.trainClassifier(model, train, labels, settings("classifier"));
        boolean[] validationFake = select(data.fake(), split.validation());
        ScoreDecision decision;
        if (contains(validationFake, true)) {
            decision = AutoencoderLogisticTraining.calibrateF1Max(model,
                    DataSplit.select(data.images(), per, split.validation()), validationFake);
            out.printf(Locale.ROOT, "threshold %.6g (F1-max on %d validation images)%n", decision.threshold().value(),
                    split.validation().length);
        } else {
            decision = ScoreDecision.probability();
            out.println("no fake among the " + split.validation().length + " validation images: deciding at a fake "
                    + "probability of 0.5 (run calibrate --f1-max DIR on a labelled folder to choose a threshold)");
        }
        model.setDecision(decision);
        model.save(output);
        out.println("wrote " + output);
        reportTest(scoring, data, split, decision);
    }

    private void reportTest(ScoringModel scoring, Labelled data, DataSplit split, ScoreDecision decision) {
        if (split.test().length == 0) {
            return;
        }
        double[] test = SuspicionScores.of(scoring, DataSplit.select(data.images(), per(scoring.inputSpec()), split.test()),
                SCORING_BATCH);
        MetricsReport report = MetricsReport.of(test, select(data.fake(), split.test()), decision.threshold().value());
        out.print("test split\n" + MetricsReport.formatTable(Map.of(Evaluation.ALL, report)));
    }

    private static boolean contains(boolean[] values, boolean value) {
        for (boolean v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    private static boolean[] select(boolean[] values, int[] indices) {
        boolean[] out = new boolean[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return out;
    }

    private TrainingSettings settings(String part) {
        Path folder = common.checkpoints == null ? null : common.checkpoints.resolve(part);
        return new TrainingSettings(steps, common.batch, rate, common.seed, folder, common.checkpointEvery,
                Progress.training(out, steps));
    }

    /** Model inputs, n * C * H * W values, and whether each is fake. */
    private record Labelled(float[] images, boolean[] fake) {
        int count() {
            return fake.length;
        }
    }

    private static int per(InputSpec spec) {
        return spec.channels() * spec.height() * spec.width();
    }

    /**
     * {@code --data}: DIR/real and DIR/fake when {@code labelled}; otherwise real images only, those of DIR/real
     * when there is such a folder (the layout of {@code synth-faces} and {@code evaluate}), else all of DIR.
     */
    private Labelled fromFolder(ScoringModel scoring, boolean labelled) {
        Path realFolder = labelled || Files.isDirectory(common.data.resolve("real")) ? subFolder("real") : common.data;
        List<Path> reals = ImageInputs.collect(List.of(realFolder));
        List<Path> fakes = labelled ? ImageInputs.collect(List.of(subFolder("fake"))) : List.of();
        List<Path> files = new ArrayList<>(reals);
        files.addAll(fakes);
        out.println("reading " + reals.size() + " real" + (labelled ? " and " + fakes.size() + " fake" : "")
                + " images from " + (labelled ? common.data : realFolder));
        InputSpec spec = scoring.inputSpec();
        int per = per(spec);
        float[] images = new float[Math.multiplyExact(files.size(), per)];
        boolean[] fake = new boolean[files.size()];
        for (int i = 0; i < files.size(); i++) {
            FloatImage image = ImageInputs.read(files.get(i), spec.channels(), Math.max(spec.height(), spec.width()));
            System.arraycopy(scoring.preprocess(image).data(), 0, images, i * per, per);
            fake[i] = i >= reals.size();
        }
        return new Labelled(images, fake);
    }

    private Path subFolder(String label) {
        Path folder = common.data.resolve(label);
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--data " + common.data + ": no " + label + "/ sub-folder (ae-logistic "
                    + "learns from DIR/real and DIR/fake)");
        }
        return folder;
    }

    /** {@code --synthetic} faces at the model's size, a {@code fakeShare} of them manipulated. */
    private Labelled synthetic(ScoringModel scoring, double fakeShare) {
        if (common.synthetic < 2) {
            throw new IllegalArgumentException("--synthetic must be at least 2, got " + common.synthetic);
        }
        InputSpec spec = scoring.inputSpec();
        if (spec.channels() != 3 || spec.height() != spec.width()) {
            throw new IllegalArgumentException("synthetic faces are square RGB images; the model takes " + spec);
        }
        SynthFaces faces = new SynthFaces(common.seed, spec.height(), fakeShare);
        int per = per(spec);
        float[] images = new float[Math.multiplyExact(common.synthetic, per)];
        boolean[] fake = new boolean[common.synthetic];
        for (int i = 0; i < common.synthetic; i++) {
            FloatImage image;
            if (fakeShare > 0) {
                SynthSample sample = faces.sample(i);
                image = sample.image();
                fake[i] = sample.fake();
            } else {
                image = faces.face(i);
            }
            System.arraycopy(scoring.preprocess(image).data(), 0, images, i * per, per);
        }
        return new Labelled(images, fake);
    }
}
