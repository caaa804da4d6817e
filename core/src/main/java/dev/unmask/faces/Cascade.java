package dev.unmask.faces;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A boosted cascade of stump classifiers in OpenCV's cascade format ({@code opencv_traincascade} output:
 * {@code stageType BOOST}, {@code featureType HAAR} or {@code LBP}), immutable once read.
 *
 * <p>A window of {@link #windowWidth()} x {@link #windowHeight()} pixels passes stage {@code s} when the sum
 * of its stumps' leaf values is at least the stage threshold (read from the file, less 1e-5 as OpenCV
 * does); it is a detection when it passes every stage. A Haar stump compares a feature value (weighted
 * rectangle sums divided by {@code area * stddev} of the window's inner {@code (w - 2) x (h - 2)} part) with
 * its threshold; an LBP stump looks up the window's 8-bit local binary pattern of 3 x 3 cells in its
 * 256-bit category set.
 *
 * <p>Two cascades from Debian's {@code opencv-data} 4.6.0 ship as resources: {@link #haarFrontalDefault()}
 * and {@link #lbpFrontal()} (see the NOTICE beside them for their licences).
 */
public final class Cascade {
    /** The kind of feature a cascade's stumps evaluate. */
    public enum FeatureType { HAAR, LBP }

    /** Rectangles per Haar feature (unused ones have weight 0). */
    static final int HAAR_RECTS = 3;
    /** 32-bit words in an LBP stump's category set: 256 categories. */
    static final int LBP_SUBSET_WORDS = 8;

    private static final String HAAR_RESOURCE = "haarcascade_frontalface_default.xml";
    private static final String LBP_RESOURCE = "lbpcascade_frontalface_improved.xml";

    final String source;
    final FeatureType featureType;
    final int windowWidth;
    final int windowHeight;
    /** Index of each stage's first stump; stage {@code s} owns stumps {@code [stageStart[s], stageStart[s + 1])}. */
    final int[] stageStart;
    final float[] stageThreshold;
    final int[] stumpFeature;
    /** Haar only: feature value below this takes the left leaf. */
    final float[] stumpThreshold;
    final float[] leftLeaf;
    final float[] rightLeaf;
    /** LBP only: {@link #LBP_SUBSET_WORDS} words per stump; a set bit sends the pattern to the left leaf. */
    final int[] lbpSubsets;
    /** Haar: {@code x, y, width, height} of {@link #HAAR_RECTS} rectangles per feature; LBP: one cell rectangle. */
    final int[] featureRects;
    /** Haar only: {@link #HAAR_RECTS} weights per feature. */
    final float[] rectWeights;
    /** Haar only: whether a feature's rectangles are rotated by 45 degrees. */
    final boolean[] tilted;
    final boolean hasTiltedFeatures;

    Cascade(String source, FeatureType featureType, int windowWidth, int windowHeight, int[] stageStart,
            float[] stageThreshold, int[] stumpFeature, float[] stumpThreshold, float[] leftLeaf,
            float[] rightLeaf, int[] lbpSubsets, int[] featureRects, float[] rectWeights, boolean[] tilted) {
        this.source = source;
        this.featureType = featureType;
        this.windowWidth = windowWidth;
        this.windowHeight = windowHeight;
        this.stageStart = stageStart;
        this.stageThreshold = stageThreshold;
        this.stumpFeature = stumpFeature;
        this.stumpThreshold = stumpThreshold;
        this.leftLeaf = leftLeaf;
        this.rightLeaf = rightLeaf;
        this.lbpSubsets = lbpSubsets;
        this.featureRects = featureRects;
        this.rectWeights = rectWeights;
        this.tilted = tilted;
        boolean anyTilted = false;
        for (int f = 0; tilted != null && f < tilted.length; f++) {
            anyTilted |= tilted[f];
        }
        this.hasTiltedFeatures = anyTilted;
    }

    /**
     * Reads a cascade file.
     *
     * @throws CascadeFormatException naming the file when it is missing, larger than
     *     {@link CascadeXml#MAX_BYTES}, not well-formed XML (a truncated file is not), or not a stump
     *     cascade of Haar or LBP features with every value present and in range
     */
    public static Cascade read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CascadeFormatException(file.toString(), "not a readable file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new CascadeFormatException(file.toString(), "cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** Reads a cascade from {@code in} (not closed); {@code source} names it in error messages. */
    public static Cascade read(InputStream in, String source) {
        return CascadeXml.parse(in, source);
    }

    /**
     * OpenCV's {@code haarcascade_frontalface_default.xml} (Rainer Lienhart; 24 x 24 window, 25 stages,
     * 2913 stumps of upright Haar features). Read once and shared.
     */
    public static Cascade haarFrontalDefault() {
        return Shipped.HAAR;
    }

    /**
     * OpenCV's {@code lbpcascade_frontalface_improved.xml} (Puttemans, Ergun and Goedeme, VISAPP 2017;
     * 45 x 45 window, LBP features). Read once and shared.
     */
    public static Cascade lbpFrontal() {
        return Shipped.LBP;
    }

    private static final class Shipped {
        static final Cascade HAAR = resource(HAAR_RESOURCE);
        static final Cascade LBP = resource(LBP_RESOURCE);

        private static Cascade resource(String name) {
            try (InputStream in = Cascade.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("cascade resource " + name + " is missing from the classpath");
                }
                return read(in, "resource dev/unmask/faces/" + name);
            } catch (IOException e) {
                throw new UncheckedIOException("closing cascade resource " + name + " failed", e);
            }
        }
    }

    /** Where the cascade was read from. */
    public String source() {
        return source;
    }

    public FeatureType featureType() {
        return featureType;
    }

    /** Width of the window the cascade was trained on, in pixels. */
    public int windowWidth() {
        return windowWidth;
    }

    /** Height of the window the cascade was trained on, in pixels. */
    public int windowHeight() {
        return windowHeight;
    }

    public int stageCount() {
        return stageThreshold.length;
    }

    /** Total number of stumps over all stages. */
    public int stumpCount() {
        return stumpFeature.length;
    }

    /** True when some Haar feature is rotated by 45 degrees (the detector then builds a tilted integral image). */
    public boolean hasTiltedFeatures() {
        return hasTiltedFeatures;
    }

    @Override
    public String toString() {
        return "Cascade[" + featureType + " " + windowWidth + "x" + windowHeight + ", " + stageCount()
                + " stages, " + stumpCount() + " stumps, from " + source + "]";
    }
}
