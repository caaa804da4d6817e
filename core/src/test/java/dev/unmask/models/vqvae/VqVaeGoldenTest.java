package dev.unmask.models.vqvae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unmask.backend.Backends;
import dev.unmask.io.SafetensorsReader;
import dev.unmask.models.vqvae.VqVaeConfig.CodebookMode;
import dev.unmask.nn.Parameter;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Java VQ-VAE against the PyTorch model of {@code core/src/test/python/make_vqvae_goldens.py}: same
 * state dict names and order, then with PyTorch's weights the same forward, codes, gradients of one
 * training step and EMA buffers.
 */
class VqVaeGoldenTest {
    /**
     * Float32 on both sides with different summation orders through about ten convolutions; rounding
     * differences stay near 1e-6 of the tensor's scale. Each limit is {@code tol * (|expected| + max|expected|)},
     * so elements near zero are judged on the tensor's scale.
     */
    private static final double FORWARD_TOLERANCE = 1e-4;
    /** Gradients sum over every pixel and batch element, so rounding accumulates more than in the forward. */
    private static final double GRADIENT_TOLERANCE = 1e-3;
    private static final double EMA_TOLERANCE = 1e-4;

    private record Golden(VqVaeConfig config, float lossModeBeta, List<String> stateNames, Map<String, Tensor> tensors) {
        Tensor get(String name) {
            Tensor t = tensors.get(name);
            assertNotNull(t, "golden has no tensor '" + name + "'");
            return t;
        }

        Map<String, Tensor> withPrefix(String prefix) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            tensors.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    out.put(k.substring(prefix.length()), v);
                }
            });
            return out;
        }
    }

    static Golden load(int stride) {
        String path = "/goldens/vqvae/vqvae_stride" + stride + ".safetensors";
        try (InputStream in = VqVaeGoldenTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " not found; run make_vqvae_goldens.py");
            }
            var content = SafetensorsReader.read(in);
            JsonNode c = new ObjectMapper().readTree(content.metadata().get("config"));
            VqVaeConfig config = VqVaeConfig.of(c.get("in_channel").asInt(), c.get("channel").asInt(),
                    c.get("n_res_block").asInt(), c.get("n_res_channel").asInt(), c.get("embed_dim").asInt(),
                    c.get("n_embed").asInt(), c.get("stride").asInt());
            float weight = Float.parseFloat(content.metadata().get("latent_weight"));
            assertEquals(VqVaeConfig.DEFAULT_COMMITMENT_WEIGHT, weight, "the golden's latent loss weight");
            float beta = Float.parseFloat(content.metadata().get("loss_mode_beta"));
            return new Golden(config, beta, Arrays.asList(content.metadata().get("state_names").split(",")),
                    content.toTensors(Backends.defaultBackend()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A model of the golden's configuration (mode as given) holding PyTorch's weights. */
    static VqVae modelWithGoldenWeights(Golden golden, VqVaeConfig config) {
        VqVae model = new VqVae(config, new ParameterInit(Backends.defaultBackend(), 1));
        Map<String, Tensor> state = golden.withPrefix("state.");
        state.keySet().retainAll(model.stateDict().keySet());
        model.loadStateDict(state);
        return model;
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 8})
    void stateDictNamesAndShapesEqualPyTorch(int stride) {
        Golden golden = load(stride);
        Map<String, Tensor> ours = new VqVae(golden.config(), new ParameterInit(Backends.defaultBackend(), 1)).stateDict();
        assertEquals(golden.stateNames(), new ArrayList<>(ours.keySet()));
        golden.withPrefix("state.").forEach((name, t) -> assertEquals(t.shape(), ours.get(name).shape(), name));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 8})
    void emaTrainingStepMatchesPyTorch(int stride) {
        Golden golden = load(stride);
        VqVae model = modelWithGoldenWeights(golden, golden.config());
        model.train();
        VqVaeOutput out = model.forward(golden.get("input"));

        assertArrayEquals(golden.get("out.codes").toIntArray(), out.codes().toIntArray(), "codes");
        assertEquals(golden.get("out.codes").shape(), out.codes().shape());
        assertClose("reconstruction", golden.get("out.reconstruction"), out.reconstruction().value(), FORWARD_TOLERANCE);
        assertClose("latent loss", golden.get("out.latent_loss"), out.latentLoss().value(), FORWARD_TOLERANCE);
        assertClose("reconstruction loss", golden.get("out.recon_loss"), out.reconstructionLoss().value(), FORWARD_TOLERANCE);
        assertClose("loss", golden.get("out.loss"), out.loss().value(), FORWARD_TOLERANCE);

        out.loss().backward();
        Map<String, Parameter> parameters = model.namedParameters();
        Map<String, Tensor> grads = golden.withPrefix("grad.");
        assertEquals(new ArrayList<>(grads.keySet()), new ArrayList<>(parameters.keySet()), "trainable parameters");
        grads.forEach((name, g) -> assertClose("grad " + name, g, parameters.get(name).grad(), GRADIENT_TOLERANCE));

        Map<String, Tensor> state = model.stateDict();
        golden.withPrefix("ema.").forEach((name, t) -> assertClose("EMA " + name, t, state.get(name), EMA_TOLERANCE));
    }

    @Test
    void evalModeLeavesTheCodebookAlone() {
        Golden golden = load(4);
        VqVae model = modelWithGoldenWeights(golden, golden.config());
        model.eval();
        model.forward(golden.get("input"));
        Map<String, Tensor> state = model.stateDict();
        golden.withPrefix("state.quantize.").forEach((name, t) ->
                assertArrayEquals(t.toFloatArray(), state.get("quantize." + name).toFloatArray(), name));
    }

    @Test
    void encodeGivesTheForwardCodesAndDecodeCodesTheReconstruction() {
        Golden golden = load(8);
        VqVae model = modelWithGoldenWeights(golden, golden.config());
        model.train();
        Tensor codes = model.encode(golden.get("input"));
        assertArrayEquals(golden.get("out.codes").toIntArray(), codes.toIntArray());
        // encode is inference: the codebook is still PyTorch's start value, so decoding reproduces the forward
        assertClose("decodeCodes", golden.get("out.reconstruction"), model.decodeCodes(codes), FORWARD_TOLERANCE);
    }

    @Test
    void lossModeTrainingStepMatchesPyTorch() {
        Golden golden = load(4);
        VqVaeConfig config = golden.config().withCodebook(CodebookMode.LOSS).withCommitmentWeight(golden.lossModeBeta());
        VqVae model = modelWithGoldenWeights(golden, config);
        VqVaeOutput out = model.forward(golden.get("input"));
        assertClose("latent loss", golden.get("loss_mode.latent_loss"), out.latentLoss().value(), FORWARD_TOLERANCE);
        assertClose("loss", golden.get("loss_mode.loss"), out.loss().value(), FORWARD_TOLERANCE);
        out.loss().backward();
        Map<String, Parameter> parameters = model.namedParameters();
        Map<String, Tensor> grads = golden.withPrefix("loss_mode.grad.");
        assertEquals(new ArrayList<>(grads.keySet()), new ArrayList<>(parameters.keySet()), "trainable parameters");
        grads.forEach((name, g) -> assertClose("grad " + name, g, parameters.get(name).grad(), GRADIENT_TOLERANCE));
    }

    static void assertClose(String what, Tensor expected, Tensor actual, double tolerance) {
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
                fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (limit " + limit + ")");
            }
        }
    }
}
