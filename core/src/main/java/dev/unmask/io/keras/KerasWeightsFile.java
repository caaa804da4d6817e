package dev.unmask.io.keras;

import dev.unmask.tensor.Shape;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.FloatingPoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a Keras model in Keras' HDF5 format (what {@code model.save_weights} writes and
 * {@code load_weights} reads, Keras 2 and tf.keras; also a whole-model file of {@code model.save}, whose
 * weights are its group {@value #MODEL_WEIGHTS_GROUP}), read as hostile input through jhdf.
 *
 * <p>Layout: the weights group's attribute {@code layer_names} lists every layer of the model, in the order
 * of Keras' {@code model.layers}; the group of each layer has the attribute {@code weight_names}, paths
 * relative to that group of its weight datasets, in the layer's own weight order (a convolution: kernel
 * [kh, kw, in, out], bias; batch normalisation: gamma, beta, moving_mean, moving_variance; a dense layer:
 * kernel [in, out], bias). A layer without weights lists none. An attribute too large for an HDF5 object
 * header is split by Keras into {@code name0, name1, ...}; they are joined here.
 *
 * <p>Keras' {@code load_weights} pairs the file's layers that have weights with the model's layers that have
 * weights <em>by position</em>, and a layer's weights by position too; the names are Keras' global counters
 * at saving time ({@code conv2d_5} in the second model built in a session), so they do not say which
 * layer of a freshly built model a group belongs to. {@link #weightedLayers()} keeps that order.
 *
 * <p>Two phases, so that nothing is read before it is known to fit: {@link #open} reads the structure
 * (names, shapes, element types) and no weight values; the caller compares the shapes with its model and
 * only then {@link #read reads} each weight. The file is read into memory whole after its size is checked
 * against {@link #MAX_FILE_BYTES}, so that offsets in a hostile file can only point into that array, and
 * lists and ranks are bounded ({@link #MAX_LAYERS}, {@link #MAX_WEIGHTS_PER_LAYER}, {@link #MAX_RANK}) before
 * their contents are read. Anything malformed is a one-line {@link KerasWeightsException} naming the file.
 */
public final class KerasWeightsFile implements AutoCloseable {
    /** Largest file accepted; MesoNet's weights take 0.2 MB, a large Keras classifier a few tens of MB. */
    public static final long MAX_FILE_BYTES = 64L << 20;
    /** Most entries accepted in {@code layer_names}. */
    public static final int MAX_LAYERS = 100_000;
    /** Most entries accepted in one layer's {@code weight_names}. */
    public static final int MAX_WEIGHTS_PER_LAYER = 1_000;
    /** Highest rank of a weight accepted. */
    public static final int MAX_RANK = 8;
    /** Where {@code model.save} puts the weights inside a whole-model file. */
    public static final String MODEL_WEIGHTS_GROUP = "model_weights";

    private static final String LAYER_NAMES = "layer_names";
    private static final String WEIGHT_NAMES = "weight_names";

    /**
     * A layer with weights, as the file lists it.
     *
     * @param name     its group's name (Keras' name at saving time)
     * @param position its index in {@code layer_names}, layers without weights included
     * @param weights  its weights in {@code weight_names} order
     */
    public record KerasLayer(String name, int position, List<KerasWeight> weights) {
        public KerasLayer {
            weights = List.copyOf(weights);
        }
    }

    /**
     * One weight dataset: {@code name} as {@code weight_names} spells it ({@code conv2d_5/kernel:0}), its
     * shape in Keras' layout (a convolution kernel is [kh, kw, in, out]).
     */
    public record KerasWeight(String layer, String name, Shape shape) {
    }

    private final Path file;
    private final HdfFile hdf;
    private final List<KerasLayer> weightedLayers = new ArrayList<>();
    private final Map<KerasWeight, Dataset> datasets = new HashMap<>();

    private KerasWeightsFile(Path file, HdfFile hdf) throws KerasWeightsException {
        this.file = file;
        this.hdf = hdf;
        Group root = weightsGroup();
        List<String> layerNames = strings(root, LAYER_NAMES, MAX_LAYERS, "the weights group");
        for (int position = 0; position < layerNames.size(); position++) {
            String name = layerNames.get(position);
            Node node = root.getChild(name);
            if (!(node instanceof Group group)) {
                throw problem("layer_names lists '" + name + "' (position " + position + ") but the file has no group of that name");
            }
            List<KerasWeight> weights = new ArrayList<>();
            for (String weightName : strings(group, WEIGHT_NAMES, MAX_WEIGHTS_PER_LAYER, "layer '" + name + "'")) {
                weights.add(describe(name, weightName, group));
            }
            if (!weights.isEmpty()) {
                weightedLayers.add(new KerasLayer(name, position, weights));
            }
        }
    }

    /**
     * Reads the structure of {@code file}: every layer's name, and for the layers with weights the names,
     * shapes and element types (32- or 64-bit floating point) of their weights. No weight value is read.
     *
     * @throws KerasWeightsException when the file is too large, not HDF5, or not Keras weights (no
     *     {@code layer_names}, a listed layer or weight missing, a weight that is not a floating-point array)
     */
    public static KerasWeightsFile open(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new KerasWeightsException(file, "file of " + size + " bytes is larger than the " + MAX_FILE_BYTES
                    + " accepted for Keras weights");
        }
        byte[] bytes = Files.readAllBytes(file);
        HdfFile hdf;
        try {
            hdf = HdfFile.fromBytes(bytes);
        } catch (RuntimeException e) {
            throw new KerasWeightsException(file, "not an HDF5 file (" + describe(e) + ")", e);
        }
        try {
            return new KerasWeightsFile(file, hdf);
        } catch (KerasWeightsException e) {
            hdf.close();
            throw e;
        } catch (RuntimeException e) {
            hdf.close();
            throw new KerasWeightsException(file, "malformed HDF5 structure (" + describe(e) + ")", e);
        }
    }

    /** The file this was read from. */
    public Path path() {
        return file;
    }

    /** The layers that have weights, in the order of {@code layer_names}: the order Keras pairs them in. */
    public List<KerasLayer> weightedLayers() {
        return Collections.unmodifiableList(weightedLayers);
    }

    /**
     * The values of one weight of this file, row-major in its Keras shape, as float32 (64-bit values are
     * rounded).
     *
     * @throws KerasWeightsException when the values cannot be read (storage outside the file, a broken
     *     compression filter) or their count differs from the declared shape
     */
    public float[] read(KerasWeight weight) throws KerasWeightsException {
        Dataset dataset = datasets.get(weight);
        if (dataset == null) {
            throw new IllegalArgumentException(weight + " is not a weight of " + file);
        }
        Object data;
        try {
            data = dataset.getDataFlat();
        } catch (RuntimeException e) {
            throw problem("cannot read weight '" + weight.name() + "' of layer '" + weight.layer() + "' ("
                    + describe(e) + ")", e);
        }
        float[] values;
        if (data instanceof float[] f) {
            values = f;
        } else if (data instanceof double[] d) {
            values = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                values[i] = (float) d[i];
            }
        } else {
            throw problem("weight '" + weight.name() + "' of layer '" + weight.layer() + "' did not read as floating point");
        }
        if (values.length != weight.shape().numel()) {
            throw problem("weight '" + weight.name() + "' of layer '" + weight.layer() + "' holds " + values.length
                    + " values for its shape " + weight.shape());
        }
        return values;
    }

    @Override
    public void close() {
        hdf.close();
    }

    /** The group holding {@code layer_names}: the root, or a whole-model file's {@value #MODEL_WEIGHTS_GROUP}. */
    private Group weightsGroup() throws KerasWeightsException {
        if (hasStrings(hdf, LAYER_NAMES)) {
            return hdf;
        }
        if (hdf.getChild(MODEL_WEIGHTS_GROUP) instanceof Group weights && hasStrings(weights, LAYER_NAMES)) {
            return weights;
        }
        throw problem("no attribute 'layer_names' at the root or in '" + MODEL_WEIGHTS_GROUP + "': not Keras weights");
    }

    private static boolean hasStrings(Node node, String name) {
        Map<String, Attribute> attributes = node.getAttributes();
        return attributes.containsKey(name) || attributes.containsKey(name + 0);
    }

    /** Checks what {@code weightName} in {@code group} is, without reading its values. */
    private KerasWeight describe(String layer, String weightName, Group group) throws KerasWeightsException {
        Node node;
        try {
            node = group.getByPath(weightName);
        } catch (RuntimeException e) {
            node = null;
        }
        String where = "weight '" + weightName + "' of layer '" + layer + "'";
        if (!(node instanceof Dataset dataset)) {
            throw problem(where + " is listed in weight_names but is not a dataset in the file");
        }
        if (!(dataset.getDataType() instanceof FloatingPoint type) || (type.getSize() != 4 && type.getSize() != 8)) {
            throw problem(where + " is not 32- or 64-bit floating point");
        }
        int[] dims = dataset.getDimensions();
        if (dims.length > MAX_RANK) {
            throw problem(where + " has rank " + dims.length + ", more than " + MAX_RANK);
        }
        long count = 1;
        for (int d : dims) {
            count *= d;
            if (d < 0 || count > Integer.MAX_VALUE) {
                throw problem(where + " has the impossible shape " + Arrays.toString(dims));
            }
        }
        KerasWeight weight = new KerasWeight(layer, weightName, Shape.of(dims));
        datasets.put(weight, dataset);
        return weight;
    }

    /**
     * The string list {@code name} of {@code node} (joined from {@code name0, name1, ...} if split); none if
     * absent. {@code owner} says whose list it is in messages.
     */
    private List<String> strings(Node node, String name, int max, String owner) throws KerasWeightsException {
        Map<String, Attribute> attributes = node.getAttributes();
        if (attributes.containsKey(name)) {
            return strings(attributes.get(name), max, owner);
        }
        List<String> joined = new ArrayList<>();
        for (int chunk = 0; attributes.containsKey(name + chunk); chunk++) {
            joined.addAll(strings(attributes.get(name + chunk), max - joined.size(), owner));
        }
        return joined;
    }

    private List<String> strings(Attribute attribute, int max, String owner) throws KerasWeightsException {
        String where = "attribute '" + attribute.getName() + "' of " + owner;
        if (attribute.isEmpty()) {
            return List.of();
        }
        int[] dims = attribute.getDimensions();
        if (dims.length != 1) {
            throw problem(where + " is not a list");
        }
        if (dims[0] == 0) {
            return List.of();
        }
        if (dims[0] > max) {
            throw problem(where + " lists " + dims[0] + " entries, more than the " + max + " accepted");
        }
        if (attribute.getJavaType() != String.class || !(attribute.getData() instanceof String[] values)) {
            throw problem(where + " is not a list of strings");
        }
        for (String value : values) {
            if (value == null || value.isEmpty()) {
                throw problem(where + " holds an empty name");
            }
        }
        return Arrays.asList(values);
    }

    private KerasWeightsException problem(String message) {
        return new KerasWeightsException(file, message);
    }

    private KerasWeightsException problem(String message, Throwable cause) {
        return new KerasWeightsException(file, message, cause);
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
