package dev.unmask.train;


import dev.unmask.backend.Backends;
import dev.unmask.random.Seeds;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

/**
 * A test batch source: {@code count} single-channel images of smooth random blobs, made from a seed,
 * delivered in batches; each epoch visits them in the order of a permutation seeded by the shuffle seed
 * and the epoch, and a batch may straddle two epochs.
 */
final class SyntheticBatches implements BatchSource<Tensor> {
    private final float[][] images;
    private final int size;
    private final int batch;
    private DataPosition position;
    private int[] order;

    SyntheticBatches(int count, int size, int batch, long dataSeed, long shuffleSeed) {
        this.size = size;
        this.batch = batch;
        this.images = new float[count][size * size];
        SplitMix64 rng = SplitMix64.seeded(dataSeed);
        for (float[] image : images) {
            double cx = rng.nextDouble() * size;
            double cy = rng.nextDouble() * size;
            double radius = 1 + rng.nextDouble() * size / 3;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                    image[y * size + x] = (float) Math.exp(-d2 / (radius * radius));
                }
            }
        }
        seek(DataPosition.start(shuffleSeed));
    }

    @Override
    public Tensor next() {
        float[] data = new float[batch * size * size];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(images[order[(int) position.index()]], 0, data, b * size * size, size * size);
            long index = position.index() + 1;
            position = index == images.length
                    ? new DataPosition(position.epoch() + 1, 0, position.shuffleSeed())
                    : new DataPosition(position.epoch(), index, position.shuffleSeed());
            if (index == images.length) {
                order = orderOf(position);
            }
        }
        return Backends.defaultBackend().fromFloats(data, Shape.of(batch, 1, size, size));
    }

    @Override
    public DataPosition position() {
        return position;
    }

    @Override
    public void seek(DataPosition to) {
        if (to.index() >= images.length) {
            throw new IllegalArgumentException("index " + to.index() + " is past the " + images.length + " images");
        }
        position = to;
        order = orderOf(to);
    }

    private int[] orderOf(DataPosition p) {
        return Seeds.permutation(images.length, Seeds.derive(p.shuffleSeed(), p.epoch()));
    }
}
