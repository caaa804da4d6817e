package dev.unmask.train;

import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.io.SafetensorsWriter;
import dev.unmask.io.TensorEntry;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoint files: every field survives a round trip; damaged or foreign files give clear errors. */
class CheckpointTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    private Checkpoint sample() {
        Tensor w = backend.fromFloats(new float[] {1.5f, -0f, Float.MIN_VALUE, Float.NaN}, Shape.of(2, 2));
        Tensor codes = backend.fromInts(new int[] {3, -7}, Shape.of(2));
        Tensor moment = backend.fromFloats(new float[] {0.25f, 1e-30f, 7f, -2f}, Shape.of(2, 2));
        return new Checkpoint(12, Map.of("conv.weight", w, "codes", codes), Map.of("0.exp_avg", moment), 11, 12,
                Long.MIN_VALUE + 5, new DataPosition(3, 7, -99), "{\"loss\":0.5,\"note\":\"é\"}");
    }

    /** A valid checkpoint's metadata with one entry replaced (null removes it). */
    private static void writeWithMetadata(Path file, String key, String value) throws Exception {
        Map<String, String> meta = new HashMap<>(Map.of("format", Checkpoint.FORMAT, "checkpoint_version", "1",
                "step", "1", "optimizer_steps", "1", "schedule_step", "1", "rng_state", "1", "data_epoch", "0",
                "data_index", "0", "data_shuffle_seed", "0", "metadata", "{}"));
        if (value == null) {
            meta.remove(key);
        } else {
            meta.put(key, value);
        }
        new SafetensorsWriter().metadata(meta).add(TensorEntry.ofFloats("model.w", new int[] {1}, new float[] {1}))
                .write(file);
    }

    @Test
    void everyFieldSurvivesARoundTrip(@TempDir Path dir) throws Exception {
        Checkpoint c = sample();
        Path file = dir.resolve("c.safetensors");
        c.write(file);
        Checkpoint back = Checkpoint.read(file, backend);
        assertEquals(c.step(), back.step());
        assertEquals(c.optimizerSteps(), back.optimizerSteps());
        assertEquals(c.scheduleStep(), back.scheduleStep());
        assertEquals(c.rngState(), back.rngState());
        assertEquals(c.data(), back.data());
        assertEquals(c.metadataJson(), back.metadataJson());
        assertEquals(c.model().keySet(), back.model().keySet());
        for (String name : new String[] {"conv.weight"}) {
            float[] want = c.model().get(name).toFloatArray();
            float[] got = back.model().get(name).toFloatArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]));
            }
        }
        assertArrayEquals(new int[] {3, -7}, back.model().get("codes").toIntArray());
        assertEquals(Shape.of(2, 2), back.optimizer().get("0.exp_avg").shape());
        assertArrayEquals(c.optimizer().get("0.exp_avg").toFloatArray(), back.optimizer().get("0.exp_avg").toFloatArray());
    }

    @Test
    void aPlainSafetensorsFileIsNotACheckpoint(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("weights.safetensors");
        new SafetensorsWriter().add(TensorEntry.ofFloats("w", new int[] {1}, new float[] {1})).write(file);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(file, backend));
        assertTrue(e.getMessage().contains("not a checkpoint"), e.getMessage());
    }

    @Test
    void aNewerVersionIsRefusedByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.safetensors");
        writeWithMetadata(file, "checkpoint_version", "2");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(file, backend));
        assertTrue(e.getMessage().contains("checkpoint_version 2"), e.getMessage());
    }

    @Test
    void missingOrMalformedFieldsAreNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.safetensors");
        writeWithMetadata(file, "rng_state", null);
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(file, backend))
                .getMessage().contains("'rng_state' is missing"));
        writeWithMetadata(file, "data_index", "12x");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(file, backend))
                .getMessage().contains("'data_index' is '12x'"));
        writeWithMetadata(file, "data_epoch", "-1");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(file, backend))
                .getMessage().contains("non-negative epoch"));
        writeWithMetadata(file, "metadata", "{\"a\":1,\"a\":2}");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(file, backend))
                .getMessage().contains("not valid JSON"));
        writeWithMetadata(file, "metadata", "[1]");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(file, backend))
                .getMessage().contains("JSON object"));
    }

    @Test
    void aTensorOutsideModelAndOptimizerIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.safetensors");
        new SafetensorsWriter().metadata(Map.of("format", Checkpoint.FORMAT, "checkpoint_version", "1"))
                .add(TensorEntry.ofFloats("stray", new int[] {1}, new float[] {1})).write(file);
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(file, backend))
                .getMessage().contains("'stray'"));
    }

    @Test
    void constructorRejectsBadValues() {
        DataPosition p = DataPosition.start(0);
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(-1, Map.of(), Map.of(), 0, 0, 0, p, "{}"));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(0, Map.of(), Map.of(), 0, 0, 0, p, "{"));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(0, Map.of(), Map.of(), 0, 0, 0, p, "{} {}"));
        assertThrows(IllegalArgumentException.class, () -> new DataPosition(0, -1, 0));
    }
}
