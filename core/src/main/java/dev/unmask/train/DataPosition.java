package dev.unmask.train;

/**
 * Where a batch source stands: the epoch, how far into it the source is (samples or batches already
 * delivered, as the source defines), and the seed that fixes the epoch's order. A source restored to the same position delivers the same
 * batches from there on.
 *
 * @param epoch the current epoch, from 0
 * @param index samples or batches of the current epoch already delivered, from 0
 * @param shuffleSeed the seed the source derives each epoch's order from
 */
public record DataPosition(long epoch, long index, long shuffleSeed) {
    public DataPosition {
        if (epoch < 0 || index < 0) {
            throw new IllegalArgumentException("data position needs a non-negative epoch and index, got epoch "
                    + epoch + " index " + index);
        }
    }

    /** The start of the first epoch. */
    public static DataPosition start(long shuffleSeed) {
        return new DataPosition(0, 0, shuffleSeed);
    }
}
