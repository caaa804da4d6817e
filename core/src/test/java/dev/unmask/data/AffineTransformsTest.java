package dev.unmask.data;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shift, zoom and shear ({@link ImageOps} and their seeded {@link Transforms}) against a plain reference written
 * here: for each output pixel, the source point of the formula in the javadoc, in double, clamped to the image,
 * sampled bilinearly.
 */
class AffineTransformsTest {
    /** float32 coordinates and weights against double ones, on values in [-1, 1]. */
    private static final float TOLERANCE = 2e-5f;

    /** Maps an output pixel (y, x) to the source point {y, x}. */
    @FunctionalInterface
    interface SourcePoint {
        double[] of(int y, int x);
    }

    @Test
    void shiftMatchesTheReferenceAndIntegerShiftsCopyPixels() {
        FloatImage image = random(2, 7, 9, 1);
        for (double[] d : new double[][] {{0, 0}, {1.5, -2.25}, {-3, 4}, {0.4, 0.7}}) {
            FloatImage ours = ImageOps.shift(image, d[0], d[1]);
            assertArrayEquals(reference(image, (y, x) -> new double[] {y - d[0], x - d[1]}), ours.data(), TOLERANCE,
                    "shift " + d[0] + ", " + d[1]);
        }
        FloatImage moved = ImageOps.shift(image, 2, -3);
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 7; y++) {
                for (int x = 0; x < 9; x++) {
                    assertEquals(image.get(c, Math.max(0, y - 2), Math.min(8, x + 3)), moved.get(c, y, x), "(" + y + ", " + x + ")");
                }
            }
        }
    }

    @Test
    void zoomMatchesTheReference() {
        FloatImage image = random(3, 8, 11, 2);
        double cy = 3.5;
        double cx = 5;
        for (double[] s : new double[][] {{1, 1}, {1.3, 0.8}, {0.9, 1.1}, {2, 2}}) {
            assertArrayEquals(reference(image, (y, x) -> new double[] {cy + (y - cy) / s[0], cx + (x - cx) / s[1]}),
                    ImageOps.zoom(image, s[0], s[1]).data(), TOLERANCE, "zoom " + s[0] + ", " + s[1]);
        }
        assertArrayEquals(image.data(), ImageOps.zoom(image, 1, 1).data());
        assertThrows(IllegalArgumentException.class, () -> ImageOps.zoom(image, 0, 1));
    }

    @Test
    void shearMatchesTheReference() {
        FloatImage image = random(1, 9, 6, 3);
        double cy = 4;
        for (double degrees : new double[] {0, 10, -25, 45}) {
            double t = Math.tan(Math.toRadians(degrees));
            assertArrayEquals(reference(image, (y, x) -> new double[] {y, x - (y - cy) * t}),
                    ImageOps.shear(image, degrees).data(), TOLERANCE, "shear " + degrees);
        }
        assertThrows(IllegalArgumentException.class, () -> ImageOps.shear(image, 90));
    }

    @Test
    void rotationMatchesTheReference() {
        FloatImage image = random(2, 6, 10, 4);
        double cy = 2.5;
        double cx = 4.5;
        for (double degrees : new double[] {0, 15, -40, 90}) {
            double cos = Math.cos(Math.toRadians(degrees));
            double sin = Math.sin(Math.toRadians(degrees));
            assertArrayEquals(reference(image, (y, x) -> new double[] {
                cy + sin * (x - cx) + cos * (y - cy), cx + cos * (x - cx) - sin * (y - cy)}),
                    ImageOps.rotate(image, degrees).data(), TOLERANCE, "rotation " + degrees);
        }
    }

    @Test
    void seededTransformsDrawTheirParametersInRangeFromTheStream() {
        FloatImage image = random(3, 12, 10, 5);
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom draws = new SplittableRandom(seed);
            double dy = (2 * draws.nextDouble() - 1) * 0.2 * 12;
            double dx = (2 * draws.nextDouble() - 1) * 0.1 * 10;
            assertTrue(Math.abs(dy) <= 2.4 && Math.abs(dx) <= 1);
            assertArrayEquals(ImageOps.shift(image, dy, dx).data(),
                    Transforms.shift(0.2, 0.1).apply(image, new SplittableRandom(seed)).data());

            draws = new SplittableRandom(seed);
            double sy = 0.8 + 0.4 * draws.nextDouble();
            double sx = 0.8 + 0.4 * draws.nextDouble();
            assertArrayEquals(ImageOps.zoom(image, sy, sx).data(),
                    Transforms.zoom(0.8, 1.2).apply(image, new SplittableRandom(seed)).data());

            double degrees = (2 * new SplittableRandom(seed).nextDouble() - 1) * 12;
            assertArrayEquals(ImageOps.shear(image, degrees).data(),
                    Transforms.shear(12).apply(image, new SplittableRandom(seed)).data());
        }
        assertTrue(Transforms.shift(0.1, 0.1).geometric());
        assertTrue(Transforms.zoom(0.9, 1.1).geometric());
        assertTrue(Transforms.shear(5).geometric());
        assertThrows(IllegalArgumentException.class, () -> Transforms.shift(1, 0));
        assertThrows(IllegalArgumentException.class, () -> Transforms.zoom(1.2, 1.1));
        assertThrows(IllegalArgumentException.class, () -> Transforms.shear(-1));
    }

    @Test
    void pipelineOfAffineStepsIsDeterministicPerKey() {
        FloatImage image = random(3, 16, 16, 6);
        TransformPipeline pipeline = new TransformPipeline(9, Transforms.horizontalFlip(0.5), Transforms.rotation(15),
                Transforms.shift(0.1, 0.1), Transforms.zoom(0.9, 1.1), Transforms.shear(10));
        assertArrayEquals(pipeline.apply(image, 3, 4).data(), pipeline.apply(image, 3, 4).data());
        assertFalse(java.util.Arrays.equals(pipeline.apply(image, 3, 4).data(), pipeline.apply(image, 3, 5).data()));
        assertFalse(java.util.Arrays.equals(pipeline.apply(image, 3, 4).data(),
                new TransformPipeline(10, Transforms.shift(0.1, 0.1)).apply(image, 3, 4).data()));
    }

    private static float[] reference(FloatImage image, SourcePoint source) {
        int h = image.height();
        int w = image.width();
        float[] out = new float[image.data().length];
        for (int c = 0; c < image.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double[] p = source.of(y, x);
                    out[(c * h + y) * w + x] = (float) bilinear(image, c, p[0], p[1]);
                }
            }
        }
        return out;
    }

    private static double bilinear(FloatImage image, int c, double y, double x) {
        double cy = Math.min(Math.max(y, 0), image.height() - 1);
        double cx = Math.min(Math.max(x, 0), image.width() - 1);
        int y0 = (int) Math.floor(cy);
        int x0 = (int) Math.floor(cx);
        int y1 = Math.min(y0 + 1, image.height() - 1);
        int x1 = Math.min(x0 + 1, image.width() - 1);
        double ty = cy - y0;
        double tx = cx - x0;
        BiFunction<Integer, Integer, Double> at = (yy, xx) -> (double) image.get(c, yy, xx);
        return (1 - ty) * ((1 - tx) * at.apply(y0, x0) + tx * at.apply(y0, x1))
                + ty * ((1 - tx) * at.apply(y1, x0) + tx * at.apply(y1, x1));
    }

    private static FloatImage random(int channels, int height, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] d = new float[channels * height * width];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) random.nextDouble(-1, 1);
        }
        return new FloatImage(channels, height, width, d);
    }
}
