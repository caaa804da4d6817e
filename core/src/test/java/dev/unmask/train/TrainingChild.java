package dev.unmask.train;

import dev.unmask.backend.Backends;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The program the tests run in a separate JVM.
 * <ul>
 *   <li>{@code train <folder> <steps> <every> <model>}: deterministic {@link TinyTraining} (model
 *       {@code conv}) or {@link TinyPixelSnailTraining} (model {@code pixelsnail}), resumed from the
 *       folder's latest checkpoint if any, run to {@code steps} with a checkpoint every {@code every};</li>
 *   <li>{@code train-fast <folder> <steps> <model>}: the same models on the fast CPU backend (not deterministic
 *       mode), with the thread count the JVM was given, a checkpoint at the last step;</li>
 *   <li>{@code write-forever <folder>}: saves ever-larger-step checkpoints of a 4 MB tensor filled with
 *       the step number, continuing after the folder's latest one, until killed.</li>
 * </ul>
 */
public final class TrainingChild {
    static final int LARGE_ELEMENTS = 1 << 20;
    static final int KEEP = 3;

    private TrainingChild() {
    }

    public static void main(String[] args) throws IOException {
        if (args[0].equals("train-fast")) {
            // the fast CPU backend, threads as -Dunmask.threads says, checkpoint at the last step only
            Backends.setDefaultBackend(Backends.create("cpu"));
            train(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[2]), args[3], false);
            return;
        }
        DeterministicMode.enable();
        switch (args[0]) {
            case "train" -> train(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]), args[4], true);
            case "write-forever" -> writeForever(Path.of(args[1]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void train(Path folder, long steps, long every, String model, boolean deterministic)
            throws IOException {
        Trainer.Builder<Tensor> builder = switch (model) {
            case "conv" -> new TinyTraining(TrainingResumeTest.SEED).builder;
            case "pixelsnail" -> new TinyPixelSnailTraining(TrainingResumeTest.SEED).builder;
            default -> throw new IllegalArgumentException("unknown model " + model);
        };
        Trainer<Tensor> trainer = builder.deterministic(deterministic)
                .checkpoints(CheckpointStore.open(folder, 10), every).build();
        trainer.resumeLatest();
        trainer.run(steps);
    }

    private static void writeForever(Path folder) throws IOException {
        CheckpointStore store = CheckpointStore.open(folder, KEEP);
        long step = store.latest().map(l -> l.checkpoint().step() + 1).orElse(0L);
        while (true) {
            Tensor filled = Backends.defaultBackend().full(Shape.of(LARGE_ELEMENTS), DType.F32, step);
            store.save(new Checkpoint(step, Map.of("weight", filled), Map.of(), step, step, step,
                    new DataPosition(step, 0, step), "{\"step\":" + step + "}"));
            System.out.println("saved " + step);
            step++;
        }
    }
}
