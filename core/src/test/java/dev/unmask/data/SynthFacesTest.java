package dev.unmask.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SynthFacesTest {
    // a manipulation must visibly change most of what it claims; feather tails and flat patches may keep
    // their 8-bit value, so not all
    private static final double MIN_CHANGED_SHARE_IN_MASK = 0.7;
    private static final FaceRegion[] LOCAL = {FaceRegion.EYES, FaceRegion.NOSE, FaceRegion.MOUTH};

    @Test
    void sameSeedAndIndexGiveIdenticalPixels() {
        assertArrayEquals(new SynthFaces(3, 64, 0.5).face(17).data(), new SynthFaces(3, 64, 0.5).face(17).data());
        SynthSample a = new SynthFaces(3, 64, 0.5).manipulate(5, Manipulation.REGION_SWAP, FaceRegion.EYES);
        SynthSample b = new SynthFaces(3, 64, 0.5).manipulate(5, Manipulation.REGION_SWAP, FaceRegion.EYES);
        assertArrayEquals(a.image().data(), b.image().data());
        assertArrayEquals(a.mask().data(), b.mask().data());
    }

    @Test
    void differentIndexOrSeedGivesDifferentFaces() {
        SynthFaces faces = new SynthFaces(3, 32, 0.5);
        float[] first = faces.face(0).data();
        for (int i = 1; i < 20; i++) {
            assertTrue(meanAbsDifference(first, faces.face(i).data()) > 0.05, "face " + i + " too close to face 0");
        }
        assertTrue(meanAbsDifference(first, new SynthFaces(4, 32, 0.5).face(0).data()) > 0.05);
    }

    @Test
    void imagesAreRgbOnEightBitLevels() {
        for (int size : new int[] {32, 64, 128}) {
            FloatImage face = new SynthFaces(1, size, 0.5).face(2);
            assertEquals(3, face.channels());
            assertEquals(size, face.height());
            assertEquals(size, face.width());
            for (float v : face.data()) {
                assertTrue(v >= -1f && v <= 1f);
                assertEquals(ImageOps.fromByte(ImageOps.toByte(v)), v, "value not on an 8-bit level");
            }
        }
    }

    @Test
    void faceHasSkinInTheMiddleAndDiffersFromBackgroundCorner() {
        // the head centre sits near the image centre under every pose; its colour differs from the corner
        SynthFaces faces = new SynthFaces(11, 64, 0.5);
        int differing = 0;
        for (int i = 0; i < 20; i++) {
            FloatImage face = faces.face(i);
            float d = 0;
            for (int c = 0; c < 3; c++) {
                d += Math.abs(face.get(c, 32, 32) - face.get(c, 0, 0));
            }
            if (d > 0.1f) {
                differing++;
            }
        }
        assertTrue(differing >= 17, "only " + differing + " of 20 faces stand out from the background");
    }

    @Test
    void localManipulationsChangeOnlyMaskedPixels() {
        SynthFaces faces = new SynthFaces(5, 64, 0.5);
        long index = 0;
        for (Manipulation kind : EnumSet.complementOf(EnumSet.of(Manipulation.NONE))) {
            for (FaceRegion region : LOCAL) {
                SynthSample s = faces.manipulate(index++, kind, region);
                assertArrayEquals(faces.face(index - 1).data(), s.original().data(), "original is the plain face");
                checkMaskIsExact(s, kind + " on " + region);
                assertTrue(s.fake());
                assertEquals(SynthSample.FAKE, s.label());
            }
        }
    }

    @Test
    void wholeImageDoubleJpegHasFullMask() {
        SynthSample s = new SynthFaces(5, 64, 0.5).manipulate(3, Manipulation.DOUBLE_JPEG, FaceRegion.WHOLE);
        for (float m : s.mask().data()) {
            assertEquals(1f, m);
        }
        checkMaskIsExact(s, "whole double JPEG");
    }

    @Test
    void convertsToATensorOfShapeChw() {
        FloatImage face = new SynthFaces(1, 32, 0.5).face(0);
        ReferenceBackend backend = new ReferenceBackend();
        Tensor t = face.toTensor(backend);
        assertEquals(Shape.of(3, 32, 32), t.shape());
        assertArrayEquals(face.data(), backend.toFloats(t));
    }

    @Test
    void realSampleHasEmptyMask() {
        SynthSample s = new SynthFaces(5, 32, 0.5).manipulate(3, Manipulation.NONE, FaceRegion.NONE);
        assertFalse(s.fake());
        assertEquals(SynthSample.REAL, s.label());
        assertArrayEquals(new float[32 * 32], s.mask().data());
        assertArrayEquals(s.original().data(), s.image().data());
    }

    @Test
    void sampleMixesRealAndEveryKind() {
        SynthFaces faces = new SynthFaces(9, 32, 0.5);
        Set<Manipulation> seen = EnumSet.noneOf(Manipulation.class);
        int fakes = 0;
        int n = 200;
        for (int i = 0; i < n; i++) {
            SynthSample s = faces.sample(i);
            seen.add(s.manipulation());
            fakes += s.label();
            if (i < 40) {
                checkMaskIsExact(s, "sample " + i);
            }
        }
        assertEquals(EnumSet.allOf(Manipulation.class), seen);
        // binomial(200, 0.5) lies within 100 +- 35 with probability far above 0.9999
        assertTrue(Math.abs(fakes - n / 2) < 35, fakes + " fakes of " + n);
    }

    @Test
    void invalidCombinationsAreRefused() {
        SynthFaces faces = new SynthFaces(1, 32, 0.5);
        assertThrows(IllegalArgumentException.class, () -> faces.manipulate(0, Manipulation.BLUR, FaceRegion.WHOLE));
        assertThrows(IllegalArgumentException.class, () -> faces.manipulate(0, Manipulation.BLUR, FaceRegion.NONE));
        assertThrows(IllegalArgumentException.class, () -> faces.manipulate(0, Manipulation.NONE, FaceRegion.EYES));
        assertThrows(IllegalArgumentException.class, () -> new SynthFaces(1, 8, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new SynthFaces(1, 32, 1.5));
    }

    @Test
    void datasetViewMatchesSamples() {
        SynthFaces faces = new SynthFaces(2, 32, 0.5);
        Dataset dataset = faces.dataset(10);
        assertEquals(10, dataset.size());
        Example e = dataset.get(7);
        SynthSample s = faces.sample(7);
        assertArrayEquals(s.image().data(), e.image().data());
        assertArrayEquals(s.mask().data(), e.mask().data());
        assertEquals(s.label(), e.label());
        assertThrows(IndexOutOfBoundsException.class, () -> dataset.get(10));
    }

    /** Outside the mask the pixels equal the original exactly; inside, most differ in some channel. */
    private static void checkMaskIsExact(SynthSample s, String what) {
        FloatImage image = s.image();
        FloatImage original = s.original();
        int plane = image.planeSize();
        int inside = 0;
        int changedInside = 0;
        for (int i = 0; i < plane; i++) {
            boolean changed = false;
            for (int c = 0; c < 3; c++) {
                changed |= image.data()[c * plane + i] != original.data()[c * plane + i];
            }
            float m = s.mask().data()[i];
            assertTrue(m == 0f || m == 1f, what + ": mask not binary");
            if (m == 0f) {
                assertFalse(changed, what + ": pixel " + i + " changed outside the mask");
            } else {
                inside++;
                changedInside += changed ? 1 : 0;
            }
        }
        if (s.fake()) {
            assertTrue(inside > 0, what + ": empty mask");
            assertTrue(changedInside >= MIN_CHANGED_SHARE_IN_MASK * inside,
                    what + ": only " + changedInside + " of " + inside + " masked pixels changed");
        } else {
            assertEquals(0, inside);
        }
    }

    private static double meanAbsDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        assertNotEquals(0.0, sum);
        return sum / a.length;
    }
}
