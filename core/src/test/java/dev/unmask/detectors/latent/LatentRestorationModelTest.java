package dev.unmask.detectors.latent;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatentRestorationModelTest {
    private static LatentRestorationModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() throws IOException {
        model = TinyLatentModels.trained(3);
    }

    private static Tensor testImages() {
        float[] data = TinyLatentModels.faces(3, 100, 4);
        int s = TinyLatentModels.SIZE;
        return Backends.defaultBackend().fromFloats(data, Shape.of(4, 3, s, s));
    }

    @Test
    void roundTripGivesTheSameConfigCalibrationAndScores() throws IOException {
        Path file = dir.resolve("model.safetensors");
        model.save(file);
        LatentRestorationModel loaded = LatentRestorationModel.load(file);
        assertEquals(model.vqvae().config(), loaded.vqvae().config());
        assertEquals(model.priorModel().config(), loaded.priorModel().config());
        assertEquals(model.calibration(), loaded.calibration());
        RestorationSettings settings = RestorationSettings.DEFAULTS.withCopies(3).withSeed(5);
        LatentAnomalyScorer before = model.scorer(settings);
        LatentAnomalyScorer after = loaded.scorer(settings);
        Tensor images = testImages();
        double lambdaS = model.calibration().orElseThrow().lambdaS();
        double lambdaP = model.calibration().orElseThrow().lambdaP();
        assertArrayEquals(before.sampleScores(images, lambdaS), after.sampleScores(images, lambdaS));
        assertArrayEquals(before.pixelScores(images, lambdaP).toFloatArray(), after.pixelScores(images, lambdaP).toFloatArray());
    }

    @Test
    void bundleHoldsBothStateDictsUnderTheirPrefixes() throws IOException {
        Path file = dir.resolve("model.safetensors");
        model.save(file);
        ModelBundle bundle = ModelBundle.read(file);
        assertEquals(LatentRestorationModel.MODEL_TYPE, bundle.modelType());
        int expected = model.vqvae().stateDict().size() + model.priorModel().stateDict().size();
        assertEquals(expected, bundle.content().tensors().size());
        for (String name : model.vqvae().stateDict().keySet()) {
            assertTrue(bundle.content().contains("vqvae." + name), name);
        }
        for (String name : model.priorModel().stateDict().keySet()) {
            assertTrue(bundle.content().contains("prior." + name), name);
        }
        assertTrue(bundle.calibrationJson().isPresent());
        assertTrue(bundle.thresholdsJson().orElseThrow().contains("lambdaS"));
    }

    @Test
    void anotherModelTypeIsRefusedByName() throws IOException {
        Path file = dir.resolve("vqvae.safetensors");
        ModelBundle.write(file, "vqvae", "{}", model.vqvae().stateDict(), Map.of());
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> LatentRestorationModel.load(file));
        assertTrue(e.getMessage().contains("'vqvae'") && e.getMessage().contains("latent-restoration"), e.getMessage());
    }

    @Test
    void missingTensorsAreNamed() throws IOException {
        Path file = dir.resolve("partial.safetensors");
        Map<String, Tensor> state = new java.util.LinkedHashMap<>();
        model.vqvae().stateDict().forEach((k, v) -> state.put("vqvae." + k, v));
        ModelBundle.write(file, LatentRestorationModel.MODEL_TYPE, model.configJson(), state, Map.of());
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> LatentRestorationModel.load(file));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void everyTensorLivesOnTheBackendTheModelIsCreatedOrLoadedOnWithTheSameInitialValues() throws IOException {
        Backend other = new ReferenceBackend();
        LatentRestorationModel created = LatentRestorationModel.create(TinyLatentModels.vqvaeConfig(),
                TinyLatentModels.priorConfig(), 4, other);
        assertEveryTensorOn(other, created);
        LatentRestorationModel onDefault = LatentRestorationModel.create(TinyLatentModels.vqvaeConfig(),
                TinyLatentModels.priorConfig(), 4);
        Map<String, Tensor> expected = onDefault.vqvae().stateDict();
        created.vqvae().stateDict().forEach((name, t) -> assertArrayEquals(expected.get(name).toFloatArray(),
                t.toFloatArray(), 0f, name + ": the initial values must not depend on the backend"));

        Path file = dir.resolve("model.safetensors");
        model.save(file);
        assertEveryTensorOn(other, LatentRestorationModel.load(file, other));
    }

    private static void assertEveryTensorOn(Backend backend, LatentRestorationModel m) {
        m.vqvae().stateDict().forEach((name, t) -> assertSame(backend, t.device(), "vqvae." + name));
        m.priorModel().stateDict().forEach((name, t) -> assertSame(backend, t.device(), "prior." + name));
        assertSame(backend, m.backend());
    }

    @Test
    void priorAndVqVaeMustAgree() {
        PixelSnailConfig wrongClasses = new PixelSnailConfig(4, 4, 32, 8, 3, 1, 1, 8, true, 0.0, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LatentRestorationModel.create(TinyLatentModels.vqvaeConfig(), wrongClasses, 1));
        assertTrue(e.getMessage().contains("32 classes"), e.getMessage());
    }

    @Test
    void dataInitialisedCodebookUsesManyCodesWhereTheRandomOneCollapses() {
        float[] faces = TinyLatentModels.faces(9, 0, 16);
        int s = TinyLatentModels.SIZE;
        Tensor images = Backends.defaultBackend().fromFloats(faces, Shape.of(16, 3, s, s));
        LatentRestorationModel fresh = LatentRestorationModel.create(TinyLatentModels.vqvaeConfig(),
                TinyLatentModels.priorConfig(), 9);
        long before = Arrays.stream(fresh.vqvae().encode(images).toIntArray()).distinct().count();
        LatentRestorationTraining.initialiseCodebook(fresh.vqvae(), faces, s, 9);
        long after = Arrays.stream(fresh.vqvae().encode(images).toIntArray()).distinct().count();
        // 16 codes, 256 positions: a codebook drawn from the data should have most codes nearest to some position
        assertTrue(after >= 8 && after > before, "distinct codes before " + before + ", after " + after);
    }
}
