package dev.unmask.nn;

import dev.unmask.autograd.GradCheck;
import dev.unmask.autograd.PyTorchGoldens;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backends;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.unmask.autograd.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layers against PyTorch goldens, finite differences and hand-computed cases. */
class LayerTest {
    /** The evaluation-mode oracle is computed in double from the same float32 inputs. */
    private static final double EVAL_TOLERANCE = 1e-5;

    private final SplittableRandom rng = new SplittableRandom(11);
    /** Parameters drawn from the same stream as the inputs, in the order the tests ask for them. */
    private final ParameterInit init = new ParameterInit(Backends.defaultBackend(), rng);

    @Test
    void batchNormTrainingMatchesPyTorch() {
        PyTorchGoldens g = PyTorchGoldens.load("batchnorm");
        BatchNorm2d bn = new BatchNorm2d(4, 1e-3f, 0.1f, init);
        Map<String, Tensor> state = bn.stateDict();
        state.put("weight", g.tensor("bn.weight"));
        state.put("bias", g.tensor("bn.bias"));
        bn.loadStateDict(state);
        Variable x = Variable.leaf(g.tensor("bn.x"));
        Variable y = bn.forward(x);
        y.backward(g.tensor("bn.gradOut"));
        g.assertClose("bn.y", y.value());
        g.assertClose("bn.dx", x.grad());
        g.assertClose("bn.dweight", bn.namedParameters().get("weight").grad());
        g.assertClose("bn.dbias", bn.namedParameters().get("bias").grad());
        g.assertClose("bn.running_mean", bn.stateDict().get("running_mean"));
        g.assertClose("bn.running_var", bn.stateDict().get("running_var"));
        assertEquals(1, bn.stateDict().get("num_batches_tracked").toIntArray()[0]);
    }

    @Test
    void batchNormEvaluationUsesRunningStatistics() {
        BatchNorm2d bn = new BatchNorm2d(2, 1e-3f, 0.1f, init);
        Map<String, Tensor> state = bn.stateDict();
        float[] mean = {0.5f, -1f};
        float[] var = {2f, 0.25f};
        float[] w = {1.5f, -0.5f};
        float[] b = {0.1f, 0.2f};
        state.put("running_mean", Backends.defaultBackend().fromFloats(mean, Shape.of(2)));
        state.put("running_var", Backends.defaultBackend().fromFloats(var, Shape.of(2)));
        state.put("weight", Backends.defaultBackend().fromFloats(w, Shape.of(2)));
        state.put("bias", Backends.defaultBackend().fromFloats(b, Shape.of(2)));
        bn.loadStateDict(state);
        bn.eval();
        Tensor x = GradCheck.uniform(rng, -2, 2, 2, 2, 3, 3);
        float[] in = x.toFloatArray();
        float[] out = bn.forward(Variable.constant(x)).value().toFloatArray();
        for (int i = 0; i < in.length; i++) {
            int c = (i / 9) % 2;
            double expected = (in[i] - mean[c]) / Math.sqrt(var[c] + 1e-3) * w[c] + b[c];
            assertEquals(expected, out[i], EVAL_TOLERANCE, "element " + i);
        }
        assertArrayEquals(mean, bn.stateDict().get("running_mean").toFloatArray(), "eval must not update statistics");
    }

    @Test
    void weightNormalisedConvolutionMatchesPyTorch() {
        PyTorchGoldens g = PyTorchGoldens.load("conv");
        Conv2d conv = WeightNorm.apply(new Conv2d(3, 4, 3, 1, 1, init));
        conv.loadStateDict(Map.of("weight_g", g.tensor("wn.weight_g"), "weight_v", g.tensor("wn.weight_v"),
                "bias", g.tensor("wn.bias")));
        Variable x = Variable.leaf(g.tensor("wn.x"));
        Variable y = conv.forward(x);
        y.backward(g.tensor("wn.gradOut"));
        Map<String, Parameter> p = conv.namedParameters();
        g.assertClose("wn.y", y.value());
        g.assertClose("wn.dx", x.grad());
        g.assertClose("wn.dweight_g", p.get("weight_g").grad());
        g.assertClose("wn.dweight_v", p.get("weight_v").grad());
        g.assertClose("wn.dbias", p.get("bias").grad());
    }

    @Test
    void weightNormKeepsTheLayersFunction() {
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1, init);
        Variable x = Variable.constant(GradCheck.uniform(rng, -1, 1, 1, 2, 4, 4));
        float[] before = conv.forward(x).value().toFloatArray();
        WeightNorm.apply(conv);
        assertTrue(conv.isWeightNormalised());
        float[] after = conv.forward(x).value().toFloatArray();
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], after[i], 1e-5, "g v / ||v|| with g = ||w||, v = w must equal w up to rounding");
        }
        assertThrows(IllegalStateException.class, () -> WeightNorm.apply(conv));
    }

    @Test
    void layerGradientsMatchFiniteDifferences() {
        Variable x2 = GradCheck.leaf(rng, 3, 4);
        Linear linear = new Linear(4, 2, true, init);
        check(() -> linear.forward(x2), params(linear, x2));

        Variable x4 = GradCheck.leaf(rng, 2, 2, 5, 5);
        Conv2d conv = new Conv2d(2, 3, 3, 2, new Conv2dParams(1, 2, 1, 0, 1, 1, 0, 0), true, init);
        check(() -> conv.forward(x4), params(conv, x4));

        ConvTranspose2d convT = new ConvTranspose2d(2, 3, 3, 3, new Conv2dParams(2, 2, 1, 1, 1, 1, 1, 1), true, init);
        check(() -> convT.forward(x4), params(convT, x4));

        Conv2d normalised = WeightNorm.apply(new Conv2d(2, 3, 3, 1, 1, init));
        check(() -> normalised.forward(x4), params(normalised, x4));

        BatchNorm2d bn = new BatchNorm2d(2, 1e-3f, 0.1f, init);
        check(() -> bn.forward(x4).mul(x4), params(bn, x4));
        bn.eval();  // the folded scale and shift of evaluation mode carry the gradients of weight, bias and x
        check(() -> bn.forward(x4).mul(x4), params(bn, x4));
    }

    @Test
    void activationLayers() {
        Variable x = Variable.leaf(GradCheck.awayFromZero(rng, 2, 4, 3));
        check(() -> new GLU().forward(x), x);
        check(() -> new Sequential(new ELU(), new LeakyReLU(0.2f), new Tanh(), new Sigmoid(), new ReLU()).forward(x), x);
        assertThrows(IllegalArgumentException.class, () -> new GLU(2).forward(x));
    }

    @Test
    void embeddingLooksUpRows() {
        Embedding embedding = new Embedding(5, 3, init);
        Tensor indices = Backends.defaultBackend().fromInts(new int[] {3, 3, 0}, Shape.of(3));
        Variable out = embedding.forward(indices);
        float[] table = embedding.weight().value().toFloatArray();
        float[] rows = out.value().toFloatArray();
        for (int j = 0; j < 3; j++) {
            assertEquals(table[9 + j], rows[j]);
            assertEquals(table[j], rows[6 + j]);
        }
        out.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 0, 0, 0, 0, 2, 2, 2, 0, 0, 0},
                embedding.weight().grad().toFloatArray());
    }

    @Test
    void dropoutScalesSurvivorsAndIsIdentityInEvaluation() {
        float p = 0.25f;
        Dropout dropout = new Dropout(p, 3);
        Variable x = Variable.leaf(Backends.defaultBackend().full(Shape.of(4000), DType.F32, 1f));
        Variable y = dropout.forward(x);
        float[] out = y.value().toFloatArray();
        int zeros = 0;
        for (float v : out) {
            assertTrue(v == 0f || Math.abs(v - 1 / (1 - p)) < 1e-6, "value " + v);
            zeros += v == 0f ? 1 : 0;
        }
        // binomial(4000, 0.25): standard deviation about 27, so 5 sigma is 137
        assertEquals(1000, zeros, 137);
        y.sum().backward();
        assertArrayEquals(out, x.grad().toFloatArray(), "the gradient is the mask");
        assertArrayEquals(out, new Dropout(p, 3).forward(x).value().toFloatArray(), "same seed, same mask");
        dropout.eval();
        assertSame(x, dropout.forward(x));
    }

    @Test
    void dropoutMasksDependOnTheKeyAndTheCallCountOnly() {
        Variable x = Variable.constant(Backends.defaultBackend().full(Shape.of(64), DType.F32, 1f));
        Sequential a = new Sequential(new Dropout(0.5f, 1), new Dropout(0.5f, 1));
        Sequential b = new Sequential(new Dropout(0.5f, 2), new Dropout(0.5f, 2));
        a.reseed(7);
        float[] first = a.forward(x).value().toFloatArray();
        float[] second = a.forward(x).value().toFloatArray();
        b.forward(x);
        b.reseed(7);
        assertArrayEquals(first, b.forward(x).value().toFloatArray(), "same key, whatever came before");
        assertArrayEquals(second, b.forward(x).value().toFloatArray(), "the second call after the key too");
        assertFalse(Arrays.equals(first, second), "successive calls draw new masks");
        a.reseed(8);
        assertFalse(Arrays.equals(first, a.forward(x).value().toFloatArray()), "another key, another mask");
    }

    private static Variable[] params(Module module, Variable input) {
        Variable[] out = module.parameters().toArray(new Variable[0]);
        Variable[] all = Arrays.copyOf(out, out.length + 1);
        all[out.length] = input;
        return all;
    }
}
