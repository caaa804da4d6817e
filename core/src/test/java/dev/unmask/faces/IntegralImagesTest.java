package dev.unmask.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Integral images against plain sums over their definitions, on awkward sizes and with padded strides. */
class IntegralImagesTest {
    private static final int[][] SIZES = {{1, 1}, {1, 13}, {13, 1}, {2, 2}, {31, 33}, {33, 7}, {5, 40}};

    @Test
    void sumsAndSquaresAreRectangleSums() {
        SplittableRandom random = new SplittableRandom(3);
        for (int[] size : SIZES) {
            int w = size[0];
            int h = size[1];
            byte[] image = randomImage(random, w, h);
            int stride = w + 4;
            int[] sum = new int[stride * (h + 1)];
            int[] squares = new int[stride * (h + 1)];
            IntegralImages.sums(image, w, h, sum, squares, stride);
            for (int y = 0; y <= h; y++) {
                for (int x = 0; x <= w; x++) {
                    long s = 0;
                    long q = 0;
                    for (int yy = 0; yy < y; yy++) {
                        for (int xx = 0; xx < x; xx++) {
                            int v = image[yy * w + xx] & 0xFF;
                            s += v;
                            q += v * v;
                        }
                    }
                    assertEquals(s, sum[y * stride + x], w + "x" + h + " sum at (" + x + ", " + y + ")");
                    assertEquals(q, squares[y * stride + x], w + "x" + h + " squares at (" + x + ", " + y + ")");
                }
            }
        }
    }

    @Test
    void squaredSumsOfWindowsSurviveWrapAround() {
        // 300 x 300 pixels of 255 square to 5.85e9 in total, beyond 32 bits; OpenCV keeps 32-bit squares
        // and a window's difference of four corners is still right modulo 2^32
        int w = 300;
        int h = 300;
        byte[] image = new byte[w * h];
        Arrays.fill(image, (byte) 255);
        int[] sum = new int[(w + 1) * (h + 1)];
        int[] squares = new int[(w + 1) * (h + 1)];
        IntegralImages.sums(image, w, h, sum, squares, w + 1);
        int x0 = 250;
        int y0 = 260;
        int x1 = 274;
        int y1 = 284;
        int stride = w + 1;
        long window = (squares[y1 * stride + x1] - squares[y1 * stride + x0] - squares[y0 * stride + x1]
                + squares[y0 * stride + x0]) & 0xFFFFFFFFL;
        assertEquals(24L * 24 * 255 * 255, window);
    }

    @Test
    void tiltedIsTheUpwardTriangleSum() {
        SplittableRandom random = new SplittableRandom(5);
        for (int[] size : SIZES) {
            int w = size[0];
            int h = size[1];
            byte[] image = randomImage(random, w, h);
            int stride = w + 3;
            int offset = 17;
            int[] tilted = new int[offset + stride * (h + 1)];
            IntegralImages.tilted(image, w, h, tilted, offset, stride);
            for (int y = 0; y <= h; y++) {
                for (int x = 0; x <= w; x++) {
                    long t = 0;
                    for (int yy = 0; yy < y; yy++) {
                        for (int xx = 0; xx < w; xx++) {
                            if (Math.abs(xx - (x - 1)) <= y - 1 - yy) {
                                t += image[yy * w + xx] & 0xFF;
                            }
                        }
                    }
                    assertEquals(t, tilted[offset + y * stride + x], w + "x" + h + " tilted at (" + x + ", " + y + ")");
                }
            }
        }
    }

    private static byte[] randomImage(SplittableRandom random, int w, int h) {
        byte[] image = new byte[w * h];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) random.nextInt(256);
        }
        return image;
    }
}
