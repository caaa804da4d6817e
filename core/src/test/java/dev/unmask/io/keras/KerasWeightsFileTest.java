package dev.unmask.io.keras;

import dev.unmask.io.keras.KerasTestFiles.Layer;
import dev.unmask.io.keras.KerasTestFiles.Weight;
import dev.unmask.io.keras.KerasWeightsFile.KerasLayer;
import dev.unmask.io.keras.KerasWeightsFile.KerasWeight;
import dev.unmask.tensor.Shape;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generic Keras HDF5 reader on the official MesoNet files and on files written here with jhdf. */
class KerasWeightsFileTest {
    @TempDir
    Path dir;

    static Path official(String name) {
        try {
            return Path.of(KerasWeightsFileTest.class.getResource("/mesonet/weights/" + name + ".h5").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void listsTheLayersWithWeightsInTheOrderOfLayerNames() throws IOException {
        // as h5py lists MesoInception_DF.h5's layer_names, leaving out the layers without weights
        List<String> expected = List.of("conv2d_2", "conv2d_4", "conv2d_6", "conv2d_1", "conv2d_3", "conv2d_5", "conv2d_7",
                "batch_normalization_1", "conv2d_9", "conv2d_11", "conv2d_13", "conv2d_8", "conv2d_10", "conv2d_12",
                "conv2d_14", "batch_normalization_2", "conv2d_15", "batch_normalization_3", "conv2d_16",
                "batch_normalization_4", "dense_1", "dense_2");
        try (KerasWeightsFile file = KerasWeightsFile.open(official("MesoInception_DF"))) {
            List<KerasLayer> layers = file.weightedLayers();
            assertEquals(expected, layers.stream().map(KerasLayer::name).toList());
            assertEquals(1, layers.get(0).position());
            assertEquals(9, layers.get(7).position());
            assertEquals(32, layers.get(21).position());
            KerasLayer first = layers.get(0);
            assertEquals(List.of("conv2d_2/kernel:0", "conv2d_2/bias:0"), first.weights().stream().map(KerasWeight::name).toList());
            assertEquals(List.of(Shape.of(1, 1, 3, 4), Shape.of(4)), first.weights().stream().map(KerasWeight::shape).toList());
            assertEquals(List.of("gamma:0", "beta:0", "moving_mean:0", "moving_variance:0"),
                    layers.get(7).weights().stream().map(w -> w.name().substring(w.name().indexOf('/') + 1)).toList());
        }
    }

    @Test
    void readsValuesRowMajorInTheirKerasShape() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        double[] kernel = random.doubles(2 * 3 * 4 * 5).map(v -> (float) v).toArray();
        double[] bias = {0.25, -1.5, 3, 1e-30, -0.0};
        Path file = dir.resolve("dense.h5");
        KerasTestFiles.write(file, List.of(new Layer("input_1", List.of()), new Layer("conv2d_1", List.of(
                new Weight("conv2d_1/kernel:0", new int[] {2, 3, 4, 5}, kernel, false),
                new Weight("conv2d_1/bias:0", new int[] {5}, bias, true)))));
        try (KerasWeightsFile keras = KerasWeightsFile.open(file)) {
            KerasLayer layer = keras.weightedLayers().get(0);
            assertEquals(1, keras.weightedLayers().size());
            assertEquals(Shape.of(2, 3, 4, 5), layer.weights().get(0).shape());
            assertArrayEquals(floats(kernel), keras.read(layer.weights().get(0)));
            assertArrayEquals(floats(bias), keras.read(layer.weights().get(1)), "float64 values rounded to float32");
        }
    }

    @Test
    void joinsALayerNamesListThatKerasSplitIntoChunks() throws IOException {
        List<Layer> layers = KerasTestFiles.read(official("Meso4_DF"));
        Path file = dir.resolve("chunks.h5");
        int[] first = new int[10];
        int[] rest = new int[layers.size() - 10];
        Arrays.setAll(first, i -> i);
        Arrays.setAll(rest, i -> i + 10);
        KerasTestFiles.write(file, layers, null, Map.of("layer_names0", first, "layer_names1", rest));
        try (KerasWeightsFile chunked = KerasWeightsFile.open(file);
             KerasWeightsFile whole = KerasWeightsFile.open(official("Meso4_DF"))) {
            assertEquals(whole.weightedLayers(), chunked.weightedLayers());
        }
    }

    @Test
    void findsTheWeightsOfAWholeModelFile() throws IOException {
        Path file = dir.resolve("model.h5");
        KerasTestFiles.write(file, KerasTestFiles.read(official("Meso4_DF")), KerasWeightsFile.MODEL_WEIGHTS_GROUP, Map.of());
        try (KerasWeightsFile model = KerasWeightsFile.open(file);
             KerasWeightsFile weights = KerasWeightsFile.open(official("Meso4_DF"))) {
            assertEquals(weights.weightedLayers(), model.weightedLayers());
            KerasWeight dense = weights.weightedLayers().get(9).weights().get(0);
            assertArrayEquals(weights.read(dense), model.read(dense));
        }
    }

    @Test
    void aFileLargerThanTheLimitIsRejectedBeforeItIsRead() throws IOException {
        Path file = dir.resolve("huge.h5");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(KerasWeightsFile.MAX_FILE_BYTES + 1);  // sparse: nothing is written
        }
        assertRejected(file, "larger than");
    }

    @Test
    void garbageIsNotHdf5() throws IOException {
        byte[] garbage = new byte[5000];
        new SplittableRandom(9).nextBytes(garbage);
        Path file = Files.write(dir.resolve("garbage.h5"), garbage);
        assertRejected(file, "not an HDF5 file");
        assertRejected(Files.write(dir.resolve("empty.h5"), new byte[0]), "not an HDF5 file");
    }

    @Test
    void hdf5WithoutLayerNamesIsNotKerasWeights() throws IOException {
        Path file = dir.resolve("plain.h5");
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            hdf.putGroup("data").putDataset("x", new float[] {1, 2, 3});
        }
        assertRejected(file, "no attribute 'layer_names'");
    }

    @Test
    void aListedLayerWithoutItsGroupIsNamed() throws IOException {
        Path file = dir.resolve("missing-group.h5");
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            hdf.putAttribute("layer_names", new String[] {"input_1", "conv2d_1"});
            hdf.putGroup("input_1");
        }
        assertRejected(file, "layer_names lists 'conv2d_1' (position 1) but the file has no group of that name");
    }

    @Test
    void aListedWeightThatIsNotADatasetIsNamed() throws IOException {
        Path file = dir.resolve("missing-weight.h5");
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            hdf.putAttribute("layer_names", new String[] {"dense_1"});
            WritableGroup layer = hdf.putGroup("dense_1");
            layer.putAttribute("weight_names", new String[] {"dense_1/kernel:0", "dense_1/bias:0"});
            layer.putGroup("dense_1").putDataset("kernel:0", new float[][] {{1, 2}});
        }
        assertRejected(file, "weight 'dense_1/bias:0' of layer 'dense_1' is listed in weight_names but is not a dataset");
    }

    @Test
    void aWeightThatIsNotFloatingPointIsRejected() throws IOException {
        Path file = dir.resolve("ints.h5");
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            hdf.putAttribute("layer_names", new String[] {"dense_1"});
            WritableGroup layer = hdf.putGroup("dense_1");
            layer.putAttribute("weight_names", new String[] {"kernel:0"});
            layer.putDataset("kernel:0", new int[] {1, 2, 3});
        }
        assertRejected(file, "weight 'kernel:0' of layer 'dense_1' is not 32- or 64-bit floating point");
    }

    @Test
    void weightNamesThatAreNotStringsAreRejected() throws IOException {
        Path file = dir.resolve("numbers.h5");
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            hdf.putAttribute("layer_names", new String[] {"dense_1"});
            hdf.putGroup("dense_1").putAttribute("weight_names", new double[] {1, 2});
        }
        assertRejected(file, "attribute 'weight_names' of layer 'dense_1' is not a list of strings");
    }

    @Test
    void truncatedFilesFailWithTheFileNamedOrReadAsTheWholeFile() throws IOException {
        Path source = official("MesoInception_DF");
        byte[] bytes = Files.readAllBytes(source);
        Map<String, float[]> whole = readEverything(source);
        List<Integer> lengths = new ArrayList<>(List.of(1, 7, 8, 64, 512, 1000, 2048, 4096, 8192, 20_000));
        for (int i = 1; i < 16; i++) {
            lengths.add(bytes.length * i / 16);
        }
        lengths.add(bytes.length - 1);
        int rejected = 0;
        for (int length : lengths) {
            Path file = Files.write(dir.resolve("truncated-" + length + ".h5"), Arrays.copyOf(bytes, length));
            try {
                Map<String, float[]> read = readEverything(file);
                // cut only where nothing needed was: then every value must be the whole file's
                assertEquals(whole.keySet(), read.keySet(), file.toString());
                whole.forEach((k, v) -> assertArrayEquals(v, read.get(k), file + " " + k));
            } catch (KerasWeightsException e) {
                assertOneLineNaming(file, e);
                rejected++;
            }
        }
        assertTrue(rejected >= lengths.size() - 2, rejected + " of " + lengths.size() + " truncations rejected");
    }

    private static Map<String, float[]> readEverything(Path file) throws IOException {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        try (KerasWeightsFile keras = KerasWeightsFile.open(file)) {
            for (KerasLayer layer : keras.weightedLayers()) {
                for (KerasWeight w : layer.weights()) {
                    out.put(w.name(), keras.read(w));
                }
            }
        }
        return out;
    }

    private static void assertRejected(Path file, String expected) {
        KerasWeightsException e = assertThrows(KerasWeightsException.class, () -> readEverything(file));
        assertOneLineNaming(file, e);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    static void assertOneLineNaming(Path file, Exception e) {
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
    }

    private static float[] floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
