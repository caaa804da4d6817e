package dev.unmask.train;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.nn.Module;
import dev.unmask.optim.GradientClipping;
import dev.unmask.optim.LearningRateSchedule;
import dev.unmask.optim.Optimizer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A training loop for any model, optimizer and batch source. One step:
 * <ol>
 *   <li>set the learning rate to {@code schedule.rate(step)} (step = steps completed so far);</li>
 *   <li>re-key the model's random layers ({@link Module#reseed}) with the next value of the trainer's
 *       {@link #random()} generator, so dropout masks are a function of the checkpointed state;</li>
 *   <li>take the next batch and compute the loss with the {@link LossFunction} (which may draw from
 *       the same generator);</li>
 *   <li>back-propagate, clip the gradients' global L2 norm when a limit is set, step the optimizer;</li>
 *   <li>report {@link Progress} to the listener, and every {@code checkpointEvery} steps save a
 *       {@link Checkpoint} to the store.</li>
 * </ol>
 * {@link #resume(Checkpoint)} restores the model, optimizer, schedule position, generator and data
 * position, so the following steps are those an uninterrupted run would have taken; in
 * {@link DeterministicMode} they are identical bit for bit. Not thread-safe.
 *
 * @param <B> the batch type
 */
public final class Trainer<B> {
    /** Computes a batch's loss (a scalar) and optional named statistics such as perplexity. */
    @FunctionalInterface
    public interface LossFunction<B> {
        StepLoss compute(B batch, SplitMix64 random);
    }

    /**
     * The loss of one step and extra statistics to report.
     *
     * @param loss a one-element variable whose graph reaches the model's parameters
     * @param stats named values for the listener (perplexity, codebook usage); may be empty
     */
    public record StepLoss(Variable loss, Map<String, Double> stats) {
        public StepLoss {
            Objects.requireNonNull(loss, "loss");
            stats = Map.copyOf(stats);
        }

        public static StepLoss of(Variable loss) {
            return new StepLoss(loss, Map.of());
        }
    }

    /**
     * What a listener hears after each step.
     *
     * @param step steps completed, including this one
     * @param totalSteps the step {@link #run} stops at
     * @param loss this step's loss
     * @param learningRate the rate this step used
     * @param gradientNorm the global L2 norm of the gradients before clipping; NaN when clipping is off
     * @param stats the loss function's statistics
     * @param elapsed time since this {@code run} call began
     * @param remaining estimated time to {@code totalSteps}, from this run's mean step time
     */
    public record Progress(long step, long totalSteps, double loss, double learningRate, double gradientNorm,
                           Map<String, Double> stats, Duration elapsed, Duration remaining) {
    }

    /** Hears about steps and checkpoints; both methods default to doing nothing. */
    public interface Listener {
        default void onStep(Progress progress) {
        }

        default void onCheckpoint(long step, Path file) {
        }
    }

    private final Module model;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final double clipNorm;
    private final BatchSource<B> source;
    private final LossFunction<B> lossFunction;
    private final CheckpointStore store;
    private final long checkpointEvery;
    private final Listener listener;
    private final Supplier<String> metadata;
    private SplitMix64 random;
    private long step;

    private Trainer(Builder<B> b) {
        this.model = Objects.requireNonNull(b.model, "model");
        this.optimizer = Objects.requireNonNull(b.optimizer, "optimizer");
        this.source = Objects.requireNonNull(b.source, "batch source");
        this.lossFunction = Objects.requireNonNull(b.lossFunction, "loss function");
        this.schedule = b.schedule != null ? b.schedule : LearningRateSchedule.constant(optimizer.learningRate());
        this.clipNorm = b.clipNorm;
        this.store = b.store;
        this.checkpointEvery = b.checkpointEvery;
        this.listener = b.listener;
        this.metadata = b.metadata;
        this.random = SplitMix64.seeded(b.seed);
        if (checkpointEvery > 0 && store == null) {
            throw new IllegalArgumentException("checkpointing every " + checkpointEvery + " steps needs a checkpoint store");
        }
        if (b.deterministic) {
            DeterministicMode.require(model);
        }
    }

    public static <B> Builder<B> builder() {
        return new Builder<>();
    }

    /** Steps completed. */
    public long step() {
        return step;
    }

    /** The generator loss functions draw from; saved in checkpoints. */
    public SplitMix64 random() {
        return random;
    }

    /**
     * Trains until {@link #step()} reaches {@code totalSteps} (nothing when it already has), with the
     * model in training mode.
     *
     * @throws IllegalStateException when a loss is not finite (before the optimizer applies it, so the
     *     last checkpoint and the parameters are not poisoned)
     */
    public void run(long totalSteps) throws IOException {
        model.train();
        long startStep = step;
        long startTime = System.nanoTime();
        while (step < totalSteps) {
            double rate = schedule.rate(step);
            optimizer.setLearningRate(rate);
            optimizer.zeroGrad();
            model.reseed(random.nextLong());
            StepLoss result = lossFunction.compute(source.next(), random);
            double loss = result.loss().value().item();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("loss is " + loss + " at step " + (step + 1) + "; stopping before the update");
            }
            result.loss().backward();
            double gradientNorm = clipNorm > 0 ? GradientClipping.clipByNorm(optimizer.parameters(), clipNorm) : Double.NaN;
            optimizer.step();
            step++;
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startTime);
            Duration remaining = elapsed.multipliedBy(totalSteps - step).dividedBy(step - startStep);
            listener.onStep(new Progress(step, totalSteps, loss, rate, gradientNorm, result.stats(), elapsed, remaining));
            if (checkpointEvery > 0 && step % checkpointEvery == 0) {
                Path file = store.save(checkpoint());
                listener.onCheckpoint(step, file);
            }
        }
    }

    /** The current training state; its tensors are live, so write it before the next step. */
    public Checkpoint checkpoint() {
        return new Checkpoint(step, model.stateDict(), optimizer.state(), optimizer.steps(), step, random.state(),
                source.position(), metadata.get());
    }

    /** Continues from {@code checkpoint}: model, optimizer, schedule position, generator, data position. */
    public void resume(Checkpoint checkpoint) {
        if (checkpoint.scheduleStep() != checkpoint.step()) {
            throw new IllegalArgumentException("checkpoint of step " + checkpoint.step() + " has its schedule at step "
                    + checkpoint.scheduleStep() + "; this trainer evaluates the schedule at the step count");
        }
        model.loadStateDict(checkpoint.model());
        optimizer.loadState(checkpoint.optimizer(), checkpoint.optimizerSteps());
        source.seek(checkpoint.data());
        random = SplitMix64.fromState(checkpoint.rngState());
        step = checkpoint.step();
    }

    /**
     * Resumes from the store's newest readable checkpoint, if there is one.
     *
     * @return what was loaded (including unreadable newer files that were skipped), or empty when the
     *     store holds no readable checkpoint and training starts from scratch
     */
    public Optional<CheckpointStore.Loaded> resumeLatest() throws IOException {
        if (store == null) {
            throw new IllegalStateException("resumeLatest needs a checkpoint store");
        }
        Optional<CheckpointStore.Loaded> loaded = store.latest(backendOf(model));
        loaded.ifPresent(l -> resume(l.checkpoint()));
        return loaded;
    }

    /** The backend a model was built on: training data, and a resumed checkpoint, go where its parameters are. */
    public static Backend backendOf(Module model) {
        return Backend.of(model.parameters().get(0).value());
    }

    /** Configures a {@link Trainer}; model, optimizer, source and loss function are required. */
    public static final class Builder<B> {
        private Module model;
        private Optimizer optimizer;
        private LearningRateSchedule schedule;
        private double clipNorm;
        private BatchSource<B> source;
        private LossFunction<B> lossFunction;
        private CheckpointStore store;
        private long checkpointEvery;
        private Listener listener = new Listener() {
        };
        private Supplier<String> metadata = () -> "{}";
        private long seed;
        private boolean deterministic;

        private Builder() {
        }

        public Builder<B> model(Module model) {
            this.model = model;
            return this;
        }

        /** The optimizer over the model's parameters. */
        public Builder<B> optimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /** The learning rate per step; default: the optimizer's current rate, constant. */
        public Builder<B> schedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Clips the gradients' global L2 norm to {@code maxNorm} each step; 0 (the default) turns it off. */
        public Builder<B> clipNorm(double maxNorm) {
            if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
                throw new IllegalArgumentException("clip norm must be finite and non-negative (0 = off), got " + maxNorm);
            }
            this.clipNorm = maxNorm;
            return this;
        }

        public Builder<B> source(BatchSource<B> source) {
            this.source = source;
            return this;
        }

        public Builder<B> loss(LossFunction<B> lossFunction) {
            this.lossFunction = lossFunction;
            return this;
        }

        /** Saves a checkpoint to {@code store} after every {@code every} steps; every &gt; 0. */
        public Builder<B> checkpoints(CheckpointStore store, long every) {
            if (every < 1) {
                throw new IllegalArgumentException("checkpoint period must be at least 1 step, got " + every);
            }
            this.store = Objects.requireNonNull(store, "checkpoint store");
            this.checkpointEvery = every;
            return this;
        }

        /** A store to resume from without saving periodically. */
        public Builder<B> store(CheckpointStore store) {
            this.store = Objects.requireNonNull(store, "checkpoint store");
            return this;
        }

        public Builder<B> listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Free-form JSON object stored with each checkpoint; evaluated at save time. Default {@code {}}. */
        public Builder<B> metadata(Supplier<String> metadataJson) {
            this.metadata = Objects.requireNonNull(metadataJson, "metadata");
            return this;
        }

        /** Seed of the trainer's generator (replaced by the saved state on resume). Default 0. */
        public Builder<B> seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Refuses to build unless {@link DeterministicMode#require} holds for the model. */
        public Builder<B> deterministic(boolean deterministic) {
            this.deterministic = deterministic;
            return this;
        }

        public Trainer<B> build() {
            return new Trainer<>(this);
        }
    }
}
