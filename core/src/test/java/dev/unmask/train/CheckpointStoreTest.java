package dev.unmask.train;

import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retention, leftover cleanup and falling back past unreadable checkpoints. */
class CheckpointStoreTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    private Checkpoint at(long step) {
        return new Checkpoint(step, Map.of("w", backend.full(Shape.of(16), DType.F32, step)),
                Map.of(), step, step, step, DataPosition.start(1), "{}");
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void keepsTheNewestCheckpoints(@TempDir Path dir) throws Exception {
        CheckpointStore store = CheckpointStore.open(dir, 2);
        for (long step : new long[] {5, 10, 15, 20}) {
            store.save(at(step));
        }
        assertEquals(List.of("checkpoint-000000000015.safetensors", "checkpoint-000000000020.safetensors"), names(dir));
        assertEquals(20, store.latest(backend).orElseThrow().checkpoint().step());
    }

    @Test
    void openingRemovesOnlyLeftoverTemporaryFiles(@TempDir Path dir) throws Exception {
        CheckpointStore.open(dir, 3).save(at(1));
        String leftover = ".checkpoint-000000000002.safetensors.0f8fad5b-d9cb-469f-a165-70867728950e.tmp";
        Files.write(dir.resolve(leftover), new byte[] {1, 2, 3});
        Files.write(dir.resolve("notes.tmp"), new byte[] {1});
        Files.write(dir.resolve(".other.safetensors.0f8fad5b-d9cb-469f-a165-70867728950e.tmp"), new byte[] {1});
        CheckpointStore.open(dir, 3);
        assertEquals(List.of(".other.safetensors.0f8fad5b-d9cb-469f-a165-70867728950e.tmp",
                "checkpoint-000000000001.safetensors", "notes.tmp"), names(dir));
    }

    @Test
    void aTruncatedNewestFileIsReportedAndThePreviousOneUsed(@TempDir Path dir) throws Exception {
        CheckpointStore store = CheckpointStore.open(dir, 5);
        store.save(at(1));
        store.save(at(2));
        Path newest = store.save(at(3));
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 5);
        }
        CheckpointStore.Loaded loaded = store.latest(backend).orElseThrow();
        assertEquals(2, loaded.checkpoint().step());
        assertEquals(1, loaded.skipped().size());
        assertEquals(newest, loaded.skipped().get(0).file());
        assertTrue(Files.exists(newest), "the damaged file is kept for inspection");
    }

    @Test
    void aFileWhoseStepDisagreesWithItsNameIsSkipped(@TempDir Path dir) throws Exception {
        CheckpointStore store = CheckpointStore.open(dir, 5);
        store.save(at(1));
        at(9).write(store.fileFor(4));
        CheckpointStore.Loaded loaded = store.latest(backend).orElseThrow();
        assertEquals(1, loaded.checkpoint().step());
        assertTrue(loaded.skipped().get(0).reason().contains("holds step 9"), loaded.skipped().get(0).reason());
    }

    @Test
    void nothingReadableGivesEmpty(@TempDir Path dir) throws Exception {
        CheckpointStore store = CheckpointStore.open(dir, 5);
        assertTrue(store.latest(backend).isEmpty());
        Files.write(store.fileFor(7), new byte[] {1, 2, 3});
        assertTrue(store.latest(backend).isEmpty());
    }

    @Test
    void savingAnOlderStepNeverDeletesItOrNewerFiles(@TempDir Path dir) throws Exception {
        CheckpointStore store = CheckpointStore.open(dir, 1);
        store.save(at(10));
        Files.write(store.fileFor(20), new byte[] {0});
        store.save(at(15));
        assertEquals(List.of("checkpoint-000000000015.safetensors", "checkpoint-000000000020.safetensors"), names(dir));
        assertEquals(15, store.latest(backend).orElseThrow().checkpoint().step());
    }

    @Test
    void badArgumentsAreRefused(@TempDir Path dir) throws Exception {
        assertThrows(IllegalArgumentException.class, () -> CheckpointStore.open(dir, 0));
        assertThrows(IllegalArgumentException.class, () -> CheckpointStore.open(dir, 1).fileFor(-1));
    }
}
