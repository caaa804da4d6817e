package dev.unmask.faces;

import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;
import java.awt.image.BufferedImage;

/**
 * Square face crops with a margin, as a model's input.
 *
 * <p>Geometry: the square's side is {@code s = max(1, round(scale * max(w, h)))} (round half up), its
 * left column {@code x + floor((w - s) / 2)} and top row {@code y + floor((h - s) / 2)}, so it is centred on
 * the box (to the pixel, rounding up and left). Where it leaves the image the image is reflected about its
 * edge pixels without repeating them ({@code ... c b | a b c d | c b a ...}: numpy's {@code pad(mode="reflect")},
 * OpenCV's {@code BORDER_REFLECT_101}), as often as needed when the square is far outside; an image one pixel
 * wide repeats that pixel. The square is then resized to {@code size x size} by {@link ImageOps#resizeBilinear}
 * (PyTorch's bilinear, {@code align_corners=False}, no antialiasing).
 */
public final class FaceCrop {
    /** Default margin: the square's side is 1.3 times the box's longer side. */
    public static final double DEFAULT_SCALE = 1.3;
    /** Largest square side accepted, so that a wild box or scale cannot ask for gigabytes. */
    public static final int MAX_SIDE = 1 << 14;

    private FaceCrop() {
    }

    /** The square around {@code box} with side {@code scale * max(w, h)}, resized to {@code size x size}. */
    public static FloatImage crop(FloatImage image, FaceBox box, double scale, int size) {
        checkSize(size);
        return ImageOps.resizeBilinear(square(image, box, scale), size, size);
    }

    /**
     * As {@link #crop(FloatImage, FaceBox, double, int)} on the RGB values of {@code image}
     * ({@link ImageOps#fromBufferedImage} with 3 channels, [-1, 1]); only the pixels the square needs are
     * converted.
     */
    public static FloatImage crop(BufferedImage image, FaceBox box, double scale, int size) {
        checkSize(size);
        Square sq = new Square(box, scale);
        Span columns = Span.needed(sq.left, sq.side, image.getWidth());
        Span rows = Span.needed(sq.top, sq.side, image.getHeight());
        FloatImage region = ImageOps.fromBufferedImage(
                image.getSubimage(columns.first, rows.first, columns.count(), rows.count()), 3);
        return ImageOps.resizeBilinear(extract(region, sq, columns, rows), size, size);
    }

    /** The square around {@code box} at its own resolution ({@code side x side}, same channels as {@code image}). */
    public static FloatImage square(FloatImage image, FaceBox box, double scale) {
        Square sq = new Square(box, scale);
        return extract(image, sq, new Span(0, image.width() - 1, image.width()),
                new Span(0, image.height() - 1, image.height()));
    }

    /**
     * The square's pixels; {@code region} holds image columns {@code columns.first..last} and rows
     * {@code rows.first..last} of an image of {@code columns.length x rows.length}.
     */
    private static FloatImage extract(FloatImage region, Square sq, Span columns, Span rows) {
        int side = sq.side;
        int[] sourceColumn = new int[side];
        int[] sourceRow = new int[side];
        for (int i = 0; i < side; i++) {
            sourceColumn[i] = reflect(sq.left + i, columns.length) - columns.first;
            sourceRow[i] = reflect(sq.top + i, rows.length) - rows.first;
        }
        int channels = region.channels();
        float[] in = region.data();
        float[] out = new float[channels * side * side];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < side; y++) {
                int from = (c * region.height() + sourceRow[y]) * region.width();
                int to = (c * side + y) * side;
                for (int x = 0; x < side; x++) {
                    out[to + x] = in[from + sourceColumn[x]];
                }
            }
        }
        return new FloatImage(channels, side, side, out);
    }

    /** Index {@code i} reflected into {@code [0, n)} without repeating the edge: period {@code 2 (n - 1)}. */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int r = Math.floorMod(i, period);
        return r < n ? r : period - r;
    }

    private static void checkSize(int size) {
        if (size <= 0 || size > MAX_SIDE) {
            throw new IllegalArgumentException("crop size must be in 1.." + MAX_SIDE + ", got " + size);
        }
    }

    /** The square's side and top-left corner in image coordinates. */
    private static final class Square {
        final int side;
        final int left;
        final int top;

        Square(FaceBox box, double scale) {
            if (!(scale > 0) || Double.isInfinite(scale)) {
                throw new IllegalArgumentException("crop scale must be a finite number > 0, got " + scale);
            }
            double wanted = Math.floor(scale * Math.max(box.width(), box.height()) + 0.5);
            if (wanted > MAX_SIDE) {
                throw new IllegalArgumentException("a crop of " + box + " at scale " + scale + " would be "
                        + (long) wanted + " pixels wide; the limit is " + MAX_SIDE);
            }
            side = Math.max(1, (int) wanted);
            left = box.x() + Math.floorDiv(box.width() - side, 2);
            top = box.y() + Math.floorDiv(box.height() - side, 2);
        }
    }

    /** The image indices (of an axis of {@code length}) a run of {@code count} positions from {@code start} reads. */
    private record Span(int first, int last, int length) {
        static Span needed(int start, int count, int length) {
            int first = Integer.MAX_VALUE;
            int last = Integer.MIN_VALUE;
            for (int i = 0; i < count; i++) {
                int r = reflect(start + i, length);
                first = Math.min(first, r);
                last = Math.max(last, r);
            }
            return new Span(first, last, length);
        }

        int count() {
            return last - first + 1;
        }
    }
}
