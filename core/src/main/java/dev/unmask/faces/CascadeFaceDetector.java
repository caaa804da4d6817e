package dev.unmask.faces;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Face detection with a boosted cascade, giving what OpenCV 4.6's
 * {@code CascadeClassifier.detectMultiScale(image, scaleFactor, minNeighbors, 0, minSize, maxSize)} gives
 * for the same 8-bit image: grey conversion ({@link GrayImage#fromBufferedImage}), the image pyramid and window
 * scan ({@code 1 / scaleFactor} per level, bit-exact bilinear shrinking, windows every 2 pixels below
 * scale 2 and every pixel from there), then grouping of overlapping windows (eps 0.2, kept when more than
 * {@code minNeighbours} windows agree) and clipping to the image.
 *
 * <p>Defaults, as OpenCV's: scale factor {@value #DEFAULT_SCALE_FACTOR}, min neighbours
 * {@value #DEFAULT_MIN_NEIGHBOURS}, no minimum size beyond the cascade's window (24 x 24 for the Haar
 * cascade, 45 x 45 for the LBP one), no maximum below the image size, one thread. Min neighbours 0
 * returns the raw windows. Results do not depend on the thread count. Instances are immutable and
 * thread-safe; {@code with...} returns a changed copy.
 */
public final class CascadeFaceDetector implements FaceDetector {
    public static final double DEFAULT_SCALE_FACTOR = 1.1;
    public static final int DEFAULT_MIN_NEIGHBOURS = 3;
    /** OpenCV's {@code GROUP_EPS}: how far apart (relative to size) two windows may be and still be grouped. */
    static final double GROUP_EPS = 0.2;

    private final Cascade cascade;
    private final double scaleFactor;
    private final int minNeighbours;
    private final int minWidth;
    private final int minHeight;
    private final int maxWidth;
    private final int maxHeight;
    private final int threads;

    private CascadeFaceDetector(Cascade cascade, double scaleFactor, int minNeighbours, int minWidth,
                                int minHeight, int maxWidth, int maxHeight, int threads) {
        this.cascade = cascade;
        this.scaleFactor = scaleFactor;
        this.minNeighbours = minNeighbours;
        this.minWidth = minWidth;
        this.minHeight = minHeight;
        this.maxWidth = maxWidth;
        this.maxHeight = maxHeight;
        this.threads = threads;
    }

    /** A detector running {@code cascade} with the default settings. */
    public static CascadeFaceDetector of(Cascade cascade) {
        return new CascadeFaceDetector(cascade, DEFAULT_SCALE_FACTOR, DEFAULT_MIN_NEIGHBOURS, 0, 0, 0, 0, 1);
    }

    /** OpenCV's default frontal Haar cascade ({@link Cascade#haarFrontalDefault()}), default settings. */
    public static CascadeFaceDetector haarFrontalDefault() {
        return of(Cascade.haarFrontalDefault());
    }

    /** The improved frontal LBP cascade ({@link Cascade#lbpFrontal()}), default settings. */
    public static CascadeFaceDetector lbpFrontal() {
        return of(Cascade.lbpFrontal());
    }

    /** Each pyramid level is the previous one's size divided by {@code factor} (> 1; 1.1 by default). */
    public CascadeFaceDetector withScaleFactor(double factor) {
        if (!(factor > 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("scale factor must be a finite number > 1, got " + factor);
        }
        return new CascadeFaceDetector(cascade, factor, minNeighbours, minWidth, minHeight, maxWidth, maxHeight,
                threads);
    }

    /** A face is reported where more than {@code neighbours} windows agree; 0 returns every raw window. */
    public CascadeFaceDetector withMinNeighbours(int neighbours) {
        if (neighbours < 0) {
            throw new IllegalArgumentException("min neighbours must be >= 0, got " + neighbours);
        }
        return new CascadeFaceDetector(cascade, scaleFactor, neighbours, minWidth, minHeight, maxWidth, maxHeight,
                threads);
    }

    /** Windows smaller than {@code width x height} are not scanned; 0 x 0 (default) sets no limit. */
    public CascadeFaceDetector withMinSize(int width, int height) {
        checkSize("min", width, height);
        return new CascadeFaceDetector(cascade, scaleFactor, minNeighbours, width, height, maxWidth, maxHeight,
                threads);
    }

    /** Windows larger than {@code width x height} are not scanned; 0 x 0 (default) means the image size. */
    public CascadeFaceDetector withMaxSize(int width, int height) {
        checkSize("max", width, height);
        return new CascadeFaceDetector(cascade, scaleFactor, minNeighbours, minWidth, minHeight, width, height,
                threads);
    }

    /** Pyramid levels are scanned on up to {@code threads} threads (the caller's included); 1 by default. */
    public CascadeFaceDetector withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return new CascadeFaceDetector(cascade, scaleFactor, minNeighbours, minWidth, minHeight, maxWidth,
                maxHeight, threads);
    }

    private static void checkSize(String which, int width, int height) {
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException(which + " size must not be negative, got " + width + "x" + height);
        }
    }

    public Cascade cascade() {
        return cascade;
    }

    @Override
    public List<FaceBox> detect(BufferedImage image) {
        return detect(GrayImage.fromBufferedImage(image));
    }

    /** The faces in a grey image (the cascade's own input; no colour conversion). */
    public List<FaceBox> detect(GrayImage image) {
        float[] scales = PyramidScan.scales(image.width(), image.height(), cascade.windowWidth,
                cascade.windowHeight, scaleFactor, minWidth, minHeight, maxWidth, maxHeight);
        List<FaceBox> windows = PyramidScan.candidates(cascade, image, scales, threads);
        return RectangleGrouping.clip(RectangleGrouping.group(windows, minNeighbours, GROUP_EPS),
                image.width(), image.height());
    }

    @Override
    public String toString() {
        return "CascadeFaceDetector[" + cascade + ", scale factor " + scaleFactor + ", min neighbours "
                + minNeighbours + ", min size " + minWidth + "x" + minHeight + ", max size " + maxWidth + "x"
                + maxHeight + ", threads " + threads + "]";
    }
}
