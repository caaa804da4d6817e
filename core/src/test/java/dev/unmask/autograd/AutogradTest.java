package dev.unmask.autograd;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The invariants of the engine, on hand-computed cases. */
class AutogradTest {
    /** Hand-computed values of a few float32 operations: exact up to a few ulps. */
    private static final float EXACT = 1e-6f;

    private static Tensor tensor(float... values) {
        return Backends.defaultBackend().fromFloats(values, Shape.of(values.length));
    }

    @Test
    void variableUsedTwiceAccumulatesBothPaths() {
        Variable x = Variable.leaf(tensor(1f, -2f, 3f));
        x.mul(x).add(x).sum().backward();
        // d/dx (x^2 + x) = 2x + 1
        assertArrayEquals(new float[] {3f, -3f, 7f}, x.grad().toFloatArray(), EXACT);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroGrad() {
        Variable x = Variable.leaf(tensor(1f, 2f));
        Variable y = x.mul(3f).sum();
        y.backward();
        y.backward();
        x.mul(x).sum().backward();
        assertArrayEquals(new float[] {3f + 3f + 2f, 3f + 3f + 4f}, x.grad().toFloatArray(), EXACT);
        x.zeroGrad();
        assertNull(x.grad());
        y.backward();
        assertArrayEquals(new float[] {3f, 3f}, x.grad().toFloatArray(), EXACT);
    }

    @Test
    void sharedGradientTensorsAreNotAliased() {
        // add hands the same gradient tensor to both inputs; each leaf must own a private copy
        Variable a = Variable.leaf(tensor(1f));
        Variable b = Variable.leaf(tensor(2f));
        a.add(b).sum().backward();
        Backend.of(a.grad()).copyInto(a.grad(), tensor(42f));
        assertEquals(1f, b.grad().item());
    }

    @Test
    void broadcastGradientIsSummedBackToTheInputShape() {
        Variable a = Variable.leaf(Backends.defaultBackend().full(Shape.of(2, 3), DType.F32, 1f));
        Variable b = Variable.leaf(tensor(1f, 2f, 3f));
        a.mul(b).sum().backward();
        assertEquals(Shape.of(3), b.grad().shape());
        assertArrayEquals(new float[] {2f, 2f, 2f}, b.grad().toFloatArray(), EXACT);
        assertArrayEquals(new float[] {1f, 2f, 3f, 1f, 2f, 3f}, a.grad().toFloatArray(), EXACT);
    }

    @Test
    void noGradScopeRecordsNothingAndNests() {
        Variable x = Variable.leaf(tensor(1f, 2f));
        Variable y;
        try (NoGrad outer = NoGrad.enter()) {
            try (NoGrad inner = NoGrad.enter()) {
                assertTrue(NoGrad.isActive());
            }
            assertTrue(NoGrad.isActive(), "closing the inner scope must keep the outer one");
            y = x.mul(x).sum();
        }
        assertFalse(NoGrad.isActive());
        assertFalse(y.requiresGrad());
        assertTrue(y.isLeaf());
        assertThrows(IllegalStateException.class, y::backward);
        assertTrue(x.mul(x).sum().requiresGrad());
    }

    @Test
    void noGradScopeIsPerThread() throws InterruptedException {
        try (NoGrad scope = NoGrad.enter()) {
            boolean[] seenActive = new boolean[1];
            Thread t = new Thread(() -> seenActive[0] = NoGrad.isActive());
            t.start();
            t.join();
            assertFalse(seenActive[0]);
        }
    }

    @Test
    void detachStopsGradients() {
        Variable x = Variable.leaf(tensor(2f, 5f));
        x.detach().mul(x).sum().backward();
        // only the undetached factor carries a gradient: d/dx (c * x) = c = x's value
        assertArrayEquals(new float[] {2f, 5f}, x.grad().toFloatArray(), EXACT);
        assertFalse(x.detach().requiresGrad());
    }

    @Test
    void constantsReceiveNoGradient() {
        Variable x = Variable.leaf(tensor(1f, 2f));
        Variable c = Variable.constant(tensor(3f, 4f));
        x.mul(c).sum().backward();
        assertNull(c.grad());
        assertArrayEquals(new float[] {3f, 4f}, x.grad().toFloatArray(), EXACT);
    }

    @Test
    void straightThroughPassesTheGradientUnchanged() {
        Variable encoded = Variable.leaf(tensor(0.1f, 0.9f, -0.4f));
        Variable quantized = Variable.constant(tensor(0f, 1f, -0.5f));
        Variable out = encoded.straightThrough(quantized);
        assertArrayEquals(quantized.value().toFloatArray(), out.value().toFloatArray(), EXACT);
        out.backward(tensor(0.5f, -2f, 3f));
        assertArrayEquals(new float[] {0.5f, -2f, 3f}, encoded.grad().toFloatArray(), EXACT);
    }

    @Test
    void deepChainDoesNotOverflowTheStack() {
        int depth = 10_000;
        Variable x = Variable.leaf(tensor(0.5f));
        Variable y = x;
        for (int i = 0; i < depth; i++) {
            y = y.add(1f);
        }
        y.sum().backward();
        assertEquals(1f, x.grad().item());
        assertEquals(0.5f + depth, y.value().item(), 1e-2f);
    }

    @Test
    void badBackwardCallsFail() {
        Variable x = Variable.leaf(tensor(1f, 2f));
        Variable y = x.mul(2f);
        assertThrows(IllegalStateException.class, y::backward, "non-scalar needs an explicit gradient");
        assertThrows(IllegalArgumentException.class, () -> y.backward(tensor(1f, 2f, 3f)));
        assertThrows(IllegalStateException.class, () -> y.setRequiresGrad(false));
        assertThrows(IllegalArgumentException.class,
                () -> Variable.leaf(Backends.defaultBackend().fromInts(new int[] {1}, Shape.of(1))));
    }
}
