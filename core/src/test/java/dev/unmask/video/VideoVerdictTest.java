package dev.unmask.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-video verdict against sums done by hand. */
class VideoVerdictTest {
    @Test
    void meanOfFrameScoresAndTheShareOfFakeFrames() {
        VideoVerdict v = VideoVerdict.of(new double[] {0.9, 0.2, 0.6, 0.1}, new boolean[] {true, false, true, false}, 6);
        assertEquals(6, v.sampledFrames());
        assertEquals(4, v.framesWithFaces());
        assertEquals((0.9 + 0.2 + 0.6 + 0.1) / 4, v.score(), 1e-15);
        assertEquals(0.5, v.fakeFrameShare());
        assertFalse(v.fake(), "mean 0.45 < 0.5");
        assertTrue(v.faceFound());
    }

    @Test
    void theMeanDecidesEvenWhenTheVoteDisagrees() {
        VideoVerdict v = VideoVerdict.of(new double[] {0.99, 0.45, 0.45}, new boolean[] {true, false, false}, 3);
        assertEquals(0.63, v.score(), 1e-12);
        assertEquals(1.0 / 3, v.fakeFrameShare(), 1e-15);
        assertTrue(v.fake());
    }

    @Test
    void aScoreOfExactlyOneHalfIsFake() {
        assertTrue(VideoVerdict.of(new double[] {0.5}, new boolean[] {true}, 1).fake());
    }

    @Test
    void noFaceInAnyFrameHasNoScore() {
        VideoVerdict v = VideoVerdict.of(new double[0], new boolean[0], 5);
        assertFalse(v.faceFound());
        assertTrue(Double.isNaN(v.score()));
        assertTrue(Double.isNaN(v.fakeFrameShare()));
        assertFalse(v.fake());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> VideoVerdict.of(new double[] {0.5}, new boolean[0], 1));
        assertThrows(IllegalArgumentException.class, () -> VideoVerdict.of(new double[] {1.5}, new boolean[] {true}, 1));
        assertThrows(IllegalArgumentException.class, () -> VideoVerdict.of(new double[] {0.5, 0.5}, new boolean[2], 1));
    }
}
