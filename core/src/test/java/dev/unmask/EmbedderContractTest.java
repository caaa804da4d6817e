package dev.unmask;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.backend.cpu.kernels.ParallelFor;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFileException;
import dev.unmask.io.ModelBundleException;
import dev.unmask.io.SafetensorsFormatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract {@code docs/embedding.md} states for applications: which exception each public {@link Detector}
 * method throws for each kind of bad input, and which threads the library leaves running. A change that breaks
 * a row of that table fails here.
 */
class EmbedderContractTest {
    @TempDir
    static Path dir;
    private static Detector detector;

    @BeforeAll
    static void setUp() throws IOException {
        detector = Detector.pretrained("meso4-df");
    }

    @AfterAll
    static void tearDown() {
        detector.close();
    }

    @Test
    void loadingThrowsIoExceptionsThatNameTheSource() throws IOException {
        Path missing = dir.resolve("missing.safetensors");
        IOException absent = assertThrows(NoSuchFileException.class, () -> Detector.load(missing));
        assertTrue(absent.getMessage().contains("missing.safetensors"), absent.getMessage());

        Path garbage = Files.write(dir.resolve("garbage.safetensors"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9});
        SafetensorsFormatException notBundle = assertThrows(SafetensorsFormatException.class,
                () -> Detector.load(garbage));
        assertTrue(notBundle.getMessage().contains("garbage.safetensors"), notBundle.getMessage());

        assertThrows(SafetensorsFormatException.class, () -> Detector.load(
                new ByteArrayInputStream(new byte[]{1, 2, 3}), "stream-source", Backends.defaultBackend()));
        assertThrows(ModelBundleException.class, () -> Detector.fromResource("/no/such/bundle.safetensors",
                Backends.defaultBackend()));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Detector.pretrained("meso5"));
        assertTrue(unknown.getMessage().contains("meso4-df"), "the message lists the known names");
        assertThrows(IllegalArgumentException.class, () -> Detector.load(garbage, "tpu"));
    }

    @Test
    void aCorruptImageThrowsTheSameTypeFromAPathAndFromBytes() throws IOException {
        byte[] corrupt = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        Path file = Files.write(dir.resolve("corrupt.png"), corrupt);
        Class<? extends RuntimeException> fromPath = assertThrows(ImageFileException.class,
                () -> detector.detect(file)).getClass();
        Class<? extends RuntimeException> fromBytes = assertThrows(ImageFileException.class,
                () -> detector.detect(corrupt)).getClass();
        assertEquals(fromPath, fromBytes);
        assertThrows(ImageFileException.class, () -> detector.detect(dir.resolve("absent.png")));
        assertThrows(ImageFileException.class, () -> detector.detectFaces(file, FaceFinding.defaults(),
                DetectionOptions.DEFAULTS));
        assertThrows(ImageFileException.class, () -> detector.detect(dir), "a folder is not an image");
    }

    @Test
    void wrongInputsToTheBatchCallThrowIllegalArgument() {
        FloatImage wrongSize = new FloatImage(3, 8, 8, new float[3 * 8 * 8]);
        assertThrows(IllegalArgumentException.class, () -> detector.detectAll(List.of(wrongSize), DetectionOptions.DEFAULTS));
        int h = detector.inputSpec().height();
        int w = detector.inputSpec().width();
        float[] values = new float[3 * h * w];
        values[5] = Float.NaN;
        FloatImage withNaN = new FloatImage(3, h, w, values);
        assertThrows(IllegalArgumentException.class, () -> detector.detectAll(List.of(withNaN), DetectionOptions.DEFAULTS));
        assertThrows(IllegalArgumentException.class, () -> detector.detect((BufferedImage) null));
        assertThrows(IllegalArgumentException.class, () -> detector.detectFaces(null));
    }

    @Test
    void aClosedDetectorRefusesCallsAndClosesOnlyTheBackendItCreated() throws IOException {
        Backend caller = Backends.create("cpu");
        Detector borrowed = Detector.pretrained("meso4-df", caller);
        borrowed.close();
        borrowed.close();  // closing twice is safe
        BufferedImage grey = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        assertThrows(IllegalStateException.class, () -> borrowed.detect(grey));
        // the caller's backend still works after the detector on it closed
        try (Detector again = Detector.pretrained("meso4-df", caller)) {
            assertTrue(Double.isFinite(again.detect(grey).rawScore()));
        }
        caller.close();
    }

    @Test
    void theThreadsTheLibraryStartsAreDaemonsWithItsNamePrefix() {
        BufferedImage picture = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        detector.detect(picture);
        detector.detectFaces(picture);
        List<Thread> ours = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("unmask-")).toList();
        if (ParallelFor.THREADS > 1) {
            assertFalse(ours.isEmpty(), "the CPU backend runs its loops on unmask-cpu-N workers");
        }
        for (Thread t : ours) {
            assertTrue(t.isDaemon(), t.getName() + " would keep the JVM alive");
        }
    }
}
