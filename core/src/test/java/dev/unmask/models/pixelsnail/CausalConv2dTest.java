package dev.unmask.models.pixelsnail;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.nn.Parameter;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The gather form of the one-hot convolution against the dense convolution of the one-hot input. */
class CausalConv2dTest {
    /** Both sides sum the same few products in float32, in different orders. */
    private static final double TOLERANCE = 1e-5;
    private static final int CLASSES = 7;

    @Test
    void gatherEqualsDenseConvolutionOfOneHotInputWithGradientsForEveryPadding() {
        for (CausalConv2d.Padding padding : CausalConv2d.Padding.values()) {
            int kernelW = padding == CausalConv2d.Padding.DOWN_RIGHT ? 4 : 5;
            CausalConv2d conv = new CausalConv2d(CLASSES, 5, 3, kernelW, padding, new ParameterInit(Backends.defaultBackend(), 3));
            randomiseBias(conv);
            Tensor codes = randomCodes(new SplittableRandom(4), 2, 5, 6);
            Tensor projection = projection(new SplittableRandom(5), 2 * 5 * 5 * 6);

            Variable gathered = conv.forwardOneHot(codes);
            gathered.backward(projection.reshape(gathered.shape()));
            Map<String, float[]> gatherGrads = takeGradients(conv);

            Tensor oneHot = Backend.of(codes).oneHot(codes, CLASSES);
            Variable dense = conv.forward(Variable.constant(oneHot).permute(0, 3, 1, 2));
            dense.backward(projection.reshape(dense.shape()));
            Map<String, float[]> denseGrads = takeGradients(conv);

            assertEquals(dense.shape(), gathered.shape(), padding.name());
            assertClose(padding + " output", dense.value().toFloatArray(), gathered.value().toFloatArray());
            for (String name : denseGrads.keySet()) {
                assertClose(padding + " " + name, denseGrads.get(name), gatherGrads.get(name));
            }
        }
    }

    @Test
    void causalPaddingZeroesTheCentreAndRightOfTheLastKernelRowInPlace() {
        CausalConv2d conv = new CausalConv2d(2, 3, 3, 3, CausalConv2d.Padding.CAUSAL, new ParameterInit(Backends.defaultBackend(), 6));
        Tensor input = projection(new SplittableRandom(7), 2 * 4 * 5).reshape(1, 2, 4, 5);
        float[] before = conv.forward(Variable.constant(input)).value().toFloatArray();
        Parameter v = conv.conv().weightV();
        float[] values = v.value().toFloatArray();
        for (int i = 0; i < values.length; i++) {
            int tap = i % 9;
            if (tap == 7 || tap == 8) {
                assertEquals(0f, values[i], "tap " + tap + " of the last row, right of centre");
                values[i] = 5f;
            } else {
                assertTrue(values[i] != 0f, "tap " + tap + " must stay");
            }
        }
        Backend backend = Backend.of(v.value());
        backend.copyInto(v.value(), backend.fromFloats(values, v.shape()));
        assertArrayEquals(before, conv.forward(Variable.constant(input)).value().toFloatArray(), 0f);
        for (int i = 0; i < values.length; i++) {
            if (i % 9 >= 7) {
                assertEquals(0f, v.value().toFloatArray()[i], "zeroed again by the forward pass");
            }
        }
    }

    @Test
    void rejectsCodesOfTheWrongTypeOrRange() {
        CausalConv2d conv = new CausalConv2d(CLASSES, 2, 2, 3, CausalConv2d.Padding.DOWN, new ParameterInit(Backends.defaultBackend(), 1));
        Tensor outOfRange = Backends.defaultBackend().fromInts(new int[] {0, CLASSES}, Shape.of(1, 1, 2));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> conv.forwardOneHot(outOfRange)).getMessage()
                .contains("outside [0, 7)"));
        Tensor floats = Backends.defaultBackend().fromFloats(new float[] {0, 1}, Shape.of(1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> conv.forwardOneHot(floats));
    }

    private static void randomiseBias(CausalConv2d conv) {
        Parameter bias = conv.conv().bias();
        Backend.of(bias.value()).copyInto(bias.value(), projection(new SplittableRandom(8), bias.value().numel())
                .reshape(bias.shape()));
    }

    private static Map<String, float[]> takeGradients(CausalConv2d conv) {
        Map<String, float[]> grads = new LinkedHashMap<>();
        conv.namedParameters().forEach((name, p) -> grads.put(name, p.grad().toFloatArray()));
        conv.zeroGrad();
        return grads;
    }

    static Tensor randomCodes(SplittableRandom rng, int batch, int height, int width) {
        int[] codes = new int[batch * height * width];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = rng.nextInt(CLASSES);
        }
        return Backends.defaultBackend().fromInts(codes, Shape.of(batch, height, width));
    }

    private static Tensor projection(SplittableRandom rng, int n) {
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return Backends.defaultBackend().fromFloats(r, Shape.of(n));
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= TOLERANCE * (1 + Math.abs(expected[i])))) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }
}
