package dev.unmask.optim;

import dev.unmask.autograd.PyTorchGoldens;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backends;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Optimizer steps and clipping against PyTorch on a tiny least-squares problem. */
class OptimizerTest {
    private static final PyTorchGoldens GOLDENS = PyTorchGoldens.load("optim");
    /** Learning rates and clip limits are compared in double; only float32 rounding of 0.1 and the like. */
    private static final double SCHEDULE_TOLERANCE = 1e-12;

    private final Tensor x = GOLDENS.tensor("opt.x");
    private final Tensor target = GOLDENS.tensor("opt.target");

    /** mean((x w + b - target)^2), the script's loss. */
    private Variable loss(Variable w, Variable b) {
        return Variable.constant(x).matmul(w).add(b).sub(Variable.constant(target)).square().mean();
    }

    private void runThreeSteps(String name, Function<List<Variable>, Optimizer> make) {
        Variable w = Variable.leaf(GOLDENS.tensor("opt.w0"));
        Variable b = Variable.leaf(GOLDENS.tensor("opt.b0"));
        Optimizer optimizer = make.apply(List.of(w, b));
        for (int step = 1; step <= 3; step++) {
            optimizer.zeroGrad();
            loss(w, b).backward();
            optimizer.step();
            GOLDENS.assertClose("opt." + name + ".w" + step, w.value());
            GOLDENS.assertClose("opt." + name + ".b" + step, b.value());
        }
        assertEquals(3, optimizer.steps());
    }

    @Test
    void adamMatchesPyTorch() {
        runThreeSteps("adam", ps -> new Adam(ps, 0.1));
    }

    @Test
    void adamWithL2WeightDecayMatchesPyTorch() {
        runThreeSteps("adamL2", ps -> new Adam(ps, 0.1, 0.9, 0.999, 1e-8, 0.1, false));
    }

    @Test
    void adamWithDecoupledWeightDecayMatchesPyTorchAdamW() {
        runThreeSteps("adamW", ps -> new Adam(ps, 0.1, 0.9, 0.999, 1e-8, 0.1, true));
    }

    @Test
    void sgdWithMomentumAndWeightDecayMatchesPyTorch() {
        runThreeSteps("sgd", ps -> new SGD(ps, 0.1, 0.9, 0.01));
    }

    @Test
    void clipByNormMatchesClipGradNorm() {
        Variable w = Variable.leaf(GOLDENS.tensor("opt.w0"));
        Variable b = Variable.leaf(GOLDENS.tensor("opt.b0"));
        loss(w, b).backward();
        double norm = GradientClipping.clipByNorm(List.of(w, b), 0.5);
        GOLDENS.assertClose("clip.norm", Backends.defaultBackend().fromFloats(new float[] {(float) norm}, Shape.scalar()));
        GOLDENS.assertClose("clip.dw", w.grad());
        GOLDENS.assertClose("clip.db", b.grad());
    }

    @Test
    void clipByValueClampsAndClipByNormLeavesSmallGradientsAlone() {
        Variable p = Variable.leaf(Backends.defaultBackend().fromFloats(new float[] {1, 2, 3}, Shape.of(3)));
        p.mul(Variable.constant(Backends.defaultBackend().fromFloats(new float[] {-2f, 0.5f, 3f}, Shape.of(3)))).sum().backward();
        GradientClipping.clipByValue(List.of(p), 1f);
        assertArrayEquals(new float[] {-1f, 0.5f, 1f}, p.grad().toFloatArray());
        double norm = GradientClipping.clipByNorm(List.of(p), 10);
        assertEquals(Math.sqrt(2.25), norm, 1e-6);
        assertArrayEquals(new float[] {-1f, 0.5f, 1f}, p.grad().toFloatArray());
    }

    @Test
    void stateRoundTripResumesExactly() {
        Variable w = Variable.leaf(GOLDENS.tensor("opt.w0"));
        Variable b = Variable.leaf(GOLDENS.tensor("opt.b0"));
        Adam first = new Adam(List.of(w, b), 0.1);
        first.zeroGrad();
        loss(w, b).backward();
        first.step();
        Map<String, Tensor> saved = first.state();
        assertEquals(List.of("0.exp_avg", "0.exp_avg_sq", "1.exp_avg", "1.exp_avg_sq"), List.copyOf(saved.keySet()));
        Adam resumed = new Adam(List.of(w, b), 0.1);
        resumed.loadState(saved, first.steps());
        for (int step = 2; step <= 3; step++) {
            resumed.zeroGrad();
            loss(w, b).backward();
            resumed.step();
        }
        GOLDENS.assertClose("opt.adam.w3", w.value());
        GOLDENS.assertClose("opt.adam.b3", b.value());
        Tensor wrongShape = Backends.defaultBackend().full(Shape.of(7), DType.F32, 0f);
        assertThrows(IllegalArgumentException.class, () -> resumed.loadState(Map.of("0.exp_avg", wrongShape), 1));
        assertThrows(IllegalArgumentException.class, () -> resumed.loadState(Map.of("5.exp_avg", wrongShape), 1));
        assertThrows(IllegalArgumentException.class, () -> resumed.loadState(Map.of("exp_avg", wrongShape), 1));
    }

    @Test
    void schedules() {
        assertEquals(0.3, LearningRateSchedule.constant(0.3).rate(1000), SCHEDULE_TOLERANCE);
        LearningRateSchedule step = LearningRateSchedule.step(1.0, 10, 0.5);
        assertEquals(1.0, step.rate(9), SCHEDULE_TOLERANCE);
        assertEquals(0.5, step.rate(10), SCHEDULE_TOLERANCE);
        assertEquals(0.25, step.rate(25), SCHEDULE_TOLERANCE);
        LearningRateSchedule cosine = LearningRateSchedule.cosineWithWarmup(1.0, 4, 14, 0.1);
        assertEquals(0.25, cosine.rate(0), SCHEDULE_TOLERANCE);
        assertEquals(1.0, cosine.rate(3), SCHEDULE_TOLERANCE);
        assertEquals(1.0, cosine.rate(4), SCHEDULE_TOLERANCE);
        // half-way through the cosine: the mean of base and minimum
        assertEquals(0.55, cosine.rate(9), SCHEDULE_TOLERANCE);
        assertEquals(0.1, cosine.rate(14), SCHEDULE_TOLERANCE);
        assertEquals(0.1, cosine.rate(100), SCHEDULE_TOLERANCE);
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosineWithWarmup(1, 5, 5, 0));
    }

    @Test
    void invalidSettingsAreRejected() {
        Variable p = Variable.leaf(Backends.defaultBackend().full(Shape.of(2), DType.F32, 0f));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(), 0.1));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), -1));
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), 0.1, 1.0, 0.999, 1e-8, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p.mul(2f)), 0.1));
    }
}
