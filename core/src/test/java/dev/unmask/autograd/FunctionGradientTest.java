package dev.unmask.autograd;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.ops.BatchStatistics;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.ops.Pool2dParams;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static dev.unmask.autograd.GradCheck.awayFromZero;
import static dev.unmask.autograd.GradCheck.check;
import static dev.unmask.autograd.GradCheck.distinct;
import static dev.unmask.autograd.GradCheck.leaf;
import static dev.unmask.autograd.GradCheck.uniform;

/** Every differentiable function against central finite differences. */
class FunctionGradientTest {
    private final SplittableRandom rng = new SplittableRandom(2024);

    @Test
    void broadcastingArithmetic() {
        Variable a = leaf(rng, 2, 3, 4);
        Variable b = leaf(rng, 3, 1);
        Variable positive = Variable.leaf(uniform(rng, 0.5, 2, 4));
        check(() -> a.add(b), a, b);
        check(() -> a.sub(b), a, b);
        check(() -> a.mul(b), a, b);
        check(() -> a.div(positive), a, positive);
        check(() -> b.div(positive).mul(3f).sub(1f).add(2f).div(4f), b, positive);
        check(() -> a.square(), a);
    }

    @Test
    void unaryFunctions() {
        Variable x = leaf(rng, 3, 5);
        Variable positive = Variable.leaf(uniform(rng, 0.3, 2, 3, 5));
        Variable kinked = Variable.leaf(awayFromZero(rng, 3, 5));
        check(x::neg, x);
        check(x::exp, x);
        check(x::sigmoid, x);
        check(x::tanh, x);
        check(positive::log, positive);
        check(positive::sqrt, positive);
        check(kinked::abs, kinked);
        check(kinked::relu, kinked);
        check(() -> kinked.elu(0.7f), kinked);
        check(() -> kinked.leakyRelu(0.1f), kinked);
    }

    @Test
    void clampAndWhere() {
        // values at least 0.05 away from the bounds +-0.5
        float[] data = awayFromZero(rng, 4, 4).toFloatArray();
        for (int i = 0; i < data.length; i++) {
            data[i] = Math.abs(Math.abs(data[i]) - 0.5f) < 0.05f ? data[i] * 1.5f : data[i];
        }
        Variable x = Variable.leaf(Backends.defaultBackend().fromFloats(data, Shape.of(4, 4)));
        check(() -> x.clamp(-0.5f, 0.5f), x);
        Variable a = leaf(rng, 4, 4);
        Variable b = leaf(rng, 4);
        Tensor mask = Backends.defaultBackend().fromFloats(new float[] {1, 0, 0, 1}, Shape.of(4, 1));
        check(() -> Variable.where(mask, a, b), a, b);
    }

    @Test
    void reductions() {
        Variable x = leaf(rng, 2, 3, 4);
        check(() -> x.sum(), x);
        check(() -> x.sum(1), x);
        check(() -> x.sum(new int[] {0, 2}, true), x);
        check(() -> x.mean(-1), x);
        check(() -> x.mean(new int[] {0, 1}, true), x);
        Variable d = Variable.leaf(distinct(rng, 2, 3, 4));
        check(() -> d.max(2), d);
        check(() -> d.max(new int[] {0, 2}, true), d);
        check(() -> d.max(), d);
    }

    @Test
    void movement() {
        Variable x = leaf(rng, 2, 3, 4);
        Variable y = leaf(rng, 2, 2, 4);
        check(() -> x.reshape(6, 4), x);
        check(() -> x.permute(2, 0, 1), x);
        check(() -> x.slice(1, 1, 3), x);
        check(() -> x.pad(new int[] {0, 1, 2}, new int[] {1, 0, 1}, 0.5f), x);
        check(() -> Variable.concat(List.of(x, y, x), 1), x, y);
        Variable b = leaf(rng, 3, 1);
        check(() -> b.expand(Shape.of(2, 3, 4)), b);
        Variable table = leaf(rng, 5, 3);
        Tensor indices = Backends.defaultBackend().fromInts(new int[] {4, 0, 4, 2, 2, 2}, Shape.of(2, 3));
        check(() -> table.gather(indices), table);
    }

    @Test
    void matmul() {
        Variable a = leaf(rng, 2, 3, 4);
        Variable b = leaf(rng, 2, 4, 5);
        Variable shared = leaf(rng, 4, 5);
        Variable aT = leaf(rng, 2, 4, 3);
        Variable bT = leaf(rng, 2, 5, 4);
        check(() -> a.matmul(b), a, b);
        check(() -> a.matmul(shared), a, shared);
        check(() -> aT.matmul(b, true, false), aT, b);
        check(() -> a.matmul(bT, false, true), a, bT);
        check(() -> aT.matmul(bT, true, true), aT, bT);
    }

    @Test
    void convolution() {
        Variable x = leaf(rng, 2, 3, 7, 6);
        Variable w = leaf(rng, 4, 3, 3, 2);
        Variable bias = leaf(rng, 4);
        Conv2dParams geometry = new Conv2dParams(2, 1, 1, 2, 2, 1, 0, 0);
        check(() -> x.conv2d(w, bias, geometry), x, w, bias);
        check(() -> x.conv2d(w, null, Conv2dParams.of(1, 0)), x, w);
    }

    @Test
    void transposedConvolution() {
        Variable x = leaf(rng, 2, 3, 3, 4);
        Variable w = leaf(rng, 3, 2, 4, 3);
        Variable bias = leaf(rng, 2);
        check(() -> x.convTranspose2d(w, bias, new Conv2dParams(2, 2, 1, 1, 1, 1, 1, 1)), x, w, bias);
        check(() -> x.convTranspose2d(w, null, new Conv2dParams(1, 2, 0, 1, 2, 1, 0, 0)), x, w);
    }

    @Test
    void pooling() {
        Variable d = Variable.leaf(distinct(rng, 2, 2, 5, 6));
        check(() -> d.maxPool2d(Pool2dParams.of(2, 2, 0)), d);
        check(() -> d.maxPool2d(Pool2dParams.of(3, 2, 1)), d);
        Variable x = leaf(rng, 2, 2, 5, 6);
        check(() -> x.avgPool2d(Pool2dParams.of(3, 1, 1)), x);
        check(() -> x.avgPool2d(new Pool2dParams(3, 2, 2, 1, 1, 0, false)), x);
        check(() -> x.upsampleNearest2d(2, 3), x);
        check(() -> x.upsampleNearest2d(1, 1), x);
    }

    @Test
    void batchNormalisation() {
        Variable x = leaf(rng, 3, 2, 3, 4);
        Variable weight = Variable.leaf(uniform(rng, 0.5, 1.5, 2));
        Variable bias = leaf(rng, 2);
        Tensor mean = uniform(rng, -0.2, 0.2, 2);
        Tensor variance = uniform(rng, 0.5, 1.5, 2);
        check(() -> x.batchNorm2d(weight, bias, mean, variance, 1e-5f, false), x, weight, bias);
        // training mode: the statistics are recomputed from the perturbed x at every probe
        check(() -> {
            BatchStatistics batch = Backend.of(x.value()).batchNormStatistics(x.value());
            return x.batchNorm2d(weight, bias, batch.mean(), batch.variance(), 1e-3f, true);
        }, x, weight, bias);
    }

    @Test
    void softmaxAndCrossEntropy() {
        Variable x = leaf(rng, 3, 4, 5);
        check(() -> x.softmax(1), x);
        check(() -> x.logSoftmax(-1), x);
        Variable logits = Variable.leaf(uniform(rng, -2, 2, 4, 6));
        Tensor targets = Backends.defaultBackend().fromInts(new int[] {5, 0, 2, 2}, Shape.of(4));
        check(() -> logits.crossEntropy(targets), logits);
        check(() -> logits.crossEntropyPerRow(targets), logits);
    }

    @Test
    void causalAttention() {
        Variable q = leaf(rng, 2, 2, 5, 3);
        Variable k = leaf(rng, 2, 2, 5, 3);
        Variable v = leaf(rng, 2, 2, 5, 4);
        check(() -> Variable.causalAttention(q, k, v, 0.6f), q, k, v);
    }
}
