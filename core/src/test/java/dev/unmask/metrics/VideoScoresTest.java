package dev.unmask.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoScoresTest {
    /** Means of at most three small integers: exact up to one rounding. */
    private static final double EXACT = 1e-15;

    @Test
    void meanOfFramesPerVideoInFirstAppearanceOrder() {
        String[] ids = {"a", "a", "b", "c", "b", "a"};
        double[] scores = {1, 2, 10, 5, 20, 3};
        boolean[] labels = {false, false, true, false, true, false};
        VideoScores v = VideoScores.meanOfFrames(scores, labels, ids);
        assertArrayEquals(new String[] {"a", "b", "c"}, v.videoIds());
        assertArrayEquals(new double[] {2, 15, 5}, v.scores(), EXACT);
        assertArrayEquals(new boolean[] {false, true, false}, v.labels());
        assertArrayEquals(new int[] {3, 2, 1}, v.frameCounts());
        // frame-level AUROC is 1 here too, but video-level sees 3 samples, not 6
        assertEquals(1, BinaryMetrics.auroc(v.scores(), v.labels()));
        assertEquals(3, MetricsReport.of(v.scores(), v.labels(), 10).samples());
    }

    @Test
    void videoLevelCanDifferFromFrameLevel() {
        // the fake video has one low frame; averaged it still beats the real video
        String[] ids = {"real", "real", "fake", "fake"};
        double[] scores = {0.4, 0.5, 0.1, 0.9};
        boolean[] labels = {false, false, true, true};
        assertEquals(0.5, BinaryMetrics.auroc(scores, labels), EXACT);
        VideoScores v = VideoScores.meanOfFrames(scores, labels, ids);
        assertEquals(1, BinaryMetrics.auroc(v.scores(), v.labels()));
    }

    @Test
    void badInputIsRejected() {
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> VideoScores.meanOfFrames(new double[] {1, 2}, new boolean[] {true, false}, new String[] {"v", "v"}));
        assertTrue(mixed.getMessage().contains("video 'v'"), mixed.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> VideoScores.meanOfFrames(new double[] {1, 2}, new boolean[] {true, false}, new String[] {"v"}));
        assertThrows(IllegalArgumentException.class,
                () -> VideoScores.meanOfFrames(new double[] {1}, new boolean[] {true}, new String[] {null}));
        assertThrows(IllegalArgumentException.class,
                () -> VideoScores.meanOfFrames(new double[] {Double.NaN}, new boolean[] {true}, new String[] {"v"}));
    }
}
