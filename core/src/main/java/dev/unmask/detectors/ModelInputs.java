package dev.unmask.detectors;

import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;

/** The preprocessing an {@link InputSpec} describes, for families that need nothing else. */
public final class ModelInputs {
    /** ImageNet's per-channel mean (R, G, B), as torchvision normalises. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet's per-channel standard deviation (R, G, B). */
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private ModelInputs() {
    }

    /**
     * {@code image} (values in [-1, 1], 1 or 3 channels) resized to the spec's size by its {@link InputSpec.Resize},
     * each value back to its 8-bit level, then mapped to the spec's range ({@link InputSpec.PixelRange}); a grey
     * image is repeated when the spec takes three channels, the first channel taken when it takes one.
     */
    public static FloatImage prepare(FloatImage image, InputSpec spec) {
        FloatImage resized = image;
        if (image.height() != spec.height() || image.width() != spec.width()) {
            resized = spec.resize() == InputSpec.Resize.NEAREST
                    ? ImageOps.resizeNearest(image, spec.height(), spec.width())
                    : ImageOps.resizeBilinear(image, spec.height(), spec.width());
        }
        int plane = resized.height() * resized.width();
        float[] d = resized.data();
        float[] out = new float[spec.channels() * plane];
        for (int c = 0; c < spec.channels(); c++) {
            int from = resized.channels() == 1 ? 0 : c * plane;
            for (int p = 0; p < plane; p++) {
                float v = d[from + p];
                out[c * plane + p] = switch (spec.range()) {
                    case MINUS_ONE_TO_ONE -> v;
                    case ZERO_TO_ONE -> ImageOps.toByte(v) / 255f;
                    case IMAGENET_NORMALISED -> (ImageOps.toByte(v) / 255f - IMAGENET_MEAN[c % 3]) / IMAGENET_STD[c % 3];
                };
            }
        }
        return new FloatImage(spec.channels(), resized.height(), resized.width(), out);
    }
}
