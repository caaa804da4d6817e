package dev.unmask.train;

import dev.unmask.random.Seeds;

import java.util.Arrays;

/**
 * The order in which a batch source visits its samples: epoch after epoch, each a permutation seeded by
 * {@code (shuffleSeed, epoch)} ({@link Seeds#permutation}), the last partial batch of an epoch dropped so every
 * batch has the same size. The position counts batches, so a checkpoint resumes at the very next batch.
 */
public final class ShuffledEpochs {
    private final int samples;
    private final int batchSize;
    private final long shuffleSeed;
    private long epoch;
    private long number;
    private int[] order;

    /**
     * @throws IllegalArgumentException unless {@code 1 <= batchSize <= samples}
     */
    public ShuffledEpochs(int samples, int batchSize, long shuffleSeed) {
        if (batchSize < 1 || batchSize > samples) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be in [1, " + samples
                    + "] (the number of samples)");
        }
        this.samples = samples;
        this.batchSize = batchSize;
        this.shuffleSeed = shuffleSeed;
        this.order = order(0);
    }

    /** Full batches per epoch. */
    public int batchesPerEpoch() {
        return samples / batchSize;
    }

    /** The epoch the next batch belongs to. */
    public long epoch() {
        return epoch;
    }

    /** The sample indices of the next batch; moves on to the batch after it. */
    public int[] next() {
        int start = (int) number * batchSize;
        int[] batch = Arrays.copyOfRange(order, start, start + batchSize);
        number++;
        if (number == batchesPerEpoch()) {
            epoch++;
            number = 0;
            order = order(epoch);
        }
        return batch;
    }

    /** Where the next batch is. */
    public DataPosition position() {
        return new DataPosition(epoch, number, shuffleSeed);
    }

    /**
     * Continues at {@code position}.
     *
     * @throws IllegalArgumentException for a position saved with another shuffle seed or past an epoch's batches
     */
    public void seek(DataPosition position) {
        if (position.shuffleSeed() != shuffleSeed) {
            throw new IllegalArgumentException("position was saved with shuffle seed " + position.shuffleSeed()
                    + ", this source shuffles with " + shuffleSeed);
        }
        if (position.index() >= batchesPerEpoch()) {
            throw new IllegalArgumentException("batch " + position.index() + " is past the " + batchesPerEpoch()
                    + " batches of an epoch");
        }
        epoch = position.epoch();
        number = position.index();
        order = order(epoch);
    }

    private int[] order(long e) {
        return Seeds.permutation(samples, Seeds.derive(shuffleSeed, e));
    }
}
