package dev.unmask.data;

import dev.unmask.random.Seeds;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Synthetic anomalies with exact masks, in the manner of the MOOD challenge's toy anomalies, on faces drawn
 * by {@link SynthFaces}: uniform bright or dark patches, noise, local deformations and foreign textures, in
 * ellipses and rotated rectangles placed anywhere in the image (on the face, the hair or the background).
 *
 * <p><b>Geometry.</b> The outline ({@link AnomalyShape}) is an ellipse or a rectangle with equal odds; its
 * width and height are each drawn uniformly in [{@link #MIN_SIDE_SHARE}, {@link #MAX_SIDE_SHARE}) of the image
 * side, its angle uniformly in [0, pi), and its centre uniformly among the positions where the whole outline
 * lies inside the image. A pixel belongs to the mask when its centre lies strictly inside the outline
 * ({@link AnomalyRegion#containsPixel}); edges are hard, so the mask is exactly the set of pixels the anomaly
 * wrote and every other pixel equals the face bit for bit.
 *
 * <p><b>Seeds.</b> Everything depends only on {@code (seed, index, kind)} through {@link Seeds#derive}, with
 * keys of their own, so that no stream coincides with one of {@link SynthFaces} under the same seed
 * ({@code face(i)} and {@code sample(i)} there, from which the training faces come, use other keys):
 * <ul>
 * <li>the face under sample {@code index}: {@code derive(seed, ANOMALY_FACE_KEY, index)}, the same face for
 *     every kind ({@link #face});</li>
 * <li>the anomaly's geometry and parameters: {@code derive(seed, ANOMALY_KEY, index, kind.ordinal())};</li>
 * <li>the other face that a foreign texture may come from: {@code derive(seed, ANOMALY_DONOR_KEY, index)};</li>
 * <li>the kind drawn by {@link #sample(long)}: {@code derive(seed, ANOMALY_KIND_KEY, index)}.</li>
 * </ul>
 * Trigonometry and logarithms go through {@link StrictMath}, so an image is the same bit for bit on every JVM.
 */
public final class SynthAnomalies {
    /** The smallest width or height of an anomaly, as a share of the image side. */
    public static final double MIN_SIDE_SHARE = 0.10;
    /** The largest width or height of an anomaly (exclusive), as a share of the image side. */
    public static final double MAX_SIDE_SHARE = 0.30;
    /** Smallest image side: at 32 pixels the smallest anomaly is about 3 pixels across. */
    public static final int MIN_SIZE = 32;
    /**
     * Largest image side: below it an anomaly holds fewer pixels (at most 0.09 size^2) than there are colours
     * in a uniform patch's band (56^3), so a colour that no pixel of the region already has always exists.
     */
    public static final int MAX_SIZE = 1024;

    private static final long ANOMALY_FACE_KEY = 0xA40FACEL;
    private static final long ANOMALY_KEY = 0xA40A11L;
    private static final long ANOMALY_DONOR_KEY = 0xA40D0DL;
    private static final long ANOMALY_KIND_KEY = 0xA4071DL;
    private static final AnomalyKind[] KINDS = AnomalyKind.values();
    // a uniform patch's colour has every channel in one band of 56 levels: 200..255 (bright) or 0..55 (dark)
    private static final int BAND_LEVELS = 56;
    private static final int BAND_COLOURS = BAND_LEVELS * BAND_LEVELS * BAND_LEVELS;
    private static final int BRIGHT_LOWEST_LEVEL = 256 - BAND_LEVELS;
    private static final int STRIPES = 0;
    private static final int CHECKERS = 1;

    private final long seed;
    private final int size;
    private final SynthFaces faces;

    /**
     * @param seed the base seed (the same seed as a {@link SynthFaces} gives other faces, see the class comment)
     * @param size side of the square images in pixels, {@link #MIN_SIZE} to {@link #MAX_SIZE}
     */
    public SynthAnomalies(long seed, int size) {
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException("anomaly images need a side of " + MIN_SIZE + " to " + MAX_SIZE
                    + " pixels, got " + size);
        }
        this.seed = seed;
        this.size = size;
        this.faces = new SynthFaces(seed, size, 0);
    }

    public int size() {
        return size;
    }

    /** The face under every sample {@code index}, without anomaly: 3 x size x size, values in [-1, 1]. */
    public FloatImage face(long index) {
        return faces.renderFace(Seeds.derive(seed, ANOMALY_FACE_KEY, index));
    }

    /** Sample {@code index} with a kind drawn uniformly from {@link AnomalyKind}. */
    public AnomalySample sample(long index) {
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, ANOMALY_KIND_KEY, index));
        return sample(index, KINDS[random.nextInt(KINDS.length)]);
    }

    /**
     * {@link #face(long) face(index)} with an anomaly of {@code kind} in a random region (class comment).
     * Recipes (levels are 8-bit, 0..255; every written value is rounded to a level):
     * <ul>
     * <li>{@code BRIGHT_PATCH}, {@code DARK_PATCH}: one colour, each channel uniform in levels 200..255
     *     (bright) or 0..55 (dark); a colour that some pixel of the region already has is replaced by the next
     *     one of the band, so every masked pixel changes.</li>
     * <li>{@code NOISE_PATCH}: {@code x + sigma z} per pixel and channel, z standard normal (Box-Muller),
     *     sigma uniform in [0.15, 0.45) on the [-1, 1] scale, clamped.</li>
     * <li>{@code DEFORMATION}: the face resampled (bilinear) at {@code p + d(p)}, with a displacement that fades
     *     as {@code w = (1 - r^2)^2}, r the {@link AnomalyRegion#normalisedDistance}: a swirl turning p about
     *     the centre by {@code theta w}, |theta| uniform in [0.6, 1.4) radians, or a bulge or pinch
     *     {@code p' = c + (1 - k w)(p - c)}, |k| uniform in [0.35, 0.6), either sign with equal odds. Near
     *     the outline, and where the face is flat, masked pixels can keep their value.</li>
     * <li>{@code FOREIGN_TEXTURE}, one of three with equal odds: stripes or a checkerboard turned by a random
     *     angle, period uniform in [0.03, 0.08) of the side (at least 2 pixels), in two colours whose levels
     *     differ by 64 to 191 in every channel (modulo 256); or the pixels of another face
     *     ({@code ANOMALY_DONOR_KEY}) from a box of the region's size placed anywhere in it.</li>
     * </ul>
     * In the patch kinds (all but {@code DEFORMATION}) every masked pixel differs from the face in some
     * channel: where a noise or texture value happens to equal the face's, its first channel is moved one
     * level towards mid-grey.
     */
    public AnomalySample sample(long index, AnomalyKind kind) {
        if (kind == null) {
            throw new IllegalArgumentException("anomaly kind must not be null");
        }
        FloatImage original = face(index);
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, ANOMALY_KEY, index, kind.ordinal()));
        AnomalyRegion region = randomRegion(random);
        boolean[] inside = new boolean[size * size];
        float[] mask = new float[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (region.containsPixel(x, y)) {
                    inside[y * size + x] = true;
                    mask[y * size + x] = 1f;
                }
            }
        }
        float[] face = original.data();
        float[] out = switch (kind) {
            case BRIGHT_PATCH -> uniformPatch(face, inside, BRIGHT_LOWEST_LEVEL, random);
            case DARK_PATCH -> uniformPatch(face, inside, 0, random);
            case NOISE_PATCH -> noisePatch(face, inside, random);
            case DEFORMATION -> deformation(original, region, inside, random);
            case FOREIGN_TEXTURE -> foreignTexture(index, face, region, inside, random);
        };
        return new AnomalySample(new FloatImage(3, size, size, out), new FloatImage(1, size, size, mask),
                original, kind, region);
    }

    private AnomalyRegion randomRegion(SplittableRandom random) {
        AnomalyShape shape = random.nextBoolean() ? AnomalyShape.ELLIPSE : AnomalyShape.ROTATED_RECTANGLE;
        double width = size * uniform(random, MIN_SIDE_SHARE, MAX_SIDE_SHARE);
        double height = size * uniform(random, MIN_SIDE_SHARE, MAX_SIDE_SHARE);
        double angle = random.nextDouble() * Math.PI;
        AnomalyRegion atOrigin = new AnomalyRegion(shape, 0, 0, width, height, angle);
        double halfX = atOrigin.halfExtentX();
        double halfY = atOrigin.halfExtentY();
        double centreX = halfX + random.nextDouble() * (size - 2 * halfX);
        double centreY = halfY + random.nextDouble() * (size - 2 * halfY);
        return new AnomalyRegion(shape, centreX, centreY, width, height, angle);
    }

    /** The face with the masked pixels set to one colour of the band from {@code lowestLevel} that none of them has. */
    private float[] uniformPatch(float[] face, boolean[] inside, int lowestLevel, SplittableRandom random) {
        int plane = size * size;
        int packed = colourNotInRegion(face, inside, lowestLevel, random.nextInt(BAND_COLOURS));
        float[] out = face.clone();
        for (int i = 0; i < plane; i++) {
            if (inside[i]) {
                for (int c = 0; c < 3; c++) {
                    out[c * plane + i] = ImageOps.fromByte((packed >> (8 * c)) & 0xFF);
                }
            }
        }
        return out;
    }

    /**
     * The colour of the band from {@code lowestLevel} numbered {@code code} (0 to {@code BAND_COLOURS - 1}), or
     * if some masked pixel has it, the first colour after it (cyclically) that none has; packed as levels
     * {@code r | g << 8 | b << 16}.
     */
    static int colourNotInRegion(float[] face, boolean[] inside, int lowestLevel, int code) {
        int plane = inside.length;
        Set<Integer> present = new HashSet<>();
        for (int i = 0; i < plane; i++) {
            if (inside[i]) {
                present.add(packedLevels(face, i, plane));
            }
        }
        // ends: a region has fewer pixels than the band has colours (MAX_SIZE)
        while (present.contains(packedBandColour(code, lowestLevel))) {
            code = (code + 1) % BAND_COLOURS;
        }
        return packedBandColour(code, lowestLevel);
    }

    private static int packedBandColour(int code, int lowestLevel) {
        int r = lowestLevel + code % BAND_LEVELS;
        int g = lowestLevel + (code / BAND_LEVELS) % BAND_LEVELS;
        int b = lowestLevel + code / (BAND_LEVELS * BAND_LEVELS);
        return r | g << 8 | b << 16;
    }

    private static int packedLevels(float[] image, int i, int plane) {
        return ImageOps.toByte(image[i]) | ImageOps.toByte(image[plane + i]) << 8
                | ImageOps.toByte(image[2 * plane + i]) << 16;
    }

    private float[] noisePatch(float[] face, boolean[] inside, SplittableRandom random) {
        double sigma = uniform(random, 0.15, 0.45);
        int plane = size * size;
        float[] out = face.clone();
        for (int i = 0; i < plane; i++) {
            if (inside[i]) {
                for (int c = 0; c < 3; c++) {
                    int k = c * plane + i;
                    out[k] = quantise(face[k] + sigma * standardNormal(random));
                }
                moveIfUnchanged(face, out, i, plane);
            }
        }
        return out;
    }

    private float[] deformation(FloatImage face, AnomalyRegion region, boolean[] inside, SplittableRandom random) {
        boolean swirl = random.nextBoolean();
        double sign = random.nextBoolean() ? 1 : -1;
        double strength = sign * (swirl ? uniform(random, 0.6, 1.4) : uniform(random, 0.35, 0.6));
        int plane = size * size;
        float[] out = face.data().clone();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (!inside[y * size + x]) {
                    continue;
                }
                double px = x + 0.5;
                double py = y + 0.5;
                double r = region.normalisedDistance(px, py);
                double fade = (1 - r * r) * (1 - r * r);
                double dx = px - region.centreX();
                double dy = py - region.centreY();
                double sx;
                double sy;
                if (swirl) {
                    double theta = strength * fade;
                    double cos = StrictMath.cos(theta);
                    double sin = StrictMath.sin(theta);
                    sx = region.centreX() + cos * dx - sin * dy;
                    sy = region.centreY() + sin * dx + cos * dy;
                } else {
                    double scale = 1 - strength * fade;
                    sx = region.centreX() + scale * dx;
                    sy = region.centreY() + scale * dy;
                }
                for (int c = 0; c < 3; c++) {
                    // sampleBilinear puts pixel centres at integer coordinates
                    out[c * plane + y * size + x] =
                            quantise(ImageOps.sampleBilinear(face, c, (float) (sy - 0.5), (float) (sx - 0.5)));
                }
            }
        }
        return out;
    }

    private float[] foreignTexture(long index, float[] face, AnomalyRegion region, boolean[] inside,
                                   SplittableRandom random) {
        int source = random.nextInt(3);
        int plane = size * size;
        float[] out = face.clone();
        if (source == STRIPES || source == CHECKERS) {
            double period = Math.max(2, size * uniform(random, 0.03, 0.08));
            double angle = random.nextDouble() * Math.PI;
            double cos = StrictMath.cos(angle);
            double sin = StrictMath.sin(angle);
            int[] first = new int[3];
            int[] second = new int[3];
            for (int c = 0; c < 3; c++) {
                first[c] = random.nextInt(256);
                second[c] = (first[c] + 64 + random.nextInt(128)) % 256;
            }
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int i = y * size + x;
                    if (!inside[i]) {
                        continue;
                    }
                    long u = (long) Math.floor((cos * (x + 0.5) + sin * (y + 0.5)) / period);
                    long v = (long) Math.floor((-sin * (x + 0.5) + cos * (y + 0.5)) / period);
                    long cell = source == STRIPES ? u : u + v;
                    int[] colour = (cell & 1) == 0 ? first : second;
                    for (int c = 0; c < 3; c++) {
                        out[c * plane + i] = ImageOps.fromByte(colour[c]);
                    }
                    moveIfUnchanged(face, out, i, plane);
                }
            }
            return out;
        }
        float[] donor = faces.renderFace(Seeds.derive(seed, ANOMALY_DONOR_KEY, index)).data();
        int left = (int) Math.floor(region.centreX() - region.halfExtentX());
        int top = (int) Math.floor(region.centreY() - region.halfExtentY());
        int boxWidth = (int) Math.ceil(region.centreX() + region.halfExtentX()) - left;
        int boxHeight = (int) Math.ceil(region.centreY() + region.halfExtentY()) - top;
        int shiftX = random.nextInt(size - boxWidth + 1) - left;
        int shiftY = random.nextInt(size - boxHeight + 1) - top;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                if (!inside[i]) {
                    continue;
                }
                int from = (y + shiftY) * size + x + shiftX;
                for (int c = 0; c < 3; c++) {
                    out[c * plane + i] = donor[c * plane + from];
                }
                moveIfUnchanged(face, out, i, plane);
            }
        }
        return out;
    }

    /** Where the written pixel equals the face in every channel, moves its first channel one level to mid-grey. */
    static void moveIfUnchanged(float[] face, float[] out, int i, int plane) {
        if (out[i] == face[i] && out[plane + i] == face[plane + i] && out[2 * plane + i] == face[2 * plane + i]) {
            int level = ImageOps.toByte(out[i]);
            out[i] = ImageOps.fromByte(level >= 128 ? level - 1 : level + 1);
        }
    }

    private static float quantise(double value) {
        return ImageOps.fromByte(ImageOps.toByte((float) value));
    }

    private static double uniform(SplittableRandom random, double low, double high) {
        return low + (high - low) * random.nextDouble();
    }

    /** Box-Muller with {@link StrictMath}, one of the pair; 1 - u keeps the logarithm's argument in (0, 1]. */
    private static double standardNormal(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * v);
    }
}
