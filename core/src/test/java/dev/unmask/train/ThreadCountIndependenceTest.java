package dev.unmask.train;

import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.testing.ForkedJvm;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Training on the fast CPU backend (not deterministic mode) gives the same bits with one thread and with three:
 * every threaded kernel splits its outputs, never a sum (the weight gradient of a convolution is split by its
 * rows or columns, not by images), and the kernels' exponentials and lane sums do not depend on the JIT. Each run
 * is a separate JVM with its own {@code -Dunmask.threads}, since the thread count is fixed when the pool starts.
 */
class ThreadCountIndependenceTest {
    private static final long STEPS = 3;

    @ParameterizedTest
    @ValueSource(strings = {"conv", "pixelsnail"})
    void oneAndThreeThreadsTrainToTheSameBits(String model, @TempDir Path dir) throws Exception {
        Path one = dir.resolve("one");
        Path three = dir.resolve("three");
        ForkedJvm.run(dir.resolve("one.log"), List.of("-Dunmask.threads=1"), TrainingChild.class, "train-fast", one.toString(),
                Long.toString(STEPS), model);
        ForkedJvm.run(dir.resolve("three.log"), List.of("-Dunmask.threads=3"), TrainingChild.class, "train-fast", three.toString(),
                Long.toString(STEPS), model);
        ReferenceBackend ref = new ReferenceBackend();
        Checkpoint a = Checkpoint.read(CheckpointStore.open(one, 10).fileFor(STEPS), ref);
        Checkpoint b = Checkpoint.read(CheckpointStore.open(three, 10).fileFor(STEPS), ref);
        assertEquals(STEPS, a.step(), "steps trained");
        TrainingResumeTest.assertSameBits(a.model(), b.model(), model + " parameter");
        TrainingResumeTest.assertSameBits(a.optimizer(), b.optimizer(), model + " optimizer state");
    }
}
