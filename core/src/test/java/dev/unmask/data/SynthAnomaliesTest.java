package dev.unmask.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SynthAnomaliesTest {
    private static final int[] SIZES = {32, 64, 128};
    private static final int SAMPLES_PER_KIND = 12;
    /** Every closed disc of this radius holds a pixel centre (the covering radius of the unit square grid). */
    private static final double GRID_COVERING_RADIUS = Math.sqrt(0.5);
    /** The test's Math.cos against the region's StrictMath.cos, on coordinates of at most a few hundred pixels. */
    private static final double COORDINATE_SLACK = 1e-9;
    /** Pixel centres inside the outline, against its area: at most about one pixel per unit of perimeter off. */
    private static final double AREA_PIXELS_PER_PERIMETER = 1.0;
    // a deformation fades to nothing at the outline and leaves flat areas as they are, so not every masked
    // pixel changes; over many samples most do (measured: 0.72 to 0.75 of them at 32, 64 and 128 pixels)
    private static final double MIN_CHANGED_SHARE_DEFORMATION = 0.5;
    private static final EnumSet<AnomalyKind> PATCHES = EnumSet.complementOf(EnumSet.of(AnomalyKind.DEFORMATION));

    @Test
    void outsideTheMaskEveryPixelIsTheFaceBitForBitAndPatchesChangeEveryMaskedPixel() {
        for (int size : SIZES) {
            SynthAnomalies anomalies = new SynthAnomalies(3, size);
            long changedDeformed = 0;
            long maskedDeformed = 0;
            for (AnomalyKind kind : AnomalyKind.values()) {
                for (long index = 0; index < SAMPLES_PER_KIND; index++) {
                    AnomalySample s = anomalies.sample(index, kind);
                    String what = kind + " " + index + " at " + size;
                    assertArrayEquals(anomalies.face(index).data(), s.original().data(), what + ": original");
                    int plane = size * size;
                    int masked = 0;
                    int changed = 0;
                    for (int i = 0; i < plane; i++) {
                        float m = s.mask().data()[i];
                        assertTrue(m == 0f || m == 1f, what + ": mask not binary");
                        boolean differs = false;
                        for (int c = 0; c < 3; c++) {
                            // bit patterns, so that even -0.0 against 0.0 would count as a change
                            differs |= Float.floatToRawIntBits(s.image().data()[c * plane + i])
                                    != Float.floatToRawIntBits(s.original().data()[c * plane + i]);
                        }
                        if (m == 0f) {
                            assertFalse(differs, what + ": pixel " + i + " changed outside the mask");
                        } else {
                            masked++;
                            changed += differs ? 1 : 0;
                            if (PATCHES.contains(kind)) {
                                assertTrue(differs, what + ": masked pixel " + i + " unchanged");
                            }
                        }
                    }
                    assertTrue(masked > 0, what + ": empty mask");
                    if (kind == AnomalyKind.DEFORMATION) {
                        changedDeformed += changed;
                        maskedDeformed += masked;
                    }
                    for (float v : s.image().data()) {
                        assertEquals(ImageOps.fromByte(ImageOps.toByte(v)), v, what + ": value off the 8-bit levels");
                    }
                }
            }
            assertTrue(changedDeformed >= MIN_CHANGED_SHARE_DEFORMATION * maskedDeformed, "deformations at " + size
                    + " changed only " + changedDeformed + " of " + maskedDeformed + " masked pixels");
        }
    }

    @Test
    void masksAreOneRegionWithSidesBetweenTenAndThirtyPercentOfTheImage() {
        Set<AnomalyShape> shapes = EnumSet.noneOf(AnomalyShape.class);
        for (int size : SIZES) {
            SynthAnomalies anomalies = new SynthAnomalies(8, size);
            for (AnomalyKind kind : AnomalyKind.values()) {
                for (long index = 0; index < SAMPLES_PER_KIND; index++) {
                    AnomalySample s = anomalies.sample(index, kind);
                    String what = kind + " " + index + " at " + size;
                    AnomalyRegion r = s.region();
                    shapes.add(r.shape());
                    assertTrue(r.width() >= 0.1 * size && r.width() < 0.3 * size, what + ": width " + r.width());
                    assertTrue(r.height() >= 0.1 * size && r.height() < 0.3 * size, what + ": height " + r.height());
                    checkMaskAgainstGeometry(s.maskPixels(), size, r, what);
                }
            }
        }
        assertEquals(EnumSet.allOf(AnomalyShape.class), shapes);
    }

    @Test
    void sameSeedGivesTheSameImageBitForBitAndOtherSeedsOtherImages() {
        for (AnomalyKind kind : AnomalyKind.values()) {
            AnomalySample a = new SynthAnomalies(5, 64).sample(9, kind);
            AnomalySample b = new SynthAnomalies(5, 64).sample(9, kind);
            assertArrayEquals(bits(a.image().data()), bits(b.image().data()), kind.toString());
            assertArrayEquals(bits(a.mask().data()), bits(b.mask().data()), kind.toString());
            assertEquals(a.region(), b.region());
            AnomalySample other = new SynthAnomalies(6, 64).sample(9, kind);
            assertFalse(Arrays.equals(a.image().data(), other.image().data()), kind + ": seed ignored");
            assertNotEquals(a.region(), new SynthAnomalies(5, 64).sample(10, kind).region(), kind + ": index ignored");
        }
    }

    @Test
    void kindsDifferAndEachHasItsSignature() {
        SynthAnomalies anomalies = new SynthAnomalies(4, 64);
        int plane = 64 * 64;
        for (long index = 0; index < SAMPLES_PER_KIND; index++) {
            Set<Integer> distinctImages = new HashSet<>();
            for (AnomalyKind kind : AnomalyKind.values()) {
                AnomalySample s = anomalies.sample(index, kind);
                distinctImages.add(Arrays.hashCode(s.image().data()));
                float[] image = s.image().data();
                boolean[] mask = s.maskPixels();
                Set<Integer> colours = new HashSet<>();
                for (int i = 0; i < plane; i++) {
                    if (!mask[i]) {
                        continue;
                    }
                    int packed = 0;
                    for (int c = 0; c < 3; c++) {
                        int level = ImageOps.toByte(image[c * plane + i]);
                        packed = packed << 8 | level;
                        if (kind == AnomalyKind.BRIGHT_PATCH) {
                            assertTrue(level >= 200, "bright patch at level " + level);
                        } else if (kind == AnomalyKind.DARK_PATCH) {
                            assertTrue(level <= 55, "dark patch at level " + level);
                        }
                    }
                    colours.add(packed);
                }
                String what = kind + " " + index;
                if (kind == AnomalyKind.BRIGHT_PATCH || kind == AnomalyKind.DARK_PATCH) {
                    assertEquals(1, colours.size(), what + ": a uniform patch has one colour");
                } else {
                    assertTrue(colours.size() > 1, what + ": a single colour");
                }
                assertEquals(kind, s.kind());
            }
            assertEquals(AnomalyKind.values().length, distinctImages.size(), "index " + index + ": kinds coincide");
        }
    }

    @Test
    void noiseIsCentredOnTheFaceAndDeformationKeepsItsColours() {
        SynthAnomalies anomalies = new SynthAnomalies(12, 64);
        int plane = 64 * 64;
        double sum = 0;
        double sumSquares = 0;
        long n = 0;
        for (long index = 0; index < SAMPLES_PER_KIND; index++) {
            AnomalySample s = anomalies.sample(index, AnomalyKind.NOISE_PATCH);
            boolean[] mask = s.maskPixels();
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < 3 && mask[i]; c++) {
                    double d = s.image().data()[c * plane + i] - s.original().data()[c * plane + i];
                    sum += d;
                    sumSquares += d * d;
                    n++;
                }
            }
            // a deformation moves content: its values lie within the face's range over the region's box
            AnomalySample warp = anomalies.sample(index, AnomalyKind.DEFORMATION);
            float low = Float.MAX_VALUE;
            float high = -Float.MAX_VALUE;
            for (float v : warp.original().data()) {
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
            for (float v : warp.image().data()) {
                assertTrue(v >= low && v <= high, "deformed value " + v + " outside the face's range");
            }
        }
        double mean = sum / n;
        double rms = Math.sqrt(sumSquares / n);
        // sigma is drawn in [0.15, 0.45); clamping at +-1 and rounding shrink it a little and bias it towards 0
        assertTrue(Math.abs(mean) < 0.05, "noise mean " + mean);
        assertTrue(rms > 0.12 && rms < 0.45, "noise rms " + rms);
    }

    @Test
    void regionsLieAnywhereInTheImageAndEveryKindIsDrawn() {
        SynthAnomalies anomalies = new SynthAnomalies(21, 64);
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        Set<AnomalyKind> kinds = EnumSet.noneOf(AnomalyKind.class);
        for (long index = 0; index < 100; index++) {
            AnomalySample s = anomalies.sample(index);
            kinds.add(s.kind());
            minX = Math.min(minX, s.region().centreX());
            maxX = Math.max(maxX, s.region().centreX());
            minY = Math.min(minY, s.region().centreY());
            maxY = Math.max(maxY, s.region().centreY());
            assertArrayEquals(s.image().data(), anomalies.sample(index, s.kind()).image().data());
        }
        assertEquals(EnumSet.allOf(AnomalyKind.class), kinds);
        // the face fills the middle; centres reach the corners' margins too
        assertTrue(minX < 0.25 * 64 && maxX > 0.75 * 64, "centres x in [" + minX + ", " + maxX + "]");
        assertTrue(minY < 0.25 * 64 && maxY > 0.75 * 64, "centres y in [" + minY + ", " + maxY + "]");
    }

    @Test
    void anomalyFacesAreNotTheTrainingFaces() {
        SynthFaces training = new SynthFaces(7, 32, 0.5);
        SynthAnomalies anomalies = new SynthAnomalies(7, 32);
        Set<Integer> trainingFaces = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            trainingFaces.add(Arrays.hashCode(training.face(i).data()));
            trainingFaces.add(Arrays.hashCode(training.sample(i).original().data()));
        }
        for (int i = 0; i < 40; i++) {
            assertFalse(trainingFaces.contains(Arrays.hashCode(anomalies.face(i).data())),
                    "anomaly face " + i + " is a training face");
        }
    }

    @Test
    void aUniformPatchSkipsColoursThatTheRegionAlreadyHas() {
        // two masked pixels hold band colours 0 and 1 of the bright band, an unmasked one colour 2
        int[][] levels = {{200, 200, 200}, {201, 200, 200}, {202, 200, 200}};
        float[] face = new float[3 * levels.length];
        for (int i = 0; i < levels.length; i++) {
            for (int c = 0; c < 3; c++) {
                face[c * levels.length + i] = ImageOps.fromByte(levels[i][c]);
            }
        }
        boolean[] inside = {true, true, false};
        int colourTwo = 202 | 200 << 8 | 200 << 16;
        assertEquals(colourTwo, SynthAnomalies.colourNotInRegion(face, inside, 200, 0));
        assertEquals(colourTwo, SynthAnomalies.colourNotInRegion(face, inside, 200, 1));
        assertEquals(colourTwo, SynthAnomalies.colourNotInRegion(face, inside, 200, 2));
        int lastColour = 255 | 255 << 8 | 255 << 16;
        assertEquals(lastColour, SynthAnomalies.colourNotInRegion(face, inside, 200, 56 * 56 * 56 - 1));
    }

    @Test
    void aWrittenPixelEqualToTheFaceMovesOneLevelTowardsMidGrey() {
        int plane = 3;
        float[] face = new float[3 * plane];
        for (int i = 0; i < face.length; i++) {
            face[i] = ImageOps.fromByte(i == 0 ? 255 : i == 1 ? 0 : 90);
        }
        float[] out = face.clone();
        out[2 * plane + 2] = ImageOps.fromByte(91);
        SynthAnomalies.moveIfUnchanged(face, out, 0, plane);
        SynthAnomalies.moveIfUnchanged(face, out, 1, plane);
        SynthAnomalies.moveIfUnchanged(face, out, 2, plane);
        assertEquals(ImageOps.fromByte(254), out[0]);
        assertEquals(ImageOps.fromByte(1), out[1]);
        assertEquals(face[2], out[2], "a pixel that already differs keeps its values");
        for (int c = 1; c < 3; c++) {
            assertEquals(face[c * plane], out[c * plane], "only the first channel moves");
        }
    }

    @Test
    void kindsAreFoundByName() {
        assertEquals(AnomalyKind.BRIGHT_PATCH, AnomalyKind.fromName("bright-patch"));
        assertEquals(AnomalyKind.FOREIGN_TEXTURE, AnomalyKind.fromName("FOREIGN_TEXTURE"));
        for (AnomalyKind kind : AnomalyKind.values()) {
            assertEquals(kind, AnomalyKind.fromName(kind.name().toLowerCase(Locale.ROOT)));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AnomalyKind.fromName("glitter"));
        assertTrue(e.getMessage().contains("glitter") && e.getMessage().contains("noise-patch"), e.getMessage());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SynthAnomalies(1, 16));
        assertThrows(IllegalArgumentException.class, () -> new SynthAnomalies(1, 2048));
        assertThrows(IllegalArgumentException.class, () -> new SynthAnomalies(1, 32).sample(0, null));
        assertThrows(IllegalArgumentException.class,
                () -> new AnomalyRegion(AnomalyShape.ELLIPSE, 1, 1, 0, 3, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new AnomalyRegion(AnomalyShape.ELLIPSE, Double.NaN, 1, 2, 3, 0));
    }

    @Test
    void exampleCarriesTheImageTheMaskAndTheAnomalousLabel() {
        AnomalySample s = new SynthAnomalies(2, 32).sample(3, AnomalyKind.NOISE_PATCH);
        Example e = s.toExample();
        assertEquals(SynthSample.FAKE, e.label());
        assertArrayEquals(s.image().data(), e.image().data());
        assertArrayEquals(s.mask().data(), e.mask().data());
    }

    /**
     * The mask against the region, measured independently of {@link AnomalyRegion#containsPixel}: inside the
     * image and the region's box, one 8-connected piece, its extents along the shape's axes and its area
     * those of the outline up to the pixel grid.
     */
    private static void checkMaskAgainstGeometry(boolean[] mask, int size, AnomalyRegion r, String what) {
        double cos = Math.cos(r.angle());
        double sin = Math.sin(r.angle());
        double minU = Double.MAX_VALUE;
        double maxU = -Double.MAX_VALUE;
        double minV = Double.MAX_VALUE;
        double maxV = -Double.MAX_VALUE;
        int count = 0;
        int first = -1;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (!mask[y * size + x]) {
                    continue;
                }
                first = first < 0 ? y * size + x : first;
                count++;
                double dx = x + 0.5 - r.centreX();
                double dy = y + 0.5 - r.centreY();
                double u = cos * dx + sin * dy;
                double v = -sin * dx + cos * dy;
                minU = Math.min(minU, u);
                maxU = Math.max(maxU, u);
                minV = Math.min(minV, v);
                maxV = Math.max(maxV, v);
            }
        }
        double halfWidth = r.width() / 2;
        double halfHeight = r.height() / 2;
        assertTrue(Math.max(maxU, -minU) < halfWidth + COORDINATE_SLACK, what + ": mask beyond the width");
        assertTrue(Math.max(maxV, -minV) < halfHeight + COORDINATE_SLACK, what + ": mask beyond the height");
        assertTrue(maxU - minU >= r.width() - 2 * endShortfall(r.shape(), halfWidth, halfHeight),
                what + ": mask narrower than the width");
        assertTrue(maxV - minV >= r.height() - 2 * endShortfall(r.shape(), halfHeight, halfWidth),
                what + ": mask shorter than the height");
        double perimeter = r.shape() == AnomalyShape.ELLIPSE
                ? Math.PI * (r.width() + r.height()) / 2
                : 2 * (r.width() + r.height());
        assertEquals(r.area(), count, AREA_PIXELS_PER_PERIMETER * perimeter, what + ": mask area");
        assertTrue(r.centreX() - r.halfExtentX() >= 0 && r.centreX() + r.halfExtentX() <= size, what + ": off the image in x");
        assertTrue(r.centreY() - r.halfExtentY() >= 0 && r.centreY() + r.halfExtentY() <= size, what + ": off the image in y");
        assertEquals(count, componentSize(mask, size, first), what + ": mask in more than one piece");
    }

    /**
     * How far inside the outline's end along a half-axis a, the other half-axis b, a pixel centre must exist:
     * a disc of the grid's covering radius rho that fits inside the outline as near the end as possible holds
     * one. For a rectangle (b >= rho) and for an ellipse whose end is curved no tighter than rho (b^2 / a >= rho)
     * that disc touches the end: 2 rho. For a thinner ellipse it sits on the axis at u0, where the distance to
     * the outline, {@code b sqrt(1 - u0^2 / (a^2 - b^2))}, equals rho: {@code a - u0 + rho}.
     */
    private static double endShortfall(AnomalyShape shape, double a, double b) {
        double rho = GRID_COVERING_RADIUS;
        if (shape == AnomalyShape.ROTATED_RECTANGLE || b * b / a >= rho) {
            return 2 * rho;
        }
        return a - Math.sqrt((a * a - b * b) * (1 - rho * rho / (b * b))) + rho;
    }

    private static int componentSize(boolean[] mask, int size, int start) {
        boolean[] seen = new boolean[mask.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(start);
        seen[start] = true;
        int n = 0;
        while (!queue.isEmpty()) {
            int p = queue.poll();
            n++;
            int y = p / size;
            int x = p % size;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int ny = y + dy;
                    int nx = x + dx;
                    if (ny >= 0 && ny < size && nx >= 0 && nx < size && mask[ny * size + nx] && !seen[ny * size + nx]) {
                        seen[ny * size + nx] = true;
                        queue.add(ny * size + nx);
                    }
                }
            }
        }
        return n;
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }
}
