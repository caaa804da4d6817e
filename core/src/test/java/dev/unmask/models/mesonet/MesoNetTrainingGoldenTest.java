package dev.unmask.models.mesonet;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.nn.Parameter;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One training step of each MesoNet against PyTorch in float64 ({@code make_mesonet_goldens.py}): the official
 * deepfake weights, train mode (batch statistics, dropout 0 so the step is deterministic), two random
 * images with targets [1, 0], the mean squared error of the sigmoid output, then the gradient of every
 * parameter and the running statistics after the step.
 */
class MesoNetTrainingGoldenTest {
    /** The golden is float64, so only our float32 rounding counts; see MesoNetGoldenTest for the forward's scale. */
    private static final double FORWARD_TOLERANCE = 1e-5;
    /**
     * Gradients sum over both images and every position (131,072 per channel at the first block), and the
     * batch-norm backward subtracts near-equal sums, so rounding grows past the forward's: measured up to
     * 2e-5 of a tensor's scale (a first-inception bias), against 4e-4 for PyTorch's own float32 step.
     */
    private static final double GRADIENT_TOLERANCE = 1e-4;
    /** The running statistics are a blend of stored values and one batch's mean and variance. */
    private static final double STATISTICS_TOLERANCE = 1e-5;

    private static final Backend BACKEND = Backends.defaultBackend();

    @ParameterizedTest
    @EnumSource(MesoNetArchitecture.class)
    void trainingStepMatchesPyTorch(MesoNetArchitecture architecture) throws IOException {
        MesoNetGoldens golden = MesoNetGoldens.load(
                "train_" + (architecture == MesoNetArchitecture.MESO4 ? "meso4" : "mesoinception4"), BACKEND);
        MesoNet model = MesoNetWeights.load(MesoNetGoldens.weights(golden.metadata("weights")),
                new MesoNetConfig(architecture, 0f), BACKEND);
        model.train();
        Tensor images = MesoNetGoldens.images(BACKEND, MesoNetGoldens.randomImages(Long.parseLong(golden.metadata("seed")), 2));

        Variable probabilities = model.forward(Variable.constant(images));
        Variable loss = probabilities.sub(Variable.constant(golden.tensor("target"))).square().mean();
        MesoNetGoldens.assertClose("probabilities", golden.tensor("out.prob"), probabilities.value(), FORWARD_TOLERANCE);
        MesoNetGoldens.assertClose("loss", golden.tensor("out.loss"), loss.value(), FORWARD_TOLERANCE);

        loss.backward();
        Map<String, Parameter> parameters = model.namedParameters();
        Map<String, Tensor> gradients = golden.withPrefix("grad.");
        assertEquals(new ArrayList<>(gradients.keySet()), new ArrayList<>(parameters.keySet()), "trainable parameters");
        gradients.forEach((name, g) -> MesoNetGoldens.assertClose("gradient of " + name, g, parameters.get(name).grad(),
                GRADIENT_TOLERANCE));

        Map<String, Tensor> state = model.stateDict();
        golden.withPrefix("after.").forEach((name, expected) -> {
            if (name.endsWith("num_batches_tracked")) {
                assertEquals(expected.item(), state.get(name).item(), name);
            } else {
                MesoNetGoldens.assertClose(name + " after the step", expected, state.get(name), STATISTICS_TOLERANCE);
            }
        });
    }
}
