package dev.unmask.models.autoencoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unmask.backend.Backends;
import dev.unmask.models.vae.VaeGoldens;
import dev.unmask.nn.Parameter;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.unmask.models.vae.VaeGoldens.assertClose;
import static dev.unmask.models.vae.VaeGoldens.assertStateShapes;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The autoencoder and its classifier against {@code goldens/autoencoder/autoencoder.safetensors} from
 * {@code make_vae_goldens.py}: names and shapes (also of the study's full-size model), the MSE training step
 * and the classifier's cross-entropy, penalty and gradients with PyTorch's weights.
 */
class AutoencoderGoldenTest {
    /** Float32 on both sides, eight layers summed in different orders: rounding near 1e-6 of each tensor's scale. */
    private static final double FORWARD_TOLERANCE = 1e-4;
    /** Gradients sum over the batch and every pixel, so rounding accumulates more than in the forward. */
    private static final double GRADIENT_TOLERANCE = 1e-3;

    private final VaeGoldens golden = VaeGoldens.load("autoencoder", "autoencoder");
    private final JsonNode c = golden.config();
    private final AutoencoderConfig config = new AutoencoderConfig(c.get("in_channels").asInt(), c.get("height").asInt(),
            c.get("width").asInt(), c.get("f1").asInt(), c.get("f2").asInt(), c.get("f3").asInt());

    private Map<String, Tensor> state(String... prefixes) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        golden.withPrefix("state.").forEach((name, t) -> {
            for (String prefix : prefixes) {
                if (name.startsWith(prefix)) {
                    out.put(name, t);
                }
            }
        });
        return out;
    }

    @Test
    void studyModelNamesAndShapesEqualPyTorch() {
        ConvAutoencoder study = new ConvAutoencoder(AutoencoderConfig.study(), new ParameterInit(Backends.defaultBackend(), 1));
        assertStateShapes(golden.stateShapes("preset_state"), study);
        assertStateShapes(golden.stateShapes("preset_head_state"), new AutoencoderClassifier(study, new ParameterInit(Backends.defaultBackend(), 2)));
    }

    @Test
    void autoencoderTrainingStepMatchesPyTorch() {
        ConvAutoencoder model = new ConvAutoencoder(config, new ParameterInit(Backends.defaultBackend(), 1));
        model.loadStateDict(state("encoder.", "decoder."));
        AutoencoderOutput out = model.forward(golden.tensor("input"));
        assertClose("reconstruction", golden.tensor("ae.reconstruction"), out.reconstruction().value(), FORWARD_TOLERANCE);
        assertClose("loss", golden.tensor("ae.loss"), out.loss().value(), FORWARD_TOLERANCE);
        out.loss().backward();
        assertGradients(golden.withPrefix("ae.grad."), model.namedParameters());
        Tensor codes = model.encode(golden.tensor("input"));
        assertEquals(config.codeSize(), codes.numel() / codes.dim(0));
    }

    @Test
    void classifierLossAndGradientsMatchPyTorch() {
        ConvAutoencoder autoencoder = new ConvAutoencoder(config, new ParameterInit(Backends.defaultBackend(), 1));
        AutoencoderClassifier classifier = new AutoencoderClassifier(autoencoder, (float) c.get("l1").asDouble(),
                (float) c.get("l2").asDouble(), new ParameterInit(Backends.defaultBackend(), 2));
        classifier.loadStateDict(state("encoder.", "head."));
        ClassifierOutput out = classifier.forward(golden.tensor("input"), golden.tensor("labels"));
        assertClose("logits", golden.tensor("cls.logits"), out.logits().value(), FORWARD_TOLERANCE);
        assertClose("cross-entropy", golden.tensor("cls.cross_entropy"), out.crossEntropy().value(), FORWARD_TOLERANCE);
        assertClose("penalty", golden.tensor("cls.penalty"), out.penalty().value(), FORWARD_TOLERANCE);
        assertClose("loss", golden.tensor("cls.loss"), out.loss().value(), FORWARD_TOLERANCE);
        out.loss().backward();
        assertGradients(golden.withPrefix("cls.grad."), classifier.namedParameters());
        assertClose("probabilities", golden.tensor("cls.probabilities"), classifier.probabilities(golden.tensor("input")),
                FORWARD_TOLERANCE);
    }

    private static void assertGradients(Map<String, Tensor> expected, Map<String, Parameter> parameters) {
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(parameters.keySet()), "trainable parameters");
        expected.forEach((name, g) -> assertClose("grad " + name, g, parameters.get(name).grad(), GRADIENT_TOLERANCE));
    }
}
