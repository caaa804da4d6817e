package dev.unmask.train;

/**
 * An endless stream of training batches with a position that can be saved and restored, so training
 * resumes on the exact batch where it stopped. Epochs follow one another; the source decides how a
 * position maps to samples (typically a permutation seeded by the shuffle seed and the epoch).
 *
 * @param <B> what one batch is (a tensor, a pair of tensors, a record of the model's inputs)
 */
public interface BatchSource<B> {
    /** The next batch; the position moves past it. */
    B next();

    /** The position of the batch {@link #next()} would return. */
    DataPosition position();

    /**
     * Moves to {@code position}, as saved by {@link #position()} on a source over the same data.
     *
     * @throws IllegalArgumentException when the position does not fit this source's data
     */
    void seek(DataPosition position);
}
