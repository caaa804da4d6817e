package dev.unmask;

import dev.unmask.detectors.latent.TinyLatentModels;
import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.HostileInputs.Outcome;
import dev.unmask.io.ModelBundleException;
import dev.unmask.io.SafetensorsContent;
import dev.unmask.io.SafetensorsFormatException;
import dev.unmask.io.SafetensorsReader;
import dev.unmask.io.SafetensorsWriter;
import dev.unmask.io.TensorEntry;
import dev.unmask.testing.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hostile bundles ({@link HostileBundles}) loaded in a JVM with a 256 MB heap: each is refused with the
 * bundle reader's exception, on one line under 300 characters that names the file, in under a second; none
 * ends in an {@link OutOfMemoryError} or a raw runtime exception.
 */
class HostileBundleTest {
    private static final String HEAP = "-Xmx256m";
    /** A refusal costs a header scan and a few small allocations; a second is far above it. */
    private static final long MAX_REFUSAL_MILLIS = 1000;
    private static final int MAX_MESSAGE_CHARS = 300;
    private static final Set<String> DECLARED = Set.of("ModelBundleException", "SafetensorsFormatException");

    @Test
    void everyHostileBundleIsRefusedClearlyAndQuicklyInA256MegabyteHeap(@TempDir Path dir) throws Exception {
        Map<String, Path> hostile = HostileBundles.write(dir);
        List<String> args = new ArrayList<>(List.of("load-bundle", dir.resolve("valid.safetensors").toString()));
        hostile.values().forEach(p -> args.add(p.toString()));
        String output = ForkedJvm.run(dir.resolve("child.log"), List.of(HEAP), HostileInputs.class,
                args.toArray(String[]::new));
        List<Outcome> outcomes = HostileInputs.Outcome.all(output);
        assertEquals(hostile.size() + 1, outcomes.size(), output);
        assertEquals("ok", outcomes.get(0).outcome(), "the valid bundle loads: " + outcomes.get(0));
        List<String> problems = new ArrayList<>();
        for (Outcome o : outcomes.subList(1, outcomes.size())) {
            if (!DECLARED.contains(o.outcome())) {
                problems.add(o.name() + ": " + o.outcome() + " " + o.message());
            } else if (o.lines() != 1 || o.length() >= MAX_MESSAGE_CHARS || !o.message().contains(o.name())) {
                problems.add(o.name() + ": message of " + o.lines() + " lines, " + o.length() + " chars: "
                        + o.message().substring(0, Math.min(400, o.message().length())));
            } else if (o.millis() >= MAX_REFUSAL_MILLIS) {
                problems.add(o.name() + ": refused after " + o.millis() + " ms");
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " of " + hostile.size() + " hostile bundles:\n"
                + String.join("\n", problems));
    }

    @Test
    void aValidBundleWithAHeaderPaddedTo99MegabytesLoadsInA256MegabyteHeap(@TempDir Path dir) throws Exception {
        byte[] valid = Files.readAllBytes(HostileBundles.valid(dir));
        long headerLength = ByteBuffer.wrap(valid, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long padded = 99_900_000;
        Path file = dir.resolve("padded.safetensors");
        try (OutputStream o = Files.newOutputStream(file)) {
            o.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            o.write(valid, 8, (int) headerLength);
            byte[] spaces = new byte[1 << 20];
            Arrays.fill(spaces, (byte) ' ');
            for (long left = padded - headerLength; left > 0; left -= spaces.length) {
                o.write(spaces, 0, (int) Math.min(left, spaces.length));
            }
            o.write(valid, 8 + (int) headerLength, valid.length - 8 - (int) headerLength);
        }
        String output = ForkedJvm.run(dir.resolve("child.log"), List.of(HEAP), HostileInputs.class, "load-bundle",
                file.toString());
        Outcome o = HostileInputs.Outcome.all(output).get(0);
        assertEquals("ok", o.outcome(), o.toString());
    }

    @Test
    void aCalibratedModelWithANaNWeightIsRefusedAtLoadNamingTheTensor(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.safetensors");
        TinyLatentModels.trained(5).save(good);
        SafetensorsContent content = SafetensorsReader.read(good);
        String poisoned = "prior.blocks.0.causal_attention.query.weight_v";
        SafetensorsWriter writer = new SafetensorsWriter().metadata(content.metadata());
        for (TensorEntry e : content.tensors()) {
            if (e.name().equals(poisoned)) {
                float[] v = e.toFloats();
                v[3] = Float.NaN;
                writer.add(TensorEntry.ofFloats(e.name(), e.shape(), v));
            } else {
                writer.add(e);
            }
        }
        Path bad = dir.resolve("poisoned.safetensors");
        writer.write(bad);
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> Detector.load(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'" + poisoned + "'") && e.getMessage().contains("NaN"), e.getMessage());
    }

    /** A FIFO without a writer blocks a reader forever; it must be refused before it is opened. */
    @Test
    void aFifoGivenAsTheModelIsRefusedAtOnce(@TempDir Path dir) throws IOException, InterruptedException {
        Path fifo = dir.resolve("model.safetensors");
        boolean made;
        try {
            made = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
        } catch (IOException noMkfifo) {
            made = false;
        }
        assumeTrue(made, "mkfifo is not available here");
        SafetensorsFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(SafetensorsFormatException.class, () -> LatentRestorationModel.load(fifo)));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }
}
