package dev.unmask.detectors.classifier;

import dev.unmask.Detection;
import dev.unmask.Detector;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.Polarity;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;
import dev.unmask.models.mesonet.MesoNet;
import dev.unmask.models.mesonet.MesoNetGoldens;
import dev.unmask.models.mesonet.MesoNetWeights;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pretrained MesoNet detectors against the independent oracle of make_mesonet_goldens.py (a float64 Keras
 * re-implementation reading the .h5 files): the shipped bundles are the official weights, the family's
 * preprocessing gives the oracle's input pixels, and the detector gives the oracle's probability and verdict.
 */
class MesoNetFamilyTest {
    /** The target on the output probability. */
    private static final double PROBABILITY_TOLERANCE = 1e-5;
    private static final Backend BACKEND = Backends.defaultBackend();
    private static final MesoNetGoldens INFERENCE = MesoNetGoldens.load("inference", BACKEND);
    private static final Map<String, String> PRETRAINED = Map.of("meso4-df", "Meso4_DF", "meso4-f2f", "Meso4_F2F",
            "mesoinception-df", "MesoInception_DF", "mesoinception-f2f", "MesoInception_F2F");

    @TempDir
    Path dir;

    @Test
    void theShippedBundlesHoldTheOfficialWeightsBitForBit() throws IOException {
        for (Map.Entry<String, String> e : PRETRAINED.entrySet()) {
            Map<String, Tensor> official = MesoNetWeights.load(MesoNetGoldens.weights(e.getValue()), BACKEND).stateDict();
            Path copy = dir.resolve(e.getKey() + ".safetensors");
            try (InputStream in = Detector.class.getResourceAsStream("/dev/unmask/pretrained/" + e.getKey() + ".safetensors")) {
                Files.copy(in, copy);
            }
            ModelBundle bundle = ModelBundle.read(copy, MesoNetFamily.MODEL_TYPE);
            Map<String, Tensor> shipped = bundle.stateDict(BACKEND);
            assertEquals(official.keySet(), shipped.keySet(), e.getKey());
            official.forEach((name, t) -> {
                if (t.dtype() == dev.unmask.tensor.DType.I32) {
                    assertArrayEquals(t.toIntArray(), shipped.get(name).toIntArray(), e.getKey() + " " + name);
                } else {
                    assertArrayEquals(t.toFloatArray(), shipped.get(name).toFloatArray(), e.getKey() + " " + name);
                }
            });
            assertTrue(bundle.metadata().get("source").contains(e.getValue() + ".h5"), bundle.metadata().toString());
        }
        for (String notice : List.of("LICENSE", "NOTICE")) {
            assertTrue(Detector.class.getResource("/dev/unmask/pretrained/" + notice) != null, notice + " ships beside them");
        }
    }

    @Test
    void preprocessingGivesTheOraclesInputPixelsFromTheJpegs() throws IOException {
        try (Detector detector = Detector.pretrained("meso4-df")) {
            assertEquals(new InputSpec(3, 256, 256, InputSpec.PixelRange.ZERO_TO_ONE, InputSpec.Resize.NEAREST,
                    InputSpec.Layout.NHWC), detector.inputSpec());
            for (String face : MesoNetGoldens.FACES) {
                String name = face.substring(face.indexOf('/') + 1);
                float[] ours = detector.read(MesoNetGoldens.resource("test_images/" + face + ".jpg")).data();
                assertArrayEquals(INFERENCE.faceInput(name), ours, face + ": decoded, resized, / 255");
            }
        }
    }

    @Test
    void everyPretrainedDetectorGivesTheOraclesProbabilityAndVerdictOnTheOfficialFaces() throws IOException {
        for (Map.Entry<String, String> e : PRETRAINED.entrySet()) {
            try (Detector detector = Detector.pretrained(e.getKey().toUpperCase(Locale.ROOT))) {
                assertEquals(MesoNetFamily.MODEL_TYPE, detector.modelType());
                assertEquals(Polarity.REAL_PROBABILITY, detector.model().polarity());
                for (String face : MesoNetGoldens.FACES) {
                    String name = face.substring(face.indexOf('/') + 1);
                    double real = INFERENCE.tensor("prob." + e.getValue() + ".face." + name).toFloatArray()[0];
                    Detection d = detector.detect(MesoNetGoldens.resource("test_images/" + face + ".jpg"));
                    String what = e.getKey() + " on " + face;
                    assertEquals(real, d.rawScore(), PROBABILITY_TOLERANCE, what);
                    assertEquals(1 - real, d.normalisedScore(), PROBABILITY_TOLERANCE, what + ": the fake probability");
                    assertEquals(real <= 0.5, d.fake(), what + ": the oracle's verdict");
                }
            }
        }
    }

    @Test
    void aBundleWhoseTensorsDoNotFitItsConfigIsRefusedNamingTheTensor() throws IOException {
        MesoNet meso4 = MesoNetWeights.load(MesoNetGoldens.weights("Meso4_DF"), BACKEND);
        Path file = dir.resolve("lying.safetensors");
        ModelBundle.write(file, MesoNetFamily.MODEL_TYPE, "{\"architecture\":\"MESO_INCEPTION4\",\"dropout\":0.5}",
                meso4.stateDict(), Map.of(ModelBundle.CALIBRATION_KEY, dev.unmask.detectors.ScoreDecision.probability().toJson()));
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> Detector.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("block1"), e.getMessage());
        assertTrue(e.getMessage().length() < 300, e.getMessage());
        Path badConfig = dir.resolve("bad-config.safetensors");
        ModelBundle.write(badConfig, MesoNetFamily.MODEL_TYPE, "{\"architecture\":\"MESO5\"}", meso4.stateDict(), Map.of());
        ModelBundleException config = assertThrows(ModelBundleException.class, () -> Detector.load(badConfig));
        assertTrue(config.getMessage().contains("MESO5"), config.getMessage());
    }
}
