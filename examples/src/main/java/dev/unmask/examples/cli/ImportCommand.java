package dev.unmask.examples.cli;

import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.io.SafetensorsContent;
import dev.unmask.io.SafetensorsReader;
import dev.unmask.io.TensorEntry;
import dev.unmask.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Turns rosinality-named PyTorch state dicts (saved as safetensors) of a VQ-VAE and a PixelSNAIL prior into
 * one uncalibrated bundle. Floating-point tensors of any width become F32 and integer ones I32 (I64
 * counters such as {@code num_batches_tracked} are narrowed, failing if a value does not fit); a leading
 * {@code module.} (PyTorch's DataParallel wrapper) is dropped from every name.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Build a bundle from rosinality-named PyTorch safetensors state dicts (then run calibrate).")
final class ImportCommand implements Callable<Integer> {
    private static final String DATA_PARALLEL_PREFIX = "module.";

    @Option(names = "--vqvae", required = true, description = "VQ-VAE state dict (.safetensors)")
    Path vqvae;

    @Option(names = "--prior", required = true, description = "PixelSNAIL state dict (.safetensors)")
    Path prior;

    @Option(names = "--preset", required = true, description = "model shape: demo-32, faces-128, fmnist-32")
    String preset;

    @Option(names = {"-o", "--output"}, required = true, description = "bundle to write (.safetensors)")
    Path output;

    @Override
    public Integer call() throws IOException {
        Presets shapes = Presets.of(preset);
        LatentRestorationModel model = LatentRestorationModel.create(shapes.vqvae(), shapes.prior(), 0);
        Backend backend = Backends.defaultBackend();
        load(model.vqvae()::loadStateDict, vqvae, backend);
        load(model.priorModel()::loadStateDict, prior, backend);
        model.save(output);
        System.out.println("imported " + vqvae + " and " + prior + " as preset " + preset + " into " + output
                + " (not calibrated: run `unmask calibrate`)");
        return 0;
    }

    private interface StateLoader {
        void load(Map<String, Tensor> state);
    }

    private static void load(StateLoader target, Path file, Backend backend) throws IOException {
        SafetensorsContent content = SafetensorsReader.read(file);
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (TensorEntry entry : content.tensors()) {
            String name = entry.name().startsWith(DATA_PARALLEL_PREFIX)
                    ? entry.name().substring(DATA_PARALLEL_PREFIX.length()) : entry.name();
            state.put(name, entry.toTensor(backend));
        }
        try {
            target.load(state);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
