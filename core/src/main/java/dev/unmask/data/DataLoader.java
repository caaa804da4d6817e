package dev.unmask.data;

import dev.unmask.random.Seeds;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches of a {@link Dataset}, prepared on background threads while the caller computes.
 *
 * <p>Epoch {@code e} visits every index exactly once (the last batch is shorter unless
 * {@code dropLast}, which skips it): in index order, or, when shuffling, in the order of a Fisher-Yates
 * shuffle seeded with {@code Seeds.derive(seed, e)}. An optional {@link TransformPipeline} is applied to
 * example {@code i} of epoch {@code e} with keys {@code (e, i)}. A batch's content therefore depends only
 * on (seed, epoch, batch number), never on the number of threads: each batch is one task on a fixed pool,
 * at most {@code prefetch} tasks are in flight, and batches are handed out in order.
 *
 * <p>All examples of a batch must have the same dimensions, and either all or none must have masks.
 * Close the loader to stop its threads.
 */
public final class DataLoader implements AutoCloseable {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int prefetch;
    private final TransformPipeline transforms;
    private final ExecutorService pool;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.transforms = b.transforms;
        this.prefetch = b.threads == 0 ? 0 : Math.max(b.prefetch, b.threads);
        if (b.threads == 0) {
            this.pool = null;
        } else {
            AtomicInteger count = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(b.threads, runnable -> {
                Thread t = new Thread(runnable, "unmask-data-loader-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    /** Number of batches per epoch. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The order in which epoch {@code epoch} visits the dataset's indices. */
    public int[] order(long epoch) {
        int n = dataset.size();
        if (shuffle) {
            return Seeds.permutation(n, Seeds.derive(seed, epoch));
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /**
     * The batches of epoch {@code epoch}, in order. Abandoning the iteration early is safe: at most
     * {@code prefetch} batches were being prepared and their results are dropped.
     */
    public Iterable<Batch> epoch(long epoch) {
        return () -> new EpochIterator(epoch);
    }

    /** Batch {@code number} of epoch {@code epoch}, prepared on the calling thread. */
    public Batch batch(long epoch, int number) {
        return prepare(epoch, order(epoch), number);
    }

    private Batch prepare(long epoch, int[] order, int number) {
        int start = number * batchSize;
        int n = Math.min(batchSize, order.length - start);
        int[] indices = new int[n];
        System.arraycopy(order, start, indices, 0, n);
        int[] labels = new int[n];
        float[] images = null;
        float[] masks = null;
        FloatImage first = null;
        boolean withMasks = false;
        for (int k = 0; k < n; k++) {
            Example example = dataset.get(indices[k]);
            if (transforms != null) {
                example = transforms.apply(example, epoch, indices[k]);
            }
            FloatImage image = example.image();
            if (first == null) {
                first = image;
                withMasks = example.mask() != null;
                images = new float[n * image.data().length];
                masks = withMasks ? new float[n * image.planeSize()] : null;
            } else if (!image.sameSize(first)) {
                throw new IllegalStateException("example " + indices[k] + " is " + image + " but example "
                        + indices[0] + " of the same batch is " + first + "; resize them to one size");
            }
            if ((example.mask() != null) != withMasks) {
                throw new IllegalStateException("example " + indices[k] + (withMasks ? " has no" : " has a")
                        + " mask, unlike example " + indices[0] + " of the same batch");
            }
            System.arraycopy(image.data(), 0, images, k * image.data().length, image.data().length);
            if (withMasks) {
                System.arraycopy(example.mask().data(), 0, masks, k * image.planeSize(), image.planeSize());
            }
            labels[k] = example.label();
        }
        return new Batch(images, labels, masks, indices, first.channels(), first.height(), first.width());
    }

    /** Stops the background threads; batches being prepared are abandoned. Closing twice is safe. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private final class EpochIterator implements Iterator<Batch> {
        private final long epoch;
        private final int[] order;
        private final int batches;
        private final ArrayDeque<Future<Batch>> inFlight = new ArrayDeque<>();
        private int submitted;
        private int taken;

        EpochIterator(long epoch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.batches = batchesPerEpoch();
            fill();
        }

        private void fill() {
            while (pool != null && submitted < batches && inFlight.size() < prefetch) {
                int number = submitted++;
                inFlight.add(pool.submit(() -> prepare(epoch, order, number)));
            }
        }

        @Override
        public boolean hasNext() {
            return taken < batches;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("epoch " + epoch + " has " + batches + " batches");
            }
            int number = taken++;
            if (pool == null) {
                return prepare(epoch, order, number);
            }
            Future<Batch> future = inFlight.poll();
            fill();
            try {
                return future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for batch " + number, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException("preparing batch " + number + " of epoch " + epoch + " failed",
                        e.getCause());
            }
        }
    }

    /** Options of a {@link DataLoader}. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 32;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
        private int prefetch = 4;
        private TransformPipeline transforms;

        private Builder(Dataset dataset) {
            this.dataset = dataset;
        }

        /** Examples per batch (default 32). */
        public Builder batchSize(int size) {
            if (size <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + size);
            }
            this.batchSize = size;
            return this;
        }

        /** Shuffle every epoch with a stream derived from {@code shuffleSeed} and the epoch number. */
        public Builder shuffle(long shuffleSeed) {
            this.shuffle = true;
            this.seed = shuffleSeed;
            return this;
        }

        /** Skip the last, shorter batch of an epoch. */
        public Builder dropLast(boolean drop) {
            this.dropLast = drop;
            return this;
        }

        /** Background threads (0: prepare each batch on the caller's thread when it is asked for). */
        public Builder threads(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("threads must be >= 0, got " + count);
            }
            this.threads = count;
            return this;
        }

        /** Batches prepared ahead (at least the number of threads; default 4). */
        public Builder prefetch(int batches) {
            if (batches <= 0) {
                throw new IllegalArgumentException("prefetch must be positive, got " + batches);
            }
            this.prefetch = batches;
            return this;
        }

        /** Transforms applied to each example with keys (epoch, index). */
        public Builder transforms(TransformPipeline pipeline) {
            this.transforms = pipeline;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
