package dev.unmask.data;

import dev.unmask.random.Seeds;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded procedural generator of face-like RGB images, with manipulations that come with exact masks.
 *
 * <p>A face is drawn analytically per pixel in a face-local frame (origin at the head centre, head
 * half-height 1): a background (two-colour gradient plus smooth value noise), hair behind the head,
 * shoulders, neck, ears, the head ellipse shaded as an ellipsoid lit from a random direction, a hairline,
 * eyes (socket shadow, white, iris, pupil, highlight), brows, a nose (ridge shadow, tip, nostrils) and a
 * mouth (lips and the line between them). Pose (offset, rotation, scale), colours, feature geometry and
 * lighting are drawn from a {@link SplittableRandom} seeded by {@code (seed, index)}, so a face depends only
 * on those two numbers. Edges are anti-aliased over about one pixel; values are rounded to 8-bit levels
 * so an image survives a PNG round trip exactly.
 *
 * <p>Manipulations ({@link #manipulate}) change the pixels of a face region (an ellipse around the eyes,
 * the nose or the mouth, in the face's own frame, so it follows the pose) or the whole image. The mask is
 * 1 exactly on the pixels the manipulation was allowed to write and 0 elsewhere: every pixel outside the
 * mask is identical to the original. Inside it nearly all pixels change; a few can keep their 8-bit value
 * (the thin tail of a feathered edge, a flat patch under blur).
 */
public final class SynthFaces {
    /** Default image side in pixels. */
    public static final int DEFAULT_SIZE = 128;

    private static final long DONOR_KEY = 0x5D0E0DL;
    private static final long MANIPULATION_KEY = 0x3A417L;
    private static final long FACE_KEY = 0xFACEL;
    private static final Manipulation[] FAKE_KINDS = {
        Manipulation.REGION_SWAP, Manipulation.UPSAMPLING, Manipulation.COLOUR_MISMATCH,
        Manipulation.BLUR, Manipulation.DOUBLE_JPEG
    };
    private static final FaceRegion[] LOCAL_REGIONS = {FaceRegion.EYES, FaceRegion.NOSE, FaceRegion.MOUTH};
    // share of DOUBLE_JPEG samples drawn by sample() that compress the whole image instead of a region
    private static final double WHOLE_JPEG_SHARE = 0.25;

    private final long seed;
    private final int size;
    private final double fakeFraction;

    /**
     * @param seed the base seed
     * @param size side of the square images in pixels (at least 16)
     * @param fakeFraction probability that {@link #sample} returns a manipulated face, in [0, 1]
     */
    public SynthFaces(long seed, int size, double fakeFraction) {
        if (size < 16) {
            throw new IllegalArgumentException("face images need a side of at least 16 pixels, got " + size);
        }
        if (!(fakeFraction >= 0 && fakeFraction <= 1)) {
            throw new IllegalArgumentException("fakeFraction must be in [0, 1], got " + fakeFraction);
        }
        this.seed = seed;
        this.size = size;
        this.fakeFraction = fakeFraction;
    }

    /** {@link #DEFAULT_SIZE} pixels, half of the samples manipulated. */
    public SynthFaces(long seed) {
        this(seed, DEFAULT_SIZE, 0.5);
    }

    public int size() {
        return size;
    }

    /** The unmanipulated face number {@code index}: 3 x size x size, values in [-1, 1]. */
    public FloatImage face(long index) {
        return renderFace(Seeds.derive(seed, FACE_KEY, index));
    }

    /** The unmanipulated face whose parameters are drawn from a stream seeded by {@code faceSeed}. */
    FloatImage renderFace(long faceSeed) {
        return render(Face.random(new SplittableRandom(faceSeed)));
    }

    /**
     * Sample {@code index}: real with probability {@code 1 - fakeFraction}, else a manipulation kind and
     * region drawn uniformly ({@link Manipulation#DOUBLE_JPEG} covers the whole image a quarter of the
     * time). Deterministic in {@code (seed, index)}.
     */
    public SynthSample sample(long index) {
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, MANIPULATION_KEY, index));
        if (random.nextDouble() >= fakeFraction) {
            return manipulate(index, Manipulation.NONE, FaceRegion.NONE);
        }
        Manipulation kind = FAKE_KINDS[random.nextInt(FAKE_KINDS.length)];
        FaceRegion region = LOCAL_REGIONS[random.nextInt(LOCAL_REGIONS.length)];
        if (kind == Manipulation.DOUBLE_JPEG && random.nextDouble() < WHOLE_JPEG_SHARE) {
            region = FaceRegion.WHOLE;
        }
        return manipulate(index, kind, region);
    }

    /**
     * Face {@code index} with {@code kind} applied to {@code region}; the strength of the manipulation is
     * drawn from a stream keyed by {@code (seed, index, kind, region)}. Recipes (x is a pixel in [0, 1]):
     * <ul>
     * <li>{@code REGION_SWAP}: the same region of another face (its own colours, lighting and feature
     *     shapes), stretched onto this face's region and blended with a feathered edge.</li>
     * <li>{@code UPSAMPLING}: the image average-pooled by 2 and upsampled again either by a stride-2
     *     transposed convolution with taps (w0, w1, w0), {@code w1 = 1 + e}, {@code w0 = (1 - e) / 2}, which
     *     leaves a checkerboard of gains (1 + e)^2, (1 + e)(1 - e), (1 - e)^2, or by pooling with a factor of
     *     2 to 4 and nearest-neighbour upsampling (blocks); pasted into the region with a hard edge.</li>
     * <li>{@code COLOUR_MISMATCH}: {@code x * gain_c + offset_c} per channel, feathered edge.</li>
     * <li>{@code BLUR}: Gaussian blur, sigma 1.2 to 2.5 pixels at 64 x 64 (scaled with the size), hard edge.</li>
     * <li>{@code DOUBLE_JPEG}: JPEG at quality 70..95, then again at 35..65; pasted into the region with a
     *     hard edge, or with {@link FaceRegion#WHOLE} the whole image replaced and the mask all ones.</li>
     * </ul>
     *
     * @throws IllegalArgumentException for a combination that does not exist: NONE with a region other
     *     than NONE, a manipulation with region NONE, or WHOLE with anything but DOUBLE_JPEG
     */
    public SynthSample manipulate(long index, Manipulation kind, FaceRegion region) {
        checkCombination(kind, region);
        Face face = Face.random(new SplittableRandom(Seeds.derive(seed, FACE_KEY, index)));
        FloatImage original = render(face);
        if (kind == Manipulation.NONE) {
            return new SynthSample(original, FloatImage.zeros(1, size, size), original, kind, region);
        }
        SplittableRandom random = new SplittableRandom(
                Seeds.derive(seed, MANIPULATION_KEY, index, kind.ordinal(), region.ordinal()));
        if (region == FaceRegion.WHOLE) {
            FloatImage changed = doubleJpeg(original, random);
            FloatImage mask = new FloatImage(1, size, size, filled(size * size, 1f));
            return new SynthSample(changed, mask, original, kind, region);
        }
        float[] alpha;
        FloatImage changed;
        switch (kind) {
            case REGION_SWAP -> {
                Face donor = Face.random(new SplittableRandom(Seeds.derive(seed, DONOR_KEY, index)));
                alpha = regionAlpha(face, region, 0.35f);
                changed = renderSwap(face, donor, region, alpha);
            }
            case UPSAMPLING -> {
                alpha = regionAlpha(face, region, 0f);
                changed = random.nextBoolean()
                        ? checkerboardUpsample(original, 0.1f + 0.15f * random.nextFloat())
                        : nearestUpsample(original, 2 + random.nextInt(3));
            }
            case COLOUR_MISMATCH -> {
                alpha = regionAlpha(face, region, 0.3f);
                changed = colourShift(original, random);
            }
            case BLUR -> {
                alpha = regionAlpha(face, region, 0f);
                changed = ImageOps.gaussianBlur(original, (1.2 + 1.3 * random.nextDouble()) * size / 64.0);
            }
            case DOUBLE_JPEG -> {
                alpha = regionAlpha(face, region, 0f);
                changed = doubleJpeg(original, random);
            }
            default -> throw new IllegalStateException("unhandled manipulation " + kind);
        }
        return composite(original, changed, alpha, kind, region);
    }

    /** The first {@code count} samples of {@link #sample} as a dataset (examples made on demand). */
    public Dataset dataset(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("dataset size must be >= 0, got " + count);
        }
        return new Dataset() {
            @Override
            public int size() {
                return count;
            }

            @Override
            public Example get(int index) {
                if (index < 0 || index >= count) {
                    throw new IndexOutOfBoundsException("index " + index + " outside a dataset of " + count);
                }
                return sample(index).toExample();
            }
        };
    }

    private static void checkCombination(Manipulation kind, FaceRegion region) {
        boolean ok = switch (kind) {
            case NONE -> region == FaceRegion.NONE;
            case DOUBLE_JPEG -> region != FaceRegion.NONE;
            default -> region != FaceRegion.NONE && region != FaceRegion.WHOLE;
        };
        if (!ok) {
            throw new IllegalArgumentException("manipulation " + kind + " cannot be applied to region " + region);
        }
    }

    private SynthSample composite(FloatImage original, FloatImage changed, float[] alpha,
                                  Manipulation kind, FaceRegion region) {
        int plane = size * size;
        float[] out = original.data().clone();
        float[] mask = new float[plane];
        float[] o = original.data();
        float[] m = changed.data();
        for (int i = 0; i < plane; i++) {
            if (alpha[i] > 0) {
                mask[i] = 1f;
                for (int c = 0; c < 3; c++) {
                    int k = c * plane + i;
                    out[k] = ImageOps.fromByte(ImageOps.toByte(o[k] + alpha[i] * (m[k] - o[k])));
                }
            }
        }
        return new SynthSample(new FloatImage(3, size, size, out), new FloatImage(1, size, size, mask),
                original, kind, region);
    }

    /**
     * Per-pixel blend weight of a region: 1 inside the region's ellipse, easing to 0 over the outer
     * {@code feather} fraction of its radius (a hard edge for 0), and exactly 0 outside.
     */
    private float[] regionAlpha(Face face, FaceRegion region, float feather) {
        float[] ellipse = face.regionEllipse(region);
        float[] alpha = new float[size * size];
        float[] local = new float[2];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                face.toLocal(x, y, size, local);
                float du = (local[0] - ellipse[0]) / ellipse[2];
                float dv = (local[1] - ellipse[1]) / ellipse[3];
                float f = (float) Math.sqrt(du * du + dv * dv);
                if (f < 1f) {
                    alpha[y * size + x] = feather == 0f ? 1f : smoothstep(1f, 1f - feather, f);
                }
            }
        }
        return alpha;
    }

    private FloatImage render(Face face) {
        int plane = size * size;
        float[] out = new float[3 * plane];
        float[] local = new float[2];
        float[] rgb = new float[3];
        float pixel = face.pixelSize(size);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                face.toLocal(x, y, size, local);
                face.background((x + 0.5f) / size, (y + 0.5f) / size, rgb);
                face.shade(local[0], local[1], pixel, rgb);
                store(rgb, out, y * size + x, plane);
            }
        }
        return new FloatImage(3, size, size, out);
    }

    /** The donor's region drawn in the target's region: ellipse-normalised coordinates map onto each other. */
    private FloatImage renderSwap(Face target, Face donor, FaceRegion region, float[] alpha) {
        float[] te = target.regionEllipse(region);
        float[] de = donor.regionEllipse(region);
        int plane = size * size;
        float[] out = new float[3 * plane];
        float[] local = new float[2];
        float[] rgb = new float[3];
        float pixel = target.pixelSize(size) * de[3] / te[3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (alpha[y * size + x] == 0f) {
                    continue;
                }
                target.toLocal(x, y, size, local);
                float u = de[0] + (local[0] - te[0]) / te[2] * de[2];
                float v = de[1] + (local[1] - te[1]) / te[3] * de[3];
                rgb[0] = rgb[1] = rgb[2] = 0f;
                donor.shade(u, v, pixel, rgb);
                store(rgb, out, y * size + x, plane);
            }
        }
        return new FloatImage(3, size, size, out);
    }

    private static void store(float[] rgb, float[] out, int i, int plane) {
        for (int c = 0; c < 3; c++) {
            out[c * plane + i] = ImageOps.fromByte(ImageOps.toByte(2f * rgb[c] - 1f));
        }
    }

    private static FloatImage doubleJpeg(FloatImage image, SplittableRandom random) {
        return ImageOps.jpeg(ImageOps.jpeg(image, 70 + random.nextInt(26)), 35 + random.nextInt(31));
    }

    private static FloatImage colourShift(FloatImage image, SplittableRandom random) {
        float[] gain = new float[3];
        float[] offset = new float[3];
        float strongest = 0f;
        for (int c = 0; c < 3; c++) {
            gain[c] = 1f + 0.5f * (random.nextFloat() - 0.5f);
            offset[c] = 0.16f * (random.nextFloat() - 0.5f);
            strongest = Math.max(strongest, Math.abs(gain[c] - 1f));
        }
        // guarantee a visible shift: at least one channel's gain 0.12 away from 1
        if (strongest < 0.12f) {
            gain[0] = gain[0] >= 1f ? 1.12f + strongest : 0.88f - strongest;
        }
        int plane = image.planeSize();
        float[] in = image.data();
        float[] out = new float[in.length];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                float x = (in[c * plane + i] + 1f) * 0.5f;
                out[c * plane + i] = 2f * clamp01(x * gain[c] + offset[c]) - 1f;
            }
        }
        return new FloatImage(3, image.height(), image.width(), out);
    }

    /** Average pool by {@code factor} (partial blocks at the border averaged over what they hold). */
    private static float[] averagePool(FloatImage image, int factor, int lowH, int lowW) {
        int h = image.height();
        int w = image.width();
        float[] low = new float[image.channels() * lowH * lowW];
        float[] in = image.data();
        for (int c = 0; c < image.channels(); c++) {
            for (int ly = 0; ly < lowH; ly++) {
                for (int lx = 0; lx < lowW; lx++) {
                    float sum = 0f;
                    int n = 0;
                    for (int y = ly * factor; y < Math.min(h, (ly + 1) * factor); y++) {
                        for (int x = lx * factor; x < Math.min(w, (lx + 1) * factor); x++) {
                            sum += in[(c * h + y) * w + x];
                            n++;
                        }
                    }
                    low[(c * lowH + ly) * lowW + lx] = sum / n;
                }
            }
        }
        return low;
    }

    private static FloatImage nearestUpsample(FloatImage image, int factor) {
        int h = image.height();
        int w = image.width();
        int lowH = (h + factor - 1) / factor;
        int lowW = (w + factor - 1) / factor;
        float[] low = averagePool(image, factor, lowH, lowW);
        float[] out = new float[image.data().length];
        for (int c = 0; c < image.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[(c * h + y) * w + x] = low[(c * lowH + y / factor) * lowW + x / factor];
                }
            }
        }
        return new FloatImage(image.channels(), h, w, out);
    }

    /**
     * Pool by 2, then a separable stride-2 transposed convolution with taps (w0, w1, w0) in [0, 1] pixel
     * space: even outputs get {@code w1 * low[i]}, odd outputs {@code w0 * (low[i] + low[i + 1])}.
     */
    private static FloatImage checkerboardUpsample(FloatImage image, float strength) {
        int h = image.height();
        int w = image.width();
        int lowH = (h + 1) / 2;
        int lowW = (w + 1) / 2;
        float[] low = averagePool(image, 2, lowH, lowW);
        float w1 = 1f + strength;
        float w0 = (1f - strength) / 2f;
        float[] out = new float[image.data().length];
        for (int c = 0; c < image.channels(); c++) {
            for (int y = 0; y < h; y++) {
                int ly = y / 2;
                int ly1 = Math.min(ly + 1, lowH - 1);
                for (int x = 0; x < w; x++) {
                    int lx = x / 2;
                    int lx1 = Math.min(lx + 1, lowW - 1);
                    float a = pixel01(low, c, ly, lx, lowH, lowW);
                    float value;
                    if (y % 2 == 0 && x % 2 == 0) {
                        value = w1 * w1 * a;
                    } else if (y % 2 == 0) {
                        value = w1 * w0 * (a + pixel01(low, c, ly, lx1, lowH, lowW));
                    } else if (x % 2 == 0) {
                        value = w0 * w1 * (a + pixel01(low, c, ly1, lx, lowH, lowW));
                    } else {
                        value = w0 * w0 * (a + pixel01(low, c, ly, lx1, lowH, lowW)
                                + pixel01(low, c, ly1, lx, lowH, lowW) + pixel01(low, c, ly1, lx1, lowH, lowW));
                    }
                    out[(c * h + y) * w + x] = 2f * clamp01(value) - 1f;
                }
            }
        }
        return new FloatImage(image.channels(), h, w, out);
    }

    private static float pixel01(float[] low, int c, int y, int x, int lowH, int lowW) {
        return (low[(c * lowH + y) * lowW + x] + 1f) * 0.5f;
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }

    static float clamp01(float v) {
        return v < 0f ? 0f : Math.min(v, 1f);
    }

    /** 0 at {@code edge0}, 1 at {@code edge1}, smooth Hermite ramp between (either order of edges). */
    static float smoothstep(float edge0, float edge1, float x) {
        float t = clamp01((x - edge0) / (edge1 - edge0));
        return t * t * (3f - 2f * t);
    }

    /** Anti-aliased coverage of an axis-aligned ellipse at (du, dv) from its centre, edges about one pixel wide. */
    static float ellipseCoverage(float du, float dv, float rx, float ry, float pixel) {
        float nx = du / rx;
        float ny = dv / ry;
        float f = (float) Math.sqrt(nx * nx + ny * ny);
        float distance = (f - 1f) * Math.min(rx, ry);
        return clamp01(0.5f - distance / pixel);
    }

    /** {@code rgb = rgb * (1 - a) + colour * a}. */
    static void over(float[] rgb, float r, float g, float b, float a) {
        if (a <= 0f) {
            return;
        }
        rgb[0] += (r - rgb[0]) * a;
        rgb[1] += (g - rgb[1]) * a;
        rgb[2] += (b - rgb[2]) * a;
    }

    /** The random parameters of one face; lengths in the face frame (head half-height 1). */
    private static final class Face {
        private static final float[][] SKIN = {
            {0.96f, 0.80f, 0.69f}, {0.91f, 0.72f, 0.58f}, {0.83f, 0.62f, 0.47f},
            {0.70f, 0.50f, 0.36f}, {0.55f, 0.38f, 0.27f}, {0.38f, 0.26f, 0.19f}
        };
        private static final float[][] HAIR = {
            {0.08f, 0.06f, 0.05f}, {0.25f, 0.16f, 0.10f}, {0.45f, 0.30f, 0.17f},
            {0.80f, 0.66f, 0.40f}, {0.60f, 0.25f, 0.10f}, {0.62f, 0.62f, 0.60f}
        };
        private static final float[][] IRIS = {
            {0.35f, 0.20f, 0.10f}, {0.25f, 0.45f, 0.70f}, {0.30f, 0.50f, 0.30f},
            {0.50f, 0.40f, 0.20f}, {0.45f, 0.50f, 0.55f}
        };

        float centreX;
        float centreY;
        float scale;
        float cos;
        float sin;
        float headA;
        float[] skin = new float[3];
        float[] hair = new float[3];
        float[] iris = new float[3];
        float[] lip = new float[3];
        float[] cloth = new float[3];
        float[] backgroundTop = new float[3];
        float[] backgroundBottom = new float[3];
        float[] noise = new float[36];
        float gradientCos;
        float gradientSin;
        float noiseAmplitude;
        boolean longHair;
        float hairline;
        float eyeX;
        float eyeY;
        float eyeW;
        float eyeH;
        float irisR;
        float gazeX;
        float browY;
        float browTilt;
        float browThickness;
        float noseY;
        float noseW;
        float mouthY;
        float mouthW;
        float mouthH;
        float smile;
        float lightX;
        float lightY;
        float lightZ;
        float ambient;
        float exposure;

        static Face random(SplittableRandom r) {
            Face f = new Face();
            f.centreX = 0.5f + uniform(r, -0.04f, 0.04f);
            f.centreY = 0.47f + uniform(r, -0.04f, 0.04f);
            f.scale = uniform(r, 0.30f, 0.36f);
            double angle = Math.toRadians(uniform(r, -12f, 12f));
            f.cos = (float) Math.cos(angle);
            f.sin = (float) Math.sin(angle);
            f.headA = uniform(r, 0.72f, 0.84f);
            jitter(SKIN[r.nextInt(SKIN.length)], 0.04f, r, f.skin);
            jitter(HAIR[r.nextInt(HAIR.length)], 0.05f, r, f.hair);
            jitter(IRIS[r.nextInt(IRIS.length)], 0.05f, r, f.iris);
            for (int c = 0; c < 3; c++) {
                f.lip[c] = f.skin[c] * (c == 0 ? 0.95f : 0.62f);
                f.cloth[c] = r.nextFloat() * 0.8f + 0.1f;
                f.backgroundTop[c] = r.nextFloat() * 0.8f + 0.1f;
                f.backgroundBottom[c] = clamp01(f.backgroundTop[c] + uniform(r, -0.3f, 0.3f));
            }
            double gradient = r.nextDouble() * 2 * Math.PI;
            f.gradientCos = (float) Math.cos(gradient);
            f.gradientSin = (float) Math.sin(gradient);
            for (int i = 0; i < f.noise.length; i++) {
                f.noise[i] = r.nextFloat() - 0.5f;
            }
            f.noiseAmplitude = uniform(r, 0.02f, 0.15f);
            f.longHair = r.nextBoolean();
            f.hairline = uniform(r, -0.62f, -0.45f);
            f.eyeX = uniform(r, 0.29f, 0.35f);
            f.eyeY = uniform(r, -0.10f, 0.02f);
            f.eyeW = uniform(r, 0.13f, 0.16f);
            f.eyeH = uniform(r, 0.06f, 0.08f);
            f.irisR = uniform(r, 0.05f, 0.06f);
            f.gazeX = uniform(r, -0.04f, 0.04f);
            f.browY = f.eyeY - uniform(r, 0.16f, 0.20f);
            f.browTilt = uniform(r, -0.15f, 0.15f);
            f.browThickness = uniform(r, 0.025f, 0.045f);
            f.noseY = uniform(r, 0.26f, 0.34f);
            f.noseW = uniform(r, 0.08f, 0.11f);
            f.mouthY = uniform(r, 0.55f, 0.62f);
            f.mouthW = uniform(r, 0.19f, 0.26f);
            f.mouthH = uniform(r, 0.045f, 0.07f);
            f.smile = uniform(r, -0.03f, 0.05f);
            float lx = uniform(r, -0.7f, 0.7f);
            float ly = uniform(r, -0.6f, 0.3f);
            float norm = (float) Math.sqrt(lx * lx + ly * ly + 1f);
            f.lightX = lx / norm;
            f.lightY = ly / norm;
            f.lightZ = 1f / norm;
            f.ambient = uniform(r, 0.3f, 0.55f);
            f.exposure = uniform(r, 0.85f, 1.1f);
            return f;
        }

        private static float uniform(SplittableRandom r, float low, float high) {
            return low + (high - low) * r.nextFloat();
        }

        private static void jitter(float[] base, float amount, SplittableRandom r, float[] out) {
            for (int c = 0; c < 3; c++) {
                out[c] = clamp01(base[c] + uniform(r, -amount, amount));
            }
        }

        float pixelSize(int size) {
            return 1f / (size * scale);
        }

        /** Pixel centre (x, y) of a size x size image to face coordinates (u right, v down). */
        void toLocal(int x, int y, int size, float[] local) {
            float px = ((x + 0.5f) / size - centreX) / scale;
            float py = ((y + 0.5f) / size - centreY) / scale;
            local[0] = cos * px + sin * py;
            local[1] = -sin * px + cos * py;
        }

        /** Centre (u, v) and radii (rx, ry) of a region's ellipse in the face frame. */
        float[] regionEllipse(FaceRegion region) {
            return switch (region) {
                case EYES -> new float[] {0f, (eyeY + browY) / 2f, eyeX + eyeW + 0.08f,
                    (eyeY - browY) / 2f + eyeH + 0.08f};
                case NOSE -> {
                    float top = eyeY + eyeH;
                    float bottom = noseY + 0.06f;
                    yield new float[] {0f, (top + bottom) / 2f, noseW + 0.1f, (bottom - top) / 2f + 0.05f};
                }
                case MOUTH -> new float[] {0f, mouthY, mouthW + 0.08f, mouthH + 0.08f};
                default -> throw new IllegalArgumentException("region " + region + " has no ellipse");
            };
        }

        void background(float x, float y, float[] rgb) {
            float t = clamp01(0.5f + (x - 0.5f) * gradientCos + (y - 0.5f) * gradientSin);
            float n = noiseAmplitude * valueNoise(x * 5f, y * 5f);
            for (int c = 0; c < 3; c++) {
                rgb[c] = clamp01(backgroundTop[c] + (backgroundBottom[c] - backgroundTop[c]) * t + n);
            }
        }

        private float valueNoise(float x, float y) {
            int x0 = Math.min((int) x, 4);
            int y0 = Math.min((int) y, 4);
            float tx = smoothstep(0f, 1f, x - x0);
            float ty = smoothstep(0f, 1f, y - y0);
            float top = noise[y0 * 6 + x0] + (noise[y0 * 6 + x0 + 1] - noise[y0 * 6 + x0]) * tx;
            float bottom = noise[(y0 + 1) * 6 + x0] + (noise[(y0 + 1) * 6 + x0 + 1] - noise[(y0 + 1) * 6 + x0]) * tx;
            return top + (bottom - top) * ty;
        }

        /** Composites every face layer at (u, v) over {@code rgb}. */
        void shade(float u, float v, float px, float[] rgb) {
            float hairShade = 0.8f + 0.2f * (float) Math.sin(u * 45f + v * 8f);
            // hair behind the head
            float back = longHair
                    ? ellipseCoverage(u, v - 0.25f, headA * 1.28f, 1.35f, px)
                    : ellipseCoverage(u, v + 0.08f, headA * 1.12f, 1.07f, px);
            over(rgb, hair[0] * hairShade, hair[1] * hairShade, hair[2] * hairShade, back);
            over(rgb, cloth[0], cloth[1], cloth[2], ellipseCoverage(u, v - 1.95f, 1.7f, 0.8f, px));
            float neck = clamp01(0.5f - (Math.abs(u) - 0.36f) / px) * clamp01(0.5f - (0.5f - v) / px);
            float neckShade = lit(0.55f + 0.2f * u);
            over(rgb, skin[0] * neckShade, skin[1] * neckShade, skin[2] * neckShade, neck);
            for (int side = -1; side <= 1; side += 2) {
                float ear = ellipseCoverage(u - side * headA * 0.97f, v - 0.05f, 0.11f, 0.19f, px);
                float earShade = lit(0.75f);
                over(rgb, skin[0] * earShade, skin[1] * earShade, skin[2] * earShade, ear);
            }
            float head = ellipseCoverage(u, v, headA, 1f, px);
            if (head <= 0f) {
                return;
            }
            float nx = u / headA;
            float ny = v;
            float nz = (float) Math.sqrt(Math.max(0f, 1f - nx * nx - ny * ny));
            float shade = lit(Math.max(0f, nx * lightX + ny * lightY + nz * lightZ));
            over(rgb, skin[0] * shade, skin[1] * shade, skin[2] * shade, head);
            // hairline: hair covers the top of the head, dipping at the temples
            float line = hairline + 0.25f * (u / headA) * (u / headA);
            float fringe = head * clamp01(0.5f - (v - line) / px);
            over(rgb, hair[0] * hairShade * shade, hair[1] * hairShade * shade, hair[2] * hairShade * shade, fringe);
            for (int side = -1; side <= 1; side += 2) {
                eye(u - side * eyeX, v - eyeY, px, shade, rgb);
                brow(u - side * eyeX, v - browY, side, px, shade, rgb);
            }
            nose(u, v, px, shade, rgb);
            mouth(u, v, px, shade, rgb);
        }

        private float lit(float lambert) {
            return exposure * (ambient + (1f - ambient) * lambert);
        }

        private void eye(float du, float dv, float px, float shade, float[] rgb) {
            float socket = 0.55f * ellipseCoverage(du, dv, eyeW * 1.3f, eyeH * 1.7f, px);
            over(rgb, skin[0] * shade * 0.7f, skin[1] * shade * 0.7f, skin[2] * shade * 0.7f, socket);
            float white = ellipseCoverage(du, dv, eyeW, eyeH, px);
            if (white <= 0f) {
                return;
            }
            float w = 0.92f * Math.min(1f, shade + 0.2f);
            over(rgb, w, w * 0.97f, w * 0.95f, white);
            float irisCover = white * ellipseCoverage(du - gazeX, dv, irisR, irisR, px);
            over(rgb, iris[0] * shade, iris[1] * shade, iris[2] * shade, irisCover);
            over(rgb, 0.03f, 0.03f, 0.03f, white * ellipseCoverage(du - gazeX, dv, irisR * 0.45f, irisR * 0.45f, px));
            float glint = white * ellipseCoverage(du - gazeX + irisR * 0.35f, dv + irisR * 0.35f,
                    irisR * 0.2f, irisR * 0.2f, px);
            over(rgb, 1f, 1f, 1f, 0.9f * glint);
            // upper lid line
            float lid = white * clamp01(1f - Math.abs(dv + eyeH * 0.85f) / (1.5f * px + 0.01f));
            over(rgb, 0.1f, 0.07f, 0.06f, 0.7f * lid);
        }

        private void brow(float du, float dv, int side, float px, float shade, float[] rgb) {
            float tilt = side * browTilt;
            float ru = du;
            float rv = dv - tilt * du + 0.5f * du * du;
            float cover = ellipseCoverage(ru, rv, eyeW * 1.15f, browThickness, px);
            float s = shade * 0.9f;
            over(rgb, hair[0] * s, hair[1] * s, hair[2] * s, cover);
        }

        private void nose(float u, float v, float px, float shade, float[] rgb) {
            float ridgeTop = eyeY + eyeH;
            if (v > ridgeTop && v < noseY) {
                // the side turned away from the light is darker
                float side = -Math.signum(lightX) * 0.05f;
                float t = (v - ridgeTop) / (noseY - ridgeTop);
                float ridge = 0.35f * t * ellipseCoverage(u - side, 0f, 0.035f, 1f, px);
                over(rgb, skin[0] * shade * 0.6f, skin[1] * shade * 0.6f, skin[2] * shade * 0.6f, ridge);
            }
            float tipShade = shade * 0.88f;
            over(rgb, skin[0] * tipShade, skin[1] * tipShade, skin[2] * tipShade,
                    0.7f * ellipseCoverage(u, v - noseY, noseW, noseW * 0.55f, px));
            for (int side = -1; side <= 1; side += 2) {
                float nostril = ellipseCoverage(u - side * noseW * 0.5f, v - noseY - noseW * 0.2f,
                        noseW * 0.28f, noseW * 0.16f, px);
                over(rgb, skin[0] * 0.3f, skin[1] * 0.25f, skin[2] * 0.25f, 0.85f * nostril);
            }
        }

        private void mouth(float u, float v, float px, float shade, float[] rgb) {
            float curve = mouthY - smile * (1f - (u / mouthW) * (u / mouthW));
            float lips = ellipseCoverage(u, v - curve, mouthW, mouthH, px);
            if (lips <= 0f) {
                return;
            }
            float lipShade = shade * (v < curve ? 0.85f : 1.05f);
            over(rgb, lip[0] * lipShade, lip[1] * lipShade, lip[2] * lipShade, lips);
            float line = lips * clamp01(1f - Math.abs(v - curve) / (1.2f * px + 0.008f));
            over(rgb, 0.25f * lip[0], 0.1f * lip[1], 0.1f * lip[2], line);
        }
    }
}
