package dev.unmask.detectors;

import dev.unmask.backend.Backend;
import dev.unmask.data.FloatImage;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.List;

/** Model inputs to tensors. */
public final class ImageBatches {
    private ImageBatches() {
    }

    /**
     * The images (non-empty, all of one shape C x H x W) as one F32 tensor [N, C, H, W] on {@code backend}.
     *
     * @throws IllegalArgumentException when the list is empty or the shapes differ
     */
    public static Tensor stack(Backend backend, List<FloatImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to stack");
        }
        FloatImage first = images.get(0);
        int per = first.data().length;
        float[] data = new float[Math.multiplyExact(images.size(), per)];
        for (int i = 0; i < images.size(); i++) {
            FloatImage image = images.get(i);
            if (image.channels() != first.channels() || image.height() != first.height()
                    || image.width() != first.width()) {
                throw new IllegalArgumentException("image " + i + " is " + image.channels() + "x" + image.height()
                        + "x" + image.width() + ", image 0 " + first.channels() + "x" + first.height() + "x" + first.width());
            }
            System.arraycopy(image.data(), 0, data, i * per, per);
        }
        return backend.fromFloats(data, Shape.of(images.size(), first.channels(), first.height(), first.width()));
    }
}
