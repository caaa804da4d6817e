package dev.unmask.io;

import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model bundles: round trip, and clear errors for unknown versions, missing metadata and wrong types. */
class ModelBundleTest {
    private static final String CONFIG = "{\"channel\":128,\"n_embed\":512}";
    private final ReferenceBackend backend = new ReferenceBackend();

    private Map<String, Tensor> stateDict() {
        return Map.of("quantize.embed", backend.fromFloats(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3)),
                "steps", backend.fromInts(new int[] {42}, Shape.scalar()));
    }

    /** A bundle written directly with the given metadata (null values remove the key). */
    private static Path hostile(Path dir, Map<String, String> changes) throws Exception {
        Map<String, String> meta = new HashMap<>(Map.of("format_version", "1", "model_type", "vqvae",
                "config", CONFIG, "calibration", "null", "thresholds", "null"));
        changes.forEach((k, v) -> {
            if (v == null) {
                meta.remove(k);
            } else {
                meta.put(k, v);
            }
        });
        Path file = dir.resolve("hostile.safetensors");
        new SafetensorsWriter().metadata(meta).add(TensorEntry.ofFloats("w", new int[] {1}, new float[] {1})).write(file);
        return file;
    }

    private static String failure(Path file) {
        return assertThrows(ModelBundleException.class, () -> ModelBundle.read(file)).getMessage();
    }

    private static Map<String, String> change(String key, String value) {
        Map<String, String> m = new HashMap<>();
        m.put(key, value);
        return m;
    }

    @Test
    void roundTripKeepsTensorsAndMetadata(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.safetensors");
        ModelBundle.write(file, "vqvae", CONFIG, stateDict(),
                Map.of("calibration", "{\"lambda_s\":3.5}", "trained_on", "synth-faces"));
        ModelBundle bundle = ModelBundle.read(file, "vqvae");
        assertEquals(ModelBundle.FORMAT_VERSION, bundle.formatVersion());
        assertEquals("vqvae", bundle.modelType());
        assertEquals(CONFIG, bundle.configJson());
        assertEquals(Optional.of("{\"lambda_s\":3.5}"), bundle.calibrationJson());
        assertEquals(Optional.empty(), bundle.thresholdsJson());
        assertEquals("synth-faces", bundle.metadata().get("trained_on"));
        Map<String, Tensor> back = bundle.stateDict(backend);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, back.get("quantize.embed").toFloatArray());
        assertEquals(Shape.of(2, 3), back.get("quantize.embed").shape());
        assertArrayEquals(new int[] {42}, back.get("steps").toIntArray());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file remains");
        }
    }

    @Test
    void unknownOrNewerFormatVersionsAreRefused(@TempDir Path dir) throws Exception {
        String newer = failure(hostile(dir, change("format_version", "2")));
        assertTrue(newer.contains("format version 2 is newer") && newer.contains("upgrade"), newer);
        assertTrue(failure(hostile(dir, change("format_version", "0"))).contains("version 0 is unknown"));
        assertTrue(failure(hostile(dir, change("format_version", "one"))).contains("'one', not an integer"));
    }

    @Test
    void missingMetadataIsNamed(@TempDir Path dir) throws Exception {
        assertTrue(failure(hostile(dir, change("format_version", null))).contains("not a model bundle"));
        String m = failure(plainFile(dir));
        assertTrue(m.contains("not a model bundle"), m);
        Map<String, String> two = change("config", null);
        two.put("thresholds", null);
        String both = failure(hostile(dir, two));
        assertTrue(both.contains("[config, thresholds]"), both);
    }

    private static Path plainFile(Path dir) throws Exception {
        Path file = dir.resolve("plain.safetensors");
        new SafetensorsWriter().add(TensorEntry.ofFloats("w", new int[] {1}, new float[] {1})).write(file);
        return file;
    }

    @Test
    void malformedMetadataIsNamed(@TempDir Path dir) throws Exception {
        assertTrue(failure(hostile(dir, change("config", "[1,2]"))).contains("'config' must be a JSON object"));
        assertTrue(failure(hostile(dir, change("config", "{\"a\":1"))).contains("'config' is not valid JSON"));
        assertTrue(failure(hostile(dir, change("calibration", "{} x"))).contains("'calibration' is not valid JSON"));
        assertTrue(failure(hostile(dir, change("thresholds", ""))).contains("'thresholds' is empty"));
        assertTrue(failure(hostile(dir, change("model_type", " "))).contains("'model_type' is blank"));
    }

    @Test
    void aWrongModelTypeNamesBoth(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prior.safetensors");
        ModelBundle.write(file, "pixelsnail", CONFIG, stateDict(), Map.of());
        String m = assertThrows(ModelBundleException.class, () -> ModelBundle.read(file, "vqvae")).getMessage();
        assertTrue(m.contains("'pixelsnail'") && m.contains("expected 'vqvae'"), m);
    }

    @Test
    void aBrokenSafetensorsFileIsAFormatError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.safetensors");
        ModelBundle.write(file, "vqvae", CONFIG, stateDict(), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
        assertThrows(SafetensorsFormatException.class, () -> ModelBundle.read(file));
    }

    @Test
    void writeRefusesBadArguments(@TempDir Path dir) {
        Path file = dir.resolve("m.safetensors");
        assertThrows(IllegalArgumentException.class, () -> ModelBundle.write(file, " ", CONFIG, stateDict(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> ModelBundle.write(file, "vqvae", "[]", stateDict(), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> ModelBundle.write(file, "vqvae", CONFIG, stateDict(), Map.of("model_type", "x")));
        assertThrows(IllegalArgumentException.class,
                () -> ModelBundle.write(file, "vqvae", CONFIG, stateDict(), Map.of("thresholds", "{oops")));
        assertTrue(Files.notExists(file));
    }
}
