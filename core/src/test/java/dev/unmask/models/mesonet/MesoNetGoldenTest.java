package dev.unmask.models.mesonet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.io.ModelBundle;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Meso-4 and MesoInception-4 with the four official weight files against the float64 Keras oracle of
 * {@code make_mesonet_goldens.py}: the imported state dicts, the outputs on the official test faces and on
 * random inputs, and the faces decoded here from their JPEGs.
 */
class MesoNetGoldenTest {
    /** The bound on the output probability: float32 against float64 through about ten layers. */
    private static final double PROBABILITY_TOLERANCE = 1e-5;
    /**
     * On the logit, relative to max(1, |logit|): float32 rounding through eight to eighteen convolutions of up to
     * 400 terms each stays near 1e-6 of the activations' scale. A confident model saturates the probability
     * (the MesoInception logits reach 91), where only the logit still tells right weights from wrong ones.
     */
    private static final double LOGIT_TOLERANCE = 2e-5;

    private static final Backend BACKEND = Backends.defaultBackend();
    private static final MesoNetGoldens INFERENCE = MesoNetGoldens.load("inference", BACKEND);

    static List<String> weights() {
        return MesoNetGoldens.WEIGHTS;
    }

    @ParameterizedTest
    @EnumSource(MesoNetArchitecture.class)
    void stateDictNamesOrderAndShapesAreThoseOfThePyTorchPort(MesoNetArchitecture architecture) {
        String name = architecture == MesoNetArchitecture.MESO4 ? "meso4" : "mesoinception4";
        List<String> expected = List.of(MesoNetGoldens.load("train_" + name, BACKEND).metadata("state_names").split(","));
        Map<String, Tensor> ours = MesoNet.create(MesoNetConfig.of(architecture), new ParameterInit(BACKEND, 1)).stateDict();
        assertEquals(expected, new ArrayList<>(ours.keySet()));
        String weights = architecture == MesoNetArchitecture.MESO4 ? "Meso4_DF" : "MesoInception_DF";
        MesoNetGoldens.load("import", BACKEND).withPrefix(weights + ".")
                .forEach((n, t) -> assertEquals(t.shape(), ours.get(n).shape(), n));
    }

    @ParameterizedTest
    @MethodSource("weights")
    void importGivesTheStateDictOfTheIndependentConversion(String weights) throws IOException {
        MesoNet model = MesoNetWeights.load(MesoNetGoldens.weights(weights), BACKEND);
        assertEquals(MesoNetGoldens.architectureOf(weights), model.architecture());
        assertEquals(MesoNetConfig.DEFAULT_DROPOUT, model.config().dropout());
        assertTrue(!model.isTraining(), "a loaded model is in evaluation mode");
        Map<String, Tensor> expected = MesoNetGoldens.load("import", BACKEND).withPrefix(weights + ".");
        Map<String, Tensor> ours = model.stateDict();
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(ours.keySet()));
        // transposes and a reordering of exact float32 values: equal bit for bit
        expected.forEach((n, t) -> {
            if (n.endsWith("num_batches_tracked")) {
                assertArrayEquals(t.toIntArray(), ours.get(n).toIntArray(), n);
            } else {
                assertArrayEquals(t.toFloatArray(), ours.get(n).toFloatArray(), n);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("weights")
    void facesAndRandomInputsMatchTheKerasOracle(String weights) throws IOException {
        MesoNet model = MesoNetWeights.load(MesoNetGoldens.weights(weights), BACKEND);
        List<String> cases = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        for (String face : MesoNetGoldens.FACES) {
            String name = face.substring(face.indexOf('/') + 1);
            cases.add("face." + name);
            inputs.add(INFERENCE.faceInput(name));
        }
        for (int k = 0; k < INFERENCE.randomInputs(); k++) {
            cases.add("random." + k);
            inputs.add(INFERENCE.randomInput(k));
        }
        Tensor batch = MesoNetGoldens.images(BACKEND, concat(inputs));
        float[] probabilities = model.predict(batch);
        float[] logits;
        try (NoGrad scope = NoGrad.enter()) {
            logits = model.logits(Variable.constant(batch)).value().toFloatArray();
        }
        for (int i = 0; i < cases.size(); i++) {
            String what = weights + " " + cases.get(i);
            float p = INFERENCE.tensor("prob." + weights + "." + cases.get(i)).toFloatArray()[0];
            float logit = INFERENCE.tensor("logit." + weights + "." + cases.get(i)).toFloatArray()[0];
            assertEquals(p, probabilities[i], PROBABILITY_TOLERANCE, what + ": probability");
            assertEquals(logit, logits[i], LOGIT_TOLERANCE * Math.max(1, Math.abs(logit)), what + ": logit");
        }
    }

    @Test
    void officialDeepfakeWeightsTellTheTestFacesApart() throws IOException {
        // the official example's claim, here as a check that the goldens are not degenerate
        for (String weights : List.of("Meso4_DF", "MesoInception_DF")) {
            MesoNet model = MesoNetWeights.load(MesoNetGoldens.weights(weights), BACKEND);
            for (String face : MesoNetGoldens.FACES) {
                float p = model.predict(MesoNetGoldens.images(BACKEND, INFERENCE.faceInput(face.substring(face.indexOf('/') + 1))))[0];
                assertEquals(face.startsWith("real"), p > 0.5, weights + " on " + face + ": p(real) = " + p);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("weights")
    void architectureOfTellsWhichNetworkAFileHolds(String weights) throws IOException {
        assertEquals(MesoNetGoldens.architectureOf(weights), MesoNetWeights.architectureOf(MesoNetGoldens.weights(weights)));
    }

    @Test
    void aLoadedModelSurvivesAModelBundle(@TempDir Path dir) throws IOException {
        MesoNet model = MesoNetWeights.load(MesoNetGoldens.weights("MesoInception_F2F"), new MesoNetConfig(
                MesoNetArchitecture.MESO_INCEPTION4, 0.25f), BACKEND);
        ObjectMapper json = new ObjectMapper();
        Path bundle = dir.resolve("mesonet.safetensors");
        ModelBundle.write(bundle, "mesonet", json.writeValueAsString(model.config()), model.stateDict(), Map.of());

        ModelBundle read = ModelBundle.read(bundle, "mesonet");
        MesoNetConfig config = json.readValue(read.configJson(), MesoNetConfig.class);
        assertEquals(model.config(), config);
        MesoNet copy = MesoNet.create(config, new ParameterInit(BACKEND, 7));
        copy.loadStateDict(read.stateDict(BACKEND));
        copy.eval();
        Tensor face = MesoNetGoldens.images(BACKEND, INFERENCE.faceInput("df00204"));
        assertArrayEquals(model.predict(face), copy.predict(face));
    }

    private static float[] concat(List<float[]> parts) {
        float[] out = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
