package dev.unmask.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How one model is trained at a constant learning rate: steps, batch size, rate, the seed of shuffling and
 * sampling, an optional checkpoint folder (resumed from when it holds a checkpoint) and a listener.
 *
 * @param steps           optimizer steps, at least 1
 * @param batchSize       samples per step, at least 1
 * @param learningRate    the optimizer's learning rate, positive
 * @param seed            seed of the shuffling and of the trainer's generator
 * @param checkpoints     folder for checkpoints, or null for none
 * @param checkpointEvery steps between checkpoints (ignored without a folder), at least 1
 * @param listener        progress reports
 */
public record TrainingSettings(long steps, int batchSize, double learningRate, long seed, Path checkpoints,
                               long checkpointEvery, Trainer.Listener listener) {
    /** Checkpoints kept in a folder: the newest and one before it, in case the newest is damaged. */
    public static final int KEEP = 2;

    public TrainingSettings {
        if (steps < 1 || batchSize < 1 || !(learningRate > 0) || Double.isInfinite(learningRate) || checkpointEvery < 1
                || listener == null) {
            throw new IllegalArgumentException("training needs steps, batch size and checkpoint period >= 1, a finite "
                    + "positive learning rate and a listener; got steps " + steps + ", batch " + batchSize + ", rate "
                    + learningRate + ", every " + checkpointEvery);
        }
    }

    /** No checkpoints, no listener. */
    public static TrainingSettings of(long steps, int batchSize, double learningRate, long seed) {
        return new TrainingSettings(steps, batchSize, learningRate, seed, null, steps, new Trainer.Listener() {
        });
    }

    /** These settings with checkpoints in {@code folder} (or none for null). */
    public TrainingSettings withCheckpoints(Path folder) {
        return new TrainingSettings(steps, batchSize, learningRate, seed, folder, checkpointEvery, listener);
    }

    /**
     * Builds the trainer (with {@code builder}'s model, optimizer, source and loss, this seed and listener and
     * checkpoints), resumes from the newest checkpoint in the folder if any, and trains to {@link #steps()}.
     */
    public <B> void run(Trainer.Builder<B> builder) throws IOException {
        builder.seed(seed).listener(listener);
        if (checkpoints != null) {
            builder.checkpoints(CheckpointStore.open(checkpoints, KEEP), checkpointEvery);
        }
        Trainer<B> trainer = builder.build();
        if (checkpoints != null) {
            trainer.resumeLatest();
        }
        trainer.run(steps);
    }
}
