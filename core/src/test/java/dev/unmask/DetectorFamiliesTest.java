package dev.unmask;

import dev.unmask.backend.Backends;
import dev.unmask.data.FloatImage;
import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.detectors.latent.TinyLatentModels;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectorFamiliesTest {
    @TempDir
    Path dir;

    private Path constantBundle() throws IOException {
        Path file = dir.resolve("constant.safetensors");
        ModelBundle.write(file, ConstantFamily.TYPE, "{}", Map.<String, Tensor>of(), Map.of());
        return file;
    }

    private static FloatImage grey(float value) {
        float[] d = new float[3 * 8 * 8];
        Arrays.fill(d, value);
        return new FloatImage(3, 8, 8, d);
    }

    @Test
    void bundlesAreDispatchedByModelTypeToBuiltInAndServiceLoadedFamilies() {
        List<String> types = DetectorFamilies.modelTypes();
        assertEquals(LatentRestorationModel.MODEL_TYPE, types.get(0), "built-in families come first");
        assertTrue(types.contains(ConstantFamily.TYPE), "found through ServiceLoader: " + types);
    }

    @Test
    void aRealProbabilityIsTurnedIntoAFakeProbabilityWithTheVerdictAtOneHalf() throws IOException {
        try (Detector detector = Detector.load(constantBundle())) {
            assertEquals(ConstantFamily.TYPE, detector.modelType());
            // inputs in [-1, 1]: -0.5 -> brightness 0.25 -> P(real) 0.25 -> P(fake) 0.75
            for (float level : new float[] {-0.5f, 0.5f, 0f}) {
                Detection d = detector.detectAll(List.of(detector.prepare(grey(level))), DetectionOptions.DEFAULTS).get(0);
                double real = (level + 1) / 2.0;
                assertEquals(real, d.rawScore(), 1e-7);
                assertEquals(1 - real, d.normalisedScore(), 1e-12);
                assertEquals(1 - real >= 0.5, d.fake());
                assertEquals(ConstantFamily.TYPE, d.modelType());
                assertEquals((float) real, d.output(ConstantFamily.MEAN).orElseThrow()[0], 1e-7f);
                assertTrue(d.faceBox().isEmpty());
                assertTrue(d.videoFrame().isEmpty());
            }
        }
    }

    @Test
    void anUnknownModelTypeIsRefusedWithTheKnownOnesListed() throws IOException {
        Path file = dir.resolve("other.safetensors");
        ModelBundle.write(file, "no-such-family", "{}", Map.<String, Tensor>of(), Map.of());
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> Detector.load(file));
        assertTrue(e.getMessage().contains("no-such-family") && e.getMessage().contains(LatentRestorationModel.MODEL_TYPE)
                && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void aBundleLoadsFromAStreamAndFromTheClassPathWithTheSameScores() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        TinyLatentModels.trained(5).save(file);
        FloatImage face = new dev.unmask.data.SynthFaces(5, TinyLatentModels.SIZE, 0).face(3);
        try (Detector fromPath = Detector.load(file);
             InputStream in = Files.newInputStream(file);
             Detector fromStream = Detector.load(in, "tiny", Backends.defaultBackend())) {
            assertEquals(fromPath.detectAll(List.of(face), DetectionOptions.DEFAULTS),
                    fromStream.detectAll(List.of(face), DetectionOptions.DEFAULTS));
        }
        ModelBundleException missing = assertThrows(ModelBundleException.class,
                () -> Detector.fromResource("/no/such/bundle.safetensors", Backends.defaultBackend()));
        assertTrue(missing.getMessage().contains("/no/such/bundle.safetensors"), missing.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Detector.pretrained("meso5"));
        assertTrue(unknown.getMessage().contains("meso4-df"), unknown.getMessage());
    }

    @Test
    void rowsHoldEveryColumnInOrderAndScoresReadBackExactly() {
        Detection d = new Detection("m", 0.1 + 0.2, 0.7, true, null, new dev.unmask.faces.FaceBox(3, 4, 50, 60), 7,
                dev.unmask.detectors.Outputs.NONE);
        DetectionRow row = DetectionRow.of("a,b.png", d);
        List<String> values = row.values();
        assertEquals(DetectionRow.COLUMNS.size(), values.size());
        assertEquals(List.of("a,b.png", "7", "3", "4", "50", "60", "m"), values.subList(0, 7));
        assertEquals(0.1 + 0.2, Double.parseDouble(values.get(7)));
        assertEquals("fake", values.get(9));
        DetectionRow failed = DetectionRow.failure("x.png", "m", "corrupt\nimage\r\n" + "y".repeat(1000));
        assertFalse(failed.scored());
        assertFalse(failed.error().contains("\n") || failed.error().contains("\r"));
        assertTrue(failed.error().length() <= 300);
        assertEquals("", failed.values().get(7));
        assertArrayEquals(new String[] {"", "", DetectionRow.NO_FACE},
                DetectionRow.noFace("v.mp4", -1, "m").values().subList(7, 10).toArray());
    }
}
