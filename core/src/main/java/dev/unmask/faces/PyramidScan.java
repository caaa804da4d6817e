package dev.unmask.faces;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The multi-scale window scan of OpenCV 4.6's {@code CascadeClassifier::detectMultiScaleNoGrouping} on the
 * CPU: the scale list, the image pyramid ({@link LinearExactResize}), integral images
 * ({@link IntegralImages}), and at each scale every window position with OpenCV's steps and early
 * rejection. Each scale is independent, so scales run on several threads and the windows come back in
 * (scale, row, column) order whatever the thread count.
 */
final class PyramidScan {
    /** OpenCV's Haar variance check: a window passes only when {@code area / (area * stddev) < 0.1}. */
    private static final double MIN_NORMALISED_STDDEV_RECIPROCAL = 0.1;
    /** Scale factor from which windows are scanned at every pixel instead of every second one. */
    private static final float DENSE_STEP_SCALE = 2f;
    private static final int OFFSETS_PER_HAAR_STUMP = 4 * Cascade.HAAR_RECTS;
    /** Corners of the 4 x 4 grid that bounds an LBP feature's 3 x 3 cells. */
    private static final int OFFSETS_PER_LBP_STUMP = 16;

    /** Worker threads beyond the caller, shared by every detector; idle ones end after a minute. */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "unmask-face-scan");
        t.setDaemon(true);
        return t;
    });

    private PyramidScan() {
    }

    /**
     * The scale factors OpenCV 4.6 scans for an image and window: {@code 1, f, f^2, ...} (accumulated in
     * double, each stored as float) while the window, {@code round(window * factor)}, fits in the image; of
     * those, the ones whose window is within {@code [minSize, maxSize]} ({@code maxSize} 0 means the
     * image size). When none is, the one whose window is nearest {@code minSize} (squared distance).
     */
    static float[] scales(int imageWidth, int imageHeight, int windowWidth, int windowHeight, double scaleFactor,
                          int minWidth, int minHeight, int maxWidth, int maxHeight) {
        if (imageWidth < windowWidth || imageHeight < windowHeight) {
            return new float[0];
        }
        if (maxWidth == 0 || maxHeight == 0) {
            maxWidth = imageWidth;
            maxHeight = imageHeight;
        }
        List<Float> all = new ArrayList<>();
        for (double factor = 1; ; factor *= scaleFactor) {
            if (Math.rint(windowWidth * factor) > imageWidth || Math.rint(windowHeight * factor) > imageHeight) {
                break;
            }
            all.add((float) factor);
        }
        List<Float> kept = new ArrayList<>();
        for (float factor : all) {
            int w = roundHalfEven(windowWidth * factor);
            int h = roundHalfEven(windowHeight * factor);
            if (w > maxWidth || h > maxHeight) {
                break;
            }
            if (w >= minWidth && h >= minHeight) {
                kept.add(factor);
            }
        }
        if (kept.isEmpty() && !all.isEmpty()) {
            int nearest = 0;
            double best = Double.MAX_VALUE;
            for (int i = 0; i < all.size(); i++) {
                double dw = minWidth - roundHalfEven(windowWidth * all.get(i));
                double dh = minHeight - roundHalfEven(windowHeight * all.get(i));
                double d = dw * dw + dh * dh;
                if (d < best) {
                    best = d;
                    nearest = i;
                }
            }
            kept.add(all.get(nearest));
        }
        float[] out = new float[kept.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = kept.get(i);
        }
        return out;
    }

    /**
     * Every window that passes all stages, at every scale in {@code scales}, as a box in image
     * coordinates: {@code (round(x * s), round(y * s), round(w * s), round(h * s))} for window position
     * {@code (x, y)} at scale {@code s} (float arithmetic, ties to even, as OpenCV's {@code cvRound}).
     */
    static List<FaceBox> candidates(Cascade cascade, GrayImage image, float[] scales, int threads) {
        if (scales.length == 0) {
            return List.of();
        }
        int stripes = stripeCount(cascade, image, scales[0]);
        if (stripes == 0) {
            return List.of();
        }
        List<List<FaceBox>> perScale = new ArrayList<>();
        for (int i = 0; i < scales.length; i++) {
            perScale.add(null);
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            Workspace workspace = null;
            for (int s = next.getAndIncrement(); s < scales.length; s = next.getAndIncrement()) {
                Level level = new Level(cascade, image, scales[s], stripes);
                if (workspace == null) {
                    workspace = new Workspace(cascade, image, scales);
                }
                perScale.set(s, level.scan(cascade, image, workspace));
            }
        };
        int helpers = Math.min(threads, scales.length) - 1;
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < helpers; t++) {
            running.add(WORKERS.submit(worker));
        }
        worker.run();
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while scanning for faces", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("face scan failed", e.getCause());
            }
        }
        List<FaceBox> out = new ArrayList<>();
        for (List<FaceBox> boxes : perScale) {
            out.addAll(boxes);
        }
        return out;
    }

    /**
     * OpenCV splits each level's rows into this many stripes, {@code ceil(columns / 32)} of the first level;
     * see {@link Level#rows}.
     */
    private static int stripeCount(Cascade cascade, GrayImage image, float firstScale) {
        return (int) Math.ceil(new Level(cascade, image, firstScale, 1).columns / 32.0);
    }

    /** {@code cvRound} of a float: the nearest integer, ties to even. */
    static int roundHalfEven(float value) {
        return (int) Math.rint(value);
    }

    /** Buffers for one thread, sized for the largest (first) scale. */
    private static final class Workspace {
        final byte[] resized;
        final int[] sums;
        final int[] squares;

        Workspace(Cascade cascade, GrayImage image, float[] scales) {
            Level largest = new Level(cascade, image, scales[0], 1);
            int grid = (largest.width + 1) * (largest.height + 1);
            resized = new byte[largest.width * largest.height];
            boolean haar = cascade.featureType == Cascade.FeatureType.HAAR;
            sums = new int[cascade.hasTiltedFeatures ? 2 * grid : grid];
            squares = haar ? new int[grid] : null;
        }
    }

    /** One pyramid level: the image resized by {@code 1 / scale}, and the window positions scanned on it. */
    private static final class Level {
        final float scale;
        final int width;
        final int height;
        final int stride;
        final int step;
        final int columns;
        /**
         * Rows of window positions scanned: OpenCV cuts the level into stripes of
         * {@code max(ceil(floor(positions / step) / stripes), 1) * step} rows and scans only what they cover,
         * which can leave out the last position row.
         */
        final int rows;
        final int boxWidth;
        final int boxHeight;

        Level(Cascade cascade, GrayImage image, float scale, int stripes) {
            this.scale = scale;
            width = roundHalfEven(image.width() / scale);
            height = roundHalfEven(image.height() / scale);
            stride = width + 1;
            step = scale >= DENSE_STEP_SCALE ? 1 : 2;
            columns = Math.max(width + 1 - cascade.windowWidth, 0);
            int positions = Math.max(height + 1 - cascade.windowHeight, 0);
            int stripeRows = Math.max((positions / step + stripes - 1) / stripes, 1) * step;
            rows = Math.min(stripes * stripeRows, positions);
            boxWidth = roundHalfEven(cascade.windowWidth * scale);
            boxHeight = roundHalfEven(cascade.windowHeight * scale);
        }

        List<FaceBox> scan(Cascade cascade, GrayImage image, Workspace ws) {
            LinearExactResize.resize(image.pixels(), image.width(), image.height(), ws.resized, width, height);
            int tiltedPlane = stride * (height + 1);
            IntegralImages.sums(ws.resized, width, height, ws.sums, ws.squares, stride);
            if (cascade.hasTiltedFeatures) {
                IntegralImages.tilted(ws.resized, width, height, ws.sums, tiltedPlane, stride);
            }
            List<FaceBox> found = new ArrayList<>();
            if (cascade.featureType == Cascade.FeatureType.HAAR) {
                scanHaar(cascade, ws, haarOffsets(cascade, stride, tiltedPlane), found);
            } else {
                scanLbp(cascade, ws, lbpOffsets(cascade, stride), found);
            }
            return found;
        }

        private void accept(int x, int y, List<FaceBox> found) {
            found.add(new FaceBox(roundHalfEven(x * scale), roundHalfEven(y * scale), boxWidth, boxHeight));
        }

        private void scanHaar(Cascade c, Workspace ws, int[] offsets, List<FaceBox> found) {
            int[] sums = ws.sums;
            int[] squares = ws.squares;
            int w = c.windowWidth;
            int h = c.windowHeight;
            // the variance is taken over the window less a one-pixel border, as OpenCV's normrect
            int n0 = 1 + stride;
            int n1 = (w - 1) + stride;
            int n2 = 1 + (h - 1) * stride;
            int n3 = (w - 1) + (h - 1) * stride;
            double area = (double) (w - 2) * (h - 2);
            int[] stageStart = c.stageStart;
            float[] stageThreshold = c.stageThreshold;
            float[] weights = c.rectWeights;
            int[] feature = c.stumpFeature;
            float[] threshold = c.stumpThreshold;
            float[] left = c.leftLeaf;
            float[] right = c.rightLeaf;
            int stages = stageThreshold.length;
            for (int y = 0; y < rows; y += step) {
                for (int x = 0; x < columns; x += step) {
                    int p = y * stride + x;
                    int sum = sums[p + n0] - sums[p + n1] - sums[p + n2] + sums[p + n3];
                    long squareSum = (squares[p + n0] - squares[p + n1] - squares[p + n2] + squares[p + n3])
                            & 0xFFFFFFFFL;
                    double nf = area * squareSum - (double) sum * sum;
                    if (!(nf > 0)) {
                        continue;
                    }
                    float varianceNorm = (float) (1.0 / Math.sqrt(nf));
                    if (!(area * varianceNorm < MIN_NORMALISED_STDDEV_RECIPROCAL)) {
                        continue;
                    }
                    int stage = 0;
                    for (; stage < stages; stage++) {
                        double total = 0;
                        for (int i = stageStart[stage], end = stageStart[stage + 1]; i < end; i++) {
                            int o = i * OFFSETS_PER_HAAR_STUMP;
                            int wi = feature[i] * Cascade.HAAR_RECTS;
                            float value = weights[wi] * rectSum(sums, p, offsets, o)
                                    + weights[wi + 1] * rectSum(sums, p, offsets, o + 4);
                            if (weights[wi + 2] != 0f) {
                                value += weights[wi + 2] * rectSum(sums, p, offsets, o + 8);
                            }
                            value *= varianceNorm;
                            total += value < threshold[i] ? left[i] : right[i];
                        }
                        if (total < stageThreshold[stage]) {
                            break;
                        }
                    }
                    if (stage == stages) {
                        accept(x, y, found);
                    } else if (stage == 0) {
                        x += step;
                    }
                }
            }
        }

        private void scanLbp(Cascade c, Workspace ws, int[] offsets, List<FaceBox> found) {
            int[] sums = ws.sums;
            int[] stageStart = c.stageStart;
            float[] stageThreshold = c.stageThreshold;
            int[] subsets = c.lbpSubsets;
            float[] left = c.leftLeaf;
            float[] right = c.rightLeaf;
            int stages = stageThreshold.length;
            for (int y = 0; y < rows; y += step) {
                for (int x = 0; x < columns; x += step) {
                    int p = y * stride + x;
                    int stage = 0;
                    for (; stage < stages; stage++) {
                        double total = 0;
                        for (int i = stageStart[stage], end = stageStart[stage + 1]; i < end; i++) {
                            int code = lbpCode(sums, p, offsets, i * OFFSETS_PER_LBP_STUMP);
                            int word = subsets[i * Cascade.LBP_SUBSET_WORDS + (code >> 5)];
                            total += (word & (1 << (code & 31))) != 0 ? left[i] : right[i];
                        }
                        if (total < stageThreshold[stage]) {
                            break;
                        }
                    }
                    if (stage == stages) {
                        accept(x, y, found);
                    } else if (stage == 0) {
                        x += step;
                    }
                }
            }
        }
    }

    /** {@code S[p0] - S[p1] - S[p2] + S[p3]} for the four corner offsets at {@code offsets[o..o+3]}. */
    private static int rectSum(int[] sums, int p, int[] offsets, int o) {
        return sums[p + offsets[o]] - sums[p + offsets[o + 1]] - sums[p + offsets[o + 2]] + sums[p + offsets[o + 3]];
    }

    /**
     * The 8-bit local binary pattern of a 3 x 3 grid of cells, corners {@code g[0..15]} in row-major order of
     * the 4 x 4 corner grid: bit 7 for the top-left cell down to bit 0, clockwise from the top-left, each set
     * when that cell's sum is at least the centre cell's (OpenCV's {@code LBPEvaluator::OptFeature::calc}).
     */
    private static int lbpCode(int[] s, int p, int[] g, int o) {
        int c0 = s[p + g[o]];
        int c1 = s[p + g[o + 1]];
        int c2 = s[p + g[o + 2]];
        int c3 = s[p + g[o + 3]];
        int c4 = s[p + g[o + 4]];
        int c5 = s[p + g[o + 5]];
        int c6 = s[p + g[o + 6]];
        int c7 = s[p + g[o + 7]];
        int c8 = s[p + g[o + 8]];
        int c9 = s[p + g[o + 9]];
        int c10 = s[p + g[o + 10]];
        int c11 = s[p + g[o + 11]];
        int c12 = s[p + g[o + 12]];
        int c13 = s[p + g[o + 13]];
        int c14 = s[p + g[o + 14]];
        int c15 = s[p + g[o + 15]];
        int centre = c5 - c6 - c9 + c10;
        return (c0 - c1 - c4 + c5 >= centre ? 128 : 0)
                | (c1 - c2 - c5 + c6 >= centre ? 64 : 0)
                | (c2 - c3 - c6 + c7 >= centre ? 32 : 0)
                | (c6 - c7 - c10 + c11 >= centre ? 16 : 0)
                | (c10 - c11 - c14 + c15 >= centre ? 8 : 0)
                | (c9 - c10 - c13 + c14 >= centre ? 4 : 0)
                | (c8 - c9 - c12 + c13 >= centre ? 2 : 0)
                | (c4 - c5 - c8 + c9 >= centre ? 1 : 0);
    }

    /**
     * Per stump, the 4 corner offsets of each of its feature's 3 rectangles on a grid of row stride
     * {@code stride}: upright {@code (x, y), (x + w, y), (x, y + h), (x + w, y + h)}; tilted, in the plane at
     * {@code tiltedPlane}, {@code (x, y), (x - h, y + h), (x + w, y + w), (x + w - h, y + w + h)}. An unused
     * rectangle has four equal offsets, so its sum is 0.
     */
    static int[] haarOffsets(Cascade c, int stride, int tiltedPlane) {
        int[] out = new int[c.stumpFeature.length * OFFSETS_PER_HAAR_STUMP];
        for (int i = 0; i < c.stumpFeature.length; i++) {
            int f = c.stumpFeature[i];
            for (int r = 0; r < Cascade.HAAR_RECTS; r++) {
                int k = (f * Cascade.HAAR_RECTS + r) * 4;
                int x = c.featureRects[k];
                int y = c.featureRects[k + 1];
                int w = c.featureRects[k + 2];
                int h = c.featureRects[k + 3];
                int o = i * OFFSETS_PER_HAAR_STUMP + 4 * r;
                if (c.tilted[f]) {
                    out[o] = tiltedPlane + x + stride * y;
                    out[o + 1] = tiltedPlane + x - h + stride * (y + h);
                    out[o + 2] = tiltedPlane + x + w + stride * (y + w);
                    out[o + 3] = tiltedPlane + x + w - h + stride * (y + w + h);
                } else {
                    out[o] = x + stride * y;
                    out[o + 1] = x + w + stride * y;
                    out[o + 2] = x + stride * (y + h);
                    out[o + 3] = x + w + stride * (y + h);
                }
            }
        }
        return out;
    }

    /** Per stump, the 16 corners {@code (x + i w, y + j h)}, {@code i, j = 0..3}, row by row. */
    static int[] lbpOffsets(Cascade c, int stride) {
        int[] out = new int[c.stumpFeature.length * OFFSETS_PER_LBP_STUMP];
        for (int i = 0; i < c.stumpFeature.length; i++) {
            int k = 4 * c.stumpFeature[i];
            int x = c.featureRects[k];
            int y = c.featureRects[k + 1];
            int w = c.featureRects[k + 2];
            int h = c.featureRects[k + 3];
            for (int row = 0; row < 4; row++) {
                for (int col = 0; col < 4; col++) {
                    out[i * OFFSETS_PER_LBP_STUMP + 4 * row + col] = x + col * w + stride * (y + row * h);
                }
            }
        }
        return out;
    }
}
