package dev.unmask.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TransformsTest {
    // float32 rounding of a few multiply-adds on values of order 1
    private static final float FLOAT_TOLERANCE = 1e-5f;
    // one 8-bit level plus rounding: the largest error of a lossless 8-bit round trip
    private static final float BYTE_LEVEL = 1f / 127.5f;

    private static FloatImage ramp(int channels, int height, int width) {
        float[] d = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    d[(c * height + y) * width + x] = rampValue(c, y, x);
                }
            }
        }
        return new FloatImage(channels, height, width, d);
    }

    private static float rampValue(int c, double y, double x) {
        return (float) (0.1 * x + 0.05 * y - 0.3 * c - 0.5);
    }

    @Test
    void flipTwiceIsIdentityAndFlipMirrorsColumns() {
        FloatImage image = new SynthFaces(1, 32, 0.5).face(0);
        assertArrayEquals(image.data(), ImageOps.flipHorizontal(ImageOps.flipHorizontal(image)).data());
        FloatImage small = new FloatImage(1, 2, 3, new float[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, ImageOps.flipHorizontal(small).data());
    }

    @Test
    void bilinearResizeOfHandCases() {
        FloatImage row = new FloatImage(1, 1, 4, new float[] {0, 1, 2, 3});
        // output centres map to input 0.5 and 2.5
        assertArrayEquals(new float[] {0.5f, 2.5f}, ImageOps.resizeBilinear(row, 1, 2).data(), FLOAT_TOLERANCE);
        FloatImage pair = new FloatImage(1, 1, 2, new float[] {4, 8});
        // output centres map to input -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
        assertArrayEquals(new float[] {4, 5, 7, 8}, ImageOps.resizeBilinear(pair, 1, 4).data(), FLOAT_TOLERANCE);
    }

    @Test
    void bilinearResizeReproducesALinearGradient() {
        // bilinear interpolation is exact on a linear function wherever the sample point is inside the grid
        FloatImage image = ramp(2, 8, 8);
        FloatImage out = ImageOps.resizeBilinear(image, 5, 11);
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 11; x++) {
                    double sy = Math.min(7, Math.max(0, (y + 0.5) * 8 / 5.0 - 0.5));
                    double sx = Math.min(7, Math.max(0, (x + 0.5) * 8 / 11.0 - 0.5));
                    assertEquals(rampValue(c, sy, sx), out.get(c, y, x), FLOAT_TOLERANCE, "at " + c + "," + y + "," + x);
                }
            }
        }
    }

    @Test
    void centreCropTakesTheMiddle() {
        float[] d = new float[16];
        for (int i = 0; i < 16; i++) {
            d[i] = i;
        }
        FloatImage image = new FloatImage(1, 4, 4, d);
        assertArrayEquals(new float[] {5, 6, 9, 10}, ImageOps.centreCrop(image, 2, 2).data());
        assertArrayEquals(new float[] {4, 5, 6, 8, 9, 10}, ImageOps.centreCrop(image, 2, 3).data());
        assertThrows(IllegalArgumentException.class, () -> ImageOps.centreCrop(image, 5, 2));
    }

    @Test
    void blurOfConstantIsConstantAndOfImpulseIsSymmetricWithUnitSum() {
        float[] constant = new float[3 * 20 * 20];
        Arrays.fill(constant, 0.37f);
        FloatImage blurred = ImageOps.gaussianBlur(new FloatImage(3, 20, 20, constant), 2.0);
        for (float v : blurred.data()) {
            assertEquals(0.37f, v, FLOAT_TOLERANCE);
        }
        float[] impulse = new float[21 * 21];
        impulse[10 * 21 + 10] = 1f;
        FloatImage spread = ImageOps.gaussianBlur(new FloatImage(1, 21, 21, impulse), 1.5);
        double sum = 0;
        for (float v : spread.data()) {
            sum += v;
        }
        assertEquals(1.0, sum, FLOAT_TOLERANCE);
        // the kernel is a sampled Gaussian: neighbours at distance 1 and 2 keep the ratio exp(-(4-1)/(2 sigma^2))
        double ratio = spread.get(0, 10, 12) / spread.get(0, 10, 11);
        assertEquals(Math.exp(-3 / (2 * 1.5 * 1.5)), ratio, 1e-4);
        assertEquals(spread.get(0, 10, 12), spread.get(0, 12, 10), FLOAT_TOLERANCE);
        assertEquals(spread.get(0, 10, 8), spread.get(0, 10, 12), FLOAT_TOLERANCE);
    }

    @Test
    void normaliseMapsRangeToMinusOneOne() {
        FloatImage raw = new FloatImage(1, 1, 5, new float[] {0, 127.5f, 255, -10, 300});
        assertArrayEquals(new float[] {-1, 0, 1, -1, 1}, ImageOps.normalise(raw, 0, 255).data(), FLOAT_TOLERANCE);
        FloatImage unit = new FloatImage(1, 1, 3, new float[] {0, 0.25f, 1});
        assertArrayEquals(new float[] {-1, -0.5f, 1},
                Transforms.normalise(0, 1).apply(unit, new SplittableRandom(0)).data(), FLOAT_TOLERANCE);
    }

    @Test
    void rotationByQuarterTurnPermutesPixels() {
        FloatImage image = ramp(1, 5, 5);
        FloatImage turned = ImageOps.rotate(image, 90);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                // counter-clockwise on screen: the right column becomes the top row
                assertEquals(image.get(0, x, 4 - y), turned.get(0, y, x), FLOAT_TOLERANCE);
            }
        }
        assertArrayEquals(image.data(), ImageOps.rotate(image, 0).data(), FLOAT_TOLERANCE);
    }

    @Test
    void brightnessAndContrastFollowTheFormula() {
        FloatImage image = new FloatImage(1, 1, 3, new float[] {-0.5f, 0f, 0.8f});
        assertArrayEquals(new float[] {-0.65f, 0.1f, 1f},
                ImageOps.brightnessContrast(image, 0.1f, 1.5f).data(), FLOAT_TOLERANCE);
    }

    @Test
    void byteConversionsRoundTrip() {
        FloatImage face = new SynthFaces(2, 32, 0.5).face(1);
        assertArrayEquals(face.data(), ImageOps.fromBufferedImage(ImageOps.toBufferedImage(face), 3).data());
        FloatImage grey = ImageOps.quantise(ramp(1, 6, 6));
        assertArrayEquals(grey.data(), ImageOps.fromBufferedImage(ImageOps.toBufferedImage(grey), 1).data());
        FloatImage greyAsRgb = ImageOps.fromBufferedImage(ImageOps.toBufferedImage(grey), 3);
        assertArrayEquals(grey.data(), Arrays.copyOfRange(greyAsRgb.data(), 36, 72));
    }

    @Test
    void jpegLosesMoreAtLowQuality() {
        FloatImage face = new SynthFaces(2, 64, 0.5).face(3);
        double high = meanAbsDifference(face, ImageOps.jpeg(face, 100));
        double low = meanAbsDifference(face, ImageOps.jpeg(face, 10));
        assertTrue(high < 2 * BYTE_LEVEL, "quality 100 error " + high);
        assertTrue(low > 2 * high, "quality 10 error " + low + " vs quality 100 " + high);
        assertThrows(IllegalArgumentException.class, () -> ImageOps.jpeg(face, 0));
    }

    @Test
    void pipelineIsDeterministicPerKeyAndIndependentOfThreads() {
        TransformPipeline pipeline = new TransformPipeline(42,
                Transforms.horizontalFlip(0.5), Transforms.rotation(10), Transforms.brightnessContrast(0.1f, 0.2f),
                Transforms.randomly(0.5, Transforms.gaussianBlur(0.5, 1.5)), Transforms.randomly(0.5, Transforms.jpeg(30, 90)),
                Transforms.resize(24, 24), Transforms.centreCrop(20, 20));
        SynthFaces faces = new SynthFaces(1, 32, 0.5);
        List<float[]> sequential = IntStream.range(0, 16)
                .mapToObj(i -> pipeline.apply(faces.face(i), i).data()).toList();
        List<float[]> parallel = IntStream.range(0, 16).parallel()
                .mapToObj(i -> pipeline.apply(faces.face(i), i).data()).toList();
        for (int i = 0; i < 16; i++) {
            assertArrayEquals(sequential.get(i), parallel.get(i));
            assertEquals(3 * 20 * 20, sequential.get(i).length);
        }
        FloatImage face = faces.face(0);
        assertFalse(Arrays.equals(pipeline.apply(face, 1).data(), pipeline.apply(face, 2).data()));
        assertFalse(Arrays.equals(pipeline.apply(face, 1).data(),
                new TransformPipeline(43, List.of(Transforms.rotation(10))).apply(face, 1).data()));
    }

    @Test
    void geometricStepsMoveTheMaskAndPhotometricStepsLeaveIt() {
        float[] left = new float[8 * 8];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 3; x++) {
                left[y * 8 + x] = 1f;
            }
        }
        FloatImage image = ramp(3, 8, 8);
        Example example = new Example(image, 1, new FloatImage(1, 8, 8, left));
        Example flipped = new TransformPipeline(0, Transforms.horizontalFlip(1), Transforms.gaussianBlur(1, 1))
                .apply(example, 5);
        assertArrayEquals(ImageOps.flipHorizontal(example.mask()).data(), flipped.mask().data());
        assertArrayEquals(ImageOps.gaussianBlur(ImageOps.flipHorizontal(image), 1).data(), flipped.image().data());
        Example resized = new TransformPipeline(0, Transforms.resize(16, 16)).apply(example, 5);
        assertEquals(16, resized.mask().width());
        for (float v : resized.mask().data()) {
            assertTrue(v == 0f || v == 1f, "mask not binary after resize");
        }
        assertEquals(1, resized.label());
    }

    private static double meanAbsDifference(FloatImage a, FloatImage b) {
        double sum = 0;
        for (int i = 0; i < a.data().length; i++) {
            sum += Math.abs(a.data()[i] - b.data()[i]);
        }
        return sum / a.data().length;
    }
}
