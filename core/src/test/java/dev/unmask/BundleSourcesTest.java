package dev.unmask;

import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;
import dev.unmask.io.SafetensorsFormatException;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bundle read from a file, from bytes and from a size-capped class-path stream gives the same model and refusals. */
class BundleSourcesTest {
    private static final String SEEDS = "/dev/unmask/ModelBundleFuzzTestInputs/load/seeds/";
    private static final long CAP = 1 << 20;
    private final ReferenceBackend backend = new ReferenceBackend();

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = BundleSourcesTest.class.getResourceAsStream(SEEDS + name)) {
            return in.readAllBytes();
        }
    }

    private ModelBundle fromClassPath(String name, long cap) throws IOException {
        try (InputStream in = BundleSourcesTest.class.getResourceAsStream(SEEDS + name)) {
            return ModelBundle.read(in, "classpath:" + SEEDS + name, cap);
        }
    }

    @Test
    void fileBytesAndClassPathStreamLoadTheSameModel(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("valid.safetensors");
        Files.write(file, resource("valid"));
        LatentRestorationModel fromFile = LatentRestorationModel.load(file, backend);
        LatentRestorationModel fromBytes = LatentRestorationModel.load(ModelBundle.read(resource("valid"), "valid"), backend);
        ModelBundle bundle = fromClassPath("valid", CAP);
        assertEquals("classpath:" + SEEDS + "valid", bundle.source());
        LatentRestorationModel fromStream = LatentRestorationModel.load(bundle, backend);
        for (LatentRestorationModel other : new LatentRestorationModel[] {fromBytes, fromStream}) {
            assertEquals(fromFile.configJson(), other.configJson());
            Map<String, Tensor> expected = fromFile.priorModel().stateDict();
            other.priorModel().stateDict().forEach((name, t) ->
                    assertArrayEquals(expected.get(name).toFloatArray(), t.toFloatArray(), name));
        }
    }

    @Test
    void aPoisonedBundleIsRefusedFromEverySourceNamingIt() throws IOException {
        ModelBundleException stream = assertThrows(ModelBundleException.class, () -> fromClassPath("nan-weight", CAP));
        assertTrue(stream.getMessage().startsWith("classpath:" + SEEDS + "nan-weight: tensor 'vqvae.enc.blocks.0.weight'"
                + " holds NaN at element 5"), stream.getMessage());
        ModelBundleException bytes = assertThrows(ModelBundleException.class,
                () -> ModelBundle.read(resource("nan-weight"), "upload 7"));
        assertTrue(bytes.getMessage().startsWith("upload 7: tensor 'vqvae.enc.blocks.0.weight'"), bytes.getMessage());
    }

    @Test
    void aStreamLargerThanItsCapIsRefused() {
        // the seed's header fits in 8000 bytes, its tensors do not
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> fromClassPath("valid", 8000));
        assertTrue(e.getMessage().contains("over the 8000-byte limit of this input"), e.getMessage());
    }
}
