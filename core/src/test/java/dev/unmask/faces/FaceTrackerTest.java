package dev.unmask.faces;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.List;

/** Greedy IoU linking on hand-made boxes, the IoUs worked out by hand in the comments. */
class FaceTrackerTest {
    @Test
    void aMovingFaceKeepsItsTrackAndANewFaceStartsOne() {
        FaceTracker tracker = new FaceTracker();
        assertArrayEquals(new int[] {0}, tracker.next(List.of(new FaceBox(0, 0, 10, 10))));
        // shifted by 2: intersection 8 x 10 = 80, union 120, IoU 0.67
        assertArrayEquals(new int[] {1, 0}, tracker.next(List.of(new FaceBox(50, 50, 10, 10), new FaceBox(2, 0, 10, 10))));
        assertArrayEquals(new int[] {0, 1}, tracker.next(List.of(new FaceBox(4, 0, 10, 10), new FaceBox(52, 50, 10, 10))));
    }

    @Test
    void anOverlapUnderTheThresholdStartsANewTrack() {
        FaceTracker tracker = new FaceTracker();
        tracker.next(List.of(new FaceBox(0, 0, 10, 10)));
        // shifted by 6: intersection 40, union 160, IoU 0.25 < 0.3
        assertArrayEquals(new int[] {1}, tracker.next(List.of(new FaceBox(6, 0, 10, 10))));
        // shifted by 5 from there: intersection 50, union 150, IoU 0.33: track 1 continues
        assertArrayEquals(new int[] {1}, tracker.next(List.of(new FaceBox(11, 0, 10, 10))));
    }

    @Test
    void theBestOverlapWinsWhenTwoBoxesWantOneTrack() {
        FaceTracker tracker = new FaceTracker();
        tracker.next(List.of(new FaceBox(0, 0, 10, 10)));
        // (3, 0): IoU 70 / 130 = 0.54; (1, 0): IoU 90 / 110 = 0.82, which takes track 0
        assertArrayEquals(new int[] {1, 0}, tracker.next(List.of(new FaceBox(3, 0, 10, 10), new FaceBox(1, 0, 10, 10))));
    }

    @Test
    void greedyByDecreasingOverlapNotByBoxOrder() {
        FaceTracker tracker = new FaceTracker();
        // tracks 0 at x = 0 and 1 at x = 6, side by side with an overlap
        tracker.next(List.of(new FaceBox(0, 0, 10, 10), new FaceBox(6, 0, 10, 10)));
        // box (4, 0): IoU with track 0 = 60 / 140 = 0.43, with track 1 = 80 / 120 = 0.67 -> track 1;
        // box (1, 0): IoU with track 0 = 0.82 -> track 0
        assertArrayEquals(new int[] {1, 0}, tracker.next(List.of(new FaceBox(4, 0, 10, 10), new FaceBox(1, 0, 10, 10))));
    }

    @Test
    void aTrackSurvivesMissedFramesUpToTheLimit() {
        FaceTracker tracker = new FaceTracker(0.3, 2);
        tracker.next(List.of(new FaceBox(0, 0, 10, 10)));
        tracker.next(List.of());
        tracker.next(List.of());
        assertArrayEquals(new int[] {0}, tracker.next(List.of(new FaceBox(1, 0, 10, 10))), "two frames missed");
        tracker.next(List.of());
        tracker.next(List.of());
        tracker.next(List.of());
        assertArrayEquals(new int[] {1}, tracker.next(List.of(new FaceBox(1, 0, 10, 10))), "three frames missed");
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new FaceTracker(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new FaceTracker(1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new FaceTracker(0.5, -1));
        assertEquals(0.3, FaceTracker.DEFAULT_MIN_IOU);
    }
}
