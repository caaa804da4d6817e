package dev.unmask.models.mesonet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Damaged and hostile weight files loaded in a JVM of 256 MB heap ({@link HostileWeightsChild}): every one
 * loads or fails with a one-line {@code KerasWeightsException} naming it, never an OutOfMemoryError, another
 * exception or a hang. The corpus: both official layouts truncated at many lengths, copies with random bytes
 * overwritten (half of them within the first 4 KiB, where HDF5 keeps the superblock, the root group and the
 * first object headers), random bytes, and random bytes behind a valid HDF5 signature.
 */
class HostileWeightFilesTest {
    private static final String HEAP = "-Xmx256m";
    /** The whole corpus loads in a few seconds; a hang must fail the test, not stall the build. */
    private static final long TIMEOUT_SECONDS = 300;
    private static final int CORRUPTED_COPIES = 120;
    private static final int TRUNCATIONS = 24;
    private static final int HEADER_BYTES = 4096;
    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    @Test
    void everyDamagedFileLoadsOrFailsWithOneLineNamingIt() throws IOException, InterruptedException {
        Path corpus = Files.createDirectory(dir.resolve("corpus"));
        SplittableRandom random = new SplittableRandom(20261207L);
        int files = 0;
        for (String weights : List.of("Meso4_DF", "MesoInception_F2F")) {
            byte[] bytes = Files.readAllBytes(MesoNetGoldens.weights(weights));
            for (int i = 0; i < TRUNCATIONS; i++) {
                int length = i == 0 ? 0 : (int) ((long) bytes.length * i / TRUNCATIONS) + random.nextInt(64);
                write(corpus, weights + "-truncated-" + i, Arrays.copyOf(bytes, Math.min(length, bytes.length - 1)));
                files++;
            }
            for (int i = 0; i < CORRUPTED_COPIES; i++) {
                byte[] copy = bytes.clone();
                int span = i % 2 == 0 ? HEADER_BYTES : copy.length;
                for (int k = 1 + random.nextInt(8); k > 0; k--) {
                    copy[random.nextInt(span)] = (byte) random.nextInt(256);
                }
                write(corpus, weights + "-corrupted-" + i, copy);
                files++;
            }
        }
        for (int size : new int[] {1, 100, 5000, 200_000}) {
            byte[] garbage = new byte[size];
            random.nextBytes(garbage);
            write(corpus, "garbage-" + size, garbage);
            System.arraycopy(HDF5_SIGNATURE, 0, garbage, 0, Math.min(size, HDF5_SIGNATURE.length));
            write(corpus, "signed-garbage-" + size, garbage);
            files += 2;
        }

        Path log = dir.resolve("child.log");
        Process child = start(corpus, log);
        if (!child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            List<String> done = Files.readAllLines(log);
            fail("the child hung after " + done.size() + " files; last: " + (done.isEmpty() ? "none" : done.get(done.size() - 1)));
        }
        List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.startsWith("WARNING: Using incubator")).toList();
        assertEquals(0, child.exitValue(), String.join("\n", lines));
        assertEquals(files, lines.size(), "one line per file:\n" + String.join("\n", lines));
        int rejected = 0;
        List<String> failures = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("REJECTED ")) {
                rejected++;
                if (!line.startsWith("REJECTED " + corpus + "/")) {
                    failures.add("a message that does not start with the file: " + line);
                }
            } else if (!line.startsWith("OK ")) {
                failures.add(line);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        // a flipped byte inside the weight values loads fine; everything truncated or broken must not
        assertTrue(rejected >= files / 3, rejected + " of " + files + " rejected");
    }

    private static void write(Path corpus, String name, byte[] bytes) throws IOException {
        Files.write(corpus.resolve(name + ".h5"), bytes);
    }

    private static Process start(Path corpus, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only and the serial collector: the child is short-lived; jhdf's warnings about the damage are noise
        List<String> command = List.of(java, HEAP, "--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=off", "-cp",
                System.getProperty("java.class.path"), HostileWeightsChild.class.getName(), corpus.toString());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
