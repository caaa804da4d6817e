package dev.unmask.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PerRegionOverlapTest {
    /** Areas of a handful of trapezoids with dyadic or short decimal corners: a few ulps. */
    private static final double HAND_TOLERANCE = 1e-15;
    /** The trapezoidal area against the Mann-Whitney count over a few thousand pixels: rounding only. */
    private static final double AUROC_TOLERANCE = 1e-12;

    // one row: region A (1 pixel, score 3), a normal pixel (2), region B (3 pixels, score 1), normals (0)
    private static final float[] ROW = {3, 2, 1, 1, 1, 0, 0, 0};
    private static final boolean[] ROW_MASK = {true, false, true, true, true, false, false, false};

    @Test
    void handWorkedCurveWeighsEveryRegionTheSame() {
        PerRegionOverlap pro = PerRegionOverlap.of(List.of(ROW), List.of(ROW_MASK), 1, 8);
        assertEquals(2, pro.regions());
        // t = 3: A found, PRO (1 + 0) / 2; t = 2: one of four normals; t = 1: B found; t = 0: all normals
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 3, 2, 1, 0}, pro.thresholds());
        assertArrayEquals(new double[] {0, 0, 0.25, 0.25, 1}, pro.falsePositiveRates());
        assertArrayEquals(new double[] {0, 0.5, 0.5, 1, 1}, pro.overlaps());
        // up to 0.3: 0.25 at PRO 0.5, then 0.05 at PRO 1 (the vertical step at 0.25 adds nothing)
        assertEquals((0.25 * 0.5 + 0.05 * 1) / 0.3, pro.aupro(), HAND_TOLERANCE);
        assertEquals((0.25 * 0.5 + 0.05 * 1) / 0.3, PerRegionOverlap.aupro(List.of(ROW), List.of(ROW_MASK), 1, 8),
                HAND_TOLERANCE);
        assertEquals(0.25 * 0.5 + 0.75, pro.aupro(1.0), HAND_TOLERANCE);
        assertEquals(0.5, pro.aupro(0.1), HAND_TOLERANCE);
        assertEquals(0.5, pro.aupro(0.25), HAND_TOLERANCE);
    }

    @Test
    void theLimitCutsASlopedSegmentByInterpolation() {
        // normals 2 and 0; one region of two pixels at 1 and -1: points (0,0) (0.5,0) (0.5,0.5) (1,0.5) (1,1)
        float[] map = {2, 1, 0, -1};
        boolean[] mask = {false, true, false, true};
        PerRegionOverlap pro = PerRegionOverlap.of(List.of(map), List.of(mask), 2, 2);
        assertEquals(1, pro.regions());
        assertArrayEquals(new double[] {0, 0.5, 0.5, 1, 1}, pro.falsePositiveRates());
        // at 0.75 the segment (0.5, 0.5) -> (1, 0.5) is flat: area 0.25 * 0.5
        assertEquals(0.125 / 0.75, pro.aupro(0.75), HAND_TOLERANCE);
        // a sloped crossing: normals 1 and 0, region pixels 0.5 and 0.5 tie with nothing
        float[] sloped = {1, 0.5f, 0, 0.5f};
        PerRegionOverlap tied = PerRegionOverlap.of(List.of(sloped), List.of(mask), 2, 2);
        // points (0,0) (0.5,0) (0.5,1) (1,1): the limit 0.25 sits on the flat start, 0.75 after the jump
        assertEquals(0, tied.aupro(0.25), HAND_TOLERANCE);
        assertEquals(0.25 / 0.75, tied.aupro(0.75), HAND_TOLERANCE);
        // a tie between a normal and the region: one sloped step (0,0) -> (0.5,1), cut at 0.25: PRO 0.5
        float[] crossing = {1, 1, 0, 1};
        PerRegionOverlap diagonal = PerRegionOverlap.of(List.of(crossing), List.of(mask), 2, 2);
        assertEquals(0.25 * 0.5 / 2 / 0.25, diagonal.aupro(0.25), HAND_TOLERANCE);
    }

    @Test
    void withOneRegionAndTheLimitAtOneAuproIsThePixelAuroc() {
        SplittableRandom random = new SplittableRandom(41);
        List<float[]> maps = new ArrayList<>();
        List<boolean[]> masks = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            float[] map = new float[20 * 30];
            boolean[] mask = new boolean[map.length];
            for (int i = 0; i < map.length; i++) {
                int y = i / 30;
                int x = i % 30;
                // one square region, in the first image only; scores on a coarse grid to make ties
                mask[i] = m == 0 && y >= 5 && y < 12 && x >= 10 && x < 19;
                map[i] = Math.round((random.nextDouble() + (mask[i] ? 0.4 : 0)) * 8) / 8f;
            }
            maps.add(map);
            masks.add(mask);
        }
        PerRegionOverlap pro = PerRegionOverlap.of(maps, masks, 20, 30);
        assertEquals(1, pro.regions());
        assertEquals(PixelMetrics.auroc(maps, masks), pro.aupro(1.0), AUROC_TOLERANCE);
    }

    @Test
    void perfectAndReversedMapsGiveOneAndZero() {
        float[] map = {0.1f, 0.9f, 0.8f, 0.2f, 0.3f, 0.95f};
        boolean[] mask = {false, true, true, false, false, true};
        float[] reversed = new float[map.length];
        for (int i = 0; i < map.length; i++) {
            reversed[i] = -map[i];
        }
        for (double limit : new double[] {0.01, 0.3, 1.0}) {
            assertEquals(1.0, PerRegionOverlap.of(List.of(map), List.of(mask), 2, 3).aupro(limit), HAND_TOLERANCE);
            assertEquals(0.0, PerRegionOverlap.of(List.of(reversed), List.of(mask), 2, 3).aupro(limit), HAND_TOLERANCE);
        }
    }

    @Test
    void negativeAndPositiveZeroAreOneThreshold() {
        float[] map = {-0.0f, 0.0f, 1f, -1f};
        boolean[] mask = {true, false, false, false};
        PerRegionOverlap pro = PerRegionOverlap.of(List.of(map), List.of(mask), 1, 4);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 1, 0, -1}, pro.thresholds());
        assertArrayEquals(new double[] {0, 0, 1, 1}, pro.overlaps());
    }

    @Test
    void curveEndsAtOneOneAndInputsAreLeftAlone() {
        float[] map = ROW.clone();
        boolean[] mask = ROW_MASK.clone();
        PerRegionOverlap pro = PerRegionOverlap.of(List.of(map), List.of(mask), 2, 4);
        double[] fpr = pro.falsePositiveRates();
        double[] overlaps = pro.overlaps();
        assertEquals(1.0, fpr[fpr.length - 1]);
        assertEquals(1.0, overlaps[overlaps.length - 1], HAND_TOLERANCE);
        assertArrayEquals(ROW, map);
        assertArrayEquals(ROW_MASK, mask);
        // as two rows of 4, the masked pixels are (0, 0), (0, 2), (0, 3), (1, 0): (0, 0) and (1, 0) touch
        assertEquals(2, pro.regions());
        assertTrue(pro.aupro() >= 0 && pro.aupro() <= 1);
    }

    @Test
    void badInputIsRefusedWithAMessage() {
        List<float[]> maps = List.of(ROW);
        List<boolean[]> masks = List.of(ROW_MASK);
        String message = assertThrows(IllegalArgumentException.class,
                () -> PerRegionOverlap.of(maps, masks, 3, 3)).getMessage();
        assertTrue(message.contains("3 x 3"), message);
        assertThrows(IllegalArgumentException.class, () -> PerRegionOverlap.of(maps, masks, 0, 8));
        assertThrows(IllegalArgumentException.class,
                () -> PerRegionOverlap.of(maps, List.of(new boolean[8]), 1, 8));
        boolean[] all = new boolean[8];
        java.util.Arrays.fill(all, true);
        assertThrows(IllegalArgumentException.class, () -> PerRegionOverlap.of(maps, List.of(all), 1, 8));
        float[] nan = ROW.clone();
        nan[3] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> PerRegionOverlap.of(List.of(nan), masks, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> PerRegionOverlap.of(maps, List.of(), 1, 8));
        PerRegionOverlap pro = PerRegionOverlap.of(maps, masks, 1, 8);
        for (double limit : new double[] {0, -0.1, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> pro.aupro(limit), "limit " + limit);
        }
    }
}
