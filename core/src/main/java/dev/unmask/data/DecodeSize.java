package dev.unmask.data;

/**
 * How large a decoded image may come out. A decode keeps every {@code step}-th pixel of every
 * {@code step}-th row, starting with the top-left one (ImageIO's source subsampling), so a {@code W x H}
 * image becomes {@code ceil(W / step) x ceil(H / step)} and the memory a decode needs follows from the
 * pixels it keeps, not from the size the file declares. The same step is used on both axes, so the aspect
 * ratio is kept.
 */
public final class DecodeSize {
    private enum Rule { WHOLE, AT_MOST, FOR_RESIZE }

    /** A decode for a resize keeps at least this many source pixels per target pixel on each axis. */
    private static final int RESIZE_MARGIN = 2;

    private final Rule rule;
    private final long maxPixels;
    private final int height;
    private final int width;

    private DecodeSize(Rule rule, long maxPixels, int height, int width) {
        this.rule = rule;
        this.maxPixels = maxPixels;
        this.height = height;
        this.width = width;
    }

    /** Every pixel (step 1); a decode that would need more memory than allowed is refused, not subsampled. */
    public static DecodeSize whole() {
        return new DecodeSize(Rule.WHOLE, 0, 0, 0);
    }

    /**
     * At most {@code pixels} pixels: the smallest step that gives no more. For images that must be seen
     * whole at a bounded size (face detection on a photograph).
     *
     * @throws IllegalArgumentException when {@code pixels} is not positive
     */
    public static DecodeSize atMost(long pixels) {
        if (pixels <= 0) {
            throw new IllegalArgumentException("a pixel limit must be positive, got " + pixels);
        }
        return new DecodeSize(Rule.AT_MOST, pixels, 0, 0);
    }

    /**
     * Enough for a bilinear resize to {@code height x width} (a model input): the largest step that keeps
     * each side at least twice the target's, so every output pixel still interpolates between distinct
     * source pixels. An image less than four times the target on either side is decoded whole, exactly as
     * without subsampling.
     *
     * @throws IllegalArgumentException when a target side is not positive
     */
    public static DecodeSize forResize(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("a resize target must be positive, got " + height + "x" + width);
        }
        return new DecodeSize(Rule.FOR_RESIZE, 0, height, width);
    }

    /** The subsampling step (at least 1) for an image of {@code width x height} pixels. */
    public int step(int imageWidth, int imageHeight) {
        return switch (rule) {
            case WHOLE -> 1;
            case AT_MOST -> {
                long pixels = (long) imageWidth * imageHeight;
                int step = (int) Math.max(1, Math.min(Math.max(imageWidth, imageHeight),
                        (long) Math.ceil(Math.sqrt((double) pixels / maxPixels))));
                while (step < Math.max(imageWidth, imageHeight) && subsampled(imageWidth, step)
                        * subsampled(imageHeight, step) > maxPixels) {
                    step++;
                }
                yield step;
            }
            case FOR_RESIZE -> (int) Math.max(1, Math.min(imageWidth / ((long) RESIZE_MARGIN * width),
                    imageHeight / ((long) RESIZE_MARGIN * height)));
        };
    }

    /** Pixels kept along a side of {@code length} at {@code step}: {@code ceil(length / step)}. */
    public static long subsampled(int length, int step) {
        return (length + (long) step - 1) / step;
    }

    @Override
    public String toString() {
        return switch (rule) {
            case WHOLE -> "whole";
            case AT_MOST -> "at most " + maxPixels + " pixels";
            case FOR_RESIZE -> "for a resize to " + height + "x" + width;
        };
    }
}
