package dev.unmask.models.mesonet;

import dev.unmask.backend.Backend;
import dev.unmask.io.SafetensorsContent;
import dev.unmask.io.SafetensorsReader;
import dev.unmask.random.Seeds;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The test resources under {@code mesonet/}: the official weight files and faces, and the goldens written
 * by {@code core/src/test/python/make_mesonet_goldens.py}.
 */
public final class MesoNetGoldens {
    public static final List<String> WEIGHTS = List.of("Meso4_DF", "Meso4_F2F", "MesoInception_DF", "MesoInception_F2F");
    public static final List<String> FACES = List.of("df/df00204", "df/df01254", "real/real00240", "real/real00772");
    /** 2^-24: the top 24 bits of a SplitMix64 output as a float in [0, 1), as the script draws random inputs. */
    private static final float FLOAT_UNIT = 0x1.0p-24f;
    private static final int SIDE = MesoNet.INPUT_SIZE;

    private final String file;
    private final Map<String, String> metadata;
    private final Map<String, Tensor> tensors;

    private MesoNetGoldens(String file, Map<String, String> metadata, Map<String, Tensor> tensors) {
        this.file = file;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** {@code mesonet/goldens/<name>.safetensors}, its tensors on {@code backend}. */
    public static MesoNetGoldens load(String name, Backend backend) {
        try {
            SafetensorsContent content = SafetensorsReader.read(resource("goldens/" + name + ".safetensors"));
            return new MesoNetGoldens(name, content.metadata(), content.toTensors(backend));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of the test resources under {@code mesonet/}. */
    public static Path resource(String relative) {
        URL url = MesoNetGoldens.class.getResource("/mesonet/" + relative);
        if (url == null) {
            throw new IllegalStateException("test resource mesonet/" + relative + " not found; run make_mesonet_goldens.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path weights(String name) {
        return resource("weights/" + name + ".h5");
    }

    static MesoNetArchitecture architectureOf(String weights) {
        return weights.startsWith("Meso4") ? MesoNetArchitecture.MESO4 : MesoNetArchitecture.MESO_INCEPTION4;
    }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        assertNotNull(t, file + " has no tensor '" + name + "'");
        return t;
    }

    public String metadata(String key) {
        String value = metadata.get(key);
        assertNotNull(value, file + " has no metadata '" + key + "'");
        return value;
    }

    /** The tensors whose names start with {@code prefix}, the prefix removed. */
    public Map<String, Tensor> withPrefix(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), t);
            }
        });
        return out;
    }

    /** The network input of a golden face: its stored levels / 255 in float32, as the script computes it. */
    public float[] faceInput(String face) {
        float[] levels = tensor("face." + face).toFloatArray();
        float[] x = new float[levels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = levels[i] / 255f;
        }
        return x;
    }

    /**
     * {@code count} images [count, 3, 256, 256] of the script's SplitMix64 stream {@code seed}: element i
     * is {@code mix(seed + (i + 1) * gamma) >>> 40} times 2^-24.
     */
    public static float[] randomImages(long seed, int count) {
        float[] x = new float[count * 3 * SIDE * SIDE];
        for (int i = 0; i < x.length; i++) {
            x[i] = (Seeds.mix(seed + (i + 1L) * Seeds.GOLDEN_GAMMA) >>> 40) * FLOAT_UNIT;
        }
        return x;
    }

    /** Random input number k of the inference golden, checked against the samples the script stored. */
    float[] randomInput(int k) {
        long seed = Long.parseLong(metadata("random_seeds").split(",")[k]);
        int step = Integer.parseInt(metadata("random_sample_step"));
        float[] x = randomImages(seed, 1);
        float[] samples = tensor("random." + k + ".samples").toFloatArray();
        float[] ours = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            ours[i] = x[i * step];
        }
        assertArrayEquals(samples, ours, "random input " + k + " differs from the script's: the generator is not SplitMix64's");
        return x;
    }

    int randomInputs() {
        return metadata("random_seeds").split(",").length;
    }

    public static Tensor images(Backend backend, float[] x) {
        return backend.fromFloats(x, Shape.of(x.length / (3 * SIDE * SIDE), 3, SIDE, SIDE));
    }

    /**
     * Each element within {@code tolerance * (|expected| + max |expected|)}: elements near zero are judged on
     * the tensor's scale.
     */
    public static void assertClose(String what, Tensor expected, Tensor actual, double tolerance) {
        assertNotNull(actual, what + " is missing");
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double scale = 0;
        for (float v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < e.length; i++) {
            double limit = tolerance * (Math.abs(e[i]) + scale);
            if (!(Math.abs(a[i] - e[i]) <= limit)) {
                fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (limit " + limit + ") of "
                        + Arrays.toString(Arrays.copyOf(e, Math.min(e.length, 4))) + "...");
            }
        }
    }
}
