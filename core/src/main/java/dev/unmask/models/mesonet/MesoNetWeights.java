package dev.unmask.models.mesonet;

import dev.unmask.backend.Backend;
import dev.unmask.io.keras.KerasWeightsException;
import dev.unmask.io.keras.KerasWeightsFile;
import dev.unmask.io.keras.KerasWeightsFile.KerasLayer;
import dev.unmask.io.keras.KerasWeightsFile.KerasWeight;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The official pretrained MesoNet weights (DariusAf/MesoNet's {@code Meso4_DF.h5}, {@code Meso4_F2F.h5},
 * {@code MesoInception_DF.h5}, {@code MesoInception_F2F.h5}, or any Keras HDF5 weights of the same models)
 * loaded into a {@link MesoNet}.
 *
 * <p>Weights are paired with the model as Keras' {@code load_weights} pairs them: the file's layers that
 * have weights, in the order of its {@code layer_names}, with the model's in Keras' layer order, and each
 * layer's weights in {@code weight_names} order; the layers' names (Keras' global counters, such as
 * {@code conv2d_5} or {@code batch_normalization_7}) play no part. Every shape is checked against the
 * architecture before any value is read; then the values are checked to be finite and the moving
 * variances not negative. Keras' layouts become ours on the way: convolution kernels [kh, kw, in, out]
 * become [out, in, kh, kw], dense kernels [in, out] become [out, in], and the rows of the first dense
 * kernel, which follow Keras' (H, W, C) flatten, are reordered to our (C, H, W) one.
 *
 * <p>Failures are one-line {@link KerasWeightsException}s naming the file and the first mismatch.
 */
public final class MesoNetWeights {
    private static final String[] BATCH_NORM_NAMES = {"weight", "bias", "running_mean", "running_var"};
    /** The random initial values of a loaded model are all overwritten; any seed does. */
    private static final long UNUSED_SEED = 0;

    private MesoNetWeights() {
    }

    /**
     * The architecture whose official Keras layout {@code h5} has, from the names and shapes alone (no
     * weight value is read).
     *
     * @throws KerasWeightsException when the file is not Keras weights, or matches neither architecture
     *     (the message gives the first mismatch against each)
     */
    public static MesoNetArchitecture architectureOf(Path h5) throws IOException {
        try (KerasWeightsFile file = KerasWeightsFile.open(h5)) {
            return architectureOf(file);
        }
    }

    /** Loads {@code h5}, whichever architecture it holds, into a new model on {@code backend}, in evaluation mode. */
    public static MesoNet load(Path h5, Backend backend) throws IOException {
        try (KerasWeightsFile file = KerasWeightsFile.open(h5)) {
            return load(file, MesoNetConfig.of(architectureOf(file)), backend);
        }
    }

    /**
     * Loads {@code h5} into a new model of {@code config} on {@code backend}, in evaluation mode.
     *
     * @throws KerasWeightsException when the file does not hold weights of {@code config}'s architecture
     */
    public static MesoNet load(Path h5, MesoNetConfig config, Backend backend) throws IOException {
        try (KerasWeightsFile file = KerasWeightsFile.open(h5)) {
            return load(file, config, backend);
        }
    }

    private static MesoNetArchitecture architectureOf(KerasWeightsFile file) throws KerasWeightsException {
        StringBuilder mismatches = new StringBuilder();
        for (MesoNetArchitecture architecture : MesoNetArchitecture.values()) {
            String mismatch = firstMismatch(MesoNet.kerasLayout(architecture), file.weightedLayers());
            if (mismatch == null) {
                return architecture;
            }
            mismatches.append(mismatches.isEmpty() ? "" : "; ").append("not ").append(architecture.title())
                    .append(": ").append(mismatch);
        }
        throw new KerasWeightsException(file.path(), "not MesoNet weights (" + mismatches + ")");
    }

    private static MesoNet load(KerasWeightsFile file, MesoNetConfig config, Backend backend) throws IOException {
        List<KerasLayerSpec> layout = MesoNet.kerasLayout(config.architecture());
        String mismatch = firstMismatch(layout, file.weightedLayers());
        if (mismatch != null) {
            throw new KerasWeightsException(file.path(), "not " + config.architecture().title() + " weights: " + mismatch);
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (int i = 0; i < layout.size(); i++) {
            convert(file, layout.get(i), file.weightedLayers().get(i), values, shapes);
        }
        MesoNet model = MesoNet.create(config, new ParameterInit(backend, UNUSED_SEED));
        Map<String, Tensor> state = new LinkedHashMap<>(model.stateDict());
        for (String name : state.keySet()) {
            if (!values.containsKey(name) && !name.endsWith(".num_batches_tracked")) {
                throw new IllegalStateException("the Keras layout of " + config.architecture() + " leaves '" + name + "' unset");
            }
        }
        values.forEach((name, v) -> state.put(name, backend.fromFloats(v, shapes.get(name))));
        model.loadStateDict(state);
        model.eval();
        return model;
    }

    /** Null when {@code found} has exactly the layers and shapes of {@code expected}, else the first difference. */
    private static String firstMismatch(List<KerasLayerSpec> expected, List<KerasLayer> found) {
        for (int i = 0; i < Math.min(expected.size(), found.size()); i++) {
            KerasLayerSpec spec = expected.get(i);
            KerasLayer layer = found.get(i);
            List<Shape> shapes = layer.weights().stream().map(KerasWeight::shape).toList();
            if (!shapes.equals(spec.kerasShapes())) {
                return "layer with weights number " + (i + 1) + ", '" + layer.name() + "' (position " + layer.position()
                        + " in layer_names), has weights of shapes " + shapes + " where " + spec.module() + " needs "
                        + spec.kerasShapes();
            }
        }
        if (found.size() != expected.size()) {
            return found.size() + " layers with weights where " + expected.size() + " are needed";
        }
        return null;
    }

    /** Reads one Keras layer's weights into {@code values} under our names, in our layout. */
    private static void convert(KerasWeightsFile file, KerasLayerSpec spec, KerasLayer layer, Map<String, float[]> values,
                                Map<String, Shape> shapes) throws KerasWeightsException {
        List<KerasWeight> weights = layer.weights();
        float[][] read = new float[weights.size()][];
        for (int j = 0; j < weights.size(); j++) {
            read[j] = file.read(weights.get(j));
            requireFinite(file, weights.get(j), read[j]);
        }
        String prefix = spec.module() + ".";
        switch (spec.kind()) {
            case CONV2D -> {
                int[] k = weights.get(0).shape().dims();  // [kh, kw, in, out]
                put(values, shapes, prefix + "weight", convKernel(read[0], k[0], k[1], k[2], k[3]), Shape.of(k[3], k[2], k[0], k[1]));
                put(values, shapes, prefix + "bias", read[1], weights.get(1).shape());
            }
            case BATCH_NORM -> {
                float[] variance = read[3];
                for (int c = 0; c < variance.length; c++) {
                    if (variance[c] < 0) {
                        throw new KerasWeightsException(file.path(), "weight '" + weights.get(3).name() + "' of layer '"
                                + layer.name() + "' has the negative variance " + variance[c] + " at channel " + c);
                    }
                }
                for (int j = 0; j < BATCH_NORM_NAMES.length; j++) {
                    put(values, shapes, prefix + BATCH_NORM_NAMES[j], read[j], weights.get(j).shape());
                }
            }
            case DENSE -> {
                int[] k = weights.get(0).shape().dims();  // [in, out]
                put(values, shapes, prefix + "weight", denseKernel(read[0], k[0], k[1], spec.flattenedFrom()), Shape.of(k[1], k[0]));
                put(values, shapes, prefix + "bias", read[1], weights.get(1).shape());
            }
        }
    }

    private static void put(Map<String, float[]> values, Map<String, Shape> shapes, String name, float[] v, Shape shape) {
        values.put(name, v);
        shapes.put(name, shape);
    }

    private static void requireFinite(KerasWeightsFile file, KerasWeight weight, float[] v) throws KerasWeightsException {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new KerasWeightsException(file.path(), "weight '" + weight.name() + "' of layer '" + weight.layer()
                        + "' holds the non-finite value " + v[i] + " at index " + i);
            }
        }
    }

    /** Keras' [kh, kw, in, out] to [out, in, kh, kw]. */
    private static float[] convKernel(float[] keras, int kh, int kw, int in, int out) {
        float[] ours = new float[keras.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        ours[((o * in + i) * kh + y) * kw + x] = keras[((y * kw + x) * in + i) * out + o];
                    }
                }
            }
        }
        return ours;
    }

    /**
     * Keras' [in, out] to [out, in]. With {@code flattenedFrom} = [C, H, W], Keras' input index is the
     * (H, W, C) flatten {@code (h * W + w) * C + c}, ours the (C, H, W) one {@code (c * H + h) * W + w}.
     */
    private static float[] denseKernel(float[] keras, int in, int out, Shape flattenedFrom) {
        float[] ours = new float[keras.length];
        for (int j = 0; j < in; j++) {
            int row = j;
            if (flattenedFrom != null) {
                int h = flattenedFrom.dim(1);
                int w = flattenedFrom.dim(2);
                int c = j / (h * w);
                int y = j / w % h;
                int x = j % w;
                row = (y * w + x) * flattenedFrom.dim(0) + c;
            }
            for (int o = 0; o < out; o++) {
                ours[o * in + j] = keras[row * out + o];
            }
        }
        return ours;
    }
}
