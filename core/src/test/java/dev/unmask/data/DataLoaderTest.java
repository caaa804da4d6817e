package dev.unmask.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** Example i is a 1x2x3 image filled with i, label i % 3, no mask; records which indices were read. */
    private static Dataset numbered(int size) {
        return new Dataset() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Example get(int index) {
                float[] d = new float[6];
                Arrays.fill(d, index);
                return new Example(new FloatImage(1, 2, 3, d), index % 3, null);
            }
        };
    }

    private static List<Batch> collect(DataLoader loader, long epoch) {
        List<Batch> out = new ArrayList<>();
        loader.epoch(epoch).forEach(out::add);
        return out;
    }

    @Test
    void everyIndexExactlyOncePerEpochAndShuffleChangesWithEpoch() {
        try (DataLoader loader = DataLoader.builder(numbered(23)).batchSize(5).shuffle(7).threads(2).build()) {
            assertEquals(5, loader.batchesPerEpoch());
            int[][] orders = new int[3][];
            for (int epoch = 0; epoch < 3; epoch++) {
                int[] seen = new int[23];
                List<Integer> order = new ArrayList<>();
                for (Batch batch : loader.epoch(epoch)) {
                    for (int k = 0; k < batch.size(); k++) {
                        int index = batch.indices()[k];
                        seen[index]++;
                        order.add(index);
                        assertEquals(index % 3, batch.labels()[k]);
                        assertEquals(index, batch.images()[k * 6 + 5], "image packed at its slot");
                    }
                }
                int[] ones = new int[23];
                Arrays.fill(ones, 1);
                assertArrayEquals(ones, seen, "epoch " + epoch);
                orders[epoch] = order.stream().mapToInt(Integer::intValue).toArray();
                assertArrayEquals(loader.order(epoch), orders[epoch]);
            }
            assertFalse(Arrays.equals(orders[0], orders[1]));
            assertFalse(Arrays.equals(orders[1], orders[2]));
        }
    }

    @Test
    void unshuffledLoaderKeepsIndexOrderAndDropLastSkipsShortBatch() {
        try (DataLoader loader = DataLoader.builder(numbered(10)).batchSize(4).threads(0).build()) {
            List<Batch> batches = collect(loader, 0);
            assertEquals(3, batches.size());
            assertArrayEquals(new int[] {8, 9}, batches.get(2).indices());
            assertArrayEquals(new int[] {0, 1, 2, 3}, batches.get(0).indices());
        }
        try (DataLoader loader = DataLoader.builder(numbered(10)).batchSize(4).dropLast(true).threads(1).build()) {
            List<Batch> batches = collect(loader, 0);
            assertEquals(2, batches.size());
            assertEquals(2, loader.batchesPerEpoch());
        }
    }

    @Test
    void batchesAreIdenticalWithOneOrFourThreadsIncludingTransforms() {
        Dataset faces = new SynthFaces(3, 32, 0.5).dataset(40);
        TransformPipeline pipeline = new TransformPipeline(5, Transforms.horizontalFlip(0.5),
                Transforms.rotation(8), Transforms.randomly(0.5, Transforms.jpeg(40, 90)));
        List<Batch> inline;
        List<Batch> one;
        List<Batch> four;
        try (DataLoader loader = DataLoader.builder(faces).batchSize(6).shuffle(11).threads(0).transforms(pipeline).build()) {
            inline = collect(loader, 2);
        }
        try (DataLoader loader = DataLoader.builder(faces).batchSize(6).shuffle(11).threads(1).transforms(pipeline).build()) {
            one = collect(loader, 2);
        }
        try (DataLoader loader = DataLoader.builder(faces).batchSize(6).shuffle(11).threads(4).prefetch(8)
                .transforms(pipeline).build()) {
            four = collect(loader, 2);
            assertArrayEquals(four.get(3).images(), loader.batch(2, 3).images());
        }
        assertEquals(7, four.size());
        for (int b = 0; b < four.size(); b++) {
            for (List<Batch> other : List.of(inline, one)) {
                assertArrayEquals(other.get(b).indices(), four.get(b).indices());
                assertArrayEquals(other.get(b).images(), four.get(b).images());
                assertArrayEquals(other.get(b).masks(), four.get(b).masks());
                assertArrayEquals(other.get(b).labels(), four.get(b).labels());
            }
        }
        Batch first = four.get(0);
        assertEquals(6 * 32 * 32, first.masks().length);
        Tensor images = first.imagesTensor(new ReferenceBackend());
        assertEquals(Shape.of(6, 3, 32, 32), images.shape());
        assertEquals(Shape.of(6, 1, 32, 32), first.masksTensor(new ReferenceBackend()).shape());
        assertArrayEquals(first.labels(), new ReferenceBackend().toInts(first.labelsTensor(new ReferenceBackend())));
    }

    @Test
    void mixedSizesAndFailuresAreReportedClearly() {
        Dataset mixed = new Dataset() {
            @Override
            public int size() {
                return 4;
            }

            @Override
            public Example get(int index) {
                if (index == 3) {
                    throw new IllegalStateException("broken example 3");
                }
                return new Example(FloatImage.zeros(1, 2 + index, 2), 0, null);
            }
        };
        try (DataLoader loader = DataLoader.builder(mixed).batchSize(2).threads(2).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> collect(loader, 0));
            assertTrue(e.getMessage().contains("example 1"), e.getMessage());
        }
        try (DataLoader loader = DataLoader.builder(mixed).batchSize(1).threads(2).build()) {
            List<Batch> got = new ArrayList<>();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> loader.epoch(0).forEach(got::add));
            assertEquals("broken example 3", e.getMessage());
            assertEquals(3, got.size());
            assertNull(got.get(0).masks());
            assertThrows(IllegalStateException.class, () -> got.get(0).masksTensor(new ReferenceBackend()));
        }
    }
}
