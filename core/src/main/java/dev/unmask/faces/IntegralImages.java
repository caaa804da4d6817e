package dev.unmask.faces;

import java.util.Arrays;

/**
 * Integral images of an 8-bit {@code w x h} image on a {@code (w + 1) x (h + 1)} grid with row stride
 * {@code stride >= w + 1}, as OpenCV's {@code integral(src, sum, sqsum, tilted, CV_32S, CV_32S)}:
 * <ul>
 *   <li>sum: {@code S(X, Y) = sum of I(x, y) over x < X, y < Y};</li>
 *   <li>squares: the same over {@code I(x, y)^2}, in 32-bit arithmetic that wraps as OpenCV's does
 *       (a window's squared sum is a difference of these, so it comes out right modulo 2^32);</li>
 *   <li>tilted (45 degrees): {@code T(X, Y) = sum of I(x, y) over y < Y, |x - (X - 1)| <= Y - 1 - y}, the
 *       upward-opening triangle whose apex is pixel {@code (X - 1, Y - 1)}.</li>
 * </ul>
 * Grid entry {@code (X, Y)} is at {@code offset + Y * stride + X}.
 */
final class IntegralImages {
    private IntegralImages() {
    }

    /** Fills the sum grid and, unless {@code squares} is null, the squared-sum grid (both from offset 0). */
    static void sums(byte[] image, int w, int h, int[] sum, int[] squares, int stride) {
        Arrays.fill(sum, 0, w + 1, 0);
        if (squares != null) {
            Arrays.fill(squares, 0, w + 1, 0);
        }
        for (int y = 0; y < h; y++) {
            int above = y * stride;
            int row = above + stride;
            int in = y * w;
            sum[row] = 0;
            int rowSum = 0;
            if (squares == null) {
                for (int x = 0; x < w; x++) {
                    rowSum += image[in + x] & 0xFF;
                    sum[row + x + 1] = sum[above + x + 1] + rowSum;
                }
            } else {
                squares[row] = 0;
                int rowSquares = 0;
                for (int x = 0; x < w; x++) {
                    int v = image[in + x] & 0xFF;
                    rowSum += v;
                    rowSquares += v * v;
                    sum[row + x + 1] = sum[above + x + 1] + rowSum;
                    squares[row + x + 1] = squares[above + x + 1] + rowSquares;
                }
            }
        }
    }

    /**
     * Fills the tilted grid at {@code offset}. Rows are built by the recurrence
     * {@code T(X, Y) = T(X - 1, Y - 1) + T(X + 1, Y - 1) - T(X, Y - 2) + I(X - 1, Y - 1) + I(X - 1, Y - 2)}
     * on rows widened by {@code h + 1} columns each side, where the triangles reach past the image and
     * the outermost columns stay zero.
     */
    static void tilted(byte[] image, int w, int h, int[] tilted, int offset, int stride) {
        int margin = h + 1;
        int width = w + 2 * margin + 1;
        int[] twoAbove = new int[width];
        int[] above = new int[width];
        int[] current = new int[width];
        Arrays.fill(tilted, offset, offset + w + 1, 0);
        for (int y = 1; y <= h; y++) {
            int pixelsAbove = (y - 1) * w;
            for (int e = 1; e < width - 1; e++) {
                int x = e - margin - 1;
                int value = above[e - 1] + above[e + 1] - twoAbove[e];
                if (x >= 0 && x < w) {
                    value += image[pixelsAbove + x] & 0xFF;
                    if (y >= 2) {
                        value += image[pixelsAbove - w + x] & 0xFF;
                    }
                }
                current[e] = value;
            }
            System.arraycopy(current, margin, tilted, offset + y * stride, w + 1);
            int[] recycled = twoAbove;
            twoAbove = above;
            above = current;
            current = recycled;
        }
    }
}
