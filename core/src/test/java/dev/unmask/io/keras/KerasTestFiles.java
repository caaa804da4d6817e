package dev.unmask.io.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.WritableGroup;

import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras-style weight files for tests: {@link #read} takes every layer of a file (those without weights
 * too) with jhdf directly, not through {@link KerasWeightsFile}; {@link #write} writes layers back in
 * Keras' layout with jhdf's writer, so tests can rename, reshape, drop or corrupt what an official file holds.
 */
public final class KerasTestFiles {
    /** A dataset in every layer group without weights, listed in no weight_names. */
    public static final String UNLISTED = "unlisted";

    private KerasTestFiles() {
    }

    /** A weight dataset: its path in {@code weight_names}, its shape, its values row-major, stored as float64 or float32. */
    public record Weight(String name, int[] shape, double[] values, boolean float64) {
        public Weight withShape(int[] newShape) {
            return new Weight(name, newShape, Arrays.copyOf(values, Arrays.stream(newShape).reduce(1, (a, b) -> a * b)), float64);
        }

        public Weight withValue(int index, double value) {
            double[] v = values.clone();
            v[index] = value;
            return new Weight(name, shape, v, float64);
        }

        public Weight asFloat64() {
            return new Weight(name, shape, values, true);
        }
    }

    /** A layer: its group's name and its weights in {@code weight_names} order (none for a layer without weights). */
    public record Layer(String name, List<Weight> weights) {
        /** The layer under another name, its weight paths ({@code <name>/kernel:0}) renamed with it, as Keras names them. */
        public Layer renamed(String newName) {
            List<Weight> renamed = new ArrayList<>();
            for (Weight w : weights) {
                String path = w.name().startsWith(name + "/") ? newName + w.name().substring(name.length()) : w.name();
                renamed.add(new Weight(path, w.shape(), w.values(), w.float64()));
            }
            return new Layer(newName, renamed);
        }

        public Layer withWeight(int index, Weight weight) {
            List<Weight> changed = new ArrayList<>(weights);
            changed.set(index, weight);
            return new Layer(name, changed);
        }
    }

    /** Every layer of {@code file} in {@code layer_names} order, with its weights' values. */
    public static List<Layer> read(Path file) {
        try (HdfFile hdf = new HdfFile(file)) {
            List<Layer> layers = new ArrayList<>();
            for (String name : (String[]) hdf.getAttribute("layer_names").getData()) {
                Group group = (Group) hdf.getChild(name);
                Attribute names = group.getAttribute("weight_names");
                List<Weight> weights = new ArrayList<>();
                if (!names.isEmpty()) {
                    for (String weightName : (String[]) names.getData()) {
                        Dataset d = (Dataset) group.getByPath(weightName);
                        float[] flat = (float[]) d.getDataFlat();
                        double[] values = new double[flat.length];
                        for (int i = 0; i < flat.length; i++) {
                            values[i] = flat[i];
                        }
                        weights.add(new Weight(weightName, d.getDimensions(), values, false));
                    }
                }
                layers.add(new Layer(name, weights));
            }
            return layers;
        }
    }

    /** Writes {@code layers} as Keras weights at the root of {@code file}. */
    public static void write(Path file, List<Layer> layers) {
        write(file, layers, null, Map.of());
    }

    /**
     * Writes {@code layers} as Keras weights in {@code weightsGroup} (null: the root), with {@code layer_names}
     * split into the given attributes (for instance {@code layer_names0}, {@code layer_names1} with the names at
     * those indices) when {@code layerNameChunks} is not empty.
     */
    public static void write(Path file, List<Layer> layers, String weightsGroup, Map<String, int[]> layerNameChunks) {
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            WritableGroup root = weightsGroup == null ? hdf : hdf.putGroup(weightsGroup);
            String[] names = layers.stream().map(Layer::name).toArray(String[]::new);
            if (layerNameChunks.isEmpty()) {
                root.putAttribute("layer_names", names);
            } else {
                layerNameChunks.forEach((attribute, indices) ->
                        root.putAttribute(attribute, Arrays.stream(indices).mapToObj(i -> names[i]).toArray(String[]::new)));
            }
            for (Layer layer : layers) {
                WritableGroup group = root.putGroup(layer.name());
                if (layer.weights().isEmpty()) {
                    // jhdf writes no empty attribute (the reader takes a missing list as none), and a file with a
                    // childless group that it cannot read back: an unlisted dataset, which Keras would ignore, avoids it
                    group.putDataset(UNLISTED, new float[] {0});
                    continue;
                }
                group.putAttribute("weight_names", layer.weights().stream().map(Weight::name).toArray(String[]::new));
                Map<String, WritableGroup> subgroups = new HashMap<>();
                for (Weight w : layer.weights()) {
                    int slash = w.name().lastIndexOf('/');
                    WritableGroup parent = group;
                    String path = "";
                    for (String part : w.name().substring(0, Math.max(slash, 0)).split("/")) {
                        if (!part.isEmpty()) {
                            WritableGroup outer = parent;
                            path += "/" + part;
                            parent = subgroups.computeIfAbsent(path, k -> outer.putGroup(part));
                        }
                    }
                    parent.putDataset(w.name().substring(slash + 1), nested(w));
                }
            }
        }
    }

    /** The values as a rectangular Java array of the weight's shape, as jhdf's writer takes them. */
    private static Object nested(Weight w) {
        Object array = Array.newInstance(w.float64() ? double.class : float.class, w.shape());
        fill(array, w.values(), new int[] {0});
        return array;
    }

    private static void fill(Object array, double[] values, int[] next) {
        int n = Array.getLength(array);
        for (int i = 0; i < n; i++) {
            if (array instanceof double[] d) {
                d[i] = values[next[0]++];
            } else if (array instanceof float[] f) {
                f[i] = (float) values[next[0]++];
            } else {
                fill(Array.get(array, i), values, next);
            }
        }
    }
}
