package dev.unmask.models.pixelsnail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unmask.backend.Backends;
import dev.unmask.io.SafetensorsContent;
import dev.unmask.io.SafetensorsReader;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** One safetensors golden written by {@code core/src/test/python/make_pixelsnail_goldens.py}. */
final class PixelSnailGoldens {
    private final String file;
    private final Map<String, String> metadata;
    private final Map<String, Tensor> tensors;

    private PixelSnailGoldens(String file, Map<String, String> metadata, Map<String, Tensor> tensors) {
        this.file = file;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** Reads {@code goldens/pixelsnail/<name>.safetensors} from the test resources. */
    static PixelSnailGoldens load(String name) {
        String path = "/goldens/pixelsnail/" + name + ".safetensors";
        try (InputStream in = PixelSnailGoldens.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("golden file " + path + " not found; run make_pixelsnail_goldens.py");
            }
            SafetensorsContent content = SafetensorsReader.read(in);
            return new PixelSnailGoldens(path, content.metadata(), content.toTensors(Backends.defaultBackend()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalStateException(file + " has no tensor '" + name + "'");
        }
        return t;
    }

    /** The state-dict names, in PyTorch's order, from the metadata entry "names". */
    List<String> names() {
        return Arrays.asList(metadata.get("names").split(","));
    }

    /** The tensors named by {@link #names()}. */
    Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String name : names()) {
            state.put(name, tensor(name));
        }
        return state;
    }

    /** The PixelSNAIL configuration in the metadata entry "config". */
    PixelSnailConfig config() {
        try {
            JsonNode c = new ObjectMapper().readTree(metadata.get("config"));
            return new PixelSnailConfig(c.get("height").asInt(), c.get("width").asInt(), c.get("classes").asInt(),
                    c.get("channel").asInt(), c.get("kernel").asInt(), c.get("blocks").asInt(),
                    c.get("resBlocks").asInt(), c.get("resChannel").asInt(), c.get("attention").asBoolean(),
                    c.get("dropout").asDouble(), c.get("heads").asInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts same shape and {@code |actual - expected| <= absolute + relative |expected|} elementwise. */
    void assertClose(String name, Tensor actual, double absolute, double relative) {
        Tensor expected = tensor(name);
        assertEquals(expected.shape(), actual.shape(), name + ": shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(a[i] - e[i]) <= absolute + relative * Math.abs(e[i]))) {
                fail(name + ": element " + i + " is " + a[i] + ", expected " + e[i]);
            }
        }
    }
}
