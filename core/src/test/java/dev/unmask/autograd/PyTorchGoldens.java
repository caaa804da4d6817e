package dev.unmask.autograd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unmask.backend.Backends;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One golden file written by {@code core/src/test/python/make_autograd_goldens.py}: entries
 * {@code {"shape": [...], "data": [...]}} (integers make I32 tensors) or {@code {"names": [...]}}.
 */
public final class PyTorchGoldens {
    /**
     * Float32 on both sides with different summation orders; the goldens' values are O(1)-O(10) and come
     * from short chains of ops, whose rounding differences stay far below 1e-4.
     */
    public static final double ABSOLUTE_TOLERANCE = 1e-4;
    public static final double RELATIVE_TOLERANCE = 1e-4;

    private final String file;
    private final JsonNode root;

    private PyTorchGoldens(String file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /** Reads {@code goldens/autograd/<name>.json} from the test resources. */
    public static PyTorchGoldens load(String name) {
        String path = "/goldens/autograd/" + name + ".json";
        try (InputStream in = PyTorchGoldens.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("golden file " + path + " not found; run make_autograd_goldens.py");
            }
            return new PyTorchGoldens(path, new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode node(String name) {
        JsonNode n = root.get(name);
        if (n == null) {
            throw new IllegalStateException(file + " has no entry '" + name + "'");
        }
        return n;
    }

    public Shape shape(String name) {
        JsonNode dims = node(name).get("shape");
        int[] out = new int[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims.get(i).asInt();
        }
        return Shape.of(out);
    }

    public float[] floats(String name) {
        JsonNode data = node(name).get("data");
        float[] out = new float[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) data.get(i).asDouble();
        }
        return out;
    }

    /** The entry as a tensor on the default backend: I32 when PyTorch stored integers, else F32. */
    public Tensor tensor(String name) {
        JsonNode data = node(name).get("data");
        if (data.size() > 0 && data.get(0).isIntegralNumber()) {
            int[] ints = new int[data.size()];
            for (int i = 0; i < ints.length; i++) {
                ints[i] = data.get(i).asInt();
            }
            return Backends.defaultBackend().fromInts(ints, shape(name));
        }
        return Backends.defaultBackend().fromFloats(floats(name), shape(name));
    }

    public List<String> names(String name) {
        List<String> out = new ArrayList<>();
        node(name).get("names").forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Asserts that {@code actual} has the golden's shape and values within the tolerances above. */
    public void assertClose(String name, Tensor actual) {
        assertEquals(shape(name), actual.shape(), name + ": shape");
        assertClose(name, floats(name), actual.toFloatArray());
    }

    static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double limit = ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.abs(expected[i]);
            if (!(Math.abs(actual[i] - expected[i]) <= limit)) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    /** Integer entries compared exactly. */
    public void assertEqualInts(String name, Tensor actual) {
        assertEquals(shape(name), actual.shape(), name + ": shape");
        int[] expected = tensor(name).toIntArray();
        assertArrayEquals(expected, actual.toIntArray(), name);
    }
}
