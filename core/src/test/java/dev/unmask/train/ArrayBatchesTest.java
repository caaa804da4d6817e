package dev.unmask.train;

import dev.unmask.backend.Backends;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ArrayBatchesTest {
    /** 10 samples of 2 values each: sample i holds (i, 100 + i), so a batch names its samples. */
    private static int[] samples() {
        int[] data = new int[20];
        for (int i = 0; i < 10; i++) {
            data[2 * i] = i;
            data[2 * i + 1] = 100 + i;
        }
        return data;
    }

    @Test
    void everyEpochVisitsDistinctWholeSamplesAndDropsTheRemainder() {
        ArrayBatches batches = ArrayBatches.ofInts(samples(), new int[] {2}, 3, 5, Backends.defaultBackend());
        assertEquals(3, batches.batchesPerEpoch());
        for (int epoch = 0; epoch < 2; epoch++) {
            List<Integer> seen = new ArrayList<>();
            for (int b = 0; b < 3; b++) {
                Tensor t = batches.next();
                assertArrayEquals(new int[] {3, 2}, t.shape().dims());
                int[] v = t.toIntArray();
                for (int k = 0; k < 3; k++) {
                    assertEquals(v[2 * k] + 100, v[2 * k + 1]);
                    seen.add(v[2 * k]);
                }
            }
            assertEquals(9, seen.stream().distinct().count());
        }
        assertEquals(new DataPosition(2, 0, 5), batches.position());
    }

    @Test
    void seekReplaysTheSameBatches() {
        ArrayBatches a = ArrayBatches.ofInts(samples(), new int[] {2}, 2, 9, Backends.defaultBackend());
        a.next();
        a.next();
        a.next();
        DataPosition saved = a.position();
        int[] expected = a.next().toIntArray();
        ArrayBatches b = ArrayBatches.ofInts(samples(), new int[] {2}, 2, 9, Backends.defaultBackend());
        b.seek(saved);
        assertArrayEquals(expected, b.next().toIntArray());
        assertThrows(IllegalArgumentException.class, () -> b.seek(new DataPosition(0, 0, 8)));
        assertThrows(IllegalArgumentException.class, () -> b.seek(new DataPosition(0, 5, 9)));
    }

    @Test
    void floatsKeepTheirValuesAndBadShapesAreRefused() {
        float[] data = {1, 2, 3, 4, 5, 6};
        ArrayBatches batches = ArrayBatches.ofFloats(data, new int[] {1, 3}, 2, 0, Backends.defaultBackend());
        float[] got = batches.next().toFloatArray();
        Arrays.sort(got);
        assertArrayEquals(data, got);
        assertThrows(IllegalArgumentException.class,
                () -> ArrayBatches.ofFloats(data, new int[] {4}, 1, 0, Backends.defaultBackend()));
        assertThrows(IllegalArgumentException.class,
                () -> ArrayBatches.ofFloats(data, new int[] {3}, 3, 0, Backends.defaultBackend()));
    }
}
