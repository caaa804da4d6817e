package dev.unmask.backend.cpu;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static dev.unmask.backend.cpu.OpTestSupport.assertAdjoint;
import static dev.unmask.backend.cpu.OpTestSupport.assertThrowsNaming;
import static dev.unmask.backend.cpu.OpTestSupport.absDot;
import static dev.unmask.backend.cpu.OpTestSupport.dot;
import static dev.unmask.backend.cpu.OpTestSupport.random;
import static dev.unmask.backend.cpu.OpTestSupport.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Movement ops on F32 and I32 tensors against hand-computed layouts and coordinate loops. */
class MovementTest {
    private final Backend backend = backend();

    /** The backend under test; subclasses run this suite against another backend. */
    protected Backend backend() {
        return new ReferenceBackend();
    }

    /** I32 tensor [2, 3, 4] holding 100 i + 10 j + k, so every value spells its coordinates. */
    private Tensor coordinates() {
        int[] data = new int[24];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    data[(i * 3 + j) * 4 + k] = 100 * i + 10 * j + k;
                }
            }
        }
        return backend.fromInts(data, Shape.of(2, 3, 4));
    }

    @Test
    void reshapeKeepsValuesAndSharesStorage() {
        Tensor x = coordinates();
        Tensor y = backend.reshape(x, Shape.of(6, 4));
        assertEquals(Shape.of(6, 4), y.shape());
        assertArrayEquals(x.toIntArray(), y.toIntArray());
        assertSame(x.storage(), y.storage());
        assertThrowsNaming(IllegalArgumentException.class, "reshape", () -> backend.reshape(x, Shape.of(5, 5)));
    }

    @Test
    void permuteMovesEveryCoordinate() {
        Tensor y = backend.permute(coordinates(), 2, 0, 1);
        assertEquals(Shape.of(4, 2, 3), y.shape());
        int[] out = y.toIntArray();
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(100 * i + 10 * j + k, out[(k * 2 + i) * 3 + j]);
                }
            }
        }
        Tensor f = tensor(backend, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, backend.permute(f, 1, 0).toFloatArray());
        assertThrowsNaming(IllegalArgumentException.class, "permute", () -> backend.permute(f, 0, 0));
    }

    @Test
    void sliceTakesTheRange() {
        Tensor y = backend.slice(coordinates(), 1, 1, 3);
        assertEquals(Shape.of(2, 2, 4), y.shape());
        assertArrayEquals(new int[] {10, 11, 12, 13, 20, 21, 22, 23, 110, 111, 112, 113, 120, 121, 122, 123}, y.toIntArray());
        assertArrayEquals(new int[] {3, 13, 23, 103, 113, 123}, backend.slice(coordinates(), -1, 3, 4).toIntArray());
        assertEquals(Shape.of(2, 0, 4), backend.slice(coordinates(), 1, 2, 2).shape());
        assertThrowsNaming(IllegalArgumentException.class, "slice", () -> backend.slice(coordinates(), 2, 3, 5));
    }

    @Test
    void padSurroundsWithTheValue() {
        Tensor f = tensor(backend, new float[] {1, 2, 3, 4}, 2, 2);
        Tensor p = backend.pad(f, new int[] {1, 0}, new int[] {0, 2}, -1f);
        assertEquals(Shape.of(3, 4), p.shape());
        assertArrayEquals(new float[] {-1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1, -1}, p.toFloatArray());
        Tensor i = backend.pad(backend.fromInts(new int[] {7}, Shape.of(1)), new int[] {2}, new int[] {1}, 5f);
        assertEquals(DType.I32, i.dtype());
        assertArrayEquals(new int[] {5, 5, 7, 5}, i.toIntArray());
        assertThrowsNaming(IllegalArgumentException.class, "pad", () -> backend.pad(f, new int[] {1}, new int[] {1}, 0));
    }

    @Test
    void concatJoinsAlongTheAxis() {
        Tensor a = tensor(backend, new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = tensor(backend, new float[] {5, 6}, 2, 1);
        Tensor c = backend.concat(List.of(a, b), 1);
        assertEquals(Shape.of(2, 3), c.shape());
        assertArrayEquals(new float[] {1, 2, 5, 3, 4, 6}, c.toFloatArray());
        Tensor rows = backend.concat(List.of(a, backend.reshape(b, Shape.of(1, 2))), 0);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, rows.toFloatArray());
        Tensor ints = backend.concat(List.of(coordinates(), coordinates()), 2);
        assertEquals(Shape.of(2, 3, 8), ints.shape());
        assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3}, java.util.Arrays.copyOf(ints.toIntArray(), 8));
        assertThrowsNaming(IllegalArgumentException.class, "concat", () -> backend.concat(List.of(a, b), 0));
    }

    @Test
    void expandRepeatsBroadcastAxes() {
        Tensor x = tensor(backend, new float[] {1, 2, 3}, 3, 1);
        Tensor y = backend.expand(x, Shape.of(2, 3, 2));
        assertArrayEquals(new float[] {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}, y.toFloatArray());
        Tensor i = backend.expand(backend.fromInts(new int[] {4, 5}, Shape.of(2)), Shape.of(2, 2));
        assertArrayEquals(new int[] {4, 5, 4, 5}, i.toIntArray());
        assertThrowsNaming(IllegalArgumentException.class, "expand", () -> backend.expand(x, Shape.of(2, 2)));
    }

    @Test
    void gatherPicksRowsAndScatterAddIsItsAdjoint() {
        Random random = new Random(2);
        Tensor table = random(backend, random, 13, 2, 3);
        Tensor indices = backend.fromInts(new int[] {12, 0, 5, 5, 0, 7}, Shape.of(2, 3));
        Tensor g = backend.gather(table, indices);
        assertEquals(Shape.of(2, 3, 2, 3), g.shape());
        float[] t = table.toFloatArray();
        float[] out = g.toFloatArray();
        int[] idx = indices.toIntArray();
        for (int n = 0; n < 6; n++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(t, idx[n] * 6, idx[n] * 6 + 6),
                    java.util.Arrays.copyOfRange(out, n * 6, n * 6 + 6), "row " + n);
        }
        Tensor src = random(backend, random, 2, 3, 2, 3);
        Tensor scattered = backend.scatterAdd(indices, src, 13);
        assertEquals(table.shape(), scattered.shape());
        // <gather(T), S> = <T, scatterAdd(S)>
        assertAdjoint(dot(out, src.toFloatArray()), dot(t, scattered.toFloatArray()), absDot(out, src.toFloatArray()),
                "gather/scatterAdd");
        Tensor intTable = backend.fromInts(new int[] {10, 11, 20, 21}, Shape.of(2, 2));
        assertArrayEquals(new int[] {20, 21, 10, 11},
                backend.gather(intTable, backend.fromInts(new int[] {1, 0}, Shape.of(2))).toIntArray());
    }

    @Test
    void scatterAddSumsRepeatedIndicesByHand() {
        Tensor indices = backend.fromInts(new int[] {2, 0, 2}, Shape.of(3));
        Tensor src = tensor(backend, new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertArrayEquals(new float[] {3, 4, 0, 0, 6, 8}, backend.scatterAdd(indices, src, 3).toFloatArray());
    }

    @Test
    void oneHotByHand() {
        Tensor h = backend.oneHot(backend.fromInts(new int[] {2, 0}, Shape.of(2)), 3);
        assertEquals(Shape.of(2, 3), h.shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, h.toFloatArray());
    }

    @Test
    void indexErrorsNameTheOp() {
        Tensor table = backend.full(Shape.of(3, 2), DType.F32, 1);
        Tensor bad = backend.fromInts(new int[] {0, 3}, Shape.of(2));
        Tensor negative = backend.fromInts(new int[] {-1}, Shape.of(1));
        assertThrowsNaming(IndexOutOfBoundsException.class, "gather", () -> backend.gather(table, bad));
        assertThrowsNaming(IndexOutOfBoundsException.class, "gather", () -> backend.gather(table, negative));
        assertThrowsNaming(IllegalArgumentException.class, "gather", () -> backend.gather(table, table));
        assertThrowsNaming(IndexOutOfBoundsException.class, "scatterAdd",
                () -> backend.scatterAdd(bad, backend.full(Shape.of(2, 2), DType.F32, 1), 3));
        assertThrowsNaming(IllegalArgumentException.class, "scatterAdd",
                () -> backend.scatterAdd(bad, backend.full(Shape.of(3, 2), DType.F32, 1), 3));
        assertThrowsNaming(IndexOutOfBoundsException.class, "oneHot", () -> backend.oneHot(bad, 3));
        assertThrowsNaming(IllegalArgumentException.class, "oneHot", () -> backend.oneHot(bad, 0));
    }
}
