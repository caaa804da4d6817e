package dev.unmask.detectors;

/**
 * What a family's network takes: {@code channels x height x width} images with values in {@code range},
 * resized with {@code resize}. The tensors handed to {@link ScoringModel#score} are always NCHW; {@code layout}
 * records the layout the original model was defined in (Keras models are NHWC), for documentation and import.
 */
public record InputSpec(int channels, int height, int width, PixelRange range, Resize resize, Layout layout) {
    /**
     * The largest side a model input may have. The parameters of a convolutional model do not depend on its
     * input size, so a bundle's stored tensors cannot bound it; a loader checks a configured size against this
     * before building anything, so that no bundle makes every scored image gigabytes large.
     */
    public static final int MAX_SIDE = 4096;

    /** Value ranges of model inputs. */
    public enum PixelRange {
        /** 8-bit levels mapped to [-1, 1]: level / 127.5 - 1. */
        MINUS_ONE_TO_ONE,
        /** 8-bit levels mapped to [0, 1]: level / 255. */
        ZERO_TO_ONE,
        /**
         * level / 255 normalised per channel with ImageNet's statistics, (v - mean) / std, mean (0.485, 0.456, 0.406)
         * and std (0.229, 0.224, 0.225) for R, G, B, as torchvision's pretrained models take them.
         */
        IMAGENET_NORMALISED
    }

    /** How an image is brought to the input size. */
    public enum Resize {
        BILINEAR,
        /** Nearest neighbour, as Keras' image loading does by default. */
        NEAREST
    }

    /** The layout of the model as originally defined. */
    public enum Layout {
        NCHW,
        NHWC
    }

    public InputSpec {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE || range == null || resize == null || layout == null) {
            throw new IllegalArgumentException("invalid input spec " + channels + "x" + height + "x" + width);
        }
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width + " " + range + " (" + resize + " resize, defined " + layout + ")";
    }
}
