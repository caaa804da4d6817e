package dev.unmask.train;

import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.tensor.Tensor;
import dev.unmask.testing.ForkedJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Resume equivalence: N steps in one process equal N/2 steps, a checkpoint, and N/2 more steps in a
 * fresh process, bit for bit: parameters, Adam moments, step counts, generator state and data position.
 */
class TrainingResumeTest {
    static final long SEED = 20240611L;

    private static Checkpoint read(Path file) throws IOException {
        return Checkpoint.read(file, new ReferenceBackend());
    }

    /** Every tensor of {@code expected} and {@code actual} bit for bit (also used by ThreadCountIndependenceTest). */
    static void assertSameBits(Map<String, Tensor> expected, Map<String, Tensor> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what + " names");
        expected.forEach((name, t) -> {
            int[] want = floatBits(t);
            int[] got = floatBits(actual.get(name));
            assertArrayEquals(want, got, what + " '" + name + "' differs bitwise");
        });
    }

    private static boolean sameBits(Map<String, Tensor> a, Map<String, Tensor> b) {
        return a.keySet().stream().allMatch(name -> Arrays.equals(floatBits(a.get(name)), floatBits(b.get(name))));
    }

    private static int[] floatBits(Tensor t) {
        float[] values = t.toFloatArray();
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    /**
     * {@code conv}: a plain conv net whose noise comes from the trainer's generator. {@code pixelsnail}:
     * a PixelSNAIL with dropout 0.1, whose masks must resume with the trainer's generator too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"conv", "pixelsnail"})
    void halfThenFreshProcessHalfEqualsStraightRun(String model, @TempDir Path dir) throws Exception {
        long n = TinyTraining.TOTAL_STEPS;
        Path straight = dir.resolve("straight");
        Path split = dir.resolve("split");

        ForkedJvm.run(dir.resolve("straight.log"), List.of(), TrainingChild.class, "train", straight.toString(), Long.toString(n), Long.toString(n), model);
        ForkedJvm.run(dir.resolve("first.log"), List.of(), TrainingChild.class, "train", split.toString(), Long.toString(n / 2), Long.toString(n / 2), model);
        Checkpoint half = read(CheckpointStore.open(split, 10).fileFor(n / 2));
        ForkedJvm.run(dir.resolve("second.log"), List.of(), TrainingChild.class, "train", split.toString(), Long.toString(n), Long.toString(n / 2), model);

        Checkpoint expected = read(CheckpointStore.open(straight, 10).fileFor(n));
        Checkpoint actual = read(CheckpointStore.open(split, 10).fileFor(n));
        assertEquals(n, actual.step());
        assertSameBits(expected.model(), actual.model(), "parameter");
        assertSameBits(expected.optimizer(), actual.optimizer(), "optimizer state");
        assertEquals(expected.optimizerSteps(), actual.optimizerSteps());
        assertEquals(expected.rngState(), actual.rngState());
        assertEquals(expected.data(), actual.data());

        // the comparison means something only if the second half changed the state
        assertFalse(sameBits(half.model(), actual.model()), "the second half changed no parameter");
        assertFalse(sameBits(half.optimizer(), actual.optimizer()), "the second half changed no optimizer state");
    }
}
