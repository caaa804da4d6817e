package dev.unmask.backend;

import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.ops.UnaryOp;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Device;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Storage;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Backend#of}: the ops of a tensor come from the backend that made it, and only a backend runs ops. */
class BackendOfTest {
    @Test
    void aTensorMadeByABackendGivesThatBackend() {
        Backend backend = new ReferenceBackend();
        Tensor x = backend.fromFloats(new float[] {1, 2}, Shape.of(2));
        assertSame(backend, x.device());
        assertSame(backend, Backend.of(x));
    }

    @Test
    void aTensorOnADeviceThatIsNotABackendGivesItsValuesAndMovesButRunsNoOps() {
        Tensor x = new HeapDevice().fromFloats(new float[] {-3, 4}, Shape.of(2));
        assertArrayEquals(new float[] {-3, 4}, x.toFloatArray());
        Tensor moved = x.to(new ReferenceBackend());
        assertArrayEquals(new float[] {3, 4}, Backend.of(moved).unary(UnaryOp.ABS, moved).toFloatArray());
        String message = assertThrows(IllegalArgumentException.class, () -> Backend.of(x)).getMessage();
        assertTrue(message.contains("not a backend") && message.contains(HeapDevice.class.getName()), message);
    }

    /** A device that only holds F32 values on the heap and runs no ops. */
    private static final class HeapDevice implements Device {
        private record HeapStorage(float[] values, Device device) implements Storage {
            @Override
            public DType dtype() {
                return DType.F32;
            }

            @Override
            public int size() {
                return values.length;
            }
        }

        @Override
        public String name() {
            return "heap";
        }

        @Override
        public Tensor fromFloats(float[] data, Shape shape) {
            return new Tensor(shape, new HeapStorage(data.clone(), this));
        }

        @Override
        public Tensor fromInts(int[] data, Shape shape) {
            throw new UnsupportedOperationException("the heap device holds F32 values only");
        }

        @Override
        public float[] toFloats(Tensor x) {
            return ((HeapStorage) x.storage()).values().clone();
        }

        @Override
        public int[] toInts(Tensor x) {
            throw new UnsupportedOperationException("the heap device holds F32 values only");
        }
    }
}
