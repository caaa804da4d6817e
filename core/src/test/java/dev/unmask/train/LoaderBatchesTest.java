package dev.unmask.train;

import dev.unmask.data.Batch;
import dev.unmask.data.DataLoader;
import dev.unmask.data.Dataset;
import dev.unmask.data.Example;
import dev.unmask.data.FloatImage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The DataLoader adapter: the batches are the loader's epoch orders cut in batches, also after a seek. */
class LoaderBatchesTest {
    private static final int EXAMPLES = 10;
    private static final int BATCH = 3;
    private static final long SHUFFLE_SEED = 11;

    private static final Dataset DATA = new Dataset() {
        @Override
        public int size() {
            return EXAMPLES;
        }

        @Override
        public Example get(int index) {
            return new Example(new FloatImage(1, 1, 1, new float[] {index}), index % 2, null);
        }
    };

    private static DataLoader loader() {
        return DataLoader.builder(DATA).batchSize(BATCH).shuffle(SHUFFLE_SEED).threads(2).build();
    }

    /** Batch {@code number} of {@code epoch} as the loader's published order says it must be. */
    private static int[] expected(DataLoader loader, long epoch, int number) {
        int[] order = loader.order(epoch);
        return Arrays.copyOfRange(order, number * BATCH, Math.min(order.length, (number + 1) * BATCH));
    }

    @Test
    void crossesEpochsInTheLoadersOrder() {
        try (DataLoader loader = loader()) {
            LoaderBatches source = new LoaderBatches(loader, SHUFFLE_SEED);
            List<DataPosition> positions = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                positions.add(source.position());
                Batch b = source.next();
                long epoch = k / 4;
                int number = k % 4;
                assertEquals(new DataPosition(epoch, number, SHUFFLE_SEED), positions.get(k));
                assertArrayEquals(expected(loader, epoch, number), b.indices(), "batch " + k);
                assertArrayEquals(Arrays.stream(b.indices()).mapToDouble(i -> i).toArray(),
                        toDoubles(b.images()), "images follow the indices");
            }
        }
    }

    @Test
    void aSeekContinuesWithTheSameBatches() {
        try (DataLoader straightLoader = loader(); DataLoader resumedLoader = loader()) {
            LoaderBatches straight = new LoaderBatches(straightLoader, SHUFFLE_SEED);
            for (int k = 0; k < 6; k++) {
                straight.next();
            }
            LoaderBatches resumed = new LoaderBatches(resumedLoader, SHUFFLE_SEED);
            resumed.seek(straight.position());
            for (int k = 0; k < 7; k++) {
                assertEquals(straight.position(), resumed.position());
                assertArrayEquals(straight.next().indices(), resumed.next().indices(), "batch " + k + " after the seek");
            }
        }
    }

    @Test
    void refusesPositionsOfAnotherOrderOrPastTheEpoch() {
        try (DataLoader loader = loader()) {
            LoaderBatches source = new LoaderBatches(loader, SHUFFLE_SEED);
            assertThrows(IllegalArgumentException.class, () -> source.seek(new DataPosition(0, 0, SHUFFLE_SEED + 1)));
            assertThrows(IllegalArgumentException.class, () -> source.seek(new DataPosition(0, 4, SHUFFLE_SEED)));
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
