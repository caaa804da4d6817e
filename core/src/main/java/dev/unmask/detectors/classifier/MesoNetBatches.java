package dev.unmask.detectors.classifier;

import dev.unmask.backend.Backend;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;
import dev.unmask.data.TransformPipeline;
import dev.unmask.models.mesonet.MesoNet;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import dev.unmask.train.BatchSource;
import dev.unmask.train.DataPosition;
import dev.unmask.train.ShuffledEpochs;

import java.util.stream.IntStream;

/**
 * Training batches of {@link MesoNetTrainingData}: each epoch visits the images in a permutation seeded by
 * {@code (shuffleSeed, epoch)}, drops the last partial batch, and passes every image through the augmentation
 * keyed by {@code (epoch, image index)} before it becomes the network's input (levels / 255). A batch is therefore
 * a function of its position alone, which is what a checkpoint saves. Images of a batch are augmented in
 * parallel; their keys, not the threads, fix the result.
 */
final class MesoNetBatches implements BatchSource<MesoNetBatches.Batch> {
    /**
     * One step's input.
     *
     * @param images F32 [B, 3, 256, 256], values in [0, 1]
     * @param real F32 [B, 1], 1 for a real image and 0 for a fake one (the network's output is the probability of real)
     */
    record Batch(Tensor images, Tensor real) {
    }

    private final MesoNetTrainingData data;
    private final int batchSize;
    private final TransformPipeline augmentation;
    private final Backend backend;
    private final ShuffledEpochs epochs;

    /** {@code augmentation} may be null (images as they are). */
    MesoNetBatches(MesoNetTrainingData data, int batchSize, long shuffleSeed, TransformPipeline augmentation,
                   Backend backend) {
        if (batchSize < 1 || batchSize > data.size()) {
            throw new IllegalArgumentException("batch size " + batchSize + " must lie in [1, " + data.size()
                    + "] (the training images)");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.augmentation = augmentation;
        this.backend = backend;
        this.epochs = new ShuffledEpochs(data.size(), batchSize, shuffleSeed);
    }

    int batchesPerEpoch() {
        return epochs.batchesPerEpoch();
    }

    @Override
    public Batch next() {
        int per = MesoNetTrainingData.VALUES;
        float[] images = new float[batchSize * per];
        float[] real = new float[batchSize];
        long e = epochs.epoch();
        int[] indices = epochs.next();
        IntStream.range(0, batchSize).parallel().forEach(k -> {
            int index = indices[k];
            real[k] = data.isFake(index) ? 0f : 1f;
            if (augmentation == null) {
                data.writeInput(index, images, k * per);
            } else {
                float[] d = augmented(e, index).data();
                for (int i = 0; i < per; i++) {
                    images[k * per + i] = ImageOps.toByte(d[i]) / 255f;
                }
            }
        });
        int side = MesoNet.INPUT_SIZE;
        return new Batch(backend.fromFloats(images, Shape.of(batchSize, MesoNet.INPUT_CHANNELS, side, side)),
                backend.fromFloats(real, Shape.of(batchSize, 1)));
    }

    /** The augmented image {@code index} of epoch {@code epoch}, values in [-1, 1], as {@link #next} uses it. */
    FloatImage augmented(long epoch, int index) {
        return augmentation == null ? data.image(index) : augmentation.apply(data.image(index), epoch, index);
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
