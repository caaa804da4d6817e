package dev.unmask.models.mesonet;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.io.keras.KerasTestFiles;
import dev.unmask.io.keras.KerasTestFiles.Layer;
import dev.unmask.io.keras.KerasWeightsException;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@link MesoNetWeights} pairs a Keras file with the model (by position, as Keras does, never by
 * name) and how it refuses files that are not the model's weights.
 */
class MesoNetWeightsTest {
    /** As in MesoNetGoldenTest: float32 against the float64 oracle. */
    private static final double LOGIT_TOLERANCE = 2e-5;
    /** A swap of two branches must move the logit by far more than any rounding. */
    private static final double SWAP_EFFECT = 100 * LOGIT_TOLERANCE;

    private static final Backend BACKEND = Backends.defaultBackend();
    private static final MesoNetGoldens INFERENCE = MesoNetGoldens.load("inference", BACKEND);

    @TempDir
    Path dir;

    @Test
    void pairingIsByPositionSoRenamedBranchesStillLoadRight() throws IOException {
        // conv2d_3 and conv2d_5 are the 3x3 convolutions of branches 2 (dilation 1) and 3 (dilation 2) of the
        // first inception, both [3, 3, 4, 4], at positions 5 and 6 of layer_names. Swap their names only: a
        // loader pairing by name with a fresh model's counters would now swap the branches' weights.
        Path official = MesoNetGoldens.weights("MesoInception_DF");
        List<Layer> layers = new ArrayList<>(KerasTestFiles.read(official));
        assertEquals("conv2d_3", layers.get(5).name());
        assertEquals("conv2d_5", layers.get(6).name());
        Layer branch2 = layers.get(5);
        Layer branch3 = layers.get(6);
        layers.set(5, branch2.renamed("conv2d_5"));
        layers.set(6, branch3.renamed("conv2d_3"));
        Path renamed = dir.resolve("renamed.h5");
        KerasTestFiles.write(renamed, layers);

        MesoNet byPosition = MesoNetWeights.load(renamed, BACKEND);
        MesoNet reference = MesoNetWeights.load(official, BACKEND);
        assertSameWeights(reference.stateDict(), byPosition.stateDict());
        float golden = goldenLogit("MesoInception_DF", "df01254");
        assertEquals(golden, logit(byPosition, "df01254"), LOGIT_TOLERANCE * Math.abs(golden));

        // what pairing by name would have loaded: the two branches' weights exchanged
        Map<String, Tensor> swapped = new LinkedHashMap<>(reference.stateDict());
        for (String p : List.of("weight", "bias")) {
            swapped.put("block1.inception.branch2.conv." + p, reference.stateDict().get("block1.inception.branch3.conv." + p));
            swapped.put("block1.inception.branch3.conv." + p, reference.stateDict().get("block1.inception.branch2.conv." + p));
        }
        MesoNet byName = MesoNet.create(reference.config(), new dev.unmask.nn.ParameterInit(BACKEND, 1));
        byName.loadStateDict(swapped);
        byName.eval();
        float wrong = logit(byName, "df01254");
        assertTrue(Math.abs(wrong - golden) > SWAP_EFFECT * Math.abs(golden),
                "the branch swap moved the logit only from " + golden + " to " + wrong);
    }

    @Test
    void aMeso4FileLoadedAsMesoInceptionNamesTheFirstMismatch() {
        Path meso4 = MesoNetGoldens.weights("Meso4_DF");
        KerasWeightsException e = assertThrows(KerasWeightsException.class,
                () -> MesoNetWeights.load(meso4, MesoNetConfig.of(MesoNetArchitecture.MESO_INCEPTION4), BACKEND));
        assertEquals(meso4 + ": not MesoInception-4 weights: layer with weights number 1, 'conv2d_5' (position 1 in"
                + " layer_names), has weights of shapes [[3, 3, 3, 8], [8]] where block1.inception.branch2.reduce needs"
                + " [[1, 1, 3, 4], [4]]", e.getMessage());
    }

    @Test
    void aMesoInceptionFileLoadedAsMeso4IsRefused() {
        Path inception = MesoNetGoldens.weights("MesoInception_F2F");
        KerasWeightsException e = assertThrows(KerasWeightsException.class,
                () -> MesoNetWeights.load(inception, MesoNetConfig.of(MesoNetArchitecture.MESO4), BACKEND));
        assertOneLineNaming(inception, e);
        assertTrue(e.getMessage().contains("not Meso-4 weights: layer with weights number 1, 'conv2d_2'"), e.getMessage());
    }

    @Test
    void aWeightOfAnotherShapeIsNamedBeforeAnyValueIsRead() throws IOException {
        List<Layer> layers = new ArrayList<>(KerasTestFiles.read(MesoNetGoldens.weights("Meso4_DF")));
        int index = indexOf(layers, "conv2d_7");
        Layer conv = layers.get(index);
        layers.set(index, conv.withWeight(0, conv.weights().get(0).withShape(new int[] {3, 3, 8, 16})));
        Path file = dir.resolve("wrong-shape.h5");
        KerasTestFiles.write(file, layers);

        KerasWeightsException load = assertThrows(KerasWeightsException.class, () -> MesoNetWeights.load(file, BACKEND));
        assertOneLineNaming(file, load);
        assertTrue(load.getMessage().contains("not MesoNet weights (not Meso-4: layer with weights number 5, 'conv2d_7'"
                + " (position 7 in layer_names), has weights of shapes [[3, 3, 8, 16], [16]] where block3.conv needs"
                + " [[5, 5, 8, 16], [16]]; not MesoInception-4: "), load.getMessage());
        KerasWeightsException asMeso4 = assertThrows(KerasWeightsException.class,
                () -> MesoNetWeights.load(file, MesoNetConfig.of(MesoNetArchitecture.MESO4), BACKEND));
        assertTrue(asMeso4.getMessage().contains("'conv2d_7'"), asMeso4.getMessage());
    }

    @Test
    void aMissingLayerIsCounted() throws IOException {
        List<Layer> layers = new ArrayList<>(KerasTestFiles.read(MesoNetGoldens.weights("Meso4_DF")));
        layers.remove(indexOf(layers, "dense_4"));
        Path file = dir.resolve("no-output-layer.h5");
        KerasTestFiles.write(file, layers);
        KerasWeightsException e = assertThrows(KerasWeightsException.class,
                () -> MesoNetWeights.load(file, MesoNetConfig.of(MesoNetArchitecture.MESO4), BACKEND));
        assertEquals(file + ": not Meso-4 weights: 9 layers with weights where 10 are needed", e.getMessage());
    }

    @Test
    void nonFiniteWeightsAndNegativeVariancesAreRefused() throws IOException {
        List<Layer> layers = KerasTestFiles.read(MesoNetGoldens.weights("Meso4_F2F"));
        int bn = indexOf(layers, "batch_normalization_6");
        List<Layer> nan = new ArrayList<>(layers);
        nan.set(bn, layers.get(bn).withWeight(0, layers.get(bn).weights().get(0).withValue(3, Double.NaN)));
        Path nanFile = dir.resolve("nan.h5");
        KerasTestFiles.write(nanFile, nan);
        KerasWeightsException e = assertThrows(KerasWeightsException.class, () -> MesoNetWeights.load(nanFile, BACKEND));
        assertEquals(nanFile + ": weight 'batch_normalization_6/gamma:0' of layer 'batch_normalization_6' holds the"
                + " non-finite value NaN at index 3", e.getMessage());

        List<Layer> negative = new ArrayList<>(layers);
        negative.set(bn, layers.get(bn).withWeight(3, layers.get(bn).weights().get(3).withValue(5, -0.5)));
        Path negativeFile = dir.resolve("negative.h5");
        KerasTestFiles.write(negativeFile, negative);
        e = assertThrows(KerasWeightsException.class, () -> MesoNetWeights.load(negativeFile, BACKEND));
        assertEquals(negativeFile + ": weight 'batch_normalization_6/moving_variance:0' of layer 'batch_normalization_6'"
                + " has the negative variance -0.5 at channel 5", e.getMessage());
    }

    @Test
    void float64WeightsAndWholeModelFilesLoadTheSameModel() throws IOException {
        Path official = MesoNetGoldens.weights("Meso4_DF");
        List<Layer> doubles = new ArrayList<>();
        for (Layer layer : KerasTestFiles.read(official)) {
            doubles.add(new Layer(layer.name(), layer.weights().stream().map(KerasTestFiles.Weight::asFloat64).toList()));
        }
        Path file = dir.resolve("model.h5");
        KerasTestFiles.write(file, doubles, "model_weights", Map.of());
        assertSameWeights(MesoNetWeights.load(official, BACKEND).stateDict(), MesoNetWeights.load(file, BACKEND).stateDict());
    }

    @Test
    void garbageAndTruncatedFilesAreRefusedWithTheFileNamed() throws IOException {
        byte[] garbage = new byte[20_000];
        new SplittableRandom(5).nextBytes(garbage);
        Path garbageFile = Files.write(dir.resolve("garbage.h5"), garbage);
        KerasWeightsException e = assertThrows(KerasWeightsException.class, () -> MesoNetWeights.architectureOf(garbageFile));
        assertTrue(e.getMessage().startsWith(garbageFile + ": not an HDF5 file"), e.getMessage());

        byte[] bytes = Files.readAllBytes(MesoNetGoldens.weights("Meso4_F2F"));
        for (int length : new int[] {0, 100, 2000, bytes.length / 3, bytes.length / 2, bytes.length - 100}) {
            Path truncated = Files.write(dir.resolve("truncated-" + length + ".h5"), Arrays.copyOf(bytes, length));
            KerasWeightsException t = assertThrows(KerasWeightsException.class, () -> MesoNetWeights.load(truncated, BACKEND),
                    "truncated at " + length);
            assertOneLineNaming(truncated, t);
        }
    }

    private static int indexOf(List<Layer> layers, String name) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no layer " + name);
    }

    private static float goldenLogit(String weights, String face) {
        return INFERENCE.tensor("logit." + weights + ".face." + face).toFloatArray()[0];
    }

    private static float logit(MesoNet model, String face) {
        Tensor x = MesoNetGoldens.images(BACKEND, INFERENCE.faceInput(face));
        try (NoGrad scope = NoGrad.enter()) {
            return model.logits(Variable.constant(x)).value().toFloatArray()[0];
        }
    }

    /** Every parameter and running statistic equal bit for bit (the batch counters are not weights). */
    private static void assertSameWeights(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, t) -> {
            if (!name.endsWith("num_batches_tracked")) {
                assertArrayEquals(t.toFloatArray(), actual.get(name).toFloatArray(), name);
            }
        });
    }

    static void assertOneLineNaming(Path file, Exception e) {
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
    }
}
