package dev.unmask.models.vqvae;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.models.vqvae.VqVaeConfig.CodebookMode;
import dev.unmask.models.vqvae.VqVaeConfig.ReconstructionLoss;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration, state-dict loading, shapes, input checks and the statistics, on hand-made cases. */
class VqVaeTest {
    /** float32 arithmetic of a few operations on values of order 1-10. */
    private static final double HAND_TOLERANCE = 1e-5;

    private static final Backend B = Backends.defaultBackend();

    private static VqVaeConfig tiny() {
        return VqVaeConfig.of(3, 8, 1, 4, 4, 8, 4);
    }

    private static Tensor random(SplittableRandom rng, int... dims) {
        float[] v = new float[Shape.of(dims).numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return B.fromFloats(v, Shape.of(dims));
    }

    private static Map<String, Tensor> copyOf(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.dtype() == DType.F32
                ? B.fromFloats(v.toFloatArray(), v.shape()) : B.fromInts(v.toIntArray(), v.shape())));
        return out;
    }

    @Test
    void loadingAStateDictWithAMissingExtraOrMisShapedTensorFailsAndChangesNothing() {
        VqVae source = new VqVae(tiny(), new ParameterInit(Backends.defaultBackend(), 1));
        VqVae target = new VqVae(tiny(), new ParameterInit(Backends.defaultBackend(), 2));
        Map<String, Tensor> before = copyOf(target.stateDict());

        Map<String, Tensor> missing = copyOf(source.stateDict());
        missing.remove("dec.blocks.1.conv.3.weight");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(missing));
        assertTrue(e.getMessage().contains("missing 'dec.blocks.1.conv.3.weight'"), e.getMessage());

        Map<String, Tensor> extra = copyOf(source.stateDict());
        extra.put("quantize.embed_sum", B.full(Shape.of(8), DType.F32, 0f));
        e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(extra));
        assertTrue(e.getMessage().contains("unexpected 'quantize.embed_sum'"), e.getMessage());

        Map<String, Tensor> misShaped = copyOf(source.stateDict());
        misShaped.put("quantize.embed", B.full(Shape.of(8, 4), DType.F32, 0f));
        e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(misShaped));
        assertTrue(e.getMessage().contains("'quantize.embed'") && e.getMessage().contains("[4, 8]"), e.getMessage());

        Map<String, Tensor> after = target.stateDict();
        before.forEach((name, t) -> assertArrayEquals(t.toFloatArray(), after.get(name).toFloatArray(), name));

        target.loadStateDict(copyOf(source.stateDict()));
        Map<String, Tensor> loaded = target.stateDict();
        source.stateDict().forEach((name, t) -> assertArrayEquals(t.toFloatArray(), loaded.get(name).toFloatArray(), name));
    }

    @Test
    void lossModeHasTheCodebookAsParameterAndNoBuffers() {
        List<String> ema = new ArrayList<>(new VqVae(tiny(), new ParameterInit(Backends.defaultBackend(), 1)).stateDict().keySet());
        VqVae lossModel = new VqVae(tiny().withCodebook(CodebookMode.LOSS), new ParameterInit(Backends.defaultBackend(), 1));
        List<String> expected = new ArrayList<>(ema);
        expected.removeAll(List.of("quantize.cluster_size", "quantize.embed_avg"));
        assertEquals(expected, new ArrayList<>(lossModel.stateDict().keySet()));
        assertTrue(lossModel.namedParameters().containsKey("quantize.embed"));
        assertFalse(new VqVae(tiny(), new ParameterInit(Backends.defaultBackend(), 1)).namedParameters().containsKey("quantize.embed"));
    }

    @Test
    void presetsHaveTheDesignedShapes() {
        VqVaeConfig faces = VqVaeConfig.faces128();
        assertEquals(List.of(3, 128, 2, 32, 64, 512, 8), List.of(faces.inChannel(), faces.channel(), faces.resBlocks(),
                faces.resChannel(), faces.embedDim(), faces.codes(), faces.stride()));
        VqVae facesModel = new VqVae(faces, new ParameterInit(Backends.defaultBackend(), 1));
        assertEquals(Shape.of(64, 512), facesModel.stateDict().get("quantize.embed").shape());
        assertEquals(Shape.of(128, 128, 4, 4), facesModel.stateDict().get("enc.blocks.4.weight").shape());
        assertEquals(Shape.of(128, 128, 4, 4), facesModel.stateDict().get("dec.blocks.4.weight").shape());
        assertEquals(Shape.of(64, 3, 4, 4), facesModel.stateDict().get("dec.blocks.8.weight").shape());

        VqVae fmnist = new VqVae(VqVaeConfig.fmnist32(), new ParameterInit(Backends.defaultBackend(), 1));
        Tensor codes = fmnist.encode(random(new SplittableRandom(3), 2, 1, 32, 32));
        assertEquals(Shape.of(2, 8, 8), codes.shape());
        assertEquals(DType.I32, codes.dtype());
        assertEquals(Shape.of(2, 1, 32, 32), fmnist.decodeCodes(codes).shape());
    }

    @Test
    void stride8GivesAnEighthOfTheImageSize() {
        VqVae model = new VqVae(VqVaeConfig.of(3, 8, 1, 4, 4, 8, 8), new ParameterInit(Backends.defaultBackend(), 1));
        VqVaeOutput out = model.forward(random(new SplittableRandom(4), 1, 3, 16, 24));
        assertEquals(Shape.of(1, 2, 3), out.codes().shape());
        assertEquals(Shape.of(1, 3, 16, 24), out.reconstruction().shape());
    }

    @Test
    void invalidConfigurationsAndInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> VqVaeConfig.of(3, 8, 1, 4, 4, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> VqVaeConfig.of(3, 7, 1, 4, 4, 8, 4));
        assertThrows(IllegalArgumentException.class, () -> VqVaeConfig.of(3, 8, 1, 4, 0, 8, 4));
        assertThrows(IllegalArgumentException.class, () -> tiny().withCommitmentWeight(-1));
        VqVae model = new VqVae(tiny(), new ParameterInit(Backends.defaultBackend(), 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.forward(random(new SplittableRandom(1), 1, 3, 18, 16)));
        assertTrue(e.getMessage().contains("stride 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.encode(random(new SplittableRandom(1), 1, 1, 16, 16)));
        assertThrows(IllegalArgumentException.class, () -> model.decodeCodes(B.full(Shape.of(1, 4, 4), DType.F32, 0f)));
        assertThrows(IllegalArgumentException.class, () -> model.decodeCodes(B.fromInts(new int[] {8}, Shape.of(1, 1, 1))));
    }

    @Test
    void l1AndMseLossesMatchTheirDefinitions() {
        Tensor x = random(new SplittableRandom(5), 2, 3, 8, 8);
        for (ReconstructionLoss kind : ReconstructionLoss.values()) {
            VqVae model = new VqVae(tiny().withReconstructionLoss(kind), new ParameterInit(Backends.defaultBackend(), 1));
            model.eval();
            VqVaeOutput out = model.forward(x);
            float[] r = out.reconstruction().value().toFloatArray();
            float[] v = x.toFloatArray();
            double sum = 0;
            for (int i = 0; i < v.length; i++) {
                double d = r[i] - v[i];
                sum += kind == ReconstructionLoss.MSE ? d * d : Math.abs(d);
            }
            assertEquals(sum / v.length, out.reconstructionLoss().value().item(), HAND_TOLERANCE, kind.name());
            double expectedLoss = out.reconstructionLoss().value().item()
                    + VqVaeConfig.DEFAULT_COMMITMENT_WEIGHT * out.latentLoss().value().item();
            assertEquals(expectedLoss, out.loss().value().item(), HAND_TOLERANCE, kind.name());
        }
    }

    @Test
    void emaUpdateFollowsTheFormulasOnAHandCase() {
        // D = 1, K = 2, codes at 0 and 10: vectors 1, 2 go to code 0 and 9 to code 1
        VqVaeConfig config = VqVaeConfig.of(1, 2, 0, 1, 1, 2, 4);
        Quantizer q = new Quantizer(config, new ParameterInit(Backends.defaultBackend(), 1));
        q.loadStateDict(Map.of(
                "embed", B.fromFloats(new float[] {0, 10}, Shape.of(1, 2)),
                "cluster_size", B.fromFloats(new float[] {1, 3}, Shape.of(2)),
                "embed_avg", B.fromFloats(new float[] {0.5f, 20}, Shape.of(1, 2))));
        q.train();
        QuantizerOutput out = q.forward(Variable.constant(B.fromFloats(new float[] {1, 2, 9}, Shape.of(3, 1))));
        assertArrayEquals(new int[] {0, 0, 1}, out.codes().toIntArray());
        assertArrayEquals(new float[] {0, 0, 10}, out.quantized().value().toFloatArray());
        // commitment: mean of (0 - 1)^2, (0 - 2)^2, (10 - 9)^2
        assertEquals(2.0, out.commitment().value().item(), HAND_TOLERANCE);

        double decay = 0.99;
        double eps = 1e-5;
        double[] size = {decay * 1 + (1 - decay) * 2, decay * 3 + (1 - decay) * 1};
        double[] avg = {decay * 0.5 + (1 - decay) * 3, decay * 20 + (1 - decay) * 9};
        double n = size[0] + size[1];
        Map<String, Tensor> state = q.stateDict();
        float[] embed = state.get("embed").toFloatArray();
        for (int k = 0; k < 2; k++) {
            double smoothed = (size[k] + eps) / (n + 2 * eps) * n;
            assertEquals(size[k], state.get("cluster_size").toFloatArray()[k], HAND_TOLERANCE);
            assertEquals(avg[k], state.get("embed_avg").toFloatArray()[k], HAND_TOLERANCE);
            assertEquals(avg[k] / smoothed, embed[k], HAND_TOLERANCE);
        }
    }

    @Test
    void perplexityAndCodesUsedFromCounts() {
        VqVaeOutput even = outputWithCounts(new float[] {3, 3, 0, 0});
        assertEquals(2.0, even.perplexity(), 1e-12);
        assertEquals(2, even.codesUsed());
        VqVaeOutput one = outputWithCounts(new float[] {0, 9, 0, 0});
        assertEquals(1.0, one.perplexity(), 1e-12);
        assertEquals(1, one.codesUsed());
        // p = (1/2, 1/4, 1/4): entropy 1.5 log 2, perplexity 2^1.5
        VqVaeOutput skewed = outputWithCounts(new float[] {2, 1, 1, 0});
        assertEquals(Math.pow(2, 1.5), skewed.perplexity(), 1e-9);
        assertEquals(3, skewed.codesUsed());
    }

    private static VqVaeOutput outputWithCounts(float[] counts) {
        return new VqVaeOutput(null, null, null, null, null, B.fromFloats(counts, Shape.of(counts.length)));
    }
}
