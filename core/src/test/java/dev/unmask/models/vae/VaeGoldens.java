package dev.unmask.models.vae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unmask.backend.Backends;
import dev.unmask.io.SafetensorsContent;
import dev.unmask.io.SafetensorsReader;
import dev.unmask.nn.Module;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One safetensors golden written by {@code core/src/test/python/make_vae_goldens.py}: tensors by name, the
 * metadata's {@code config} (JSON), {@code state_names} and the full-size presets' {@code [[name, shape], ...]}.
 */
public final class VaeGoldens {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final Map<String, String> metadata;
    private final Map<String, Tensor> tensors;

    private VaeGoldens(String file, Map<String, String> metadata, Map<String, Tensor> tensors) {
        this.file = file;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** Reads {@code goldens/<folder>/<name>.safetensors} from the test resources. */
    public static VaeGoldens load(String folder, String name) {
        String path = "/goldens/" + folder + "/" + name + ".safetensors";
        try (InputStream in = VaeGoldens.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("golden file " + path + " not found; run make_vae_goldens.py");
            }
            SafetensorsContent content = SafetensorsReader.read(in);
            return new VaeGoldens(path, content.metadata(), content.toTensors(Backends.defaultBackend()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalStateException(file + " has no tensor '" + name + "'");
        }
        return t;
    }

    /** The tensors whose names start with {@code prefix}, the prefix removed, in the file's order. */
    public Map<String, Tensor> withPrefix(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** The metadata entry {@code config} as JSON. */
    public JsonNode config() {
        return json("config");
    }

    /** PyTorch's state-dict names in order, from the metadata entry {@code state_names}. */
    public List<String> stateNames() {
        return Arrays.asList(metadata.get("state_names").split(","));
    }

    /** The names and shapes of a PyTorch module's state dict, in order, from a metadata entry like {@code preset_state}. */
    public Map<String, Shape> stateShapes(String entry) {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (JsonNode pair : json(entry)) {
            int[] dims = new int[pair.get(1).size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = pair.get(1).get(i).asInt();
            }
            out.put(pair.get(0).asText(), Shape.of(dims));
        }
        return out;
    }

    private JsonNode json(String entry) {
        String text = metadata.get(entry);
        assertNotNull(text, file + " has no metadata entry '" + entry + "'");
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that {@code model}'s state dict has exactly these names, in this order, with these shapes. */
    public static void assertStateShapes(Map<String, Shape> expected, Module model) {
        Map<String, Tensor> state = model.stateDict();
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(state.keySet()), "state dict names");
        expected.forEach((name, shape) -> assertEquals(shape, state.get(name).shape(), name));
    }

    /**
     * Asserts same shape and {@code |actual - expected| <= tolerance * (|expected| + max |expected|)} elementwise:
     * elements near zero are judged on the tensor's scale, since rounding differences follow the magnitudes of
     * the sums that made them, not of the result.
     */
    public static void assertClose(String what, Tensor expected, Tensor actual, double tolerance) {
        assertClose(what, expected, actual, tolerance, 0);
    }

    /** As {@link #assertClose(String, Tensor, Tensor, double)} with the tensor's scale taken as at least {@code minScale}. */
    public static void assertClose(String what, Tensor expected, Tensor actual, double tolerance, double minScale) {
        assertNotNull(actual, what + " is missing");
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double scale = Math.max(minScale, maxAbs(expected));
        for (int i = 0; i < e.length; i++) {
            double limit = tolerance * (Math.abs(e[i]) + scale);
            if (!(Math.abs(a[i] - e[i]) <= limit)) {
                fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (limit " + limit + ")");
            }
        }
    }

    /** The largest magnitude of the tensor's elements. */
    public static double maxAbs(Tensor t) {
        double scale = 0;
        for (float v : t.toFloatArray()) {
            scale = Math.max(scale, Math.abs(v));
        }
        return scale;
    }
}
