package dev.unmask.train;

import dev.unmask.data.Batch;
import dev.unmask.data.DataLoader;

import java.util.Iterator;

/**
 * A {@link DataLoader} as a {@link BatchSource}: epochs one after another, the position's index counting
 * the batches of the current epoch already delivered. A fresh epoch is read through the loader's
 * prefetching iterator; the rest of an epoch entered by {@link #seek} is prepared batch by batch on the
 * calling thread (the loader makes batch {@code n} of epoch {@code e} the same either way).
 */
public final class LoaderBatches implements BatchSource<Batch> {
    private final DataLoader loader;
    private final long shuffleSeed;
    private long epoch;
    private int number;
    private Iterator<Batch> prefetched;

    /**
     * @param loader the loader to draw from
     * @param shuffleSeed the seed the loader was built with ({@code DataLoader.Builder.shuffle}), or 0
     *     for an unshuffled loader; recorded in positions so a checkpoint cannot silently resume on
     *     another order
     */
    public LoaderBatches(DataLoader loader, long shuffleSeed) {
        if (loader.batchesPerEpoch() < 1) {
            throw new IllegalArgumentException("the loader delivers no batch per epoch");
        }
        this.loader = loader;
        this.shuffleSeed = shuffleSeed;
    }

    @Override
    public Batch next() {
        if (number == 0 && prefetched == null) {
            prefetched = loader.epoch(epoch).iterator();
        }
        Batch batch = prefetched != null ? prefetched.next() : loader.batch(epoch, number);
        number++;
        if (number == loader.batchesPerEpoch()) {
            epoch++;
            number = 0;
            prefetched = null;
        }
        return batch;
    }

    @Override
    public DataPosition position() {
        return new DataPosition(epoch, number, shuffleSeed);
    }

    @Override
    public void seek(DataPosition position) {
        if (position.shuffleSeed() != shuffleSeed) {
            throw new IllegalArgumentException("position was saved with shuffle seed " + position.shuffleSeed()
                    + ", this loader shuffles with " + shuffleSeed);
        }
        if (position.index() >= loader.batchesPerEpoch()) {
            throw new IllegalArgumentException("batch index " + position.index() + " is past the "
                    + loader.batchesPerEpoch() + " batches of an epoch");
        }
        epoch = position.epoch();
        number = (int) position.index();
        prefetched = null;
    }
}
