package dev.unmask.models.pixelsnail;

import dev.unmask.models.vqvae.VqVaeConfig;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backends;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Properties of the PixelSNAIL prior that hold for any weights: causality, the NLL, shapes, checks. */
class PixelSnailTest {
    private static final int HEIGHT = 5;
    private static final int WIDTH = 6;
    private static final int CLASSES = 7;
    /** Logits before the changed position come from the same computation, up to float32 rounding. */
    private static final double UNCHANGED = 1e-6;
    /** A logit that depends on the changed code moves by far more than this with random weights. */
    private static final double CHANGED = 1e-4;

    private static PixelSnailConfig tiny(boolean attention) {
        return new PixelSnailConfig(HEIGHT, WIDTH, CLASSES, 8, 5, 2, 1, 8, attention, 0, 2);
    }

    /**
     * No logit at or before the changed position moves. After it, the position to the right (same row)
     * and the one below depend on it through the input convolutions, and with attention every position
     * after the one below attends to that one. (Positions at the start of the next row before it may not
     * depend on the code at all: a row's first positions see neither the previous row's end nor anything
     * that does, a blind spot of this architecture.)
     */
    @Test
    void changingACodeChangesOnlyLaterLogitsWithAttention() {
        checkCausality(true, new int[] {0, 4, WIDTH, 17, HEIGHT * WIDTH - 1});
    }

    @Test
    void changingACodeChangesOnlyLaterLogitsWithoutAttention() {
        checkCausality(false, new int[] {0, 3, WIDTH + 5, 20, HEIGHT * WIDTH - 1});
    }

    private static void checkCausality(boolean attention, int[] changedPositions) {
        PixelSnail model = new PixelSnail(tiny(attention), new ParameterInit(Backends.defaultBackend(), attention ? 21 : 23));
        model.eval();
        Tensor codes = randomCodes(new SplittableRandom(22), 1);
        for (int p : changedPositions) {
            double[] change = changePerPosition(model, codes, p);
            for (int q = 0; q < change.length; q++) {
                boolean dependent = (q == p + 1 && q % WIDTH != 0) || q == p + WIDTH || (attention && q > p + WIDTH);
                if (q <= p && change[q] > UNCHANGED) {
                    fail("changing position " + p + " changed the logits at " + q + " by " + change[q]);
                }
                if (dependent && !(change[q] > CHANGED)) {
                    fail("changing position " + p + " left the logits at " + q + " unchanged (" + change[q] + ")");
                }
            }
        }
    }

    /** Largest absolute logit change at every raster position when the code at {@code p} changes. */
    private static double[] changePerPosition(PixelSnail model, Tensor codes, int p) {
        int[] changed = codes.toIntArray();
        changed[p] = (changed[p] + 1 + new SplittableRandom(p).nextInt(CLASSES - 1)) % CLASSES;
        float[] before;
        float[] after;
        try (NoGrad scope = NoGrad.enter()) {
            before = model.logits(codes).value().toFloatArray();
            after = model.logits(Backends.defaultBackend().fromInts(changed, codes.shape())).value().toFloatArray();
        }
        int positions = HEIGHT * WIDTH;
        double[] change = new double[positions];
        for (int k = 0; k < CLASSES; k++) {
            for (int q = 0; q < positions; q++) {
                change[q] = Math.max(change[q], Math.abs(before[k * positions + q] - after[k * positions + q]));
            }
        }
        return change;
    }

    @Test
    void nllIsMinusTheLogSoftmaxOfTheLogitsAtTheCode() {
        PixelSnail model = new PixelSnail(tiny(true), new ParameterInit(Backends.defaultBackend(), 25));
        model.eval();
        Tensor codes = randomCodes(new SplittableRandom(26), 2);
        float[] logits = model.logits(codes).value().toFloatArray();
        Variable nll = model.nll(codes);
        assertEquals(Shape.of(2, HEIGHT, WIDTH), nll.shape());
        float[] actual = nll.value().toFloatArray();
        int[] code = codes.toIntArray();
        int positions = HEIGHT * WIDTH;
        for (int b = 0; b < 2; b++) {
            for (int q = 0; q < positions; q++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < CLASSES; k++) {
                    max = Math.max(max, logits[(b * CLASSES + k) * positions + q]);
                }
                double sum = 0;
                for (int k = 0; k < CLASSES; k++) {
                    sum += Math.exp(logits[(b * CLASSES + k) * positions + q] - max);
                }
                double expected = max + Math.log(sum) - logits[(b * CLASSES + code[b * positions + q]) * positions + q];
                assertEquals(expected, actual[b * positions + q], 1e-5 * (1 + expected), "position " + q);
            }
        }
    }

    @Test
    void presetsHaveRosinalitysShapes() {
        Map<String, Tensor> faces = new PixelSnail(PixelSnailConfig.faces128(), new ParameterInit(Backends.defaultBackend(), 1)).stateDict();
        assertEquals(Shape.of(1, 2, 16, 16), faces.get("background").shape());
        assertEquals(Shape.of(128, 512, 2, 5), faces.get("horizontal.conv.conv.weight_v").shape());
        assertEquals(Shape.of(128, 512, 3, 2), faces.get("vertical.conv.conv.weight_v").shape());
        assertEquals(Shape.of(256, 128, 5, 5), faces.get("blocks.1.resblocks.1.conv2.conv.conv.weight_v").shape());
        assertEquals(Shape.of(128, 258, 1, 1), faces.get("blocks.0.key_resblock.conv1.conv.weight_v").shape());
        assertEquals(Shape.of(64, 1), faces.get("blocks.0.causal_attention.query.weight_g").shape());
        assertEquals(Shape.of(64, 258), faces.get("blocks.0.causal_attention.value.weight_v").shape());
        assertEquals(Shape.of(128), faces.get("blocks.1.out_resblock.aux_conv.conv.bias").shape());
        assertEquals(Shape.of(512, 128, 1, 1), faces.get("out.1.conv.weight_v").shape());

        PixelSnail fmnist = new PixelSnail(PixelSnailConfig.fmnist32(), new ParameterInit(Backends.defaultBackend(), 2));
        fmnist.eval();
        try (NoGrad scope = NoGrad.enter()) {
            Tensor codes = Backends.defaultBackend().fromInts(new int[64], Shape.of(1, 8, 8));
            assertEquals(Shape.of(1, 256, 8, 8), fmnist.logits(codes).shape());
        }
    }

    @Test
    void presetPriorsHaveOneClassPerCodeOfTheirVqVae() {
        assertEquals(VqVaeConfig.faces128().codes(), PixelSnailConfig.faces128().classes());
        assertEquals(VqVaeConfig.fmnist32().codes(), PixelSnailConfig.fmnist32().classes());
    }

    @Test
    void rejectsBadConfigurationsAndCodeGrids() {
        assertThrows(IllegalArgumentException.class, () -> new PixelSnailConfig(4, 4, 8, 8, 4, 1, 1, 8, true, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new PixelSnailConfig(4, 4, 8, 8, 3, 1, 1, 8, true, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new PixelSnailConfig(4, 4, 8, 8, 3, 1, 1, 8, true, 1, 2));
        PixelSnail model = new PixelSnail(tiny(true), new ParameterInit(Backends.defaultBackend(), 1));
        Tensor wrongGrid = Backends.defaultBackend().fromInts(new int[WIDTH * HEIGHT], Shape.of(1, WIDTH, HEIGHT));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> model.logits(wrongGrid)).getMessage()
                .contains("[B, 5, 6]"));
        int[] values = new int[HEIGHT * WIDTH];
        values[3] = -1;
        Tensor negative = Backends.defaultBackend().fromInts(values, Shape.of(1, HEIGHT, WIDTH));
        assertThrows(IllegalArgumentException.class, () -> model.nll(negative));
    }

    @Test
    void gatedResBlockRequiresExactlyTheInputsItWasBuiltFor() {
        GatedResBlock withAux = new GatedResBlock(4, 4, 3, GatedResBlock.Convolution.CAUSAL, 0, 2, 0,
                new ParameterInit(Backends.defaultBackend(), 1));
        Variable x = Variable.constant(Backends.defaultBackend().full(Shape.of(1, 4, 3, 3), DType.F32, 0.5f));
        Variable aux = Variable.constant(Backends.defaultBackend().full(Shape.of(1, 2, 3, 3), DType.F32, 0.5f));
        assertThrows(IllegalArgumentException.class, () -> withAux.forward(x));
        assertThrows(IllegalArgumentException.class, () -> withAux.forward(x, aux, aux));
        assertEquals(x.shape(), withAux.forward(x, aux, null).shape());
        assertThrows(IllegalArgumentException.class, () -> withAux.forward(aux, aux, null));
    }

    static Tensor randomCodes(SplittableRandom rng, int batch) {
        int[] codes = new int[batch * HEIGHT * WIDTH];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = rng.nextInt(CLASSES);
        }
        return Backends.defaultBackend().fromInts(codes, Shape.of(batch, HEIGHT, WIDTH));
    }
}
