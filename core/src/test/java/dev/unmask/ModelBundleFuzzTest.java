package dev.unmask;

import dev.unmask.detectors.latent.LatentRestorationModel;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;
import dev.unmask.io.SafetensorsFormatException;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVaeConfig;
import dev.unmask.testing.Refusals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Jazzer fuzz test of the model-bundle loader ({@link ModelBundle#read(byte[], String)}, then
 * {@link LatentRestorationModel#load(ModelBundle, dev.unmask.backend.Backend)}, which builds the models
 * from the untrusted config): any input either loads or is refused with {@link ModelBundleException} or
 * {@link SafetensorsFormatException} and a one-line message; anything else, an {@link OutOfMemoryError} in
 * the build's 256 MB heap included, is a finding. Without {@code JAZZER_FUZZ} it replays the committed
 * corpus in {@code ModelBundleFuzzTestInputs} (docs/fuzzing.md); {@link #main} writes that corpus's seeds.
 */
class ModelBundleFuzzTest {
    /** Seeds are the hostile bundles of {@link HostileBundles} no larger than this, derived from tiny models. */
    private static final long MAX_SEED_BYTES = 16 << 10;

    private static final ReferenceBackend BACKEND = new ReferenceBackend();

    @FuzzTest(maxDuration = "10m")
    void load(byte[] input) throws IOException {
        try {
            LatentRestorationModel.load(ModelBundle.read(input, "fuzz input"), BACKEND);
        } catch (ModelBundleException | SafetensorsFormatException refused) {
            Refusals.requireOneShortLine(refused);
        }
    }

    /** The smallest models a bundle can hold: a few hundred values, so the fuzzer mutates kilobytes. */
    static VqVaeConfig seedVqVae() {
        return VqVaeConfig.of(1, 2, 1, 1, 1, 2, 4);
    }

    static PixelSnailConfig seedPrior() {
        return new PixelSnailConfig(1, 1, 2, 2, 3, 1, 1, 1, true, 0.0, 1);
    }

    /**
     * Writes the seed corpus into {@code <resources>/dev/unmask/ModelBundleFuzzTestInputs/load/seeds}: a valid
     * bundle of {@link #seedVqVae()} and {@link #seedPrior()} models and the {@link HostileBundles} attacks
     * on it of at most {@value #MAX_SEED_BYTES} bytes. Run with the test class path and
     * {@code core/src/test/resources}.
     */
    public static void main(String[] args) throws IOException {
        Path seeds = Path.of(args[0], "dev/unmask/ModelBundleFuzzTestInputs/load/seeds");
        Files.createDirectories(seeds);
        Path work = Files.createTempDirectory("bundle-seeds");
        Map<String, Path> hostile = HostileBundles.write(work, seedVqVae(), seedPrior());
        int written = 0;
        Files.copy(work.resolve("valid.safetensors"), seeds.resolve("valid"));
        for (Map.Entry<String, Path> e : hostile.entrySet()) {
            if (Files.size(e.getValue()) <= MAX_SEED_BYTES) {
                Files.copy(e.getValue(), seeds.resolve(e.getKey()));
                written++;
            }
        }
        try (var files = Files.list(work)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(work);
        System.out.println("valid bundle and " + written + " of " + hostile.size() + " hostile bundles in " + seeds);
    }
}
