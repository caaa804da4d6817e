package dev.unmask.train;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

/**
 * Batches of equally shaped samples held in one array in memory (decoded images, extracted code grids).
 * Each epoch visits the samples in a permutation seeded by {@code (shuffleSeed, epoch)}; the last partial
 * batch of an epoch is dropped so every batch has the same size. The position counts batches.
 */
public final class ArrayBatches implements BatchSource<Tensor> {
    private final float[] floats;
    private final int[] ints;
    private final int[] sampleDims;
    private final int sampleSize;
    private final int samples;
    private final int batchSize;
    private final Backend backend;
    private final ShuffledEpochs epochs;

    private ArrayBatches(float[] floats, int[] ints, int length, int[] sampleDims, int batchSize, long shuffleSeed,
                         Backend backend) {
        int size = 1;
        for (int d : sampleDims) {
            if (d < 1) {
                throw new IllegalArgumentException("sample dimensions must be positive");
            }
            size *= d;
        }
        if (length % size != 0) {
            throw new IllegalArgumentException(length + " values do not split into samples of " + size);
        }
        if (batchSize < 1 || batchSize > length / size) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be in [1, " + length / size
                    + "] (the number of samples)");
        }
        this.floats = floats;
        this.ints = ints;
        this.sampleDims = sampleDims.clone();
        this.sampleSize = size;
        this.samples = length / size;
        this.batchSize = batchSize;
        this.backend = backend;
        this.epochs = new ShuffledEpochs(samples, batchSize, shuffleSeed);
    }

    /** F32 batches [batchSize, sampleDims...] of {@code data} (not copied; do not modify it meanwhile). */
    public static ArrayBatches ofFloats(float[] data, int[] sampleDims, int batchSize, long shuffleSeed, Backend backend) {
        return new ArrayBatches(data, null, data.length, sampleDims, batchSize, shuffleSeed, backend);
    }

    /** I32 batches [batchSize, sampleDims...] of {@code data} (not copied; do not modify it meanwhile). */
    public static ArrayBatches ofInts(int[] data, int[] sampleDims, int batchSize, long shuffleSeed, Backend backend) {
        return new ArrayBatches(null, data, data.length, sampleDims, batchSize, shuffleSeed, backend);
    }

    /** Full batches per epoch. */
    public int batchesPerEpoch() {
        return epochs.batchesPerEpoch();
    }

    @Override
    public Tensor next() {
        int[] dims = new int[sampleDims.length + 1];
        dims[0] = batchSize;
        System.arraycopy(sampleDims, 0, dims, 1, sampleDims.length);
        int[] indices = epochs.next();
        Tensor batch;
        if (floats != null) {
            float[] out = new float[batchSize * sampleSize];
            for (int k = 0; k < batchSize; k++) {
                System.arraycopy(floats, indices[k] * sampleSize, out, k * sampleSize, sampleSize);
            }
            batch = backend.fromFloats(out, Shape.of(dims));
        } else {
            int[] out = new int[batchSize * sampleSize];
            for (int k = 0; k < batchSize; k++) {
                System.arraycopy(ints, indices[k] * sampleSize, out, k * sampleSize, sampleSize);
            }
            batch = backend.fromInts(out, Shape.of(dims));
        }
        return batch;
    }

    @Override
    public DataPosition position() {
        return epochs.position();
    }

    @Override
    public void seek(DataPosition position) {
        epochs.seek(position);
    }
}
