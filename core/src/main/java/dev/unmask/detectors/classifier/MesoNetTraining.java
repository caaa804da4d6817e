package dev.unmask.detectors.classifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.data.Transform;
import dev.unmask.data.TransformPipeline;
import dev.unmask.data.Transforms;
import dev.unmask.detectors.BundleJson;
import dev.unmask.detectors.Polarity;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.metrics.BinaryMetrics;
import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.metrics.ScoreNormaliser;
import dev.unmask.models.mesonet.MesoNet;
import dev.unmask.nn.Parameter;
import dev.unmask.optim.Adam;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import dev.unmask.train.Checkpoint;
import dev.unmask.train.CheckpointException;
import dev.unmask.train.CheckpointStore;
import dev.unmask.train.Trainer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Trains or fine-tunes a {@link MesoNet} on real and fake faces, as the official code trains it (Afchar et al.
 * 2018, {@code classifiers.py}): the mean squared error of the sigmoid output against the label (1 = real) by
 * default, or the binary cross-entropy; Adam at a learning rate of 1e-3 (the official {@code learning_rate}) with
 * Keras' betas (0.9, 0.999) and epsilon 1e-7 (here added to the root of the bias-corrected second moment, as
 * PyTorch's Adam does; Keras adds it before the correction); batches drawn without replacement per epoch.
 *
 * <p>Fine-tuning starts from a loaded model (a pretrained bundle). With {@link Freeze#FEATURES} only the
 * classifier trains ({@code fc1.weight}, {@code fc1.bias}, {@code fc2.weight}, {@code fc2.bias}); every tensor of
 * {@code block1} ... {@code block4} stays bit for bit as loaded: the convolution and inception weights and biases,
 * the batch-norm weights and biases, and the batch-norm running statistics, since the frozen blocks run in
 * evaluation mode as Keras runs a BatchNormalization layer that is not trainable. The features are then computed
 * without a graph, so a frozen step costs a forward of the blocks and the classifier's backward only.
 *
 * <p>Augmentation ({@link #augmentation()}, on by default) is seeded per image and epoch. Every
 * {@link Settings#validateEvery} steps and at the end, the model is evaluated (evaluation mode, no augmentation)
 * on the held-out validation images: the loss, AUROC and accuracy of the fake probability, fake being the positive
 * class. The decision stored with the model ({@link ThresholdRule}) is by default the threshold that maximises F1
 * on the validation images' fake probabilities ({@link DecisionThreshold#f1Max}), normalised by
 * {@code ScoreNormaliser(0, threshold, 1)} so the normalised score stays on the probability's ends.
 *
 * <p>With a checkpoint folder, training saves a {@link Checkpoint} every {@link Settings#checkpointEvery} steps and
 * resumes from the newest one; the resumed run's steps are those of an uninterrupted run, bit for bit on one
 * machine (dropout masks, batch order and augmentation all follow the checkpointed state). A checkpoint written by
 * a training of another architecture, loss, freeze, augmentation, batch size or seed is refused.
 */
public final class MesoNetTraining {
    /** The official {@code learning_rate} of classifiers.py. */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    /** Keras' Adam epsilon (its {@code K.epsilon()}). */
    public static final double ADAM_EPSILON = 1e-7;
    /** Images per validation forward. */
    private static final int VALIDATION_BATCH = 16;
    private static final Logger LOG = LoggerFactory.getLogger(MesoNetTraining.class);
    /** Checkpoints kept in the folder. */
    private static final int CHECKPOINTS_KEPT = 2;

    /** The training loss on the network's output p (the probability of real) and the target t (1 = real). */
    public enum Loss {
        /** {@code mean((p - t)^2)}, the official code's {@code loss = 'mean_squared_error'}. */
        MSE,
        /** {@code mean(-t log p - (1 - t) log(1 - p))}, computed from the logit z as {@code softplus(z) - t z}. */
        BCE;

        /**
         * The batch's mean loss.
         *
         * @param logits [B, 1], the logit of real
         * @param real [B, 1], 1 for real and 0 for fake
         */
        public Variable of(Variable logits, Variable real) {
            return switch (this) {
                case MSE -> logits.sigmoid().sub(real).square().mean();
                // softplus(z) = max(z, 0) + log(1 + exp(-|z|)), stable for large |z|
                case BCE -> logits.relu().sub(logits.mul(real)).add(logits.abs().neg().exp().add(1f).log()).mean();
            };
        }
    }

    /** Which parameters train. */
    public enum Freeze {
        /** All of them. */
        NONE,
        /** Only the classifier ({@code fc1}, {@code fc2}); the feature blocks stay as loaded. */
        FEATURES
    }

    /** The decision saved with the trained model. */
    public enum ThresholdRule {
        /** The F1-maximising threshold on the validation images' fake probabilities (fake = positive). */
        F1_MAX,
        /** Fake at a fake probability of 0.5 ({@link ScoreDecision#probability()}), as the pretrained bundles decide. */
        HALF
    }

    /**
     * The validation metrics after {@code step} steps.
     *
     * @param step steps completed
     * @param epoch complete passes over the training images
     * @param loss the training loss over the validation images
     * @param auroc area under the ROC curve of the fake probability, fake = positive
     * @param accuracy share of validation images called right at a fake probability of 0.5
     */
    public record Validation(long step, double epoch, double loss, double auroc, double accuracy) {
    }

    /**
     * What {@link #train} returns.
     *
     * @param model the trained model, in evaluation mode
     * @param decision the decision chosen on the validation images
     * @param history validation metrics, oldest first (the last is the final model's)
     * @param fakeProbabilities the final model's fake probability of every validation image, in its order
     */
    public record Result(MesoNet model, ScoreDecision decision, List<Validation> history, double[] fakeProbabilities) {
        public Result {
            history = List.copyOf(history);
        }
    }

    /** How to train; a mutable set of options with the official defaults. */
    public static final class Settings {
        private long steps = 1000;
        private int batchSize = 32;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private Loss loss = Loss.MSE;
        private Freeze freeze = Freeze.NONE;
        private boolean augment = true;
        private long seed = 7;
        private Path checkpoints;
        private long checkpointEvery = 100;
        private long validateEvery;
        private ThresholdRule threshold = ThresholdRule.F1_MAX;
        private Trainer.Listener listener = new Trainer.Listener() {
        };
        private Consumer<Validation> validationListener = v -> {
        };

        /** Optimizer steps in all (a resumed run continues to this count); default 1000. */
        public Settings steps(long value) {
            if (value < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + value);
            }
            steps = value;
            return this;
        }

        /** Images per step; default 32. */
        public Settings batchSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + value);
            }
            batchSize = value;
            return this;
        }

        /** Adam's learning rate, constant; default {@value #DEFAULT_LEARNING_RATE}. */
        public Settings learningRate(double value) {
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("learning rate must be positive and finite, got " + value);
            }
            learningRate = value;
            return this;
        }

        public Settings loss(Loss value) {
            loss = Objects.requireNonNull(value, "loss");
            return this;
        }

        public Settings freeze(Freeze value) {
            freeze = Objects.requireNonNull(value, "freeze");
            return this;
        }

        /** Whether training images pass through {@link #augmentation()}; default true. */
        public Settings augment(boolean value) {
            augment = value;
            return this;
        }

        /** Seed of the batch order, the augmentation and the dropout masks; default 7. */
        public Settings seed(long value) {
            seed = value;
            return this;
        }

        /** A checkpoint folder (resumed from), saved every {@code every} steps; null for none. */
        public Settings checkpoints(Path folder, long every) {
            if (every < 1) {
                throw new IllegalArgumentException("checkpoint period must be at least 1 step, got " + every);
            }
            checkpoints = folder;
            checkpointEvery = every;
            return this;
        }

        /** Steps between validations; 0 (the default) validates once per epoch of training images. */
        public Settings validateEvery(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("validation period must be non-negative, got " + value);
            }
            validateEvery = value;
            return this;
        }

        public Settings threshold(ThresholdRule value) {
            threshold = Objects.requireNonNull(value, "threshold rule");
            return this;
        }

        public Settings listener(Trainer.Listener value) {
            listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        public Settings onValidation(Consumer<Validation> value) {
            validationListener = Objects.requireNonNull(value, "validation listener");
            return this;
        }

        public long steps() {
            return steps;
        }

        public int batchSize() {
            return batchSize;
        }

        public double learningRate() {
            return learningRate;
        }

        public Loss loss() {
            return loss;
        }

        public Freeze freeze() {
            return freeze;
        }

        public boolean augment() {
            return augment;
        }

        public long seed() {
            return seed;
        }

        public ThresholdRule threshold() {
            return threshold;
        }
    }

    private MesoNetTraining() {
    }

    /**
     * The training augmentation, in order (the geometry of Keras' {@code ImageDataGenerator} with the ranges below,
     * then Wang et al. 2020's blur and JPEG):
     * <ol>
     *   <li>horizontal flip with probability 0.5;</li>
     *   <li>rotation uniform in [-15, 15] degrees;</li>
     *   <li>shift uniform in [-10%, 10%] of the height and of the width;</li>
     *   <li>zoom, each axis uniform in [0.9, 1.1];</li>
     *   <li>horizontal shear uniform in [-10, 10] degrees;</li>
     *   <li>with probability 0.5, Gaussian blur with sigma uniform in [0, 3] pixels;</li>
     *   <li>with probability 0.5, JPEG re-encoding at a quality uniform in [30, 100].</li>
     * </ol>
     * Geometric steps sample bilinearly and clamp at the edges (Keras' {@code fill_mode="nearest"}).
     */
    public static List<Transform> augmentation() {
        return List.of(
                Transforms.horizontalFlip(0.5),
                Transforms.rotation(15),
                Transforms.shift(0.1, 0.1),
                Transforms.zoom(0.9, 1.1),
                Transforms.shear(10),
                Transforms.randomly(0.5, Transforms.gaussianBlur(0, 3)),
                Transforms.randomly(0.5, Transforms.jpeg(30, 100)));
    }

    /**
     * Trains {@code model} in place on {@code train}, validating on {@code validation}, and chooses the decision.
     *
     * @throws IllegalArgumentException when the validation images lack a real or a fake one, the batch is larger
     *     than the training images, or a checkpoint in the folder comes from another training
     * @throws IllegalStateException when a loss is not finite
     */
    public static Result train(MesoNet model, MesoNetTrainingData train, MesoNetTrainingData validation,
                               Settings settings) throws IOException {
        int fakes = validation.fakeCount();
        if (fakes == 0 || fakes == validation.size()) {
            throw new IllegalArgumentException("validation needs real and fake images, got " + (validation.size() - fakes)
                    + " real and " + fakes + " fake");
        }
        Backend backend = Backend.of(model.parameters().get(0).value());
        TransformPipeline pipeline = settings.augment ? new TransformPipeline(settings.seed, augmentation()) : null;
        MesoNetBatches batches = new MesoNetBatches(train, settings.batchSize, settings.seed, pipeline, backend);
        boolean frozen = settings.freeze == Freeze.FEATURES;
        List<Parameter> trained = new ArrayList<>(frozen ? model.classifierParameters().values()
                : model.namedParameters().values());
        String metadata = metadata(model, settings);
        long every = settings.validateEvery > 0 ? settings.validateEvery : batches.batchesPerEpoch();
        List<Validation> history = new ArrayList<>();
        Evaluation[] last = new Evaluation[1];
        Trainer.Listener listener = new Trainer.Listener() {
            @Override
            public void onStep(Trainer.Progress progress) {
                settings.listener.onStep(progress);
                if (progress.step() % every == 0 || progress.step() == settings.steps) {
                    // evaluation touches neither the parameters nor the trainer's generator, so resuming stays exact
                    last[0] = evaluate(model, validation, settings.loss);
                    model.train();
                    Validation v = new Validation(progress.step(), progress.step() / (double) batches.batchesPerEpoch(),
                            last[0].loss, last[0].auroc, last[0].accuracy);
                    history.add(v);
                    settings.validationListener.accept(v);
                }
            }

            @Override
            public void onCheckpoint(long step, Path file) {
                settings.listener.onCheckpoint(step, file);
            }
        };
        Trainer.Builder<MesoNetBatches.Batch> builder = Trainer.<MesoNetBatches.Batch>builder()
                .model(model)
                .optimizer(new Adam(trained, settings.learningRate, 0.9, 0.999, ADAM_EPSILON, 0, false))
                .source(batches)
                .seed(settings.seed)
                .listener(listener)
                .metadata(() -> metadata)
                .loss((batch, random) -> Trainer.StepLoss.of(
                        settings.loss.of(logits(model, batch.images(), frozen), Variable.constant(batch.real()))));
        CheckpointStore store = null;
        if (settings.checkpoints != null) {
            store = CheckpointStore.open(settings.checkpoints, CHECKPOINTS_KEPT);
            builder.checkpoints(store, settings.checkpointEvery);
        }
        Trainer<MesoNetBatches.Batch> trainer = builder.build();
        if (store != null) {
            Optional<CheckpointStore.Loaded> loaded = store.latest(backend);
            if (loaded.isPresent()) {
                requireSameTraining(loaded.get().file(), loaded.get().checkpoint().metadataJson(), metadata);
                trainer.resume(loaded.get().checkpoint());
                LOG.info("resumed from {} (step {})", loaded.get().file(), trainer.step());
            }
        }
        trainer.run(settings.steps);
        if (last[0] == null) {
            last[0] = evaluate(model, validation, settings.loss);
        }
        model.eval();
        boolean[] isFake = labels(validation);
        ScoreDecision decision = settings.threshold == ThresholdRule.HALF ? ScoreDecision.probability()
                : f1MaxDecision(last[0].fakeProbabilities, isFake);
        return new Result(model, decision, history, last[0].fakeProbabilities);
    }

    /** The F1-maximising decision on fake probabilities ({@code fake} = positive), normalised on [0, 1]. */
    static ScoreDecision f1MaxDecision(double[] fakeProbabilities, boolean[] fake) {
        DecisionThreshold threshold = DecisionThreshold.f1Max(fakeProbabilities, fake);
        return new ScoreDecision(threshold, new ScoreNormaliser(0, threshold.value(), 1));
    }

    private static Variable logits(MesoNet model, Tensor images, boolean frozen) {
        if (!frozen) {
            return model.logits(Variable.constant(images));
        }
        model.evalFeatures();
        Tensor features;
        try (NoGrad scope = NoGrad.enter()) {
            features = model.features(Variable.constant(images)).value();
        }
        return model.classify(Variable.constant(features));
    }

    /** Metrics of {@code model} on {@code data}, in evaluation mode; the model is left in evaluation mode. */
    record Evaluation(double loss, double auroc, double accuracy, double[] fakeProbabilities) {
    }

    static Evaluation evaluate(MesoNet model, MesoNetTrainingData data, Loss loss) {
        model.eval();
        Backend backend = Backend.of(model.parameters().get(0).value());
        int n = data.size();
        int per = MesoNetTrainingData.VALUES;
        double[] fake = new double[n];
        double lossSum = 0;
        int correct = 0;
        for (int start = 0; start < n; start += VALIDATION_BATCH) {
            int count = Math.min(VALIDATION_BATCH, n - start);
            float[] images = new float[count * per];
            float[] real = new float[count];
            for (int k = 0; k < count; k++) {
                data.writeInput(start + k, images, k * per);
                real[k] = data.isFake(start + k) ? 0f : 1f;
            }
            try (NoGrad scope = NoGrad.enter()) {
                int side = MesoNet.INPUT_SIZE;
                Variable logits = model.logits(Variable.constant(
                        backend.fromFloats(images, Shape.of(count, MesoNet.INPUT_CHANNELS, side, side))));
                lossSum += loss.of(logits, Variable.constant(backend.fromFloats(real, Shape.of(count, 1))))
                        .value().item() * count;
                float[] p = logits.sigmoid().value().toFloatArray();
                for (int k = 0; k < count; k++) {
                    fake[start + k] = Polarity.REAL_PROBABILITY.suspicion(p[k]);
                    if ((fake[start + k] >= 0.5) == data.isFake(start + k)) {
                        correct++;
                    }
                }
            }
        }
        return new Evaluation(lossSum / n, BinaryMetrics.auroc(fake, labels(data)), correct / (double) n, fake);
    }

    private static boolean[] labels(MesoNetTrainingData data) {
        boolean[] out = new boolean[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.isFake(i);
        }
        return out;
    }

    /** What a checkpoint must share with the run that resumes it. */
    private static String metadata(MesoNet model, Settings settings) {
        ObjectNode root = BundleJson.MAPPER.createObjectNode();
        root.put("training", "mesonet");
        root.put("architecture", model.architecture().name());
        root.put("loss", settings.loss.name());
        root.put("freeze", settings.freeze.name());
        root.put("augment", settings.augment);
        root.put("batch", settings.batchSize);
        root.put("seed", settings.seed);
        return root.toString();
    }

    private static void requireSameTraining(Path file, String saved, String current) throws CheckpointException {
        JsonNode was;
        try {
            was = BundleJson.MAPPER.readTree(saved);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + ": checkpoint metadata is not JSON", e);
        }
        JsonNode now = BundleJson.parseObject(current, "training metadata");
        for (Iterator<Map.Entry<String, JsonNode>> it = now.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = was.get(e.getKey());
            if (!e.getValue().equals(value)) {
                throw new IllegalArgumentException(file + ": this checkpoint was written by a training with " + e.getKey()
                        + " " + (value == null ? "unset" : value.asText()) + ", this one has " + e.getValue().asText()
                        + "; use another checkpoint folder");
            }
        }
    }
}
