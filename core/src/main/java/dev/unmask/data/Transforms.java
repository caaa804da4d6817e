package dev.unmask.data;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Factories of the seeded transforms (Wang et al. 2020 style augmentation plus the usual geometry).
 * Each draws its random parameters from the stream it is given; the kernels are in {@link ImageOps}.
 */
public final class Transforms {
    private Transforms() {
    }

    /** Bilinear resize to {@code height x width} ({@link ImageOps#resizeBilinear}). Geometric. */
    public static Transform resize(int height, int width) {
        checkPositive(height, width);
        return geometric(image -> ImageOps.resizeBilinear(image, height, width));
    }

    /** The central {@code height x width} window ({@link ImageOps#centreCrop}). Geometric. */
    public static Transform centreCrop(int height, int width) {
        checkPositive(height, width);
        return geometric(image -> ImageOps.centreCrop(image, height, width));
    }

    /** Maps [{@code low}, {@code high}] linearly to [-1, 1], clamped ({@link ImageOps#normalise}). */
    public static Transform normalise(float low, float high) {
        if (!(high > low)) {
            throw new IllegalArgumentException("normalise needs high > low, got [" + low + ", " + high + "]");
        }
        return (image, random) -> ImageOps.normalise(image, low, high);
    }

    /** Mirrors left to right with probability {@code probability}. Geometric. */
    public static Transform horizontalFlip(double probability) {
        checkProbability(probability);
        return geometric((image, random) ->
                random.nextDouble() < probability ? ImageOps.flipHorizontal(image) : image.copy());
    }

    /** Rotation by an angle uniform in [-maxDegrees, maxDegrees] ({@link ImageOps#rotate}). Geometric. */
    public static Transform rotation(double maxDegrees) {
        if (!(maxDegrees >= 0)) {
            throw new IllegalArgumentException("maxDegrees must be >= 0, got " + maxDegrees);
        }
        return geometric((image, random) -> ImageOps.rotate(image, (2 * random.nextDouble() - 1) * maxDegrees));
    }

    /**
     * Shift by up to {@code maxFractionY} of the height and {@code maxFractionX} of the width, each uniform in
     * [-max, max] ({@link ImageOps#shift}; Keras' {@code height_shift_range} and {@code width_shift_range}).
     * Geometric.
     */
    public static Transform shift(double maxFractionY, double maxFractionX) {
        if (!(maxFractionY >= 0 && maxFractionY < 1) || !(maxFractionX >= 0 && maxFractionX < 1)) {
            throw new IllegalArgumentException("shift fractions must lie in [0, 1), got " + maxFractionY + ", "
                    + maxFractionX);
        }
        return geometric((image, random) -> {
            double dy = (2 * random.nextDouble() - 1) * maxFractionY * image.height();
            double dx = (2 * random.nextDouble() - 1) * maxFractionX * image.width();
            return ImageOps.shift(image, dy, dx);
        });
    }

    /**
     * Zoom by a vertical and a horizontal scale drawn independently, each uniform in [minScale, maxScale]
     * ({@link ImageOps#zoom}; Keras' {@code zoom_range} also draws the two axes apart). Geometric.
     */
    public static Transform zoom(double minScale, double maxScale) {
        if (!(minScale > 0 && maxScale >= minScale) || Double.isInfinite(maxScale)) {
            throw new IllegalArgumentException("need 0 < minScale <= maxScale, got " + minScale + ", " + maxScale);
        }
        return geometric((image, random) -> {
            double scaleY = minScale + (maxScale - minScale) * random.nextDouble();
            double scaleX = minScale + (maxScale - minScale) * random.nextDouble();
            return ImageOps.zoom(image, scaleY, scaleX);
        });
    }

    /** Horizontal shear by an angle uniform in [-maxDegrees, maxDegrees] ({@link ImageOps#shear}). Geometric. */
    public static Transform shear(double maxDegrees) {
        if (!(maxDegrees >= 0 && maxDegrees < 90)) {
            throw new IllegalArgumentException("maxDegrees must lie in [0, 90), got " + maxDegrees);
        }
        return geometric((image, random) -> ImageOps.shear(image, (2 * random.nextDouble() - 1) * maxDegrees));
    }

    /**
     * Brightness offset uniform in [-maxBrightness, maxBrightness] and contrast factor uniform in
     * [1 - maxContrast, 1 + maxContrast] ({@link ImageOps#brightnessContrast}).
     */
    public static Transform brightnessContrast(float maxBrightness, float maxContrast) {
        if (!(maxBrightness >= 0) || !(maxContrast >= 0 && maxContrast < 1)) {
            throw new IllegalArgumentException("need maxBrightness >= 0 and 0 <= maxContrast < 1, got "
                    + maxBrightness + ", " + maxContrast);
        }
        return (image, random) -> {
            float brightness = (2 * random.nextFloat() - 1) * maxBrightness;
            float contrast = 1 + (2 * random.nextFloat() - 1) * maxContrast;
            return ImageOps.brightnessContrast(image, brightness, contrast);
        };
    }

    /** Gaussian blur with sigma uniform in [minSigma, maxSigma] pixels ({@link ImageOps#gaussianBlur}). */
    public static Transform gaussianBlur(double minSigma, double maxSigma) {
        if (!(minSigma >= 0 && maxSigma >= minSigma)) {
            throw new IllegalArgumentException("need 0 <= minSigma <= maxSigma, got " + minSigma + ", " + maxSigma);
        }
        return (image, random) -> ImageOps.gaussianBlur(image, minSigma + (maxSigma - minSigma) * random.nextDouble());
    }

    /** JPEG re-encode at a quality uniform in [minQuality, maxQuality] ({@link ImageOps#jpeg}). */
    public static Transform jpeg(int minQuality, int maxQuality) {
        if (minQuality < 1 || maxQuality > 100 || minQuality > maxQuality) {
            throw new IllegalArgumentException("need 1 <= minQuality <= maxQuality <= 100, got "
                    + minQuality + ", " + maxQuality);
        }
        return (image, random) -> ImageOps.jpeg(image, minQuality + random.nextInt(maxQuality - minQuality + 1));
    }

    /** {@code step} with probability {@code probability}, else an unchanged copy; geometric if {@code step} is. */
    public static Transform randomly(double probability, Transform step) {
        checkProbability(probability);
        Transform maybe = (image, random) -> random.nextDouble() < probability ? step.apply(image, random) : image.copy();
        return step.geometric() ? geometric(maybe) : maybe;
    }

    private static Transform geometric(UnaryOperator<FloatImage> f) {
        return geometric((image, random) -> f.apply(image));
    }

    private static Transform geometric(Transform f) {
        return new Transform() {
            @Override
            public FloatImage apply(FloatImage image, SplittableRandom random) {
                return f.apply(image, random);
            }

            @Override
            public boolean geometric() {
                return true;
            }
        };
    }

    private static void checkPositive(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + height + "x" + width);
        }
    }

    private static void checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
        }
    }
}
