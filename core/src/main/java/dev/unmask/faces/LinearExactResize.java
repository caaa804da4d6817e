package dev.unmask.faces;

/**
 * Bilinear resize of an 8-bit grey image in fixed point, bit for bit as OpenCV 4.6's
 * {@code resize(..., INTER_LINEAR_EXACT)}, which its cascade detector uses to build the image pyramid.
 *
 * <p>Output column {@code d} samples source coordinate {@code f = (d + 0.5) * sw / dw - 0.5} (double
 * arithmetic, scale {@code 1 / (dw / sw)}); with {@code i = floor(f)}, the weights are
 * {@code c1 = rint((f - i) * 256)} and {@code c0 = 256 - c1} (8 fractional bits, ties to even). Columns
 * with {@code f < 0} take source column 0, columns with {@code i >= sw - 1} the last one. Rows likewise.
 * A row is first resized horizontally to 8 fractional bits, {@code h = c0 p[i] + c1 p[i + 1]}; an output
 * pixel between source rows is {@code (r0 h[i] + r1 h[i + 1] + 2^15) >> 16}, one on a clamped row
 * {@code (h + 2^7) >> 8}. Equal sizes copy the image.
 */
final class LinearExactResize {
    private static final int FRACTION_BITS = 8;
    private static final int ONE = 1 << FRACTION_BITS;

    private LinearExactResize() {
    }

    /** {@code source} resized to {@code width x height}. */
    static GrayImage resize(GrayImage source, int width, int height) {
        byte[] out = new byte[width * height];
        resize(source.pixels(), source.width(), source.height(), out, width, height);
        return new GrayImage(width, height, out);
    }

    /** Resizes the {@code sw x sh} image {@code src} into {@code dst}, whose first {@code dw * dh} bytes it sets. */
    static void resize(byte[] src, int sw, int sh, byte[] dst, int dw, int dh) {
        if (sw == dw && sh == dh) {
            System.arraycopy(src, 0, dst, 0, sw * sh);
            return;
        }
        Axis columns = new Axis(sw, dw);
        Axis rows = new Axis(sh, dh);
        int[] upper = new int[dw];
        int[] lower = new int[dw];
        int upperRow = -1;
        int lowerRow = -1;
        for (int dy = 0; dy < dh; dy++) {
            int out = dy * dw;
            if (dy < rows.first || dy >= rows.end) {
                int sy = dy < rows.first ? 0 : sh - 1;
                if (upperRow != sy) {
                    columns.resizeRow(src, sy * sw, upper);
                    upperRow = sy;
                }
                for (int dx = 0; dx < dw; dx++) {
                    dst[out + dx] = (byte) ((upper[dx] + (ONE >> 1)) >> FRACTION_BITS);
                }
                continue;
            }
            int sy = rows.offset[dy];
            if (upperRow != sy) {
                if (lowerRow == sy) {
                    int[] swap = upper;
                    upper = lower;
                    lower = swap;
                } else {
                    columns.resizeRow(src, sy * sw, upper);
                }
                upperRow = sy;
                lowerRow = -1;
            }
            if (lowerRow != sy + 1) {
                columns.resizeRow(src, (sy + 1) * sw, lower);
                lowerRow = sy + 1;
            }
            int w0 = rows.weight0[dy];
            int w1 = rows.weight1[dy];
            for (int dx = 0; dx < dw; dx++) {
                // at most (255 * 256) * 256 + 2^15, so the shifted value stays within 0..255
                dst[out + dx] = (byte) ((upper[dx] * w0 + lower[dx] * w1 + (1 << (2 * FRACTION_BITS - 1)))
                        >> (2 * FRACTION_BITS));
            }
        }
    }

    /**
     * Source positions and weights along one axis: outputs {@code [0, first)} take the first source pixel,
     * {@code [end, dst)} the last, the others interpolate {@code offset} and {@code offset + 1}.
     */
    private static final class Axis {
        final int[] offset;
        final int[] weight0;
        final int[] weight1;
        final int first;
        final int end;
        private final int sourceSize;

        Axis(int sourceSize, int destinationSize) {
            this.sourceSize = sourceSize;
            offset = new int[destinationSize];
            weight0 = new int[destinationSize];
            weight1 = new int[destinationSize];
            double scale = 1.0 / ((double) destinationSize / sourceSize);
            int firstInside = 0;
            int endInside = destinationSize;
            for (int d = 0; d < destinationSize; d++) {
                double f = scale * (d + 0.5) - 0.5;
                int i = (int) Math.floor(f);
                if (i >= 0 && sourceSize > 1) {
                    if (i < sourceSize - 1) {
                        offset[d] = i;
                        weight1[d] = (int) Math.rint((f - i) * ONE);
                        weight0[d] = ONE - weight1[d];
                    } else {
                        offset[d] = sourceSize - 1;
                        endInside = Math.min(endInside, d);
                    }
                } else {
                    firstInside = Math.max(firstInside, d + 1);
                }
            }
            first = firstInside;
            end = Math.max(endInside, firstInside);
        }

        /** One source row (starting at {@code rowStart}) resized to 8 fractional bits. */
        void resizeRow(byte[] src, int rowStart, int[] out) {
            int left = (src[rowStart] & 0xFF) << FRACTION_BITS;
            int right = (src[rowStart + sourceSize - 1] & 0xFF) << FRACTION_BITS;
            int d = 0;
            for (; d < first; d++) {
                out[d] = left;
            }
            for (; d < end; d++) {
                int p = rowStart + offset[d];
                out[d] = weight0[d] * (src[p] & 0xFF) + weight1[d] * (src[p + 1] & 0xFF);
            }
            for (; d < out.length; d++) {
                out[d] = right;
            }
        }
    }
}
