package dev.unmask.train;

import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.testing.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A forked JVM saving 4 MB checkpoints in a tight loop is killed (SIGKILL) at random moments; after each
 * kill the newest checkpoint must read, validate and hold the values of its own step, and reopening the
 * folder must leave no temporary file.
 */
class CheckpointKillSafetyTest {
    private static final int KILLS = 4;
    /** Upper bound of the random wait before a kill; a save takes tens of milliseconds. */
    private static final int MAX_DELAY_MS = 400;
    private static final long START_TIMEOUT_S = 30;

    private static List<Path> listing(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private static void awaitFirstSave(Path log, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (!Files.readString(log).contains("saved")) {
            assertTrue(child.isAlive(), () -> "child died: " + readQuietly(log));
            assertTrue(System.nanoTime() < deadline, "child saved nothing within " + START_TIMEOUT_S + " s");
            Thread.sleep(10);
        }
    }

    private static String readQuietly(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    void killedWritersNeverLeaveAnUnreadableLatestCheckpoint(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("checkpoints");
        SplittableRandom delays = new SplittableRandom(7);
        long previousStep = -1;
        for (int kill = 0; kill < KILLS; kill++) {
            Path log = dir.resolve("child" + kill + ".log");
            Process child = ForkedJvm.start(log, List.of(), TrainingChild.class, "write-forever", folder.toString());
            awaitFirstSave(log, child);
            Thread.sleep(delays.nextInt(MAX_DELAY_MS));
            child.destroyForcibly();
            assertTrue(child.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS), "child did not die");

            CheckpointStore store = CheckpointStore.open(folder, TrainingChild.KEEP);
            for (Path p : listing(folder)) {
                assertTrue(p.getFileName().toString().startsWith("checkpoint-"), "left behind: " + p);
            }
            assertTrue(store.files().size() <= TrainingChild.KEEP + 1, () -> "too many files: " + readQuietly(log));
            CheckpointStore.Loaded latest = store.latest(new ReferenceBackend()).orElseThrow();
            assertEquals(List.of(), latest.skipped(), "the newest checkpoint must be readable");
            assertEquals(latest.file(), store.files().get(0));
            Checkpoint c = latest.checkpoint();
            assertTrue(c.step() > previousStep, "each child continues after the previous one's last checkpoint");
            float[] weight = c.model().get("weight").toFloatArray();
            assertEquals(TrainingChild.LARGE_ELEMENTS, weight.length);
            for (float v : weight) {
                assertEquals((float) c.step(), v, "a tensor from another step was mixed in");
            }
            assertEquals("{\"step\":" + c.step() + "}", c.metadataJson());
            assertEquals(new DataPosition(c.step(), 0, c.step()), c.data());
            previousStep = c.step();
        }
    }
}
