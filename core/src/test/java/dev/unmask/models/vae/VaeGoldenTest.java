package dev.unmask.models.vae;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unmask.backend.Backends;
import dev.unmask.nn.Module;
import dev.unmask.nn.Parameter;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Map;

import static dev.unmask.models.vae.VaeGoldens.assertClose;
import static dev.unmask.models.vae.VaeGoldens.assertStateShapes;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every VAE against the PyTorch modules of {@code core/src/test/python/make_vae_goldens.py}: the state dict's
 * names, order and shapes (small golden models and the full-size presets), then with PyTorch's weights one
 * training forward with PyTorch's epsilon (batch norm in training mode), the loss terms, every parameter's
 * gradient and the updated running statistics, and afterwards the reconstruction and score in evaluation mode.
 */
class VaeGoldenTest {
    /**
     * Float32 on both sides, summed in different orders through up to 40 layers; rounding differences stay
     * near 1e-6 of a tensor's scale. The loss terms are sums over every pixel, judged on their own scale too.
     */
    private static final double FORWARD_TOLERANCE = 1e-4;
    /**
     * Gradients pass back through every batch norm and sum over the batch and every pixel, so rounding
     * accumulates more than in the forward.
     */
    private static final double GRADIENT_TOLERANCE = 1e-3;
    /**
     * The bias of a convolution or linear layer followed by batch norm in training mode has a zero gradient in
     * exact arithmetic (the norm removes the mean); in float both sides give rounding noise of the size of the
     * layer's other gradients, so a bias' gradient is judged on the scale of its layer's weight gradient.
     */
    private static final String BIAS = ".bias";

    private static final String[] TRAIN_OUTPUTS = {"reconstruction", "mean", "log_var", "kl", "rss", "latent", "loss"};

    /** A model of the golden's configuration, and the Java preset that corresponds to the golden's full-size one. */
    private record Models(Module model, ReconstructionVae vae, Module preset) {
    }

    private static Models build(String name, JsonNode c) {
        ParameterInit init = new ParameterInit(Backends.defaultBackend(), 1);
        OutputActivation output = OutputActivation.valueOf(c.get("output").asText().toUpperCase());
        int in = c.get("in_channels").asInt();
        int h = c.get("height").asInt();
        int w = c.get("width").asInt();
        switch (name) {
            case "ocfakedect1", "ocfakedect2" -> {
                boolean second = c.get("second_encoder").asBoolean();
                OcFakeDect model = new OcFakeDect(new OcFakeDectConfig(in, h, w, c.get("c1").asInt(), c.get("c2").asInt(),
                        c.get("c3").asInt(), c.get("latent").asInt(), second, output), init);
                OcFakeDectConfig preset = second ? OcFakeDectConfig.ocFakeDect2(output) : OcFakeDectConfig.ocFakeDect1(output);
                return new Models(model, model, new OcFakeDect(preset, init));
            }
            case "resnet_symmetric_small", "resnet_symmetric_imagenet" -> {
                ResNetStem stem = ResNetStem.valueOf(c.get("stem").asText().toUpperCase());
                SymmetricResNetVae model = new SymmetricResNetVae(new ResNetVaeConfig(in, h, w, c.get("base_width").asInt(),
                        c.get("latent").asInt(), stem, output), init);
                ResNetVaeConfig preset = stem == ResNetStem.SMALL ? ResNetVaeConfig.small(32, output) : ResNetVaeConfig.imagenet224();
                return new Models(model, model, new SymmetricResNetVae(preset, init));
            }
            case "resnet_asymmetric" -> {
                AsymmetricResNetVae model = new AsymmetricResNetVae(new AsymmetricResNetVaeConfig(in, h, w,
                        c.get("base_width").asInt(), c.get("hidden1").asInt(), c.get("hidden2").asInt(), c.get("latent").asInt(),
                        c.get("map").asInt(), c.get("up1").asInt(), c.get("up2").asInt(), output), init);
                return new Models(model, model, new AsymmetricResNetVae(AsymmetricResNetVaeConfig.imagenet224(), init));
            }
            default -> throw new IllegalArgumentException(name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ocfakedect1", "ocfakedect2", "resnet_symmetric_small", "resnet_symmetric_imagenet",
            "resnet_asymmetric"})
    void stateDictNamesAndShapesEqualPyTorch(String name) {
        VaeGoldens golden = VaeGoldens.load("vae", name);
        Models models = build(name, golden.config());
        assertEquals(golden.stateNames(), new ArrayList<>(models.model().stateDict().keySet()));
        golden.withPrefix("state.").forEach((n, t) -> assertEquals(t.shape(), models.model().stateDict().get(n).shape(), n));
        assertStateShapes(golden.stateShapes("preset_state"), models.preset());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ocfakedect1", "ocfakedect2", "resnet_symmetric_small", "resnet_symmetric_imagenet",
            "resnet_asymmetric"})
    void trainingStepAndScoresMatchPyTorch(String name) {
        VaeGoldens golden = VaeGoldens.load("vae", name);
        Models models = build(name, golden.config());
        Module model = models.model();
        model.loadStateDict(golden.withPrefix("state."));
        model.train();
        VaeOutput out = models.vae().forward(golden.tensor("input"), golden.tensor("epsilon"));
        Tensor[] ours = {out.reconstruction().value(), out.mean().value(), out.logVariance().value(),
                out.klDivergence().value(), out.reconstructionError().value(), out.latentError().value(), out.loss().value()};
        for (int i = 0; i < ours.length; i++) {
            assertClose(name + " " + TRAIN_OUTPUTS[i], golden.tensor("train." + TRAIN_OUTPUTS[i]).reshape(ours[i].shape()),
                    ours[i], FORWARD_TOLERANCE);
        }

        out.loss().backward();
        Map<String, Parameter> parameters = model.namedParameters();
        Map<String, Tensor> grads = golden.withPrefix("grad.");
        assertEquals(new ArrayList<>(grads.keySet()), new ArrayList<>(parameters.keySet()), "trainable parameters");
        grads.forEach((n, g) -> {
            String weight = n.substring(0, n.length() - BIAS.length()) + ".weight";
            double layerScale = n.endsWith(BIAS) && grads.containsKey(weight) ? VaeGoldens.maxAbs(grads.get(weight)) : 0;
            assertClose(name + " grad " + n, g, parameters.get(n).grad(), GRADIENT_TOLERANCE, layerScale);
        });

        Map<String, Tensor> state = model.stateDict();
        golden.withPrefix("after.").forEach((n, t) -> {
            if (n.endsWith("num_batches_tracked")) {
                assertEquals(t.toIntArray()[0], state.get(n).toIntArray()[0], n);
            } else {
                assertClose(name + " buffer " + n, t, state.get(n), FORWARD_TOLERANCE);
            }
        });

        model.eval();
        Tensor images = golden.tensor("input");
        assertClose(name + " eval reconstruction", golden.tensor("eval.reconstruction"), models.vae().reconstruct(images),
                FORWARD_TOLERANCE);
        assertClose(name + " eval score", golden.tensor("eval.score"), models.vae().score(images), FORWARD_TOLERANCE);
    }
}
