package dev.unmask.train;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.Tensor;

/**
 * Batches of equally shaped samples with an integer label each, held in memory: two {@link ArrayBatches} over
 * the samples and the labels with the same shuffle seed, so they visit the same permutation and stay paired.
 */
public final class LabelledBatches implements BatchSource<LabelledBatches.Batch> {
    /**
     * One batch.
     *
     * @param inputs F32 [batchSize, sampleDims...]
     * @param labels I32 [batchSize]
     */
    public record Batch(Tensor inputs, Tensor labels) {
    }

    private final ArrayBatches inputs;
    private final ArrayBatches labels;

    private LabelledBatches(ArrayBatches inputs, ArrayBatches labels) {
        this.inputs = inputs;
        this.labels = labels;
    }

    /**
     * Batches of {@code data} (samples of {@code sampleDims}) with {@code labels} (one per sample); neither is
     * copied.
     *
     * @throws IllegalArgumentException when the counts differ or the batch size does not fit
     */
    public static LabelledBatches of(float[] data, int[] sampleDims, int[] labels, int batchSize, long shuffleSeed,
                                     Backend backend) {
        ArrayBatches in = ArrayBatches.ofFloats(data, sampleDims, batchSize, shuffleSeed, backend);
        int samples = data.length / sampleSize(sampleDims);
        if (labels.length != samples) {
            throw new IllegalArgumentException(labels.length + " labels for " + samples + " samples");
        }
        return new LabelledBatches(in, ArrayBatches.ofInts(labels, new int[] {1}, batchSize, shuffleSeed, backend));
    }

    private static int sampleSize(int[] dims) {
        int size = 1;
        for (int d : dims) {
            size *= d;
        }
        return size;
    }

    @Override
    public Batch next() {
        Tensor x = inputs.next();
        Tensor y = labels.next();
        return new Batch(x, y.reshape(y.dim(0)));
    }

    @Override
    public DataPosition position() {
        return inputs.position();
    }

    @Override
    public void seek(DataPosition position) {
        inputs.seek(position);
        labels.seek(position);
    }
}
